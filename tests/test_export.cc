// Exports (graph/export.h): GEXF validated by xmllint against the GEXF 1.3 RelaxNG
// grammar, GraphML read back by boost::read_graphml, JSON parsed by RapidJSON, CSV in the
// neo4j-admin import shape; deterministic output; the neighbourhood of a root.
//
// Two inputs: a tiny graph built by hand with hostile text (markup characters, quotes,
// line breaks, a control character, invalid UTF-8), and a graph ingested by the real
// pipeline from three short articles into a real SQLite file in a temporary folder.
#include <doctest/doctest.h>

#include "tests/test_support.h"
#include <rapidjson/document.h>
#include <unistd.h>

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphml.hpp>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/store.h"
#include "graph/export.h"
#include "graph/graph.h"
#include "ingest/catalogue.h"
#include "ingest/extract.h"
#include "ingest/gazetteer.h"
#include "ingest/pipeline.h"

namespace {
namespace fs = std::filesystem;
using dg::testing::TempDir;
using dg::ExportEdge;
using dg::ExportGraph;
using dg::ExportNode;


std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `command`, returning its exit status and what it printed (stdout and stderr).
int Run(const std::string& command, std::string* output) {
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  output->clear();
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) output->append(buf, n);
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const fs::path kGexfSchema = fs::path(DIRGRAPH_SHARED_DIR) / "schemas/gexf-1.3/gexf.rng";

// Validates `gexf` with xmllint against the GEXF 1.3 grammar. Returns false (having said
// why) when the grammar is absent: the caller skips.
bool ValidateGexf(const std::string& gexf) {
  if (!fs::exists(kGexfSchema)) {
    MESSAGE("skipped: no GEXF 1.3 grammar at " << kGexfSchema.string()
                                               << " (the shared folder is absent)");
    return false;
  }
  TempDir dir;
  const std::string file = dir.Write("graph.gexf", gexf);
  std::string out;
  int rc = Run("xmllint --noout --relaxng '" + kGexfSchema.string() + "' '" + file + "'", &out);
  INFO("xmllint: " << out);
  REQUIRE_MESSAGE(rc != 127, "xmllint is not installed (scripts/deps.sh installs libxml2-utils)");
  CHECK(rc == 0);
  CHECK(out.find("validates") != std::string::npos);
  return true;
}

std::string Gexf(const ExportGraph& g) {
  std::ostringstream s;
  REQUIRE(dg::WriteGexf(g, s).ok());
  return s.str();
}
std::string Graphml(const ExportGraph& g) {
  std::ostringstream s;
  REQUIRE(dg::WriteGraphml(g, s).ok());
  return s.str();
}
std::string Json(const ExportGraph& g) {
  std::ostringstream s;
  REQUIRE(dg::WriteJson(g, s).ok());
  return s.str();
}
std::string CsvNodes(const ExportGraph& g) {
  std::ostringstream s;
  REQUIRE(dg::WriteCsvNodes(g, s).ok());
  return s.str();
}
std::string CsvEdges(const ExportGraph& g) {
  std::ostringstream s;
  REQUIRE(dg::WriteCsvEdges(g, s).ok());
  return s.str();
}

// RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, in_field = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
      in_field = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\n') {
      row.push_back(field);
      rows.push_back(row);
      row.clear();
      field.clear();
      in_field = false;
    } else {
      field += c;
      in_field = true;
    }
  }
  if (in_field || !row.empty()) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

// ---- boost::read_graphml ----

struct BoostNode {
  std::string label, kind, type, number, title, date;
  long evidence = -1;
  int date_inferred = -1;
};
struct BoostEdge {
  std::string kind;
  long evidence = -1;
  int inferred = -1;
  double weight = -1;
};
using BoostRead =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, BoostNode, BoostEdge>;

// Reads `xml` with boost::read_graphml; false with the exception's text on failure.
bool ReadBackGraphml(const std::string& xml, BoostRead* g, std::string* error) {
  boost::dynamic_properties dp(boost::ignore_other_properties);
  dp.property("label", boost::get(&BoostNode::label, *g));
  dp.property("kind", boost::get(&BoostNode::kind, *g));
  dp.property("type", boost::get(&BoostNode::type, *g));
  dp.property("number", boost::get(&BoostNode::number, *g));
  dp.property("title", boost::get(&BoostNode::title, *g));
  dp.property("date", boost::get(&BoostNode::date, *g));
  dp.property("evidence", boost::get(&BoostNode::evidence, *g));
  dp.property("date_inferred", boost::get(&BoostNode::date_inferred, *g));
  dp.property("kind", boost::get(&BoostEdge::kind, *g));
  dp.property("evidence", boost::get(&BoostEdge::evidence, *g));
  dp.property("inferred", boost::get(&BoostEdge::inferred, *g));
  dp.property("weight", boost::get(&BoostEdge::weight, *g));
  try {
    std::istringstream in(xml);
    boost::read_graphml(in, *g, dp);
    return true;
  } catch (const std::exception& e) {
    *error = e.what();
    return false;
  }
}

