// Inputs (ingest/input.h) and the ingest pipeline (ingest/pipeline.h), on real SQLite
// files in a temporary folder.
#include <doctest/doctest.h>

#include "tests/test_support.h"
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/store.h"
#include "ingest/extract.h"
#include "ingest/input.h"
#include "ingest/pipeline.h"

namespace {
namespace fs = std::filesystem;
using dg::testing::TempDir;
using dg::IngestOptions;
using dg::IngestReport;
using dg::InputItem;
using dg::InputReader;
using dg::Result;


// Articles of the genre, each a little different so that their hashes differ.
std::string Article(int i) {
  return "Đảng ủy phường " + std::to_string(i) +
         " quán triệt Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị\n"
         "Sáng 5/4, Đảng ủy phường " +
         std::to_string(i) +
         " tổ chức hội nghị học tập, quán triệt Nghị quyết số 35-NQ/TW của Bộ Chính trị "
         "về tăng cường bảo vệ nền tảng tư tưởng của Đảng.\n";
}

// A JSON line for one article; `text` must need no escaping.
std::string JsonLine(const std::string& url, const std::string& text) {
  return "{\"url\":\"" + url + "\",\"text\":\"" + text + "\",\"published\":null}\n";
}

std::vector<InputItem> ReadAll(const std::vector<std::string>& paths, std::istream* in = nullptr) {
  InputReader reader(paths, in);
  std::vector<InputItem> items;
  InputItem item;
  while (reader.Next(&item)) items.push_back(item);
  return items;
}

dg::Store::Stats StatsOf(const std::string& db) {
  auto store = dg::Store::Open(db, true);
  REQUIRE(store.ok());
  auto stats = store.value()->GetStats();
  REQUIRE(stats.ok());
  return stats.value();
}

void CheckSameStats(const dg::Store::Stats& a, const dg::Store::Stats& b) {
  CHECK(a.articles == b.articles);
  CHECK(a.documents == b.documents);
  CHECK(a.documents_by_type == b.documents_by_type);
  CHECK(a.documents_by_family == b.documents_by_family);
  CHECK(a.units == b.units);
  CHECK(a.meetings == b.meetings);
  CHECK(a.edges_by_relation == b.edges_by_relation);
}

// Ingests `paths` into the database at `db`, without gazetteer or catalogue.
Result<IngestReport> IngestInto(const std::string& db, const std::vector<std::string>& paths,
                                const IngestOptions& options = {}) {
  auto store = dg::Store::Open(db);
  REQUIRE(store.ok());
  dg::Extractor extractor(nullptr, nullptr);
  return dg::Ingest(paths, *store.value(), extractor, options);
}

}  // namespace

// ---- inputs --------------------------------------------------------------------------

TEST_CASE("a folder yields its article files recursively, in sorted order") {
  TempDir dir;
  dir.Write("c/b.txt", "b");
  dir.Write("c/a.html", "a");
  dir.Write("c/sub/z.txt", "z");
  dir.Write("c/a2.htm", "a2");
  dir.Write("c/gold.jsonl", "{}\n");       // JSON Lines inside folders are not read
  dir.Write("c/README.md", "read me");     // nor other files
  dir.Write("c/.hidden/x.txt", "hidden");  // nor hidden entries
  auto items = ReadAll({(dir.path / "c").string()});
  std::vector<std::string> names;
  for (const auto& it : items) {
    CHECK(it.status.ok());
    names.push_back(it.hints.file);
  }
  CHECK(names == std::vector<std::string>{"a.html", "a2.htm", "b.txt", "z.txt"});
  CHECK(items[0].text == "a");
  CHECK(items[0].hints.url == (dir.path / "c" / "a.html").string());
}

TEST_CASE("a symbolic link back up the tree is entered once") {
  TempDir dir;
  dir.Write("c/a.txt", "a");
  dir.Write("c/sub/b.txt", "b");
  fs::create_directory_symlink(dir.path / "c", dir.path / "c" / "sub" / "loop");
  fs::create_directory_symlink(dir.path / "c" / "sub", dir.path / "c" / "again");
  auto items = ReadAll({(dir.path / "c").string()});
  REQUIRE(items.size() == 2);
  CHECK(items[0].hints.file == "a.txt");
  CHECK(items[1].hints.file == "b.txt");
}

