#include "ingest/text.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <iterator>
#include <mutex>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace dg {

namespace {

// Decodes one code point at s[i]; returns its length, or 0 when the sequence is invalid.
size_t Decode(std::string_view s, size_t i, int32_t* cp) {
  // Two- and three-byte sequences (all of Vietnamese) are decoded inline: a library call
  // per letter was a third of the folding time. Anything else goes to utf8proc.
  const auto* p = reinterpret_cast<const unsigned char*>(s.data() + i);
  size_t left = s.size() - i;
  if (left >= 2 && p[0] >= 0xc2 && p[0] <= 0xdf && (p[1] & 0xc0) == 0x80) {
    *cp = ((p[0] & 0x1f) << 6) | (p[1] & 0x3f);
    return 2;
  }
  if (left >= 3 && (p[0] & 0xf0) == 0xe0 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80) {
    int32_t c = ((p[0] & 0x0f) << 12) | ((p[1] & 0x3f) << 6) | (p[2] & 0x3f);
    if (c >= 0x800 && (c < 0xd800 || c > 0xdfff)) {  // not overlong, not a surrogate
      *cp = c;
      return 3;
    }
    return 0;
  }
  utf8proc_int32_t c = 0;
  auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                            static_cast<utf8proc_ssize_t>(s.size() - i), &c);
  if (n <= 0) return 0;
  *cp = c;
  return static_cast<size_t>(n);
}

// Folded form of the code points below 0x2000 (Latin, Vietnamese, combining marks),
// computed once from utf8proc's decomposition: 0 means "produces nothing".
constexpr int32_t kTableSize = 0x2000;
const std::array<char, kTableSize>& FoldTable() {
  static std::array<char, kTableSize> table = [] {
    std::array<char, kTableSize> t{};
    for (int32_t cp = 0; cp < kTableSize; ++cp) {
      if (cp < 0x80) {
        t[cp] = static_cast<char>(cp);
        continue;
      }
      if (cp >= 0x300 && cp <= 0x36f) {  // combining marks of NFD input
        t[cp] = 0;
        continue;
      }
      utf8proc_int32_t buf[8];
      int last = 0;
      auto n = utf8proc_decompose_char(cp, buf, 8,
                                       static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK),
                                       &last);
      t[cp] = (n >= 1 && buf[0] < 0x80) ? static_cast<char>(buf[0]) : '\x7f';
    }
    t[0xa0] = ' ';                  // no-break space
    t[0xd0] = 'D';                  // Ð (eth) typed for Đ
    t[0x110] = 'D';                 // Đ
    t[0x111] = 'd';                 // đ
    t[0x1af] = 'U';                 // Ư has no decomposition
    t[0x1b0] = 'u';                 // ư
    t[0x1a0] = 'O';                 // Ơ
    t[0x1a1] = 'o';                 // ơ
    for (int32_t cp = 0x2000; cp < kTableSize; ++cp) t[cp] = '\x7f';
    return t;
  }();
  return table;
}

// The folded base letter of `cp` after utf8proc strips its marks, or `fallback`.
char BaseLetter(int32_t cp, char fallback) {
  utf8proc_int32_t buf[8];
  int last = 0;
  auto n = utf8proc_decompose_char(
      cp, buf, 8, static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK), &last);
  if (n >= 1 && buf[0] < kTableSize) return FoldTable()[buf[0]];
  return fallback;
}

char FoldCodePoint(int32_t cp) {
  if (cp < kTableSize) {
    // Ơ/Ư and their toned forms decompose to Ơ/Ư plus a mark; fold the base too.
    char c = FoldTable()[cp];
    if (c != '\x7f' || cp < 0x100) return c;
    return BaseLetter(cp, c);
  }
  if (cp >= 0x2000 && cp <= 0x200b) return ' ';  // typographic spaces
  if (cp == 0x202f || cp == 0x205f || cp == 0x3000 || cp == 0xfeff) return ' ';
  if (cp >= 0x2010 && cp <= 0x2015) return '-';  // hyphens and dashes
  if (cp == 0x2212) return '-';
  if (cp == 0x201c || cp == 0x201d || cp == 0x201e || cp == 0x00ab || cp == 0x00bb) return '"';
  if (cp == 0x2018 || cp == 0x2019) return '\'';
  if (cp == 0x2026) return '.';  // ellipsis
  return '\x7f';
}

