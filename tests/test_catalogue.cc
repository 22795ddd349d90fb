#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <utility>

#include "ingest/catalogue.h"

using dg::Catalogue;

namespace {

std::string RealPath() { return std::string(DIRGRAPH_SOURCE_DIR) + "/data/catalogue.tsv"; }

const Catalogue& Real() {
  static const std::unique_ptr<Catalogue> cat = [] {
    auto r = Catalogue::Load(RealPath());
    if (!r.ok()) FAIL(r.status().ToString());
    return std::move(r).value();
  }();
  return *cat;
}

constexpr const char* kHeader =
    "code\ttype\tnumber\tdate\tissuer\tterm\tplenum\tmain\ttitle\tsource\n";

// A header and one row that passes every rule; tests change one field of it.
std::string Row(const std::string& code = "35-NQ/TW", const std::string& type = "NQ",
                const std::string& number = "35", const std::string& date = "2018-10-22",
                const std::string& issuer = "Bộ Chính trị", const std::string& term = "XII",
                const std::string& plenum = "", const std::string& main = "0",
                const std::string& title = "về tăng cường bảo vệ nền tảng tư tưởng của Đảng",
                const std::string& source = "https://example.org/35") {
  return code + "\t" + type + "\t" + number + "\t" + date + "\t" + issuer + "\t" + term + "\t" +
         plenum + "\t" + main + "\t" + title + "\t" + source + "\n";
}

// Writes `text` to a fresh temporary file and removes it when done.
struct TempFile {
  explicit TempFile(const std::string& text) {
    path = (std::filesystem::temp_directory_path() /
            ("dirgraph_catalogue_" + std::to_string(reinterpret_cast<uintptr_t>(this)) + ".tsv"))
               .string();
    std::ofstream(path, std::ios::binary) << text;
  }
  ~TempFile() { std::remove(path.c_str()); }
  std::string path;
};

}  // namespace

TEST_CASE("the real catalogue loads and every row parses") {
  auto r = Catalogue::Load(RealPath());
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r.value()->size() >= 40);
  CHECK(r.value()->size() <= 100);
}

TEST_CASE("the default path is the catalogue in the project folder") {
  auto r = Catalogue::Load();  // HomeDir()/data/catalogue.tsv
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r.value()->size() > 0);
}

TEST_CASE("every row is a well-formed central document") {
  std::set<std::pair<std::string, std::string>> seen;  // (code, term)
  for (const auto& e : Real().entries()) {
    CAPTURE(e.code);
    CAPTURE(e.key.term);
    CHECK(seen.insert({e.key.Code(), e.key.term}).second);  // no duplicate (code, term)
    CHECK(e.key.IsCentral());
    CHECK(e.key.scope == "TW");
    CHECK(e.key.plenum.empty());
    CHECK(e.key.ToString() == e.key.Code() + "@TW#" + e.key.term);
    CHECK((e.source.rfind("https://", 0) == 0 || e.source.rfind("http://", 0) == 0));
    CHECK(Catalogue::TermOf(e.date) == e.key.term);  // the date lies inside its term
    CHECK_FALSE(e.title.empty());
    CHECK_FALSE(e.issuer.empty());
    if (e.main) {
      CHECK_FALSE(e.plenum.empty());
      CHECK(e.key.type == "NQ");
      CHECK(Real().ByPlenum(e.plenum, e.key.term) == &e);
    }
  }
}

TEST_CASE("documents the rest of the project relies on are there") {
  struct Row {
    const char* type;
    const char* number;
    const char* bound;
    const char* date;
    const char* issuer;
    const char* comment;
  } rows[] = {
      {"NQ", "35", "2025-01-01", "2018-10-22", "Bộ Chính trị", "bảo vệ nền tảng tư tưởng"},
      {"NQ", "04", "2020-01-01", "2016-10-30", "Ban Chấp hành Trung ương", "TW4 khóa XII"},
      {"NQ", "12", "2013-01-01", "2012-01-16", "Ban Chấp hành Trung ương", "TW4 khóa XI"},
      {"CT", "05", "2020-01-01", "2016-05-15", "Bộ Chính trị", "học tập và làm theo"},
      {"QĐ", "85", "2023-01-01", "2022-10-07", "Ban Bí thư", "trang thông tin cá nhân"},
      {"QĐi", "8", "2019-01-01", "2018-10-25", "Ban Chấp hành Trung ương", "nêu gương"},
      {"NQ", "29", "2014-01-01", "2013-11-04", "Ban Chấp hành Trung ương", "giáo dục, TW8 XI"},
      {"NQ", "18", "2018-01-01", "2017-10-25", "Ban Chấp hành Trung ương", "bộ máy, TW6 XII"},
      {"NQ", "18", "2023-01-01", "2022-06-16", "Ban Chấp hành Trung ương", "đất đai, TW5 XIII"},
      {"NQ", "57", "2025-06-01", "2024-12-22", "Bộ Chính trị", "khoa học công nghệ"},
  };
  for (const auto& row : rows) {
    std::string comment = row.comment;
    CAPTURE(comment);
    const auto* e = Real().ByCodeAt(row.type, row.number, row.bound);
    REQUIRE(e != nullptr);
    CHECK(e->date == row.date);
    CHECK(e->issuer == row.issuer);
  }
}

