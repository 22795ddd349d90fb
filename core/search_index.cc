#include "core/search_index.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <map>
#include <memory>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <absl/container/flat_hash_map.h>

#include "core/assign_or_return.h"

namespace dg::search {

using sqlite::Database;
using sqlite::Statement;

namespace internal {

namespace {
void NoTokenizer(std::string_view, void*, EmitToken) {}
}  // namespace

Tokenizer tokenizer = NoTokenizer;

char* VarintTo(char* to, uint64_t v) {
  while (v >= 0x80) {
    *to++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *to++ = static_cast<char>(v);
  return to;
}

void PutVarint(std::string* out, uint64_t v) {
  char buf[10];
  out->append(buf, static_cast<size_t>(VarintTo(buf, v) - buf));
}

bool GetVarint(const unsigned char** p, const unsigned char* end, uint64_t* v) {
  uint64_t r = 0;
  for (int shift = 0; *p < end && shift < 64; shift += 7) {
    const unsigned char c = *(*p)++;
    r |= static_cast<uint64_t>(c & 0x7f) << shift;
    if (c < 0x80) {
      *v = r;
      return true;
    }
  }
  return false;
}

}  // namespace internal

using internal::GetVarint;
using internal::PutVarint;
using internal::VarintTo;

void SetTokenizer(Tokenizer tokenizer) { internal::tokenizer = tokenizer; }

Status CheckTokenizer() {
  if (internal::tokenizer != internal::NoTokenizer) return Status::Ok();
  return Status::Internal(
      "the search index has no tokenizer: RegisterSearchTokenizer() was not called");
}

namespace {

constexpr int kMergeWidth = 8;  // segments of one level merged into one of the next

// One article in a posting list.
struct Posting {
  int64_t id = 0;
  uint32_t count = 0;
  uint32_t length = 0;
};

Status Corrupt(const Database& db, std::string_view what) {
  return Status::Corrupt(db.path() + ": search index: " + std::string(what));
}

// Decodes `data` (a posting list), appending to `out` the articles not in `dead`.
Status Decode(const Database& db, std::string_view data, const std::unordered_set<int64_t>& dead,
              std::vector<Posting>* out) {
  auto p = reinterpret_cast<const unsigned char*>(data.data());
  const auto end = p + data.size();
  int64_t id = 0;
  while (p < end) {
    uint64_t delta = 0, count = 0, length = 0;
    if (!GetVarint(&p, end, &delta) || !GetVarint(&p, end, &count) ||
        !GetVarint(&p, end, &length)) {
      return Corrupt(db, "a posting list ends inside an entry");
    }
    id += static_cast<int64_t>(delta);
    if (!dead.empty() && dead.count(id) != 0) continue;
    out->push_back(Posting{id, static_cast<uint32_t>(count), static_cast<uint32_t>(length)});
  }
  return Status::Ok();
}

// Appends posting list `data` whole to `out`, whose last article is *last (both lists in
// the order of their articles, `data`'s after *last): only its first entry's id delta is
// written again, the rest copied as it is, and its ids are summed, not decoded into
// postings, to find its last. Before, a merge decoded every entry and encoded it again
// (about a fifth of its time), dead articles in its range or not.
Status Append(const Database& db, std::string_view data, int64_t* last, std::string* out) {
  auto p = reinterpret_cast<const unsigned char*>(data.data());
  const auto end = p + data.size();
  if (p == end) return Status::Ok();
  uint64_t first = 0;
  if (!GetVarint(&p, end, &first)) return Corrupt(db, "a posting list ends inside an entry");
  const auto rest = p;
  int64_t id = static_cast<int64_t>(first);
  // Each entry is three varints: the id's delta, then count and length (skipped).
  auto skip = [&] {
    while (p < end && (*p & 0x80) != 0) ++p;
    if (p == end) return false;
    ++p;
    return true;
  };
  for (;;) {
    if (!skip() || !skip()) return Corrupt(db, "a posting list ends inside an entry");
    if (p == end) break;
    uint64_t delta = 0;
    if (!GetVarint(&p, end, &delta)) return Corrupt(db, "a posting list ends inside an entry");
    id += static_cast<int64_t>(delta);
  }
  if (static_cast<int64_t>(first) <= *last) {
    return Corrupt(db, "a posting list's articles are out of order");
  }
  char buf[10];
  out->append(buf, static_cast<size_t>(VarintTo(buf, static_cast<uint64_t>(first) - *last) - buf));
  out->append(reinterpret_cast<const char*>(rest), static_cast<size_t>(end - rest));
  *last = id;
  return Status::Ok();
}

// Appends one entry to a posting list whose last article is *last.
void Encode(const Posting& p, int64_t* last, std::string* out) {
  char buf[30];  // three varints, appended at once
  char* end = VarintTo(buf, static_cast<uint64_t>(p.id - *last));
  end = VarintTo(end, p.count);
  end = VarintTo(end, p.length);
  out->append(buf, static_cast<size_t>(end - buf));
  *last = p.id;
}

struct Segment {
  int64_t id = 0;
  int64_t lo = 0;
  int64_t hi = 0;
  int64_t level = 0;
  int64_t docs = 0;
  int64_t tokens = 0;
};

Result<std::vector<Segment>> Segments(Database& db) {
  DG_ASSIGN_OR_RETURN(
      Statement st,
      db.Cached("SELECT id, lo, hi, level, docs, tokens FROM search_segments ORDER BY id"));
  std::vector<Segment> out;
  for (;;) {
    DG_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(Segment{st.ColumnInt(0), st.ColumnInt(1), st.ColumnInt(2), st.ColumnInt(3),
                          st.ColumnInt(4), st.ColumnInt(5)});
  }
  return out;
}

Result<int64_t> InsertSegment(Database& db, const Segment& s) {
  DG_ASSIGN_OR_RETURN(Statement st,
                          db.Cached("INSERT INTO search_segments(lo, hi, level, docs, tokens) "
                                    "VALUES (?, ?, ?, ?, ?)"));
  DG_RETURN_IF_ERROR(st.BindAll(s.lo, s.hi, s.level, s.docs, s.tokens));
  DG_RETURN_IF_ERROR(st.Run());
  return db.LastInsertRowId();
}

Status InsertPostings(Database& db, int64_t segment, std::string_view term, std::string_view data) {
  DG_ASSIGN_OR_RETURN(
      Statement st,
      db.Cached("INSERT INTO search_postings(segment, term, data) VALUES (?, ?, ?)"));
  DG_RETURN_IF_ERROR(st.BindAll(segment, term, Statement::Borrowed{data, /*blob=*/true}));
  return st.Run();
}

// Merges `segs` (neighbours, in the order of their ranges) into one segment of `level`,
// leaving out the dead articles of their range.
Status Merge(Database& db, const std::vector<Segment>& segs, int64_t level) {
  Segment merged;
  merged.lo = segs.front().lo;
  merged.hi = segs.back().hi;
  merged.level = level;
  for (const Segment& s : segs) {
    merged.docs += s.docs;
    merged.tokens += s.tokens;
  }
  std::unordered_set<int64_t> dead;
  {
    DG_ASSIGN_OR_RETURN(
        Statement st,
        db.Cached("SELECT article_id, length FROM search_dead WHERE article_id BETWEEN ? AND ?"));
    DG_RETURN_IF_ERROR(st.BindAll(merged.lo, merged.hi));
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      dead.insert(st.ColumnInt(0));
      merged.docs -= 1;
      merged.tokens -= st.ColumnInt(1);
    }
  }
  DG_ASSIGN_OR_RETURN(const int64_t id, InsertSegment(db, merged));