// ---- the hand-built graph ----

ExportNode Node(std::string id, std::string kind, std::string label, std::string start,
                std::map<std::string, std::string> attrs) {
  attrs["kind"] = kind;
  return {std::move(id), std::move(kind), std::move(label), std::move(start), std::move(attrs)};
}

ExportEdge Edge(std::string from, std::string to, std::string kind, std::string start,
                std::map<std::string, std::string> attrs) {
  attrs["kind"] = kind;
  if (!start.empty()) attrs["date"] = start;
  return {std::move(from), std::move(to), std::move(kind), std::move(start), std::move(attrs)};
}

// A central resolution, a city scheme implementing it (title with every character that
// needs escaping), a unit, two meetings (ids 9 and 10: numeric order), an article.
// Given out of order: SortExportGraph puts it right.
ExportGraph Tiny() {
  ExportGraph g;
  g.nodes.push_back(Node("meeting:10", "meeting", "Quận ủy Bình Tân tổng kết 2020-11-20",
                         "2020-11-20",
                         {{"meeting_kind", "tổng kết"},
                          {"years", "5"},
                          {"date", "2020-11-20"},
                          {"date_inferred", "false"},
                          {"evidence", "1"}}));
  g.nodes.push_back(Node("meeting:9", "meeting", "Quận ủy Quận 1 sơ kết 2019-06-24", "2019-06-24",
                         {{"meeting_kind", "sơ kết"},
                          {"date", "2019-06-24"},
                          {"date_inferred", "true"},
                          {"evidence", "1"}}));
  g.nodes.push_back(Node("article:1", "article", "Tin <mới> & \"nóng\"", "",
                         {{"url", "https://example.vn/a?x=1&y=2"}}));
  g.nodes.push_back(Node("unit:777", "unit", "Quận ủy Bình Tân", "2020-11-20",
                         {{"code", "777"},
                          {"level", "district"},
                          {"province", "Thành phố Hồ Chí Minh"},
                          {"evidence", "1"}}));
  g.nodes.push_back(Node("2-ĐA/TU@ho-chi-minh", "document", "2-ĐA/TU", "2014-03-24",
                         {{"family", "party"},
                          {"type", "ĐA"},
                          {"number", "2"},
                          {"suffix", "TU"},
                          {"scope", "ho-chi-minh"},
                          {"jurisdiction", "Thành phố Hồ Chí Minh"},
                          {"title", "về \"chi bộ\" <4 tốt> & 'mẫu',\nline\ttab\x01 bad\xff end"},
                          {"date", "2014-03-24"},
                          {"evidence", "2"}}));
  g.nodes.push_back(Node("35-NQ/TW@TW#XII", "document", "35-NQ/TW", "2018-10-22",
                         {{"family", "party"},
                          {"type", "NQ"},
                          {"number", "35"},
                          {"suffix", "TW"},
                          {"term", "XII"},
                          {"scope", "TW"},
                          {"date", "2018-10-22"},
                          {"evidence", "1"}}));
  g.edges.push_back(Edge("unit:777", "meeting:10", "held", "2020-11-20", {{"evidence", "0"}}));
  g.edges.push_back(
      Edge("meeting:10", "2-ĐA/TU@ho-chi-minh", "reviews", "2020-11-20", {{"evidence", "1"}}));
  g.edges.push_back(Edge("2-ĐA/TU@ho-chi-minh", "35-NQ/TW@TW#XII", "implements", "2018-10-22",
                         {{"evidence", "0"},
                          {"inferred", "true"},
                          {"weight", "0.6"},
                          {"why", "reviewed together by meeting:10"}}));
  g.edges.push_back(Edge("article:1", "2-ĐA/TU@ho-chi-minh", "mentions", "", {{"evidence", "1"}}));
  dg::SortExportGraph(g);
  return g;
}

}  // namespace

// ---- writers on the hand-built graph -------------------------------------------------

TEST_CASE("formats parse by name, case-insensitively; an unknown one names the valid ones") {
  for (auto [name, f] :
       {std::pair{"gexf", dg::ExportFormat::kGexf},
        std::pair{"GraphML", dg::ExportFormat::kGraphml},
        std::pair{"json", dg::ExportFormat::kJson}, std::pair{"CSV", dg::ExportFormat::kCsv}}) {
    CAPTURE(name);
    auto r = dg::ParseExportFormat(name);
    REQUIRE(r.ok());
    CHECK(r.value() == f);
  }
  auto bad = dg::ParseExportFormat("dot");
  REQUIRE(!bad.ok());
  CHECK(bad.status().code() == dg::Code::kInvalidArgument);
  CHECK(bad.status().message().find("gexf, graphml, json or csv") != std::string::npos);
}

