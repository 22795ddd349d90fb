// End-to-end tests of the `dirgraph` binary: each case runs it as a child process and
// checks its exit code, stdout and stderr.
#include <doctest/doctest.h>

#include "tests/test_support.h"
#include <fcntl.h>
#include <rapidjson/document.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/sqlite.h"
#include "core/store.h"

extern char** environ;

namespace {
namespace fs = std::filesystem;
using dg::testing::TempDir;
using dg::testing::Slurp;
using dg::testing::Run;
using dg::testing::Dirgraph;

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> lines;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

// A short article of the genre: a district committee reviews a city scheme.
constexpr const char* kArticle =
    "Quận ủy Gò Vấp sơ kết 3 năm thực hiện Đề án số 03-ĐA/TU\n"
    "Chiều 14/3/2023, Quận ủy Gò Vấp tổ chức hội nghị sơ kết 3 năm thực hiện Đề án số "
    "03-ĐA/TU ngày 10/2/2020 của Ban Thường vụ Thành ủy về nâng cao chất lượng sinh hoạt "
    "chi bộ. Đồng chí Nguyễn Văn Bình, Bí thư Quận ủy chủ trì hội nghị.\n";

const char* const kCommands[] = {"ingest", "extract", "lineage", "reviews", "export",
                                 "serve",  "stats",   "help",    "version"};

}  // namespace

TEST_CASE("help lists every command, with and without the word help") {
  for (const auto& args : {std::vector<std::string>{"help"}, std::vector<std::string>{}}) {
    Run r = Dirgraph(args);
    CHECK(r.rc == 0);
    for (const char* c : kCommands) {
      CAPTURE(c);
      CHECK(r.out.find(std::string("  ") + c + " ") != std::string::npos);
    }
  }
}

TEST_CASE("every command answers --help on stdout with exit 0") {
  for (const char* c : kCommands) {
    CAPTURE(c);
    Run r = Dirgraph({c, "--help"});
    CHECK(r.rc == 0);
    CHECK(r.out.find(std::string("dirgraph ") + c) != std::string::npos);
  }
}

TEST_CASE("an unknown command gets a suggestion and exit 2") {
  struct Row {
    const char* typed;
    const char* expected_stderr;
  } rows[] = {
      {"extrct", "dirgraph: unknown command 'extrct'; did you mean 'extract'?\n"},
      {"serv", "dirgraph: unknown command 'serv'; did you mean 'serve'?\n"},
      {"ingset", "dirgraph: unknown command 'ingset'; did you mean 'ingest'?\n"},
      {"zzzzzz", "dirgraph: unknown command 'zzzzzz'; run 'dirgraph help' for the list\n"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.typed);
    Run r = Dirgraph({row.typed});
    CHECK(r.rc == 2);
    CHECK(r.err == row.expected_stderr);
    CHECK(r.out.empty());
  }
}

TEST_CASE("version prints the project version") {
  Run r = Dirgraph({"version"});
  CHECK(r.rc == 0);
  CHECK(r.out == "dirgraph " DIRGRAPH_VERSION "\n");
}

TEST_CASE("export without --format and -o is a usage error naming the command") {
  Run r = Dirgraph({"export", "--db", "nowhere.db"});
  CHECK(r.rc == 2);
  CHECK(r.err.rfind("dirgraph export: ", 0) == 0);
  CHECK(r.err.find("--format") != std::string::npos);
}

TEST_CASE("a bad option is a usage error naming the command") {
  Run r = Dirgraph({"stats", "--no-such-option"});
  CHECK(r.rc == 2);
  CHECK(r.err.rfind("dirgraph stats: ", 0) == 0);
}

TEST_CASE("extract of an empty file fails naming the file") {
  TempDir dir;
  const std::string empty = dir.Write("empty.txt", "");
  Run r = Dirgraph({"extract", empty});
  CHECK(r.rc == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("dirgraph extract: " + empty + ": ") != std::string::npos);
}

TEST_CASE("extract goes on past a file of invalid UTF-8 and exits 1") {
  TempDir dir;
  const std::string bad = dir.Write("bad.txt", std::string("Quận ủy \xff\xfe họp\n"));
  const std::string good = dir.Write("good.txt", kArticle);
  Run r = Dirgraph({"extract", bad, good});
  CHECK(r.rc == 1);
  CHECK(r.err.find("dirgraph extract: " + bad + ": ") != std::string::npos);
  CHECK(r.err.find("good.txt") == std::string::npos);
  auto lines = Lines(r.out);
  REQUIRE(lines.size() == 1);
  rapidjson::Document d;
  d.Parse(lines[0].c_str());
  REQUIRE(d.IsObject());
  REQUIRE(d.HasMember("file"));
  CHECK(std::string(d["file"].GetString()) == "good.txt");
}

TEST_CASE("extract prints one line per file in argument order, folders sorted") {
  TempDir dir;
  const std::string b = dir.Write("b.txt", kArticle);
  const std::string a = dir.Write("a.txt", kArticle);
  dir.Write("folder/z.txt", kArticle);
  dir.Write("folder/sub/y.txt", kArticle);
  dir.Write("folder/notes.md", "not an article");
  dir.Write("folder/.hidden.txt", kArticle);
  Run r = Dirgraph({"extract", b, a, (dir.path / "folder").string()});
  CHECK(r.rc == 0);
  auto lines = Lines(r.out);
  REQUIRE(lines.size() == 4);
  const char* expected[] = {"b.txt", "a.txt", "y.txt", "z.txt"};
  for (size_t i = 0; i < 4; ++i) {
    rapidjson::Document d;
    d.Parse(lines[i].c_str());
    REQUIRE(d.IsObject());
    CHECK(std::string(d["file"].GetString()) == expected[i]);
  }
}

