// Hostile clients against the real server binary (issue 7, "Hostile requests"): path
// traversal, overlong request lines and headers, huge bodies, slow clients, invalid
// UTF-8 and SQL in parameters, many connections at once, the write endpoint without or
// with a wrong token; and the address the server binds. Requests are written on raw
// sockets where a client library would refuse or repair them.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_support.h"

namespace {
namespace fs = std::filesystem;
using dg::testing::Dirgraph;
using dg::testing::IntegrityCheck;
using dg::testing::TempDir;
using Clock = std::chrono::steady_clock;

constexpr const char* kToken = "hostile-test-token";
constexpr int kReadTimeout = 2;  // --read-timeout of the shared server, seconds
constexpr int kThreads = 8;      // --threads of the shared server

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// fixtures/corpus in a database, served by the real binary for the whole suite, with a
// short read timeout, few threads (so that slow clients could take them all) and a token.
struct Shared {
  TempDir dir;
  std::string db;
  std::unique_ptr<dg::testing::Server> server;
  Shared() {
    db = dir.Db();
    auto r = Dirgraph({"ingest", std::string(DIRGRAPH_FIXTURES_DIR) + "/corpus", "--db", db});
    REQUIRE(r.rc == 0);
    server = std::make_unique<dg::testing::Server>(std::vector<std::string>{
        "--db", db, "--quiet", "--read-timeout", std::to_string(kReadTimeout), "--threads",
        std::to_string(kThreads), "--write-token", kToken});
  }
};
Shared& S() {
  static Shared shared;
  return shared;
}

int Connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

// True when `raw` holds a whole reply: headers and the Content-Length bytes after them.
bool Complete(const std::string& raw) {
  const size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  const size_t at = raw.find("Content-Length: ");
  if (at == std::string::npos || at > end) return true;
  return raw.size() >= end + 4 + std::stoul(raw.substr(at + 16));
}

// What the server sends on `fd`: one whole reply, or what came until it closed the
// connection or `timeout_s` passed.
std::string ReadReply(int fd, double timeout_s) {
  std::string got;
  const auto start = Clock::now();
  char buf[65536];
  while (Seconds(start) < timeout_s && !Complete(got)) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

struct Reply {
  int status = 0;  // 0: the connection closed without an answer
  std::string body;
};

Reply Parse(const std::string& raw) {
  Reply r;
  if (raw.rfind("HTTP/1.1 ", 0) == 0) r.status = std::atoi(raw.c_str() + 9);
  const size_t at = raw.find("\r\n\r\n");
  if (at != std::string::npos) r.body = raw.substr(at + 4);
  return r;
}

// Sends `request` as it is (as much as the server takes) and reads the answer.
Reply Raw(const std::string& request, double timeout_s = 10) {
  const int fd = Connect(S().server->port());
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server stopped reading: its answer tells why
    sent += static_cast<size_t>(n);
  }
  Reply r = Parse(ReadReply(fd, timeout_s));
  ::close(fd);
  return r;
}

Reply Get(const std::string& target) {
  return Raw("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
}

bool IsJsonError(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  return !d.HasParseError() && d.IsObject() && d.HasMember("error");
}

// The server still answers, promptly.
void CheckAlive() {
  const auto start = Clock::now();
  Reply r = Get("/healthz");
  CHECK(r.status == 200);
  CHECK(Seconds(start) < 2.0);
}

int64_t Articles() {
  Reply r = Get("/api/v1/stats");
  REQUIRE(r.status == 200);
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  REQUIRE(d.IsObject());
  return d["articles"].GetInt64();
}

// The local address (hex, as /proc/net/tcp writes it) of the socket listening on
// `port`, or "" when none.
std::string ListeningAddress(int port) {
  char want[8];
  std::snprintf(want, sizeof want, ":%04X", port);
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string sl, local, remote, state;
      fields >> sl >> local >> remote >> state;
      if (state == "0A" && local.size() > 5 && local.substr(local.size() - 5) == want) {
        return local.substr(0, local.size() - 5);
      }
    }
  }
  return "";
}

