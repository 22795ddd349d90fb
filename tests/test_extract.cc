// Extraction, pattern by pattern: tables of {text, expected} rows, each with a comment.
// The gazetteer and catalogue are the real ones (npm packages, data/catalogue.tsv).
#include <doctest/doctest.h>

#include "tests/test_support.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ingest/catalogue.h"
#include "ingest/extract.h"
#include "ingest/gazetteer.h"
#include "ingest/patterns.h"

namespace {

const dg::Extractor& X() { return dg::testing::SharedExtractor(); }

dg::Extraction Run(const std::string& text, const std::string& published = "") {
  dg::ArticleHints h;
  h.file = "row.txt";
  h.published = published;
  auto e = X().Extract(text, h);
  REQUIRE_MESSAGE(e.ok(), e.status().ToString());
  return std::move(e).value();
}

std::vector<std::string> Codes(const dg::Extraction& e) {
  std::vector<std::string> out;
  for (const auto& d : e.documents) out.push_back(d.key.Code());
  std::sort(out.begin(), out.end());
  return out;
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " | ") + x;
  return s;
}

const dg::Document* Doc(const dg::Extraction& e, const std::string& code) {
  for (const auto& d : e.documents)
    if (d.key.Code() == code) return &d;
  return nullptr;
}

}  // namespace

TEST_CASE("every pattern compiles") { CHECK(dg::Patterns::Get().FirstError() == ""); }

TEST_CASE("document codes in all their spellings") {
  struct Row {
    const char* text;
    const char* codes;  // sorted, " | "-joined Code() of the documents found
    const char* comment;
  } rows[] = {
      {"Hội nghị quán triệt Nghị quyết số 36-NQ/TW về biển.", "36-NQ/TW", "plain"},
      {"thực hiện Nghị quyết số 36 - NQ/TW của Bộ Chính trị", "36-NQ/TW", "spaces around the dash"},
      {"theo Quy định số 102- QĐ/TW của Bộ Chính trị", "102-QĐ/TW", "space after the dash only"},
      {"Kết luận số 14 -KL/TU của Ban Thường vụ", "14-KL/TU", "space before the dash only"},
      {"Chỉ thị số 05-CT/TƯ của Bộ Chính trị", "5-CT/TW", "Ư for W means Trung ương; leading zero"},
      {"Quy định số 08-QÐi/TW về trách nhiệm nêu gương", "8-QĐi/TW", "QĐi with Ð typed for Đ"},
      {"Chương trình hành động số 12-CTHĐ/TU của Tỉnh ủy", "12-CTHĐ/TU", "CTHĐ"},
      {"Hướng dẫn số 27-HD/BTCTW của Ban Tổ chức Trung ương", "27-HD/BTCTW", "a central organ"},
      {"Nghị quyết số 847-NQ/QUTW của Quân ủy Trung ương", "847-NQ/QUTW", "Central Military Commission"},
      {"Nghị quyết số 04-NQ/ĐU của Đảng ủy xã Tân Hội", "4-NQ/ĐU", "commune committee"},
      {"thực hiện Nghị quyết 29/NQ-TW về giáo dục", "29-NQ/TW", "inverted party code"},
      {"Nghị quyết 01/NQ-CP của Chính phủ", "1/NQ-CP", "state: Government resolution"},
      {"theo Nghị định 15/2020/NĐ-CP", "15/2020/NĐ-CP", "state with year"},
      {"Nghị quyết số 22/2019/NQ-HĐND của HĐND tỉnh", "22/2019/NQ-HĐND", "state: People's Council"},
      {"Kế hoạch số 120/KH-UBND ngày 5/3/2021", "120/KH-UBND", "state: People's Committee plan"},
      {"Nghị quyết 19-2017/NQ-CP ngày 6/2/2017", "19/2017/NQ-CP", "year joined with a dash"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.comment);
    CHECK(Join(Codes(Run(r.text))) == r.codes);
  }
}

TEST_CASE("numbers that are not documents stay out") {
  const char* rows[] = {
      "Tỷ lệ đảng viên tham gia học tập đạt 97 %, với 30.850 lượt cán bộ.",  // percentages, counts
      "Ban Chỉ đạo 35 quận họp định kỳ hằng tháng.",                          // a steering committee
      "Hội nghị Trung ương 7 (khóa XIII) đã bế mạc.",                         // a plenum meeting
      "Lượt xem: 1234. Hôm nay: 9310. Tất cả: 3,782,339",                     // counters
      "Kế hoạch năm 2024 và Chương trình 2030 của ngành.",                    // years
      "Tổng kinh phí 27 triệu đồng, hỗ trợ 4 trường hợp, điện thoại 0913.456.789.",
      "Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XVI, nhiệm kỳ 2020 - 2025",    // congress resolution
  };
  for (const char* text : rows) {
    CAPTURE(text);
    CHECK(Run(text).documents.empty());
  }
}

