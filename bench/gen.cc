// dirgraph-gen: writes a synthetic corpus with its gold (bench/README.md).
//
//   dirgraph-gen OUT --articles N --seed S [--jsonl]
//
// Writes OUT/0000000.txt … and OUT/gold.jsonl (the shared scorer's gold format), or with
// --jsonl one file OUT/articles.jsonl of {"url","text","published","site"} beside
// OUT/gold.jsonl, whose rows are keyed by the url's last segment. Same seed, same bytes.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench/gen_lib.h"
#include "core/status.h"
#include "ingest/catalogue.h"
#include "ingest/gazetteer.h"

namespace {

namespace fs = std::filesystem;

dg::Status WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) return dg::Status::Io("cannot write " + path.string());
  return dg::Status::Ok();
}

dg::Status Run(const std::string& out, uint64_t count, uint64_t seed, bool jsonl) {
  auto gaz = dg::Gazetteer::Load();
  if (!gaz.ok()) return gaz.status();
  auto cat = dg::Catalogue::Load();
  if (!cat.ok()) return cat.status();
  dg::gen::Generator gen(**gaz, **cat);

  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) return dg::Status::Io("cannot create " + out + ": " + ec.message());
  std::ofstream gold(fs::path(out) / "gold.jsonl", std::ios::binary | std::ios::trunc);
  std::ofstream articles;
  if (jsonl) articles.open(fs::path(out) / "articles.jsonl", std::ios::binary | std::ios::trunc);
  if (!gold || (jsonl && !articles)) return dg::Status::Io("cannot write in " + out);

  auto t0 = std::chrono::steady_clock::now();
  uint64_t bytes = 0;
  for (uint64_t i = 0; i < count; ++i) {
    dg::gen::Article a = gen.Make(seed, i);
    bytes += a.text.size();
    gold << a.gold << '\n';
    if (jsonl) {
      articles << "{\"url\": " << dg::gen::JsonString(a.url)
               << ", \"text\": " << dg::gen::JsonString(a.text) << ", \"published\": "
               << (a.published.empty() ? "null" : dg::gen::JsonString(a.published))
               << ", \"site\": " << dg::gen::JsonString(a.site) << "}\n";
    } else if (dg::Status s = WriteFile(fs::path(out) / a.name, a.text); !s.ok()) {
      return s;
    }
  }
  gold.close();
  if (jsonl) articles.close();
  if (!gold || (jsonl && !articles)) return dg::Status::Io("cannot finish writing in " + out);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "dirgraph-gen: %llu articles, %.1f MB of text, %.2f s\n",
               static_cast<unsigned long long>(count), static_cast<double>(bytes) / 1e6, secs);
  return dg::Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Writes N synthetic articles in the genre, with their gold in the shared scorer's format.",
      "dirgraph-gen"};
  std::string out;
  uint64_t count = 100;
  uint64_t seed = 1;
  bool jsonl = false;
  app.add_option("OUT", out, "output folder (created)")->required();
  app.add_option("--articles", count, "number of articles")->capture_default_str();
  app.add_option("--seed", seed, "seed; the same seed gives the same bytes")->capture_default_str();
  app.add_flag("--jsonl", jsonl, "write OUT/articles.jsonl instead of one file per article");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  dg::Status s = Run(out, count, seed, jsonl);
  if (!s.ok()) {
    std::fprintf(stderr, "dirgraph-gen: %s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}
