// Extraction quality, measured by the shared scorer (../shared/tools/score.py) on the real
// seed articles and on the fixtures of fixtures/corpus with their hand-made gold. The
// thresholds are the targets of the extraction work; a change that lowers a figure below
// them fails here. Skips, saying why, where ../shared or python3 is absent.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

// Runs `cmd`, returns its exit status and stdout.
int Run(const std::string& cmd, std::string* out) {
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

bool HaveScorer(std::string* why) {
  if (!fs::exists(fs::path(DIRGRAPH_SHARED_DIR) / "tools" / "score.py")) {
    *why = "skipped: ../shared/tools/score.py is absent (shared folder not beside the project)";
    return false;
  }
  std::string out;
  if (Run("python3 --version 2>&1", &out) != 0) {
    *why = "skipped: python3 is absent";
    return false;
  }
  return true;
}

void Score(const std::string& inputs, const std::string& gold, const std::string& mins) {
  std::string pred = (fs::temp_directory_path() / ("dirgraph-quality-" + std::to_string(getpid()) + ".jsonl")).string();
  std::string out;
  int rc = Run(std::string(DIRGRAPH_BINARY) + " extract " + inputs + " > " + pred + " 2>/dev/null", &out);
  CHECK(rc == 0);
  out.clear();
  rc = Run("python3 " + std::string(DIRGRAPH_SHARED_DIR) + "/tools/score.py --gold " + gold +
               " --pred " + pred + " " + mins + " --show-errors 2>&1",
           &out);
  MESSAGE(out);
  CHECK_MESSAGE(rc == 0, "below threshold:\n" << out);
  fs::remove(pred);
}

}  // namespace

TEST_CASE("seeds: the extraction targets on the five real articles") {
  std::string why;
  if (!HaveScorer(&why)) {
    MESSAGE(why);
    return;
  }
  std::string seeds = std::string(DIRGRAPH_SHARED_DIR) + "/corpus/seeds";
  Score(seeds + "/*.txt", seeds + "/gold.jsonl",
        "--min documents=1.0 --min relations=0.9 --min meetings.unit=1.0 --min meetings.kind=1.0 "
        "--min meetings.date=1.0 --min jurisdiction=0.9");
}

TEST_CASE("fixtures: the written corpus against its hand-made gold") {
  std::string why;
  if (!HaveScorer(&why)) {
    MESSAGE(why);
    return;
  }
  std::string dir = DIRGRAPH_FIXTURES_DIR;
  Score(dir + "/corpus/*.txt", dir + "/gold/corpus.jsonl",
        "--min documents=0.99 --min relations=0.85 --min meetings.unit=0.95 --min meetings.kind=0.95 "
        "--min meetings.date=0.95 --min jurisdiction=0.95 --min meetings.docs=0.9");
}
