#include <doctest/doctest.h>

#include "core/document_key.h"

using dg::DocumentKey;

TEST_CASE("canonical keys round-trip through Parse") {
  struct Row {
    const char* text;
    const char* comment;
  } rows[] = {
      {"35-NQ/TW@TW#XII", "central, with term"},
      {"2-ĐA/TU@ho-chi-minh", "local, scoped"},
      {"3-NQ/QU@binh-tan.ho-chi-minh", "district, scope path"},
      {"24-CT/TU@?", "unscoped"},
      {"TW4-NQ/TW@TW#XII", "plenum resolution without code"},
      {"15/2020/NĐ-CP@VN", "state, with year"},
      {"120/KH-UBND@?", "state, no year, unscoped"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.comment);
    auto k = DocumentKey::Parse(row.text);
    REQUIRE(k.ok());
    CHECK(k->ToString() == row.text);
  }
}

TEST_CASE("parse splits the fields") {
  auto k = DocumentKey::Parse("15/2020/NĐ-CP@VN");
  REQUIRE(k.ok());
  CHECK(k->family == dg::Family::kState);
  CHECK(k->number == "15");
  CHECK(k->year == "2020");
  CHECK(k->type == "NĐ");
  CHECK(k->suffix == "CP");
  CHECK(k->Code() == "15/2020/NĐ-CP");

  auto p = DocumentKey::Parse("TW4-NQ/TW@TW#XII");
  REQUIRE(p.ok());
  CHECK(p->plenum == "4");
  CHECK(p->number.empty());
  CHECK(p->Code() == "NQ TW4 khóa XII");

  auto z = DocumentKey::Parse("035-NQ/TW@TW");
  REQUIRE(z.ok());
  CHECK(z->number == "35");
}

TEST_CASE("malformed keys are refused with the text named") {
  for (const char* bad : {"", "35-NQ/TW", "x-NQ/TW@TW", "NQ/TW@TW", "35-NQ/TW@", "1/x/NQ-CP@VN"}) {
    CAPTURE(bad);
    auto k = DocumentKey::Parse(bad);
    REQUIRE_FALSE(k.ok());
    CHECK(k.status().message().find(std::string("'") + bad + "'") != std::string::npos);
  }
}
