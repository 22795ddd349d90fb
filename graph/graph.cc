#include "graph/graph.h"

#include <utf8proc.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <deque>
#include <regex>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "core/sqlite.h"

#define GRAPH_CONCAT_INNER(a, b) a##b
#define GRAPH_CONCAT(a, b) GRAPH_CONCAT_INNER(a, b)
#define GRAPH_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
// Assigns the value of a Result to `lhs`, or returns its Status.
#define GRAPH_ASSIGN_OR_RETURN(lhs, expr) \
  GRAPH_ASSIGN_OR_RETURN_IMPL(GRAPH_CONCAT(graph_result_, __LINE__), lhs, expr)

namespace dg {

// ---- Names ------------------------------------------------------------------------------

const char* NodeKindName(NodeKind k) {
  switch (k) {
    case NodeKind::kDocument: return "document";
    case NodeKind::kUnit: return "unit";
    case NodeKind::kMeeting: return "meeting";
    case NodeKind::kArticle: return "article";
  }
  return "document";
}

const char* EdgeKindName(EdgeKind k) {
  switch (k) {
    case EdgeKind::kImplements: return "implements";
    case EdgeKind::kLinked: return "linked";
    case EdgeKind::kAmends: return "amends";
    case EdgeKind::kReplaces: return "replaces";
    case EdgeKind::kRepeals: return "repeals";
    case EdgeKind::kBasedOn: return "based_on";
    case EdgeKind::kReviews: return "reviews";
    case EdgeKind::kLaunches: return "launches";
    case EdgeKind::kHeldUnder: return "held_under";
    case EdgeKind::kHeld: return "held";
    case EdgeKind::kPartOf: return "part_of";
    case EdgeKind::kMentions: return "mentions";
    case EdgeKind::kReports: return "reports";
  }
  return "implements";
}

EdgeKind EdgeKindOf(Relation r) {
  switch (r) {
    case Relation::kImplements: return EdgeKind::kImplements;
    case Relation::kLinked: return EdgeKind::kLinked;
    case Relation::kAmends: return EdgeKind::kAmends;
    case Relation::kReplaces: return EdgeKind::kReplaces;
    case Relation::kRepeals: return EdgeKind::kRepeals;
    case Relation::kBasedOn: return EdgeKind::kBasedOn;
  }
  return EdgeKind::kImplements;
}

bool IsDocumentRelation(EdgeKind k) {
  return k == EdgeKind::kImplements || k == EdgeKind::kLinked || k == EdgeKind::kAmends ||
         k == EdgeKind::kReplaces || k == EdgeKind::kRepeals || k == EdgeKind::kBasedOn;
}

std::string Node::Label() const {
  switch (kind) {
    case NodeKind::kDocument: return document().key.Code();
    case NodeKind::kUnit: return unit().name;
    case NodeKind::kMeeting: {
      const MeetingNode& m = meeting();
      std::string s = m.unit.empty() ? "?" : m.unit;
      if (!m.kind.empty()) s += " " + m.kind;
      if (!m.date.empty()) s += " " + m.date;
      return s;
    }
    case NodeKind::kArticle: return article().title.empty() ? article().url : article().title;
  }
  return id;
}

namespace {

// ---- Text helpers -----------------------------------------------------------------------

// Lower case, no marks, đ -> d; every run of other characters than ASCII letters and
// digits becomes one space, except that '-', '/', '@', '.', '#', '(' and ')' are kept
// (codes and keys are written with them). Trimmed.
std::string FoldForMatch(std::string_view s, bool keep_code_chars) {
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(s.data()), static_cast<utf8proc_ssize_t>(s.size()),
      &out, static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
                                           UTF8PROC_CASEFOLD | UTF8PROC_COMPAT));
  std::string folded;
  if (n >= 0) {
    folded.assign(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
  } else {
    folded.assign(s);
  }
  std::free(out);
  std::string r;
  bool space = false;
  for (size_t i = 0; i < folded.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(folded[i]);
    char emit = 0;
    if (c == 0xC4 && i + 1 < folded.size() &&
        (static_cast<unsigned char>(folded[i + 1]) == 0x91 ||
         static_cast<unsigned char>(folded[i + 1]) == 0x90)) {
      emit = 'd';  // đ (Đ after case folding)
      ++i;
    } else if (c == 0xC3 && i + 1 < folded.size() &&
               (static_cast<unsigned char>(folded[i + 1]) == 0xB0 ||
                static_cast<unsigned char>(folded[i + 1]) == 0x90)) {
      emit = 'd';  // ð, Ð
      ++i;
    } else if (std::isalnum(c)) {
      emit = static_cast<char>(std::tolower(c));
    } else if (keep_code_chars && std::string_view("-/@.#()").find(static_cast<char>(c)) !=
                                      std::string_view::npos) {
      emit = static_cast<char>(c);
    }
    if (emit == 0) {
      space = !r.empty();
      continue;
    }
    if (space) r += ' ';
    space = false;
    r += emit;
  }
  return r;
}

std::string Fold(std::string_view s) { return FoldForMatch(s, false); }

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// Levenshtein distance, for "did you mean".
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cur = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
      prev = cur;
    }
  }
  return row[b.size()];
}