TEST_CASE("bad paths are items with a status naming them; the rest is read") {
  TempDir dir;
  const std::string good = dir.Write("good.txt", "x");
  const std::string gz = dir.Write("feed.jsonl.gz", "\x1f\x8b");
  auto items = ReadAll({"/no/such/path", good, gz});
  REQUIRE(items.size() == 3);
  CHECK(items[0].status.code() == dg::Code::kNotFound);
  CHECK(items[0].status.message().find("/no/such/path") != std::string::npos);
  CHECK(items[1].status.ok());
  CHECK(items[1].text == "x");
  CHECK_FALSE(items[2].status.ok());
  CHECK(items[2].status.message().find("zcat") != std::string::npos);
}

TEST_CASE("files are read as bytes, unchanged") {
  TempDir dir;
  const std::string bytes("a\r\nb\0c\xff", 7);
  const std::string p = dir.Write("raw.txt", bytes);
  auto items = ReadAll({p});
  REQUIRE(items.size() == 1);
  CHECK(items[0].text == bytes);
  CHECK(items[0].bytes == 7);
}

TEST_CASE("JSON lines: fields, and broken lines reported by line number") {
  struct Row {
    const char* line;
    bool ok;
    const char* comment;
  } rows[] = {
      {R"({"url":"u","text":"t"})", true, "the two required fields"},
      {R"({"url":"u","text":"t","title":"T","published":"2020-11-20","site":"s"})", true,
       "all fields"},
      {R"({"url":"u","text":"t","title":null,"published":null})", true, "nulls for optional"},
      {R"({"url":"u","text":"t","extra":[1,2]})", true, "unknown fields are ignored"},
      {R"({"url":"u"})", false, "no text"},
      {R"({"text":"t"})", false, "no url"},
      {R"({"url":"u","text":7})", false, "text not a string"},
      {R"({"url":"u","text":"t","published":2020})", false, "published not a string"},
      {R"(["u","t"])", false, "not an object"},
      {R"({"url":"u","text":"t"} trailing)", false, "garbage after the object"},
      {"{\"url\":\"u\",\"text\":\"\xff\"}", false, "invalid UTF-8"},
      {R"({"url":"u",)", false, "cut short"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.comment);
    InputItem item;
    dg::Status s = dg::ParseJsonLine(row.line, &item);
    CHECK(s.ok() == row.ok);
  }
  // Where the line goes wrong, by column: a NUL byte (the line is parsed in place, and
  // must not end there), a byte that is not UTF-8 (checked on the whole line first).
  {
    InputItem bad;
    dg::Status s = dg::ParseJsonLine(std::string("{\"url\":\"u\",\"text\":\"t\"}\0 x", 26), &bad);
    CHECK_FALSE(s.ok());
    CHECK(s.message() == "invalid JSON at column 23: a NUL byte");
    s = dg::ParseJsonLine("{\"url\":\"u\",\"text\":\"Ngh\xe1\xbb\x8b \xe1\xbb\"}", &bad);
    CHECK(s.message() == "invalid JSON at column 27: invalid UTF-8");
    s = dg::ParseJsonLine(std::string(65, '[') + std::string(65, ']'), &bad);
    CHECK(s.message() == "invalid JSON at column 65: arrays or objects nested deeper than 64 levels");
    CHECK(dg::ParseJsonLine(std::string(64, '[') + std::string(64, ']'), &bad).message() ==
          "not a JSON object");
  }
  // Strings with escapes at every distance from the line's start, unescaped in place: they
  // come out whole.
  for (size_t pad = 0; pad < 40; ++pad) {
    const std::string before(pad, 'a');
    InputItem item;
    REQUIRE(dg::ParseJsonLine("{\"url\":\"u\",\"text\":\"" + before +
                                  "Ngh\xe1\xbb\x8b\\n\\\"q\\\" \\u0110\\u1ea3ng" + before + "\"}",
                              &item)
                .ok());
    CHECK(item.text == before + "Nghị\n\"q\" Đảng" + before);
  }
  InputItem item;
  REQUIRE(dg::ParseJsonLine(
              R"({"url":"u","text":"a\nb","title":"T","published":"2020-11-20","site":"s"})", &item)
              .ok());
  CHECK(item.hints.url == "u");
  CHECK(item.text == "a\nb");
  CHECK(item.hints.title == "T");
  CHECK(item.hints.published == "2020-11-20");
  CHECK(item.hints.site == "s");
  CHECK(item.hints.file.empty());
}

