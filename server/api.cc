#include "server/api.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include "core/assign_or_return.h"
#include "core/document_key.h"
#include "core/search_index.h"
#include "core/utf8.h"
#include "ingest/extract.h"

namespace dg::api {
namespace {

using sqlite::Database;
using sqlite::Statement;

// A rapidjson writer with string_view keys and values; empty optional text is null.
class Json {
 public:
  void Key(std::string_view k) { w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
  void Str(std::string_view v) { w_.String(v.data(), static_cast<rapidjson::SizeType>(v.size())); }
  void Str(std::string_view k, std::string_view v) { Key(k); Str(v); }
  // null when empty
  void Opt(std::string_view k, std::string_view v) {
    Key(k);
    if (v.empty()) {
      w_.Null();
    } else {
      Str(v);
    }
  }
  void Int(std::string_view k, int64_t v) { Key(k); w_.Int64(v); }
  void Int(int64_t v) { w_.Int64(v); }
  void Bool(std::string_view k, bool v) { Key(k); w_.Bool(v); }
  void Null(std::string_view k) { Key(k); w_.Null(); }
  void Null() { w_.Null(); }
  // An integer column that may be NULL.
  void OptInt(std::string_view k, const Statement& st, int column) {
    Key(k);
    if (st.ColumnIsNull(column)) {
      w_.Null();
    } else {
      w_.Int64(st.ColumnInt(column));
    }
  }
  void Begin() { w_.StartObject(); }
  void End() { w_.EndObject(); }
  void BeginArray(std::string_view k) { Key(k); w_.StartArray(); }
  void BeginArray() { w_.StartArray(); }
  void EndArray() { w_.EndArray(); }
  std::string str() const { return std::string(buf_.GetString(), buf_.GetSize()); }

 private:
  rapidjson::StringBuffer buf_;
  rapidjson::Writer<rapidjson::StringBuffer> w_{buf_};
};

// Escapes LIKE's wildcards for "... LIKE ? ESCAPE '\'".
std::string LikeEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// Steps `st` to its next row.
Result<bool> Next(Statement& st) { return st.Step(); }

Result<int64_t> CountOf(Statement& st) {
  DG_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.ColumnInt(0) : int64_t{0};
}

void PageEnd(Json& j, int64_t total, bool more, int64_t last_id) {
  j.EndArray();
  j.Int("total", total);
  if (more) {
    j.Str("next_cursor", std::to_string(last_id));
  } else {
    j.Null("next_cursor");
  }
  j.End();
}

// ---- documents ----

constexpr const char* kDocColumns =
    "d.id, d.key, d.family, d.type, d.number, d.suffix, d.year, d.plenum, d.scope, d.term, "
    "d.issuer, d.jurisdiction, d.date, d.title";
constexpr int kDocColumnCount = 14;

// Writes the fields of a document whose kDocColumns start at column `c`.
void WriteDocumentFields(Json& j, const Statement& st, int c) {
  DocumentKey k;
  k.family = st.ColumnText(c + 2) == "state" ? Family::kState : Family::kParty;
  k.type = st.ColumnText(c + 3);
  k.number = st.ColumnText(c + 4);
  k.suffix = st.ColumnText(c + 5);
  k.year = st.ColumnText(c + 6);
  k.plenum = st.ColumnText(c + 7);
  k.scope = st.ColumnText(c + 8);
  k.term = st.ColumnText(c + 9);
  const std::string key = st.ColumnText(c + 1);
  j.Str("id", KeySlug(key));
  j.Str("key", key);
  j.Str("code", k.Code());
  j.Str("family", st.ColumnText(c + 2));
  j.Str("type", k.type);
  j.Opt("number", k.number);
  j.Str("suffix", k.suffix);
  j.Opt("year", k.year);
  j.Opt("plenum", k.plenum);
  j.Str("scope", k.scope);
  j.Opt("term", k.term);
  j.Opt("issuer", st.ColumnText(c + 10));
  j.Opt("jurisdiction", st.ColumnText(c + 11));
  j.Opt("date", st.ColumnText(c + 12));
  j.Opt("title", st.ColumnText(c + 13));
}

// A key and its slug as a small object.
void WriteDocRef(Json& j, const std::string& key) {
  j.Begin();
  j.Str("id", KeySlug(key));
  j.Str("key", key);
  j.End();
}

constexpr const char* kDocumentFilter =
    " WHERE (?1 = '' OR d.type = ?1) AND (?2 = '' OR d.suffix = ?2)"
    " AND (?3 = '' OR d.jurisdiction LIKE '%' || ?3 || '%' ESCAPE '\\')"
    " AND (?4 = '' OR (d.date <> '' AND substr(d.date, 1, length(?4)) >= ?4))"
    " AND (?5 = '' OR (d.date <> '' AND substr(d.date, 1, length(?5)) <= ?5))"
    " AND (?6 = '' OR d.key LIKE '%' || ?6 || '%' ESCAPE '\\'"
    " OR d.title LIKE '%' || ?6 || '%' ESCAPE '\\' OR d.issuer LIKE '%' || ?6 || '%' ESCAPE '\\')";

}  // namespace

bool ValidDateParam(std::string_view s) {
  auto digits = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i) {
      if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    }
    return true;
  };
  if (s.size() == 4) return digits(0, 4);
  if (s.size() == 7) return digits(0, 4) && s[4] == '-' && digits(5, 2);
  if (s.size() == 10) return digits(0, 4) && s[4] == '-' && digits(5, 2) && s[7] == '-' && digits(8, 2);
  return false;
}

