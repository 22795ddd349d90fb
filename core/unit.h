#pragma once

#include <string>

namespace dg {

// Levels of the administrative tree, and the committees that are not places.
enum class UnitLevel {
  kCentre,        // the Central Committee and its organs
  kProvince,      // tỉnh / thành phố trực thuộc trung ương
  kCity,          // thành phố thuộc tỉnh ("city under province")
  kTown,          // thị xã
  kDistrict,      // quận / huyện
  kCommune,       // xã / phường / thị trấn
  kBloc,          // Đảng ủy Khối, army and police committees, steering committees
};

const char* UnitLevelName(UnitLevel l);  // "province", "city under province", "district", …

// A unit of the gazetteer: an administrative unit as it stood in one era, or a committee.
struct Unit {
  std::string code;         // statistics-office code ("760"), unique within its era
  std::string name;         // "Quận 1", "Huyện Duyên Hải"
  UnitLevel level = UnitLevel::kDistrict;
  std::string parent_code;  // empty for a province
  std::string province;     // the province's full name: "Thành phố Hồ Chí Minh"
  std::string slug;         // stable slug path, narrowest first: "quan-1.ho-chi-minh"
  bool after_reform = false;  // true for units of the 1 July 2025 gazetteer
};

}  // namespace dg
