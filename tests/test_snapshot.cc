// The graph snapshot (graph/graph.h, "Snapshot"): a graph read from the file answers
// byte for byte what the graph built from the tables answers; a snapshot of another state
// of the store is stale and the graph is built again with the new data; a truncated or
// damaged file is ignored with one log line naming it; a folder that cannot be written is
// no failure (tests/test_bad_databases.cc, on a read-only mount).
#include <doctest/doctest.h>
#include <httplib.h>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "bench/gen_lib.h"
#include "core/store.h"
#include "graph/export.h"
#include "graph/graph.h"
#include "graph/query_format.h"
#include "ingest/catalogue.h"
#include "ingest/gazetteer.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;
using dg::testing::Dirgraph;
using dg::testing::Run;
using dg::testing::Slurp;
using dg::testing::TempDir;

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Generated articles (bench/gen_lib.h) [from, from + n) written as files into dir/sub:
// meetings of units at every level, central, provincial and district documents, stated
// and inferred links.
std::string Corpus(const TempDir& dir, const std::string& sub, uint64_t from, uint64_t n) {
  struct Data {
    std::unique_ptr<dg::Gazetteer> gaz;
    std::unique_ptr<dg::Catalogue> cat;
    std::unique_ptr<dg::gen::Generator> gen;
  };
  static const Data data = [] {
    Data d;
    auto g = dg::Gazetteer::Load();
    REQUIRE_MESSAGE(g.ok(), g.status().ToString());
    auto c = dg::Catalogue::Load();
    REQUIRE_MESSAGE(c.ok(), c.status().ToString());
    d.gaz = std::move(g).value();
    d.cat = std::move(c).value();
    d.gen = std::make_unique<dg::gen::Generator>(*d.gaz, *d.cat);
    return d;
  }();
  for (uint64_t i = from; i < from + n; ++i) {
    const dg::gen::Article a = data.gen->Make(7, i);
    dir.Write(sub + "/" + a.name, a.text);
  }
  return (dir.path / sub).string();
}

void Ingest(const std::string& corpus, const std::string& db) {
  Run r = Dirgraph({"ingest", corpus, "--db", db});
  INFO(r.err);
  REQUIRE(r.rc == 0);
}

std::unique_ptr<dg::Store> OpenStore(const std::string& db) {
  auto store = dg::Store::Open(db, /*read_only=*/true);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(store).value();
}

std::unique_ptr<dg::Graph> FromTables(const dg::Store& store) {
  auto g = dg::Graph::Load(store);
  REQUIRE_MESSAGE(g.ok(), g.status().ToString());
  return std::move(g).value();
}

std::unique_ptr<dg::Graph> WithSnapshot(const dg::Store& store, const std::string& path,
                                        dg::LoadReport* report) {
  dg::SnapshotOptions options;
  options.path = path;
  auto g = dg::Graph::Load(store, options, report);
  REQUIRE_MESSAGE(g.ok(), g.status().ToString());
  return std::move(g).value();
}

std::string Num(double x) {
  char s[32];
  std::snprintf(s, sizeof s, "%.17g", x);
  return s;
}

