// The graph (graph/graph.h) over real SQLite files: tiny named graphs (a chain, a diamond,
// a cycle, an island) written into a store as extractions, then loaded and queried.
#include <doctest/doctest.h>

#include "tests/test_support.h"
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/sqlite.h"
#include "core/store.h"
#include "graph/graph.h"
#include "graph/query_format.h"

namespace fs = std::filesystem;
using namespace dg;

namespace {

using dg::testing::TempDir;

// One article written for a test: its text names each document by its code, and the
// mentions, relations and meetings point into that text.
struct ArticleBuilder {
  Extraction e;

  ArticleBuilder(const std::string& url, const std::string& text) {
    e.article.url = url;
    e.article.text = text;
  }
  // A document by canonical key; its mention is the first occurrence of its code.
  ArticleBuilder& Doc(const std::string& key, const std::string& title = "",
                      const std::string& jurisdiction = "") {
    auto k = DocumentKey::Parse(key);
    REQUIRE(k.ok());
    Document d;
    d.key = k.value();
    d.title = title;
    d.jurisdiction = jurisdiction;
    const std::string code = d.key.Code();
    const size_t at = e.article.text.find(code);
    if (at != std::string::npos) {
      d.mentions.push_back({static_cast<uint32_t>(at), static_cast<uint32_t>(at + code.size()),
                            code, MentionKind::kFullCode});
    }
    e.documents.push_back(std::move(d));
    return *this;
  }
  ArticleBuilder& Implements(const std::string& from, const std::string& to) {
    Edge edge;
    edge.from = from;
    edge.to = to;
    for (const Document& d : e.documents) {
      if (d.key.ToString() == from && !d.mentions.empty()) {
        edge.evidence_start = d.mentions[0].start;
        edge.evidence_end = d.mentions[0].end;
      }
    }
    e.relations.push_back(edge);
    return *this;
  }
  // An inferred edge as the extraction stores it for a steering committee named after `to`:
  // its evidence is the first "Ban Chỉ đạo" of the text.
  ArticleBuilder& Steering(const std::string& from, const std::string& to, double weight) {
    Edge edge;
    edge.from = from;
    edge.to = to;
    edge.inferred = true;
    edge.weight = weight;
    const size_t at = e.article.text.find("Ban Chỉ đạo");
    REQUIRE(at != std::string::npos);
    edge.evidence_start = static_cast<uint32_t>(at);
    edge.evidence_end = static_cast<uint32_t>(at + std::string("Ban Chỉ đạo 35").size());
    e.relations.push_back(edge);
    return *this;
  }
  ArticleBuilder& Meeting(const std::string& unit, const std::string& date,
                          std::vector<std::string> reviewed, std::vector<std::string> launched = {},
                          const std::string& unit_code = "") {
    dg::Meeting m;
    m.unit = unit;
    m.unit_level = "district";
    m.unit_code = unit_code;
    m.province = "Thành phố Hồ Chí Minh";
    m.kind = "sơ kết";
    m.years = 5;
    m.date = date;
    m.reviewed = std::move(reviewed);
    m.launched = std::move(launched);
    e.meetings.push_back(std::move(m));
    return *this;
  }
};

void Put(Store& store, const std::vector<Extraction>& articles) {
  auto batch = store.Begin();
  REQUIRE(batch.ok());
  for (const Extraction& e : articles) {
    auto put = batch->PutArticle(e);
    INFO(put.status().ToString());
    REQUIRE(put.ok());
  }
  REQUIRE(batch->Commit().ok());
}

std::unique_ptr<Graph> Build(const TempDir& dir, const std::vector<Extraction>& articles) {
  auto store = Store::Open(dir.File("g.db"));
  REQUIRE(store.ok());
  Put(*store.value(), articles);
  auto graph = Graph::Load(*store.value());
  INFO(graph.status().ToString());
  REQUIRE(graph.ok());
  return std::move(graph).value();
}

VertexId Key(const Graph& g, const std::string& key) {
  auto v = g.FindDocument(key);
  INFO(key);
  REQUIRE(v.has_value());
  return *v;
}

// The keys of a lineage's entries in one direction, in order.
std::vector<std::string> Keys(const Graph& g, const Lineage& l, Direction d) {
  std::vector<std::string> out;
  for (const LineageEntry& e : l.entries) {
    if (e.direction == d) out.push_back(g.node(e.document).id);
  }
  return out;
}

const char* const kA = "3-KH/QU@quan-1.ho-chi-minh";
const char* const kB = "2-ĐA/TU@ho-chi-minh";
const char* const kC = "35-NQ/TW@TW#XII";

// chain: 3-KH/QU implements 2-ĐA/TU implements 35-NQ/TW, stated in two articles.
std::vector<Extraction> Chain() {
  ArticleBuilder one("https://x.vn/chain-1",
                     "Kế hoạch 3-KH/QU của Quận ủy thực hiện Đề án 2-ĐA/TU của Thành ủy.");
  one.Doc(kA).Doc(kB).Implements(kA, kB).Meeting("Quận ủy Quận 1", "2019-06-24", {kA});
  ArticleBuilder two("https://x.vn/chain-2",
                     "Đề án 2-ĐA/TU thực hiện Nghị quyết 35-NQ/TW của Bộ Chính trị.");
  two.Doc(kB).Doc(kC).Implements(kB, kC).Meeting("Quận ủy Bình Tân", "2020-11-20", {kB});
  return {one.e, two.e};
}

}  // namespace

