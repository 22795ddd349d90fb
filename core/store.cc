#include "core/store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/assign_or_return.h"
#include "core/search_index.h"
#include "core/sqlite.h"

namespace dg {

namespace {

namespace fs = std::filesystem;
using sqlite::Database;
using sqlite::OpenMode;
using sqlite::Statement;

// "DGRF": PRAGMA application_id of every dirgraph database.
constexpr int32_t kApplicationId = 0x44475246;
constexpr int kWriterCacheKiB = 64 * 1024;           // page cache of a writable Store
constexpr int64_t kWalLimitBytes = 64 * 1024 * 1024;  // WAL size kept after a checkpoint

// The schema, one migration per version; never edit a released migration, add one.
// Text columns are NOT NULL with '' for "unknown", as in the domain types; optional
// numbers are NULL when absent.
constexpr sqlite::Migration kMigrations[] = {
    {1, "initial schema: articles, documents, mentions, edges, units, meetings, search",
     R"sql(
-- Ids of articles, documents and meetings are never reused (AUTOINCREMENT): an id seen
-- by a client keeps naming the same thing or nothing.
CREATE TABLE articles (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  url TEXT NOT NULL,             -- the url, or the path of a file input; '' when unknown
  file TEXT NOT NULL,
  title TEXT NOT NULL,
  published TEXT NOT NULL,
  site TEXT NOT NULL,
  author TEXT NOT NULL,
  content_hash TEXT NOT NULL UNIQUE,
  text TEXT NOT NULL
);
CREATE UNIQUE INDEX articles_by_url ON articles(url) WHERE url <> '';

-- One row per canonical key (DocumentKey::ToString).
CREATE TABLE documents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  family TEXT NOT NULL CHECK (family IN ('party', 'state')),
  type TEXT NOT NULL,
  number TEXT NOT NULL,
  suffix TEXT NOT NULL,
  year TEXT NOT NULL,
  plenum TEXT NOT NULL,
  scope TEXT NOT NULL,
  term TEXT NOT NULL,
  issuer TEXT NOT NULL,
  jurisdiction TEXT NOT NULL,
  date TEXT NOT NULL,
  title TEXT NOT NULL
);
CREATE INDEX documents_by_type ON documents(type);

-- The documents of an article's extraction, in their order there.
CREATE TABLE article_documents (
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  document_id INTEGER NOT NULL REFERENCES documents(id),
  ordinal INTEGER NOT NULL,
  PRIMARY KEY (article_id, document_id)
) WITHOUT ROWID;
CREATE INDEX article_documents_by_document ON article_documents(document_id);

-- Byte spans [span_start, span_end) of the article's text as read.
CREATE TABLE mentions (
  id INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  document_id INTEGER NOT NULL REFERENCES documents(id),
  span_start INTEGER NOT NULL,
  span_end INTEGER NOT NULL,
  text TEXT NOT NULL,
  kind TEXT NOT NULL            -- MentionKindName
);
CREATE INDEX mentions_by_article ON mentions(article_id);
CREATE INDEX mentions_by_document ON mentions(document_id);

CREATE TABLE edges (
  id INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  from_doc INTEGER NOT NULL REFERENCES documents(id),
  rel TEXT NOT NULL,            -- RelationName
  to_doc INTEGER NOT NULL REFERENCES documents(id),
  evidence_start INTEGER NOT NULL,
  evidence_end INTEGER NOT NULL,
  inferred INTEGER NOT NULL,
  weight REAL NOT NULL
);
CREATE INDEX edges_by_article ON edges(article_id);
CREATE INDEX edges_by_from ON edges(from_doc);
CREATE INDEX edges_by_to ON edges(to_doc);

-- Units that held meetings: one per gazetteer code, or per (name, province) without one.
CREATE TABLE units (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  level TEXT NOT NULL,
  province TEXT NOT NULL
);
CREATE UNIQUE INDEX units_by_code ON units(code) WHERE code <> '';
CREATE UNIQUE INDEX units_by_name ON units(name, province) WHERE code = '';

CREATE TABLE meetings (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  unit_id INTEGER REFERENCES units(id),   -- NULL when the article names no unit
  unit TEXT NOT NULL,
  unit_level TEXT NOT NULL,
  unit_code TEXT NOT NULL,
  province TEXT NOT NULL,
  kind TEXT NOT NULL,
  years INTEGER,
  date TEXT NOT NULL,
  date_inferred INTEGER NOT NULL,
  chair TEXT NOT NULL,
  held_under INTEGER REFERENCES documents(id),
  award_collectives INTEGER,
  award_individuals INTEGER
);
CREATE INDEX meetings_by_article ON meetings(article_id);
CREATE INDEX meetings_by_unit ON meetings(unit_id);

CREATE TABLE meeting_documents (
  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('reviewed', 'launched')),
  ordinal INTEGER NOT NULL,
  document_id INTEGER NOT NULL REFERENCES documents(id),
  PRIMARY KEY (meeting_id, role, ordinal)
) WITHOUT ROWID;
CREATE INDEX meeting_documents_by_document ON meeting_documents(document_id);

CREATE TABLE unresolved (
  id INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  span_start INTEGER NOT NULL,
  span_end INTEGER NOT NULL,
  text TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX unresolved_by_article ON unresolved(article_id);

-- Full-text search over articles, without diacritics: 'nghi quyet' finds 'Nghị quyết'.
-- External content (the text is stored once, in articles), kept in sync by triggers.
CREATE VIRTUAL TABLE articles_fts USING fts5(
  title, text, content='articles', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
  INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
)sql"},
    {2, "units: parent_code, slug and era from the gazetteer, for the part_of tree",
     R"sql(
-- A unit's place in the gazetteer as it stood at the meeting's date: its parent's code
-- ('' for a province or when unknown), its slug path and its era. Ancestors of the units
-- that held meetings are stored too, so that the graph can build part_of edges.
ALTER TABLE units ADD COLUMN parent_code TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN slug TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN after_reform INTEGER NOT NULL DEFAULT 0;
)sql"},
    {3, "units: one per code and era (the 2025 reform reused codes for other units)",
     R"sql(
-- Before the 1 July 2025 reform and after it, one statistics code may name two different
-- units (a merged commune keeps one old commune's code). Rows stored before this version
-- keep their era; units merged under one code then are not split again (re-ingest for that).
DROP INDEX units_by_code;
CREATE UNIQUE INDEX units_by_code ON units(code, after_reform) WHERE code <> '';
)sql"},
    {4, "search index: merge 16 segments at a time, flush at 64 MiB of pending terms",
     R"sql(
-- FTS5 writes the terms of each flush as a new segment and merges segments of a level
-- 'automerge' at a time. With 16 instead of the default 4, a bulk ingest rewrites the
-- index fewer times (about 20% less CPU in the search index at 30k articles, more at
-- 1M); a query reads at most a few more segments. With a 64 MiB 'hashsize' instead of
-- 1 MiB, a batch of articles is flushed once, at its commit, as one segment, not as one
-- per MiB of terms (5-10% less again). Settings only: nothing is rebuilt.
INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 16);
INSERT INTO articles_fts(articles_fts, rank) VALUES ('hashsize', 67108864);
)sql"},
    {5, "search index: the 'dirgraph' tokenizer (the project's folding) instead of unicode61",
     R"sql(
-- The same words found as before ('nghi quyet' finds 'Nghị quyết'; đ now folds to d too,
-- as the search route asked for both already), for less CPU per article stored: the text
-- is folded 16 bytes at a time instead of one code point at a time. The tokenizer is
-- registered by the program (ingest/search_tokenizer.h); the index is rebuilt from the
-- articles once, here (minutes at a million articles).
DROP TRIGGER articles_fts_insert;
DROP TRIGGER articles_fts_delete;
DROP TRIGGER articles_fts_update;
DROP TABLE articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5(
  title, text, content='articles', content_rowid='id', tokenize='dirgraph');
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.id, old.title, old.text);
  INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 16);
INSERT INTO articles_fts(articles_fts, rank) VALUES ('hashsize', 67108864);
INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
)sql"},
    {6, "search index of our own (term -> postings, written at commit) instead of FTS5",
     R"sql(
-- FTS5 cost about half of the writing thread's time at ingest, and its work cannot leave
-- the writing connection. The index of core/search_index.h is built from terms computed
-- where articles are extracted: the writer only inverts a batch's terms into one segment
-- at its commit. The articles stored before are indexed when the program opens the
-- database for writing after this migration (search::CatchUp, in batches).
DROP TRIGGER articles_fts_insert;
DROP TRIGGER articles_fts_delete;
DROP TRIGGER articles_fts_update;
DROP TABLE articles_fts;
-- A segment: the postings of the articles with ids in [lo, hi] (ranges never overlap;
-- segment ids follow their order). level: 0 as written at a commit, n + 1 for a merge of
-- segments of level n. docs and tokens count its articles and their tokens, dead included.
CREATE TABLE search_segments (
  id INTEGER PRIMARY KEY,
  lo INTEGER NOT NULL,
  hi INTEGER NOT NULL,
  level INTEGER NOT NULL,
  docs INTEGER NOT NULL,
  tokens INTEGER NOT NULL
);
-- One row per term of a segment: varint (id delta, count, article length) for each
-- article holding the term, by increasing id.
CREATE TABLE search_postings (
  segment INTEGER NOT NULL,
  term TEXT NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (segment, term)
) WITHOUT ROWID;
-- Indexed articles and their number of tokens (title and text).
CREATE TABLE search_docs (
  article_id INTEGER PRIMARY KEY,
  length INTEGER NOT NULL
);
-- Articles deleted whose postings a segment still holds: left out by searches, dropped
-- when their segment is merged.
CREATE TABLE search_dead (
  article_id INTEGER PRIMARY KEY,
  length INTEGER NOT NULL
);
CREATE TRIGGER search_docs_delete AFTER DELETE ON articles BEGIN
  INSERT INTO search_dead(article_id, length)
    SELECT article_id, length FROM search_docs WHERE article_id = old.id;
  DELETE FROM search_docs WHERE article_id = old.id;
END;
-- The index holds the title and text as inserted: changing them would leave it stale.
CREATE TRIGGER search_docs_update BEFORE UPDATE OF title, text ON articles
  WHEN new.title IS NOT old.title OR new.text IS NOT old.text BEGIN
  SELECT RAISE(ABORT, 'articles.title and articles.text are not updated: delete and insert');
END;
)sql"},
    {7, "index of meetings by the document they are held under",
     R"sql(
-- A document is deleted when the last article naming it is replaced or removed, and the
-- foreign key meetings.held_under makes SQLite look for meetings held under it: without
-- an index, a scan of every meeting for each such document (re-ingesting 10,000 changed
-- articles took three times as long as ingesting them first, growing with the store).
CREATE INDEX IF NOT EXISTS meetings_by_held_under ON meetings(held_under);
)sql"},
    {8, "search postings in a table with row ids, found through an index of (segment, term)",
     R"sql(
-- WITHOUT ROWID, a posting list was part of its row's key: SQLite keeps whole keys in
-- the inner pages of the B-tree too, and to compare a key whose bytes spill over a page
-- it reads all of them, so every insert and lookup copied the long lists it passed on
-- its way down (a quarter of the writing thread at a million articles). Now the lists lie
-- in a table appended by row id, and the index holds only (segment, term, rowid).
-- The table is rewritten once here (18 s at a million articles).
CREATE TABLE search_postings_8 (
  id INTEGER PRIMARY KEY,
  segment INTEGER NOT NULL,
  term TEXT NOT NULL,
  data BLOB NOT NULL
);
INSERT INTO search_postings_8(segment, term, data)
  SELECT segment, term, data FROM search_postings ORDER BY segment, term;
DROP TABLE search_postings;
ALTER TABLE search_postings_8 RENAME TO search_postings;
CREATE UNIQUE INDEX search_postings_by_term ON search_postings(segment, term);
)sql"},
    {9, "mentions kept with their article and document, as JSON, in article_documents",
     R"sql(
-- One row per mention was half of the rows an article wrote (9.2 million of them at a
-- million articles, with two indexes that took 11 of the 20 s spent building indexes
-- after a bulk load). The mentions of an article's document are now one JSON array in
-- its article_documents row, [[span_start, span_end, text, kind], ...] in the order
-- found, with their number in mention_count. The view `mentions` gives them as rows
-- again, with the columns of the table it replaces. Its id is no longer a row id: it
-- orders the mentions by article, then as they were stored (document by document), and
-- is unique while an article names fewer than 65,536 documents, each fewer than 65,536
-- times. The migration moves them once: 66 s for a million articles.
CREATE INDEX IF NOT EXISTS mentions_by_article ON mentions(article_id);
ALTER TABLE article_documents ADD COLUMN mention_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE article_documents ADD COLUMN mentions TEXT NOT NULL DEFAULT '[]';
-- "+m.document_id": through mentions_by_article (one article's few rows), not
-- mentions_by_document (all of a much-named document's).
UPDATE article_documents SET (mention_count, mentions) = (
  SELECT count(*), json_group_array(json_array(span_start, span_end, text, kind)) FROM (
    SELECT span_start, span_end, text, kind FROM mentions m
    WHERE m.article_id = article_documents.article_id
      AND +m.document_id = article_documents.document_id ORDER BY m.id));
DROP TABLE mentions;
-- A document's rows by article (the order the first mentions of a document's page are
-- shown in, without sorting all of them), and mention_count in the index: they are
-- counted without reading the rows.
DROP INDEX IF EXISTS article_documents_by_document;
CREATE INDEX article_documents_by_document ON article_documents(document_id, article_id, mention_count);
CREATE VIEW mentions(id, article_id, document_id, span_start, span_end, text, kind) AS
  SELECT ad.article_id * 4294967296 + ad.ordinal * 65536 + m.key, ad.article_id,
         ad.document_id, m.value ->> 0, m.value ->> 1, m.value ->> 2, m.value ->> 3
  FROM article_documents ad, json_each(ad.mentions) m;
)sql"},
};
static_assert(std::size(kMigrations) == Store::kSchemaVersion, "one migration per schema version");

// The indexes no write of an article reads: only reads, and the deletions of a replaced
// article, look through them. Each as its migration created it, so that building one
// again gives the schema those migrations give. See Store::DeferIndexes.
struct SecondaryIndex {
  const char* name;
  const char* create;
};
constexpr SecondaryIndex kSecondaryIndexes[] = {
    {"documents_by_type", "CREATE INDEX IF NOT EXISTS documents_by_type ON documents(type)"},
    {"article_documents_by_document",
     "CREATE INDEX IF NOT EXISTS article_documents_by_document "
     "ON article_documents(document_id, article_id, mention_count)"},
    {"edges_by_article", "CREATE INDEX IF NOT EXISTS edges_by_article ON edges(article_id)"},
    {"edges_by_from", "CREATE INDEX IF NOT EXISTS edges_by_from ON edges(from_doc)"},
    {"edges_by_to", "CREATE INDEX IF NOT EXISTS edges_by_to ON edges(to_doc)"},
    {"meetings_by_article", "CREATE INDEX IF NOT EXISTS meetings_by_article ON meetings(article_id)"},
    {"meetings_by_unit", "CREATE INDEX IF NOT EXISTS meetings_by_unit ON meetings(unit_id)"},
    {"meetings_by_held_under",
     "CREATE INDEX IF NOT EXISTS meetings_by_held_under ON meetings(held_under)"},
    {"meeting_documents_by_document",
     "CREATE INDEX IF NOT EXISTS meeting_documents_by_document ON meeting_documents(document_id)"},
    {"unresolved_by_article",
     "CREATE INDEX IF NOT EXISTS unresolved_by_article ON unresolved(article_id)"},
};

// Builds the secondary indexes that are missing, inside the caller's transaction if any.
Status CreateSecondaryIndexes(Database& db) {
  for (const SecondaryIndex& index : kSecondaryIndexes) DG_RETURN_IF_ERROR(db.Exec(index.create));
  return Status::Ok();
}

// The mentions of one document in one article as article_documents.mentions holds them
// (schema 9): [[span_start, span_end, text, kind], ...].
std::string MentionsJson(const std::vector<Mention>& mentions) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartArray();
  for (const Mention& m : mentions) {
    w.StartArray();
    w.Uint(m.start);
    w.Uint(m.end);
    w.String(m.text.data(), static_cast<rapidjson::SizeType>(m.text.size()));
    w.String(MentionKindName(m.kind));
    w.EndArray();
  }
  w.EndArray();
  return std::string(out.GetString(), out.GetSize());
}

