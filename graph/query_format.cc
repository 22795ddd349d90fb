#include "graph/query_format.h"

#include <nettle/base64.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <optional>

namespace dg {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, const char* key, std::string_view v, bool null_if_empty = false) {
  w.Key(key);
  if (null_if_empty && v.empty()) {
    w.Null();
  } else {
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  }
}

void Doc(Writer& w, const Graph& g, VertexId v) {
  const DocumentNode& d = g.node(v).document();
  const DocumentKey key = d.key();
  w.StartObject();
  Str(w, "id", KeySlug(d.key_text));
  Str(w, "key", d.key_text);
  Str(w, "code", key.Code());
  Str(w, "type", key.type);
  Str(w, "number", key.number);
  Str(w, "suffix", key.suffix);
  Str(w, "jurisdiction", d.jurisdiction, true);
  Str(w, "date", d.date, true);
  Str(w, "title", d.title, true);
  w.EndObject();
}

void MeetingJson(Writer& w, const Graph& g, VertexId v) {
  const MeetingNode& m = g.node(v).meeting();
  w.StartObject();
  w.Key("id");
  w.Int64(m.row_id);
  Str(w, "unit", m.unit, true);
  Str(w, "level", m.unit_level, true);
  Str(w, "province", m.province, true);
  Str(w, "date", m.date, true);
  w.Key("date_inferred");
  w.Bool(m.date_inferred);
  Str(w, "kind", m.kind, true);
  w.Key("years");
  if (m.years) {
    w.Int(*m.years);
  } else {
    w.Null();
  }
  Str(w, "chair", m.chair, true);
  w.Key("article");
  w.Int64(m.article_id);
  w.EndObject();
}

// The unit that held the meeting: its node when stored, else the meeting's own words.
void UnitJson(Writer& w, const Graph& g, const ReviewRow& r) {
  const MeetingNode& m = g.node(r.meeting).meeting();
  const UnitNode* u = r.unit ? &g.node(*r.unit).unit() : nullptr;
  w.StartObject();
  w.Key("id");  // the units row, as in /api/v1/units/{id}
  if (u != nullptr) {
    w.Int64(u->row_id);
  } else {
    w.Null();
  }
  Str(w, "node", u != nullptr ? g.node(*r.unit).id : "", true);  // "unit:760", as in exports
  Str(w, "name", u != nullptr ? u->name : m.unit, true);
  Str(w, "level", u != nullptr && !u->level.empty() ? u->level : m.unit_level, true);
  Str(w, "province", u != nullptr && !u->province.empty() ? u->province : m.province, true);
  w.EndObject();
}

const char* DirectionName(Direction d) {
  switch (d) {
    case Direction::kUp: return "up";
    case Direction::kDown: return "down";
    case Direction::kBoth: return "both";
  }
  return "both";
}

std::string LabelOf(const Graph& g, VertexId v) { return g.node(v).Label(); }

// Display width of UTF-8 text: code points that are not combining marks.
size_t Width(const std::string& s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) == 0x80) continue;
    // U+0300..U+036F (combining marks) are CC 80 .. CD AF.
    if ((c == 0xCC || (c == 0xCD && i + 1 < s.size() &&
                       static_cast<unsigned char>(s[i + 1]) <= 0xAF))) {
      continue;
    }
    ++n;
  }
  return n;
}

std::string Pad(const std::string& s, size_t width) {
  size_t w = Width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

std::string Weight(double w) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", w);
  return buf;
}

std::string Headline(const Graph& g, VertexId v) {
  const DocumentNode& d = g.node(v).document();
  std::string s = d.key().Code() + "  [" + std::string(d.key_text) + "]";
  if (!d.jurisdiction.empty()) (s += "  ") += d.jurisdiction;
  if (!d.date.empty()) (s += "  ") += d.date;
  return s;
}