TEST_CASE("short forms resolve to the full code of the same article, before or after") {
  auto e = Run("Đề án 07 được triển khai rộng rãi. Sau đó, Đề án số 07-ĐA/TU của Ban Thường vụ "
               "Tỉnh ủy được sơ kết. NQ 36 và Nghị quyết số 36-NQ/TW cùng được quán triệt.");
  CHECK(Join(Codes(e)) == "36-NQ/TW | 7-ĐA/TU");
  const auto* da = Doc(e, "7-ĐA/TU");
  REQUIRE(da != nullptr);
  CHECK(da->mentions.size() == 2);
  CHECK(Doc(e, "36-NQ/TW")->mentions.size() == 2);

  // "Quy định 08" names the 08-QĐi/TW of the article: a Quy định spelled QĐi.
  auto qdi = Run("Quán triệt Quy định số 08-QĐi/TW ngày 25/10/2018 của Ban Chấp hành Trung ương. "
                 "Tỉnh ủy ban hành Kế hoạch số 12-KH/TU để thực hiện Quy định 08.",
                 "2019-06-01");
  CHECK(Join(Codes(qdi)) == "12-KH/TU | 8-QĐi/TW");
  REQUIRE(Doc(qdi, "8-QĐi/TW") != nullptr);
  CHECK(Doc(qdi, "8-QĐi/TW")->mentions.size() == 2);
  REQUIRE(qdi.relations.size() == 1);
  CHECK(qdi.relations[0].to.rfind("8-QĐi/TW", 0) == 0);
}

TEST_CASE("committee names: a person after the committee, TP.HCM glued, report counts") {
  auto e = Run("Sáng 3/4, Thành ủy TP.HCM tổ chức hội nghị triển khai công tác năm.", "2021-04-05");
  REQUIRE(e.meetings.size() == 1);
  CHECK(e.meetings[0].unit == "Thành ủy Hồ Chí Minh");
  auto person = Run("Sáng 3/4, Bí thư Thành ủy Nguyễn Văn An chủ trì hội nghị triển khai kế "
                    "hoạch năm của thành phố Tam Điệp.",
                    "2021-04-05");
  REQUIRE(person.meetings.size() == 1);
  CHECK(person.meetings[0].unit == "Thành ủy Tam Điệp");
  auto counts = Run("Lực lượng cốt cán phát hiện, báo cáo 416 đường dẫn xấu; Chương trình 135 "
                    "hỗ trợ 20 xã.");
  CHECK(counts.unresolved.empty());
  CHECK(counts.documents.empty());
}

TEST_CASE("a short form without a full code or issuer is unresolved, not guessed") {
  auto e = Run("Cán bộ tiếp tục học tập Nghị quyết 17 trong năm nay.");
  CHECK(e.documents.empty());
  REQUIRE(e.unresolved.size() == 1);
  CHECK(e.unresolved[0].text == "Nghị quyết 17");
  CHECK(e.unresolved[0].reason == "no full code for this short form");
}

TEST_CASE("a local code of an unknown place is kept unscoped and listed as unresolved") {
  auto e = Run("Các chi bộ tiếp tục thực hiện Chỉ thị số 24-CT/TU về mạng xã hội.");
  REQUIRE(e.documents.size() == 1);
  CHECK(e.documents[0].key.ToString() == "24-CT/TU@?");
  CHECK(e.documents[0].jurisdiction.empty());
  REQUIRE(e.unresolved.size() == 1);
  CHECK(e.unresolved[0].reason.find("jurisdiction unknown") == 0);
}

TEST_CASE("a list of short forms shares the issuer named after it") {
  auto e = Run("Thực hiện Kế hoạch 45, Chỉ thị 12 và Quy định 301 của Ban Thường vụ Huyện ủy.");
  CHECK(Join(Codes(e)) == "12-CT/HU | 301-QĐ/HU | 45-KH/HU");
  // Weak words ("Chương trình 04", "KH 116") join a list; alone they name nothing.
  auto weak = Run("quán triệt Nghị quyết 2, Chương trình 04 và KH 116 của Tỉnh ủy.");
  CHECK(Join(Codes(weak)) == "116-KH/TU | 2-NQ/TU | 4-CTr/TU");
  auto alone = Run("Chương trình 135 hỗ trợ 20 xã; KH 116 đã thanh toán.");
  CHECK(alone.documents.empty());
  CHECK(alone.unresolved.empty());
}

TEST_CASE("the issuer as the subject: 'Thực hiện B, … ban hành A' and 'ban hành A … để triển khai B'") {
  auto e = Run("Thực hiện Nghị quyết số 36-NQ/TW, Ban Thường vụ Tỉnh ủy đã ban hành Kế hoạch số "
               "12-KH/TU. Ban Thường vụ Huyện ủy ban hành Kế hoạch số 7-KH/HU ngày 2/3/2019 để "
               "triển khai thực hiện Kế hoạch số 12-KH/TU.");
  std::vector<std::string> pairs;
  for (const auto& r : e.relations)
    pairs.push_back(r.from.substr(0, r.from.find('@')) + " -> " + r.to.substr(0, r.to.find('@')));
  std::sort(pairs.begin(), pairs.end());
  CHECK(Join(pairs) == "12-KH/TU -> 36-NQ/TW | 7-KH/HU -> 12-KH/TU");
}

TEST_CASE("plenum resolutions by name, one document per term") {
  auto e = Run("đẩy mạnh thực hiện Nghị quyết Trung ương 4 khóa XI, khóa XII trong toàn Đảng bộ",
               "2019-05-01");
  REQUIRE(e.documents.size() == 2);
  CHECK(e.documents[0].key.plenum == "4");
  CHECK(e.documents[0].key.term == "XI");
  CHECK(e.documents[1].key.term == "XII");
  // The catalogue names their codes and dates.
  CHECK(e.documents[0].key.Code() == "12-NQ/TW");
  CHECK(e.documents[1].key.Code() == "4-NQ/TW");
  CHECK(e.documents[1].date == "2016-10-30");

  auto one = Run("Nghị quyết Trung ương 4 (khóa XII) và Nghị quyết số 04-NQ/TW", "2019-05-01");
  CHECK(one.documents.size() == 1);

  // A plenum by its meeting and an ordinal in words; and a plural that names no one document.
  auto words = Run("quán triệt Nghị quyết Hội nghị lần thứ tám Ban Chấp hành Trung ương Đảng khóa "
                   "XII và các nghị quyết Hội nghị lần thứ năm Ban Chấp hành Trung ương khóa XIII",
                   "2019-05-01");
  REQUIRE(words.documents.size() == 1);
  CHECK(words.documents[0].key.plenum == "8");
  CHECK(words.documents[0].key.term == "XII");
}