std::string Snippet(std::string_view text, size_t start, size_t end, size_t context) {
  start = std::min(start, text.size());
  end = std::clamp(end, start, text.size());
  size_t lo = start > context ? start - context : 0;
  size_t hi = std::min(text.size(), end + context);
  auto continuation = [&](size_t i) {
    return i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
  };
  while (lo < start && continuation(lo)) ++lo;
  while (hi > end && continuation(hi)) --hi;
  // `text` itself may end inside a character (a window cut in bytes): drop that piece.
  if (hi == text.size() && hi > end) {
    size_t lead = hi;
    while (lead > end && continuation(lead - 1)) --lead;
    if (lead > end) {
      const unsigned char c = static_cast<unsigned char>(text[lead - 1]);
      const size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      if (hi - (lead - 1) < need) hi = lead - 1;
    }
  }
  size_t nl = text.substr(lo, start - lo).rfind('\n');
  if (nl != std::string_view::npos) lo += nl + 1;
  nl = text.substr(end, hi - end).find('\n');
  if (nl != std::string_view::npos) hi = end + nl;
  return std::string(text.substr(lo, hi - lo));
}

namespace {

// The page of `st` (already bound), each row written by `row`; column 0 is the id.
template <typename RowFn>
Status WritePage(Statement& st, int limit, RowFn row, bool* more, int64_t* last_id) {
  int n = 0;
  *more = false;
  for (;;) {
    DG_ASSIGN_OR_RETURN(bool has, Next(st));
    if (!has) break;
    if (n == limit) {
      *more = true;
      break;
    }
    *last_id = st.ColumnInt(0);
    DG_RETURN_IF_ERROR(row());
    ++n;
  }
  st.Reset();
  return Status::Ok();
}

}  // namespace

Result<std::string> ListDocuments(Database& db, const DocumentFilter& f) {
  static const std::string kCount = std::string("SELECT count(*) FROM documents d") + kDocumentFilter;
  static const std::string kPage = std::string("SELECT ") + kDocColumns +
                                   " FROM documents d" + kDocumentFilter +
                                   " AND d.id > ?7 ORDER BY d.id LIMIT ?8";
  const std::string q = LikeEscape(f.q), jur = LikeEscape(f.jurisdiction);
  DG_ASSIGN_OR_RETURN(Statement count, db.Cached(kCount.c_str()));
  DG_RETURN_IF_ERROR(count.BindAll(f.type, f.suffix, jur, f.from, f.to, q));
  DG_ASSIGN_OR_RETURN(int64_t total, CountOf(count));
  count.Reset();
  DG_ASSIGN_OR_RETURN(Statement st, db.Cached(kPage.c_str()));
  DG_RETURN_IF_ERROR(st.BindAll(f.type, f.suffix, jur, f.from, f.to, q, f.page.after,
                                static_cast<int64_t>(f.page.limit) + 1));
  Json j;
  j.Begin();
  j.BeginArray("items");
  bool more = false;
  int64_t last = 0;
  DG_RETURN_IF_ERROR(WritePage(st, f.page.limit, [&] {
    j.Begin();
    WriteDocumentFields(j, st, 0);
    j.End();
    return Status::Ok();
  }, &more, &last));
  PageEnd(j, total, more, last);
  return j.str();
}

Result<int64_t> FindDocument(Database& db, std::string_view id) {
  DG_ASSIGN_OR_RETURN(Statement by_key, db.Cached("SELECT id FROM documents WHERE key = ?"));
  for (const std::string& key : {KeyFromSlug(id), std::string(id)}) {
    DG_RETURN_IF_ERROR(by_key.BindAll(key));
    DG_ASSIGN_OR_RETURN(bool row, by_key.Step());
    if (row) return by_key.ColumnInt(0);
  }
  by_key.Reset();
  if (!id.empty() && id.size() < 19 &&
      std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    DG_ASSIGN_OR_RETURN(Statement by_id, db.Cached("SELECT id FROM documents WHERE id = ?"));
    DG_RETURN_IF_ERROR(by_id.BindAll(static_cast<int64_t>(std::stoll(std::string(id)))));
    DG_ASSIGN_OR_RETURN(bool row, by_id.Step());
    if (row) return by_id.ColumnInt(0);
  }
  // Suggestions: documents of the same number, those of the same type first.
  const std::string key = KeyFromSlug(id);
  std::string number;
  size_t i = 0;
  while (i < key.size() && !std::isdigit(static_cast<unsigned char>(key[i]))) ++i;
  while (i < key.size() && std::isdigit(static_cast<unsigned char>(key[i]))) number += key[i++];
  number = number.empty() ? "" : StripLeadingZeros(number);
  std::vector<std::string> near;
  if (!number.empty()) {
    DG_ASSIGN_OR_RETURN(
        Statement st,
        db.Cached("SELECT key FROM documents WHERE number = ?1 ORDER BY "
                  "instr(?2, '-' || type || '/') = 0, instr(?2, '/' || suffix) = 0, key LIMIT 5"));
    DG_RETURN_IF_ERROR(st.BindAll(number, key));
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      near.push_back(KeySlug(st.ColumnText(0)));
    }
  }
  std::string message = "no document '" + std::string(id) + "'";
  if (!near.empty()) {
    message += "; did you mean ";
    for (size_t k = 0; k < near.size(); ++k) message += (k ? ", " : "") + near[k];
    message += "?";
  }
  return Status::NotFound(message);
}

