#include "server/http.h"

#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/edge.h"
#include "core/sqlite.h"
#include "core/utf8.h"
#include "graph/export.h"
#include "graph/graph.h"
#include "graph/query_format.h"
#include "ingest/extract.h"
#include "server/api.h"
#include "server/api_graph.h"
#include "server/errors.h"
#include "server/request_deadline.h"

namespace dg {
namespace {

using httplib::Request;
using httplib::Response;
using Clock = std::chrono::steady_clock;

constexpr const char* kJson = "application/json";

// Limits. The request line and each header line are limited to 8 KiB by cpp-httplib
// itself (414 and 400); bodies to kMaxBodyBytes (413). A worker thread serves a
// connection while one of its requests is read and answered (RequestDeadlineServer): a
// request must arrive whole within Options::read_timeout_seconds of its first byte, and
// a connection waiting for its next request waits without a thread, closed after
// kKeepAliveSeconds; a busy one is closed after kKeepAliveMaxRequests requests.
constexpr time_t kWriteTimeoutSeconds = 5;
constexpr time_t kKeepAliveSeconds = 2;
constexpr size_t kKeepAliveMaxRequests = 1000;
constexpr int kDefaultThreads = 64;
constexpr int kListenBacklog = 1024;
// The graph is reloaded when the store's articles changed, checked at most this often.
constexpr auto kGraphCheckInterval = std::chrono::seconds(1);

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

namespace {

// ---- read connections ----

// Read-only connections to one database file, one per request in flight: a connection
// is never used by two threads at once, and keeps its cached statements between uses.
class ReadPool {
 public:
  explicit ReadPool(std::string path) : path_(std::move(path)) {}

  class Lease {
   public:
    Lease(ReadPool* pool, std::unique_ptr<sqlite::Database> db) : pool_(pool), db_(std::move(db)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (db_) pool_->Return(std::move(db_));
    }
    sqlite::Database& db() { return *db_; }

   private:
    ReadPool* pool_;
    std::unique_ptr<sqlite::Database> db_;
  };

  Result<Lease> Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        auto db = std::move(free_.back());
        free_.pop_back();
        return Lease(this, std::move(db));
      }
    }
    auto opened = sqlite::Database::Open(path_, sqlite::OpenMode::kReadOnly);
    if (!opened.ok()) return opened.status();
    auto db = std::make_unique<sqlite::Database>(std::move(opened).value());
    DG_RETURN_IF_ERROR(db->Exec("PRAGMA query_only = 1"));
    return Lease(this, std::move(db));
  }

 private:
  void Return(std::unique_ptr<sqlite::Database> db) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(db));
  }

  std::string path_;
  std::mutex mu_;
  std::vector<std::unique_ptr<sqlite::Database>> free_;
};

// ---- replies and parameters ----

struct Reply {
  int status = 200;
  std::string body;
  std::string type = kJson;
  Reply(std::string b) : body(std::move(b)) {}  // NOLINT: a JSON 200 reply
  Reply(int s, std::string b, std::string t = kJson)
      : status(s), body(std::move(b)), type(std::move(t)) {}
};

Result<Reply> AsReply(Result<std::string> r) {
  if (!r.ok()) return r.status();
  return Reply(std::move(r).value());
}

// A percent-decoded path segment; bad escapes are an error.
Result<std::string> DecodeSegment(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    if (i + 2 >= s.size()) return Status::Invalid("bad percent-escape in the path");
    const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
    if (hi < 0 || lo < 0) return Status::Invalid("bad percent-escape in the path");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// The raw path of a request (its target without the query), split at '/'.
std::vector<std::string_view> RawSegments(const Request& req) {
  std::string_view t = req.target;
  t = t.substr(0, t.find('?'));
  std::vector<std::string_view> out;
  size_t at = 0;
  if (!t.empty() && t[0] == '/') at = 1;
  while (at <= t.size()) {
    size_t slash = t.find('/', at);
    if (slash == std::string_view::npos) slash = t.size();
    out.push_back(t.substr(at, slash - at));
    at = slash + 1;
  }
  return out;
}

// Constant-time comparison, so that a wrong token's timing does not tell how much of it
// was right.
bool SameToken(const std::string& given, const std::string& token) {
  if (token.empty() || given.size() != token.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < token.size(); ++i) {
    diff |= static_cast<unsigned char>(given[i] ^ token[i]);
  }
  return diff == 0;
}

}  // namespace

struct HttpServer::Impl {
  // One request being answered: its decoded path parameters, its query parameters
  // (checked), and a read connection taken on first use.
  struct Call {
    Impl& impl;
    const Request& req;
    std::vector<std::string> args;
    std::optional<ReadPool::Lease> lease;