const char* FamilyName(Family f) { return f == Family::kState ? "state" : "party"; }

bool ParseMentionKind(const std::string& name, MentionKind* out) {
  for (MentionKind k : {MentionKind::kFullCode, MentionKind::kShortForm, MentionKind::kListMember,
                        MentionKind::kPlenum, MentionKind::kStateCode}) {
    if (name == MentionKindName(k)) {
      *out = k;
      return true;
    }
  }
  return false;
}

std::string Hex32(int64_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", static_cast<uint32_t>(v));
  return buf;
}

// What an existing, non-empty file holds, read through a read-only connection so that
// nothing is written to a file that turns out not to be ours.
struct Probe {
  int64_t application_id = 0;
  int64_t version = 0;
  int64_t objects = 0;  // tables, indexes, views, triggers
};

Result<Probe> ProbeFile(const std::string& path) {
  DG_ASSIGN_OR_RETURN(Database db, Database::Open(path, OpenMode::kReadOnly));
  Probe p;
  // The first read of a file that is not an SQLite database fails here with kCorrupt.
  DG_ASSIGN_OR_RETURN(p.application_id, db.QueryInt("PRAGMA application_id"));
  DG_ASSIGN_OR_RETURN(p.version, db.QueryInt("PRAGMA user_version"));
  DG_ASSIGN_OR_RETURN(p.objects, db.QueryInt("SELECT count(*) FROM sqlite_schema"));
  return p;
}