Result<std::string> DocumentKeyOf(Database& db, int64_t id) {
  DG_ASSIGN_OR_RETURN(Statement st, db.Cached("SELECT key FROM documents WHERE id = ?"));
  DG_RETURN_IF_ERROR(st.BindAll(id));
  DG_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("no document " + std::to_string(id));
  return st.ColumnText(0);
}

namespace {
constexpr int kMaxMentions = 50;  // the first ones, by article; mentions_total counts all
constexpr int kMaxEdges = 500;
constexpr int kSnippetContext = 120;
}  // namespace

Result<std::string> GetDocument(Database& db, int64_t id) {
  static const std::string kDoc =
      std::string("SELECT ") + kDocColumns + " FROM documents d WHERE d.id = ?";
  DG_ASSIGN_OR_RETURN(Statement doc, db.Cached(kDoc.c_str()));
  DG_RETURN_IF_ERROR(doc.BindAll(id));
  DG_ASSIGN_OR_RETURN(bool found, doc.Step());
  if (!found) return Status::NotFound("no document " + std::to_string(id));
  Json j;
  j.Begin();
  WriteDocumentFields(j, doc, 0);
  doc.Reset();

  {
    DG_ASSIGN_OR_RETURN(Statement st,
                         // The spellings of the first 5,000 mentions: a bounded read for a
                         // document mentioned in tens of thousands of articles.
                         db.Cached("SELECT DISTINCT text FROM (SELECT text FROM mentions "
                                   "WHERE document_id = ? LIMIT 5000) ORDER BY text LIMIT 100"));
    DG_RETURN_IF_ERROR(st.BindAll(id));
    j.BeginArray("aliases");
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      j.Str(st.ColumnText(0));
    }
    j.EndArray();
  }
  {
    // Schema 9 keeps a document's mentions in its article_documents rows (`mentions` is a
    // view over them); before, they were a table of their own.
    DG_ASSIGN_OR_RETURN(const int64_t version, db.QueryInt("PRAGMA user_version"));
    const bool inline_mentions = version >= 9;
    DG_ASSIGN_OR_RETURN(
        Statement count,
        db.Cached(inline_mentions ? "SELECT coalesce(sum(mention_count), 0) FROM "
                                    "article_documents WHERE document_id = ?"
                                  : "SELECT count(*) FROM mentions WHERE document_id = ?"));
    DG_RETURN_IF_ERROR(count.BindAll(id));
    DG_ASSIGN_OR_RETURN(int64_t total, CountOf(count));
    count.Reset();
    // The window around each span is cut in bytes (a BLOB substr), then at characters.
    // In the order stored (by article, then span), which the index by document gives
    // without sorting all of a much-mentioned document's mentions: the table's row ids
    // (before schema 9), or the view's article ids, then its ids within each article.
    static const std::string kMentions =
        "SELECT m.article_id, a.title, a.url, a.published, m.span_start, m.span_end, "
        "m.text, m.kind, max(m.span_start - 120, 0), "
        "substr(CAST(a.text AS BLOB), max(m.span_start - 120, 0) + 1, "
        "m.span_end + 120 - max(m.span_start - 120, 0)) "
        "FROM mentions m JOIN articles a ON a.id = m.article_id WHERE m.document_id = ? ";
    static const std::string kByRowId = kMentions + "ORDER BY m.id LIMIT ?";
    static const std::string kByArticle = kMentions + "ORDER BY m.article_id, m.id LIMIT ?";
    DG_ASSIGN_OR_RETURN(Statement st,
                        db.Cached((inline_mentions ? kByArticle : kByRowId).c_str()));
    DG_RETURN_IF_ERROR(st.BindAll(id, kMaxMentions));
    j.Int("mentions_total", total);
    j.BeginArray("mentions");
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      const int64_t start = st.ColumnInt(4), end = st.ColumnInt(5), base = st.ColumnInt(8);
      j.Begin();
      j.Key("article");
      j.Begin();
      j.Int("id", st.ColumnInt(0));
      j.Opt("title", st.ColumnText(1));
      j.Opt("url", st.ColumnText(2));
      j.Opt("published", st.ColumnText(3));
      j.End();
      j.Int("start", start);
      j.Int("end", end);
      j.Str("text", st.ColumnText(6));
      j.Str("kind", st.ColumnText(7));
      j.Str("snippet", Snippet(st.ColumnText(9), static_cast<size_t>(start - base),
                               static_cast<size_t>(end - base), kSnippetContext));
      j.End();
    }
    j.EndArray();
  }
  {
    DG_ASSIGN_OR_RETURN(
        Statement st,
        // The first edges from and to the document, each side read in index order (a
        // central document may have tens of thousands), then merged.
        db.Cached("SELECT e.id, f.key, e.rel, t.key, e.article_id, e.evidence_start, "
                  "e.evidence_end, e.inferred, e.weight, CAST(substr(CAST(a.text AS BLOB), "
                  "e.evidence_start + 1, min(e.evidence_end - e.evidence_start, 2000)) AS TEXT) "
                  "FROM (SELECT * FROM (SELECT id FROM edges WHERE from_doc = ?1 ORDER BY id "
                  "LIMIT ?2) UNION SELECT * FROM (SELECT id FROM edges WHERE to_doc = ?1 "
                  "ORDER BY id LIMIT ?2) ORDER BY id LIMIT ?2) AS first "
                  "JOIN edges e ON e.id = first.id JOIN documents f ON f.id = e.from_doc "
                  "JOIN documents t ON t.id = e.to_doc JOIN articles a ON a.id = e.article_id "
                  "ORDER BY e.id"));
    DG_RETURN_IF_ERROR(st.BindAll(id, kMaxEdges));
    j.BeginArray("edges");
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      j.Begin();
      j.Key("from");
      WriteDocRef(j, st.ColumnText(1));
      j.Str("rel", st.ColumnText(2));
      j.Key("to");
      WriteDocRef(j, st.ColumnText(3));
      j.Key("evidence");
      j.Begin();
      j.Int("article", st.ColumnInt(4));
      j.Int("start", st.ColumnInt(5));
      j.Int("end", st.ColumnInt(6));
      std::string text = st.ColumnText(9);
      j.Str("text", ValidUtf8(text) ? text : Snippet(text, 0, 0, text.size()));
      j.End();
      j.Bool("inferred", st.ColumnInt(7) != 0);
      j.End();
    }
    j.EndArray();
  }
  j.End();
  return j.str();
}

