// Bad input files through the real binary (issue 7, "Bad input: files"): a 200 MB file, a
// 200 MB line, a 10 MB line, a symbolic link loop, files that cannot be read, and files
// that change while they are read. Each case: a clear message naming the input, the
// other inputs ingested, and an exit status that says whether anything failed.
// Big files are made sparse in a temporary folder: nothing big is committed or written.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ingest/input.h"
#include "tests/test_support.h"

namespace {
namespace fs = std::filesystem;
using dg::testing::Dirgraph;
using dg::testing::Run;
using dg::testing::TempDir;

// A short article of the genre.
constexpr const char* kArticle =
    "Quận ủy Gò Vấp sơ kết 3 năm thực hiện Đề án số 03-ĐA/TU\n"
    "Chiều 14/3/2023, Quận ủy Gò Vấp tổ chức hội nghị sơ kết 3 năm thực hiện Đề án số "
    "03-ĐA/TU ngày 10/2/2020 của Ban Thường vụ Thành ủy về nâng cao chất lượng sinh hoạt "
    "chi bộ. Đồng chí Nguyễn Văn Bình, Bí thư Quận ủy chủ trì hội nghị.\n";

// One line of JSON Lines; `text` is escaped (quotes, backslashes, line breaks).
std::string JsonLine(const std::string& url, const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '"' || c == '\\') escaped += '\\';
    if (c == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped += c;
  }
  return "{\"url\":\"" + url + "\",\"text\":\"" + escaped + "\"}\n";
}

// Extends the file at `path` by `bytes` bytes that take no disk space (a hole: zeros).
void AddHole(const std::string& path, off_t bytes) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  REQUIRE(::truncate(path.c_str(), st.st_size + bytes) == 0);
}

void Append(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::app) << bytes;
}

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string StatsOf(const std::string& db) {
  Run r = Dirgraph({"stats", "--db", db});
  REQUIRE(r.rc == 0);
  return r.out;
}

}  // namespace

TEST_CASE("a 200 MB file is refused from its size at once; the other files are ingested") {
  TempDir dir;
  const std::string big = dir.Write("corpus/big.txt", kArticle);
  AddHole(big, 200ll << 20);
  dir.Write("corpus/good.txt", kArticle);
  Run r = Dirgraph({"ingest", (dir.path / "corpus").string(), "--db", dir.Db()});
  CAPTURE(r.err);
  CHECK(r.rc == 1);
  CHECK(Has(r.err, big + ": 200 MiB, larger than 64 MiB: not an article"));
  CHECK(r.out.rfind("1 articles (1 added", 0) == 0);
  CHECK(Has(r.out, "1 errors"));
}

TEST_CASE("a 200 MB line of JSON Lines is skipped without being held; the lines around it land") {
  TempDir dir;
  // Line 2 is a 200 MiB string (a hole of zeros): longer than any article may be.
  const std::string feed = dir.Write("feed.jsonl", JsonLine("https://a.vn/1", kArticle));
  Append(feed, "{\"url\":\"https://a.vn/2\",\"text\":\"");
  AddHole(feed, 200ll << 20);
  Append(feed, "\"}\n" + JsonLine("https://a.vn/3", "Sáng 2/6 họp, Nghị quyết 35-NQ/TW"));
  const std::string small = dir.Write("small.jsonl", JsonLine("https://a.vn/1", kArticle));

  Run baseline = Dirgraph({"ingest", small, "--db", (dir.path / "small.db").string()});
  REQUIRE(baseline.rc == 0);
  Run r = Dirgraph({"ingest", feed, "--db", dir.Db()});
  CAPTURE(r.err);
  CHECK(r.rc == 1);
  CHECK(Has(r.err, feed + ":2: line of 200 MiB, longer than 64 MiB: skipped"));
  CHECK(r.out.rfind("2 articles (2 added", 0) == 0);
  // At most the 64 MiB a line may have is held, not the 200 MiB line.
  const long extra_kb = r.max_rss_kb - baseline.max_rss_kb;
  CAPTURE(extra_kb);
  CHECK(extra_kb < 200 * 1024);
}