  // One reader per segment, in term order; a k-way merge by term through a heap of the
  // readers' current terms: a scan of every reader for each term costs k steps a row, and
  // MergeAll's k is every segment of the index.
  std::vector<Statement> readers;
  struct Cursor {
    std::string_view term;  // the reader's current term, valid until it steps
    size_t reader;
  };
  // The smallest term on top; among equal terms the earliest segment (lower ids) first.
  auto after = [](const Cursor& a, const Cursor& b) {
    return a.term != b.term ? a.term > b.term : a.reader > b.reader;
  };
  std::vector<Cursor> heap;
  for (const Segment& s : segs) {
    DG_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("SELECT term, data FROM search_postings WHERE segment = ? ORDER BY term"));
    DG_RETURN_IF_ERROR(st.BindAll(s.id));
    DG_ASSIGN_OR_RETURN(bool row, st.Step());
    readers.push_back(std::move(st));
    if (row) heap.push_back(Cursor{readers.back().ColumnView(0), readers.size() - 1});
  }
  std::make_heap(heap.begin(), heap.end(), after);
  std::string term, data;
  std::vector<Posting> postings;
  while (!heap.empty()) {
    term = std::string(heap.front().term);
    data.clear();
    int64_t last = 0;
    while (!heap.empty() && heap.front().term == term) {
      std::pop_heap(heap.begin(), heap.end(), after);
      const size_t i = heap.back().reader;
      heap.pop_back();
      if (dead.empty()) {
        DG_RETURN_IF_ERROR(Append(db, readers[i].ColumnBlob(1), &last, &data));
      } else {
        postings.clear();
        DG_RETURN_IF_ERROR(Decode(db, readers[i].ColumnBlob(1), dead, &postings));
        for (const Posting& p : postings) Encode(p, &last, &data);
      }
      DG_ASSIGN_OR_RETURN(bool row, readers[i].Step());
      if (row) {
        heap.push_back(Cursor{readers[i].ColumnView(0), i});
        std::push_heap(heap.begin(), heap.end(), after);
      }
    }
    if (!data.empty()) DG_RETURN_IF_ERROR(InsertPostings(db, id, term, data));
  }
  readers.clear();
  for (const Segment& s : segs) {
    DG_ASSIGN_OR_RETURN(Statement del,
                            db.Cached("DELETE FROM search_postings WHERE segment = ?"));
    DG_RETURN_IF_ERROR(del.BindAll(s.id));
    DG_RETURN_IF_ERROR(del.Run());
    DG_ASSIGN_OR_RETURN(Statement seg, db.Cached("DELETE FROM search_segments WHERE id = ?"));
    DG_RETURN_IF_ERROR(seg.BindAll(s.id));
    DG_RETURN_IF_ERROR(seg.Run());
  }
  DG_ASSIGN_OR_RETURN(
      Statement st, db.Cached("DELETE FROM search_dead WHERE article_id BETWEEN ? AND ?"));
  DG_RETURN_IF_ERROR(st.BindAll(merged.lo, merged.hi));
  return st.Run();
}

// Merges the newest segments while kMergeWidth of the lowest level follow each other at
// the end (a new segment is always the newest, of level 0).
Status MergeTiers(Database& db) {
  for (;;) {
    DG_ASSIGN_OR_RETURN(std::vector<Segment> segs, Segments(db));
    if (segs.size() < static_cast<size_t>(kMergeWidth)) return Status::Ok();
    const int64_t level = segs.back().level;
    size_t run = 0;
    while (run < segs.size() && segs[segs.size() - 1 - run].level == level) ++run;
    if (run < static_cast<size_t>(kMergeWidth)) return Status::Ok();
    std::vector<Segment> tail(segs.end() - kMergeWidth, segs.end());
    DG_RETURN_IF_ERROR(Merge(db, tail, level + 1));
  }
}

// The tokens of a text, in order.
std::vector<std::string> Tokens(std::string_view text,
                                std::vector<std::pair<int, int>>* offsets = nullptr) {
  std::vector<std::string> out;
  ForEachToken(text, [&](std::string_view t, int start, int end) {
    out.emplace_back(t);
    if (offsets != nullptr) offsets->emplace_back(start, end);
  });
  return out;
}

// Positions in `tokens` where `phrase` starts (phrase not empty).
std::vector<int> Occurrences(const std::vector<std::string>& tokens,
                             const std::vector<std::string>& phrase) {
  std::vector<int> out;
  if (phrase.empty() || tokens.size() < phrase.size()) return out;
  for (size_t i = 0; i + phrase.size() <= tokens.size(); ++i) {
    if (std::equal(phrase.begin(), phrase.end(), tokens.begin() + static_cast<ptrdiff_t>(i))) {
      out.push_back(static_cast<int>(i));
    }
  }
  return out;
}

}  // namespace