TEST_CASE("issue dates, with year sanity") {
  struct Row {
    const char* text;
    const char* published;
    const char* date;
    const char* comment;
  } rows[] = {
      {"Nghị quyết số 36-NQ/TW ngày 22/10/2018 của Bộ Chính trị", "2020-01-01", "2018-10-22", "stated"},
      {"Chỉ thị số 07-CT/TU ngày 22/10/1019 của Tỉnh ủy", "2021-01-01", "2019-10-22", "1019 is 2019"},
      {"Chỉ thị số 07-CT/TU ngày 22/10/2023 của Tỉnh ủy", "2021-01-01", "", "after the article"},
      {"Kế hoạch số 45-KH/HU, ngày 3 tháng 4 năm 2017 của BTV Huyện ủy", "", "2017-04-03", "in words"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.comment);
    auto e = Run(r.text, r.published);
    REQUIRE(e.documents.size() == 1);
    CHECK(e.documents[0].date == r.date);
  }
}

TEST_CASE("one code with two stated dates is two documents; a short form means the last named") {
  auto e = Run("Hội nghị triển khai Chỉ thị số 35-CT/TW ngày 14/6/2024 của Bộ Chính trị. Chỉ thị "
               "có nhiều điểm mới so với Chỉ thị số 35-CT/TW ngày 30/5/2019. Kế hoạch số 285-KH/TU "
               "của Tỉnh ủy cụ thể hóa Chỉ thị 35.",
               "2024-07-20");
  REQUIRE(e.documents.size() == 3);
  CHECK(e.documents[0].date == "2024-06-14");
  CHECK(e.documents[1].date == "2019-05-30");
  CHECK(e.documents[0].key.ToString() != e.documents[1].key.ToString());
  REQUIRE(e.relations.size() == 1);
  CHECK(e.relations[0].to == e.documents[1].key.ToString());  // the 2019 one was named last
}

TEST_CASE("issuers and central documents' catalogue data") {
  auto e = Run("quán triệt Quy định số 85-QĐ/TW của Ban Bí thư", "2023-05-01");
  REQUIRE(e.documents.size() == 1);
  CHECK(e.documents[0].issuer == "Ban Bí thư");
  CHECK(e.documents[0].date == "2022-10-07");  // from the catalogue
  CHECK(e.documents[0].key.term == "XIII");

  // An issuer that is not the catalogue's: another document of that number, left undated.
  auto other = Run("thực hiện Quy định số 85-QĐ/TW của Bộ Chính trị về kiểm tra, giám sát");
  REQUIRE(other.documents.size() == 1);
  CHECK(other.documents[0].date.empty());
  CHECK(other.documents[0].issuer == "Bộ Chính trị");

  // 35-CT/TW names two directives; the article's date tells which.
  auto old = Run("triển khai Chỉ thị số 35-CT/TW của Bộ Chính trị", "2019-09-01");
  auto now = Run("triển khai Chỉ thị số 35-CT/TW của Bộ Chính trị", "2024-09-01");
  REQUIRE(old.documents.size() == 1);
  REQUIRE(now.documents.size() == 1);
  CHECK(old.documents[0].key.term == "XII");
  CHECK(now.documents[0].key.term == "XIII");
  CHECK(old.documents[0].key.ToString() != now.documents[0].key.ToString());

  // A title read to the end of its clause that runs on past the catalogue's title ends
  // where the catalogue's does; a title that differs from the catalogue's is kept.
  auto runs_on = Run("Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị về đẩy mạnh học tập và "
                     "làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh, tạo chuyển biến rõ nét "
                     "trong toàn Đảng bộ.",
                     "2021-05-01");
  REQUIRE(runs_on.documents.size() == 1);
  CHECK(runs_on.documents[0].title ==
        "về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh");
  auto own = Run("Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị về đẩy mạnh học tập và "
                 "làm theo tấm gương đạo đức Hồ Chí Minh, tạo chuyển biến rõ nét.",
                 "2021-05-01");
  REQUIRE(own.documents.size() == 1);
  CHECK(own.documents[0].title.rfind("về đẩy mạnh học tập và làm theo tấm gương", 0) == 0);
}