    Result<sqlite::Database*> Db() {
      if (!lease) {
        if (!impl.pool) return Status::Internal("no store to serve");
        auto l = impl.pool->Acquire();
        if (!l.ok()) return l.status();
        lease.emplace(std::move(l).value());
      }
      return &lease->db();
    }
    std::string Param(const char* name) const {
      auto it = req.params.find(name);
      return it == req.params.end() ? std::string() : it->second;
    }
    Result<int64_t> IntParam(const char* name, int64_t dflt, int64_t lo, int64_t hi) const {
      auto it = req.params.find(name);
      if (it == req.params.end()) return dflt;
      const std::string& v = it->second;
      int64_t n = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || end != v.data() + v.size() || n < lo || n > hi) {
        return Status::Invalid("parameter '" + std::string(name) + "' must be an integer in " +
                               std::to_string(lo) + ".." + std::to_string(hi));
      }
      return n;
    }
    Result<std::string> DateParam(const char* name) const {
      std::string v = Param(name);
      if (!v.empty() && !api::ValidDateParam(v)) {
        return Status::Invalid("parameter '" + std::string(name) +
                               "' must be a date: YYYY, YYYY-MM or YYYY-MM-DD");
      }
      return v;
    }
    Result<api::Page> PageParams() const {
      api::Page p;
      auto limit = IntParam("limit", api::kDefaultPageSize, 1, api::kMaxPageSize);
      if (!limit.ok()) return limit.status();
      auto cursor = IntParam("cursor", 0, 0, INT64_MAX);
      if (!cursor.ok()) return Status::Invalid("parameter 'cursor' is not a cursor of this API");
      p.limit = static_cast<int>(limit.value());
      p.after = cursor.value();
      return p;
    }
    Result<int64_t> IdArg(size_t i, const char* what) const {
      const std::string& v = args.at(i);
      int64_t n = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || end != v.data() + v.size() || n < 0) {
        return Status::Invalid(std::string(what) + " ids are numbers: '" + v + "' is not one");
      }
      return n;
    }
  };

  using Handler = std::function<Result<Reply>(Call&)>;

  struct Route {
    std::string method;
    std::string path;                     // "/api/v1/documents/{id}"
    std::vector<std::string> segments;    // of path, without the leading '/'
    std::vector<std::string> params;      // accepted query parameters
    Handler handler;
    bool needs_token = false;             // a write: Authorization: Bearer <write token>
  };

  Impl(const Store* s, Options o)
      : store(s), options(std::move(o)), svr(static_cast<size_t>(Threads(options))) {
    if (store != nullptr) pool = std::make_unique<ReadPool>(store->path());
  }

  static int Threads(const Options& o) {
    return o.threads > 0 ? o.threads
                         : std::max(kDefaultThreads,
                                    8 * static_cast<int>(std::thread::hardware_concurrency()));
  }

  // Answers with the error for `status`; logs what the client does not see.
  void ReplyStatus(const Request& req, Response& res, const Status& status) {
    HttpErrorReply reply = HttpError(status);
    if (reply.status >= 500) {
      Log("dirgraph serve: " + req.method + " " + LogSafe(req.path) + ": " + status.ToString());
    }
    res.status = reply.status;
    res.set_content(reply.body, kJson);
  }

  void Add(const std::string& method, const std::string& path, std::vector<std::string> params,
           Handler handler, bool needs_token = false) {
    Route r{method, path, {}, std::move(params), std::move(handler), needs_token};
    std::string_view p = path;
    p.remove_prefix(1);
    size_t at = 0;
    while (at <= p.size()) {
      size_t slash = p.find('/', at);
      if (slash == std::string_view::npos) slash = p.size();
      r.segments.emplace_back(p.substr(at, slash - at));
      at = slash + 1;
    }
    routes.push_back(std::move(r));
  }

  // Matches the raw segments against a route; fills the decoded captures.
  static bool Match(const Route& r, const std::vector<std::string_view>& segs,
                    std::vector<std::string_view>* captures) {
    if (segs.size() != r.segments.size()) return false;
    captures->clear();
    for (size_t i = 0; i < segs.size(); ++i) {
      const std::string& s = r.segments[i];
      if (s.size() > 2 && s.front() == '{' && s.back() == '}') {
        if (segs[i].empty()) return false;
        captures->push_back(segs[i]);
      } else if (s != segs[i]) {
        return false;
      }
    }
    return true;
  }

  // ---- the graph, reloaded when the store changed ----

  Result<std::shared_ptr<const Graph>> CurrentGraph(Call& call) {
    if (store == nullptr) return Status::Internal("no store to serve");
    const auto now = Clock::now();
    std::shared_ptr<const Graph> g;
    bool check = false;
    {
      std::lock_guard<std::mutex> lock(graph_mu);
      g = graph;
      if (now - graph_checked >= kGraphCheckInterval || g == nullptr) {
        graph_checked = now;
        check = true;
      }
    }
    if (!check) return g;
    auto db = call.Db();
    if (!db.ok()) return db.status();
    auto fp = Fingerprint(*db.value());
    if (!fp.ok()) return fp.status();
    if (g != nullptr && fp.value() == graph_fingerprint.load()) return g;
    std::lock_guard<std::mutex> reload(graph_load_mu);  // one load at a time
    {
      std::lock_guard<std::mutex> lock(graph_mu);
      if (graph != nullptr && fp.value() == graph_fingerprint.load()) return graph;
    }
    auto fresh = Store::Open(store->path(), /*read_only=*/true);
    if (!fresh.ok()) return fresh.status();
    SnapshotOptions snapshot;
    snapshot.path = options.graph_snapshot;
    snapshot.write = false;  // after the swap, on a thread of its own (WriteSnapshotLater)
    LoadReport report;
    auto loaded = Graph::Load(*fresh.value(), snapshot, &report);
    for (const std::string& line : report.warnings) Log("dirgraph serve: " + line);
    if (!options.quiet) {
      for (const std::string& line : report.notes) Log("dirgraph serve: " + line);
    }
    if (!loaded.ok()) return loaded.status();
    std::shared_ptr<const Graph> ng(std::move(loaded).value());
    {
      std::lock_guard<std::mutex> lock(graph_mu);
      graph = ng;
      graph_fingerprint = fp.value();
    }
    if (!report.from_snapshot && !options.graph_snapshot.empty() && !ng->stamp().empty()) {
      WriteSnapshotLater(ng);
    }
    return ng;
  }

  // Writes the graph's snapshot on a thread of its own, so that neither the start (the
  // server listens meanwhile) nor the request that reloaded waits for it: about 0.5 GB at
  // a million articles. One at a time; joined when the server is destroyed.
  void WriteSnapshotLater(std::shared_ptr<const Graph> g) {
    std::lock_guard<std::mutex> lock(snapshot_mu);
    if (snapshot_writer.t.joinable()) snapshot_writer.t.join();
    snapshot_writer.t = std::thread([this, g = std::move(g)] {
      const auto start = Clock::now();
      const Status written = g->WriteSnapshot(options.graph_snapshot);
      if (options.quiet) return;
      if (!written.ok()) {
        Log("dirgraph serve: " + written.message() + "; the next start loads the tables again");
        return;
      }
      char took[32];
      std::snprintf(took, sizeof took, "%.2f s", std::chrono::duration<double>(Clock::now() - start).count());
      Log("dirgraph serve: graph snapshot written to " + options.graph_snapshot + " in " + took);
    });
  }

  // Changes whenever the stored data the graph is built from changes (graph.h,
  // StoreStamp): a few index seeks, checked at most once a second.
  static Result<std::string> Fingerprint(sqlite::Database& db) { return StoreStamp(db); }

  // The graph vertex of the document named by path argument `i`.
  Result<VertexId> GraphDocument(Call& call, const Graph& g, size_t i) {
    auto db = call.Db();
    if (!db.ok()) return db.status();
    auto id = api::FindDocument(*db.value(), call.args.at(i));
    if (!id.ok()) return id.status();
    auto key = api::DocumentKeyOf(*db.value(), id.value());
    if (!key.ok()) return key.status();
    auto v = g.FindDocument(key.value());
    if (!v) return Status::NotFound("document " + api::KeySlug(key.value()) + " is not in the graph yet");
    return *v;
  }

  // ---- routes ----

  void AddRoutes();

  // Runs the route's handler and writes its reply or its error.
  void Dispatch(const Route& route, const std::vector<std::string_view>& captures,
                const Request& req, Response& res) {
    Call call{*this, req, {}, std::nullopt};
    for (std::string_view c : captures) {
      auto decoded = DecodeSegment(c);
      if (!decoded.ok()) return ReplyStatus(req, res, decoded.status());
      if (!ValidUtf8(decoded.value())) {
        return ReplyStatus(req, res, Status::Invalid("the path is not valid UTF-8"));
      }
      // SQLite's LIKE and FTS5 stop at a NUL: "a\0" would match as "a".
      if (decoded->find('\0') != std::string::npos) {
        return ReplyStatus(req, res, Status::Invalid("the path holds a NUL byte"));
      }
      if (decoded->size() > api::kMaxParamBytes) {
        return ReplyStatus(req, res, Status::Invalid("a path segment is longer than " +
                                                     std::to_string(api::kMaxParamBytes) + " bytes"));
      }
      call.args.push_back(std::move(decoded).value());
    }
    for (const auto& [name, value] : req.params) {
      if (!ValidUtf8(name) || !ValidUtf8(value)) {
        return ReplyStatus(req, res, Status::Invalid("a query parameter is not valid UTF-8"));
      }
      if (name.find('\0') != std::string::npos || value.find('\0') != std::string::npos) {
        return ReplyStatus(req, res, Status::Invalid("a query parameter holds a NUL byte"));
      }
      if (std::find(route.params.begin(), route.params.end(), name) == route.params.end()) {
        std::string accepted;
        for (const auto& p : route.params) accepted += (accepted.empty() ? "" : ", ") + p;
        return ReplyStatus(req, res, Status::Invalid("unknown parameter '" + name.substr(0, 64) + "'" +
                                                     (accepted.empty() ? "; this path takes none"
                                                                       : "; accepted: " + accepted)));
      }
      if (value.size() > api::kMaxParamBytes) {
        return ReplyStatus(req, res, Status::Invalid("parameter '" + name + "' is longer than " +
                                                     std::to_string(api::kMaxParamBytes) + " bytes"));
      }
    }
    Result<Reply> reply = route.handler(call);
    if (!reply.ok()) return ReplyStatus(req, res, reply.status());
    res.status = reply->status;
    res.set_content(std::move(reply->body), reply->type.c_str());
  }

  // Routes every request: 404 for an unknown path, 405 for a known one asked with
  // another method, CORS preflight for OPTIONS; GET and HEAD are answered here, POST
  // goes on to cpp-httplib, which reads the body (413 when too large) and calls Post().
  httplib::Server::HandlerResponse PreRoute(const Request& req, Response& res) {
    t_request_start = Clock::now();
    const std::vector<std::string_view> segs = RawSegments(req);
    std::vector<std::string_view> captures;
    std::vector<std::string> allowed;
    for (const Route& r : routes) {
      if (!Match(r, segs, &captures)) continue;
      if (r.method == req.method || (r.method == "GET" && req.method == "HEAD")) {
        if (r.method == "POST") return httplib::Server::HandlerResponse::Unhandled;
        Dispatch(r, captures, req, res);
        return httplib::Server::HandlerResponse::Handled;
      }
      allowed.push_back(r.method);
      if (r.method == "GET") allowed.push_back("HEAD");
    }
    if (allowed.empty()) {
      SetError(res, 404, "not_found", "no such path");
      return httplib::Server::HandlerResponse::Handled;
    }
    allowed.push_back("OPTIONS");
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    std::string allow;
    for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    res.set_header("Allow", allow);
    if (req.method == "OPTIONS") {  // CORS preflight
      res.status = 204;
      res.set_header("Access-Control-Allow-Methods", allow);
      res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
      res.set_header("Access-Control-Max-Age", "600");
      return httplib::Server::HandlerResponse::Handled;
    }
    SetError(res, 405, "method_not_allowed", req.method + " is not allowed here; use " + allow);
    return httplib::Server::HandlerResponse::Handled;
  }

  // POST routes, after cpp-httplib read the body.
  void Post(const Request& req, Response& res) {
    const std::vector<std::string_view> segs = RawSegments(req);
    std::vector<std::string_view> captures;
    for (const Route& r : routes) {
      if (r.method != "POST" || !Match(r, segs, &captures)) continue;
      if (r.needs_token && !Authorized(req, res)) return;
      return Dispatch(r, captures, req, res);
    }
    SetError(res, 404, "not_found", "no such path");
  }

  void Configure() {
    svr.set_tcp_nodelay(true);
    // SO_REUSEADDR only: cpp-httplib's default adds SO_REUSEPORT, with which a second
    // server on the same port starts silently and shares the traffic. The socket is kept
    // to widen cpp-httplib's listen backlog (5) once bound.
    svr.set_socket_options([this](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
      listen_socket = sock;
    });
    svr.set_payload_max_length(kMaxBodyBytes);
    svr.set_read_timeout(std::max(1, options.read_timeout_seconds), 0);
    svr.set_write_timeout(kWriteTimeoutSeconds, 0);
    svr.set_keep_alive_timeout(kKeepAliveSeconds);
    svr.set_keep_alive_max_count(kKeepAliveMaxRequests);
    svr.set_default_headers({{"Access-Control-Allow-Origin", "*"},
                             {"Access-Control-Expose-Headers", "Allow"}});
    svr.set_pre_routing_handler(
        [this](const Request& req, Response& res) { return PreRoute(req, res); });
    for (const Route& r : routes) {
      if (r.method == "POST") {
        svr.Post(r.path, [this](const Request& req, Response& res) { Post(req, res); });
      }
    }
    // Errors cpp-httplib answers itself (bad request line, too large…) get the JSON shape;
    // replies that carry a body already are left alone.
    svr.set_error_handler(httplib::Server::HandlerWithResponse(
        [](const Request&, Response& res) {
          if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
          std::string message = "request refused";
          if (res.status == 413) message = "the body is larger than " + std::to_string(kMaxBodyBytes) + " bytes";
          if (res.status == 414) message = "the request line is longer than 8192 bytes";
          SetError(res, res.status, HttpStatusCode(res.status), message);
          return httplib::Server::HandlerResponse::Handled;
        }));
    // The one exception handler: logs what happened, answers a bare 500.
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
        Log(LogSafe(req.method) + " " + LogSafe(req.path) + " " + std::to_string(res.status) +
            " " + micros);
      });
    }
  }

  // ---- writes ----

  // 401 without a bearer token, 403 with a wrong one or when writes are off; else OK.
  bool Authorized(const Request& req, Response& res) {
    const std::string auth = req.get_header_value("Authorization");
    const std::string prefix = "Bearer ";
    if (auth.empty()) {
      res.set_header("WWW-Authenticate", "Bearer");
      SetError(res, 401, "unauthorized", "writes need 'Authorization: Bearer <token>'");
      return false;
    }
    if (options.write_token.empty()) {
      SetError(res, 403, "forbidden", "this server was started without a write token: it is read-only");
      return false;
    }
    if (auth.rfind(prefix, 0) != 0 || !SameToken(auth.substr(prefix.size()), options.write_token)) {
      SetError(res, 403, "forbidden", "the token is not the write token");
      return false;
    }
    return true;
  }

  Result<Reply> PutArticle(const Request& req);

  const Store* store;
  Options options;
  std::unique_ptr<ReadPool> pool;
  std::mutex store_mu;  // the caller's Store (stats) is not promised to be safe across threads
  std::vector<Route> routes;
  RequestDeadlineServer svr;  // the read timeout bounds whole requests
  std::thread thread;
  std::atomic<bool> listen_returned{false};
  socket_t listen_socket = INVALID_SOCKET;

  std::mutex graph_mu;       // guards graph and graph_checked
  std::mutex graph_load_mu;  // one graph load at a time
  std::shared_ptr<const Graph> graph;
  Clock::time_point graph_checked{};
  struct Fp {
    std::mutex mu;
    std::string value;
    std::string load() {
      std::lock_guard<std::mutex> lock(mu);
      return value;
    }
    Fp& operator=(const std::string& v) {
      std::lock_guard<std::mutex> lock(mu);
      value = v;
      return *this;
    }
  } graph_fingerprint;

  // Document pages (api::GetDocument) already answered, while the store's articles are
  // those they were computed from (Fingerprint): the page of a document named in tens of
  // thousands of articles costs tens of milliseconds of reads (its mention count, its
  // aliases, its first edges with their sentences) and is asked again and again. The
  // least recently used go first beyond kBytes.
  struct DocumentPages {
    static constexpr size_t kBytes = 16u << 20;
    std::mutex mu;
    std::string fingerprint;
    std::list<std::pair<int64_t, std::string>> pages;  // most recently used first
    std::unordered_map<int64_t, decltype(pages)::iterator> by_id;
    size_t bytes = 0;

    std::optional<std::string> Find(int64_t id, const std::string& fp) {
      std::lock_guard<std::mutex> lock(mu);
      if (fp != fingerprint) return std::nullopt;
      auto it = by_id.find(id);
      if (it == by_id.end()) return std::nullopt;
      pages.splice(pages.begin(), pages, it->second);
      return it->second->second;
    }
    void Put(int64_t id, const std::string& fp, const std::string& page) {
      std::lock_guard<std::mutex> lock(mu);
      if (fp != fingerprint) {  // the articles changed: every page kept is stale
        pages.clear();
        by_id.clear();
        bytes = 0;
        fingerprint = fp;
      }
      if (by_id.count(id) != 0 || page.size() > kBytes / 4) return;
      pages.emplace_front(id, page);
      by_id.emplace(id, pages.begin());
      bytes += page.size();
      while (bytes > kBytes) {
        bytes -= pages.back().second.size();
        by_id.erase(pages.back().first);
        pages.pop_back();
      }
    }
  } document_pages;

  std::mutex write_mu;  // one write at a time, through `writer`
  std::unique_ptr<Store> writer;

  // Last, so that it is joined before the rest is destroyed.
  struct JoinedThread {
    std::thread t;
    ~JoinedThread() {
      if (t.joinable()) t.join();
    }
  };
  std::mutex snapshot_mu;  // guards snapshot_writer
  JoinedThread snapshot_writer;
};

