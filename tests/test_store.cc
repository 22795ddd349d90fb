// The SQLite store, on real files in a fresh temporary folder per test.
#include <doctest/doctest.h>

#include "tests/test_support.h"
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>

#include "core/search_index.h"
#include "core/sqlite.h"
#include "core/store.h"
#include "ingest/pipeline.h"
#include "server/api.h"

namespace fs = std::filesystem;
using dg::Code;
using dg::Document;
using dg::DocumentKey;
using dg::Extraction;
using dg::Mention;
using dg::MentionKind;
using dg::Store;
using dg::sqlite::Database;
using dg::sqlite::OpenMode;

namespace {

// A folder of its own under the system temporary folder, removed with everything in it.
using dg::testing::TempDir;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::string FileHash(const std::string& path) { return dg::Sha256Hex(ReadFile(path)); }

void RequireOk(const dg::Status& s) {
  INFO(s.ToString());
  REQUIRE(s.ok());
}

// ---- Factories: a row states only what differs ----

Mention Span(const std::string& text, const std::string& needle,
             MentionKind kind = MentionKind::kFullCode) {
  size_t at = text.find(needle);
  REQUIRE(at != std::string::npos);
  return Mention{static_cast<uint32_t>(at), static_cast<uint32_t>(at + needle.size()), needle,
                 kind};
}

Document Doc(const std::string& key) {
  auto k = DocumentKey::Parse(key);
  REQUIRE(k.ok());
  Document d;
  d.key = *k;
  return d;
}

Extraction Article(const std::string& url, const std::string& text) {
  Extraction e;
  e.article.url = url;
  e.article.file = fs::path(url).filename().string();
  e.article.text = text;
  e.article.title = "Quận 1 tổng kết 5 năm thực hiện Đề án 02";
  e.article.published = "2020-11-20";
  e.article.site = "thanhuytphcm.vn";
  e.article.content_hash = dg::Sha256Hex(text);
  return e;
}

constexpr const char* kKh = "138-KH/QU@quan-1.ho-chi-minh";
constexpr const char* kDa = "2-ĐA/TU@ho-chi-minh";
constexpr const char* kNq = "35-NQ/TW@TW#XII";

// An article with three documents, one relation, one meeting and one unresolved span.
Extraction Quan1Article(const std::string& url = "https://thanhuytphcm.vn/a/1") {
  const std::string text =
      "Chiều 20/11, Quận ủy Quận 1 tổ chức hội nghị tổng kết 5 năm thực hiện Kế hoạch số "
      "138-KH/QU của Quận ủy thực hiện Đề án số 02-ĐA/TU ngày 24/3/2014 của Ban Thường vụ "
      "Thành ủy, gắn với Nghị quyết số 35-NQ/TW. Nghị quyết 17 cũng được nhắc đến.";
  Extraction e = Article(url, text);
  Document kh = Doc(kKh);
  kh.issuer = "Quận ủy Quận 1";
  kh.jurisdiction = "Quận 1, Thành phố Hồ Chí Minh";
  kh.mentions = {Span(text, "Kế hoạch số 138-KH/QU")};
  Document da = Doc(kDa);
  da.issuer = "Ban Thường vụ Thành ủy";
  da.jurisdiction = "Thành phố Hồ Chí Minh";
  da.date = "2014-03-24";
  da.mentions = {Span(text, "Đề án số 02-ĐA/TU")};
  Document nq = Doc(kNq);
  nq.mentions = {Span(text, "Nghị quyết số 35-NQ/TW")};
  e.documents = {kh, da, nq};
  dg::Edge implements;
  implements.from = kKh;
  implements.rel = dg::Relation::kImplements;
  implements.to = kDa;
  implements.evidence_start = kh.mentions[0].start;
  implements.evidence_end = da.mentions[0].end;
  dg::Edge linked = implements;
  linked.from = kDa;
  linked.rel = dg::Relation::kLinked;
  linked.to = kNq;
  linked.inferred = true;
  linked.weight = 0.5;
  e.relations = {implements, linked};
  dg::Meeting m;
  m.unit = "Quận ủy Quận 1";
  m.unit_level = "district";
  m.unit_code = "760";
  m.province = "Thành phố Hồ Chí Minh";
  m.kind = "tổng kết";
  m.years = 5;
  m.reviewed = {kKh, kDa};
  m.held_under = kKh;
  m.date = "2020-11-20";
  m.date_inferred = true;
  m.chair = "Nguyễn Văn A";
  m.award_collectives = 30;
  m.award_individuals = 12;
  e.meetings = {m};
  dg::Unresolved u;
  u.text = "Nghị quyết 17";
  u.start = Span(text, u.text).start;
  u.end = Span(text, u.text).end;
  u.reason = "no full code for this short form";
  e.unresolved = {u};
  return e;
}

// A canonical text form of an extraction, for exact comparisons with readable diffs.
std::string Dump(const Extraction& e) {
  std::ostringstream o;
  const dg::Article& a = e.article;
  o << "article url=" << a.url << " file=" << a.file << " title=" << a.title
    << " published=" << a.published << " site=" << a.site << " author=" << a.author
    << " hash=" << a.content_hash << " text=" << a.text << "\n";
  for (const Document& d : e.documents) {
    o << "document " << d.key.ToString() << " issuer=" << d.issuer
      << " jurisdiction=" << d.jurisdiction << " date=" << d.date << " title=" << d.title << "\n";
    for (const Mention& m : d.mentions) {
      o << "  mention " << m.start << "-" << m.end << " " << dg::MentionKindName(m.kind) << " "
        << m.text << "\n";
    }
  }
  for (const dg::Edge& r : e.relations) {
    o << "relation " << r.from << " " << dg::RelationName(r.rel) << " " << r.to << " "
      << r.evidence_start << "-" << r.evidence_end << " inferred=" << r.inferred
      << " weight=" << r.weight << "\n";
  }
  for (const dg::Meeting& m : e.meetings) {
    o << "meeting unit=" << m.unit << " level=" << m.unit_level << " code=" << m.unit_code
      << " province=" << m.province << " kind=" << m.kind
      << " years=" << (m.years ? std::to_string(*m.years) : "-") << " date=" << m.date
      << " inferred=" << m.date_inferred << " chair=" << m.chair << " held_under=" << m.held_under
      << " awards=" << (m.award_collectives ? std::to_string(*m.award_collectives) : "-") << "/"
      << (m.award_individuals ? std::to_string(*m.award_individuals) : "-") << "\n";
    for (const std::string& k : m.reviewed) o << "  reviewed " << k << "\n";
    for (const std::string& k : m.launched) o << "  launched " << k << "\n";
  }
  for (const dg::Unresolved& u : e.unresolved) {
    o << "unresolved " << u.start << "-" << u.end << " " << u.text << " (" << u.reason << ")\n";
  }
  return o.str();
}

std::unique_ptr<Store> OpenStore(const std::string& path, bool read_only = false) {
  auto store = Store::Open(path, read_only);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  return std::move(store).value();
}

// Puts each extraction in one committed batch; returns the outcomes.
std::vector<Store::PutOutcome> PutAll(Store& store, const std::vector<Extraction>& es) {
  auto batch = store.Begin();
  INFO(batch.status().ToString());
  REQUIRE(batch.ok());
  std::vector<Store::PutOutcome> outcomes;
  for (const Extraction& e : es) {
    auto outcome = batch->PutArticle(e);
    INFO(outcome.status().ToString());
    REQUIRE(outcome.ok());
    outcomes.push_back(*outcome);
  }
  RequireOk(batch->Commit());
  return outcomes;
}

// One integer from a raw read-only connection to `path`.
int64_t Query(const std::string& path, const std::string& sql) {
  auto db = Database::Open(path, OpenMode::kReadOnly);
  REQUIRE(db.ok());
  auto n = db->QueryInt(sql);
  INFO(sql, " -> ", n.status().ToString());
  REQUIRE(n.ok());
  return *n;
}

void ExecRaw(const std::string& path, const std::string& sql,
             OpenMode mode = OpenMode::kReadWrite) {
  auto db = Database::Open(path, mode);
  REQUIRE(db.ok());
  dg::Status s = db->Exec(sql);
  INFO(s.ToString());
  REQUIRE(s.ok());
}

// The number of articles the store's search index finds for the user's words `q`.
int64_t Found(Store& store, const std::string& q) {
  const dg::search::Searcher searcher(dg::api::SearchQuery(q));
  auto m = searcher.Find(store.database(), 0, 10);
  INFO(q, " -> ", m.status().ToString());
  REQUIRE(m.ok());
  return m->total;
}

// Turns a current database back into what a version before 6 wrote: an FTS5 index with
// `tokenize` (built from the articles; with schema 4's settings when `settings`) instead of
// the store's own, and `version`.
void BackToFts5(const std::string& path, const std::string& tokenize, bool settings, int version) {
  ExecRaw(path, dg::testing::BackToFts5Sql(tokenize));
  if (settings) {
    ExecRaw(path,
            "INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 16); "
            "INSERT INTO articles_fts(articles_fts, rank) VALUES ('hashsize', 67108864)");
  }
  ExecRaw(path, "DELETE FROM schema_migrations WHERE version > " + std::to_string(version) +
                    "; PRAGMA user_version = " + std::to_string(version));
}

}  // namespace

