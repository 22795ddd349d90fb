// The REST service over a store (README "REST API"; the routes, their parameters and
// replies are in server/api_openapi.cc, served as GET /api/v1/openapi.json).
//
//   GET /healthz, GET /api/v1/stats, documents (list, one, lineage, reviews), units,
//   meetings, articles, search, export.gexf|graphml|json, POST /api/v1/extract, and
//   POST /api/v1/articles when a write token is set.
//
// Every error is JSON, {"error":{"code":…,"message":…}} (server/errors.h): 400 for a bad
// parameter, 401/403 for a missing or wrong token, 404 for an unknown path or id (with
// suggestions), 405 (with Allow) for a known path and another method, 413 for a body over
// kMaxBodyBytes, 414 for a request line over 8 KiB, 500 for an exception or a database
// failure, never with the internals in the body.
//
// Reads go through read-only SQLite connections, one per request in flight (a pool,
// never shared by two threads at once); the graph (lineage, reviews, exports) is loaded
// in memory at Start and reloaded when the store's articles change (checked at most
// once a second). Writes use one read-write connection, opened on the first write.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/store.h"

namespace dg {

class Extractor;

// Limits of a request.
inline constexpr size_t kMaxBodyBytes = 1024 * 1024;  // POST bodies: 1 MiB, else 413

class HttpServer {
 public:
  struct Options {
    int threads = 0;     // worker threads, one per open connection; 0 = 64 (at least 8 per core)
    bool quiet = false;  // no access log line per request
    // A request (line, headers and body) must arrive whole within this many seconds of
    // its first byte, else its connection is closed: slow clients do not keep a thread.
    int read_timeout_seconds = 5;
    // POST /extract and POST /articles extract with it; null: they answer 501. Must
    // outlive the server.
    const Extractor* extractor = nullptr;
    // POST /api/v1/articles needs "Authorization: Bearer <write_token>"; empty: writes
    // are refused (403).
    std::string write_token;
    // The graph's snapshot file (graph.h, "Snapshot"): read instead of the tables when its
    // stamp matches the store's, (re)written after each load from the tables; a damaged
    // one is logged and ignored, one that cannot be written is skipped. Empty: none.
    std::string graph_snapshot;
  };

  // `store` must outlive the server; its path is opened again for the read connections
  // and for writes. Null serves /healthz only (data routes answer 500).
  explicit HttpServer(const Store* store) : HttpServer(store, Options()) {}
  HttpServer(const Store* store, Options options);
  ~HttpServer();  // stops the server
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Loads the graph (a failure is logged; graph routes try again), binds host:port (port
  // 0 = an ephemeral port, see port()) and serves
  // on a background thread. Returns once connections are accepted. kIoError if the
  // address cannot be bound, kInvalidArgument for a bad port, kConflict when started
  // already.
  Status Start(const std::string& host, int port);
  // The bound port; 0 before Start.
  int port() const { return port_; }
  // True from Start until the server stops accepting connections: after Stop(), or when
  // its listening socket failed (cpp-httplib's accept loop ends on an accept error other
  // than EMFILE, e.g. ENFILE or ENOBUFS, and never accepts again).
  bool Listening() const;
  // Stops accepting, finishes the requests in progress and joins the thread. Idempotent.
  void Stop();

  // The routes served, as "METHOD /path/{param}" followed by their query parameters
  // ("GET /api/v1/documents?q&type&…"), sorted: what the OpenAPI document must describe.
  std::vector<std::string> Routes() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

// The stats JSON of GET /api/v1/stats: {"articles":N,"documents":N,"documents_by_type":
// {…},"documents_by_family":{…},"units":N,"meetings":N,"edges_by_relation":{…}}, keys in
// a fixed order, every relation present (0 when none).
std::string StatsToJson(const Store::Stats& stats);

}  // namespace dg