TEST_CASE("JSON lines: the same items whichever parser reads them") {
  // Most lines take a fast parse; the others the careful one. These are the lines where
  // the two could part: each must read as JSON says, with the message of the careful one.
  struct Row {
    std::string line;
    std::string url, text;  // expected when `error` is empty
    std::string error;
    const char* comment;
  } rows[] = {
      {R"({"url":"a","url":"b","text":"t"})", "a", "t", "", "a repeated field: the first"},
      {R"({"u\u0072l":"a","text":"t"})", "a", "t", "", "an escaped field name"},
      {R"({"url":"a","text":"x\u0000y"})", "a", std::string("x\0y", 3), "", "an escaped NUL"},
      {R"({"url":"a","text":"\ud83d\ude00"})", "a", "\xf0\x9f\x98\x80", "", "a surrogate pair"},
      {R"({"url":"a","text":"t","n":123456789012345678901234567890})", "a", "t", "",
       "a number past 64 bits in another field"},
      {R"({"url":"a","text":"t","n":1.5e3,"m":[true,{"k":null}]})", "a", "t", "", "other values"},
      {R"({"url":"a","text":"\ud800x"})", "", "", "invalid JSON at column 20: ", "a lone surrogate"},
      {R"({"url":"a","text":"t","d":)" + std::string(65, '[') + std::string(65, ']') + "}", "", "",
       "invalid JSON at column 90: arrays or objects nested deeper than 64 levels",
       "too deep in another field"},
      {"{\"url\":\"a\",\"text\":\"x\ty\"}", "", "", "invalid JSON at column ",
       "a tab not escaped"},
      {R"({"url":"a","text":null})", "", "", "missing \"text\"", "a null text"},
      {R"({"url":"a","text":"t","site":false})", "", "", "\"site\" is not a string", "a wrong type"},
  };
  for (const Row& row : rows) {
    INFO(std::string(row.comment));
    for (const bool padded : {false, true}) {
      std::string line = row.line;
      if (padded) line.reserve(line.size() + 64);
      InputItem item;
      dg::Status s = dg::ParseJsonLine(std::move(line), &item);
      if (row.error.empty()) {
        INFO(s.ToString());
        REQUIRE(s.ok());
        CHECK(item.hints.url == row.url);
        CHECK(item.text == row.text);
      } else {
        INFO(s.message());
        CHECK(s.message().rfind(row.error, 0) == 0);
      }
    }
  }
}

TEST_CASE("a JSON Lines file: blank lines skipped, a broken line named, the rest read") {
  TempDir dir;
  const std::string feed =
      dir.Write("feed.jsonl", JsonLine("u1", "one") + "\n" + "{\"url\":\"u2\",\"text\":\r\n" +
                                  JsonLine("u3", "three") + "\r\n");
  auto items = ReadAll({feed});
  REQUIRE(items.size() == 3);
  CHECK(items[0].source == feed + ":1");
  CHECK(items[0].text == "one");
  CHECK(items[1].source == feed + ":3");
  CHECK_FALSE(items[1].status.ok());
  CHECK(items[1].status.message().rfind(feed + ":3: invalid JSON", 0) == 0);
  CHECK(items[2].source == feed + ":4");
  CHECK(items[2].text == "three");
}

