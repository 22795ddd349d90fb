// The REST service in-process on an ephemeral loopback port: one request per case, the
// server started by a fixture and stopped in its destructor.
#include <doctest/doctest.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/store.h"
#include "server/errors.h"
#include "server/http.h"

namespace {
namespace fs = std::filesystem;

// One stored article with one document, so that stats are not all zero.
dg::Extraction SmallExtraction() {
  dg::Extraction e;
  e.article.url = "https://example.vn/1";
  e.article.file = "1.txt";
  e.article.text = "Quán triệt Nghị quyết số 35-NQ/TW.";
  auto key = dg::DocumentKey::Parse("35-NQ/TW@TW#XII");
  REQUIRE(key.ok());
  dg::Document d;
  d.key = key.value();
  d.mentions.push_back({11, 41, "Nghị quyết số 35-NQ/TW", dg::MentionKind::kFullCode});
  e.documents.push_back(d);
  return e;
}

// A database in a temporary folder, served read-only on 127.0.0.1:<ephemeral>.
struct ServerFixture {
  fs::path dir;
  std::unique_ptr<dg::Store> store;
  std::unique_ptr<dg::HttpServer> server;
  std::unique_ptr<httplib::Client> client;

  ServerFixture() {
    std::string tmpl = (fs::temp_directory_path() / "dirgraph-server-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    dir = tmpl;
    const std::string db = (dir / "test.db").string();
    {
      auto writable = dg::Store::Open(db);
      REQUIRE(writable.ok());
      auto batch = writable.value()->Begin();
      REQUIRE(batch.ok());
      REQUIRE(batch->PutArticle(SmallExtraction()).ok());
      REQUIRE(batch->Commit().ok());
    }
    auto opened = dg::Store::Open(db, /*read_only=*/true);
    REQUIRE(opened.ok());
    store = std::move(opened).value();
    dg::HttpServer::Options options;
    options.quiet = true;
    options.threads = 2;
    server = std::make_unique<dg::HttpServer>(store.get(), options);
    dg::Status started = server->Start("127.0.0.1", 0);
    REQUIRE(started.ok());
    REQUIRE(server->port() > 0);
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
    client->set_connection_timeout(5, 0);
    client->set_read_timeout(5, 0);
  }

  ~ServerFixture() {
    client.reset();
    server.reset();  // stops it
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

// Checks that `body` is {"error":{"code":<code>,"message":<non-empty string>}}.
void CheckErrorShape(const std::string& body, const std::string& code) {
  CAPTURE(body);
  rapidjson::Document d;
  d.Parse(body.c_str());
  REQUIRE(d.IsObject());
  REQUIRE(d.HasMember("error"));
  const auto& e = d["error"];
  REQUIRE(e.IsObject());
  REQUIRE(e.HasMember("code"));
  REQUIRE(e.HasMember("message"));
  REQUIRE(e["code"].IsString());
  REQUIRE(e["message"].IsString());
  CHECK(std::string(e["code"].GetString()) == code);
  CHECK(e["message"].GetStringLength() > 0);
}

}  // namespace

TEST_CASE_FIXTURE(ServerFixture, "GET /healthz answers ok") {
  auto res = client->Get("/healthz");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body == R"({"status":"ok"})");
  CHECK(res->get_header_value("Content-Type") == "application/json");
}

TEST_CASE_FIXTURE(ServerFixture, "GET /api/v1/stats answers the store's counts") {
  auto res = client->Get("/api/v1/stats");
  REQUIRE(res);
  CHECK(res->status == 200);
  rapidjson::Document d;
  d.Parse(res->body.c_str());
  REQUIRE(d.IsObject());
  REQUIRE(d.HasMember("articles"));
  CHECK(d["articles"].GetInt64() == 1);
  CHECK(d["documents"].GetInt64() == 1);
  REQUIRE(d.HasMember("edges_by_relation"));
  CHECK(d["edges_by_relation"].HasMember("implements"));
  CHECK(d["documents_by_family"]["party"].GetInt64() == 1);
}

TEST_CASE_FIXTURE(ServerFixture, "an unknown path is a JSON 404") {
  auto res = client->Get("/nope");
  REQUIRE(res);
  CHECK(res->status == 404);
  CheckErrorShape(res->body, "not_found");
}

TEST_CASE_FIXTURE(ServerFixture, "another method on a known path is a JSON 405 with Allow") {
  auto res = client->Post("/healthz", "{}", "application/json");
  REQUIRE(res);
  CHECK(res->status == 405);
  CHECK(res->get_header_value("Allow").find("GET") != std::string::npos);
  CheckErrorShape(res->body, "method_not_allowed");
}

TEST_CASE_FIXTURE(ServerFixture, "a path climbing out of the root never serves a file") {
  auto res = client->Get("/../../etc/passwd");
  REQUIRE(res);
  CHECK(res->status >= 400);
  CHECK(res->status < 500);
  CHECK(res->body.find("root:") == std::string::npos);
}

TEST_CASE_FIXTURE(ServerFixture, "an encoded climb never serves a file either") {
  auto res = client->Get("/%2e%2e/%2e%2e/etc/passwd");
  REQUIRE(res);
  CHECK(res->status >= 400);
  CHECK(res->status < 500);
  CHECK(res->body.find("root:") == std::string::npos);
}

TEST_CASE_FIXTURE(ServerFixture, "a very long path is refused, not served") {
  auto res = client->Get("/" + std::string(20000, 'a'));
  REQUIRE(res);
  CHECK(res->status >= 400);
  CHECK(res->status < 500);
}

TEST_CASE_FIXTURE(ServerFixture, "HEAD on a GET route answers without a body") {
  auto res = client->Head("/healthz");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body.empty());
}

TEST_CASE_FIXTURE(ServerFixture, "a second Start is refused") {
  CHECK(server->Start("127.0.0.1", 0).code() == dg::Code::kConflict);
}

TEST_CASE_FIXTURE(ServerFixture, "a port in use cannot be bound") {
  dg::HttpServer other(store.get());
  dg::Status s = other.Start("127.0.0.1", server->port());
  CHECK(s.code() == dg::Code::kIoError);
  CHECK(s.message().find(std::to_string(server->port())) != std::string::npos);
}

TEST_CASE("Stop without Start, and Stop twice, are harmless") {
  dg::HttpServer server(nullptr);
  server.Stop();
  CHECK(server.port() == 0);
  REQUIRE(server.Start("127.0.0.1", 0).ok());
  server.Stop();
  server.Stop();
}

TEST_CASE("HttpError maps codes to statuses and hides internals") {
  struct Row {
    dg::Status status;
    int http;
    const char* code;
  } rows[] = {
      {dg::Status::Invalid("bad key 'x'"), 400, "invalid_argument"},
      {dg::Status::NotFound("no document 35-NQ/TW"), 404, "not_found"},
      {dg::Status::Conflict("two candidates"), 409, "conflict"},
      {dg::Status::Unsupported("not built yet"), 501, "unsupported"},
      {dg::Status::Io("/secret/path.db: disk I/O error"), 500, "internal"},
      {dg::Status::Corrupt("/secret/path.db: malformed"), 500, "internal"},
      {dg::Status::Internal("/secret/path.db: SELECT failed"), 500, "internal"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.status.ToString());
    dg::HttpErrorReply reply = dg::HttpError(row.status);
    CHECK(reply.status == row.http);
    CheckErrorShape(reply.body, row.code);
    CHECK(reply.body.find("secret") == std::string::npos);
  }
}

TEST_CASE("ExitCode: 0 ok, 2 usage, 1 other failures") {
  CHECK(dg::ExitCode(dg::Status::Ok()) == 0);
  CHECK(dg::ExitCode(dg::Status::Invalid("x")) == 2);
  CHECK(dg::ExitCode(dg::Status::Unsupported("x")) == 2);
  CHECK(dg::ExitCode(dg::Status::NotFound("x")) == 1);
  CHECK(dg::ExitCode(dg::Status::Io("x")) == 1);
  CHECK(dg::ExitCode(dg::Status::Internal("x")) == 1);
}

TEST_CASE("HttpErrorBody escapes what it is given") {
  CheckErrorShape(dg::HttpErrorBody("not_found", "a \"quoted\"\n\\ path"), "not_found");
}
