// The exports of graph/export.h: first an ExportGraph (nodes and edges with typed
// attributes, sorted), then one writer per format, each a plain loop over it.
#include "graph/export.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

#include "graph/graph.h"

namespace dg {

// ---- formats and the attribute schema ------------------------------------------------

const char* ExportFormatName(ExportFormat f) {
  switch (f) {
    case ExportFormat::kGexf:
      return "gexf";
    case ExportFormat::kGraphml:
      return "graphml";
    case ExportFormat::kJson:
      return "json";
    case ExportFormat::kCsv:
      return "csv";
  }
  return "gexf";
}

Result<ExportFormat> ParseExportFormat(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (ExportFormat f :
       {ExportFormat::kGexf, ExportFormat::kGraphml, ExportFormat::kJson, ExportFormat::kCsv}) {
    if (lower == ExportFormatName(f)) return f;
  }
  return Status::Invalid("unknown export format '" + std::string(name) +
                         "' (gexf, graphml, json or csv)");
}

namespace {

constexpr AttrDef kNodeAttributes[] = {
    {"kind", AttrType::kString, "document, unit, meeting or article"},
    {"family", AttrType::kString, "documents: party or state"},
    {"type", AttrType::kString, "documents: NQ, CT, ĐA, KH…"},
    {"number", AttrType::kString, "documents: the number, no leading zeros"},
    {"suffix", AttrType::kString, "documents: TW, TU, QU… or CP, UBND…"},
    {"year", AttrType::kString, "state documents: the year inside the code"},
    {"plenum", AttrType::kString, "plenum resolutions: the plenum"},
    {"term", AttrType::kString, "documents: the term (khóa), a Roman numeral"},
    {"scope", AttrType::kString, "documents: TW, VN, a place slug or ? (unscoped)"},
    {"jurisdiction", AttrType::kString, "documents: the issuer's place"},
    {"issuer", AttrType::kString, "documents: the issuing body"},
    {"title", AttrType::kString, "documents and articles: the title"},
    {"code", AttrType::kString, "units: the gazetteer code"},
    {"level", AttrType::kString, "units and meetings: province, district…"},
    {"province", AttrType::kString, "units and meetings: the province"},
    {"unit", AttrType::kString, "meetings: the holding committee as named"},
    {"meeting_kind", AttrType::kString, "meetings: sơ kết, tổng kết, triển khai…"},
    {"years", AttrType::kInteger, "meetings: the review period in years"},
    {"date_inferred", AttrType::kBoolean, "meetings: the date's year was inferred"},
    {"chair", AttrType::kString, "meetings: who chaired"},
    {"url", AttrType::kString, "articles: the url or file path"},
    {"site", AttrType::kString, "articles: the source site"},
    {"date", AttrType::kString, "ISO date: issued, held or published"},
    {"evidence", AttrType::kInteger, "articles that support the node"},
};

constexpr AttrDef kEdgeAttributes[] = {
    {"kind", AttrType::kString, "implements, reviews, held, part_of, mentions…"},
    {"evidence", AttrType::kInteger, "evidence spans (articles) stating the edge"},
    {"inferred", AttrType::kBoolean, "inferred by dirgraph, not stated by a text"},
    {"weight", AttrType::kDouble, "1 for stated edges; the strength of inferred ones"},
    {"why", AttrType::kString, "inferred edges: the evidence in words"},
    {"date", AttrType::kString, "ISO date the edge appears on the timeline"},
};

}  // namespace

std::span<const AttrDef> NodeAttributes() { return kNodeAttributes; }
std::span<const AttrDef> EdgeAttributes() { return kEdgeAttributes; }

// ---- ordering ------------------------------------------------------------------------

namespace {

int KindRank(std::string_view kind) {
  if (kind == "document") return 0;
  if (kind == "unit") return 1;
  if (kind == "meeting") return 2;
  if (kind == "article") return 3;
  return 4;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Natural order: runs of digits compare as numbers ("2-ĐA" < "35-NQ" < "138-KH",
// "meeting:9" < "meeting:10"), the rest bytewise; ties ("02" and "2") fall back to plain
// byte order, so the order is total.
bool NaturalLess(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (IsDigit(a[i]) && IsDigit(b[j])) {
      size_t i2 = i, j2 = j;
      while (i2 < a.size() && IsDigit(a[i2])) ++i2;
      while (j2 < b.size() && IsDigit(b[j2])) ++j2;
      std::string_view da = a.substr(i, i2 - i), db = b.substr(j, j2 - j);
      while (da.size() > 1 && da[0] == '0') da.remove_prefix(1);
      while (db.size() > 1 && db[0] == '0') db.remove_prefix(1);
      if (da.size() != db.size()) return da.size() < db.size();
      if (da != db) return da < db;
      i = i2;
      j = j2;
      continue;
    }
    if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
    ++i;
    ++j;
  }
  if ((a.size() - i) != (b.size() - j)) return (a.size() - i) < (b.size() - j);
  return a < b;
}

bool NodeLess(const ExportNode& a, const ExportNode& b) {
  int ra = KindRank(a.kind), rb = KindRank(b.kind);
  if (ra != rb) return ra < rb;
  if (a.id != b.id) return NaturalLess(a.id, b.id);
  return false;
}

}  // namespace

void SortExportGraph(ExportGraph& g) {
  std::sort(g.nodes.begin(), g.nodes.end(), NodeLess);
  std::unordered_map<std::string_view, uint32_t> rank;
  rank.reserve(g.nodes.size());
  for (size_t i = 0; i < g.nodes.size(); ++i) rank.emplace(g.nodes[i].id, static_cast<uint32_t>(i));
  auto pos = [&](const std::string& id) {
    auto it = rank.find(id);
    return it == rank.end() ? static_cast<uint32_t>(g.nodes.size()) : it->second;
  };
  // Each edge's end positions are looked up once, not at every comparison.
  struct Sorted {
    uint32_t source, target, edge;
  };
  std::vector<Sorted> order(g.edges.size());
  for (size_t i = 0; i < g.edges.size(); ++i) {
    order[i] = {pos(g.edges[i].source), pos(g.edges[i].target), static_cast<uint32_t>(i)};
  }
  std::sort(order.begin(), order.end(), [&](const Sorted& x, const Sorted& y) {
    if (x.source != y.source) return x.source < y.source;
    if (x.target != y.target) return x.target < y.target;
    const ExportEdge& a = g.edges[x.edge];
    const ExportEdge& b = g.edges[y.edge];
    if (std::tie(a.kind, a.source, a.target) != std::tie(b.kind, b.source, b.target))
      return std::tie(a.kind, a.source, a.target) < std::tie(b.kind, b.source, b.target);
    return x.edge < y.edge;  // edges alike in all three keep the order they were made in
  });
  std::vector<ExportEdge> edges;
  edges.reserve(g.edges.size());
  for (const Sorted& s : order) edges.push_back(std::move(g.edges[s.edge]));
  g.edges = std::move(edges);
}

// ---- from the graph ------------------------------------------------------------------

bool IsCalendarDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!IsDigit(s[i])) return false;
  auto num = [&](size_t at, size_t len) {
    int v = 0;
    for (size_t i = at; i < at + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  const int year = num(0, 4), month = num(5, 2), day = num(8, 2);
  if (year == 0 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

namespace {

std::string TimelineDate(std::string_view date) { return IsCalendarDate(date) ? std::string(date) : ""; }

void Put(std::map<std::string, std::string>& attrs, const char* name, std::string_view v) {
  if (!v.empty()) attrs[name] = std::string(v);
}

std::string Bool(bool b) { return b ? "true" : "false"; }

std::string Double(double d) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

ExportNode MakeNode(const Graph& graph, VertexId v) {
  const Node& n = graph.node(v);
  ExportNode out;
  out.id = n.id;
  out.kind = NodeKindName(n.kind);
  out.label = n.Label();
  auto& a = out.attrs;
  a["kind"] = out.kind;
  switch (n.kind) {
    case NodeKind::kDocument: {
      const DocumentNode& d = n.document();
      const DocumentKey key = d.key();
      a["family"] = key.family == Family::kParty ? "party" : "state";
      Put(a, "type", key.type);
      Put(a, "number", key.number);
      Put(a, "suffix", key.suffix);
      Put(a, "year", key.year);
      Put(a, "plenum", key.plenum);
      Put(a, "term", key.term);
      Put(a, "scope", key.scope);
      Put(a, "jurisdiction", d.jurisdiction);
      Put(a, "issuer", d.issuer);
      Put(a, "title", d.title);
      Put(a, "date", d.date);
      a["evidence"] = std::to_string(graph.ArticlesOf(v).size());
      out.start = TimelineDate(d.date);
      break;
    }
    case NodeKind::kUnit: {
      const UnitNode& u = n.unit();
      Put(a, "code", u.code);
      Put(a, "level", u.level);
      Put(a, "province", u.province);
      // A unit enters the timeline with the first meeting it held; its evidence is the
      // articles reporting its meetings.
      std::set<int64_t> articles;
      std::string first;
      for (const EdgeRef& e : graph.OutEdges(v)) {
        if (e.data->kind != EdgeKind::kHeld) continue;
        const Node& m = graph.node(e.to);
        if (m.kind != NodeKind::kMeeting) continue;
        if (m.meeting().article_id != 0) articles.insert(m.meeting().article_id);
        std::string d = TimelineDate(m.meeting().date);
        if (!d.empty() && (first.empty() || d < first)) first = d;
      }
      a["evidence"] = std::to_string(articles.size());
      out.start = first;
      break;
    }
    case NodeKind::kMeeting: {
      const MeetingNode& m = n.meeting();
      Put(a, "level", m.unit_level);
      Put(a, "province", m.province);
      Put(a, "unit", m.unit);
      Put(a, "meeting_kind", m.kind);
      if (m.years) a["years"] = std::to_string(*m.years);
      if (!m.date.empty()) a["date_inferred"] = Bool(m.date_inferred);
      Put(a, "chair", m.chair);
      Put(a, "date", m.date);
      a["evidence"] = m.article_id != 0 ? "1" : "0";
      out.start = TimelineDate(m.date);
      break;
    }
    case NodeKind::kArticle: {
      const ArticleNode& ar = n.article();
      Put(a, "title", ar.title);
      Put(a, "url", ar.url);
      Put(a, "site", ar.site);
      Put(a, "date", ar.published);
      out.start = TimelineDate(ar.published);
      break;
    }
  }
  return out;
}

// The vertices to export: all, or those within options.depth edges of the root.
Result<std::vector<bool>> Selection(const Graph& graph, const ExportOptions& options) {
  const BoostGraph& g = graph.boost_graph();
  const size_t n = graph.node_count();
  if (options.root.empty()) return std::vector<bool>(n, true);
  VertexId root;
  if (auto v = graph.FindById(options.root)) {
    root = *v;
  } else if (options.root.starts_with("unit:") || options.root.starts_with("meeting:") ||
             options.root.starts_with("article:")) {
    return Status::NotFound("no node '" + options.root + "' in the graph");
  } else {
    auto r = graph.Resolve(options.root);
    if (!r.ok()) return r.status();
    root = r.value();
  }
  std::vector<bool> keep(n, false);
  std::vector<int> dist(n, -1);
  std::deque<VertexId> queue{root};
  dist[root] = 0;
  keep[root] = true;
  while (!queue.empty()) {
    VertexId v = queue.front();
    queue.pop_front();
    if (options.depth > 0 && dist[v] >= options.depth) continue;
    auto visit = [&](VertexId w) {
      if (dist[w] >= 0) return;
      dist[w] = dist[v] + 1;
      keep[w] = true;
      queue.push_back(w);
    };
    for (auto [it, end] = boost::out_edges(v, g); it != end; ++it) visit(boost::target(*it, g));
    for (auto [it, end] = boost::in_edges(v, g); it != end; ++it) visit(boost::source(*it, g));
  }
  return keep;
}

}  // namespace

Result<ExportGraph> MakeExportGraph(const Graph& graph, const ExportOptions& options) {
  if (options.depth < 0) {
    return Status::Invalid("depth must not be negative (0: no limit), got " +
                           std::to_string(options.depth));
  }
  auto selection = Selection(graph, options);
  if (!selection.ok()) return selection.status();
  const std::vector<bool>& keep = selection.value();

  ExportGraph out;
  std::map<VertexId, size_t> index;  // vertex -> position in out.nodes
  for (VertexId v : graph.NodeIds()) {
    if (!keep[v]) continue;
    index.emplace(v, out.nodes.size());
    out.nodes.push_back(MakeNode(graph, v));
  }

  // Parallel edges of one kind (the same relation stated by several articles, one
  // mention edge per article) become one edge with their count as evidence.
  struct Merged {
    size_t evidence = 0;
    bool inferred = true;
    double weight = 0;
    std::set<std::string> why;
  };
  std::map<std::tuple<VertexId, VertexId, EdgeKind>, Merged> merged;
  std::vector<std::tuple<VertexId, VertexId, EdgeKind>> order;
  for (const EdgeRef& e : graph.Edges()) {
    if (!keep[e.from] || !keep[e.to]) continue;
    auto key = std::make_tuple(e.from, e.to, e.data->kind);
    auto [it, added] = merged.try_emplace(key);
    if (added) order.push_back(key);
    Merged& m = it->second;
    if (e.data->article_id != 0) ++m.evidence;
    m.inferred = m.inferred && e.data->inferred;
    m.weight = std::max(m.weight, e.data->weight());
    if (!e.data->why().empty()) m.why.insert(std::string(e.data->why()));
  }
  for (const auto& key : order) {
    const auto& [from, to, kind] = key;
    const Merged& m = merged[key];
    const ExportNode& s = out.nodes[index[from]];
    const ExportNode& t = out.nodes[index[to]];
    ExportEdge e;
    e.source = s.id;
    e.target = t.id;
    e.kind = EdgeKindName(kind);
    // An edge appears with the later of its ends: a plan's implements edge with the plan,
    // a review with its meeting.
    e.start = std::max(s.start, t.start);
    e.attrs["kind"] = e.kind;
    e.attrs["evidence"] = std::to_string(m.evidence);
    if (IsDocumentRelation(kind)) {
      e.attrs["inferred"] = Bool(m.inferred);
      e.attrs["weight"] = Double(m.weight);
    }
    std::string why;
    for (const std::string& w : m.why) why += (why.empty() ? "" : "; ") + w;
    Put(e.attrs, "why", why);
    Put(e.attrs, "date", e.start);
    out.edges.push_back(std::move(e));
  }
  SortExportGraph(out);
  return out;
}

// ---- escaping ------------------------------------------------------------------------

namespace {

// Calls emit(code point, bytes) for each UTF-8 sequence of `text`, with code point -1
// for each byte of an invalid one.
template <typename F>
void ForEachCodePoint(std::string_view text, F emit) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    int32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    bool ok = len > 0 && i + len <= text.size();
    for (int k = 1; ok && k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if ((cc >> 6) != 2) ok = false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are invalid too.
    if (ok && ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
               (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))) {
      ok = false;
    }
    if (!ok) {
      emit(-1, text.substr(i, 1));
      ++i;
      continue;
    }
    emit(cp, text.substr(i, len));
    i += len;
  }
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Valid UTF-8 with the C0 controls other than tab, LF and CR replaced by U+FFFD: text
// every format can carry.
std::string CleanUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  ForEachCodePoint(text, [&](int32_t cp, std::string_view bytes) {
    bool bad = cp < 0 || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE ||
               cp == 0xFFFF;
    out += bad ? kReplacement : bytes;
  });
  return out;
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string clean = CleanUtf8(text);
  std::string out;
  out.reserve(clean.size() + 16);
  for (char c : clean) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

std::string JsonString(std::string_view text) {
  std::string clean = CleanUtf8(text);
  std::string out = "\"";
  for (char c : clean) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// A CSV field in double quotes, quotes doubled, line breaks as spaces.
std::string CsvField(std::string_view text) {
  std::string clean = CleanUtf8(text);
  std::string out = "\"";
  for (char c : clean) {
    if (c == '"') {
      out += "\"\"";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

const std::string* Find(const std::map<std::string, std::string>& attrs, const char* name) {
  auto it = attrs.find(name);
  return it == attrs.end() ? nullptr : &it->second;
}

Status Done(std::ostream& out, const char* what) {
  out.flush();
  if (!out) return Status::Io(std::string("writing the ") + what + " export failed");
  return Status::Ok();
}

// ---- GEXF ----------------------------------------------------------------------------

const char* GexfType(AttrType t) {
  switch (t) {
    case AttrType::kString:
      return "string";
    case AttrType::kInteger:
      return "integer";
    case AttrType::kDouble:
      return "double";
    case AttrType::kBoolean:
      return "boolean";
  }
  return "string";
}

struct Rgb {
  int r, g, b;
};

// One colour per node kind: documents red, units green, meetings amber, articles grey.
Rgb KindColour(std::string_view kind) {
  if (kind == "document") return {198, 40, 40};
  if (kind == "unit") return {46, 125, 50};
  if (kind == "meeting") return {249, 168, 37};
  if (kind == "article") return {117, 117, 117};
  return {96, 125, 139};
}

void GexfAttributes(std::ostream& out, const char* cls, std::span<const AttrDef> defs) {
  out << "    <attributes class=\"" << cls << "\" mode=\"static\">\n";
  for (const AttrDef& d : defs) {
    out << "      <attribute id=\"" << d.name << "\" title=\"" << d.name << "\" type=\""
        << GexfType(d.type) << "\"/>\n";
  }
  out << "    </attributes>\n";
}

void GexfValues(std::ostream& out, const std::map<std::string, std::string>& attrs,
                std::span<const AttrDef> defs) {
  bool any = false;
  for (const AttrDef& d : defs) {
    const std::string* v = Find(attrs, d.name);
    if (!v) continue;
    if (!any) out << "        <attvalues>\n";
    any = true;
    out << "          <attvalue for=\"" << d.name << "\" value=\"" << XmlEscape(*v) << "\"/>\n";
  }
  if (any) out << "        </attvalues>\n";
}

}  // namespace

Status WriteGexf(const ExportGraph& g, std::ostream& out) {
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" "
         "version=\"1.3\">\n"
         "  <meta>\n"
         "    <creator>dirgraph</creator>\n"
         "    <description>Party directives, the documents implementing them and the "
         "meetings reviewing them</description>\n"
         "  </meta>\n"
         "  <graph defaultedgetype=\"directed\" idtype=\"string\" mode=\"dynamic\" "
         "timeformat=\"date\">\n";
  GexfAttributes(out, "node", NodeAttributes());
  GexfAttributes(out, "edge", EdgeAttributes());
  out << "    <nodes count=\"" << g.nodes.size() << "\">\n";
  for (const ExportNode& n : g.nodes) {
    out << "      <node id=\"" << XmlEscape(n.id) << "\" label=\"" << XmlEscape(n.label) << "\"";
    if (!n.start.empty()) out << " start=\"" << n.start << "\"";
    out << ">\n";
    GexfValues(out, n.attrs, NodeAttributes());
    Rgb c = KindColour(n.kind);
    out << "        <viz:color r=\"" << c.r << "\" g=\"" << c.g << "\" b=\"" << c.b << "\"/>\n";
    out << "      </node>\n";
  }
  out << "    </nodes>\n";
  out << "    <edges count=\"" << g.edges.size() << "\">\n";
  for (size_t i = 0; i < g.edges.size(); ++i) {
    const ExportEdge& e = g.edges[i];
    out << "      <edge id=\"" << i << "\" source=\"" << XmlEscape(e.source) << "\" target=\""
        << XmlEscape(e.target) << "\" kind=\"" << XmlEscape(e.kind) << "\" label=\""
        << XmlEscape(e.kind) << "\"";
    if (const std::string* w = Find(e.attrs, "weight")) out << " weight=\"" << *w << "\"";
    if (!e.start.empty()) out << " start=\"" << e.start << "\"";
    out << ">\n";
    GexfValues(out, e.attrs, EdgeAttributes());
    out << "      </edge>\n";
  }
  out << "    </edges>\n  </graph>\n</gexf>\n";
  return Done(out, "GEXF");
}

// ---- GraphML -------------------------------------------------------------------------

namespace {

// boost::read_graphml (1.74) reads a "boolean" with lexical_cast<bool>, which takes
// only 0 and 1, while Gephi reads true and false: booleans go out as int 0 / 1, which
// both read alike.
const char* GraphmlType(AttrType t) {
  switch (t) {
    case AttrType::kString:
      return "string";
    case AttrType::kInteger:
      return "long";
    case AttrType::kDouble:
      return "double";
    case AttrType::kBoolean:
      return "int";
  }
  return "string";
}

std::string GraphmlValue(AttrType t, const std::string& v) {
  if (t == AttrType::kBoolean) return v == "true" ? "1" : "0";
  return XmlEscape(v);
}

void GraphmlKeys(std::ostream& out, const char* cls, const char* prefix,
                 std::span<const AttrDef> defs) {
  for (const AttrDef& d : defs) {
    out << "  <key id=\"" << prefix << d.name << "\" for=\"" << cls << "\" attr.name=\"" << d.name
        << "\" attr.type=\"" << GraphmlType(d.type) << "\"/>\n";
  }
}

void GraphmlData(std::ostream& out, const char* prefix,
                 const std::map<std::string, std::string>& attrs, std::span<const AttrDef> defs) {
  for (const AttrDef& d : defs) {
    const std::string* v = Find(attrs, d.name);
    if (!v) continue;
    out << "      <data key=\"" << prefix << d.name << "\">" << GraphmlValue(d.type, *v)
        << "</data>\n";
  }
}

}  // namespace

Status WriteGraphml(const ExportGraph& g, std::ostream& out) {
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
         "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
         "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n";
  out << "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n";
  GraphmlKeys(out, "node", "n_", NodeAttributes());
  GraphmlKeys(out, "edge", "e_", EdgeAttributes());
  out << "  <graph id=\"dirgraph\" edgedefault=\"directed\">\n";
  for (const ExportNode& n : g.nodes) {
    out << "    <node id=\"" << XmlEscape(n.id) << "\">\n";
    out << "      <data key=\"label\">" << XmlEscape(n.label) << "</data>\n";
    GraphmlData(out, "n_", n.attrs, NodeAttributes());
    out << "    </node>\n";
  }
  for (size_t i = 0; i < g.edges.size(); ++i) {
    const ExportEdge& e = g.edges[i];
    out << "    <edge id=\"e" << i << "\" source=\"" << XmlEscape(e.source) << "\" target=\""
        << XmlEscape(e.target) << "\">\n";
    GraphmlData(out, "e_", e.attrs, EdgeAttributes());
    out << "    </edge>\n";
  }
  out << "  </graph>\n</graphml>\n";
  return Done(out, "GraphML");
}

// ---- JSON ----------------------------------------------------------------------------

namespace {

std::string JsonValue(AttrType t, const std::string& v) {
  switch (t) {
    case AttrType::kString:
      return JsonString(v);
    case AttrType::kBoolean:
      return v == "true" ? "true" : "false";
    case AttrType::kInteger:
    case AttrType::kDouble: {
      // Written by MakeExportGraph with to_string / to_chars; anything else is a string.
      bool numeric = !v.empty();
      for (char c : v)
        if (!IsDigit(c) && c != '-' && c != '.' && c != 'e' && c != 'E' && c != '+')
          numeric = false;
      return numeric ? v : JsonString(v);
    }
  }
  return JsonString(v);
}

void JsonMembers(std::ostream& out, const std::map<std::string, std::string>& attrs,
                 std::span<const AttrDef> defs, bool document) {
  for (const AttrDef& d : defs) {
    std::string_view name = d.name;
    if (name == "kind") continue;  // written first
    const std::string* v = Find(attrs, d.name);
    bool always = document && (name == "type" || name == "number" || name == "suffix" ||
                               name == "jurisdiction");
    if (!v && !always) continue;
    out << ",\"" << d.name << "\":" << (v ? JsonValue(d.type, *v) : "null");
  }
}

}  // namespace

Status WriteJson(const ExportGraph& g, std::ostream& out) {
  out << "{\"nodes\":[";
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const ExportNode& n = g.nodes[i];
    out << (i ? ",\n" : "\n") << "{\"id\":" << JsonString(n.id)
        << ",\"kind\":" << JsonString(n.kind) << ",\"label\":" << JsonString(n.label);
    JsonMembers(out, n.attrs, NodeAttributes(), n.kind == "document");
    out << "}";
  }
  out << "\n],\"links\":[";
  for (size_t i = 0; i < g.edges.size(); ++i) {
    const ExportEdge& e = g.edges[i];
    out << (i ? ",\n" : "\n") << "{\"source\":" << JsonString(e.source)
        << ",\"target\":" << JsonString(e.target) << ",\"kind\":" << JsonString(e.kind);
    JsonMembers(out, e.attrs, EdgeAttributes(), false);
    out << "}";
  }
  out << "\n]}\n";
  return Done(out, "JSON");
}

// ---- CSV (neo4j-admin import) --------------------------------------------------------

namespace {

const char* Neo4jType(AttrType t) {
  switch (t) {
    case AttrType::kString:
      return "";
    case AttrType::kInteger:
      return ":long";
    case AttrType::kDouble:
      return ":double";
    case AttrType::kBoolean:
      return ":boolean";
  }
  return "";
}

// "document" -> "Document"; "held_under" -> "HELD_UNDER".
std::string Capitalized(std::string_view s) {
  std::string out(s);
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}
std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The attribute columns, the kind left out (it is the :LABEL or :TYPE).
void CsvHeader(std::ostream& out, std::span<const AttrDef> defs) {
  for (const AttrDef& d : defs) {
    if (std::string_view(d.name) == "kind") continue;
    out << ',' << d.name << Neo4jType(d.type);
  }
  out << '\n';
}

void CsvValues(std::ostream& out, const std::map<std::string, std::string>& attrs,
               std::span<const AttrDef> defs) {
  for (const AttrDef& d : defs) {
    if (std::string_view(d.name) == "kind") continue;
    out << ',';
    const std::string* v = Find(attrs, d.name);
    if (!v) continue;  // an empty field: no property
    out << (d.type == AttrType::kString ? CsvField(*v) : *v);
  }
  out << '\n';
}

}  // namespace

Status WriteCsvNodes(const ExportGraph& g, std::ostream& out) {
  out << "id:ID,:LABEL,label";
  CsvHeader(out, NodeAttributes());
  for (const ExportNode& n : g.nodes) {
    out << CsvField(n.id) << ',' << Capitalized(n.kind) << ',' << CsvField(n.label);
    CsvValues(out, n.attrs, NodeAttributes());
  }
  return Done(out, "CSV nodes");
}

Status WriteCsvEdges(const ExportGraph& g, std::ostream& out) {
  out << ":START_ID,:END_ID,:TYPE";
  CsvHeader(out, EdgeAttributes());
  for (const ExportEdge& e : g.edges) {
    out << CsvField(e.source) << ',' << CsvField(e.target) << ',' << Upper(e.kind);
    CsvValues(out, e.attrs, EdgeAttributes());
  }
  return Done(out, "CSV edges");
}

CsvPaths CsvPathsFor(std::string_view output) {
  std::string base(output);
  if (base.size() > 4 && base.compare(base.size() - 4, 4, ".csv") == 0)
    base.resize(base.size() - 4);
  return {base + "-nodes.csv", base + "-edges.csv"};
}

// ---- files ---------------------------------------------------------------------------

namespace {

// Writes one output. "-" is standard output. A regular file (or a new one) is written
// through `path.tmp-<pid>`, renamed into place once complete; anything else (a symbolic
// link, /dev/stdout, a named pipe) is written in place, so that it is never replaced.
template <typename F>
Status WriteOutput(const std::string& path, F write) {
  namespace fs = std::filesystem;
  if (path == "-") {
    DG_RETURN_IF_ERROR(write(std::cout));
    return Status::Ok();
  }
  std::error_code ec;
  const fs::file_status link = fs::symlink_status(path, ec);
  const bool in_place = fs::exists(link) && !fs::is_regular_file(link);
  const std::string target = in_place ? path : path + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream file(target, std::ios::binary | std::ios::trunc);
    if (!file) return Status::Io("cannot write '" + path + "'");
    Status s = write(file);
    file.close();
    if (s.ok() && !file) s = Status::Io("writing failed");
    if (!s.ok()) {
      if (!in_place) fs::remove(target, ec);
      return Status(s.code(), "'" + path + "': " + s.message());
    }
  }
  if (in_place) return Status::Ok();
  fs::rename(target, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(target, ignored);
    return Status::Io("cannot write '" + path + "': " + ec.message());
  }
  return Status::Ok();
}

}  // namespace

Status WriteExportFile(const ExportGraph& g, ExportFormat format, const std::string& path) {
  if (path.empty()) return Status::Invalid("no output file given");
  switch (format) {
    case ExportFormat::kGexf:
      return WriteOutput(path, [&](std::ostream& o) { return WriteGexf(g, o); });
    case ExportFormat::kGraphml:
      return WriteOutput(path, [&](std::ostream& o) { return WriteGraphml(g, o); });
    case ExportFormat::kJson:
      return WriteOutput(path, [&](std::ostream& o) { return WriteJson(g, o); });
    case ExportFormat::kCsv: {
      if (path == "-") {
        return Status::Invalid("CSV is two files, nodes and edges: give -o PATH, not -");
      }
      CsvPaths p = CsvPathsFor(path);
      DG_RETURN_IF_ERROR(
          WriteOutput(p.nodes, [&](std::ostream& o) { return WriteCsvNodes(g, o); }));
      return WriteOutput(p.edges, [&](std::ostream& o) { return WriteCsvEdges(g, o); });
    }
  }
  return Status::Internal("unknown export format");
}

Result<ExportSummary> ExportTo(const Graph& graph, ExportFormat format,
                               const ExportOptions& options, const std::string& path) {
  auto g = MakeExportGraph(graph, options);
  if (!g.ok()) return g.status();
  DG_RETURN_IF_ERROR(WriteExportFile(g.value(), format, path));
  ExportSummary summary;
  summary.nodes = g.value().nodes.size();
  summary.edges = g.value().edges.size();
  if (format == ExportFormat::kCsv) {
    CsvPaths p = CsvPathsFor(path);
    summary.files = {p.nodes, p.edges};
  } else {
    summary.files = {path};
  }
  return summary;
}

}  // namespace dg