namespace {

// A date parameter (YYYY, YYYY-MM or YYYY-MM-DD) as the first or last day it covers.
std::string WidenDate(const std::string& d, bool last) {
  if (d.size() == 4) return d + (last ? "-12-31" : "-01-01");
  if (d.size() == 7) {
    if (!last) return d + "-01";
    const int year = std::stoi(d.substr(0, 4)), month = std::stoi(d.substr(5, 2));
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int days = month >= 1 && month <= 12 ? kDays[month - 1] : 31;
    if (month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))) days = 29;
    return d + "-" + std::to_string(days);
  }
  return d;
}

Result<int64_t> ParseId(const std::string& v, const char* what) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < 0) {
    return Status::Invalid(std::string(what) + " must be a numeric id");
  }
  return n;
}

// The body of POST /extract and POST /articles: JSON {text, …} or text/plain.
struct PostedArticle {
  std::string text;
  ArticleHints hints;
};

Result<PostedArticle> ParsePostedArticle(const Request& req, bool need_url) {
  PostedArticle a;
  const std::string type = req.get_header_value("Content-Type");
  if (type.rfind("text/plain", 0) == 0 && !need_url) {
    a.text = req.body;
    return a;
  }
  if (type.rfind("application/json", 0) != 0) {
    return Status::Invalid(need_url ? "send JSON {\"url\", \"text\", …} as application/json"
                                    : "send JSON {\"text\", …} as application/json, or text/plain");
  }
  rapidjson::Document d;
  d.Parse(req.body.data(), req.body.size());
  if (d.HasParseError() || !d.IsObject()) return Status::Invalid("the body is not a JSON object");
  auto field = [&](const char* name, std::string* out, bool required) -> Status {
    if (!d.HasMember(name) || d[name].IsNull()) {
      return required ? Status::Invalid(std::string("the body has no '") + name + "'") : Status::Ok();
    }
    if (!d[name].IsString()) return Status::Invalid(std::string("'") + name + "' must be a string");
    out->assign(d[name].GetString(), d[name].GetStringLength());
    return Status::Ok();
  };
  DG_RETURN_IF_ERROR(field("text", &a.text, true));
  DG_RETURN_IF_ERROR(field("url", &a.hints.url, need_url));
  DG_RETURN_IF_ERROR(field("title", &a.hints.title, false));
  DG_RETURN_IF_ERROR(field("published", &a.hints.published, false));
  DG_RETURN_IF_ERROR(field("site", &a.hints.site, false));
  if (!a.hints.published.empty() && !api::ValidDateParam(a.hints.published)) {
    return Status::Invalid("'published' must be an ISO date, YYYY-MM-DD");
  }
  return a;
}

}  // namespace