// The descriptor number, in process `pid`, of the socket listening on `port`; -1 if none.
int ListeningFd(pid_t pid, int port) {
  char want[8];
  std::snprintf(want, sizeof want, ":%04X", port);
  std::string inode;
  std::ifstream in("/proc/net/tcp");
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string x; fields >> x;) f.push_back(x);
    if (f.size() > 9 && f[3] == "0A" && f[1].size() > 5 && f[1].substr(f[1].size() - 5) == want) {
      inode = f[9];
    }
  }
  if (inode.empty()) return -1;
  const fs::path fds = "/proc/" + std::to_string(pid) + "/fd";
  for (const auto& e : fs::directory_iterator(fds)) {
    std::error_code ec;
    if (fs::read_symlink(e.path(), ec).string() == "socket:[" + inode + "]") {
      return std::stoi(e.path().filename().string());
    }
  }
  return -1;
}

}  // namespace

TEST_CASE("a server whose listening socket fails exits with an error, not serving nothing") {
  TempDir dir;
  REQUIRE(Dirgraph({"ingest",
                    std::string(DIRGRAPH_FIXTURES_DIR) +
                        "/corpus/001_chau-thanh-tien-giang-so-ket-nq35.txt",
                    "--db", dir.Db()})
              .rc == 0);
  dg::testing::Server server({"--db", dir.Db(), "--quiet"});
  const pid_t pid = server.child().pid();
  const int fd = ListeningFd(pid, server.port());
  REQUIRE(fd >= 0);
  // The test takes a copy of the server's listening socket (pidfd_getfd: the server is
  // its child) and shuts it down, as a failing network stack would: the next accept()
  // fails with EINVAL, and cpp-httplib's accept loop ends.
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  const int copy = pidfd < 0 ? -1 : static_cast<int>(::syscall(SYS_pidfd_getfd, pidfd, fd, 0));
  if (copy < 0) {
    MESSAGE("skipped: pidfd_getfd is not available here (" << std::strerror(errno) << ")");
    if (pidfd >= 0) ::close(pidfd);
    return;
  }
  REQUIRE(::shutdown(copy, SHUT_RDWR) == 0);
  ::close(copy);
  ::close(pidfd);
  dg::testing::Run r = server.child().Wait(30);
  CAPTURE(r.err);
  CHECK(r.rc == 1);
  CHECK(r.err.find("dirgraph serve: stopped accepting connections on 127.0.0.1:" +
                   std::to_string(server.port()) + ": the listening socket failed") !=
        std::string::npos);
}

TEST_CASE("the server binds 127.0.0.1 by default; --host 0.0.0.0 warns") {
  TempDir dir;
  REQUIRE(Dirgraph({"ingest",
                    std::string(DIRGRAPH_FIXTURES_DIR) +
                        "/corpus/001_chau-thanh-tien-giang-so-ket-nq35.txt",
                    "--db", dir.Db()})
              .rc == 0);
  struct Row {
    std::vector<std::string> args;
    const char* shown;    // in "serving http://…"
    const char* address;  // the listening socket's, as /proc/net/tcp writes it
    bool warns;
  } rows[] = {
      {{}, "127.0.0.1", "0100007F", false},
      {{"--host", "0.0.0.0"}, "0.0.0.0", "00000000", true},
  };
  for (const Row& row : rows) {
    CAPTURE(std::string(row.shown));
    std::vector<std::string> args = {"--db", dir.Db(), "--quiet"};
    args.insert(args.end(), row.args.begin(), row.args.end());
    dg::testing::Server server(args);
    const std::string out = server.child().Out(), err = server.child().Err();
    CAPTURE(err);
    CHECK(out.find(std::string("serving http://") + row.shown + ":" +
                   std::to_string(server.port())) != std::string::npos);
    CHECK(ListeningAddress(server.port()) == row.address);
    const bool warned = err.find("dirgraph serve: warning: listening on " + std::string(row.shown) +
                                 ", not only on this machine") != std::string::npos;
    CHECK(warned == row.warns);
  }
}

