#include "ingest/catalogue.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

namespace dg {

namespace {

// The first day of each term: the closing day of the congress that elected it.
struct TermStart {
  const char* term;
  const char* first_day;
};
constexpr std::array<TermStart, 7> kTerms = {{
    {"VIII", "1996-07-01"},
    {"IX", "2001-04-22"},
    {"X", "2006-04-25"},
    {"XI", "2011-01-19"},
    {"XII", "2016-01-28"},
    {"XIII", "2021-02-01"},
    {"XIV", "2026-01-23"},
}};

// Document types a central code may carry (DESIGN.md §1), in NFC.
constexpr std::array<std::string_view, 12> kTypes = {"NQ", "CT", "KL", "QĐ", "QĐi", "QC",
                                                     "HD", "TB", "BC", "KH", "CTr", "ĐA"};

constexpr std::array<std::string_view, 4> kIssuers = {
    "Bộ Chính trị", "Ban Bí thư", "Ban Chấp hành Trung ương", "Quân ủy Trung ương"};

constexpr std::string_view kPlenumIssuer = "Ban Chấp hành Trung ương";

constexpr std::array<std::string_view, 10> kColumns = {
    "code", "type", "number", "date", "issuer", "term", "plenum", "main", "title", "source"};

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// True for a valid calendar date written YYYY-MM-DD.
bool IsIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!AllDigits(s.substr(0, 4)) || !AllDigits(s.substr(5, 2)) || !AllDigits(s.substr(8, 2)))
    return false;
  int y = std::atoi(std::string(s.substr(0, 4)).c_str());
  int m = std::atoi(std::string(s.substr(5, 2)).c_str());
  int d = std::atoi(std::string(s.substr(8, 2)).c_str());
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  int last = kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0);
  return d <= last;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t at = line.find(sep, start);
    if (at == std::string_view::npos) {
      out.push_back(line.substr(start));
      return out;
    }
    out.push_back(line.substr(start, at - start));
    start = at + 1;
  }
}

enum class TextCheck { kOk, kBadUtf8, kNotNfc };