// ---- units ----

namespace {

constexpr const char* kUnitFilter =
    " WHERE (?1 = '' OR u.name LIKE '%' || ?1 || '%' ESCAPE '\\') AND (?2 = '' OR u.level = ?2)"
    " AND (?3 = '' OR u.province LIKE '%' || ?3 || '%' ESCAPE '\\')";

void WriteUnitFields(Json& j, const Statement& st, int c) {
  j.Int("id", st.ColumnInt(c));
  j.Opt("code", st.ColumnText(c + 1));
  j.Str("name", st.ColumnText(c + 2));
  j.Opt("level", st.ColumnText(c + 3));
  j.Opt("province", st.ColumnText(c + 4));
}

}  // namespace

Result<std::string> ListUnits(Database& db, const UnitFilter& f) {
  static const std::string kCount = std::string("SELECT count(*) FROM units u") + kUnitFilter;
  static const std::string kPage =
      std::string("SELECT u.id, u.code, u.name, u.level, u.province, "
                  "(SELECT count(*) FROM meetings m WHERE m.unit_id = u.id) FROM units u") +
      kUnitFilter + " AND u.id > ?4 ORDER BY u.id LIMIT ?5";
  const std::string q = LikeEscape(f.q), province = LikeEscape(f.province);
  DG_ASSIGN_OR_RETURN(Statement count, db.Cached(kCount.c_str()));
  DG_RETURN_IF_ERROR(count.BindAll(q, f.level, province));
  DG_ASSIGN_OR_RETURN(int64_t total, CountOf(count));
  count.Reset();
  DG_ASSIGN_OR_RETURN(Statement st, db.Cached(kPage.c_str()));
  DG_RETURN_IF_ERROR(
      st.BindAll(q, f.level, province, f.page.after, static_cast<int64_t>(f.page.limit) + 1));
  Json j;
  j.Begin();
  j.BeginArray("items");
  bool more = false;
  int64_t last = 0;
  DG_RETURN_IF_ERROR(WritePage(st, f.page.limit, [&] {
    j.Begin();
    WriteUnitFields(j, st, 0);
    j.Int("meetings", st.ColumnInt(5));
    j.End();
    return Status::Ok();
  }, &more, &last));
  PageEnd(j, total, more, last);
  return j.str();
}