// Writing needs the file and its folder (SQLite puts its write-ahead log and shared
// memory beside the database). SQLite itself would fall back to reading and fail later
// with "unable to open database file"; this says why, naming the file.
Status CheckWritable(const std::string& path, bool exists) {
  if (exists && ::access(path.c_str(), W_OK) != 0) {
    return Status::Io(path + ": cannot write the database: " + std::strerror(errno));
  }
  fs::path folder = fs::path(path).parent_path();
  if (folder.empty()) folder = ".";
  if (::access(folder.c_str(), W_OK) != 0) {
    return Status::Io(path + ": cannot write in its folder " + folder.string() + " (" +
                      std::strerror(errno) + "), where SQLite keeps the write-ahead log");
  }
  return Status::Ok();
}

// A statement that yields at most one integer: the value, or nullopt when no row.
Result<std::optional<int64_t>> QueryOptionalId(Statement& st) {
  DG_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(st.ColumnInt(0));
}

std::optional<int> OptionalInt(const Statement& st, int column) {
  if (st.ColumnIsNull(column)) return std::nullopt;
  return static_cast<int>(st.ColumnInt(column));
}

// Hashes of the keys of Known: a document's canonical key, a unit's (code, era) or
// (name, province).
struct KeyHash {
  size_t operator()(const std::string& k) const { return std::hash<std::string>()(k); }
  size_t operator()(const std::pair<std::string, bool>& k) const {
    return std::hash<std::string>()(k.first) * 31 + static_cast<size_t>(k.second);
  }
  size_t operator()(const std::pair<std::string, std::string>& k) const {
    return std::hash<std::string>()(k.first) * 31 + std::hash<std::string>()(k.second);
  }
};

// Rows the writing connection knows are stored, so that a put skips the statements that
// would find or change nothing: at a million articles most documents and units an
// article names are stored already, and their upserts were a third of the writing.
// Value: the row's id and `filled`, the fields an upsert sets when empty that are known
// to be set (a bit each; 0 when not known, which only costs the statement). Entries come
// in three layers as the writes they follow: the article being put (dropped when its
// savepoint rolls back), the open transaction (dropped when it rolls back) and what is
// committed. Another connection's commit empties it (Store::Begin, PRAGMA data_version).
struct KnownRow {
  int64_t id = 0;
  unsigned filled = 0;
};
template <typename Key>
class Known {
 public:
  using Row = KnownRow;
  const Row* Find(const Key& k) const {
    for (const Map* m : {&article_, &batch_, &committed_}) {
      auto it = m->find(k);
      if (it != m->end()) return &it->second;
    }
    return nullptr;
  }
  void Put(const Key& k, Row r) { article_[k] = r; }
  void EndArticle(bool kept) {
    if (kept) Merge(&article_, &batch_);
    article_.clear();
  }
  void EndBatch(bool committed) {
    article_.clear();
    if (committed) Merge(&batch_, &committed_);
    batch_.clear();
    // A bound on the memory: what is forgotten is only looked up again.
    if (committed_.size() > kMaxRows) committed_.clear();
  }
  void Clear() {
    article_.clear();
    batch_.clear();
    committed_.clear();
  }

 private:
  using Map = std::unordered_map<Key, Row, KeyHash>;
  static constexpr size_t kMaxRows = 1 << 20;
  static void Merge(Map* from, Map* to) {
    for (auto& [k, r] : *from) (*to)[k] = r;
  }
  Map article_, batch_, committed_;
};

}  // namespace

// Checkpoints the WAL of a writable Store from a connection of its own, on its own thread,
// instead of at the commit that crosses SQLite's 1,000 pages: copying the WAL into the
// database (reading it back, writing the pages, a sync) was about a tenth of the writing
// thread, the one an ingest waits for. A PASSIVE checkpoint takes no lock the writer
// waits on; the writer restarts the WAL at its next transaction once all of it is copied.
class Checkpointer {
 public:
  explicit Checkpointer(Database db) : db_(std::move(db)), thread_([this] { Run(); }) {}
  ~Checkpointer() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // sqlite3_wal_hook's callback on the writing connection, after each commit.
  static int OnCommit(void* self, sqlite3*, const char*, int pages) {
    if (pages >= kPages) static_cast<Checkpointer*>(self)->Request();
    return SQLITE_OK;
  }