// Syllable bigrams of a folded title, within clauses, without the generic ones that any
// two Party titles share.
std::set<std::string> TitleBigrams(std::string_view title) {
  static const std::set<std::string> kGeneric = {
      "can bo",    "dang vien",  "cac cap",   "cac nganh", "nguoi dung", "dung dau",
      "tap the",   "ca nhan",    "to chuc",   "thuc hien", "doan vien",  "hoi vien",
      "cong chuc", "vien chuc",  "trach nhiem", "dang bo", "tren dia",   "dia ban",
      "ve viec",   "tinh hinh",  "hinh moi",  "tang cuong", "day manh",  "nang cao",
      "xay dung",  "trong tinh", "bo dang",   "vien cong", "chuc vien",  "cua dang",
      "ve tang",   "ve day",     "ve nang",   "ve xay",    "bo chinh",   "chinh tri"};
  std::set<std::string> out;
  std::string clause;
  auto flush = [&] {
    std::string f = Fold(clause);
    clause.clear();
    std::vector<std::string> words;
    size_t i = 0;
    while (i < f.size()) {
      size_t j = f.find(' ', i);
      if (j == std::string::npos) j = f.size();
      words.push_back(f.substr(i, j - i));
      i = j + 1;
    }
    for (size_t k = 0; k + 1 < words.size(); ++k) {
      std::string bg = words[k] + " " + words[k + 1];
      if (!kGeneric.count(bg)) out.insert(bg);
    }
  };
  for (char c : title) {
    if (c == ',' || c == ';' || c == '.' || c == ':' || c == '"' || c == '(' || c == ')') {
      flush();
    } else {
      clause += c;
    }
  }
  flush();
  return out;
}

bool IsIsoBound(std::string_view s) {
  static const std::regex kIso(R"(\d{4}(-\d{2}(-\d{2})?)?)");
  return std::regex_match(s.begin(), s.end(), kIso);
}

}  // namespace

std::string SentenceAround(std::string_view text, uint32_t start, uint32_t end) {
  if (start > text.size()) return {};
  if (end > text.size() || end < start) end = start;
  constexpr size_t kReach = 300;
  auto is_break = [&](size_t i) {  // a sentence ends at text[i]
    char c = text[i];
    if (c == '\n') return true;
    if (c == '.' || c == '!' || c == '?' || c == ';') {
      return i + 1 >= text.size() || text[i + 1] == ' ' || text[i + 1] == '\n';
    }
    return false;
  };
  size_t b = start;
  while (b > 0 && start - b < kReach && !is_break(b - 1)) --b;
  const bool cut_before = b > 0 && !is_break(b - 1);
  size_t e = end;
  while (e < text.size() && e - end < kReach && !is_break(e)) ++e;
  const bool cut_after = e < text.size() && !is_break(e);
  if (e < text.size() && text[e] != '\n') ++e;  // keep the full stop
  // A cut sentence is cut at a space (so at a UTF-8 boundary) and marked with "…".
  if (cut_before) {
    while (b < start && text[b] != ' ') ++b;
  }
  if (cut_after) {
    while (e > end && text[e - 1] != ' ') --e;
  }
  return (cut_before ? "… " : "") + Trim(text.substr(b, e - b)) + (cut_after ? " …" : "");
}

// ---- Loading ----------------------------------------------------------------------------

struct Graph::Loader {
  Graph& graph;
  sqlite::Database& db;
  std::map<int64_t, VertexId> docs, units, meetings;
  std::map<std::pair<std::string, bool>, int64_t> unit_by_code;  // (code, era) -> units.id
  // (article, document) -> first mention span
  std::map<std::pair<int64_t, int64_t>, std::pair<uint32_t, uint32_t>> first_mention;
  // Inferred edges the extraction stored (a steering committee named after the central
  // document): evidence (c) for Infer(), which weighs it with the other kinds.
  std::vector<std::tuple<VertexId, VertexId, EdgeData>> extracted_inferred;

  VertexId Add(Node n) {
    std::string id = n.id;
    VertexId v = boost::add_vertex(std::move(n), graph.g_);
    graph.by_id_[id] = v;
    return v;
  }

  Status Run() {
    DG_RETURN_IF_ERROR(Articles());
    DG_RETURN_IF_ERROR(Documents());
    DG_RETURN_IF_ERROR(Mentions());
    DG_RETURN_IF_ERROR(Relations());
    DG_RETURN_IF_ERROR(Units());
    DG_RETURN_IF_ERROR(Meetings());
    Infer();
    return Status::Ok();
  }

  Status Articles() {
    GRAPH_ASSIGN_OR_RETURN(
        sqlite::Statement st,
        db.Prepare("SELECT id, url, file, title, published, site, text FROM articles ORDER BY id"));
    for (;;) {
      GRAPH_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      ArticleNode a;
      a.row_id = st.ColumnInt(0);
      a.url = st.ColumnText(1);
      a.file = st.ColumnText(2);
      a.title = st.ColumnText(3);
      a.published = st.ColumnText(4);
      a.site = st.ColumnText(5);
      a.text = st.ColumnText(6);
      const int64_t id = a.row_id;
      graph.articles_[id] = Add(Node{NodeKind::kArticle, "article:" + std::to_string(id), a});
    }
    return Status::Ok();
  }

  Status Documents() {
    GRAPH_ASSIGN_OR_RETURN(
        sqlite::Statement st,
        db.Prepare("SELECT id, key, issuer, jurisdiction, date, title FROM documents ORDER BY id"));
    for (;;) {
      GRAPH_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      DocumentNode d;
      d.row_id = st.ColumnInt(0);
      d.key_text = st.ColumnText(1);
      auto key = DocumentKey::Parse(d.key_text);
      if (!key.ok()) {
        return Status::Corrupt(db.path() + ": document " + std::to_string(d.row_id) +
                               " has a bad key: " + key.status().message());
      }
      d.key = std::move(key).value();
      d.issuer = st.ColumnText(2);
      d.jurisdiction = st.ColumnText(3);
      d.date = st.ColumnText(4);
      d.title = st.ColumnText(5);
      const int64_t id = d.row_id;
      std::string node_id = d.key_text;
      docs[id] = Add(Node{NodeKind::kDocument, node_id, std::move(d)});
    }
    GRAPH_ASSIGN_OR_RETURN(sqlite::Statement ad,
                           db.Prepare("SELECT article_id, document_id FROM article_documents "
                                      "ORDER BY document_id, article_id"));
    for (;;) {
      GRAPH_ASSIGN_OR_RETURN(bool row, ad.Step());
      if (!row) break;
      auto d = docs.find(ad.ColumnInt(1));
      if (d == docs.end()) continue;
      std::get<DocumentNode>(graph.g_[d->second].data).articles.push_back(ad.ColumnInt(0));
    }
    return Status::Ok();
  }