TextCheck CheckText(std::string_view s) {
  if (s.empty()) return TextCheck::kOk;
  auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_uint8_t* nfc = nullptr;
  utf8proc_ssize_t n =
      utf8proc_map(p, static_cast<utf8proc_ssize_t>(s.size()), &nfc,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (n < 0) return TextCheck::kBadUtf8;
  bool same = std::string_view(reinterpret_cast<const char*>(nfc), static_cast<size_t>(n)) == s;
  std::free(nfc);
  return same ? TextCheck::kOk : TextCheck::kNotNfc;
}

template <size_t N>
bool OneOf(const std::array<std::string_view, N>& set, std::string_view s) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

bool IsTerm(std::string_view s) {
  for (const auto& t : kTerms)
    if (s == t.term) return true;
  return false;
}

// Parses a central code "04-NQ/TW" into its number (as written) and type.
bool SplitCode(std::string_view code, std::string_view* number, std::string_view* type) {
  size_t dash = code.find('-');
  size_t slash = code.rfind('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash)
    return false;
  if (code.substr(slash + 1) != "TW") return false;
  *number = code.substr(0, dash);
  *type = code.substr(dash + 1, slash - dash - 1);
  return AllDigits(*number) && !type->empty();
}

}  // namespace

std::string Catalogue::TermOf(std::string_view iso_date) {
  if (!IsIsoDate(iso_date)) return "";
  std::string term;
  for (const auto& t : kTerms)
    if (iso_date >= t.first_day) term = t.term;
  return term;
}

Result<std::unique_ptr<Catalogue>> Catalogue::Load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return Status::NotFound("catalogue file not found: " + path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot open the catalogue file " + path);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::Io("cannot read the catalogue file " + path);
  return Parse(buf.str(), path);
}

Result<std::unique_ptr<Catalogue>> Catalogue::Parse(std::string_view text,
                                                    const std::string& name) {
  auto bad = [&](size_t line, const std::string& what) {
    return Status::Corrupt(name + ":" + std::to_string(line) + ": " + what);
  };
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte-order mark

  std::unique_ptr<Catalogue> cat(new Catalogue());
  std::array<size_t, kColumns.size()> col{};  // kColumns[i] is field col[i] of a row
  size_t header_fields = 0;
  bool have_header = false;
  std::map<std::pair<std::string, std::string>, size_t> code_term_line;  // "NQ#4", term
  std::map<std::pair<std::string, std::string>, size_t> main_line;       // plenum, term

  std::vector<std::string_view> raw_lines = Split(text, '\n');
  if (raw_lines.size() > 1 && raw_lines.back().empty()) raw_lines.pop_back();  // final newline
  size_t line_no = 0;
  for (std::string_view raw : raw_lines) {
    ++line_no;
    std::string_view line = raw;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty() || line.front() == '#') continue;
    std::vector<std::string_view> fields = Split(line, '\t');
    for (auto& f : fields) f = Trim(f);

    if (!have_header) {
      header_fields = fields.size();
      for (size_t i = 0; i < kColumns.size(); ++i) {
        auto it = std::find(fields.begin(), fields.end(), kColumns[i]);
        if (it == fields.end())
          return bad(line_no, "the header has no column '" + std::string(kColumns[i]) + "'");
        if (std::find(it + 1, fields.end(), kColumns[i]) != fields.end())
          return bad(line_no, "the header names column '" + std::string(kColumns[i]) + "' twice");
        col[i] = static_cast<size_t>(it - fields.begin());
      }
      have_header = true;
      continue;
    }

    if (fields.size() != header_fields)
      return bad(line_no, "expected " + std::to_string(header_fields) +
                              " tab-separated fields, found " + std::to_string(fields.size()));
    for (size_t i = 0; i < fields.size(); ++i) {
      switch (CheckText(fields[i])) {
        case TextCheck::kOk:
          break;
        case TextCheck::kBadUtf8:
          return bad(line_no, "field " + std::to_string(i + 1) + " is not valid UTF-8");
        case TextCheck::kNotNfc:
          return bad(line_no, "field " + std::to_string(i + 1) + " is not in Unicode NFC");
      }
    }
    auto field = [&](std::string_view column) {
      for (size_t i = 0; i < kColumns.size(); ++i)
        if (kColumns[i] == column) return fields[col[i]];
      return std::string_view();
    };

    Entry e;
    std::string_view code = field("code"), type = field("type"), number = field("number");
    std::string_view date = field("date"), term = field("term"), plenum = field("plenum");
    std::string_view main = field("main"), source = field("source");
    std::string_view code_number, code_type;
    if (!SplitCode(code, &code_number, &code_type))
      return bad(line_no, "code '" + std::string(code) + "' is not NUMBER-TYPE/TW");
    if (!OneOf(kTypes, type)) return bad(line_no, "unknown type '" + std::string(type) + "'");
    if (code_type != type)
      return bad(line_no,
                 "code '" + std::string(code) + "' does not have type '" + std::string(type) + "'");
    if (!AllDigits(number) || StripLeadingZeros(number) != number)
      return bad(line_no,
                 "number '" + std::string(number) + "' is not a number without leading zeros");
    if (StripLeadingZeros(code_number) != number)
      return bad(line_no, "code '" + std::string(code) + "' does not have number '" +
                              std::string(number) + "'");
    if (!IsIsoDate(date))
      return bad(line_no, "date '" + std::string(date) + "' is not an ISO date YYYY-MM-DD");
    if (!IsTerm(term))
      return bad(line_no, "term '" + std::string(term) + "' is not a known khóa (VIII to XIV)");
    if (TermOf(date) != term)
      return bad(line_no, "date " + std::string(date) + " falls in khóa " + TermOf(date) +
                              ", not " + std::string(term));
    if (!OneOf(kIssuers, field("issuer")))
      return bad(line_no, "unknown issuer '" + std::string(field("issuer")) + "'");
    if (!plenum.empty() &&
        (!AllDigits(plenum) || StripLeadingZeros(plenum) != plenum || plenum == "0"))
      return bad(line_no, "plenum '" + std::string(plenum) + "' is not a plenum number");
    if (!plenum.empty() && field("issuer") != kPlenumIssuer)
      return bad(line_no, "a plenum document is issued by the Ban Chấp hành Trung ương");
    if (main != "0" && main != "1")
      return bad(line_no, "main is '" + std::string(main) + "', not 0 or 1");
    if (main == "1" && (plenum.empty() || type != "NQ"))
      return bad(line_no, "main = 1 marks a plenum resolution (type NQ with a plenum)");
    if (field("title").empty()) return bad(line_no, "empty title");
    if ((source.substr(0, 8) != "https://" && source.substr(0, 7) != "http://") ||
        source.find(' ') != std::string_view::npos)
      return bad(line_no, "source '" + std::string(source) + "' is not an http(s) URL");

    auto [at, fresh] = code_term_line.emplace(
        std::make_pair(std::string(type) + "#" + std::string(number), std::string(term)), line_no);
    if (!fresh)
      return bad(line_no, "code " + std::string(code) + " of khóa " + std::string(term) +
                              " is already on line " + std::to_string(at->second));
    if (main == "1") {
      auto [m, first] =
          main_line.emplace(std::make_pair(std::string(plenum), std::string(term)), line_no);
      if (!first)
        return bad(line_no, "plenum " + std::string(plenum) + " of khóa " + std::string(term) +
                                " already has its main resolution on line " +
                                std::to_string(m->second));
    }

    e.key.family = Family::kParty;
    e.key.type = std::string(type);
    e.key.number = std::string(number);
    e.key.suffix = "TW";
    e.key.scope = "TW";
    e.key.term = std::string(term);
    e.code = std::string(code);
    e.date = std::string(date);
    e.issuer = std::string(field("issuer"));
    e.title = std::string(field("title"));
    e.plenum = std::string(plenum);
    e.source = std::string(source);
    e.main = main == "1";
    cat->entries_.push_back(std::move(e));
  }
  if (!have_header) return bad(std::max<size_t>(line_no, 1), "no header line");
  return cat;
}