TEST_CASE("ByPlenum finds the resolution a plenum's name usually means") {
  const auto* tw4xii = Real().ByPlenum("4", "XII");
  REQUIRE(tw4xii != nullptr);
  CHECK(tw4xii->key.ToString() == "4-NQ/TW@TW#XII");
  CHECK(tw4xii->code == "04-NQ/TW");
  CHECK(tw4xii->date == "2016-10-30");
  CHECK(tw4xii->plenum == "4");

  const auto* tw4xi = Real().ByPlenum("4", "XI");
  REQUIRE(tw4xi != nullptr);
  CHECK(tw4xi->key.ToString() == "12-NQ/TW@TW#XI");
  CHECK(tw4xi->date == "2012-01-16");

  CHECK(Real().ByPlenum("04", "XII") == tw4xii);  // a leading zero is the same plenum
  CHECK(Real().ByPlenum("4", "IX") == nullptr);   // no such plenum in the catalogue
  CHECK(Real().ByPlenum("", "XII") == nullptr);
  CHECK(Real().ByPlenum("6", "XII") == nullptr);  // four resolutions, none is "the" one

  auto tw6 = Real().OfPlenum("6", "XII");
  CHECK(tw6.size() == 4);
  for (const auto* e : tw6) CHECK(e->date == "2017-10-25");
  auto tw4 = Real().OfPlenum("4", "XII");
  REQUIRE(tw4.size() >= 2);
  CHECK(tw4.front() == tw4xii);  // by date
}

TEST_CASE("ByCodeAt chooses by the article's date") {
  struct Row {
    const char* bound;
    const char* date;  // nullptr: no entry fits
    const char* comment;
  } rows[] = {
      {"2020-01-01", "2019-05-30", "khóa XII directive"},
      {"2025-01-01", "2024-06-14", "khóa XIII directive, the latest before the bound"},
      {"2018-01-01", nullptr, "before both"},
      {"2019-05-30", "2019-05-30", "the bound day itself counts"},
      {"2024-06-13", "2019-05-30", "the day before the second"},
      {"not a date", nullptr, "a bad bound finds nothing"},
  };
  for (const auto& row : rows) {
    std::string comment = row.comment;
    CAPTURE(comment);
    const auto* e = Real().ByCodeAt("CT", "35", row.bound);
    if (row.date == nullptr) {
      CHECK(e == nullptr);
    } else {
      REQUIRE(e != nullptr);
      CHECK(e->date == row.date);
    }
  }
  const auto* xii = Real().ByCodeAt("CT", "35", "2020-01-01");
  REQUIRE(xii != nullptr);
  CHECK(xii->key.term == "XII");
  const auto* xiii = Real().ByCodeAt("CT", "35", "2025-01-01");
  REQUIRE(xiii != nullptr);
  CHECK(xiii->key.term == "XIII");
  CHECK(xii->key != xiii->key);
}

TEST_CASE("ByCode lists every term's document of a number, oldest first") {
  auto ct35 = Real().ByCode("CT", "35");
  REQUIRE(ct35.size() == 2);
  CHECK(ct35[0]->key.ToString() == "35-CT/TW@TW#XII");
  CHECK(ct35[1]->key.ToString() == "35-CT/TW@TW#XIII");

  auto nq18 = Real().ByCode("NQ", "018");
  REQUIRE(nq18.size() == 2);
  CHECK(nq18[0]->date == "2017-10-25");
  CHECK(nq18[1]->date == "2022-06-16");

  CHECK(Real().ByCode("NQ", "35").size() == 1);
  CHECK(Real().ByCode("NQ", "9999").empty());
  CHECK(Real().ByCode("NQ", "").empty());
  CHECK(Real().ByCode("NQ", "x").empty());
  CHECK(Real().ByCode("QD", "85").empty());  // the type is NFC "QĐ", not ASCII
  CHECK(Real().ByCode("QĐ", "85").size() == 1);
}

TEST_CASE("TermOf places dates by the congresses' closing days") {
  struct Row {
    const char* date;
    const char* term;
  } rows[] = {
      {"1996-06-30", ""},
      {"1996-07-01", "VIII"},
      {"2001-04-21", "VIII"},
      {"2001-04-22", "IX"},
      {"2006-04-24", "IX"},
      {"2006-04-25", "X"},
      {"2011-01-18", "X"},
      {"2011-01-19", "XI"},
      {"2016-01-27", "XI"},
      {"2016-01-28", "XII"},
      {"2021-01-31", "XII"},
      {"2021-02-01", "XIII"},
      {"2026-01-22", "XIII"},
      {"2026-01-23", "XIV"},
      {"2030-06-01", "XIV"},
      {"2018-10-22", "XII"},
      {"", ""},
      {"2018-13-01", ""},
      {"2018-02-30", ""},
      {"2018/10/22", ""},
      {"22/10/2018", ""},
      {"2020-02-29", "XII"},  // a leap day
  };
  for (const auto& row : rows) {
    std::string date = row.date;
    CAPTURE(date);
    CHECK(Catalogue::TermOf(row.date) == row.term);
  }
}

