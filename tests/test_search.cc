// The search index's tokenizer (ingest/search_tokenizer.h) against SQLite's unicode61,
// and the search index of a real store (core/search_index.h) against FTS5 with the same
// tokenizer over the same articles.
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
#include "core/search_index.h"
#include "ingest/pipeline.h"
#include "ingest/search_tokenizer.h"
#include "ingest/text.h"
#include "server/api.h"
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

void Put(Store& store, const std::vector<Extraction>& articles) {
  auto tx = store.Begin();
  REQUIRE(tx.ok());
  for (const Extraction& e : articles) REQUIRE(tx->PutArticle(e).ok());
  REQUIRE(tx->Commit().ok());
}

// What a search answers: the number of matches, every id in order, and the snippets.
struct Answer {
  int64_t total = 0;
  std::vector<int64_t> ids;
  std::vector<std::string> snippets;
};

// The store's index, as the API asks it.
Answer Ours(Database& db, const std::string& q, int tokens = 24) {
  const dg::search::Searcher searcher(dg::api::SearchQuery(q));
  auto m = searcher.Find(db, 0, 1 << 30);
  INFO(q << ": " << m.status().ToString());
  REQUIRE(m.ok());
  Answer a{m->total, m->ids, {}};
  for (int64_t id : a.ids) {
    auto st = db.Prepare("SELECT text FROM articles WHERE id = ?");
    REQUIRE(st.ok());
    REQUIRE(st->BindAll(id).ok());
    REQUIRE(*st->Step());
    a.snippets.push_back(searcher.Snippet(st->ColumnView(0), "[", "]", "…", tokens));
  }
  return a;
}

// FTS5 with the same tokenizer over the same articles (the table `oracle`, made by
// MakeOracle), asked as schema 5 asked it.
Answer Fts5(Database& db, const std::string& q, int tokens = 24) {
  const std::string expr = dg::api::SearchExpression(q);
  auto st = db.Prepare("SELECT rowid, snippet(oracle, 1, '[', ']', '…', ?2) FROM oracle "
                       "WHERE oracle MATCH ?1 ORDER BY bm25(oracle), rowid");
  REQUIRE(st.ok());
  REQUIRE(st->BindAll(expr, tokens).ok());
  Answer a;
  for (;;) {
    auto row = st->Step();
    INFO(expr << ": " << row.status().ToString());
    REQUIRE(row.ok());
    if (!*row) break;
    a.ids.push_back(st->ColumnInt(0));
    a.snippets.push_back(st->ColumnText(1));
  }
  a.total = static_cast<int64_t>(a.ids.size());
  return a;
}

void MakeOracle(Database& db) {
  REQUIRE(db.Exec("DROP TABLE IF EXISTS oracle; "
                  "CREATE VIRTUAL TABLE oracle USING fts5(title, text, content='articles', "
                  "content_rowid='id', tokenize='dirgraph'); "
                  "INSERT INTO oracle(oracle) VALUES ('rebuild')")
              .ok());
}

int64_t Count(Database& db, const std::string& q) { return Ours(db, q).total; }

// Checks that `db` answers each of `queries` as `before` holds (total, ids, snippets).
void CheckAnswers(Database& db, const std::vector<std::string>& queries,
                  const std::vector<Answer>& before) {
  REQUIRE(queries.size() == before.size());
  for (size_t i = 0; i < queries.size(); ++i) {
    CAPTURE(queries[i]);
    const Answer a = Ours(db, queries[i]);
    CHECK(a.total == before[i].total);
    CHECK(a.ids == before[i].ids);
    CHECK(a.snippets == before[i].snippets);
  }
}

// Words of the stored texts, as written (with their marks): every `step`-th token of
// every `every`-th article.
std::vector<std::string> WordsOf(Database& db, int every, int step) {
  std::vector<std::string> out;
  auto st = db.Prepare("SELECT text FROM articles WHERE id % ? = 0 ORDER BY id");
  REQUIRE(st.ok());
  REQUIRE(st->BindAll(every).ok());
  while (*st->Step()) {
    const std::string text = st->ColumnText(0);
    int n = 0;
    dg::ForEachSearchToken(text, nullptr, [&](std::string_view, int start, int end) {
      if (n++ % step == 0) out.push_back(text.substr(start, end - start));
    });
  }
  return out;
}

}  // namespace

