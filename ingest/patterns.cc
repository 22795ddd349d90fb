#include "ingest/patterns.h"

#include <array>
#include <cstdlib>
#include <utility>

namespace dg {

namespace {

// Document words, folded. Longer alternatives first: RE2 alternation is leftmost-first.
//   "Nghị quyết", "Chỉ thị", "Kết luận", "Quy định", "Quyết định", "Đề án", "Kế hoạch",
//   "Chương trình hành động", "Hướng dẫn", "Thông báo kết luận", "Nghị định", "Thông tư"
constexpr const char* kDocWord =
    R"((?:nghi\s+quyet|chi\s+thi|ket\s+luan|quy\s+dinh|quyet\s+dinh|de\s+an|ke\s+hoach|)"
    R"(chuong\s+trinh\s+hanh\s+dong|chuong\s+trinh|huong\s+dan|thong\s+bao\s+ket\s+luan|)"
    R"(thong\s+bao|bao\s+cao|nghi\s+dinh|thong\s+tu|cong\s+van|quy\s+che))";

// A proper name: up to four capitalized words or numbers ("Bình Tân", "Quận 1", "Trà Vinh").
// "TP.HCM" and "TP.Hồ Chí Minh" glue the abbreviation to the name.
// "Bà Rịa - Vũng Tàu", "Phan Rang - Tháp Chàm": a hyphen joins two names into one.
// "Cư M'gar", "Ia H' Drai": an apostrophe inside or after a word belongs to it.
constexpr const char* kName =
    R"((?:TP\.\s*)?[A-Z0-9][A-Za-z0-9]*(?:'[A-Za-z]*)?(?:\s+[A-Z0-9][A-Za-z0-9]*(?:'[A-Za-z]*)?|\s?-\s?[A-Z][A-Za-z]*){0,4})";

// The type word of a place before its name: "tỉnh", "thành phố", "TP.", "quận", "xã", …
constexpr const char* kPlaceWord =
    R"((?i:tinh|thanh\s+pho|huyen|quan\s+su|quan|thi\s+xa|xa|phuong|thi\s+tran|khoi|cong\s+an)\b)";

// An issuer: a central organ, a committee with its place, a state body.
//   "Bộ Chính trị", "Ban Thường vụ Tỉnh ủy Trà Vinh", "BTV Huyện ủy", "UBND tỉnh"
std::string IssuerExpr() {
  return std::string(
             R"((?i:ban\s+chap\s+hanh\s+trung\s+uong)(?:\s+(?i:dang))?|(?i:bch\s*tw|bch\s+trung\s+uong|bchtw)|)"
             R"((?i:bo\s+chinh\s+tri)|(?i:ban\s+bi\s+thu)|(?i:quan\s+uy\s+trung\s+uong)|)"
             R"((?:(?i:ban\s+thuong\s+vu|btv|ban\s+chap\s+hanh|bch|thuong\s+truc)\s+)?)"
             R"((?i:tinh\s+uy|thanh\s+uy|huyen\s+uy|quan\s+uy|thi\s+uy|dang\s+uy))"
             R"((?:\s+)") + kPlaceWord + R"((?:\s+)" + kName + R"()?|\s+)" + kName +
         R"()?|)"
         R"((?i:thu\s+tuong\s+chinh\s+phu)|(?i:chinh\s+phu)|(?i:quoc\s+hoi)|)"
         R"((?:(?i:ubnd|uy\s+ban\s+nhan\s+dan|hdnd|hoi\s+dong\s+nhan\s+dan))(?:\s+)" +
         kPlaceWord + R"()?(?:\s+)" + kName + R"()?|(?i:trung\s+uong))";
}

RE2::Options Latin1(bool case_sensitive = true) {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_case_sensitive(case_sensitive);
  o.set_log_errors(false);
  return o;
}

std::string S(const char* a) { return a; }

}  // namespace

Patterns::Patterns()
    : party_code(R"(\b(\d{1,5})\s{0,2}-\s{0,2}([A-Za-z]{1,5})\s{0,2}/\s{0,2}([A-Za-z]{1,7})\b)",
                 Latin1()),
      state_code(
          R"(\b(\d{1,5})(?:\s?[/-]\s?(\d{4}))?\s?/\s?([A-Za-z]{1,5})\s?-\s?([A-Z][A-Za-z]{0,9}(?:-[A-Z][A-Za-z]{0,9})?)\b)",
          Latin1()),
      abbrev_number(R"(\b(NQ|CT|KL|QD|KH|DA|CTr)\s?(?:(?i:so)\s?)?(\d{1,4})\b)", Latin1()),
      word_number(S(R"(\b()") + kDocWord + R"()\s+(?:(?i:so)\s*)?(\d{1,5})\b)", Latin1(false)),
      word_before(S(R"(\b()") + kDocWord +
                      R"(|nq|ct|kl|qd|qdi|kh|da|ctr|hd|nd|tb)\s*(?:\(?\s*so\s*)?$)",
                  Latin1(false)),
      plenum(R"(\b(?:nghi\s+quyet|nq)\s*(?:cua\s+)?(?:hoi\s+nghi\s+)?(?:lan\s+thu\s+)?)"
             R"((?:ban\s+chap\s+hanh\s+)?(?:trung\s+uong|tw)\s*(?:lan\s+thu\s+)?(\d{1,2})\b)",
             Latin1(false)),
      term_after(R"(^\s*(?:,|va|-)?\s*\(?\s*khoa\s+([ivxl]+)\b\s*\)?)", Latin1(false)),
      date_after(R"(^(?:\s*[,(]?\s*(?:(?i:ban\s+hanh\s+)?(?i:ngay)\s+)?(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\b)"
                 R"(|\s*,?\s*(?i:ngay)\s+(\d{1,2})\s+(?i:thang)\s+(\d{1,2})\s+(?i:nam)\s+(\d{4})))",
                 Latin1()),
      issuer_after(S(R"(^\s*[,(]?\s*(?i:cua|do)\s+()") + IssuerExpr() + R"())", Latin1()),
      // "Huyện ủy Châu Thành ban hành Kế hoạch số 76-KH/HU": the issuer as the subject,
      // right before the document (the window ends at the document word).
      issuer_before(S(R"(\b()") + IssuerExpr() +
                        R"()\s+(?:(?i:da|vua|moi|cung)\s+)?(?i:ban\s+hanh)\s+$)",
                    Latin1()),
      committee(S(R"(\b(?:((?i:ban\s+thuong\s+vu|btv|ban\s+chap\s+hanh|bch))\s+)?)") +
                    R"(((?i:tinh|thanh|huyen|quan|thi|dang))\s+(?i:uy)\b)" + R"((?:\s+()" +
                    kPlaceWord + R"())?(?:\s+()" + kName + R"())?)",
                Latin1()),
      day_month(R"(\b(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(\d{4}))?\b)", Latin1()),
      full_date(R"(\b(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\b)"
                R"(|(?i:ngay)\s+(\d{1,2})\s+(?i:thang)\s+(\d{1,2})\s+(?i:nam)\s+(\d{4}))",
                Latin1()),
      years(R"(\b(\d{1,2})\s+(?i:nam)\b)", Latin1()),
      awards(R"(\b(\d{1,4})\s+(?:(?i:luot)\s+)?(?i:tap\s+the)\s*(?:,|(?i:va))\s*(\d{1,4})\s+(?:(?i:luot)\s+)?(?i:ca\s+nhan))",
             Latin1()) ,
      plenum_meeting(
          R"(\b(?:nghi\s+quyet|nq)\s+(?:cua\s+)?hoi\s+nghi\s+(?:lan\s+thu\s+)?)"
          R"(((?:muoi\s+)?(?:nhat|mot|hai|ba|bon|tu|nam|lam|sau|bay|tam|chin)|muoi|\d{1,2})\s+)"
          R"((?:ban\s+chap\s+hanh\s+trung\s+uong|bch\s*tw|trung\s+uong|tw)(?:\s+dang)?\b)",
          Latin1(false)),
      short_refs("(?i:" + plenum_meeting.pattern() + ")|(?i:" + plenum.pattern() + ")|(?i:" +
                     word_number.pattern() + ")|(?:" + abbrev_number.pattern() + ")",
                 Latin1()) {}

const Patterns& Patterns::Get() {
  static const Patterns* p = new Patterns();
  return *p;
}

namespace {
template <size_t N>
std::string Lookup(const std::array<std::pair<const char*, const char*>, N>& table,
                   std::string_view key) {
  for (const auto& [k, v] : table)
    if (key == k) return v;
  return "";
}
}  // namespace

std::string PartyType(std::string_view t) {
  static constexpr std::array<std::pair<const char*, const char*>, 16> kTypes{{
      {"NQ", "NQ"}, {"CT", "CT"}, {"KL", "KL"}, {"QD", "QĐ"}, {"QDI", "QĐi"}, {"DA", "ĐA"},
      {"KH", "KH"}, {"CTR", "CTr"}, {"CTHD", "CTHĐ"}, {"HD", "HD"}, {"TB", "TB"}, {"BC", "BC"},
      {"QC", "QC"}, {"CV", "CV"}, {"NQLT", "NQLT"}, {"TTR", "TTr"},
  }};
  return Lookup(kTypes, t);
}

std::string PartySuffix(std::string_view s) {
  static constexpr std::array<std::pair<const char*, const char*>, 12> kSuffixes{{
      {"TW", "TW"}, {"TU", "TU"}, {"HU", "HU"}, {"QU", "QU"}, {"TX", "TX"}, {"THU", "ThU"},
      {"DU", "ĐU"}, {"DUK", "ĐUK"}, {"BCSD", "BCSĐ"}, {"BCD", "BCĐ"}, {"TVTU", "TVTU"},
      {"DUQS", "ĐUQS"},
  }};
  std::string v = Lookup(kSuffixes, s);
  if (!v.empty()) return v;
  // Central organs: QUTW (Quân ủy Trung ương), BTCTW, BTGTW, UBKTTW, VPTW, BDVTW, …
  if (s.size() >= 4 && s.size() <= 7 && s.substr(s.size() - 2) == "TW") return std::string(s);
  return "";
}

std::string StateType(std::string_view t) {
  static constexpr std::array<std::pair<const char*, const char*>, 14> kTypes{{
      {"NQ", "NQ"}, {"ND", "NĐ"}, {"QD", "QĐ"}, {"KH", "KH"}, {"CT", "CT"}, {"CV", "CV"},
      {"TT", "TT"}, {"TB", "TB"}, {"BC", "BC"}, {"HD", "HD"}, {"TTR", "TTr"}, {"TTLT", "TTLT"},
      {"QC", "QC"}, {"CTR", "CTr"},
  }};
  return Lookup(kTypes, t);
}

int OrdinalValue(std::string_view f) {
  std::string s;
  for (char c : f) {
    if (c == ' ' || c == '\n') {
      if (!s.empty() && s.back() != ' ') s.push_back(' ');
    } else {
      s.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    }
  }
  if (!s.empty() && s[0] >= '0' && s[0] <= '9') return std::atoi(s.c_str());
  int tens = 0;
  if (s.rfind("muoi", 0) == 0) {
    tens = 10;
    s = s.size() > 5 ? s.substr(5) : "";
    if (s.empty()) return 10;
  }
  static constexpr std::array<std::pair<const char*, int>, 12> kUnits{{
      {"nhat", 1}, {"mot", 1}, {"hai", 2}, {"ba", 3}, {"bon", 4}, {"tu", 4}, {"nam", 5},
      {"lam", 5}, {"sau", 6}, {"bay", 7}, {"tam", 8}, {"chin", 9},
  }};
  for (const auto& [w, v] : kUnits)
    if (s == w) return tens + v;
  return 0;
}

std::string TypeOfWord(std::string_view w) {
  // Collapse runs of spaces so "nghi  quyet" reads as "nghi quyet".
  std::string s;
  for (char c : w) {
    if (c == ' ' || c == '\n') {
      if (!s.empty() && s.back() != ' ') s.push_back(' ');
    } else {
      s.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    }
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  static constexpr std::array<std::pair<const char*, const char*>, 30> kWords{{
      {"nghi quyet", "NQ"}, {"chi thi", "CT"}, {"ket luan", "KL"}, {"quy dinh", "QĐ"},
      {"quyet dinh", "QĐ"}, {"de an", "ĐA"}, {"ke hoach", "KH"},
      {"chuong trinh hanh dong", "CTr"}, {"chuong trinh", "CTr"}, {"huong dan", "HD"},
      {"thong bao ket luan", "TB"}, {"thong bao", "TB"}, {"bao cao", "BC"},
      {"nghi dinh", "NĐ"}, {"thong tu", "TT"}, {"cong van", "CV"}, {"quy che", "QC"},
      {"nq", "NQ"}, {"ct", "CT"}, {"kl", "KL"}, {"qd", "QĐ"}, {"qdi", "QĐi"}, {"kh", "KH"},
      {"da", "ĐA"}, {"ctr", "CTr"}, {"hd", "HD"}, {"nd", "NĐ"}, {"tb", "TB"}, {"", ""}, {"", ""},
  }};
  return Lookup(kWords, s);
}

}  // namespace dg

namespace dg {

std::string Patterns::FirstError() const {
  for (const RE2* re : {&party_code, &state_code, &abbrev_number, &word_number, &word_before,
                        &plenum, &term_after, &date_after, &issuer_after, &issuer_before,
                        &committee, &day_month,
                        &full_date, &years, &awards, &plenum_meeting, &short_refs}) {
    if (!re->ok()) return re->pattern() + ": " + re->error();
  }
  return "";
}

}  // namespace dg
