#include "ingest/scan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define DG_SCAN_AVX512 1
#endif

namespace dg {

namespace {

// Where the marks of the words are written: digits (every digit, not yet only the first of
// each run), gh, uy, slashes; word w of each at [w].
struct Out {
  uint64_t *digits, *gh, *uy, *slashes;
};

// Words [0, n / 64) of t where a byte after the word is there to read (pairs look one
// byte ahead); writes them to `o` and returns how many words it did.
#if defined(__SSE2__)
size_t WordsSse2(std::string_view t, Out o) {
  const size_t words = t.size() > 64 ? (t.size() - 1) / 64 : 0;
  const auto* p = reinterpret_cast<const unsigned char*>(t.data());
  const __m128i below = _mm_set1_epi8('0' - 1), above = _mm_set1_epi8('9' + 1);
  const __m128i case_bit = _mm_set1_epi8(0x20), slash = _mm_set1_epi8('/');
  const __m128i g = _mm_set1_epi8('g'), h = _mm_set1_epi8('h'), u = _mm_set1_epi8('u'),
                y = _mm_set1_epi8('y');
  for (size_t w = 0; w < words; ++w) {
    uint64_t digits = 0, gh = 0, uy = 0, slashes = 0;
    for (int c = 0; c < 4; ++c) {
      const unsigned char* q = p + w * 64 + 16 * c;
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
      const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 1));
      const __m128i l = _mm_or_si128(v, case_bit), l1 = _mm_or_si128(v1, case_bit);
      auto bits = [&](__m128i m) {
        return static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(m))) << (16 * c);
      };
      digits |= bits(_mm_and_si128(_mm_cmpgt_epi8(v, below), _mm_cmplt_epi8(v, above)));
      gh |= bits(_mm_and_si128(_mm_cmpeq_epi8(l, g), _mm_cmpeq_epi8(l1, h)));
      uy |= bits(_mm_and_si128(_mm_cmpeq_epi8(l, u), _mm_cmpeq_epi8(l1, y)));
      slashes |= bits(_mm_cmpeq_epi8(v, slash));
    }
    o.digits[w] = digits;
    o.gh[w] = gh;
    o.uy[w] = uy;
    o.slashes[w] = slashes;
  }
  return words;
}
#endif

#if defined(DG_SCAN_AVX512)
bool HasAvx512Bw() {
  static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
  return yes;
}

__attribute__((target("avx512f,avx512bw"))) size_t WordsAvx512(std::string_view t, Out o) {
  const size_t words = t.size() > 64 ? (t.size() - 1) / 64 : 0;
  const auto* p = reinterpret_cast<const unsigned char*>(t.data());
  const __m512i case_bit = _mm512_set1_epi8(0x20);
  for (size_t w = 0; w < words; ++w) {
    const __m512i v = _mm512_loadu_si512(p + w * 64);
    const __m512i v1 = _mm512_loadu_si512(p + w * 64 + 1);
    const __m512i l = _mm512_or_si512(v, case_bit), l1 = _mm512_or_si512(v1, case_bit);
    o.digits[w] = _mm512_cmpge_epu8_mask(v, _mm512_set1_epi8('0')) & _mm512_cmple_epu8_mask(v, _mm512_set1_epi8('9'));
    o.gh[w] = _mm512_cmpeq_epi8_mask(l, _mm512_set1_epi8('g')) & _mm512_cmpeq_epi8_mask(l1, _mm512_set1_epi8('h'));
    o.uy[w] = _mm512_cmpeq_epi8_mask(l, _mm512_set1_epi8('u')) & _mm512_cmpeq_epi8_mask(l1, _mm512_set1_epi8('y'));
    o.slashes[w] = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('/'));
  }
  return words;
}
#endif

}  // namespace

void MarkText(std::string_view t, TextMarks* m) {
  const size_t n_words = (t.size() + 63) / 64;
  // Written in place, into vectors a caller may pass again and again (no allocation
  // once they are large enough); the words the scans do not write are zero.
  for (auto* v : {&m->digit_runs, &m->gh, &m->uy, &m->slashes}) v->assign(n_words, 0);
  const Out o{m->digit_runs.data(), m->gh.data(), m->uy.data(), m->slashes.data()};
  size_t done = 0;
#if defined(DG_SCAN_AVX512)
  if (HasAvx512Bw()) done = WordsAvx512(t, o);
#endif
#if defined(__SSE2__)
  if (done == 0) done = WordsSse2(t, o);
#endif
  // The rest a byte at a time. ASCII letters differ from their capitals in bit 0x20 only,
  // and no other byte gains a letter by setting it.
  for (size_t i = done * 64; i < t.size(); ++i) {
    const size_t w = i / 64;
    const uint64_t bit = uint64_t{1} << (i % 64);
    const char c = t[i], c1 = i + 1 < t.size() ? t[i + 1] : '\0';
    if (c >= '0' && c <= '9') o.digits[w] |= bit;
    if ((c | 0x20) == 'g' && (c1 | 0x20) == 'h') o.gh[w] |= bit;
    if ((c | 0x20) == 'u' && (c1 | 0x20) == 'y') o.uy[w] |= bit;
    if (c == '/') o.slashes[w] |= bit;
  }
  // Digits to the first digit of each run.
  uint64_t carry = 0;  // the last byte of the word before is a digit
  for (size_t w = 0; w < n_words; ++w) {
    const uint64_t d = o.digits[w];
    o.digits[w] = d & ~((d << 1) | carry);
    carry = d >> 63;
  }
}

size_t FindEitherByte(std::string_view t, size_t from, size_t to, char a, char b) {
  if (to > t.size()) to = t.size();
  size_t i = from;
#if defined(__SSE2__)
  const auto* p = reinterpret_cast<const unsigned char*>(t.data());
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
  for (; i + 16 <= to; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const unsigned m = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb))));
    if (m != 0) return i + static_cast<size_t>(__builtin_ctz(m));
  }
#endif
  for (; i < to; ++i)
    if (t[i] == a || t[i] == b) return i;
  return std::string_view::npos;
}

size_t FindLetterPair(std::string_view t, size_t from, size_t to, char a, char b) {
  if (to > t.size()) to = t.size();
  size_t i = from;
  // A letter and its capital differ in bit 0x20 only, and no other byte gives the letter
  // with that bit set.
#if defined(__SSE2__)
  const auto* p = reinterpret_cast<const unsigned char*>(t.data());
  const __m128i case_bit = _mm_set1_epi8(0x20), va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
  for (; i + 16 <= to && i + 17 <= t.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 1));
    const unsigned m = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(v, case_bit), va),
                                        _mm_cmpeq_epi8(_mm_or_si128(v1, case_bit), vb))));
    if (m != 0) return i + static_cast<size_t>(__builtin_ctz(m));
  }
#endif
  for (; i < to; ++i)
    if ((t[i] | 0x20) == a && i + 1 < t.size() && (t[i + 1] | 0x20) == b) return i;
  return std::string_view::npos;
}

TextMarks MarkText(std::string_view t) {
  TextMarks m;
  MarkText(t, &m);
  return m;
}

}  // namespace dg
