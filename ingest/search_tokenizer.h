// The tokenizer of the full-text search index (FTS5 `tokenize='dirgraph'`, schema 5): a
// token is a run of letters and digits of the text folded by Fold (ingest/text.h), in
// lower case: "Nghị quyết" gives "nghi" and "quyet", "Đảng" gives "dang". The same tokens
// as SQLite's `unicode61 remove_diacritics 2` on Vietnamese text, except that đ is folded
// to d as well (and Ð, typed for Đ); other letters Fold does not fold (CJK, ß, ü) are token characters kept as
// they are, in lower case. Byte offsets are those of the text as given, so that snippet()
// and highlight() mark the original words.
//
// Written here rather than taken from SQLite because folding is the project's own
// (ingest/text.h), and because unicode61 decodes and looks up every code point: this one
// folds 16 bytes at a time.
#pragma once

#include <string_view>

#include "ingest/text.h"

struct sqlite3;

namespace dg {

// The name the schema uses: CREATE VIRTUAL TABLE ... USING fts5(..., tokenize='dirgraph').
inline constexpr const char* kSearchTokenizer = "dirgraph";

// Makes the store's search index (core/search_index.h, schema 6) use the tokenizer, and
// every SQLite connection opened afterwards in this process know it for FTS5
// (sqlite3_auto_extension: the FTS5 index of a schema 4 or 5 database). Call once at
// start-up, before opening a database; calling it again does nothing. Without it, the
// store cannot index or search, and FTS5 fails with "no such tokenizer: dirgraph".
void RegisterSearchTokenizer();

// Registers the tokenizer on one open connection; false if SQLite refused.
bool RegisterSearchTokenizer(sqlite3* db);

// Calls `token(token, start, end)` for each token of `text` in order (the tokenizer
// itself, without SQLite; for tests and tools). `folded`, when not null, must be
// CheckAndFold(text) and is used instead of folding again.
template <typename F>
void ForEachSearchToken(std::string_view text, const FoldedText* folded, F&& token);

namespace search_internal {
// The tokens of `text` through a callback with C linkage-friendly arguments: token bytes,
// start and end byte offsets in `text`. Returns the first non-zero value of `emit`.
using EmitFn = int (*)(void* ctx, const char* token, int size, int start, int end);
int Tokenize(std::string_view text, const FoldedText* folded, void* ctx, EmitFn emit);
}  // namespace search_internal

template <typename F>
void ForEachSearchToken(std::string_view text, const FoldedText* folded, F&& token) {
  search_internal::Tokenize(text, folded, &token,
                            [](void* ctx, const char* t, int size, int start, int end) {
                              (*static_cast<F*>(ctx))(std::string_view(t, size), start, end);
                              return 0;
                            });
}

}  // namespace dg