 private:
  static constexpr int kPages = 1000;  // SQLite's own autocheckpoint threshold

  void Request() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      requested_ = true;
    }
    cv_.notify_one();
  }

  void Run() {
    pthread_setname_np(pthread_self(), "dg-checkpoint");
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return stop_ || requested_; });
      if (stop_) return;
      requested_ = false;
      lock.unlock();
      // A failure (SQLITE_BUSY while another checkpoint runs) leaves the frames for the
      // next one; the writer's last close checkpoints whatever is left.
      (void)sqlite3_wal_checkpoint_v2(db_.handle(), "main", SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                      nullptr);
      lock.lock();
    }
  }

  Database db_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool requested_ = false;  // guarded by mu_
  bool stop_ = false;       // guarded by mu_
  std::thread thread_;      // last: started once the rest is built
};

struct Store::Impl {
  Database db;
  bool read_only = false;
  int version = 0;
  search::IndexWriter search;  // the search index's side of the open Batch
  Known<std::string> documents;                       // by canonical key
  Known<std::pair<std::string, bool>> units;          // by (code, after_reform)
  Known<std::pair<std::string, std::string>> named;  // units without a code: (name, province)
  int64_t data_version = -1;  // PRAGMA data_version when the caches were last checked
  // A writable Store's; stopped (and the hook removed) before the connection closes.
  std::unique_ptr<Checkpointer> checkpointer;
  // kSecondaryIndexes dropped by DeferIndexes and not built again yet.
  bool indexes_deferred = false;
  // Built again inside the open transaction (for a replacement): dropped again if it
  // rolls back.
  bool indexes_built_in_batch = false;

  void EndArticle(bool kept) {
    documents.EndArticle(kept);
    units.EndArticle(kept);
    named.EndArticle(kept);
  }
  void EndBatch(bool committed) {
    documents.EndBatch(committed);
    units.EndBatch(committed);
    named.EndBatch(committed);
    if (indexes_built_in_batch && !committed) indexes_deferred = true;
    indexes_built_in_batch = false;
  }
  void ClearKnown() {
    documents.Clear();
    units.Clear();
    named.Clear();
  }

  // Inserts or merges `d` by its canonical key; returns the row id.
  Result<int64_t> UpsertDocument(const Document& d, const std::string& key);
  Status UpsertUnit(const Unit& u);
  // The id of the meeting's unit, inserted when missing; nullopt when no unit is named.
  Result<std::optional<int64_t>> UnitFor(const Meeting& m);
  Status DeleteArticle(int64_t article_id);
  Result<PutOutcome> Put(const Extraction& e, search::ArticleTerms* terms);
  Status PutContents(int64_t article_id, const Extraction& e);
  Status ReadStats(Stats* out);
  Status ReadArticle(const std::string& content_hash, Extraction* out);
};

// ---- Opening ----

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() {
  if (impl_->checkpointer == nullptr) return;
  sqlite3_wal_hook(impl_->db.handle(), nullptr, nullptr);
  impl_->checkpointer.reset();
}

int Store::schema_version() const { return impl_->version; }
const std::string& Store::path() const { return impl_->db.path(); }
bool Store::read_only() const { return impl_->read_only; }

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, bool read_only) {
  std::error_code ec;
  const bool existed = fs::exists(path, ec);
  Result<std::unique_ptr<Store>> store = OpenFile(path, read_only);
  if (!store.ok() && !existed && !read_only && fs::file_size(path, ec) == 0 && !ec) {
    // Leave no empty file behind (a full disk). Only an empty one: another process may
    // have created the database meanwhile and be writing it (its log files are its own).
    fs::remove(path, ec);
  }
  return store;
}

Result<std::unique_ptr<Store>> Store::OpenFile(const std::string& path, bool read_only) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  const bool exists = fs::exists(st);
  if (ec && !exists && ec != std::errc::no_such_file_or_directory) {
    return Status::Io(path + ": " + ec.message());
  }
  if (exists && !fs::is_regular_file(st)) return Status::Io(path + ": not a regular file");
  if (!exists && read_only) return Status::NotFound(path + ": no such database");
  uintmax_t size = 0;
  if (exists) {
    size = fs::file_size(path, ec);
    if (ec) return Status::Io(path + ": " + ec.message());
  }

  bool initialise = true;  // no dirgraph schema yet: a new, empty file or empty database
  if (size > 0) {
    Result<Probe> probe = ProbeFile(path);
    if (!probe.ok()) {
      if (probe.status().code() != Code::kCorrupt) return probe.status();
      std::string why = probe.status().message();  // "PATH: file is not a database [...]"
      if (why.starts_with(path + ": ")) why.erase(0, path.size() + 2);
      return Status::Corrupt(path + ": not a dirgraph database (" + why + ")");
    }
    const bool empty_sqlite =
        probe->application_id == 0 && probe->objects == 0 && probe->version == 0;
    if (!empty_sqlite && probe->application_id != kApplicationId) {
      return Status::Corrupt(path + ": not a dirgraph database (application_id " +
                             Hex32(probe->application_id) + ", expected " + Hex32(kApplicationId) +
                             "; " + std::to_string(probe->objects) + " schema objects)");
    }
    if (probe->version > kSchemaVersion) {
      return Status::Unsupported(path + ": schema version " + std::to_string(probe->version) +
                                 " was written by a newer dirgraph; this build reads versions "
                                 "up to " +
                                 std::to_string(kSchemaVersion));
    }
    initialise = empty_sqlite;
    if (!initialise && probe->version < kOldestReadableVersion && read_only) {
      return Status::Unsupported(path + ": schema version " + std::to_string(probe->version) +
                                 " needs migrating to version " + std::to_string(kSchemaVersion) +
                                 "; open it once without read-only");
    }
  }
  if (initialise && read_only) return Status::NotFound(path + ": empty, no dirgraph database yet");
  if (!read_only) DG_RETURN_IF_ERROR(CheckWritable(path, exists));

  DG_ASSIGN_OR_RETURN(
      Database opened,
      Database::Open(path, read_only ? OpenMode::kReadOnly : OpenMode::kReadWriteCreate));
  auto impl = std::make_unique<Impl>(Impl{std::move(opened), read_only, 0, {}, {}, {}, {}, -1, nullptr});
  Database& db = impl->db;
  DG_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys = ON"));
  if (!read_only) {
    DG_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode = WAL"));
    // Each article is put inside a savepoint: SQLite copies every page the article changes
    // first into a sub-journal, a temporary file by default, which cost a write system
    // call per page (a third of the writing thread's time). In memory it is a few pages.
    DG_RETURN_IF_ERROR(db.Exec("PRAGMA temp_store = MEMORY"));
    // In WAL mode, NORMAL syncs at checkpoints only, not at every commit: a killed process
    // loses nothing committed, a power cut may lose the last batches but never corrupts.
    // A larger page cache keeps the indexes and the search index's merges out of the OS;
    // journal_size_limit gives the WAL's disk back after a bulk ingest.
    DG_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous = NORMAL"));
    DG_RETURN_IF_ERROR(db.Exec("PRAGMA cache_size = -" + std::to_string(kWriterCacheKiB)));
    DG_RETURN_IF_ERROR(db.Exec("PRAGMA journal_size_limit = " + std::to_string(kWalLimitBytes)));
    DG_ASSIGN_OR_RETURN(int64_t version, db.QueryInt("PRAGMA user_version"));
    if (version < kSchemaVersion) {
      DG_RETURN_IF_ERROR(sqlite::Migrate(db, kMigrations, kApplicationId));
    }
    // Articles no search segment covers: those of a database migrated to version 6 (or a
    // migration interrupted while indexing them).
    DG_RETURN_IF_ERROR(search::CatchUp(db));
    // Indexes a bulk load deferred and did not build again (the process was killed).
    DG_RETURN_IF_ERROR(CreateSecondaryIndexes(db));
    // The WAL copied into the database by a thread of its own (Checkpointer): the hook
    // replaces SQLite's checkpoint at the commit that crosses 1,000 pages. gen100000 at
    // --jobs 1: 61.7 -> 52.5 s.
    DG_ASSIGN_OR_RETURN(Database second, Database::Open(path, OpenMode::kReadWrite));
    DG_RETURN_IF_ERROR(second.Exec("PRAGMA synchronous = NORMAL"));
    impl->checkpointer = std::make_unique<Checkpointer>(std::move(second));
    sqlite3_wal_hook(db.handle(), &Checkpointer::OnCommit, impl->checkpointer.get());
  }
  DG_ASSIGN_OR_RETURN(int64_t version, db.QueryInt("PRAGMA user_version"));
  impl->version = static_cast<int>(version);
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