// The folding of every two-byte sequence (U+0080–U+07FF: Latin, combining marks) and of
// Latin Extended Additional (U+1E00–U+1EFF: the toned vowels, E1 B8–BB xx), the two hot
// ranges, cached from FoldCodePoint.
struct FoldCache {
  std::array<char, 0x800> two{};
  std::array<char, 0x100> tones{};
  std::array<char, 0x40> punct{};  // U+2000–U+203F (E2 80 xx): spaces, dashes, quotes
  // The three of FoldBlocks32 one after the other: C2 80–C7 BF (384), the toned vowels
  // (256), U+2000–U+203F (64), so that a letter is found without a branch on its kind.
  std::array<char, 384 + 256 + 64> blocks{};
};

const FoldCache& Cache() {
  static const FoldCache c = [] {
    FoldCache r;
    for (int32_t cp = 0x80; cp < 0x800; ++cp) r.two[cp] = FoldCodePoint(cp);
    for (int32_t i = 0; i < 0x100; ++i) r.tones[i] = FoldCodePoint(0x1e00 + i);
    for (int32_t i = 0; i < 0x40; ++i) r.punct[i] = FoldCodePoint(0x2000 + i);
    std::copy(r.two.begin() + 0x80, r.two.begin() + 0x200, r.blocks.begin());
    std::copy(r.tones.begin(), r.tones.end(), r.blocks.begin() + 384);
    std::copy(r.punct.begin(), r.punct.end(), r.blocks.begin() + 640);
    return r;
  }();
  return c;
}

}  // namespace

