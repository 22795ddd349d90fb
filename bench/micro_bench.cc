// dirgraph-micro-bench [CORPUS] [--articles N] [--benchmark_...]: the per-article work
// of an ingest that needs no database, each stage on its own, on one thread, with Google
// Benchmark: folding (ingest/text.h, with and without its SIMD blocks), the search tokenizer alone (the floor of the search terms), the search terms
// of an article (search::TermsOf: tokens counted and sorted), and the whole extraction.
// CORPUS is a JSON Lines file, a folder or article files as `dirgraph ingest` reads them
// (default: fixtures/corpus); the first N articles (default 2000) are read into memory
// before timing. Prints articles/s (items_per_second) and MB/s of article text.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/search_index.h"
#include "ingest/catalogue.h"
#include "ingest/extract.h"
#include "ingest/gazetteer.h"
#include "ingest/input.h"
#include "ingest/search_tokenizer.h"
#include "ingest/text.h"

namespace {

struct Corpus {
  std::vector<dg::InputItem> items;
  int64_t bytes = 0;
};

Corpus& TheCorpus() {
  static Corpus corpus;
  return corpus;
}

void SetCounters(benchmark::State& state) {
  const Corpus& c = TheCorpus();
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(c.items.size()));
  state.SetBytesProcessed(state.iterations() * c.bytes);
}

void BM_Tokenize(benchmark::State& state) {
  for (auto _ : state) {
    size_t tokens = 0;
    for (const dg::InputItem& item : TheCorpus().items) {
      dg::search::ForEachToken(item.hints.title, [&](std::string_view, int, int) { ++tokens; });
      dg::search::ForEachToken(item.text, [&](std::string_view, int, int) { ++tokens; });
    }
    benchmark::DoNotOptimize(tokens);
  }
  SetCounters(state);
}
BENCHMARK(BM_Tokenize)->Unit(benchmark::kMillisecond);

void BM_TermsOf(benchmark::State& state) {
  for (auto _ : state) {
    for (const dg::InputItem& item : TheCorpus().items) {
      auto terms = dg::search::TermsOf(item.hints.title, item.text);
      if (!terms.ok()) {
        state.SkipWithError(terms.status().ToString().c_str());
        return;
      }
      benchmark::DoNotOptimize(terms->bytes.data());
    }
  }
  SetCounters(state);
}
BENCHMARK(BM_TermsOf)->Unit(benchmark::kMillisecond);

// Checking and folding an article's text (CheckAndFold, the first step of extraction),
// with the SIMD block loops where the CPU has them (Arg 1) and without (Arg 0).
void BM_Fold(benchmark::State& state) {
  dg::text_internal::AllowFoldBlocks(state.range(0) != 0);
  dg::FoldedText folded;
  for (auto _ : state) {
    for (const dg::InputItem& item : TheCorpus().items) {
      benchmark::DoNotOptimize(dg::CheckAndFold(item.text, &folded).ok());
    }
  }
  dg::text_internal::AllowFoldBlocks(true);
  SetCounters(state);
}
BENCHMARK(BM_Fold)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_Extract(benchmark::State& state) {
  static auto gazetteer = dg::Gazetteer::Load();
  static auto catalogue = dg::Catalogue::Load();
  if (!gazetteer.ok() || !catalogue.ok()) {
    state.SkipWithError("no gazetteer or catalogue: run scripts/deps.sh");
    return;
  }
  const dg::Extractor extractor(gazetteer->get(), catalogue->get());
  for (auto _ : state) {
    for (const dg::InputItem& item : TheCorpus().items) {
      auto e = extractor.Extract(item.text, item.hints);
      benchmark::DoNotOptimize(e.ok());
    }
  }
  SetCounters(state);
}
BENCHMARK(BM_Extract)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);  // takes its --benchmark_ flags out of argv
  std::string path = std::string(DIRGRAPH_SOURCE_DIR) + "/fixtures/corpus";
  size_t limit = 2000;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--articles") == 0 && i + 1 < argc) {
      limit = static_cast<size_t>(std::max(1, std::atoi(argv[++i])));
    } else if (argv[i][0] != '-') {
      path = argv[i];
    } else {
      std::fprintf(stderr, "usage: dirgraph-micro-bench [CORPUS] [--articles N] [--benchmark_...]\n");
      return 2;
    }
  }
  dg::RegisterSearchTokenizer();
  Corpus& c = TheCorpus();
  dg::InputReader reader({path});
  dg::InputItem item;
  while (c.items.size() < limit && reader.Next(&item)) {
    if (!item.status.ok()) continue;
    c.bytes += static_cast<int64_t>(item.text.size());
    c.items.push_back(std::move(item));
  }
  if (c.items.empty()) {
    std::fprintf(stderr, "dirgraph-micro-bench: no articles read from %s\n", path.c_str());
    return 1;
  }
  std::fprintf(stderr, "corpus: %s, %zu articles, %.1f MB of text\n", path.c_str(),
               c.items.size(), static_cast<double>(c.bytes) / 1e6);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