Result<std::string> GetUnit(Database& db, int64_t id) {
  DG_ASSIGN_OR_RETURN(
      Statement st,
      db.Cached("SELECT u.id, u.code, u.name, u.level, u.province, "
                "(SELECT count(*) FROM meetings m WHERE m.unit_id = u.id), "
                "(SELECT min(date) FROM meetings m WHERE m.unit_id = u.id AND date <> ''), "
                "(SELECT max(date) FROM meetings m WHERE m.unit_id = u.id AND date <> '') "
                "FROM units u WHERE u.id = ?"));
  DG_RETURN_IF_ERROR(st.BindAll(id));
  DG_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("no unit " + std::to_string(id));
  Json j;
  j.Begin();
  WriteUnitFields(j, st, 0);
  j.Int("meetings", st.ColumnInt(5));
  j.Opt("first_meeting", st.ColumnText(6));
  j.Opt("last_meeting", st.ColumnText(7));
  j.End();
  return j.str();
}

// ---- meetings ----

namespace {

constexpr const char* kMeetingColumns =
    "m.id, m.unit_id, m.unit, m.unit_level, m.unit_code, m.province, m.kind, m.years, m.date, "
    "m.date_inferred, m.chair, coalesce(h.key, ''), m.award_collectives, m.award_individuals, "
    "m.article_id, "
    "(SELECT group_concat(k, char(31)) FROM (SELECT d.key AS k FROM meeting_documents md "
    "JOIN documents d ON d.id = md.document_id WHERE md.meeting_id = m.id AND md.role = "
    "'reviewed' ORDER BY md.ordinal)), "
    "(SELECT group_concat(k, char(31)) FROM (SELECT d.key AS k FROM meeting_documents md "
    "JOIN documents d ON d.id = md.document_id WHERE md.meeting_id = m.id AND md.role = "
    "'launched' ORDER BY md.ordinal))";

constexpr const char* kMeetingFrom =
    " FROM meetings m LEFT JOIN documents h ON h.id = m.held_under";

constexpr const char* kMeetingFilter =
    " WHERE (?1 IS NULL OR m.unit_id = ?1)"
    " AND (?2 IS NULL OR m.held_under = ?2 OR EXISTS (SELECT 1 FROM meeting_documents md"
    " WHERE md.meeting_id = m.id AND md.document_id = ?2))"
    " AND (?3 = '' OR (m.date <> '' AND substr(m.date, 1, length(?3)) >= ?3))"
    " AND (?4 = '' OR (m.date <> '' AND substr(m.date, 1, length(?4)) <= ?4))"
    " AND (?5 = '' OR m.kind = ?5)";

void WriteKeyList(Json& j, std::string_view k, const std::string& joined) {
  j.BeginArray(k);
  size_t at = 0;
  while (!joined.empty() && at <= joined.size()) {
    size_t sep = joined.find('\x1f', at);
    if (sep == std::string::npos) sep = joined.size();
    WriteDocRef(j, joined.substr(at, sep - at));
    at = sep + 1;
  }
  j.EndArray();
}

// The meeting row of kMeetingColumns as an object.
void WriteMeeting(Json& j, const Statement& st) {
  j.Begin();
  j.Int("id", st.ColumnInt(0));
  j.Key("unit");
  j.Begin();
  j.OptInt("id", st, 1);
  j.Str("name", st.ColumnText(2));
  j.Opt("level", st.ColumnText(3));
  j.Opt("code", st.ColumnText(4));
  j.Opt("province", st.ColumnText(5));
  j.End();
  j.Opt("kind", st.ColumnText(6));
  j.OptInt("years", st, 7);
  j.Opt("date", st.ColumnText(8));
  j.Bool("date_inferred", st.ColumnInt(9) != 0);
  j.Opt("chair", st.ColumnText(10));
  const std::string held = st.ColumnText(11);
  j.Key("held_under");
  if (held.empty()) {
    j.Null();
  } else {
    WriteDocRef(j, held);
  }
  j.Key("awards");
  if (st.ColumnIsNull(12) && st.ColumnIsNull(13)) {
    j.Null();
  } else {
    j.Begin();
    j.OptInt("collectives", st, 12);
    j.OptInt("individuals", st, 13);
    j.End();
  }
  j.Int("article", st.ColumnInt(14));
  WriteKeyList(j, "reviewed", st.ColumnText(15));
  WriteKeyList(j, "launched", st.ColumnText(16));
  j.End();
}

}  // namespace