TEST_CASE("chain: lineage up and down, transitively, with paths and evidence") {
  TempDir dir;
  auto g = Build(dir, Chain());
  const VertexId a = Key(*g, kA), c = Key(*g, kC);

  auto up = g->GetLineage(a, {Direction::kUp, 0, false});
  REQUIRE(up.ok());
  CHECK(Keys(*g, *up, Direction::kUp) == std::vector<std::string>{kB, kC});
  CHECK(Keys(*g, *up, Direction::kDown).empty());
  const LineageEntry& far = up->entries.back();
  CHECK(far.depth == 2);
  REQUIRE(far.path.size() == 3);
  CHECK(g->node(far.path[1]).id == kB);
  REQUIRE(far.steps.size() == 2);
  CHECK(far.steps[0].url == "https://x.vn/chain-1");
  CHECK(far.steps[0].sentence.find("thực hiện Đề án 2-ĐA/TU") != std::string::npos);
  CHECK(far.steps[1].url == "https://x.vn/chain-2");
  CHECK_FALSE(far.steps[1].inferred);
  CHECK(up->cycles.empty());

  auto down = g->GetLineage(c, {Direction::kDown, 0, false});
  REQUIRE(down.ok());
  CHECK(Keys(*g, *down, Direction::kDown) == std::vector<std::string>{kB, kA});

  auto shallow = g->GetLineage(c, {Direction::kBoth, 1, false});
  REQUIRE(shallow.ok());
  CHECK(Keys(*g, *shallow, Direction::kDown) == std::vector<std::string>{kB});
}

TEST_CASE("chain: reviews of a document include meetings that reviewed a plan implementing it") {
  TempDir dir;
  auto g = Build(dir, Chain());
  auto rows = g->Reviews(Key(*g, kC));
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  // Sorted by date: Quận 1 (2019, via 2-ĐA/TU and 3-KH/QU), Bình Tân (2020, via 2-ĐA/TU).
  CHECK(g->node((*rows)[0].meeting).meeting().unit == "Quận ủy Quận 1");
  CHECK((*rows)[0].path.size() == 3);
  CHECK(g->node((*rows)[0].document).id == kA);
  CHECK(g->node((*rows)[1].meeting).meeting().unit == "Quận ủy Bình Tân");
  CHECK((*rows)[1].path.size() == 2);
  CHECK((*rows)[1].role == "reviewed");

  auto direct = g->Reviews(Key(*g, kB));
  REQUIRE(direct.ok());
  REQUIRE(direct->size() == 2);
  CHECK((*direct)[1].direct());
  CHECK_FALSE((*direct)[0].direct());

  auto from = g->Reviews(Key(*g, kC), "2020-01-01", "");
  REQUIRE(from.ok());
  REQUIRE(from->size() == 1);
  CHECK(g->node((*from)[0].meeting).meeting().date == "2020-11-20");
  auto to = g->Reviews(Key(*g, kC), "", "2019");
  REQUIRE(to.ok());
  REQUIRE(to->size() == 1);
  CHECK(g->node((*to)[0].meeting).meeting().date == "2019-06-24");
  CHECK(g->Reviews(Key(*g, kC), "yesterday", "").status().code() == Code::kInvalidArgument);

  const std::string text = ReviewsToText(*g, Key(*g, kB), direct.value());
  CHECK(text.find("via 3-KH/QU") != std::string::npos);
  CHECK(text.find("direct") != std::string::npos);
}

TEST_CASE("diamond: the shared descendant is listed once, at its shortest depth") {
  // 4-KH/HU implements 2-KH/QU and 3-KH/QU, which both implement 1-ĐA/TU.
  const std::string top = "1-ĐA/TU@ho-chi-minh", left = "2-KH/QU@quan-1.ho-chi-minh",
                    right = "3-KH/QU@quan-3.ho-chi-minh", bottom = "4-KH/ĐU@phuong-1.ho-chi-minh";
  ArticleBuilder x("https://x.vn/diamond",
                   "Kế hoạch 2-KH/QU và Kế hoạch 3-KH/QU thực hiện Đề án 1-ĐA/TU; "
                   "Kế hoạch 4-KH/ĐU thực hiện cả hai.");
  x.Doc(top).Doc(left).Doc(right).Doc(bottom);
  x.Implements(left, top).Implements(right, top).Implements(bottom, left).Implements(bottom, right);
  TempDir dir;
  auto g = Build(dir, {x.e});
  auto down = g->GetLineage(Key(*g, top), {Direction::kDown, 0, false});
  REQUIRE(down.ok());
  CHECK(Keys(*g, *down, Direction::kDown) == std::vector<std::string>{left, right, bottom});
  CHECK(down->entries.back().depth == 2);
  CHECK(down->cycles.empty());
  auto up = g->GetLineage(Key(*g, bottom), {Direction::kUp, 0, false});
  REQUIRE(up.ok());
  CHECK(Keys(*g, *up, Direction::kUp) == std::vector<std::string>{left, right, top});
}

