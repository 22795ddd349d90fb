#include "ingest/search_tokenizer.h"

#include <sqlite3.h>
#include <utf8proc.h>

#include <array>
#include <new>
#include <string>

#include "core/search_index.h"
#include "core/sqlite.h"

namespace dg {
namespace {

// What a folded byte is to the tokenizer: 0 a separator, kOther (0x7f, a character Fold
// does not know) to be looked at in the original text, anything else a token byte,
// already in lower case.
constexpr unsigned char kOther = 0x7f;
const std::array<unsigned char, 256>& TokenBytes() {
  static const std::array<unsigned char, 256> table = [] {
    std::array<unsigned char, 256> t{};
    for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<unsigned char>(c);
    for (int c = 'a'; c <= 'z'; ++c) t[c] = static_cast<unsigned char>(c);
    for (int c = 'A'; c <= 'Z'; ++c) t[c] = static_cast<unsigned char>(c - 'A' + 'a');
    t[kOther] = kOther;
    return t;
  }();
  return table;
}

// Letters, digits and private-use characters are token characters, as for unicode61.
bool IsTokenCodePoint(utf8proc_int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_CO:
      return true;
    default:
      return false;
  }
}

// Text that is not valid UTF-8 (never stored; a query could be): ASCII letters and digits
// and every byte from 0x80 up are token bytes, the rest separators.
int TokenizeBytes(std::string_view text, void* ctx, search_internal::EmitFn emit) {
  const auto& kind = TokenBytes();
  std::string token;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    const auto c = i < text.size() ? static_cast<unsigned char>(text[i]) : 0;
    const unsigned char k = c >= 0x80 ? c : (c == kOther ? 0 : kind[c]);
    if (k != 0 && i < text.size()) {
      if (token.empty()) start = i;
      token += static_cast<char>(k);
      continue;
    }
    if (token.empty()) continue;
    if (int rc = emit(ctx, token.data(), static_cast<int>(token.size()), static_cast<int>(start),
                      static_cast<int>(i))) {
      return rc;
    }
    token.clear();
  }
  return 0;
}

// ---- FTS5 glue ----

struct Tokenizer {};  // no options, no state

int Create(void*, const char** /*args*/, int nargs, Fts5Tokenizer** out) {
  if (nargs != 0) return SQLITE_ERROR;  // tokenize='dirgraph' takes no options
  *out = reinterpret_cast<Fts5Tokenizer*>(new (std::nothrow) Tokenizer);
  return *out == nullptr ? SQLITE_NOMEM : SQLITE_OK;
}

void Delete(Fts5Tokenizer* t) { delete reinterpret_cast<Tokenizer*>(t); }

struct Sink {
  void* ctx;
  int (*token)(void*, int, const char*, int, int, int);
};

int TokenizeForFts5(Fts5Tokenizer*, void* ctx, int /*flags*/, const char* text, int size,
                    int (*token)(void*, int, const char*, int, int, int)) {
  Sink sink{ctx, token};
  try {
    return search_internal::Tokenize(
        std::string_view(text == nullptr ? "" : text, size > 0 ? static_cast<size_t>(size) : 0),
        nullptr, &sink, [](void* c, const char* t, int n, int start, int end) {
          const Sink& s = *static_cast<Sink*>(c);
          return s.token(s.ctx, 0, t, n, start, end);
        });
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (...) {
    return SQLITE_ERROR;
  }
}

// The FTS5 API of a connection (the documented `SELECT fts5(?1)` handshake).
fts5_api* Fts5Api(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, nullptr) == SQLITE_OK) {
    sqlite3_bind_pointer(st, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(st);
  }
  sqlite3_finalize(st);
  return api;
}