TEST_CASE("the store's search index finds words without their marks and marks the originals") {
  TempDir dir;
  auto store = Store::Open(dir.File("dg.db"));
  REQUIRE(store.ok());
  Put(**store, {Article("https://a.vn/1", "Sơ kết Nghị quyết 35",
                        "Đảng bộ quận Bình Tân sơ kết Nghị quyết số 35-NQ/TW."),
                Article("https://a.vn/2", "Triển khai",
                        "Huyện ủy Châu Thành đang triển khai Chỉ thị 05.")});
  Database& db = (*store)->database();
  CHECK(Count(db, "nghi quyet") == 1);
  CHECK(Count(db, "Nghị quyết") == 1);
  CHECK(Count(db, "dang") == 2);  // Đảng and đang both fold to dang
  CHECK(Count(db, "Đảng") == 2);
  CHECK(Count(db, "chau thanh") == 1);
  CHECK(Count(db, "chau nghi") == 0);
  CHECK(Count(db, "so") == 1);  // in the title and the text of one article
  CHECK(Count(db, "Nghị–quyết") == 1);  // one quoted word, two tokens side by side
  CHECK(Count(db, "quyết–Nghị") == 0);
  CHECK(Ours(db, "binh tan", 8).snippets ==
        std::vector<std::string>{"Đảng bộ quận [Bình] [Tân] sơ kết Nghị…"});
}

TEST_CASE("the store's search index answers as an FTS5 index of the same articles") {
  TempDir dir;
  auto store = Store::Open(dir.File("dg.db"));
  REQUIRE(store.ok());
  dg::IngestOptions options;
  options.jobs = 2;
  options.batch_size = 7;  // many segments, merged on the way
  std::vector<std::string> inputs = {DIRGRAPH_FIXTURES_DIR "/corpus"};
  if (fs::is_directory(fs::path(DIRGRAPH_SHARED_DIR) / "corpus" / "seeds")) {
    inputs.push_back(DIRGRAPH_SHARED_DIR "/corpus/seeds");
  } else {
    MESSAGE("without the seeds: no folder " DIRGRAPH_SHARED_DIR "/corpus/seeds");
  }
  auto report = dg::Ingest(inputs, **store, dg::testing::SharedExtractor(), options);
  REQUIRE(report.ok());
  REQUIRE(report->articles_added > 10);
  Database& db = (*store)->database();
  CHECK(*db.QueryInt("SELECT count(*) FROM search_segments") < 8 * 3);
  MakeOracle(db);

  std::vector<std::string> queries = {"dang",      "Đảng",       "nghi quyet", "Nghị quyết 35",
                                      "quan uy",   "the",        "35",         "ủy ban",
                                      "Nghị–quyết", "TW–Nghị",   "2020",       "Bình Dương",
                                      "d",         "xyzzy",      "hội nghị đảng"};
  const std::vector<std::string> words = WordsOf(db, 3, 97);
  REQUIRE(words.size() > 20);
  for (size_t i = 0; i < words.size(); ++i) {
    queries.push_back(words[i]);
    if (i + 1 < words.size()) queries.push_back(words[i] + " " + words[i + 1]);
  }
  int snippets = 0, same_snippets = 0;
  for (const std::string& q : queries) {
    CAPTURE(q);
    const Answer ours = Ours(db, q);
    const Answer fts5 = Fts5(db, q);
    CHECK(ours.total == fts5.total);
    CHECK(ours.ids == fts5.ids);
    if (ours.ids != fts5.ids) continue;
    for (size_t k = 0; k < ours.snippets.size(); ++k) {
      ++snippets;
      if (ours.snippets[k] == fts5.snippets[k]) {
        ++same_snippets;
        continue;
      }
      // A different window: still every hit bracketed, the format FTS5's.
      const std::string& s = ours.snippets[k];
      CAPTURE(s);
      CAPTURE(fts5.snippets[k]);
      CHECK(std::count(s.begin(), s.end(), '[') == std::count(s.begin(), s.end(), ']'));
      CHECK(s.find('[') != std::string::npos);
    }
  }
  MESSAGE(queries.size() << " queries, " << same_snippets << " of " << snippets
                         << " snippets the same as FTS5's");
  CHECK(same_snippets == snippets);
}