TEST_CASE("XML escaping: markup characters, line breaks in attributes, controls, bad UTF-8") {
  struct Row {
    std::string in, out;
  } rows[] = {
      {"a & b", "a &amp; b"},
      {"<x>", "&lt;x&gt;"},
      {"\"q\" 'a'", "&quot;q&quot; &apos;a&apos;"},
      {"l1\nl2\tt\r", "l1&#10;l2&#9;t&#13;"},  // kept through attribute normalization
      {"bell\x07", "bell\xEF\xBF\xBD"},        // not allowed in XML 1.0
      {"bad\xff", "bad\xEF\xBF\xBD"},          // invalid UTF-8
      {"\xC3\x28", "\xEF\xBF\xBD("},           // a broken two-byte sequence
      {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // a surrogate
      {"Nghị quyết 35-NQ/TW", "Nghị quyết 35-NQ/TW"},            // Vietnamese passes as is
      {"", ""},
  };
  for (const Row& r : rows) {
    CAPTURE(r.in);
    CHECK(dg::XmlEscape(r.in) == r.out);
  }
}

TEST_CASE("timeline dates are calendar dates, as xsd:date wants them") {
  struct Row {
    const char* text;
    bool ok;
  } rows[] = {
      {"2020-11-20", true},   // the common case
      {"2020-02-29", true},   // a leap day
      {"2000-02-29", true},   // a leap century
      {"2021-02-29", false},  // not a leap year
      {"1900-02-29", false},  // a century that is not a leap year
      {"2020-04-31", false},  // April has 30 days
      {"2020-13-01", false},  // no thirteenth month
      {"2020-00-10", false},  // nor a zeroth
      {"0000-01-01", false},  // no year zero in xsd:date
      {"2020-1-5", false},    // not zero-padded
      {"20/11/2020", false},  // not ISO
      {"2020-11-20T08:00", false}, {"", false},
  };
  for (const Row& r : rows) {
    CAPTURE(r.text);
    CHECK(dg::IsCalendarDate(r.text) == r.ok);
  }
}

TEST_CASE("a file export that cannot be written fails naming the file and leaves nothing") {
  TempDir dir;
  const std::string missing = (dir.path / "no-such-folder" / "graph.gexf").string();
  dg::Status s = dg::WriteExportFile(Tiny(), dg::ExportFormat::kGexf, missing);
  REQUIRE(!s.ok());
  CHECK(s.code() == dg::Code::kIoError);
  CHECK(s.message().find(missing) != std::string::npos);

  const std::string file = (dir.path / "graph.json").string();
  REQUIRE(dg::WriteExportFile(Tiny(), dg::ExportFormat::kJson, file).ok());
  CHECK(ReadFile(file) == Json(Tiny()));
  REQUIRE(dg::WriteExportFile(Tiny(), dg::ExportFormat::kCsv, (dir.path / "g.csv").string()).ok());
  CHECK(ReadFile((dir.path / "g-nodes.csv").string()) == CsvNodes(Tiny()));
  CHECK(ReadFile((dir.path / "g-edges.csv").string()) == CsvEdges(Tiny()));
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"g-edges.csv", "g-nodes.csv", "graph.json"});
}

TEST_CASE("a symbolic link is written through, never replaced by a file") {
  TempDir dir;
  const std::string real = dir.Write("real.graphml", "old");
  const fs::path link = dir.path / "link.graphml";
  fs::create_symlink(real, link);
  REQUIRE(dg::WriteExportFile(Tiny(), dg::ExportFormat::kGraphml, link.string()).ok());
  CHECK(fs::is_symlink(link));
  CHECK(ReadFile(real) == Graphml(Tiny()));
  CHECK(dg::WriteExportFile(Tiny(), dg::ExportFormat::kCsv, "-").code() ==
        dg::Code::kInvalidArgument);
}

TEST_CASE("the sort: documents, units, meetings, articles; numbers in ids as numbers") {
  ExportGraph g = Tiny();
  std::vector<std::string> ids;
  for (const ExportNode& n : g.nodes) ids.push_back(n.id);
  CHECK(ids == std::vector<std::string>{"2-ĐA/TU@ho-chi-minh", "35-NQ/TW@TW#XII", "unit:777",
                                        "meeting:9", "meeting:10", "article:1"});
  REQUIRE(g.edges.size() == 4);
  CHECK(g.edges[0].source == "2-ĐA/TU@ho-chi-minh");  // edges follow their source's place
  CHECK(g.edges[1].kind == "held");
  CHECK(g.edges[2].kind == "reviews");
  CHECK(g.edges[3].kind == "mentions");
}