TEST_CASE("a title after an issuer whose name runs on past the issuer pattern") {
  struct Row {
    const char* text;
    const char* title;  // how the first document's title starts; "" for none
    bool implements;    // the first document implements the second
    const char* comment;
  } rows[] = {
      {"Kế hoạch số 45-KH/ĐU ngày 3/4/2021 của Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh Bình "
       "Định về thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị.",
       "về thực hiện Chỉ thị số 05-CT/TW", true, "'các cơ quan tỉnh …' after the committee"},
      {"Chương trình số 12-CTr/ĐU ngày 9/9/2022 của Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh "
       "Sóc Trăng về thực hiện Nghị quyết số 18-NQ/TW ngày 25/10/2017 của Ban Chấp hành Trung ương.",
       "về thực hiện Nghị quyết số 18-NQ/TW", true, "'và Doanh nghiệp' joins the name"},
      {"Kế hoạch số 45-KH/ĐU ngày 3/4/2021 của Đảng ủy Khối Bình Định tổ chức hội nghị về thực "
       "hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị.",
       "", false, "a verb after the name: no title, no relation"},
      {"Chương trình số 21-CTr/ĐU ngày 2/3/2020 của Ban Thường vụ Đảng ủy Khối Doanh nghiệp tỉnh "
       "Bạc Liêu triển khai thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị.",
       "", true, "a relation's words right after the name"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.comment);
    auto e = Run(r.text, "2023-01-01");
    REQUIRE(e.documents.size() == 2);
    const std::string title = e.documents[0].title, want = r.title;
    CAPTURE(title);
    CHECK((want.empty() ? title.empty() : title.rfind(want, 0) == 0));
    bool found = false;
    for (const auto& rel : e.relations) {
      found = found || (rel.from == e.documents[0].key.ToString() &&
                        rel.to == e.documents[1].key.ToString() &&
                        rel.rel == dg::Relation::kImplements);
    }
    CHECK(found == r.implements);
  }
}

TEST_CASE("relations the text states, and none it does not") {
  struct Row {
    const char* text;
    const char* rel;  // "" for none
    const char* comment;
  } rows[] = {
      {"Kế hoạch số 45-KH/HU ngày 3/4/2019 của Ban Thường vụ Huyện ủy thực hiện Nghị quyết số "
       "36-NQ/TW của Bộ Chính trị.", "implements", "thực hiện after the issuer"},
      {"Việc thực hiện Chỉ thị số 27-CT/TW được gắn với Nghị quyết số 21-NQ/TW của Ban Chấp "
       "hành Trung ương.", "linked", "'được gắn với' after the document"},
      {"Kế hoạch số 45-KH/HU về thực hiện Nghị quyết số 36-NQ/TW.", "implements", "về thực hiện"},
      {"Chương trình số 12-CTr/TU cụ thể hóa Nghị quyết số 36-NQ/TW.", "implements", "cụ thể hóa"},
      {"Quy định số 20-QĐ/TU sửa đổi, bổ sung Quy định số 11-QĐ/TU.", "amends", "amends"},
      {"Quy định số 20-QĐ/TU thay thế Quy định số 11-QĐ/TU.", "replaces", "replaces"},
      {"Gắn Chỉ thị số 07-CT/TU với việc thực hiện Nghị quyết số 36-NQ/TW.", "linked", "gắn … với"},
      {"Kết luận số 14-KL/TW của Ban Bí thư về tiếp tục thực hiện Nghị quyết số 36-NQ/TW.",
       "implements", "về tiếp tục thực hiện"},
      {"Kế hoạch số 9-KH/HU được ban hành nhằm cụ thể hóa Kế hoạch số 45-KH/TU.", "implements",
       "được ban hành nhằm cụ thể hóa"},
      {"Kế hoạch số 7-KH/ĐU của Ban Thường vụ Đảng ủy phường thực hiện Nghị quyết số 36-NQ/TW.",
       "implements", "issuer named by its place word alone"},
      {"Kế hoạch số 45-KH/TU thực hiện Nghị quyết số 36-NQ/TW và Kế hoạch số 9-KH/HU.", "implements",
       "a district plan in the list is not implemented by the province's"},
      {"Quy định số 24-QĐ/HU ngày 2/6/2021 về chế độ báo cáo trong Đảng bộ, thay thế Quy định số "
       "7-QĐ/HU ngày 1/3/2016.", "replaces", "after a title and a comma"},
      {"Kế hoạch số 64-KH/TU của Ban Thường vụ Tỉnh ủy Quảng Trị thực hiện Chỉ thị số 12-CT/TW.",
       "implements", "an issuer's place starting like a place word (Quảng)"},
      {"Đề án số 5-ĐA/TU của Tỉnh ủy Bà Rịa - Vũng Tàu \"Bảo vệ môi trường\" về việc thực hiện "
       "Nghị quyết số 24-NQ/TW.", "implements", "a hyphenated province, then a quoted title"},
      {"Đề án số 12-ĐA/TU về đại hội đảng bộ các cấp về việc thực hiện Chỉ thị số 35-CT/TW.",
       "implements", "a second 'về' after an unquoted title"},
      {"Kế hoạch số 45-KH/HU về tổng kết Nghị quyết số 36-NQ/TW.", "", "về tổng kết is no implementation"},
      {"sơ kết Nghị quyết số 36-NQ/TW và Kế hoạch số 45-KH/HU.", "", "reviewed together"},
      {"Đề án số 02-ĐA/TU, triển khai kế hoạch thực hiện Đề án số 05-ĐA/TU.", "", "a comma ends the clause"},
      {"Chỉ thị số 20-CT/TU ngày 2/3/2019 của Ban Thường vụ Tỉnh ủy về phát triển kinh tế tập thể "
       "thực hiện Nghị quyết số 13-NQ/TW.", "implements", "the trigger inside an unquoted title"},
      {"Kế hoạch số 7/KH-UBND về tổ chức thực hiện Chỉ thị số 20-CT/TU.", "implements",
       "về tổ chức thực hiện"},
      {"Kế hoạch số 30-KH/TU về sơ kết 5 năm thực hiện Nghị quyết số 13-NQ/TW.", "",
       "a title about reviewing carries nothing out"},
      {"Nghị quyết số 4-NQ/TU về công tác cán bộ và thực hiện Chỉ thị số 20-CT/TW.", "",
       "'và thực hiện' in a title: a second subject"},
      {"Chỉ thị số 9-CT/TU về cải cách hành chính gắn với thực hiện Nghị quyết số 13-NQ/TW.", "",
       "'gắn với thực hiện' in a title is no implementation"},
      {"Ban Thường vụ Huyện ủy ban hành Chỉ thị số 10-CT/HU ngày 2/3/2021 về công tác dân vận. "
       "Chỉ thị này thay thế Chỉ thị số 04-CT/HU ngày 1/2/2016.", "replaces",
       "'Chỉ thị này' names the directive of the sentence before"},
      {"Nghị quyết số 8-NQ/HU ngày 2/3/2021 về công tác dân vận. Hội nghị kéo dài một ngày. "
       "Các đại biểu thảo luận sôi nổi. Nghị quyết này thay thế Nghị quyết số 3-NQ/HU.", "",
       "'này' two sentences after the document names nothing"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.comment);
    auto e = Run(r.text);
    if (*r.rel == '\0') {
      CHECK(e.relations.empty());
    } else {
      REQUIRE(e.relations.size() == 1);
      CHECK(dg::RelationName(e.relations[0].rel) == std::string(r.rel));
      // The evidence covers both mentions.
      std::string ev = std::string(r.text).substr(e.relations[0].evidence_start,
                                                  e.relations[0].evidence_end - e.relations[0].evidence_start);
      CHECK(ev.size() > 10);
    }
  }
}