  Status Mentions() {
    GRAPH_ASSIGN_OR_RETURN(sqlite::Statement st,
                           db.Prepare("SELECT article_id, document_id, span_start, span_end "
                                      "FROM mentions ORDER BY article_id, document_id, span_start"));
    for (;;) {
      GRAPH_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      first_mention.emplace(
          std::pair{st.ColumnInt(0), st.ColumnInt(1)},
          std::pair{static_cast<uint32_t>(st.ColumnInt(2)), static_cast<uint32_t>(st.ColumnInt(3))});
    }
    // One mentions edge per (article, document), with the first mention as evidence.
    for (const auto& [ad, span] : first_mention) {
      auto a = graph.articles_.find(ad.first);
      auto d = docs.find(ad.second);
      if (a == graph.articles_.end() || d == docs.end()) continue;
      EdgeData e;
      e.kind = EdgeKind::kMentions;
      e.article_id = ad.first;
      e.evidence_start = span.first;
      e.evidence_end = span.second;
      boost::add_edge(a->second, d->second, e, graph.g_);
    }
    return Status::Ok();
  }

  Status Relations() {
    GRAPH_ASSIGN_OR_RETURN(sqlite::Statement st,
                           db.Prepare("SELECT article_id, from_doc, rel, to_doc, evidence_start, "
                                      "evidence_end, inferred, weight FROM edges ORDER BY id"));
    for (;;) {
      GRAPH_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      Relation rel;
      if (!ParseRelation(st.ColumnText(2), &rel)) {
        return Status::Corrupt(db.path() + ": unknown relation '" + st.ColumnText(2) + "'");
      }
      auto f = docs.find(st.ColumnInt(1));
      auto t = docs.find(st.ColumnInt(3));
      if (f == docs.end() || t == docs.end()) continue;
      EdgeData e;
      e.kind = EdgeKindOf(rel);
      e.article_id = st.ColumnInt(0);
      e.evidence_start = static_cast<uint32_t>(st.ColumnInt(4));
      e.evidence_end = static_cast<uint32_t>(st.ColumnInt(5));
      e.inferred = st.ColumnInt(6) != 0;
      e.weight = st.ColumnDouble(7);
      if (e.inferred) {
        extracted_inferred.emplace_back(f->second, t->second, std::move(e));
        continue;
      }
      boost::add_edge(f->second, t->second, e, graph.g_);
    }
    return Status::Ok();
  }

  Status Units() {
    GRAPH_ASSIGN_OR_RETURN(
        sqlite::Statement st,
        db.Prepare("SELECT id, code, name, level, province, parent_code, slug, after_reform "
                   "FROM units ORDER BY id"));
    for (;;) {
      GRAPH_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      UnitNode u;
      u.row_id = st.ColumnInt(0);
      u.code = st.ColumnText(1);
      u.name = st.ColumnText(2);
      u.level = st.ColumnText(3);
      u.province = st.ColumnText(4);
      u.parent_code = st.ColumnText(5);
      u.slug = st.ColumnText(6);
      u.after_reform = st.ColumnInt(7) != 0;
      const int64_t id = u.row_id;
      // "unit:760" before the 2025 reform, "unit:26734@2025" after it: the reform reused codes.
      std::string node_id = u.code.empty() ? "unit:#" + std::to_string(id)
                                           : "unit:" + u.code + (u.after_reform ? "@2025" : "");
      if (!u.code.empty()) unit_by_code[{u.code, u.after_reform}] = id;
      units[id] = Add(Node{NodeKind::kUnit, node_id, std::move(u)});
    }
    for (const auto& [id, v] : units) {
      const UnitNode& u = graph.g_[v].unit();
      if (u.parent_code.empty()) continue;
      auto p = unit_by_code.find({u.parent_code, u.after_reform});
      if (p == unit_by_code.end()) continue;
      EdgeData e;
      e.kind = EdgeKind::kPartOf;
      boost::add_edge(v, units[p->second], e, graph.g_);
    }
    return Status::Ok();
  }

