// The full-text search index of schema 6: term -> postings, written by the store's one
// writing connection, read by the API's search.
//
// An article's terms are the tokens of its title and text (the project's search tokenizer,
// ingest/search_tokenizer.h, registered here through SetTokenizer) with their counts, and
// its length is its number of tokens. They are computed where the article is extracted
// (TermsOf), off the writing thread; the writer keeps the terms of a transaction's new
// articles and, at its commit, inverts them into one segment:
//
//   search_postings(id, segment, term, data)  one row per term of a segment, found by
//                                         (segment, term) through search_postings_by_term
//                                         (schema 8; before, WITHOUT ROWID); data holds, for
//                                         each article having the term, in increasing id:
//                                         varint(id - previous id), varint(count),
//                                         varint(article's length)
//   search_segments(id, lo, hi, level, docs, tokens)  the articles [lo, hi] it covers
//   search_docs(article_id, length)       every indexed article
//   search_dead(article_id, length)       deleted articles whose postings are still in a
//                                         segment (filled by a trigger on articles)
//
// Article ids only grow (AUTOINCREMENT), so a segment covers a range of ids disjoint from
// the others and in the order of segment ids. Segments are merged eight at a time with
// their neighbours of the same level (a tiered merge): a term has a row in at most about
// 7 segments per level, log8(articles / 2,000) levels. A merge drops the postings of dead
// articles in its range, and their search_dead rows.
//
// The search answers an AND of groups, each an OR of quoted words (phrases), ranked with
// bm25 computed as SQLite FTS5 computes it over the columns (title, text), and cuts a
// snippet of the text as FTS5's snippet() does, so that the answers are those of the FTS5
// index of schema 5 (tests/test_search.cc compares them).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/sqlite.h"
#include "core/status.h"

namespace dg::search {

// ---- The tokenizer ----

// Calls emit(ctx, token, start, end) for every token of `text`, in order.
using EmitToken = void (*)(void* ctx, std::string_view token, int start, int end);
using Tokenizer = void (*)(std::string_view text, void* ctx, EmitToken emit);

// Sets the tokenizer of the index for the whole process (RegisterSearchTokenizer does).
void SetTokenizer(Tokenizer tokenizer);
// Ok, or kInternal saying that no tokenizer was set: nothing can be indexed or searched.
Status CheckTokenizer();

// Calls f(token, start, end) for every token of `text`; CheckTokenizer() must be ok.
template <typename F>
void ForEachToken(std::string_view text, F&& f);

// ---- Terms of one article ----

struct ArticleTerms {
  std::string bytes;    // each distinct term once, as first met: the term, '\0', varint(count)
  uint32_t length = 0;  // tokens of the title and the text
};

// The terms of an article with this title and text.
Result<ArticleTerms> TermsOf(std::string_view title, std::string_view text);

// ---- Writing ----

// The writer's side, owned by the Store: one per writable connection.
class IndexWriter {
 public:
  // Records an indexed article (its search_docs row), inside the put's savepoint.
  Status Record(sqlite::Database& db, int64_t article_id, const ArticleTerms& terms);
  // Keeps the terms of an article recorded and put, for the segment of the transaction.
  void Keep(int64_t article_id, ArticleTerms terms);
  // Writes the kept articles as one segment and merges segments as needed, inside the
  // transaction, before its COMMIT. Keeps nothing afterwards.
  Status Flush(sqlite::Database& db);
  // Forgets the kept articles (the transaction is rolled back).
  void Discard() { pending_.clear(); }

 private:
  std::vector<std::pair<int64_t, ArticleTerms>> pending_;
};

// Indexes the stored articles that no segment covers yet (after migration 6, or one
// interrupted), `batch` articles a transaction, their terms counted on every core. Opens
// and commits its own transactions.
Status CatchUp(sqlite::Database& db, int batch = 5000);

// Merges every segment into one (dropping dead articles). Inside a transaction.
Status MergeAll(sqlite::Database& db);

// ---- Searching ----

// An AND of groups, each an OR of phrases (a quoted word; its tokens must be adjacent).
struct Query {
  std::vector<std::vector<std::string>> groups;
};

struct Matches {
  int64_t total = 0;
  std::vector<int64_t> ids;  // the page asked for, best first (bm25, then id)
};

class Searcher {
 public:
  explicit Searcher(const Query& query);
  // The articles matching, ordered by bm25 as FTS5's bm25() (k1 1.2, b 0.75), then by id;
  // `offset` and `limit` select the page.
  Result<Matches> Find(sqlite::Database& db, int64_t offset, int64_t limit) const;
  // FTS5's snippet(…, 1, open, close, ellipsis, tokens) of an article's text.
  std::string Snippet(std::string_view text, std::string_view open, std::string_view close,
                      std::string_view ellipsis, int tokens) const;

 private:
  Status FindIn(sqlite::Database& db, int64_t offset, int64_t limit, Matches* out) const;

  struct Phrase {
    std::vector<std::string> tokens;
  };
  std::vector<Phrase> phrases_;             // in the order of the expression
  std::vector<std::vector<size_t>> groups_;  // indexes into phrases_
};

// ---- Internals shared with the tests ----
namespace internal {
extern Tokenizer tokenizer;  // SetTokenizer's
// Writes v as a varint at `to` (10 bytes at most); returns the end.
char* VarintTo(char* to, uint64_t v);
void PutVarint(std::string* out, uint64_t v);
// Reads a varint at *p (< end); false when the bytes end first.
bool GetVarint(const unsigned char** p, const unsigned char* end, uint64_t* v);
}  // namespace internal

template <typename F>
void ForEachToken(std::string_view text, F&& f) {
  internal::tokenizer(text, &f, [](void* ctx, std::string_view t, int start, int end) {
    (*static_cast<std::remove_reference_t<F>*>(ctx))(t, start, end);
  });
}

}  // namespace dg::search
