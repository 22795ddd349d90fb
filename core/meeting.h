#pragma once

#include <optional>
#include <string>
#include <vector>

namespace dg {

// A meeting one article reports (DESIGN.md §1). Document references are canonical
// DocumentKey strings of the same article.
struct Meeting {
  std::string unit;         // "Quận ủy Bình Tân", as the committee is named
  std::string unit_level;   // UnitLevelName of the resolved unit; empty when unresolved
  std::string unit_code;    // gazetteer code; empty when unresolved
  bool unit_after_reform = false;  // the code is of the gazetteer after the 2025 reform
  std::string province;     // "Thành phố Hồ Chí Minh"; empty when unknown
  std::string kind;         // "sơ kết", "tổng kết", "triển khai", "quán triệt", "other"
  std::optional<int> years; // the review period, "5 năm"
  std::vector<std::string> reviewed;
  std::vector<std::string> launched;
  std::string held_under;   // the plan the meeting was held under, if stated
  std::string date;         // ISO date; empty when unknown
  bool date_inferred = false;  // the year (or the date) was inferred, not read
  std::string chair;
  std::optional<int> award_collectives;
  std::optional<int> award_individuals;
};

}  // namespace dg
