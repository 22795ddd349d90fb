#include "ingest/text.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <iterator>
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
  while (i < size) {
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
// Decode and FoldCodePoint, one code point at a time.
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

std::string CleanNfc(std::string_view s) {
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
    bool is_space = false;
    size_t n = 1;
    if (!kLook[b]) {
    } else if (b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '\f' || b == '\v') {
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