// Everything the graph answers, as text: every node with its fields and every edge with
// its data, weight, reason and evidence; lookups by id and by code; the lineage (both
// ways, stated only and with inferred links) and the reviews of every document, as the
// REST API writes them; the units' meetings; the counts; the four exports.
std::string Answers(const dg::Graph& g) {
  std::ostringstream out;
  for (dg::VertexId v : g.NodeIds()) {
    const dg::Node n = g.node(v);
    out << n.id << ' ' << dg::NodeKindName(n.kind) << ' ' << n.Label() << '\n';
    CHECK(g.FindById(n.id) == std::optional<dg::VertexId>(v));
    switch (n.kind) {
      case dg::NodeKind::kDocument: {
        const dg::DocumentNode& d = n.document();
        out << "  " << d.row_id << '|' << d.key_text << '|' << d.issuer << '|' << d.jurisdiction << '|'
            << d.date << '|' << d.title << '|' << static_cast<int>(d.family) << '|' << d.central << '\n';
        auto resolved = g.Resolve(d.key().Code());
        out << "  resolve " << (resolved.ok() ? g.IdOf(*resolved) : resolved.status().message()) << '\n';
        break;
      }
      case dg::NodeKind::kUnit: {
        const dg::UnitNode& u = n.unit();
        out << "  " << u.row_id << '|' << u.code << '|' << u.name << '|' << u.level << '|' << u.province
            << '|' << u.parent_code << '|' << u.slug << '|' << u.after_reform << " meetings";
        for (dg::VertexId m : g.UnitMeetings(v)) out << ' ' << g.IdOf(m);
        out << " documents";
        for (dg::VertexId d : g.UnitDocuments(v)) out << ' ' << g.IdOf(d);
        out << '\n';
        break;
      }
      case dg::NodeKind::kMeeting: {
        const dg::MeetingNode& m = n.meeting();
        out << "  " << m.row_id << '|' << m.article_id << '|' << m.unit << '|' << m.unit_level << '|'
            << m.province << '|' << m.kind << '|' << m.date << '|' << m.chair << '|'
            << (m.years ? std::to_string(*m.years) : "-") << '|' << m.date_inferred << '\n';
        break;
      }
      case dg::NodeKind::kArticle: break;
    }
  }
  for (const dg::EdgeRef& e : g.Edges()) {
    const dg::EdgeData& d = *e.data;
    out << g.IdOf(e.from) << " -" << dg::EdgeKindName(d.kind) << "-> " << g.IdOf(e.to) << ' '
        << d.inferred << ' ' << d.evidence_start << ' ' << d.evidence_end << ' ' << d.article_id << ' '
        << Num(d.weight()) << ' ' << d.why() << '\n';
    if (dg::IsDocumentRelation(d.kind)) {
      const dg::Evidence ev = g.EvidenceOf(e);
      out << "  evidence " << ev.start << ' ' << ev.end << ' ' << ev.url << ' ' << ev.sentence << '\n';
    }
  }
  for (dg::VertexId v : g.NodeIds()) {
    if (g.kind(v) != dg::NodeKind::kDocument) continue;
    for (bool inferred : {false, true}) {
      dg::LineageOptions options;
      options.inferred = inferred;
      auto lineage = g.GetLineage(v, options);
      REQUIRE(lineage.ok());
      out << dg::LineageToJson(g, *lineage, options) << '\n';
    }
    auto reviews = g.Reviews(v);
    REQUIRE(reviews.ok());
    out << dg::ReviewsToJson(g, v, *reviews) << '\n';
  }
  const dg::GraphStats s = g.Stats();
  for (const auto& [k, n] : s.nodes_by_kind) out << k << '=' << n << '\n';
  for (const auto& [k, n] : s.edges_by_kind) out << k << '=' << n << '\n';
  for (const auto& [k, n] : s.documents_by_type) out << k << '=' << n << '\n';
  out << "inferred=" << s.inferred_edges << '\n';
  auto exported = dg::MakeExportGraph(g, dg::ExportOptions{});
  REQUIRE(exported.ok());
  REQUIRE(dg::WriteGexf(*exported, out).ok());
  REQUIRE(dg::WriteGraphml(*exported, out).ok());
  REQUIRE(dg::WriteJson(*exported, out).ok());
  REQUIRE(dg::WriteCsvNodes(*exported, out).ok());
  REQUIRE(dg::WriteCsvEdges(*exported, out).ok());
  return out.str();
}

// The corpus the tests share: 80 generated articles, then 30 more.
constexpr uint64_t kFirst = 80, kMore = 30;

// A database of the first 80 articles, in a temporary folder, and its snapshot's path.
struct Ingested {
  TempDir dir;
  const std::string db = dir.Db();
  const std::string snapshot = dg::SnapshotPathOf(db);
  Ingested() { Ingest(Corpus(dir, "corpus", 0, kFirst), db); }
};

}  // namespace