// ---- Writing ----

Result<Store::Batch> Store::Begin() {
  Impl& impl = *impl_;
  DG_RETURN_IF_ERROR(impl.db.Exec("BEGIN IMMEDIATE"));
  // With the write lock held: whatever another connection committed since the last
  // transaction is in, and may have changed what the caches say.
  Result<int64_t> version = impl.db.QueryInt("PRAGMA data_version");
  if (!version.ok()) {
    (void)impl.db.Exec("ROLLBACK");
    return version.status();
  }
  if (*version != impl.data_version) {
    impl.ClearKnown();
    impl.data_version = *version;
  }
  return Batch(this);
}

Result<bool> Store::DeferIndexes() {
  Impl& impl = *impl_;
  if (impl.indexes_deferred) return true;
  if (impl.read_only) return false;
  bool dropped = false;
  DG_RETURN_IF_ERROR(sqlite::WithTransaction(impl.db, [&]() -> Status {
    DG_ASSIGN_OR_RETURN(int64_t any, impl.db.QueryInt("SELECT EXISTS (SELECT 1 FROM articles)"));
    if (any != 0) return Status::Ok();
    for (const SecondaryIndex& index : kSecondaryIndexes) {
      DG_RETURN_IF_ERROR(impl.db.Exec(std::string("DROP INDEX IF EXISTS ") + index.name));
    }
    dropped = true;
    return Status::Ok();
  }));
  impl.indexes_deferred = dropped;
  return dropped;
}

Status Store::RestoreIndexes() {
  Impl& impl = *impl_;
  if (!impl.indexes_deferred) return Status::Ok();
  DG_RETURN_IF_ERROR(sqlite::WithTransaction(impl.db, [&] { return CreateSecondaryIndexes(impl.db); }));
  impl.indexes_deferred = false;
  return Status::Ok();
}

bool Store::indexes_deferred() const { return impl_->indexes_deferred; }

Store::Batch::Batch(Batch&& other) noexcept
    : store_(other.store_), open_(std::exchange(other.open_, false)) {}

Store::Batch::~Batch() {
  if (!open_ || store_ == nullptr) return;
  store_->impl_->search.Discard();
  store_->impl_->EndBatch(/*committed=*/false);
  Database& db = store_->impl_->db;
  if (!db.InAutocommit()) (void)db.Exec("ROLLBACK");
}

Status Store::Batch::Commit() {
  if (!open_) return Status::Invalid(store_->path() + ": batch is no longer open");
  DG_RETURN_IF_ERROR(store_->impl_->search.Flush(store_->impl_->db));
  DG_RETURN_IF_ERROR(store_->impl_->db.Exec("COMMIT"));
  open_ = false;
  store_->impl_->EndBatch(/*committed=*/true);
  return Status::Ok();
}

Result<Store::PutOutcome> Store::Batch::PutArticle(const Extraction& e,
                                                   search::ArticleTerms* terms) {
  if (!open_) return Status::Invalid(store_->path() + ": batch is no longer open");
  return store_->impl_->Put(e, terms);
}

Result<Store::PutOutcome> Store::Impl::Put(const Extraction& e, search::ArticleTerms* given) {
  Extraction stored_form;  // only when the hash must be computed
  const Extraction* x = &e;
  if (e.article.content_hash.empty()) {
    stored_form = e;
    stored_form.article.content_hash = Sha256Hex(e.article.text);
    x = &stored_form;
  }
  const Article& a = x->article;
  PutOutcome outcome = PutOutcome::kAdded;
  search::ArticleTerms computed;
  search::ArticleTerms* terms = given;
  int64_t article_id = 0;
  // What is stored already: the same text (nothing to do), or an article at the same url
  // (to be replaced). Reads only, ahead of the article's savepoint.
  {
    DG_ASSIGN_OR_RETURN(Statement by_hash, db.Cached("SELECT id FROM articles WHERE content_hash = ?"));
    DG_RETURN_IF_ERROR(by_hash.BindAll(a.content_hash));
    DG_ASSIGN_OR_RETURN(std::optional<int64_t> same, QueryOptionalId(by_hash));
    if (same) return PutOutcome::kUnchanged;
  }
  std::optional<int64_t> old;
  if (!a.url.empty()) {
    DG_ASSIGN_OR_RETURN(Statement by_url, db.Cached("SELECT id FROM articles WHERE url = ? AND url <> ''"));
    DG_RETURN_IF_ERROR(by_url.BindAll(a.url));
    DG_ASSIGN_OR_RETURN(old, QueryOptionalId(by_url));
  }
  if (old && indexes_deferred) {
    // The replaced article's rows are deleted through the indexes DeferIndexes dropped:
    // built first, outside the savepoint (a failed put rolls back to it, and the indexes
    // would go with it).
    DG_RETURN_IF_ERROR(CreateSecondaryIndexes(db));
    indexes_deferred = false;
    indexes_built_in_batch = true;
  }
  Status status = sqlite::WithSavepoint(db, "put_article", [&]() -> Status {
    if (old) {
      DG_RETURN_IF_ERROR(DeleteArticle(*old));
      outcome = PutOutcome::kReplaced;
    }
    DG_ASSIGN_OR_RETURN(
        Statement insert,
        db.Cached("INSERT INTO articles(url, file, title, published, site, author, "
                  "content_hash, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    DG_RETURN_IF_ERROR(insert.BindAll(a.url, a.file, a.title, a.published, a.site, a.author,
                                      a.content_hash, Statement::Borrowed{a.text}));
    DG_RETURN_IF_ERROR(insert.Run());
    article_id = db.LastInsertRowId();
    if (terms == nullptr) {
      DG_ASSIGN_OR_RETURN(computed, search::TermsOf(a.title, a.text));
      terms = &computed;
    }
    DG_RETURN_IF_ERROR(search.Record(db, article_id, *terms));
    return PutContents(article_id, *x);
  });
  EndArticle(status.ok());
  if (!status.ok()) return status;
  search.Keep(article_id, std::move(*terms));
  return outcome;
}

