// The patterns of extraction, in one place, as named fragments. Every pattern runs on the
// folded text (ingest/text.h): ASCII, marks removed, case kept, so "Nghị quyết",
// "Nghi quyet" and NFD input all read "Nghi quyet". Each fragment lists real examples.
#pragma once

#include <re2/re2.h>

#include <string>
#include <string_view>

namespace dg {

struct Patterns {
  // A Party code NUMBER-TYPE/ISSUER with any spacing around '-' and '/'.
  //   "35-NQ/TW", "35 - NQ/TW", "85- QĐ/TW", "209 -KL/TU", "08-QĐi/TW", "05-CT/TƯ"
  RE2 party_code;
  // A state code NUMBER[/YEAR]/TYPE-ISSUER, and the inverted Party form "35/NQ-TW".
  //   "01/NQ-CP", "15/2020/NĐ-CP", "22/2019/NQ-HĐND", "120/KH-UBND", "1234/QĐ-TTg"
  RE2 state_code;
  // An abbreviation glued to or spaced from its number: "NQ35", "NQ 35", "NQ số 35".
  RE2 abbrev_number;
  // A document word and a number: "Nghị quyết 35", "Đề án số 02", "kế hoạch số 119".
  RE2 word_number;
  // The document word (or abbreviation) right before a code, ending at the code:
  //   "Nghị quyết số ", "NQ số ", "Quy định ", "Nghị định "
  RE2 word_before;
  // A plenum resolution: "Nghị quyết Trung ương 4", "NQ TW4", "Nghị quyết Hội nghị
  // Trung ương 6"; the term follows separately (term_after).
  RE2 plenum;
  // A term after a plenum number or a previous term: " (khóa XII)", " khóa XI", ", khóa XII".
  RE2 term_after;
  // A date right after a reference: ", ngày 22/10/2018", " ngày 7/10/2022", " 23-6-2014",
  // " ngày 22 tháng 10 năm 2018".
  RE2 date_after;
  // "của <issuer>" right after a reference (or its date): "của Bộ Chính trị", "của Ban
  // Thường vụ Tỉnh ủy", "của BTV Huyện ủy Châu Thành", "của BCH TW", "của Chính phủ".
  RE2 issuer_after;
  // The issuer as the subject, right before a document: "Huyện ủy Châu Thành ban hành ",
  // "Ban Thường vụ Tỉnh ủy đã ban hành ". Group 1 is the issuer.
  RE2 issuer_before;
  // A committee: "Ban Thường vụ Quận ủy", "Huyện ủy Duyên Hải", "Thành ủy", "Đảng ủy xã
  // Tân Phú", "Quận ủy quận Bình Thạnh", "Quận ủy Quận 1". Groups: 1 committee word,
  // 2 the place's type word (optional), 3 the name (optional).
  RE2 committee;
  // A day and month with an optional year: "20/11", "2/6/2023", "13/9".
  RE2 day_month;
  // A full date anywhere: "22/10/2018", "03/06/2023", "ngày 26 tháng 1 năm 2020".
  RE2 full_date;
  // "N năm" of a review period: "5 năm", "03 năm".
  RE2 years;
  // Awards: "30 tập thể, 12 cá nhân", "03 tập thể và 05 cá nhân".
  RE2 awards;

  // A plenum named by its meeting and an ordinal: "Nghị quyết Hội nghị lần thứ tám Ban
  // Chấp hành Trung ương Đảng khóa XII", "Nghị quyết Hội nghị Trung ương 6".
  RE2 plenum_meeting;
  // plenum_meeting | plenum | word_number | abbrev_number in one pattern, so the text is
  // read once for all: groups 1 (ordinal or number), 2 (plenum number), 3-4 (document
  // word, number), 5-6 (abbreviation, number).
  RE2 short_refs;

  static const Patterns& Get();
  // The first pattern that does not compile, with RE2's error; empty when all do.
  std::string FirstError() const;

 private:
  Patterns();
};

// The canonical Party document type for a folded, upper-cased type code ("QD" -> "QĐ",
// "QDI" -> "QĐi", "CTR" -> "CTr"), or "" when it is not a Party type.
std::string PartyType(std::string_view folded_upper);
// The canonical suffix for a folded, upper-cased Party issuer code ("DU" -> "ĐU"), or ""
// when it is not a Party issuer.
std::string PartySuffix(std::string_view folded_upper);
// The canonical state document type ("ND" -> "NĐ", "QD" -> "QĐ"), or "".
std::string StateType(std::string_view folded_upper);
// The number a folded Vietnamese ordinal or numeral names ("tam" -> 8, "muoi mot" -> 11,
// "6" -> 6), or 0.
int OrdinalValue(std::string_view folded);
// The document type a folded document word names ("nghi quyet" -> "NQ"), or "".
std::string TypeOfWord(std::string_view folded_lower);

}  // namespace dg
