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
#include <memory>
#include <random>
#include <set>
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

// The REST API over a database, read-only, on an ephemeral loopback port, with a client.
struct Served {
  std::unique_ptr<dg::Store> store;
  std::unique_ptr<dg::HttpServer> server;
  std::unique_ptr<httplib::Client> client;

  explicit Served(const std::string& db) {
    auto opened = dg::Store::Open(db, /*read_only=*/true);
    REQUIRE(opened.ok());
    store = std::move(opened).value();
    dg::HttpServer::Options options;
    options.quiet = true;
    server = std::make_unique<dg::HttpServer>(store.get(), options);
    REQUIRE(server->Start("127.0.0.1", 0).ok());
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
  }
};

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
    const auto& up = d["up"]["items"];
    REQUIRE(up.Size() >= 1);
    CHECK(S(up[0]["document"]["key"]) == "2-ĐA/TU@ho-chi-minh");
    CHECK(S(up[0]["document"]["type"]) == "ĐA");
    CHECK(S(up[0]["document"]["number"]) == "2");
    CHECK(S(up[0]["document"]["suffix"]) == "TU");
    CHECK(S(up[0]["document"]["jurisdiction"]) == "Thành phố Hồ Chí Minh");
    CHECK(S(up[0]["steps"][0]["sentence"]).find("thực hiện Đề án 02-ĐA/TU") != std::string::npos);
    CHECK(d["up"]["total"].GetInt() == static_cast<int>(up.Size()));
    CHECK(d["down"].IsNull());
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
    Served served(db);
    httplib::Client& client = *served.client;
    struct Case {
      std::vector<std::string> cli;
      std::string path;
    } cases[] = {
        {{"lineage", "35-NQ/TW", "--down", "--inferred"}, "/lineage?direction=down&inferred=true"},
        {{"lineage", "138-KH/QU", "--up", "--depth", "2"}, "/lineage?direction=up&depth=2"},
        {{"reviews", "02-ĐA/TU"}, "/reviews"},
        {{"reviews", "35-NQ/TW", "--from", "2023-06-03"}, "/reviews?from=2023-06-03"},
        {{"reviews", "35-NQ/TW", "--limit", "1"}, "/reviews?limit=1"},
        {{"reviews", "35-NQ/TW", "--limit", "1", "--cursor", "1"}, "/reviews?limit=1&cursor=1"},
        {{"reviews", "35-NQ/TW", "--level", "district"}, "/reviews?level=district"},
        {{"reviews", "35-NQ/TW", "--province", "Ninh"}, "/reviews?province=Ninh"},
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

  SUBCASE("reviews a page at a time: the text names the rows shown and the next cursor") {
    auto all = Json(Dirgraph({"reviews", "35-NQ/TW", "--db", db, "--json"}));
    const size_t total = all["total"].GetUint64();
    REQUIRE(total >= 2);
    Run first = Dirgraph({"reviews", "35-NQ/TW", "--db", db, "--limit", "1"});
    REQUIRE(first.rc == 0);
    CHECK(first.out.find(": " + std::to_string(total) + " meetings\n") != std::string::npos);
    CHECK(first.out.find("meetings 1-1 of " + std::to_string(total) +
                         "; the next page: --cursor 1\n") != std::string::npos);
    Run last = Dirgraph({"reviews", "35-NQ/TW", "--db", db, "--limit", "1", "--cursor",
                         std::to_string(total - 1)});
    CHECK(last.out.find("the next page") == std::string::npos);
    Run past = Dirgraph({"reviews", "35-NQ/TW", "--db", db, "--cursor", std::to_string(total)});
    CHECK(past.out.find("no meetings past the first " + std::to_string(total)) != std::string::npos);
    // Every row once over the pages, in the order of the single page.
    std::vector<int64_t> paged;
    for (size_t at = 0; at < total; ++at) {
      auto page = Json(Dirgraph({"reviews", "35-NQ/TW", "--db", db, "--json", "--limit", "1",
                                 "--cursor", std::to_string(at)}));
      REQUIRE(page["items"].Size() == 1);
      paged.push_back(page["items"][0]["meeting"]["id"].GetInt64());
    }
    std::vector<int64_t> whole;
    for (const auto& e : all["items"].GetArray()) whole.push_back(e["meeting"]["id"].GetInt64());
    CHECK(paged == whole);
    Run bad = Dirgraph({"reviews", "35-NQ/TW", "--db", db, "--limit", "-1"});
    CHECK(bad.rc == 2);
    CHECK(bad.err.find("--limit") != std::string::npos);
  }

  SUBCASE("05-ĐA/TU is one node with two articles; inferred links only when asked") {
    Run found = Dirgraph({"lineage", "05-ĐA/TU", "--db", db, "--json"});
    auto d = Json(found);
    CHECK(S(d["document"]["key"]) == "5-ĐA/TU@ho-chi-minh");
    auto plain = Json(Dirgraph({"lineage", "35-NQ/TW", "--down", "--db", db, "--json"}));
    for (const auto& e : plain["down"]["items"].GetArray()) CHECK_FALSE(e["steps"][0]["inferred"].GetBool());
    auto wide = Json(Dirgraph({"lineage", "35-NQ/TW", "--down", "--inferred", "--db", db, "--json"}));
    bool five = false;
    for (const auto& e : wide["down"]["items"].GetArray()) {
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

TEST_CASE("lineage pages: the CLI prints the API's bytes page by page, every entry once") {
  TempDir dir;
  const std::string db = (dir.path / "pages.db").string();
  const fs::path corpus = dir.path / "corpus";
  fs::create_directories(corpus);
  // Twelve district plans carry out 35-NQ/TW; three commune plans carry out the third.
  constexpr int kPlans = 12, kCommune = 3;
  for (int i = 1; i <= kPlans; ++i) {
    std::ofstream(corpus / ("hu" + std::to_string(i) + ".txt"))
        << "Ngày 14/3/2023, Huyện ủy Chợ Gạo ban hành Kế hoạch số " << i
        << "-KH/HU thực hiện Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị.\n";
  }
  for (int i = 1; i <= kCommune; ++i) {
    std::ofstream(corpus / ("du" + std::to_string(i) + ".txt"))
        << "Ngày 2/6/2023, Đảng ủy xã Bình Phục Nhứt ban hành Kế hoạch số " << 20 + i
        << "-KH/ĐU thực hiện Kế hoạch số 3-KH/HU của Huyện ủy Chợ Gạo.\n";
  }
  Run ingest = Dirgraph({"ingest", corpus.string(), "--db", db});
  INFO(ingest.err);
  REQUIRE(ingest.rc == 0);

  Served served(db);
  httplib::Client& client = *served.client;
  auto api = [&](const std::string& key, const std::string& query) {
    auto res = client.Get("/api/v1/documents/" + dg::KeySlug(key) + "/lineage?" + query);
    REQUIRE(res);
    return std::make_pair(res->status, res->body);
  };

  SUBCASE("page by page, following next_cursor") {
    struct Case {
      std::string key;
      std::vector<std::string> cli;  // the question, without --limit and --cursor
      std::string query;
      std::string list;              // the direction paged through
      size_t total;
    } cases[] = {
        {"35-NQ/TW@TW#XII", {"--down"}, "direction=down", "down", kPlans + kCommune},
        {"35-NQ/TW@TW#XII", {"--down", "--depth", "1"}, "direction=down&depth=1", "down", kPlans},
        {"3-KH/HU@cho-gao.tien-giang", {}, "", "down", kCommune},
        {"21-KH/ĐU@binh-phuc-nhut.cho-gao.tien-giang", {"--up"}, "direction=up", "up", 2},
    };
    for (const Case& c : cases) {
      CAPTURE(c.key);
      CAPTURE(c.query);
      std::vector<std::string> keys;
      std::string cursor;
      for (int page = 0; page < 50; ++page) {
        std::vector<std::string> args = {"lineage", c.key, "--db", db, "--json", "--limit", "2"};
        args.insert(args.end(), c.cli.begin(), c.cli.end());
        std::string query = c.query + (c.query.empty() ? "" : "&") + "limit=2";
        if (!cursor.empty()) {
          // The cursor alone names the direction it continues.
          args = {"lineage", c.key, "--db", db, "--json", "--limit", "2", "--cursor", cursor};
          if (c.cli.size() > 1) args.insert(args.end(), c.cli.begin() + 1, c.cli.end());
          query = (c.cli.size() > 1 ? "depth=1&" : "") + std::string("limit=2&cursor=") + cursor;
        }
        Run cli = Dirgraph(args);
        auto [status, body] = api(c.key, query);
        CHECK(status == 200);
        CHECK(body + "\n" == cli.out);
        rapidjson::Document d = Json(cli);
        const auto& list = d[c.list.c_str()];
        REQUIRE(list.IsObject());
        CHECK(list["total"].GetUint64() == c.total);
        CHECK(list["items"].Size() <= 2);
        for (const auto& e : list["items"].GetArray()) {
          keys.push_back(S(e["document"]["key"]));
          CHECK(e["steps"].Size() == e["depth"].GetUint());
        }
        if (list["next_cursor"].IsNull()) break;
        cursor = S(list["next_cursor"]);
        CHECK(list["items"].Size() == 2);
      }
      CHECK(keys.size() == c.total);
      CHECK(std::set<std::string>(keys.begin(), keys.end()).size() == keys.size());
      // The same entries, in the same order, as one page holding them all.
      std::vector<std::string> args = {"lineage", c.key, "--db", db, "--json", "--limit", "1000"};
      args.insert(args.end(), c.cli.begin(), c.cli.end());
      rapidjson::Document whole = Json(Dirgraph(args));
      std::vector<std::string> all;
      for (const auto& e : whole[c.list.c_str()]["items"].GetArray()) all.push_back(S(e["document"]["key"]));
      CHECK(all == keys);
    }
  }

  SUBCASE("a bad limit is a 400 naming it, and an error of the CLI") {
    for (const char* bad : {"0", "1001", "ten", "-1"}) {
      CAPTURE(bad);
      auto [status, body] = api("35-NQ/TW@TW#XII", std::string("limit=") + bad);
      CHECK(status == 400);
      CHECK(body.find("'limit'") != std::string::npos);
      Run cli = Dirgraph({"lineage", "35-NQ/TW", "--db", db, "--limit", bad});
      CHECK(cli.rc != 0);
      CHECK(cli.err.find("--limit") != std::string::npos);
    }
  }

  SUBCASE("a cursor of another document, direction or depth is refused, saying why") {
    Run first = Dirgraph({"lineage", "35-NQ/TW", "--down", "--db", db, "--json", "--limit", "2"});
    const std::string cursor = S(Json(first)["down"]["next_cursor"]);
    REQUIRE_FALSE(cursor.empty());
    struct Bad {
      std::string key, query, says;
      std::vector<std::string> cli;
    } bad[] = {
        {"3-KH/HU@cho-gao.tien-giang", "", "35-NQ/TW@TW#XII", {}},
        {"35-NQ/TW@TW#XII", "direction=up&", "down", {"--up"}},
        {"35-NQ/TW@TW#XII", "depth=1&", "depth 0", {"--depth", "1"}},
    };
    for (const Bad& b : bad) {
      CAPTURE(b.query);
      auto [status, body] = api(b.key, b.query + "cursor=" + cursor);
      CHECK(status == 400);
      CHECK(body.find("parameter 'cursor'") != std::string::npos);
      CHECK(body.find(b.says) != std::string::npos);
      std::vector<std::string> args = {"lineage", b.key, "--db", db, "--cursor", cursor};
      args.insert(args.end(), b.cli.begin(), b.cli.end());
      Run cli = Dirgraph(args);
      CHECK(cli.rc != 0);
      CHECK(cli.err.find("--cursor") != std::string::npos);
      CHECK(cli.err.find(b.says) != std::string::npos);
    }
    auto [status, body] = api("35-NQ/TW@TW#XII", "cursor=bm90IGEgY3Vyc29y");
    CHECK(status == 400);
    CHECK(body.find("parameter 'cursor'") != std::string::npos);
  }
}
