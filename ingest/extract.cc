// Extraction, top to bottom (Extractor::Extract at the end reads as the table of contents):
//   1. check and fold the text (ingest/text.h);
//   2. article metadata: title, publication date, site, author;
//   3. references: full codes, state codes, plenum names, short forms, with their tails
//      (date, issuer, title);
//   4. documents: references merged per code, short forms resolved, catalogue data added;
//   5. the meeting(s): holder unit, kind, date, documents reviewed and launched, awards;
//   6. jurisdictions of local documents, from the issuer, the meeting's unit, the text;
//   7. relations the text states;
//   8. evidence the text gives without stating a relation: steering committees.
#include "ingest/extract.h"

#include <algorithm>
#include <chrono>
#include <array>
#include <exception>
#include <cstring>
#include <map>
#include <optional>
#include <set>

#include "ingest/catalogue.h"
#include "ingest/gazetteer.h"
#include "ingest/patterns.h"
#include "ingest/scan.h"
#include "ingest/text.h"

namespace dg {

namespace {

constexpr size_t kNone = std::string::npos;

// ---------------------------------------------------------------------------------------
// Small helpers over the folded text.

struct Span {
  size_t s = kNone, e = kNone;
  bool ok() const { return s != kNone; }
};

// Runs `re` on text[from, to) unanchored; returns the whole match and groups as spans in
// `text` coordinates. `re` may use ^ and $ for the ends of that window.
// `groups`: how many to read, the whole match first; -1 for all.
bool Find(const RE2& re, std::string_view text, size_t from, size_t to, std::vector<Span>* g,
          RE2::Anchor anchor = RE2::UNANCHORED, int groups = -1) {
  if (from > to || to > text.size()) return false;
  re2::StringPiece window(text.data() + from, to - from);
  int n = groups >= 0 ? groups : re.NumberOfCapturingGroups() + 1;
  // Groups on the stack: this runs thousands of times per article.
  constexpr int kMaxGroups = 16;
  std::array<re2::StringPiece, kMaxGroups> small;
  std::vector<re2::StringPiece> large;
  re2::StringPiece* sp = small.data();
  if (n > kMaxGroups) {
    large.resize(static_cast<size_t>(n));
    sp = large.data();
  }
  if (!re.Match(window, 0, window.size(), anchor, sp, n)) return false;
  g->assign(n, Span{});
  for (int i = 0; i < n; ++i) {
    if (sp[i].data() == nullptr) continue;
    (*g)[i].s = static_cast<size_t>(sp[i].data() - text.data());
    (*g)[i].e = (*g)[i].s + sp[i].size();
  }
  return true;
}

// The first match of `re` in t[from, to), the same as Find's, for a pattern each match of
// which starts at a place that `next(i)` (the first such place at or after i, or kNone)
// gives, and that reads nothing before its start (no ^, \b or lookbehind there): `re` is
// tried anchored at each of those places in turn, and the first that matches is the
// leftmost match. An unanchored search carries every start it has passed along the whole
// window at once, which for a pattern with a counted repetition ({0,160}) cost more than
// the rest of a dense article; an anchored try ends where its start fails.
template <typename Next>
bool FindAnchoredAt(const RE2& re, std::string_view text, size_t from, size_t to,
                    std::vector<Span>* g, Next next, int groups = -1) {
  to = std::min(to, text.size());
  for (size_t i = from; i < to && (i = next(i)) < to; ++i)
    if (Find(re, text, i, to, g, RE2::ANCHOR_START, groups)) return true;
  return false;
}

// Options for the patterns of this file. The folded text is ASCII, which reads the same as
// Latin-1 and as UTF-8; as Latin-1 a class like [^\n] is one byte range instead of every
// UTF-8 sequence, and RE2's programs are smaller and faster.
RE2::Options FoldedTextOptions() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  return o;
}

std::string Str(std::string_view text, Span s) {
  return s.ok() ? std::string(text.substr(s.s, s.e - s.s)) : std::string();
}

std::string Upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAlnum(char c) {
  return IsDigit(c) || IsUpper(c) || (c >= 'a' && c <= 'z') || c == '\x7f';
}

// True when the folded text at `pos` starts with the lower-case word sequence `w`
// (case-insensitive, whole words).
bool StartsWithWords(std::string_view t, size_t pos, std::string_view w) {
  size_t i = pos;
  for (size_t k = 0; k < w.size(); ++k) {
    if (w[k] == ' ') {
      if (i >= t.size() || t[i] != ' ') return false;
      while (i < t.size() && t[i] == ' ') ++i;
      continue;
    }
    if (i >= t.size()) return false;
    char c = t[i];
    if (IsUpper(c)) c = static_cast<char>(c - 'A' + 'a');
    if (c != w[k]) return false;
    ++i;
  }
  return i >= t.size() || !IsAlnum(t[i]);
}

// RE2's \s in Latin-1.
bool IsReSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r'; }

// The first place at or after `from` (and before `to`) where the lower-case words `w`
// (two letters or more first) start in any case, one or more of RE2's \s between them; words need not be whole
// ("…dong chi" in "cộng đồng chính" counts): the start of each match of a pattern that
// opens with (?i:dong\s+chi) is one of these places. kNone when there is none.
size_t NextLeadWords(std::string_view t, size_t from, size_t to, std::string_view w) {
  to = std::min(to, t.size());
  for (size_t i = from; (i = FindLetterPair(t, i, to, w[0], w[1])) != kNone; ++i) {
    size_t j = i;
    bool ok = true;
    for (size_t k = 0; ok && k < w.size(); ++k) {
      if (w[k] == ' ') {
        if (j >= t.size() || !IsReSpace(t[j])) ok = false;
        while (j < t.size() && IsReSpace(t[j])) ++j;
      } else {
        ok = j < t.size() && (t[j] | 0x20) == w[k];
        ++j;
      }
    }
    if (ok) return i;
  }
  return kNone;
}

// The position of the next word after `pos` (skipping spaces), or t.size().
size_t SkipSpaces(std::string_view t, size_t pos) {
  while (pos < t.size() && t[pos] == ' ') ++pos;
  return pos;
}

// Finds the whole-word phrase `w` (lower-case folded) in t[from, to), or kNone.
size_t FindWords(std::string_view t, size_t from, size_t to, std::string_view w) {
  const char first = w.empty() ? ' ' : w[0];  // lower case
  const char upper = (first >= 'a' && first <= 'z') ? static_cast<char>(first - 'a' + 'A') : first;
  to = std::min(to, t.size());
  // Only where the first letter (and the second, when it is one) is, in either case: the
  // places are found 16 bytes at a time.
  auto letter = [](char c) { return c >= 'a' && c <= 'z'; };
  const bool pair = w.size() >= 2 && letter(w[0]) && letter(w[1]);
  for (size_t i = from;
       (i = pair ? FindLetterPair(t, i, to, w[0], w[1]) : FindEitherByte(t, i, to, first, upper)) != kNone; ++i) {
    if ((i == 0 || !IsAlnum(t[i - 1])) && StartsWithWords(t, i, w)) return i;
  }
  return kNone;
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) {
    if (!IsDigit(c)) break;
    v = v * 10 + (c - '0');
    if (v > 100000000) break;
  }
  return v;
}

std::string Iso(int y, int m, int d) {
  y %= 10000;
  m %= 100;
  d %= 100;
  char buf[32];
  if (y < 0 || m < 0 || d < 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
  }
  // What snprintf writes for these, without its format parsing (~1,600 instructions a date).
  const char out[10] = {static_cast<char>('0' + y / 1000), static_cast<char>('0' + y / 100 % 10),
                        static_cast<char>('0' + y / 10 % 10), static_cast<char>('0' + y % 10), '-',
                        static_cast<char>('0' + m / 10), static_cast<char>('0' + m % 10), '-',
                        static_cast<char>('0' + d / 10), static_cast<char>('0' + d % 10)};
  return std::string(out, sizeof out);
}

bool ValidDate(int y, int m, int d) {
  if (y < 1930 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > kDays[m - 1]) return false;
  if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return false;
  return true;
}

// A year with its first digit mistyped ("22/10/1018") is read as the year of the same
// last three digits in 19xx/20xx that is not after `limit_year` (0: no limit).
int SaneYear(int y, int limit_year) {
  if (y >= 1930 && y <= 2100) return y;
  int cand = 2000 + y % 1000;
  if (y % 1000 >= 100) cand = 1000 + y;  // 1018 -> 2018
  if (cand >= 1930 && cand <= 2100 && (limit_year == 0 || cand <= limit_year)) return cand;
  return 0;
}

// ---------------------------------------------------------------------------------------
// References.

struct Ref {
  Span span;              // the mention, document word included
  Span code;              // the code or number part
  size_t tail_end = 0;    // end of the date / issuer that follow
  MentionKind kind = MentionKind::kFullCode;
  Family family = Family::kParty;
  std::string type, number, suffix, year, plenum, term;
  std::string date;       // ISO issue date read after it
  Span issuer;            // "Ban Thường vụ Tỉnh ủy Trà Vinh"
  std::string issuer_suffix;  // the suffix the issuer implies: "TW", "TU", "QU", …
  Span issuer_committee;  // "Tinh uy"
  Span issuer_name;       // "Tra Vinh"
  Span title;             // "về …" or a quoted title
  bool title_quoted = false;
  int doc = -1;
  std::string unresolved;  // reason, when it could not be tied to a document
  bool weak = false;       // a short form that counts only if it resolves
};

bool Overlaps(const std::vector<Span>& covered, Span s) {
  for (const auto& c : covered)
    if (s.s < c.e && c.s < s.e) return true;
  return false;
}

// The suffix an issuer phrase implies ("Bộ Chính trị" -> TW, "Ban Thường vụ Huyện ủy" -> HU).
std::string SuffixOfIssuer(std::string_view t, Span issuer, Span* committee) {
  std::string s = Lower(Str(t, issuer));
  auto has = [&](const char* w) { return s.find(w) != std::string::npos; };
  if (has("quan uy trung uong")) return "QUTW";
  if (has("trung uong") || has("bo chinh tri") || has("ban bi thu") || has("bch tw") ||
      has("bchtw"))
    return "TW";
  struct {
    const char* word;
    const char* suffix;
  } const kWords[] = {{"tinh uy", "TU"}, {"thanh uy", "TU"}, {"huyen uy", "HU"},
                      {"quan uy", "QU"}, {"thi uy", "TX"},   {"dang uy", "ĐU"}};
  for (const auto& w : kWords) {
    size_t at = FindWords(t, issuer.s, issuer.e, w.word);
    if (at != kNone) {
      *committee = {at, at + std::strlen(w.word)};
      return w.suffix;
    }
  }
  if (has("chinh phu")) return "CP";
  return "";
}

// Necessary conditions of the patterns ReadTail runs at each reference (most references
// are followed by neither a date nor an issuer, and RE2 costs a few thousand instructions
// a call even where its anchored search fails at once):
// Patterns::date_after and issuer_after match at `pos` only when, past RE2's \s, a ',' or
// '(' and \s again, the next byte before `end` is one of `starts` (in any case): a digit,
// "ban hành" or "ngày" for a date; "của" or "do" for an issuer.
bool MayStartTail(std::string_view t, size_t pos, size_t end, std::string_view starts) {
  auto skip = [&](size_t i) {
    while (i < end && IsReSpace(t[i])) ++i;
    return i;
  };
  size_t i = skip(pos);
  if (i < end && (t[i] == ',' || t[i] == '(')) i = skip(i + 1);
  if (i >= end) return false;
  const char c = IsUpper(t[i]) ? static_cast<char>(t[i] - 'A' + 'a') : t[i];
  return starts.find(c) != std::string_view::npos;
}

// Patterns::issuer_before matches t[from, end) only when it ends with "ban" \s+ "hanh" \s+
// (in any case).
bool MayEndBanHanh(std::string_view t, size_t from, size_t end) {
  auto word_before = [&](size_t i, std::string_view w) -> size_t {  // i past \s+ and w, or kNone
    size_t j = i;
    while (j > from && IsReSpace(t[j - 1])) --j;
    if (j == i || j < from + w.size()) return kNone;
    for (size_t k = 0; k < w.size(); ++k)
      if ((t[j - w.size() + k] | 0x20) != w[k]) return kNone;
    return j - w.size();
  };
  const size_t hanh = word_before(end, "hanh");
  return hanh != kNone && word_before(hanh, "ban") != kNone;
}

// Find(Patterns::issuer_after) in t[pos, end), its group read by hand: RE2 reading the
// group costs ~20,000 instructions for that pattern, whose issuer alternatives are many;
// finding the match without it, a tenth of that. The group is the issuer, from the first
// byte that is no \s after "của" or "do" (every issuer starts with a letter, so the \s+
// before it takes them all) to the match's end (the pattern ends with it).
bool FindIssuerAfter(std::string_view t, size_t pos, size_t end, std::vector<Span>* g) {
  if (!Find(Patterns::Get().issuer_after, t, pos, end, g, RE2::UNANCHORED, 1)) return false;
  auto skip = [&](size_t i) {
    while (i < end && IsReSpace(t[i])) ++i;
    return i;
  };
  size_t i = skip(pos);
  if (t[i] == ',' || t[i] == '(') i = skip(i + 1);
  i = skip(i + ((t[i] | 0x20) == 'c' ? 3 : 2));  // "cua" or "do"
  g->resize(2);
  (*g)[1] = {i, (*g)[0].e};
  return true;
}

// Find(Patterns::date_after) in t[pos, end), its groups read from the match: its two forms
// hold three runs of digits each, the day, month and year, which are groups 1-3 of
// "12/3/2003" and 4-6 of "ngày 12 tháng 3 năm 2003" (only the second holds a 't').
bool FindDateAfter(std::string_view t, size_t pos, size_t end, std::vector<Span>* g) {
  if (!Find(Patterns::Get().date_after, t, pos, end, g, RE2::UNANCHORED, 1)) return false;
  const Span m = (*g)[0];
  const bool words = std::any_of(t.begin() + static_cast<long>(m.s), t.begin() + static_cast<long>(m.e),
                                 [](char c) { return c == 't' || c == 'T'; });
  g->resize(7);
  int group = words ? 4 : 1;
  for (size_t i = m.s; i < m.e && group < 7;) {
    if (!IsDigit(t[i])) {
      ++i;
      continue;
    }
    size_t e = i;
    while (e < m.e && IsDigit(t[e])) ++e;
    (*g)[static_cast<size_t>(group++)] = {i, e};
    i = e;
  }
  return true;
}