TEST_CASE("a steering committee named after a central document is evidence, not a statement") {
  struct Row {
    const char* text;
    const char* edge;  // "FROM -> TO weight" of the one inferred edge; "" for none
    const char* comment;
  } rows[] = {
      {"Ban Chỉ đạo 35 tỉnh đã tham mưu ban hành Kế hoạch số 12-KH/TU về bảo vệ nền tảng tư tưởng; "
       "tỉnh thực hiện tốt Nghị quyết số 35-NQ/TW.", "12-KH/TU -> 35-NQ/TW 0.50", "one sentence"},
      {"Chiều 4/10/2023, Huyện ủy Quỳnh Lưu tổ chức hội nghị sơ kết 5 năm thực hiện Nghị quyết số "
       "35-NQ/TW và Kế hoạch số 45-KH/HU. Đồng chí Hồ Văn A, Trưởng Ban Chỉ đạo 35 huyện chủ trì "
       "hội nghị.", "45-KH/HU -> 35-NQ/TW 0.35", "reviewed at the meeting, committee in another sentence"},
      {"Ban Chỉ đạo 35 huyện chỉ đạo thực hiện Kế hoạch số 45-KH/HU thực hiện Nghị quyết số 35-NQ/TW.",
       "", "a stated relation leaves nothing to infer"},
      {"Ban Chỉ đạo 35 huyện triển khai Kế hoạch số 45-KH/HU, Nghị quyết số 35-NQ/TW và Chỉ thị số "
       "35-CT/TW.", "", "two central documents numbered 35: which one is not told"},
      {"Ban Chỉ đạo 389/TP kiểm tra Kế hoạch số 45-KH/HU và Nghị quyết số 389-NQ/TW.", "",
       "389/TP is a name with a code, not a number"},
      {"Ban Chỉ đạo 36 tỉnh giám sát Kế hoạch số 45-KH/TU theo Nghị quyết số 35-NQ/TW.", "",
       "no central document of that number"},
      {"Kế hoạch số 45-KH/HU được triển khai. Ban Chỉ đạo 35 họp về Nghị quyết số 35-NQ/TW.", "",
       "neither in one sentence nor at a meeting"},
  };
  for (const auto& r : rows) {
    const std::string comment = r.comment;
    CAPTURE(comment);
    auto e = Run(r.text, "2023-10-05");
    std::vector<std::string> edges;
    for (const auto& rel : e.relations) {
      if (!rel.inferred) continue;
      char w[16];
      std::snprintf(w, sizeof w, "%.2f", rel.weight);
      auto code = [&](const std::string& key) { return key.substr(0, key.find('@')); };
      edges.push_back(code(rel.from) + " -> " + code(rel.to) + " " + w);
      // The evidence is the committee's name.
      CHECK(std::string(r.text).substr(rel.evidence_start, rel.evidence_end - rel.evidence_start)
                .rfind("Ban Chỉ đạo", 0) == 0);
    }
    CHECK(Join(edges) == r.edge);
  }
}

TEST_CASE("the meeting: unit from the gazetteer, kind, period, documents, date, awards") {
  auto e = Run(
      "Chủ Nhật, ngày 12 tháng 7 năm 2020\n\n"
      "Huyện ủy Cai Lậy sơ kết Nghị quyết 36\n\n"
      "Chiều 10/7, Huyện ủy Cai Lậy tổ chức hội nghị sơ kết 3 năm thực hiện Nghị quyết số "
      "36-NQ/TW ngày 22/10/2017 của Bộ Chính trị. Đồng chí Nguyễn Văn An, Bí thư Huyện ủy chủ trì "
      "hội nghị. Dịp này, Huyện ủy tặng giấy khen cho 15 tập thể, 20 cá nhân.\n");
  CHECK(e.article.published == "2020-07-12");
  REQUIRE(e.meetings.size() == 1);
  const auto& m = e.meetings[0];
  CHECK(m.unit == "Huyện ủy Cai Lậy");
  CHECK(m.unit_level == "district");
  CHECK(m.province == "Tỉnh Tiền Giang");
  CHECK(m.kind == "sơ kết");
  CHECK(m.years == 3);
  CHECK(m.date == "2020-07-10");
  CHECK(m.date_inferred);
  CHECK(m.chair == "Nguyễn Văn An");
  CHECK(m.award_collectives == 15);
  CHECK(m.award_individuals == 20);
  REQUIRE(m.reviewed.size() == 1);
  CHECK(m.reviewed[0].rfind("36-NQ/TW@TW", 0) == 0);
}