TEST_CASE("a 10 MB article on one line is stored") {
  TempDir dir;
  const std::string words = "Ban Thường vụ Tỉnh ủy họp bàn việc phát triển kinh tế, ";
  std::string line;
  while (line.size() < (10u << 20)) line += words;
  line += "thực hiện Nghị quyết 35-NQ/TW";
  const std::string path = dir.Write("long.txt", line);
  Run r = Dirgraph({"ingest", path, "--db", dir.Db()});
  CAPTURE(r.err);
  CHECK(r.rc == 0);
  CHECK(r.out.rfind("1 articles (1 added", 0) == 0);
  CHECK(Has(StatsOf(dir.Db()), "documents.type.NQ 1\n"));
}

TEST_CASE("JSON lines longer than the read buffer are read whole, around a line too long") {
  TempDir dir;
  std::string text;
  while (text.size() < (3u << 20)) text += "Nghị quyết 35-NQ/TW, ";
  std::string feed = JsonLine("u1", text);
  feed += std::string((1u << 16) - 1, ' ') + "\n";            // blank, one byte short of the buffer
  feed += JsonLine("u2", std::string((1u << 16) - 23, 'a'));  // the line fills it exactly
  feed += JsonLine("u3", "ba");
  const std::string path = dir.Write("feed.jsonl", feed);
  dg::InputReader reader({path});
  std::vector<dg::InputItem> items;
  dg::InputItem item;
  while (reader.Next(&item)) items.push_back(item);
  REQUIRE(items.size() == 3);
  CHECK(items[0].text == text);
  CHECK(items[1].source == path + ":3");
  CHECK(items[1].text == std::string((1u << 16) - 23, 'a'));
  CHECK(items[2].source == path + ":4");
  CHECK(items[2].text == "ba");
  CHECK(items[0].bytes + items[1].bytes + items[2].bytes == feed.size());
}

TEST_CASE("a folder looping through symbolic links is walked once and the run ends") {
  TempDir dir;
  dir.Write("corpus/a.txt", kArticle);
  dir.Write("corpus/sub/b.txt", std::string(kArticle) + "Hội nghị kết thúc lúc 17 giờ.\n");
  fs::create_directory_symlink(dir.path / "corpus", dir.path / "corpus" / "sub" / "up");
  fs::create_directory_symlink("../sub", dir.path / "corpus" / "sub" / "again");
  fs::create_directory_symlink(dir.path / "corpus" / "sub", dir.path / "corpus" / "side");
  Run r = Dirgraph({"ingest", (dir.path / "corpus").string(), "--db", dir.Db()}, 60);
  CAPTURE(r.err);
  CHECK(r.rc == 0);
  CHECK(r.out.rfind("2 articles (2 added, 0 replaced, 0 unchanged), 0 errors", 0) == 0);
}

