#include "core/unit.h"

namespace dg {

const char* UnitLevelName(UnitLevel l) {
  switch (l) {
    case UnitLevel::kCentre: return "centre";
    case UnitLevel::kProvince: return "province";
    case UnitLevel::kCity: return "city under province";
    case UnitLevel::kTown: return "town";
    case UnitLevel::kDistrict: return "district";
    case UnitLevel::kCommune: return "commune";
    case UnitLevel::kBloc: return "bloc";
  }
  return "district";
}

}  // namespace dg
