#include "server/cli.h"

#include <pthread.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/edge.h"
#include "core/store.h"
#include "graph/export.h"
#include "graph/graph.h"
#include "graph/query_format.h"
#include "ingest/catalogue.h"
#include "ingest/extract.h"
#include "ingest/gazetteer.h"
#include "ingest/input.h"
#include "ingest/pipeline.h"
#include "ingest/search_tokenizer.h"
#include "server/api.h"
#include "server/api_graph.h"
#include "server/errors.h"
#include "server/http.h"

namespace dg {
namespace {

constexpr const char* kDefaultDb = "dirgraph.db";

// Parses the options of `command`. Returns true to go on; otherwise *rc is the exit
// code: 0 after --help (printed on stdout), kExitUsage after a bad argument.
bool Parse(CLI::App& app, const std::string& command, int argc, char** argv, int* rc) {
  try {
    app.parse(argc, argv);
    return true;
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help() << std::flush;
    *rc = kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help() << std::flush;
    *rc = kExitOk;
  } catch (const CLI::ParseError& e) {
    PrintError(command,
               Status::Invalid(std::string(e.what()) + " (see 'dirgraph " + command + " --help')"));
    *rc = kExitUsage;
  }
  return false;
}

// Prints the error of `status` for `command` and returns its exit code.
int Fail(const std::string& command, const Status& status) {
  PrintError(command, status);
  return ExitCode(status);
}

void Warn(const std::string& command, const std::string& message) {
  std::fputs(("dirgraph " + command + ": warning: " + message + "\n").c_str(), stderr);
}

// The gazetteer and catalogue an Extractor works with. Either may be missing: the
// command warns and extraction goes on without it.
struct ExtractionData {
  std::unique_ptr<Gazetteer> gazetteer;
  std::unique_ptr<Catalogue> catalogue;
};

ExtractionData LoadExtractionData(const std::string& command) {
  ExtractionData d;
  auto g = Gazetteer::Load();
  if (g.ok()) {
    d.gazetteer = std::move(g).value();
  } else {
    Warn(command, "no gazetteer, jurisdictions stay unresolved: " + g.status().message());
  }
  auto c = Catalogue::Load();
  if (c.ok()) {
    d.catalogue = std::move(c).value();
  } else {
    Warn(command, "no catalogue of central documents: " + c.status().message());
  }
  return d;
}

// A database that must exist already (stats, serve): kNotFound with a hint when absent.
Result<std::unique_ptr<Store>> OpenExisting(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::NotFound("no database at '" + path +
                            "' (create it with 'dirgraph ingest PATH --db " + path + "')");
  }
  auto store = Store::Open(path, /*read_only=*/true);
  if (store.ok() || store.status().code() != Code::kUnsupported) return store;
  // An older schema is migrated in place when the file can be written (a writable open
  // does it, in one transaction); a newer one, or a file we may not write, stays refused.
  auto writable = Store::Open(path);
  if (!writable.ok() || writable.value()->schema_version() != Store::kSchemaVersion) {
    return store;
  }
  writable.value().reset();
  return Store::Open(path, /*read_only=*/true);
}

// ---- extract -------------------------------------------------------------------------

int CmdExtract(int argc, char** argv) {
  CLI::App app{
      "Prints, for each article, one JSON object on one line: its documents, "
      "relations, meetings and unresolved references (no database).",
      "dirgraph extract"};
  std::vector<std::string> paths;
  app.add_option("FILE", paths,
                 "article files; folders (their *.txt, *.htm, *.html, recursively, sorted); "
                 "JSON Lines files (*.jsonl, one article a line); - for JSON Lines on stdin")
      ->required();
  if (int rc; !Parse(app, "extract", argc, argv, &rc)) return rc;

  ExtractionData data = LoadExtractionData("extract");
  Extractor extractor(data.gazetteer.get(), data.catalogue.get());
  InputReader reader(paths, &std::cin, /*count_sizes=*/false);
  InputItem item;
  bool failed = false;
  while (reader.Next(&item)) {
    Status status = item.status;
    if (status.ok()) {
      try {
        auto e = extractor.ExtractTaking(std::move(item.text), item.hints);
        if (e.ok()) {
          std::string line = ExtractionToJson(e.value());
          line += '\n';
          std::fwrite(line.data(), 1, line.size(), stdout);
          continue;
        }
        status = e.status();
      } catch (const std::exception& ex) {
        status = Status::Internal(std::string("extraction failed: ") + ex.what());
      }
    }
    failed = true;
    std::fflush(stdout);
    PrintError("extract", Status(status.code(), item.source + ": " + ItemReason(item, status)));
  }
  std::fflush(stdout);
  // The gazetteer and catalogue are kept until the process ends: freeing the gazetteer's
  // units one by one at exit cost a twentieth of the start-up.
  static const ExtractionData* const kept = new ExtractionData(std::move(data));
  (void)kept;
  return failed ? kExitFailure : kExitOk;
}

// ---- ingest --------------------------------------------------------------------------

std::string Duration(double seconds) {
  if (seconds < 0 || seconds > 1e7) return "?";
  long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

// "[ 42%] 2100 articles, 350/s, 2 errors, ETA 0:12", redrawn in place on a terminal.
void DrawProgress(const IngestProgress& p) {
  std::string line = "\r\033[K";
  char buf[160];
  double rate = p.seconds > 0 ? static_cast<double>(p.items) / p.seconds : 0;
  if (p.total_bytes > 0) {
    double frac = std::min(1.0, static_cast<double>(p.bytes) / static_cast<double>(p.total_bytes));
    double eta = frac > 0 ? p.seconds * (1 - frac) / frac : -1;
    std::snprintf(buf, sizeof buf, "[%3d%%] %lld articles, %.0f/s, %lld errors, ETA %s",
                  static_cast<int>(frac * 100), static_cast<long long>(p.items), rate,
                  static_cast<long long>(p.errors), Duration(eta).c_str());
  } else {
    std::snprintf(buf, sizeof buf, "%lld articles, %.0f/s, %lld errors",
                  static_cast<long long>(p.items), rate, static_cast<long long>(p.errors));
  }
  line += buf;
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

int CmdIngest(int argc, char** argv) {
  CLI::App app{
      "Reads articles into the database: each article is extracted and stored with "
      "its documents, meetings and relations. Ingesting an article again changes "
      "nothing; one with a known url and new text replaces the old one. Inputs that fail "
      "are reported on stderr and the others go on; the exit status is then 1.",
      "dirgraph ingest"};
  std::vector<std::string> paths;
  std::string db = kDefaultDb;
  IngestOptions options;
  app.add_option("PATH", paths,
                 "article files; folders (their *.txt, *.htm, *.html, recursively); JSON Lines "
                 "files (*.jsonl: {\"url\",\"text\"[,\"title\",\"published\",\"site\"]}); - for "
                 "JSON Lines on stdin")
      ->required();
  app.add_option("--db", db, "the SQLite database, created when missing")->capture_default_str();
  app.add_option("-j,--jobs", options.jobs, "extraction threads (0: one per core)")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  app.add_option("--batch-size", options.batch_size, "articles per transaction")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_flag("--strict", options.strict, "fail at the first input that cannot be ingested");
  if (int rc; !Parse(app, "ingest", argc, argv, &rc)) return rc;

  auto store = Store::Open(db);
  if (!store.ok()) return Fail("ingest", store.status());
  ExtractionData data = LoadExtractionData("ingest");
  Extractor extractor(data.gazetteer.get(), data.catalogue.get());
  options.gazetteer = data.gazetteer.get();  // the units tree (part_of)

  const bool tty = isatty(STDERR_FILENO) == 1;
  bool drawn = false;
  options.std_in = &std::cin;
  int64_t committed = 0;  // inputs handled in the batches committed so far
  options.progress = [&](const IngestProgress& p) {
    committed = p.items;
    if (!tty) return;
    DrawProgress(p);
    drawn = true;
  };
  options.on_error = [&](const IngestError& e) {
    if (drawn) std::fputs("\r\033[K", stderr);
    PrintError("ingest", Status::Invalid(e.input + ": " + e.reason));
  };
  auto report = Ingest(paths, *store.value(), extractor, options);
  if (drawn) std::fputs("\r\033[K", stderr);
  if (!report.ok()) {
    const int rc = Fail("ingest", report.status());
    std::string note =
        "dirgraph ingest: the batch in progress was rolled back; the batches before it (";
    note += std::to_string(committed);
    note +=
        " inputs) stay stored. Run the same command again to go on: stored articles are "
        "skipped.\n";
    std::fputs(note.c_str(), stderr);
    return rc;
  }
  const IngestReport& r = report.value();
  // The counts of the run, then what the database holds now.
  std::string line =
      std::to_string(r.articles()) + " articles (" + std::to_string(r.articles_added) + " added, " +
      std::to_string(r.articles_replaced) + " replaced, " + std::to_string(r.articles_unchanged) +
      " unchanged), " + std::to_string(r.errors) + " errors";
  char secs[32];
  std::snprintf(secs, sizeof secs, ", %.2f s", r.seconds);
  line += secs;
  auto stats = store.value()->GetStats();
  if (!stats.ok()) return Fail("ingest", stats.status());
  line += "; " + db + " holds " + std::to_string(stats->articles) + " articles, " +
          std::to_string(stats->documents) + " documents, " + std::to_string(stats->meetings) +
          " meetings\n";
  std::fputs(line.c_str(), stdout);
  std::fflush(stdout);
  // Every input was tried; the ones that failed are on stderr and make the run fail.
  return r.errors > 0 ? kExitFailure : kExitOk;
}

// ---- stats ---------------------------------------------------------------------------

// "name value" lines in a fixed order; every family and relation present, 0 when none.
std::string StatsToText(const Store::Stats& s) {
  std::map<std::string, int64_t> families = {{"party", 0}, {"state", 0}};
  for (const auto& [k, v] : s.documents_by_family) families[k] = v;
  std::map<std::string, int64_t> relations;
  for (Relation r : {Relation::kImplements, Relation::kLinked, Relation::kAmends,
                     Relation::kReplaces, Relation::kRepeals, Relation::kBasedOn}) {
    relations[RelationName(r)] = 0;
  }
  for (const auto& [k, v] : s.edges_by_relation) relations[k] = v;

  std::string out;
  auto line = [&](const std::string& name, int64_t n) {
    out += name + " " + std::to_string(n) + "\n";
  };
  line("articles", s.articles);
  line("documents", s.documents);
  for (const auto& [k, v] : families) line("documents.family." + k, v);
  for (const auto& [k, v] : s.documents_by_type) line("documents.type." + k, v);
  line("units", s.units);
  line("meetings", s.meetings);
  for (const auto& [k, v] : relations) line("edges." + k, v);
  return out;
}

int CmdStats(int argc, char** argv) {
  CLI::App app{
      "Prints the database's counts, one \"name value\" a line, in a fixed order: "
      "two databases holding the same graph print the same text.",
      "dirgraph stats"};
  std::string db = kDefaultDb;
  app.add_option("--db", db, "the SQLite database")->capture_default_str();
  if (int rc; !Parse(app, "stats", argc, argv, &rc)) return rc;
  auto store = OpenExisting(db);
  if (!store.ok()) return Fail("stats", store.status());
  auto stats = store.value()->GetStats();
  if (!stats.ok()) return Fail("stats", stats.status());
  std::fputs(StatsToText(stats.value()).c_str(), stdout);
  std::fflush(stdout);
  return kExitOk;
}

// ---- serve ---------------------------------------------------------------------------

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

int CmdServe(int argc, char** argv) {
  CLI::App app{
      "Serves the REST API over a database until interrupted (Ctrl-C or SIGTERM): "
      "read-only, unless a write token is given for POST /api/v1/articles. "
      "GET /api/v1/openapi.json describes the routes.",
      "dirgraph serve"};
  std::string db = kDefaultDb;
  std::string host = "127.0.0.1";
  int port = 8080;
  HttpServer::Options options;
  app.add_option("--db", db, "the SQLite database")->capture_default_str();
  app.add_option("--host", host, "address to listen on; 0.0.0.0 opens it to the network")
      ->capture_default_str();
  app.add_option("--port", port, "port (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--threads", options.threads,
                 "worker threads, one per open connection (0: 64, at least 8 per core)")
      ->check(CLI::Range(0, 1024));
  app.add_option("--write-token", options.write_token,
                 "enables POST /api/v1/articles for 'Authorization: Bearer TOKEN' "
                 "(default: $DIRGRAPH_WRITE_TOKEN; none: read-only)");
  app.add_option("--read-timeout", options.read_timeout_seconds,
                 "seconds a request may take to arrive, from its first byte to its last; "
                 "a slower client is disconnected")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  app.add_flag("-q,--quiet", options.quiet, "no log line per request on stderr");
  std::string snapshot;
  bool no_snapshot = false;
  app.add_option("--graph-snapshot", snapshot,
                 "the graph's snapshot file, read at start instead of the tables when it "
                 "matches the database and written after a load from them (default: DB.graph)");
  app.add_flag("--no-graph-snapshot", no_snapshot, "neither read nor write a graph snapshot");
  if (int rc; !Parse(app, "serve", argc, argv, &rc)) return rc;
  if (!no_snapshot) options.graph_snapshot = snapshot.empty() ? SnapshotPathOf(db) : snapshot;

  if (options.write_token.empty()) {
    if (const char* env = std::getenv("DIRGRAPH_WRITE_TOKEN")) options.write_token = env;
  }
  auto store = OpenExisting(db);
  if (!store.ok()) return Fail("serve", store.status());
  ExtractionData data = LoadExtractionData("serve");
  Extractor extractor(data.gazetteer.get(), data.catalogue.get());
  options.extractor = &extractor;
  if (!IsLoopback(host)) {
    Warn("serve", "listening on " + host + ", not only on this machine: reads need no token");
  }
  // Signals are taken by sigtimedwait below, not by the server's threads, which inherit
  // the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  HttpServer server(store.value().get(), options);
  if (Status s = server.Start(host, port); !s.ok()) return Fail("serve", s);
  const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::printf("dirgraph: serving http://%s:%d\n", shown.c_str(), server.port());
  std::fflush(stdout);
  // A server whose listening socket failed would run on, answering nothing: it exits
  // instead, with an error, so that whatever supervises it starts it again.
  const timespec tick{1, 0};
  while (sigtimedwait(&signals, nullptr, &tick) < 0) {
    if (!server.Listening()) {
      server.Stop();
      return Fail("serve", Status::Io("stopped accepting connections on " + shown + ":" +
                                      std::to_string(server.port()) +
                                      ": the listening socket failed; exiting"));
    }
  }
  server.Stop();
  return kExitOk;
}

// ---- the graph: lineage, reviews, export ---------------------------------------------

// The graph of an existing database, for the queries and exports. A current snapshot that
// `serve` wrote beside the database (<db>.graph) is read instead of building the graph from
// the tables: under a second at a million articles, against about ten. The commands never
// write one; a damaged one is named on stderr and the tables are read.
Result<std::unique_ptr<Graph>> OpenGraph(const std::string& db, const char* command) {
  auto store = OpenExisting(db);
  if (!store.ok()) return store.status();
  SnapshotOptions snapshot;
  snapshot.path = SnapshotPathOf(db);
  snapshot.write = false;
  LoadReport report;
  auto graph = Graph::Load(*store.value(), snapshot, &report);
  for (const std::string& line : report.warnings) {
    std::fprintf(stderr, "dirgraph %s: %s\n", command, line.c_str());
  }
  return graph;
}

int CmdLineage(int argc, char** argv) {
  CLI::App app{
      "The documents KEY implements (up) and those implementing it (down), "
      "transitively, with the evidence of each step. Inferred links are shown only "
      "with --inferred, marked with their weight and why.",
      "dirgraph lineage"};
  std::string key, cursor, db = kDefaultDb;
  int depth = 0, limit = api::kDefaultLineageLimit;
  bool up = false, down = false, json = false, inferred = false;
  app.add_option("KEY", key,
                 "a document: 35-NQ/TW, \"NQ 35\", \"Nghị quyết số 35\", a canonical key, "
                 "or a scoped code 05-ĐA/TU@ho-chi-minh")
      ->required();
  auto* up_flag = app.add_flag("--up", up, "only the documents KEY implements");
  app.add_flag("--down", down, "only the documents implementing KEY")->excludes(up_flag);
  app.add_option("--depth", depth, "steps to follow (0: all)")->check(CLI::NonNegativeNumber);
  app.add_flag("--inferred", inferred, "follow inferred links too");
  app.add_option("--limit", limit, "documents per direction (the API's limit)")
      ->check(CLI::Range(1, api::kMaxLineageLimit))
      ->capture_default_str();
  app.add_option("--cursor", cursor,
                 "the next page: a next_cursor of the previous one (its direction is taken)");
  app.add_option("--db", db, "the SQLite database")->capture_default_str();
  app.add_flag("--json", json, "JSON output: the REST API's answer to the same question");
  if (int rc; !Parse(app, "lineage", argc, argv, &rc)) return rc;

  auto graph = OpenGraph(db, "lineage");
  if (!graph.ok()) return Fail("lineage", graph.status());
  auto root = graph.value()->Resolve(key);
  if (!root.ok()) return Fail("lineage", root.status());
  LineageOptions options;
  options.direction = up ? Direction::kUp : down ? Direction::kDown : Direction::kBoth;
  options.depth = depth;
  options.inferred = inferred;
  options.limit = static_cast<size_t>(limit);
  if (!cursor.empty()) {
    Status s = ApplyLineageCursor(*graph.value(), root.value(), cursor, "--cursor", &options);
    if (!s.ok()) return Fail("lineage", s);
  }
  auto lineage = graph.value()->GetLineage(root.value(), options);
  if (!lineage.ok()) return Fail("lineage", lineage.status());
  std::string out = json ? LineageToJson(*graph.value(), lineage.value(), options) + "\n"
                         : LineageToText(*graph.value(), lineage.value(), options);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return kExitOk;
}

int CmdReviews(int argc, char** argv) {
  CLI::App app{
      "The meetings that reviewed or launched KEY, or a document implementing it, "
      "sorted by date, each with the path that links it to KEY; a page at a time, as the "
      "REST API answers.",
      "dirgraph reviews"};
  std::string key, db = kDefaultDb;
  api::ReviewFilter f;
  int64_t cursor = 0;
  bool json = false;
  app.add_option("KEY", key,
                 "a document: 35-NQ/TW, \"NQ 35\", \"Nghị quyết số 35\", a canonical key, "
                 "or a scoped code 05-ĐA/TU@ho-chi-minh")
      ->required();
  app.add_option("--from", f.from, "first date, YYYY[-MM[-DD]]");
  app.add_option("--to", f.to, "last date, YYYY[-MM[-DD]]");
  app.add_option("--level", f.level, "the holding unit's level: province, district or commune");
  app.add_option("--province", f.province, "a part of the holding unit's province (\"Nghệ An\")");
  app.add_option("--limit", f.page.limit, "meetings per page (the API's limit; 0: all)")
      ->check(CLI::Range(0, INT32_MAX))
      ->capture_default_str();
  app.add_option("--cursor", cursor, "the next page: the next_cursor of the previous one")
      ->check(CLI::Range(int64_t{0}, int64_t{INT32_MAX}));
  app.add_option("--db", db, "the SQLite database")->capture_default_str();
  app.add_flag("--json", json, "JSON output: the REST API's answer to the same question");
  if (int rc; !Parse(app, "reviews", argc, argv, &rc)) return rc;
  f.page.after = cursor;

  auto graph = OpenGraph(db, "reviews");
  if (!graph.ok()) return Fail("reviews", graph.status());
  auto root = graph.value()->Resolve(key);
  if (!root.ok()) return Fail("reviews", root.status());
  std::string out;
  if (json) {
    auto text = api::ReviewsJson(*graph.value(), root.value(), f);
    if (!text.ok()) return Fail("reviews", text.status());
    out = text.value() + "\n";
  } else {
    auto page = graph.value()->ReviewsPage(root.value(), api::ReviewQueryOf(f));
    if (!page.ok()) return Fail("reviews", page.status());
    out = ReviewsToText(*graph.value(), root.value(), page->rows, page->total);
    const size_t first = static_cast<size_t>(cursor), shown = page->rows.size();
    if (shown == 0 && first > 0) {
      out += "no meetings past the first " + std::to_string(first) + "\n";
    } else if (first > 0 || first + shown < page->total) {
      out += "meetings " + std::to_string(first + 1) + "-" + std::to_string(first + shown) +
             " of " + std::to_string(page->total);
      if (first + shown < page->total) out += "; the next page: --cursor " + std::to_string(first + shown);
      out += "\n";
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return kExitOk;
}

int CmdExport(int argc, char** argv) {
  CLI::App app{
      "Writes the graph, or the neighbourhood of a root, as GEXF 1.3 (Gephi, with a "
      "timeline), GraphML, JSON ({\"nodes\", \"links\"}) or CSV for neo4j-admin import. "
      "Output is sorted by stable ids: the same graph gives the same bytes. With --format "
      "csv, -o PATH names two files: PATH-nodes.csv and PATH-edges.csv (a trailing .csv of "
      "PATH is dropped first).",
      "dirgraph export"};
  std::string format, out, db = kDefaultDb;
  ExportOptions options;
  app.add_option("--format", format, "gexf, graphml, json or csv")->required();
  app.add_option("--root", options.root,
                 "a document (35-NQ/TW, \"NQ 35\", a canonical key) or a node id (unit:760, "
                 "meeting:12) to start from; default: the whole graph");
  app.add_option("--depth", options.depth,
                 "with --root: steps from the root, edges followed both ways (0: no limit)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--db", db, "the SQLite database")->capture_default_str();
  app.add_option("-o,--output", out,
                 "the file to write, - for standard output (csv: the prefix of two files)")
      ->required();
  if (int rc; !Parse(app, "export", argc, argv, &rc)) return rc;

  auto f = ParseExportFormat(format);
  if (!f.ok()) return Fail("export", f.status());
  auto graph = OpenGraph(db, "export");
  if (!graph.ok()) return Fail("export", graph.status());
  auto summary = ExportTo(*graph.value(), f.value(), options, out);
  if (!summary.ok()) return Fail("export", summary.status());
  std::string files;
  for (const std::string& file : summary.value().files) {
    files += (files.empty() ? "" : ", ") + file;
  }
  // On standard error when the export itself went to standard output.
  std::fprintf(out == "-" ? stderr : stdout, "dirgraph: wrote %zu nodes and %zu edges to %s\n",
               summary.value().nodes, summary.value().edges,
               out == "-" ? "standard output" : files.c_str());
  return kExitOk;
}

// ---- help, version, the table --------------------------------------------------------

int CmdHelp(int argc, char** argv);

int CmdVersion(int argc, char** argv) {
  CLI::App app{"Prints the version.", "dirgraph version"};
  if (int rc; !Parse(app, "version", argc, argv, &rc)) return rc;
  std::puts("dirgraph " DIRGRAPH_VERSION);
  return kExitOk;
}

struct Command {
  const char* name;
  const char* summary;
  int (*run)(int argc, char** argv);  // argv[0] is the command's name
};

constexpr Command kCommands[] = {
    {"ingest", "read articles (files, folders, JSON Lines) into the database", CmdIngest},
    {"extract", "print what articles name, as JSON Lines (no database)", CmdExtract},
    {"lineage", "what a document implements and what implements it", CmdLineage},
    {"reviews", "the meetings that reviewed a document or a plan implementing it", CmdReviews},
    {"export", "write the graph as GEXF, GraphML, JSON or CSV", CmdExport},
    {"serve", "serve the REST API over a database", CmdServe},
    {"stats", "print the database's counts", CmdStats},
    {"help", "list the commands, or show one command's options", CmdHelp},
    {"version", "print the version", CmdVersion},
};

const Command* FindCommand(const std::string& name) {
  for (const Command& c : kCommands) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

void PrintUsage() {
  std::string out =
      "usage: dirgraph COMMAND [OPTIONS] [ARGS]\n\n"
      "A knowledge graph of Vietnamese Party directives and the meetings that review them,\n"
      "built from news articles.\n\ncommands:\n";
  for (const Command& c : kCommands) {
    std::string name = c.name;
    name.resize(10, ' ');
    out += "  " + name + c.summary + "\n";
  }
  out += "\nRun 'dirgraph COMMAND --help' for a command's options.\n";
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
}

Status UnknownCommand(const std::string& name) {
  std::string m = "unknown command '" + name + "'";
  std::string near = SuggestCommand(name);
  m += near.empty() ? "; run 'dirgraph help' for the list" : "; did you mean '" + near + "'?";
  return Status::Invalid(m);
}

int CmdHelp(int argc, char** argv) {
  if (argc >= 2 && argv[1][0] != '-') {
    const Command* c = FindCommand(argv[1]);
    if (c == nullptr) return Fail("", UnknownCommand(argv[1]));
    char help_flag[] = "--help";
    char* args[] = {argv[1], help_flag, nullptr};
    return c->run(2, args);
  }
  CLI::App app{"Lists the commands, or shows the options of one.", "dirgraph help"};
  if (int rc; !Parse(app, "help", argc, argv, &rc)) return rc;
  PrintUsage();
  return kExitOk;
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string SuggestCommand(const std::string& name) {
  // Up to half of the name may be wrong, at most 3 edits (as ninja allows).
  const size_t limit = std::min<size_t>(3, std::max<size_t>(1, (name.size() + 1) / 2));
  std::string best;
  size_t best_distance = limit + 1;
  for (const Command& c : kCommands) {
    size_t d = EditDistance(name, c.name);
    if (d < best_distance) {
      best_distance = d;
      best = c.name;
    }
  }
  return best;
}

int RunCli(int argc, char** argv) {
  RegisterSearchTokenizer();  // before any database is opened
  try {
    if (argc < 2) {
      PrintUsage();
      return kExitOk;
    }
    const std::string name = argv[1];
    if (name == "-h" || name == "--help") {
      PrintUsage();
      return kExitOk;
    }
    if (name == "--version") return CmdVersion(1, argv + 1);
    if (const Command* c = FindCommand(name)) return c->run(argc - 1, argv + 1);
    if (name[0] == '-') {
      return Fail("", Status::Invalid("unknown option '" + name + "'; run 'dirgraph help'"));
    }
    return Fail("", UnknownCommand(name));
  } catch (const std::exception& e) {
    return Fail("", Status::Internal(e.what()));
  } catch (...) {
    return Fail("", Status::Internal("unknown exception"));
  }
}

}  // namespace dg