  Status Meetings() {
    GRAPH_ASSIGN_OR_RETURN(
        sqlite::Statement st,
        db.Prepare("SELECT id, article_id, unit_id, unit, unit_level, province, kind, years, "
                   "date, date_inferred, chair, held_under FROM meetings ORDER BY id"));
    std::vector<std::pair<VertexId, int64_t>> held_under;
    for (;;) {
      GRAPH_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      MeetingNode m;
      m.row_id = st.ColumnInt(0);
      m.article_id = st.ColumnInt(1);
      m.unit = st.ColumnText(3);
      m.unit_level = st.ColumnText(4);
      m.province = st.ColumnText(5);
      m.kind = st.ColumnText(6);
      if (!st.ColumnIsNull(7)) m.years = static_cast<int>(st.ColumnInt(7));
      m.date = st.ColumnText(8);
      m.date_inferred = st.ColumnInt(9) != 0;
      m.chair = st.ColumnText(10);
      const int64_t id = m.row_id;
      const int64_t article_id = m.article_id;
      VertexId v = Add(Node{NodeKind::kMeeting, "meeting:" + std::to_string(id), std::move(m)});
      meetings[id] = v;
      if (!st.ColumnIsNull(2)) {
        auto u = units.find(st.ColumnInt(2));
        if (u != units.end()) {
          EdgeData e;
          e.kind = EdgeKind::kHeld;
          e.article_id = article_id;
          boost::add_edge(u->second, v, e, graph.g_);
        }
      }
      auto a = graph.articles_.find(article_id);
      if (a != graph.articles_.end()) {
        EdgeData e;
        e.kind = EdgeKind::kReports;
        e.article_id = article_id;
        boost::add_edge(a->second, v, e, graph.g_);
      }
      if (!st.ColumnIsNull(11)) held_under.emplace_back(v, st.ColumnInt(11));
    }
    auto covered = [&](VertexId meeting, int64_t doc_id, EdgeKind kind) {
      auto d = docs.find(doc_id);
      if (d == docs.end()) return;
      EdgeData e;
      e.kind = kind;
      e.article_id = graph.g_[meeting].meeting().article_id;
      auto span = first_mention.find({e.article_id, doc_id});
      if (span != first_mention.end()) {
        e.evidence_start = span->second.first;
        e.evidence_end = span->second.second;
      }
      boost::add_edge(meeting, d->second, e, graph.g_);
    };
    for (const auto& [v, doc] : held_under) covered(v, doc, EdgeKind::kHeldUnder);
    GRAPH_ASSIGN_OR_RETURN(sqlite::Statement md,
                           db.Prepare("SELECT meeting_id, role, document_id FROM "
                                      "meeting_documents ORDER BY meeting_id, role, ordinal"));
    for (;;) {
      GRAPH_ASSIGN_OR_RETURN(bool row, md.Step());
      if (!row) break;
      auto m = meetings.find(md.ColumnInt(0));
      if (m == meetings.end()) continue;
      covered(m->second, md.ColumnInt(2),
              md.ColumnText(1) == "launched" ? EdgeKind::kLaunches : EdgeKind::kReviews);
    }
    return Status::Ok();
  }

  // Inferred implements edges from a local Party document to a central one (see graph.h).
  void Infer() {
    BoostGraph& g = graph.g_;
    auto is_local = [&](VertexId v) {
      const DocumentKey& k = g[v].document().key;
      return k.family == Family::kParty && !k.IsCentral();
    };
    auto is_central = [&](VertexId v) { return g[v].document().key.IsCentral(); };
    // Pairs with a stated relation, either way.
    std::set<std::pair<VertexId, VertexId>> stated;
    for (auto [it, end] = boost::edges(g); it != end; ++it) {
      const EdgeData& e = g[*it];
      if (!IsDocumentRelation(e.kind)) continue;
      VertexId a = boost::source(*it, g), b = boost::target(*it, g);
      stated.insert({std::min(a, b), std::max(a, b)});
    }
    struct Candidate {
      double together = 0;  // (a)
      std::string together_why;
      int64_t article_id = 0;
      double titles = 0;  // (b)
      std::string titles_why;
      double steering = 0;  // (c)
      std::string steering_why;
      uint32_t steering_start = 0, steering_end = 0;
    };
    std::map<std::pair<VertexId, VertexId>, Candidate> found;  // (local, central)

    // (a) Reviewed or launched together: meetings of one article, unit and date.
    std::map<std::tuple<int64_t, std::string, std::string>, std::vector<VertexId>> groups;
    std::map<std::tuple<int64_t, std::string, std::string>, VertexId> group_meeting;
    for (const auto& [id, m] : meetings) {
      const MeetingNode& mn = g[m].meeting();
      auto key = std::make_tuple(mn.article_id, mn.unit, mn.date);
      group_meeting.emplace(key, m);
      for (auto [it, end] = boost::out_edges(m, g); it != end; ++it) {
        if (g[*it].kind == EdgeKind::kReviews || g[*it].kind == EdgeKind::kLaunches) {
          groups[key].push_back(boost::target(*it, g));
        }
      }
    }
    for (const auto& [key, members] : groups) {
      for (VertexId l : members) {
        if (!is_local(l)) continue;
        for (VertexId c : members) {
          if (!is_central(c) || stated.count({std::min(l, c), std::max(l, c)})) continue;
          Candidate& cand = found[{l, c}];
          if (cand.together > 0) {
            cand.together = std::min(0.75, cand.together + 0.25);
            continue;
          }
          cand.together = 0.5;
          cand.article_id = std::get<0>(key);
          cand.together_why = "reviewed together at " + g[group_meeting[key]].Label() +
                              " (article " + std::to_string(std::get<0>(key)) + ")";
        }
      }
    }

    // (c) A steering committee named after the central document, in the local one's
    //     article (ingest/extract.cc, FindSteering). One article's evidence keeps its own
    //     weight; each further article adds to it.
    for (const auto& [l, c, e] : extracted_inferred) {
      if (!is_local(l) || !is_central(c) || stated.count({std::min(l, c), std::max(l, c)})) continue;
      Candidate& cand = found[{l, c}];
      if (cand.steering > 0) {
        cand.steering = std::min(0.7, cand.steering + 0.1);
        continue;
      }
      cand.steering = e.weight;
      cand.steering_why = "the steering committee named after it is named in article " +
                          std::to_string(e.article_id);
      cand.steering_start = e.evidence_start;
      cand.steering_end = e.evidence_end;
      if (cand.article_id == 0) cand.article_id = e.article_id;
    }

    // (b) The local title carries the central one's subject.
    std::vector<std::pair<VertexId, std::set<std::string>>> centrals, locals;
    for (const auto& [id, v] : docs) {
      const std::string& title = g[v].document().title;
      if (title.empty()) continue;
      if (is_central(v)) centrals.emplace_back(v, TitleBigrams(title));
      if (is_local(v)) locals.emplace_back(v, TitleBigrams(title));
    }
    for (const auto& [l, lb] : locals) {
      for (const auto& [c, cb] : centrals) {
        if (cb.empty() || stated.count({std::min(l, c), std::max(l, c)})) continue;
        std::vector<std::string> shared;
        std::set_intersection(lb.begin(), lb.end(), cb.begin(), cb.end(),
                              std::back_inserter(shared));
        const double ratio = static_cast<double>(shared.size()) / static_cast<double>(cb.size());
        if (shared.size() < 3 || ratio < 0.25) continue;
        Candidate& cand = found[{l, c}];
        cand.titles = std::min(0.6, ratio);
        std::string words;
        for (size_t i = 0; i < shared.size() && i < 6; ++i) words += (i ? ", " : "") + shared[i];
        char pct[16];
        std::snprintf(pct, sizeof pct, "%.0f%%", ratio * 100);
        cand.titles_why = std::string("titles share ") + pct + " of the central subject (" +
                          words + (shared.size() > 6 ? ", …" : "") + ")";
      }
    }

    for (const auto& [pair, cand] : found) {
      const auto [l, c] = pair;
      EdgeData e;
      e.kind = EdgeKind::kImplements;
      e.inferred = true;
      e.weight = 1.0 - (1.0 - cand.together) * (1.0 - cand.titles) * (1.0 - cand.steering);
      e.why = cand.together_why;
      for (const std::string* more : {&cand.titles_why, &cand.steering_why})
        if (!more->empty()) e.why += (e.why.empty() ? "" : "; ") + *more;
      e.article_id = cand.article_id;
      const DocumentNode& ld = g[l].document();
      if (e.article_id == 0 && !ld.articles.empty()) e.article_id = ld.articles.front();
      auto span = first_mention.find({e.article_id, ld.row_id});
      if (cand.together == 0 && cand.steering > 0) {
        e.evidence_start = cand.steering_start;  // the committee's name
        e.evidence_end = cand.steering_end;
      } else if (span != first_mention.end()) {
        e.evidence_start = span->second.first;
        e.evidence_end = span->second.second;
      }
      boost::add_edge(l, c, e, g);
    }
  }
};