TEST_CASE("cycle: reported with its path and never looped") {
  const std::string x = "7-KH/TU@ha-noi", y = "8-KH/TU@ha-noi", z = "9-KH/TU@ha-noi";
  ArticleBuilder one("https://x.vn/cycle-1", "Kế hoạch 7-KH/TU thực hiện Kế hoạch 8-KH/TU.");
  one.Doc(x).Doc(y).Implements(x, y);
  ArticleBuilder two("https://x.vn/cycle-2", "Kế hoạch 8-KH/TU thực hiện Kế hoạch 9-KH/TU.");
  two.Doc(y).Doc(z).Implements(y, z);
  ArticleBuilder three("https://x.vn/cycle-3", "Kế hoạch 9-KH/TU thực hiện Kế hoạch 7-KH/TU.");
  three.Doc(z).Doc(x).Implements(z, x);
  TempDir dir;
  auto g = Build(dir, {one.e, two.e, three.e});
  for (Direction d : {Direction::kUp, Direction::kDown, Direction::kBoth}) {
    auto l = g->GetLineage(Key(*g, x), {d, 0, false});
    REQUIRE(l.ok());
    REQUIRE(l->cycles.size() == 1);
    CHECK(l->cycles[0] == "7-KH/TU -> 8-KH/TU -> 9-KH/TU -> 7-KH/TU");
    CHECK(l->entries.size() == (d == Direction::kBoth ? 4u : 2u));
  }
  auto l = g->GetLineage(Key(*g, y), {Direction::kUp, 0, false});
  REQUIRE(l.ok());
  CHECK(LineageToText(*g, *l, {Direction::kUp, 0, false}).find("cycle: 7-KH/TU -> 8-KH/TU -> 9-KH/TU -> 7-KH/TU") !=
        std::string::npos);
  auto rows = g->Reviews(Key(*g, x));
  CHECK(rows.ok());
}

TEST_CASE("island: a document with no relation has an empty lineage") {
  ArticleBuilder a("https://x.vn/island", "Chỉ thị 5-CT/TW của Bộ Chính trị.");
  a.Doc("5-CT/TW@TW#XII");
  TempDir dir;
  auto g = Build(dir, {a.e});
  auto l = g->GetLineage(Key(*g, "5-CT/TW@TW#XII"), {});
  REQUIRE(l.ok());
  CHECK(l->entries.empty());
  CHECK(l->cycles.empty());
  auto rows = g->Reviews(Key(*g, "5-CT/TW@TW#XII"));
  REQUIRE(rows.ok());
  CHECK(rows->empty());
  const VertexId article = *g->FindArticle(1);
  CHECK(g->GetLineage(article, {}).status().code() == Code::kInvalidArgument);
}

TEST_CASE("inferred links: hidden unless asked, marked with weight and why; stated ones win") {
  const std::string nq = "35-NQ/TW@TW#XII", da = "5-ĐA/TU@ho-chi-minh",
                    ct = "22-CT/TU@ho-chi-minh", kh = "9-KH/QU@binh-thanh.ho-chi-minh";
  ArticleBuilder a("https://x.vn/together",
                   "Quận ủy sơ kết 5 năm Nghị quyết 35-NQ/TW và 3 năm Đề án 5-ĐA/TU; "
                   "Chỉ thị 22-CT/TU và Kế hoạch 9-KH/QU cũng được sơ kết.");
  a.Doc(nq, "về tăng cường bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác các quan "
            "điểm sai trái, thù địch trong tình hình mới")
      .Doc(da, "về đấu tranh phản bác các quan điểm sai trái, thù địch trên internet")
      .Doc(ct)
      .Doc(kh);
  // One meeting reviews all four; 9-KH/QU states that it implements 35-NQ/TW.
  a.Implements(kh, nq).Meeting("Quận ủy Bình Thạnh", "2023-09-13", {nq, da, ct, kh});
  TempDir dir;
  auto g = Build(dir, {a.e});
  const VertexId root = Key(*g, nq);

  auto plain = g->GetLineage(root, {Direction::kDown, 0, false});
  REQUIRE(plain.ok());
  CHECK(Keys(*g, *plain, Direction::kDown) == std::vector<std::string>{kh});

  auto wide = g->GetLineage(root, {Direction::kDown, 0, true});
  REQUIRE(wide.ok());
  CHECK(Keys(*g, *wide, Direction::kDown) == std::vector<std::string>{ct, da, kh});
  for (const LineageEntry& e : wide->entries) {
    REQUIRE(e.steps.size() == 1);
    const Evidence& ev = e.steps[0];
    CAPTURE(g->node(e.document).id);
    if (g->node(e.document).id == kh) {
      CHECK_FALSE(ev.inferred);  // stated: no inferred edge beside it
      CHECK(ev.weight == 1.0);
    } else {
      CHECK(ev.inferred);
      CHECK(ev.weight > 0.0);
      CHECK(ev.weight < 1.0);
      CHECK(ev.why.find("reviewed together") != std::string::npos);
    }
  }
  // The shared subject makes 5-ĐA/TU stronger than 22-CT/TU, which has no title.
  double w_da = 0, w_ct = 0;
  for (const LineageEntry& e : wide->entries) {
    if (g->node(e.document).id == da) w_da = e.steps[0].weight;
    if (g->node(e.document).id == ct) w_ct = e.steps[0].weight;
  }
  CHECK(w_da > w_ct);
  int inferred_to_kh = 0;
  for (const EdgeRef& e : g->InEdges(root)) {
    if (g->node(e.from).id == kh && e.data->inferred) ++inferred_to_kh;
  }
  CHECK(inferred_to_kh == 0);
  CHECK(g->Stats().inferred_edges == 2);
  // Reviews follow stated links only.
  auto rows = g->Reviews(root);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  CHECK((*rows)[0].direct());
}

