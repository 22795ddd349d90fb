// The search index's tokenizer (ingest/search_tokenizer.h) against SQLite's unicode61,
// and the search index of a real store built with it.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "core/sqlite.h"
#include "core/store.h"
#include "ingest/pipeline.h"
#include "ingest/search_tokenizer.h"
#include "ingest/text.h"
#include "tests/test_support.h"

namespace fs = std::filesystem;
using dg::Extraction;
using dg::Store;
using dg::sqlite::Database;
using dg::sqlite::OpenMode;
using dg::testing::TempDir;

namespace {

using Token = std::tuple<std::string, int, int>;  // token, start, end (bytes of the text)

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<Token> Ours(const std::string& text, const dg::FoldedText* folded = nullptr) {
  std::vector<Token> out;
  dg::ForEachSearchToken(text, folded, [&](std::string_view t, int start, int end) {
    out.emplace_back(std::string(t), start, end);
  });
  return out;
}

// The tokens of SQLite's own `unicode61 remove_diacritics 2`, with đ folded to d, and ð
// too (Ð is typed for Đ): the differences the schema 5 tokenizer means to make.
std::vector<Token> Unicode61(const std::string& text) {
  auto db = Database::Open(":memory:", OpenMode::kReadWriteCreate);
  REQUIRE(db.ok());
  fts5_api* api = nullptr;
  {
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db->handle(), "SELECT fts5(?1)", -1, &st, nullptr) == SQLITE_OK);
    sqlite3_bind_pointer(st, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(st);
    sqlite3_finalize(st);
  }
  REQUIRE(api != nullptr);
  void* ctx = nullptr;
  fts5_tokenizer tok{};
  REQUIRE(api->xFindTokenizer(api, "unicode61", &ctx, &tok) == SQLITE_OK);
  const char* args[] = {"remove_diacritics", "2"};
  Fts5Tokenizer* t = nullptr;
  REQUIRE(tok.xCreate(ctx, args, 2, &t) == SQLITE_OK);
  std::vector<Token> out;
  tok.xTokenize(t, &out, FTS5_TOKENIZE_DOCUMENT, text.data(), static_cast<int>(text.size()),
                [](void* p, int, const char* s, int n, int start, int end) {
                  std::string token;
                  for (int i = 0; i < n; ++i) {
                    // đ (C4 91), and ð (C3 B0), the lower case of Ð typed for Đ
                    if (i + 1 < n && ((s[i] == '\xC4' && s[i + 1] == '\x91') ||
                                      (s[i] == '\xC3' && s[i + 1] == '\xB0'))) {
                      token += 'd';
                      ++i;
                    } else {
                      token += s[i];
                    }
                  }
                  static_cast<std::vector<Token>*>(p)->emplace_back(token, start, end);
                  return SQLITE_OK;
                });
  tok.xDelete(t);
  return out;
}

// The first token where two sequences differ, for the failure message.
std::string FirstDifference(const std::vector<Token>& a, const std::vector<Token>& b) {
  std::ostringstream o;
  auto show = [&](const Token& t) {
    o << "'" << std::get<0>(t) << "' " << std::get<1>(t) << "-" << std::get<2>(t);
  };
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    if (a[i] != b[i]) {
      o << "token " << i << ": ";
      show(a[i]);
      o << " vs ";
      show(b[i]);
      return o.str();
    }
  }
  o << "lengths " << a.size() << " and " << b.size();
  return o.str();
}

void CheckSameAsUnicode61(const std::string& name, const std::string& text) {
  CAPTURE(name);
  const auto ours = Ours(text);
  const auto theirs = Unicode61(text);
  INFO(FirstDifference(ours, theirs));
  CHECK(ours == theirs);
}

}  // namespace

TEST_CASE("the search tokenizer cuts the words unicode61 remove_diacritics 2 cuts, đ folded") {
  struct Row {
    const char* text;
    const char* why;
  };
  const Row rows[] = {
      {"Nghị quyết số 35-NQ/TW", "marks, digits, punctuation"},
      {"ĐẢNG BỘ QUẬN BÌNH TÂN", "capitals, Đ"},
      {"QÐ-TW Ðảng", "Ð (Eth) typed for Đ"},
      {"Nghi\xCC\xA3 quye\xCC\x82\xCC\x81t", "NFD: combining marks inside the words"},
      {"hoà thuỷ khoẻ", "old tone-mark placement"},
      {"a\xC2\xA0" "b\tc\r\nd", "NBSP, tab, CR LF"},
      {"“Đề án 02” – sơ kết…", "curly quotes, en dash, ellipsis"},
      {"中共中央 政治局 ２０２４", "CJK and full-width digits: kept as they are"},
      {"Ⅻ khóa ² x³", "letter-like numbers and superscripts are token characters"},
      {"emoji 🎉 và ©®", "symbols are separators"},
      {"", "empty"},
      {"   ...   ", "separators only"},
      {"x", "one letter at the end"},
      {"Tp.HCM, TP. Hồ Chí Minh; 1/7/2025", "dots, slashes"},
  };
  for (const Row& r : rows) CheckSameAsUnicode61(r.why, r.text);
}

