// Fast scans of folded text (ingest/text.h) for the few places where a pattern can start.
// Extraction uses them to tell, before reading an article closely, that a stage's
// patterns cannot match anywhere in it: most articles name no document and no committee,
// and one reading of the text finds all these places at once, 16 or 64 bytes at a time
// (SSE2, or AVX-512 where the CPU has it), where the patterns would read a byte at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace dg {

// Bit sets over the bytes of a text, bit i of word i / 64 for byte i.
struct TextMarks {
  std::vector<uint64_t> digit_runs;  // a digit after a byte that is not one (or first)
  std::vector<uint64_t> gh;          // "gh" in any case starts here ("nghị")
  std::vector<uint64_t> uy;          // "uy" in any case starts here ("ủy")
  std::vector<uint64_t> slashes;     // '/'
};

// The marks of `t`.
TextMarks MarkText(std::string_view t);
// The same into *marks, whose vectors are reused (resized; their capacity kept).
void MarkText(std::string_view t, TextMarks* marks);

// The first i in [from, min(to, t.size())) where t[i] is `a` or `b`, or npos: the first
// letter of a word in either case ("d" or "D"), 16 bytes at a time (SSE2) where a loop
// would read a byte at a time; extraction looks for words in whole articles this way.
size_t FindEitherByte(std::string_view t, size_t from, size_t to, char a, char b);

// The first i in [from, min(to, t.size())) where t[i], t[i + 1] are the lower-case ASCII
// letters `a`, `b` in any case, or npos (t[i + 1] may lie past `to`, not past the text):
// the first two letters of a word, 16 places at a time (SSE2). Fewer places pass than
// with the first letter alone ("n" is in most Vietnamese syllables, "na" in few).
size_t FindLetterPair(std::string_view t, size_t from, size_t to, char a, char b);

// Calls `f(i)` for each marked i >= from, in order, until f returns true; returns that i,
// or npos.
template <typename F>
size_t FindMark(const std::vector<uint64_t>& marks, size_t from, F f) {
  size_t w = from / 64;
  if (w >= marks.size()) return std::string_view::npos;
  uint64_t bits = marks[w] & (~uint64_t{0} << (from % 64));
  for (;;) {
    for (; bits != 0; bits &= bits - 1) {
      const size_t at = w * 64 + static_cast<size_t>(__builtin_ctzll(bits));
      if (f(at)) return at;
    }
    if (++w >= marks.size()) return std::string_view::npos;
    bits = marks[w];
  }
}

}  // namespace dg