TEST_CASE("inferred links: a steering committee named after the central document, across articles") {
  const std::string nq = "35-NQ/TW@TW#XII", k7 = "7-KH/QU@quan-3.ho-chi-minh",
                    k8 = "8-KH/QU@quan-3.ho-chi-minh";
  // 7-KH/QU: two articles name Ban Chỉ đạo 35 beside it. 8-KH/QU: one does, another states
  // that it implements 35-NQ/TW.
  ArticleBuilder one("https://x.vn/bcd-1", "Ban Chỉ đạo 35 quận giám sát Kế hoạch 7-KH/QU và "
                                           "Kế hoạch 8-KH/QU; Nghị quyết 35-NQ/TW.");
  one.Doc(nq).Doc(k7).Doc(k8).Steering(k7, nq, 0.5).Steering(k8, nq, 0.5);
  ArticleBuilder two("https://x.vn/bcd-2", "Ban Chỉ đạo 35 quận họp về Kế hoạch 7-KH/QU, "
                                           "Nghị quyết 35-NQ/TW.");
  two.Doc(nq).Doc(k7).Steering(k7, nq, 0.35);
  ArticleBuilder three("https://x.vn/bcd-3", "Kế hoạch 8-KH/QU thực hiện Nghị quyết 35-NQ/TW.");
  three.Doc(nq).Doc(k8).Implements(k8, nq);
  TempDir dir;
  auto g = Build(dir, {one.e, two.e, three.e});
  const VertexId root = Key(*g, nq);

  auto plain = g->GetLineage(root, {Direction::kDown, 0, false});
  REQUIRE(plain.ok());
  CHECK(Keys(*g, *plain, Direction::kDown) == std::vector<std::string>{k8});

  auto wide = g->GetLineage(root, {Direction::kDown, 0, true});
  REQUIRE(wide.ok());
  CHECK(Keys(*g, *wide, Direction::kDown) == std::vector<std::string>{k7, k8});
  for (const LineageEntry& e : wide->entries) {
    REQUIRE(e.steps.size() == 1);
    const Evidence& ev = e.steps[0];
    if (g->node(e.document).id == k8) {
      CHECK_FALSE(ev.inferred);  // the stated relation wins over the committee
      continue;
    }
    CHECK(ev.inferred);
    CHECK(ev.weight == doctest::Approx(0.6));  // the first article's 0.5, and 0.1 for the second
    CHECK(ev.why.find("steering committee") != std::string::npos);
    CHECK(ev.start == 0);  // the committee's name
    CHECK(ev.end == std::string("Ban Chỉ đạo 35").size());
  }
  CHECK(g->Stats().inferred_edges == 1);
}

TEST_CASE("Resolve: the key forms users type, ambiguity and did-you-mean") {
  ArticleBuilder a("https://x.vn/keys",
                   "Nghị quyết 35-NQ/TW; Chỉ thị 35-CT/TW (2019) và Chỉ thị 35-CT/TW (2024); "
                   "Đề án 5-ĐA/TU của Thành ủy; Đề án 5-ĐA/TU của Tỉnh ủy; Nghị định "
                   "15/2020/NĐ-CP.");
  a.Doc("35-NQ/TW@TW#XII")
      .Doc("35-CT/TW@TW#XII")
      .Doc("35-CT/TW@TW#XIII")
      .Doc("5-ĐA/TU@ho-chi-minh", "", "Thành phố Hồ Chí Minh")
      .Doc("5-ĐA/TU@tra-vinh", "", "Tỉnh Trà Vinh")
      .Doc("15/2020/NĐ-CP@VN");
  TempDir dir;
  auto g = Build(dir, {a.e});
  struct Row {
    const char* typed;
    const char* want;  // a key, or nullptr for an error
    Code code;
  };
  const Row rows[] = {
      {"35-NQ/TW", "35-NQ/TW@TW#XII", Code::kOk},                 // a code
      {"NQ 35", "35-NQ/TW@TW#XII", Code::kOk},                    // type code and number
      {"nq35", "35-NQ/TW@TW#XII", Code::kOk},                     // glued, lower case
      {"Nghị quyết 35-NQ/TW", "35-NQ/TW@TW#XII", Code::kOk},      // type word and code
      {"Nghị quyết số 35", "35-NQ/TW@TW#XII", Code::kOk},         // type word, số, number
      {"nghi quyet 35", "35-NQ/TW@TW#XII", Code::kOk},            // without diacritics
      {"35 - NQ / TW", "35-NQ/TW@TW#XII", Code::kOk},             // spaced
      {"35-NQ/TW@TW#XII", "35-NQ/TW@TW#XII", Code::kOk},          // canonical
      {"35-CT/TW@TW#XIII", "35-CT/TW@TW#XIII", Code::kOk},        // canonical, one term
      {"35-CT/TW", nullptr, Code::kConflict},                     // two terms
      {"05-ĐA/TU", nullptr, Code::kConflict},                     // two provinces
      {"05-ĐA/TU@ho-chi-minh", "5-ĐA/TU@ho-chi-minh", Code::kOk},  // scoped by slug
      {"5-DA/TU@tra-vinh", "5-ĐA/TU@tra-vinh", Code::kOk},        // folded
      {"05-ĐA/TU (Thành phố Hồ Chí Minh)", "5-ĐA/TU@ho-chi-minh", Code::kOk},  // by name
      {"Đề án 05-ĐA/TU (Trà Vinh)", "5-ĐA/TU@tra-vinh", Code::kOk},
      {"15/2020/NĐ-CP", "15/2020/NĐ-CP@VN", Code::kOk},           // state code
      {"36-NQ/TW", nullptr, Code::kNotFound},                     // unknown
      {"05-ĐA/TU@ha-noi", nullptr, Code::kNotFound},              // no such place
      {"hello", nullptr, Code::kInvalidArgument},                 // not a key
      {"", nullptr, Code::kInvalidArgument},
  };
  for (const Row& row : rows) {
    CAPTURE(row.typed);
    auto v = g->Resolve(row.typed);
    CHECK(v.status().code() == row.code);
    if (row.want != nullptr && v.ok()) CHECK(g->node(*v).id == row.want);
  }
  auto both = g->Resolve("35-CT/TW");
  CHECK(both.status().message().find("35-CT/TW@TW#XII") != std::string::npos);
  CHECK(both.status().message().find("35-CT/TW@TW#XIII") != std::string::npos);
  auto unknown = g->Resolve("36-NQ/TW");
  CHECK(unknown.status().message().find("did you mean") != std::string::npos);
  CHECK(unknown.status().message().find("35-NQ/TW@TW#XII") != std::string::npos);
}