Result<Reply> HttpServer::Impl::PutArticle(const Request& req) {
  if (options.extractor == nullptr) return Status::Unsupported("this server has no extractor");
  if (store == nullptr) return Status::Internal("no store to serve");
  auto posted = ParsePostedArticle(req, /*need_url=*/true);
  if (!posted.ok()) return posted.status();
  auto e = options.extractor->Extract(posted->text, posted->hints);
  if (!e.ok()) return e.status();
  std::lock_guard<std::mutex> lock(write_mu);
  if (writer == nullptr) {
    auto opened = Store::Open(store->path());
    if (!opened.ok()) return opened.status();
    writer = std::move(opened).value();
  }
  auto batch = writer->Begin();
  if (!batch.ok()) return batch.status();
  auto outcome = batch->PutArticle(e.value());
  if (!outcome.ok()) return outcome.status();
  DG_RETURN_IF_ERROR(batch->Commit());
  const std::string hash = Sha256Hex(e->article.text);
  auto stored = writer->GetArticleByHash(hash);
  if (!stored.ok()) return stored.status();
  const char* names[] = {"added", "unchanged", "replaced"};
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("id");
  w.Int64(stored->article.id);
  w.Key("outcome");
  w.String(names[static_cast<int>(outcome.value())]);
  w.Key("documents");
  w.Uint64(stored->documents.size());
  w.Key("meetings");
  w.Uint64(stored->meetings.size());
  w.EndObject();
  {
    std::lock_guard<std::mutex> g(graph_mu);
    graph_checked = Clock::time_point{};  // the next graph query looks at the store again
  }
  const int status = outcome.value() == Store::PutOutcome::kUnchanged ? 200 : 201;
  return Reply(status, std::string(buf.GetString(), buf.GetSize()));
}

