// Faults through the real binary (issue 7, "Faults"): an ingest killed with SIGKILL in the
// middle of a run, and the server answering while an ingest writes. The corpus is made
// by the generator of bench/ (gen_lib), a few hundred articles in a temporary folder.
#include <doctest/doctest.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bench/gen_lib.h"
#include "core/sqlite.h"
#include "ingest/catalogue.h"
#include "ingest/gazetteer.h"
#include "tests/test_support.h"

namespace {
namespace fs = std::filesystem;
using dg::testing::Child;
using dg::testing::Dirgraph;
using dg::testing::IntegrityCheck;
using dg::testing::Run;
using dg::testing::TempDir;
using Clock = std::chrono::steady_clock;

// Writes articles [0, n) of seed `seed` as files into `dir`/NAME; returns the folder.
std::string Generate(const TempDir& dir, const std::string& name, int n, uint64_t seed) {
  static const auto gazetteer = dg::Gazetteer::Load();
  static const auto catalogue = dg::Catalogue::Load();
  REQUIRE_MESSAGE(gazetteer.ok(), gazetteer.status().ToString());
  REQUIRE_MESSAGE(catalogue.ok(), catalogue.status().ToString());
  dg::gen::Generator gen(*gazetteer.value(), *catalogue.value());
  for (int i = 0; i < n; ++i) {
    dg::gen::Article a = gen.Make(seed, static_cast<uint64_t>(i));
    dir.Write(name + "/" + a.name, a.text);
  }
  return (dir.path / name).string();
}

// The number of articles in `db`, read as any reader would while a writer works; -1
// while there is no database yet.
int64_t Articles(const std::string& db) {
  std::error_code ec;
  if (!fs::exists(db, ec)) return -1;
  auto opened = dg::sqlite::Database::Open(db, dg::sqlite::OpenMode::kReadOnly);
  if (!opened.ok()) return -1;
  auto n = opened->QueryInt("SELECT count(*) FROM articles");
  return n.ok() ? n.value() : -1;
}

std::string StatsOf(const std::string& db) {
  Run r = Dirgraph({"stats", "--db", db});
  CAPTURE(r.err);
  REQUIRE(r.rc == 0);
  return r.out;
}

int64_t JsonInt(const std::string& body, const char* key) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember(key) || !d[key].IsInt64()) return -1;
  return d[key].GetInt64();
}

size_t ExportNodes(httplib::Client& client) {
  auto res = client.Get("/api/v1/export.json");
  if (!res || res->status != 200) return 0;
  rapidjson::Document d;
  d.Parse(res->body.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("nodes")) return 0;
  return d["nodes"].Size();
}

}  // namespace

TEST_CASE("kill -9 in the middle of an ingest: the database is sound, and a rerun finishes it") {
  constexpr int kArticles = 240;
  constexpr int kBatch = 10;
  TempDir dir;
  const std::string corpus = Generate(dir, "corpus", kArticles, 11);
  const std::vector<std::string> options = {"--batch-size", std::to_string(kBatch), "-j", "2"};
  auto ingest = [&](const std::string& db) {
    std::vector<std::string> args = {"ingest", corpus, "--db", db};
    args.insert(args.end(), options.begin(), options.end());
    return args;
  };

  // The run nothing interrupts.
  const std::string whole = (dir.path / "whole.db").string();
  Run uninterrupted = Dirgraph(ingest(whole));
  CAPTURE(uninterrupted.err);
  REQUIRE(uninterrupted.rc == 0);
  const std::string expected = StatsOf(whole);

  // The run killed once its first batch is committed.
  const std::string db = (dir.path / "killed.db").string();
  int64_t seen = -1;
  {
    Child child(ingest(db));
    const auto until = Clock::now() + std::chrono::seconds(120);
    while (child.running() && Clock::now() < until && (seen = Articles(db)) < kBatch) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    child.Signal(SIGKILL);
    Run killed = child.Wait();
    REQUIRE_MESSAGE(killed.rc == 128 + SIGKILL, "the ingest ended before it was killed");
  }
  const int64_t stored = Articles(db);
  CAPTURE(stored);
  CHECK(stored >= kBatch);      // the committed batches stay
  CHECK(stored < kArticles);    // killed in the middle
  CHECK(stored % kBatch == 0);  // a batch lands whole or not at all
  CHECK(IntegrityCheck(db) == "ok");
  CHECK(StatsOf(db) != expected);

  Run rerun = Dirgraph(ingest(db));
  CAPTURE(rerun.err);
  CHECK(rerun.rc == 0);
  CHECK(rerun.out.rfind(std::to_string(kArticles) + " articles (" +
                            std::to_string(kArticles - stored) + " added, 0 replaced, " +
                            std::to_string(stored) + " unchanged), 0 errors",
                        0) == 0);
  CHECK(IntegrityCheck(db) == "ok");
  CHECK(StatsOf(db) == expected);
}