// ---- Terms ----

namespace {

// The first eight bytes of a term as one big-endian number, zeros after a shorter one:
// terms hold no NUL, so comparing heads orders terms as their bytes do, up to a tie.
uint64_t Head(std::string_view t) {
  uint64_t head = 0;
  const size_t n = std::min<size_t>(t.size(), 8);
  for (size_t i = 0; i < n; ++i) head |= uint64_t{static_cast<unsigned char>(t[i])} << (56 - 8 * i);
  return head;
}

// A hash for the one article's terms: its tokens are a few bytes, for which the general
// string hash of the standard library cost more than the counting around it.
struct TermHash {
  size_t operator()(std::string_view t) const {
    uint64_t h = 0x9E3779B97F4A7C15ull * (t.size() + 1);
    size_t i = 0;
    for (; i + 8 <= t.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, t.data() + i, 8);
      h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    }
    uint64_t w = 0;
    std::memcpy(&w, t.data() + i, t.size() - i);
    h ^= w;
    h ^= h >> 31;
    h *= 0x94D049BB133111EBull;
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

// Terms to their places in a list, for counting an article's terms and inverting a
// batch's: a term of at most eight bytes is known by its head alone (it holds no NUL),
// which spares comparing bytes; a longer one, rare, by its bytes.
class TermIndex {
 public:
  explicit TermIndex(size_t expected) { short_.reserve(expected); }
  // The place of `term` (whose head is `head`), and false; or, when it has none yet,
  // `next`, and true: then `term` must stay valid as long as the index.
  std::pair<uint32_t, bool> Place(std::string_view term, uint64_t head, uint32_t next) {
    if (term.size() <= 8) {
      auto [it, added] = short_.try_emplace(head, next);
      return {it->second, added};
    }
    auto [it, added] = long_.try_emplace(term, next);
    return {it->second, added};
  }