namespace {

#if defined(__x86_64__) && defined(__GNUC__)
#define DG_FOLD_AVX512 1

// Whether this CPU (and its system) runs AVX-512 with the byte permutes and compresses of
// VBMI and VBMI2 (Ice Lake and later, Zen 4).
bool HasAvx512Vbmi2() {
  static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                          __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512vbmi2") &&
                          __builtin_cpu_supports("popcnt");
  return yes;
}

// Folds s from *i on, 64 bytes at a time, exactly as FoldLoop would, while a block holds
// only printable ASCII, '\n', '\t', '\r', '\f', two-byte letters led by C2–C7, toned vowels
// (E1 B8–BB xx) and U+2000–U+203F (E2 80 xx), each complete and valid (the last may end
// past the block): the characters of Vietnamese text. Stops, on a character boundary, at
// the first block that holds anything else, or when fewer than 66 bytes are left; FoldLoop
// reads on from there. Every byte of such a block is one FoldLoop reads without a test
// that could fail, so this is only a faster way to the same folded bytes and shifts:
// the letters are looked up in the same cache with byte permutes, and the continuation
// bytes packed out with a byte compress.
// GCC 12 takes the undefined vectors inside its AVX-512 intrinsics for uninitialized ones.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
template <bool Out>
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2,popcnt"))) void FoldBlocks(
    const unsigned char* p, size_t size, const FoldCache& cache, char* f, FoldedText::Shift* sh,
    size_t* i_io, size_t* n_out_io, size_t* n_shifts_io) {
  size_t i = *i_io, n_out = *n_out_io, n_shifts = *n_shifts_io;
#define set1(c) _mm512_set1_epi8(static_cast<char>(c))
  // The tables: two-byte letters C2 80–C7 BF in three halves of 128, toned vowels in two,
  // U+2000–U+203F in one.
  const auto* two = reinterpret_cast<const __m512i*>(cache.two.data() + 0x80);
  const __m512i two0 = _mm512_loadu_si512(two), two1 = _mm512_loadu_si512(two + 1),
                two2 = _mm512_loadu_si512(two + 2), two3 = _mm512_loadu_si512(two + 3),
                two4 = _mm512_loadu_si512(two + 4), two5 = _mm512_loadu_si512(two + 5);
  const auto* tones = reinterpret_cast<const __m512i*>(cache.tones.data());
  const __m512i tone0 = _mm512_loadu_si512(tones), tone1 = _mm512_loadu_si512(tones + 1),
                tone2 = _mm512_loadu_si512(tones + 2), tone3 = _mm512_loadu_si512(tones + 3);
  const __m512i punct_t = _mm512_loadu_si512(cache.punct.data());
  // Byte positions 0–63, for the ends of the characters and the running counts.
  alignas(64) static const uint8_t kPositions[64] = {
      0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
      22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43,
      44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63};
  const __m512i positions = _mm512_load_si512(kPositions);
  while (i + 66 <= size) {
    const __m512i v = _mm512_loadu_si512(p + i);
    const __m512i v1 = _mm512_loadu_si512(p + i + 1);
    const __m512i v2 = _mm512_loadu_si512(p + i + 2);
    const __mmask64 spaces = _mm512_cmpeq_epi8_mask(v, set1('\t')) | _mm512_cmpeq_epi8_mask(v, set1('\r')) |
                             _mm512_cmpeq_epi8_mask(v, set1('\f'));
    const __mmask64 plain = _mm512_cmpgt_epi8_mask(v, set1(0x1f)) | _mm512_cmpeq_epi8_mask(v, set1('\n')) | spaces;
    const __mmask64 cont = _mm512_cmpeq_epi8_mask(_mm512_and_si512(v, set1(0xc0)), set1(0x80));
    const __mmask64 cont1 = _mm512_cmpeq_epi8_mask(_mm512_and_si512(v1, set1(0xc0)), set1(0x80));
    const __mmask64 cont2 = _mm512_cmpeq_epi8_mask(_mm512_and_si512(v2, set1(0xc0)), set1(0x80));
    const __mmask64 two_m = _mm512_cmpge_epu8_mask(v, set1(0xc2)) & _mm512_cmple_epu8_mask(v, set1(0xc7)) & cont1;
    const __mmask64 tone_m = _mm512_cmpeq_epi8_mask(v, set1(0xe1)) & _mm512_cmpge_epu8_mask(v1, set1(0xb8)) &
                             _mm512_cmple_epu8_mask(v1, set1(0xbb)) & cont2;
    const __mmask64 punct_m = _mm512_cmpeq_epi8_mask(v, set1(0xe2)) & _mm512_cmpeq_epi8_mask(v1, set1(0x80)) & cont2;
    const uint64_t three = tone_m | punct_m, leads = two_m | three;
    // Each byte plain, a lead, or a continuation byte right where one is due.
    const uint64_t due = (leads << 1) | (three << 2);
    if ((plain | leads | cont) != ~uint64_t{0} || cont != due) break;
    const size_t length = 64 + (((three >> 63) & 1) ? 2 : ((leads >> 63) | ((three >> 62) & 1)));
    __m512i val = _mm512_mask_mov_epi8(v, spaces, set1(' '));
    uint64_t keep = plain;
    if (leads != 0) {
      // Two-byte letters: (lead - C2) * 64 + (second & 3F), from 0 to 383.
      const __m512i d = _mm512_sub_epi8(v, set1(0xc2));
      const __m512i lo = _mm512_and_si512(v1, set1(0x3f));
      const __m512i idx2 = _mm512_mask_add_epi8(lo, _mm512_test_epi8_mask(d, set1(1)), lo, set1(0x40));
      const __m512i part = _mm512_and_si512(d, set1(6));
      __m512i by_two = _mm512_permutex2var_epi8(two0, idx2, two1);
      by_two = _mm512_mask_mov_epi8(by_two, _mm512_cmpeq_epi8_mask(part, set1(2)),
                                    _mm512_permutex2var_epi8(two2, idx2, two3));
      by_two = _mm512_mask_mov_epi8(by_two, _mm512_cmpeq_epi8_mask(part, set1(4)),
                                    _mm512_permutex2var_epi8(two4, idx2, two5));
      // Toned vowels: (second & 3) * 64 + (third & 3F), from 0 to 255.
      const __m512i lo2 = _mm512_and_si512(v2, set1(0x3f));
      const __m512i idxt = _mm512_mask_add_epi8(lo2, _mm512_test_epi8_mask(v1, set1(1)), lo2, set1(0x40));
      __m512i by_tone = _mm512_permutex2var_epi8(tone0, idxt, tone1);
      by_tone = _mm512_mask_mov_epi8(by_tone, _mm512_test_epi8_mask(v1, set1(2)),
                                     _mm512_permutex2var_epi8(tone2, idxt, tone3));
      const __m512i by_punct = _mm512_permutexvar_epi8(lo2, punct_t);
      val = _mm512_mask_mov_epi8(val, two_m, by_two);
      val = _mm512_mask_mov_epi8(val, tone_m, by_tone);
      val = _mm512_mask_mov_epi8(val, punct_m, by_punct);
      keep |= leads & ~_mm512_cmpeq_epi8_mask(val, _mm512_setzero_si512());
      if (Out) {
        // The map back after each of them: the folded bytes up to and with it, and the
        // end of its bytes. Running counts of the kept bytes, by doubling steps.
        __m512i count = _mm512_maskz_mov_epi8(keep, set1(1));
        for (int step = 1; step < 64; step *= 2) {
          const __m512i from = _mm512_sub_epi8(positions, set1(step));
          count = _mm512_add_epi8(count, _mm512_maskz_permutexvar_epi8(
                                             _mm512_cmpge_epu8_mask(positions, set1(step)), from, count));
        }
        const __m512i ends = _mm512_add_epi8(positions, _mm512_mask_mov_epi8(set1(2), three, set1(3)));
        const __m512i at8 = _mm512_maskz_compress_epi8(leads, count);
        const __m512i end8 = _mm512_maskz_compress_epi8(leads, ends);
        const int n_leads = __builtin_popcountll(leads);  // at most 32
        const __m512i base_at = _mm512_set1_epi32(static_cast<int>(n_out));
        const __m512i base_end = _mm512_set1_epi32(static_cast<int>(i));
        const __m512i pairs_lo = _mm512_set_epi32(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
        const __m512i pairs_hi = _mm512_set_epi32(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8);
        for (int half = 0; half < 2 && half * 16 < n_leads; ++half) {
          const __m128i a8 = half == 0 ? _mm512_castsi512_si128(at8) : _mm512_extracti32x4_epi32(at8, 1);
          const __m128i e8 = half == 0 ? _mm512_castsi512_si128(end8) : _mm512_extracti32x4_epi32(end8, 1);
          const __m512i at = _mm512_add_epi32(base_at, _mm512_cvtepu8_epi32(a8));
          const __m512i shift = _mm512_sub_epi32(_mm512_add_epi32(base_end, _mm512_cvtepu8_epi32(e8)), at);
          const int n = std::min(16, n_leads - half * 16);
          FoldedText::Shift* to = sh + n_shifts + half * 16;
          const __mmask16 first = static_cast<__mmask16>(n >= 8 ? 0xffff : (1u << (2 * n)) - 1);
          _mm512_mask_storeu_epi32(to, first, _mm512_permutex2var_epi32(at, pairs_lo, shift));
          if (n > 8)
            _mm512_mask_storeu_epi32(to + 8, static_cast<__mmask16>((1u << (2 * (n - 8))) - 1),
                                     _mm512_permutex2var_epi32(at, pairs_hi, shift));
        }
      }
      n_shifts += static_cast<size_t>(__builtin_popcountll(leads));
    }
    if (Out) {
      // n_out <= i, so 64 bytes from n_out fit below i + 64 <= size.
      _mm512_storeu_si512(f + n_out, _mm512_maskz_compress_epi8(keep, val));
    }
    n_out += static_cast<size_t>(__builtin_popcountll(keep));
    i += length;
  }
#undef set1
  *i_io = i;
  *n_out_io = n_out;
  *n_shifts_io = n_shifts;
}
#pragma GCC diagnostic pop

// Whether this CPU runs AVX2 and BMI2 (Haswell and later, Zen and later); BMI2's pext
// packs the folded bytes. On Zen 1 and 2 pext is microcoded and slow: those take the
// loop below instead.
bool HasAvx2Pext() {
  static const bool yes = [] {
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("bmi2") ||
        !__builtin_cpu_supports("popcnt"))
      return false;
    __builtin_cpu_init();
    return !(__builtin_cpu_is("amd") && (__builtin_cpu_is("znver1") || __builtin_cpu_is("znver2")));
  }();
  return yes;
}