Result<std::string> ListMeetings(Database& db, const MeetingFilter& f) {
  static const std::string kCount =
      std::string("SELECT count(*)") + kMeetingFrom + kMeetingFilter;
  static const std::string kPage = std::string("SELECT ") + kMeetingColumns + kMeetingFrom +
                                   kMeetingFilter + " AND m.id > ?6 ORDER BY m.id LIMIT ?7";
  DG_ASSIGN_OR_RETURN(Statement count, db.Cached(kCount.c_str()));
  DG_RETURN_IF_ERROR(count.BindAll(f.unit, f.document, f.from, f.to, f.kind));
  DG_ASSIGN_OR_RETURN(int64_t total, CountOf(count));
  count.Reset();
  DG_ASSIGN_OR_RETURN(Statement st, db.Cached(kPage.c_str()));
  DG_RETURN_IF_ERROR(st.BindAll(f.unit, f.document, f.from, f.to, f.kind, f.page.after,
                                static_cast<int64_t>(f.page.limit) + 1));
  Json j;
  j.Begin();
  j.BeginArray("items");
  bool more = false;
  int64_t last = 0;
  DG_RETURN_IF_ERROR(WritePage(st, f.page.limit, [&] {
    WriteMeeting(j, st);
    return Status::Ok();
  }, &more, &last));
  PageEnd(j, total, more, last);
  return j.str();
}

Result<std::string> GetMeeting(Database& db, int64_t id) {
  static const std::string kOne =
      std::string("SELECT ") + kMeetingColumns + kMeetingFrom + " WHERE m.id = ?";
  DG_ASSIGN_OR_RETURN(Statement st, db.Cached(kOne.c_str()));
  DG_RETURN_IF_ERROR(st.BindAll(id));
  DG_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("no meeting " + std::to_string(id));
  Json j;
  WriteMeeting(j, st);
  return j.str();
}

// ---- articles ----

Result<std::string> GetArticle(Database& db, int64_t id) {
  DG_ASSIGN_OR_RETURN(Statement st,
                       db.Cached("SELECT id, url, file, title, published, site, author, "
                                 "content_hash, text FROM articles WHERE id = ?"));
  DG_RETURN_IF_ERROR(st.BindAll(id));
  DG_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("no article " + std::to_string(id));
  Json j;
  j.Begin();
  j.Int("id", st.ColumnInt(0));
  j.Opt("url", st.ColumnText(1));
  j.Opt("file", st.ColumnText(2));
  j.Opt("title", st.ColumnText(3));
  j.Opt("published", st.ColumnText(4));
  j.Opt("site", st.ColumnText(5));
  j.Opt("author", st.ColumnText(6));
  j.Str("content_hash", st.ColumnText(7));
  j.Str("text", st.ColumnText(8));
  st.Reset();
  {
    DG_ASSIGN_OR_RETURN(
        Statement m,
        db.Cached("SELECT m.span_start, m.span_end, m.text, m.kind, d.key FROM mentions m "
                  "JOIN documents d ON d.id = m.document_id WHERE m.article_id = ? "
                  "ORDER BY m.span_start, m.id"));
    DG_RETURN_IF_ERROR(m.BindAll(id));
    j.BeginArray("mentions");
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool has, m.Step());
      if (!has) break;
      j.Begin();
      j.Int("start", m.ColumnInt(0));
      j.Int("end", m.ColumnInt(1));
      j.Str("text", m.ColumnText(2));
      j.Str("kind", m.ColumnText(3));
      j.Key("document");
      WriteDocRef(j, m.ColumnText(4));
      j.End();
    }
    j.EndArray();
  }
  {
    DG_ASSIGN_OR_RETURN(Statement u,
                         db.Cached("SELECT span_start, span_end, text, reason FROM unresolved "
                                   "WHERE article_id = ? ORDER BY span_start, id"));
    DG_RETURN_IF_ERROR(u.BindAll(id));
    j.BeginArray("unresolved");
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool has, u.Step());
      if (!has) break;
      j.Begin();
      j.Int("start", u.ColumnInt(0));
      j.Int("end", u.ColumnInt(1));
      j.Str("text", u.ColumnText(2));
      j.Str("reason", u.ColumnText(3));
      j.End();
    }
    j.EndArray();
  }
  {
    DG_ASSIGN_OR_RETURN(
        Statement e,
        db.Cached("SELECT f.key, e.rel, t.key, e.evidence_start, e.evidence_end, e.inferred "
                  "FROM edges e JOIN documents f ON f.id = e.from_doc JOIN documents t "
                  "ON t.id = e.to_doc WHERE e.article_id = ? ORDER BY e.id"));
    DG_RETURN_IF_ERROR(e.BindAll(id));
    j.BeginArray("relations");
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool has, e.Step());
      if (!has) break;
      j.Begin();
      j.Key("from");
      WriteDocRef(j, e.ColumnText(0));
      j.Str("rel", e.ColumnText(1));
      j.Key("to");
      WriteDocRef(j, e.ColumnText(2));
      j.Key("evidence");
      j.Begin();
      j.Int("start", e.ColumnInt(3));
      j.Int("end", e.ColumnInt(4));
      j.End();
      j.Bool("inferred", e.ColumnInt(5) != 0);
      j.End();
    }
    j.EndArray();
  }
  {
    DG_ASSIGN_OR_RETURN(Statement m,
                         db.Cached("SELECT id FROM meetings WHERE article_id = ? ORDER BY id"));
    DG_RETURN_IF_ERROR(m.BindAll(id));
    j.BeginArray("meetings");
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool has, m.Step());
      if (!has) break;
      j.Int(m.ColumnInt(0));
    }
    j.EndArray();
  }
  j.End();
  return j.str();
}