TEST_CASE("Sha256Hex matches the FIPS 180-2 examples and padding boundaries") {
  struct Row {
    std::string input;
    const char* hex;
    const char* comment;
  } rows[] = {
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "FIPS one block"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "FIPS two blocks"},
      {std::string(1000000, 'a'),
       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", "FIPS a million a"},
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "empty"},
      {std::string(55, 'a'), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
       "longest single-block tail"},
      {std::string(56, 'a'), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
       "length no longer fits: two tail blocks"},
      {std::string(63, 'a'), "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34",
       "one byte short of a block"},
      {std::string(64, 'a'), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
       "exactly one block"},
      {std::string(119, 'a'), "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb",
       "block plus longest tail"},
      {std::string(120, 'a'), "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c",
       "block plus two tail blocks"},
      {"Nghị quyết số 35-NQ/TW", "acb3d394ebaaccbef3783cdf6b6627bc3faec274965a73c5d6fc9ece76f7270d",
       "UTF-8 bytes"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.comment);
    CHECK(dg::Sha256Hex(row.input) == row.hex);
  }
}

TEST_CASE("a new store is created with the current schema, WAL and our application id") {
  TempDir dir;
  const std::string path = dir.File("sub.db");
  REQUIRE_FALSE(fs::exists(path));
  {
    auto store = OpenStore(path);
    CHECK(store->schema_version() == Store::kSchemaVersion);
    CHECK(store->path() == path);
    CHECK_FALSE(store->read_only());
  }
  CHECK(Query(path, "PRAGMA application_id") == 0x44475246);
  CHECK(Query(path, "PRAGMA user_version") == Store::kSchemaVersion);
  CHECK(Query(path, "SELECT count(*) FROM schema_migrations") == Store::kSchemaVersion);
  CHECK(ReadFile(path).substr(18, 2) == std::string("\x02\x02", 2));  // WAL in the header
}

TEST_CASE("an article survives close and reopen, and reads back as it was put") {
  TempDir dir;
  const std::string path = dir.File("dg.db");
  Extraction put = Quan1Article();
  {
    auto store = OpenStore(path);
    CHECK(PutAll(*store, {put}) == std::vector{Store::PutOutcome::kAdded});
  }
  auto store = OpenStore(path);
  auto got = store->GetArticleByHash(put.article.content_hash);
  INFO(got.status().ToString());
  REQUIRE(got.ok());
  CHECK(got->article.id > 0);
  CHECK(Dump(*got) == Dump(put));

  auto stats = store->GetStats();
  REQUIRE(stats.ok());
  CHECK(stats->articles == 1);
  CHECK(stats->documents == 3);
  CHECK(stats->documents_by_type ==
        std::map<std::string, int64_t>{{"KH", 1}, {"NQ", 1}, {"ĐA", 1}});
  CHECK(stats->documents_by_family == std::map<std::string, int64_t>{{"party", 3}});
  CHECK(stats->units == 1);
  CHECK(stats->meetings == 1);
  CHECK(stats->edges_by_relation ==
        std::map<std::string, int64_t>{{"implements", 1}, {"linked", 1}});

  auto missing = store->GetArticleByHash(std::string(64, '0'));
  CHECK(missing.status().code() == Code::kNotFound);
}

TEST_CASE("an empty content hash is computed from the text") {
  TempDir dir;
  auto store = OpenStore(dir.File("dg.db"));
  Extraction e = Quan1Article();
  const std::string expected = e.article.content_hash;
  e.article.content_hash.clear();
  PutAll(*store, {e});
  auto got = store->GetArticleByHash(expected);
  REQUIRE(got.ok());
  CHECK(got->article.content_hash == expected);
}

TEST_CASE("putting the same article twice changes nothing") {
  TempDir dir;
  auto store = OpenStore(dir.File("dg.db"));
  PutAll(*store, {Quan1Article()});
  auto before = store->GetStats();
  REQUIRE(before.ok());
  // Same text at another url: still the same content, so unchanged too.
  CHECK(PutAll(*store, {Quan1Article(), Quan1Article("file:/elsewhere.txt")}) ==
        std::vector{Store::PutOutcome::kUnchanged, Store::PutOutcome::kUnchanged});
  auto after = store->GetStats();
  REQUIRE(after.ok());
  CHECK(after->articles == before->articles);
  CHECK(after->documents == before->documents);
  CHECK(after->units == before->units);
  CHECK(after->meetings == before->meetings);
  CHECK(after->edges_by_relation == before->edges_by_relation);
  CHECK(Query(dir.File("dg.db"), "SELECT count(*) FROM mentions") == 3);
}

