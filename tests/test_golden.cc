// Golden outputs: `dirgraph extract` on every fixture article must print exactly the line
// stored in fixtures/golden/corpus.jsonl. `make golden` rewrites that file from the current
// build when a change is intended; the diff is then reviewed like code.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string FileOf(const std::string& line) {
  size_t a = line.find("\"file\":\"");
  if (a == std::string::npos) return "?";
  a += 8;
  return line.substr(a, line.find('"', a) - a);
}

}  // namespace

TEST_CASE("extract output equals the golden file, article by article") {
  std::string dir = DIRGRAPH_FIXTURES_DIR;
  std::ifstream golden(dir + "/golden/corpus.jsonl");
  REQUIRE_MESSAGE(golden.good(), "fixtures/golden/corpus.jsonl is missing: run make golden");
  std::stringstream want;
  want << golden.rdbuf();

  std::string cmd = "cd " + dir + "/corpus && " + DIRGRAPH_BINARY + " extract *.txt";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string got;
  char buf[8192];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) got.append(buf, n);
  CHECK(pclose(p) == 0);

  auto w = Lines(want.str()), g = Lines(got);
  REQUIRE(w.size() == g.size());
  int differing = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    CAPTURE(FileOf(w[i]));
    if (w[i] != g[i]) ++differing;
    CHECK(w[i] == g[i]);
  }
  CHECK_MESSAGE(differing == 0, differing << " articles differ; if intended, run make golden and review the diff");
}