TEST_CASE("JSON lines handed out unparsed parse later into the same items") {
  TempDir dir;
  const std::string feed =
      dir.Write("feed.jsonl", JsonLine("u1", "one") + "{\"url\":\"u2\",\"text\":\n" +
                                  "{\"url\":\"u3\",\"text\":\"three\",\"site\":\"s\"}\n");
  const std::vector<InputItem> parsed = ReadAll({feed});
  InputReader reader({feed});
  reader.DeferJsonParsing(true);
  std::vector<InputItem> deferred;
  InputItem item;
  while (reader.Next(&item)) deferred.push_back(item);
  REQUIRE(deferred.size() == 3);
  REQUIRE(parsed.size() == 3);
  for (size_t i = 0; i < deferred.size(); ++i) {
    CAPTURE(i);
    InputItem& d = deferred[i];
    CHECK(d.unparsed_json);
    CHECK(d.status.ok());  // read, not yet judged
    CHECK(d.text.front() == '{');
    dg::ParseDeferredJson(&d);
    CHECK_FALSE(d.unparsed_json);
    CHECK(d.source == parsed[i].source);
    CHECK(d.text == parsed[i].text);
    CHECK(d.hints.url == parsed[i].hints.url);
    CHECK(d.hints.site == parsed[i].hints.site);
    CHECK(d.bytes == parsed[i].bytes);
    CHECK(d.status.ToString() == parsed[i].status.ToString());
  }
  CHECK(deferred[1].status.message().rfind(feed + ":2: invalid JSON", 0) == 0);
  CHECK(deferred[1].text.empty());
  CHECK(deferred[2].hints.site == "s");
}

TEST_CASE("\"-\" reads JSON Lines from the given stream") {
  std::istringstream in(JsonLine("u1", "one") + JsonLine("u2", "two"));
  auto items = ReadAll({"-"}, &in);
  REQUIRE(items.size() == 2);
  CHECK(items[1].source == "-:2");
  CHECK(items[1].hints.url == "u2");
}

// ---- the pipeline --------------------------------------------------------------------

TEST_CASE("ingesting a folder twice: the second run changes nothing") {
  TempDir dir;
  for (int i = 1; i <= 7; ++i) {
    dir.Write("corpus/" + std::string(i % 2 ? "odd/" : "") + std::to_string(i) + ".txt",
              Article(i));
  }
  const std::string corpus = (dir.path / "corpus").string();
  IngestOptions small;
  small.batch_size = 3;  // several transactions
  small.jobs = 2;
  auto first = IngestInto(dir.Db(), {corpus}, small);
  REQUIRE(first.ok());
  CHECK(first->articles_added == 7);
  CHECK(first->articles_unchanged == 0);
  CHECK(first->errors == 0);
  auto stats1 = StatsOf(dir.Db());
  CHECK(stats1.articles == 7);

  auto second = IngestInto(dir.Db(), {corpus});
  REQUIRE(second.ok());
  CHECK(second->articles_added == 0);
  CHECK(second->articles_replaced == 0);
  CHECK(second->articles_unchanged == 7);
  CHECK(second->documents == 0);
  CHECK(second->meetings == 0);
  CheckSameStats(stats1, StatsOf(dir.Db()));
}

TEST_CASE("an edited file replaces its article") {
  TempDir dir;
  const std::string p = dir.Write("corpus/a.txt", Article(1));
  REQUIRE(IngestInto(dir.Db(), {p}).ok());
  dir.Write("corpus/a.txt", Article(2));
  auto again = IngestInto(dir.Db(), {p});
  REQUIRE(again.ok());
  CHECK(again->articles_replaced == 1);
  CHECK(StatsOf(dir.Db()).articles == 1);
}

TEST_CASE("a JSON Lines file with a broken line: the error names the line, the rest lands") {
  TempDir dir;
  const std::string feed = dir.Write("feed.jsonl", JsonLine("https://a.vn/1", "Chiều 1/6 họp") +
                                                       "{\"url\":\"https://a.vn/2\", oops}\n" +
                                                       JsonLine("https://a.vn/3", "Sáng 2/6 họp"));
  std::vector<dg::IngestError> seen;
  IngestOptions options;
  options.on_error = [&](const dg::IngestError& e) { seen.push_back(e); };
  auto report = IngestInto(dir.Db(), {feed}, options);
  REQUIRE(report.ok());
  CHECK(report->articles_added == 2);
  CHECK(report->errors == 1);
  REQUIRE(report->error_list.size() == 1);
  CHECK(report->error_list[0].input == feed + ":2");
  CHECK(report->error_list[0].reason.rfind("invalid JSON at column", 0) == 0);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].input == feed + ":2");
  CHECK(StatsOf(dir.Db()).articles == 2);
}