// base64url without padding, by nettle (a cursor goes into URLs as it is).
std::string Base64Url(std::string_view bytes) {
  base64_encode_ctx ctx;
  base64url_encode_init(&ctx);
  std::string out(BASE64_ENCODE_LENGTH(bytes.size()) + BASE64_ENCODE_FINAL_LENGTH, '\0');
  size_t n = base64_encode_update(&ctx, out.data(), bytes.size(),
                                  reinterpret_cast<const uint8_t*>(bytes.data()));
  n += base64_encode_final(&ctx, out.data() + n);
  out.resize(n);
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

// The bytes of base64url text, with or without padding; nullopt when it is not base64url.
std::optional<std::string> FromBase64Url(std::string_view text) {
  std::string padded(text);
  while (padded.size() % 4 != 0) padded += '=';
  base64_decode_ctx ctx;
  base64url_decode_init(&ctx);
  std::string out(BASE64_DECODE_LENGTH(padded.size()), '\0');
  size_t n = out.size();
  if (!base64_decode_update(&ctx, &n, reinterpret_cast<uint8_t*>(out.data()), padded.size(),
                            padded.data()) ||
      !base64_decode_final(&ctx)) {
    return std::nullopt;
  }
  out.resize(n);
  return out;
}

// A lineage cursor's fields, tab-separated: version, direction (u or d), inferred (0 or 1),
// the depth asked, the root's key, the last entry's depth and key.
constexpr std::string_view kCursorVersion = "L1";

std::vector<std::string_view> SplitTabs(std::string_view s) {
  std::vector<std::string_view> out;
  size_t at = 0;
  for (;;) {
    size_t tab = s.find('\t', at);
    out.push_back(s.substr(at, tab == std::string_view::npos ? std::string_view::npos : tab - at));
    if (tab == std::string_view::npos) return out;
    at = tab + 1;
  }
}

std::optional<int> SmallInt(std::string_view s) {
  int n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || n < 0) return std::nullopt;
  return n;
}

}  // namespace

std::string LineageCursor(const Graph& g, const Lineage& lineage, const LineageOptions& options,
                          Direction direction) {
  const LineageCount& count = direction == Direction::kUp ? lineage.up : lineage.down;
  if (!count.next) return "";
  std::string s(kCursorVersion);
  (s += '\t') += direction == Direction::kUp ? "u" : "d";
  (s += '\t') += options.inferred ? "1" : "0";
  (s += '\t') += std::to_string(options.depth);
  (s += '\t') += g.document(lineage.root).key_text;
  (s += '\t') += std::to_string(count.next->depth);
  (s += '\t') += count.next->key;
  return Base64Url(s);
}

Status ApplyLineageCursor(const Graph& g, VertexId root, std::string_view cursor,
                          std::string_view what, LineageOptions* options) {
  const std::string w(what);
  const Status not_one = Status::Invalid(
      w + " is not a lineage cursor: give the next_cursor of the previous page as it is");
  auto bytes = FromBase64Url(cursor);
  if (!bytes) return not_one;
  const std::vector<std::string_view> f = SplitTabs(*bytes);
  if (f.size() != 7 || f[0] != kCursorVersion || (f[1] != "u" && f[1] != "d") ||
      (f[2] != "0" && f[2] != "1") || !SmallInt(f[3]) || !SmallInt(f[5]) || f[6].empty()) {
    return not_one;
  }
  const std::string_view root_key = g.document(root).key_text;
  if (f[4] != root_key) {
    return Status::Invalid(w + " continues the lineage of " + std::string(f[4]) + ", not of " +
                           std::string(root_key) + ": leave it out to start from the first page");
  }
  const bool inferred = f[2] == "1";
  const int depth = *SmallInt(f[3]);
  if (inferred != options->inferred || depth != options->depth) {
    return Status::Invalid(w + " continues a lineage asked with depth " + std::to_string(depth) +
                           " and inferred " + (inferred ? "true" : "false") +
                           ": ask with the same, or leave it out to start from the first page");
  }
  const Direction dir = f[1] == "u" ? Direction::kUp : Direction::kDown;
  if (options->direction != Direction::kBoth && options->direction != dir) {
    return Status::Invalid(w + " continues the " + DirectionName(dir) +
                           " list: ask for that direction, or for none");
  }
  options->direction = dir;
  options->after = LineagePosition{dir, *SmallInt(f[5]), std::string(f[6])};
  return Status::Ok();
}