TEST_CASE("new text at a stored url replaces the article and everything extracted from it") {
  TempDir dir;
  const std::string path = dir.File("dg.db");
  auto store = OpenStore(path);
  Extraction old_version = Quan1Article();
  PutAll(*store, {old_version});
  const int64_t old_id = Query(path, "SELECT id FROM articles");

  const std::string text = "Bản cập nhật: Quận ủy Quận 1 triển khai Chỉ thị số 05-CT/TW.";
  Extraction new_version = Article(old_version.article.url, text);
  Document ct = Doc("5-CT/TW@TW#XII");
  ct.mentions = {Span(text, "Chỉ thị số 05-CT/TW")};
  new_version.documents = {ct};
  CHECK(PutAll(*store, {new_version}) == std::vector{Store::PutOutcome::kReplaced});

  CHECK(store->GetArticleByHash(old_version.article.content_hash).status().code() ==
        Code::kNotFound);
  auto got = store->GetArticleByHash(new_version.article.content_hash);
  REQUIRE(got.ok());
  CHECK(Dump(*got) == Dump(new_version));

  CHECK(got->article.id != old_id);  // ids are not reused
  const std::string by_old = " WHERE article_id = " + std::to_string(old_id);
  CHECK(Query(path, "SELECT count(*) FROM mentions" + by_old) == 0);
  CHECK(Query(path, "SELECT count(*) FROM edges") == 0);
  CHECK(Query(path, "SELECT count(*) FROM meetings") == 0);
  CHECK(Query(path, "SELECT count(*) FROM meeting_documents") == 0);
  CHECK(Query(path, "SELECT count(*) FROM unresolved") == 0);
  CHECK(Query(path, "SELECT count(*) FROM mentions") == 1);
  // Documents no article names any more are gone; the unit stays.
  auto stats = store->GetStats();
  REQUIRE(stats.ok());
  CHECK(stats->articles == 1);
  CHECK(stats->documents == 1);
  CHECK(stats->documents_by_type == std::map<std::string, int64_t>{{"CT", 1}});
  CHECK(stats->units == 1);
  // The search index follows: the old words are gone, the new ones found without accents.
  CHECK(Found(*store, "Kế") == 0);
  CHECK(Found(*store, "chi thi") == 1);
}

TEST_CASE("articles sharing a document key share one document row and fill its empty fields") {
  TempDir dir;
  const std::string path = dir.File("dg.db");
  auto store = OpenStore(path);
  Extraction first = Quan1Article();  // 02-ĐA/TU with date, no title

  const std::string text = "Quận ủy Bình Thạnh sơ kết Đề án 02-ĐA/TU về xây dựng đội ngũ.";
  Extraction second = Article("https://thanhuytphcm.vn/a/2", text);
  Document da = Doc(kDa);
  da.title = "về xây dựng đội ngũ";
  da.issuer = "Thành ủy";  // differs: the stored non-empty issuer is kept
  da.mentions = {Span(text, "Đề án 02-ĐA/TU", MentionKind::kShortForm)};
  second.documents = {da};
  CHECK(PutAll(*store, {first, second}) ==
        std::vector{Store::PutOutcome::kAdded, Store::PutOutcome::kAdded});

  CHECK(Query(path, "SELECT count(*) FROM documents WHERE key = '2-ĐA/TU@ho-chi-minh'") == 1);
  CHECK(Query(path,
              "SELECT count(DISTINCT m.article_id) FROM mentions m JOIN documents d "
              "ON d.id = m.document_id WHERE d.key = '2-ĐA/TU@ho-chi-minh'") == 2);
  auto got = store->GetArticleByHash(second.article.content_hash);
  REQUIRE(got.ok());
  REQUIRE(got->documents.size() == 1);
  const Document& merged = got->documents[0];
  CHECK(merged.date == "2014-03-24");                // filled by the first article
  CHECK(merged.title == "về xây dựng đội ngũ");      // filled by the second
  CHECK(merged.issuer == "Ban Thường vụ Thành ủy");  // never overwritten
  REQUIRE(merged.mentions.size() == 1);              // this article's mentions only
  CHECK(merged.mentions[0].kind == MentionKind::kShortForm);

  // A third article that knows nothing more must not empty anything.
  Extraction third = Article("https://thanhuytphcm.vn/a/3", "Đề án 02-ĐA/TU.");
  third.documents = {Doc(kDa)};
  PutAll(*store, {third});
  auto again = store->GetArticleByHash(third.article.content_hash);
  REQUIRE(again.ok());
  CHECK(again->documents[0].date == "2014-03-24");
  CHECK(again->documents[0].title == "về xây dựng đội ngũ");
}

namespace {

// An article naming the given document keys, each mentioned once in its text.
Extraction Naming(const std::string& url, const std::vector<std::string>& keys) {
  std::string text = "Bài " + url + ":";
  for (const std::string& k : keys) text += " " + k;
  Extraction e = Article(url, text);
  for (const std::string& k : keys) {
    Document d = Doc(k);
    d.mentions = {Span(text, k)};
    e.documents.push_back(d);
  }
  return e;
}

}  // namespace

TEST_CASE("replacing an article deletes those of its documents that no other article names") {
  TempDir dir;
  const std::string path = dir.File("dg.db");
  auto store = OpenStore(path);
  auto article = Naming;
  const std::string a = "https://example.vn/a", b = "https://example.vn/b";
  PutAll(*store, {article(a, {"5-CT/TW@TW#XII", "35-NQ/TW@TW#XII"}),
                  article(b, {"35-NQ/TW@TW#XII", "2-ĐA/TU@ho-chi-minh"})});
  CHECK(Query(path, "SELECT count(*) FROM documents") == 3);

  // a now names another document: 5-CT/TW goes, 35-NQ/TW stays (b names it), b's own stay.
  CHECK(PutAll(*store, {article(a, {"26-NQ/TW@TW#XII"})}) ==
        std::vector{Store::PutOutcome::kReplaced});
  auto keys = [&] {
    std::vector<std::string> out;
    auto db = Database::Open(path, OpenMode::kReadOnly);
    REQUIRE(db.ok());
    auto st = db->Prepare("SELECT key FROM documents ORDER BY key");
    REQUIRE(st.ok());
    while (*st->Step()) out.push_back(st->ColumnText(0));
    return out;
  };
  CHECK(keys() == std::vector<std::string>{"2-ĐA/TU@ho-chi-minh", "26-NQ/TW@TW#XII",
                                           "35-NQ/TW@TW#XII"});
  // b now names nothing: both of its documents go, a's stays.
  CHECK(PutAll(*store, {article(b, {})}) == std::vector{Store::PutOutcome::kReplaced});
  CHECK(keys() == std::vector<std::string>{"26-NQ/TW@TW#XII"});
}