// FoldBlocks for CPUs without AVX-512 (this machine's Zen 3 among them): 32 bytes at a
// time, under the same condition (each byte plain, or part of a complete two-byte letter
// led by C2-C7, toned vowel E1 B8-BB xx or E2 80 xx), stopping at the first block that
// holds anything else or when fewer than 34 bytes are left. The classes come from AVX2
// compares; the few letters of a block are looked up one by one in the same cache, and
// the kept bytes packed eight at a time with pext.
template <bool Out>
__attribute__((target("avx2,bmi,bmi2,popcnt"))) void FoldBlocks32(
    const unsigned char* p, size_t size, const FoldCache& cache, char* f, FoldedText::Shift* sh,
    size_t* i_io, size_t* n_out_io, size_t* n_shifts_io) {
  size_t i = *i_io, n_out = *n_out_io, n_shifts = *n_shifts_io;
  // Macros: lambdas would not take the function's target.
#define set1(c) _mm256_set1_epi8(static_cast<char>(c))
#define mask(m) static_cast<uint32_t>(_mm256_movemask_epi8(m))
  // Unsigned byte ranges, by min/max against the bounds.
#define at_least(v, lo) _mm256_cmpeq_epi8(_mm256_max_epu8(v, lo), v)
#define at_most(v, hi) _mm256_cmpeq_epi8(_mm256_min_epu8(v, hi), v)
  const __m256i top2 = set1(0xc0), cont_bits = set1(0x80);
  while (i + 34 <= size) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    const __m256i space_v = _mm256_or_si256(
        _mm256_or_si256(_mm256_cmpeq_epi8(v, set1('\t')), _mm256_cmpeq_epi8(v, set1('\r'))),
        _mm256_cmpeq_epi8(v, set1('\f')));
    const uint32_t spaces = mask(space_v);
    const uint32_t plain = mask(_mm256_cmpgt_epi8(v, set1(0x1f))) | mask(_mm256_cmpeq_epi8(v, set1('\n'))) | spaces;
    const __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 1));
    const __m256i v2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 2));
    const uint32_t cont = mask(_mm256_cmpeq_epi8(_mm256_and_si256(v, top2), cont_bits));
    const uint32_t cont1 = mask(_mm256_cmpeq_epi8(_mm256_and_si256(v1, top2), cont_bits));
    const uint32_t cont2 = mask(_mm256_cmpeq_epi8(_mm256_and_si256(v2, top2), cont_bits));
    const uint32_t two_m = mask(_mm256_and_si256(at_least(v, set1(0xc2)), at_most(v, set1(0xc7)))) & cont1;
    const uint32_t tone_m = mask(_mm256_and_si256(
                                _mm256_cmpeq_epi8(v, set1(0xe1)),
                                _mm256_and_si256(at_least(v1, set1(0xb8)), at_most(v1, set1(0xbb))))) &
                            cont2;
    const uint32_t punct_m =
        mask(_mm256_and_si256(_mm256_cmpeq_epi8(v, set1(0xe2)), _mm256_cmpeq_epi8(v1, set1(0x80)))) & cont2;
    const uint32_t three = tone_m | punct_m, leads = two_m | three;
    const uint32_t due = (leads << 1) | (three << 2);
    if ((plain | leads | cont) != ~uint32_t{0} || cont != due) break;
    const size_t length = 32 + (((three >> 31) & 1) ? 2 : ((leads >> 31) | ((three >> 30) & 1)));
    uint32_t keep = plain;
    // The block's bytes, spaces made ' ', as four words: the letters go in by xor, with
    // no byte stores that the words' loads would wait on.
    uint64_t words[4] = {};
    if (Out) {
      const __m256i spaced = _mm256_blendv_epi8(v, set1(' '), space_v);
      const __m128i lo = _mm256_castsi256_si128(spaced), hi = _mm256_extracti128_si256(spaced, 1);
      words[0] = static_cast<uint64_t>(_mm_cvtsi128_si64(lo));
      words[1] = static_cast<uint64_t>(_mm_extract_epi64(lo, 1));
      words[2] = static_cast<uint64_t>(_mm_cvtsi128_si64(hi));
      words[3] = static_cast<uint64_t>(_mm_extract_epi64(hi, 1));
    }
    for (uint32_t rest = leads; rest != 0; rest &= rest - 1) {
      const unsigned j = static_cast<unsigned>(__builtin_ctz(rest));
      const unsigned b = p[i + j], b1 = p[i + j + 1], b2 = p[i + j + 2];
      const unsigned is3 = (three >> j) & 1, is_tone = (tone_m >> j) & 1;
      // Without branches (the kinds alternate unpredictably): the index of each kind in
      // cache.blocks, and the one of this character's kind.
      const unsigned by_two = (((b & 0x1f) << 6) | (b1 & 0x3f)) - 0x80;
      const unsigned by_tone = 384 + (((b1 & 0x03) << 6) | (b2 & 0x3f));
      const unsigned by_punct = 640 + (b2 & 0x3f);
      const unsigned index = is3 ? (is_tone ? by_tone : by_punct) : by_two;
      const char c = cache.blocks[index];
      const size_t end = i + j + 2 + is3;
      if (c != 0) keep |= 1u << j;
      if (Out) {
        words[j >> 3] ^= static_cast<uint64_t>((b ^ static_cast<unsigned char>(c)) & 0xff) << ((j & 7) * 8);
        // As the loop writes it: the folded bytes through this character, and its end.
        const uint32_t at = static_cast<uint32_t>(n_out) +
                            static_cast<uint32_t>(__builtin_popcount(keep & ((2u << j) - 1)));  // j = 31: all
        sh[n_shifts] = {at, static_cast<uint32_t>(end) - at};
      }
      ++n_shifts;
    }
    if (Out) {
      // n_out <= i, so the eight bytes written from n_out + k stay below i + 32 <= size.
      size_t out = n_out;
      for (int k = 0; k < 4; ++k) {
        const uint64_t bytes = _pdep_u64((keep >> (8 * k)) & 0xff, 0x0101010101010101ull) * 0xff;
        const uint64_t packed = _pext_u64(words[k], bytes);
        std::memcpy(f + out, &packed, 8);
        out += static_cast<size_t>(__builtin_popcountll(bytes)) / 8;
      }
    }
    n_out += static_cast<size_t>(__builtin_popcount(keep));
    i += length;
  }