TEST_CASE("a meeting year is inferred from N years after a dated document when the page has none") {
  auto e = Run("Ngày 5/5, Quận ủy Ninh Kiều tổ chức hội nghị tổng kết 5 năm thực hiện Chỉ thị số "
               "17-CT/TU, ngày 2/3/2016 của Ban Thường vụ Thành ủy.");
  REQUIRE(e.meetings.size() == 1);
  CHECK(e.meetings[0].date == "2021-05-05");
  CHECK(e.meetings[0].province == "Thành phố Cần Thơ");
  REQUIRE(e.documents.size() == 1);
  CHECK(e.documents[0].jurisdiction == "Thành phố Cần Thơ");
}

TEST_CASE("a meeting shortly before its article takes the article's year, whatever N years says") {
  const std::string text =
      "Sáng 15/2, Huyện ủy Triệu Sơn tổ chức hội nghị sơ kết 5 năm thực hiện Đề án số 2-ĐA/HU "
      "ngày 24/12/2018 của Ban Thường vụ Huyện ủy.";
  struct Row {
    const char* published;
    const char* date;
    const char* comment;
  } rows[] = {
      {"2024-02-16", "2024-02-15", "the day after: 2018 + 5 is rounded"},
      {"2024-05-10", "2024-02-15", "three months after: still the article's year"},
      {"2025-09-01", "2023-02-15", "long after: the article looks back, 2018 + 5 is the guess"},
      {"", "2023-02-15", "no publication date: 2018 + 5"},
  };
  for (const Row& r : rows) {
    CAPTURE(std::string(r.comment));
    auto e = Run(text, r.published);
    REQUIRE(e.meetings.size() == 1);
    CHECK(e.meetings[0].date == r.date);
    CHECK(e.meetings[0].date_inferred);
  }
}

TEST_CASE("a holder's place: the place above named after it, names with an apostrophe") {
  struct Row {
    const char* text;
    const char* province;  // of the meeting, and the place of the local plan
    const char* comment;
  } rows[] = {
      {"Sáng 4/3, Đảng ủy xã Tân Hòa, huyện Quốc Oai tổ chức hội nghị triển khai Kế hoạch số "
       "12-KH/TU của Ban Thường vụ Thành ủy.", "Thành phố Hà Nội",
       "one of many Xã Tân Hòa: the district named after it tells which"},
      {"Sáng 4/3, Đảng ủy xã Phú Lộc, huyện Can Lộc tổ chức hội nghị triển khai Kế hoạch số "
       "12-KH/TU của Ban Thường vụ Tỉnh ủy.", "Tỉnh Hà Tĩnh", "likewise, another province"},
      {"Sáng 4/3, Ban Thường vụ Huyện ủy Ea H'leo tổ chức hội nghị triển khai Kế hoạch số "
       "12-KH/TU của Ban Thường vụ Tỉnh ủy.", "Tỉnh Đắk Lắk", "an apostrophe inside a name"},
  };
  for (const Row& r : rows) {
    CAPTURE(std::string(r.comment));
    auto e = Run(r.text, "2023-03-05");
    REQUIRE(e.meetings.size() == 1);
    CHECK(e.meetings[0].province == r.province);
    const dg::Document* kh = Doc(e, "12-KH/TU");
    REQUIRE(kh != nullptr);
    CHECK(kh->jurisdiction == r.province);
  }
  // A district named after a commune that is not above it tells nothing.
  auto e = Run("Sáng 4/3, Đảng ủy xã Tân Hòa, huyện Can Lộc tổ chức hội nghị.", "2023-03-05");
  REQUIRE(e.meetings.size() == 1);
  CHECK(e.meetings[0].province == "");
}

TEST_CASE("a committee that is not a place: its name, its province, its documents' place") {
  auto e = Run("Sáng 9/3, Đảng ủy Khối Doanh nghiệp tỉnh Lâm Đồng tổ chức hội nghị tổng kết Kế "
               "hoạch số 21-KH/ĐU của Ban Thường vụ Đảng ủy Khối.",
               "2022-03-10");
  REQUIRE(e.meetings.size() == 1);
  CHECK(e.meetings[0].unit == "Đảng ủy Khối Doanh nghiệp tỉnh Lâm Đồng");
  CHECK(e.meetings[0].unit_level == "bloc");
  CHECK(e.meetings[0].province == "Tỉnh Lâm Đồng");
  REQUIRE(e.documents.size() == 1);
  CHECK(e.documents[0].jurisdiction == "Khối Doanh nghiệp tỉnh Lâm Đồng, Tỉnh Lâm Đồng");
}