void HttpServer::Impl::AddRoutes() {
  const std::vector<std::string> page = {"limit", "cursor"};
  auto with_page = [&](std::vector<std::string> v) {
    v.insert(v.end(), page.begin(), page.end());
    return v;
  };
  auto healthz = [](Call&) -> Result<Reply> { return Reply(R"({"status":"ok"})"); };
  Add("GET", "/healthz", {}, healthz);
  Add("GET", "/api/v1/healthz", {}, healthz);
  Add("GET", "/api/v1/openapi.json", {}, [](Call&) -> Result<Reply> { return Reply(api::OpenApiJson()); });
  Add("GET", "/api/v1/stats", {}, [this](Call&) -> Result<Reply> {
    if (store == nullptr) return Status::Internal("no store to serve");
    std::lock_guard<std::mutex> lock(store_mu);
    auto stats = store->GetStats();
    if (!stats.ok()) return stats.status();
    return Reply(StatsToJson(stats.value()));
  });

  Add("GET", "/api/v1/documents", with_page({"q", "type", "suffix", "jurisdiction", "from", "to"}),
      [](Call& c) -> Result<Reply> {
        api::DocumentFilter f{c.Param("q"), c.Param("type"), c.Param("suffix"), c.Param("jurisdiction"), {}, {}, {}};
        auto from = c.DateParam("from");
        auto to = c.DateParam("to");
        auto page = c.PageParams();
        if (!from.ok()) return from.status();
        if (!to.ok()) return to.status();
        if (!page.ok()) return page.status();
        f.from = from.value();
        f.to = to.value();
        f.page = page.value();
        auto db = c.Db();
        if (!db.ok()) return db.status();
        return AsReply(api::ListDocuments(*db.value(), f));
      });
  Add("GET", "/api/v1/documents/{id}", {}, [this](Call& c) -> Result<Reply> {
    auto db = c.Db();
    if (!db.ok()) return db.status();
    auto id = api::FindDocument(*db.value(), c.args[0]);
    if (!id.ok()) return id.status();
    // The fingerprint is read before the page: a page kept under it is at least as new.
    auto fp = Fingerprint(*db.value());
    if (!fp.ok()) return fp.status();
    if (auto kept = document_pages.Find(id.value(), fp.value())) return Reply(std::move(*kept));
    auto page = api::GetDocument(*db.value(), id.value());
    if (!page.ok()) return page.status();
    document_pages.Put(id.value(), fp.value(), page.value());
    return Reply(std::move(page).value());
  });
  Add("GET", "/api/v1/documents/{id}/lineage", {"direction", "depth", "inferred", "limit", "cursor"},
      [this](Call& c) -> Result<Reply> {
        LineageOptions o;
        const std::string dir = c.Param("direction");
        if (dir == "up") {
          o.direction = Direction::kUp;
        } else if (dir == "down") {
          o.direction = Direction::kDown;
        } else if (dir.empty() || dir == "both") {
          o.direction = Direction::kBoth;
        } else {
          return Status::Invalid("parameter 'direction' must be up, down or both");
        }
        auto depth = c.IntParam("depth", 0, 0, 100);
        if (!depth.ok()) return depth.status();
        o.depth = static_cast<int>(depth.value());
        const std::string inferred = c.Param("inferred");
        if (inferred != "" && inferred != "true" && inferred != "false") {
          return Status::Invalid("parameter 'inferred' must be true or false");
        }
        o.inferred = inferred == "true";
        auto limit = c.IntParam("limit", api::kDefaultLineageLimit, 1, api::kMaxLineageLimit);
        if (!limit.ok()) return limit.status();
        o.limit = static_cast<size_t>(limit.value());
        auto g = CurrentGraph(c);
        if (!g.ok()) return g.status();
        auto v = GraphDocument(c, *g.value(), 0);
        if (!v.ok()) return v.status();
        if (const std::string cursor = c.Param("cursor"); !cursor.empty()) {
          DG_RETURN_IF_ERROR(ApplyLineageCursor(*g.value(), v.value(), cursor, "parameter 'cursor'", &o));
        }
        return AsReply(api::LineageJson(*g.value(), v.value(), o));
      });
  Add("GET", "/api/v1/documents/{id}/reviews", with_page({"from", "to", "level", "province"}),
      [this](Call& c) -> Result<Reply> {
        api::ReviewFilter f;
        auto from = c.DateParam("from");
        auto to = c.DateParam("to");
        auto page = c.PageParams();
        if (!from.ok()) return from.status();
        if (!to.ok()) return to.status();
        if (!page.ok()) return page.status();
        // Graph::Reviews takes full dates: a year or month is widened to its first or last day.
        f.from = WidenDate(from.value(), /*last=*/false);
        f.to = WidenDate(to.value(), /*last=*/true);
        f.level = c.Param("level");
        f.province = c.Param("province");
        f.page = page.value();
        auto g = CurrentGraph(c);
        if (!g.ok()) return g.status();
        auto v = GraphDocument(c, *g.value(), 0);
        if (!v.ok()) return v.status();
        return AsReply(api::ReviewsJson(*g.value(), v.value(), f));
      });

  Add("GET", "/api/v1/units", with_page({"q", "level", "province"}), [](Call& c) -> Result<Reply> {
    auto page = c.PageParams();
    if (!page.ok()) return page.status();
    api::UnitFilter f{c.Param("q"), c.Param("level"), c.Param("province"), page.value()};
    auto db = c.Db();
    if (!db.ok()) return db.status();
    return AsReply(api::ListUnits(*db.value(), f));
  });
  Add("GET", "/api/v1/units/{id}", {}, [](Call& c) -> Result<Reply> {
    auto id = c.IdArg(0, "unit");
    if (!id.ok()) return id.status();
    auto db = c.Db();
    if (!db.ok()) return db.status();
    return AsReply(api::GetUnit(*db.value(), id.value()));
  });
  Add("GET", "/api/v1/units/{id}/meetings", with_page({"from", "to", "kind"}), [](Call& c) -> Result<Reply> {
    auto id = c.IdArg(0, "unit");
    if (!id.ok()) return id.status();
    auto from = c.DateParam("from");
    auto to = c.DateParam("to");
    auto page = c.PageParams();
    if (!from.ok()) return from.status();
    if (!to.ok()) return to.status();
    if (!page.ok()) return page.status();
    auto db = c.Db();
    if (!db.ok()) return db.status();
    auto unit = api::GetUnit(*db.value(), id.value());  // 404 for an unknown unit
    if (!unit.ok()) return unit.status();
    api::MeetingFilter f{id.value(), std::nullopt, from.value(), to.value(), c.Param("kind"), page.value()};
    return AsReply(api::ListMeetings(*db.value(), f));
  });

  Add("GET", "/api/v1/meetings", with_page({"unit", "document", "from", "to", "kind"}),
      [](Call& c) -> Result<Reply> {
        api::MeetingFilter f;
        auto from = c.DateParam("from");
        auto to = c.DateParam("to");
        auto page = c.PageParams();
        if (!from.ok()) return from.status();
        if (!to.ok()) return to.status();
        if (!page.ok()) return page.status();
        f.from = from.value();
        f.to = to.value();
        f.page = page.value();
        f.kind = c.Param("kind");
        auto db = c.Db();
        if (!db.ok()) return db.status();
        if (const std::string unit = c.Param("unit"); !unit.empty()) {
          auto id = ParseId(unit, "parameter 'unit'");
          if (!id.ok()) return id.status();
          f.unit = id.value();
        }
        if (const std::string doc = c.Param("document"); !doc.empty()) {
          auto id = api::FindDocument(*db.value(), doc);
          if (!id.ok()) return id.status();
          f.document = id.value();
        }
        return AsReply(api::ListMeetings(*db.value(), f));
      });
  Add("GET", "/api/v1/meetings/{id}", {}, [](Call& c) -> Result<Reply> {
    auto id = c.IdArg(0, "meeting");
    if (!id.ok()) return id.status();
    auto db = c.Db();
    if (!db.ok()) return db.status();
    return AsReply(api::GetMeeting(*db.value(), id.value()));
  });
  Add("GET", "/api/v1/articles/{id}", {}, [](Call& c) -> Result<Reply> {
    auto id = c.IdArg(0, "article");
    if (!id.ok()) return id.status();
    auto db = c.Db();
    if (!db.ok()) return db.status();
    return AsReply(api::GetArticle(*db.value(), id.value()));
  });
  Add("GET", "/api/v1/search", with_page({"q"}), [](Call& c) -> Result<Reply> {
    const std::string q = c.Param("q");
    if (q.empty()) return Status::Invalid("parameter 'q' is required");
    auto page = c.PageParams();
    if (!page.ok()) return page.status();
    auto db = c.Db();
    if (!db.ok()) return db.status();
    return AsReply(api::Search(*db.value(), q, page.value()));
  });

  struct Format {
    const char* path;
    ExportFormat format;
    const char* type;
  };
  for (const Format& fmt : {Format{"/api/v1/export.gexf", ExportFormat::kGexf, "application/gexf+xml"},
                            Format{"/api/v1/export.graphml", ExportFormat::kGraphml, "application/graphml+xml"},
                            Format{"/api/v1/export.json", ExportFormat::kJson, kJson}}) {
    Add("GET", fmt.path, {"root", "depth"}, [this, fmt](Call& c) -> Result<Reply> {
      ExportOptions o;
      o.root = c.Param("root");
      if (!o.root.empty() && o.root.find(':') == std::string::npos) {
        // A slug or key names a document: the graph resolves the key it stands for.
        auto db = c.Db();
        if (!db.ok()) return db.status();
        auto id = api::FindDocument(*db.value(), o.root);
        if (id.ok()) {
          auto key = api::DocumentKeyOf(*db.value(), id.value());
          if (!key.ok()) return key.status();
          o.root = key.value();
        } else {
          o.root = api::KeyFromSlug(o.root);  // the graph's lookup explains what it finds
        }
      }
      auto depth = c.IntParam("depth", 2, 0, 20);
      if (!depth.ok()) return depth.status();
      o.depth = static_cast<int>(depth.value());
      auto g = CurrentGraph(c);
      if (!g.ok()) return g.status();
      auto text = api::ExportText(*g.value(), fmt.format, o);
      if (!text.ok()) return text.status();
      return Reply(200, std::move(text).value(), fmt.type);
    });
  }

  Add("POST", "/api/v1/extract", {}, [this](Call& c) -> Result<Reply> {
    if (options.extractor == nullptr) return Status::Unsupported("this server has no extractor");
    auto posted = ParsePostedArticle(c.req, /*need_url=*/false);
    if (!posted.ok()) return posted.status();
    posted->hints.file = "request";
    auto e = options.extractor->Extract(posted->text, posted->hints);
    if (!e.ok()) return e.status();
    auto db = c.Db();
    if (!db.ok()) return db.status();
    return AsReply(api::ResolvedExtraction(*db.value(), e.value()));
  });
  Add("POST", "/api/v1/articles", {}, [this](Call& c) -> Result<Reply> { return PutArticle(c.req); },
      /*needs_token=*/true);
}