Status Store::Impl::DeleteArticle(int64_t article_id) {
  // The article's documents, to check afterwards whether another article still names them
  // (only these can become orphans: a scan of all documents would grow with the store).
  std::vector<int64_t> documents;
  {
    DG_ASSIGN_OR_RETURN(
        Statement named, db.Cached("SELECT document_id FROM article_documents WHERE article_id = ?"));
    DG_RETURN_IF_ERROR(named.BindAll(article_id));
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool row, named.Step());
      if (!row) break;
      documents.push_back(named.ColumnInt(0));
    }
  }
  // Mentions, edges, meetings (and their document links) and unresolved spans go by
  // ON DELETE CASCADE, the search index by trigger.
  DG_ASSIGN_OR_RETURN(Statement del, db.Cached("DELETE FROM articles WHERE id = ?"));
  DG_RETURN_IF_ERROR(del.BindAll(article_id));
  DG_RETURN_IF_ERROR(del.Run());
  // Those documents no article names any more go too (their references all went above).
  if (!documents.empty()) this->documents.Clear();  // some may go: their keys are not at hand
  for (int64_t id : documents) {
    DG_ASSIGN_OR_RETURN(
        Statement orphan,
        db.Cached("DELETE FROM documents WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM "
                  "article_documents WHERE article_documents.document_id = ?1)"));
    DG_RETURN_IF_ERROR(orphan.BindAll(id));
    DG_RETURN_IF_ERROR(orphan.Run());
  }
  return Status::Ok();
}

// The fields of a document an upsert sets when they are empty: issuer, jurisdiction,
// date, title, a bit each.
unsigned DocumentFilled(const Document& d) {
  return unsigned{!d.issuer.empty()} | unsigned{!d.jurisdiction.empty()} << 1 |
         unsigned{!d.date.empty()} << 2 | unsigned{!d.title.empty()} << 3;
}

// The fields of a unit an upsert sets when they are empty: level, province, parent_code,
// slug, a bit each.
unsigned UnitFilled(std::string_view level, std::string_view province,
                    std::string_view parent_code, std::string_view slug) {
  return unsigned{!level.empty()} | unsigned{!province.empty()} << 1 |
         unsigned{!parent_code.empty()} << 2 | unsigned{!slug.empty()} << 3;
}

Result<int64_t> Store::Impl::UpsertDocument(const Document& d, const std::string& key) {
  const unsigned filled = DocumentFilled(d);
  if (const auto* known = documents.Find(key); known != nullptr && (filled & ~known->filled) == 0) {
    return known->id;  // stored, and nothing to fill
  }
  const DocumentKey& k = d.key;
  // Merge: a field that is stored non-empty keeps its value; an empty one takes the new.
  DG_ASSIGN_OR_RETURN(
      Statement up,
      db.Cached("INSERT INTO documents(key, family, type, number, suffix, year, plenum, scope, "
                "term, issuer, jurisdiction, date, title) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET "
                "issuer = CASE WHEN issuer = '' THEN excluded.issuer ELSE issuer END, "
                "jurisdiction = CASE WHEN jurisdiction = '' THEN excluded.jurisdiction "
                "ELSE jurisdiction END, "
                "date = CASE WHEN date = '' THEN excluded.date ELSE date END, "
                "title = CASE WHEN title = '' THEN excluded.title ELSE title END "
                // SQLite's | and << bind alike, left to right: each shift in parentheses.
                "RETURNING id, (issuer <> '') | ((jurisdiction <> '') << 1) | "
                "((date <> '') << 2) | ((title <> '') << 3)"));
  DG_RETURN_IF_ERROR(up.BindAll(key, FamilyName(k.family), k.type, k.number, k.suffix,
                                k.year, k.plenum, k.scope, k.term, d.issuer, d.jurisdiction, d.date,
                                d.title));
  DG_ASSIGN_OR_RETURN(bool row, up.Step());
  if (!row) return Status::Internal(db.path() + ": no id for document " + key);
  const int64_t id = up.ColumnInt(0);
  const auto stored = static_cast<unsigned>(up.ColumnInt(1));
  // Run the statement to its end so that the upsert completes before the next one.
  DG_ASSIGN_OR_RETURN(bool more, up.Step());
  (void)more;
  documents.Put(key, {id, stored});
  return id;
}

Result<std::optional<int64_t>> Store::Impl::UnitFor(const Meeting& m) {
  if (m.unit.empty() && m.unit_code.empty()) return std::optional<int64_t>();
  const bool by_code = !m.unit_code.empty();
  const std::pair<std::string, bool> code_key(by_code ? m.unit_code : std::string(),
                                              m.unit_after_reform);
  const std::pair<std::string, std::string> name_key(by_code ? std::string() : m.unit,
                                                     by_code ? std::string() : m.province);
  if (const auto* known = by_code ? units.Find(code_key) : named.Find(name_key)) {
    return std::optional<int64_t>(known->id);
  }
  {
    DG_ASSIGN_OR_RETURN(
        Statement find,
        // "code <> ''" lets SQLite use the partial index units_by_code; without it, every
        // meeting stored scanned the whole units table.
        by_code ? db.Cached("SELECT id FROM units WHERE code = ?1 AND after_reform = ?2 AND "
                            "code <> ''")
                : db.Cached("SELECT id FROM units WHERE code = '' AND name = ? AND province = ?"));
    DG_RETURN_IF_ERROR(by_code ? find.BindAll(m.unit_code, m.unit_after_reform)
                               : find.BindAll(m.unit, m.province));
    DG_ASSIGN_OR_RETURN(std::optional<int64_t> id, QueryOptionalId(find));
    if (id) {
      // What its other fields hold is not read: 0, an upsert of it runs once.
      if (by_code) units.Put(code_key, {*id, 0});
      else named.Put(name_key, {*id, 0});
      return id;
    }
  }
  DG_ASSIGN_OR_RETURN(
      Statement insert,
      db.Cached("INSERT INTO units(code, name, level, province, after_reform) "
                "VALUES (?, ?, ?, ?, ?)"));
  DG_RETURN_IF_ERROR(insert.BindAll(m.unit_code, m.unit, m.unit_level, m.province,
                                    !m.unit_code.empty() && m.unit_after_reform));
  DG_RETURN_IF_ERROR(insert.Run());
  const int64_t id = db.LastInsertRowId();
  if (by_code) units.Put(code_key, {id, UnitFilled(m.unit_level, m.province, "", "")});
  else named.Put(name_key, {id, 0});
  return std::optional<int64_t>(id);
}