TEST_CASE("a malformed file is refused with its path and line") {
  struct Case {
    std::string text;
    int line;
    const char* says;
    const char* comment;
  } cases[] = {
      {std::string(kHeader) + Row() + "35-NQ/TW\tNQ\t35\n", 3, "expected 10", "too few fields"},
      {std::string(kHeader) + Row("35-NQ/TW", "NQ", "35", "2018-22-10"), 2, "ISO date", "bad date"},
      {std::string(kHeader) + Row("35-NQ/TW", "NQ", "35", "2018-10-22", "Bộ Chính trị", "XIII"), 2,
       "falls in khóa XII", "date outside its term"},
      {std::string(kHeader) + Row("35-NQ/TU"), 2, "NUMBER-TYPE/TW", "a local code"},
      {std::string(kHeader) + Row("36-NQ/TW"), 2, "does not have number", "code and number differ"},
      {std::string(kHeader) + Row("35-NQ/TW", "CT"), 2, "does not have type",
       "code and type differ"},
      {std::string(kHeader) + Row("035-NQ/TW", "NQ", "035"), 2, "leading zeros", "number padded"},
      {std::string(kHeader) + Row() + Row("035-NQ/TW"), 3, "already on line 2", "duplicate"},
      {std::string(kHeader) +
           Row("35-NQ/TW", "NQ", "35", "2018-10-22", "Bộ Chính trị", "XII", "", "1"),
       2, "main = 1", "main without a plenum"},
      {std::string(kHeader) + Row("35-NQ/TW", "NQ", "35", "2018-10-22", "Bộ Chính trị", "XII", "8"),
       2, "Ban Chấp hành", "a plenum document of the Politburo"},
      {std::string(kHeader) + Row("35-NQ/TW", "NQ", "35", "2018-10-22", "Bộ Chính tri"), 2,
       "unknown issuer", "misspelt issuer"},
      {std::string(kHeader) + Row("35-NQ/TW", "NQ", "35", "2018-10-22", "Bộ Chính trị", "XII", "",
                                  "0", "về", "ftp://x"),
       2, "not an http(s) URL", "bad source"},
      {std::string(kHeader) + Row("35-NQ/TW", "NQ", "35", "2018-10-22", "Bộ Chính trị", "XII", "",
                                  "0", "khoa\xCC\x81"),
       2, "NFC", "decomposed text"},
      {std::string(kHeader) +
           Row("35-NQ/TW", "NQ", "35", "2018-10-22", "Bộ Chính trị", "XII", "", "0", "\xFF"),
       2, "UTF-8", "invalid UTF-8"},
      {"code\ttype\n", 1, "no column 'number'", "short header"},
      {"# only a comment\n", 1, "no header", "no header"},
      {std::string(kHeader) +
           Row("4-NQ/TW", "NQ", "4", "2016-10-30", "Ban Chấp hành Trung ương", "XII", "4", "1") +
           Row("5-NQ/TW", "NQ", "5", "2016-11-01", "Ban Chấp hành Trung ương", "XII", "4", "1"),
       3, "main resolution on line 2", "two main resolutions of one plenum"},
  };
  for (const auto& c : cases) {
    std::string comment = c.comment;
    CAPTURE(comment);
    TempFile f(c.text);
    auto r = Catalogue::Load(f.path);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == dg::Code::kCorrupt);
    const std::string& m = r.status().message();
    CAPTURE(m);
    CHECK(m.find(f.path + ":" + std::to_string(c.line) + ": ") == 0);
    CHECK(m.find(c.says) != std::string::npos);
  }
}

TEST_CASE("comments, blank lines, CRLF and a byte-order mark are accepted") {
  TempFile f("\xEF\xBB\xBF# catalogue\r\n" +
             std::string("code\ttype\tnumber\tdate\tissuer\tterm\t") +
             "plenum\tmain\ttitle\tsource\r\n\r\n# a comment\r\n" + Row());
  auto r = Catalogue::Load(f.path);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  REQUIRE(r.value()->size() == 1);
  const auto& e = r.value()->entries().front();
  CHECK(e.key.ToString() == "35-NQ/TW@TW#XII");
  CHECK(e.source == "https://example.org/35");
  CHECK_FALSE(e.main);
}

TEST_CASE("a missing file is kNotFound naming it") {
  auto r = Catalogue::Load("/nonexistent/dirgraph/catalogue.tsv");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == dg::Code::kNotFound);
  CHECK(r.status().message().find("/nonexistent/dirgraph/catalogue.tsv") != std::string::npos);
}
