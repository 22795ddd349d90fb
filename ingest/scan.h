// Fast scans of folded text (ingest/text.h) for the few places where a pattern can start.
// Extraction uses them to tell, before reading an article closely, that a stage's
// patterns cannot match anywhere in it: most articles name no document and no committee,
// and these scans read 16 bytes at a time (SSE2) where a pattern would read one.
#pragma once

#include <cstddef>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace dg {

// Calls `f(i)` for every i >= from where t[i] is a digit and i == 0 or t[i - 1] is not,
// in order, until f returns true. Returns that i, or npos.
template <typename F>
size_t FindDigitRun(std::string_view t, size_t from, F f) {
  const size_t n = t.size();
  size_t i = from;
  bool prev = i > 0 && i <= n && t[i - 1] >= '0' && t[i - 1] <= '9';  // t[i - 1] is a digit
#if defined(__SSE2__)
  const __m128i below = _mm_set1_epi8('0' - 1), above = _mm_set1_epi8('9' + 1);
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + i));
    const unsigned digits = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(v, below), _mm_cmplt_epi8(v, above))));
    unsigned starts = digits & ~((digits << 1) | (prev ? 1u : 0u));
    prev = (digits >> 15) & 1;
    for (; starts != 0; starts &= starts - 1) {
      const size_t at = i + static_cast<size_t>(__builtin_ctz(starts));
      if (f(at)) return at;
    }
  }
#endif
  for (; i < n; ++i) {
    const bool digit = t[i] >= '0' && t[i] <= '9';
    if (digit && !prev && f(i)) return i;
    prev = digit;
  }
  return std::string_view::npos;
}

// Calls `f(i)` for every i >= from where t[i] and t[i + 1] are the letters `a` and `b`
// (lower case) in either case, in order, until f returns true. Returns that i, or npos.
template <typename F>
size_t FindLetterPair(std::string_view t, size_t from, char a, char b, F f) {
  const size_t n = t.size();
  size_t i = from;
  // ASCII letters differ from their capitals only in bit 0x20, and no other byte gains a
  // letter by setting it.
  auto is = [](char c, char lower) { return (c | 0x20) == lower && lower >= 'a' && lower <= 'z'; };
#if defined(__SSE2__)
  const __m128i case_bit = _mm_set1_epi8(0x20);
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
  for (; i + 17 <= n; i += 16) {
    const __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + i));
    const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + i + 1));
    unsigned hits = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(v0, case_bit), va),
                                        _mm_cmpeq_epi8(_mm_or_si128(v1, case_bit), vb))));
    for (; hits != 0; hits &= hits - 1) {
      const size_t at = i + static_cast<size_t>(__builtin_ctz(hits));
      if (f(at)) return at;
    }
  }
#endif
  for (; i + 1 < n; ++i)
    if (is(t[i], a) && is(t[i + 1], b) && f(i)) return i;
  return std::string_view::npos;
}

}  // namespace dg