Status Store::Impl::UpsertUnit(const Unit& u) {
  const std::string level = UnitLevelName(u.level);
  const unsigned filled = UnitFilled(level, u.province, u.parent_code, u.slug);
  const std::pair<std::string, bool> key(u.code, u.after_reform);
  if (const auto* known = units.Find(key); known != nullptr && (filled & ~known->filled) == 0) {
    return Status::Ok();  // stored, and nothing to fill
  }
  DG_ASSIGN_OR_RETURN(
      Statement upsert,
      db.Cached("INSERT INTO units(code, name, level, province, parent_code, slug, "
                "after_reform) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(code, after_reform) WHERE code <> '' DO UPDATE SET "
                "level = CASE WHEN level = '' THEN excluded.level ELSE level END, "
                "province = CASE WHEN province = '' THEN excluded.province ELSE province END, "
                "parent_code = CASE WHEN parent_code = '' THEN excluded.parent_code "
                "ELSE parent_code END, "
                "slug = CASE WHEN slug = '' THEN excluded.slug ELSE slug END "
                "RETURNING id, (level <> '') | ((province <> '') << 1) | "
                "((parent_code <> '') << 2) | ((slug <> '') << 3)"));
  DG_RETURN_IF_ERROR(upsert.BindAll(u.code, u.name, level, u.province, u.parent_code, u.slug,
                                    u.after_reform));
  DG_ASSIGN_OR_RETURN(bool row, upsert.Step());
  if (!row) return Status::Internal(db.path() + ": no id for unit " + u.code);
  const KnownRow stored{
      upsert.ColumnInt(0), static_cast<unsigned>(upsert.ColumnInt(1))};
  DG_ASSIGN_OR_RETURN(bool more, upsert.Step());
  (void)more;
  units.Put(key, stored);
  return Status::Ok();
}

Status Store::Impl::PutContents(int64_t article_id, const Extraction& e) {
  std::map<std::string, int64_t> ids;  // canonical key -> documents.id
  int64_t ordinal = 0;
  for (const Document& d : e.documents) {
    std::string key = d.key.ToString();
    DG_ASSIGN_OR_RETURN(int64_t doc_id, UpsertDocument(d, key));
    ids[std::move(key)] = doc_id;
    DG_ASSIGN_OR_RETURN(Statement link,
                           db.Cached("INSERT OR IGNORE INTO article_documents(article_id, "
                                     "document_id, ordinal, mention_count, mentions) "
                                     "VALUES (?, ?, ?, ?, ?)"));
    DG_RETURN_IF_ERROR(link.BindAll(article_id, doc_id, ordinal++,
                                    static_cast<int64_t>(d.mentions.size()),
                                    MentionsJson(d.mentions)));
    DG_RETURN_IF_ERROR(link.Run());
  }
  auto id_of = [&](const std::string& key, const char* where) -> Result<int64_t> {
    auto it = ids.find(key);
    if (it == ids.end()) {
      return Status::Invalid(db.path() + ": article '" + e.article.url + "': " + where +
                             " names document '" + key + "', which is not among its documents");
    }
    return it->second;
  };

  for (const Edge& edge : e.relations) {
    DG_ASSIGN_OR_RETURN(int64_t from, id_of(edge.from, "a relation"));
    DG_ASSIGN_OR_RETURN(int64_t to, id_of(edge.to, "a relation"));
    DG_ASSIGN_OR_RETURN(
        Statement insert,
        db.Cached("INSERT INTO edges(article_id, from_doc, rel, to_doc, evidence_start, "
                  "evidence_end, inferred, weight) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    DG_RETURN_IF_ERROR(insert.BindAll(article_id, from, RelationName(edge.rel), to,
                                      edge.evidence_start, edge.evidence_end, edge.inferred,
                                      edge.weight));
    DG_RETURN_IF_ERROR(insert.Run());
  }

  for (const Meeting& m : e.meetings) {
    DG_ASSIGN_OR_RETURN(std::optional<int64_t> unit_id, UnitFor(m));
    std::optional<int64_t> held_under;
    if (!m.held_under.empty()) {
      DG_ASSIGN_OR_RETURN(held_under, id_of(m.held_under, "a meeting's held_under"));
    }
    DG_ASSIGN_OR_RETURN(
        Statement insert,
        db.Cached("INSERT INTO meetings(article_id, unit_id, unit, unit_level, unit_code, "
                  "province, kind, years, date, date_inferred, chair, held_under, "
                  "award_collectives, award_individuals) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    DG_RETURN_IF_ERROR(insert.BindAll(article_id, unit_id, m.unit, m.unit_level, m.unit_code,
                                      m.province, m.kind, m.years, m.date, m.date_inferred, m.chair,
                                      held_under, m.award_collectives, m.award_individuals));
    DG_RETURN_IF_ERROR(insert.Run());
    const int64_t meeting_id = db.LastInsertRowId();
    for (const char* role : {"reviewed", "launched"}) {
      const std::vector<std::string>& keys =
          std::string_view(role) == "reviewed" ? m.reviewed : m.launched;
      int64_t n = 0;
      for (const std::string& key : keys) {
        DG_ASSIGN_OR_RETURN(int64_t doc_id, id_of(key, "a meeting"));
        DG_ASSIGN_OR_RETURN(Statement link,
                               db.Cached("INSERT INTO meeting_documents(meeting_id, role, "
                                         "ordinal, document_id) VALUES (?, ?, ?, ?)"));
        DG_RETURN_IF_ERROR(link.BindAll(meeting_id, role, n++, doc_id));
        DG_RETURN_IF_ERROR(link.Run());
      }
    }
  }

  // After the meetings, so that a holder keeps the committee name its meeting gave it.
  for (const Unit& u : e.units) {
    if (!u.code.empty()) DG_RETURN_IF_ERROR(UpsertUnit(u));
  }

  for (const Unresolved& u : e.unresolved) {
    DG_ASSIGN_OR_RETURN(
        Statement insert,
        db.Cached("INSERT INTO unresolved(article_id, span_start, span_end, text, reason) "
                  "VALUES (?, ?, ?, ?, ?)"));
    DG_RETURN_IF_ERROR(insert.BindAll(article_id, u.start, u.end, u.text, u.reason));
    DG_RETURN_IF_ERROR(insert.Run());
  }
  return Status::Ok();
}

// ---- Reading ----

Result<Store::Stats> Store::GetStats() const {
  Stats stats;
  // One read transaction (a savepoint, so that it also works inside an open Batch).
  DG_RETURN_IF_ERROR(
      sqlite::WithSavepoint(impl_->db, "stats", [&] { return impl_->ReadStats(&stats); }));
  return stats;
}

Status Store::Impl::ReadStats(Stats* out) {
  auto count = [&](const char* sql, int64_t* n) -> Status {
    DG_ASSIGN_OR_RETURN(Statement st, db.Cached(sql));
    DG_ASSIGN_OR_RETURN(bool row, st.Step());
    *n = row ? st.ColumnInt(0) : 0;
    return Status::Ok();
  };
  auto groups = [&](const char* sql, std::map<std::string, int64_t>* m) -> Status {
    DG_ASSIGN_OR_RETURN(Statement st, db.Cached(sql));
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      (*m)[st.ColumnText(0)] = st.ColumnInt(1);
    }
    return Status::Ok();
  };
  DG_RETURN_IF_ERROR(count("SELECT count(*) FROM articles", &out->articles));
  DG_RETURN_IF_ERROR(count("SELECT count(*) FROM documents", &out->documents));
  DG_RETURN_IF_ERROR(count("SELECT count(*) FROM units", &out->units));
  DG_RETURN_IF_ERROR(count("SELECT count(*) FROM meetings", &out->meetings));
  DG_RETURN_IF_ERROR(
      groups("SELECT type, count(*) FROM documents GROUP BY type", &out->documents_by_type));
  DG_RETURN_IF_ERROR(
      groups("SELECT family, count(*) FROM documents GROUP BY family", &out->documents_by_family));
  DG_RETURN_IF_ERROR(
      groups("SELECT rel, count(*) FROM edges GROUP BY rel", &out->edges_by_relation));
  return Status::Ok();
}

