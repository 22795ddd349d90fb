// Corpus generator (gen_lib.h). The article is written part by part, top to bottom; each
// document mention goes through Writer::Name*, which records the surface in the gold of
// that document, so the gold lists exactly what the text says.
#include "bench/gen_lib.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>
#include <string_view>
#include <utility>

namespace dg::gen {
namespace {

// ---- randomness --------------------------------------------------------------------

// Every draw of the generator. Maps the raw 64-bit outputs of std::mt19937_64 by plain
// arithmetic, so a seed gives the same bytes with every standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}
  uint64_t Raw() { return g_(); }
  // Uniform in [0, n); n > 0. The modulo bias (n / 2^64) is far below anything visible.
  uint64_t Below(uint64_t n) { return g_() % n; }
  int In(int lo, int hi) {
    return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }
  // True with probability p.
  bool P(double p) { return static_cast<double>(g_() >> 11) * 0x1.0p-53 < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }
  // An index drawn with the given weights.
  size_t Weighted(const std::vector<int>& w) {
    int total = 0;
    for (int x : w) total += x;
    int r = In(0, total - 1);
    for (size_t i = 0; i < w.size(); ++i) {
      if (r < w[i]) return i;
      r -= w[i];
    }
    return w.size() - 1;
  }

 private:
  std::mt19937_64 g_;
};

uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

using Strs = std::vector<std::string>;

// ---- dates ---------------------------------------------------------------------------

struct Date {
  int y = 0, m = 0, d = 0;
};

// Days since 1970-01-01 (proleptic Gregorian).
int64_t Days(Date t) {
  int y = t.y - (t.m <= 2 ? 1 : 0);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (t.m + (t.m > 2 ? -3 : 9)) + 2) / 5 + t.d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date FromDays(int64_t z) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  Date r;
  r.d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  r.m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  r.y = static_cast<int>(yoe + era * 400 + (r.m <= 2 ? 1 : 0));
  return r;
}

Date AddDays(Date t, int64_t n) { return FromDays(Days(t) + n); }
bool Before(Date a, Date b) { return Days(a) < Days(b); }

std::string Iso(Date t) {
  char b[16];
  std::snprintf(b, sizeof b, "%04d-%02d-%02d", t.y, t.m, t.d);
  return b;
}

Date ParseIso(const std::string& s) {
  Date t;
  if (s.size() == 10) {
    t.y = std::stoi(s.substr(0, 4));
    t.m = std::stoi(s.substr(5, 2));
    t.d = std::stoi(s.substr(8, 2));
  }
  return t;
}

const char* Weekday(Date t) {
  static const char* kNames[] = {"Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật",
                                 "Thứ Hai", "Thứ Ba",  "Thứ Tư"};  // 1970-01-01 was a Thursday
  int64_t d = Days(t) % 7;
  return kNames[d < 0 ? d + 7 : d];
}

std::string Two(int v) {
  char b[8];
  std::snprintf(b, sizeof b, "%02d", v);
  return b;
}

const Date kReform{2025, 7, 1};
const Date kLatest{2025, 11, 28};  // no meeting after this day

// ---- small text helpers ---------------------------------------------------------------

std::string Cap(std::string s) {  // first letter upper case (ASCII or the few we need)
  static const std::pair<const char*, const char*> kUp[] = {{"đ", "Đ"}, {"ủ", "Ủ"}, {"ư", "Ư"},
                                                            {"ơ", "Ơ"}, {"â", "Â"}, {"ê", "Ê"},
                                                            {"ô", "Ô"}, {"ă", "Ă"}};
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') {
    s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s;
  }
  for (auto [lo, up] : kUp) {
    std::string_view l(lo);
    if (s.compare(0, l.size(), l) == 0) return up + s.substr(l.size());
  }
  return s;
}

bool StartsWith(const std::string& s, std::string_view p) { return s.compare(0, p.size(), p) == 0; }

// Vietnamese thousands: 30850 -> "30.850".
std::string Thousands(long v) {
  std::string s = std::to_string(v), out;
  int n = 0;
  for (size_t i = s.size(); i-- > 0;) {
    out.insert(out.begin(), s[i]);
    if (++n % 3 == 0 && i > 0) out.insert(out.begin(), '.');
  }
  return out;
}

std::string Replace(std::string s, std::string_view from, const std::string& to) {
  size_t at = 0;
  while ((at = s.find(from, at)) != std::string::npos) {
    s.replace(at, from.size(), to);
    at += to.size();
  }
  return s;
}

std::string Join(const Strs& parts, const std::string& sep, const std::string& last_sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += (i + 1 == parts.size()) ? last_sep : sep;
    out += parts[i];
  }
  return out;
}

const char* TypeWord(const std::string& type) {
  if (type == "NQ") return "Nghị quyết";
  if (type == "CT") return "Chỉ thị";
  if (type == "KL") return "Kết luận";
  if (type == "QĐ" || type == "QĐi") return "Quy định";
  if (type == "ĐA") return "Đề án";
  if (type == "KH") return "Kế hoạch";
  if (type == "CTr") return "Chương trình hành động";
  if (type == "HD") return "Hướng dẫn";
  return "Văn bản";
}

const char* Roman(int v) {
  static const char* kR[] = {"",  "I",  "II",  "III",  "IV",  "V",  "VI",  "VII",  "VIII", "IX",
                             "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII"};
  return (v >= 0 && v <= 18) ? kR[v] : "";
}

const char* OrdinalWord(int v) {
  static const char* kW[] = {"",    "nhất", "hai",  "ba",   "tư",       "năm",     "sáu",
                             "bảy", "tám",  "chín", "mười", "mười một", "mười hai"};
  return (v >= 0 && v <= 12) ? kW[v] : "";
}

// ---- the catalogue and the gazetteer, indexed -----------------------------------------

struct Central {
  std::string code, type, number, shown;  // "04-NQ/TW", "NQ", "4", "04"
  Date date;
  std::string issuer, title, plenum, term;
  bool main = false;
  bool unique_code = true;  // no other term has this code
};

}  // namespace

struct Generator::Index {
  const Gazetteer& gaz;
  std::vector<Central> central;
  std::vector<size_t> plenum_main;  // central entries that are a plenum's main
  std::vector<const Unit*> provinces[2], districts, communes[2];
};

Generator::Generator(const Gazetteer& gazetteer, const Catalogue& catalogue)
    : index_(new Index{gazetteer, {}, {}, {}, {}, {}}) {
  Index& x = *index_;
  for (const auto& e : catalogue.entries()) {
    // A title that names another document would be one more mention to account for.
    if (e.title.find("Nghị quyết") != std::string::npos ||
        e.title.find("Chỉ thị") != std::string::npos ||
        e.title.find("Kết luận") != std::string::npos ||
        e.title.find("Quy định") != std::string::npos ||
        e.title.find("Hội nghị") != std::string::npos)
      continue;
    Central c;
    c.code = e.code;
    size_t dash = e.code.find('-'), slash = e.code.find('/');
    if (dash == std::string::npos || slash == std::string::npos) continue;
    c.shown = e.code.substr(0, dash);
    c.type = e.code.substr(dash + 1, slash - dash - 1);
    c.number = e.key.number;
    c.date = ParseIso(e.date);
    c.issuer = e.issuer;
    c.title = e.title;
    c.plenum = e.plenum;
    c.term = e.key.term;
    c.main = e.main;
    c.unique_code = catalogue.ByCode(c.type, c.number).size() == 1;
    if (c.date.y < 1998) continue;
    if (c.main && !c.plenum.empty()) x.plenum_main.push_back(x.central.size());
    x.central.push_back(std::move(c));
  }
  for (int era = 0; era < 2; ++era) {
    for (const Unit& u : gazetteer.units(era == 1)) {
      if (u.level == UnitLevel::kProvince) {
        x.provinces[era].push_back(&u);
      } else if (u.level == UnitLevel::kCommune) {
        if (StartsWith(u.name, "Xã ") || StartsWith(u.name, "Phường ") ||
            StartsWith(u.name, "Thị trấn "))
          x.communes[era].push_back(&u);
      } else if (era == 0 && (StartsWith(u.name, "Huyện ") || StartsWith(u.name, "Quận ") ||
                              StartsWith(u.name, "Thị xã ") || StartsWith(u.name, "Thành phố "))) {
        x.districts.push_back(&u);
      }
    }
  }
}

Generator::~Generator() = default;