std::vector<const Catalogue::Entry*> Catalogue::ByCode(std::string_view type,
                                                       std::string_view number) const {
  std::vector<const Entry*> out;
  if (!AllDigits(number)) return out;
  std::string n = StripLeadingZeros(number);
  for (const Entry& e : entries_)
    if (e.key.type == type && e.key.number == n) out.push_back(&e);
  std::stable_sort(out.begin(), out.end(),
                   [](const Entry* a, const Entry* b) { return a->date < b->date; });
  return out;
}

const Catalogue::Entry* Catalogue::ByCodeAt(std::string_view type, std::string_view number,
                                            std::string_view iso_date_bound) const {
  if (!IsIsoDate(iso_date_bound)) return nullptr;
  const Entry* best = nullptr;
  for (const Entry* e : ByCode(type, number))
    if (e->date <= iso_date_bound) best = e;
  return best;
}

const Catalogue::Entry* Catalogue::ByPlenum(std::string_view plenum, std::string_view term) const {
  for (const Entry* e : OfPlenum(plenum, term))
    if (e->main) return e;
  return nullptr;
}

std::vector<const Catalogue::Entry*> Catalogue::OfPlenum(std::string_view plenum,
                                                         std::string_view term) const {
  std::vector<const Entry*> out;
  if (!AllDigits(plenum)) return out;
  std::string p = StripLeadingZeros(plenum);
  for (const Entry& e : entries_)
    if (e.plenum == p && e.key.term == term) out.push_back(&e);
  std::stable_sort(out.begin(), out.end(),
                   [](const Entry* a, const Entry* b) { return a->date < b->date; });
  return out;
}

}  // namespace dg
