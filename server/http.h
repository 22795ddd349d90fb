// The REST service over a read-only store.
//
//   GET /healthz        200 {"status":"ok"}
//   GET /api/v1/stats   200 the store's counts (StatsToJson)
//
// Every error is JSON, {"error":{"code":…,"message":…}} (server/errors.h): 404 for an
// unknown path, 405 (with Allow) for a known path and another method, 500 for an
// exception or a database failure, never with the internals in the body.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "core/store.h"

namespace dg {

class HttpServer {
 public:
  struct Options {
    int threads = 0;     // worker threads; 0 = one per core, at least 4
    bool quiet = false;  // no access log line per request
  };

  // `store` must outlive the server; null serves /healthz only (data routes answer 500).
  // Handlers may run on several threads at once; the server serializes its calls into
  // the store.
  explicit HttpServer(const Store* store) : HttpServer(store, Options()) {}
  HttpServer(const Store* store, Options options);
  ~HttpServer();  // stops the server
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds host:port (port 0 = an ephemeral port, see port()) and serves on a background
  // thread. Returns once connections are accepted. kIoError if the address cannot be
  // bound, kInvalidArgument for a bad port, kConflict when started already.
  Status Start(const std::string& host, int port);
  // The bound port; 0 before Start.
  int port() const { return port_; }
  // Stops accepting, finishes the requests in progress and joins the thread. Idempotent.
  void Stop();

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
