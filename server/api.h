// The queries behind the REST API (server/http.cc routes to them): each one reads the
// store through one read-only SQLite connection and returns the JSON body of a reply,
// or a Status that server/errors.h turns into the JSON error.
//
// Document ids in URLs are slugs of the canonical key (core/document_key.h):
//   '/' -> '~', '#' -> '!', '?' -> '_'        35-NQ/TW@TW#XII  ->  35-NQ~TW@TW!XII
//                                              120/KH-UBND@?    ->  120~KH-UBND@_
// A path segment is taken as a slug, else as the key itself URL-encoded
// (35-NQ%2FTW%40TW%23XII), else as the numeric id of the document.
// Units, meetings and articles are named by their numeric ids.
//
// Lists are ordered by id and paginated by keyset: `limit` (1..200, 50 by default) and
// `cursor` (the opaque `next_cursor` of the previous page); each page carries `total`,
// the count of every match.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/extraction.h"
#include "core/search_index.h"
#include "core/sqlite.h"
#include "core/status.h"

namespace dg::api {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 200;
// A lineage's entries per direction (each with its steps' evidence sentences): the route
// and `dirgraph lineage` alike.
inline constexpr int kDefaultLineageLimit = 100;
inline constexpr int kMaxLineageLimit = 1000;
inline constexpr size_t kMaxParamBytes = 512;  // any one query parameter

// Slugs of document keys (core/document_key.h).
using dg::KeyFromSlug;
using dg::KeySlug;

struct Page {
  int limit = kDefaultPageSize;
  int64_t after = 0;  // the cursor: ids greater than this one
};

struct DocumentFilter {
  std::string q;             // substring of the key, code, issuer or title (case-insensitive ASCII)
  std::string type;          // NQ, CT, …
  std::string suffix;        // TW, TU, UBND, …
  std::string jurisdiction;  // substring of the jurisdiction
  std::string from, to;      // ISO dates (or prefixes: 2019, 2019-05), inclusive, on the document's date
  Page page;
};
Result<std::string> ListDocuments(sqlite::Database& db, const DocumentFilter& f);

// The row id of the document named by a path segment (slug, key or id). kNotFound with
// up to five suggestions ("did you mean 35-NQ~TW@TW!XII?") when there is none.
Result<int64_t> FindDocument(sqlite::Database& db, std::string_view id);
// The canonical key of a document row.
Result<std::string> DocumentKeyOf(sqlite::Database& db, int64_t id);
// The document with its aliases, its first 50 mentions (article and snippet) with
// mentions_total, and its edges (up to 500).
Result<std::string> GetDocument(sqlite::Database& db, int64_t id);

struct UnitFilter {
  std::string q;         // substring of the name
  std::string level;     // district, province, …
  std::string province;  // substring of the province
  Page page;
};
Result<std::string> ListUnits(sqlite::Database& db, const UnitFilter& f);
Result<std::string> GetUnit(sqlite::Database& db, int64_t id);

struct MeetingFilter {
  std::optional<int64_t> unit;      // units.id
  std::optional<int64_t> document;  // documents.id reviewed, launched or held under
  std::string from, to;             // ISO dates or prefixes, inclusive
  std::string kind;                 // "sơ kết", "tổng kết", …
  Page page;
};
Result<std::string> ListMeetings(sqlite::Database& db, const MeetingFilter& f);
Result<std::string> GetMeeting(sqlite::Database& db, int64_t id);

// The article with its text, the spans of its mentions (and of its unresolved
// references), its meetings and relations.
Result<std::string> GetArticle(sqlite::Database& db, int64_t id);

// Full text over articles, insensitive to diacritics and to đ/d. `q` must hold a word.
// Answered by the store's search index (core/search_index.h), or by the FTS5 index of a
// schema 4 or 5 database read as it is: the same ids in the same order, the same snippets.
Result<std::string> Search(sqlite::Database& db, std::string_view q, const Page& page);
// The FTS5 MATCH expression for a user's words (and the query the index answers): every word required, each quoted, with
// its đ/d variants as alternatives ("dang" -> ("dang" OR "đang")). Empty when `q` has
// no word.
std::string SearchExpression(std::string_view q);
// The same words as the store's search index takes them.
search::Query SearchQuery(std::string_view q);

// The `extract` JSON of `e` (DESIGN.md §4) where each document, and each of its
// mentions, carries "resolution": {"status":"found","id":SLUG} when the store has that
// key, {"status":"ambiguous","candidates":[SLUG…]} when several stored documents fit a
// key whose scope or term is unknown, {"status":"found",…} when exactly one does, or
// {"status":"unknown"}.
Result<std::string> ResolvedExtraction(sqlite::Database& db, const Extraction& e);

// Helpers for parameters, exposed for tests.
// A date parameter: YYYY, YYYY-MM or YYYY-MM-DD.
bool ValidDateParam(std::string_view s);
// The bytes [start, end) of `text` widened to `context` bytes on each side, cut at
// character boundaries and at line ends: the snippet around a mention.
std::string Snippet(std::string_view text, size_t start, size_t end, size_t context = 120);

// The OpenAPI 3 document of the service.
const std::string& OpenApiJson();

}  // namespace dg::api