// The tokenizer of the store's own search index (core/search_index.h).
void TokenizeForIndex(std::string_view text, void* ctx, search::EmitToken emit) {
  struct Sink {
    void* ctx;
    search::EmitToken emit;
  } sink{ctx, emit};
  search_internal::Tokenize(text, nullptr, &sink, [](void* c, const char* t, int n, int start,
                                                     int end) {
    const Sink& s = *static_cast<Sink*>(c);
    s.emit(s.ctx, std::string_view(t, static_cast<size_t>(n)), start, end);
    return 0;
  });
}

int AutoExtension(sqlite3* db, char** error, const struct sqlite3_api_routines*) {
  if (RegisterSearchTokenizer(db)) return SQLITE_OK;
  *error = sqlite3_mprintf("cannot register the search tokenizer '%s'", kSearchTokenizer);
  return SQLITE_ERROR;
}

}  // namespace

namespace search_internal {

int Tokenize(std::string_view text, const FoldedText* folded, void* ctx, EmitFn emit) {
  FoldedText own;
  if (folded == nullptr) {
    if (text.empty()) return 0;
    if (!CheckAndFold(text, &own).ok()) return TokenizeBytes(text, ctx, emit);
    folded = &own;
  }
  const auto& kind = TokenBytes();
  const std::string& f = folded->folded;
  const auto& shifts = folded->shifts;
  // Orig(i) for increasing i, walking the shifts once.
  size_t next_shift = 0;
  uint32_t shift = 0;
  auto orig = [&](size_t i) {
    while (next_shift < shifts.size() && shifts[next_shift].at <= i) shift = shifts[next_shift++].shift;
    return static_cast<int>(i + shift);
  };
  // The token in lower case, written through an index (a word is a few bytes; up to 4
  // bytes per folded byte for characters Fold does not know).
  std::string token(64, '\0');
  size_t len = 0;
  int start = 0;
  const size_t n = f.size();
  for (size_t i = 0; i < n;) {
    unsigned char k = kind[static_cast<unsigned char>(f[i])];
    if (k == 0) {
      ++i;
      continue;
    }
    // A run of token characters from i.
    len = 0;
    start = -1;
    for (; i < n; ++i) {
      k = kind[static_cast<unsigned char>(f[i])];
      if (len + 4 > token.size()) token.resize(2 * token.size());
      if (k != 0 && k != kOther) {
        if (start < 0) start = orig(i);
        token[len++] = static_cast<char>(k);
        continue;
      }
      if (k == 0) break;
      // A character Fold does not know: a token character if a letter or digit.
      const int at = orig(i);
      utf8proc_int32_t cp = -1;
      utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data()) + at,
                       static_cast<utf8proc_ssize_t>(text.size()) - at, &cp);
      if (cp < 0 || !IsTokenCodePoint(cp)) break;
      if (start < 0) start = at;
      utf8proc_uint8_t buf[4];
      const utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_tolower(cp), buf);
      for (utf8proc_ssize_t b = 0; b < m; ++b) token[len++] = static_cast<char>(buf[b]);
    }
    if (len > 0) {
      const int end = i < n ? orig(i) : static_cast<int>(text.size());
      if (int rc = emit(ctx, token.data(), static_cast<int>(len), start, end)) return rc;
    }
    if (i < n) ++i;  // the separator that ended the run
  }
  return 0;
}

}  // namespace search_internal

bool RegisterSearchTokenizer(sqlite3* db) {
  fts5_api* api = Fts5Api(db);
  if (api == nullptr || api->iVersion < 2) return false;
  static fts5_tokenizer tokenizer{Create, Delete, TokenizeForFts5};
  return api->xCreateTokenizer(api, kSearchTokenizer, nullptr, &tokenizer, nullptr) == SQLITE_OK;
}

void RegisterSearchTokenizer() {
  search::SetTokenizer(TokenizeForIndex);
  sqlite::InitializeLibrary();  // configured before auto_extension initializes it
  // sqlite3_auto_extension ignores an entry point registered already.
  sqlite3_auto_extension(reinterpret_cast<void (*)()>(&AutoExtension));
}

}  // namespace dg