 private:
  absl::flat_hash_map<uint64_t, uint32_t> short_;
  absl::flat_hash_map<std::string_view, uint32_t, TermHash> long_;
};

// Terms in the order of their bytes, by their heads first: most terms are one syllable,
// and comparing the bytes of each pair was a sort's whole cost.
bool HeadLess(uint64_t head_a, std::string_view a, uint64_t head_b, std::string_view b) {
  if (head_a != head_b) return head_a < head_b;
  return a < b;
}

}  // namespace

Result<ArticleTerms> TermsOf(std::string_view title, std::string_view text) {
  DG_RETURN_IF_ERROR(CheckTokenizer());
  struct Term {
    std::string_view term;
    uint32_t count;
  };
  std::vector<Term> terms;
  terms.reserve(text.size() / 16 + 16);
  // Each distinct token once (the tokenizer's views last one call), counted as it comes.
  // The chunks never move, so the views into them stay valid.
  std::vector<std::unique_ptr<char[]>> chunks;
  size_t room = 0;
  char* at = nullptr;
  TermIndex index(text.size() / 16 + 16);  // term -> terms[i]
  uint32_t tokens = 0;
  auto keep = [&](std::string_view t) {
    if (t.size() > room) {
      room = std::max<size_t>(t.size(), 4096);
      chunks.push_back(std::make_unique<char[]>(room));
      at = chunks.back().get();
    }
    std::memcpy(at, t.data(), t.size());
    const std::string_view kept(at, t.size());
    at += t.size();
    room -= t.size();
    return kept;
  };
  auto add = [&](std::string_view t, int, int) {
    ++tokens;
    const auto next = static_cast<uint32_t>(terms.size());
    if (t.size() <= 8) {
      // Known by its head alone: copied only when new (most tokens are not).
      const auto [place, added] = index.Place(t, Head(t), next);
      if (added) {
        terms.push_back(Term{keep(t), 1});
      } else {
        ++terms[place].count;
      }
      return;
    }
    // The index keeps a longer term's bytes: copied first, dropped again when known.
    const std::string_view kept = keep(t);
    const auto [place, added] = index.Place(kept, Head(kept), next);
    if (added) {
      terms.push_back(Term{kept, 1});
      return;
    }
    ++terms[place].count;
    at -= kept.size();
    room += kept.size();
  };
  ForEachToken(title, add);
  ForEachToken(text, add);
  // Not sorted: IndexWriter::Flush puts a batch's terms in order once, for all of its
  // articles (sorting each article's was a fifth of this function).
  ArticleTerms out;
  out.length = tokens;
  size_t bytes = 0;
  for (const Term& t : terms) bytes += t.term.size() + 3;
  out.bytes.reserve(bytes);
  for (const Term& t : terms) {
    out.bytes.append(t.term);
    out.bytes.push_back('\0');
    PutVarint(&out.bytes, t.count);
  }
  return out;
}

// ---- Writing ----

Status IndexWriter::Record(Database& db, int64_t article_id, const ArticleTerms& terms) {
  DG_ASSIGN_OR_RETURN(
      Statement st, db.Cached("INSERT INTO search_docs(article_id, length) VALUES (?, ?)"));
  DG_RETURN_IF_ERROR(st.BindAll(article_id, terms.length));
  return st.Run();
}

void IndexWriter::Keep(int64_t article_id, ArticleTerms terms) {
  pending_.emplace_back(article_id, std::move(terms));
}

Status IndexWriter::Flush(Database& db) {
  if (pending_.empty()) return Status::Ok();
  std::vector<std::pair<int64_t, ArticleTerms>> pending = std::move(pending_);
  pending_.clear();
  std::sort(pending.begin(), pending.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  Segment s;
  s.lo = pending.front().first;
  s.hi = pending.back().first;
  s.docs = static_cast<int64_t>(pending.size());
  for (const auto& [id, terms] : pending) s.tokens += terms.length;
  DG_ASSIGN_OR_RETURN(const int64_t segment, InsertSegment(db, s));

  // Inverted: term -> its posting list, built in the order of the articles, written in
  // the order of the terms.
  struct List {
    std::string data;
    int64_t last = 0;
    uint64_t head = 0;
    std::string_view term;
  };
  std::vector<List> lists;
  lists.reserve(pending.size() * 64);
  TermIndex index(pending.size() * 64);  // term -> lists[i]; the terms live in `pending`
  for (const auto& [id, terms] : pending) {
    auto p = reinterpret_cast<const unsigned char*>(terms.bytes.data());
    const auto end = p + terms.bytes.size();
    while (p < end) {
      const auto nul = static_cast<const unsigned char*>(std::memchr(p, 0, end - p));
      if (nul == nullptr) return Status::Internal("search terms of article " + std::to_string(id) + " are cut");
      const std::string_view term(reinterpret_cast<const char*>(p), nul - p);
      p = nul + 1;
      uint64_t count = 0;
      if (!GetVarint(&p, end, &count)) {
        return Status::Internal("search terms of article " + std::to_string(id) + " are cut");
      }
      const uint64_t head = Head(term);
      const auto [place, added] = index.Place(term, head, static_cast<uint32_t>(lists.size()));
      if (added) lists.push_back(List{{}, 0, head, term});
      List& l = lists[place];
      Encode(Posting{id, static_cast<uint32_t>(count), terms.length}, &l.last, &l.data);
    }
  }
  std::vector<const List*> sorted;
  sorted.reserve(lists.size());
  for (const List& l : lists) sorted.push_back(&l);
  std::sort(sorted.begin(), sorted.end(), [](const List* a, const List* b) {
    return HeadLess(a->head, a->term, b->head, b->term);
  });
  for (const List* l : sorted) {
    DG_RETURN_IF_ERROR(InsertPostings(db, segment, l->term, l->data));
  }
  return MergeTiers(db);
}

Status MergeAll(Database& db) {
  DG_ASSIGN_OR_RETURN(std::vector<Segment> segs, Segments(db));
  if (segs.empty()) return Status::Ok();
  int64_t level = 0;
  for (const Segment& s : segs) level = std::max(level, s.level);
  return Merge(db, segs, level);
}

Status CatchUp(Database& db, int batch) {
  for (;;) {
    DG_ASSIGN_OR_RETURN(const int64_t covered,
                            db.QueryInt("SELECT coalesce(max(hi), 0) FROM search_segments"));
    DG_ASSIGN_OR_RETURN(const int64_t last,
                            db.QueryInt("SELECT coalesce(max(id), 0) FROM articles"));
    if (last <= covered) return Status::Ok();
    DG_RETURN_IF_ERROR(CheckTokenizer());
    DG_RETURN_IF_ERROR(sqlite::WithTransaction(db, [&]() -> Status {
      // The batch's articles read, their terms counted on every core, then written.
      struct Row {
        int64_t id;
        std::string title, text;
        Result<ArticleTerms> terms = Status::Internal("not counted");
      };
      std::vector<Row> rows;
      {
        DG_ASSIGN_OR_RETURN(
            Statement st,
            db.Prepare("SELECT id, title, text FROM articles WHERE id > ? ORDER BY id LIMIT ?"));
        DG_RETURN_IF_ERROR(st.BindAll(covered, batch));
        for (;;) {
          DG_ASSIGN_OR_RETURN(bool row, st.Step());
          if (!row) break;
          rows.push_back(Row{st.ColumnInt(0), st.ColumnText(1), st.ColumnText(2)});
        }
      }
      const size_t threads =
          std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 16);
      std::vector<std::thread> pool;
      for (size_t t = 0; t < threads; ++t) {
        pool.emplace_back([&rows, t, threads] {
          for (size_t i = t; i < rows.size(); i += threads) {
            rows[i].terms = TermsOf(rows[i].title, rows[i].text);
          }
        });
      }
      for (std::thread& t : pool) t.join();
      IndexWriter writer;
      for (Row& r : rows) {
        if (!r.terms.ok()) return r.terms.status();
        DG_RETURN_IF_ERROR(writer.Record(db, r.id, *r.terms));
        writer.Keep(r.id, std::move(r.terms).value());
      }
      return writer.Flush(db);
    }));
  }
}

// ---- Searching ----

Searcher::Searcher(const Query& query) {
  for (const auto& group : query.groups) {
    std::vector<size_t> g;
    for (const std::string& word : group) {
      g.push_back(phrases_.size());
      phrases_.push_back(Phrase{Tokens(word)});
    }
    groups_.push_back(std::move(g));
  }
}

namespace {

// Sorted ids: the union and the intersection.
std::vector<int64_t> Union(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  std::vector<int64_t> out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}
std::vector<int64_t> Intersection(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  std::vector<int64_t> out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

}  // namespace

Result<Matches> Searcher::Find(Database& db, int64_t offset, int64_t limit) const {
  DG_RETURN_IF_ERROR(CheckTokenizer());
  Matches out;
  // One read transaction: a merge committed meanwhile must not take segments away
  // between the reads of the segment list and of their postings.
  DG_RETURN_IF_ERROR(
      sqlite::WithSavepoint(db, "search", [&] { return FindIn(db, offset, limit, &out); }));
  return out;
}

Status Searcher::FindIn(Database& db, int64_t offset, int64_t limit, Matches* result) const {
  Matches& out = *result;
  DG_ASSIGN_OR_RETURN(std::vector<Segment> segs, Segments(db));
  int64_t rows = 0, tokens = 0;
  for (const Segment& s : segs) {
    rows += s.docs;
    tokens += s.tokens;
  }
  std::unordered_set<int64_t> dead;
  {
    DG_ASSIGN_OR_RETURN(Statement st, db.Cached("SELECT article_id, length FROM search_dead"));
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      dead.insert(st.ColumnInt(0));
      rows -= 1;
      tokens -= st.ColumnInt(1);
    }
  }