TEST_CASE_FIXTURE(Ingested, "snapshot: a graph read from its snapshot answers byte for byte what the tables give") {
  auto store = OpenStore(db);
  auto tables = FromTables(*store);
  // The corpus has what the snapshot must carry: every kind of node, inferred links with
  // their weights and reasons, part_of trees, meetings reviewing plans.
  const dg::GraphStats stats = tables->Stats();
  CHECK(stats.nodes_by_kind.size() == 4);
  CHECK(stats.inferred_edges > 0);
  for (const char* kind : {"implements", "reviews", "held", "part_of", "mentions", "reports"}) {
    CAPTURE(kind);
    CHECK(stats.edges_by_kind.count(kind) == 1);
  }
  CHECK(tables->stamp().find("format=") == 0);

  dg::LoadReport first;
  auto built = WithSnapshot(*store, snapshot, &first);
  CHECK_FALSE(first.from_snapshot);
  CHECK(first.written);
  CHECK(first.warnings.empty());
  REQUIRE(fs::exists(snapshot));
  CHECK_FALSE(fs::exists(snapshot + ".tmp"));
  for (const auto& entry : fs::directory_iterator(dir.path)) {  // no temporary file left
    CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);
  }

  dg::LoadReport second;
  auto read = WithSnapshot(*store, snapshot, &second);
  CHECK(second.from_snapshot);
  CHECK_FALSE(second.written);
  REQUIRE(second.notes.size() == 1);
  CHECK(Has(second.notes[0], "graph read from the snapshot " + snapshot));
  CHECK(read->node_count() == tables->node_count());
  CHECK(read->edge_count() == tables->edge_count());
  CHECK(read->stamp() == tables->stamp());
  const std::string expected = Answers(*tables);
  CHECK(Answers(*read) == expected);
  CHECK(Answers(*built) == expected);

  // A writer killed while writing left its temporary file: the next write removes it once
  // that process is gone, and leaves those of a live one and other files alone.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(0);
  REQUIRE(::waitpid(child, nullptr, 0) == child);
  const std::string dead = snapshot + ".tmp." + std::to_string(child) + ".7";
  const std::string live = snapshot + ".tmp." + std::to_string(::getppid()) + ".7";
  const std::string other = snapshot + ".tmp.notes";
  for (const std::string& f : {dead, live, other}) std::ofstream(f) << "partial";
  REQUIRE(read->WriteSnapshot(snapshot).ok());
  CHECK_FALSE(fs::exists(dead));
  CHECK(fs::exists(live));
  CHECK(fs::exists(other));
  fs::remove(live);
  fs::remove(other);

  // Written again from the graph it was read into, the file is the same bytes.
  const std::string again = dir.File("again.graph");
  REQUIRE(read->WriteSnapshot(again).ok());
  CHECK(Slurp(again) == Slurp(snapshot));
}