TEST_CASE("meeting kind and date: other events, quoted titles, posting stamps") {
  struct Row {
    const char* text;
    const char* kind;
    const char* date;
    const char* comment;
  } rows[] = {
      {"Chiều 4/5, Huyện ủy Cai Lậy tổ chức tọa đàm \"Học tập và làm theo\" với 80 đại biểu.",
       "other", "2021-05-04", "a seminar whose title holds a study word"},
      {"Sáng 2/7, Huyện ủy Cai Lậy họp giao ban quý II, triển khai nhiệm vụ quý III.", "other",
       "2021-07-02", "a routine meeting"},
      {"(12/6/2021 08:15) Chiều 10/6, Huyện ủy Cai Lậy tổ chức hội nghị sơ kết Nghị quyết số "
       "36-NQ/TW.", "sơ kết", "2021-06-10", "a posting stamp before the meeting's own date"},
      {"Vừa qua, Huyện ủy Cai Lậy họp hội nghị tổng kết 10 năm thực hiện Chỉ thị số 36-CT/TW. "
       "Thời gian qua, Ban Thường vụ Huyện ủy đã chỉ đạo các chi bộ tổ chức học tập, quán triệt "
       "Chỉ thị 36 nghiêm túc.",
       "tổng kết", "", "'họp hội nghị' holds the meeting as 'tổ chức' does"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.comment);
    auto e = Run(r.text, "2021-07-15");
    REQUIRE(e.meetings.size() == 1);
    CHECK(e.meetings[0].kind == r.kind);
    CHECK(e.meetings[0].date == r.date);
  }
}

TEST_CASE("documents announced elsewhere at the meeting are launched; what they replace is not") {
  auto e = Run("Sáng 9/6, Huyện ủy Cai Lậy tổ chức hội nghị sơ kết 3 năm thực hiện Nghị quyết số "
               "36-NQ/TW. Cũng tại hội nghị, Ban Thường vụ Huyện ủy công bố Quy định số 71-QĐ/HU "
               "ngày 2/6/2021 về chế độ báo cáo, thay thế Quy định số 12-QĐ/HU ngày 1/3/2016. "
               "Báo cáo tại hội nghị cho biết, năm 2019 Ban Thường vụ đã ban hành Kế hoạch số "
               "40-KH/HU về công tác dân vận.",
               "2021-07-15");
  REQUIRE(e.meetings.size() == 1);
  std::vector<std::string> launched;
  for (const auto& k : e.meetings[0].launched) launched.push_back(k.substr(0, k.find('@')));
  CHECK(launched == std::vector<std::string>{"71-QĐ/HU"});
}

TEST_CASE("the issuer before the document, as the subject of 'ban hành'") {
  auto e = Run("Huyện ủy Cai Lậy đã ban hành Kế hoạch số 76-KH/HU ngày 7/5/2018 để triển khai thực "
               "hiện Chỉ thị số 24-CT/TU.",
               "2019-01-01");
  const auto* plan = Doc(e, "76-KH/HU");
  REQUIRE(plan != nullptr);
  CHECK(plan->issuer == "Huyện ủy Cai Lậy");
  CHECK(plan->jurisdiction == "Huyện Cai Lậy, Tỉnh Tiền Giang");
}

TEST_CASE("the lead with its date wins over a headline naming the same committee") {
  auto e = Run("Huyện ủy Cai Lậy tổ chức hội nghị sơ kết 2 năm thực hiện NQ 36\n"
               "(Báo Ấp Bắc) - Sáng 15/12, Ban Thường vụ Huyện ủy Cai Lậy tổ chức hội nghị sơ kết "
               "02 năm thực hiện Nghị quyết số 36-NQ/TW.",
               "2019-12-16");
  REQUIRE(e.meetings.size() == 1);
  CHECK(e.meetings[0].date == "2019-12-15");

  struct Row {
    const char* text;
    const char* published;
    const char* date;
    const char* kind;
    const char* comment;
  } rows[] = {
      {"Huyện ủy Sơn Tây tổ chức hội nghị sơ kết 3 năm thực hiện Nghị quyết 11\n"
       "Chiều 10 tháng 5 năm 2020, Huyện ủy Sơn Tây đã tổ chức hội nghị sơ kết 3 năm thực hiện "
       "Nghị quyết số 11-NQ/TW.", "2020-05-11", "2020-05-10", "sơ kết", "a lead dated in words"},
      {"(Trang thông tin điện tử Huyện ủy Phú Vang) - Chiều 27/09, Huyện ủy Phú Vang họp hội "
       "nghị sơ kết 1 năm thực hiện Quy định số 41-QĐ/TW.\nQua 1 năm thực hiện Quy định 41, Ban "
       "Thường vụ Huyện ủy đã tổ chức học tập, quán triệt nghiêm túc.",
       "2022-09-30", "2022-09-27", "sơ kết", "the source's name heading the lead is not the holder"},
  };
  for (const Row& r : rows) {
    CAPTURE(std::string(r.comment));
    auto m = Run(r.text, r.published).meetings;
    REQUIRE(m.size() == 1);
    CHECK(m[0].date == r.date);
    CHECK(m[0].kind == r.kind);
  }
}

TEST_CASE("a People's Committee plan takes the place of the meeting's unit at its level") {
  auto e = Run("Chiều 5/5, Huyện ủy Cai Lậy tổ chức hội nghị sơ kết Nghị quyết số 36-NQ/TW. Ủy ban "
               "nhân dân huyện đã ban hành Kế hoạch số 88/KH-UBND để cụ thể hóa Kế hoạch số "
               "12-KH/HU. Ủy ban nhân dân tỉnh ban hành Kế hoạch số 91/KH-UBND.",
               "2021-05-06");
  const auto* district = Doc(e, "88/KH-UBND");
  const auto* province = Doc(e, "91/KH-UBND");
  REQUIRE(district != nullptr);
  REQUIRE(province != nullptr);
  CHECK(district->jurisdiction == "Huyện Cai Lậy, Tỉnh Tiền Giang");
  CHECK(province->jurisdiction == "Tỉnh Tiền Giang");
  bool implements = false;
  for (const auto& r : e.relations)
    implements = implements || (r.from == district->key.ToString() && r.rel == dg::Relation::kImplements);
  CHECK(implements);
}