TEST_CASE("units tree: part_of edges from the stored ancestors; a unit's meetings") {
  ArticleBuilder a("https://x.vn/units", "Quận ủy Bình Tân tổng kết Đề án 2-ĐA/TU.");
  a.Doc(kB).Meeting("Quận ủy Bình Tân", "2020-11-20", {kB}, {}, "777");
  Unit district;
  district.code = "777";
  district.name = "Quận Bình Tân";
  district.level = UnitLevel::kDistrict;
  district.parent_code = "79";
  district.province = "Thành phố Hồ Chí Minh";
  district.slug = "binh-tan.ho-chi-minh";
  Unit province;
  province.code = "79";
  province.name = "Thành phố Hồ Chí Minh";
  province.level = UnitLevel::kProvince;
  province.province = "Thành phố Hồ Chí Minh";
  province.slug = "ho-chi-minh";
  a.e.units = {district, province};
  TempDir dir;
  auto g = Build(dir, {a.e});
  auto bt = g->FindById("unit:777");
  auto hcm = g->FindById("unit:79");
  REQUIRE(bt.has_value());
  REQUIRE(hcm.has_value());
  CHECK(g->node(*bt).unit().name == "Quận ủy Bình Tân");  // the meeting's name is kept
  CHECK(g->node(*bt).unit().slug == "binh-tan.ho-chi-minh");
  bool part_of = false;
  for (const EdgeRef& e : g->OutEdges(*bt)) {
    part_of |= e.data->kind == EdgeKind::kPartOf && e.to == *hcm;
  }
  CHECK(part_of);
  auto meetings = g->UnitMeetings(*bt);
  REQUIRE(meetings.size() == 1);
  CHECK(g->MeetingDocuments(meetings[0]).size() == 1);
  CHECK(g->UnitDocuments(*bt) == std::vector<VertexId>{Key(*g, kB)});
  CHECK(g->UnitMeetings(*hcm).empty());
  auto rows = g->Reviews(Key(*g, kB));
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  REQUIRE((*rows)[0].unit.has_value());
  CHECK(*(*rows)[0].unit == *bt);
}

TEST_CASE("units tree: one code in two eras is two nodes, each in its own era's tree") {
  // In the npm gazetteers, 00004 was Phường Trúc Bạch (of Quận Ba Đình, 001) and is Phường
  // Ba Đình (of the city, with no district level) since the 2025 reform; 2,245 of the 3,321
  // ward codes of 2025 named another unit before. 01 is Hà Nội in both, not the same unit.
  auto unit = [](const char* code, const char* name, UnitLevel level, const char* parent,
                 bool after) {
    Unit u;
    u.code = code;
    u.name = name;
    u.level = level;
    u.parent_code = parent;
    u.province = "Thành phố Hà Nội";
    u.after_reform = after;
    return u;
  };
  ArticleBuilder old_one("https://x.vn/truc-bach", "Đảng ủy phường Trúc Bạch sơ kết Đề án 2-ĐA/TU.");
  old_one.Doc(kB).Meeting("Đảng ủy phường Trúc Bạch", "2023-05-10", {kB}, {}, "00004");
  old_one.e.units = {unit("00004", "Phường Trúc Bạch", UnitLevel::kCommune, "001", false),
                     unit("001", "Quận Ba Đình", UnitLevel::kDistrict, "01", false),
                     unit("01", "Thành phố Hà Nội", UnitLevel::kProvince, "", false)};
  ArticleBuilder new_one("https://x.vn/ba-dinh", "Đảng ủy phường Ba Đình sơ kết Đề án 2-ĐA/TU.");
  new_one.Doc(kB).Meeting("Đảng ủy phường Ba Đình", "2025-09-10", {kB}, {}, "00004");
  new_one.e.meetings[0].unit_after_reform = true;
  new_one.e.units = {unit("00004", "Phường Ba Đình", UnitLevel::kCommune, "01", true),
                     unit("01", "Thành phố Hà Nội", UnitLevel::kProvince, "", true)};
  TempDir dir;
  auto g = Build(dir, {old_one.e, new_one.e});
  auto parent_of = [&](VertexId v) -> std::string {
    for (const EdgeRef& e : g->OutEdges(v))
      if (e.data->kind == EdgeKind::kPartOf) return g->node(e.to).id;
    return "";
  };
  auto truc_bach = g->FindById("unit:00004");
  auto ba_dinh = g->FindById("unit:00004@2025");
  REQUIRE(truc_bach.has_value());
  REQUIRE(ba_dinh.has_value());
  CHECK(g->node(*truc_bach).unit().name == "Đảng ủy phường Trúc Bạch");
  CHECK(g->node(*ba_dinh).unit().name == "Đảng ủy phường Ba Đình");
  CHECK(parent_of(*truc_bach) == "unit:001");
  CHECK(parent_of(*ba_dinh) == "unit:01@2025");
  CHECK(parent_of(*g->FindById("unit:001")) == "unit:01");
  CHECK(g->UnitMeetings(*truc_bach).size() == 1);
  CHECK(g->UnitMeetings(*ba_dinh).size() == 1);
}