TEST_CASE("GEXF of the hand-built graph validates against the GEXF 1.3 grammar") {
  const std::string gexf = Gexf(Tiny());
  CHECK(gexf.find("<gexf xmlns=\"http://gexf.net/1.3\"") != std::string::npos);
  CHECK(gexf.find("mode=\"dynamic\"") != std::string::npos);
  CHECK(gexf.find("timeformat=\"date\"") != std::string::npos);
  CHECK(gexf.find("<attribute id=\"years\" title=\"years\" type=\"integer\"/>") !=
        std::string::npos);
  CHECK(gexf.find("<attribute id=\"weight\" title=\"weight\" type=\"double\"/>") !=
        std::string::npos);
  CHECK(gexf.find("<node id=\"meeting:10\" label=\"Quận ủy Bình Tân tổng kết 2020-11-20\" "
                  "start=\"2020-11-20\">") != std::string::npos);
  CHECK(gexf.find("<viz:color r=\"198\" g=\"40\" b=\"40\"/>") != std::string::npos);
  CHECK(gexf.find("&lt;4 tốt&gt; &amp; &apos;mẫu&apos;,&#10;line&#9;tab") != std::string::npos);
  CHECK(gexf.find("0x") == std::string::npos);
  ValidateGexf(gexf);
}

TEST_CASE("GEXF validation catches a broken document (the harness works)") {
  std::string gexf = Gexf(Tiny());
  const std::string from = "mode=\"dynamic\"", to = "mode=\"sometimes\"";
  gexf.replace(gexf.find(from), from.size(), to);
  if (!fs::exists(kGexfSchema)) {
    MESSAGE("skipped: no GEXF 1.3 grammar at " << kGexfSchema.string());
    return;
  }
  TempDir dir;
  std::string out;
  int rc = Run("xmllint --noout --relaxng '" + kGexfSchema.string() + "' '" +
                   dir.Write("bad.gexf", gexf) + "'",
               &out);
  CHECK(rc != 0);
  CHECK(out.find("fails to validate") != std::string::npos);
}

TEST_CASE("GraphML of the hand-built graph reads back with boost::read_graphml") {
  const std::string xml = Graphml(Tiny());
  CHECK(xml.find("attr.name=\"label\"") != std::string::npos);
  CHECK(xml.find("edgedefault=\"directed\"") != std::string::npos);
  BoostRead g;
  std::string error;
  REQUIRE_MESSAGE(ReadBackGraphml(xml, &g, &error), error);
  REQUIRE(boost::num_vertices(g) == 6);
  REQUIRE(boost::num_edges(g) == 4);
  // Vertices come in file order: the export's order.
  CHECK(g[0].label == "2-ĐA/TU");
  CHECK(g[0].kind == "document");
  CHECK(g[0].type == "ĐA");
  CHECK(g[0].number == "2");
  CHECK(g[0].evidence == 2);
  CHECK(g[0].title == "về \"chi bộ\" <4 tốt> & 'mẫu',\nline\ttab\xEF\xBF\xBD bad\xEF\xBF\xBD end");
  CHECK(g[3].kind == "meeting");
  CHECK(g[3].date_inferred == 1);
  CHECK(g[4].date_inferred == 0);
  CHECK(g[5].label == "Tin <mới> & \"nóng\"");
  std::set<std::string> kinds;
  for (auto [it, end] = boost::edges(g); it != end; ++it) {
    kinds.insert(g[*it].kind);
    if (g[*it].kind == "implements") {
      CHECK(g[*it].inferred == 1);
      CHECK(g[*it].weight == doctest::Approx(0.6));
      CHECK(boost::source(*it, g) == 0);
      CHECK(boost::target(*it, g) == 1);
    }
  }
  CHECK(kinds == std::set<std::string>{"held", "implements", "mentions", "reviews"});
}

