#include "server/http.h"

#include <httplib.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <map>
#include <mutex>
#include <regex>
#include <thread>
#include <vector>

#include "core/edge.h"
#include "server/errors.h"

namespace dg {
namespace {

using httplib::Request;
using httplib::Response;
using Clock = std::chrono::steady_clock;

constexpr const char* kJson = "application/json";

// Limits: nothing dirgraph serves takes a body, so requests stay small. The header and
// URI limits are compiled into cpp-httplib (8 KiB each).
constexpr size_t kMaxPayloadBytes = 64 * 1024;
constexpr time_t kReadTimeoutSeconds = 5;
constexpr time_t kWriteTimeoutSeconds = 5;
constexpr time_t kKeepAliveSeconds = 5;
constexpr size_t kKeepAliveMaxRequests = 100;

// When the request on this thread started, for the access log (0 if not known).
thread_local Clock::time_point t_request_start{};

void SetError(Response& res, int status, const std::string& code, const std::string& message) {
  res.status = status;
  res.set_content(HttpErrorBody(code, message), kJson);
}

// The snake_case code of an HTTP error that cpp-httplib produced itself.
const char* HttpStatusCode(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 408:
      return "request_timeout";
    case 413:
      return "payload_too_large";
    case 414:
      return "uri_too_long";
    case 416:
      return "range_not_satisfiable";
    case 417:
      return "expectation_failed";
    case 431:
      return "request_header_fields_too_large";
    case 503:
      return "service_unavailable";
    default:
      return status >= 500 ? "internal" : "bad_request";
  }
}

// Printable form of a request path for the log: control bytes become '?'.
std::string LogSafe(const std::string& s) {
  if (s.empty()) return "-";
  std::string out = s.substr(0, 512);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

void Log(const std::string& line) {
  std::string l = line + "\n";
  std::fputs(l.c_str(), stderr);  // one write per line: lines of several threads don't mix
}

void WriteCounts(rapidjson::Writer<rapidjson::StringBuffer>& w,
                 const std::map<std::string, int64_t>& counts) {
  w.StartObject();
  for (const auto& [name, n] : counts) {
    w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    w.Int64(n);
  }
  w.EndObject();
}

}  // namespace

std::string StatsToJson(const Store::Stats& stats) {
  std::map<std::string, int64_t> families = {{"party", 0}, {"state", 0}};
  for (const auto& [k, v] : stats.documents_by_family) families[k] = v;
  std::map<std::string, int64_t> relations;
  for (Relation r : {Relation::kImplements, Relation::kLinked, Relation::kAmends,
                     Relation::kReplaces, Relation::kRepeals, Relation::kBasedOn}) {
    relations[RelationName(r)] = 0;
  }
  for (const auto& [k, v] : stats.edges_by_relation) relations[k] = v;

  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("articles");
  w.Int64(stats.articles);
  w.Key("documents");
  w.Int64(stats.documents);
  w.Key("documents_by_type");
  WriteCounts(w, stats.documents_by_type);
  w.Key("documents_by_family");
  WriteCounts(w, families);
  w.Key("units");
  w.Int64(stats.units);
  w.Key("meetings");
  w.Int64(stats.meetings);
  w.Key("edges_by_relation");
  WriteCounts(w, relations);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

struct HttpServer::Impl {
  struct Route {
    std::string method;
    std::string pattern;  // a std::regex over the whole decoded path, as cpp-httplib matches
    std::regex regex;
    httplib::Server::Handler handler;
  };

  Impl(const Store* s, Options o) : store(s), options(o) {}

  // Answers with the error for `status`; logs what the client does not see.
  void ReplyStatus(const Request& req, Response& res, const Status& status) {
    HttpErrorReply reply = HttpError(status);
    if (reply.status >= 500)
      Log("dirgraph serve: " + req.method + " " + LogSafe(req.path) + ": " + status.ToString());
    res.status = reply.status;
    res.set_content(reply.body, kJson);
  }

  void Add(const std::string& method, const std::string& pattern,
           httplib::Server::Handler handler) {
    routes.push_back({method, pattern, std::regex(pattern), handler});
    if (method == "GET") svr.Get(pattern, std::move(handler));
  }

  void AddRoutes() {
    Add("GET", "/healthz",
        [](const Request&, Response& res) { res.set_content(R"({"status":"ok"})", kJson); });
    Add("GET", "/api/v1/stats", [this](const Request& req, Response& res) {
      if (store == nullptr) return ReplyStatus(req, res, Status::Internal("no store to serve"));
      Result<Store::Stats> stats = [&] {
        std::lock_guard<std::mutex> lock(store_mu);
        return store->GetStats();
      }();
      if (!stats.ok()) return ReplyStatus(req, res, stats.status());
      res.set_content(StatsToJson(stats.value()), kJson);
    });
  }

  // 404 for an unknown path, 405 for a known one asked with another method; else lets
  // cpp-httplib route the request to its handler.
  httplib::Server::HandlerResponse PreRoute(const Request& req, Response& res) {
    t_request_start = Clock::now();
    std::vector<std::string> allowed;
    for (const Route& r : routes) {
      if (!std::regex_match(req.path, r.regex)) continue;
      if (r.method == req.method || (r.method == "GET" && req.method == "HEAD")) {
        return httplib::Server::HandlerResponse::Unhandled;
      }
      allowed.push_back(r.method);
      if (r.method == "GET") allowed.push_back("HEAD");
    }
    if (allowed.empty()) {
      SetError(res, 404, "not_found", "no such path");
    } else {
      std::sort(allowed.begin(), allowed.end());
      allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
      std::string allow;
      for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
      res.set_header("Allow", allow);
      SetError(res, 405, "method_not_allowed", req.method + " is not allowed here; use " + allow);
    }
    return httplib::Server::HandlerResponse::Handled;
  }

  void Configure() {
    const int threads = options.threads > 0
                            ? options.threads
                            : static_cast<int>(std::max(4u, std::thread::hardware_concurrency()));
    svr.new_task_queue = [threads] {
      return new httplib::ThreadPool(static_cast<size_t>(threads));
    };
    svr.set_tcp_nodelay(true);
    // SO_REUSEADDR only: cpp-httplib's default adds SO_REUSEPORT, with which a second
    // server on the same port starts silently and shares the traffic.
    svr.set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    svr.set_payload_max_length(kMaxPayloadBytes);
    svr.set_read_timeout(kReadTimeoutSeconds, 0);
    svr.set_write_timeout(kWriteTimeoutSeconds, 0);
    svr.set_keep_alive_timeout(kKeepAliveSeconds);
    svr.set_keep_alive_max_count(kKeepAliveMaxRequests);
    svr.set_pre_routing_handler(
        [this](const Request& req, Response& res) { return PreRoute(req, res); });
    // Errors cpp-httplib answers itself (bad request line, too large…) get the JSON shape;
    // replies that carry a body already are left alone.
    svr.set_error_handler(httplib::Server::HandlerWithResponse([](const Request&, Response& res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      SetError(res, res.status, HttpStatusCode(res.status), "request refused");
      return httplib::Server::HandlerResponse::Handled;
    }));
    svr.set_exception_handler([](const Request& req, Response& res, std::exception_ptr ep) {
      std::string what = "unknown exception";
      try {
        if (ep) std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      Log("dirgraph serve: " + req.method + " " + LogSafe(req.path) + ": exception: " + what);
      SetError(res, 500, "internal", "internal error");
    });
    if (!options.quiet) {
      svr.set_logger([](const Request& req, const Response& res) {
        std::string micros = "-";
        if (t_request_start != Clock::time_point{}) {
          micros = std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(
                                      Clock::now() - t_request_start)
                                      .count()) +
                   "µs";
          t_request_start = Clock::time_point{};
        }
        Log(LogSafe(req.method) + " " + LogSafe(req.path) + " " + std::to_string(res.status) + " " +
            micros);
      });
    }
    AddRoutes();
  }

  const Store* store;
  Options options;
  std::mutex store_mu;  // the store is not promised to be safe across threads
  std::vector<Route> routes;
  httplib::Server svr;
  std::thread thread;
  std::atomic<bool> listen_returned{false};
};

HttpServer::HttpServer(const Store* store, Options options)
    : impl_(std::make_unique<Impl>(store, options)) {
  impl_->Configure();
}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start(const std::string& host, int port) {
  if (impl_->thread.joinable()) return Status::Conflict("the server is started already");
  if (port < 0 || port > 65535) {
    return Status::Invalid("port " + std::to_string(port) + " is not in 0..65535");
  }
  errno = 0;
  int bound = port == 0 ? impl_->svr.bind_to_any_port(host)
                        : (impl_->svr.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    std::string why = errno != 0 ? std::strerror(errno) : "address not available";
    return Status::Io("cannot listen on " + host + ":" + std::to_string(port) + ": " + why);
  }
  impl_->listen_returned = false;
  impl_->thread = std::thread([impl = impl_.get()] {
    impl->svr.listen_after_bind();
    impl->listen_returned = true;
  });
  // The socket listens already (connections queue); wait for the accept loop so that
  // Stop() right after Start() cannot miss it.
  while (!impl_->svr.is_running() && !impl_->listen_returned) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (impl_->listen_returned) {
    impl_->thread.join();
    return Status::Io("the server stopped at once on " + host + ":" + std::to_string(bound));
  }
  port_ = bound;
  return Status::Ok();
}

void HttpServer::Stop() {
  if (!impl_->thread.joinable()) return;
  impl_->svr.stop();
  impl_->thread.join();
}

}  // namespace dg
