// Folding and the offset map back to the bytes as read (ingest/text.h).
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "ingest/text.h"

using dg::CheckText;
using dg::CleanNfc;
using dg::Fold;

TEST_CASE("folding removes marks in every spelling and keeps one byte per character") {
  struct Row {
    const char* in;
    const char* folded;
    const char* comment;
  } rows[] = {
      {"Nghị quyết", "Nghi quyet", "NFC"},
      {"Nghi\xcc\xa3 quye\xcc\x82\xcc\x81t", "Nghi quyet", "NFD: base letters with combining marks"},
      {"hoá", "hoa", "old tone-mark placement"},
      {"hóa", "hoa", "new tone-mark placement"},
      {"\xc3\x90\xe1\xbb\x81 án", "De an", "Ð (U+00D0) typed for Đ"},
      {"Đảng ủy", "Dang uy", "Đ and ủ"},
      {"số\xc2\xa0" "119", "so 119", "no-break space"},
      {"a\tb\r\nc", "a b \nc", "tab and CR become spaces, LF stays"},
      {"\xe2\x80\x9c" "x" "\xe2\x80\x9d", "\"x\"", "curly quotes"},
      {"35\xe2\x80\x93NQ", "35-NQ", "en dash"},
      {"TƯ", "TU", "Ư folds to U"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.comment);
    auto f = Fold(r.in);
    CHECK(f.folded == r.folded);
    CHECK(f.Orig(f.folded.size()) == std::string(r.in).size());
  }
}

TEST_CASE("the offset map points into the bytes as read") {
  std::string in = "Theo Nghi\xcc\xa3 quye\xcc\x82\xcc\x81t số 35-NQ/TW";
  auto f = Fold(in);
  size_t at = f.folded.find("35-NQ/TW");
  REQUIRE(at != std::string::npos);
  uint32_t s = f.Orig(at), e = f.Orig(at + 8);
  CHECK(in.substr(s, e - s) == "35-NQ/TW");
  size_t nq = f.folded.find("Nghi quyet");
  CHECK(in.substr(f.Orig(nq), f.Orig(nq + 10) - f.Orig(nq)) == "Nghi\xcc\xa3 quye\xcc\x82\xcc\x81t");
}

TEST_CASE("bad input is refused with the reason") {
  CHECK(CheckText("").message() == "empty input");
  auto bad = CheckText("abc\xff" "def");
  CHECK_FALSE(bad.ok());
  CHECK(bad.message() == "invalid UTF-8 at byte offset 3");
  auto truncated = CheckText("Nghị quy\xe1\xba");
  CHECK(truncated.message().find("invalid UTF-8 at byte offset 10") != std::string::npos);
  auto nul = CheckText(std::string("ab\0cd", 5));
  CHECK(nul.message().find("binary") != std::string::npos);
  CHECK(CheckText("Nghị quyết 35-NQ/TW\r\n").ok());
  CHECK(CheckText("ab\xc0\xaf").message() == "invalid UTF-8 at byte offset 2");      // overlong
  CHECK(CheckText("ab\xed\xa0\x80").message() == "invalid UTF-8 at byte offset 2");  // surrogate
  CHECK(CheckText("ab\xe0\x80\xaf").message() == "invalid UTF-8 at byte offset 2");  // overlong
  CHECK(CheckText("a\xf0\x9f\x98\x80" "b").ok());                                     // 4 bytes
  CHECK(CheckText("a\xc3").message() == "invalid UTF-8 at byte offset 1");            // cut short
}