TEST_CASE("extraction failures are errors of their input; the run goes on") {
  TempDir dir;
  dir.Write("corpus/a.txt", Article(1));
  dir.Write("corpus/b.txt", "");  // empty: the extractor refuses it
  dir.Write("corpus/c.txt", Article(3));
  auto report = IngestInto(dir.Db(), {(dir.path / "corpus").string()});
  REQUIRE(report.ok());
  CHECK(report->articles_added == 2);
  REQUIRE(report->errors == 1);
  CHECK(report->error_list[0].input == (dir.path / "corpus" / "b.txt").string());
  CHECK_FALSE(report->error_list[0].reason.empty());
}

TEST_CASE("strict: the first error fails the run; earlier batches stay committed") {
  TempDir dir;
  const std::string feed = dir.Write("feed.jsonl", JsonLine("u1", "Chiều 1/6 họp") + "not json\n" +
                                                       JsonLine("u3", "Sáng 2/6 họp"));
  IngestOptions options;
  options.strict = true;
  options.batch_size = 1;
  auto report = IngestInto(dir.Db(), {feed}, options);
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().message().rfind(feed + ":2: ", 0) == 0);
  CHECK(StatsOf(dir.Db()).articles == 1);
}

TEST_CASE("batches start small and double up to the batch size") {
  TempDir dir;
  std::string feed;
  for (int i = 0; i < 700; ++i) {
    const std::string n = std::to_string(i);
    feed += JsonLine(std::string("u").append(n), std::string("bài ").append(n));
  }
  const std::string path = dir.Write("feed.jsonl", feed);
  IngestOptions options;
  options.batch_size = 300;
  std::vector<int64_t> items;  // after each committed batch, then once at the end
  options.progress = [&](const dg::IngestProgress& p) { items.push_back(p.items); };
  auto report = IngestInto(dir.Db(), {path}, options);
  REQUIRE(report.ok());
  CHECK(report->articles_added == 700);
  // 125, 250, then 300 at most per transaction.
  CHECK(items == std::vector<int64_t>{125, 375, 675, 700, 700});
}