Result<std::unique_ptr<Graph>> Graph::Load(const Store& store) {
  std::unique_ptr<Graph> graph(new Graph());
  Loader loader{*graph, store.database(), {}, {}, {}, {}, {}, {}};
  try {
    DG_RETURN_IF_ERROR(
        sqlite::WithSavepoint(store.database(), "graph_load", [&] { return loader.Run(); }));
  } catch (const std::exception& e) {
    return Status::Internal(store.path() + ": loading the graph failed: " + e.what());
  }
  return graph;
}

// ---- Nodes and edges --------------------------------------------------------------------

size_t Graph::node_count() const { return boost::num_vertices(g_); }
size_t Graph::edge_count() const { return boost::num_edges(g_); }
const Node& Graph::node(VertexId v) const { return g_[v]; }

std::vector<VertexId> Graph::NodeIds() const {
  std::vector<VertexId> out;
  out.reserve(by_id_.size());
  for (const auto& [id, v] : by_id_) out.push_back(v);
  return out;
}

namespace {

void SortEdges(const BoostGraph& g, std::vector<EdgeRef>* edges) {
  std::sort(edges->begin(), edges->end(), [&](const EdgeRef& a, const EdgeRef& b) {
    auto key = [&](const EdgeRef& e) {
      return std::make_tuple(std::cref(g[e.from].id), static_cast<int>(e.data->kind),
                             std::cref(g[e.to].id), e.data->inferred, e.data->article_id,
                             e.data->evidence_start);
    };
    return key(a) < key(b);
  });
}

}  // namespace

std::vector<EdgeRef> Graph::Edges() const {
  std::vector<EdgeRef> out;
  out.reserve(boost::num_edges(g_));
  for (auto [it, end] = boost::edges(g_); it != end; ++it) {
    out.push_back({boost::source(*it, g_), boost::target(*it, g_), &g_[*it]});
  }
  SortEdges(g_, &out);
  return out;
}

std::vector<EdgeRef> Graph::OutEdges(VertexId v) const {
  std::vector<EdgeRef> out;
  for (auto [it, end] = boost::out_edges(v, g_); it != end; ++it) {
    out.push_back({v, boost::target(*it, g_), &g_[*it]});
  }
  SortEdges(g_, &out);
  return out;
}

std::vector<EdgeRef> Graph::InEdges(VertexId v) const {
  std::vector<EdgeRef> out;
  for (auto [it, end] = boost::in_edges(v, g_); it != end; ++it) {
    out.push_back({boost::source(*it, g_), v, &g_[*it]});
  }
  SortEdges(g_, &out);
  return out;
}