#undef set1
#undef mask
#undef at_least
#undef at_most
  *i_io = i;
  *n_out_io = n_out;
  *n_shifts_io = n_shifts;
}
#endif

bool fold_blocks_allowed = true;  // text_internal::AllowFoldBlocks

// Where the folding loop stopped, when it stopped early.
enum class Stop { kEnd, kNul, kInvalid };

// The loop behind FoldImpl, one instance per use so that the hot one (checking and
// folding) carries no test of what it is for. Folds s[*i, size) into f (and shifts),
// advancing *i, *n_out, *n_shifts and *controls; with Check, stops at the first NUL or
// invalid sequence, *i then pointing at it.
template <bool Check, bool Out>
Stop FoldLoop(const unsigned char* p, size_t size, const FoldCache& cache, char* f,
              FoldedText::Shift* sh, size_t* i_io, size_t* n_out_io, size_t* n_shifts_io,
              size_t* controls_io) {
  size_t i = *i_io, n_out = *n_out_io, n_shifts = *n_shifts_io, controls = *controls_io;
  Stop stop = Stop::kEnd;
#if defined(__SSE2__)
  const __m128i kSpace = _mm_set1_epi8(0x20);
  const __m128i kNewline = _mm_set1_epi8('\n');
#endif
#if defined(DG_FOLD_AVX512)
  const bool blocks = fold_blocks_allowed && HasAvx512Vbmi2();
  const bool blocks32 = fold_blocks_allowed && !blocks && HasAvx2Pext();
  size_t blocks_from = i;  // after a block FoldBlocks refused, not before its end
#endif
  while (i < size) {
#if defined(DG_FOLD_AVX512)
    if (blocks && i >= blocks_from && size - i >= 66) {
      FoldBlocks<Out>(p, size, cache, f, sh, &i, &n_out, &n_shifts);
      blocks_from = i + 64;
      if (i >= size) break;
    } else if (blocks32 && i >= blocks_from && size - i >= 34) {
      FoldBlocks32<Out>(p, size, cache, f, sh, &i, &n_out, &n_shifts);
      blocks_from = i + 32;
      if (i >= size) break;
    }
#endif
#if defined(__SSE2__)
    if (size - i >= 16) {
      // Bytes below 0x20 other than '\n', and (signed) every byte from 0x80, need a look.
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      const __m128i odd = _mm_andnot_si128(_mm_cmpeq_epi8(v, kNewline), _mm_cmplt_epi8(v, kSpace));
      const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(odd));
      // n_out <= i, so the 16 bytes stored fit; those past the first odd byte are
      // overwritten later.
      if (Out) _mm_storeu_si128(reinterpret_cast<__m128i*>(f + n_out), v);
      if (mask == 0) {
        n_out += 16;
        i += 16;
        continue;
      }
      const size_t plain = static_cast<size_t>(__builtin_ctz(mask));
      n_out += plain;
      i += plain;
    }
#endif
    // One character at a time, while they are not plain ASCII.
    do {
      const unsigned char b = p[i];
      if (b < 0x80) {
        char c = static_cast<char>(b);
        if (b < 0x20) {
          if (Check && b == 0) {
            stop = Stop::kNul;
            goto done;
          }
          if (b != '\n' && b != '\r' && b != '\t' && b != '\f') ++controls;
          if (c == '\t' || c == '\r' || c == '\f' || c == '\v') c = ' ';
        }
        if (Out) f[n_out] = c;  // NUL too, in unchecked input
        ++n_out;
        ++i;
        continue;
      }
      char c;
      if (b == 0xe1 && i + 2 < size && p[i + 1] >= 0xb8 && p[i + 1] <= 0xbb &&
          (p[i + 2] & 0xc0) == 0x80) {
        c = cache.tones[((p[i + 1] & 0x03) << 6) | (p[i + 2] & 0x3f)];
        i += 3;
      } else if (b >= 0xc2 && b <= 0xdf && i + 1 < size && (p[i + 1] & 0xc0) == 0x80) {
        c = cache.two[((b & 0x1f) << 6) | (p[i + 1] & 0x3f)];
        i += 2;
      } else {
        int32_t cp = 0;
        const size_t n = Decode(std::string_view(reinterpret_cast<const char*>(p), size), i, &cp);
        if (n == 0) {
          if (Check) {
            stop = Stop::kInvalid;
            goto done;
          }
          if (Out) f[n_out] = '\x7f';  // unchecked input: go on byte by byte
          ++n_out;
          ++i;
          continue;
        }
        c = FoldCodePoint(cp);
        i += n;
      }
      if (Out) f[n_out] = c;
      n_out += c != 0;
      if (Out) sh[n_shifts] = {static_cast<uint32_t>(n_out), static_cast<uint32_t>(i - n_out)};
      ++n_shifts;
    } while (i < size && (p[i] >= 0x80 || p[i] < 0x20));
  }
