// The SQLite store: a versioned schema with migrations, WAL, foreign keys, one
// transaction per ingest batch, articles deduplicated by content hash.
//
// Opening:
//  - a missing file is created with the current schema;
//  - a dirgraph database of an older schema version is migrated in one transaction;
//  - one of a newer version fails with kUnsupported ("written by a newer dirgraph");
//  - a file that is not a dirgraph database fails with kCorrupt and is not modified.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/extraction.h"
#include "core/status.h"

namespace dg {

class Store {
 public:
  // Opens or creates the database at `path`. `read_only` opens without writing anything.
  static Result<std::unique_ptr<Store>> Open(const std::string& path, bool read_only = false);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  static constexpr int kSchemaVersion = 1;
  int schema_version() const;
  const std::string& path() const;

  // What PutArticle did with one article.
  enum class PutOutcome { kAdded, kUnchanged, kReplaced };

  // One transaction: all puts between Begin and Commit land together or not at all.
  // A Batch destroyed without Commit rolls back.
  class Batch {
   public:
    ~Batch();
    Batch(Batch&&) noexcept;
    // Stores one article and everything extracted from it. Idempotent: an article whose
    // content hash is stored already is kUnchanged; one with a stored url but new text
    // replaces that article's mentions, meetings and edges (kReplaced). Documents are
    // merged by their canonical key across articles.
    Result<PutOutcome> PutArticle(const Extraction& e);
    Status Commit();

   private:
    friend class Store;
    explicit Batch(Store* s) : store_(s) {}
    Store* store_;
    bool open_ = true;
  };
  Result<Batch> Begin();

  // Counts for `dirgraph stats`, deterministic: ordered maps, no timing.
  struct Stats {
    int64_t articles = 0;
    int64_t documents = 0;
    std::map<std::string, int64_t> documents_by_type;    // "NQ" -> 12
    std::map<std::string, int64_t> documents_by_family;  // "party" -> 40
    int64_t units = 0;
    int64_t meetings = 0;
    std::map<std::string, int64_t> edges_by_relation;    // "implements" -> 3
  };
  Result<Stats> GetStats() const;

  // The stored extraction of an article, looked up by content hash; kNotFound if absent.
  Result<Extraction> GetArticleByHash(const std::string& content_hash) const;

  struct Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Hex SHA-256 of `bytes`: the content hash of an article.
std::string Sha256Hex(std::string_view bytes);

}  // namespace dg