// Reads the date, issuer and title that may follow a reference at folded position `pos`.
// `ref_starts`: the sorted starts of every reference of the article.
void ReadTail(std::string_view t, Ref* r, int limit_year, const std::string& published,
              const std::vector<size_t>& ref_starts) {
  const Patterns& p = Patterns::Get();
  std::vector<Span> g;
  size_t pos = r->span.e;
  // The tail never crosses a line: "(21/11/2023 08:15)" on the next line is a page date.
  size_t window = std::min(t.size(), pos + 240);
  size_t line_end = t.find('\n', pos);
  if (line_end != kNone) window = std::min(window, line_end);
  for (int round = 0; round < 2; ++round) {
    if (r->date.empty() && MayStartTail(t, pos, window, "0123456789bn") &&
        FindDateAfter(t, pos, window, &g)) {
      int base = g[1].ok() ? 1 : 4;
      int d = ToInt(Str(t, g[base])), m = ToInt(Str(t, g[base + 1]));
      int y = SaneYear(ToInt(Str(t, g[base + 2])), limit_year);
      if (ValidDate(y, m, d)) {
        std::string iso = Iso(y, m, d);
        if (published.empty() || iso <= published) r->date = iso;
      }
      pos = g[0].e;
    }
    if (!r->issuer.ok() && MayStartTail(t, pos, window, "cd") && FindIssuerAfter(t, pos, window, &g)) {
      r->issuer = g[1];
      Span committee;
      r->issuer_suffix = SuffixOfIssuer(t, r->issuer, &committee);
      r->issuer_committee = committee;
      if (committee.ok()) {  // the place named after the committee word
        size_t n = SkipSpaces(t, committee.e);
        if (n < r->issuer.e) r->issuer_name = {n, r->issuer.e};
      }
      pos = g[0].e;
    }
  }
  // An issuer's name may run on past what the issuer pattern takes ("của Ban Thường vụ Đảng
  // ủy Khối Cơ quan và Doanh nghiệp tỉnh Kiên Giang về …"): capitalised words, "và", "các"
  // and place words, each with the syllable after it ("Doanh nghiệp", "các cơ quan"), up to
  // a "về" or a relation's word still belong to it: the title starts at that "về", and
  // "… tỉnh Trà Vinh triển khai thực hiện B" relates the document to B.
  if (r->issuer.ok() && pos == r->issuer.e) {
    size_t last = pos;  // the start of the issuer's last word
    while (last > r->issuer.s && t[last - 1] != ' ') --last;
    bool after_upper = IsUpper(t[last]);
    size_t at = SkipSpaces(t, pos);
    for (int words = 0; words < 10 && at < window; ++words) {
      bool opens = false;  // a title or a relation ("… tỉnh Trà Vinh triển khai thực hiện B")
      for (const char* w : {"ve", "thuc hien", "trien khai", "cu the hoa", "de", "nham", "thay the",
                            "sua doi", "gan voi", "tiep tuc", "duoc ban hanh"})
        opens = opens || StartsWithWords(t, at, w);
      if (opens) {
        pos = at;
        break;
      }
      bool link = false;  // a word that a name's word follows
      for (const char* w : {"va", "cac", "tinh", "thanh pho", "huyen", "quan", "thi xa", "xa", "phuong"})
        link = link || StartsWithWords(t, at, w);
      const bool upper = IsUpper(t[at]);
      if (!upper && !after_upper && !link) break;
      after_upper = upper || link;
      size_t end = at;
      while (end < window && t[end] != ' ') {
        if (!IsAlnum(t[end])) end = window;  // punctuation ends the name
        else ++end;
      }
      if (end >= window) break;
      at = SkipSpaces(t, end);
    }
  }
  r->tail_end = pos;
  // No issuer after it: one right before it, as the subject of "ban hành".
  if (!r->issuer.ok() && r->span.s > 0) {
    size_t from = r->span.s > 90 ? r->span.s - 90 : 0;
    size_t stop = t.find_last_of(".\n;", r->span.s - 1);
    if (stop != kNone && stop + 1 > from) from = stop + 1;
    if (MayEndBanHanh(t, from, r->span.s) && Find(p.issuer_before, t, from, r->span.s, &g)) {
      r->issuer = g[1];
      Span committee;
      r->issuer_suffix = SuffixOfIssuer(t, r->issuer, &committee);
      r->issuer_committee = committee;
      if (committee.ok()) {
        size_t n = SkipSpaces(t, committee.e);
        if (n < r->issuer.e) r->issuer_name = {n, r->issuer.e};
      }
    }
  }
  // A title: "về …" (to the end of the clause) or a quoted one.
  size_t q = SkipSpaces(t, pos);
  if (q < t.size() && t[q] == ',') q = SkipSpaces(t, q + 1);
  if (q < t.size() && t[q] == '"') {
    size_t close = t.find('"', q + 1);
    size_t nl = t.find('\n', q + 1);
    size_t end = std::min(close == kNone ? t.size() : close, nl == kNone ? t.size() : nl);
    size_t s = SkipSpaces(t, q + 1);
    if (end > s + 3) {
      r->title = {s, end};
      r->title_quoted = true;
    }
  } else if (StartsWithWords(t, q, "ve")) {
    size_t end = q;
    while (end < t.size()) {
      char c = t[end];
      if (c == '\n' || c == ';' || c == '"' || c == '(') break;
      if ((c == '.' || c == '!' || c == '?') &&
          (end + 1 >= t.size() || t[end + 1] == ' ' || t[end + 1] == '\n'))
        break;
      // After a comma, a new clause ends the title: a relation (", thay thế …"), another
      // document (", Kế hoạch số 45 …"), a time (", chiều 30/8, …"), ", đồng thời …".
      if (c == ',') {
        size_t n = SkipSpaces(t, end + 1);
        bool clause = n < t.size() && IsDigit(t[n]);
        for (const char* w : {"thay the", "sua doi", "thuc hien", "trien khai", "cu the hoa", "gan voi",
                              "dong thoi", "sang", "chieu", "toi", "trua", "ngay"})
          clause = clause || StartsWithWords(t, n, w) || t.substr(n, std::strlen(w)) == w;
        clause = clause || std::binary_search(ref_starts.begin(), ref_starts.end(), n);
        if (clause) break;
      }
      // "… về việc thực hiện Chỉ thị 35": a second "về" that carries out a document ends
      // the title and opens the relation.
      if (c == ' ' && end > q + 2) {
        size_t n = end + 1;
        bool relation = false;
        for (const char* w : {"ve viec thuc hien", "ve thuc hien", "ve trien khai thuc hien",
                              "de trien khai thuc hien", "de thuc hien", "nham thuc hien",
                              "nham cu the hoa", "de cu the hoa"})
          relation = relation || StartsWithWords(t, n, w);
        if (relation) break;
      }
      // " và 3 năm thực hiện …", " và Kế hoạch số 45 …": the next clause of the sentence
      if (c == ' ' && StartsWithWords(t, end + 1, "va") && end + 4 < t.size()) {
        char n = t[SkipSpaces(t, end + 3)];
        if (IsDigit(n) || IsUpper(n)) break;
      }
      ++end;
    }
    while (end > q && (t[end - 1] == ' ' || t[end - 1] == ',')) --end;
    if (end > q + 4) r->title = {q, end};
  }
}

// The matches of `re` that hold a '/', found by running it only on a window around each
// '/' of the text: every code has one, and most text has few, so this reads a fraction
// of what a scan of the whole text would. `may_hold(i)` tells whether a match of `re`
// can hold the '/' at i at all; a window where it cannot is not read (the match found
// there, if any, would not hold that '/' and be dropped).
template <typename MayHold>
std::vector<std::vector<Span>> AroundSlashes(const RE2& re, std::string_view t, const TextMarks& marks,
                                             MayHold may_hold) {
  std::vector<std::vector<Span>> out;
  std::vector<Span> g;
  size_t done = 0;  // end of the last match: no window starts before it
  FindMark(marks.slashes, 0, [&](size_t i) {
    if (i < done || !may_hold(i)) return false;
    size_t from = i > 24 ? i - 24 : 0;
    while (from > 0 && IsAlnum(t[from - 1])) --from;  // never cut a number or a word
    from = std::max(from, done);
    size_t to = std::min(t.size(), i + 48);
    while (to < t.size() && IsAlnum(t[to])) ++to;
    if (Find(re, t, from, to, &g) && g[0].s <= i && i < g[0].e) {
      done = g[0].e;
      out.push_back(g);
    }
    return false;
  });
  return out;
}

// ---------------------------------------------------------------------------------------
// Necessary conditions of the patterns, cheap enough to test on every article. Where one
// fails, the stage that runs the pattern over the whole text is skipped; where it holds,
// the stage runs as it would anyway, so what is found never changes.

bool IsSpace(char c) { return c == ' ' || c == '\n'; }  // RE2's \s in folded text
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsWordChar(char c) { return IsLetter(c) || IsDigit(c) || c == '_'; }  // RE2's \w

// The run of letters that ends right before `pos` once spaces and line ends before it
// are passed over (at least `min_spaces` of them); *start is where it starts. Empty when
// there is none.
std::string_view LettersBefore(std::string_view t, size_t pos, size_t min_spaces, size_t* start) {
  size_t e = pos;
  while (e > 0 && IsSpace(t[e - 1])) --e;
  size_t b = e;
  while (b > 0 && IsLetter(t[b - 1])) --b;
  *start = b;
  if (pos - e < min_spaces) return {};
  return t.substr(b, e - b);
}

// Whether the letters `w` are `lower` in any case.
bool IsWord(std::string_view w, std::string_view lower) {
  if (w.size() != lower.size()) return false;
  for (size_t i = 0; i < w.size(); ++i)
    if ((w[i] | 0x20) != lower[i]) return false;
  return true;
}

template <size_t N>
bool IsOneOf(std::string_view w, const std::array<std::string_view, N>& words) {
  return std::any_of(words.begin(), words.end(), [&](std::string_view x) { return IsWord(w, x); });
}

// Helpers to walk over at most `max` spaces (or line ends) from i, forward or back.
size_t SpacesAfter(std::string_view t, size_t i, size_t max) {
  for (size_t n = 0; n < max && i < t.size() && IsSpace(t[i]); ++n) ++i;
  return i;
}
size_t SpacesBefore(std::string_view t, size_t i, size_t max) {
  for (size_t n = 0; n < max && i > 0 && IsSpace(t[i - 1]); ++n) --i;
  return i;
}

// Whether the Party code pattern (Patterns::party_code, "35 - NQ/TW") can hold the '/'
// at i: its type code right before it (at most two spaces between) is one to five
// letters after a '-' and a number, each at most two spaces away; a letter follows.
bool PartyCodeMayHold(std::string_view t, size_t i) {
  size_t a = SpacesAfter(t, i + 1, 2);
  if (a >= t.size() || !IsLetter(t[a])) return false;
  size_t e = SpacesBefore(t, i, 2), b = e;
  while (b > 0 && IsLetter(t[b - 1])) --b;
  if (b == e || e - b > 5) return false;
  size_t dash = SpacesBefore(t, b, 2);
  if (dash == 0 || t[dash - 1] != '-') return false;
  size_t digit = SpacesBefore(t, dash - 1, 2);
  return digit > 0 && IsDigit(t[digit - 1]);
}

// Whether the '/' at i can be the one before the type code of a state code
// ("120/KH-UBND", "15/2020/NĐ-CP"): a number right before it (one space at most), one to
// five letters after it, then a '-' and a capital, at most one space apart each.
bool StateTypeSlash(std::string_view t, size_t i) {
  size_t d = SpacesBefore(t, i, 1);
  if (d == 0 || !IsDigit(t[d - 1])) return false;
  size_t b = SpacesAfter(t, i + 1, 1), e = b;
  while (e < t.size() && IsLetter(t[e])) ++e;
  if (e == b || e - b > 5) return false;
  size_t dash = SpacesAfter(t, e, 1);
  if (dash >= t.size() || t[dash] != '-') return false;
  size_t cap = SpacesAfter(t, dash + 1, 1);
  return cap < t.size() && IsUpper(t[cap]);
}

// Whether the state code pattern (Patterns::state_code) can hold the '/' at i: the '/'
// before its type code, or the one before a year ("15/2020/"), which has a number before
// it and four digits, then that '/' after it.
bool StateCodeMayHold(std::string_view t, size_t i) {
  if (StateTypeSlash(t, i)) return true;
  size_t d = SpacesBefore(t, i, 1);
  if (d == 0 || !IsDigit(t[d - 1])) return false;
  size_t y = SpacesAfter(t, i + 1, 1);
  if (y + 4 > t.size() || !std::all_of(t.begin() + static_cast<long>(y), t.begin() + static_cast<long>(y + 4), IsDigit))
    return false;
  size_t slash = SpacesAfter(t, y + 4, 1);
  return slash < t.size() && t[slash] == '/' && StateTypeSlash(t, slash);
}

// The last word of each document word (patterns.cc, kDocWord) or plenum phrase, with
// the words that can come before it. In a plenum's name a word may be glued to the one
// before ("NQTW4", "Nghị quyếttrung ương 5"): there the word before only ends so.
struct Ending {
  std::string_view last;
  std::array<std::string_view, 3> before;
  bool glued = false;
};
constexpr std::array<Ending, 16> kEndings{{
    {"quyet", {"nghi"}},      {"thi", {"chi"}},     {"luan", {"ket"}},
    {"dinh", {"quy", "quyet", "nghi"}},             {"an", {"de"}},
    {"hoach", {"ke"}},        {"dong", {"hanh"}},   {"trinh", {"chuong"}},
    {"dan", {"huong"}},       {"bao", {"thong"}},   {"cao", {"bao"}},
    {"tu", {"thong"}},        {"van", {"cong"}},    {"che", {"quy"}},
    {"uong", {"trung"}, true}, {"thu", {"lan"}, true},
}};
constexpr std::array<std::string_view, 7> kAbbrevs{"nq", "ct", "kl", "qd", "kh", "da", "ctr"};

// The last two letters (lower case, 'a'..'z' each) of a word that can come right before the
// number of a short form: one of kEndings or kAbbrevs, "tw" (glued "NQTW4") or "so"
// ("số"). Most words before a number end otherwise ("năm", "ngày"), and are passed over
// with one look at this table.
const std::array<bool, 26 * 26>& NumberWordEnds() {
  static const std::array<bool, 26 * 26> ends = [] {
    std::array<bool, 26 * 26> e{};
    auto add = [&](std::string_view w) { e[(w[w.size() - 2] - 'a') * 26 + (w[w.size() - 1] - 'a')] = true; };
    for (const Ending& x : kEndings) add(x.last);
    for (std::string_view x : kAbbrevs) add(x);
    add("tw");
    add("so");
    return e;
  }();
  return ends;
}

// Where Patterns::short_refs may match: each of its matches holds a number right after
// (spaces, "số" or nothing between) the last word of a document word ("quyết" of "Nghị
// quyết"), an abbreviation ("NQ35"), or "ương"/"TW"/"thứ" of a plenum; or, for a plenum
// named by its ordinal, "hội nghị". Next(from) is the first such place at or after
// `from`, or npos; no match of the pattern starting at or after `from` misses it.
class ShortRefPlaces {
 public:
  ShortRefPlaces(std::string_view t, const TextMarks& marks) : t_(t), marks_(marks) {}

  size_t Next(size_t from) {
    if (number_ == kUnknown || (number_ != kNone && number_ < from)) number_ = NextNumber(from);
    if (plenum_ == kUnknown || (plenum_ != kNone && plenum_ < from)) plenum_ = NextPlenum(from);
    return std::min(number_, plenum_);
  }

 private:
  static constexpr size_t kUnknown = kNone - 1;

  // Whether the letters w, which start at `start`, end a document word or a plenum phrase.
  bool EndsPhrase(std::string_view w, size_t start) const {
    for (const Ending& e : kEndings) {
      if (!IsWord(w, e.last)) continue;
      size_t prev = 0;
      std::string_view before = LettersBefore(t_, start, 1, &prev);
      if (e.glued && before.size() > e.before[0].size())
        before = before.substr(before.size() - e.before[0].size());
      return std::any_of(e.before.begin(), e.before.end(),
                         [&](std::string_view x) { return !x.empty() && IsWord(before, x); });
    }
    return false;
  }

  size_t NextNumber(size_t from) const {
    const std::string_view t = t_;
    const auto& ends = NumberWordEnds();
    return FindMark(marks_.digit_runs, from, [&](size_t p) {
      // The word's last two letters first; the whole word only where they may end one.
      size_t e = p;
      while (e > 0 && IsSpace(t[e - 1])) --e;
      if (e < 2 || !IsLetter(t[e - 1]) || !IsLetter(t[e - 2])) return false;
      const int a = (t[e - 2] | 0x20) - 'a', b = (t[e - 1] | 0x20) - 'a';
      if (!ends[static_cast<size_t>(a * 26 + b)]) return false;
      size_t start = 0;
      std::string_view w = LettersBefore(t, p, 0, &start);
      if (IsOneOf(w, kAbbrevs) || IsWord(w.substr(w.size() - 2), "tw") || EndsPhrase(w, start)) return true;
      if (!IsWord(w.substr(w.size() - 2), "so")) return false;
      if (w.size() > 2) return IsOneOf(w.substr(0, w.size() - 2), kAbbrevs);  // "NQso35"
      w = LettersBefore(t, start, 0, &start);                                   // "Nghị quyết số 35"
      return IsOneOf(w, kAbbrevs) || EndsPhrase(w, start);
    });
  }

  // "hội nghị": the pair "gh" of "nghi", a whole word after "hoi" and spaces.
  size_t NextPlenum(size_t from) const {
    const std::string_view t = t_;
    size_t at = FindMark(marks_.gh, from + 1, [&](size_t i) {
      if ((t[i - 1] | 0x20) != 'n' || i + 2 >= t.size() || (t[i + 2] | 0x20) != 'i') return false;
      if ((i >= 2 && IsLetter(t[i - 2])) || (i + 3 < t.size() && IsLetter(t[i + 3]))) return false;
      size_t start = 0;
      return IsWord(LettersBefore(t, i - 1, 1, &start), "hoi");
    });
    return at == kNone ? kNone : at - 1;
  }

  std::string_view t_;
  const TextMarks& marks_;
  size_t number_ = kUnknown, plenum_ = kUnknown;
};

// Whether t[s.s, s.e) holds the letters `lower` in any case.
bool SpanHas(std::string_view t, Span s, std::string_view lower) {
  for (size_t i = s.s; i + lower.size() <= s.e; ++i)
    if (IsWord(t.substr(i, lower.size()), lower)) return true;
  return false;
}