// ---- search ----

namespace {

// The user's words, each with its đ/d variants: the groups of SearchExpression.
std::vector<std::vector<std::string>> SearchGroups(std::string_view q) {
  // Words: runs of ASCII letters and digits and of any non-ASCII bytes; the rest splits.
  std::vector<std::string> words;
  std::string cur;
  for (char c : q) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || std::isalnum(u)) {
      cur += c;
    } else if (!cur.empty()) {
      words.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  if (words.size() > 16) words.resize(16);

  std::vector<std::vector<std::string>> groups;
  for (const std::string& w : words) {
    // Positions of d, D, đ (C4 91), Đ (C4 90): the tokenizer folds the other marks but
    // keeps đ a letter of its own, so each is tried both ways (up to 3 positions).
    std::vector<std::string> variants = {""};
    int forks = 0;
    for (size_t i = 0; i < w.size(); ++i) {
      const bool ascii_d = w[i] == 'd' || w[i] == 'D';
      const bool stroke_d = i + 1 < w.size() && w[i] == '\xC4' && (w[i + 1] == '\x91' || w[i + 1] == '\x90');
      if ((ascii_d || stroke_d) && forks < 3) {
        ++forks;
        std::vector<std::string> next;
        for (const std::string& v : variants) {
          next.push_back(v + "d");
          next.push_back(v + "\xC4\x91");
        }
        variants = std::move(next);
        if (stroke_d) ++i;
        continue;
      }
      for (std::string& v : variants) v += w[i];
    }
    groups.push_back(std::move(variants));
  }
  return groups;
}

std::string ExpressionOf(const std::vector<std::vector<std::string>>& groups) {
  std::string expr;
  for (const std::vector<std::string>& variants : groups) {
    if (!expr.empty()) expr += " AND ";
    if (variants.size() == 1) {
      expr += "\"" + variants[0] + "\"";
      continue;
    }
    expr += "(";
    for (size_t k = 0; k < variants.size(); ++k) {
      expr += (k ? " OR \"" : "\"") + variants[k] + "\"";
    }
    expr += ")";
  }
  return expr;
}

// One page of results, with the JSON's fields but for the items.
struct SearchPage {
  int64_t total = 0;
  int64_t rows = 0;
};

// Schema 4 and 5 (read as they are by a read-only open): their FTS5 index.
Status SearchFts5(Database& db, const std::string& expr, const Page& page, Json& j,
                  SearchPage* out) {
  DG_ASSIGN_OR_RETURN(Statement count,
                       db.Cached("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"));
  DG_RETURN_IF_ERROR(count.BindAll(expr));
  DG_ASSIGN_OR_RETURN(out->total, CountOf(count));
  count.Reset();
  DG_ASSIGN_OR_RETURN(
      Statement st,
      db.Cached("SELECT a.id, a.title, a.url, a.published, "
                "snippet(articles_fts, 1, '[', ']', '…', 24), bm25(articles_fts) "
                "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
                "WHERE articles_fts MATCH ?1 ORDER BY bm25(articles_fts), a.id "
                "LIMIT ?2 OFFSET ?3"));
  DG_RETURN_IF_ERROR(st.BindAll(expr, static_cast<int64_t>(page.limit), page.after));
  for (;;) {
    DG_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ++out->rows;
    j.Begin();
    j.Int("id", st.ColumnInt(0));
    j.Opt("title", st.ColumnText(1));
    j.Opt("url", st.ColumnText(2));
    j.Opt("published", st.ColumnText(3));
    j.Str("snippet", st.ColumnText(4));
    j.End();
  }
  st.Reset();
  return Status::Ok();
}

// Schema 6: the store's own index (core/search_index.h).
Status SearchIndex(Database& db, const std::vector<std::vector<std::string>>& groups,
                   const Page& page, Json& j, SearchPage* result) {
  const search::Searcher searcher(search::Query{groups});
  DG_ASSIGN_OR_RETURN(search::Matches m,
                       searcher.Find(db, page.after, static_cast<int64_t>(page.limit)));
  result->total = m.total;
  for (int64_t id : m.ids) {
    DG_ASSIGN_OR_RETURN(Statement st,
                         db.Cached("SELECT title, url, published, text FROM articles WHERE id = ?"));
    DG_RETURN_IF_ERROR(st.BindAll(id));
    DG_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      return Status::Internal(db.path() + ": search found article " + std::to_string(id) +
                              ", which is not stored");
    }
    ++result->rows;
    j.Begin();
    j.Int("id", id);
    j.Opt("title", st.ColumnText(0));
    j.Opt("url", st.ColumnText(1));
    j.Opt("published", st.ColumnText(2));
    j.Str("snippet", searcher.Snippet(st.ColumnView(3), "[", "]", "…", 24));
    j.End();
  }
  return Status::Ok();
}

}  // namespace