TEST_CASE("the index forgets replaced and deleted articles, and merging changes no answer") {
  TempDir dir;
  const std::string path = dir.File("dg.db");
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  Database& db = (*store)->database();
  // In one batch: an article, then its new version (the first is replaced before the
  // commit writes its segment).
  Put(**store, {Article("https://a.vn/1", "Kế hoạch", "Kế hoạch 138 của Quận ủy Quận 1."),
                Article("https://a.vn/1", "Chỉ thị", "Chỉ thị 05 về học tập đạo đức."),
                Article("https://a.vn/2", "Đề án", "Đề án 02 của Thành ủy về đạo đức.")});
  CHECK(Count(db, "ke hoach") == 0);
  CHECK(Count(db, "chi thi") == 1);
  CHECK(Count(db, "dao duc") == 2);
  // In a later batch: replaced again, and the other deleted.
  Put(**store, {Article("https://a.vn/2", "Kết luận", "Kết luận 01 về học tập.")});
  CHECK(Count(db, "de an") == 0);
  CHECK(Count(db, "ket luan") == 1);
  CHECK(Count(db, "dao duc") == 1);
  REQUIRE(db.Exec("DELETE FROM articles WHERE url = 'https://a.vn/1'").ok());
  CHECK(Count(db, "chi thi") == 0);
  CHECK(Count(db, "hoc tap") == 1);
  CHECK(Count(db, "dao duc") == 0);
  CHECK(*db.QueryInt("SELECT count(*) FROM search_dead") == 3);
  // Changing a stored text would leave the index behind: refused.
  CHECK_FALSE(db.Exec("UPDATE articles SET text = 'khác'").ok());
  CHECK(db.Exec("UPDATE articles SET title = title").ok());

  // Many small batches: segments merged as they come, then all into one.
  dg::IngestOptions options;
  options.batch_size = 3;
  auto report = dg::Ingest({DIRGRAPH_FIXTURES_DIR "/corpus"}, **store,
                           dg::testing::SharedExtractor(), options);
  REQUIRE(report.ok());
  const std::vector<std::string> queries = {"dang", "nghi quyet", "hoc tap", "quan uy", "35",
                                            "ket luan", "thanh uy", "Đảng bộ", "chi thi"};
  std::vector<Answer> before;
  for (const std::string& q : queries) before.push_back(Ours(db, q));
  CHECK(*db.QueryInt("SELECT max(level) FROM search_segments") >= 1);
  REQUIRE(db.Exec("BEGIN").ok());
  REQUIRE(dg::search::MergeAll(db).ok());
  REQUIRE(db.Exec("COMMIT").ok());
  CHECK(*db.QueryInt("SELECT count(*) FROM search_segments") == 1);
  CHECK(*db.QueryInt("SELECT count(*) FROM search_dead") == 0);
  CheckAnswers(db, queries, before);
  MakeOracle(db);
  for (const std::string& q : queries) {
    CAPTURE(q);
    CHECK(Ours(db, q).ids == Fts5(db, q).ids);
  }

  // The same corpus again: nothing added, the same answers.
  const int64_t segments = *db.QueryInt("SELECT count(*) FROM search_segments");
  report = dg::Ingest({DIRGRAPH_FIXTURES_DIR "/corpus"}, **store, dg::testing::SharedExtractor(),
                      options);
  REQUIRE(report.ok());
  CHECK(report->articles_added == 0);
  CHECK(*db.QueryInt("SELECT count(*) FROM search_segments") == segments);
  for (size_t i = 0; i < queries.size(); ++i) CHECK(Ours(db, queries[i]).ids == before[i].ids);
}

TEST_CASE("a merge finds a cut posting list, with or without dead articles in its range") {
  for (const bool with_dead : {false, true}) {
    CAPTURE(with_dead);
    TempDir dir;
    const std::string path = dir.File("dg.db");
    auto store = Store::Open(path);
    REQUIRE(store.ok());
    Database& db = (*store)->database();
    for (int i = 0; i < 3; ++i) {  // three segments, each naming "chi thi"
      const std::string n = std::to_string(i);
      Put(**store, {Article("https://a.vn/" + n, "Chỉ thị " + n, "Chỉ thị 05 về học tập " + n)});
    }
    if (with_dead) REQUIRE(db.Exec("DELETE FROM articles WHERE url = 'https://a.vn/1'").ok());
    REQUIRE(*db.QueryInt("SELECT count(*) FROM search_segments") == 3);
    // The last byte of the middle segment's list for "thi" gone: its last entry is cut.
    REQUIRE(db.Exec("UPDATE search_postings SET data = substr(data, 1, length(data) - 1) "
                    "WHERE term = 'thi' AND segment = (SELECT id FROM search_segments "
                    "ORDER BY id LIMIT 1 OFFSET 1)")
                .ok());
    REQUIRE(db.Exec("BEGIN").ok());
    const dg::Status merged = dg::search::MergeAll(db);
    REQUIRE(db.Exec("ROLLBACK").ok());
    CHECK(merged.code() == dg::Code::kCorrupt);
    CHECK(merged.message() == path + ": search index: a posting list ends inside an entry");
    CHECK(*db.QueryInt("SELECT count(*) FROM search_segments") == 3);  // nothing changed
  }
}