TEST_CASE_FIXTURE(Ingested, "snapshot: after another ingest the snapshot is stale, the server builds the graph again and answers the new data") {
  auto node_count = [&](int port) -> size_t {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(60, 0);
    auto res = client.Get("/api/v1/export.json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    size_t n = 0;
    for (size_t at = res->body.find("\"kind\":\""); at != std::string::npos; at = res->body.find("\"kind\":\"", at + 1)) {
      n += res->body.compare(at, 17, "\"kind\":\"document\"") == 0 || res->body.compare(at, 13, "\"kind\":\"unit\"") == 0 ||
           res->body.compare(at, 16, "\"kind\":\"meeting\"") == 0 || res->body.compare(at, 16, "\"kind\":\"article\"") == 0;
    }
    return n;
  };
  size_t before = 0;
  {
    dg::testing::Server server({"--db", db});
    const std::string err = server.child().ErrOnce("graph snapshot written to " + snapshot);
    CAPTURE(err);
    CHECK(Has(err, "graph loaded from the tables of " + db));
    CHECK(Has(err, "graph snapshot written to " + snapshot));
    before = node_count(server.port());
  }
  CHECK(before == FromTables(*OpenStore(db))->node_count());
  {
    dg::testing::Server server({"--db", db});
    CHECK(Has(server.child().Err(), "graph read from the snapshot " + snapshot));
    CHECK(node_count(server.port()) == before);
  }

  Ingest(Corpus(dir, "more", kFirst, kMore), db);
  const size_t after = FromTables(*OpenStore(db))->node_count();
  CHECK(after > before);
  {
    dg::testing::Server server({"--db", db});
    const std::string err = server.child().ErrOnce("graph snapshot written to " + snapshot);
    CAPTURE(err);
    CHECK(Has(err, snapshot + ": graph snapshot is stale"));
    CHECK(Has(err, "graph loaded from the tables of " + db));
    CHECK(Has(err, "graph snapshot written to " + snapshot));
    CHECK_FALSE(Has(err, "damaged"));
    CHECK(node_count(server.port()) == after);
  }
  {
    dg::testing::Server server({"--db", db});
    CHECK(Has(server.child().Err(), "graph read from the snapshot " + snapshot));
    CHECK(node_count(server.port()) == after);
  }
}

TEST_CASE_FIXTURE(Ingested, "snapshot: a truncated or damaged file is ignored with one line naming it, and the graph is right") {
  auto store = OpenStore(db);
  const std::string expected = Answers(*FromTables(*store));
  dg::LoadReport report;
  WithSnapshot(*store, snapshot, &report);
  REQUIRE(report.written);
  const std::string good = Slurp(snapshot);
  REQUIRE(good.size() > 4096);

  auto write = [&](const std::string& bytes) { std::ofstream(snapshot, std::ios::binary | std::ios::trunc) << bytes; };
  std::string flipped = good;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x20);
  std::string garbage(good.size(), '\0');
  uint64_t x = 88172645463325252ull;
  for (char& c : garbage) {  // xorshift: bytes that are no snapshot
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c = static_cast<char>(x);
  }
  std::string garbage_after_header = good.substr(0, 512) + garbage.substr(512);
  struct Case {
    const char* name;
    std::string bytes;
    const char* why;
  };
  const std::vector<Case> cases = {
      {"cut in half", good.substr(0, good.size() / 2), "bytes, its header says"},
      {"cut inside its header", good.substr(0, 20), "shorter than its header"},
      {"one bit flipped", flipped, "checksum mismatch"},
      {"garbage", garbage, "not a dirgraph graph snapshot"},
      {"garbage after a good header", garbage_after_header, "checksum mismatch"},
      {"empty", "", "shorter than its header"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    write(c.bytes);
    dg::LoadReport r;
    auto g = WithSnapshot(*store, snapshot, &r);
    CHECK_FALSE(r.from_snapshot);
    REQUIRE(r.warnings.size() == 1);
    CHECK(Has(r.warnings[0], snapshot + ": graph snapshot damaged: "));
    CHECK(Has(r.warnings[0], c.why));
    CHECK(Answers(*g) == expected);
    CHECK(r.written);  // replaced by a good one
    CHECK(Slurp(snapshot) == good);
  }

  // The server logs the line even when quiet, and answers as it does without a snapshot:
  // the lineage of the central document the most articles name.
  std::string slug;
  {
    auto raw = dg::sqlite::Database::Open(db, dg::sqlite::OpenMode::kReadOnly);
    REQUIRE(raw.ok());
    auto st = raw->Prepare(
        "SELECT d.key FROM documents d JOIN article_documents a ON a.document_id = d.id "
        "WHERE d.key LIKE '%@TW#%' GROUP BY d.id ORDER BY count(*) DESC, d.id LIMIT 1");
    REQUIRE(st.ok());
    auto row = st->Step();
    REQUIRE(row.ok());
    REQUIRE(*row);
    for (char c : st->ColumnText(0)) slug += c == '/' ? '~' : c == '#' ? '!' : c == '?' ? '_' : c;
  }
  auto lineage = [&](int port) {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(60, 0);
    auto res = client.Get("/api/v1/documents/" + slug + "/lineage?inferred=true");
    REQUIRE(res);
    CHECK(res->status == 200);
    return res->body;
  };
  std::string plain;
  {
    dg::testing::Server server({"--db", db, "--quiet", "--no-graph-snapshot"});
    plain = lineage(server.port());
  }
  CHECK(Has(plain, "\"down\":{\"items\":[{\"document\""));
  // The binary is another build than this program: its first start writes its own file.
  {
    dg::testing::Server server({"--db", db});
    CHECK(lineage(server.port()) == plain);
    const std::string err = server.child().ErrOnce("graph snapshot written to " + snapshot);
    CHECK(Has(err, snapshot + ": graph snapshot is stale"));
    CHECK(Has(err, "graph snapshot written to " + snapshot));
  }
  const std::string served = Slurp(snapshot);
  REQUIRE(served.size() > 4096);
  std::string damaged = served;
  damaged[damaged.size() / 3] = static_cast<char>(damaged[damaged.size() / 3] ^ 0x01);
  write(damaged);
  {
    dg::testing::Server server({"--db", db, "--quiet"});
    const std::string err = server.child().Err();
    CAPTURE(err);
    CHECK(Has(err, "dirgraph serve: " + snapshot + ": graph snapshot damaged: checksum mismatch; ignored"));
    CHECK(lineage(server.port()) == plain);
    server.child().Signal(SIGTERM);  // stops once the snapshot is written again
    CHECK(server.child().Wait(60).rc == 0);
  }
  CHECK(Slurp(snapshot) == served);
  {
    dg::testing::Server server({"--db", db, "--quiet"});
    CHECK(server.child().Err().empty());
    CHECK(lineage(server.port()) == plain);
  }
}

TEST_CASE_FIXTURE(Ingested, "snapshot: one written by another build, or of another database at the same path, is stale") {
  {
    auto store = OpenStore(db);
    dg::LoadReport report;
    WithSnapshot(*store, snapshot, &report);
    REQUIRE(report.written);
  }
  // Another database at the same path, with as many articles: the stamp differs.
  const std::string kept = Slurp(snapshot);
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix);
  Ingest(Corpus(dir, "other", 1000, kFirst), db);
  std::ofstream(snapshot, std::ios::binary | std::ios::trunc) << kept;
  auto store = OpenStore(db);
  dg::LoadReport report;
  auto g = WithSnapshot(*store, snapshot, &report);
  CHECK_FALSE(report.from_snapshot);
  CHECK(report.warnings.empty());
  REQUIRE_FALSE(report.notes.empty());
  CHECK(Has(report.notes[0], snapshot + ": graph snapshot is stale"));
  CHECK(Answers(*g) == Answers(*FromTables(*store)));
  // The dirgraph binary is another build than this test program: it finds the file this
  // program wrote stale, and builds its own.
  dg::testing::Server server({"--db", db});
  const std::string err = server.child().ErrOnce("graph snapshot written to " + snapshot);
  CAPTURE(err);
  CHECK(Has(err, snapshot + ": graph snapshot is stale"));
  CHECK(Has(err, "graph snapshot written to " + snapshot));
}