TEST_CASE("clean NFC output") {
  CHECK(CleanNfc("  Nghi\xcc\xa3   quyết\xc2\xa0\n số ") == "Nghị quyết số");
  CHECK(CleanNfc("Quy định \xc3\x90\xe1\xbb\x8b" "a") == "Quy định Địa");
  // Text that is clean already comes back as it is; one byte that is not makes it cleaned.
  struct Row {
    const char* in;
    const char* out;
    const char* comment;
  } rows[] = {
      {"Nghị quyết số 35-NQ/TW – Bộ Chính trị “khóa XII”", "Nghị quyết số 35-NQ/TW – Bộ Chính trị “khóa XII”",
       "letters, toned vowels, a dash and quotes: as it is"},
      {"", "", "empty"},
      {"a", "a", "one letter"},
      {" a", "a", "a space first"},
      {"a ", "a", "a space last"},
      {"Hội  nghị", "Hội nghị", "two spaces"},
      {"Hội\tnghị", "Hội nghị", "a tab"},
      {"Hội\nnghị", "Hội nghị", "a line end"},
      {"Hội\xc2\xa0nghị", "Hội nghị", "NBSP"},
      {"\xc3\x90\xe1\xba\xa3ng", "Đảng", "Ð typed for Đ"},
      {"Nghi\xcc\xa3 quyết", "Nghị quyết", "a combining mark (NFD)"},
      {"ho\xcc\x80" "a", "hòa", "NFD grave"},
      {"Ph\xe1\xbb\xa5 n\xe1\xbb\xaf", "Phụ nữ", "toned vowels"},
      {"x\xe2\x80\x93y", "x–y", "en dash"},
      {"\xe4\xb8\xad", "\xe4\xb8\xad", "outside Vietnamese: NFC already"},
      {"a\x01" "b", "a\x01" "b", "a control byte is kept"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.comment);
    CHECK(CleanNfc(row.in) == row.out);
  }
}

TEST_CASE("long text: every character folds and maps back wherever it falls in a 16-byte block") {
  // Plain ASCII goes 16 bytes at a time; the character after a run of k plain bytes lands
  // at every position of a block, and each kind of character must fold the same there.
  struct Kind {
    const char* bytes;
    const char* folded;
  } kinds[] = {{"ệ", "e"},   {"đ", "d"},        {"\t", " "},  {"\n", "\n"},
               {"\xcc\x81", ""}, {"\xe2\x80\x9c", "\""}, {"\xf0\x9f\x98\x80", "\x7f"}, {"Ư", "U"}};
  for (const auto& kind : kinds) {
    for (size_t k = 0; k < 40; ++k) {
      CAPTURE(k);
      CAPTURE(kind.bytes);
      std::string in = std::string(k, 'a') + kind.bytes + std::string(20, 'b') + kind.bytes + "c";
      std::string want = std::string(k, 'a') + kind.folded + std::string(20, 'b') + kind.folded + "c";
      auto f = Fold(in);
      CHECK(f.folded == want);
      CHECK(f.Orig(f.folded.size()) == in.size());
      for (size_t i = 0; i < f.folded.size(); ++i) {
        // every plain byte maps to itself in the input
        if (f.folded[i] == 'a' || f.folded[i] == 'b' || f.folded[i] == 'c') CHECK(in[f.Orig(i)] == f.folded[i]);
      }
      CHECK(f.Orig(f.folded.size() - 1) == in.size() - 1);
      CHECK(dg::CheckText(in).ok());
    }
  }
}

TEST_CASE("long text: bad bytes are reported at their offset wherever they fall") {
  for (size_t k = 0; k < 40; ++k) {
    CAPTURE(k);
    std::string head = std::string(k, 'a') + "ệ" + std::string(k % 7, 'b');
    CHECK(CheckText(head + "\xff" + std::string(30, 'c')).message() ==
          "invalid UTF-8 at byte offset " + std::to_string(head.size()));
    CHECK(CheckText(head + "\xe1\xbb" + std::string(30, 'c')).message() ==
          "invalid UTF-8 at byte offset " + std::to_string(head.size()));
    CHECK(CheckText(head + std::string(1, '\0') + std::string(30, 'c')).message() ==
          "binary data (NUL byte at offset " + std::to_string(head.size()) + ")");
  }
}

