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

// The marks of one 64-byte word from its bytes' masks (bit k for byte k).
struct Word {
  uint64_t digits = 0, gh = 0, uy = 0, slashes = 0;
};

// Words [0, n / 64) of t where a byte after the word is there to read (pairs look one
// byte ahead); fills *out and returns how many words it did.
#if defined(__SSE2__)
size_t WordsSse2(std::string_view t, std::vector<Word>* out) {
  const size_t words = t.size() > 64 ? (t.size() - 1) / 64 : 0;
  const auto* p = reinterpret_cast<const unsigned char*>(t.data());
  const __m128i below = _mm_set1_epi8('0' - 1), above = _mm_set1_epi8('9' + 1);
  const __m128i case_bit = _mm_set1_epi8(0x20), slash = _mm_set1_epi8('/');
  const __m128i g = _mm_set1_epi8('g'), h = _mm_set1_epi8('h'), u = _mm_set1_epi8('u'),
                y = _mm_set1_epi8('y');
  for (size_t w = 0; w < words; ++w) {
    Word& o = (*out)[w];
    for (int c = 0; c < 4; ++c) {
      const unsigned char* q = p + w * 64 + 16 * c;
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
      const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 1));
      const __m128i l = _mm_or_si128(v, case_bit), l1 = _mm_or_si128(v1, case_bit);
      auto bits = [&](__m128i m) {
        return static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(m))) << (16 * c);
      };
      o.digits |= bits(_mm_and_si128(_mm_cmpgt_epi8(v, below), _mm_cmplt_epi8(v, above)));
      o.gh |= bits(_mm_and_si128(_mm_cmpeq_epi8(l, g), _mm_cmpeq_epi8(l1, h)));
      o.uy |= bits(_mm_and_si128(_mm_cmpeq_epi8(l, u), _mm_cmpeq_epi8(l1, y)));
      o.slashes |= bits(_mm_cmpeq_epi8(v, slash));
    }
  }
  return words;
}
#endif

#if defined(DG_SCAN_AVX512)
bool HasAvx512Bw() {
  static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
  return yes;
}

__attribute__((target("avx512f,avx512bw"))) size_t WordsAvx512(std::string_view t,
                                                                 std::vector<Word>* out) {
  const size_t words = t.size() > 64 ? (t.size() - 1) / 64 : 0;
  const auto* p = reinterpret_cast<const unsigned char*>(t.data());
  const __m512i case_bit = _mm512_set1_epi8(0x20);
  for (size_t w = 0; w < words; ++w) {
    const __m512i v = _mm512_loadu_si512(p + w * 64);
    const __m512i v1 = _mm512_loadu_si512(p + w * 64 + 1);
    const __m512i l = _mm512_or_si512(v, case_bit), l1 = _mm512_or_si512(v1, case_bit);
    Word& o = (*out)[w];
    o.digits = _mm512_cmpge_epu8_mask(v, _mm512_set1_epi8('0')) & _mm512_cmple_epu8_mask(v, _mm512_set1_epi8('9'));
    o.gh = _mm512_cmpeq_epi8_mask(l, _mm512_set1_epi8('g')) & _mm512_cmpeq_epi8_mask(l1, _mm512_set1_epi8('h'));
    o.uy = _mm512_cmpeq_epi8_mask(l, _mm512_set1_epi8('u')) & _mm512_cmpeq_epi8_mask(l1, _mm512_set1_epi8('y'));
    o.slashes = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('/'));
  }
  return words;
}
#endif

}  // namespace

TextMarks MarkText(std::string_view t) {
  const size_t n_words = (t.size() + 63) / 64;
  std::vector<Word> words(n_words);
  size_t done = 0;
#if defined(DG_SCAN_AVX512)
  if (HasAvx512Bw()) done = WordsAvx512(t, &words);
#endif
#if defined(__SSE2__)
  if (done == 0) done = WordsSse2(t, &words);
#endif
  // The rest a byte at a time. ASCII letters differ from their capitals in bit 0x20 only,
  // and no other byte gains a letter by setting it.
  for (size_t i = done * 64; i < t.size(); ++i) {
    Word& o = words[i / 64];
    const uint64_t bit = uint64_t{1} << (i % 64);
    const char c = t[i], c1 = i + 1 < t.size() ? t[i + 1] : '\0';
    if (c >= '0' && c <= '9') o.digits |= bit;
    if ((c | 0x20) == 'g' && (c1 | 0x20) == 'h') o.gh |= bit;
    if ((c | 0x20) == 'u' && (c1 | 0x20) == 'y') o.uy |= bit;
    if (c == '/') o.slashes |= bit;
  }
  TextMarks m;
  m.digit_runs.resize(n_words);
  m.gh.resize(n_words);
  m.uy.resize(n_words);
  m.slashes.resize(n_words);
  uint64_t carry = 0;  // the last byte of the word before is a digit
  for (size_t w = 0; w < n_words; ++w) {
    const uint64_t d = words[w].digits;
    m.digit_runs[w] = d & ~((d << 1) | carry);
    carry = d >> 63;
    m.gh[w] = words[w].gh;
    m.uy[w] = words[w].uy;
    m.slashes[w] = words[w].slashes;
  }
  return m;
}

}  // namespace dg