  // The posting list of each distinct token, over all segments (ranges in id order).
  std::unordered_map<std::string, std::vector<Posting>> lists;
  for (const Phrase& ph : phrases_) {
    for (const std::string& t : ph.tokens) {
      if (lists.count(t) != 0) continue;
      std::vector<Posting>& list = lists[t];
      for (const Segment& s : segs) {
        DG_ASSIGN_OR_RETURN(
            Statement st,
            db.Cached("SELECT data FROM search_postings WHERE segment = ? AND term = ?"));
        DG_RETURN_IF_ERROR(st.BindAll(s.id, t));
        DG_ASSIGN_OR_RETURN(bool row, st.Step());
        if (row) DG_RETURN_IF_ERROR(Decode(db, st.ColumnBlob(0), dead, &list));
      }
    }
  }

  // Each phrase's postings: a token's list, or for several tokens the articles holding
  // them all where they also stand side by side, in the title or in the text.
  std::vector<std::vector<Posting>> phrase_postings(phrases_.size());
  std::map<std::vector<std::string>, size_t> same;  // phrases alike ("dang", "đang")
  for (size_t i = 0; i < phrases_.size(); ++i) {
    const Phrase& ph = phrases_[i];
    auto [it, inserted] = same.emplace(ph.tokens, i);
    if (!inserted) {
      phrase_postings[i] = phrase_postings[it->second];
      continue;
    }
    if (ph.tokens.empty()) continue;
    if (ph.tokens.size() == 1) {
      phrase_postings[i] = lists[ph.tokens[0]];
      continue;
    }
    std::vector<Posting> candidates = lists[ph.tokens[0]];
    for (size_t k = 1; k < ph.tokens.size(); ++k) {
      const std::vector<Posting>& other = lists[ph.tokens[k]];
      std::vector<Posting> both;
      size_t a = 0, b = 0;
      while (a < candidates.size() && b < other.size()) {
        if (candidates[a].id < other[b].id) {
          ++a;
        } else if (other[b].id < candidates[a].id) {
          ++b;
        } else {
          both.push_back(candidates[a]);
          ++a;
          ++b;
        }
      }
      candidates = std::move(both);
    }
    for (Posting& p : candidates) {
      DG_ASSIGN_OR_RETURN(Statement st,
                              db.Cached("SELECT title, text FROM articles WHERE id = ?"));
      DG_RETURN_IF_ERROR(st.BindAll(p.id));
      DG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) continue;
      const size_t n = Occurrences(Tokens(st.ColumnView(0)), ph.tokens).size() +
                       Occurrences(Tokens(st.ColumnView(1)), ph.tokens).size();
      p.count = static_cast<uint32_t>(n);
      if (n > 0) phrase_postings[i].push_back(p);
    }
  }