TEST_CASE("spans point into the bytes as read, whatever the normalization") {
  std::string text = "Theo Nghi\xcc\xa3 quye\xcc\x82\xcc\x81t so\xcc\x82\xcc\x81\xc2\xa0" "36-NQ/TW.";
  auto e = Run(text);
  REQUIRE(e.documents.size() == 1);
  const auto& m = e.documents[0].mentions.at(0);
  CHECK(text.substr(m.start, m.end - m.start) == m.text);
  CHECK(m.text.substr(m.text.size() - 8) == "36-NQ/TW");
}

TEST_CASE("bad input: a clear error naming the input") {
  dg::ArticleHints h;
  h.file = "broken.txt";
  auto e = X().Extract("Nghị quyết \xc3", h);
  REQUIRE_FALSE(e.ok());
  CHECK(e.status().message() == "broken.txt: invalid UTF-8 at byte offset 15");
  CHECK_FALSE(X().Extract("", h).ok());
}

TEST_CASE("the source: a site in parentheses near the top, else 'Nguồn:' anywhere") {
  const std::string body = "Chiều 20/11, Huyện ủy tổ chức hội nghị sơ kết công tác năm của địa phương.\n";
  struct Row {
    std::string text;
    std::string site;  // "" when none
    std::string comment;
  } rows[] = {
      {body + "(Thanhuytphcm.vn)\n", "Thanhuytphcm.vn", "a domain in parentheses"},
      {body + "(Báođồngnai.vn)\n", "Báođồngnai.vn", "folded letters in the domain, bytes as read"},
      {body + "(Thanhuytphcm vn)\n", "", "no dot before the ending"},
      {body + "Nguồn: Báo Trà Vinh\n", "Báo Trà Vinh", "after 'Nguồn:'"},
      {body + "Theo nguồn  \n : Báo Đồng Nai\n", "Báo Đồng Nai", "spaces and a line end around the colon"},
      {body + "Nguồn tin cho biết: số liệu sẽ công bố sau.\n", "", "a colon after other words"},
      {body + "Nguồn:\nBáo Cần Thơ\n", "Báo Cần Thơ", "the source on the next line"},
      {body + "Nguồn: a\n", "", "too short after the colon"},
      {std::string(4100, 'x') + "\n(baomoi.com)\nNguồn: Báo Hậu Giang\n", "Báo Hậu Giang",
       "a domain past the first 4000 characters is not the site"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.comment);
    CHECK(Run(r.text).article.site == r.site);
  }
}

TEST_CASE("short forms in every spacing the patterns allow, none glued to a word before") {
  struct Row {
    std::string text;
    std::string mentions;  // the mentions' texts, documents then unresolved, " | "-joined
    std::string comment;
  } rows[] = {
      {"Theo NQ35 và NQ số35 của Bộ Chính trị.", "NQ35 | NQ số35", "abbreviation glued to the number"},
      {"Thực hiện Nghị quyết số35, Nghị quyết   số   36 và Kế hoạch\n 45 của Ban Thường vụ Tỉnh ủy.",
       "Nghị quyết số35 | Nghị quyết   số   36 | Kế hoạch\n 45", "spaces and a line end inside"},
      {"Quán triệt NQTW4 khóa XII, Nghị quyết Trung ương4 (khóa XI).",
       "NQTW4 khóa XII | Nghị quyết Trung ương4 (khóa XI)", "plenums glued to their number"},
      {"Nghị quyết Hội  nghị\nlần thứ tám Ban Chấp hành Trung ương khóa XII.",
       "Nghị quyết Hội  nghị\nlần thứ tám Ban Chấp hành Trung ương khóa XII", "a plenum by its ordinal"},
      {"5Nghị quyết 35 và _NQ 36, từ 2015 đến nay, Thông tư 2.", "", "after a word character; 'từ' is no 'tư'"},
      {"Chỉ thị 05_ và Quyết định 12345 về việc.", "Quyết định 12345", "a number glued to '_' is none"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.comment);
    auto e = Run(r.text);
    std::vector<std::string> texts;
    for (const auto& d : e.documents)
      for (const auto& m : d.mentions) texts.push_back(m.text);
    for (const auto& u : e.unresolved)
      if (std::find(texts.begin(), texts.end(), u.text) == texts.end()) texts.push_back(u.text);
    CHECK(Join(texts) == r.mentions);
  }
}

TEST_CASE("the extract JSON writes each string as RapidJSON's writer does") {
  // Strings that need no escaping are copied whole; any other goes through RapidJSON's
  // escaping. Either way the bytes must be those of the plain writer.
  std::mt19937 rng(5);
  const std::vector<std::string> pieces = {"a", "Z", " ", "ệ", "Đ", "\"", "\\", "/", "\n", "\t",
                                           "\x01", "\x1f", "\x7f", "–", "35-NQ/TW", ""};
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    const size_t n = rng() % 12;
    for (size_t i = 0; i < n; ++i) s += pieces[rng() % pieces.size()];
    CAPTURE(s);
    rapidjson::StringBuffer expected;
    rapidjson::Writer<rapidjson::StringBuffer> plain(expected);
    plain.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
    dg::Extraction e;
    e.article.file = s;
    e.article.title = s;
    const std::string json = dg::ExtractionToJson(e);
    const std::string value(expected.GetString(), expected.GetSize());
    CHECK(json.rfind("{\"file\":" + value + ",", 0) == 0);
    if (!s.empty()) CHECK(json.find(",\"title\":" + value + ",") != std::string::npos);
  }
}