done:
  *i_io = i;
  *n_out_io = n_out;
  *n_shifts_io = n_shifts;
  *controls_io = controls;
  return stop;
}

// The one pass behind CheckText, Fold and CheckAndFold. With `check`, stops at the first
// invalid sequence or NUL and counts control characters; `out` may be null (check only).
//
// Hand-written rather than a UTF-8 library's validator because validating, folding and
// the map back come out of one reading of the bytes. Printable ASCII and '\n' (most of
// any text, Vietnamese too) go 16 bytes at a time (SSE2); two-byte sequences and the
// toned vowels are decoded inline and folded through Cache(); anything else goes through
// Decode and FoldCodePoint, one code point at a time. Where the CPU has AVX-512 (VBMI2) or
// AVX2 with a fast BMI2, runs of blocks of Vietnamese text go through FoldBlocks or
// FoldBlocks32 first, to the same bytes and shifts.
Status FoldImpl(std::string_view s, bool check, FoldedText* out) {
  if (check && s.empty()) return Status::Invalid("empty input");
  const FoldCache& cache = Cache();
  // Written through raw pointers into buffers sized for the worst case (one folded byte
  // per input byte, one shift per character of two bytes or more), then cut to size.
  char* f = nullptr;
  FoldedText::Shift* sh = nullptr;
  if (out != nullptr) {
    out->folded.resize(s.size());
    out->shifts.resize(s.size() / 2 + 1);
    f = out->folded.data();
    sh = out->shifts.data();
  }
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0, n_out = 0, n_shifts = 0, controls = 0;
  const size_t size = s.size();
  Stop stop;
  if (check && out != nullptr) {
    stop = FoldLoop<true, true>(p, size, cache, f, sh, &i, &n_out, &n_shifts, &controls);
  } else if (check) {
    stop = FoldLoop<true, false>(p, size, cache, f, sh, &i, &n_out, &n_shifts, &controls);
  } else if (out != nullptr) {
    stop = FoldLoop<false, true>(p, size, cache, f, sh, &i, &n_out, &n_shifts, &controls);
  } else {
    stop = FoldLoop<false, false>(p, size, cache, f, sh, &i, &n_out, &n_shifts, &controls);
  }
  if (stop == Stop::kNul)
    return Status::Invalid("binary data (NUL byte at offset " + std::to_string(i) + ")");
  if (stop == Stop::kInvalid) return Status::Invalid("invalid UTF-8 at byte offset " + std::to_string(i));
  if (out != nullptr) {
    out->folded.resize(n_out);
    out->shifts.resize(n_shifts);
  }
  if (check && controls * 20 > size) return Status::Invalid("binary data (control characters)");
  return Status::Ok();
}

}  // namespace