TEST_CASE("iteration is sorted by stable ids and the counts add up") {
  TempDir dir;
  auto g = Build(dir, Chain());
  auto ids = g->NodeIds();
  CHECK(ids.size() == g->node_count());
  for (size_t i = 1; i < ids.size(); ++i) CHECK(g->node(ids[i - 1]).id < g->node(ids[i]).id);
  auto edges = g->Edges();
  CHECK(edges.size() == g->edge_count());
  GraphStats s = g->Stats();
  CHECK(s.nodes_by_kind["document"] == 3);
  CHECK(s.nodes_by_kind["article"] == 2);
  CHECK(s.nodes_by_kind["meeting"] == 2);
  CHECK(s.edges_by_kind["implements"] == 2);
  CHECK(s.edges_by_kind["reviews"] == 2);
  CHECK(s.edges_by_kind["mentions"] == 4);
  int64_t total = 0;
  for (const auto& [kind, n] : s.edges_by_kind) total += n;
  CHECK(static_cast<size_t>(total) == g->edge_count());
  // The JSON names documents with key, type, number, suffix, jurisdiction.
  const LineageOptions options{Direction::kUp, 0, false};
  auto l = g->GetLineage(Key(*g, kA), options);
  REQUIRE(l.ok());
  const std::string json = LineageToJson(*g, *l, options);
  for (const char* field : {"\"key\":", "\"type\":", "\"number\":", "\"suffix\":",
                            "\"jurisdiction\":", "\"sentence\":"}) {
    CHECK(json.find(field) != std::string::npos);
  }
}

namespace {

// wide: kC implemented by kWide provincial plans, each implemented by a district plan, every
// plan reviewed by one meeting of its own unit (a third in Hà Nội, half at province level,
// dates spread over 2010-2021, every 17th undated). More entries than the graph keeps
// lists from, so that paging goes through its query cache.
constexpr int kWide = 150;
std::string WideTu(int i) { return std::to_string(i) + "-KH/TU@ho-chi-minh"; }
std::string WideQu(int i) { return std::to_string(i) + "-KH/QU@quan-1.ho-chi-minh"; }
std::string WideDate(int i) {
  if (i % 17 == 0) return "";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", 2010 + i % 12, 1 + i % 12, 1 + i % 28);
  return buf;
}
bool WideHaNoi(int i) { return i % 3 == 0; }
bool WideProvinceLevel(int i) { return i % 2 == 0; }

std::vector<Extraction> Wide() {
  std::vector<Extraction> out;
  for (int i = 1; i <= 2 * kWide; ++i) {
    const bool tu = i <= kWide;
    const int n = tu ? i : i - kWide;
    const std::string from = tu ? WideTu(n) : WideQu(n), to = tu ? kC : WideTu(n);
    const std::string from_code = DocumentKey::Parse(from).value().Code();
    const std::string to_code = DocumentKey::Parse(to).value().Code();
    ArticleBuilder a("https://x.vn/wide-" + std::to_string(i),
                     "Kế hoạch " + from_code + " thực hiện văn bản " + to_code + " của cấp trên.");
    a.Doc(from).Doc(to).Implements(from, to).Meeting("Đảng ủy thử " + std::to_string(i), WideDate(i), {from});
    a.e.meetings.back().province = WideHaNoi(i) ? "Thành phố Hà Nội" : "Thành phố Hồ Chí Minh";
    a.e.meetings.back().unit_level = WideProvinceLevel(i) ? "province" : "district";
    out.push_back(a.e);
  }
  return out;
}

// The keys of a direction's list read page by page (`limit` each), following `next`;
// checks every page's totals against `total` and each entry's steps.
std::vector<std::string> PageThrough(const Graph& g, VertexId root, Direction d, size_t limit,
                                     size_t total) {
  std::vector<std::string> keys;
  LineageOptions o(d, 0, false, limit);
  for (int pages = 0; pages < 1000; ++pages) {
    auto l = g.GetLineage(root, o);
    REQUIRE(l.ok());
    const LineageCount& count = d == Direction::kUp ? l->up : l->down;
    CHECK(count.asked);
    CHECK(count.total == total);
    CHECK(l->entries.size() <= limit);
    for (const LineageEntry& e : l->entries) {
      CHECK(e.direction == d);
      CHECK(e.steps.size() == static_cast<size_t>(e.depth));
      for (const Evidence& ev : e.steps) CHECK_FALSE(ev.sentence.empty());
      keys.push_back(g.node(e.document).id);
    }
    if (!count.next) break;
    CHECK(l->entries.size() == limit);  // only the last page is short
    // The cursor text carries the same position.
    LineageOptions again(Direction::kBoth, 0, false, limit);
    REQUIRE(ApplyLineageCursor(g, root, LineageCursor(g, *l, o, d), "--cursor", &again).ok());
    CHECK(again.direction == d);
    REQUIRE(again.after.has_value());
    CHECK(again.after->key == count.next->key);
    CHECK(again.after->depth == count.next->depth);
    o.after = again.after;
  }
  return keys;
}

}  // namespace