std::optional<VertexId> Graph::FindById(std::string_view id) const {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

std::optional<VertexId> Graph::FindDocument(std::string_view canonical_key) const {
  auto v = FindById(canonical_key);
  if (!v || g_[*v].kind != NodeKind::kDocument) return std::nullopt;
  return v;
}

std::optional<VertexId> Graph::FindArticle(int64_t article_id) const {
  auto it = articles_.find(article_id);
  if (it == articles_.end()) return std::nullopt;
  return it->second;
}

// ---- Lookup -----------------------------------------------------------------------------

namespace {

// What a typed key asks for, folded (ASCII, lower case).
struct KeyQuery {
  std::vector<std::string> types;  // accepted folded type codes; empty = any
  std::string number;              // without leading zeros
  std::string suffix;              // folded; empty = any
  std::string year;                // state codes
  std::string place;               // folded words of the place ("ho chi minh"); empty = any
  std::string term;                // folded roman numeral; empty = any
};

// Folded type words, longest first, with the codes they name.
const std::vector<std::pair<std::string, std::vector<std::string>>>& TypeWords() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kWords = {
      {"chuong trinh hanh dong", {"ctr"}},
      {"nghi quyet", {"nq"}},   {"chi thi", {"ct"}},     {"ket luan", {"kl"}},
      {"quy dinh", {"qd", "qdi"}}, {"quyet dinh", {"qd"}}, {"de an", {"da"}},
      {"ke hoach", {"kh"}},     {"chuong trinh", {"ctr"}}, {"huong dan", {"hd"}},
      {"thong bao", {"tb"}},    {"bao cao", {"bc"}},     {"nghi dinh", {"nd"}},
      {"thong tu", {"tt"}},     {"cong van", {"cv"}},
  };
  return kWords;
}

Result<KeyQuery> ParseKeyQuery(std::string_view text) {
  KeyQuery q;
  std::string s = FoldForMatch(text, true);
  // A place in parentheses at the end: "05-ĐA/TU (Thành phố Hồ Chí Minh)".
  if (!s.empty() && s.back() == ')') {
    size_t open = s.rfind('(');
    if (open != std::string::npos) {
      q.place = Fold(s.substr(open + 1, s.size() - open - 2));
      s = Trim(s.substr(0, open));
    }
  }
  // "@scope[#term]".
  if (size_t at = s.find('@'); at != std::string::npos) {
    std::string scope = s.substr(at + 1);
    s = Trim(s.substr(0, at));
    if (size_t hash = scope.find('#'); hash != std::string::npos) {
      q.term = Trim(scope.substr(hash + 1));
      scope = scope.substr(0, hash);
    }
    std::string place = Fold(scope);  // "ho-chi-minh" -> "ho chi minh", dots too
    if (place != "tw" && place != "vn" && !place.empty()) q.place = place;
  }
  // A leading type word, then "số".
  std::vector<std::string> word_types;
  for (const auto& [word, codes] : TypeWords()) {
    if (s.starts_with(word) && (s.size() == word.size() || s[word.size()] == ' ')) {
      word_types = codes;
      s = Trim(s.substr(word.size()));
      break;
    }
  }
  if (s.starts_with("so ")) s = Trim(s.substr(3));
  std::smatch m;
  static const std::regex kParty(R"(^(\d+)\s*-\s*([a-z]+)\s*/\s*([a-z]+)$)");
  static const std::regex kState(R"(^(\d+)\s*/\s*(?:(\d{4})\s*/\s*)?([a-z]+)\s*-\s*([a-z]+)$)");
  static const std::regex kShort(R"(^([a-z]+)\s*(\d+)$)");
  static const std::regex kNumber(R"(^(\d+)$)");
  auto strip = [](const std::string& digits) { return StripLeadingZeros(digits); };
  if (std::regex_match(s, m, kParty)) {
    q.number = strip(m[1]);
    q.types = {m[2]};
    q.suffix = m[3];
  } else if (std::regex_match(s, m, kState)) {
    q.number = strip(m[1]);
    q.year = m[2];
    q.types = {m[3]};
    q.suffix = m[4];
  } else if (std::regex_match(s, m, kShort) && word_types.empty()) {
    q.number = strip(m[2]);
    q.types = {m[1]};
  } else if (std::regex_match(s, m, kNumber) && !word_types.empty()) {
    q.number = strip(m[1]);
    q.types = word_types;
  } else {
    return Status::Invalid("'" + std::string(text) +
                           "' is not a document key (try 35-NQ/TW, NQ 35, "
                           "'Nghị quyết 35-NQ/TW' or 05-ĐA/TU@ho-chi-minh)");
  }
  if (q.types.size() == 1 && q.types[0] == "qd" && word_types.size() == 2) q.types = word_types;
  return q;
}

// True when the folded words of `place` occur as whole words in `haystack`.
bool HasWords(const std::string& haystack, const std::string& place) {
  std::string h = " " + haystack + " ";
  return h.find(" " + place + " ") != std::string::npos;
}

bool Matches(const KeyQuery& q, const DocumentNode& d) {
  const DocumentKey& k = d.key;
  if (k.number != q.number) return false;
  if (!q.types.empty() &&
      std::find(q.types.begin(), q.types.end(), Fold(k.type)) == q.types.end()) {
    return false;
  }
  if (!q.suffix.empty() && Fold(k.suffix) != q.suffix) return false;
  if (!q.year.empty() && k.year != q.year) return false;
  if (!q.term.empty() && Fold(k.term) != q.term) return false;
  if (!q.place.empty()) {
    std::string places = Fold(k.scope) + " | " + Fold(d.jurisdiction);
    if (!HasWords(places, q.place)) return false;
  }
  return true;
}

}  // namespace

