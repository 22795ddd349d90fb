// `dirgraph lineage` and `dirgraph reviews`, the real binary end to end: the seed queries
// of issue 4 over ../shared/corpus/seeds (skipped, saying so, where ../shared is absent),
// and the errors users meet.
#include <doctest/doctest.h>

#include "tests/test_support.h"
#include <fcntl.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/document_key.h"
#include "core/store.h"
#include "server/http.h"

extern char** environ;

namespace {
namespace fs = std::filesystem;
using dg::testing::TempDir;
using dg::testing::Slurp;
using dg::testing::Run;
using dg::testing::Dirgraph;

rapidjson::Document Json(const Run& r) {
  INFO(r.err);
  REQUIRE(r.rc == 0);
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

std::string S(const rapidjson::Value& v) { return v.IsString() ? v.GetString() : ""; }

const fs::path kSeeds = fs::path(DIRGRAPH_SHARED_DIR) / "corpus" / "seeds";

}  // namespace

TEST_CASE("the seed queries of issue 4") {
  if (!fs::is_directory(kSeeds)) {
    MESSAGE("skipped: no seeds at " << kSeeds.string() << " (../shared is absent)");
    return;
  }
  TempDir dir;
  const std::string db = (dir.path / "seeds.db").string();
  Run ingest = Dirgraph({"ingest", kSeeds.string(), "--db", db});
  INFO(ingest.err);
  REQUIRE(ingest.rc == 0);

  SUBCASE("lineage of 138-KH/QU, up, gives 02-ĐA/TU") {
    auto d = Json(Dirgraph({"lineage", "138-KH/QU", "--up", "--db", db, "--json"}));
    CHECK(S(d["document"]["key"]) == "138-KH/QU@quan-1.ho-chi-minh");
    const auto& up = d["up"];
    REQUIRE(up.Size() >= 1);
    CHECK(S(up[0]["document"]["key"]) == "2-ĐA/TU@ho-chi-minh");
    CHECK(S(up[0]["document"]["type"]) == "ĐA");
    CHECK(S(up[0]["document"]["number"]) == "2");
    CHECK(S(up[0]["document"]["suffix"]) == "TU");
    CHECK(S(up[0]["document"]["jurisdiction"]) == "Thành phố Hồ Chí Minh");
    CHECK(S(up[0]["steps"][0]["sentence"]).find("thực hiện Đề án 02-ĐA/TU") != std::string::npos);
    CHECK(d["down"].Size() == 0);
    Run text = Dirgraph({"lineage", "Kế hoạch 138-KH/QU", "--up", "--db", db});
    CHECK(text.rc == 0);
    CHECK(text.out.find("138-KH/QU -> 2-ĐA/TU") != std::string::npos);
  }

  SUBCASE("reviews of 02-ĐA/TU: Bình Tân direct, Quận 1 via 138-KH/QU") {
    auto d = Json(Dirgraph({"reviews", "02-ĐA/TU", "--db", db, "--json"}));
    const auto& rows = d["items"];
    REQUIRE(rows.Size() == 2);
    // Sorted by date.
    CHECK(S(rows[0]["meeting"]["unit"]) == "Quận ủy Quận 1");
    CHECK(S(rows[0]["meeting"]["kind"]) == "sơ kết");
    CHECK(rows[0]["meeting"]["years"].GetInt() == 5);
    CHECK(S(rows[0]["meeting"]["date"]) == "2019-06-24");
    CHECK_FALSE(rows[0]["direct"].GetBool());
    REQUIRE(rows[0]["via"].Size() == 1);
    CHECK(S(rows[0]["via"][0]) == "138-KH/QU@quan-1.ho-chi-minh");
    CHECK(S(rows[1]["meeting"]["unit"]) == "Quận ủy Bình Tân");
    CHECK(S(rows[1]["meeting"]["kind"]) == "tổng kết");
    CHECK(rows[1]["meeting"]["years"].GetInt() == 5);
    CHECK(S(rows[1]["meeting"]["date"]) == "2020-11-20");
    CHECK(rows[1]["direct"].GetBool());

    auto later = Json(Dirgraph({"reviews", "02-ĐA/TU", "--from", "2020-01-01", "--db", db,
                                "--json"}));
    REQUIRE(later["items"].Size() == 1);
    CHECK(S(later["items"][0]["meeting"]["unit"]) == "Quận ủy Bình Tân");
  }

  SUBCASE("reviews of 35-NQ/TW: Bình Thạnh and Tam Điệp") {
    auto d = Json(Dirgraph({"reviews", "NQ 35", "--db", db, "--json"}));
    const auto& rows = d["items"];
    std::vector<std::pair<std::string, std::string>> got;
    for (const auto& r : rows.GetArray()) got.emplace_back(S(r["meeting"]["unit"]), S(r["meeting"]["date"]));
    CHECK(got == std::vector<std::pair<std::string, std::string>>{
                     {"Thành ủy Tam Điệp", "2023-06-02"}, {"Quận ủy Bình Thạnh", "2023-09-13"}});
  }

  SUBCASE("the REST API answers lineage and reviews with the very JSON of --json") {
    auto store = dg::Store::Open(db, /*read_only=*/true);
    REQUIRE(store.ok());
    dg::HttpServer::Options options;
    options.quiet = true;
    dg::HttpServer server(store.value().get(), options);
    REQUIRE(server.Start("127.0.0.1", 0).ok());
    httplib::Client client("127.0.0.1", server.port());
    struct Case {
      std::vector<std::string> cli;
      std::string path;
    } cases[] = {
        {{"lineage", "35-NQ/TW", "--down", "--inferred"}, "/lineage?direction=down&inferred=true"},
        {{"lineage", "138-KH/QU", "--up", "--depth", "2"}, "/lineage?direction=up&depth=2"},
        {{"reviews", "02-ĐA/TU"}, "/reviews"},
        {{"reviews", "35-NQ/TW", "--from", "2023-06-03"}, "/reviews?from=2023-06-03"},
    };
    for (Case& c : cases) {
      CAPTURE(c.path);
      std::vector<std::string> args = c.cli;
      for (const char* a : {"--db", db.c_str(), "--json"}) args.push_back(a);
      Run cli = Dirgraph(args);
      REQUIRE(cli.rc == 0);
      const std::string key = S(Json(cli)["document"]["key"]);
      auto res = client.Get("/api/v1/documents/" + dg::KeySlug(key) + c.path);
      REQUIRE(res);
      CHECK(res->status == 200);
      CHECK(res->body + "\n" == cli.out);
    }
  }

  SUBCASE("05-ĐA/TU is one node with two articles; inferred links only when asked") {
    Run found = Dirgraph({"lineage", "05-ĐA/TU", "--db", db, "--json"});
    auto d = Json(found);
    CHECK(S(d["document"]["key"]) == "5-ĐA/TU@ho-chi-minh");
    auto plain = Json(Dirgraph({"lineage", "35-NQ/TW", "--down", "--db", db, "--json"}));
    for (const auto& e : plain["down"].GetArray()) CHECK_FALSE(e["steps"][0]["inferred"].GetBool());
    auto wide = Json(Dirgraph({"lineage", "35-NQ/TW", "--down", "--inferred", "--db", db, "--json"}));
    bool five = false;
    for (const auto& e : wide["down"].GetArray()) {
      if (S(e["document"]["key"]) == "5-ĐA/TU@ho-chi-minh") {
        five = true;
        CHECK(e["steps"][0]["inferred"].GetBool());
        CHECK(e["steps"][0]["weight"].GetDouble() < 1.0);
      }
    }
    CHECK(five);
    Run sql = Dirgraph({"reviews", "05-ĐA/TU@ho-chi-minh", "--db", db, "--json"});
    auto r = Json(sql);
    CHECK(r["items"].Size() >= 2);  // Bình Tân launched it, Bình Thạnh reviewed it
  }
}

TEST_CASE("lineage and reviews: unknown and ambiguous keys, a missing database") {
  TempDir dir;
  const std::string db = (dir.path / "x.db").string();
  Run missing = Dirgraph({"lineage", "35-NQ/TW", "--db", db});
  CHECK(missing.rc != 0);
  CHECK(missing.err.rfind("dirgraph lineage: ", 0) == 0);
  CHECK(missing.err.find("no database") != std::string::npos);

  const fs::path art = dir.path / "a.txt";
  std::ofstream(art) << "Chiều 14/3/2023, Quận ủy Gò Vấp tổ chức hội nghị sơ kết 3 năm thực "
                        "hiện Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị.\n";
  REQUIRE(Dirgraph({"ingest", art.string(), "--db", db}).rc == 0);
  Run unknown = Dirgraph({"reviews", "36-NQ/TW", "--db", db});
  CHECK(unknown.rc != 0);
  CHECK(unknown.err.find("did you mean 35-NQ/TW") != std::string::npos);
  Run bad = Dirgraph({"reviews", "35-NQ/TW", "--from", "soon", "--db", db});
  CHECK(bad.rc != 0);
  CHECK(bad.err.find("--from") != std::string::npos);
  Run ok = Dirgraph({"reviews", "Nghị quyết số 35", "--db", db});
  CHECK(ok.rc == 0);
  CHECK(ok.out.find("Quận ủy Gò Vấp") != std::string::npos);
}
