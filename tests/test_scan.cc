// The fast scans of ingest/scan.h find exactly the places a plain loop finds, wherever
// they fall in a 16-byte block, from any starting point.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "ingest/scan.h"

namespace {

std::vector<size_t> AllDigitRuns(std::string_view t, size_t from) {
  std::vector<size_t> out;
  dg::FindDigitRun(t, from, [&](size_t i) {
    out.push_back(i);
    return false;
  });
  return out;
}

std::vector<size_t> AllPairs(std::string_view t, size_t from, char a, char b) {
  std::vector<size_t> out;
  dg::FindLetterPair(t, from, a, b, [&](size_t i) {
    out.push_back(i);
    return false;
  });
  return out;
}

bool Digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

TEST_CASE("digit runs and letter pairs: the same places as a plain loop") {
  std::mt19937 rng(7);
  const std::string alphabet = "0123456789uyUYgGhHab .\n/\x7f";
  for (int round = 0; round < 2000; ++round) {
    std::string t;
    const size_t len = rng() % 80;
    for (size_t i = 0; i < len; ++i) t.push_back(alphabet[rng() % alphabet.size()]);
    const size_t from = len == 0 ? 0 : rng() % (len + 1);
    CAPTURE(t);
    CAPTURE(from);
    std::vector<size_t> runs, pairs;
    for (size_t i = from; i < t.size(); ++i) {
      if (Digit(t[i]) && (i == 0 || !Digit(t[i - 1]))) runs.push_back(i);
      if (i + 1 < t.size() && (t[i] == 'u' || t[i] == 'U') && (t[i + 1] == 'y' || t[i + 1] == 'Y'))
        pairs.push_back(i);
    }
    CHECK(AllDigitRuns(t, from) == runs);
    CHECK(AllPairs(t, from, 'u', 'y') == pairs);
  }
}

TEST_CASE("the scans stop at the first place the caller accepts") {
  const std::string t = "ab 12 cd 345 uy 6 UY 78 Uy";
  CHECK(dg::FindDigitRun(t, 0, [&](size_t i) { return t[i] == '3'; }) == t.find("345"));
  CHECK(dg::FindDigitRun(t, 0, [](size_t) { return false; }) == std::string_view::npos);
  CHECK(dg::FindDigitRun(t, 4, [](size_t) { return true; }) == t.find("345"));  // '2' is no start
  CHECK(dg::FindLetterPair(t, 0, 'u', 'y', [&](size_t i) { return t[i] == 'U'; }) == t.find("UY"));
  CHECK(dg::FindLetterPair(t, t.size() - 1, 'u', 'y', [](size_t) { return true; }) ==
        std::string_view::npos);
}
