// Hard and hostile input for extraction and the JSON Lines reader (issue 7, "Bad input"):
// each row must come back, OK with its spans inside the text, or with a clear error
// naming the input; none may crash, throw or take long.
#include <doctest/doctest.h>

#include "tests/test_support.h"

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "ingest/catalogue.h"
#include "ingest/extract.h"
#include "ingest/gazetteer.h"
#include "ingest/input.h"

namespace {

const dg::Extractor& X() { return dg::testing::SharedExtractor(); }

dg::Result<dg::Extraction> Run(const std::string& text) {
  dg::ArticleHints h;
  h.file = "hard.txt";
  return X().Extract(text, h);
}

// Every mention of `e` lies inside `text` and holds its bytes.
bool SpansInside(const dg::Extraction& e, const std::string& text) {
  for (const auto& d : e.documents) {
    for (const auto& m : d.mentions) {
      if (m.start > m.end || m.end > text.size()) return false;
      if (m.text != text.substr(m.start, m.end - m.start)) return false;
    }
  }
  return true;
}

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::vector<dg::InputItem> ReadStream(const std::string& bytes) {
  std::istringstream in(bytes);
  dg::InputReader reader({"-"}, &in);
  std::vector<dg::InputItem> items;
  dg::InputItem item;
  while (reader.Next(&item)) items.push_back(item);
  return items;
}

}  // namespace

TEST_CASE("hard articles: extraction returns with every span inside the text") {
  std::string many;
  for (int i = 1; i <= 300; ++i) {
    many += "Kế hoạch số " + std::to_string(i) + "-KH/TU ngày 1/2/2020 thực hiện Nghị quyết số " +
            std::to_string(i) + "-NQ/TW. ";
  }
  struct Row {
    std::string text;
    size_t min_documents;
    const char* comment;
  } rows[] = {
      {many, 300, "hundreds of codes in one article"},
      {Repeat("“\"(«", 2000) + "Nghị quyết số 35-NQ/TW" + Repeat("»)\"”", 2000), 1,
       "deeply nested quotes around a code"},
      {Repeat("\"", 5000) + "Nghị quyết 35-NQ/TW \"về", 1, "quotes never closed"},
      {"35-NQ/TW của Bộ Chính trị", 1, "a code at the very start"},
      {"thực hiện Nghị quyết số 35-NQ/TW", 1, "a code at the very end"},
      {"Chỉ thị 05-CT/TW", 1, "a code and nothing else"},
      {"Nghị quyết số 35-\nNQ/TW và Chỉ thị số\n05-CT/TW", 1, "codes split across lines"},
      {"Nghị quyết số 35-\r\nNQ/\r\nTW", 0, "a code split over CR/LF lines"},
      {Repeat("-NQ/TW ", 3000), 0, "code tails without numbers"},
      {Repeat("Nghị quyết ", 3000), 0, "document words without codes"},
      {Repeat("1/", 5000), 0, "slashes and digits only"},
      {"\xef\xbb\xbfNghị quyết số 35-NQ/TW", 1, "a byte-order mark first"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.comment);
    auto e = Run(row.text);
    REQUIRE_MESSAGE(e.ok(), e.status().ToString());
    CHECK(e->documents.size() >= row.min_documents);
    CHECK(SpansInside(*e, row.text));
  }
}

TEST_CASE("bad articles: a clear error naming the input") {
  struct Row {
    std::string text;
    const char* comment;
  } rows[] = {
      {"", "empty"},
      {std::string("Nghị quyết\0\0\0\0 35-NQ/TW", 26), "binary: NUL bytes"},
      {"Nghị quyết \xff 35-NQ/TW", "invalid UTF-8"},
      {"Nghị quyết 35-NQ/TW \xe1\xbb", "a character cut at the end"},
      {"\xed\xa0\x80 surrogate", "an encoded surrogate"},
      {"\xc0\xaf overlong", "an overlong encoding"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.comment);
    auto e = Run(row.text);
    REQUIRE_FALSE(e.ok());
    CHECK(e.status().code() == dg::Code::kInvalidArgument);
    CHECK(e.status().message().rfind("hard.txt: ", 0) == 0);
  }
}

TEST_CASE("a 10 MB article of one line returns") {
  const std::string words = "Ban Thường vụ Tỉnh ủy họp bàn việc phát triển kinh tế, ";
  std::string text = Repeat(words, (10u << 20) / words.size()) + "thực hiện Nghị quyết 35-NQ/TW";
  auto e = Run(text);
  REQUIRE_MESSAGE(e.ok(), e.status().ToString());
  CHECK(e->documents.size() == 1);
  CHECK(SpansInside(*e, text));
}

TEST_CASE("hostile JSON Lines: each line reported or read, and the rest goes on") {
  const std::string good = R"({"url":"u","text":"Nghị quyết số 35-NQ/TW"})";
  struct Row {
    std::string line;
    const char* comment;
  } rows[] = {
      {std::string(200000, '['), "arrays nested 200,000 deep"},
      {std::string(200000, '{'), "objects opened 200,000 times"},
      {R"({"url":"u","text":"t","url":"v"})", "a duplicate key"},
      {std::string("{\"url\":\"u\",\"text\":\"a\0b\"}", 24), "a raw NUL inside a string"},
      {R"({"url":"u","text":"\u0000"})", "an escaped NUL"},
      {R"({"url":"u","text":"\ud800"})", "a lone surrogate escape"},
      {R"({"url":"u","text":"t","n":1e99999})", "a number out of range"},
      {"\x1b[31m", "terminal escapes"},
      {"\xef\xbb\xbf" + good, "a byte-order mark before the object"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.comment);
    auto items = ReadStream(row.line + "\n" + good + "\n");
    REQUIRE(items.size() == 2);
    if (!items[0].status.ok()) CHECK(items[0].status.message().rfind("-:1: ", 0) == 0);
    CHECK(items[1].source == "-:2");
    CHECK(items[1].status.ok());
    if (items[0].status.ok()) CHECK(Run(items[0].text).status().code() != dg::Code::kInternal);
  }
}