TEST_CASE("a version 3 database is migrated to the current version and its articles are found") {
  TempDir dir;
  const std::string path = dir.File("v3.db");
  {
    auto store = OpenStore(path);
    PutAll(*store, {Quan1Article()});
  }
  // Turn it back into what version 3 wrote: unicode61, FTS5's defaults (no rows).
  BackToFts5(path, "unicode61 remove_diacritics 2", /*settings=*/false, 3);
  CHECK(Query(path, "SELECT count(*) FROM articles_fts_config WHERE k = 'automerge'") == 0);
  CHECK(Store::Open(path, /*read_only=*/true).status().code() == Code::kUnsupported);

  auto store = OpenStore(path);
  CHECK(store->schema_version() == Store::kSchemaVersion);
  CHECK(Query(path, "SELECT max(version) FROM schema_migrations") == Store::kSchemaVersion);
  CHECK(Query(path, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'articles_fts%'") == 0);
  // The article stored before is found, and one stored after too.
  const std::string text = "Quận ủy Bình Thạnh triển khai Chỉ thị số 05-CT/TW.";
  PutAll(*store, {Article("https://example.vn/new", text)});
  CHECK(Found(*store, "quan uy") == 2);
  CHECK(Found(*store, "binh thanh") == 1);
}

TEST_CASE("a version 4 database is read as it is, and migrated to the store's own search index") {
  TempDir dir;
  const std::string path = dir.File("v4.db");
  const std::string text = "Đảng bộ quận Bình Tân sơ kết Nghị quyết số 35-NQ/TW.";
  {
    auto store = OpenStore(path);
    PutAll(*store, {Quan1Article(), Article("https://example.vn/dang", text)});
  }
  // Turn it back into what version 4 wrote: the unicode61 index, built from the articles.
  BackToFts5(path, "unicode61 remove_diacritics 2", /*settings=*/true, 4);
  // unicode61 keeps đ: 'dang' does not find "Đảng" there.
  CHECK(Query(path, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'dang'") == 0);
  CHECK(Query(path, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'đang'") == 1);

  {
    // Read as it is, without migrating: its own index still answers.
    auto reader = OpenStore(path, /*read_only=*/true);
    CHECK(reader->schema_version() == 4);
    auto n = reader->database().QueryInt(
        "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'binh tan'");
    REQUIRE(n.ok());
    CHECK(*n == 1);
  }
  auto store = OpenStore(path);
  CHECK(store->schema_version() == Store::kSchemaVersion);
  CHECK(Query(path, "SELECT max(version) FROM schema_migrations") == Store::kSchemaVersion);
  // The articles stored before are in the new index, with đ folded.
  CHECK(Found(*store, "dang") == 1);
  CHECK(Found(*store, "nghi quyet") == 2);
  CHECK(Found(*store, "quan uy") == 1);
  CHECK(Query(path, "SELECT count(*) FROM search_docs") == 2);
  // And it follows the articles stored after.
  PutAll(*store, {Article("https://example.vn/new", "Huyện ủy Đầm Dơi quán triệt Chỉ thị 05.")});
  CHECK(Found(*store, "dam doi") == 1);
}

TEST_CASE("a version 5 database answers searches through FTS5 read as it is, and the same "
          "after its migration") {
  TempDir dir;
  const std::string path = dir.File("v5.db");
  {
    auto store = OpenStore(path);
    dg::IngestOptions options;
    options.batch_size = 5;
    auto report = dg::Ingest({DIRGRAPH_FIXTURES_DIR "/corpus"}, *store,
                             dg::testing::SharedExtractor(), options);
    REQUIRE(report.ok());
    REQUIRE(report->articles_added > 10);
  }
  BackToFts5(path, "dirgraph", /*settings=*/true, 5);
  const std::vector<std::string> queries = {"dang",        "nghi quyet", "Đảng bộ",  "quan uy",
                                            "ban chấp hành", "35",       "hội nghị", "xyzzy"};
  auto answers = [&](Store& store) {
    std::vector<std::string> out;
    for (const std::string& q : queries) {
      for (int64_t after : {0, 3}) {
        dg::api::Page page;
        page.limit = 5;
        page.after = after;
        auto json = dg::api::Search(store.database(), q, page);
        INFO(q, " -> ", json.status().ToString());
        REQUIRE(json.ok());
        out.push_back(*json);
      }
    }
    return out;
  };
  std::vector<std::string> fts5;
  {
    auto reader = OpenStore(path, /*read_only=*/true);
    CHECK(reader->schema_version() == 5);
    fts5 = answers(*reader);
  }
  REQUIRE(fts5.size() == queries.size() * 2);
  CHECK(fts5[0].find("\"total\":0") == std::string::npos);
  auto store = OpenStore(path);
  CHECK(store->schema_version() == Store::kSchemaVersion);
  CHECK(Query(path, "SELECT count(*) FROM search_docs") == Query(path, "SELECT count(*) FROM articles"));
  const std::vector<std::string> ours = answers(*store);
  for (size_t i = 0; i < ours.size(); ++i) {
    CAPTURE(queries[i / 2]);
    CHECK(ours[i] == fts5[i]);
  }
}

TEST_CASE("the WAL is copied into the database while the writing store stays open") {
  TempDir dir;
  const std::string path = dir.File("dg.db");
  auto store = OpenStore(path);
  const auto initial = fs::file_size(path);
  // About 6 MB of articles in six commits: past the 1,000 pages (4 MB) of a checkpoint.
  std::mt19937 rng(7);
  for (int b = 0; b < 6; ++b) {
    std::vector<Extraction> batch;
    for (int i = 0; i < 50; ++i) {
      std::string text;
      for (int w = 0; w < 4000; ++w) text += std::to_string(rng() % 100000) + " ";
      batch.push_back(Article("https://x.vn/" + std::to_string(b * 50 + i), text));
    }
    PutAll(*store, batch);
  }
  // Checkpoints run on another thread: wait for one to have written the database file.
  std::uintmax_t size = initial;
  for (int i = 0; i < 400 && size < initial + (4u << 20); ++i) {
    usleep(50 * 1000);
    size = fs::file_size(path);
  }
  CHECK(size >= initial + (4u << 20));
  CHECK(Query(path, "SELECT count(*) FROM articles") == 300);
}

TEST_CASE("a writable store syncs the WAL at checkpoints only and keeps a larger page cache") {
  TempDir dir;
  auto store = OpenStore(dir.File("dg.db"));
  auto& db = store->database();
  CHECK(*db.QueryInt("PRAGMA synchronous") == 1);          // NORMAL
  CHECK(*db.QueryInt("PRAGMA cache_size") <= -64 * 1024);  // KiB when negative
  CHECK(*db.QueryInt("PRAGMA journal_size_limit") > 0);
}

TEST_CASE("meetings of one unit share one unit row: by code, else by name and province") {
  TempDir dir;
  const std::string path = dir.File("dg.db");
  auto store = OpenStore(path);
  Extraction a = Quan1Article("https://x.vn/1");
  Extraction b = Quan1Article("https://x.vn/2");
  b.article.text += " (bản 2)";
  b.article.content_hash = dg::Sha256Hex(b.article.text);
  b.meetings[0].unit = "Ban Thường vụ Quận ủy Quận 1";  // same code, other wording
  Extraction c = Article("https://x.vn/3", "Huyện ủy Châu Thành triển khai.");
  dg::Meeting m;
  m.unit = "Huyện ủy Châu Thành";
  m.province = "Tỉnh Trà Vinh";
  m.kind = "triển khai";
  c.meetings = {m, m};
  Extraction d = Article("https://x.vn/4", "Huyện ủy Châu Thành (Tiền Giang) triển khai.");
  m.province = "Tỉnh Tiền Giang";
  d.meetings = {m};
  PutAll(*store, {a, b, c, d});
  auto stats = store->GetStats();
  REQUIRE(stats.ok());
  CHECK(stats->meetings == 5);
  CHECK(stats->units == 3);
  CHECK(Query(path, "SELECT count(*) FROM units WHERE code = '760'") == 1);
  CHECK(Query(path, "SELECT count(*) FROM meetings WHERE unit_id IS NULL") == 0);
}

TEST_CASE("one code in two eras is two units: the 2025 reform reused codes") {
  TempDir dir;
  const std::string path = dir.File("dg.db");
  auto store = OpenStore(path);
  // Code 00004 was Phường Trúc Bạch before the reform and is Phường Ba Đình after it.
  Extraction before = Article("https://x.vn/truc-bach", "Đảng ủy phường Trúc Bạch sơ kết.");
  dg::Meeting m;
  m.unit = "Đảng ủy phường Trúc Bạch";
  m.unit_code = "00004";
  m.kind = "sơ kết";
  before.meetings = {m};
  Extraction after = Article("https://x.vn/ba-dinh", "Đảng ủy phường Ba Đình sơ kết.");
  m.unit = "Đảng ủy phường Ba Đình";
  m.unit_after_reform = true;
  after.meetings = {m};
  for (int round = 0; round < 2; ++round) {  // the second round finds both rows again
    dg::Unit u;
    u.code = "00004";
    u.name = "Phường Ba Đình";
    u.level = dg::UnitLevel::kCommune;
    u.after_reform = true;
    after.units = {u};
    PutAll(*store, {before, after});
    CHECK(Query(path, "SELECT count(*) FROM units WHERE code = '00004'") == 2);
    CHECK(Query(path, "SELECT count(DISTINCT unit_id) FROM meetings") == 2);
    CHECK(Query(path, "SELECT count(*) FROM meetings m JOIN units u ON u.id = m.unit_id "
                      "WHERE u.after_reform = (m.unit = 'Đảng ủy phường Ba Đình')") == 2);
    after.article.text += " ";  // an edit: the article is replaced
    after.article.content_hash = dg::Sha256Hex(after.article.text);
  }
}

TEST_CASE("a batch dropped without Commit leaves nothing behind") {
  TempDir dir;
  const std::string path = dir.File("dg.db");
  {
    auto store = OpenStore(path);
    {
      auto batch = store->Begin();
      REQUIRE(batch.ok());
      auto outcome = batch->PutArticle(Quan1Article());
      REQUIRE(outcome.ok());
      auto inside = store->GetStats();  // the batch sees its own writes
      REQUIRE(inside.ok());
      CHECK(inside->articles == 1);
    }
    auto stats = store->GetStats();
    REQUIRE(stats.ok());
    CHECK(stats->articles == 0);
    CHECK(stats->documents == 0);
    CHECK(stats->units == 0);
    // The store is usable again.
    CHECK(PutAll(*store, {Quan1Article("https://x.vn/kept")}) ==
          std::vector{Store::PutOutcome::kAdded});
  }
  CHECK(Query(path, "SELECT count(*) FROM articles") == 1);
  CHECK(Query(path, "SELECT count(*) FROM articles WHERE url = 'https://x.vn/kept'") == 1);
}

namespace {

// Every link of an article to a document points at a stored row with the right key.
void CheckLinks(const std::string& path, const std::string& url,
                const std::vector<std::string>& keys) {
  for (const std::string& k : keys) {
    INFO(url, " names ", k);
    CHECK(Query(path, "SELECT count(*) FROM article_documents ad JOIN articles a ON "
                      "a.id = ad.article_id JOIN documents d ON d.id = ad.document_id WHERE "
                      "a.url = '" + url + "' AND d.key = '" + k + "'") == 1);
  }
  CHECK(Query(path, "SELECT count(*) FROM article_documents ad JOIN articles a ON "
                    "a.id = ad.article_id WHERE a.url = '" + url + "'") ==
        static_cast<int64_t>(keys.size()));
  CHECK(Query(path, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
}

}  // namespace

// The store remembers the ids of the documents and units it wrote, to skip statements
// that would change nothing; what it remembers must go with writes that do not land.
TEST_CASE("documents a dropped batch wrote are not taken as stored by the next batch") {
  TempDir dir;
  const std::string path = dir.File("dg.db");
  auto store = OpenStore(path);
  {
    auto batch = store->Begin();
    REQUIRE(batch.ok());
    REQUIRE(batch->PutArticle(Naming("https://x.vn/1", {kNq, kDa})).ok());
  }  // rolled back: neither document is stored
  PutAll(*store, {Naming("https://x.vn/2", {kDa})});
  CheckLinks(path, "https://x.vn/2", {kDa});
  CHECK(Query(path, "SELECT count(*) FROM documents") == 1);
}

TEST_CASE("documents of a refused article are not taken as stored by the next article") {
  TempDir dir;
  const std::string path = dir.File("dg.db");
  auto store = OpenStore(path);
  Extraction bad = Naming("https://x.vn/bad", {kNq, kDa});
  dg::Edge edge;
  edge.from = kDa;
  edge.rel = dg::Relation::kImplements;
  edge.to = "99-NQ/TW@TW";  // not among its documents: refused after they were written
  bad.relations = {edge};
  auto batch = store->Begin();
  REQUIRE(batch.ok());
  CHECK(batch->PutArticle(bad).status().code() == Code::kInvalidArgument);
  auto good = batch->PutArticle(Naming("https://x.vn/good", {kDa}));
  INFO(good.status().ToString());
  REQUIRE(good.ok());
  RequireOk(batch->Commit());
  CheckLinks(path, "https://x.vn/good", {kDa});
  CHECK(Query(path, "SELECT count(*) FROM documents") == 1);
}

TEST_CASE("a document another connection deleted is written again, not linked by its old id") {
  TempDir dir;
  const std::string path = dir.File("dg.db");
  auto first = OpenStore(path);
  PutAll(*first, {Naming("https://x.vn/1", {kDa})});
  {
    // Another writer replaces the article: the document no article names goes, and the
    // next document takes a new id (ids are never reused).
    auto second = OpenStore(path);
    PutAll(*second, {Naming("https://x.vn/1", {}), Naming("https://x.vn/2", {kNq})});
  }
  CHECK(Query(path, "SELECT count(*) FROM documents WHERE key = '" + std::string(kDa) + "'") == 0);
  PutAll(*first, {Naming("https://x.vn/3", {kDa, kNq})});
  CheckLinks(path, "https://x.vn/3", {kDa, kNq});
  CheckLinks(path, "https://x.vn/2", {kNq});
}

TEST_CASE("a document's empty fields are still filled when the store has seen it before") {
  TempDir dir;
  const std::string path = dir.File("dg.db");
  auto store = OpenStore(path);
  PutAll(*store, {Naming("https://x.vn/1", {kDa}), Naming("https://x.vn/2", {kDa})});
  Extraction dated = Naming("https://x.vn/3", {kDa});
  dated.documents[0].date = "2014-03-24";
  Extraction titled = Naming("https://x.vn/4", {kDa});
  titled.documents[0].title = "về xây dựng đội ngũ";
  titled.documents[0].date = "2015-01-01";  // a stored date is kept
  PutAll(*store, {dated, Naming("https://x.vn/5", {kDa})});
  PutAll(*store, {titled});
  CHECK(Query(path, "SELECT count(*) FROM documents WHERE date = '2014-03-24' AND "
                    "title = 'về xây dựng đội ngũ'") == 1);
}

TEST_CASE("a version 6 database gains the index a deleted document's meetings are looked up by") {
  TempDir dir;
  const std::string path = dir.File("v6.db");
  {
    auto store = OpenStore(path);
    PutAll(*store, {Quan1Article()});
  }
  ExecRaw(path, dg::testing::BackToMentionsTableSql() +
                    "; DROP INDEX meetings_by_held_under; DELETE FROM schema_migrations WHERE "
                    "version > 6; PRAGMA user_version = 6");
  {
    auto reader = OpenStore(path, /*read_only=*/true);  // read as it is
    CHECK(reader->schema_version() == 6);
  }
  auto store = OpenStore(path);
  CHECK(store->schema_version() == Store::kSchemaVersion);
  // The lookup the foreign key meetings.held_under makes when a document is deleted.
  auto plan = store->database().Prepare(
      "EXPLAIN QUERY PLAN SELECT 1 FROM meetings WHERE held_under = ?");
  REQUIRE(plan.ok());
  std::string detail;
  while (*plan->Step()) detail += plan->ColumnText(3) + "\n";
  CHECK(detail.find("USING COVERING INDEX meetings_by_held_under") != std::string::npos);
  // Replacing the article deletes its documents, the meeting's held_under among them.
  CHECK(PutAll(*store, {Naming("https://thanhuytphcm.vn/a/1", {kNq})}) ==
        std::vector{Store::PutOutcome::kReplaced});
  CHECK(Query(path, "SELECT count(*) FROM documents") == 1);
  CHECK(Query(path, "SELECT count(*) FROM meetings") == 0);
}

TEST_CASE("a batch can be moved, commits once, and refuses puts afterwards") {
  TempDir dir;
  auto store = OpenStore(dir.File("dg.db"));
  auto begun = store->Begin();
  REQUIRE(begun.ok());
  Store::Batch batch = std::move(begun).value();
  CHECK(store->Begin().status().code() != Code::kOk);  // one batch at a time
  REQUIRE(batch.PutArticle(Quan1Article()).ok());
  RequireOk(batch.Commit());
  CHECK(batch.Commit().code() == Code::kInvalidArgument);
  CHECK(batch.PutArticle(Quan1Article("https://x.vn/late")).status().code() ==
        Code::kInvalidArgument);
  auto stats = store->GetStats();
  REQUIRE(stats.ok());
  CHECK(stats->articles == 1);
}

TEST_CASE("an article naming a key outside its documents is refused and leaves nothing") {
  TempDir dir;
  auto store = OpenStore(dir.File("dg.db"));
  Extraction bad = Quan1Article("https://x.vn/bad");
  bad.relations[0].to = "99-NQ/TW@TW";
  Extraction good = Quan1Article("https://x.vn/good");
  good.article.text += " ";
  good.article.content_hash = dg::Sha256Hex(good.article.text);

  auto batch = store->Begin();
  REQUIRE(batch.ok());
  auto refused = batch->PutArticle(bad);
  CHECK(refused.status().code() == Code::kInvalidArgument);
  CHECK(refused.status().message().find("99-NQ/TW@TW") != std::string::npos);
  auto added = batch->PutArticle(good);  // the batch goes on
  REQUIRE(added.ok());
  RequireOk(batch->Commit());

  auto stats = store->GetStats();
  REQUIRE(stats.ok());
  CHECK(stats->articles == 1);
  CHECK(stats->documents == 3);
  CHECK(stats->meetings == 1);
  CHECK(store->GetArticleByHash(good.article.content_hash).ok());
}

TEST_CASE("a database of a newer schema version is refused and left as it was") {
  TempDir dir;
  const std::string path = dir.File("dg.db");
  { OpenStore(path); }
  ExecRaw(path, "PRAGMA user_version = " + std::to_string(Store::kSchemaVersion + 1));
  const std::string before = FileHash(path);
  for (bool read_only : {false, true}) {
    CAPTURE(read_only);
    auto store = Store::Open(path, read_only);
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().code() == Code::kUnsupported);
    const std::string& message = store.status().message();
    CHECK(message.find(path) != std::string::npos);
    CHECK(message.find("version " + std::to_string(Store::kSchemaVersion + 1)) !=
          std::string::npos);
    CHECK(message.find("up to " + std::to_string(Store::kSchemaVersion)) != std::string::npos);
  }
  CHECK(FileHash(path) == before);
}

TEST_CASE("files that are not dirgraph databases are refused as corrupt and left as they were") {
  TempDir dir;
  struct Row {
    const char* name;
    const char* comment;
  } rows[] = {
      {"foreign.db", "an SQLite database of another application, with tables"},
      {"other-id.db", "an SQLite database with another application id and no tables"},
      {"random.bin", "4 KiB of random bytes"},
      {"notes.txt", "a short text file"},
  };
  ExecRaw(dir.File("foreign.db"),
          "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT);"
          "INSERT INTO notes(body) VALUES ('không phải dirgraph')",
          OpenMode::kReadWriteCreate);
  ExecRaw(dir.File("other-id.db"), "PRAGMA application_id = 1234; PRAGMA user_version = 1",
          OpenMode::kReadWriteCreate);
  std::mt19937 rng(42);
  std::string random(4096, '\0');
  for (char& c : random) c = static_cast<char>(rng());
  WriteFile(dir.File("random.bin"), random);
  WriteFile(dir.File("notes.txt"), "hello\n");

  for (const Row& row : rows) {
    CAPTURE(row.comment);
    const std::string path = dir.File(row.name);
    const std::string before = FileHash(path);
    REQUIRE(fs::file_size(path) > 0);
    for (bool read_only : {false, true}) {
      CAPTURE(read_only);
      auto store = Store::Open(path, read_only);
      REQUIRE_FALSE(store.ok());
      CHECK(store.status().code() == Code::kCorrupt);
      CHECK(store.status().message().find(path) != std::string::npos);
      CHECK(store.status().message().find("not a dirgraph database") != std::string::npos);
    }
    CHECK(FileHash(path) == before);
    CHECK_FALSE(fs::exists(path + "-wal"));
    CHECK_FALSE(fs::exists(path + "-journal"));
  }
}

TEST_CASE("an empty file, or an SQLite database with no schema, is initialised") {
  TempDir dir;
  const std::string empty = dir.File("empty.db");
  WriteFile(empty, "");
  REQUIRE(fs::file_size(empty) == 0);
  CHECK(Store::Open(empty, /*read_only=*/true).status().code() == Code::kNotFound);
  CHECK(fs::file_size(empty) == 0);
  {
    auto store = OpenStore(empty);
    CHECK(store->schema_version() == Store::kSchemaVersion);
    PutAll(*store, {Quan1Article()});
  }
  CHECK(Query(empty, "SELECT count(*) FROM articles") == 1);

  const std::string blank = dir.File("blank.db");
  ExecRaw(blank, "PRAGMA page_size = 8192; VACUUM", OpenMode::kReadWriteCreate);
  REQUIRE(fs::file_size(blank) > 0);
  auto store = OpenStore(blank);
  CHECK(store->schema_version() == Store::kSchemaVersion);
}

TEST_CASE("a read-only store reads but cannot write, and leaves the file as it was") {
  TempDir dir;
  const std::string path = dir.File("dg.db");
  Extraction e = Quan1Article();
  { PutAll(*OpenStore(path), {e}); }
  const std::string before = FileHash(path);
  {
    auto store = OpenStore(path, /*read_only=*/true);
    CHECK(store->read_only());
    auto stats = store->GetStats();
    REQUIRE(stats.ok());
    CHECK(stats->articles == 1);
    CHECK(store->GetArticleByHash(e.article.content_hash).ok());

    Extraction other = Quan1Article("https://x.vn/other");
    other.article.text += ".";
    other.article.content_hash = dg::Sha256Hex(other.article.text);
    dg::Status refused;
    auto batch = store->Begin();
    if (!batch.ok()) {
      refused = batch.status();
    } else {
      refused = batch->PutArticle(other).status();
      if (refused.ok()) refused = batch->Commit();
    }
    CHECK(refused.code() == Code::kIoError);
    CHECK(refused.message().find(path) != std::string::npos);
    CHECK(refused.message().find("readonly") != std::string::npos);  // SQLite's own words
  }
  CHECK(FileHash(path) == before);
  CHECK(Query(path, "SELECT count(*) FROM articles") == 1);

  const std::string missing = dir.File("missing.db");
  CHECK(Store::Open(missing, /*read_only=*/true).status().code() == Code::kNotFound);
  CHECK_FALSE(fs::exists(missing));
}

TEST_CASE("migrations apply in order in one transaction, and a failing one changes nothing") {
  using dg::sqlite::Migration;
  TempDir dir;
  const std::string path = dir.File("m.db");
  const Migration v1[] = {{1, "t1", "CREATE TABLE t1(x)"}};
  const Migration bad[] = {{1, "t1", "CREATE TABLE t1(x)"},
                           {2, "t2", "CREATE TABLE t2(y); INSERT INTO nowhere VALUES (1)"}};
  const Migration v2[] = {{1, "t1", "CREATE TABLE t1(x)"},
                          {2, "t2", "CREATE TABLE t2(y); INSERT INTO t1 VALUES (7)"}};
  constexpr int32_t kId = 77;

  auto opened = Database::Open(path, OpenMode::kReadWriteCreate);
  REQUIRE(opened.ok());
  Database& db = *opened;
  RequireOk(dg::sqlite::Migrate(db, v1, kId));
  CHECK(*db.QueryInt("PRAGMA user_version") == 1);
  CHECK(*db.QueryInt("PRAGMA application_id") == kId);

  dg::Status failed = dg::sqlite::Migrate(db, bad, kId);
  CHECK_FALSE(failed.ok());
  CHECK(failed.message().find("migration 2") != std::string::npos);
  CHECK(failed.message().find("nowhere") != std::string::npos);
  CHECK(db.InAutocommit());
  CHECK(*db.QueryInt("PRAGMA user_version") == 1);
  CHECK(*db.QueryInt("SELECT count(*) FROM sqlite_schema WHERE name = 't2'") == 0);
  CHECK(*db.QueryInt("SELECT count(*) FROM schema_migrations") == 1);

  RequireOk(dg::sqlite::Migrate(db, v2, kId));
  CHECK(*db.QueryInt("PRAGMA user_version") == 2);
  CHECK(*db.QueryInt("SELECT count(*) FROM sqlite_schema WHERE name = 't2'") == 1);
  CHECK(*db.QueryInt("SELECT x FROM t1") == 7);
  CHECK(*db.QueryInt("SELECT max(version) FROM schema_migrations") == 2);

  RequireOk(dg::sqlite::Migrate(db, v2, kId));  // up to date: nothing to do
  CHECK(*db.QueryInt("SELECT count(*) FROM t1") == 1);
  CHECK(dg::sqlite::Migrate(db, v1, kId).code() == Code::kUnsupported);  // file is newer
}

TEST_CASE("SQLite errors become a Status with SQLite's message and the path") {
  TempDir dir;
  const std::string path = dir.File("e.db");
  auto db = Database::Open(path, OpenMode::kReadWriteCreate);
  REQUIRE(db.ok());
  RequireOk(db->Exec("CREATE TABLE t(k TEXT UNIQUE); INSERT INTO t VALUES ('a')"));

  dg::Status dup = db->Exec("INSERT INTO t VALUES ('a')");
  CHECK(dup.code() == Code::kConflict);
  CHECK(dup.message().find(path) != std::string::npos);
  CHECK(dup.message().find("UNIQUE constraint failed: t.k") != std::string::npos);

  auto bad = db->Prepare("SELEKT 1");
  CHECK(bad.status().code() == Code::kInternal);
  CHECK(bad.status().message().find("syntax error") != std::string::npos);

  auto insert = db->Prepare("INSERT INTO t VALUES (?)");
  REQUIRE(insert.ok());
  RequireOk(insert->BindAll("a"));
  dg::Status stepped = insert->Run();
  CHECK(stepped.code() == Code::kConflict);
  CHECK(stepped.message().find(path) != std::string::npos);
  CHECK(stepped.message().find("UNIQUE") != std::string::npos);

  auto nowhere = Database::Open(dir.File("no/such/dir.db"), OpenMode::kReadWrite);
  CHECK(nowhere.status().code() == Code::kNotFound);
  CHECK(nowhere.status().message().find("no/such/dir.db") != std::string::npos);
}

namespace {

// The schema's indexes, as "name: sql" lines in name order (the unique indexes SQLite
// makes for UNIQUE columns have no sql and are left out).
std::string IndexSql(const std::string& path) {
  auto db = Database::Open(path, OpenMode::kReadOnly);
  REQUIRE(db.ok());
  auto st = db->Prepare(
      "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name");
  REQUIRE(st.ok());
  std::string out;
  for (;;) {
    auto row = st->Step();
    REQUIRE(row.ok());
    if (!*row) break;
    out += st->ColumnText(0) + ": " + st->ColumnText(1) + "\n";
  }
  return out;
}

// IndexSql of a new store's file in `dir`: the indexes as the migrations create them.
std::string CreatedIndexSql(const TempDir& dir) {
  const std::string fresh = dir.File("fresh.db");
  OpenStore(fresh);
  return IndexSql(fresh);
}

}  // namespace

TEST_CASE("an empty store defers its secondary indexes and builds them back as created") {
  TempDir dir;
  const std::string created = CreatedIndexSql(dir);
  REQUIRE(created.find("edges_by_from: CREATE INDEX edges_by_from") != std::string::npos);

  const std::string path = dir.File("dg.db");
  auto store = OpenStore(path);
  auto deferred = store->DeferIndexes();
  REQUIRE(deferred.ok());
  CHECK(*deferred);
  CHECK(store->indexes_deferred());
  const std::string during = IndexSql(path);
  CHECK(during.find("edges_by_from") == std::string::npos);
  CHECK(during.find("article_documents_by_document") == std::string::npos);
  CHECK(during.find("meetings_by_held_under") == std::string::npos);
  // The unique indexes every put looks through stay.
  CHECK(during.find("articles_by_url") != std::string::npos);
  CHECK(during.find("units_by_code") != std::string::npos);

  PutAll(*store, {Naming("https://x.vn/1", {kNq, kDa}), Naming("https://x.vn/2", {kDa})});
  RequireOk(store->RestoreIndexes());
  CHECK_FALSE(store->indexes_deferred());
  CHECK(IndexSql(path) == created);
  CHECK(dg::testing::IntegrityCheck(path) == "ok");
  // The rebuilt indexes hold the rows put meanwhile.
  CHECK(Query(path, "SELECT sum(mention_count) FROM article_documents INDEXED BY "
                    "article_documents_by_document") == 3);
}

TEST_CASE("a store that holds articles keeps its indexes") {
  TempDir dir;
  const std::string path = dir.File("dg.db");
  auto store = OpenStore(path);
  PutAll(*store, {Naming("https://x.vn/1", {kNq})});
  const std::string before = IndexSql(path);
  auto deferred = store->DeferIndexes();
  REQUIRE(deferred.ok());
  CHECK_FALSE(*deferred);
  CHECK_FALSE(store->indexes_deferred());
  CHECK(IndexSql(path) == before);
}

TEST_CASE("a replacement builds the deferred indexes first; a rolled back one drops them again") {
  TempDir dir;
  const std::string created = CreatedIndexSql(dir);

  const std::string path = dir.File("dg.db");
  auto store = OpenStore(path);
  REQUIRE(*store->DeferIndexes());
  PutAll(*store, {Naming("https://x.vn/1", {kNq, kDa}), Naming("https://x.vn/2", {kDa})});
  {
    // Rolled back: the indexes it built go with it, and the store knows it.
    auto batch = store->Begin();
    REQUIRE(batch.ok());
    auto put = batch->PutArticle(Naming("https://x.vn/1", {kDa}));
    REQUIRE(put.ok());
    CHECK(*put == Store::PutOutcome::kReplaced);
    CHECK_FALSE(store->indexes_deferred());
  }
  CHECK(store->indexes_deferred());
  CHECK(IndexSql(path).find("edges_by_article") == std::string::npos);

  CHECK(PutAll(*store, {Naming("https://x.vn/1", {kDa})}) ==
        std::vector{Store::PutOutcome::kReplaced});
  CHECK_FALSE(store->indexes_deferred());
  CHECK(IndexSql(path) == created);
  CHECK(Query(path, "SELECT count(*) FROM documents") == 1);  // the NQ no article names
  CHECK(Query(path, "SELECT count(*) FROM mentions") == 2);
  RequireOk(store->RestoreIndexes());  // nothing left to do
  CHECK(IndexSql(path) == created);
}

TEST_CASE("indexes a killed load left deferred are built by the next writable open") {
  TempDir dir;
  const std::string created = CreatedIndexSql(dir);

  const std::string path = dir.File("dg.db");
  {
    auto store = OpenStore(path);
    REQUIRE(*store->DeferIndexes());
    PutAll(*store, {Naming("https://x.vn/1", {kNq, kDa})});
  }  // closed without RestoreIndexes, as a killed process would leave it
  CHECK(IndexSql(path).find("edges_by_from") == std::string::npos);
  OpenStore(path, /*read_only=*/true);  // a reader changes nothing
  CHECK(IndexSql(path).find("edges_by_from") == std::string::npos);
  auto store = OpenStore(path);
  CHECK_FALSE(store->indexes_deferred());
  CHECK(IndexSql(path) == created);
}

namespace {
// Counts the statements run on a connection whose SQL starts with each of `prefixes`
// (SQLite's trace: one per connection).
class StatementCounter {
 public:
  StatementCounter(dg::sqlite::Database& db, std::vector<std::string> prefixes)
      : db_(db), prefixes_(std::move(prefixes)), counts_(prefixes_.size()) {
    sqlite3_trace_v2(db_.handle(), SQLITE_TRACE_STMT, &StatementCounter::OnStatement, this);
  }
  ~StatementCounter() { sqlite3_trace_v2(db_.handle(), 0, nullptr, nullptr); }
  // The count of prefixes[i] since the last Take(i).
  int Take(size_t i) { return std::exchange(counts_[i], 0); }

 private:
  static int OnStatement(unsigned, void* self, void* stmt, void*) {
    auto* c = static_cast<StatementCounter*>(self);
    const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(stmt));
    for (size_t i = 0; sql != nullptr && i < c->prefixes_.size(); ++i) {
      if (std::string_view(sql).starts_with(c->prefixes_[i])) ++c->counts_[i];
    }
    return 0;
  }
  dg::sqlite::Database& db_;
  std::vector<std::string> prefixes_;
  std::vector<int> counts_;
};
}  // namespace

TEST_CASE("a document or unit stored with the fields an article gives is not written again") {
  TempDir dir;
  const std::string path = dir.File("dg.db");
  auto store = OpenStore(path);
  StatementCounter upserts(store->database(),
                          {"INSERT INTO documents",
                           "INSERT INTO units(code, name, level, province, parent_code"});
  auto documents = [&] { return upserts.Take(0); };
  auto units = [&] { return upserts.Take(1); };
  auto with_unit = [](Extraction e, bool slug) {
    dg::Unit u;
    u.code = "760";
    u.name = "Quận 1";
    u.level = dg::UnitLevel::kDistrict;
    u.parent_code = "79";
    u.province = "Thành phố Hồ Chí Minh";
    if (slug) u.slug = "quan-1.ho-chi-minh";
    e.units = {u};
    return e;
  };
  // Quan1Article at another url, with a text of its own (the same text is "unchanged").
  auto at = [](const std::string& url) {
    Extraction e = Quan1Article(url);
    e.article.text += " " + url;
    e.article.content_hash = dg::Sha256Hex(e.article.text);
    return e;
  };
  PutAll(*store, {with_unit(at("https://x.vn/1"), true)});
  CHECK(documents() == 3);
  CHECK(units() == 1);
  // The same documents and unit, with the same fields or fewer: nothing to write, whether
  // in the same transaction or a later one.
  Extraction fewer = at("https://x.vn/2");
  for (Document& d : fewer.documents) d.date.clear();
  CHECK(PutAll(*store, {with_unit(at("https://x.vn/3"), true), with_unit(fewer, false)}) ==
        std::vector{Store::PutOutcome::kAdded, Store::PutOutcome::kAdded});
  CHECK(documents() == 0);
  CHECK(units() == 0);
  // A field still empty in the store is filled: one statement for that document alone.
  Extraction titled = at("https://x.vn/4");
  titled.documents[2].title = "về chiến lược";  // 35-NQ/TW had no title
  PutAll(*store, {titled});
  CHECK(documents() == 1);
  CHECK(Query(path, "SELECT count(*) FROM documents WHERE title = 'về chiến lược'") == 1);
  Extraction again = at("https://x.vn/5");
  again.documents[2].title = "về chiến lược";
  CHECK(PutAll(*store, {again, at("https://x.vn/6")}) ==
        std::vector{Store::PutOutcome::kAdded, Store::PutOutcome::kAdded});
  CHECK(documents() == 0);
}