std::string LineageToText(const Graph& g, const Lineage& lineage, const LineageOptions& options) {
  std::string out = "lineage of " + Headline(g, lineage.root) + "\n";
  const std::string_view title = g.node(lineage.root).document().title;
  if (!title.empty()) ((out += "  ") += title) += "\n";
  for (Direction dir : {Direction::kUp, Direction::kDown}) {
    bool any = false;
    for (const LineageEntry& e : lineage.entries) {
      if (e.direction != dir) continue;
      if (!any) {
        out += dir == Direction::kUp ? "up (what it implements):\n"
                                     : "down (what implements it):\n";
      }
      any = true;
      std::string path;
      for (size_t i = 0; i < e.path.size(); ++i) {
        path += (i ? (dir == Direction::kUp ? " -> " : " <- ") : "") + LabelOf(g, e.path[i]);
      }
      out += "  " + std::to_string(e.depth) + "  " + Headline(g, e.document) + "\n";
      out += "     path: " + path + "\n";
      for (size_t i = 0; i < e.steps.size(); ++i) {
        const Evidence& ev = e.steps[i];
        VertexId a = e.path[i], b = e.path[i + 1];
        if (dir == Direction::kDown) std::swap(a, b);
        out += "     " + LabelOf(g, a) + " " + EdgeKindName(ev.kind) + " " + LabelOf(g, b);
        if (ev.inferred) out += "  (inferred, weight " + Weight(ev.weight) + ": " + ev.why + ")";
        out += "\n";
        if (ev.article_id != 0) {
          out += "       article " + std::to_string(ev.article_id) + " " + ev.url + " bytes " +
                 std::to_string(ev.start) + "-" + std::to_string(ev.end) + "\n";
        }
        if (!ev.sentence.empty()) out += "       \"" + ev.sentence + "\"\n";
      }
    }
    if (!any) out += dir == Direction::kUp ? "up: none\n" : "down: none\n";
    const LineageCount& count = dir == Direction::kUp ? lineage.up : lineage.down;
    if (count.next) {
      out += "  (" + std::to_string(count.total) + " in all; the next page: --cursor " +
             LineageCursor(g, lineage, options, dir) + ")\n";
    }
  }
  for (const std::string& c : lineage.cycles) out += "cycle: " + c + "\n";
  return out;
}