TEST_CASE("the search tokenizer agrees with unicode61 on every article of the fixtures and seeds") {
  int files = 0;
  for (const fs::path& dir : {fs::path(DIRGRAPH_FIXTURES_DIR) / "corpus",
                              fs::path(DIRGRAPH_SHARED_DIR) / "corpus" / "seeds"}) {
    if (!fs::is_directory(dir)) {
      MESSAGE("skipped: no folder " << dir.string());
      continue;
    }
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() != ".txt") continue;
      CheckSameAsUnicode61(entry.path().filename().string(), ReadFile(entry.path()));
      ++files;
    }
  }
  CHECK(files > 0);
}

TEST_CASE("text that is not UTF-8 is cut without a crash, ASCII words still found") {
  const std::string bad = "Ngh\xE1 quyet \xFF\xFE 35";
  const auto tokens = Ours(bad);
  REQUIRE(tokens.size() == 4);
  CHECK(tokens[0] == Token{"ngh\xE1", 0, 4});
  CHECK(tokens[1] == Token{"quyet", 5, 10});
  CHECK(tokens[2] == Token{"\xFF\xFE", 11, 13});
  CHECK(tokens[3] == Token{"35", 14, 16});
}

TEST_CASE("a text folded beforehand gives the same tokens") {
  const std::string text = "Nghị quyết Trung ương 4 khóa XII";
  dg::FoldedText folded;
  REQUIRE(dg::CheckAndFold(text, &folded).ok());
  CHECK(Ours(text, &folded) == Unicode61(text));
}

namespace {

Extraction Article(const std::string& url, const std::string& title, const std::string& text) {
  Extraction e;
  e.article.url = url;
  e.article.title = title;
  e.article.text = text;
  e.article.content_hash = dg::Sha256Hex(text);
  return e;
}

int64_t Count(Database& db, const std::string& match) {
  auto st = db.Prepare("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?");
  REQUIRE(st.ok());
  REQUIRE(st->BindAll(match).ok());
  auto row = st->Step();
  REQUIRE(row.ok());
  return st->ColumnInt(0);
}

}  // namespace

TEST_CASE("the store's search index finds words without their marks and marks the originals") {
  TempDir dir;
  const std::string path = dir.File("dg.db");
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  {
    auto tx = (*store)->Begin();
    REQUIRE(tx.ok());
    REQUIRE(tx->PutArticle(Article("https://a.vn/1", "Sơ kết Nghị quyết 35",
                                   "Đảng bộ quận Bình Tân sơ kết Nghị quyết số 35-NQ/TW."))
                .ok());
    REQUIRE(tx->PutArticle(Article("https://a.vn/2", "Triển khai", "Huyện ủy Châu Thành đang "
                                                                   "triển khai Chỉ thị 05."))
                .ok());
    REQUIRE(tx->Commit().ok());
  }
  Database& db = (*store)->database();
  CHECK(Count(db, "nghi quyet") == 1);
  CHECK(Count(db, "\"Nghị quyết\"") == 1);  // a phrase, with its marks
  CHECK(Count(db, "\"nghi quyet 35\"") == 1);
  CHECK(Count(db, "dang") == 2);  // Đảng and đang both fold to dang
  CHECK(Count(db, "chau thanh") == 1);
  CHECK(Count(db, "title:nghi") == 1);
  auto st = db.Prepare(
      "SELECT snippet(articles_fts, 1, '[', ']', '…', 8) FROM articles_fts "
      "WHERE articles_fts MATCH 'binh tan'");
  REQUIRE(st.ok());
  REQUIRE(*st->Step());
  CHECK(st->ColumnText(0) == "Đảng bộ quận [Bình] [Tân] sơ kết Nghị…");
}

TEST_CASE("an ingest builds the index the tokenizer builds from the stored texts") {
  // The integrity check tokenizes every stored text again and compares with the index.
  TempDir dir;
  auto store = Store::Open(dir.File("dg.db"));
  REQUIRE(store.ok());
  dg::IngestOptions options;
  options.jobs = 2;
  auto report = dg::Ingest({DIRGRAPH_FIXTURES_DIR "/corpus"}, **store,
                           dg::testing::SharedExtractor(), options);
  REQUIRE(report.ok());
  REQUIRE(report->articles_added > 10);
  Database& db = (*store)->database();
  CHECK(db.Exec("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)").ok());
  CHECK(Count(db, "nghi quyet") > 0);
}