  // The matches: the AND of the groups, each the OR of its phrases.
  std::vector<int64_t> matches;
  for (size_t g = 0; g < groups_.size(); ++g) {
    std::vector<int64_t> any;
    for (size_t i : groups_[g]) {
      std::vector<int64_t> ids;
      ids.reserve(phrase_postings[i].size());
      for (const Posting& p : phrase_postings[i]) ids.push_back(p.id);
      any = Union(any, ids);
    }
    matches = g == 0 ? std::move(any) : Intersection(matches, any);
  }
  out.total = static_cast<int64_t>(matches.size());
  if (matches.empty()) return Status::Ok();

  // bm25 exactly as FTS5's fts5Bm25Function: the same operations in the same order.
  const double k1 = 1.2, b = 0.75;
  const int64_t n_row = rows;
  const double avgdl = static_cast<double>(tokens) / static_cast<double>(n_row);
  std::vector<double> score(matches.size(), 0.0);
  std::vector<uint32_t> length(matches.size(), 0);
  for (size_t i = 0; i < phrases_.size(); ++i) {
    const std::vector<Posting>& list = phrase_postings[i];
    const int64_t n_hit = static_cast<int64_t>(list.size());
    double idf = std::log((n_row - n_hit + 0.5) / (n_hit + 0.5));
    if (idf <= 0.0) idf = 1e-6;
    size_t m = 0;
    for (const Posting& p : list) {
      while (m < matches.size() && matches[m] < p.id) ++m;
      if (m == matches.size()) break;
      if (matches[m] != p.id) continue;
      length[m] = p.length;
      const double freq = p.count;
      const double d = p.length;
      score[m] += idf * ((freq * (k1 + 1.0)) / (freq + k1 * (1 - b + b * d / avgdl)));
    }
  }
  std::vector<size_t> order(matches.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  const size_t from = static_cast<size_t>(std::clamp<int64_t>(offset, 0, out.total));
  const size_t to = static_cast<size_t>(std::clamp<int64_t>(offset + limit, 0, out.total));
  auto better = [&](size_t x, size_t y) {
    const double sx = -1.0 * score[x], sy = -1.0 * score[y];
    if (sx != sy) return sx < sy;
    return matches[x] < matches[y];
  };
  std::partial_sort(order.begin(), order.begin() + static_cast<ptrdiff_t>(to), order.end(), better);
  for (size_t i = from; i < to; ++i) out.ids.push_back(matches[order[i]]);
  return Status::Ok();
}

// The snippet as FTS5's fts5SnippetFunction cuts it in column `text`: the window of
// `tokens` tokens scoring best (1000 for each phrase's first hit in it, 1 for the others;
// a window starting a sentence scores 100 more, 120 at the start of the text), the hits
// in it wrapped in open/close (overlapping hits coalesced), `ellipsis` where it cuts.
std::string Searcher::Snippet(std::string_view text, std::string_view open,
                              std::string_view close, std::string_view ellipsis,
                              int n_token) const {
  std::vector<std::pair<int, int>> offsets;
  const std::vector<std::string> words = Tokens(text, &offsets);
  const int n_doc = static_cast<int>(words.size());

  // The instances (phrase, position), ordered by position then phrase, as FTS5's xInst.
  struct Inst {
    int phrase;
    int pos;
  };
  std::vector<Inst> inst;
  for (size_t i = 0; i < phrases_.size(); ++i) {
    for (int pos : Occurrences(words, phrases_[i].tokens)) {
      inst.push_back(Inst{static_cast<int>(i), pos});
    }
  }
  std::stable_sort(inst.begin(), inst.end(), [](const Inst& a, const Inst& b) {
    return a.pos != b.pos ? a.pos < b.pos : a.phrase < b.phrase;
  });
  auto size_of = [&](int phrase) { return static_cast<int>(phrases_[phrase].tokens.size()); };

  // The first token of each sentence (fts5SentenceFinderCb).
  std::vector<int> first;
  for (int pos = 0; pos < n_doc; ++pos) {
    if (pos == 0) {
      first.push_back(0);
      continue;
    }
    const int start = offsets[pos].first;
    int i = start - 1;
    char c = 0;
    for (; i >= 0; --i) {
      c = text[i];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    }
    if (i != start - 1 && (c == '.' || c == ':')) first.push_back(pos);
  }

  std::vector<unsigned char> seen(phrases_.size());
  // fts5SnippetScore
  auto score_at = [&](int at, int* score, int* adjusted) {
    std::fill(seen.begin(), seen.end(), 0);
    int total = 0, first_hit = -1, last = 0;
    for (const Inst& x : inst) {
      if (x.pos >= at && x.pos < at + n_token) {
        total += seen[x.phrase] ? 1 : 1000;
        seen[x.phrase] = 1;
        if (first_hit < 0) first_hit = x.pos;
        last = x.pos + size_of(x.phrase);
      }
    }
    *score = total;
    if (adjusted != nullptr) {
      int adj = first_hit - (n_token - (last - first_hit)) / 2;
      if (adj + n_token > n_doc) adj = n_doc - n_token;
      if (adj < 0) adj = 0;
      *adjusted = adj;
    }
  };
  int best_score = 0, best_start = 0;
  for (const Inst& x : inst) {
    int score = 0, adj = 0;
    score_at(x.pos, &score, &adj);
    if (score > best_score) {
      best_score = score;
      best_start = adj;
    }
    if (!first.empty() && n_doc > n_token) {
      size_t j = 0;
      for (; j + 1 < first.size(); ++j) {
        if (first[j + 1] > x.pos) break;
      }
      if (first[j] < x.pos) {
        score_at(first[j], &score, nullptr);
        score += first[j] == 0 ? 120 : 100;
        if (score > best_score) {
          best_score = score;
          best_start = first[j];
        }
      }
    }
  }

  // Coalesced instances (fts5CInstIterNext).
  size_t next = 0;
  int cur_start = -1, cur_end = -1;
  auto advance = [&] {
    cur_start = cur_end = -1;
    while (next < inst.size()) {
      const int end = inst[next].pos - 1 + size_of(inst[next].phrase);
      if (cur_start < 0) {
        cur_start = inst[next].pos;
        cur_end = end;
      } else if (inst[next].pos <= cur_end) {
        cur_end = std::max(cur_end, end);
      } else {
        break;
      }
      ++next;
    }
  };
  advance();

  // fts5HighlightCb over the window [range_start, range_end].
  std::string out;
  const int range_start = best_start;
  const int range_end = best_start + n_token - 1;
  int off = 0;
  if (best_start > 0) out.append(ellipsis);
  while (cur_start >= 0 && cur_start < best_start) advance();
  for (int pos = 0; pos < n_doc; ++pos) {
    const int start = offsets[pos].first, end = offsets[pos].second;
    if (range_end > 0) {
      if (pos < range_start || pos > range_end) continue;
      if (range_start != 0 && pos == range_start) off = start;
    }
    if (pos == cur_start) {
      if (start > off) out.append(text.substr(off, start - off));
      out.append(open);
      off = start;
    }
    if (pos == cur_end) {
      if (range_end != 0 && cur_start < range_start) out.append(open);
      if (end > off) out.append(text.substr(off, end - off));
      out.append(close);
      off = end;
      advance();
    }
    if (range_end > 0 && pos == range_end) {
      if (end > off) out.append(text.substr(off, end - off));
      off = end;
      if (pos >= cur_start && pos < cur_end) out.append(close);
    }
  }
  if (range_end >= n_doc - 1) {
    out.append(text.substr(off));
  } else {
    out.append(ellipsis);
  }
  return out;
}

}  // namespace dg::search