TEST_CASE("extract of a missing file names it and exits 1") {
  Run r = Dirgraph({"extract", "/no/such/article.txt"});
  CHECK(r.rc == 1);
  CHECK(r.err.find("dirgraph extract: /no/such/article.txt: ") != std::string::npos);
}

TEST_CASE("stats on an empty database prints zeros in a fixed order") {
  TempDir dir;
  const std::string db = (dir.path / "empty.db").string();
  fs::create_directories(dir.path / "nothing");
  Run ingest = Dirgraph({"ingest", (dir.path / "nothing").string(), "--db", db});
  REQUIRE(ingest.rc == 0);
  CHECK(ingest.out.find("0 articles") == 0);
  Run r = Dirgraph({"stats", "--db", db});
  CHECK(r.rc == 0);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "articles 0\n"
        "documents 0\n"
        "documents.family.party 0\n"
        "documents.family.state 0\n"
        "units 0\n"
        "meetings 0\n"
        "edges.amends 0\n"
        "edges.based_on 0\n"
        "edges.implements 0\n"
        "edges.linked 0\n"
        "edges.repeals 0\n"
        "edges.replaces 0\n");
}

TEST_CASE("stats without a database says how to make one") {
  TempDir dir;
  Run r = Dirgraph({"stats", "--db", (dir.path / "missing.db").string()});
  CHECK(r.rc == 1);
  CHECK(r.err.find("no database at") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path / "missing.db"));
}

TEST_CASE("ingest twice stores nothing new the second time") {
  TempDir dir;
  dir.Write("corpus/a.txt", kArticle);
  dir.Write("corpus/b.txt", std::string(kArticle) + "Hội nghị kết thúc lúc 17 giờ.\n");
  const std::string db = (dir.path / "x.db").string();
  Run first = Dirgraph({"ingest", (dir.path / "corpus").string(), "--db", db});
  CHECK(first.rc == 0);
  CHECK(first.out.find("2 articles (2 added, 0 replaced, 0 unchanged)") == 0);
  Run stats1 = Dirgraph({"stats", "--db", db});
  Run second = Dirgraph({"ingest", (dir.path / "corpus").string(), "--db", db});
  CHECK(second.rc == 0);
  CHECK(second.out.find("2 articles (0 added, 0 replaced, 2 unchanged)") == 0);
  Run stats2 = Dirgraph({"stats", "--db", db});
  CHECK(stats1.rc == 0);
  CHECK(stats1.out == stats2.out);
  CHECK(stats1.out.find("articles 2\n") == 0);
}

TEST_CASE("reading commands migrate a database of an older schema once, then read it") {
  TempDir dir;
  dir.Write("corpus/a.txt", kArticle);
  const std::string db = (dir.path / "x.db").string();
  REQUIRE(Dirgraph({"ingest", (dir.path / "corpus").string(), "--db", db}).rc == 0);
  Run before = Dirgraph({"stats", "--db", db});
  REQUIRE(before.rc == 0);
  // Turn it back into what version 2 wrote (as far as the later migrations go: they may run
  // again).
  auto exec = [&](const std::string& sql) {
    auto d = dg::sqlite::Database::Open(db, dg::sqlite::OpenMode::kReadWrite);
    REQUIRE(d.ok());
    REQUIRE(d->Exec(sql).ok());
  };
  exec("DROP INDEX units_by_code; CREATE UNIQUE INDEX units_by_code ON units(code) WHERE "
       "code <> ''; DELETE FROM schema_migrations WHERE version >= 3; PRAGMA user_version = 2");
  // Version 2's search index: FTS5 with unicode61 (schema 6 replaced it).
  exec(dg::testing::BackToFts5Sql("unicode61 remove_diacritics 2"));
  for (const char* command : {"stats", "reviews"}) {
    CAPTURE(command);
    std::vector<std::string> args = {command};
    if (std::string(command) == "reviews") args.push_back("03-ĐA/TU");
    args.insert(args.end(), {"--db", db});
    Run r = Dirgraph(args);
    INFO(r.err);
    CHECK(r.rc == 0);
    if (std::string(command) == "stats") CHECK(r.out == before.out);
  }
  {
    auto d = dg::sqlite::Database::Open(db, dg::sqlite::OpenMode::kReadOnly);
    REQUIRE(d.ok());
    CHECK(*d->QueryInt("PRAGMA user_version") == dg::Store::kSchemaVersion);
  }
  // A newer schema stays refused.
  exec("PRAGMA user_version = 99");
  Run newer = Dirgraph({"stats", "--db", db});
  CHECK(newer.rc != 0);
  CHECK(newer.err.find("newer") != std::string::npos);
}

TEST_CASE("ingest --strict stops at a bad input; without it the run goes on, then exits 1") {
  TempDir dir;
  const std::string feed = dir.Write("feed.jsonl", std::string("{\"url\":\"u1\",\"text\":\"") +
                                                       "Chiều 1/6 họp" + "\"}\n{\"url\": broken\n");
  const std::string db = (dir.path / "x.db").string();
  Run lenient = Dirgraph({"ingest", feed, "--db", db});
  CHECK(lenient.rc == 1);  // the run went on, and says at the end that something failed
  CHECK(lenient.out.find("1 articles (1 added") == 0);
  CHECK(lenient.err.find(feed + ":2: invalid JSON") != std::string::npos);
  CHECK(lenient.out.find("1 errors") != std::string::npos);
  Run strict = Dirgraph({"ingest", feed, "--db", db, "--strict"});
  CHECK(strict.rc != 0);
  CHECK(strict.err.find(feed + ":2: invalid JSON") != std::string::npos);
}