// Find(Patterns::short_refs) in t[from, to), with its six groups. RE2 reads groups with a
// backtracker whose cost grows with the size of the pattern, not of the text: ~18,000
// instructions a match for short_refs' four alternatives, five times what finding the match
// costs. So the match is found without its groups, and its groups read by the one
// alternative that matches it: the first, in the pattern's order, that matches exactly the
// match's bytes (anchored at both ends, in the same window so \b reads the same bytes) is
// the one short_refs took, with the same groups. Alternatives that cannot be it are not
// tried: a plenum's names hold "nghi" or "nq", and "hoi" or "tw"/"uong"; an abbreviation
// starts with a capital.
bool FindShortRef(std::string_view t, size_t from, size_t to, std::vector<Span>* g) {
  const Patterns& p = Patterns::Get();
  std::vector<Span> whole;
  if (!Find(p.short_refs, t, from, to, &whole, RE2::UNANCHORED, 1)) return false;
  const Span m = whole[0];
  const re2::StringPiece window(t.data() + from, to - from);
  const size_t ms = m.s - from, me = m.e - from;
  struct Alternative {
    const RE2* re;
    int first_group;  // its first group's number in short_refs
    bool may;
  };
  const bool plenum_word = SpanHas(t, {m.s, std::min(m.e, m.s + 2)}, "ng") ||
                           SpanHas(t, {m.s, std::min(m.e, m.s + 2)}, "nq");
  const Alternative alternatives[] = {
      {&p.plenum_meeting, 1, plenum_word && SpanHas(t, m, "hoi")},
      {&p.plenum, 2, plenum_word && (SpanHas(t, m, "tw") || SpanHas(t, m, "uong"))},
      {&p.word_number, 3, true},
      {&p.abbrev_number, 5, IsUpper(t[m.s])},
  };
  for (const Alternative& a : alternatives) {
    if (!a.may || !a.re->Match(window, ms, me, RE2::ANCHOR_BOTH, nullptr, 0)) continue;
    if (a.re == &p.word_number || a.re == &p.abbrev_number) {
      // Their groups are fixed by the match: the number is its last digits (\d{1,5}\b, after
      // a space or "so"); "Nghị quyết số 35" has its document word from its start to the
      // letters before the spaces, "so" and spaces before the number (no document word ends
      // in "so"); an abbreviation is "CTr" where "CT" is followed by 'r' ("CT" cannot be),
      // else its first two letters.
      size_t digits = m.e;
      while (digits > m.s && IsDigit(t[digits - 1])) --digits;
      Span word{m.s, m.s + 2};
      if (a.re == &p.abbrev_number) {
        if (t[m.s + 2] == 'r') word.e = m.s + 3;
      } else {
        size_t e = digits;
        while (e > m.s && IsReSpace(t[e - 1])) --e;
        if (e >= m.s + 3 && IsWord(t.substr(e - 2, 2), "so") && !IsLetter(t[e - 3])) e -= 2;
        while (e > m.s && IsReSpace(t[e - 1])) --e;
        word.e = e;
      }
      g->assign(7, Span{});
      (*g)[0] = m;
      (*g)[a.first_group] = word;
      (*g)[a.first_group + 1] = {digits, m.e};
      return true;
    }
    constexpr int kGroups = 3;  // the whole match and at most two groups
    const int n = a.re->NumberOfCapturingGroups() + 1;
    std::array<re2::StringPiece, kGroups> sp;
    if (n > kGroups || !a.re->Match(window, ms, me, RE2::ANCHOR_BOTH, sp.data(), n)) break;
    g->assign(7, Span{});
    (*g)[0] = m;
    for (int i = 1; i < n; ++i) {
      if (sp[i].data() == nullptr) continue;
      const size_t s = static_cast<size_t>(sp[i].data() - t.data());
      (*g)[a.first_group + i - 1] = {s, s + sp[i].size()};
    }
    return true;
  }
  return Find(p.short_refs, t, from, to, g);  // not reached: one alternative matches
}

// The stretch of letters, digits, '_', spaces and line ends around `pos`: a match of
// Patterns::short_refs holds nothing else, and the bytes just outside it are no word
// characters, so the pattern reads the same on that stretch as on the whole text.
Span WordStretch(std::string_view t, size_t pos) {
  auto inside = [](char c) { return IsWordChar(c) || IsSpace(c); };
  size_t s = pos, e = pos;
  while (s > 0 && inside(t[s - 1])) --s;
  while (e < t.size() && inside(t[e])) ++e;
  return {s, e};
}

// Whether Patterns::committee can match anywhere in t: "ủy" after a space, closing a word,
// after the word "Tỉnh", "Thành", "Huyện", "Quận", "Thị" or "Đảng".
bool MayHoldCommittee(std::string_view t, const TextMarks& marks) {
  return kNone != FindMark(marks.uy, 0, [&](size_t q) {
    if (q == 0 || !IsSpace(t[q - 1]) || (q + 2 < t.size() && IsWordChar(t[q + 2]))) return false;
    static constexpr std::array<std::string_view, 6> kWords{"tinh", "thanh", "huyen", "quan", "thi", "dang"};
    size_t start = 0;
    return IsOneOf(LettersBefore(t, q, 1, &start), kWords);
  });
}