TEST_CASE("a long text folds as its characters do one by one, and maps back to each") {
  // Long enough for the 16- and 64-byte paths of folding; every kind of character of
  // Vietnamese text, and some that make a block go the slow way, in a fixed shuffle.
  const char* chars[] = {"a", "Z", "5", " ", "\n", "\t", "\r", "\f", "/", "-", "ệ", "Ấ", "ỹ",
                         "à", "Đ", "đ", "ư", "Ơ", "ũ", "\xc2\xa0", "\xe2\x80\x9c", "\xe2\x80\x93",
                         "\xcc\x81", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x01", "\x7f", "ĩ", "ă"};
  const size_t n_chars = sizeof chars / sizeof chars[0];
  uint32_t state = 1;
  for (int round = 0; round < 50; ++round) {
    std::string in, want;
    std::vector<size_t> starts;  // where each folded byte's character starts in `in`
    const size_t length = 100 + static_cast<size_t>(round) * 40;
    while (in.size() < length) {
      state = state * 1103515245u + 12345u;
      // mostly letters and spaces, as in text; the rest now and then
      const size_t pick = (state >> 16) % (round % 3 == 0 ? n_chars : 22);
      const std::string c = chars[pick];
      const std::string f = Fold(c).folded;
      for (size_t k = 0; k < f.size(); ++k) starts.push_back(in.size());
      in += c;
      want += f;
    }
    CAPTURE(round);
    const auto folded = Fold(in);
    REQUIRE(folded.folded == want);
    for (size_t k = 0; k < want.size(); ++k) CHECK(folded.Orig(k) == starts[k]);
    CHECK(folded.Orig(want.size()) == in.size());
  }
}

TEST_CASE("the SIMD block loops fold, map back and refuse exactly as the plain loop does") {
  // Texts of the pieces the block loops take (ASCII, the letters of Vietnamese, U+2000-
  // U+203F, tabs) and of those that end a block (combining marks, other scripts, controls,
  // NUL, cut and stray bytes), long enough to cross many blocks. Where this CPU has no
  // block loop, both sides take the plain one and the test still checks the cases.
  const std::vector<std::string> pieces = {
      "a", "Nghị quyết ", "35-NQ/TW", " ", "\n", "\t", "\r", "\f", "Đảng ủy ", "ư", "Ơ",
      "\xc3\x90", "\xc2\xa0", "\xe2\x80\x9c", "\xe2\x80\x93", "\xe2\x80\x8b", "ệ", "ẫ",
      "\xcc\x81", "\xf0\x9f\x98\x80", "\xe4\xb8\xad", "\x0b", std::string(1, '\0'),
      "\x01", "\xe1\xbb", "\xc3", "\x80", "\xff", "\xe1\xb8\x80", "\xe2\x81\x80",
      "\xc8\x80", "\xdf\xbf", std::string(40, 'x')};
  std::mt19937 rng(7);
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  for (int round = 0; round < 3000; ++round) {
    // Mostly the pieces blocks take, sometimes one that stops them.
    std::string in;
    const size_t n = pick(120);
    const size_t common = round % 3 == 0 ? pieces.size() : 18;
    for (size_t k = 0; k < n; ++k) in += pieces[pick(pick(8) == 0 ? pieces.size() : common)];
    CAPTURE(in);
    dg::text_internal::AllowFoldBlocks(false);
    const dg::FoldedText plain = Fold(in);
    dg::FoldedText plain_checked;
    const dg::Status plain_status = dg::CheckAndFold(in, &plain_checked);
    const dg::Status plain_check = CheckText(in);
    dg::text_internal::AllowFoldBlocks(true);
    const dg::FoldedText blocks = Fold(in);
    dg::FoldedText blocks_checked;
    const dg::Status blocks_status = dg::CheckAndFold(in, &blocks_checked);
    CHECK(blocks.folded == plain.folded);
    REQUIRE(blocks.shifts.size() == plain.shifts.size());
    for (size_t k = 0; k < plain.shifts.size(); ++k) {
      CHECK(blocks.shifts[k].at == plain.shifts[k].at);
      CHECK(blocks.shifts[k].shift == plain.shifts[k].shift);
    }
    CHECK(blocks_status.ToString() == plain_status.ToString());
    CHECK(CheckText(in).ToString() == plain_check.ToString());
    if (plain_status.ok()) {
      CHECK(blocks_checked.folded == plain_checked.folded);
      CHECK(blocks_checked.shifts.size() == plain_checked.shifts.size());
    }
  }
}