TEST_CASE("files that cannot be read are named with the reason; the readable ones land") {
  TempDir dir;
  const fs::path corpus = dir.path / "corpus";
  dir.Write("corpus/good.txt", kArticle);
  // Reading /proc/self/mem at offset 0 fails (EIO) for every user, root included: the
  // file opens, and its read fails, as a disk error would.
  fs::create_symlink("/proc/self/mem", corpus / "mem.txt");
  // A named pipe: opening it would wait for a writer forever.
  REQUIRE(::mkfifo((corpus / "pipe.txt").c_str(), 0600) == 0);
  // A socket, bound to a path that looks like an article.
  const int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(sock >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string sock_path = (corpus / "sock.txt").string();
  REQUIRE(sock_path.size() < sizeof addr.sun_path);
  std::strcpy(addr.sun_path, sock_path.c_str());
  REQUIRE(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  // A link to itself (ELOOP) and a link to nothing.
  fs::create_symlink("self.txt", corpus / "self.txt");
  fs::create_symlink("gone.txt", corpus / "dangling.txt");
  // Permissions only stop a user who is not root (CI runs as root).
  const bool root = ::geteuid() == 0;
  if (!root) {
    dir.Write("corpus/locked.txt", kArticle);
    REQUIRE(::chmod((corpus / "locked.txt").c_str(), 0) == 0);
  } else {
    MESSAGE(
        "running as root: chmod 000 does not stop root's reads, so no such file is tried; "
        "/proc/self/mem stands for a file whose read fails");
  }

  Run r = Dirgraph({"ingest", corpus.string(), "--db", dir.Db()}, 60);  // a pipe would hang
  ::close(sock);
  CAPTURE(r.err);
  CHECK(r.rc == 1);
  CHECK(r.out.rfind("1 articles (1 added", 0) == 0);
  CHECK(Has(r.err, (corpus / "mem.txt").string() + ": Input/output error"));
  CHECK(Has(r.err, (corpus / "pipe.txt").string() + ": a named pipe (FIFO), not a file: skipped"));
  CHECK(Has(r.err, sock_path + ": a socket, not a file: skipped"));
  CHECK(Has(r.err, (corpus / "self.txt").string() + ": broken link or unreadable entry"));
  CHECK(Has(r.err, (corpus / "dangling.txt").string() + ": broken link or unreadable entry"));
  if (!root) CHECK(Has(r.err, (corpus / "locked.txt").string() + ": Permission denied"));
  CHECK(Has(r.out, root ? "5 errors" : "6 errors"));
}

TEST_CASE("an article file growing while it is read is refused, never stored torn") {
  TempDir dir;
  // 60 MiB (a hole), read in about a thousand reads of 64 KiB, a few milliseconds; a line
  // is appended to it every 200 µs from before the binary starts until it ends, so that
  // the file grows between its first look at the size and its last. (Stopping the binary
  // at its first read, to append then, lost the race on a fast machine: it had read the
  // whole file before the signal came.) Should it still read the whole file between two
  // appends, its NUL bytes are refused as binary, and the test tries again.
  Run r;
  std::string path;
  for (int attempt = 0; attempt < 5; ++attempt) {
    path = dir.Write(std::string("corpus/growing").append(std::to_string(attempt)).append(".txt"), kArticle);
    AddHole(path, 60ll << 20);
    std::atomic<bool> ended{false};
    std::thread grower([&] {
      while (!ended) {
        Append(path, "\nĐã sửa lúc 17 giờ.\n");
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    });
    dg::testing::Child child({"ingest", path, "--db", dir.Db()});
    r = child.Wait(120);
    ended = true;
    grower.join();
    if (!Has(r.err, path + ": binary data (NUL byte")) break;
    MESSAGE("the binary read the whole file between two appends; again");
  }
  CAPTURE(r.err);
  CHECK(r.rc == 1);
  CHECK(Has(r.err, path + ": changed while being read ("));
  CHECK(Has(r.err, "run again once it is written"));
  CHECK(r.out.rfind("0 articles", 0) == 0);  // nothing stored from it
}

TEST_CASE("a JSON Lines file cut shorter while it is read ends with an error naming it") {
  TempDir dir;
  const std::string feed =
      dir.Write("feed.jsonl", JsonLine("u1", "một") + JsonLine("u2", "hai") + JsonLine("u3", "ba"));
  dg::InputReader reader({feed});
  dg::InputItem item;
  REQUIRE(reader.Next(&item));
  CHECK(item.text == "một");
  // Rewritten in place, shorter (a scraper writing the file again with '>').
  std::ofstream(feed, std::ios::binary | std::ios::trunc) << JsonLine("u9", "x");
  std::vector<dg::InputItem> rest;
  while (reader.Next(&item)) rest.push_back(item);
  REQUIRE_FALSE(rest.empty());
  const dg::InputItem& last = rest.back();
  CHECK(last.source == feed);
  CHECK(last.status.code() == dg::Code::kIoError);
  CHECK(last.status.message().rfind(feed + ": changed while being read (", 0) == 0);
  for (size_t i = 0; i + 1 < rest.size(); ++i) CHECK(rest[i].source != feed);
}

TEST_CASE("a JSON Lines file growing while it is read: the lines appended are read too") {
  TempDir dir;
  const std::string feed = dir.Write("feed.jsonl", JsonLine("u1", "một"));
  dg::InputReader reader({feed});
  dg::InputItem item;
  REQUIRE(reader.Next(&item));
  Append(feed, JsonLine("u2", "hai"));
  std::vector<dg::InputItem> rest;
  while (reader.Next(&item)) rest.push_back(item);
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].status.ok());
  CHECK(rest[0].text == "hai");
}