std::string ArticleName(uint64_t index) {
  char b[32];
  std::snprintf(b, sizeof b, "%07llu.txt", static_cast<unsigned long long>(index));
  return b;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", c);
          out += b;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

namespace {

// ---- the article's model ---------------------------------------------------------------

struct Doc {
  std::string type, number, shown, suffix;  // shown: the number as printed ("02")
  std::string issuer, jurisdiction, title, plenum, term, note;
  Date date;
  bool has_date = false;  // the text states the date (local) or the catalogue knows it
  bool central = false;
  bool plenum_only = false;  // named by its plenum, code unknown
  bool unique_code = true;
  Strs surfaces;
  int mentions = 0;

  std::string Ref() const {
    if (plenum_only) return "TW" + plenum + "-" + term + "/NQ/TW";
    return number + "/" + type + "/" + suffix;
  }
};

struct Relation {
  int from, to;
  std::string rel, evidence;
};

// The committee that holds the meeting.
struct Holder {
  std::string unit;        // gold name: "Huyện ủy Châu Thành"
  std::string committee;   // "Huyện ủy"
  std::string bare;        // "Châu Thành"
  std::string place_word;  // "huyện"
  std::string level;       // "district", "province", ...
  std::string suffix;      // of its documents: "HU"
  std::string jurisdiction;
  const Unit* unit_ptr = nullptr;
  const Unit* district = nullptr;  // a commune's district (before the reform)
  const Unit* province = nullptr;
  std::string province_bare, province_place, province_committee, province_full_committee;
  std::string province_gold;  // "Tiền Giang", "Thành phố Hà Nội"
  bool bloc = false;
  bool after_reform = false;
};

std::string Bare(const std::string& name) {
  for (std::string_view p : {"Tỉnh ", "Thành phố ", "Huyện ", "Thị xã ", "Xã ", "Thị trấn "}) {
    if (StartsWith(name, p)) return name.substr(p.size());
  }
  for (std::string_view p : {"Quận ", "Phường "}) {
    if (StartsWith(name, p)) {
      std::string rest = name.substr(p.size());
      if (!rest.empty() && rest[0] >= '0' && rest[0] <= '9') return name;  // "Quận 1"
      return rest;
    }
  }
  return name;
}

class Writer {
 public:
  Writer(const Generator::Index& x, uint64_t seed, uint64_t index)
      : x_(x), r_(SplitMix(SplitMix(seed) ^ (index * 0xd1b54a32d192ed03ull))), index_(index) {}

  Article Write();

 private:
  // choices
  void ChooseStory();
  void ChooseHolder();
  int AddLocal(const std::string& level_suffix, const std::string& issuer, const std::string& juris,
               const Strs& types, Date date, bool dated);
  // mentions
  std::string Code(Doc& d);
  std::string DateText(Date t, bool typo_ok, const Doc* d);
  std::string IssuerText(const Doc& d);
  std::string NameFull(int i, bool with_title, bool with_issuer = true);
  std::string NameCode(int i);
  std::string NameShort(int i);
  std::string NamePlenum(int i);
  std::string Record(int i, std::string surface);
  // parts
  std::string Menu();
  std::string Banner(Date today);
  std::string PublishedLine();
  std::string Title();
  std::string Lead();
  std::string ResultsParagraph();
  std::string ChainParagraph();
  std::string ListParagraph();
  std::string PlenumParagraph();
  std::string Filler();
  std::string Sentence();
  std::string SpeechParagraph();
  std::string AwardsParagraph();
  std::string Trailer();
  std::string Person();
  std::string ChairRole();
  std::string TimeDate(bool capital);
  std::string Gold(const std::string& name, const std::string& site, const std::string& author);
  std::string Number();
  std::string Percent();  // "97,5%", "83 %"
  std::string Phone();    // "0273.3871234"

  bool UsedCode(const std::string& type, const std::string& number) const {
    for (const Doc& d : docs_)
      if (!d.plenum_only && d.type == type && d.number == number) return true;
    return false;
  }

  const Generator::Index& x_;
  Rng r_;
  uint64_t index_;

  std::vector<Doc> docs_;
  std::vector<Relation> rels_;
  Holder h_;
  std::string kind_;  // "sơ kết", "tổng kết", "triển khai", "quán triệt"
  bool review_ = false;
  int years_ = 0;
  int c_ = -1, p_ = -1, dist_ = -1, own_ = -1, new_plan_ = -1, under_ = -1;
  std::vector<int> reviewed_, launched_;
  Date meeting_, published_;
  bool has_published_ = true, meeting_dated_ = true, meeting_year_shown_ = false;
  std::string chair_, chair_role_;
  int awards_c_ = -1, awards_i_ = 0;
  int plenum_doc_ = -1;
};

// ---- choosing the story -------------------------------------------------------------

void Writer::ChooseStory() {
  // Kind, period and central document.
  size_t k = r_.Weighted({40, 20, 25, 15});
  kind_ = k == 0 ? "sơ kết" : k == 1 ? "tổng kết" : k == 2 ? "triển khai" : "quán triệt";
  review_ = k < 2;
  if (review_)
    years_ = k == 0 ? std::vector<int>{1, 2, 3, 3, 5, 5, 5, 10}[r_.Below(8)]
                    : std::vector<int>{5, 5, 10, 10, 15, 20}[r_.Below(6)];
  std::vector<size_t> fit;
  for (size_t i = 0; i < x_.central.size(); ++i) {
    const Central& c = x_.central[i];
    if (review_) {
      if (Days(c.date) + 365L * years_ + 300 <= Days(kLatest) && c.date.y + years_ >= 2008)
        fit.push_back(i);
    } else if (c.date.y >= 2008 && Days(c.date) + 150 <= Days(kLatest)) {
      fit.push_back(i);
    }
  }
  const Central& c = x_.central[fit[r_.Below(fit.size())]];
  Doc d;
  d.type = c.type;
  d.number = c.number;
  d.shown = c.shown;
  d.suffix = "TW";
  d.issuer = c.issuer;
  d.title = c.title;
  d.term = c.term;
  d.date = c.date;
  d.has_date = true;
  d.central = true;
  d.unique_code = c.unique_code;
  d.plenum = c.plenum;
  docs_.push_back(d);
  c_ = 0;
}

void Writer::ChooseHolder() {
  Holder& h = h_;
  h.after_reform = !Before(meeting_, kReform);
  size_t pick = h.after_reform ? r_.Weighted({35, 0, 65, 0}) : r_.Weighted({15, 55, 22, 8});
  const Gazetteer& g = x_.gaz;
  if (pick == 1) {
    h.unit_ptr = x_.districts[r_.Below(x_.districts.size())];
  } else if (pick == 2) {
    const auto& cs = x_.communes[h.after_reform ? 1 : 0];
    h.unit_ptr = cs[r_.Below(cs.size())];
    if (!h.after_reform) h.district = g.Parent(*h.unit_ptr);
  } else {
    const auto& ps = x_.provinces[h.after_reform ? 1 : 0];
    h.unit_ptr = ps[r_.Below(ps.size())];
  }
  h.province = g.ProvinceOf(*h.unit_ptr);
  if (pick == 3 && !StartsWith(h.province->name, "Tỉnh ")) {  // blocs: provinces only
    pick = 0;
  }
  const std::string& pn = h.province->name;
  bool city = StartsWith(pn, "Thành phố ");
  h.province_bare = Bare(pn);
  bool hcm = h.province_bare == "Hồ Chí Minh";
  h.province_committee = city ? "Thành ủy" : "Tỉnh ủy";
  h.province_place = hcm ? "TP. Hồ Chí Minh" : (city ? "thành phố " : "tỉnh ") + h.province_bare;
  h.province_full_committee =
      h.province_committee + " " + (hcm ? "TP. Hồ Chí Minh" : h.province_bare);
  h.province_gold = city ? pn : h.province_bare;
  const std::string& n = h.unit_ptr->name;
  h.bare = Bare(n);
  h.jurisdiction = g.JurisdictionOf(*h.unit_ptr);
  if (pick == 0) {
    h.committee = h.province_committee;
    h.place_word = city ? "thành phố" : "tỉnh";
    h.level = city ? "province-level city" : "province";
    h.suffix = "TU";
    h.unit = h.province_full_committee;
    if (hcm) h.unit += " (Thành ủy Thành phố Hồ Chí Minh)";
    h.bare = hcm ? "TP. Hồ Chí Minh" : h.province_bare;
    h.unit_ptr = h.province;
    h.jurisdiction = g.JurisdictionOf(*h.province);
  } else if (pick == 3) {
    static const Strs kBlocs = {"Khối Cơ quan tỉnh", "Khối Doanh nghiệp tỉnh",
                                "Khối Cơ quan và Doanh nghiệp tỉnh"};
    h.bloc = true;
    h.committee = "Đảng ủy";
    h.bare = r_.Pick(kBlocs) + " " + h.province_bare;
    h.unit = "Đảng ủy " + h.bare;
    h.place_word = "khối";
    h.level = "bloc";
    h.suffix = "ĐU";
    h.unit_ptr = h.province;
    h.jurisdiction = g.JurisdictionOf(*h.province);
  } else if (pick == 1) {
    if (StartsWith(n, "Huyện ")) {
      h.committee = "Huyện ủy", h.place_word = "huyện", h.suffix = "HU", h.level = "district";
    } else if (StartsWith(n, "Quận ")) {
      h.committee = "Quận ủy", h.place_word = "quận", h.suffix = "QU", h.level = "district";
    } else if (StartsWith(n, "Thị xã ")) {
      h.committee = "Thị ủy", h.place_word = "thị xã", h.suffix = "TX", h.level = "town";
    } else {
      h.committee = "Thành ủy", h.place_word = "thành phố", h.suffix = "TU",
      h.level = "city under province";
    }
    h.unit = h.committee + " " + h.bare;
  } else {
    std::string word = StartsWith(n, "Xã ")       ? "xã"
                       : StartsWith(n, "Phường ") ? "phường"
                                                  : "thị trấn";
    h.committee = "Đảng ủy";
    h.place_word = word;
    h.level = word == "phường" ? "ward" : "commune";
    h.suffix = "ĐU";
    h.unit = h.bare == n ? "Đảng ủy " + n : "Đảng ủy " + word + " " + h.bare;
  }
}

// A local document of the holder's chain; returns its index.
int Writer::AddLocal(const std::string& suffix, const std::string& issuer, const std::string& juris,
                     const Strs& types, Date date, bool dated) {
  Doc d;
  for (int tries = 0; tries < 50; ++tries) {
    d.type = r_.Pick(types);
    int hi = d.type == "KH"    ? 320
             : d.type == "ĐA"  ? 12
             : d.type == "CTr" ? 60
             : d.type == "HD"  ? 40
                               : 45;
    int v = r_.In(1, hi);
    if (d.type == "KH" && r_.P(0.2)) v = r_.In(320, 1400);
    d.number = std::to_string(v);
    if (!UsedCode(d.type, d.number)) break;
  }
  d.shown = (d.number.size() == 1 && r_.P(0.6)) ? "0" + d.number : d.number;
  d.suffix = suffix;
  d.issuer = issuer;
  d.jurisdiction = juris;
  d.date = date;
  d.has_date = dated;
  docs_.push_back(d);
  return static_cast<int>(docs_.size()) - 1;
}

// ---- mentions --------------------------------------------------------------------------

std::string Writer::Record(int i, std::string surface) {
  Doc& d = docs_[i];
  ++d.mentions;
  if (std::find(d.surfaces.begin(), d.surfaces.end(), surface) == d.surfaces.end())
    d.surfaces.push_back(surface);
  return surface;
}

std::string Writer::Code(Doc& d) {
  std::string type = d.type, suffix = d.suffix;
  if (r_.P(0.03)) type = Replace(type, "Đ", "Ð");  // U+00D0, a typo real pages carry
  if (suffix == "ĐU" && r_.P(0.05)) suffix = "ÐU";
  if (suffix == "TW" && r_.P(0.04)) suffix = "TƯ";
  static const Strs kSep = {" - ", "- ", " -"};
  std::string sep = r_.P(0.1) ? r_.Pick(kSep) : "-";
  return d.shown + sep + type + "/" + suffix;
}

std::string Writer::DateText(Date t, bool typo_ok, const Doc* d) {
  int y = t.y;
  if (typo_ok && d && d->central && d->unique_code && y >= 2000 && r_.P(0.04)) y -= 1000;  // "1018"
  size_t f = r_.Weighted({60, 12, 10, 8});
  std::string dd = r_.P(0.4) ? Two(t.d) : std::to_string(t.d);
  std::string mm = r_.P(0.4) ? Two(t.m) : std::to_string(t.m);
  if (f == 0) return "ngày " + dd + "/" + mm + "/" + std::to_string(y);
  if (f == 1) return "ngày " + dd + "-" + mm + "-" + std::to_string(y);
  if (f == 2)
    return "ngày " + std::to_string(t.d) + " tháng " + std::to_string(t.m) + " năm " +
           std::to_string(y);
  return "ngày " + dd + "/" + mm + "/" + std::to_string(y);
}

std::string Writer::IssuerText(const Doc& d) {
  if (d.central) {
    std::string term = d.term;
    if (d.issuer == "Bộ Chính trị") {
      return r_.Pick(Strs{"Bộ Chính trị", "Bộ Chính trị", "Bộ Chính trị khóa " + term,
                          "Bộ Chính trị (khóa " + term + ")"});
    }
    if (d.issuer == "Ban Bí thư") {
      return r_.Pick(
          Strs{"Ban Bí thư", "Ban Bí thư Trung ương Đảng", "Ban Bí thư (khóa " + term + ")"});
    }
    return r_.Pick(
        Strs{"Ban Chấp hành Trung ương Đảng", "Ban Chấp hành Trung ương Đảng khóa " + term,
             "Ban Chấp hành Trung ương Đảng (khóa " + term + ")", "BCH Trung ương Đảng"});
  }
  return d.issuer;
}

// "Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị về …"
std::string Writer::NameFull(int i, bool with_title, bool with_issuer) {
  Doc& d = docs_[i];
  std::string word = TypeWord(d.type);
  if (d.type == "NQ" && r_.P(0.05)) word = "NQ";
  std::string so = r_.P(0.8) ? (r_.P(0.05) ? " số\u00a0" : " số ") : " ";
  std::string s = Record(i, word + so + Code(d));
  bool date = d.central ? (!d.unique_code || r_.P(0.85)) : d.has_date;
  if (date) {
    s += r_.P(0.15) ? ", " : " ";
    s += DateText(d.date, true, &d);
  }
  if (with_issuer) s += " của " + IssuerText(d);
  if (with_title && !d.title.empty()) {
    if (r_.P(0.25))
      s += " “" +
           Cap(d.title.substr(StartsWith(d.title, "về ") ? std::string_view("về ").size() : 0)) +
           "”";
    else
      s += " " + d.title;
  }
  return s;
}

// "Nghị quyết 35-NQ/TW", "NQ số 35 - NQ/TW"
std::string Writer::NameCode(int i) {
  Doc& d = docs_[i];
  std::string word = TypeWord(d.type);
  std::string so = r_.P(0.5) ? " số " : " ";
  return Record(i, word + so + Code(d));
}

// "Nghị quyết 35", "NQ35", "Đề án 02"
std::string Writer::NameShort(int i) {
  Doc& d = docs_[i];
  std::string word = TypeWord(d.type);
  if (d.type == "CTr") word = r_.P(0.5) ? "Chương trình" : "Chương trình hành động";
  size_t f = r_.Weighted({55, 15, 10, 10});
  std::string abbr = d.type == "QĐi" ? "QĐ" : d.type;
  if ((d.type == "NQ" || d.type == "CT" || d.type == "KL") && f == 2)
    return Record(i, abbr + d.shown);
  if ((d.type == "NQ" || d.type == "CT" || d.type == "KL" || d.type == "KH") && f == 3)
    return Record(i, abbr + " " + d.shown);
  if (f == 1) return Record(i, word + " số " + d.shown);
  return Record(i, word + " " + d.shown);
}

// "Nghị quyết Trung ương 4 (khóa XII)"
std::string Writer::NamePlenum(int i) {
  Doc& d = docs_[i];
  size_t f = r_.Weighted({40, 30, 10, 10, 10});
  int p = std::stoi(d.plenum);
  switch (f) {
    case 0:
      return Record(i, "Nghị quyết Trung ương " + d.plenum + " (khóa " + d.term + ")");
    case 1:
      return Record(i, "Nghị quyết Trung ương " + d.plenum + " khóa " + d.term);
    case 2:
      return Record(i, "Nghị quyết Hội nghị Trung ương " + d.plenum + " (khóa " + d.term + ")");
    case 3:
      return Record(i, "Nghị quyết TW " + d.plenum + " khóa " + d.term);
    default:
      return Record(i, std::string("Nghị quyết Hội nghị lần thứ ") +
                           (p <= 12 ? OrdinalWord(p) : d.plenum.c_str()) +
                           " Ban Chấp hành Trung ương Đảng khóa " + d.term);
  }
}

// ---- people and places --------------------------------------------------------------

std::string Writer::Person() {
  static const Strs kSur = {"Nguyễn", "Trần", "Lê",     "Phạm", "Huỳnh", "Phan", "Vũ",
                            "Võ",     "Đặng", "Bùi",    "Đỗ",   "Hồ",    "Ngô",  "Dương",
                            "Lý",     "Đinh", "Trương", "Lâm",  "Mai",   "Tạ"};
  static const Strs kMid = {"Văn",  "Thị",  "Hữu", "Quốc",    "Ngọc",    "Thành", "Đức",
                            "Kim",  "Xuân", "Thu", "Mạnh",    "Công",    "Trọng", "Thanh",
                            "Minh", "Hoài", "Tấn", "Thị Thu", "Văn Minh"};
  static const Strs kGiven = {"Hùng",  "Dũng", "Tuấn",  "Hương", "Lan",  "Phương", "Thảo",  "Cường",
                              "Hải",   "Sơn",  "Tâm",   "Trung", "Vinh", "Yến",    "Thắng", "Quang",
                              "Phong", "Hiếu", "Khánh", "Luân",  "Nhân", "Oanh",   "Tú",    "Duy",
                              "Kiên",  "Liên", "Mến",   "Tài",   "Thủy", "Toàn",   "Nghĩa", "Hạnh",
                              "Chiến", "Đạt",  "Trí",   "Nhung"};
  // One draw per statement: the order of draws must not depend on the compiler.
  std::string name = r_.Pick(kSur);
  name += " " + r_.Pick(kMid);
  name += " " + r_.Pick(kGiven);
  return name;
}

std::string Writer::ChairRole() {
  const std::string& c = h_.committee;
  if (h_.bloc) return r_.Pick(Strs{"Bí thư Đảng ủy Khối", "Phó Bí thư Thường trực Đảng ủy Khối"});
  if (c == "Đảng ủy")
    return r_.Pick(Strs{"Bí thư Đảng ủy " + h_.place_word,
                        "Phó Bí thư Thường trực Đảng ủy " + h_.place_word,
                        "Bí thư Đảng ủy, Chủ tịch HĐND " + h_.place_word});
  return r_.Pick(Strs{"Bí thư " + c, "Phó Bí thư Thường trực " + c,
                      "Bí thư " + c + ", Chủ tịch HĐND " + h_.place_word,
                      "Ủy viên Ban Thường vụ, Trưởng Ban Tuyên giáo " + c,
                      "Phó Bí thư " + c + ", Chủ tịch UBND " + h_.place_word});
}

// "Sáng 20/11", "Chiều ngày 20/11/2023", "Ngày 20 tháng 11 năm 2023"
std::string Writer::TimeDate(bool capital) {
  static const Strs kWhen = {"sáng", "chiều", "ngày", "sáng ngày", "chiều ngày", "sáng", "chiều"};
  std::string w = r_.Pick(kWhen);
  if (capital) w = Cap(w);
  Date t = meeting_;
  meeting_year_shown_ = !has_published_ || r_.P(0.4);
  std::string dd = std::to_string(t.d), mm = r_.P(0.3) ? Two(t.m) : std::to_string(t.m);
  if (meeting_year_shown_) {
    if (r_.P(0.15))
      return w + " " + dd + " tháng " + std::to_string(t.m) + " năm " + std::to_string(t.y);
    return w + " " + dd + "/" + mm + "/" + std::to_string(t.y);
  }
  return w + " " + dd + "/" + mm;
}

std::string Writer::Percent() {
  std::string p = std::to_string(r_.In(70, 99));
  if (r_.P(0.4)) {
    p += ',';
    p += std::to_string(r_.In(1, 9));
  }
  p += r_.P(0.7) ? "%" : " %";
  return p;
}

std::string Writer::Phone() {
  std::string p(1, '0');
  p += std::to_string(r_.In(203, 299));
  p += '.';
  p += std::to_string(r_.In(3810000, 3899999));
  return p;
}

std::string Writer::Number() {
  size_t f = r_.Weighted({3, 3, 2, 2});
  if (f == 0) return Percent();
  if (f == 1) return Thousands(r_.In(120, 48000));
  if (f == 2) return std::to_string(r_.In(3, 240));
  return Thousands(r_.In(2, 900)) + (r_.P(0.6) ? " triệu đồng" : " tỷ đồng");
}

// ---- the parts of the page ---------------------------------------------------------------

std::string Writer::Menu() {
  static const Strs kItems = {"Trang chủ",
                              "Giới thiệu",
                              "Tin tức - Sự kiện",
                              "Xây dựng Đảng",
                              "Văn bản",
                              "Hỏi đáp",
                              "Liên hệ",
                              "Sơ đồ cổng",
                              "Tin hoạt động",
                              "Chính trị",
                              "Kinh tế",
                              "Văn hóa - Xã hội",
                              "Quốc phòng - An ninh",
                              "Tuyên truyền",
                              "Thông tin chuyên đề",
                              "Dự thảo văn bản",
                              "Tin địa phương",
                              "Góc nhìn",
                              "Bản tin - Thông tin Tuyên truyền",
                              "Công tác kiểm tra",
                              "Dân vận",
                              "Tổ chức - Cán bộ",
                              "Thư viện ảnh",
                              "Video",
                              "Lịch công tác",
                              "Tìm kiếm"};
  std::string out;
  int n = r_.In(0, 6);
  for (int i = 0; i < n; ++i) out += r_.Pick(kItems) + "\n";
  return out;
}

std::string Writer::Banner(Date today) {
  std::string wd = Weekday(today);
  size_t f = r_.Weighted({3, 3, 2, 2});
  if (f == 0)
    return wd + ", ngày " + std::to_string(today.d) + " tháng " + std::to_string(today.m) +
           " năm " + std::to_string(today.y);
  if (f == 1) return wd + ", " + Two(today.d) + "/" + Two(today.m) + "/" + std::to_string(today.y);
  if (f == 2)
    return "Hôm nay: " + wd + ", " + Two(today.d) + "/" + Two(today.m) + "/" +
           std::to_string(today.y);
  std::string out = wd + ", " + std::to_string(today.d) + "/" + std::to_string(today.m) + "/" +
                    std::to_string(today.y) + " - " + Two(r_.In(6, 22));
  return out + ":" + Two(r_.In(0, 59));
}

std::string Writer::PublishedLine() {
  Date t = published_;
  std::string d2 = Two(t.d) + "/" + Two(t.m) + "/" + std::to_string(t.y);
  std::string hm = Two(r_.In(6, 22));
  hm += ":" + Two(r_.In(0, 59));
  std::string wd = Weekday(t);
  switch (r_.Below(7)) {
    case 0:
      return wd + ", " + d2 + " " + std::to_string(r_.In(20, 2500)) + " lượt xem";
    case 1:
      return "Cập nhật lúc: " + hm + " " + d2;
    case 2:
      return "Ngày đăng: " + d2 + " | " + hm;
    case 3:
      return "Thứ " +
             std::string(wd == std::string("Chủ Nhật") ? "CN"
                                                       : wd.substr(std::string("Thứ ").size())) +
             ", Ngày " + std::to_string(t.d) + "/" + std::to_string(t.m) + "/" +
             std::to_string(t.y) + ", " + hm;
    case 4:
      return d2 + " " + hm;
    case 5:
      return wd + ", ngày " + std::to_string(t.d) + " tháng " + std::to_string(t.m) + " năm " +
             std::to_string(t.y);
    default:
      return "Đăng lúc: " + hm + " - " + d2;
  }
}

std::string Writer::Title() {
  std::string u = h_.unit;
  if (size_t par = u.find(" ("); par != std::string::npos) u = u.substr(0, par);
  std::string place = h_.committee == "Đảng ủy" && !h_.bloc ? Cap(h_.place_word) + " " + h_.bare
                      : h_.bloc                             ? u
                                                            : Cap(h_.place_word) + " " + h_.bare;
  if (h_.level == "province" || h_.level == "province-level city") place = h_.bare;
  int main_doc = review_ ? reviewed_[0] : launched_[0];
  std::string k = kind_;
  std::string period = review_ ? " " + std::to_string(years_) + " năm" : "";
  switch (r_.Below(12)) {
    case 0:
      return u + " " + k + period + " thực hiện " + NameCode(main_doc);
    case 1:
      return place + ": " + Cap(k) + period + " thực hiện " + NameShort(main_doc);
    case 2: {
      std::string t = Cap(k) + period + " thực hiện " + NameCode(main_doc);
      return t + " của " + IssuerText(docs_[main_doc]);
    }
    case 3:
      return place + ": Nâng cao hiệu quả lãnh đạo, chỉ đạo thực hiện " + NameShort(main_doc);
    case 4:
      return u + " tổ chức hội nghị " + k + period + " thực hiện " + NameShort(main_doc);
    case 5:
      return place + " tiếp tục đưa " + NameShort(main_doc) + " vào cuộc sống";
    case 6:
      return "Hội nghị " + k + period + " thực hiện " + NameCode(main_doc) + " tại " +
             h_.place_word + " " + (h_.bloc ? h_.province_bare : h_.bare);
    case 7:
      return place + ": Tạo chuyển biến rõ nét từ việc thực hiện " + NameShort(main_doc);
    case 8:
      return u + " " + k + period + " triển khai " + NameShort(main_doc);
    case 9:
      return "Đẩy mạnh thực hiện " + NameShort(main_doc) + " trong toàn Đảng bộ " +
             (h_.bloc ? u.substr(std::string("Đảng ủy ").size()) : h_.place_word + " " + h_.bare);
    case 10:
      return place + ": " + Cap(k) + " " + NameCode(main_doc);
    default:
      return "Kết quả nổi bật sau" + (review_ ? period : " một thời gian") + " thực hiện " +
             NameShort(main_doc) + " ở " + place;
  }
}

std::string Writer::Lead() {
  std::string unit_ref = h_.unit;
  if (size_t par = unit_ref.find(" ("); par != std::string::npos)
    unit_ref = unit_ref.substr(0, par);
  if (!h_.bloc && r_.P(0.3)) unit_ref = (r_.P(0.7) ? "Ban Thường vụ " : "BTV ") + unit_ref;
  // A commune's lead names its district; before the reform, the district's province too.
  std::string where;
  if (h_.district) where = ", " + Replace(h_.district->name, "Huyện", "huyện");
  if (h_.district && r_.P(0.5))
    where = Replace(Replace(where, "Thị xã", "thị xã"), "Thành phố", "thành phố");
  if (h_.committee == "Đảng ủy" && !h_.bloc && r_.P(0.5)) where += ", " + h_.province_place;
  std::string who = unit_ref + where;

  auto objects = [&](const std::vector<int>& ids) {
    Strs parts;
    for (size_t j = 0; j < ids.size(); ++j) {
      int i = ids[j];
      std::string s = NameFull(i, r_.P(0.75));
      // A local plan named with what it implements: "…của BTV Huyện ủy thực hiện Nghị quyết …"
      if (j == 0 && i != c_ && !docs_[i].central && c_ >= 0 && docs_[c_].mentions == 0 &&
          r_.P(0.5)) {
        static const Strs kVerb = {"thực hiện", "về thực hiện", "triển khai thực hiện",
                                   "về việc thực hiện", "cụ thể hóa"};
        std::string verb = r_.Pick(kVerb);
        std::string target = NameFull(c_, r_.P(0.6));
        rels_.push_back({i, c_, "implements", s + " " + verb + " " + target});
        s += " " + verb + " " + target;
      }
      parts.push_back(s);
    }
    return Join(parts, "; ", r_.P(0.5) ? " và " : "; ");
  };

  std::string td = TimeDate(true);
  std::string td_low = td;
  td_low[0] = static_cast<char>(td_low[0] | 0x20);
  if (StartsWith(td, "Ngày")) td_low = "ngày" + td.substr(5);
  std::string under;
  if (under_ >= 0) under = "Thực hiện " + NameFull(under_, false) + ", ";
  std::string lead;
  if (!meeting_dated_) td = "Vừa qua", td_low = "vừa qua";
  std::string begin = under.empty() ? td : under + td_low;
  if (review_) {
    std::string N = (years_ < 10 && r_.P(0.15) ? "0" : "") + std::to_string(years_);
    std::string obj = objects(reviewed_);
    std::string extra;
    if (new_plan_ >= 0) extra = ", đồng thời triển khai " + NameFull(new_plan_, true);
    switch (r_.Below(8)) {
      case 0:
        lead = begin + ", " + who + " tổ chức hội nghị " + kind_ + " " + N + " năm thực hiện " +
               obj + extra + ".";
        break;
      case 1:
        lead = begin + ", " + who + " đã tổ chức Hội nghị " + kind_ + " " + N +
               " năm triển khai thực hiện " + obj + extra + ".";
        break;
      case 2:
        lead = begin + ", tại Hội trường " + (h_.bloc ? "Đảng ủy Khối" : h_.committee) + ", " +
               who + " tổ chức hội nghị " + kind_ + " " + N + " năm thực hiện " + obj + extra + ".";
        break;
      case 3:
        lead = begin + ", " + who + " long trọng tổ chức hội nghị " + kind_ + " " + N +
               " năm thực hiện " + obj + extra + ".";
        break;
      case 4:
        lead = begin + ", " + who + " tổ chức hội nghị trực tuyến " + kind_ + " " + N +
               " năm thực hiện " + obj + extra + " đến các điểm cầu cơ sở.";
        break;
      case 5:
        lead = begin + ", " + who + " họp hội nghị " + kind_ + " " + N + " năm thực hiện " + obj +
               extra + ".";
        break;
      case 6:
        lead = begin + ", " + who + " tổ chức hội nghị " + kind_ + " " + N +
               " năm việc thực hiện " + obj + extra +
               ". Dự hội nghị có các đồng chí trong Ban Thường vụ, lãnh đạo các ban xây dựng Đảng "
               "và bí thư các chi, đảng bộ trực thuộc.";
        break;
      default:
        lead = begin + ", " + who + " tổ chức hội nghị " + kind_ + " " + N + " năm thực hiện " +
               obj + extra + ". Đồng chí " + chair_ + ", " + chair_role_ + " chủ trì hội nghị.";
        break;
    }
  } else {
    std::string obj = objects(launched_);
    if (kind_ == "triển khai") {
      switch (r_.Below(5)) {
        case 0:
          lead = begin + ", " + who + " tổ chức hội nghị triển khai " + obj + ".";
          break;
        case 1:
          lead = begin + ", " + who + " tổ chức hội nghị trực tuyến triển khai thực hiện " + obj +
                 " cho cán bộ chủ chốt.";
          break;
        case 2:
          lead = begin + ", " + who + " đã tổ chức hội nghị triển khai " + obj +
                 " đến cán bộ, đảng viên.";
          break;
        case 3:
          lead = begin + ", tại hội trường " + (h_.bloc ? "Đảng ủy Khối" : h_.committee) + ", " +
                 who + " tổ chức hội nghị triển khai " + obj + ".";
          break;
        default:
          lead = begin + ", " + who + " tổ chức hội nghị triển khai " + obj + ". Đồng chí " +
                 chair_ + ", " + chair_role_ + " chủ trì hội nghị.";
          break;
      }
    } else {
      switch (r_.Below(5)) {
        case 0:
          lead = begin + ", " + who + " tổ chức hội nghị học tập, quán triệt " + obj + ".";
          break;
        case 1:
          lead = begin + ", " + who + " tổ chức hội nghị quán triệt " + obj +
                 " cho đội ngũ cán bộ chủ chốt.";
          break;
        case 2:
          lead =
              begin + ", " + who + " tổ chức hội nghị nghiên cứu, học tập, quán triệt " + obj + ".";
          break;
        case 3:
          lead = begin + ", " + who + " tổ chức hội nghị trực tuyến quán triệt " + obj +
                 " đến các điểm cầu.";
          break;
        default:
          lead = begin + ", " + who + " tổ chức hội nghị quán triệt " + obj + ". Đồng chí " +
                 chair_ + ", " + chair_role_ + " chủ trì hội nghị.";
          break;
      }
    }
  }
  if (lead.find(chair_) == std::string::npos) {
    static const Strs kChair = {
        "Đồng chí {P}, {R} chủ trì hội nghị.", "Dự và chủ trì hội nghị có đồng chí {P}, {R}.",
        "Chủ trì hội nghị có đồng chí {P}, {R}.",
        "Đến dự có đồng chí {P}, {R}; cùng lãnh đạo các ban, ngành, đoàn thể."};
    lead += " " + Replace(Replace(r_.Pick(kChair), "{P}", chair_), "{R}", chair_role_);
  }
  return lead;
}

// The next sentences of the report: what the period achieved.
std::string Writer::ResultsParagraph() {
  int main_doc = review_ ? reviewed_[0] : launched_[0];
  std::string who = h_.bloc ? "Ban Thường vụ Đảng ủy Khối" : "Ban Thường vụ " + h_.committee;
  std::string s;
  if (review_) {
    static const Strs kOpen = {
        "Qua {N} năm triển khai thực hiện {D}, {W} đã lãnh đạo, chỉ đạo các cấp ủy, tổ chức đảng "
        "xây dựng kế hoạch, tổ chức học tập, quán triệt nghiêm túc, kịp thời.",
        "Sau {N} năm thực hiện {D}, nhận thức của cán bộ, đảng viên và Nhân dân về ý nghĩa, tầm "
        "quan trọng của {D} được nâng lên rõ rệt.",
        "Theo báo cáo tại hội nghị, {N} năm qua, {W} đã ban hành nhiều văn bản lãnh đạo, chỉ đạo, "
        "cụ thể hóa {D} phù hợp với tình hình thực tế của địa phương.",
        "Báo cáo sơ bộ cho thấy, trong {N} năm thực hiện {D}, các chi, đảng bộ trực thuộc đã tổ "
        "chức quán triệt đến 100% cán bộ, đảng viên.",
        "Trong {N} năm qua, việc triển khai thực hiện {D} được các cấp ủy, chính quyền quan tâm, "
        "tạo sự thống nhất cao trong Đảng bộ.",
        "Đánh giá chung, {N} năm qua, {W} luôn bám sát các nội dung của {D}, phân công rõ người, "
        "rõ việc, rõ trách nhiệm."};
    s = Replace(Replace(Replace(r_.Pick(kOpen), "{N}", std::to_string(years_)), "{W}", who), "{D}",
                "@");
  } else {
    static const Strs kOpen = {
        "Tại hội nghị, các đại biểu được nghe báo cáo viên truyền đạt những nội dung cơ bản, cốt "
        "lõi của {D}.",
        "Hội nghị đã nghe quán triệt những điểm mới, những nội dung trọng tâm của {D} và yêu cầu "
        "đặt ra đối với địa phương.",
        "Nội dung {D} được truyền đạt ngắn gọn, dễ hiểu, giúp cán bộ, đảng viên nắm được mục tiêu, "
        "nhiệm vụ và giải pháp chủ yếu.",
        "Theo đó, {D} xác định rõ quan điểm chỉ đạo, mục tiêu tổng quát và các nhóm nhiệm vụ, giải "
        "pháp đến năm 2030."};
    s = Replace(r_.Pick(kOpen), "{D}", "@");
  }
  // The first '@' names the document by code or short form, any later one by short form.
  size_t at = s.find('@');
  s.replace(at, 1, r_.P(0.5) ? NameCode(main_doc) : NameShort(main_doc));
  while ((at = s.find('@')) != std::string::npos) s.replace(at, 1, NameShort(main_doc));
  s += ' ';
  s += Sentence();
  if (r_.P(0.6)) {
    s += ' ';
    s += Sentence();
  }
  return s;
}

// Where the provincial and district documents of the chain are told, with their relations.
std::string Writer::ChainParagraph() {
  std::string out;
  auto tell = [&](int x, int y) {
    Doc& d = docs_[x];
    bool first = d.mentions == 0;
    std::string target =
        docs_[y].mentions > 0 ? (r_.P(0.5) ? NameShort(y) : NameCode(y)) : NameFull(y, false);
    if (docs_[y].plenum_only) target = NamePlenum(y);
    size_t form = r_.Below(6);
    bool subject = form >= 1 && form <= 3;  // the issuer is the sentence's subject
    std::string named = first ? NameFull(x, r_.P(0.4), !subject) : NameCode(x);
    std::string s;
    switch (form) {
      case 0:
        s = named + " " +
            r_.Pick(Strs{"thực hiện", "về thực hiện", "triển khai thực hiện",
                         "về tiếp tục thực hiện", "để cụ thể hóa"}) +
            " " + target;
        break;
      case 1:
        s = "Thực hiện " + target + ", " + d.issuer + " đã ban hành " + named;
        break;
      case 2:
        s = "Để cụ thể hóa " + target + ", " + d.issuer + " ban hành " + named;
        break;
      case 3:
        s = d.issuer + " ban hành " + named + " để triển khai thực hiện " + target;
        break;
      case 4:
        s = "Trên cơ sở " + named + " triển khai thực hiện " + target;
        break;
      default:
        s = named + " về việc thực hiện " + target;
        break;
    }
    rels_.push_back({x, y, "implements", s});
    int until = docs_[x].date.y + r_.In(3, 8);
    const Strs kTail = {
        ", xác định rõ mục tiêu, nhiệm vụ, giải pháp và lộ trình thực hiện.",
        "; đồng thời chỉ đạo các cơ quan, đơn vị xây dựng kế hoạch cụ thể.",
        ", phân công nhiệm vụ cụ thể cho từng cơ quan, đơn vị.",
        ", trong đó đề ra các chỉ tiêu cụ thể đến năm " + std::to_string(until) + ".", "."};
    out += (out.empty() ? "" : " ") + s + r_.Pick(kTail);
  };
  for (int x : {p_, dist_, own_}) {
    if (x < 0) continue;
    // What x implements: the next document up the chain that exists.
    int y = c_;
    if (x == dist_ && p_ >= 0) y = p_;
    if (x == own_) y = dist_ >= 0 ? dist_ : (p_ >= 0 ? p_ : c_);
    bool stated = false;
    for (const Relation& rel : rels_) stated |= rel.from == x;
    if (stated) continue;
    tell(x, y);
  }
  return out;
}

// Documents named only in a list that shares one issuer: "Đề án 02, Kế hoạch 290, Chỉ
// thị 22 của Ban Thường vụ Tỉnh ủy".
std::string Writer::ListParagraph() {
  int n = r_.In(2, 3);
  Strs names;
  bool province = true;
  std::string issuer, juris;
  if (h_.suffix == "TU" && (h_.level == "province" || h_.level == "province-level city")) {
    issuer = "Ban Thường vụ " + h_.province_committee;
  } else {
    issuer = r_.P(0.5) ? "Ban Thường vụ " + h_.province_committee : h_.province_committee;
  }
  juris = x_.gaz.JurisdictionOf(*h_.province);
  (void)province;
  for (int k = 0; k < n; ++k) {
    int i = AddLocal("TU", issuer + " " + (h_.province_bare), juris,
                     Strs{"ĐA", "KH", "CT", "NQ", "KH", "CTr"}, Date{}, false);
    docs_[i].note = "suffix from the issuer named after the list";
    names.push_back(NameShort(i));
  }
  static const Strs kFrame = {
      "Thời gian tới, các cấp ủy tiếp tục thực hiện tốt {L} của {I}; gắn với nhiệm vụ chính trị "
      "của từng cơ quan, đơn vị.",
      "Cùng với đó, {W} chỉ đạo lồng ghép việc thực hiện {L} của {I} trong sinh hoạt chi bộ định "
      "kỳ.",
      "Để thực hiện hiệu quả {L} của {I}, đồng chí đề nghị người đứng đầu cấp ủy các cấp phải nêu "
      "gương, đi đầu.",
      "Các nội dung trên được triển khai đồng bộ với {L} của {I}, tạo sự lan tỏa sâu rộng trong "
      "Nhân dân."};
  std::string w = h_.bloc ? "Ban Thường vụ Đảng ủy Khối" : "Ban Thường vụ " + h_.committee;
  std::string frame = r_.Pick(kFrame);
  return Replace(
      Replace(Replace(frame, "{L}", Join(names, ", ", r_.P(0.5) ? " và " : ", ")), "{I}", issuer),
      "{W}", w);
}

// A plenum resolution named by its plenum, sometimes linked to a local document.
std::string Writer::PlenumParagraph() {
  int i = plenum_doc_;
  std::string name = NamePlenum(i);
  int local = own_ >= 0 ? own_ : dist_ >= 0 ? dist_ : p_;
  if (local >= 0 && docs_[local].mentions > 0 && r_.P(0.5)) {
    std::string l = NameShort(local);
    std::string s = "Gắn " + l + " với " +
                    r_.Pick(Strs{"các giải pháp thực hiện ", "việc thực hiện ", ""}) + name;
    rels_.push_back({local, i, "linked", s});
    return s + ", " +
           r_.Pick(Strs{"từng bước nhận diện rõ những biểu hiện suy thoái về tư tưởng chính trị, "
                        "đạo đức, lối sống.",
                        "góp phần xây dựng tổ chức đảng trong sạch, vững mạnh.",
                        "tạo chuyển biến trong nhận thức và hành động của cán bộ, đảng viên."});
  }
  static const Strs kFrame = {
      "Việc thực hiện được gắn với đẩy mạnh thực hiện {P} về xây dựng, chỉnh đốn Đảng.",
      "Các chi, đảng bộ trực thuộc đã kết hợp kiểm điểm theo tinh thần {P} với đánh giá chất lượng "
      "tổ chức cơ sở đảng hằng năm.",
      "Cùng với đó, việc học tập, quán triệt {P} được tổ chức đầy đủ, đạt tỷ lệ {X} đảng viên tham "
      "gia.",
      "Nhiều nơi đã lồng ghép nội dung {P} trong sinh hoạt chuyên đề của chi bộ."};
  std::string pct = std::to_string(r_.In(90, 99));
  pct += r_.P(0.5) ? "%" : ",5%";
  return Replace(Replace(r_.Pick(kFrame), "{P}", name), "{X}", pct);
}

// A sentence of the genre with numbers that are not documents.
std::string Writer::Sentence() {
  static const Strs kS = {
      "Toàn {U} đã tổ chức {n} lớp học tập, quán triệt với {N} lượt cán bộ, đảng viên tham gia, "
      "đạt {p}.",
      "Công tác tuyên truyền được đẩy mạnh với {N} tin, bài đăng tải trên trang thông tin điện tử "
      "và mạng xã hội.",
      "Các cấp ủy đã kiểm tra, giám sát {n} tổ chức đảng và {n} đảng viên, qua đó kịp thời chấn "
      "chỉnh những hạn chế.",
      "Tỷ lệ tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ trở lên đạt {p}; đảng viên hoàn thành tốt "
      "nhiệm vụ đạt {p}.",
      "Nhân dân đã đóng góp {M} cùng hàng nghìn ngày công để xây dựng đường giao thông nông thôn.",
      "Đến nay, {n} chi bộ đã xây dựng được mô hình “Dân vận khéo” tiêu biểu, được nhân rộng trong "
      "toàn {U}.",
      "Lực lượng cộng tác viên dư luận xã hội gồm {n} đồng chí thường xuyên nắm bắt, phản ánh kịp "
      "thời tâm tư, nguyện vọng của Nhân dân.",
      "Thu nhập bình quân đầu người năm {Y} ước đạt {M}/người/năm, tăng so với đầu nhiệm kỳ.",
      "Ban Chỉ đạo 35 của {U} thường xuyên theo dõi, phát hiện và đấu tranh với các thông tin xấu, "
      "độc trên không gian mạng.",
      "Trong kỳ, Ủy ban kiểm tra các cấp đã thi hành kỷ luật {n} đảng viên vi phạm; thu hồi {M} "
      "sai phạm.",
      "Việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh được gắn với nhiệm vụ "
      "chính trị của từng cơ quan, đơn vị.",
      "Có {n} tập thể và {n} cá nhân được các cấp khen thưởng trong quá trình thực hiện.",
      "Tổng số đảng viên của Đảng bộ hiện có {N} đồng chí, sinh hoạt tại {n} chi, đảng bộ cơ sở.",
      "Năm {Y}, toàn Đảng bộ kết nạp mới {n} đảng viên, vượt chỉ tiêu cấp trên giao.",
      "Ngoài ra, {U} đã tổ chức {n} cuộc đối thoại trực tiếp giữa người đứng đầu cấp ủy, chính "
      "quyền với Nhân dân.",
      "Các tổ chức chính trị - xã hội đã vận động hội viên tham gia {n} công trình, phần việc "
      "thanh niên với tổng kinh phí {M}.",
      "Đường dây nóng của {U} ({T}) tiếp nhận và xử lý {n} phản ánh, kiến nghị của người dân.",
      "Hội nghị Ban Chấp hành Trung ương lần thứ {k} khóa XIII đã đặt ra những yêu cầu mới đối với "
      "công tác xây dựng Đảng.",
      "Đại hội Đảng bộ {U} lần thứ {R}, nhiệm kỳ 2020 - 2025 đã đề ra {n} chỉ tiêu chủ yếu, đến "
      "nay cơ bản đạt và vượt.",
      "Tỷ lệ hộ nghèo giảm còn {p}, tỷ lệ người dân tham gia bảo hiểm y tế đạt {p}.",
      "Công tác cải cách hành chính có chuyển biến, {p} hồ sơ được giải quyết đúng và trước hạn.",
      "Nhiều mô hình hay, cách làm hiệu quả được nhân rộng, tạo sức lan tỏa trong cán bộ, đảng "
      "viên và Nhân dân.",
      "Bên cạnh kết quả đạt được, việc thực hiện vẫn còn một số hạn chế như: công tác tuyên truyền "
      "ở một số nơi chưa thường xuyên; vai trò nêu gương của một bộ phận cán bộ chưa cao.",
      "Một số cấp ủy chưa chủ động cụ thể hóa nội dung phù hợp với đặc điểm của cơ quan, đơn vị; "
      "việc sơ kết, đánh giá có lúc chưa kịp thời.",
      "Nguyên nhân của hạn chế được chỉ ra là nhận thức của một số cán bộ, đảng viên chưa đầy đủ, "
      "công tác kiểm tra, đôn đốc có lúc chưa sâu sát.",
      "Hội nghị đã dành thời gian thảo luận, làm rõ những kết quả đạt được, những tồn tại, hạn chế "
      "và bài học kinh nghiệm.",
      "Các đại biểu tập trung phân tích nguyên nhân, đề xuất nhiều giải pháp thiết thực để nâng "
      "cao hiệu quả thực hiện trong thời gian tới.",
      "Có {n} ý kiến tham luận tại hội nghị, tập trung vào các giải pháp đổi mới phương thức lãnh "
      "đạo của cấp ủy.",
      "Toàn {U} có {N} hộ gia đình được công nhận đạt chuẩn “Gia đình văn hóa”, chiếm {p}.",
      "Công tác quốc phòng, an ninh được giữ vững; tình hình an ninh chính trị, trật tự an toàn xã "
      "hội ổn định.",
      "Trang thông tin điện tử của {U} đã có {N} lượt truy cập, trở thành kênh thông tin chính "
      "thống của địa phương.",
      "Tổng vốn đầu tư phát triển trên địa bàn đạt {M}, tập trung cho hạ tầng giao thông, y tế và "
      "giáo dục.",
      "Các nhóm Zalo, Facebook do các chi bộ quản lý đã thu hút {N} thành viên tham gia, kịp thời "
      "định hướng dư luận.",
      "Hằng năm, {p} chi bộ tổ chức sinh hoạt chuyên đề ít nhất một lần mỗi quý.",
      "Ủy ban MTTQ Việt Nam và các đoàn thể đã tổ chức {n} buổi tuyên truyền, thu hút {N} lượt "
      "người tham dự.",
      "Qua đó, ý thức tự giác, tinh thần trách nhiệm của cán bộ, đảng viên được nâng lên; nhiều "
      "khuyết điểm được khắc phục kịp thời.",
      "Đặc biệt, công tác phát triển đảng viên trong doanh nghiệp ngoài khu vực nhà nước có bước "
      "chuyển biến tích cực với {n} đảng viên mới.",
      "Số lượng cán bộ, công chức có trình độ đại học trở lên chiếm {p}, đáp ứng yêu cầu nhiệm vụ.",
      "Mọi thông tin đóng góp xin gửi về số điện thoại {T} hoặc hộp thư điện tử của Ban Tuyên "
      "giáo.",
      "Từ năm {Y} đến nay, {U} đã xây dựng {n} công trình dân sinh, trao {n} căn nhà đại đoàn kết "
      "với tổng trị giá {M}.",
      "Công tác giáo dục lý luận chính trị được chú trọng, {N} lượt cán bộ được cử đi đào tạo, bồi "
      "dưỡng.",
      "Đội ngũ báo cáo viên các cấp gồm {n} đồng chí, hằng tháng được cung cấp tài liệu định hướng "
      "kịp thời.",
      "Sau {k} tháng triển khai, đã có {n} sáng kiến được ghi nhận và áp dụng vào thực tiễn.",
      "Hưởng ứng phong trào thi đua, các cơ quan, đơn vị đăng ký {n} phần việc cụ thể, đến nay "
      "hoàn thành {p}.",
      "Tổng số lượt tiếp công dân trong kỳ là {N} lượt, giải quyết dứt điểm {n} vụ việc phức tạp, "
      "kéo dài."};
  std::string s = r_.Pick(kS);
  std::string u = h_.bloc ? "Đảng bộ Khối" : h_.place_word == "tỉnh" ? "tỉnh" : h_.place_word;
  s = Replace(s, "{U}", u);
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '{' && i + 2 < s.size() && s[i + 2] == '}') {
      char c = s[i + 1];
      if (c == 'n')
        out += std::to_string(r_.In(2, 180));
      else if (c == 'N')
        out += Thousands(r_.In(150, 52000));
      else if (c == 'p')
        out += Percent();
      else if (c == 'M')
        out += Number().find("đồng") != std::string::npos ? Thousands(r_.In(2, 900)) + " triệu đồng"
                                                          : Thousands(r_.In(2, 90)) + " tỷ đồng";
      else if (c == 'Y')
        out += std::to_string(meeting_.y - r_.In(1, 4));
      else if (c == 'k')
        out += std::to_string(r_.In(2, 12));
      else if (c == 'R')
        out += Roman(r_.In(8, 16));
      else if (c == 'T')
        out += Phone();
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string Writer::Filler() {
  std::string p = Sentence();
  int n = r_.In(2, 5);
  for (int i = 0; i < n; ++i) {
    p += ' ';
    p += Sentence();
  }
  return p;
}

std::string Writer::SpeechParagraph() {
  static const Strs kOpen = {
      "Phát biểu chỉ đạo hội nghị, đồng chí {P} biểu dương những kết quả đạt được trong thời gian "
      "qua.",
      "Kết luận hội nghị, đồng chí {P}, {R} ghi nhận, đánh giá cao sự nỗ lực của các cấp ủy, tổ "
      "chức đảng.",
      "Phát biểu tại hội nghị, đồng chí {P} đề nghị các cấp ủy, chính quyền tiếp tục quán triệt "
      "sâu sắc các nội dung đã đề ra.",
      "Đồng chí {P} nhấn mạnh, thời gian tới cần tập trung khắc phục những hạn chế đã được chỉ ra "
      "tại hội nghị.",
      "Thay mặt {C}, đồng chí {P} ghi nhận những kết quả nổi bật và chỉ ra một số nhiệm vụ trọng "
      "tâm."};
  static const Strs kTask = {
      "tiếp tục tuyên truyền sâu rộng {D} đến cán bộ, đảng viên và Nhân dân;",
      "đề cao trách nhiệm nêu gương của người đứng đầu trong thực hiện {D};",
      "đưa nội dung {D} vào chương trình kiểm tra, giám sát hằng năm;",
      "định kỳ sơ kết, đánh giá, kịp thời biểu dương, khen thưởng tập thể, cá nhân có thành tích "
      "trong thực hiện {D};",
      "gắn việc thực hiện {D} với nhiệm vụ phát triển kinh tế - xã hội của địa phương;",
      "chú trọng đổi mới nội dung, phương thức tuyên truyền, vận dụng linh hoạt trên nền tảng số;"};
  std::string s =
      Replace(Replace(Replace(r_.Pick(kOpen), "{P}", chair_), "{R}", chair_role_), "{C}",
              h_.bloc ? "Ban Thường vụ Đảng ủy Khối" : "Ban Thường vụ " + h_.committee);
  s += " Đồng chí đề nghị thời gian tới cần:";
  int n = r_.In(2, 4);
  std::vector<int> cands;
  for (int i = 0; i < static_cast<int>(docs_.size()); ++i)
    if (docs_[i].mentions > 0 && !docs_[i].plenum_only && !docs_[i].surfaces.empty() &&
        docs_[i].note.empty())
      cands.push_back(i);
  for (int k = 0; k < n; ++k) {
    std::string t = r_.Pick(kTask);
    if (t.find("{D}") != std::string::npos)
      t = Replace(t, "{D}", NameShort(cands[r_.Below(cands.size())]));
    s += " " + t;
  }
  s.back() = '.';
  return s;
}

std::string Writer::AwardsParagraph() {
  awards_c_ = r_.In(2, 40);
  awards_i_ = r_.In(2, 60);
  int doc = review_ ? reviewed_[0] : c_;
  std::string giver =
      h_.bloc ? "Ban Thường vụ Đảng ủy Khối"
              : (r_.P(0.5) ? "Ban Thường vụ " : "") + h_.unit.substr(0, h_.unit.find(" ("));
  std::string what = r_.P(0.5) ? "giấy khen" : "Giấy khen";
  switch (r_.Below(4)) {
    case 0:
      return "Dịp này, " + giver + " tặng " + what + " " + std::to_string(awards_c_) +
             " tập thể, " + std::to_string(awards_i_) +
             " cá nhân có thành tích xuất sắc trong thực hiện " + NameShort(doc) + ".";
    case 1:
      return "Nhân dịp này, " + giver + " đã trao " + what + " cho " + std::to_string(awards_c_) +
             " tập thể và " + std::to_string(awards_i_) + " cá nhân có thành tích tiêu biểu" +
             (review_ ? " qua " + std::to_string(years_) + " năm thực hiện " + NameShort(doc)
                      : "") +
             ".";
    case 2:
      return "Tại hội nghị, " + std::to_string(awards_c_) + " tập thể và " +
             std::to_string(awards_i_) + " cá nhân được " + giver + " tặng " + what +
             " vì đã có thành tích trong thực hiện " + NameShort(doc) + ".";
    default:
      return "Dịp này, " + std::to_string(awards_c_) + " tập thể, " + std::to_string(awards_i_) +
             " cá nhân được khen thưởng vì có thành tích xuất sắc.";
  }
}

std::string Writer::Trailer() {
  static const Strs kLines = {"Bản in",
                              "Quay lại",
                              "Tin cùng chuyên mục",
                              "Tin mới hơn",
                              "Tin đã đưa",
                              "Bình luận",
                              "Ý kiến bạn đọc (0)",
                              "Chia sẻ",
                              "Lên đầu trang",
                              "Gửi email",
                              "Các tin khác",
                              "Thủ tục hành chính",
                              "Liên kết website",
                              "Bản quyền thuộc về cơ quan chủ quản",
                              "Ghi rõ nguồn khi phát hành lại thông tin từ trang này"};
  static const Strs kOther = {
      "Hội nghị Ban Chấp hành Đảng bộ lần thứ {n} đánh giá kết quả công tác quý",
      "Ra quân hưởng ứng Tháng hành động vì môi trường năm {Y}",
      "Trao {n} suất quà cho hộ nghèo, gia đình chính sách dịp Tết",
      "Khai mạc lớp bồi dưỡng lý luận chính trị cho {n} quần chúng ưu tú",
      "Kỳ họp thứ {n} HĐND khóa XII thông qua nhiều nghị quyết quan trọng",
      "Hội thi báo cáo viên giỏi năm {Y} có {n} thí sinh tham gia",
      "Gặp mặt {n} cựu chiến binh tiêu biểu nhân kỷ niệm ngày truyền thống",
      "Đoàn công tác làm việc với {n} chi bộ về công tác phát triển đảng viên"};
  std::string out;
  int n = r_.In(2, 6);
  for (int i = 0; i < n; ++i) out += r_.Pick(kLines) + "\n";
  if (r_.P(0.6)) {
    int m = r_.In(2, 4);
    for (int i = 0; i < m; ++i) {
      std::string line = r_.Pick(kOther);
      out += Replace(Replace(line, "{n}", std::to_string(r_.In(2, 60))), "{Y}",
                     std::to_string(meeting_.y)) +
             "\n";
    }
  }
  if (r_.P(0.6)) out += "Lượt xem: " + std::to_string(r_.In(40, 900000)) + "\n";
  if (r_.P(0.5)) {
    out += "Điện thoại: " + Phone();
    out += " - Fax: " + Phone() + "\n";
  }
  if (r_.P(0.4))
    out += "Địa chỉ: Số " + std::to_string(r_.In(1, 250)),
        out += ", đường " +
               r_.Pick(Strs{"Hùng Vương", "Trần Hưng Đạo", "Lê Lợi", "Nguyễn Huệ", "30 Tháng 4",
                            "Quang Trung"}) +
               ", " + h_.province_place + "\n";
  if (r_.P(0.4)) out += "Số lượt truy cập: " + Thousands(r_.In(10000, 9000000)) + "\n";
  return out;
}

// ---- the gold ----------------------------------------------------------------------

std::string Writer::Gold(const std::string& name, const std::string& site,
                         const std::string& author) {
  auto str_or_null = [](const std::string& s) {
    return s.empty() ? std::string("null") : JsonString(s);
  };
  std::string g = "{\"file\": " + JsonString(name) +
                  ", \"published\": " + (has_published_ ? JsonString(Iso(published_)) : "null") +
                  ", \"source\": " + JsonString(site) + ", \"author\": " + JsonString(author) +
                  ", \"documents\": [";
  bool first = true;
  for (const Doc& d : docs_) {
    if (d.surfaces.empty()) continue;
    if (!first) g += ", ";
    first = false;
    g += "{\"type\": " + JsonString(d.plenum_only ? "NQ" : d.type) +
         ", \"number\": " + (d.plenum_only ? "null" : JsonString(d.number)) +
         ", \"suffix\": " + JsonString(d.suffix) +
         ", \"family\": \"party\", \"issuer\": " + str_or_null(d.issuer) +
         ", \"jurisdiction\": " + str_or_null(d.jurisdiction) +
         ", \"date\": " + (d.has_date ? JsonString(Iso(d.date)) : "null") +
         ", \"title\": " + str_or_null(d.title) +
         ", \"plenum\": " + (d.plenum_only ? JsonString(d.plenum) : "null") +
         ", \"term\": " + (d.plenum_only || d.central ? JsonString(d.term) : "null") +
         ", \"surface\": [";
    for (size_t k = 0; k < d.surfaces.size(); ++k) g += (k ? ", " : "") + JsonString(d.surfaces[k]);
    g += "]";
    if (!d.note.empty()) g += ", \"note\": " + JsonString(d.note);
    g += "}";
  }
  g += "], \"relations\": [";
  for (size_t k = 0; k < rels_.size(); ++k) {
    const Relation& r = rels_[k];
    g += (k ? ", " : "") + std::string("{\"from\": ") + JsonString(docs_[r.from].Ref()) +
         ", \"rel\": " + JsonString(r.rel) + ", \"to\": " + JsonString(docs_[r.to].Ref()) +
         ", \"evidence\": " + JsonString(r.evidence) + "}";
  }
  auto refs = [&](const std::vector<int>& ids) {
    std::string s = "[";
    for (size_t k = 0; k < ids.size(); ++k) s += (k ? ", " : "") + JsonString(docs_[ids[k]].Ref());
    return s + "]";
  };
  g += "], \"meetings\": [{\"unit\": " + JsonString(h_.unit) +
       ", \"unit_level\": " + JsonString(h_.level) +
       ", \"province\": " + JsonString(h_.province_gold) + ", \"kind\": " + JsonString(kind_) +
       ", \"years\": " + (review_ ? std::to_string(years_) : "null") +
       ", \"reviewed\": " + refs(reviewed_) + ", \"launched\": " + refs(launched_) +
       ", \"date\": " + (meeting_dated_ ? JsonString(Iso(meeting_)) : "null") +
       ", \"date_inferred\": " + (meeting_dated_ && !meeting_year_shown_ ? "true" : "false") +
       ", \"chair\": " + JsonString(chair_) + ", \"awards\": " +
       (awards_c_ >= 0 ? "{\"collectives\": " + std::to_string(awards_c_) +
                             ", \"individuals\": " + std::to_string(awards_i_) + "}"
                       : std::string("null")) +
       ", \"under\": " + (under_ >= 0 ? JsonString(docs_[under_].Ref()) : "null") + "}]}";
  return g;
}

// ---- the article, top to bottom --------------------------------------------------------

Article Writer::Write() {
  ChooseStory();
  const Doc c = docs_[c_];  // a copy: docs_ grows below
  // The chain's dates, then the meeting's.
  Date p_date = AddDays(c.date, r_.In(20, 200));
  Date d_date = AddDays(p_date, r_.In(10, 90));
  Date o_date = AddDays(d_date, r_.In(10, 60));
  bool want_p = r_.P(0.75), want_d = r_.P(0.7), want_o = r_.P(0.6);
  // Which document the meeting reviews (its date sets the meeting's year) or launches.
  int target = 0;  // 0 central, 1 provincial, 2 district, 3 own (commune or bloc)
  if (review_) {
    target = static_cast<int>(r_.Weighted({50, 15, 25, 10}));
    Date base = target == 0 ? c.date : target == 1 ? p_date : target == 2 ? d_date : o_date;
    meeting_ = AddDays(base, 365L * years_ + r_.In(-40, 75));
    if (Before(kLatest, meeting_)) {
      target = 0;
      meeting_ = AddDays(c.date, 365L * years_ + r_.In(-40, 0));
    }
    if (Before(kLatest, meeting_)) meeting_ = kLatest;
  } else {
    target = static_cast<int>(r_.Weighted({55, 15, 20, 10}));
    Date base = target == 0 ? c.date : target == 1 ? p_date : target == 2 ? d_date : o_date;
    meeting_ = AddDays(base, r_.In(5, 60));
    if (Before(kLatest, meeting_)) {
      target = 0;
      meeting_ = AddDays(c.date, r_.In(5, 30));
    }
  }
  ChooseHolder();
  bool district_level =
      h_.level == "district" || h_.level == "town" || h_.level == "city under province";
  bool below = h_.committee == "Đảng ủy";  // commune or bloc
  // Local documents before 2009 would name units the gazetteer's map did not have yet.
  if (p_date.y < 2009) want_p = false;
  if (d_date.y < 2009) want_d = false;
  if (o_date.y < 2009) want_o = false;
  if (h_.after_reform) {
    // No district level; local documents of the new units only, issued after the reform.
    want_d = false;
    if (Before(p_date, kReform)) want_p = false;
    if (Before(o_date, kReform) || Before(meeting_, o_date)) want_o = false;
  }
  if (!district_level && !below) want_d = false, want_o = false;
  if (h_.bloc) want_d = false;
  if (district_level) want_o = false;
  if (below && !h_.bloc && !h_.district) want_d = false;
  if (target == 1 && !want_p) target = 0;
  if (target == 2 && !want_d) target = district_level ? 0 : 0;
  if (target == 3 && !want_o) target = 0;
  if (target == 2 && !district_level && want_d) {
    // the district doc of a commune's district
  }
  // Local documents of the chain, dated on or before the meeting.
  std::string pj = x_.gaz.JurisdictionOf(*h_.province);
  if (want_p && !Before(meeting_, p_date)) {
    std::string issuer =
        r_.P(0.6) ? "Ban Thường vụ " + h_.province_full_committee : h_.province_full_committee;
    p_ = AddLocal("TU", issuer, pj, Strs{"KH", "KH", "CTr", "ĐA", "CT", "NQ"}, p_date, r_.P(0.8));
    if (docs_[p_].type == "ĐA" || docs_[p_].type == "CT" || docs_[p_].type == "NQ")
      docs_[p_].title = c.title;
  }
  if (want_d && !Before(meeting_, d_date)) {
    const Unit* du = district_level ? h_.unit_ptr : h_.district;
    std::string w = district_level ? h_.committee : "";
    std::string suffix = h_.suffix;
    if (!district_level) {
      const std::string& n = du->name;
      w = StartsWith(n, "Huyện ")    ? "Huyện ủy"
          : StartsWith(n, "Quận ")   ? "Quận ủy"
          : StartsWith(n, "Thị xã ") ? "Thị ủy"
                                     : "Thành ủy";
      suffix = w == "Huyện ủy" ? "HU" : w == "Quận ủy" ? "QU" : w == "Thị ủy" ? "TX" : "TU";
    }
    std::string issuer = (r_.P(0.7) ? "Ban Thường vụ " : "") + w + " " + Bare(du->name);
    dist_ = AddLocal(suffix, issuer, x_.gaz.JurisdictionOf(*du),
                     Strs{"KH", "KH", "KH", "CTr", "NQ", "ĐA"}, d_date, r_.P(0.8));
  }
  if (want_o && below && !Before(meeting_, o_date)) {
    std::string issuer = h_.bloc ? (r_.P(0.5) ? "Ban Thường vụ " : "") + h_.unit : h_.unit;
    own_ =
        AddLocal("ĐU", issuer, h_.jurisdiction, Strs{"KH", "KH", "NQ", "CTr"}, o_date, r_.P(0.8));
  }
  int main_doc = target == 1 && p_ >= 0      ? p_
                 : target == 2 && dist_ >= 0 ? dist_
                 : target == 3 && own_ >= 0  ? own_
                                             : c_;
  if (review_) {
    // The period counts from the reviewed document; the era chosen for the holder stays.
    bool before_reform = Before(meeting_, kReform);
    Date m = AddDays(docs_[main_doc].date, 365L * years_ + r_.In(-40, 60));
    if (Before(kLatest, m) || Before(m, kReform) != before_reform) {
      main_doc = c_;
      m = AddDays(c.date, 365L * years_ + r_.In(-40, 0));
    }
    if (Before(kLatest, m)) m = kLatest;
    if (Before(m, kReform) != before_reform)
      m = before_reform ? AddDays(kReform, -1 - r_.In(0, 20)) : AddDays(kReform, r_.In(0, 20));
    meeting_ = m;
  }
  // Local documents must predate the meeting.
  for (int* x : {&p_, &dist_, &own_}) {
    if (*x >= 0 && Before(meeting_, docs_[*x].date))
      docs_[*x].date = AddDays(meeting_, -r_.In(20, 60));
  }
  if (review_) {
    reviewed_.push_back(main_doc);
    // A second document of the same year reviewed over the same period.
    for (int x : {c_, p_, dist_}) {
      if (x >= 0 && x != main_doc && docs_[x].date.y == docs_[main_doc].date.y && r_.P(0.3)) {
        reviewed_.push_back(x);
        break;
      }
    }
  } else {
    launched_.push_back(main_doc);
    if (main_doc != c_ && r_.P(0.3)) launched_.push_back(c_);
  }
  // Published a few days after the meeting; the banner's "today" later still.
  published_ = AddDays(meeting_, r_.In(0, 4));
  has_published_ = r_.P(0.92);
  meeting_dated_ = r_.P(0.93);
  if (!meeting_dated_) has_published_ = true;
  chair_ = Person();
  chair_role_ = ChairRole();
  // A plan the meeting was held under, and a new plan it launches besides.
  if (r_.P(0.12) && !h_.after_reform) {
    std::string issuer = (r_.P(0.5) ? "Ban Thường vụ " : "BTV ") + h_.province_full_committee;
    under_ = AddLocal("TU", issuer, pj, Strs{"KH"}, AddDays(meeting_, -r_.In(20, 90)), true);
  }
  if (review_ && r_.P(0.2) && !(h_.level == "province" || h_.level == "province-level city") &&
      !h_.after_reform && !h_.bloc) {
    std::string issuer = "Ban Thường vụ " + h_.unit.substr(0, h_.unit.find(" ("));
    new_plan_ = AddLocal(h_.suffix, issuer, h_.jurisdiction, Strs{"KH", "CTr"},
                         AddDays(meeting_, -r_.In(3, 30)), true);
    launched_.push_back(new_plan_);
  }
  // A plenum resolution named by its plenum (not the central document of the story).
  if (r_.P(0.35)) {
    std::vector<size_t> fit;
    for (size_t i : x_.plenum_main) {
      const Central& e = x_.central[i];
      if (Before(meeting_, e.date) || (e.plenum == c.plenum && e.term == c.term) ||
          (e.type == c.type && e.number == c.number))
        continue;
      fit.push_back(i);
    }
    if (!fit.empty()) {
      const Central& e = x_.central[fit[r_.Below(fit.size())]];
      Doc d;
      d.type = "NQ";
      d.suffix = "TW";
      d.plenum = e.plenum;
      d.term = e.term;
      d.issuer = "Ban Chấp hành Trung ương";
      d.central = true;
      d.plenum_only = true;
      docs_.push_back(d);
      plenum_doc_ = static_cast<int>(docs_.size()) - 1;
    }
  }

  // ---- the page ----
  std::string site;
  std::string host;
  {
    std::string b = FoldVietnamese(h_.bloc ? h_.province_bare : h_.bare);
    b = Replace(b, " ", "");
    std::string pb = Replace(FoldVietnamese(h_.province_bare), " ", "");
    size_t f = r_.Below(5);
    std::string u = h_.unit.substr(0, h_.unit.find(" ("));
    if (f == 0)
      site = "Trang thông tin điện tử " + u, host = b + "." + pb + ".dcs.vn";
    else if (f == 1)
      site = "Cổng thông tin điện tử " + h_.province_place, host = pb + ".gov.vn";
    else if (f == 2)
      site = "Báo " + h_.province_bare + " điện tử", host = "bao" + pb + ".vn";
    else if (f == 3)
      site = "Trang tin Đảng bộ " + h_.province_place, host = "dangbo" + pb + ".vn";
    else
      site = "Cổng thông tin điện tử " + u, host = b + ".vn";
  }
  Date today = AddDays(published_, r_.In(0, 700));
  std::string author = Person();
  std::vector<std::string> parts;
  std::string head;
  if (r_.P(0.5)) head += site + "\n";
  head += Menu();
  // A lone date line would be the article's own date: a banner only beside a published line.
  if (has_published_ && r_.P(0.5)) head += Banner(today) + "\n";
  if (r_.P(0.2)) head += "Chào mừng bạn đến với " + site + "!\n";
  head += "\n" + Title() + "\n";
  if (has_published_) head += PublishedLine() + "\n";
  head += "\n";
  if (r_.P(0.3))
    head += r_.Pick(Strs{"Quang cảnh hội nghị", "Toàn cảnh hội nghị.", "Các đại biểu dự hội nghị",
                         "Đồng chí " + chair_ + " phát biểu tại hội nghị"}) +
            "\n\n";
  std::string lead = Lead();
  if (r_.P(0.3)) lead = "(" + site + ") - " + lead;
  std::string results = ResultsParagraph();
  std::string chain = ChainParagraph();
  std::string list = r_.P(0.3) ? ListParagraph() : "";
  std::string plenum = plenum_doc_ >= 0 ? PlenumParagraph() : "";
  std::string speech = SpeechParagraph();
  std::string awards = r_.P(0.6) ? AwardsParagraph() : "";
  std::string author_line;
  switch (r_.Below(5)) {
    case 0:
      author_line = author;
      break;
    case 1:
      author_line = "Tin, ảnh: " + author;
      break;
    case 2:
      author_line = author + " (Ban Tuyên giáo " + (h_.bloc ? "Đảng ủy Khối" : h_.committee) + ")";
      break;
    case 3:
      author_line = author + " - " + h_.province_bare;
      break;
    default:
      author_line = "Tác giả: " + author;
      break;
  }
  std::string tail = Trailer();
  size_t fixed = head.size() + lead.size() + results.size() + chain.size() + list.size() +
                 plenum.size() + speech.size() + awards.size() + author_line.size() + tail.size() +
                 20;
  size_t target_size = static_cast<size_t>(r_.In(3300, 8800));
  std::vector<std::string> fillers;
  size_t sz = fixed;
  while (sz < target_size) {
    std::string f = Filler();
    if (sz + f.size() + 2 > 9800) break;
    sz += f.size() + 2;
    fillers.push_back(f);
  }
  std::string text = head + lead + "\n\n" + results + "\n\n";
  if (!chain.empty()) text += chain + "\n\n";
  size_t half = fillers.size() / 2;
  for (size_t i = 0; i < half; ++i) text += fillers[i] + "\n\n";
  if (!plenum.empty()) text += plenum + "\n\n";
  for (size_t i = half; i < fillers.size(); ++i) text += fillers[i] + "\n\n";
  if (!list.empty()) text += list + "\n\n";
  text += speech + "\n\n";
  if (!awards.empty()) text += awards + "\n\n";
  text += author_line + "\n\n" + tail;

  Article a;
  a.name = ArticleName(index_);
  a.url = "https://" + host + "/tin-tuc/" + a.name;
  a.site = site;
  a.published = has_published_ ? Iso(published_) : "";
  a.text = std::move(text);
  a.gold = Gold(a.name, site, author);
  for (const Doc& d : docs_)
    for (const std::string& s : d.surfaces) a.surfaces.push_back(s);
  return a;
}

}  // namespace

Article Generator::Make(uint64_t seed, uint64_t index) const {
  Writer w(*index_, seed, index);
  return w.Write();
}

}  // namespace dg::gen
