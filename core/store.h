// The SQLite store: a versioned schema with migrations, WAL, foreign keys, one
// transaction per ingest batch, articles deduplicated by content hash.
//
// Opening:
//  - a missing file is created with the current schema;
//  - a dirgraph database of an older schema version is migrated in one transaction;
//  - one of a newer version fails with kUnsupported ("written by a newer dirgraph");
//  - a file that is not a dirgraph database fails with kCorrupt and is not modified;
//    an empty (0-byte) file, or an SQLite database with no schema at all, is initialised;
//  - for writing, a file or folder that cannot be written (permissions, a read-only file
//    system) fails with kIoError saying so before anything is read; an empty database file
//    this call created is removed again when it fails (a full disk);
//  - for reading, a database on a read-only file system is read as it is (SQLite's
//    immutable mode: its shared-memory file cannot be made there).
// A dirgraph database carries PRAGMA application_id 0x44475246 ("DGRF") and its schema
// version in PRAGMA user_version; the migrations applied are listed in schema_migrations.
//
// Documents are merged by their canonical key (DocumentKey::ToString()): the first
// non-empty issuer, jurisdiction, date and title stored wins, and a later article fills
// the ones still empty; a non-empty value is never overwritten. When an article is
// replaced, documents that no remaining article names are deleted. Units (from meetings)
// are kept once inserted: one per gazetteer code, or per (name, province) without one.
// Extraction::units (a meeting holder and its ancestors) fill in a coded unit's level,
// province, parent_code and slug where still empty; a unit first named by a meeting keeps
// the committee name the meeting gave it ("Quận ủy Bình Tân").
//
// Thread-compatible: one Store (and its Batch) is used from one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/extraction.h"
#include "core/search_index.h"
#include "core/sqlite.h"
#include "core/status.h"

namespace dg {

class Store {
 public:
  // Opens or creates the database at `path`. `read_only` opens with SQLITE_OPEN_READONLY
  // and writes nothing: a missing or empty file is then kNotFound, and a schema version
  // older than kOldestReadableVersion kUnsupported (it must be migrated by a writable open
  // first); one from kOldestReadableVersion on is read as it is. Errors name `path`;
  // SQLite failures carry SQLite's message.
  static Result<std::unique_ptr<Store>> Open(const std::string& path, bool read_only = false);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  static constexpr int kSchemaVersion = 9;
  // The oldest version a read-only Store reads as it is: versions 5 and 6 changed only the
  // search index (schema 5 its tokenizer, schema 6 FTS5 for core/search_index.h), and the
  // FTS5 index of a version 4 or 5 database still answers (api::Search asks it), so these
  // are read without migrating them first; version 7 added an index that only writes use,
  // version 8 changed how search postings are stored, not the queries that read them, and
  // version 9 moved the mentions into article_documents behind a view named and shaped as
  // the table was (only counting them and ordering them by id changed).
  static constexpr int kOldestReadableVersion = 4;
  int schema_version() const;
  const std::string& path() const;
  bool read_only() const;

  // What PutArticle did with one article.
  enum class PutOutcome { kAdded, kUnchanged, kReplaced };

  // One transaction: all puts between Begin and Commit land together or not at all.
  // A Batch destroyed without Commit rolls back. Begin takes the write lock at once
  // (BEGIN IMMEDIATE), waiting up to the busy timeout for another writer; one Batch at a
  // time per Store, and the Store must outlive it. Writes through a read-only Store fail
  // with kIoError.
  class Batch {
   public:
    ~Batch();
    Batch(Batch&&) noexcept;
    // Stores one article and everything extracted from it. Idempotent: an article whose
    // content hash is stored already is kUnchanged; one with a stored url but new text
    // replaces that article's mentions, meetings and edges (kReplaced). Documents are
    // merged by their canonical key across articles.
    // An empty `e.article.content_hash` is computed (Sha256Hex of the text); an empty url
    // never replaces anything. Keys in relations and meetings must be keys of
    // `e.documents`, else kInvalidArgument. On any error nothing of `e` is stored and the
    // batch stays usable for the next article.
    // `terms`, when given, must be search::TermsOf(title, text) of the article: they are
    // computed here otherwise, and moved from when the article is stored.
    Result<PutOutcome> PutArticle(const Extraction& e, search::ArticleTerms* terms = nullptr);
    // Commits the transaction; afterwards the Batch accepts nothing more. On error the
    // transaction stays open and is rolled back when the Batch is destroyed.
    Status Commit();

   private:
    friend class Store;
    explicit Batch(Store* s) : store_(s) {}
    Store* store_;
    bool open_ = true;
  };
  Result<Batch> Begin();

  // Bulk loading. Into a store that holds no article yet, DeferIndexes drops the indexes
  // that no write of an article reads (by article, by document, by unit: the secondary
  // indexes of mentions, edges, meetings and the like), and RestoreIndexes builds them
  // again, each in one sort, instead of an insert into each B-tree for every row: at a
  // million articles those inserts grow with the store. Until then reads are right but
  // may scan. DeferIndexes answers whether the indexes are deferred (false for a store
  // that holds articles, or read-only). A put that replaces an article builds them first
  // (its deletions look through them); a writable Open builds any that are missing (a
  // load that was killed).
  Result<bool> DeferIndexes();
  Status RestoreIndexes();
  bool indexes_deferred() const;

  // Counts for `dirgraph stats`, deterministic: ordered maps, no timing.
  struct Stats {
    int64_t articles = 0;
    int64_t documents = 0;
    std::map<std::string, int64_t> documents_by_type;    // "NQ" -> 12
    std::map<std::string, int64_t> documents_by_family;  // "party" -> 40
    int64_t units = 0;
    int64_t meetings = 0;
    std::map<std::string, int64_t> edges_by_relation;  // "implements" -> 3
  };
  Result<Stats> GetStats() const;

  // The stored extraction of an article, looked up by content hash; kNotFound if absent.
  // Documents come in the order they were put, each with its mentions in this article and
  // its merged stored fields; relations, meetings and unresolved spans in the order put.
  Result<Extraction> GetArticleByHash(const std::string& content_hash) const;

  // The connection, for read queries of the layers above (graph loading, the REST
  // service). Not for writes: those go through Batch. Owned by the Store.
  sqlite::Database& database() const;

  struct Impl;

 private:
  static Result<std::unique_ptr<Store>> OpenFile(const std::string& path, bool read_only);
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Hex SHA-256 of `bytes`: the content hash of an article.
std::string Sha256Hex(std::string_view bytes);

}  // namespace dg