Result<VertexId> Graph::Resolve(std::string_view key_text) const {
  const std::string text = Trim(key_text);
  if (text.empty()) return Status::Invalid("empty document key");
  // A canonical key, exactly (NFC or not).
  if (auto v = FindDocument(text)) return *v;
  if (auto parsed = DocumentKey::Parse(text); parsed.ok()) {
    if (auto v = FindDocument(parsed->ToString())) return *v;
  }
  GRAPH_ASSIGN_OR_RETURN(KeyQuery q, ParseKeyQuery(text));
  std::vector<VertexId> hits;
  for (const auto& [id, v] : by_id_) {
    if (g_[v].kind == NodeKind::kDocument && Matches(q, g_[v].document())) hits.push_back(v);
  }
  if (hits.size() == 1) return hits.front();
  if (hits.size() > 1) {
    std::string list;
    for (VertexId v : hits) list += (list.empty() ? "" : ", ") + g_[v].id;
    return Status::Conflict("'" + text + "' names " + std::to_string(hits.size()) +
                            " documents: " + list + " (give the key, or a scoped code such as " +
                            g_[hits.front()].document().key.Code() + "@" +
                            g_[hits.front()].document().key.scope + ")");
  }
  // Did you mean: the same number and type anywhere, or codes a few edits away.
  std::string want = q.number + "-" + (q.types.empty() ? "" : q.types.front()) + "/" + q.suffix;
  std::vector<std::pair<size_t, std::string>> close;
  for (const auto& [id, v] : by_id_) {
    if (g_[v].kind != NodeKind::kDocument) continue;
    const DocumentKey& k = g_[v].document().key;
    std::string code = k.number + "-" + Fold(k.type) + "/" + Fold(k.suffix);
    size_t dist = EditDistance(want, code);
    if (k.number == q.number) dist = std::min<size_t>(dist, 1);
    if (dist <= 2) close.emplace_back(dist, id);
  }
  std::sort(close.begin(), close.end());
  std::string msg = "no document '" + text + "'";
  if (!close.empty()) {
    msg += "; did you mean ";
    for (size_t i = 0; i < close.size() && i < 5; ++i) msg += (i ? ", " : "") + close[i].second;
    msg += "?";
  }
  return Status::NotFound(msg);
}

// ---- Queries ----------------------------------------------------------------------------

Evidence Graph::EvidenceOf(const EdgeData& e) const {
  Evidence ev;
  ev.kind = e.kind;
  ev.inferred = e.inferred;
  ev.weight = e.weight;
  ev.why = e.why;
  ev.article_id = e.article_id;
  ev.start = e.evidence_start;
  ev.end = e.evidence_end;
  if (auto a = FindArticle(e.article_id)) {
    const ArticleNode& art = g_[*a].article();
    ev.url = art.url;
    if (e.evidence_end > e.evidence_start) {
      ev.sentence = SentenceAround(art.text, e.evidence_start, e.evidence_end);
    }
  }
  return ev;
}

namespace {

// Implements edges of `v` in one direction: (neighbour, edge), stated before inferred, the
// strongest first, then by neighbour id; one edge per neighbour.
std::vector<std::pair<VertexId, const EdgeData*>> ImplementsNeighbours(const BoostGraph& g,
                                                                      VertexId v, bool up,
                                                                      bool inferred) {
  std::vector<std::pair<VertexId, const EdgeData*>> out;
  auto take = [&](VertexId n, const EdgeData& e) {
    if (e.kind != EdgeKind::kImplements || (e.inferred && !inferred)) return;
    out.emplace_back(n, &e);
  };
  if (up) {
    for (auto [it, end] = boost::out_edges(v, g); it != end; ++it) take(boost::target(*it, g), g[*it]);
  } else {
    for (auto [it, end] = boost::in_edges(v, g); it != end; ++it) take(boost::source(*it, g), g[*it]);
  }
  std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
    return std::make_tuple(std::cref(g[a.first].id), a.second->inferred, -a.second->weight,
                           a.second->article_id) <
           std::make_tuple(std::cref(g[b.first].id), b.second->inferred, -b.second->weight,
                           b.second->article_id);
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const auto& a, const auto& b) { return a.first == b.first; }),
            out.end());
  return out;
}

}  // namespace

Result<Lineage> Graph::GetLineage(VertexId document, const LineageOptions& options) const {
  if (document >= boost::num_vertices(g_) || g_[document].kind != NodeKind::kDocument) {
    return Status::Invalid("lineage: not a document node");
  }
  Lineage out;
  out.root = document;
  std::set<std::string> cycles;
  for (bool up : {true, false}) {
    if (up && options.direction == Direction::kDown) continue;
    if (!up && options.direction == Direction::kUp) continue;
    // Breadth first; parent links give each document its shortest path.
    std::map<VertexId, std::pair<VertexId, const EdgeData*>> parent;
    std::map<VertexId, int> depth{{document, 0}};
    std::deque<VertexId> queue{document};
    std::vector<VertexId> order;
    auto path_to = [&](VertexId v) {
      std::vector<VertexId> p{v};
      while (p.back() != document) p.push_back(parent.at(p.back()).first);
      std::reverse(p.begin(), p.end());
      return p;
    };
    while (!queue.empty()) {
      VertexId v = queue.front();
      queue.pop_front();
      for (const auto& [n, e] : ImplementsNeighbours(g_, v, up, options.inferred)) {
        if (depth.count(n)) {
          // A neighbour on v's own path closes a cycle.
          std::vector<VertexId> p = path_to(v);
          auto at = std::find(p.begin(), p.end(), n);
          if (at != p.end()) {
            std::vector<VertexId> cyc(at, p.end());
            if (!up) std::reverse(cyc.begin(), cyc.end());  // in edge direction
            auto min = std::min_element(cyc.begin(), cyc.end(), [&](VertexId a, VertexId b) {
              return g_[a].id < g_[b].id;
            });
            std::rotate(cyc.begin(), min, cyc.end());
            std::string s;
            for (VertexId c : cyc) s += g_[c].Label() + " -> ";
            s += g_[cyc.front()].Label();
            cycles.insert(s);
          }
          continue;
        }
        if (options.depth > 0 && depth[v] + 1 > options.depth) continue;
        depth[n] = depth[v] + 1;
        parent[n] = {v, e};
        queue.push_back(n);
        order.push_back(n);
      }
    }
    std::vector<LineageEntry> entries;
    for (VertexId v : order) {
      LineageEntry entry;
      entry.document = v;
      entry.direction = up ? Direction::kUp : Direction::kDown;
      entry.path = path_to(v);
      entry.depth = static_cast<int>(entry.path.size()) - 1;
      for (size_t i = 1; i < entry.path.size(); ++i) {
        entry.steps.push_back(EvidenceOf(*parent.at(entry.path[i]).second));
      }
      entries.push_back(std::move(entry));
    }
    std::stable_sort(entries.begin(), entries.end(), [&](const auto& a, const auto& b) {
      return std::make_tuple(a.depth, std::cref(g_[a.document].id)) <
             std::make_tuple(b.depth, std::cref(g_[b.document].id));
    });
    for (auto& e : entries) out.entries.push_back(std::move(e));
  }
  out.cycles.assign(cycles.begin(), cycles.end());
  return out;
}