TEST_CASE("wide: a lineage page by page gives every entry once, in order, with its total") {
  TempDir dir;
  auto g = Build(dir, Wide());
  const VertexId root = Key(*g, kC);
  auto all = g->GetLineage(root, {Direction::kDown, 0, false});
  REQUIRE(all.ok());
  const std::vector<std::string> keys = Keys(*g, *all, Direction::kDown);
  REQUIRE(keys.size() == 2 * kWide);
  CHECK(all->down.total == keys.size());
  CHECK_FALSE(all->down.next.has_value());
  CHECK_FALSE(all->up.asked);
  // The order of graph.h: by depth, then by stable id.
  for (size_t i = 1; i < all->entries.size(); ++i) {
    const LineageEntry &a = all->entries[i - 1], &b = all->entries[i];
    CHECK((a.depth < b.depth || (a.depth == b.depth && keys[i - 1] < keys[i])));
  }
  for (size_t limit : {size_t{1}, size_t{7}, size_t{100}, size_t{300}, size_t{1000}}) {
    CAPTURE(limit);
    const std::vector<std::string> paged = PageThrough(*g, root, Direction::kDown, limit, keys.size());
    CHECK(paged == keys);
    CHECK(std::set<std::string>(paged.begin(), paged.end()).size() == paged.size());
  }

  // Both directions at once: each its own page, total and next.
  const VertexId mid = Key(*g, WideTu(5));
  auto both = g->GetLineage(mid, {Direction::kBoth, 0, false, 1});
  REQUIRE(both.ok());
  CHECK(both->up.total == 1);
  CHECK_FALSE(both->up.next.has_value());
  CHECK(both->down.total == 1);
  CHECK(Keys(*g, *both, Direction::kUp) == std::vector<std::string>{kC});
  CHECK(Keys(*g, *both, Direction::kDown) == std::vector<std::string>{WideQu(5)});

  // A position that names no entry (gone after a reload) starts where it would be.
  LineageOptions gone(Direction::kDown, 0, false, 3);
  gone.after = LineagePosition{Direction::kDown, 1, WideTu(5) + "x"};
  auto l = g->GetLineage(root, gone);
  REQUIRE(l.ok());
  const std::vector<std::string> got = Keys(*g, *l, Direction::kDown);
  REQUIRE(got.size() == 3);
  auto at = std::upper_bound(keys.begin(), keys.begin() + kWide, WideTu(5) + "x");
  CHECK(got == std::vector<std::string>(at, at + 3));
  // A position of the other direction is refused.
  gone.direction = Direction::kUp;
  CHECK(g->GetLineage(root, gone).status().code() == Code::kInvalidArgument);

  // Many readers of the same busy list at once share one computation and agree.
  std::vector<std::vector<std::string>> seen(8);
  std::vector<std::thread> readers;
  for (auto& s : seen) {
    readers.emplace_back([&g, root, &s] {
      auto r = g->GetLineage(root, {Direction::kDown, 0, false, 50});
      if (r.ok()) s = Keys(*g, *r, Direction::kDown);
    });
  }
  for (auto& t : readers) t.join();
  for (const auto& s : seen) CHECK(s == std::vector<std::string>(keys.begin(), keys.begin() + 50));
}

TEST_CASE("wide: a lineage cursor belongs to its document and its question") {
  TempDir dir;
  auto g = Build(dir, Wide());
  const VertexId root = Key(*g, kC);
  const LineageOptions asked(Direction::kDown, 0, false, 10);
  auto first = g->GetLineage(root, asked);
  REQUIRE(first.ok());
  const std::string cursor = LineageCursor(*g, *first, asked, Direction::kDown);
  REQUIRE_FALSE(cursor.empty());
  CHECK(LineageCursor(*g, *first, asked, Direction::kUp).empty());  // not asked

  auto apply = [&](VertexId v, std::string_view text, LineageOptions o) {
    Status s = ApplyLineageCursor(*g, v, text, "parameter 'cursor'", &o);
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK(s.message().rfind("parameter 'cursor'", 0) == 0);
    return s.message();
  };
  apply(root, "not a cursor", asked);
  apply(root, cursor.substr(0, cursor.size() / 2), asked);
  const std::string other = apply(Key(*g, WideTu(5)), cursor, asked);
  CHECK(other.find(kC) != std::string::npos);
  apply(root, cursor, {Direction::kDown, 2, false, 10});
  apply(root, cursor, {Direction::kDown, 0, true, 10});
  apply(root, cursor, {Direction::kUp, 0, false, 10});
  LineageOptions any(Direction::kBoth, 0, false, 10);
  CHECK(ApplyLineageCursor(*g, root, cursor, "--cursor", &any).ok());
  CHECK(any.direction == Direction::kDown);
}