uint32_t FoldedText::Orig(size_t folded_pos) const {
  auto after = std::upper_bound(shifts.begin(), shifts.end(), folded_pos,
                                [](size_t pos, const Shift& s) { return pos < s.at; });
  const uint32_t shift = after == shifts.begin() ? 0 : std::prev(after)->shift;
  return static_cast<uint32_t>(folded_pos) + shift;
}

Status CheckText(std::string_view bytes) { return FoldImpl(bytes, true, nullptr); }

FoldedText Fold(std::string_view s) {
  FoldedText out;
  (void)FoldImpl(s, false, &out);
  return out;
}

Status CheckAndFold(std::string_view bytes, FoldedText* out) { return FoldImpl(bytes, true, out); }

void text_internal::AllowFoldBlocks(bool allow) { fold_blocks_allowed = allow; }

namespace {

// Whether CleanNfc leaves `s` as it is: no whitespace but single spaces between other
// characters, no NBSP, no Ð, and only characters that are NFC already (ASCII, two-byte
// letters below U+0300, toned vowels U+1E00–U+1EFF, U+2000–U+203F). Most titles are so;
// telling it costs one reading without writing. Anything else (invalid UTF-8 included)
// answers false, and CleanNfc takes the long way.
bool CleanAlready(std::string_view s) {
  enum : uint8_t { kPlain, kSpace, kLead2, kE1, kE2, kNo };
  static const std::array<uint8_t, 256> kClass = [] {
    std::array<uint8_t, 256> t{};
    t.fill(kNo);
    for (int b = 0; b < 0x80; ++b) t[b] = kPlain;
    for (int b = '\t'; b <= '\r'; ++b) t[b] = kNo;  // \t \n \v \f \r
    t[' '] = kSpace;
    for (int b = 0xc2; b <= 0xcb; ++b) t[b] = kLead2;
    t[0xe1] = kE1;
    t[0xe2] = kE2;
    return t;
  }();
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  if (n == 0 || p[0] == ' ' || p[n - 1] == ' ') return n == 0;
  auto cont = [&](size_t i) { return i < n && (p[i] & 0xc0) == 0x80; };
  for (size_t i = 0; i < n;) {
    switch (kClass[p[i]]) {
      case kPlain:
        ++i;
        break;
      case kSpace:
        if (p[i + 1] == ' ') return false;  // i + 1 < n: the last byte is no space
        ++i;
        break;
      case kLead2:
        if (!cont(i + 1) || (p[i] == 0xc2 && p[i + 1] == 0xa0) || (p[i] == 0xc3 && p[i + 1] == 0x90))
          return false;
        i += 2;
        break;
      case kE1:
        if (!(i + 1 < n && p[i + 1] >= 0xb8 && p[i + 1] <= 0xbb) || !cont(i + 2)) return false;
        i += 3;
        break;
      case kE2:
        if (!(i + 1 < n && p[i + 1] == 0x80) || !cont(i + 2)) return false;
        i += 3;
        break;
      default:
        return false;
    }
  }
  return true;
}

}  // namespace