Result<std::vector<ReviewRow>> Graph::Reviews(VertexId document, std::string_view from,
                                              std::string_view to) const {
  if (document >= boost::num_vertices(g_) || g_[document].kind != NodeKind::kDocument) {
    return Status::Invalid("reviews: not a document node");
  }
  if (!from.empty() && !IsIsoBound(from)) {
    return Status::Invalid("--from '" + std::string(from) + "' is not a date (YYYY[-MM[-DD]])");
  }
  if (!to.empty() && !IsIsoBound(to)) {
    return Status::Invalid("--to '" + std::string(to) + "' is not a date (YYYY[-MM[-DD]])");
  }
  LineageOptions down;
  down.direction = Direction::kDown;
  GRAPH_ASSIGN_OR_RETURN(Lineage lineage, GetLineage(document, down));
  std::vector<std::vector<VertexId>> paths{{document}};
  for (const LineageEntry& e : lineage.entries) paths.push_back(e.path);

  std::vector<ReviewRow> rows;
  std::set<VertexId> seen;
  for (const auto& path : paths) {  // shortest paths first: a direct review wins
    VertexId d = path.back();
    std::vector<std::pair<VertexId, EdgeKind>> covering;
    for (auto [it, end] = boost::in_edges(d, g_); it != end; ++it) {
      EdgeKind k = g_[*it].kind;
      if (k == EdgeKind::kReviews || k == EdgeKind::kLaunches) {
        covering.emplace_back(boost::source(*it, g_), k);
      }
    }
    std::sort(covering.begin(), covering.end(), [](const auto& a, const auto& b) {
      return std::make_pair(a.first, a.second == EdgeKind::kLaunches) <
             std::make_pair(b.first, b.second == EdgeKind::kLaunches);
    });
    for (const auto& [m, kind] : covering) {
      if (!seen.insert(m).second) continue;
      const MeetingNode& mn = g_[m].meeting();
      if (mn.date.empty() ? (!from.empty() || !to.empty())
                          : ((!from.empty() && mn.date < from) ||
                             (!to.empty() && mn.date.substr(0, to.size()) > to))) {
        continue;
      }
      ReviewRow row;
      row.meeting = m;
      row.role = kind == EdgeKind::kLaunches ? "launched" : "reviewed";
      row.document = d;
      row.path = path;
      for (auto [it, end] = boost::in_edges(m, g_); it != end; ++it) {
        if (g_[*it].kind == EdgeKind::kHeld) row.unit = boost::source(*it, g_);
      }
      rows.push_back(std::move(row));
    }
  }
  std::sort(rows.begin(), rows.end(), [&](const ReviewRow& a, const ReviewRow& b) {
    const MeetingNode& x = g_[a.meeting].meeting();
    const MeetingNode& y = g_[b.meeting].meeting();
    return std::make_tuple(x.date.empty(), std::cref(x.date), std::cref(x.unit), x.row_id) <
           std::make_tuple(y.date.empty(), std::cref(y.date), std::cref(y.unit), y.row_id);
  });
  return rows;
}

std::vector<VertexId> Graph::UnitMeetings(VertexId unit) const {
  std::vector<VertexId> out;
  if (unit >= boost::num_vertices(g_) || g_[unit].kind != NodeKind::kUnit) return out;
  for (auto [it, end] = boost::out_edges(unit, g_); it != end; ++it) {
    if (g_[*it].kind == EdgeKind::kHeld) out.push_back(boost::target(*it, g_));
  }
  std::sort(out.begin(), out.end(), [&](VertexId a, VertexId b) {
    return std::make_pair(std::cref(g_[a].meeting().date), g_[a].meeting().row_id) <
           std::make_pair(std::cref(g_[b].meeting().date), g_[b].meeting().row_id);
  });
  return out;
}

std::vector<VertexId> Graph::UnitDocuments(VertexId unit) const {
  std::set<VertexId> docs;
  for (VertexId m : UnitMeetings(unit)) {
    for (auto [it, end] = boost::out_edges(m, g_); it != end; ++it) {
      docs.insert(boost::target(*it, g_));
    }
  }
  std::vector<VertexId> out(docs.begin(), docs.end());
  std::sort(out.begin(), out.end(), [&](VertexId a, VertexId b) { return g_[a].id < g_[b].id; });
  return out;
}

std::vector<EdgeRef> Graph::MeetingDocuments(VertexId meeting) const {
  if (meeting >= boost::num_vertices(g_) || g_[meeting].kind != NodeKind::kMeeting) return {};
  return OutEdges(meeting);
}

GraphStats Graph::Stats() const {
  GraphStats s;
  for (auto [it, end] = boost::vertices(g_); it != end; ++it) {
    const Node& n = g_[*it];
    ++s.nodes_by_kind[NodeKindName(n.kind)];
    if (n.kind == NodeKind::kDocument) ++s.documents_by_type[n.document().key.type];
  }
  for (auto [it, end] = boost::edges(g_); it != end; ++it) {
    ++s.edges_by_kind[EdgeKindName(g_[*it].kind)];
    if (g_[*it].inferred) ++s.inferred_edges;
  }
  return s;
}

}  // namespace dg