// The places in t[from, to) where a match of Patterns::committee can start, sorted: each
// match holds "ủy" after RE2's \s and its level word ("Tỉnh", "Thành", "Huyện", "Quận",
// "Thị", "Đảng") right before that, which "Ban Thường vụ", "BTV", "Ban Chấp hành" or "BCH"
// may precede; and it starts where its \b holds (at `from`, the window's start, or after a
// byte that is no word character).
std::vector<size_t> CommitteeStarts(std::string_view t, size_t from, size_t to) {
  std::vector<size_t> out;
  auto word_start = [&](size_t b) { return b == from || !IsWordChar(t[b - 1]); };
  auto letters_before = [&](size_t e) {
    while (e > from && IsLetter(t[e - 1])) --e;
    return e;
  };
  auto spaces_before = [&](size_t e) {
    while (e > from && IsReSpace(t[e - 1])) --e;
    return e;
  };
  static constexpr std::array<std::string_view, 6> kLevels{"tinh", "thanh", "huyen", "quan", "thi", "dang"};
  for (size_t u = from; (u = FindLetterPair(t, u, to, 'u', 'y')) != kNone; ++u) {
    if (u + 2 > to) continue;
    const size_t e = spaces_before(u);
    if (e == u) continue;
    const size_t b = letters_before(e);
    if (!IsOneOf(t.substr(b, e - b), kLevels)) continue;
    if (word_start(b)) out.push_back(b);
    const size_t pe = spaces_before(b);
    if (pe == b) continue;
    const size_t pb = letters_before(pe);
    const std::string_view last = t.substr(pb, pe - pb);
    if (IsWord(last, "btv") || IsWord(last, "bch")) {
      if (word_start(pb)) out.push_back(pb);
    } else if (IsWord(last, "vu") || IsWord(last, "hanh")) {  // "ban thuong vu", "ban chap hanh"
      const size_t e2 = spaces_before(pb);
      if (e2 == pb) continue;
      const size_t e3 = spaces_before(letters_before(e2));
      if (e3 == letters_before(e2)) continue;
      const size_t b3 = letters_before(e3);
      if (word_start(b3)) out.push_back(b3);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The places in t[from, to) where a match of Patterns::awards ("30 tập thể, 12 cá nhân")
// can start, sorted: each match holds "tập" after RE2's \s, before which stand a number
// of one to four digits where \b holds, \s, and maybe "lượt" and \s.
std::vector<size_t> AwardStarts(std::string_view t, size_t from, size_t to) {
  std::vector<size_t> out;
  auto spaces_before = [&](size_t e) {
    while (e > from && IsReSpace(t[e - 1])) --e;
    return e;
  };
  auto number_before = [&](size_t e) {  // e past \s+ and a number that can start a match
    size_t b = e;
    while (b > from && IsDigit(t[b - 1])) --b;
    if (b < e && e - b <= 4 && (b == from || !IsWordChar(t[b - 1]))) out.push_back(b);
  };
  for (size_t q = from; (q = FindLetterPair(t, q, to, 't', 'a')) != kNone; ++q) {
    if (q + 3 > to || (t[q + 2] | 0x20) != 'p') continue;
    const size_t e = spaces_before(q);
    if (e == q) continue;
    number_before(e);
    if (e >= from + 4 && IsWord(t.substr(e - 4, 4), "luot")) {
      const size_t n = spaces_before(e - 4);
      if (n < e - 4) number_before(n);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// FindAnchoredAt at the places `starts` (sorted).
bool FindAnchoredAtEach(const RE2& re, std::string_view t, size_t from, size_t to, std::vector<Span>* g,
                        const std::vector<size_t>& starts) {
  return FindAnchoredAt(re, t, from, to, g, [&](size_t i) {
    auto it = std::lower_bound(starts.begin(), starts.end(), i);
    return it == starts.end() ? kNone : *it;
  });
}

std::vector<Ref> FindRefs(std::string_view t, const TextMarks& marks,
                          std::vector<Unresolved>* unresolved_codes, const FoldedText& ft,
                          std::string_view orig) {
  const Patterns& p = Patterns::Get();
  std::vector<Ref> refs;
  std::vector<Span> covered;
  std::vector<Span> g;
  auto word_before = [&](size_t start) -> size_t {
    size_t from = start > 48 ? start - 48 : 0;
    std::vector<Span> w;
    // (Its group, the document word, starts where the match does: RE2 need not read it.)
    if (Find(p.word_before, t, from, start, &w, RE2::UNANCHORED, 1)) return w[0].s;
    return start;
  };

  // Party codes: "35-NQ/TW".
  for (const auto& m : AroundSlashes(p.party_code, t, marks, [&](size_t i) { return PartyCodeMayHold(t, i); })) {
    g = m;
    std::string type = PartyType(Upper(Str(t, g[2])));
    std::string suffix_folded = Upper(Str(t, g[3]));
    std::string suffix = PartySuffix(suffix_folded);
    if (type.empty()) continue;
    if (suffix.empty()) {
      if (suffix_folded.size() <= 2) {  // a truncated code: "29-NQ/T"
        Unresolved u;
        u.start = ft.Orig(g[0].s);
        u.end = ft.Orig(g[0].e);
        u.text = std::string(orig.substr(u.start, u.end - u.start));
        u.reason = "incomplete issuer code '" + Str(t, g[3]) + "'";
        unresolved_codes->push_back(std::move(u));
      }
      continue;
    }
    // "TƯ" (Trung ương) written for TW folds to TU: the original tells them apart.
    if (suffix == "TU") {
      std::string_view o = orig.substr(ft.Orig(g[3].s), ft.Orig(g[3].e) - ft.Orig(g[3].s));
      if (o.find("\xc6\xaf") != std::string_view::npos ||   // Ư
          o.find("\xc6\xb0") != std::string_view::npos ||   // ư
          o.find("U\xcc\x9b") != std::string_view::npos)    // U + combining horn
        suffix = "TW";
    }
    Ref r;
    r.kind = MentionKind::kFullCode;
    r.code = g[0];
    r.span = {word_before(g[0].s), g[0].e};
    r.type = type;
    r.number = StripLeadingZeros(Str(t, g[1]));
    r.suffix = suffix;
    covered.push_back(r.span);
    refs.push_back(std::move(r));
  }
  // State codes, and the inverted Party form "35/NQ-TW".
  for (const auto& m : AroundSlashes(p.state_code, t, marks, [&](size_t i) { return StateCodeMayHold(t, i); })) {
    g = m;
    if (Overlaps(covered, g[0])) continue;
    std::string type_f = Upper(Str(t, g[3]));
    std::string suffix_f = Str(t, g[4]);
    std::string party_suffix = PartySuffix(Upper(suffix_f));
    Ref r;
    r.code = g[0];
    r.span = {word_before(g[0].s), g[0].e};
    r.number = StripLeadingZeros(Str(t, g[1]));
    if (!party_suffix.empty() && !PartyType(type_f).empty() && !g[2].ok() &&
        Upper(suffix_f) == suffix_f) {
      r.kind = MentionKind::kFullCode;
      r.family = Family::kParty;
      r.type = PartyType(type_f);
      r.suffix = party_suffix;
    } else {
      std::string type = StateType(type_f);
      // No document is numbered 0, and every issuer code has two letters or more.
      if (type.empty() || r.number == "0" || suffix_f.size() < 2) continue;
      if (g[2].ok()) {
        int y = ToInt(Str(t, g[2]));
        if (y < 1945 || y > 2100) continue;
        r.year = Str(t, g[2]);
      }
      r.kind = MentionKind::kStateCode;
      r.family = Family::kState;
      r.type = type;
      // The issuer code keeps its letters as written: "HĐND", "TTg", "UBND".
      uint32_t os = ft.Orig(g[4].s), oe = ft.Orig(g[4].e);
      r.suffix = CleanNfc(orig.substr(os, oe - os));
    }
    covered.push_back(r.span);
    refs.push_back(std::move(r));
  }
  // Plenum resolutions: "Nghị quyết Trung ương 4 khóa XI, khóa XII" is two documents.
  auto add_plenum = [&](const std::vector<Span>& g, std::string plenum) {
    if (Overlaps(covered, g[0]) || plenum.empty() || plenum == "0") return;
    // "các nghị quyết Hội nghị lần thứ năm … khóa XIII": several resolutions of one plenum,
    // no one document. ("các Nghị quyết Trung ương 4 khóa XI, khóa XII" are two.)
    size_t back = g[0].s > 6 ? g[0].s - 6 : 0;
    if (FindWords(t, back, g[0].s, "cac") != kNone || FindWords(t, back, g[0].s, "nhung") != kNone) {
      std::vector<Span> first_term, second_term;
      bool one = Find(p.term_after, t, g[0].e, std::min(t.size(), g[0].e + 40), &first_term);
      bool two = one && Find(p.term_after, t, first_term[0].e,
                             std::min(t.size(), first_term[0].e + 40), &second_term);
      if (!two) return;
    }
    size_t at = g[0].e;
    std::vector<Span> tg;
    bool first = true;
    while (Find(p.term_after, t, at, std::min(t.size(), at + 40), &tg)) {
      Ref r;
      r.kind = MentionKind::kPlenum;
      r.type = "NQ";
      r.suffix = "TW";
      r.plenum = plenum;
      r.term = Upper(Str(t, tg[1]));
      r.span = first ? Span{g[0].s, tg[0].e} : Span{tg[1].s - 5 < tg[0].s ? tg[0].s : tg[1].s - 5, tg[0].e};
      if (!first) {
        // the later term alone: "khóa XII"
        size_t k = t.rfind("khoa", tg[1].s);
        if (k == kNone) k = t.rfind("Khoa", tg[1].s);
        if (k != kNone && k >= tg[0].s) r.span.s = k;
      }
      while (r.span.e > r.span.s && t[r.span.e - 1] == ' ') --r.span.e;
      r.code = r.span;
      covered.push_back(r.span);
      refs.push_back(std::move(r));
      at = tg[0].e;
      first = false;
    }
    if (first) {
      Unresolved u;
      u.start = ft.Orig(g[0].s);
      u.end = ft.Orig(g[0].e);
      u.text = std::string(orig.substr(u.start, u.end - u.start));
      u.reason = "plenum resolution without its term (khóa)";
      unresolved_codes->push_back(std::move(u));
      covered.push_back(g[0]);
    }
  };
  // Short forms: "Nghị quyết 35", "Đề án số 02", and abbreviations "NQ35", "NQ 35".
  auto add_short = [&](Span whole, Span word, Span num, std::string type, bool weak) {
    if (type.empty() || Overlaps(covered, whole)) return;
    // Not a number of something else: "35%", "1.234", "2/3", "35-NQ" handled above.
    size_t after = num.e;
    if (after < t.size()) {
      char c = t[after];
      if (c == '%' || c == '/' || c == '-' || c == '_') return;
      if ((c == '.' || c == ',') && after + 1 < t.size() && IsDigit(t[after + 1])) return;
    }
    int n = ToInt(Str(t, num));
    if (n >= 1945 && n <= 2100) return;  // a year: "Kế hoạch 2024", "Chương trình 2030"
    if (n == 0) return;
    Ref r;
    r.kind = MentionKind::kShortForm;
    r.span = {word.s, num.e};
    r.code = num;
    r.type = std::move(type);
    r.number = StripLeadingZeros(Str(t, num));
    r.weak = weak;
    covered.push_back(r.span);
    refs.push_back(std::move(r));
  };
  // One reading of the text for plenum names, "Nghị quyết 35" and "NQ35" alike, on the
  // stretches around the places where it can match (the first match of the whole text
  // from `pos` is the first found on them).
  ShortRefPlaces places(t, marks);
  for (size_t pos = 0, at; (at = places.Next(pos)) != kNone;) {
    Span stretch = WordStretch(t, at);
    if (!FindShortRef(t, std::max(pos, stretch.s), stretch.e, &g)) {
      pos = stretch.e;
      continue;
    }
    pos = g[0].e;
    if (g[1].ok()) {
      add_plenum({g[0], g[1]}, std::to_string(OrdinalValue(Str(t, g[1]))));
    } else if (g[2].ok()) {
      add_plenum({g[0], g[2]}, StripLeadingZeros(Str(t, g[2])));
    } else if (g[3].ok()) {
      // Words that also name no document ("báo cáo 416 đường dẫn", "chương trình 135")
      // are weak without "số": kept only when they resolve to a document.
      std::string word = TypeOfWord(Str(t, g[3]));
      std::string folded = Lower(Str(t, g[3]));
      bool weak = folded.rfind("bao", 0) == 0 || folded.rfind("thong", 0) == 0 ||
                  folded.rfind("cong", 0) == 0 || folded == "chuong trinh";
      bool so = FindWords(t, g[3].e, g[4].s, "so") != kNone;
      add_short(g[0], g[3], g[4], word, weak && !so);
    } else {
      // "KH 116", "ĐA 02", "CTr 04" are weak too: "KH" is also a customer, a plan year.
      std::string abbrev = Str(t, g[5]);
      bool weak = abbrev == "KH" || abbrev == "DA" || abbrev == "CTr";
      add_short(g[0], g[5], g[6], TypeOfWord(Lower(abbrev)), weak);
    }
  }

  std::sort(refs.begin(), refs.end(),
            [](const Ref& a, const Ref& b) { return a.span.s < b.span.s; });
  return refs;
}

// ---------------------------------------------------------------------------------------
// Article metadata.

struct Line {
  size_t s, e;  // folded span, without the newline
};

// The first `max` lines of t; the last line of t may be empty.
std::vector<Line> Lines(std::string_view t, size_t max) {
  std::vector<Line> lines;
  lines.reserve(max);
  size_t s = 0;
  while (s <= t.size() && lines.size() < max) {
    size_t e = t.find('\n', s);
    if (e == kNone) e = t.size();
    lines.push_back({s, e});
    if (e == t.size()) break;
    s = e + 1;
  }
  return lines;
}

// The lines that follow the last line of `min_length` bytes or more, up to `max` of them,
// read from the end of t (the body comes before them); nullopt when no line is that long.
std::optional<std::vector<Line>> LinesAfterLastLong(std::string_view t, size_t min_length, size_t max) {
  std::vector<Line> after;  // last line first
  size_t e = t.size();
  for (;;) {
    // glibc's memrchr reads a vector at a time; string_view::rfind, a byte at a time.
    const void* at = e == 0 ? nullptr : ::memrchr(t.data(), '\n', e);
    const size_t nl = at == nullptr ? kNone : static_cast<size_t>(static_cast<const char*>(at) - t.data());
    const size_t s = nl == kNone ? 0 : nl + 1;
    if (e - s >= min_length) break;
    if (nl == kNone) return std::nullopt;
    after.push_back({s, e});
    e = nl;
  }
  std::reverse(after.begin(), after.end());
  if (after.size() > max) after.resize(max);
  return after;
}

// Whether a line holds `n` runs of letters or digits or more (read up to the n-th).
bool HasWords(std::string_view t, const Line& l, size_t n) {
  size_t words = 0;
  bool in = false;
  for (size_t i = l.s; i < l.e; ++i) {
    bool w = IsAlnum(t[i]);
    if (w && !in && ++words >= n) return true;
    in = w;
  }
  return words >= n;
}

// The first match of `source`, the "Nguồn: …" pattern, in t. Each match starts at a
// "nguon" (any case) that spaces, then a ':' follow, and ends at most 120 bytes after the
// spaces that follow the ':'; so it is tried there only, anchored, on that stretch: most
// articles have few colons, and a scan of the whole text cost more than all the rest.
bool FindSource(const RE2& source, std::string_view t, std::vector<Span>* g) {
  for (size_t c = t.find(':'); c != kNone; c = t.find(':', c + 1)) {
    size_t j = c;
    while (j > 0 && IsSpace(t[j - 1])) --j;
    if (j < 5 || !IsWord(t.substr(j - 5, 5), "nguon")) continue;
    size_t e = c + 1;
    while (e < t.size() && IsSpace(t[e])) ++e;
    if (Find(source, t, j - 5, std::min(t.size(), e + 120), g, RE2::ANCHOR_START)) return true;
  }
  return false;
}

// Whether t[0, to) holds ".vn)", ".com)", ".net)" or ".org)": every match of the "(site.vn)"
// pattern ends so.
bool MayNameDomain(std::string_view t, size_t to) {
  std::string_view head = t.substr(0, to);
  for (size_t c = head.find(')'); c != kNone; c = head.find(')', c + 1)) {
    std::string_view before = head.substr(0, c);
    if (before.ends_with(".vn") || before.ends_with(".com") || before.ends_with(".net") ||
        before.ends_with(".org"))
      return true;
  }
  return false;
}

struct Meta {
  std::string title, published, site, author;
  size_t body_start = 0;  // folded offset of the first body line
};

// Dates of the page header: "Thứ 6, Ngày 20/11/2020, 17:03", "Chủ Nhật, ngày 26 tháng 1
// năm 2020". The site's "today" banner comes before the title; the article's own date
// after it, so a date after the title wins over one before it.
Meta ReadMeta(std::string_view t, std::string_view orig, const FoldedText& ft,
              const ArticleHints& hints) {
  const Patterns& p = Patterns::Get();
  Meta m;
  std::vector<Line> lines = Lines(t, 25);
  auto orig_line = [&](const Line& l) {
    return CleanNfc(orig.substr(ft.Orig(l.s), ft.Orig(l.e) - ft.Orig(l.s)));
  };
  size_t title_line = kNone;
  std::string before_title, after_title;
  std::vector<Span> g;
  for (size_t i = 0; i < lines.size() && i < 25; ++i) {
    const Line& l = lines[i];
    size_t len = l.e - l.s;
    if (len >= 300) {
      m.body_start = l.s;
      break;
    }
    bool dated = false;
    // (Both forms of a date hold a digit.)
    if (len <= 90 && std::any_of(t.begin() + static_cast<long>(l.s), t.begin() + static_cast<long>(l.e), IsDigit) &&
        Find(p.full_date, t, l.s, l.e, &g)) {
      int base = g[1].ok() ? 1 : 4;
      int d = ToInt(Str(t, g[base])), mo = ToInt(Str(t, g[base + 1])), y = ToInt(Str(t, g[base + 2]));
      if (ValidDate(y, mo, d)) {
        dated = true;
        if (title_line == kNone) {
          if (before_title.empty()) before_title = Iso(y, mo, d);
        } else if (after_title.empty()) {
          after_title = Iso(y, mo, d);
        }
      }
    }
    if (!dated && title_line == kNone && HasWords(t, l, 7) && len < 300) {
      std::string low = Lower(std::string(t.substr(l.s, std::min<size_t>(len, 40))));
      bool banner = low.find("trang thong tin") != std::string::npos ||
                    low.find("cong thong tin") != std::string::npos ||
                    low.rfind("chao mung", 0) == 0 || low.rfind("trang chu", 0) == 0 ||
                    low.rfind("trang tin", 0) == 0 || low.rfind("cong tin", 0) == 0;
      // A menu ("Trang chủ | Giới thiệu | Tin tức") or a site name in capitals is no title.
      std::string_view line = t.substr(l.s, len);
      size_t bars = static_cast<size_t>(std::count(line.begin(), line.end(), '|')) +
                    static_cast<size_t>(std::count(line.begin(), line.end(), '\x7f')) +  // » ·
                    (std::count(line.begin(), line.end(), '/') >= 2 ? 2 : 0);
      // Counted only where it decides, and only until the lower-case letters outweigh what
      // is left of the line.
      bool capitals = false;
      if (!banner && bars < 2) {
        size_t lower = 0, upper = 0;
        for (size_t i = 0; i < line.size() && 3 * lower < upper + (line.size() - i); ++i) {
          const char c = line[i];
          if (c >= 'a' && c <= 'z') ++lower;
          if (IsUpper(c)) ++upper;
        }
        capitals = upper > 3 * lower;
      }
      if (!banner && bars < 2 && !capitals) {
        title_line = i;
        m.title = orig_line(l);
      }
    }
  }
  m.published = !after_title.empty() ? after_title : before_title;
  if (!hints.published.empty()) m.published = hints.published;
  if (!hints.title.empty()) m.title = hints.title;

  // Site: "(Thanhuytphcm.vn)", "Nguồn: …", or the portal's own name in the header.
  static const RE2 kDomain(R"(\(([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:vn|com|net|org))\))",
                           FoldedTextOptions());
  static const RE2 kSource(R"((?i:nguon)\s*:\s*([^\n]{3,120}))", FoldedTextOptions());
  const size_t head = std::min(t.size(), size_t{4000});
  if (MayNameDomain(t, head) && Find(kDomain, t, 0, head, &g)) {
    m.site = std::string(orig.substr(ft.Orig(g[1].s), ft.Orig(g[1].e) - ft.Orig(g[1].s)));
  } else if (FindSource(kSource, t, &g)) {
    std::string s = CleanNfc(orig.substr(ft.Orig(g[1].s), ft.Orig(g[1].e) - ft.Orig(g[1].s)));
    if (s.size() > 3 && s.substr(s.size() - 3) == " ()") s.resize(s.size() - 3);
    m.site = s;
  } else if (!lines.empty()) {
    std::string low = Lower(std::string(t.substr(lines[0].s, lines[0].e - lines[0].s)));
    if (low.rfind("trang thong tin", 0) == 0 || low.rfind("cong thong tin", 0) == 0)
      m.site = orig_line(lines[0]);
  }
  if (!hints.site.empty()) m.site = hints.site;

  // Author: the first short line of capitalized words after the last body paragraph.
  if (const auto tail = LinesAfterLastLong(t, 100, 5)) {
    for (const Line& l : *tail) {
      std::string line = std::string(t.substr(l.s, l.e - l.s));
      size_t colon = line.find(':');
      size_t start = 0;
      if (colon != kNone) {
        std::string head = Lower(line.substr(0, colon));
        if (head.find("tin") == kNone && head.find("bai") == kNone && head.find("anh") == kNone)
          continue;
        start = colon + 1;
      }
      std::string_view name = std::string_view(line).substr(start);
      while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
      while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
      if (name.empty() || name.size() > 40 || !IsUpper(name[0])) continue;
      size_t words = 1;
      bool digits = false;
      for (char c : name) {
        if (c == ' ') ++words;
        if (IsDigit(c)) digits = true;
      }
      if (words > 5 || digits) continue;
      std::string folded_name = Lower(std::string(name));
      bool boilerplate = false;
      for (const char* b : {"binh luan", "y kien", "tin khac", "chia se", "tin lien quan", "thong bao",
                            "dang nhap", "lien he", "quay lai", "ban in", "tin moi"})
        boilerplate = boilerplate || folded_name.rfind(b, 0) == 0;
      if (boilerplate) continue;
      size_t fs = l.s + static_cast<size_t>(name.data() - line.data());
      m.author = CleanNfc(orig.substr(ft.Orig(fs), ft.Orig(fs + name.size()) - ft.Orig(fs)));
      break;
    }
  }
  return m;
}

// ---------------------------------------------------------------------------------------
// Sentences: split at line ends and at '.', '!', '?' followed by a space and a capital
// (so "TP. Hồ Chí Minh" and "30.850" stay whole).

std::vector<Span> Sentences(std::string_view t) {
  std::vector<Span> out;
  size_t s = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    bool end = c == '\n';
    if ((c == '.' || c == '!' || c == '?') && i + 2 < t.size() && t[i + 1] == ' ') {
      size_t n = SkipSpaces(t, i + 1);
      if (n < t.size() && (IsUpper(t[n]) || t[n] == '"')) {
        // "TP. Hồ", "Q. 1": an abbreviation of one or two capitals is no sentence end, but
        // the suffix of a code is ("… Kế hoạch số 45-KH/HU. Đồng chí …")
        size_t w = i;
        while (w > s && IsAlnum(t[w - 1])) --w;
        end = !(i - w <= 2 && w < i && IsUpper(t[w])) || (w > 0 && t[w - 1] == '/');
      }
    }
    if (end) {
      if (i > s) out.push_back({s, i + (c == '\n' ? 0 : 1)});
      s = i + 1;
    }
  }
  if (s < t.size()) out.push_back({s, t.size()});
  return out;
}

// ---------------------------------------------------------------------------------------
// Documents.

struct Doc {
  Document d;
  std::vector<int> refs;
  size_t first = 0;  // folded position of the first mention
  std::string issuer_suffix_hint;
  std::string plenum_date;  // set when a plenum name resolved through the catalogue
  Span issuer_committee, issuer_name;  // from the first reference that names its issuer
};

// How high a document's issuer stands: central 3, province 2, district or town 1, commune
// or bloc 0; state documents and unknown suffixes -1 (no comparison is made with them).
int LevelRank(const DocumentKey& k) {
  if (k.family != Family::kParty) return -1;
  const std::string& s = k.suffix;
  if (s == "TW" || (s.size() > 2 && s.substr(s.size() - 2) == "TW")) return 3;
  if (s == "TU") return 2;
  if (s == "HU" || s == "QU" || s == "TX" || s == "ThU") return 1;
  if (s == "ĐU" || s == "ĐUK") return 0;
  return -1;
}

std::string KeyOf(const Ref& r) {
  return r.family == Family::kState ? r.number + "/" + r.year + "/" + r.type + "-" + r.suffix
                                    : r.number + "-" + r.type + "/" + r.suffix;
}

// A committee that is not a place (Đảng ủy Khối, Quân sự, Công an) and its province.
struct Bloc {
  std::string name;                // "Khối các cơ quan tỉnh Bình Định"
  const Unit* province = nullptr;  // may stay unknown
};

bool IsBlocWord(const std::string& level) {
  std::string l = Lower(level);
  return l == "khoi" || l.rfind("quan", 0) == 0 || l.rfind("cong", 0) == 0;
}

// Where the name of a bloc that starts at `from` ends: before the first verb or
// punctuation, within eight words ("Khối Doanh nghiệp tỉnh Nghệ An tổ chức …").
size_t BlocNameEnd(std::string_view t, size_t from, size_t limit) {
  static const char* kStops[] = {"to chuc", "chu tri", "da", "ban hanh", "tang", "trien khai",
                                 "so ket", "tong ket", "quan triet", "hop", "ve", "thuc hien",
                                 "lan thu", "nhiem ky", "va", "cua", "phoi hop", "khai mac"};
  size_t i = from, end = from;
  for (int words = 0; i < limit && words < 9; ++words) {
    i = SkipSpaces(t, i);
    if (i >= limit || !IsAlnum(t[i])) break;
    bool stop = false;
    for (const char* w : kStops) stop = stop || (words > 0 && StartsWithWords(t, i, w));
    if (stop) break;
    while (i < limit && IsAlnum(t[i])) ++i;
    end = i;
  }
  return end;
}

}  // namespace

// ---------------------------------------------------------------------------------------

struct Extractor::Impl {
  const Gazetteer* gazetteer;
  const Catalogue* catalogue;

  // The working state of one article.
  struct Work {
    std::string_view orig;
    FoldedText ft;
    std::string_view t;  // ft.folded
    Meta meta;
    std::vector<Ref> refs;
    std::vector<Doc> docs;
    std::vector<Span> sentences;
    Extraction out;
    const Unit* holder = nullptr;  // the unit that held the meeting
    std::optional<Bloc> bloc;      // or the committee that is not a place
    Gazetteer::Committee holder_committee = Gazetteer::Committee::kAny;
    std::set<std::pair<int, int>> relation_pairs;  // (from doc, to doc) stated
    std::set<int> relation_objects;                // refs that are the object of a relation
    // The provinces the article names (Gazetteer::ProvincesNamedIn, which folds the whole
    // text), read once, when a stage first needs them.
    mutable std::optional<std::vector<std::pair<const Unit*, size_t>>> provinces_named;
  };

  // Gazetteer::ProvincesNamedIn of the article, in its era; needs a gazetteer.
  const std::vector<std::pair<const Unit*, size_t>>& ProvincesNamed(const Work& w) const {
    if (!w.provinces_named) w.provinces_named = gazetteer->ProvincesNamedIn(w.orig, AfterReform(w));
    return *w.provinces_named;
  }

  std::string Nfc(const Work& w, Span s) const {
    if (!s.ok()) return "";
    uint32_t a = w.ft.Orig(s.s), b = w.ft.Orig(s.e);
    return CleanNfc(w.orig.substr(a, b - a));
  }
  Mention MentionOf(const Work& w, Span s, MentionKind k) const {
    Mention m;
    m.start = w.ft.Orig(s.s);
    m.end = w.ft.Orig(s.e);
    m.text = std::string(w.orig.substr(m.start, m.end - m.start));
    m.kind = k;
    return m;
  }

  void BuildDocuments(Work& w) const;
  void ResolveShortForms(Work& w) const;
  void AddCatalogueData(Work& w) const;
  void MergeSameKeys(Work& w) const;
  void FindMeetings(Work& w) const;
  void ResolveJurisdictions(Work& w) const;
  void FindRelations(Work& w) const;
  void FindSteering(Work& w) const;
  void Assemble(Work& w) const;
  const Unit* ResolveUnit(const Work& w, Gazetteer::Committee c, std::string_view name_folded,
                          Span name_span) const;
  const Unit* UnnamedUnit(const Work& w, Gazetteer::Committee c) const;
  // Of several units of one name, the one under the unit named right after it, at folded
  // position `after` (", huyện Thủ Thừa"); nullptr when that tells none or several.
  const Unit* ByNamedParent(const Work& w, const std::vector<const Unit*>& found,
                            size_t after) const;
  const Unit* LocalStateIssuer(const Work& w, const Doc& d) const;
  bool AfterReform(const Work& w) const { return !w.meta.published.empty() && w.meta.published >= "2025-07-01"; }
};

namespace {

std::optional<Gazetteer::Committee> CommitteeOfFolded(std::string_view level) {
  std::string l = Lower(std::string(level));
  if (l == "tinh") return Gazetteer::Committee::kTinhUy;
  if (l == "thanh") return Gazetteer::Committee::kThanhUy;
  if (l == "huyen") return Gazetteer::Committee::kHuyenUy;
  if (l == "quan") return Gazetteer::Committee::kQuanUy;
  if (l == "thi") return Gazetteer::Committee::kThiUy;
  if (l == "dang") return Gazetteer::Committee::kDangUy;
  return std::nullopt;
}

// The place word that names a unit of a committee's level in running text.
const char* PlaceWordOf(Gazetteer::Committee c) {
  switch (c) {
    case Gazetteer::Committee::kTinhUy: return "tinh";
    case Gazetteer::Committee::kThanhUy: return "thanh pho";
    case Gazetteer::Committee::kQuanUy: return "quan";
    case Gazetteer::Committee::kHuyenUy: return "huyen";
    case Gazetteer::Committee::kThiUy: return "thi xa";
    default: return nullptr;
  }
}

}  // namespace

const Unit* Extractor::Impl::ResolveUnit(const Work& w, Gazetteer::Committee c,
                                         std::string_view, Span name_span) const {
  if (gazetteer == nullptr || !name_span.ok()) return nullptr;
  // Try the longest run of name words that names a unit: "Bình Tân Lê Văn" -> "Bình Tân".
  std::vector<size_t> ends;
  for (size_t i = name_span.s; i <= name_span.e; ++i)
    if (i == name_span.e || w.t[i] == ' ') {
      if (i > name_span.s && w.t[i - 1] != ' ') ends.push_back(i);
    }
  for (auto it = ends.rbegin(); it != ends.rend(); ++it) {
    std::string name = Nfc(w, {name_span.s, *it});
    auto found = gazetteer->Find(name, c, AfterReform(w));
    if (found.empty()) continue;
    if (found.size() == 1) return found[0];
    // Several places of that name: the place above, named right after, decides ("xã Mỹ
    // Thạnh, huyện Thủ Thừa", "huyện Châu Thành, tỉnh Tiền Giang").
    if (const Unit* by_parent = ByNamedParent(w, found, *it)) return by_parent;
    // Else the provinces the article names decide.
    for (const auto& [prov, off] : ProvincesNamed(w)) {
      const Unit* only = nullptr;
      int n = 0;
      for (const Unit* u : found) {
        const Unit* pu = gazetteer->ProvinceOf(*u);
        if (pu != nullptr && pu->code == prov->code) {
          only = u;
          ++n;
        }
      }
      if (n == 1) return only;
    }
    return nullptr;  // ambiguous: say nothing rather than guess
  }
  return nullptr;
}

const Unit* Extractor::Impl::ByNamedParent(const Work& w, const std::vector<const Unit*>& found,
                                           size_t after) const {
  const std::string_view t = w.t;
  size_t q = SkipSpaces(t, after);
  if (q >= t.size() || t[q] != ',') return nullptr;
  q = SkipSpaces(t, q + 1);
  size_t e = kNone;
  for (const char* word : {"huyen", "quan", "thi xa", "thanh pho", "tinh"})
    if (StartsWithWords(t, q, word)) e = q + std::strlen(word);
  if (e == kNone) return nullptr;
  // The capitalized words of the name (up to four), with the type word: "huyện Thủ Thừa".
  for (int words = 0; words < 4; ++words) {
    size_t n = SkipSpaces(t, e);
    if (n >= t.size() || !(IsUpper(t[n]) || IsDigit(t[n]))) break;
    while (n < t.size() && (IsAlnum(t[n]) || t[n] == '\'')) ++n;
    e = n;
  }
  const auto parents =
      gazetteer->Find(Nfc(w, {q, e}), Gazetteer::Committee::kAny, AfterReform(w));
  const Unit* only = nullptr;
  for (const Unit* u : found) {
    for (const Unit* a = gazetteer->Parent(*u); a != nullptr; a = gazetteer->Parent(*a)) {
      bool named = std::any_of(parents.begin(), parents.end(),
                               [&](const Unit* p) { return p->code == a->code; });
      if (!named) continue;
      if (only != nullptr && only != u) return nullptr;  // still two
      only = u;
    }
  }
  return only;
}

// A committee named without its place ("Ban Thường vụ Thành ủy tổ chức …"): the place
// of that level the page names most ("Trang thông tin điện tử thành phố Tam Điệp").
const Unit* Extractor::Impl::UnnamedUnit(const Work& w, Gazetteer::Committee c) const {
  if (gazetteer == nullptr) return nullptr;
  const char* word = PlaceWordOf(c);
  std::map<std::string, std::pair<int, const Unit*>> votes;
  if (word != nullptr) {
    for (size_t pos = 0; (pos = FindWords(w.t, pos, w.t.size(), word)) != kNone;) {
      size_t n = SkipSpaces(w.t, pos + std::strlen(word));
      size_t e = n;
      int words = 0;
      while (e < w.t.size() && words < 4 && (IsUpper(w.t[e]) || IsDigit(w.t[e]))) {
        while (e < w.t.size() && IsAlnum(w.t[e])) ++e;
        ++words;
        size_t nx = SkipSpaces(w.t, e);
        if (nx < w.t.size() && nx > e && (IsUpper(w.t[nx]) || IsDigit(w.t[nx]))) e = nx;
        else break;
      }
      if (e > n) {
        const Unit* u = ResolveUnit(w, c, "", {n, e});
        if (u != nullptr) {
          auto& v = votes[u->code];
          ++v.first;
          v.second = u;
        }
      }
      pos = e > pos ? e : pos + 1;
    }
  }
  if (c == Gazetteer::Committee::kTinhUy || c == Gazetteer::Committee::kThanhUy) {
    for (const auto& [u, off] : ProvincesNamed(w)) {
      if (c == Gazetteer::Committee::kThanhUy && gazetteer->CommitteeOf(*u) != c) continue;
      if (c == Gazetteer::Committee::kTinhUy && gazetteer->CommitteeOf(*u) != c) continue;
      auto& v = votes[u->code];
      ++v.first;
      v.second = u;
    }
  }
  const Unit* best = nullptr;
  int best_n = 0;
  bool tie = false;
  for (const auto& [code, v] : votes) {
    if (v.first > best_n) {
      best = v.second;
      best_n = v.first;
      tie = false;
    } else if (v.first == best_n) {
      tie = true;
    }
  }
  return tie ? nullptr : best;
}

void Extractor::Impl::BuildDocuments(Work& w) const {
  std::map<std::string, int> by_code;
  std::vector<std::string> ref_date;  // per document: the first stated date
  for (size_t i = 0; i < w.refs.size(); ++i) {
    Ref& r = w.refs[i];
    if (r.kind == MentionKind::kShortForm) continue;
    std::string code;
    if (r.kind == MentionKind::kPlenum) {
      const Catalogue::Entry* e =
          catalogue != nullptr ? catalogue->ByPlenum(r.plenum, r.term) : nullptr;
      if (e != nullptr) {
        code = e->key.number + "-" + e->key.type + "/TW#" + e->key.term;
        r.number = e->key.number;
        r.date = e->date;
      } else {
        code = "TW" + r.plenum + "-NQ/TW#" + r.term;
      }
    } else {
      code = KeyOf(r);
    }
    // One code with two stated dates is two documents (35-CT/TW of 2019 and of 2024):
    // a dated reference joins the document of that date, or one not dated yet.
    if (!r.date.empty() && r.kind != MentionKind::kPlenum) {
      std::string base = code;
      for (int n = 1;; ++n) {
        auto at = by_code.find(code);
        if (at == by_code.end() || ref_date[at->second].empty() || ref_date[at->second] == r.date) break;
        code = base + "#" + std::to_string(n);
      }
    }
    auto it = by_code.find(code);
    if (it == by_code.end()) {
      ref_date.push_back("");
      Doc d;
      d.d.key.family = r.family;
      d.d.key.type = r.type;
      d.d.key.number = r.number;
      d.d.key.suffix = r.suffix;
      d.d.key.year = r.year;
      d.first = r.span.s;
      it = by_code.emplace(code, static_cast<int>(w.docs.size())).first;
      w.docs.push_back(std::move(d));
    }
    Doc& d = w.docs[it->second];
    if (r.kind == MentionKind::kPlenum) {
      d.d.key.plenum = r.plenum;
      d.d.key.term = r.term;
      d.plenum_date = r.date;  // the catalogue's date of that plenum's resolution
    }
    r.doc = it->second;
    if (ref_date[it->second].empty()) ref_date[it->second] = r.date;
    d.refs.push_back(static_cast<int>(i));
  }
}

void Extractor::Impl::ResolveShortForms(Work& w) const {
  // Lists sharing one issuer: "Đề án 02, Kế hoạch 290, Chỉ thị 22 của Ban Thường vụ Thành
  // ủy": walking back from a short form that names its issuer, every short form joined to
  // it by ',' or 'và' alone shares that issuer.
  for (size_t i = w.refs.size(); i-- > 1;) {
    Ref& last = w.refs[i];
    if (last.kind != MentionKind::kShortForm || !last.issuer.ok()) continue;
    for (size_t j = i; j-- > 0;) {
      Ref& prev = w.refs[j];
      if (prev.kind != MentionKind::kShortForm || prev.issuer.ok() || prev.date.size()) break;
      std::string between = Lower(std::string(w.t.substr(prev.span.e, w.refs[j + 1].span.s - prev.span.e)));
      std::string stripped;
      for (char c : between)
        if (c != ' ') stripped.push_back(c);
      if (stripped != "," && stripped != "va" && stripped != ",va") break;
      prev.issuer = last.issuer;
      prev.issuer_suffix = last.issuer_suffix;
      prev.issuer_committee = last.issuer_committee;
      prev.issuer_name = last.issuer_name;
      prev.kind = MentionKind::kListMember;
    }
  }
  std::map<std::string, int> created;
  for (size_t i = 0; i < w.refs.size(); ++i) {
    Ref& r = w.refs[i];
    if (r.kind != MentionKind::kShortForm && r.kind != MentionKind::kListMember) continue;
    std::vector<int> cands;
    for (size_t k = 0; k < w.docs.size(); ++k) {
      const DocumentKey& key = w.docs[k].d.key;
      // "Chương trình hành động 01" names a CTr or a CTHĐ alike; "Quy định 08" a QĐ or a
      // QĐi (08-QĐi/TW).
      bool same_type = key.type == r.type || (r.type == "CTr" && key.type == "CTHĐ") ||
                       (r.type == "QĐ" && key.type == "QĐi");
      if (key.family != Family::kParty || !same_type || key.number != r.number) continue;
      if (!r.issuer_suffix.empty() && key.suffix != r.issuer_suffix) continue;
      cands.push_back(static_cast<int>(k));
    }
    if (cands.size() == 1) {
      r.doc = cands[0];
      w.docs[cands[0]].refs.push_back(static_cast<int>(i));
      continue;
    }
    if (cands.size() > 1) {
      // One code stated with two dates (35-CT/TW of 2019 and of 2024): the short form
      // means the one named last before it. Different codes stay ambiguous.
      const DocumentKey& k0 = w.docs[cands[0]].d.key;
      bool same_code = std::all_of(cands.begin(), cands.end(), [&](int c) {
        const DocumentKey& k = w.docs[c].d.key;
        return k.type == k0.type && k.suffix == k0.suffix;
      });
      int nearest = -1;
      size_t nearest_at = 0;
      for (int c : cands)
        for (int ri : w.docs[c].refs)
          if (w.refs[ri].span.s < r.span.s && w.refs[ri].span.s >= nearest_at) {
            nearest = c;
            nearest_at = w.refs[ri].span.s;
          }
      if (same_code && nearest >= 0) {
        r.doc = nearest;
        w.docs[nearest].refs.push_back(static_cast<int>(i));
        continue;
      }
      if (!r.weak) r.unresolved = "ambiguous: " + std::to_string(cands.size()) + " documents of this number";
      continue;
    }
    // No full code in the article: the stated issuer gives the suffix.
    if (!r.issuer_suffix.empty() && r.issuer_suffix != "CP" && r.type != "NĐ" && r.type != "TT") {
      std::string code = r.number + "-" + r.type + "/" + r.issuer_suffix;
      auto it = created.find(code);
      if (it == created.end()) {
        Doc d;
        d.d.key.family = Family::kParty;
        d.d.key.type = r.type;
        d.d.key.number = r.number;
        d.d.key.suffix = r.issuer_suffix;
        d.first = r.span.s;
        it = created.emplace(code, static_cast<int>(w.docs.size())).first;
        w.docs.push_back(std::move(d));
      }
      r.doc = it->second;
      r.suffix = r.issuer_suffix;
      w.docs[it->second].refs.push_back(static_cast<int>(i));
      continue;
    }
    if (!r.weak) r.unresolved = "no full code for this short form";
  }
  // Fold each document's facts from its references: first stated wins.
  for (auto& d : w.docs) {
    std::sort(d.refs.begin(), d.refs.end());
    d.first = w.refs[d.refs.front()].span.s;
    for (int ri : d.refs) {
      const Ref& r = w.refs[ri];
      if (d.d.date.empty() && !r.date.empty()) d.d.date = r.date;
      if (d.d.issuer.empty() && r.issuer.ok()) {
        d.d.issuer = Nfc(w, r.issuer);
        d.issuer_committee = r.issuer_committee;
        d.issuer_name = r.issuer_name;
      }
      if (d.d.title.empty() && r.title.ok()) d.d.title = Nfc(w, r.title);
      d.d.mentions.push_back(MentionOf(w, r.span, r.kind));
    }
  }
}

void Extractor::Impl::AddCatalogueData(Work& w) const {
  for (auto& d : w.docs) {
    DocumentKey& k = d.d.key;
    if (!k.IsCentral()) continue;
    const Catalogue::Entry* e = nullptr;
    if (catalogue != nullptr && !k.number.empty()) {
      // A plenum name fixes the term; a date fixes the document; else the article's date
      // bounds it (a 2019 article cannot cite a 2024 directive).
      std::string bound = !d.plenum_date.empty() ? d.plenum_date
                          : !d.d.date.empty()    ? d.d.date
                                                 : w.meta.published;
      if (!bound.empty()) {
        e = catalogue->ByCodeAt(k.type, k.number, bound);
        // A stated date that is not the catalogue's: another document of that code.
        if (e != nullptr && !d.d.date.empty() && e->date != d.d.date) e = nullptr;
      } else {
        auto all = catalogue->ByCode(k.type, k.number);
        if (all.size() == 1) e = all[0];
      }
      // Without a stated date, an issuer the text names that is not the catalogue's makes
      // it another document of that number ("Quy định số 85 của Bộ Chính trị" of 2017 is
      // not the Secretariat's 85-QĐ/TW of 2022). "Trung ương" alone names no one organ.
      if (e != nullptr && d.d.date.empty() && !d.d.issuer.empty()) {
        auto organ = [](const std::string& s) -> std::string {
          if (s.find("Chính trị") != std::string::npos) return "bct";
          if (s.find("Bí thư") != std::string::npos) return "bbt";
          return "";
        };
        std::string stated = organ(d.d.issuer), known = organ(e->issuer);
        if (!stated.empty() && !known.empty() && stated != known) e = nullptr;
      }
    }
    if (e != nullptr) {
      if (d.d.date.empty()) d.d.date = e->date;
      if (d.d.issuer.empty()) d.d.issuer = e->issuer;
      if (d.d.title.empty()) d.d.title = e->title;
      // A title read "to the end of the clause" may run on into the sentence's next clause
      // ("về những điều đảng viên không được làm, góp phần giảm …"): where it starts with
      // the catalogue's title and goes on past a comma, colon or semicolon, it ends there.
      const std::string& known = e->title;
      if (!known.empty() && d.d.title.size() > known.size() &&
          d.d.title.compare(0, known.size(), known) == 0 &&
          std::strchr(",:;", d.d.title[known.size()]) != nullptr) {
        d.d.title = known;
      }
      k.term = e->key.term;
      if (k.plenum.empty()) k.plenum = e->plenum;
    } else if (!d.d.date.empty() && k.term.empty()) {
      k.term = Catalogue::TermOf(d.d.date);
    }
    k.scope = "TW";
    if (d.d.issuer.empty() && k.number.empty()) d.d.issuer = "Ban Chấp hành Trung ương";
  }
}

// Central documents named two ways ("Nghị quyết Trung ương 4 khóa XII" and "04-NQ/TW")
// share one key once the catalogue has spoken: they become one document.
void Extractor::Impl::MergeSameKeys(Work& w) const {
  std::map<std::string, int> first;
  std::vector<int> target(w.docs.size());
  for (size_t i = 0; i < w.docs.size(); ++i) {
    const DocumentKey& k = w.docs[i].d.key;
    std::string key = k.IsCentral() ? k.ToString() : "#" + std::to_string(i);
    auto [it, fresh] = first.emplace(key, static_cast<int>(i));
    target[i] = it->second;
    if (fresh) continue;
    Doc& into = w.docs[it->second];
    Doc& from = w.docs[i];
    into.refs.insert(into.refs.end(), from.refs.begin(), from.refs.end());
    std::sort(into.refs.begin(), into.refs.end());
    into.d.mentions.insert(into.d.mentions.end(), from.d.mentions.begin(), from.d.mentions.end());
    std::sort(into.d.mentions.begin(), into.d.mentions.end(),
              [](const Mention& a, const Mention& b) { return a.start < b.start; });
    into.first = std::min(into.first, from.first);
    if (into.d.key.plenum.empty()) into.d.key.plenum = from.d.key.plenum;
    if (into.d.title.empty()) into.d.title = from.d.title;
    if (into.d.issuer.empty()) into.d.issuer = from.d.issuer;
  }
  if (first.size() == w.docs.size()) return;
  std::vector<Doc> kept;
  std::vector<int> renumber(w.docs.size(), -1);
  for (size_t i = 0; i < w.docs.size(); ++i) {
    if (target[i] != static_cast<int>(i)) continue;
    renumber[i] = static_cast<int>(kept.size());
    kept.push_back(std::move(w.docs[i]));
  }
  for (auto& r : w.refs)
    if (r.doc >= 0) r.doc = renumber[target[r.doc]];
  w.docs = std::move(kept);
}

namespace {

// The name in a match `m` of FindMeetings' kChairBefore ("đồng chí Nguyễn Văn A, Bí thư …
// chủ trì"): after "đồng chí" and RE2's \s, capitalized words of letters up to the \s and
// ',' that follow them. Its words are letters only, so it ends where the letters before
// the first ',' end: the group RE2 would give.
Span ChairName(std::string_view t, Span m) {
  auto spaces = [&](size_t i) {
    while (i < m.e && IsReSpace(t[i])) ++i;
    return i;
  };
  const size_t s = spaces(spaces(m.s + 4) + 3);  // past "dong", \s+, "chi", \s+
  size_t e = s;
  for (;;) {
    while (e < m.e && IsLetter(t[e])) ++e;
    const size_t next = spaces(e);
    if (next >= m.e || t[next] == ',') break;
    e = next;
  }
  return {s, e};
}

}  // namespace

void Extractor::Impl::FindMeetings(Work& w) const {
  const Patterns& p = Patterns::Get();
  const std::string_view t = w.t;
  struct Holder {
    Span whole, level, name;
    Gazetteer::Committee committee;
  };
  auto holders_in = [&](Span s) {
    std::vector<Holder> hs;
    std::vector<Span> g;
    // Every committee word ends in "ủy": a sentence without that word holds none.
    if (FindWords(t, s.s, s.e, "uy") == kNone) return hs;
    // "(Trang thông tin điện tử Huyện ủy Phú Vang) - Chiều 27/9, …": the source's name
    // heading the lead, not the holder.
    size_t source_end = s.s;
    if (size_t open = SkipSpaces(t, s.s); open < s.e && t[open] == '(') {
      size_t close = t.find(')', open);
      if (close != kNone && close < s.e) {
        size_t n = SkipSpaces(t, close + 1);
        if (n < s.e && t[n] == '-') source_end = close;
      }
    }
    // Tried at the places a match can start only (CommitteeStarts): one unanchored search
    // of the rest of the sentence for each committee cost more.
    for (size_t pos = s.s; FindAnchoredAtEach(p.committee, t, pos, s.e, &g, CommitteeStarts(t, pos, s.e));
         pos = g[0].e) {
      // "của Tỉnh ủy", "do BTV Tỉnh ủy": an issuer, not the meeting's holder
      size_t b = g[0].s;
      while (b > 0 && t[b - 1] == ' ') --b;
      bool issuer = (b >= 3 && (Lower(std::string(t.substr(b - 3, 3))) == "cua")) ||
                    (b >= 2 && Lower(std::string(t.substr(b - 2, 2))) == "do");
      if (issuer) continue;
      // "tại Hội trường Huyện ủy", "trụ sở Tỉnh ủy": a building, not the holder
      size_t back = b > 12 ? b - 12 : 0;
      if (FindWords(t, back, b, "hoi truong") != kNone || FindWords(t, back, b, "tru so") != kNone)
        continue;
      if (g[0].s < source_end) continue;
      auto c = CommitteeOfFolded(Str(t, g[2]));
      if (!c) continue;
      // Quân ủy (the army's) folds like Quận ủy: the original has "Quân" with â.
      if (*c == Gazetteer::Committee::kQuanUy) {
        std::string word = Nfc(w, g[2]);
        if (word.find("\xc3\xa2") != std::string::npos || word.find("\xc3\x82") != std::string::npos)
          continue;
      }
      hs.push_back({g[0], g[3], g[4], *c});
      break;  // only a sentence's first holder counts (below)
    }
    return hs;
  };
  struct KindWord {
    const char* folded;
    const char* kind;
    bool review;
  };
  static const KindWord kKinds[] = {
      {"so ket", "sơ kết", true},        {"tong ket", "tổng kết", true},
      {"trien khai", "triển khai", false}, {"quan triet", "quán triệt", false},
      {"hoc tap", "quán triệt", false},   {"pho bien", "quán triệt", false},
  };
  auto first_kind = [&](size_t from, size_t to, const KindWord** kw) -> size_t {
    size_t best = kNone;
    for (const auto& k : kKinds) {
      size_t at = FindWords(t, from, to, k.folded);
      if (at != kNone && (best == kNone || at < best)) {
        best = at;
        *kw = &k;
      }
    }
    return best;
  };

  // "Sáng 21 tháng 11 năm 2022": a date in words, with its year or without.
  static const RE2 kDayMonthWords(
      R"(\b(\d{1,2})\s+(?i:thang)\s+(\d{1,2})(?:\s+(?i:nam)\s+(\d{4}))?\b)", FoldedTextOptions());

  // 1. The meeting sentence: a holder committee before a meeting word, best with a date.
  int best_score = 0;
  size_t best_sent = kNone;
  Holder best_holder{};
  size_t limit = w.sentences.size();
  for (size_t si = 0; si < limit; ++si) {
    Span s = w.sentences[si];
    auto hs = holders_in(s);
    if (hs.empty()) continue;
    const KindWord* kw = nullptr;
    size_t kind_at = first_kind(hs[0].whole.e, s.e, &kw);
    size_t meeting_at = FindWords(t, hs[0].whole.e, s.e, "hoi nghi");
    if (kind_at == kNone && meeting_at == kNone) continue;
    int score = 3;
    // "tổ chức", "chủ trì", or "họp" before the meeting ("họp hội nghị sơ kết"; "hop" alone
    // is also the folded "hợp" of "phối hợp")
    bool holds = FindWords(t, s.s, s.e, "to chuc") != kNone || FindWords(t, s.s, s.e, "chu tri") != kNone;
    for (const char* w : {"hop hoi nghi", "hop so ket", "hop tong ket", "hop phien"})
      holds = holds || FindWords(t, s.s, s.e, w) != kNone;
    if (holds) score += 2;
    if (kind_at != kNone) score += 2;
    std::vector<Span> g;
    // a date before the holder ("… - Sáng 15/12, Ban Thường vụ Huyện ủy …") marks the lead
    if (Find(p.day_month, t, s.s, hs[0].whole.s, &g) ||
        Find(kDayMonthWords, t, s.s, hs[0].whole.s, &g))
      score += 3;
    else if (Find(p.day_month, t, s.s, std::min(s.e, s.s + 40), &g)) score += 2;
    bool has_doc = false;
    for (const auto& r : w.refs)
      if (r.doc >= 0 && r.span.s >= s.s && r.span.e <= s.e) has_doc = true;
    if (has_doc) score += 2;
    if (score > best_score) {
      best_score = score;
      best_sent = si;
      best_holder = hs[0];
    }
  }
  if (best_sent == kNone) return;
  Span s = w.sentences[best_sent];

  Meeting base;
  // 2. The holder unit.
  const Unit* unit = nullptr;
  std::string level_word = Str(t, best_holder.level);
  if (best_holder.name.ok()) {
    Span name = best_holder.name;
    if (best_holder.level.ok()) {
      // "Quận ủy Quận 1": the place word belongs to the name when it is capitalized or the
      // name is a number.
      // "Đảng ủy xã Thuận Hưng": the type word tells a xã from a phường of that name.
      std::string nm = Str(t, best_holder.name);
      if (IsUpper(t[best_holder.level.s]) || (!nm.empty() && IsDigit(nm[0])) ||
          best_holder.committee == Gazetteer::Committee::kDangUy)
        name.s = best_holder.level.s;
    }
    unit = ResolveUnit(w, best_holder.committee, "", name);
    if (unit == nullptr && best_holder.level.ok() && name.s != best_holder.level.s)
      unit = ResolveUnit(w, best_holder.committee, "", {best_holder.level.s, best_holder.name.e});
    // Words after the committee that name no place are a person's name ("Bí thư Thành ủy
    // Nguyễn Văn A"): the committee is then unnamed.
    if (unit == nullptr && !best_holder.level.ok()) {
      unit = UnnamedUnit(w, best_holder.committee);
      if (unit == nullptr) best_holder.name = Span{};
    }
  } else if (!best_holder.level.ok()) {
    unit = UnnamedUnit(w, best_holder.committee);
  }
  std::string committee_word = Gazetteer::CommitteeWord(best_holder.committee);
  if (unit != nullptr) {
    std::string name = unit->name;
    // "Quận Bình Tân" -> "Bình Tân"; "Quận 1" stays.
    static const char* kTypeWords[] = {"Tỉnh ", "Thành phố ", "Quận ", "Huyện ", "Thị xã ",
                                       "Xã ", "Phường ", "Thị trấn ", "Đặc khu "};
    for (const char* tw : kTypeWords) {
      size_t n = std::strlen(tw);
      if (name.compare(0, n, tw) == 0 && name.size() > n && !IsDigit(name[n])) {
        name = name.substr(n);
        break;
      }
    }
    base.unit = committee_word + " " + name;
    if (best_holder.committee == Gazetteer::Committee::kDangUy) {
      std::string low = unit->name;
      // "Đảng ủy xã Tân Hội": the type word in lower case (ASCII letters only).
      if (!low.empty() && IsUpper(low[0])) low[0] = static_cast<char>(low[0] - 'A' + 'a');
      base.unit = committee_word + " " + (low.empty() ? name : low);
    }
    base.unit_level = UnitLevelName(unit->level);
    base.unit_code = unit->code;
    base.unit_after_reform = unit->after_reform;
    const Unit* prov = gazetteer->ProvinceOf(*unit);
    if (prov != nullptr) base.province = prov->name;
    w.holder = unit;
    w.holder_committee = best_holder.committee;
  } else if (best_holder.committee == Gazetteer::Committee::kDangUy && best_holder.level.ok() &&
             IsBlocWord(Str(t, best_holder.level))) {
    // A committee that is not a place: "Đảng ủy Khối các cơ quan tỉnh Bình Định", "Đảng ủy
    // Quân sự tỉnh Quảng Ngãi". Its name runs to the verb; its province is the one it
    // names, or the only one the article names.
    size_t end = BlocNameEnd(t, best_holder.level.s, s.e);
    Span name{best_holder.level.s, end};
    Bloc bloc;
    bloc.name = Nfc(w, name);
    base.unit = committee_word + " " + bloc.name;
    base.unit_level = UnitLevelName(UnitLevel::kBloc);
    static const RE2 kProvinceIn(R"((?i:tinh|thanh\s+pho)\s+([A-Z][A-Za-z]*(?:\s+[A-Z][A-Za-z]*){0,3}))",
                                 FoldedTextOptions());
    std::vector<Span> pg;
    if (Find(kProvinceIn, t, name.s, name.e, &pg))
      bloc.province = ResolveUnit(w, Gazetteer::Committee::kAny, "", pg[1]);
    if (bloc.province != nullptr) bloc.province = gazetteer->ProvinceOf(*bloc.province);
    if (bloc.province == nullptr && gazetteer != nullptr) {
      const auto& named = ProvincesNamed(w);
      if (named.size() == 1) bloc.province = named[0].first;
    }
    if (bloc.province != nullptr) base.province = bloc.province->name;
    w.bloc = bloc;
    w.holder_committee = best_holder.committee;
  } else {
    base.unit = best_holder.name.ok()
                    ? committee_word + " " + Nfc(w, {best_holder.level.ok() ? best_holder.level.s : best_holder.name.s, best_holder.name.e})
                    : Nfc(w, best_holder.whole);
    w.holder_committee = best_holder.committee;
  }

  // 3. Kind.
  const KindWord* kw = nullptr;
  size_t kind_at = first_kind(best_holder.whole.e, s.e, &kw);
  base.kind = kw != nullptr ? kw->kind : "other";
  {
    // "tổ chức buổi tọa đàm “Học tập …”", "họp giao ban": an event of another kind named
    // before any review word; a kind word inside quotes is a title, not the event.
    size_t other = kNone;
    for (const char* ev : {"toa dam", "hoi thao", "giao ban", "gap mat", "dien dan", "hoi thi",
                           "cuoc thi", "le ky niem", "le trao"}) {
      size_t at = FindWords(t, best_holder.whole.e, s.e, ev);
      if (at != kNone && (other == kNone || at < other)) other = at;
    }
    bool quoted = false;
    if (kind_at != kNone)
      quoted = std::count(t.begin() + static_cast<long>(best_holder.whole.e),
                          t.begin() + static_cast<long>(kind_at), '"') % 2 == 1;
    if (other != kNone && (kind_at == kNone || other < kind_at || quoted)) base.kind = "other";
  }

  // 4. Date: the first day/month of the sentence that is not a document's date.
  auto in_tail = [&](size_t pos) {
    for (const auto& r : w.refs)
      if (pos >= r.span.s && pos < std::max(r.tail_end, r.span.e)) return true;
    return false;
  };
  int day = 0, month = 0, year = 0;
  {
    // A date introduced as the meeting's ("Chiều 20/11", "sáng ngày 2/6/2023") wins over
    // a bare one (a posting stamp "(21/11/2023 08:15)").
    std::vector<Span> g;
    bool introduced = false;
    for (size_t pos = s.s; Find(kDayMonthWords, t, pos, s.e, &g); pos = g[0].e) {
      if (in_tail(g[0].s)) continue;
      int d = ToInt(Str(t, g[1])), m = ToInt(Str(t, g[2]));
      if (d < 1 || d > 31 || m < 1 || m > 12) continue;
      size_t back = g[0].s > 12 ? g[0].s - 12 : 0;
      bool intro = false;
      for (const char* w : {"sang", "chieu", "toi", "trua", "ngay", "dem"})
        intro = intro || FindWords(t, back, g[0].s, w) != kNone;
      if (!intro) continue;
      day = d;
      month = m;
      year = g[3].ok() ? SaneYear(ToInt(Str(t, g[3])), 0) : 0;
      introduced = true;
      break;
    }
    for (size_t pos = s.s; !introduced && Find(p.day_month, t, pos, s.e, &g); pos = g[0].e) {
      if (in_tail(g[0].s)) continue;
      if (g[0].e < t.size() && t[g[0].e] == '/') continue;
      int d = ToInt(Str(t, g[1])), m = ToInt(Str(t, g[2]));
      if (d < 1 || d > 31 || m < 1 || m > 12) continue;
      size_t back = g[0].s > 12 ? g[0].s - 12 : 0;
      bool intro = false;
      for (const char* w : {"sang", "chieu", "toi", "trua", "ngay", "dem"})
        intro = intro || FindWords(t, back, g[0].s, w) != kNone;
      if (day != 0 && (introduced || !intro)) continue;
      day = d;
      month = m;
      year = g[3].ok() ? SaneYear(ToInt(Str(t, g[3])), 0) : 0;
      introduced = intro;
      if (intro) break;
    }
  }

  // 5. Documents: reviewed after "sơ kết/tổng kết/N năm thực hiện", launched after
  // "triển khai/quán triệt"; each "N năm" opens a review period of its own.
  struct Segment {
    std::optional<int> years;
    std::vector<int> reviewed, launched;
  };
  std::vector<Segment> segs(1);
  std::vector<int> held_under;
  bool review = kw != nullptr ? kw->review : true;
  size_t cursor = kind_at != kNone ? kind_at : best_holder.whole.e;
  // Documents before the holder, after "Thực hiện": the plan it was held under.
  for (const auto& r : w.refs) {
    if (r.doc < 0 || r.span.s < s.s || r.span.e > best_holder.whole.s) continue;
    size_t th = FindWords(t, s.s, r.span.s, "thuc hien");
    if (th != kNone) held_under.push_back(r.doc);
  }
  std::vector<size_t> title_ends;
  size_t last = cursor;
  auto inside_title = [&](const Ref& r) {
    for (const auto& o : w.refs)
      if (o.title.ok() && r.span.s >= o.title.s && r.span.e <= o.title.e) return true;
    return false;
  };
  for (size_t ri = 0; ri < w.refs.size(); ++ri) {
    const Ref& r = w.refs[ri];
    if (r.span.s < cursor || r.span.e > s.e || r.doc < 0) continue;
    if (inside_title(r)) continue;
    // Mode switches between the previous document and this one.
    std::string_view gap = t.substr(last, r.span.s - last);
    (void)gap;
    size_t best = kNone;
    const KindWord* sw = nullptr;
    for (const auto& k : kKinds) {
      size_t at = FindWords(t, last, r.span.s, k.folded);
      if (at != kNone && (best == kNone || at > best)) {
        best = at;
        sw = &k;
      }
    }
    std::vector<Span> yg;
    std::optional<int> years;
    size_t years_at = kNone;
    for (size_t pos = last; Find(p.years, t, pos, r.span.s, &yg); pos = yg[0].e) {
      years = ToInt(Str(t, yg[1]));
      years_at = yg[0].s;
    }
    if (sw != nullptr && (years_at == kNone || best > years_at)) review = sw->review;
    if (years_at != kNone && (sw == nullptr || years_at > best)) review = true;
    if (years) {
      if (!segs.back().reviewed.empty() || !segs.back().launched.empty()) segs.emplace_back();
      segs.back().years = years;
    }
    // A document that another one of the sentence implements is not itself reviewed.
    bool object = w.relation_objects.count(static_cast<int>(ri)) > 0;
    if (!object) {
      auto& list = review ? segs.back().reviewed : segs.back().launched;
      if (std::find(list.begin(), list.end(), r.doc) == list.end()) list.push_back(r.doc);
    }
    last = std::max(r.tail_end, r.span.e);
    if (r.title.ok()) last = std::max(last, r.title.e);
  }
  // Launched elsewhere: "Tại hội nghị, … triển khai / quán triệt / thông báo / công bố …
  // <document>".
  std::set<int> seen;
  for (const auto& sg : segs) {
    seen.insert(sg.reviewed.begin(), sg.reviewed.end());
    seen.insert(sg.launched.begin(), sg.launched.end());
  }
  for (size_t si = 0; si < w.sentences.size(); ++si) {
    if (si == best_sent) continue;
    Span o = w.sentences[si];
    // Only the documents inside the sentence can be launched there.
    if (std::none_of(w.refs.begin(), w.refs.end(),
                     [&](const Ref& r) { return r.doc >= 0 && r.span.s >= o.s && r.span.e <= o.e; }))
      continue;
    if (FindWords(t, o.s, o.e, "tai hoi nghi") == kNone && FindWords(t, o.s, o.e, "hoi nghi da") == kNone)
      continue;
    for (size_t ri = 0; ri < w.refs.size(); ++ri) {
      const Ref& r = w.refs[ri];
      if (r.doc < 0 || r.span.s < o.s || r.span.e > o.e || seen.count(r.doc)) continue;
      // what another document of the sentence carries out or replaces is not launched
      if (w.relation_objects.count(static_cast<int>(ri)) > 0) continue;
      size_t from = r.span.s > 60 ? r.span.s - 60 : o.s;
      from = std::max(from, o.s);
      bool launch = false;
      for (const char* word : {"trien khai", "quan triet", "pho bien", "thong bao", "cong bo", "ban hanh kem theo"})
        launch = launch || FindWords(t, from, r.span.s, word) != kNone;
      if (launch && !inside_title(r)) {
        segs.front().launched.push_back(r.doc);
        seen.insert(r.doc);
      }
    }
  }
  // Review period stated elsewhere: "sau 5 năm thực hiện Nghị quyết 35".
  if (!segs.front().years && !segs.front().reviewed.empty()) {
    int target = segs.front().reviewed.front();
    std::vector<Span> yg;
    for (const auto& r : w.refs) {
      if (r.doc != target || r.span.s < 20) continue;
      size_t from = r.span.s - 20;
      if (Find(p.years, t, from, r.span.s, &yg) && FindWords(t, yg[0].e, r.span.s, "thuc hien") != kNone) {
        segs.front().years = ToInt(Str(t, yg[1]));
        break;
      }
    }
  }

  // 6. Year of the date: stated, or inferred from "N năm thực hiện" a dated document and
  // from the publication date (a meeting is not after its article).
  if (day > 0) {
    bool inferred = year == 0;
    if (year == 0) {
      int from_doc = 0;
      for (const auto& sg : segs) {
        if (!sg.years || sg.reviewed.empty()) continue;
        const std::string& dd = w.docs[sg.reviewed.front()].d.date;
        if (dd.size() == 10) {
          from_doc = ToInt(dd.substr(0, 4)) + *sg.years;
          break;
        }
      }
      const std::string& pub = w.meta.published;
      int from_pub = 0;
      if (pub.size() == 10) {
        from_pub = ToInt(pub.substr(0, 4));
        if (Iso(from_pub, month, day) > pub) --from_pub;
      }
      // News reports a meeting within days: a date up to 92 days before the publication
      // takes the publication's year, whatever "N năm" says (N is rounded: a plan of
      // 12/2018 is "5 năm" old in 2/2024). An older one is an article looking back, where
      // the dated document's year plus N is the better guess.
      auto days_before_pub = [&](int y) {
        auto days = [](int yy, int mm, int dd) {
          namespace c = std::chrono;
          return c::sys_days{c::year{yy} / c::month{static_cast<unsigned>(mm)} /
                             c::day{static_cast<unsigned>(dd)}};
        };
        return (days(ToInt(pub.substr(0, 4)), ToInt(pub.substr(5, 2)), ToInt(pub.substr(8, 2))) -
                days(y, month, day)).count();
      };
      if (from_pub != 0 && days_before_pub(from_pub) <= 92) year = from_pub;
      else if (from_doc != 0 && (from_pub == 0 || Iso(from_doc, month, day) <= pub)) year = from_doc;
      else year = from_pub;
    }
    if (year != 0 && ValidDate(year, month, day)) {
      base.date = Iso(year, month, day);
      base.date_inferred = inferred;
    }
  }

  // 7. Chair: "Đồng chí X, <title> chủ trì", "… chủ trì hội nghị có đồng chí X".
  {
    static const RE2 kChairBefore(
        R"((?i:dong\s+chi)\s+([A-Z][A-Za-z]*(?:\s+[A-Z][A-Za-z]*){1,3})\s*,[^.\n]{0,160}?(?i:chu\s+tri))",
        FoldedTextOptions());
    static const RE2 kChairAfter(
        R"((?i:chu\s+tri)(?:\s+(?i:hoi\s+nghi))?\s+(?i:co|la)\s+(?:(?i:dong\s+chi)\s+)?([A-Z][A-Za-z]*(?:\s+[A-Z][A-Za-z]*){1,3}))",
        FoldedTextOptions());
    // Each match of kChairBefore starts at "đồng chí", each of kChairAfter at "chủ trì".
    // From `from`, at the places before `until`: those after it were tried already. Its
    // group, the name, is read from the match (ChairName), not by RE2 (~5,000 instructions).
    auto chair_before = [&](size_t from, size_t until, std::vector<Span>* g) {
      const bool found = FindAnchoredAt(
          kChairBefore, t, from, t.size(), g,
          [&](size_t i) {
            const size_t at = NextLeadWords(t, i, until, "dong chi");
            return at == kNone ? t.size() : at;
          },
          1);
      if (found) g->push_back(ChairName(t, (*g)[0]));
      return found;
    };
    auto chair_after = [&](size_t from, std::vector<Span>* g) {
      return FindAnchoredAt(kChairAfter, t, from, t.size(), g,
                            [&](size_t i) { return NextLeadWords(t, i, t.size(), "chu tri"); });
    };
    std::vector<Span> g;
    if (chair_before(s.s, t.size(), &g) || chair_after(s.s, &g) || chair_before(0, s.s, &g))
      base.chair = Nfc(w, g[1]);
  }

  // 8. Awards: "tặng giấy khen 30 tập thể, 12 cá nhân".
  std::optional<int> coll, indiv;
  {
    std::vector<Span> g;
    if (FindAnchoredAtEach(p.awards, t, s.s, t.size(), &g, AwardStarts(t, s.s, t.size()))) {
      coll = ToInt(Str(t, g[1]));
      indiv = ToInt(Str(t, g[2]));
    }
  }

  bool first = true;
  for (const auto& sg : segs) {
    if (!first && sg.reviewed.empty() && sg.launched.empty()) continue;
    Meeting m = base;
    m.years = sg.years;
    // Document indices until Assemble turns them into keys (scopes are not final yet).
    for (int d : sg.reviewed) m.reviewed.push_back(std::to_string(d));
    for (int d : sg.launched) m.launched.push_back(std::to_string(d));
    if (first) {
      m.award_collectives = coll;
      m.award_individuals = indiv;
      if (!held_under.empty()) m.held_under = std::to_string(held_under.front());
    }
    w.out.meetings.push_back(std::move(m));
    first = false;
  }
}

// The place of a People's Committee or Council document ("Ủy ban nhân dân tỉnh đã ban
// hành Kế hoạch số 120/KH-UBND", "Nghị quyết 22/2019/NQ-HĐND của HĐND thành phố"): the
// level word names the place of that level the meeting's unit lies in, or the place
// named after it. nullptr when the text does not tell.
const Unit* Extractor::Impl::LocalStateIssuer(const Work& w, const Doc& d) const {
  if (gazetteer == nullptr || d.refs.empty()) return nullptr;
  const std::string& sfx = d.d.key.suffix;
  if (sfx.rfind("UBND", 0) != 0 && sfx.rfind("HĐND", 0) != 0 && sfx.rfind("UB", 0) != 0) return nullptr;
  static const RE2 kCouncil(
      R"((?i:uy\s+ban\s+nhan\s+dan|ubnd|hoi\s+dong\s+nhan\s+dan|hdnd)\s+)"
      R"(((?i:tinh|thanh\s+pho|huyen|quan|thi\s+xa|xa|phuong))\b)"
      R"((?:\s+([A-Z0-9][A-Za-z0-9]*(?:\s+[A-Z0-9][A-Za-z0-9]*){0,3}))?)",
      FoldedTextOptions());
  const Ref& r = w.refs[d.refs.front()];
  std::vector<Span> g, last;
  size_t from = r.span.s > 80 ? r.span.s - 80 : 0;
  size_t nl = w.t.rfind('\n', r.span.s);
  if (nl != kNone && nl + 1 > from) from = nl + 1;
  // the council named last before the document, or in its issuer after it
  for (size_t pos = from; Find(kCouncil, w.t, pos, r.span.s, &g); pos = g[0].e) last = g;
  if (last.empty() && r.issuer.ok() && Find(kCouncil, w.t, r.issuer.s, r.issuer.e, &g)) last = g;
  if (last.empty()) return nullptr;
  std::string level = Lower(Str(w.t, last[1]));
  Gazetteer::Committee c = Gazetteer::Committee::kAny;
  if (level == "tinh") c = Gazetteer::Committee::kTinhUy;
  else if (level.rfind("thanh", 0) == 0) c = Gazetteer::Committee::kThanhUy;
  else if (level == "huyen") c = Gazetteer::Committee::kHuyenUy;
  else if (level == "quan") c = Gazetteer::Committee::kQuanUy;
  else if (level.rfind("thi", 0) == 0) c = Gazetteer::Committee::kThiUy;
  else c = Gazetteer::Committee::kDangUy;
  if (last[2].ok()) return ResolveUnit(w, c, "", last[2]);
  // "UBND tỉnh" without a name: the province of the meeting's unit; "UBND huyện": the
  // meeting's unit when it is that district.
  if (w.holder == nullptr) return nullptr;
  if (c == Gazetteer::Committee::kTinhUy ||
      (c == Gazetteer::Committee::kThanhUy && w.holder_committee != Gazetteer::Committee::kThanhUy))
    return gazetteer->ProvinceOf(*w.holder);
  if (gazetteer->CommitteeOf(*w.holder) == c) return w.holder;
  return nullptr;
}

void Extractor::Impl::ResolveJurisdictions(Work& w) const {
  const Unit* holder_province = (w.holder != nullptr && gazetteer != nullptr) ? gazetteer->ProvinceOf(*w.holder) : nullptr;
  // The one province the text names, read only when a document needs it (it is costly).
  const Unit* named_province = nullptr;
  bool named_read = false;
  auto province_named = [&]() {
    if (!named_read && gazetteer != nullptr) {
      named_read = true;
      const auto& named = ProvincesNamed(w);
      if (named.size() == 1) named_province = named[0].first;
    }
    return named_province;
  };
  for (auto& d : w.docs) {
    DocumentKey& k = d.d.key;
    if (k.family == Family::kState) {
      k.scope = (k.suffix == "CP" || k.suffix == "TTg" || k.suffix.find("QH") == 0) ? "VN" : "?";
      const Unit* u = LocalStateIssuer(w, d);
      if (u != nullptr) {
        d.d.jurisdiction = gazetteer->JurisdictionOf(*u);
        k.scope = u->slug;
      }
      continue;
    }
    if (k.IsCentral() || k.scope == "TW") continue;
    const Unit* u = nullptr;
    std::optional<Gazetteer::Committee> c;
    if (k.suffix == "TU") c = Gazetteer::Committee::kTinhUy;
    if (k.suffix == "QU") c = Gazetteer::Committee::kQuanUy;
    if (k.suffix == "HU") c = Gazetteer::Committee::kHuyenUy;
    if (k.suffix == "TX" || k.suffix == "ThU") c = Gazetteer::Committee::kThiUy;
    if (k.suffix == "ĐU") c = Gazetteer::Committee::kDangUy;
    // The issuer's own words: "của Tỉnh ủy Trà Vinh", "của Thành ủy".
    std::optional<Gazetteer::Committee> issuer_c;
    if (d.issuer_committee.ok()) {
      size_t sp = w.t.find(' ', d.issuer_committee.s);
      issuer_c = CommitteeOfFolded(w.t.substr(d.issuer_committee.s, sp - d.issuer_committee.s));
    }
    if (d.issuer_name.ok() && gazetteer != nullptr) {
      u = ResolveUnit(w, issuer_c.value_or(c.value_or(Gazetteer::Committee::kAny)), "", d.issuer_name);
    }
    if (u == nullptr && c && gazetteer != nullptr) {
      if (k.suffix == "TU") {
        // "Thành ủy" of the city that held the meeting, else the province.
        if (w.holder != nullptr && issuer_c == Gazetteer::Committee::kThanhUy &&
            w.holder_committee == Gazetteer::Committee::kThanhUy)
          u = w.holder;
        else
          u = holder_province != nullptr ? holder_province : province_named();
      } else if (w.holder != nullptr && w.holder_committee == *c) {
        u = w.holder;
      }
    }
    bool issuer_is_bloc = !d.issuer_name.ok();
    if (d.issuer_name.ok()) {
      size_t sp = w.t.find(' ', d.issuer_name.s);
      std::string first = Str(w.t, {d.issuer_name.s, std::min(sp, d.issuer_name.e)});
      issuer_is_bloc = IsBlocWord(first) || first == "Quan" || first == "Cong";
    }
    if (u == nullptr && k.suffix == "ĐU" && w.bloc && issuer_is_bloc) {
      // The bloc that held the meeting issues the ĐU documents it names.
      d.d.jurisdiction = w.bloc->name;
      std::string slug;
      for (char ch : FoldVietnamese(w.bloc->name)) slug.push_back(ch == ' ' ? '-' : ch);
      if (w.bloc->province != nullptr) {
        d.d.jurisdiction += ", " + w.bloc->province->name;
        slug += "." + w.bloc->province->slug;
      }
      k.scope = slug;
      continue;
    }
    if (u != nullptr) {
      d.d.jurisdiction = gazetteer->JurisdictionOf(*u);
      k.scope = u->slug;
    } else {
      k.scope = "?";
    }
  }
}

void Extractor::Impl::FindRelations(Work& w) const {
  const std::string_view t = w.t;
  auto ref_at = [&](size_t pos, size_t max_gap_words) -> int {
    // the first reference starting within `max_gap_words` words after pos
    size_t words = 0;
    size_t i = SkipSpaces(t, pos);
    while (i < t.size()) {
      for (size_t k = 0; k < w.refs.size(); ++k)
        if (w.refs[k].span.s == i && w.refs[k].doc >= 0) return static_cast<int>(k);
      if (words >= max_gap_words) break;
      if (t[i] == '.' || t[i] == '\n' || t[i] == ';' || t[i] == ',') break;
      while (i < t.size() && IsAlnum(t[i])) ++i;
      if (i < t.size() && !IsAlnum(t[i]) && t[i] != ' ') break;
      i = SkipSpaces(t, i);
      ++words;
    }
    return -1;
  };
  // The references coordinated with ref k: "A và B", "A, B".
  auto coordinated = [&](int k) {
    std::vector<int> out{k};
    while (true) {
      const Ref& r = w.refs[out.back()];
      size_t e = std::max(r.span.e, r.tail_end);
      size_t i = SkipSpaces(t, e);
      if (i < t.size() && t[i] == ',') i = SkipSpaces(t, i + 1);
      else if (StartsWithWords(t, i, "va")) i = SkipSpaces(t, i + 2);
      else break;
      int next = -1;
      for (size_t m = 0; m < w.refs.size(); ++m)
        if (w.refs[m].span.s == i && w.refs[m].doc >= 0) next = static_cast<int>(m);
      if (next < 0) break;
      out.push_back(next);
    }
    return out;
  };
  auto add = [&](const Ref& a, Relation rel, int b_ref) {
    for (int bk : coordinated(b_ref)) {
      const Ref& b = w.refs[bk];
      if (a.doc == b.doc) continue;
      // A document never carries out one of a lower committee: a provincial plan does not
      // implement a district's ("… thực hiện Chỉ thị 35-CT/TW và Kế hoạch 93-KH/ThU").
      int ra = LevelRank(w.docs[a.doc].d.key), rb = LevelRank(w.docs[b.doc].d.key);
      if (rel == Relation::kImplements && ra >= 0 && rb >= 0 && ra > rb) continue;
      w.relation_objects.insert(bk);
      if (!w.relation_pairs.insert({a.doc, b.doc}).second) continue;
      Edge e;
      e.from = std::to_string(a.doc);  // keys are filled in Assemble
      e.to = std::to_string(b.doc);
      e.rel = rel;
      e.evidence_start = w.ft.Orig(std::min(a.span.s, b.span.s));
      e.evidence_end = w.ft.Orig(std::max(a.span.e, b.span.e));
      w.out.relations.push_back(e);
    }
  };
  struct Trigger {
    const char* words;
    Relation rel;
  };
  static const Trigger kAfter[] = {
      {"ve tiep tuc thuc hien", Relation::kImplements}, {"tiep tuc thuc hien", Relation::kImplements},
      {"duoc ban hanh nham cu the hoa", Relation::kImplements},
      {"de trien khai thuc hien", Relation::kImplements},
      {"nham trien khai thuc hien", Relation::kImplements},
      {"de to chuc thuc hien", Relation::kImplements}, {"nham trien khai", Relation::kImplements},
      {"duoc ban hanh nham thuc hien", Relation::kImplements},
      {"duoc ban hanh de thuc hien", Relation::kImplements},
      {"nham cu the hoa", Relation::kImplements}, {"nham thuc hien", Relation::kImplements},
      {"ve viec thuc hien", Relation::kImplements}, {"ve thuc hien", Relation::kImplements},
      {"ve trien khai thuc hien", Relation::kImplements}, {"ve trien khai", Relation::kImplements},
      {"thuc hien", Relation::kImplements},  {"trien khai thuc hien", Relation::kImplements},
      {"trien khai", Relation::kImplements}, {"cu the hoa", Relation::kImplements},
      {"de thuc hien", Relation::kImplements}, {"de cu the hoa", Relation::kImplements},
      {"de trien khai", Relation::kImplements}, {"gan voi", Relation::kLinked},
      {"duoc gan voi", Relation::kLinked}, {"duoc gan lien voi", Relation::kLinked},
      {"gan lien voi", Relation::kLinked},
      {"sua doi, bo sung", Relation::kAmends}, {"ve sua doi, bo sung", Relation::kAmends},
      {"ve viec sua doi, bo sung", Relation::kAmends}, {"thay the", Relation::kReplaces},
      {"ve viec thay the", Relation::kReplaces},
  };
  // The first trigger that opens the text at `pos`, and the document right after it.
  auto relate_at = [&](const Ref& a, size_t pos) {
    // (Every trigger starts with one of these letters.)
    if (pos >= t.size() || std::strchr("vtdncgs", t[pos] | 0x20) == nullptr) return;
    for (const auto& tr : kAfter) {
      if (!StartsWithWords(t, pos, tr.words) && !(std::strchr(tr.words, ',') != nullptr && t.substr(pos, std::strlen(tr.words)) == tr.words))
        continue;
      size_t after = pos + std::strlen(tr.words);
      size_t gap = tr.rel == Relation::kAmends ? 5 : (tr.rel == Relation::kLinked ? 6 : 1);
      int b = ref_at(after, gap);
      if (b >= 0) add(a, tr.rel, b);
      return;
    }
  };
  for (size_t k = 0; k < w.refs.size(); ++k) {
    const Ref& a = w.refs[k];
    if (a.doc < 0) continue;
    // 1. "A … thực hiện B": the trigger right after A's date and issuer, or opening its
    //    title ("Kế hoạch 45-KH/HU về thực hiện Nghị quyết 35-NQ/TW").
    relate_at(a, SkipSpaces(t, std::max(a.span.e, a.tail_end)));
    // 1b. After A's title: "A … về <title>, thay thế B", "A “<title>” thực hiện B".
    if (a.title.ok()) {
      // past the closing quote, if the title has one (an unclosed title ends the text)
      size_t q = SkipSpaces(t, std::min(t.size(), a.title.e + (a.title_quoted ? 1 : 0)));
      if (q < t.size() && t[q] == ',') q = SkipSpaces(t, q + 1);
      relate_at(a, q);
    }
    // 2. Inside a quoted title: "“về trách nhiệm … tổ chức thực hiện Nghị quyết Trung ương
    //    4 (khóa XII) và Chỉ thị số 05-CT/TW”".
    if (a.title.ok() && a.title_quoted) {
      for (const char* trig : {"thuc hien", "trien khai", "cu the hoa"}) {
        for (size_t at = a.title.s; (at = FindWords(t, at, a.title.e, trig)) != kNone; ++at) {
          int b = ref_at(at + std::strlen(trig), 0);
          if (b >= 0 && w.refs[b].span.e <= a.title.e) add(a, Relation::kImplements, b);
        }
      }
    }
  }
  // 2b. Inside an unquoted title, the same: "Chỉ thị 45-CT/TU về cải cách tiền lương …
  //     thực hiện Nghị quyết 27-NQ/TW". Not when the title is about reviewing or checking
  //     (a plan "về sơ kết 5 năm thực hiện Nghị quyết 35" reviews it, and carries out nothing).
  for (size_t k = 0; k < w.refs.size(); ++k) {
    const Ref& a = w.refs[k];
    if (a.doc < 0 || !a.title.ok() || a.title_quoted) continue;
    size_t first = kNone, len = 0;
    for (const char* trig : {"trien khai thuc hien", "to chuc thuc hien", "thuc hien", "cu the hoa"}) {
      size_t at = FindWords(t, a.title.s, a.title.e, trig);
      if (at != kNone && at < first) {
        first = at;
        len = std::strlen(trig);
      }
    }
    if (first == kNone) continue;
    bool review = false;
    for (const char* word : {"so ket", "tong ket", "kiem tra", "giam sat", "danh gia", "bao cao",
                             "ket qua", "hoc tap", "quan triet", "tuyen truyen"})
      review = review || FindWords(t, a.title.s, first, word) != kNone;
    // "… và thực hiện B", "… gắn với thực hiện B": B is a second subject, or linked.
    size_t prev = first;
    while (prev > a.title.s && t[prev - 1] == ' ') --prev;
    size_t word = prev;
    while (word > a.title.s && IsAlnum(t[word - 1])) --word;
    const std::string_view before = t.substr(word, prev - word);
    if (review || before == "va" || before == "voi" || before == "hoac" || before == "cung") continue;
    int b = ref_at(first + len, 0);
    if (b >= 0) add(a, Relation::kImplements, b);
  }
  // 3. "Gắn A với … B": A linked to B.
  for (size_t at = 0; (at = FindWords(t, at, t.size(), "gan")) != kNone; ++at) {
    int a = ref_at(at + 3, 0);
    if (a < 0) continue;
    size_t e = std::max(w.refs[a].span.e, w.refs[a].tail_end);
    size_t voi = SkipSpaces(t, e);
    if (!StartsWithWords(t, voi, "voi")) continue;
    int b = ref_at(voi + 3, 6);
    if (b >= 0) add(w.refs[a], Relation::kLinked, b);
  }
  // 4. "(Để) thực hiện B, … (đã) ban hành A": A implements B.
  for (const Span& s : w.sentences) {
    size_t at = SkipSpaces(t, s.s);
    if (StartsWithWords(t, at, "de")) at = SkipSpaces(t, at + 2);
    else if (StartsWithWords(t, at, "nham")) at = SkipSpaces(t, at + 4);
    size_t after_trig = kNone;
    for (const char* tr : {"trien khai thuc hien", "to chuc thuc hien", "thuc hien", "trien khai",
                           "cu the hoa", "quan triet"}) {
      if (StartsWithWords(t, at, tr)) {
        after_trig = at + std::strlen(tr);
        break;
      }
    }
    if (after_trig == kNone) continue;
    int b = ref_at(after_trig, 1);
    if (b < 0) continue;
    size_t bh = FindWords(t, w.refs[b].span.e, s.e, "ban hanh");
    if (bh == kNone) continue;
    int a = ref_at(bh + 8, 2);
    if (a >= 0) add(w.refs[a], Relation::kImplements, b);
  }
  // 5. "<type word> này <trigger> B" ("Quyết định này thay thế Quyết định số 03-QĐ/ĐU",
  //    "Kế hoạch này nhằm triển khai thực hiện …"): "này" names the last document of that
  //    type before it, in the same sentence or the one before.
  for (size_t at = 0; (at = FindWords(t, at, t.size(), "nay")) != kNone; ++at) {
    // the two words before "này": the type word
    size_t e = at;
    while (e > 0 && t[e - 1] == ' ') --e;
    size_t s2 = e;
    for (int words = 0; words < 2 && s2 > 0; ++words) {
      while (s2 > 0 && IsAlnum(t[s2 - 1])) --s2;
      if (words == 0)
        while (s2 > 0 && t[s2 - 1] == ' ') --s2;
    }
    const std::string type = TypeOfWord(Lower(std::string(t.substr(s2, e - s2))));
    if (type.empty()) continue;
    // at most one sentence break between the document and "này"
    size_t from = s2 > 400 ? s2 - 400 : 0;
    int a = -1;
    for (size_t k = 0; k < w.refs.size(); ++k) {
      const Ref& r = w.refs[k];
      if (r.doc < 0 || r.span.s < from || r.span.e > s2) continue;
      const std::string& dt = w.docs[r.doc].d.key.type;
      if (dt == type || (type == "QĐ" && dt == "QĐi")) a = static_cast<int>(k);
    }
    if (a < 0) continue;
    int breaks = 0;
    for (size_t i = w.refs[a].span.e; i < s2; ++i) breaks += (t[i] == '.' || t[i] == '\n' || t[i] == ';');
    if (breaks > 1) continue;
    relate_at(w.refs[a], SkipSpaces(t, at + 3));
  }
}

// A steering committee is named after the central document it serves ("Ban Chỉ đạo 35"
// serves Nghị quyết 35-NQ/TW, DESIGN.md §1). Where an article names one, and the number is
// the number of exactly one central Party document of the article, each local Party
// document of the article that the text does not relate to it is likely carried out under
// that committee: an inferred `implements` edge, with the committee's name as evidence.
// The weight says how close the two are: named in one sentence 0.5; the local document
// reviewed or launched at a meeting of an article naming the committee 0.35. Other local
// documents of the article get nothing.
void Extractor::Impl::FindSteering(Work& w) const {
  const std::string_view t = w.t;
  // A committee counts only when it serves a central document of the article.
  if (std::none_of(w.docs.begin(), w.docs.end(), [](const Doc& d) { return d.d.key.IsCentral(); }))
    return;
  struct Committee {
    Span span;        // "Ban Chỉ đạo 35"
    int doc = -1;     // the central document it serves
    size_t sentence = 0;
  };
  std::vector<Committee> found;
  auto number_at = [&](size_t i, Span* digits) {
    i = SkipSpaces(t, i);
    if (StartsWithWords(t, i, "so")) i = SkipSpaces(t, i + 2);
    size_t e = i;
    while (e < t.size() && IsDigit(t[e])) ++e;
    // "35" alone: not "389/TP", "35-NQ", "35a", "1.237"
    if (e == i || e - i > 4 || (e < t.size() && (IsAlnum(t[e]) || t[e] == '/' || t[e] == '-' ||
                                                 (t[e] == '.' && e + 1 < t.size() && IsDigit(t[e + 1])))))
      return false;
    *digits = {i, e};
    return true;
  };
  for (const char* name : {"ban chi dao", "bcd"}) {
    const size_t len = std::strlen(name);
    for (size_t at = 0; (at = FindWords(t, at, t.size(), name)) != kNone; at += len) {
      Span digits;
      if (!number_at(at + len, &digits)) continue;
      const std::string number = std::to_string(ToInt(t.substr(digits.s, digits.e - digits.s)));
      int serves = -1;
      bool unique = true;
      for (size_t k = 0; k < w.docs.size(); ++k) {
        const DocumentKey& key = w.docs[k].d.key;
        if (!key.IsCentral() || key.number != number) continue;
        unique = unique && serves < 0;
        serves = static_cast<int>(k);
      }
      if (serves < 0 || !unique) continue;
      Committee c{{at, digits.e}, serves, 0};
      while (c.sentence < w.sentences.size() && w.sentences[c.sentence].e <= at) ++c.sentence;
      found.push_back(c);
    }
  }
  if (found.empty()) return;
  std::sort(found.begin(), found.end(),
            [](const Committee& a, const Committee& b) { return a.span.s < b.span.s; });

  std::set<int> at_meeting;  // documents reviewed or launched (indices, before Assemble)
  for (const Meeting& m : w.out.meetings) {
    for (const auto& k : m.reviewed) at_meeting.insert(std::stoi(k));
    for (const auto& k : m.launched) at_meeting.insert(std::stoi(k));
  }
  auto sentence_of = [&](size_t pos) {
    size_t s = 0;
    while (s < w.sentences.size() && w.sentences[s].e <= pos) ++s;
    return s;
  };
  for (size_t l = 0; l < w.docs.size(); ++l) {
    const DocumentKey& key = w.docs[l].d.key;
    if (key.family != Family::kParty || key.IsCentral()) continue;
    const int li = static_cast<int>(l);
    std::map<int, std::pair<double, Span>> best;  // central doc -> (weight, committee span)
    for (const Committee& c : found) {
      if (w.relation_pairs.count({li, c.doc}) || w.relation_pairs.count({c.doc, li})) continue;
      double weight = at_meeting.count(li) ? 0.35 : 0.0;
      for (int r : w.docs[l].refs)
        if (sentence_of(w.refs[r].span.s) == c.sentence) weight = 0.5;
      if (weight == 0.0) continue;
      auto [it, added] = best.try_emplace(c.doc, weight, c.span);
      if (!added && weight > it->second.first) it->second = {weight, c.span};
    }
    for (const auto& [doc, ws] : best) {
      Edge e;
      e.from = std::to_string(li);  // keys are filled in Assemble
      e.to = std::to_string(doc);
      e.rel = Relation::kImplements;
      e.evidence_start = w.ft.Orig(ws.second.s);
      e.evidence_end = w.ft.Orig(ws.second.e);
      e.inferred = true;
      e.weight = ws.first;
      w.out.relations.push_back(e);
    }
  }
}

void Extractor::Impl::Assemble(Work& w) const {
  // Documents in order of first mention; keys are final now.
  std::vector<int> order(w.docs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::sort(order.begin(), order.end(),
            [&](int a, int b) { return w.docs[a].first < w.docs[b].first; });
  auto key = [&](const std::string& index) { return w.docs[std::stoi(index)].d.key.ToString(); };
  for (auto& e : w.out.relations) {
    e.from = key(e.from);
    e.to = key(e.to);
  }
  for (auto& m : w.out.meetings) {
    for (auto& k : m.reviewed) k = key(k);
    for (auto& k : m.launched) k = key(k);
    if (!m.held_under.empty()) m.held_under = key(m.held_under);
  }
  for (int i : order) w.out.documents.push_back(w.docs[i].d);
  for (const auto& r : w.refs) {
    if (r.doc >= 0 || r.unresolved.empty()) continue;
    Unresolved u;
    u.start = w.ft.Orig(r.span.s);
    u.end = w.ft.Orig(r.span.e);
    u.text = std::string(w.orig.substr(u.start, u.end - u.start));
    u.reason = r.unresolved;
    w.out.unresolved.push_back(std::move(u));
  }
  // A local code whose place the article does not tell stays a document (scoped "?"),
  // and is listed here too so that an analyst sees what was not tied to a place.
  for (int i : order) {
    const Doc& d = w.docs[i];
    if (d.d.key.family != Family::kParty || d.d.key.IsCentral() || !d.d.key.IsUnscoped()) continue;
    const Mention& m = d.d.mentions.front();
    w.out.unresolved.push_back(
        {m.start, m.end, m.text, "jurisdiction unknown: the text does not tell whose " + d.d.key.suffix + " this is"});
  }
  std::sort(w.out.unresolved.begin(), w.out.unresolved.end(),
            [](const Unresolved& a, const Unresolved& b) { return a.start < b.start; });
}

Extractor::Extractor(const Gazetteer* g, const Catalogue* c) : impl_(new Impl{g, c}) {}
Extractor::~Extractor() = default;

namespace {

// The module edge: nothing thrown inside `extract` (std::bad_alloc, a library's exception)
// leaves it.
template <typename F>
Result<Extraction> AtModuleEdge(const ArticleHints& hints, F extract) {
  try {
    return extract();
  } catch (const std::exception& e) {
    const std::string name = hints.file.empty() ? hints.url : hints.file;
    return Status::Internal(name + ": extraction failed: " + e.what());
  }
}

}  // namespace

Result<Extraction> Extractor::Extract(std::string_view text, const ArticleHints& hints) const {
  return AtModuleEdge(hints, [&] {
    auto e = ExtractChecked(text, hints);
    if (e.ok()) e->article.text = std::string(text);
    return e;
  });
}

Result<Extraction> Extractor::ExtractTaking(std::string&& text, const ArticleHints& hints) const {
  return AtModuleEdge(hints, [&] {
    auto e = ExtractChecked(text, hints);
    if (e.ok()) e->article.text = std::move(text);
    return e;
  });
}

namespace {

// Buffers kept from one article to the next on each thread: the folded text, its map back
// and the marks, so that once they are large enough an article needs no allocation for
// them. Those of articles over kKeepScratch bytes are let go, so that a thread keeps at
// most about 350 KB (the map back is sized for four bytes per input byte): a server's
// threads would otherwise each keep the largest article they ever saw.
struct Scratch {
  FoldedText ft;
  TextMarks marks;
};
thread_local Scratch scratch;
constexpr size_t kKeepScratch = 64 << 10;

}  // namespace

Result<Extraction> Extractor::ExtractChecked(std::string_view text, const ArticleHints& hints) const {
  const std::string name = hints.file.empty() ? (hints.url.empty() ? "input" : hints.url) : hints.file;
  Impl::Work w;
  w.ft = std::move(scratch.ft);
  Status st = CheckAndFold(text, &w.ft);
  if (!st.ok()) return st.WithContext(name);
  w.orig = text;
  w.t = w.ft.folded;
  w.meta = ReadMeta(w.t, w.orig, w.ft, hints);
  int limit_year = w.meta.published.size() == 10 ? ToInt(w.meta.published.substr(0, 4)) : 0;

  TextMarks marks = std::move(scratch.marks);
  MarkText(w.t, &marks);
  w.refs = FindRefs(w.t, marks, &w.out.unresolved, w.ft, w.orig);
  std::vector<size_t> ref_starts;
  for (const auto& r : w.refs) ref_starts.push_back(r.span.s);
  for (auto& r : w.refs) ReadTail(w.t, &r, limit_year, w.meta.published, ref_starts);

  impl_->BuildDocuments(w);
  impl_->ResolveShortForms(w);
  impl_->AddCatalogueData(w);
  impl_->MergeSameKeys(w);
  // Relations and steering committees are between documents, and a meeting is held by a
  // committee: most articles have neither, and then the sentences are not even split.
  const bool documents = !w.docs.empty();
  const bool committee = MayHoldCommittee(w.t, marks);
  if (documents || committee) w.sentences = Sentences(w.t);
  if (documents) impl_->FindRelations(w);
  if (committee) impl_->FindMeetings(w);
  impl_->ResolveJurisdictions(w);
  if (documents) impl_->FindSteering(w);
  impl_->Assemble(w);

  Extraction e = std::move(w.out);
  if (text.size() <= kKeepScratch) {
    scratch.ft = std::move(w.ft);
    scratch.marks = std::move(marks);
  }
  // JSON Lines items have no file: they are named by their url's last part, so their rows
  // can be paired with a gold file like those of files.
  e.article.file = hints.file;
  if (e.article.file.empty() && !hints.url.empty()) {
    size_t slash = hints.url.find_last_of('/');
    e.article.file = slash == std::string::npos ? hints.url : hints.url.substr(slash + 1);
  }
  e.article.url = hints.url.empty() ? hints.file : hints.url;
  e.article.title = std::move(w.meta.title);
  e.article.published = std::move(w.meta.published);
  e.article.site = std::move(w.meta.site);
  e.article.author = std::move(w.meta.author);
  return e;
}

}  // namespace dg