TEST_CASE("JSON of the hand-built graph parses, typed, documents with their code fields") {
  const std::string json = Json(Tiny());
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  REQUIRE_MESSAGE(!d.HasParseError(), json);
  REQUIRE(d["nodes"].IsArray());
  REQUIRE(d["links"].IsArray());
  REQUIRE(d["nodes"].Size() == 6);
  REQUIRE(d["links"].Size() == 4);
  const auto& doc = d["nodes"][0];
  CHECK(std::string(doc["id"].GetString()) == "2-ĐA/TU@ho-chi-minh");
  CHECK(std::string(doc["kind"].GetString()) == "document");
  CHECK(std::string(doc["type"].GetString()) == "ĐA");
  CHECK(std::string(doc["number"].GetString()) == "2");
  CHECK(std::string(doc["suffix"].GetString()) == "TU");
  CHECK(std::string(doc["jurisdiction"].GetString()) == "Thành phố Hồ Chí Minh");
  CHECK(doc["evidence"].GetInt() == 2);
  const auto& central = d["nodes"][1];
  CHECK(central["jurisdiction"].IsNull());  // central: no jurisdiction, said so
  const auto& meeting = d["nodes"][4];
  CHECK(meeting["years"].GetInt() == 5);
  CHECK(meeting["date_inferred"].IsFalse());
  CHECK(!meeting.HasMember("type"));  // absent attributes are left out
  const auto& link = d["links"][0];
  CHECK(std::string(link["source"].GetString()) == "2-ĐA/TU@ho-chi-minh");
  CHECK(std::string(link["target"].GetString()) == "35-NQ/TW@TW#XII");
  CHECK(std::string(link["kind"].GetString()) == "implements");
  CHECK(link["inferred"].IsTrue());
  CHECK(link["weight"].GetDouble() == doctest::Approx(0.6));
}