Result<Extraction> Store::GetArticleByHash(const std::string& content_hash) const {
  Extraction e;
  DG_RETURN_IF_ERROR(sqlite::WithSavepoint(impl_->db, "read_article",
                                           [&] { return impl_->ReadArticle(content_hash, &e); }));
  return e;
}

Status Store::Impl::ReadArticle(const std::string& content_hash, Extraction* out) {
  Article& a = out->article;
  {
    DG_ASSIGN_OR_RETURN(Statement st,
                           db.Cached("SELECT id, url, file, title, published, site, author, "
                                     "content_hash, text FROM articles WHERE content_hash = ?"));
    DG_RETURN_IF_ERROR(st.BindAll(content_hash));
    DG_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound(db.path() + ": no article with content hash " + content_hash);
    a.id = st.ColumnInt(0);
    a.url = st.ColumnText(1);
    a.file = st.ColumnText(2);
    a.title = st.ColumnText(3);
    a.published = st.ColumnText(4);
    a.site = st.ColumnText(5);
    a.author = st.ColumnText(6);
    a.content_hash = st.ColumnText(7);
    a.text = st.ColumnText(8);
  }

  std::map<int64_t, size_t> index;  // documents.id -> position in out->documents
  {
    DG_ASSIGN_OR_RETURN(
        Statement st,
        db.Cached("SELECT d.id, d.family, d.type, d.number, d.suffix, d.year, d.plenum, "
                  "d.scope, d.term, d.issuer, d.jurisdiction, d.date, d.title "
                  "FROM article_documents ad JOIN documents d ON d.id = ad.document_id "
                  "WHERE ad.article_id = ? ORDER BY ad.ordinal"));
    DG_RETURN_IF_ERROR(st.BindAll(a.id));
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      Document d;
      d.key.family = st.ColumnText(1) == "state" ? Family::kState : Family::kParty;
      d.key.type = st.ColumnText(2);
      d.key.number = st.ColumnText(3);
      d.key.suffix = st.ColumnText(4);
      d.key.year = st.ColumnText(5);
      d.key.plenum = st.ColumnText(6);
      d.key.scope = st.ColumnText(7);
      d.key.term = st.ColumnText(8);
      d.issuer = st.ColumnText(9);
      d.jurisdiction = st.ColumnText(10);
      d.date = st.ColumnText(11);
      d.title = st.ColumnText(12);
      index[st.ColumnInt(0)] = out->documents.size();
      out->documents.push_back(std::move(d));
    }
  }
  {
    DG_ASSIGN_OR_RETURN(Statement st,
                           db.Cached("SELECT document_id, span_start, span_end, text, kind "
                                     "FROM mentions WHERE article_id = ? ORDER BY id"));
    DG_RETURN_IF_ERROR(st.BindAll(a.id));
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      auto it = index.find(st.ColumnInt(0));
      Mention m;
      if (it == index.end() || !ParseMentionKind(st.ColumnText(4), &m.kind)) {
        return Status::Corrupt(db.path() + ": mention of article " + std::to_string(a.id) +
                               " has an unknown document or kind '" + st.ColumnText(4) + "'");
      }
      m.start = static_cast<uint32_t>(st.ColumnInt(1));
      m.end = static_cast<uint32_t>(st.ColumnInt(2));
      m.text = st.ColumnText(3);
      out->documents[it->second].mentions.push_back(std::move(m));
    }
  }
  {
    DG_ASSIGN_OR_RETURN(
        Statement st,
        db.Cached("SELECT f.key, e.rel, t.key, e.evidence_start, e.evidence_end, e.inferred, "
                  "e.weight FROM edges e JOIN documents f ON f.id = e.from_doc "
                  "JOIN documents t ON t.id = e.to_doc WHERE e.article_id = ? ORDER BY e.id"));
    DG_RETURN_IF_ERROR(st.BindAll(a.id));
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      Edge edge;
      edge.from = st.ColumnText(0);
      if (!ParseRelation(st.ColumnText(1), &edge.rel)) {
        return Status::Corrupt(db.path() + ": unknown relation '" + st.ColumnText(1) + "'");
      }
      edge.to = st.ColumnText(2);
      edge.evidence_start = static_cast<uint32_t>(st.ColumnInt(3));
      edge.evidence_end = static_cast<uint32_t>(st.ColumnInt(4));
      edge.inferred = st.ColumnInt(5) != 0;
      edge.weight = st.ColumnDouble(6);
      out->relations.push_back(std::move(edge));
    }
  }
  {
    DG_ASSIGN_OR_RETURN(
        Statement st,
        db.Cached("SELECT m.id, m.unit, m.unit_level, m.unit_code, m.province, m.kind, m.years, "
                  "m.date, m.date_inferred, m.chair, coalesce(h.key, ''), m.award_collectives, "
                  "m.award_individuals FROM meetings m LEFT JOIN documents h "
                  "ON h.id = m.held_under WHERE m.article_id = ? ORDER BY m.id"));
    DG_ASSIGN_OR_RETURN(
        Statement docs,
        db.Cached("SELECT md.role, d.key FROM meeting_documents md JOIN documents d "
                  "ON d.id = md.document_id WHERE md.meeting_id = ? ORDER BY md.role, "
                  "md.ordinal"));
    DG_RETURN_IF_ERROR(st.BindAll(a.id));
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      Meeting m;
      m.unit = st.ColumnText(1);
      m.unit_level = st.ColumnText(2);
      m.unit_code = st.ColumnText(3);
      m.province = st.ColumnText(4);
      m.kind = st.ColumnText(5);
      m.years = OptionalInt(st, 6);
      m.date = st.ColumnText(7);
      m.date_inferred = st.ColumnInt(8) != 0;
      m.chair = st.ColumnText(9);
      m.held_under = st.ColumnText(10);
      m.award_collectives = OptionalInt(st, 11);
      m.award_individuals = OptionalInt(st, 12);
      DG_RETURN_IF_ERROR(docs.BindAll(st.ColumnInt(0)));
      for (;;) {
        DG_ASSIGN_OR_RETURN(bool doc_row, docs.Step());
        if (!doc_row) break;
        (docs.ColumnText(0) == "reviewed" ? m.reviewed : m.launched).push_back(docs.ColumnText(1));
      }
      out->meetings.push_back(std::move(m));
    }
  }
  {
    DG_ASSIGN_OR_RETURN(Statement st,
                           db.Cached("SELECT span_start, span_end, text, reason FROM unresolved "
                                     "WHERE article_id = ? ORDER BY id"));
    DG_RETURN_IF_ERROR(st.BindAll(a.id));
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      Unresolved u;
      u.start = static_cast<uint32_t>(st.ColumnInt(0));
      u.end = static_cast<uint32_t>(st.ColumnInt(1));
      u.text = st.ColumnText(2);
      u.reason = st.ColumnText(3);
      out->unresolved.push_back(std::move(u));
    }
  }
  return Status::Ok();
}

sqlite::Database& Store::database() const { return impl_->db; }

}  // namespace dg