TEST_CASE_FIXTURE(Ingested, "snapshot: lineage, reviews and export read the server's snapshot, never write one, and name a damaged one") {
  std::string key;
  {
    auto store = OpenStore(db);
    auto g = FromTables(*store);
    for (dg::VertexId v : g->NodeIds()) {
      const dg::Node n = g->node(v);
      if (n.kind == dg::NodeKind::kDocument && n.document().central) {
        key = std::string(n.document().key_text);
        break;
      }
    }
  }
  REQUIRE_FALSE(key.empty());
  auto ask = [&] {
    Run lineage = Dirgraph({"lineage", key, "--db", db, "--json", "--inferred"});
    Run reviews = Dirgraph({"reviews", key, "--db", db, "--json", "--limit", "0"});
    Run exported = Dirgraph({"export", "--db", db, "--format", "gexf", "-o", "-"});
    CHECK(lineage.rc == 0);
    CHECK(reviews.rc == 0);
    CHECK(exported.rc == 0);
    return std::make_tuple(lineage, reviews, exported);
  };
  const auto [lineage, reviews, exported] = ask();
  CHECK(Has(lineage.out, "\"down\":{\"items\":[{\"document\""));
  CHECK_FALSE(std::filesystem::exists(snapshot));  // the commands write none
  {
    dg::testing::Server server({"--db", db, "--quiet"});
    server.child().Signal(SIGTERM);  // stops once its snapshot is written
    CHECK(server.child().Wait(60).rc == 0);
  }
  const std::string served = Slurp(snapshot);
  REQUIRE(served.size() > 4096);
  const auto [warm_lineage, warm_reviews, warm_exported] = ask();
  CHECK(warm_lineage.out == lineage.out);
  CHECK(warm_reviews.out == reviews.out);
  CHECK(warm_exported.out == exported.out);
  CHECK(warm_lineage.err.empty());
  CHECK(Slurp(snapshot) == served);  // read, not written again

  std::string damaged = served;
  damaged[damaged.size() / 2] = static_cast<char>(damaged[damaged.size() / 2] ^ 0x01);
  std::ofstream(snapshot, std::ios::binary | std::ios::trunc) << damaged;
  const auto [bad_lineage, bad_reviews, bad_exported] = ask();
  CHECK(bad_lineage.out == lineage.out);
  CHECK(bad_reviews.out == reviews.out);
  CHECK(bad_exported.out == exported.out);
  CHECK(Has(bad_exported.err, "dirgraph export: " + snapshot + ": graph snapshot damaged"));
  CAPTURE(bad_lineage.err);
  CHECK(Has(bad_lineage.err, "dirgraph lineage: " + snapshot + ": graph snapshot damaged"));
  CHECK(Has(bad_reviews.err, "dirgraph reviews: " + snapshot + ": graph snapshot damaged"));
  CHECK(Slurp(snapshot) == damaged);  // left as it was: the next serve rewrites it
}