TEST_CASE("CSV of the hand-built graph: neo4j-admin headers, quoted fields, one row each") {
  ExportGraph g = Tiny();
  auto nodes = ParseCsv(CsvNodes(g));
  auto edges = ParseCsv(CsvEdges(g));
  REQUIRE(nodes.size() == 1 + 6);
  REQUIRE(edges.size() == 1 + 4);
  CHECK(nodes[0][0] == "id:ID");
  CHECK(nodes[0][1] == ":LABEL");
  CHECK(edges[0][0] == ":START_ID");
  CHECK(edges[0][1] == ":END_ID");
  CHECK(edges[0][2] == ":TYPE");
  for (const auto& row : nodes) CHECK(row.size() == nodes[0].size());
  for (const auto& row : edges) CHECK(row.size() == edges[0].size());
  auto column = [](const std::vector<std::string>& header, const std::string& name) {
    for (size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    FAIL("no column " << name);
    return size_t{0};
  };
  CHECK(nodes[1][1] == "Document");
  CHECK(nodes[3][1] == "Unit");
  CHECK(nodes[4][1] == "Meeting");
  CHECK(nodes[6][1] == "Article");
  CHECK(nodes[1][column(nodes[0], "title")] ==
        "về \"chi bộ\" <4 tốt> & 'mẫu', line\ttab\xEF\xBF\xBD bad\xEF\xBF\xBD end");
  CHECK(nodes[4][column(nodes[0], "years:long")] == "");  // meeting:9 has no period
  CHECK(nodes[5][column(nodes[0], "years:long")] == "5");
  CHECK(nodes[4][column(nodes[0], "date_inferred:boolean")] == "true");
  CHECK(edges[1][2] == "IMPLEMENTS");
  CHECK(edges[1][column(edges[0], "weight:double")] == "0.6");
  CHECK(edges[4][2] == "MENTIONS");
  CHECK(dg::CsvPathsFor("out/graph.csv").nodes == "out/graph-nodes.csv");
  CHECK(dg::CsvPathsFor("out/graph.csv").edges == "out/graph-edges.csv");
  CHECK(dg::CsvPathsFor("graph").nodes == "graph-nodes.csv");
}

TEST_CASE("an empty graph is a valid file in every format") {
  ExportGraph g;
  ValidateGexf(Gexf(g));
  BoostRead b;
  std::string error;
  CHECK_MESSAGE(ReadBackGraphml(Graphml(g), &b, &error), error);
  CHECK(boost::num_vertices(b) == 0);
  rapidjson::Document d;
  d.Parse(Json(g).c_str());
  CHECK(!d.HasParseError());
  CHECK(ParseCsv(CsvNodes(g)).size() == 1);
  CHECK(ParseCsv(CsvEdges(g)).size() == 1);
}

// ---- the graph of ingested articles ---------------------------------------------------

namespace {

// Quận ủy Bình Tân reviews Đề án 02-ĐA/TU; Quận ủy Quận 1 reviews Kế hoạch 138-KH/QU,
// which implements Đề án 02; Huyện ủy Krông Pắc reviews its own Nghị quyết 09-NQ/HU: an
// island.
const char* kArticles[][2] = {
    {"binh-tan.txt",
     "Quận Bình Tân tổng kết 5 năm thực hiện Đề án 02 của Thành ủy\n\n"
     "Chiều 20/11/2020, Quận ủy Bình Tân (TP. Hồ Chí Minh) tổ chức hội nghị tổng kết 5 năm "
     "thực hiện Đề án số 02-ĐA/TU ngày 24/3/2014 của Ban Thường vụ Thành ủy về nâng cao chất "
     "lượng sinh hoạt chi bộ. Đồng chí Lê Văn Thinh, Bí thư Quận ủy chủ trì hội nghị.\n\n"
     "Dịp này, Quận ủy tặng giấy khen cho 30 tập thể, 12 cá nhân.\n"},
    {"quan-1.txt",
     "Quận 1 sơ kết 5 năm thực hiện Kế hoạch 138 của Quận ủy\n\n"
     "Sáng 24/6/2019, Quận ủy Quận 1 (TP. Hồ Chí Minh) tổ chức hội nghị sơ kết 5 năm thực "
     "hiện Kế hoạch số 138-KH/QU ngày 10/5/2014 của Ban Thường vụ Quận ủy thực hiện Đề án số "
     "02-ĐA/TU của Ban Thường vụ Thành ủy về nâng cao chất lượng sinh hoạt chi bộ. Đồng chí "
     "Nguyễn Văn Hiếu, Bí thư Quận ủy chủ trì.\n"},
    {"krong-pac.txt",
     "Huyện Krông Pắc tổng kết Nghị quyết 09 của Huyện ủy\n\n"
     "Sáng 12/12/2022, Huyện ủy Krông Pắc (tỉnh Đắk Lắk) tổ chức hội nghị tổng kết 5 năm thực "
     "hiện Nghị quyết số 09-NQ/HU ngày 5/10/2017 của Ban Chấp hành Đảng bộ huyện về phát "
     "triển cà phê bền vững. Đồng chí Trần Văn Quân, Bí thư Huyện ủy chủ trì hội nghị.\n"},
};

// The three articles ingested into `db` by the real pipeline, with the gazetteer and
// catalogue when they load (jurisdictions then resolve; the assertions hold either way).
void IngestArticles(const TempDir& inputs, const std::string& db) {
  std::vector<std::string> paths;
  for (const auto& a : kArticles) paths.push_back(inputs.Write(std::string("in/") + a[0], a[1]));
  static std::unique_ptr<dg::Gazetteer> gazetteer = [] {
    auto g = dg::Gazetteer::Load();
    if (!g.ok()) MESSAGE("no gazetteer, places stay unresolved: " << g.status().message());
    return g.ok() ? std::move(g).value() : nullptr;
  }();
  static std::unique_ptr<dg::Catalogue> catalogue = [] {
    auto c = dg::Catalogue::Load();
    return c.ok() ? std::move(c).value() : nullptr;
  }();
  auto store = dg::Store::Open(db);
  REQUIRE(store.ok());
  dg::Extractor extractor(gazetteer.get(), catalogue.get());
  dg::IngestOptions options;
  options.jobs = 1;
  auto report = dg::Ingest(paths, *store.value(), extractor, options);
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  REQUIRE(report.value().errors == 0);
  REQUIRE(report.value().articles_added == 3);
}

std::unique_ptr<dg::Graph> LoadGraph(const std::string& db) {
  auto store = dg::Store::Open(db, /*read_only=*/true);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  auto graph = dg::Graph::Load(*store.value());
  REQUIRE_MESSAGE(graph.ok(), graph.status().ToString());
  return std::move(graph).value();
}

ExportGraph Export(const dg::Graph& graph, const std::string& root = "", int depth = 2) {
  dg::ExportOptions options;
  options.root = root;
  options.depth = depth;
  auto g = dg::MakeExportGraph(graph, options);
  REQUIRE_MESSAGE(g.ok(), g.status().ToString());
  return std::move(g).value();
}

const ExportNode* FindDocument(const ExportGraph& g, const std::string& type,
                               const std::string& number) {
  for (const ExportNode& n : g.nodes) {
    if (n.kind != "document") continue;
    auto t = n.attrs.find("type"), num = n.attrs.find("number");
    if (t != n.attrs.end() && t->second == type && num != n.attrs.end() && num->second == number)
      return &n;
  }
  return nullptr;
}

size_t Count(const ExportGraph& g, const std::string& kind) {
  size_t k = 0;
  for (const ExportNode& n : g.nodes) k += n.kind == kind;
  return k;
}

// A database of the three articles, written in `inputs` (article urls are their paths).
struct Ingested {
  TempDir dir;
  std::string db = (dir.path / "graph.db").string();
  std::unique_ptr<dg::Graph> graph;
  Ingested() : Ingested(nullptr) {}
  explicit Ingested(const TempDir* inputs) {
    IngestArticles(inputs ? *inputs : dir, db);
    graph = LoadGraph(db);
  }
};

}  // namespace

TEST_CASE("the ingested graph: its documents, meetings and edges are exported") {
  Ingested in;
  ExportGraph g = Export(*in.graph);
  CHECK(g.nodes.size() == in.graph->node_count());
  const ExportNode* da02 = FindDocument(g, "ĐA", "2");
  const ExportNode* kh138 = FindDocument(g, "KH", "138");
  REQUIRE(da02 != nullptr);
  REQUIRE(kh138 != nullptr);
  REQUIRE(FindDocument(g, "NQ", "9") != nullptr);
  CHECK(da02->attrs.at("evidence") == "2");  // two articles name it
  CHECK(da02->start == "2014-03-24");
  CHECK(Count(g, "meeting") == 3);
  CHECK(Count(g, "article") == 3);
  bool implements = false;
  for (const ExportEdge& e : g.edges) {
    if (e.kind == "implements" && e.source == kh138->id && e.target == da02->id) {
      implements = true;
      CHECK(e.attrs.at("inferred") == "false");
      CHECK(e.start == "2014-05-10");  // the later of the two documents' dates
    }
  }
  CHECK(implements);
  for (const ExportNode& n : g.nodes) {
    if (n.kind == "meeting") {
      CAPTURE(n.id);
      CHECK(!n.start.empty());  // every meeting is on the timeline
    }
  }
}

TEST_CASE("every format of the ingested graph: GEXF validates, GraphML reads back, JSON, CSV") {
  Ingested in;
  ExportGraph g = Export(*in.graph);

  const std::string gexf = Gexf(g);
  ValidateGexf(gexf);
  CHECK(gexf.find("start=\"2020-11-20\"") != std::string::npos);

  BoostRead b;
  std::string error;
  REQUIRE_MESSAGE(ReadBackGraphml(Graphml(g), &b, &error), error);
  CHECK(boost::num_vertices(b) == g.nodes.size());
  CHECK(boost::num_edges(b) == g.edges.size());
  CHECK(b[0].kind == "document");
  CHECK(b[0].label == g.nodes[0].label);

  rapidjson::Document d;
  const std::string json = Json(g);
  d.Parse(json.data(), json.size());
  REQUIRE(!d.HasParseError());
  CHECK(d["nodes"].Size() == g.nodes.size());
  CHECK(d["links"].Size() == g.edges.size());
  std::set<std::string> ids;
  for (const auto& n : d["nodes"].GetArray()) {
    ids.insert(n["id"].GetString());
    if (std::string(n["kind"].GetString()) == "document") {
      CHECK(n.HasMember("type"));
      CHECK(n.HasMember("number"));
      CHECK(n.HasMember("suffix"));
      CHECK(n.HasMember("jurisdiction"));
    }
  }
  for (const auto& l : d["links"].GetArray()) {
    CHECK(ids.count(l["source"].GetString()) == 1);
    CHECK(ids.count(l["target"].GetString()) == 1);
  }

  auto nodes = ParseCsv(CsvNodes(g));
  auto edges = ParseCsv(CsvEdges(g));
  CHECK(nodes.size() == g.nodes.size() + 1);
  CHECK(edges.size() == g.edges.size() + 1);
  CHECK(nodes[0][0] == "id:ID");
  CHECK(edges[0][2] == ":TYPE");
}

TEST_CASE("exports are byte-identical across loads and across databases built alike") {
  TempDir inputs;  // one folder of articles, so that both databases store the same urls
  Ingested a(&inputs), b(&inputs);
  std::unique_ptr<dg::Graph> again = LoadGraph(a.db);
  ExportGraph ga = Export(*a.graph), ga2 = Export(*again), gb = Export(*b.graph);
  CHECK(Gexf(ga) == Gexf(ga2));
  CHECK(Gexf(ga) == Gexf(gb));
  CHECK(Graphml(ga) == Graphml(gb));
  CHECK(Json(ga) == Json(gb));
  CHECK(CsvNodes(ga) == CsvNodes(gb));
  CHECK(CsvEdges(ga) == CsvEdges(gb));
}

TEST_CASE("a root and a depth: the neighbourhood, edges followed both ways, no island") {
  Ingested in;
  // Kế hoạch 138 -> Đề án 02 (up an implements edge) -> the Bình Tân meeting (back along
  // its reviews edge): all within two steps; Krông Pắc's resolution is another component.
  ExportGraph g = Export(*in.graph, "138-KH/QU", 2);
  REQUIRE(FindDocument(g, "KH", "138") != nullptr);
  REQUIRE(FindDocument(g, "ĐA", "2") != nullptr);
  CHECK(FindDocument(g, "NQ", "9") == nullptr);
  bool binh_tan = false;
  for (const ExportNode& n : g.nodes)
    if (n.kind == "meeting" && n.attrs.count("unit") && n.attrs.at("unit") == "Quận ủy Bình Tân")
      binh_tan = true;
  CHECK(binh_tan);
  for (const ExportEdge& e : g.edges) {
    bool source = false, target = false;
    for (const ExportNode& n : g.nodes) {
      source = source || n.id == e.source;
      target = target || n.id == e.target;
    }
    CHECK(source);
    CHECK(target);
  }
  ValidateGexf(Gexf(g));

  ExportGraph one = Export(*in.graph, "138-KH/QU", 1);
  CHECK(one.nodes.size() < g.nodes.size());
  CHECK(FindDocument(one, "ĐA", "2") != nullptr);  // one step up

  ExportGraph island = Export(*in.graph, "09-NQ/HU", 0);  // 0: the whole component
  REQUIRE(FindDocument(island, "NQ", "9") != nullptr);
  CHECK(FindDocument(island, "ĐA", "2") == nullptr);

  // A unit's id works as a root: its meetings, and the documents they covered.
  std::string binh_tan_unit;
  for (const ExportNode& n : Export(*in.graph).nodes)
    if (n.kind == "unit" && n.label == "Quận ủy Bình Tân") binh_tan_unit = n.id;
  REQUIRE(!binh_tan_unit.empty());
  ExportGraph unit = Export(*in.graph, binh_tan_unit, 2);
  CHECK(FindDocument(unit, "ĐA", "2") != nullptr);
  CHECK(FindDocument(unit, "NQ", "9") == nullptr);

  // A stable id works as a root too.
  ExportGraph by_id = Export(*in.graph, FindDocument(g, "KH", "138")->id, 2);
  CHECK(Json(by_id) == Json(g));
}

TEST_CASE("a root that names nothing, or a negative depth, is an error, not an export") {
  Ingested in;
  dg::ExportOptions options;
  options.root = "99-NQ/TW";
  auto unknown = dg::MakeExportGraph(*in.graph, options);
  REQUIRE(!unknown.ok());
  CHECK(unknown.status().code() == dg::Code::kNotFound);
  CHECK(unknown.status().message().find("99-NQ/TW") != std::string::npos);
  options.root = "meeting:999";
  auto no_node = dg::MakeExportGraph(*in.graph, options);
  REQUIRE(!no_node.ok());
  CHECK(no_node.status().code() == dg::Code::kNotFound);
  CHECK(no_node.status().message() == "no node 'meeting:999' in the graph");
  options.root = "";
  options.depth = -1;
  auto negative = dg::MakeExportGraph(*in.graph, options);
  REQUIRE(!negative.ok());
  CHECK(negative.status().code() == dg::Code::kInvalidArgument);
}

TEST_CASE("dirgraph export writes each format to -o (CSV: two files beside it)") {
  Ingested in;
  const fs::path out = in.dir.path / "out";
  fs::create_directories(out);
  for (const char* format : {"gexf", "graphml", "json", "csv"}) {
    CAPTURE(format);
    const std::string file = (out / (std::string("graph.") + format)).string();
    std::string output;
    int rc = Run(std::string(DIRGRAPH_BINARY) + " export --format " + format + " --db '" + in.db +
                     "' -o '" + file + "'",
                 &output);
    INFO(output);
    CHECK(rc == 0);
    if (std::string(format) == "csv") {
      CHECK(ParseCsv(ReadFile((out / "graph-nodes.csv").string())).size() ==
            in.graph->node_count() + 1);
      CHECK(fs::exists(out / "graph-edges.csv"));
    } else {
      CHECK(fs::file_size(file) > 0);
    }
  }
  std::ostringstream expected;
  REQUIRE(dg::WriteGexf(Export(*in.graph), expected).ok());
  CHECK(ReadFile((out / "graph.gexf").string()) == expected.str());

  // "-" is standard output; the summary then goes to standard error.
  std::string json;
  CHECK(Run("(" + std::string(DIRGRAPH_BINARY) + " export --format json --db '" + in.db +
                "' -o - 2>/dev/null)",
            &json) == 0);
  CHECK(json == Json(Export(*in.graph)));
  std::string csv_out;
  CHECK(Run(std::string(DIRGRAPH_BINARY) + " export --format csv --db '" + in.db + "' -o -",
            &csv_out) != 0);
  CHECK(csv_out.find("give -o PATH") != std::string::npos);

  std::string output;
  CHECK(Run(std::string(DIRGRAPH_BINARY) + " export --format dot --db '" + in.db + "' -o '" +
                (out / "x").string() + "'",
            &output) != 0);
  CHECK(output.find("gexf, graphml, json or csv") != std::string::npos);
  CHECK(!fs::exists(out / "x"));
}
