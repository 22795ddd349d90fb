// DocumentKey: the identity of a document across the whole corpus (DESIGN.md §2):
// (scope, type, number, term). Two mentions name one document exactly when their keys
// are equal.
//
// Canonical string form, stable across runs and used as the `key` of `extract`:
//   party, coded:   NUMBER-TYPE/SUFFIX@SCOPE[#TERM]      35-NQ/TW@TW#XII, 2-ĐA/TU@ho-chi-minh
//   party, plenum:  TW<plenum>-NQ/TW@TW#TERM             TW4-NQ/TW@TW#XII (code unknown)
//   state:          NUMBER[/YEAR]/TYPE-SUFFIX@SCOPE      15/2020/NĐ-CP@VN, 120/KH-UBND@?
// SCOPE is "TW" for central Party documents, "VN" for national state documents, a
// gazetteer slug path (narrowest first, joined by '.') for local ones, and "?" while
// the jurisdiction is unknown (an unscoped document). TERM is a Roman numeral (khóa) or
// absent when unknown. Numbers carry no leading zeros.
#pragma once

#include <compare>
#include <string>
#include <string_view>

#include "core/status.h"

namespace dg {

enum class Family { kParty, kState };

struct DocumentKey {
  Family family = Family::kParty;
  std::string type;    // NQ, CT, KL, QĐ, QĐi, ĐA, KH, CTr, HD, TB, BC, … (NFC)
  std::string number;  // digits, no leading zeros; empty for a plenum resolution without code
  std::string suffix;  // TW, TU, QU, HU, ĐU, … (party); CP, UBND, HĐND, … (state)
  std::string year;    // state documents: the year inside the code ("2020"), else empty
  std::string plenum;  // "4" for "Nghị quyết Trung ương 4"; empty otherwise
  std::string scope;   // "TW", "VN", a place slug path, or "?" (unscoped)
  std::string term;    // Roman numeral or empty

  // The canonical string form described above.
  std::string ToString() const;
  // The code as printed in Vietnamese texts: "35-NQ/TW", "15/2020/NĐ-CP", "NQ TW4 khóa XII".
  std::string Code() const;
  bool IsCentral() const { return family == Family::kParty && suffix == "TW"; }
  bool IsUnscoped() const { return scope == "?"; }

  // Parses the canonical string form. Returns kInvalidArgument naming the text on failure.
  static Result<DocumentKey> Parse(std::string_view text);

  auto operator<=>(const DocumentKey&) const = default;
};

// "0035" -> "35", "0" -> "0".
std::string StripLeadingZeros(std::string_view digits);

// A key as one URL path segment: '/' -> '~', '#' -> '!', '?' -> '_'
// (35-NQ/TW@TW#XII -> 35-NQ~TW@TW!XII). Keys never hold '~', '!' or '_', so
// KeyFromSlug(KeySlug(k)) == k; KeyFromSlug of a text that is no slug returns it unchanged.
std::string KeySlug(std::string_view key);
std::string KeyFromSlug(std::string_view slug);

}  // namespace dg
