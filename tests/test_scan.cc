// The marks of ingest/scan.h are exactly the places a plain loop finds, wherever they
// fall in a 16- or 64-byte block; FindMark visits them in order from any start.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "ingest/scan.h"

namespace {

std::vector<size_t> All(const std::vector<uint64_t>& marks, size_t from) {
  std::vector<size_t> out;
  dg::FindMark(marks, from, [&](size_t i) {
    out.push_back(i);
    return false;
  });
  return out;
}

bool Digit(char c) { return c >= '0' && c <= '9'; }
bool Is(char c, char lower) { return c == lower || c == lower - 'a' + 'A'; }

}  // namespace

TEST_CASE("digit runs, letter pairs and slashes: the same places as a plain loop") {
  std::mt19937 rng(7);
  const std::string alphabet = "0123456789uyUYgGhHab .\n/\x7f";
  for (int round = 0; round < 3000; ++round) {
    std::string t;
    const size_t len = rng() % 300;
    for (size_t i = 0; i < len; ++i) t.push_back(alphabet[rng() % alphabet.size()]);
    const size_t from = len == 0 ? 0 : rng() % (len + 1);
    CAPTURE(t);
    CAPTURE(from);
    std::vector<size_t> runs, gh, uy, slashes;
    for (size_t i = from; i < t.size(); ++i) {
      if (Digit(t[i]) && (i == 0 || !Digit(t[i - 1]))) runs.push_back(i);
      if (i + 1 < t.size() && Is(t[i], 'g') && Is(t[i + 1], 'h')) gh.push_back(i);
      if (i + 1 < t.size() && Is(t[i], 'u') && Is(t[i + 1], 'y')) uy.push_back(i);
      if (t[i] == '/') slashes.push_back(i);
    }
    const dg::TextMarks marks = dg::MarkText(t);
    CHECK(All(marks.digit_runs, from) == runs);
    CHECK(All(marks.gh, from) == gh);
    CHECK(All(marks.uy, from) == uy);
    CHECK(All(marks.slashes, from) == slashes);
  }
}

TEST_CASE("FindMark stops at the first place the caller accepts") {
  const std::string t = "ab 12 cd 345 uy 6 UY 78 Uy";
  const dg::TextMarks marks = dg::MarkText(t);
  CHECK(dg::FindMark(marks.digit_runs, 0, [&](size_t i) { return t[i] == '3'; }) == t.find("345"));
  CHECK(dg::FindMark(marks.digit_runs, 0, [](size_t) { return false; }) == std::string_view::npos);
  CHECK(dg::FindMark(marks.digit_runs, 4, [](size_t) { return true; }) == t.find("345"));  // '2' is no start
  CHECK(dg::FindMark(marks.uy, 0, [&](size_t i) { return t[i] == 'U'; }) == t.find("UY"));
  CHECK(dg::FindMark(marks.uy, t.size() - 1, [](size_t) { return true; }) == std::string_view::npos);
  CHECK(dg::FindMark(marks.uy, t.size() + 100, [](size_t) { return true; }) == std::string_view::npos);
}

// Checks `find(t, from, to)` against the first i in [from, min(to, size)) that `at(t, i)`
// accepts, on random texts of `alphabet` and random ranges (past the text's end too).
template <typename Find, typename At>
void CheckFirstPlace(const std::string& alphabet, Find find, At at) {
  std::mt19937 rng(11);
  for (int round = 0; round < 3000; ++round) {
    std::string t;
    const size_t len = rng() % 100;
    for (size_t i = 0; i < len; ++i) t.push_back(alphabet[rng() % alphabet.size()]);
    const size_t from = rng() % (len + 3), to = rng() % (len + 20);
    CAPTURE(t);
    CAPTURE(from);
    CAPTURE(to);
    size_t want = std::string_view::npos;
    for (size_t i = from; i < std::min(to, t.size()) && want == std::string_view::npos; ++i)
      if (at(t, i)) want = i;
    CHECK(find(t, from, to) == want);
  }
}

TEST_CASE("FindEitherByte: the first of two bytes in a range, as a plain loop finds it") {
  CheckFirstPlace(
      "dDxy \n\x7f", [](const std::string& t, size_t from, size_t to) { return dg::FindEitherByte(t, from, to, 'd', 'D'); },
      [](const std::string& t, size_t i) { return t[i] == 'd' || t[i] == 'D'; });
}

TEST_CASE("FindLetterPair: the first two letters in any case, as a plain loop finds them") {
  CheckFirstPlace(
      "nNaAx \n\x7f", [](const std::string& t, size_t from, size_t to) { return dg::FindLetterPair(t, from, to, 'n', 'a'); },
      [](const std::string& t, size_t i) {
        return (t[i] == 'n' || t[i] == 'N') && i + 1 < t.size() && (t[i + 1] == 'a' || t[i + 1] == 'A');
      });
}
