// Inputs the fuzzers of fuzz/ found crashing, kept as regression fixtures: every file of
// fixtures/fuzz/ goes through Extractor::Extract (and, for *.jsonl, the JSON Lines reader
// first) and must come back, OK or with an error naming the input, never an exception nor
// an internal error.
// fixtures/fuzz/open/ holds findings whose fix is pending: their case may fail (it is
// reported) until the fix lands, when the file moves up to fixtures/fuzz/.
#include <doctest/doctest.h>

#include "tests/test_support.h"
#include <rapidjson/document.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "ingest/catalogue.h"
#include "ingest/extract.h"
#include "ingest/gazetteer.h"
#include "ingest/input.h"

namespace {

namespace fs = std::filesystem;

const dg::Extractor& X() { return dg::testing::SharedExtractor(); }

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// The regular files of `dir` (not its subfolders), sorted.
std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file()) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// What is wrong with extracting `text`, or "" when it returns as it should: OK with JSON
// that parses and spans inside the text, or an error whose message names `name`.
std::string ExtractFault(const std::string& text, const std::string& name) {
  dg::ArticleHints hints;
  hints.file = name;
  try {
    auto e = X().Extract(text, hints);
    if (!e.ok()) {
      if (e.status().code() == dg::Code::kInternal) return "internal: " + e.status().ToString();
      if (e.status().message().find(name) == std::string::npos)
        return "error does not name the input: " + e.status().ToString();
      return "";
    }
    std::string json = dg::ExtractionToJson(*e);
    rapidjson::Document d;
    d.Parse(json.data(), json.size());
    if (d.HasParseError()) return "ExtractionToJson does not parse";
    for (const auto& doc : e->documents) {
      for (const auto& m : doc.mentions) {
        if (m.start > m.end || m.end > text.size()) return "mention outside the text";
        if (m.text != text.substr(m.start, m.end - m.start)) return "mention text not its bytes";
      }
    }
    for (const auto& u : e->unresolved) {
      if (u.start > u.end || u.end > text.size()) return "unresolved span outside the text";
    }
    return "";
  } catch (const std::exception& ex) {
    return std::string("exception: ") + ex.what();
  } catch (...) {
    return "unknown exception";
  }
}

// As ExtractFault, for a file: a *.jsonl file is read as JSON Lines first, each line's
// article extracted; every other file is one article.
std::string FileFault(const std::string& path) {
  const std::string name = fs::path(path).filename().string();
  if (path.size() < 6 || path.substr(path.size() - 6) != ".jsonl") {
    return ExtractFault(ReadAll(path), name);
  }
  try {
    dg::InputReader reader({path});
    dg::InputItem item;
    while (reader.Next(&item)) {
      if (!item.status.ok()) {
        if (item.status.message().rfind(path + ":", 0) != 0)
          return "broken line not named by its line: " + item.status.message();
        continue;
      }
      std::string fault = ExtractFault(item.text, item.source);
      if (!fault.empty()) return item.source + ": " + fault;
    }
    return "";
  } catch (const std::exception& ex) {
    return std::string("reader exception: ") + ex.what();
  }
}

}  // namespace

TEST_CASE("every input the fuzzers found crashing now returns") {
  const std::string dir = std::string(DIRGRAPH_FIXTURES_DIR) + "/fuzz";
  for (const auto& path : FilesIn(dir)) {
    CAPTURE(path);
    std::string fault = FileFault(path);
    CHECK_MESSAGE(fault.empty(), fault);
  }
}

TEST_CASE("open fuzz findings (fix pending) return" * doctest::may_fail()) {
  const std::string dir = std::string(DIRGRAPH_FIXTURES_DIR) + "/fuzz/open";
  for (const auto& path : FilesIn(dir)) {
    CAPTURE(path);
    std::string fault = FileFault(path);
    CHECK_MESSAGE(fault.empty(), fault);
  }
}