TEST_CASE("path traversal never reaches a file") {
  const char* targets[] = {
      "/../../../../etc/passwd",
      "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "/api/v1/../../../etc/passwd",
      "/api/v1/documents/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
      "/api/v1/documents/%2e%2e%2f%2e%2e%2fetc%2fpasswd/lineage",
      "/api/v1/export.json?root=..%2F..%2Fetc%2Fpasswd",
      "//etc/passwd",
      "/..\\..\\..\\etc\\passwd",
      "/api/v1/articles/..%00/etc/passwd",
  };
  for (const char* target : targets) {
    CAPTURE(target);
    Reply r = Get(target);
    CHECK(r.status >= 400);
    CHECK(r.status < 500);
    CHECK(r.body.find("root:") == std::string::npos);
    CHECK(IsJsonError(r.body));
  }
  CheckAlive();
}

TEST_CASE("overlong request lines and headers are refused; the server goes on") {
  const std::string head = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
  std::string many_small;
  for (int i = 0; i < 400; ++i) many_small += "X-Tag-" + std::to_string(i) + ": a\r\n";
  std::string flood;
  for (int i = 0; i < 100000; ++i) flood += "X-A: b\r\n";  // 800 KB of headers
  struct Row {
    std::string request;
    int status;  // expected; 0 = refused, any 4xx or a closed connection
    const char* comment;
  } rows[] = {
      {"GET /api/v1/search?q=" + std::string(10000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414,
       "a request line of 10 KB"},
      {head + "X-Long: " + std::string(10000, 'a') + "\r\n\r\n", 0, "one header line of 10 KB"},
      {head + flood + "\r\n", 0, "100,000 headers"},
      {head + many_small + "\r\n", 200, "400 short headers (9 KB): within the limits"},
  };
  for (const Row& row : rows) {
    CAPTURE(std::string(row.comment));
    Reply r = Raw(row.request);
    if (row.status == 0) {
      CHECK((r.status == 0 || (r.status >= 400 && r.status < 500)));
    } else {
      CHECK(r.status == row.status);
    }
  }
  CheckAlive();
}

TEST_CASE("huge bodies are refused without being read; the server goes on") {
  const std::string post =
      "POST /api/v1/extract HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
      "Content-Type: text/plain\r\n";
  std::string chunked;
  for (int i = 0; i < 3; ++i) chunked += "100000\r\n" + std::string(0x100000, 'a') + "\r\n";
  chunked += "0\r\n\r\n";
  const std::string article = "Chiều 14/3/2023, Quận ủy Gò Vấp sơ kết Nghị quyết số 35-NQ/TW. ";
  std::string fine;
  while (fine.size() < 64 * 1024) fine += article;
  struct Row {
    std::string request;
    int status;
    const char* comment;
  } rows[] = {
      {post + "Content-Length: 1000000000000\r\n\r\nabc", 413, "a Content-Length of 1 TB"},
      {post + "Content-Length: 2097152\r\n\r\n" + std::string(2097152, 'a'), 413, "2 MiB"},
      {post + "Transfer-Encoding: chunked\r\n\r\n" + chunked, 0, "3 MiB in chunks"},
      {post + "Content-Length: " + std::to_string(fine.size()) + "\r\n\r\n" + fine, 200,
       "64 KB: within the limit"},
  };
  for (const Row& row : rows) {
    CAPTURE(std::string(row.comment));
    const auto start = Clock::now();
    Reply r = Raw(row.request, 20);
    if (row.status == 0) {
      CHECK((r.status == 0 || (r.status >= 400 && r.status < 500)));
    } else {
      CHECK(r.status == row.status);
    }
    CHECK(Seconds(start) < kReadTimeout + 5);
  }
  CheckAlive();
}

TEST_CASE("slow clients are dropped by the read timeout; the others are served meanwhile") {
  const int port = S().server->port();
  // More slow clients than the server has threads, one byte a second: a request line,
  // and a body after complete headers.
  const std::string line = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";
  const std::string body_head =
      "POST /api/v1/extract HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
      "Content-Length: 40\r\n\r\n";
  constexpr int kSlow = kThreads + 4;
  std::vector<double> dropped_after(kSlow, -1);
  std::vector<std::thread> slow;
  for (int i = 0; i < kSlow; ++i) {
    slow.emplace_back([&, i] {
      const int fd = Connect(port);
      const auto start = Clock::now();
      if (i % 2 == 1) ::send(fd, body_head.data(), body_head.size(), MSG_NOSIGNAL);
      for (size_t at = 0; Seconds(start) < 15; ++at) {
        const char c = i % 2 == 1 ? 'a' : line[at % line.size()];
        if (::send(fd, &c, 1, MSG_NOSIGNAL) != 1) break;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 1000) > 0) break;  // the server answered or closed: dropped
      }
      dropped_after[i] = Seconds(start);
      ::close(fd);
    });
  }
  // Meanwhile, one normal request every quarter second.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int served = 0;
  double slowest = 0;
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(20, 0);
  const auto start = Clock::now();
  while (Seconds(start) < 2.5 * kReadTimeout) {
    const auto t = Clock::now();
    auto res = client.Get("/api/v1/stats");
    CHECK(res);
    if (res && res->status == 200) ++served;
    slowest = std::max(slowest, Seconds(t));
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  for (auto& t : slow) t.join();
  CAPTURE(slowest);
  CHECK(served >= 8);
  // Behind at most two rounds of slow clients holding every thread.
  CHECK(slowest < 2 * kReadTimeout + 1.5);
  for (int i = 0; i < kSlow; ++i) {
    CAPTURE(i);
    CHECK(dropped_after[i] >= kReadTimeout - 0.5);
    CHECK(dropped_after[i] < 2 * kReadTimeout + 2.5);  // not the 40 s they asked for
  }
  CheckAlive();
}