std::string LineageToJson(const Graph& g, const Lineage& lineage, const LineageOptions& options) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("document");
  Doc(w, g, lineage.root);
  Str(w, "direction", DirectionName(options.direction));
  w.Key("depth");
  w.Int(options.depth);
  w.Key("inferred");
  w.Bool(options.inferred);
  w.Key("limit");
  if (options.limit != 0) {
    w.Uint64(options.limit);
  } else {
    w.Null();
  }
  for (Direction dir : {Direction::kUp, Direction::kDown}) {
    w.Key(DirectionName(dir));
    const LineageCount& count = dir == Direction::kUp ? lineage.up : lineage.down;
    if (!count.asked) {
      w.Null();
      continue;
    }
    w.StartObject();
    w.Key("items");
    w.StartArray();
    for (const LineageEntry& e : lineage.entries) {
      if (e.direction != dir) continue;
      w.StartObject();
      w.Key("document");
      Doc(w, g, e.document);
      w.Key("depth");
      w.Int(e.depth);
      w.Key("path");
      w.StartArray();
      for (VertexId v : e.path) w.String(g.node(v).id.c_str());
      w.EndArray();
      w.Key("steps");
      w.StartArray();
      for (size_t i = 0; i < e.steps.size(); ++i) {
        const Evidence& ev = e.steps[i];
        VertexId a = e.path[i], b = e.path[i + 1];
        if (dir == Direction::kDown) std::swap(a, b);
        w.StartObject();
        Str(w, "from", g.node(a).id);
        Str(w, "rel", EdgeKindName(ev.kind));
        Str(w, "to", g.node(b).id);
        w.Key("inferred");
        w.Bool(ev.inferred);
        w.Key("weight");
        w.Double(ev.weight);
        Str(w, "why", ev.why, true);
        w.Key("article");
        if (ev.article_id != 0) {
          w.Int64(ev.article_id);
        } else {
          w.Null();
        }
        Str(w, "url", ev.url, true);
        w.Key("evidence");
        w.StartObject();
        w.Key("start");
        w.Uint(ev.start);
        w.Key("end");
        w.Uint(ev.end);
        w.EndObject();
        Str(w, "sentence", ev.sentence, true);
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
    w.Key("total");
    w.Uint64(count.total);
    Str(w, "next_cursor", LineageCursor(g, lineage, options, dir), true);
    w.EndObject();
  }
  w.Key("cycles");
  w.StartArray();
  for (const std::string& c : lineage.cycles) w.String(c.c_str());
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string ReviewsToText(const Graph& g, VertexId document, const std::vector<ReviewRow>& rows,
                          size_t total) {
  if (total == 0) total = rows.size();
  std::string out = "reviews of " + Headline(g, document) + ": " + std::to_string(total) +
                    (total == 1 ? " meeting\n" : " meetings\n");
  if (rows.empty()) return out;
  std::vector<std::vector<std::string>> table = {
      {"date", "unit", "level", "province", "kind", "years", "role", "path"}};
  for (const ReviewRow& r : rows) {
    const MeetingNode& m = g.node(r.meeting).meeting();
    std::string path = "direct";
    if (!r.direct()) {
      path = "via";
      for (size_t i = 1; i < r.path.size(); ++i) {
        path += ' ';  // appended in two steps: GCC 12 -O2 warns falsely on " " + s here
        path += LabelOf(g, r.path[i]);
      }
    }
    table.push_back({m.date.empty() ? "?" : std::string(m.date) + (m.date_inferred ? "*" : ""),
                     m.unit.empty() ? "?" : std::string(m.unit), std::string(m.unit_level),
                     std::string(m.province), std::string(m.kind),
                     m.years ? std::to_string(*m.years) + " năm" : "", r.role, path});
  }
  std::vector<size_t> widths(table[0].size(), 0);
  for (const auto& row : table) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], Width(row[i]));
  }
  for (const auto& row : table) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += i + 1 < row.size() ? Pad(row[i], widths[i] + 2) : row[i];
    }
    out += line + "\n";
  }
  bool inferred_date = false;
  for (const ReviewRow& r : rows) inferred_date |= g.node(r.meeting).meeting().date_inferred;
  if (inferred_date) out += "* the year of the date was inferred\n";
  return out;
}

std::string ReviewsToJson(const Graph& g, VertexId document,
                          const std::vector<const ReviewRow*>& rows, size_t total,
                          const std::string& next_cursor) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("document");
  Doc(w, g, document);
  w.Key("items");
  w.StartArray();
  for (const ReviewRow* r : rows) {
    w.StartObject();
    w.Key("meeting");
    MeetingJson(w, g, r->meeting);
    w.Key("unit");
    UnitJson(w, g, *r);
    Str(w, "role", r->role);
    w.Key("document");
    Doc(w, g, r->document);
    w.Key("direct");
    w.Bool(r->direct());
    w.Key("via");
    w.StartArray();
    for (size_t i = 1; i < r->path.size(); ++i) w.String(g.node(r->path[i]).id.c_str());
    w.EndArray();
    Str(w, "url", g.Article(g.meeting(r->meeting).article_id).url, true);
    w.EndObject();
  }
  w.EndArray();
  w.Key("total");
  w.Uint64(total);
  Str(w, "next_cursor", next_cursor, true);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string ReviewsToJson(const Graph& g, VertexId document, const std::vector<ReviewRow>& rows) {
  std::vector<const ReviewRow*> all;
  for (const ReviewRow& r : rows) all.push_back(&r);
  return ReviewsToJson(g, document, all, all.size(), "");
}

}  // namespace dg
