// dirgraph-search-bench DB QUERY... [--repeat N]: the latency of the search route's work
// (api::Search: match, rank, the page's snippets) for each QUERY on a database opened
// read-only as serve opens it (schema 6: the store's index; schema 4 and 5: their FTS5
// index). Prints, per query, its total, the first run's time and the median and minimum
// of the next N. Used by bench/search.sh.
// dirgraph-search-bench DB --merge-all: merges every segment of a schema 6 database's
// index into one (WRITES the database: give it a copy) and prints the time and CPU it
// took: the cost of rewriting every posting once, the unit of the tiered merges' cost.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/search_index.h"
#include "core/store.h"
#include "ingest/search_tokenizer.h"
#include "server/api.h"

int main(int argc, char** argv) {
  std::vector<std::string> queries;
  std::string path;
  int repeat = 20;
  bool merge_all = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--merge-all") {
      merge_all = true;
    } else if (a == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (path.empty()) {
      path = a;
    } else {
      queries.push_back(a);
    }
  }
  if (path.empty() || (queries.empty() && !merge_all)) {
    std::fprintf(stderr,
                 "usage: dirgraph-search-bench DB QUERY... [--repeat N] | DB --merge-all\n");
    return 2;
  }
  dg::RegisterSearchTokenizer();
  if (merge_all) {
    auto store = dg::Store::Open(path);
    if (!store.ok()) {
      std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
      return 1;
    }
    auto& db = (*store)->database();
    const auto segments = db.QueryInt("SELECT count(*) FROM search_segments");
    rusage r0{}, r1{};
    getrusage(RUSAGE_SELF, &r0);
    const auto t0 = std::chrono::steady_clock::now();
    dg::Status s = db.Exec("BEGIN IMMEDIATE");
    if (s.ok()) s = dg::search::MergeAll(db);
    if (s.ok()) s = db.Exec("COMMIT");
    const auto t1 = std::chrono::steady_clock::now();
    getrusage(RUSAGE_SELF, &r1);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
    auto cpu = [](const rusage& r) {
      return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
             static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
    };
    std::printf("%s: %lld segments merged into one in %.2f s (%.2f s of CPU)\n", path.c_str(),
                static_cast<long long>(segments.ok() ? *segments : -1),
                std::chrono::duration<double>(t1 - t0).count(), cpu(r1) - cpu(r0));
    return 0;
  }
  auto store = dg::Store::Open(path, /*read_only=*/true);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  std::printf("%s: schema %d\n", path.c_str(), (*store)->schema_version());
  std::printf("%-24s %9s %10s %10s %10s\n", "query", "total", "first_ms", "median_ms", "min_ms");
  for (const std::string& q : queries) {
    std::vector<double> ms;
    std::string json;
    for (int i = 0; i <= repeat; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      auto r = dg::api::Search((*store)->database(), q, dg::api::Page{});
      const auto t1 = std::chrono::steady_clock::now();
      if (!r.ok()) {
        std::fprintf(stderr, "%s: %s\n", q.c_str(), r.status().ToString().c_str());
        return 1;
      }
      json = std::move(r).value();
      ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    const double first = ms.front();
    ms.erase(ms.begin());
    std::sort(ms.begin(), ms.end());
    const size_t at = json.rfind("\"total\":");
    const long long total = at == std::string::npos ? -1 : std::atoll(json.c_str() + at + 8);
    std::printf("%-24s %9lld %10.2f %10.2f %10.2f\n", q.c_str(), total, first, ms[ms.size() / 2],
                ms.front());
  }
  return 0;
}