TEST_CASE("many connections at once are all answered; idle ones take no thread") {
  const int port = S().server->port();
  constexpr int kConnections = 500;
  std::vector<int> fds;
  for (int i = 0; i < kConnections; ++i) fds.push_back(Connect(port));
  const std::string request = "GET /api/v1/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  for (int fd : fds) REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) > 0);
  std::map<int, std::string> got;
  std::vector<pollfd> open;
  for (int fd : fds) open.push_back({fd, POLLIN, 0});
  const auto start = Clock::now();
  while (!open.empty() && Seconds(start) < 60) {
    if (::poll(open.data(), open.size(), 200) <= 0) continue;
    std::vector<pollfd> still;
    for (const pollfd& p : open) {
      char buf[65536];
      if (p.revents == 0) {
        still.push_back(p);
        continue;
      }
      const ssize_t n = ::recv(p.fd, buf, sizeof buf, 0);
      if (n > 0) {
        got[p.fd].append(buf, static_cast<size_t>(n));
        still.push_back(p);
      }
    }
    open.swap(still);
  }
  int ok = 0;
  for (int fd : fds) {
    ok += Parse(got[fd]).status == 200;
    ::close(fd);
  }
  CHECK(ok == kConnections);

  // 500 connections that send nothing do not keep a real request waiting.
  std::vector<int> idle;
  for (int i = 0; i < kConnections; ++i) idle.push_back(Connect(port));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto t = Clock::now();
  Reply r = Get("/healthz");
  CHECK(r.status == 200);
  CHECK(Seconds(t) < 1.0);
  // … and are closed once the keep-alive time (2 s) is over.
  int closed = 0;
  for (int fd : idle) {
    pollfd p{fd, POLLIN, 0};
    char c;
    if (::poll(&p, 1, 5000) == 1 && ::recv(fd, &c, 1, 0) == 0) ++closed;
    ::close(fd);
  }
  CHECK(closed == kConnections);
  CheckAlive();
}