// The nice value of each of this process's threads named `name` (/proc/self/task).
std::vector<int> NiceOfThreads(const std::string& name) {
  std::vector<int> out;
  for (const auto& task : fs::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string got;
    std::getline(comm, got);
    if (got != name) continue;
    std::ifstream stat(task.path() / "stat");
    std::string line;
    std::getline(stat, line);
    // After "pid (comm) ": state is field 3, nice field 19.
    std::istringstream fields(line.substr(line.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 19 && fields >> field; ++i) {
      if (i == 19) out.push_back(std::stoi(field));
    }
  }
  return out;
}

TEST_CASE("the extraction threads run below the writing thread") {
  TempDir dir;
  std::string feed;
  for (int i = 0; i < 300; ++i) {
    const std::string n = std::to_string(i);
    feed += JsonLine(std::string("u").append(n), std::string("bài ").append(n));
  }
  const std::string path = dir.Write("feed.jsonl", feed);
  IngestOptions options;
  options.jobs = 2;
  options.batch_size = 100;
  errno = 0;
  const int own = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  REQUIRE(errno == 0);
  const int expected = std::min(own + 5, 19);
  std::vector<int> seen;
  // Called on the writing thread between batches, while the pool's threads are alive.
  // Each names itself, then lowers its priority, when it first runs: on a busy machine one
  // may not have run yet when the first batch is written (one thread can extract the few
  // short articles alone), so this waits up to 5 s for both.
  options.progress = [&](const dg::IngestProgress&) {
    if (!seen.empty()) return;
    for (int tries = 0; tries < 500; ++tries) {
      seen = NiceOfThreads("dg-extract");
      if (seen.size() == 2 && std::count(seen.begin(), seen.end(), expected) == 2) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };
  auto report = IngestInto(dir.Db(), {path}, options);
  REQUIRE(report.ok());
  REQUIRE(seen.size() == 2);
  for (int nice : seen) CHECK(nice == expected);
}

TEST_CASE("progress is reported with the bytes read") {
  TempDir dir;
  for (int i = 0; i < 5; ++i) dir.Write("c/" + std::to_string(i) + ".txt", Article(i));
  IngestOptions options;
  options.batch_size = 2;
  std::vector<dg::IngestProgress> seen;
  options.progress = [&](const dg::IngestProgress& p) { seen.push_back(p); };
  auto report = IngestInto(dir.Db(), {(dir.path / "c").string()}, options);
  REQUIRE(report.ok());
  REQUIRE_FALSE(seen.empty());
  CHECK(seen.back().items == 5);
  CHECK(seen.back().total_bytes > 0);
  CHECK(seen.back().bytes == seen.back().total_bytes);
}

TEST_CASE("paths looked at only when read (count_sizes false) give the same items in the same order") {
  TempDir dir;
  dir.Write("corpus/b.txt", Article(2));
  dir.Write("corpus/sub/a.txt", Article(1));
  dir.Write("corpus/sub/deeper/c.htm", Article(3));
  dir.Write("corpus/empty.txt", "");
  dir.Write("corpus/notes.md", "not an article");
  const std::string loose = dir.Write("loose.txt", Article(4));
  const std::string feed = dir.Write("feed.jsonl", JsonLine("u1", "một"));
  fs::create_symlink(dir.path / "nowhere.txt", dir.path / "corpus" / "broken.txt");
  const std::string corpus = (dir.path / "corpus").string();
  const std::vector<std::string> paths = {
      (dir.path / "missing.txt").string(), corpus, loose, corpus + "/sub/", feed,
      (dir.path / "gone.gz").string(), (dir.path / "missing-folder").string() + "/", loose};
  InputReader counted(paths), lazy(paths, nullptr, /*count_sizes=*/false);
  CHECK(counted.total_bytes() > 0);
  CHECK(lazy.total_bytes() == 0);
  InputItem a, b;
  size_t n = 0;
  for (;;) {
    const bool more_a = counted.Next(&a), more_b = lazy.Next(&b);
    REQUIRE(more_a == more_b);
    if (!more_a) break;
    ++n;
    CAPTURE(a.source);
    CHECK(a.source == b.source);
    CHECK(a.status.ToString() == b.status.ToString());
    CHECK(a.text == b.text);
    CHECK(a.hints.file == b.hints.file);
    CHECK(a.hints.url == b.hints.url);
  }
  CHECK(n == 13);
}

TEST_CASE("into an empty store the secondary indexes are built once, after the last batch") {
  TempDir dir;
  auto line = [](int url, int text) {  // Article's lines, escaped for JSON
    std::string escaped;
    for (char c : Article(text)) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
    return JsonLine(std::string("https://x.vn/").append(std::to_string(url)), escaped);
  };
  std::string feed;
  for (int i = 0; i < 300; ++i) feed += line(i, i);
  const std::string path = dir.Write("feed.jsonl", feed);
  // Indexes over edges, as the schema has them, counted through another connection.
  auto indexes = [&] {
    auto db = dg::sqlite::Database::Open(dir.Db(), dg::sqlite::OpenMode::kReadOnly);
    REQUIRE(db.ok());
    auto n = db->QueryInt("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'edges'");
    REQUIRE(n.ok());
    return *n;
  };
  IngestOptions options;
  options.batch_size = 100;
  std::vector<int64_t> seen;
  options.progress = [&](const dg::IngestProgress&) { seen.push_back(indexes()); };
  auto report = IngestInto(dir.Db(), {path}, options);
  REQUIRE(report.ok());
  CHECK(report->articles_added == 300);
  REQUIRE(seen.size() == 4);  // three batches, then the end
  CHECK(seen[0] == 0);
  CHECK(seen[2] == 0);
  CHECK(seen[3] == 3);
  CHECK(dg::testing::IntegrityCheck(dir.Db()) == "ok");

  // A second run, into a store that holds articles, keeps them: the replaced articles'
  // rows are found through them.
  std::string again;
  for (int i = 0; i < 150; ++i) again += line(i, i + 1000);
  seen.clear();
  auto second = IngestInto(dir.Db(), {dir.Write("again.jsonl", again)}, options);
  REQUIRE(second.ok());
  CHECK(second->articles_replaced == 150);
  CHECK(std::all_of(seen.begin(), seen.end(), [](int64_t n) { return n == 3; }));
  CHECK(StatsOf(dir.Db()).articles == 300);
}
