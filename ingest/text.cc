#include "ingest/text.h"

#include <utf8proc.h>

#include <array>
#include <mutex>

#if defined(__SSE2__)
#include <emmintrin.h>
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
};

const FoldCache& Cache() {
  static const FoldCache c = [] {
    FoldCache r;
    for (int32_t cp = 0x80; cp < 0x800; ++cp) r.two[cp] = FoldCodePoint(cp);
    for (int32_t i = 0; i < 0x100; ++i) r.tones[i] = FoldCodePoint(0x1e00 + i);
    return r;
  }();
  return c;
}

}  // namespace

namespace {

// The one pass behind CheckText, Fold and CheckAndFold. With `check`, stops at the first
// invalid sequence or NUL and counts control characters; `out` may be null (check only).
//
// Hand-written rather than a UTF-8 library's validator because validating, folding and
// the offset map come out of one reading of the bytes. Printable ASCII and '\n' (most of
// any text, Vietnamese too) go 16 bytes at a time (SSE2); two-byte sequences and the
// toned vowels are decoded inline and folded through Cache(); anything else goes through
// Decode and FoldCodePoint, one code point at a time.
Status FoldImpl(std::string_view s, bool check, FoldedText* out) {
  if (check && s.empty()) return Status::Invalid("empty input");
  const FoldCache& cache = Cache();
  // Written through raw pointers into buffers sized for the worst case (one folded byte
  // per input byte), then cut to size: this loop is the hottest of extraction.
  char* f = nullptr;
  uint32_t* o = nullptr;
  if (out != nullptr) {
    out->folded.resize(s.size());
    out->offset.resize(s.size() + 1);
    f = out->folded.data();
    o = out->offset.data();
  }
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n_out = 0;
  size_t controls = 0;
  const size_t size = s.size();
#if defined(__SSE2__)
  const __m128i kSpace = _mm_set1_epi8(0x20);
  const __m128i kNewline = _mm_set1_epi8('\n');
  const __m128i kStep = _mm_set1_epi32(4);
  const __m128i kFirst = _mm_setr_epi32(0, 1, 2, 3);
#endif
  for (size_t i = 0; i < size;) {
#if defined(__SSE2__)
    if (size - i >= 16) {
      // Bytes below 0x20 other than '\n', and (signed) every byte from 0x80, need a look.
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      const __m128i odd = _mm_andnot_si128(_mm_cmpeq_epi8(v, kNewline), _mm_cmplt_epi8(v, kSpace));
      const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(odd));
      // n_out <= i, so the 16 bytes (and offsets) stored fit the buffers; those past the
      // first odd byte are overwritten later.
      const size_t plain = mask == 0 ? 16 : static_cast<size_t>(__builtin_ctz(mask));
      if (f != nullptr && plain > 0) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(f + n_out), v);
        __m128i at = _mm_add_epi32(_mm_set1_epi32(static_cast<int>(i)), kFirst);
        for (int k = 0; k < 4; ++k) {
          _mm_storeu_si128(reinterpret_cast<__m128i*>(o + n_out + 4 * k), at);
          at = _mm_add_epi32(at, kStep);
        }
      }
      n_out += plain;
      i += plain;
      if (plain == 16) continue;
    }
#endif
    // One character at a time, while they are not plain ASCII.
    do {
      const unsigned char b = p[i];
      char c;
      size_t n;
      if (b < 0x80) {
        c = static_cast<char>(b);
        if (b < 0x20) {
          if (check && b == 0)
            return Status::Invalid("binary data (NUL byte at offset " + std::to_string(i) + ")");
          if (b != '\n' && b != '\r' && b != '\t' && b != '\f') ++controls;
          if (c == '\t' || c == '\r' || c == '\f' || c == '\v') c = ' ';
        }
        if (f != nullptr) {  // NUL too, in unchecked input
          f[n_out] = c;
          o[n_out] = static_cast<uint32_t>(i);
          ++n_out;
        }
        ++i;
        continue;
      } else if (b == 0xe1 && i + 2 < size && p[i + 1] >= 0xb8 && p[i + 1] <= 0xbb &&
                 (p[i + 2] & 0xc0) == 0x80) {
        c = cache.tones[((p[i + 1] & 0x03) << 6) | (p[i + 2] & 0x3f)];
        n = 3;
      } else if (b >= 0xc2 && b <= 0xdf && i + 1 < size && (p[i + 1] & 0xc0) == 0x80) {
        c = cache.two[((b & 0x1f) << 6) | (p[i + 1] & 0x3f)];
        n = 2;
      } else {
        int32_t cp = 0;
        n = Decode(s, i, &cp);
        if (n == 0) {
          if (check) return Status::Invalid("invalid UTF-8 at byte offset " + std::to_string(i));
          c = '\x7f';  // unchecked input: go on byte by byte
          n = 1;
        } else {
          c = FoldCodePoint(cp);
        }
      }
      if (f != nullptr && c != 0) {
        f[n_out] = c;
        o[n_out] = static_cast<uint32_t>(i);
        ++n_out;
      }
      i += n;
    } while (i < size && (p[i] >= 0x80 || p[i] < 0x20));
  }
  if (out != nullptr) {
    out->folded.resize(n_out);
    out->offset[n_out] = static_cast<uint32_t>(size);
    out->offset.resize(n_out + 1);
  }
  if (check && controls * 20 > size) return Status::Invalid("binary data (control characters)");
  return Status::Ok();
}

}  // namespace

Status CheckText(std::string_view bytes) { return FoldImpl(bytes, true, nullptr); }

FoldedText Fold(std::string_view s) {
  FoldedText out;
  (void)FoldImpl(s, false, &out);
  return out;
}

Status CheckAndFold(std::string_view bytes, FoldedText* out) { return FoldImpl(bytes, true, out); }

std::string CleanNfc(std::string_view s) {
  std::string spaced;
  spaced.reserve(s.size());
  bool space = false;
  for (size_t i = 0; i < s.size();) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    bool is_space = false;
    size_t n = 1;
    if (b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '\f' || b == '\v') {
      is_space = true;
    } else if (b == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xa0) {
      is_space = true;  // NBSP
      n = 2;
    }
    if (is_space) {
      space = !spaced.empty();
      i += n;
      continue;
    }
    if (space) spaced.push_back(' ');
    space = false;
    if (b == 0xc3 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x90) {
      spaced += "\xc4\x90";  // Ð (U+00D0) -> Đ (U+0110)
      i += 2;
      continue;
    }
    spaced.push_back(static_cast<char>(b));
    ++i;
  }
  // Text made of precomposed letters only (no combining mark, nothing outside Latin, the
  // toned vowels and punctuation) is NFC already: most input is, and utf8proc_NFC would
  // decompose and recompose every letter to find that out.
  bool composed = true;
  for (size_t i = 0; i < spaced.size() && composed;) {
    int32_t cp = 0;
    size_t n = static_cast<unsigned char>(spaced[i]) < 0x80 ? (cp = spaced[i], 1) : Decode(spaced, i, &cp);
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