TEST_CASE("a version 7 database's postings move out of the B-tree keys, every answer the same") {
  TempDir dir;
  const std::string path = dir.File("v7.db");
  const std::vector<std::string> queries = {"dang", "nghi quyet", "hoc tap", "quan uy", "35",
                                            "ket luan", "thanh uy", "Đảng bộ", "chi thi"};
  std::vector<Answer> before;
  int64_t postings = 0;
  {
    auto store = Store::Open(path);
    REQUIRE(store.ok());
    dg::IngestOptions options;
    options.batch_size = 3;  // many segments, some merged
    REQUIRE(dg::Ingest({DIRGRAPH_FIXTURES_DIR "/corpus"}, **store,
                       dg::testing::SharedExtractor(), options)
                .ok());
    Database& db = (*store)->database();
    for (const std::string& q : queries) before.push_back(Ours(db, q));
    postings = *db.QueryInt("SELECT count(*) FROM search_postings");
    CHECK(postings > 0);
  }
  // Back to schema 7's table: the lists inside the key of a WITHOUT ROWID table.
  {
    auto raw = Database::Open(path, dg::sqlite::OpenMode::kReadWrite);
    REQUIRE(raw.ok());
    REQUIRE(raw->Exec(R"sql(
      BEGIN;
      CREATE TABLE postings_7 (segment INTEGER NOT NULL, term TEXT NOT NULL,
        data BLOB NOT NULL, PRIMARY KEY (segment, term)) WITHOUT ROWID;
      INSERT INTO postings_7 SELECT segment, term, data FROM search_postings;
      DROP TABLE search_postings;
      ALTER TABLE postings_7 RENAME TO search_postings;
      DELETE FROM schema_migrations WHERE version > 7;
      PRAGMA user_version = 7;)sql" + dg::testing::BackToMentionsTableSql() + "; COMMIT;")
                .ok());
  }
  {
    auto reader = Store::Open(path, /*read_only=*/true);  // read as it is
    REQUIRE(reader.ok());
    CHECK((*reader)->schema_version() == 7);
    CheckAnswers((*reader)->database(), queries, before);
  }
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  CHECK((*store)->schema_version() == Store::kSchemaVersion);
  Database& db = (*store)->database();
  CHECK(*db.QueryInt("SELECT count(*) FROM search_postings") == postings);
  CHECK(*db.QueryInt("SELECT count(*) FROM sqlite_schema WHERE name = 'search_postings' AND "
                     "sql LIKE '%WITHOUT ROWID%'") == 0);
  // Lookups by (segment, term) go through the index, not a scan of the lists.
  auto plan = db.Prepare("EXPLAIN QUERY PLAN SELECT data FROM search_postings WHERE segment = ? "
                         "AND term = ?");
  REQUIRE(plan.ok());
  std::string detail;
  while (*plan->Step()) detail += plan->ColumnText(3) + "\n";
  CHECK(detail.find("USING INDEX search_postings_by_term") != std::string::npos);
  CheckAnswers(db, queries, before);
  // Written to and merged as before.
  Put(**store, {Article("https://a.vn/new", "Kết luận", "Kết luận 01 về học tập đạo đức.")});
  CHECK(Count(db, "ket luan") == before[5].total + 1);
  REQUIRE(db.Exec("BEGIN").ok());
  REQUIRE(dg::search::MergeAll(db).ok());
  REQUIRE(db.Exec("COMMIT").ok());
  CHECK(*db.QueryInt("SELECT count(*) FROM search_segments") == 1);
  CHECK(Count(db, "hoc tap") == before[2].total + 1);
  CHECK(dg::testing::IntegrityCheck(path) == "ok");
}