std::string CleanNfc(std::string_view s) {
  if (CleanAlready(s)) return std::string(s);
  // Bytes that need a look: spaces, and the leads of NBSP (C2 A0) and Ð (C3 90).
  static const std::array<bool, 256> kLook = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : {' ', '\t', '\r', '\n', '\f', '\v'}) t[c] = true;
    t[0xc2] = t[0xc3] = true;
    return t;
  }();
  // Written into a buffer of the input's size: the output is never longer.
  std::string spaced(s.size(), '\0');
  char* o = spaced.data();
  size_t n_out = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t size = s.size();
  bool space = false;
  for (size_t i = 0; i < size;) {
    const unsigned char b = p[i];
    if (!kLook[b]) {  // the usual byte
      if (space) o[n_out++] = ' ';
      space = false;
      o[n_out++] = static_cast<char>(b);
      ++i;
      continue;
    }
    bool is_space = false;
    size_t n = 1;
    if (b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '\f' || b == '\v') {
      is_space = true;
    } else if (b == 0xc2 && i + 1 < size && p[i + 1] == 0xa0) {
      is_space = true;  // NBSP
      n = 2;
    }
    if (is_space) {
      space = n_out != 0;
      i += n;
      continue;
    }
    if (space) o[n_out++] = ' ';
    space = false;
    if (b == 0xc3 && i + 1 < size && p[i + 1] == 0x90) {
      o[n_out++] = '\xc4';  // Ð (U+00D0) -> Đ (U+0110)
      o[n_out++] = '\x90';
      i += 2;
      continue;
    }
    o[n_out++] = static_cast<char>(b);
    ++i;
  }
  spaced.resize(n_out);
  // Text made of precomposed letters only (no combining mark, nothing outside Latin, the
  // toned vowels and punctuation) is NFC already: most input is, and utf8proc_NFC would
  // decompose and recompose every letter to find that out. ASCII, two-byte letters below
  // U+0300 and the toned vowels (U+1E00–U+1EFF) are told from their bytes.
  bool composed = true;
  const auto* q = reinterpret_cast<const unsigned char*>(spaced.data());
  for (size_t i = 0; i < n_out && composed;) {
    const unsigned char b = q[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    if (b >= 0xc2 && b <= 0xcb && i + 1 < n_out && (q[i + 1] & 0xc0) == 0x80) {
      i += 2;
      continue;
    }
    if (b == 0xe1 && i + 2 < n_out && q[i + 1] >= 0xb8 && q[i + 1] <= 0xbb && (q[i + 2] & 0xc0) == 0x80) {
      i += 3;
      continue;
    }
    int32_t cp = 0;
    size_t n = Decode(spaced, i, &cp);
    if (n == 0) break;
    composed = cp < 0x300 || (cp >= 0x1e00 && cp <= 0x1eff) || (cp >= 0x2000 && cp <= 0x206f);
    i += n;
  }
  if (composed) return spaced;
  utf8proc_uint8_t* nfc = utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(spaced.c_str()));
  if (nfc == nullptr) return spaced;
  std::string out(reinterpret_cast<char*>(nfc));
  std::free(nfc);
  return out;
}

}  // namespace dg