HttpServer::HttpServer(const Store* store, Options options)
    : impl_(std::make_unique<Impl>(store, std::move(options))) {
  impl_->AddRoutes();
  impl_->Configure();
}

HttpServer::~HttpServer() { Stop(); }

std::vector<std::string> HttpServer::Routes() const {
  std::vector<std::string> out;
  for (const Impl::Route& r : impl_->routes) {
    std::string s = r.method + " " + r.path;
    for (size_t i = 0; i < r.params.size(); ++i) s += (i ? "&" : "?") + r.params[i];
    out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  return out;
}

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
  if (impl_->store != nullptr) {  // load the graph now rather than on the first query
    httplib::Request none;
    Impl::Call call{*impl_, none, {}, std::nullopt};
    Result<std::shared_ptr<const Graph>> g = impl_->CurrentGraph(call);
    if (!g.ok() && !impl_->options.quiet) {
      Log("dirgraph serve: the graph is not loaded (" + g.status().ToString() +
          "); lineage, reviews and exports will try again");
    }
  }
  // cpp-httplib listens with a backlog of 5; on Linux, listen() again widens it.
  if (impl_->listen_socket != INVALID_SOCKET) (void)::listen(impl_->listen_socket, kListenBacklog);
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

bool HttpServer::Listening() const { return impl_->thread.joinable() && !impl_->listen_returned; }

void HttpServer::Stop() {
  if (!impl_->thread.joinable()) return;
  impl_->svr.stop();
  impl_->thread.join();
}

}  // namespace dg