TEST_CASE("wide: reviews pages and filters agree with the whole list") {
  TempDir dir;
  auto g = Build(dir, Wide());
  const VertexId root = Key(*g, kC);
  auto all = g->Reviews(root);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2 * kWide);
  auto meetings = [&](const std::vector<ReviewRow>& rows) {
    std::vector<VertexId> out;
    for (const ReviewRow& r : rows) out.push_back(r.meeting);
    return out;
  };
  // Page by page.
  std::vector<ReviewRow> paged;
  ReviewQuery q;
  q.limit = 13;
  for (int pages = 0; pages < 100; ++pages) {
    auto page = g->ReviewsPage(root, q);
    REQUIRE(page.ok());
    CHECK(page->total == all->size());
    CHECK(page->rows.size() <= q.limit);
    for (const ReviewRow& r : page->rows) paged.push_back(r);
    if (page->rows.size() < q.limit) break;
    q.offset += q.limit;
  }
  CHECK(meetings(paged) == meetings(*all));
  for (size_t i = 0; i < paged.size(); ++i) {
    CHECK(paged[i].path == (*all)[i].path);
    CHECK(paged[i].role == (*all)[i].role);
  }
  // Filters, counted from what was stored.
  auto count_of = [&](ReviewQuery f) {
    f.limit = 5;
    auto page = g->ReviewsPage(root, f);
    REQUIRE(page.ok());
    CHECK(page->rows.size() == std::min<size_t>(5, page->total));
    return page->total;
  };
  auto expected = [](auto keep) {
    size_t n = 0;
    for (int i = 1; i <= 2 * kWide; ++i) n += keep(i) ? 1 : 0;
    return n;
  };
  ReviewQuery f;
  f.province = "Hà Nội";
  CHECK(count_of(f) == expected([](int i) { return WideHaNoi(i); }));
  f.level = "province";
  CHECK(count_of(f) == expected([](int i) { return WideHaNoi(i) && WideProvinceLevel(i); }));
  ReviewQuery dates;
  dates.from = "2013-05-01";
  dates.to = "2016";
  CHECK(count_of(dates) == expected([](int i) {
          const std::string d = WideDate(i);
          return !d.empty() && d >= "2013-05-01" && d.substr(0, 4) <= "2016";
        }));
  dates.from = "";
  dates.to = "";
  dates.offset = 2 * kWide - 2;  // the last two rows: undated ones last
  auto tail = g->ReviewsPage(root, dates);
  REQUIRE(tail.ok());
  REQUIRE(tail->rows.size() == 2);
  CHECK(g->meeting(tail->rows[1].meeting).date.empty());
}

TEST_CASE("SentenceAround cuts the sentence holding a span") {
  const std::string text = "Câu một. Kế hoạch 1-KH/QU thực hiện Đề án 2. Câu ba.";
  const uint32_t at = static_cast<uint32_t>(text.find("1-KH/QU"));
  CHECK(SentenceAround(text, at, at + 7) == "Kế hoạch 1-KH/QU thực hiện Đề án 2.");
  CHECK(SentenceAround(text, 999, 1000).empty());
}

TEST_CASE("schema v1 databases migrate to the current version and keep their units") {
  TempDir dir;
  const std::string path = dir.File("old.db");
  {
    auto store = Store::Open(path);
    REQUIRE(store.ok());
    Put(*store.value(), Chain());
  }
  {  // Turn it back into what version 1 wrote.
    auto db = sqlite::Database::Open(path, sqlite::OpenMode::kReadWrite);
    REQUIRE(db.ok());
    REQUIRE(db->Exec("INSERT INTO units(code, name, level, province) VALUES "
                     "('760', 'Quận ủy Quận 1', 'district', 'Thành phố Hồ Chí Minh')")
                .ok());
    REQUIRE(db->Exec("DROP INDEX units_by_code; ALTER TABLE units DROP COLUMN parent_code; "
                     "ALTER TABLE units DROP COLUMN slug; ALTER TABLE units DROP COLUMN "
                     "after_reform; CREATE UNIQUE INDEX units_by_code ON units(code) WHERE "
                     "code <> ''; DELETE FROM schema_migrations WHERE version >= 2; "
                     "PRAGMA user_version = 1")
                .ok());
    REQUIRE(db->Exec(dg::testing::BackToFts5Sql("unicode61 remove_diacritics 2")).ok());
  }
  CHECK(Store::Open(path, /*read_only=*/true).status().code() == Code::kUnsupported);
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  CHECK(store.value()->schema_version() == Store::kSchemaVersion);
  auto& db = store.value()->database();
  CHECK(*db.QueryInt("SELECT count(*) FROM units WHERE code = '760' AND parent_code = '' "
                     "AND slug = '' AND after_reform = 0") == 1);
  CHECK(*db.QueryInt("SELECT max(version) FROM schema_migrations") == Store::kSchemaVersion);
  auto g = Graph::Load(*store.value());
  REQUIRE(g.ok());
  CHECK(g.value()->FindById("unit:760").has_value());
}