TEST_CASE("an ingest meeting another connection's lock waits for it instead of failing") {
  TempDir dir;
  const std::string db = dir.Db();
  const std::string fixtures = std::string(DIRGRAPH_FIXTURES_DIR) + "/corpus/";
  REQUIRE(
      Dirgraph({"ingest", fixtures + "001_chau-thanh-tien-giang-so-ket-nq35.txt", "--db", db}).rc ==
      0);
  // An exclusive lock for a while, as the first reader after a crash takes one to recover
  // the crashed writer's log (an ingest restarted beside a running server met it).
  auto holder = dg::sqlite::Database::Open(db, dg::sqlite::OpenMode::kReadWrite);
  REQUIRE(holder.ok());
  REQUIRE(holder->Exec("PRAGMA locking_mode = EXCLUSIVE").ok());
  REQUIRE(holder->Exec("BEGIN IMMEDIATE; UPDATE articles SET title = title; COMMIT").ok());
  Child ingest({"ingest", fixtures + "002_binh-tan-hcm-so-ket-ct05.txt", "--db", db});
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(ingest.running());  // waiting, not failed
  holder = dg::sqlite::Database::Open(":memory:", dg::sqlite::OpenMode::kReadWriteCreate);
  Run r = ingest.Wait(60);
  CAPTURE(r.err);
  CHECK(r.rc == 0);
  CHECK(r.out.rfind("1 articles (1 added", 0) == 0);
  CHECK(Articles(db) == 2);
}

TEST_CASE("the server answers while an ingest writes, and serves the new data") {
  TempDir dir;
  const std::string db = dir.Db();
  REQUIRE(Dirgraph({"ingest", std::string(DIRGRAPH_FIXTURES_DIR) + "/corpus", "--db", db}).rc == 0);
  const int64_t before = Articles(db);
  constexpr int kNew = 120;
  const std::string corpus = Generate(dir, "new", kNew, 12);

  dg::testing::Server server({"--db", db, "--quiet"});
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(30, 0);
  const size_t nodes_before = ExportNodes(client);
  REQUIRE(nodes_before > 0);

  const std::vector<std::string> paths = {
      "/api/v1/stats", "/api/v1/documents?limit=5&type=KH", "/api/v1/search?q=nghi+quyet",
      "/api/v1/documents/35-NQ~TW@TW!XII/lineage?direction=down",
      "/api/v1/meetings?limit=5&from=2020"};
  int requests = 0, failures = 0;
  std::set<int64_t> counts;  // the articles /stats showed during the ingest
  Child ingest({"ingest", corpus, "--db", db, "--batch-size", "10", "-j", "1"});
  while (ingest.running()) {
    for (const std::string& path : paths) {
      auto res = client.Get(path.c_str());
      ++requests;
      if (!res || res->status != 200) {
        ++failures;
        MESSAGE(path << ": "
                     << (res ? std::to_string(res->status) + " " + res->body
                             : httplib::to_string(res.error())));
        continue;
      }
      if (path == "/api/v1/stats") counts.insert(JsonInt(res->body, "articles"));
    }
  }
  Run done = ingest.Wait();
  CAPTURE(done.err);
  REQUIRE(done.rc == 0);
  CAPTURE(requests);
  CHECK(failures == 0);
  CHECK(requests >= 20);
  // Batches became visible as they were committed, not only at the end.
  size_t between = 0;
  for (int64_t n : counts) between += n > before && n < before + kNew;
  CHECK(between >= 1);

  auto stats = client.Get("/api/v1/stats");
  REQUIRE(stats);
  CHECK(JsonInt(stats->body, "articles") == before + kNew);
  // The in-memory graph (exports, lineage, reviews) is reloaded within a second or so.
  size_t nodes_after = 0;
  const auto until = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < until && (nodes_after = ExportNodes(client)) <= nodes_before) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  CHECK(nodes_after > nodes_before);
  CHECK(IntegrityCheck(db) == "ok");
}