std::string SearchExpression(std::string_view q) { return ExpressionOf(SearchGroups(q)); }

search::Query SearchQuery(std::string_view q) { return search::Query{SearchGroups(q)}; }

Result<std::string> Search(Database& db, std::string_view q, const Page& page) {
  const std::vector<std::vector<std::string>> groups = SearchGroups(q);
  const std::string expr = ExpressionOf(groups);
  if (expr.empty()) return Status::Invalid("parameter 'q' holds no word to search for");
  DG_ASSIGN_OR_RETURN(const int64_t version, db.QueryInt("PRAGMA user_version"));
  Json j;
  j.Begin();
  j.Str("query", expr);
  j.BeginArray("items");
  SearchPage result;
  if (version < 6) {
    DG_RETURN_IF_ERROR(SearchFts5(db, expr, page, j, &result));
  } else {
    // The matches and their articles read in one transaction (a writer may commit between).
    DG_RETURN_IF_ERROR(sqlite::WithSavepoint(db, "search_page", [&]() -> Status {
      return SearchIndex(db, groups, page, j, &result);
    }));
  }
  j.EndArray();
  j.Int("total", result.total);
  if (page.after + result.rows < result.total) {
    j.Str("next_cursor", std::to_string(page.after + result.rows));
  } else {
    j.Null("next_cursor");
  }
  j.End();
  return j.str();
}

// ---- extract, resolved against the store ----

namespace {

struct Resolution {
  std::string status;  // found, ambiguous, unknown
  std::vector<std::string> keys;
};

Result<Resolution> Resolve(Database& db, const DocumentKey& key) {
  DG_ASSIGN_OR_RETURN(Statement exact, db.Cached("SELECT key FROM documents WHERE key = ?"));
  DG_RETURN_IF_ERROR(exact.BindAll(key.ToString()));
  DG_ASSIGN_OR_RETURN(bool row, exact.Step());
  if (row) return Resolution{"found", {key.ToString()}};
  exact.Reset();
  Resolution r{"unknown", {}};
  if (!key.IsUnscoped() && !key.term.empty()) return r;
  // A key whose scope or term is not known fits every stored one that agrees elsewhere.
  DG_ASSIGN_OR_RETURN(
      Statement st,
      db.Cached("SELECT key FROM documents WHERE family = ?1 AND type = ?2 AND number = ?3 "
                "AND suffix = ?4 AND year = ?5 AND plenum = ?6 AND (?7 = '?' OR scope = ?7) "
                "AND (?8 = '' OR term = ?8) ORDER BY key LIMIT 10"));
  DG_RETURN_IF_ERROR(st.BindAll(key.family == Family::kState ? "state" : "party", key.type,
                                key.number, key.suffix, key.year, key.plenum, key.scope,
                                key.term));
  for (;;) {
    DG_ASSIGN_OR_RETURN(bool has, st.Step());
    if (!has) break;
    r.keys.push_back(st.ColumnText(0));
  }
  if (r.keys.size() == 1) r.status = "found";
  if (r.keys.size() > 1) r.status = "ambiguous";
  return r;
}

void AddResolution(rapidjson::Value& obj, const Resolution& r,
                   rapidjson::Document::AllocatorType& a) {
  rapidjson::Value res(rapidjson::kObjectType);
  res.AddMember("status", rapidjson::Value(r.status.c_str(), a), a);
  if (r.status == "found") {
    res.AddMember("id", rapidjson::Value(KeySlug(r.keys[0]).c_str(), a), a);
    res.AddMember("key", rapidjson::Value(r.keys[0].c_str(), a), a);
  } else if (r.status == "ambiguous") {
    rapidjson::Value list(rapidjson::kArrayType);
    for (const std::string& k : r.keys) list.PushBack(rapidjson::Value(KeySlug(k).c_str(), a), a);
    res.AddMember("candidates", list, a);
  }
  obj.RemoveMember("resolution");
  obj.AddMember("resolution", res, a);
}

}  // namespace

Result<std::string> ResolvedExtraction(Database& db, const Extraction& e) {
  rapidjson::Document d;
  const std::string json = ExtractionToJson(e);
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("documents") ||
      !d["documents"].IsArray()) {
    return Status::Internal("the extract JSON does not parse");
  }
  auto& a = d.GetAllocator();
  for (auto& doc : d["documents"].GetArray()) {
    if (!doc.IsObject() || !doc.HasMember("key") || !doc["key"].IsString()) continue;
    auto key = DocumentKey::Parse(doc["key"].GetString());
    Resolution r{"unknown", {}};
    if (key.ok()) {
      DG_ASSIGN_OR_RETURN(r, Resolve(db, key.value()));
    }
    if (doc.HasMember("mentions") && doc["mentions"].IsArray()) {
      for (auto& m : doc["mentions"].GetArray()) {
        if (m.IsObject()) AddResolution(m, r, a);
      }
    }
    AddResolution(doc, r, a);
  }
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  d.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace dg::api