TEST_CASE("invalid UTF-8 and SQL in parameters: a 400 or an honest empty answer, never a 500") {
  const int64_t before = Articles();
  struct Row {
    const char* target;
    int status;
    int64_t total;  // for a 200 list: the items it must count (-1: not a list)
    const char* comment;
  } rows[] = {
      {"/api/v1/documents?q=%27%20OR%201%3D1%20--", 200, 0, "' OR 1=1 --"},
      {"/api/v1/documents?type=NQ%27%20OR%20%271%27%3D%271", 200, 0, "NQ' OR '1'='1"},
      {"/api/v1/documents?jurisdiction=x%22%3B%20DROP%20TABLE%20articles%3B%20--", 200, 0,
       "x\"; DROP TABLE articles; --"},
      {"/api/v1/documents?q=%25_%25", 200, 0, "LIKE wildcards"},
      {"/api/v1/units?q=%25%27%20OR%20%27%25", 200, 0, "%' OR '%"},
      {"/api/v1/search?q=%27%3B%20DROP%20TABLE%20articles%3B%20--", 200, 0,
       "'; DROP TABLE articles; --"},
      {"/api/v1/search?q=%22%20OR%20%2A%20NEAR(", 200, 0, "FTS5 syntax"},
      {"/api/v1/documents/1%20OR%201%3D1", 404, -1, "an id with SQL"},
      {"/api/v1/meetings?unit=1%20OR%201%3D1", 400, -1, "a numeric parameter with SQL"},
      {"/api/v1/documents?limit=1%3B%20DROP%20TABLE%20documents", 400, -1, "limit with SQL"},
      {"/api/v1/documents?q=%C3%28", 400, -1, "a broken two-byte sequence"},
      {"/api/v1/search?q=%FF%FE", 400, -1, "bytes that are never UTF-8"},
      {"/api/v1/units?q=%ED%A0%80", 400, -1, "an encoded surrogate"},
      {"/api/v1/documents?q=%C0%AF", 400, -1, "an overlong encoding"},
      {"/api/v1/documents/%FF%FE%2FTW", 400, -1, "a path id of bad bytes"},
      {"/api/v1/documents?q=%00", 400, -1, "a NUL byte"},
      {"/api/v1/documents/35-NQ%00TW", 400, -1, "a NUL byte in a path id"},
  };
  for (const Row& row : rows) {
    CAPTURE(std::string(row.comment));
    Reply r = Get(row.target);
    CAPTURE(r.body.substr(0, 300));
    CHECK(r.status == row.status);
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    REQUIRE_FALSE(d.HasParseError());
    if (row.status != 200) {
      CHECK(IsJsonError(r.body));
    } else if (row.total >= 0) {
      CHECK(d["total"].GetInt64() == row.total);
    }
  }
  CHECK(Articles() == before);
  CHECK(IntegrityCheck(S().db) == "ok");
}

TEST_CASE("the write endpoint: 401 without a token, 403 with a wrong one, 201 with the token") {
  const std::string body =
      R"({"url":"https://hostile.vn/1","text":"Chiều 14/3/2023, Quận ủy Gò Vấp sơ kết Nghị quyết số 35-NQ/TW."})";
  auto post = [&](const std::string& auth) {
    return Raw("POST /api/v1/articles HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth +
               "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
               "\r\n\r\n" + body);
  };
  const int64_t before = Articles();
  struct Row {
    std::string header;
    int status;
    const char* comment;
  } rows[] = {
      {"", 401, "no Authorization header"},
      {"Authorization: Bearer wrong\r\n", 403, "a wrong token"},
      {"Authorization: Bearer " + std::string(kToken) + "x\r\n", 403,
       "the token and one more byte"},
      {"Authorization: Bearer " + std::string(kToken).substr(1) + "\r\n", 403, "a byte short"},
      {"Authorization: Basic " + std::string(kToken) + "\r\n", 403, "another scheme"},
      {"Authorization: Bearer \r\n", 403, "an empty token"},
      {"Authorization: Bearer " + std::string(kToken) + "\r\n", 201, "the token"},
  };
  for (const Row& row : rows) {
    CAPTURE(std::string(row.comment));
    Reply r = post(row.header);
    CHECK(r.status == row.status);
    if (row.status != 201) CHECK(IsJsonError(r.body));
  }
  CHECK(Articles() == before + 1);  // only the request with the token stored anything
}
