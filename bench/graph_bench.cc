// dirgraph-graph-bench: the in-memory graph of one database, measured in process.
//
//   dirgraph-graph-bench DB [--samples N] [--top K] [--seed S] [--rounds R]
//
// Prints the time Graph::Load takes and the process's memory after it (VmRSS) and at its
// peak (VmHWM), then the latency of lineage (both directions, stated links, with the
// evidence sentences) and of reviews (no date bounds) over two samples of documents:
//   random  N documents drawn with a fixed seed from the documents table;
//   top     the K documents with the most meetings reviewing or launching them.
// Each query runs R rounds over its sample; the figures are p50, p99 and max over every
// query run, in microseconds. Keys are drawn by SQL, not from the graph, so that two builds of the graph
// are measured on the same keys.
//
// A plain program rather than Google Benchmark: the figures wanted are percentiles over a
// sample of distinct keys (one timing per key and round), which Google Benchmark does not
// report (it times one operation over many iterations and reports their mean).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/sqlite.h"
#include "core/store.h"
#include "graph/graph.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// A field of /proc/self/status in MB ("VmRSS", "VmHWM"); -1 when unknown.
double StatusMb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::strtod(line.c_str() + field.size() + 1, nullptr) / 1024.0;
  }
  return -1;
}

struct Percentiles {
  double p50 = 0, p99 = 0, max = 0;
};

Percentiles Of(std::vector<double> v) {
  Percentiles p;
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    size_t i = static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
  };
  p.p50 = at(0.50);
  p.p99 = at(0.99);
  p.max = v.back();
  return p;
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "dirgraph-graph-bench: %s\n", what.c_str());
  std::exit(1);
}

std::vector<std::string> Column(dg::sqlite::Database& db, const std::string& sql) {
  auto st = db.Prepare(sql);
  if (!st.ok()) Die(st.status().ToString());
  std::vector<std::string> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) Die(row.status().ToString());
    if (!row.value()) break;
    out.push_back(st->ColumnText(0));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: dirgraph-graph-bench DB [--samples N] [--top K] [--seed S] [--rounds R]\n");
    return 2;
  }
  const std::string path = argv[1];
  int samples = 1000, top = 20, rounds = 3;
  uint64_t seed = 1;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const long v = std::strtol(argv[i + 1], nullptr, 10);
    if (flag == "--samples") samples = static_cast<int>(v);
    else if (flag == "--top") top = static_cast<int>(v);
    else if (flag == "--seed") seed = static_cast<uint64_t>(v);
    else if (flag == "--rounds") rounds = static_cast<int>(v);
    else Die("unknown option " + flag);
  }

  const double rss_before = StatusMb("VmRSS");
  const auto t0 = Clock::now();
  auto store = dg::Store::Open(path, /*read_only=*/true);
  if (!store.ok()) Die(store.status().ToString());
  auto loaded = dg::Graph::Load(*store.value());
  if (!loaded.ok()) Die(loaded.status().ToString());
  const double load_ms = Ms(Clock::now() - t0);
  const dg::Graph& g = *loaded.value();
  const double rss = StatusMb("VmRSS"), peak = StatusMb("VmHWM");

  // The samples, by SQL on a connection of our own.
  auto db = dg::sqlite::Database::Open(path, dg::sqlite::OpenMode::kReadOnly);
  if (!db.ok()) Die(db.status().ToString());
  std::vector<std::string> all = Column(db.value(), "SELECT key FROM documents ORDER BY id");
  std::vector<std::string> busiest = Column(
      db.value(),
      "SELECT d.key FROM documents d JOIN (SELECT document_id, count(*) AS n FROM "
      "meeting_documents GROUP BY document_id ORDER BY n DESC, document_id LIMIT " +
          std::to_string(top) + ") m ON m.document_id = d.id ORDER BY m.n DESC, d.id");
  std::mt19937_64 rng(seed);
  std::vector<std::string> random;
  for (int i = 0; i < samples && !all.empty(); ++i) random.push_back(all[rng() % all.size()]);

  std::printf("db: %s\n", path.c_str());
  std::printf("graph: %zu nodes, %zu edges, %zu documents\n", g.node_count(), g.edge_count(), all.size());
  std::printf("load: %.0f ms  rss %.0f MB (%.0f MB before)  peak %.0f MB\n", load_ms, rss, rss_before, peak);

  auto run = [&](const char* name, const std::vector<std::string>& keys) {
    std::vector<double> lineage, reviews;
    size_t max_rows = 0, max_entries = 0;
    for (int r = 0; r < rounds; ++r) {
      for (const std::string& key : keys) {
        auto v = g.FindDocument(key);
        if (!v) Die("document " + key + " is not in the graph");
        auto a = Clock::now();
        auto l = g.GetLineage(*v, {dg::Direction::kBoth, 0, false});
        auto b = Clock::now();
        auto rows = g.Reviews(*v);
        auto c = Clock::now();
        if (!l.ok() || !rows.ok()) Die("query failed on " + key);
        lineage.push_back(Ms(b - a));
        reviews.push_back(Ms(c - b));
        max_rows = std::max(max_rows, rows->size());
        max_entries = std::max(max_entries, l->entries.size());
      }
    }
    Percentiles pl = Of(lineage), pr = Of(reviews);
    std::printf("lineage %-6s n=%-5zu p50 %.1f us  p99 %.1f us  max %.1f us  (largest: %zu documents)\n", name,
                lineage.size(), pl.p50 * 1000, pl.p99 * 1000, pl.max * 1000, max_entries);
    std::printf("reviews %-6s n=%-5zu p50 %.1f us  p99 %.1f us  max %.1f us  (largest: %zu meetings)\n", name,
                reviews.size(), pr.p50 * 1000, pr.p99 * 1000, pr.max * 1000, max_rows);
  };
  run("random", random);
  run("top", busiest);
  if (!busiest.empty()) std::printf("top document: %s\n", busiest.front().c_str());
  return 0;
}
