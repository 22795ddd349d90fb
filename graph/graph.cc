#include "graph/graph.h"

#include <fcntl.h>
#include <signal.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>
#include <xxhash.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif
#if defined(DIRGRAPH_TCMALLOC)
#include <gperftools/malloc_extension_c.h>
#endif

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <deque>
#include <mutex>
#include <regex>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "core/assign_or_return.h"
#include "core/sqlite.h"
#include "graph/query_cache.h"

namespace dg {

// ---- Names ------------------------------------------------------------------------------

const char* NodeKindName(NodeKind k) {
  switch (k) {
    case NodeKind::kDocument: return "document";
    case NodeKind::kUnit: return "unit";
    case NodeKind::kMeeting: return "meeting";
    case NodeKind::kArticle: return "article";
  }
  return "document";
}

const char* EdgeKindName(EdgeKind k) {
  switch (k) {
    case EdgeKind::kImplements: return "implements";
    case EdgeKind::kLinked: return "linked";
    case EdgeKind::kAmends: return "amends";
    case EdgeKind::kReplaces: return "replaces";
    case EdgeKind::kRepeals: return "repeals";
    case EdgeKind::kBasedOn: return "based_on";
    case EdgeKind::kReviews: return "reviews";
    case EdgeKind::kLaunches: return "launches";
    case EdgeKind::kHeldUnder: return "held_under";
    case EdgeKind::kHeld: return "held";
    case EdgeKind::kPartOf: return "part_of";
    case EdgeKind::kMentions: return "mentions";
    case EdgeKind::kReports: return "reports";
  }
  return "implements";
}

EdgeKind EdgeKindOf(Relation r) {
  switch (r) {
    case Relation::kImplements: return EdgeKind::kImplements;
    case Relation::kLinked: return EdgeKind::kLinked;
    case Relation::kAmends: return EdgeKind::kAmends;
    case Relation::kReplaces: return EdgeKind::kReplaces;
    case Relation::kRepeals: return EdgeKind::kRepeals;
    case Relation::kBasedOn: return EdgeKind::kBasedOn;
  }
  return EdgeKind::kImplements;
}

bool IsDocumentRelation(EdgeKind k) {
  return k == EdgeKind::kImplements || k == EdgeKind::kLinked || k == EdgeKind::kAmends ||
         k == EdgeKind::kReplaces || k == EdgeKind::kRepeals || k == EdgeKind::kBasedOn;
}
namespace {

// ---- Text helpers -----------------------------------------------------------------------

// Lower case, no marks, đ -> d; every run of other characters than ASCII letters and
// digits becomes one space, except that '-', '/', '@', '.', '#', '(' and ')' are kept
// (codes and keys are written with them). Trimmed.
std::string FoldForMatch(std::string_view s, bool keep_code_chars) {
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(s.data()), static_cast<utf8proc_ssize_t>(s.size()),
      &out, static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
                                           UTF8PROC_CASEFOLD | UTF8PROC_COMPAT));
  std::string folded;
  if (n >= 0) {
    folded.assign(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
  } else {
    folded.assign(s);
  }
  std::free(out);
  std::string r;
  bool space = false;
  for (size_t i = 0; i < folded.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(folded[i]);
    char emit = 0;
    if (c == 0xC4 && i + 1 < folded.size() &&
        (static_cast<unsigned char>(folded[i + 1]) == 0x91 ||
         static_cast<unsigned char>(folded[i + 1]) == 0x90)) {
      emit = 'd';  // đ (Đ after case folding)
      ++i;
    } else if (c == 0xC3 && i + 1 < folded.size() &&
               (static_cast<unsigned char>(folded[i + 1]) == 0xB0 ||
                static_cast<unsigned char>(folded[i + 1]) == 0x90)) {
      emit = 'd';  // ð, Ð
      ++i;
    } else if (std::isalnum(c)) {
      emit = static_cast<char>(std::tolower(c));
    } else if (keep_code_chars && std::string_view("-/@.#()").find(static_cast<char>(c)) !=
                                      std::string_view::npos) {
      emit = static_cast<char>(c);
    }
    if (emit == 0) {
      space = !r.empty();
      continue;
    }
    if (space) r += ' ';
    space = false;
    r += emit;
  }
  return r;
}

std::string Fold(std::string_view s) { return FoldForMatch(s, false); }

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// Levenshtein distance, for "did you mean".
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cur = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
      prev = cur;
    }
  }
  return row[b.size()];
}

// Syllable bigrams of a folded title, within clauses, without the generic ones that any
// two Party titles share.
std::set<std::string> TitleBigrams(std::string_view title) {
  static const std::set<std::string> kGeneric = {
      "can bo",    "dang vien",  "cac cap",   "cac nganh", "nguoi dung", "dung dau",
      "tap the",   "ca nhan",    "to chuc",   "thuc hien", "doan vien",  "hoi vien",
      "cong chuc", "vien chuc",  "trach nhiem", "dang bo", "tren dia",   "dia ban",
      "ve viec",   "tinh hinh",  "hinh moi",  "tang cuong", "day manh",  "nang cao",
      "xay dung",  "trong tinh", "bo dang",   "vien cong", "chuc vien",  "cua dang",
      "ve tang",   "ve day",     "ve nang",   "ve xay",    "bo chinh",   "chinh tri"};
  std::set<std::string> out;
  std::string clause;
  auto flush = [&] {
    std::string f = Fold(clause);
    clause.clear();
    std::vector<std::string> words;
    size_t i = 0;
    while (i < f.size()) {
      size_t j = f.find(' ', i);
      if (j == std::string::npos) j = f.size();
      words.push_back(f.substr(i, j - i));
      i = j + 1;
    }
    for (size_t k = 0; k + 1 < words.size(); ++k) {
      std::string bg = words[k] + " " + words[k + 1];
      if (!kGeneric.count(bg)) out.insert(bg);
    }
  };
  for (char c : title) {
    if (c == ',' || c == ';' || c == '.' || c == ':' || c == '"' || c == '(' || c == ')') {
      flush();
    } else {
      clause += c;
    }
  }
  flush();
  return out;
}

// "<unit> <kind> <date>", "?" for an unknown unit.
std::string MeetingLabel(const MeetingNode& m) {
  std::string s = m.unit.empty() ? "?" : std::string(m.unit);
  if (!m.kind.empty()) (s += ' ') += m.kind;
  if (!m.date.empty()) (s += ' ') += m.date;
  return s;
}

bool IsIsoBound(std::string_view s) {
  static const std::regex kIso(R"(\d{4}(-\d{2}(-\d{2})?)?)");
  return std::regex_match(s.begin(), s.end(), kIso);
}

}  // namespace

std::string SentenceAround(std::string_view text, uint32_t start, uint32_t end) {
  if (start > text.size()) return {};
  if (end > text.size() || end < start) end = start;
  constexpr size_t kReach = 300;
  auto is_break = [&](size_t i) {  // a sentence ends at text[i]
    char c = text[i];
    if (c == '\n') return true;
    if (c == '.' || c == '!' || c == '?' || c == ';') {
      return i + 1 >= text.size() || text[i + 1] == ' ' || text[i + 1] == '\n';
    }
    return false;
  };
  size_t b = start;
  while (b > 0 && start - b < kReach && !is_break(b - 1)) --b;
  const bool cut_before = b > 0 && !is_break(b - 1);
  size_t e = end;
  while (e < text.size() && e - end < kReach && !is_break(e)) ++e;
  const bool cut_after = e < text.size() && !is_break(e);
  if (e < text.size() && text[e] != '\n') ++e;  // keep the full stop
  // A cut sentence is cut at a space (so at a UTF-8 boundary) and marked with "…".
  if (cut_before) {
    while (b < start && text[b] != ' ') ++b;
  }
  if (cut_after) {
    while (e > end && text[e - 1] != ' ') --e;
  }
  return (cut_before ? "… " : "") + Trim(text.substr(b, e - b)) + (cut_after ? " …" : "");
}
// ---- Storage ----------------------------------------------------------------------------

// The node tables and the strings they point into. Vertices are numbered by kind:
// articles [0, A), documents [A, A + D), units, then meetings, each kind by row id.
struct Graph::Tables {
  // Strings shared by many nodes (provinces, levels, kinds, dates, units, issuers, titles),
  // held once: one interner for the documents, one for the meetings (loaded in parallel).
  struct Interner {
    std::deque<std::string> pool;  // std::deque never moves its elements
    std::unordered_map<std::string_view, std::string_view> index;
    std::string_view operator()(std::string_view s) {
      if (s.empty()) return {};
      auto it = index.find(s);
      if (it != index.end()) return it->second;
      std::string_view kept = pool.emplace_back(s);
      index.emplace(kept, kept);
      return kept;
    }
  };
  Interner doc_strings, meeting_strings;
  // Strings held once each (document keys), in large blocks.
  std::vector<std::unique_ptr<char[]>> blocks;
  size_t block_left = 0;
  char* block_at = nullptr;
  std::deque<EdgeNote> notes;

  std::vector<int64_t> articles;  // row ids, ascending
  std::vector<DocumentNode> docs;  // by row id
  std::vector<UnitNode> units;     // by row id
  std::vector<MeetingNode> meetings;  // by row id
  // Per meeting: its sort key for reviews, (date rank, unit rank), ranks of the distinct
  // strings in byte order, the undated last.
  std::vector<uint64_t> meeting_order;
  uint32_t doc0 = 0, unit0 = 0, meeting0 = 0, end = 0;  // first vertex of each kind

  // Documents by key (indices into docs, sorted by key_text), by number (for Resolve,
  // built on first use).
  std::vector<uint32_t> docs_by_key;
  std::once_flag numbers_once;
  std::vector<std::pair<std::string, uint32_t>> docs_by_number;
  // "<code>" before the 2025 reform, "<code>@2025" after it (the reform reused codes) -> index
  std::unordered_map<std::string, uint32_t> units_by_code;

  // Evidence already read from the store, by edge: a busy document's lineage reads
  // hundreds of sentences, and is asked again. Emptied when it reaches kEvidenceKept.
  static constexpr size_t kEvidenceKept = 1 << 16;
  std::mutex evidence_mu;
  std::unordered_map<const EdgeData*, Evidence> evidence;
  static std::string CodeKey(std::string_view code, bool after_reform) {
    return std::string(code) + (after_reform ? "@2025" : "");
  }

  std::string_view Keep(std::string_view s) {
    if (s.empty()) return {};
    if (s.size() > block_left) {
      const size_t size = std::max<size_t>(s.size(), 1 << 20);
      blocks.emplace_back(new char[size]);
      block_at = blocks.back().get();
      block_left = size;
    }
    std::memcpy(block_at, s.data(), s.size());
    std::string_view kept(block_at, s.size());
    block_at += s.size();
    block_left -= s.size();
    return kept;
  }

  NodeKind KindOf(VertexId v) const {
    if (v < doc0) return NodeKind::kArticle;
    if (v < unit0) return NodeKind::kDocument;
    if (v < meeting0) return NodeKind::kUnit;
    return NodeKind::kMeeting;
  }
  const DocumentNode& Doc(VertexId v) const { return docs[v - doc0]; }
  const MeetingNode& Meeting(VertexId v) const { return meetings[v - meeting0]; }
  const UnitNode& Unit(VertexId v) const { return units[v - unit0]; }
  bool IsDocument(VertexId v) const { return v >= doc0 && v < unit0; }
};

// Read-only connections to the store for what the graph does not hold: articles' fields
// and texts, mention spans. Opened on first use, kept for the next reads (a few at most).
class Graph::Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  // Runs `body` with a connection; false when none could be opened.
  template <typename F>
  bool With(F&& body) {
    std::unique_ptr<sqlite::Database> db;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        db = std::move(free_.back());
        free_.pop_back();
      }
    }
    if (db == nullptr) {
      auto opened = sqlite::Database::Open(path_, sqlite::OpenMode::kReadOnly);
      if (!opened.ok()) return false;
      db = std::make_unique<sqlite::Database>(std::move(opened).value());
      (void)db->Exec("PRAGMA busy_timeout = 5000");
    }
    body(*db);
    std::lock_guard<std::mutex> lock(mu_);
    if (free_.size() < kKept) free_.push_back(std::move(db));
    return true;
  }

 private:
  static constexpr size_t kKept = 8;
  std::string path_;
  std::mutex mu_;
  std::vector<std::unique_ptr<sqlite::Database>> free_;
};

Graph::Graph() : t_(std::make_unique<Tables>()), cache_(std::make_unique<QueryCache>()) {}
Graph::~Graph() = default;

// ---- Loading ----------------------------------------------------------------------------

struct Graph::Loader {
  Loader(Graph& g, sqlite::Database& d, Tables& tables) : graph(g), db(d), t(tables) {}
  Graph& graph;
  sqlite::Database& db;
  Tables& t;
  // Row id -> index in its table; kNone for ids not loaded.
  static constexpr uint32_t kNone = UINT32_MAX;
  std::vector<uint32_t> doc_at, unit_at, meeting_at, article_at;
  // The edge list, in the order read (the CSR keeps that order per vertex).
  std::vector<std::pair<uint32_t, uint32_t>> ends;
  std::vector<EdgeData> data;
  std::vector<int64_t> first_article;  // per document: the smallest article naming it
  // Inferred edges the extraction stored (a steering committee named after the central
  // document), in edges.id order: document indices, article, weight, span.
  struct Extracted {
    uint32_t from, to;
    int64_t article_id;
    double weight;
    uint32_t start, end;
  };
  std::vector<Extracted> extracted_inferred;
  // reviews and launches, in (meeting, role, ordinal) order: (meeting index, document index)
  std::vector<std::pair<uint32_t, uint32_t>> covered;

  static uint32_t At(const std::vector<uint32_t>& at, int64_t id) {
    return id >= 0 && static_cast<uint64_t>(id) < at.size() ? at[static_cast<size_t>(id)] : kNone;
  }
  static void Place(std::vector<uint32_t>& at, int64_t id, uint32_t index) {
    if (id < 0) return;
    if (static_cast<uint64_t>(id) >= at.size()) at.resize(static_cast<size_t>(id) + 1, kNone);
    at[static_cast<size_t>(id)] = index;
  }
  void AddEdge(uint32_t from, uint32_t to, const EdgeData& e) {
    ends.emplace_back(from, to);
    data.push_back(e);
  }

  // With DIRGRAPH_GRAPH_TIMES set, each step's time goes to stderr (bench/scale.sh).
  const bool times = std::getenv("DIRGRAPH_GRAPH_TIMES") != nullptr;
  std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();
  void Lap(const char* step) {
    if (!times) return;
    const auto now = std::chrono::steady_clock::now();
    std::fprintf(stderr, "graph load: %-10s %7.1f ms\n", step,
                 std::chrono::duration<double, std::milli>(now - last).count());
    last = now;
  }

  Status Run(const std::string& path) {
    // Units and meetings on a second read-only connection, in parallel with articles and
    // documents (and the cutting of titles for inferred links). The two read transactions
    // start together; were an ingest to commit between them, rows naming what the other
    // did not see are skipped like any dangling reference.
    Status side_status;
    double side_ms = 0;
    // The stamp each read transaction saw: the graph is one state of the store (and may
    // be kept as a snapshot) only when they are the same.
    std::string side_stamp;
    DG_ASSIGN_OR_RETURN(std::string main_stamp, SnapshotStamp(db));
    std::thread side([&] {
      const auto start = std::chrono::steady_clock::now();
      try {
        side_status = [&]() -> Status {
          DG_ASSIGN_OR_RETURN(sqlite::Database side_db,
                                 sqlite::Database::Open(path, sqlite::OpenMode::kReadOnly));
          DG_RETURN_IF_ERROR(side_db.Exec("BEGIN"));
          DG_ASSIGN_OR_RETURN(side_stamp, SnapshotStamp(side_db));
          DG_RETURN_IF_ERROR(Units(side_db));
          DG_RETURN_IF_ERROR(Meetings(side_db));
          return side_db.Exec("COMMIT");
        }();
      } catch (const std::exception& e) {
        side_status = Status::Internal(path + ": loading the meetings failed: " + e.what());
      }
      side_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    });
    Status main_status = [&]() -> Status {
      DG_RETURN_IF_ERROR(Articles());
      Lap("articles");
      DG_RETURN_IF_ERROR(Documents());
      Lap("documents");
      CutTitles();
      Lap("titles");
      return Status::Ok();
    }();
    side.join();
    if (times) std::fprintf(stderr, "graph load: %-10s %7.1f ms (in parallel)\n", "meetings", side_ms);
    Lap("wait");
    DG_RETURN_IF_ERROR(main_status);
    DG_RETURN_IF_ERROR(side_status);
    if (main_stamp == side_stamp) graph.stamp_ = main_stamp;
    t.doc0 = static_cast<uint32_t>(t.articles.size());
    t.unit0 = t.doc0 + static_cast<uint32_t>(t.docs.size());
    t.meeting0 = t.unit0 + static_cast<uint32_t>(t.units.size());
    t.end = t.meeting0 + static_cast<uint32_t>(t.meetings.size());
    DG_RETURN_IF_ERROR(Mentions());
    Lap("mentions");
    DG_RETURN_IF_ERROR(Relations());
    PartOf();
    Lap("relations");
    DG_RETURN_IF_ERROR(MeetingEdges());
    Lap("meeting edges");
    Infer();
    Lap("inferred");
    Build();
    Lap("csr");
    return Status::Ok();
  }

  // Syllable pairs of every distinct title of a central or local Party document (rule (b)
  // of the inferred links). Titles are interned: one cut per distinct title.
  std::unordered_map<const char*, std::set<std::string>> bigrams_of;
  void CutTitles() {
    for (const DocumentNode& d : t.docs) {
      if (d.title.empty() || d.family != Family::kParty) continue;
      if (!bigrams_of.count(d.title.data())) bigrams_of.emplace(d.title.data(), TitleBigrams(d.title));
    }
  }

  Status Articles() {
    // Only the ids: read from the smallest index that holds them all, not from the
    // table (whose pages hold the texts).
    DG_ASSIGN_OR_RETURN(sqlite::Statement st, db.Prepare("SELECT id FROM articles"));
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      t.articles.push_back(st.ColumnInt(0));
    }
    std::sort(t.articles.begin(), t.articles.end());
    for (size_t i = 0; i < t.articles.size(); ++i) Place(article_at, t.articles[i], static_cast<uint32_t>(i));
    return Status::Ok();
  }

  Status Documents() {
    DG_ASSIGN_OR_RETURN(
        sqlite::Statement st,
        db.Prepare("SELECT id, key, issuer, jurisdiction, date, title FROM documents ORDER BY id"));
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      DocumentNode d;
      d.row_id = st.ColumnInt(0);
      const std::string_view key_text = st.ColumnView(1);
      auto key = DocumentKey::Parse(key_text);
      if (!key.ok()) {
        return Status::Corrupt(db.path() + ": document " + std::to_string(d.row_id) +
                               " has a bad key: " + key.status().message());
      }
      d.key_text = t.Keep(key_text);
      d.family = key->family;
      d.central = key->IsCentral();
      d.issuer = t.doc_strings(st.ColumnView(2));
      d.jurisdiction = t.doc_strings(st.ColumnView(3));
      d.date = t.doc_strings(st.ColumnView(4));
      d.title = t.doc_strings(st.ColumnView(5));
      Place(doc_at, d.row_id, static_cast<uint32_t>(t.docs.size()));
      t.docs.push_back(d);
    }
    first_article.assign(t.docs.size(), 0);
    t.docs_by_key.resize(t.docs.size());
    for (uint32_t i = 0; i < t.docs_by_key.size(); ++i) t.docs_by_key[i] = i;
    std::sort(t.docs_by_key.begin(), t.docs_by_key.end(),
              [&](uint32_t a, uint32_t b) { return t.docs[a].key_text < t.docs[b].key_text; });
    return Status::Ok();
  }

  Status Units(sqlite::Database& db) {
    DG_ASSIGN_OR_RETURN(
        sqlite::Statement st,
        db.Prepare("SELECT id, code, name, level, province, parent_code, slug, after_reform "
                   "FROM units ORDER BY id"));
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      UnitNode u;
      u.row_id = st.ColumnInt(0);
      u.code = st.ColumnText(1);
      u.name = st.ColumnText(2);
      u.level = st.ColumnText(3);
      u.province = st.ColumnText(4);
      u.parent_code = st.ColumnText(5);
      u.slug = st.ColumnText(6);
      u.after_reform = st.ColumnInt(7) != 0;
      const uint32_t index = static_cast<uint32_t>(t.units.size());
      if (!u.code.empty()) t.units_by_code[Tables::CodeKey(u.code, u.after_reform)] = index;
      Place(unit_at, u.row_id, index);
      t.units.push_back(std::move(u));
    }
    return Status::Ok();
  }

  // Meeting nodes; their edges come once every vertex has its number (MeetingEdges).
  std::vector<int64_t> meeting_unit, meeting_held_under;  // row ids; -1 when NULL

  Status Meetings(sqlite::Database& db) {
    DG_ASSIGN_OR_RETURN(
        sqlite::Statement st,
        db.Prepare("SELECT id, article_id, unit_id, unit, unit_level, province, kind, years, "
                   "date, date_inferred, chair, held_under FROM meetings ORDER BY id"));
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      MeetingNode m;
      m.row_id = st.ColumnInt(0);
      m.article_id = st.ColumnInt(1);
      m.unit = t.meeting_strings(st.ColumnView(3));
      m.unit_level = t.meeting_strings(st.ColumnView(4));
      m.province = t.meeting_strings(st.ColumnView(5));
      m.kind = t.meeting_strings(st.ColumnView(6));
      if (!st.ColumnIsNull(7)) m.years = static_cast<int>(st.ColumnInt(7));
      m.date = t.meeting_strings(st.ColumnView(8));
      m.date_inferred = st.ColumnInt(9) != 0;
      m.chair = t.meeting_strings(st.ColumnView(10));
      meeting_unit.push_back(st.ColumnIsNull(2) ? -1 : st.ColumnInt(2));
      meeting_held_under.push_back(st.ColumnIsNull(11) ? -1 : st.ColumnInt(11));
      Place(meeting_at, m.row_id, static_cast<uint32_t>(t.meetings.size()));
      t.meetings.push_back(m);
    }
    // Reviews sort meetings by (undated last, date, unit, id): rank the distinct dates and
    // units once so that a query compares integers.
    std::vector<std::string_view> dates, units;
    for (const MeetingNode& m : t.meetings) {
      dates.push_back(m.date);
      units.push_back(m.unit);
    }
    auto ranks = [](std::vector<std::string_view>& v) {
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
      std::unordered_map<const char*, uint32_t> rank;  // interned: one pointer per string
      for (size_t i = 0; i < v.size(); ++i) rank[v[i].data()] = static_cast<uint32_t>(i);
      return rank;
    };
    auto date_rank = ranks(dates), unit_rank = ranks(units);
    t.meeting_order.reserve(t.meetings.size());
    for (const MeetingNode& m : t.meetings) {
      const uint64_t d = m.date.empty() ? UINT32_MAX : date_rank[m.date.data()];
      t.meeting_order.push_back(d << 32 | unit_rank[m.unit.data()]);
    }
    return Status::Ok();
  }

  Status Mentions() {
    // One mentions edge per (article, document).
    DG_ASSIGN_OR_RETURN(sqlite::Statement st,
                           db.Prepare("SELECT article_id, document_id FROM article_documents"));
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      const int64_t article_id = st.ColumnInt(0);
      const uint32_t a = At(article_at, article_id), d = At(doc_at, st.ColumnInt(1));
      if (a == kNone || d == kNone) continue;
      EdgeData e;
      e.kind = EdgeKind::kMentions;
      e.article_id = article_id;
      AddEdge(a, t.doc0 + d, e);
      if (first_article[d] == 0 || article_id < first_article[d]) first_article[d] = article_id;
    }
    return Status::Ok();
  }

  Status Relations() {
    DG_ASSIGN_OR_RETURN(sqlite::Statement st,
                           db.Prepare("SELECT article_id, from_doc, rel, to_doc, evidence_start, "
                                      "evidence_end, inferred, weight FROM edges ORDER BY id"));
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      Relation rel;
      if (!ParseRelation(st.ColumnText(2), &rel)) {
        return Status::Corrupt(db.path() + ": unknown relation '" + st.ColumnText(2) + "'");
      }
      const uint32_t f = At(doc_at, st.ColumnInt(1)), to = At(doc_at, st.ColumnInt(3));
      if (f == kNone || to == kNone) continue;
      EdgeData e;
      e.kind = EdgeKindOf(rel);
      e.article_id = st.ColumnInt(0);
      e.evidence_start = static_cast<uint32_t>(st.ColumnInt(4));
      e.evidence_end = static_cast<uint32_t>(st.ColumnInt(5));
      e.inferred = st.ColumnInt(6) != 0;
      const double weight = st.ColumnDouble(7);
      if (e.inferred) {
        // Evidence (c) for Infer(), which weighs it with the other kinds.
        extracted_inferred.push_back({f, to, e.article_id, weight, e.evidence_start, e.evidence_end});
        continue;
      }
      if (weight != 1.0) e.note = &t.notes.emplace_back(EdgeNote{weight, "", false});
      AddEdge(t.doc0 + f, t.doc0 + to, e);
    }
    return Status::Ok();
  }

  void PartOf() {
    for (uint32_t i = 0; i < t.units.size(); ++i) {
      const UnitNode& u = t.units[i];
      if (u.parent_code.empty()) continue;
      auto p = t.units_by_code.find(Tables::CodeKey(u.parent_code, u.after_reform));
      if (p == t.units_by_code.end()) continue;
      EdgeData e;
      e.kind = EdgeKind::kPartOf;
      AddEdge(t.unit0 + i, t.unit0 + p->second, e);
    }
  }

  Status MeetingEdges() {
    for (uint32_t i = 0; i < t.meetings.size(); ++i) {
      const MeetingNode& m = t.meetings[i];
      const uint32_t v = t.meeting0 + i;
      if (const uint32_t u = At(unit_at, meeting_unit[i]); u != kNone) {
        EdgeData e;
        e.kind = EdgeKind::kHeld;
        e.article_id = m.article_id;
        AddEdge(t.unit0 + u, v, e);
      }
      if (const uint32_t a = At(article_at, m.article_id); a != kNone) {
        EdgeData e;
        e.kind = EdgeKind::kReports;
        e.article_id = m.article_id;
        AddEdge(a, v, e);
      }
    }
    for (uint32_t i = 0; i < t.meetings.size(); ++i) {
      if (const uint32_t d = At(doc_at, meeting_held_under[i]); d != kNone) {
        EdgeData e;
        e.kind = EdgeKind::kHeldUnder;
        e.article_id = t.meetings[i].article_id;
        AddEdge(t.meeting0 + i, t.doc0 + d, e);
      }
    }
    meeting_unit = {};
    meeting_held_under = {};
    DG_ASSIGN_OR_RETURN(sqlite::Statement md,
                           db.Prepare("SELECT meeting_id, role, document_id FROM "
                                      "meeting_documents ORDER BY meeting_id, role, ordinal"));
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool row, md.Step());
      if (!row) break;
      const uint32_t m = At(meeting_at, md.ColumnInt(0)), d = At(doc_at, md.ColumnInt(2));
      if (m == kNone || d == kNone) continue;
      EdgeData e;
      e.kind = md.ColumnView(1) == "launched" ? EdgeKind::kLaunches : EdgeKind::kReviews;
      e.article_id = t.meetings[m].article_id;
      AddEdge(t.meeting0 + m, t.doc0 + d, e);
      covered.emplace_back(m, d);
    }
    return Status::Ok();
  }

  // Inferred implements edges from a local Party document to a central one (see graph.h).
  void Infer() {
    auto is_local = [&](uint32_t d) { return t.docs[d].family == Family::kParty && !t.docs[d].central; };
    auto is_central = [&](uint32_t d) { return t.docs[d].central; };
    auto pair_key = [](uint32_t a, uint32_t b) {
      return static_cast<uint64_t>(std::min(a, b)) << 32 | std::max(a, b);
    };
    // Pairs (of document indices) with a stated relation, either way.
    std::unordered_set<uint64_t> stated;
    for (size_t i = 0; i < data.size(); ++i) {
      if (!IsDocumentRelation(data[i].kind)) continue;
      stated.insert(pair_key(ends[i].first - t.doc0, ends[i].second - t.doc0));
    }
    struct Candidate {
      double together = 0;  // (a)
      std::string together_why;
      int64_t article_id = 0;
      double titles = 0;  // (b)
      std::string titles_why;
      double steering = 0;  // (c)
      std::string steering_why;
      uint32_t steering_start = 0, steering_end = 0;
    };
    std::unordered_map<uint64_t, Candidate> found;  // (local << 32 | central) document indices

    // (a) Reviewed or launched together: meetings of one article, unit and date, taken in
    // the order of (article, unit, date), each group's members in meeting id order.
    std::vector<uint32_t> order;
    std::vector<uint32_t> first(t.meetings.size() + 1, 0);  // covered range per meeting
    for (const auto& [m, d] : covered) ++first[m + 1];
    for (size_t i = 1; i < first.size(); ++i) first[i] += first[i - 1];
    for (uint32_t m = 0; m < t.meetings.size(); ++m) {
      if (first[m + 1] > first[m]) order.push_back(m);
    }
    auto group_less = [&](uint32_t a, uint32_t b) {
      const MeetingNode &x = t.meetings[a], &y = t.meetings[b];
      if (x.article_id != y.article_id) return x.article_id < y.article_id;
      return std::tie(x.unit, x.date, x.row_id) < std::tie(y.unit, y.date, y.row_id);
    };
    std::sort(order.begin(), order.end(), group_less);
    auto same_group = [&](uint32_t a, uint32_t b) {
      const MeetingNode &x = t.meetings[a], &y = t.meetings[b];
      return x.article_id == y.article_id && x.unit == y.unit && x.date == y.date;
    };
    std::vector<uint32_t> members;
    for (size_t i = 0; i < order.size();) {
      size_t j = i;
      members.clear();
      while (j < order.size() && same_group(order[i], order[j])) {
        for (uint32_t k = first[order[j]]; k < first[order[j] + 1]; ++k) members.push_back(covered[k].second);
        ++j;
      }
      // The group's first meeting by id, among all its meetings (some may cover nothing;
      // an article's meetings have consecutive ids).
      uint32_t label = order[i];
      for (uint32_t m = order[i]; m-- > 0 && t.meetings[m].article_id == t.meetings[order[i]].article_id;) {
        if (same_group(m, order[i])) label = m;
      }
      for (uint32_t l : members) {
        if (!is_local(l)) continue;
        for (uint32_t c : members) {
          if (!is_central(c) || stated.count(pair_key(l, c))) continue;
          Candidate& cand = found[static_cast<uint64_t>(l) << 32 | c];
          if (cand.together > 0) {
            cand.together = std::min(0.75, cand.together + 0.25);
            continue;
          }
          const MeetingNode& lm = t.meetings[label];
          cand.together = 0.5;
          cand.article_id = lm.article_id;
          cand.together_why = "reviewed together at " + MeetingLabel(lm) + " (article " +
                              std::to_string(lm.article_id) + ")";
        }
      }
      i = j;
    }

    // (c) A steering committee named after the central document, in the local one's
    //     article (ingest/extract.cc, FindSteering). One article's evidence keeps its own
    //     weight; each further article adds to it.
    for (const Extracted& x : extracted_inferred) {
      if (!is_local(x.from) || !is_central(x.to) || stated.count(pair_key(x.from, x.to))) continue;
      Candidate& cand = found[static_cast<uint64_t>(x.from) << 32 | x.to];
      if (cand.steering > 0) {
        cand.steering = std::min(0.7, cand.steering + 0.1);
        continue;
      }
      cand.steering = x.weight;
      cand.steering_why = "the steering committee named after it is named in article " +
                          std::to_string(x.article_id);
      cand.steering_start = x.start;
      cand.steering_end = x.end;
      if (cand.article_id == 0) cand.article_id = x.article_id;
    }

    // (b) The local title carries the central one's subject: an inverted index from the
    // central titles' syllable pairs to the centrals, so that each local title meets only
    // the centrals it shares a pair with (titles cut by CutTitles).
    auto bigrams = [&](std::string_view title) -> const std::set<std::string>& {
      return bigrams_of.at(title.data());
    };
    std::vector<uint32_t> centrals;
    std::unordered_map<std::string_view, std::vector<uint32_t>> index;  // pair -> centrals
    for (uint32_t d = 0; d < t.docs.size(); ++d) {
      if (t.docs[d].title.empty() || !is_central(d)) continue;
      for (const std::string& bg : bigrams(t.docs[d].title)) index[bg].push_back(d);
    }
    std::unordered_map<uint32_t, size_t> shared_count;
    for (uint32_t l = 0; l < t.docs.size(); ++l) {
      if (t.docs[l].title.empty() || !is_local(l)) continue;
      const std::set<std::string>& lb = bigrams(t.docs[l].title);
      shared_count.clear();
      for (const std::string& bg : lb) {
        auto it = index.find(bg);
        if (it == index.end()) continue;
        for (uint32_t c : it->second) ++shared_count[c];
      }
      for (const auto& [c, n] : shared_count) {
        const std::set<std::string>& cb = bigrams(t.docs[c].title);
        const double ratio = static_cast<double>(n) / static_cast<double>(cb.size());
        if (n < 3 || ratio < 0.25 || stated.count(pair_key(l, c))) continue;
        std::vector<std::string> shared;
        std::set_intersection(lb.begin(), lb.end(), cb.begin(), cb.end(), std::back_inserter(shared));
        Candidate& cand = found[static_cast<uint64_t>(l) << 32 | c];
        cand.titles = std::min(0.6, ratio);
        std::string words;
        for (size_t i = 0; i < shared.size() && i < 6; ++i) words += (i ? ", " : "") + shared[i];
        char pct[16];
        std::snprintf(pct, sizeof pct, "%.0f%%", ratio * 100);
        cand.titles_why = std::string("titles share ") + pct + " of the central subject (" +
                          words + (shared.size() > 6 ? ", …" : "") + ")";
      }
    }

    std::vector<uint64_t> keys;
    keys.reserve(found.size());
    for (const auto& [k, cand] : found) keys.push_back(k);
    std::sort(keys.begin(), keys.end());
    for (uint64_t k : keys) {
      const Candidate& cand = found[k];
      const uint32_t l = static_cast<uint32_t>(k >> 32), c = static_cast<uint32_t>(k);
      EdgeData e;
      e.kind = EdgeKind::kImplements;
      e.inferred = true;
      EdgeNote note;
      note.weight = 1.0 - (1.0 - cand.together) * (1.0 - cand.titles) * (1.0 - cand.steering);
      note.why = cand.together_why;
      for (const std::string* more : {&cand.titles_why, &cand.steering_why}) {
        if (!more->empty()) note.why += (note.why.empty() ? "" : "; ") + *more;
      }
      if (cand.together == 0 && cand.steering > 0) {
        e.evidence_start = cand.steering_start;  // the committee's name
        e.evidence_end = cand.steering_end;
      } else {
        note.span_from_mentions = true;  // the local document's first mention, when shown
      }
      e.article_id = cand.article_id != 0 ? cand.article_id : first_article[l];
      e.note = &t.notes.emplace_back(std::move(note));
      AddEdge(t.doc0 + l, t.doc0 + c, e);
    }
  }

  void Build() {
    graph.g_ = BoostGraph(boost::edges_are_unsorted_multi_pass, ends.begin(), ends.end(),
                          data.begin(), t.end);
    ends = {};
    data = {};
  }
};

Result<std::unique_ptr<Graph>> Graph::Load(const Store& store) {
  std::unique_ptr<Graph> graph(new Graph());
  Loader loader(*graph, store.database(), *graph->t_);
  try {
    DG_RETURN_IF_ERROR(sqlite::WithSavepoint(store.database(), "graph_load",
                                             [&] { return loader.Run(store.path()); }));
  } catch (const std::exception& e) {
    return Status::Internal(store.path() + ": loading the graph failed: " + e.what());
  }
  graph->reader_ = std::make_unique<Reader>(store.path());
  // Loading freed many small blocks (the maps of Infer, the rows' strings); give the free
  // pages back to the system so that the process's RSS is the graph's.
#if defined(DIRGRAPH_TCMALLOC)
  MallocExtension_ReleaseFreeMemory();
#elif defined(__GLIBC__)
  malloc_trim(0);
#endif
  return graph;
}

// ---- Nodes and edges --------------------------------------------------------------------

size_t Graph::node_count() const { return boost::num_vertices(g_); }
size_t Graph::edge_count() const { return boost::num_edges(g_); }
NodeKind Graph::kind(VertexId v) const { return t_->KindOf(v); }
const DocumentNode& Graph::document(VertexId v) const {
  assert(t_->IsDocument(v));
  return t_->Doc(v);
}
const MeetingNode& Graph::meeting(VertexId v) const {
  assert(t_->KindOf(v) == NodeKind::kMeeting);
  return t_->Meeting(v);
}

std::string Graph::IdOf(VertexId v) const {
  switch (t_->KindOf(v)) {
    case NodeKind::kDocument: return std::string(t_->Doc(v).key_text);
    case NodeKind::kUnit: {
      const UnitNode& u = t_->Unit(v);
      // "unit:760" before the 2025 reform, "unit:26734@2025" after it: the reform reused codes.
      return u.code.empty() ? "unit:#" + std::to_string(u.row_id)
                            : "unit:" + Tables::CodeKey(u.code, u.after_reform);
    }
    case NodeKind::kMeeting: return "meeting:" + std::to_string(t_->Meeting(v).row_id);
    case NodeKind::kArticle: return "article:" + std::to_string(t_->articles[v]);
  }
  return {};
}

Node Graph::node(VertexId v) const {
  assert(v < t_->end);
  Node n;
  n.kind = t_->KindOf(v);
  n.id = IdOf(v);
  n.graph_ = this;
  n.vertex_ = v;
  switch (n.kind) {
    case NodeKind::kDocument: n.data_ = &t_->Doc(v); break;
    case NodeKind::kUnit: n.data_ = &t_->Unit(v); break;
    case NodeKind::kMeeting: n.data_ = &t_->Meeting(v); break;
    case NodeKind::kArticle: break;
  }
  return n;
}

const DocumentNode& Node::document() const {
  assert(kind == NodeKind::kDocument);
  return *static_cast<const DocumentNode*>(data_);
}
const UnitNode& Node::unit() const {
  assert(kind == NodeKind::kUnit);
  return *static_cast<const UnitNode*>(data_);
}
const MeetingNode& Node::meeting() const {
  assert(kind == NodeKind::kMeeting);
  return *static_cast<const MeetingNode*>(data_);
}
const ArticleNode& Node::article() const {
  assert(kind == NodeKind::kArticle);
  if (!article_) article_ = graph_->Article(graph_->t_->articles[vertex_]);
  return *article_;
}

std::string Node::Label() const {
  switch (kind) {
    case NodeKind::kDocument: return document().key().Code();
    case NodeKind::kUnit: return unit().name;
    case NodeKind::kMeeting: return MeetingLabel(meeting());
    case NodeKind::kArticle: return article().title.empty() ? article().url : article().title;
  }
  return id;
}

DocumentKey DocumentNode::key() const {
  auto k = DocumentKey::Parse(key_text);
  assert(k.ok());  // every key was parsed when the graph was loaded
  return k.ok() ? std::move(k).value() : DocumentKey{};
}

ArticleNode Graph::Article(int64_t article_id) const {
  ArticleNode a;
  a.row_id = article_id;
  reader_->With([&](sqlite::Database& db) {
    auto st = db.Cached("SELECT url, file, title, published, site FROM articles WHERE id = ?");
    if (!st.ok() || !st->BindAll(article_id).ok()) return;
    auto row = st->Step();
    if (!row.ok() || !row.value()) return;
    a.url = st->ColumnText(0);
    a.file = st->ColumnText(1);
    a.title = st->ColumnText(2);
    a.published = st->ColumnText(3);
    a.site = st->ColumnText(4);
  });
  return a;
}

std::vector<int64_t> Graph::ArticlesOf(VertexId v) const {
  std::vector<int64_t> out;
  if (!t_->IsDocument(v)) return out;
  for (auto [it, end] = boost::in_edges(v, g_); it != end; ++it) {
    if (g_[*it].kind == EdgeKind::kMentions) out.push_back(g_[*it].article_id);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

// Compares the stable ids of two vertices as strings, without building them for the
// documents (the most compared).
struct IdLess {
  const Graph& g;
  bool operator()(VertexId a, VertexId b) const {
    if (g.kind(a) == NodeKind::kDocument && g.kind(b) == NodeKind::kDocument) {
      return g.document(a).key_text < g.document(b).key_text;
    }
    return g.IdOf(a) < g.IdOf(b);
  }
};

}  // namespace

std::vector<VertexId> Graph::NodeIds() const {
  std::vector<std::pair<std::string, VertexId>> ids;
  ids.reserve(node_count());
  for (VertexId v = 0; v < node_count(); ++v) ids.emplace_back(IdOf(v), v);
  std::sort(ids.begin(), ids.end());
  std::vector<VertexId> out;
  out.reserve(ids.size());
  for (const auto& [id, v] : ids) out.push_back(v);
  return out;
}

namespace {

void SortEdges(const Graph& g, std::vector<EdgeRef>* edges) {
  // Ids computed once per vertex met, not once per comparison.
  std::unordered_map<VertexId, std::string> ids;
  auto id = [&](VertexId v) -> const std::string& {
    auto it = ids.find(v);
    if (it == ids.end()) it = ids.emplace(v, g.IdOf(v)).first;
    return it->second;
  };
  for (const EdgeRef& e : *edges) {
    id(e.from);
    id(e.to);
  }
  std::sort(edges->begin(), edges->end(), [&](const EdgeRef& a, const EdgeRef& b) {
    auto key = [&](const EdgeRef& e) {
      return std::make_tuple(std::cref(ids.at(e.from)), static_cast<int>(e.data->kind),
                             std::cref(ids.at(e.to)), e.data->inferred, e.data->article_id,
                             e.data->evidence_start);
    };
    return key(a) < key(b);
  });
}

}  // namespace

std::vector<EdgeRef> Graph::Edges() const {
  std::vector<EdgeRef> out;
  out.reserve(boost::num_edges(g_));
  for (auto [it, end] = boost::edges(g_); it != end; ++it) {
    out.push_back({boost::source(*it, g_), boost::target(*it, g_), &g_[*it]});
  }
  SortEdges(*this, &out);
  return out;
}

std::vector<EdgeRef> Graph::OutEdges(VertexId v) const {
  std::vector<EdgeRef> out;
  for (auto [it, end] = boost::out_edges(v, g_); it != end; ++it) {
    out.push_back({v, boost::target(*it, g_), &g_[*it]});
  }
  SortEdges(*this, &out);
  return out;
}

std::vector<EdgeRef> Graph::InEdges(VertexId v) const {
  std::vector<EdgeRef> out;
  for (auto [it, end] = boost::in_edges(v, g_); it != end; ++it) {
    out.push_back({boost::source(*it, g_), v, &g_[*it]});
  }
  SortEdges(*this, &out);
  return out;
}

namespace {

// "<kind>:<number>" -> number, or -1.
int64_t IdNumber(std::string_view id, std::string_view prefix) {
  if (!id.starts_with(prefix) || id.size() == prefix.size() || id.size() - prefix.size() > 18) return -1;
  int64_t n = 0;
  for (char c : id.substr(prefix.size())) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  // "meeting:012" is not the id of meeting 12.
  if (id.size() - prefix.size() > 1 && id[prefix.size()] == '0') return -1;
  return n;
}

}  // namespace

std::optional<VertexId> Graph::FindById(std::string_view id) const {
  if (auto v = FindDocument(id)) return v;
  if (int64_t n = IdNumber(id, "article:"); n >= 0) return FindArticle(n);
  if (int64_t n = IdNumber(id, "meeting:"); n >= 0) {
    auto it = std::lower_bound(t_->meetings.begin(), t_->meetings.end(), n,
                               [](const MeetingNode& m, int64_t x) { return m.row_id < x; });
    if (it != t_->meetings.end() && it->row_id == n) {
      return t_->meeting0 + static_cast<VertexId>(it - t_->meetings.begin());
    }
    return std::nullopt;
  }
  if (int64_t n = IdNumber(id, "unit:#"); n >= 0) {
    for (size_t i = 0; i < t_->units.size(); ++i) {
      if (t_->units[i].row_id == n && t_->units[i].code.empty()) return t_->unit0 + static_cast<VertexId>(i);
    }
    return std::nullopt;
  }
  if (id.starts_with("unit:") && !id.starts_with("unit:#")) {
    auto it = t_->units_by_code.find(std::string(id.substr(5)));
    if (it != t_->units_by_code.end()) return t_->unit0 + it->second;
  }
  return std::nullopt;
}

std::optional<VertexId> Graph::FindDocument(std::string_view canonical_key) const {
  const auto& by_key = t_->docs_by_key;
  auto it = std::lower_bound(by_key.begin(), by_key.end(), canonical_key,
                             [&](uint32_t d, std::string_view k) { return t_->docs[d].key_text < k; });
  if (it == by_key.end() || t_->docs[*it].key_text != canonical_key) return std::nullopt;
  return t_->doc0 + *it;
}

std::optional<VertexId> Graph::FindArticle(int64_t article_id) const {
  auto it = std::lower_bound(t_->articles.begin(), t_->articles.end(), article_id);
  if (it == t_->articles.end() || *it != article_id) return std::nullopt;
  return static_cast<VertexId>(it - t_->articles.begin());
}

// ---- Lookup -----------------------------------------------------------------------------

namespace {

// What a typed key asks for, folded (ASCII, lower case).
struct KeyQuery {
  std::vector<std::string> types;  // accepted folded type codes; empty = any
  std::string number;              // without leading zeros
  std::string suffix;              // folded; empty = any
  std::string year;                // state codes
  std::string place;               // folded words of the place ("ho chi minh"); empty = any
  std::string term;                // folded roman numeral; empty = any
};

// Folded type words, longest first, with the codes they name.
const std::vector<std::pair<std::string, std::vector<std::string>>>& TypeWords() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kWords = {
      {"chuong trinh hanh dong", {"ctr"}},
      {"nghi quyet", {"nq"}},   {"chi thi", {"ct"}},     {"ket luan", {"kl"}},
      {"quy dinh", {"qd", "qdi"}}, {"quyet dinh", {"qd"}}, {"de an", {"da"}},
      {"ke hoach", {"kh"}},     {"chuong trinh", {"ctr"}}, {"huong dan", {"hd"}},
      {"thong bao", {"tb"}},    {"bao cao", {"bc"}},     {"nghi dinh", {"nd"}},
      {"thong tu", {"tt"}},     {"cong van", {"cv"}},
  };
  return kWords;
}

Result<KeyQuery> ParseKeyQuery(std::string_view text) {
  KeyQuery q;
  std::string s = FoldForMatch(text, true);
  // A place in parentheses at the end: "05-ĐA/TU (Thành phố Hồ Chí Minh)".
  if (!s.empty() && s.back() == ')') {
    size_t open = s.rfind('(');
    if (open != std::string::npos) {
      q.place = Fold(s.substr(open + 1, s.size() - open - 2));
      s = Trim(s.substr(0, open));
    }
  }
  // "@scope[#term]".
  if (size_t at = s.find('@'); at != std::string::npos) {
    std::string scope = s.substr(at + 1);
    s = Trim(s.substr(0, at));
    if (size_t hash = scope.find('#'); hash != std::string::npos) {
      q.term = Trim(scope.substr(hash + 1));
      scope = scope.substr(0, hash);
    }
    std::string place = Fold(scope);  // "ho-chi-minh" -> "ho chi minh", dots too
    if (place != "tw" && place != "vn" && !place.empty()) q.place = place;
  }
  // A leading type word, then "số".
  std::vector<std::string> word_types;
  for (const auto& [word, codes] : TypeWords()) {
    if (s.starts_with(word) && (s.size() == word.size() || s[word.size()] == ' ')) {
      word_types = codes;
      s = Trim(s.substr(word.size()));
      break;
    }
  }
  if (s.starts_with("so ")) s = Trim(s.substr(3));
  std::smatch m;
  static const std::regex kParty(R"(^(\d+)\s*-\s*([a-z]+)\s*/\s*([a-z]+)$)");
  static const std::regex kState(R"(^(\d+)\s*/\s*(?:(\d{4})\s*/\s*)?([a-z]+)\s*-\s*([a-z]+)$)");
  static const std::regex kShort(R"(^([a-z]+)\s*(\d+)$)");
  static const std::regex kNumber(R"(^(\d+)$)");
  auto strip = [](const std::string& digits) { return StripLeadingZeros(digits); };
  if (std::regex_match(s, m, kParty)) {
    q.number = strip(m[1]);
    q.types = {m[2]};
    q.suffix = m[3];
  } else if (std::regex_match(s, m, kState)) {
    q.number = strip(m[1]);
    q.year = m[2];
    q.types = {m[3]};
    q.suffix = m[4];
  } else if (std::regex_match(s, m, kShort) && word_types.empty()) {
    q.number = strip(m[2]);
    q.types = {m[1]};
  } else if (std::regex_match(s, m, kNumber) && !word_types.empty()) {
    q.number = strip(m[1]);
    q.types = word_types;
  } else {
    return Status::Invalid("'" + std::string(text) +
                           "' is not a document key (try 35-NQ/TW, NQ 35, "
                           "'Nghị quyết 35-NQ/TW' or 05-ĐA/TU@ho-chi-minh)");
  }
  if (q.types.size() == 1 && q.types[0] == "qd" && word_types.size() == 2) q.types = word_types;
  return q;
}

// True when the folded words of `place` occur as whole words in `haystack`.
bool HasWords(const std::string& haystack, const std::string& place) {
  std::string h = " " + haystack + " ";
  return h.find(" " + place + " ") != std::string::npos;
}

bool Matches(const KeyQuery& q, const DocumentNode& d) {
  const DocumentKey k = d.key();
  if (k.number != q.number) return false;
  if (!q.types.empty() &&
      std::find(q.types.begin(), q.types.end(), Fold(k.type)) == q.types.end()) {
    return false;
  }
  if (!q.suffix.empty() && Fold(k.suffix) != q.suffix) return false;
  if (!q.year.empty() && k.year != q.year) return false;
  if (!q.term.empty() && Fold(k.term) != q.term) return false;
  if (!q.place.empty()) {
    std::string places = Fold(k.scope) + " | " + Fold(d.jurisdiction);
    if (!HasWords(places, q.place)) return false;
  }
  return true;
}

}  // namespace

Result<VertexId> Graph::Resolve(std::string_view key_text) const {
  const std::string text = Trim(key_text);
  if (text.empty()) return Status::Invalid("empty document key");
  // A canonical key, exactly (NFC or not).
  if (auto v = FindDocument(text)) return *v;
  if (auto parsed = DocumentKey::Parse(text); parsed.ok()) {
    if (auto v = FindDocument(parsed->ToString())) return *v;
  }
  DG_ASSIGN_OR_RETURN(KeyQuery q, ParseKeyQuery(text));
  // Documents by number, built on the first lookup (the server resolves by SQL instead).
  std::call_once(t_->numbers_once, [&] {
    auto& by_number = t_->docs_by_number;
    by_number.reserve(t_->docs.size());
    for (uint32_t d = 0; d < t_->docs.size(); ++d) by_number.emplace_back(t_->docs[d].key().number, d);
    std::sort(by_number.begin(), by_number.end());
  });
  std::vector<VertexId> hits;
  const auto& by_number = t_->docs_by_number;
  for (auto it = std::lower_bound(by_number.begin(), by_number.end(), std::pair<std::string, uint32_t>(q.number, 0));
       it != by_number.end() && it->first == q.number; ++it) {
    if (Matches(q, t_->docs[it->second])) hits.push_back(t_->doc0 + it->second);
  }
  std::sort(hits.begin(), hits.end(), IdLess{*this});
  if (hits.size() == 1) return hits.front();
  if (hits.size() > 1) {
    std::string list;
    for (VertexId v : hits) list += (list.empty() ? "" : ", ") + IdOf(v);
    const DocumentKey first = t_->Doc(hits.front()).key();
    return Status::Conflict("'" + text + "' names " + std::to_string(hits.size()) +
                            " documents: " + list + " (give the key, or a scoped code such as " +
                            first.Code() + "@" + first.scope + ")");
  }
  // Did you mean: the same number and type anywhere, or codes a few edits away.
  std::string want = q.number + "-" + (q.types.empty() ? "" : q.types.front()) + "/" + q.suffix;
  std::vector<std::pair<size_t, std::string>> close;
  for (const DocumentNode& d : t_->docs) {
    const DocumentKey k = d.key();
    std::string code = k.number + "-" + Fold(k.type) + "/" + Fold(k.suffix);
    size_t dist = EditDistance(want, code);
    if (k.number == q.number) dist = std::min<size_t>(dist, 1);
    if (dist <= 2) close.emplace_back(dist, std::string(d.key_text));
  }
  std::sort(close.begin(), close.end());
  std::string msg = "no document '" + text + "'";
  if (!close.empty()) {
    msg += "; did you mean ";
    for (size_t i = 0; i < close.size() && i < 5; ++i) msg += (i ? ", " : "") + close[i].second;
    msg += "?";
  }
  return Status::NotFound(msg);
}

// ---- Queries ----------------------------------------------------------------------------

Evidence Graph::EvidenceOf(EdgeRef ref) const {
  const EdgeData& e = *ref.data;
  {
    std::lock_guard<std::mutex> lock(t_->evidence_mu);
    auto it = t_->evidence.find(&e);
    if (it != t_->evidence.end()) return it->second;
  }
  Evidence ev = ReadEvidence(ref);
  std::lock_guard<std::mutex> lock(t_->evidence_mu);
  if (t_->evidence.size() >= Tables::kEvidenceKept) t_->evidence.clear();
  t_->evidence.emplace(&e, ev);
  return ev;
}

Evidence Graph::ReadEvidence(EdgeRef ref) const {
  const EdgeData& e = *ref.data;
  Evidence ev;
  ev.kind = e.kind;
  ev.inferred = e.inferred;
  ev.weight = e.weight();
  ev.why = std::string(e.why());
  ev.article_id = e.article_id;
  ev.start = e.evidence_start;
  ev.end = e.evidence_end;
  if (e.article_id == 0) return ev;
  const bool look_up_span = e.note != nullptr && e.note->span_from_mentions && t_->IsDocument(ref.from);
  reader_->With([&](sqlite::Database& db) {
    if (look_up_span) {
      auto st = db.Cached(
          "SELECT span_start, span_end FROM mentions WHERE article_id = ? AND document_id = ? "
          "ORDER BY span_start LIMIT 1");
      if (st.ok() && st->BindAll(e.article_id, t_->Doc(ref.from).row_id).ok()) {
        auto row = st->Step();
        if (row.ok() && row.value()) {
          ev.start = static_cast<uint32_t>(st->ColumnInt(0));
          ev.end = static_cast<uint32_t>(st->ColumnInt(1));
        }
      }
    }
    auto st = db.Cached("SELECT url, text FROM articles WHERE id = ?");
    if (!st.ok() || !st->BindAll(e.article_id).ok()) return;
    auto row = st->Step();
    if (!row.ok() || !row.value()) return;
    ev.url = st->ColumnText(0);
    if (ev.end > ev.start) ev.sentence = SentenceAround(st->ColumnView(1), ev.start, ev.end);
  });
  return ev;
}

namespace {

// Implements edges of `v` in one direction: (neighbour, edge), stated before inferred, the
// strongest first, then by neighbour id; one edge per neighbour.
std::vector<std::pair<VertexId, EdgeRef>> ImplementsNeighbours(const Graph& graph, VertexId v, bool up,
                                                               bool inferred) {
  const BoostGraph& g = graph.boost_graph();
  std::vector<std::pair<VertexId, EdgeRef>> out;
  auto take = [&](VertexId n, VertexId from, VertexId to, const EdgeData& e) {
    if (e.kind != EdgeKind::kImplements || (e.inferred && !inferred)) return;
    out.emplace_back(n, EdgeRef{from, to, &e});
  };
  if (up) {
    for (auto [it, end] = boost::out_edges(v, g); it != end; ++it) {
      take(boost::target(*it, g), v, boost::target(*it, g), g[*it]);
    }
  } else {
    for (auto [it, end] = boost::in_edges(v, g); it != end; ++it) {
      take(boost::source(*it, g), boost::source(*it, g), v, g[*it]);
    }
  }
  auto key = [&](const std::pair<VertexId, EdgeRef>& x) {
    return std::make_tuple(graph.document(x.first).key_text, x.second.data->inferred,
                           -x.second.data->weight(), x.second.data->article_id);
  };
  std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) { return key(a) < key(b); });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const auto& a, const auto& b) { return a.first == b.first; }),
            out.end());
  return out;
}

}  // namespace

std::shared_ptr<const Graph::LineageOrder> Graph::OrderOf(VertexId root, bool up, bool inferred,
                                                          int max_depth) const {
  const QueryCache::Key key{up ? 0 : 1, root, inferred, max_depth};
  return cache_->lineages.Get(key, [&] {
    auto order = std::make_shared<LineageOrder>();
    order->root = root;
    order->up = up;
    std::vector<LineageOrder::Item>& items = order->items;
    const IdLess id_less{*this};
    // Breadth first; parent links give each document its shortest path. `seen` maps a
    // document to its index in items (kRoot for the root).
    std::unordered_map<VertexId, uint32_t> seen{{root, LineageOrder::kRoot}};
    std::set<std::string> cycles;
    auto depth_of = [&](uint32_t i) { return i == LineageOrder::kRoot ? 0u : items[i].depth; };
    auto path_to = [&](uint32_t i) {
      std::vector<VertexId> p;
      if (i != LineageOrder::kRoot) p = order->PathTo(i);
      else p.push_back(root);
      return p;
    };
    for (size_t next = 0;; ++next) {
      // The root first, then the items in the order they were reached.
      const uint32_t at = next == 0 ? LineageOrder::kRoot : static_cast<uint32_t>(next - 1);
      if (at != LineageOrder::kRoot && at >= items.size()) break;
      const VertexId v = at == LineageOrder::kRoot ? root : items[at].document;
      for (const auto& [n, e] : ImplementsNeighbours(*this, v, up, inferred)) {
        auto found = seen.find(n);
        if (found != seen.end()) {
          // A neighbour on v's own path closes a cycle.
          std::vector<VertexId> p = path_to(at);
          auto on = std::find(p.begin(), p.end(), n);
          if (on != p.end()) {
            std::vector<VertexId> cyc(on, p.end());
            if (!up) std::reverse(cyc.begin(), cyc.end());  // in edge direction
            auto min = std::min_element(cyc.begin(), cyc.end(), id_less);
            std::rotate(cyc.begin(), min, cyc.end());
            std::string s;
            for (VertexId c : cyc) s += node(c).Label() + " -> ";
            s += node(cyc.front()).Label();
            cycles.insert(s);
          }
          continue;
        }
        if (max_depth > 0 && static_cast<int>(depth_of(at)) + 1 > max_depth) continue;
        seen.emplace(n, static_cast<uint32_t>(items.size()));
        items.push_back({n, at, depth_of(at) + 1, e.data});
      }
    }
    order->sorted.resize(items.size());
    for (uint32_t i = 0; i < items.size(); ++i) order->sorted[i] = i;
    std::sort(order->sorted.begin(), order->sorted.end(), [&](uint32_t a, uint32_t b) {
      if (items[a].depth != items[b].depth) return items[a].depth < items[b].depth;
      return id_less(items[a].document, items[b].document);
    });
    order->cycles.assign(cycles.begin(), cycles.end());
    return std::shared_ptr<const LineageOrder>(std::move(order));
  });
}

Result<Lineage> Graph::GetLineage(VertexId document, const LineageOptions& options) const {
  if (document >= node_count() || !t_->IsDocument(document)) {
    return Status::Invalid("lineage: not a document node");
  }
  if (options.after && options.after->direction != options.direction) {
    return Status::Invalid("lineage: a page after an entry is of that entry's direction only");
  }
  Lineage out;
  out.root = document;
  std::set<std::string> cycles;
  // Each edge's evidence read once, however many paths of the page go through it.
  std::unordered_map<const EdgeData*, Evidence> evidence;
  auto evidence_of = [&](EdgeRef e) -> const Evidence& {
    auto it = evidence.find(e.data);
    if (it == evidence.end()) it = evidence.emplace(e.data, EvidenceOf(e)).first;
    return it->second;
  };
  for (bool up : {true, false}) {
    if (up && options.direction == Direction::kDown) continue;
    if (!up && options.direction == Direction::kUp) continue;
    const Direction dir = up ? Direction::kUp : Direction::kDown;
    auto order = OrderOf(document, up, options.inferred, options.depth);
    LineageCount& count = up ? out.up : out.down;
    count.asked = true;
    count.total = order->size();
    cycles.insert(order->cycles.begin(), order->cycles.end());
    // The page: after the position asked, in (depth, stable id) order.
    auto first = order->sorted.begin();
    if (options.after) {
      const LineagePosition& p = *options.after;
      first = std::upper_bound(order->sorted.begin(), order->sorted.end(), p,
                               [&](const LineagePosition& pos, uint32_t i) {
                                 const auto& it = order->items[i];
                                 if (static_cast<int>(it.depth) != pos.depth) {
                                   return pos.depth < static_cast<int>(it.depth);
                                 }
                                 return std::string_view(pos.key) < t_->Doc(it.document).key_text;
                               });
    }
    const size_t left = static_cast<size_t>(order->sorted.end() - first);
    const size_t n = options.limit == 0 ? left : std::min(left, options.limit);
    for (auto at = first; at != first + static_cast<std::ptrdiff_t>(n); ++at) {
      LineageEntry entry;
      entry.document = order->items[*at].document;
      entry.direction = dir;
      entry.path = order->PathTo(*at);
      entry.depth = static_cast<int>(entry.path.size()) - 1;
      std::vector<uint32_t> chain;  // the items of the path, root side first
      for (uint32_t i = *at; i != LineageOrder::kRoot; i = order->items[i].parent) chain.push_back(i);
      for (auto i = chain.rbegin(); i != chain.rend(); ++i) {
        entry.steps.push_back(evidence_of(order->EdgeOf(*i)));
      }
      out.entries.push_back(std::move(entry));
    }
    if (n < left) {
      const auto& last = order->items[*(first + static_cast<std::ptrdiff_t>(n) - 1)];
      count.next = LineagePosition{dir, static_cast<int>(last.depth),
                                   std::string(t_->Doc(last.document).key_text)};
    }
  }
  out.cycles.assign(cycles.begin(), cycles.end());
  return out;
}

std::shared_ptr<const Graph::ReviewOrder> Graph::ReviewOrderOf(VertexId document) const {
  const QueryCache::Key key{2, document, false, 0};
  return cache_->reviews.Get(key, [&] {
    auto order = std::make_shared<ReviewOrder>();
    // The documents implementing X, transitively (stated links), each with its shortest
    // path, in lineage order: a meeting covering several is listed under the first.
    order->docs = OrderOf(document, /*up=*/false, /*inferred=*/false, /*depth=*/0);
    const LineageOrder& docs = *order->docs;
    std::vector<bool> seen(t_->meetings.size());
    std::map<std::pair<std::string_view, std::string_view>, uint32_t> place_of;
    std::vector<std::pair<VertexId, EdgeKind>> covering;
    for (size_t k = 0; k <= docs.sorted.size(); ++k) {  // the root, then shortest paths first
      const uint32_t index = k == 0 ? LineageOrder::kRoot : docs.sorted[k - 1];
      const VertexId d = k == 0 ? document : docs.items[index].document;
      covering.clear();
      for (auto [it, end] = boost::in_edges(d, g_); it != end; ++it) {
        EdgeKind kind = g_[*it].kind;
        if (kind == EdgeKind::kReviews || kind == EdgeKind::kLaunches) {
          covering.emplace_back(boost::source(*it, g_), kind);
        }
      }
      std::sort(covering.begin(), covering.end(), [](const auto& a, const auto& b) {
        return std::make_pair(a.first, a.second == EdgeKind::kLaunches) <
               std::make_pair(b.first, b.second == EdgeKind::kLaunches);
      });
      for (const auto& [m, kind] : covering) {
        if (seen[m - t_->meeting0]) continue;
        seen[m - t_->meeting0] = true;
        ReviewOrder::Row row;
        row.meeting = m;
        row.document = (index == LineageOrder::kRoot ? 0 : index + 1) |
                       (kind == EdgeKind::kLaunches ? ReviewOrder::kLaunched : 0);
        for (auto [it, end] = boost::in_edges(m, g_); it != end; ++it) {
          if (g_[*it].kind == EdgeKind::kHeld) row.unit = boost::source(*it, g_);
        }
        const MeetingNode& mn = t_->Meeting(m);
        std::pair<std::string_view, std::string_view> place{mn.unit_level, mn.province};
        if (row.unit != ReviewOrder::kNoUnit) {
          const UnitNode& u = t_->Unit(row.unit);
          if (!u.level.empty()) place.first = u.level;
          if (!u.province.empty()) place.second = u.province;
        }
        auto [at, added] = place_of.emplace(place, static_cast<uint32_t>(order->places.size()));
        if (added) order->places.push_back(place);
        row.place = at->second;
        order->rows.push_back(row);
      }
    }
    // By (undated last, date, unit, id): ranks computed at load, then the row id.
    std::sort(order->rows.begin(), order->rows.end(), [&](const auto& a, const auto& b) {
      const uint32_t x = a.meeting - t_->meeting0, y = b.meeting - t_->meeting0;
      return std::make_pair(t_->meeting_order[x], t_->meetings[x].row_id) <
             std::make_pair(t_->meeting_order[y], t_->meetings[y].row_id);
    });
    return std::shared_ptr<const ReviewOrder>(std::move(order));
  });
}

Result<ReviewPage> Graph::ReviewsPage(VertexId document, const ReviewQuery& query) const {
  if (document >= node_count() || !t_->IsDocument(document)) {
    return Status::Invalid("reviews: not a document node");
  }
  const std::string_view from = query.from, to = query.to;
  if (!from.empty() && !IsIsoBound(from)) {
    return Status::Invalid("--from '" + std::string(from) + "' is not a date (YYYY[-MM[-DD]])");
  }
  if (!to.empty() && !IsIsoBound(to)) {
    return Status::Invalid("--to '" + std::string(to) + "' is not a date (YYYY[-MM[-DD]])");
  }
  auto order = ReviewOrderOf(document);
  using Row = ReviewOrder::Row;
  const std::vector<Row>& rows = order->rows;
  auto date = [&](const Row& r) { return t_->Meeting(r.meeting).date; };
  // The rows are sorted by date, the undated last: date bounds keep one run of them.
  auto first = rows.begin(), last = rows.end();
  if (!from.empty() || !to.empty()) {
    last = std::partition_point(first, last, [&](const Row& r) { return !date(r).empty(); });
    if (!from.empty()) {
      first = std::partition_point(first, last, [&](const Row& r) { return date(r) < from; });
    }
    if (!to.empty()) {
      last = std::partition_point(first, last,
                                  [&](const Row& r) { return date(r).substr(0, to.size()) <= to; });
    }
  }
  // Level and province decided once per place of the list.
  std::vector<char> place_kept(order->places.size(), 1);
  for (size_t i = 0; i < order->places.size(); ++i) {
    const auto& [level, province] = order->places[i];
    place_kept[i] = (query.level.empty() || level == query.level) &&
                    (query.province.empty() || province.find(query.province) != std::string_view::npos);
  }
  auto kept = [&](const Row& r) { return place_kept[r.place] != 0; };
  ReviewPage page;
  const LineageOrder& docs = *order->docs;
  for (auto it = first; it != last; ++it) {
    if (!kept(*it)) continue;
    const size_t at = page.total++;
    if (at < query.offset || (query.limit != 0 && at - query.offset >= query.limit)) continue;
    ReviewRow row;
    row.meeting = it->meeting;
    if (it->unit != ReviewOrder::kNoUnit) row.unit = it->unit;
    row.role = it->launched() ? "launched" : "reviewed";
    row.path = docs.PathTo(it->item());
    row.document = row.path.back();
    page.rows.push_back(std::move(row));
  }
  return page;
}

Result<std::vector<ReviewRow>> Graph::Reviews(VertexId document, std::string_view from,
                                              std::string_view to) const {
  ReviewQuery query;
  query.from = std::string(from);
  query.to = std::string(to);
  auto page = ReviewsPage(document, query);
  if (!page.ok()) return page.status();
  return std::move(std::move(page).value().rows);
}

std::vector<VertexId> Graph::UnitMeetings(VertexId unit) const {
  std::vector<VertexId> out;
  if (unit >= node_count() || t_->KindOf(unit) != NodeKind::kUnit) return out;
  for (auto [it, end] = boost::out_edges(unit, g_); it != end; ++it) {
    if (g_[*it].kind == EdgeKind::kHeld) out.push_back(boost::target(*it, g_));
  }
  std::sort(out.begin(), out.end(), [&](VertexId a, VertexId b) {
    return std::make_pair(t_->Meeting(a).date, t_->Meeting(a).row_id) <
           std::make_pair(t_->Meeting(b).date, t_->Meeting(b).row_id);
  });
  return out;
}

std::vector<VertexId> Graph::UnitDocuments(VertexId unit) const {
  std::set<VertexId> docs;
  for (VertexId m : UnitMeetings(unit)) {
    for (auto [it, end] = boost::out_edges(m, g_); it != end; ++it) {
      docs.insert(boost::target(*it, g_));
    }
  }
  std::vector<VertexId> out(docs.begin(), docs.end());
  std::sort(out.begin(), out.end(), IdLess{*this});
  return out;
}

std::vector<EdgeRef> Graph::MeetingDocuments(VertexId meeting) const {
  if (meeting >= node_count() || t_->KindOf(meeting) != NodeKind::kMeeting) return {};
  return OutEdges(meeting);
}

GraphStats Graph::Stats() const {
  GraphStats s;
  s.nodes_by_kind["article"] = static_cast<int64_t>(t_->articles.size());
  s.nodes_by_kind["unit"] = static_cast<int64_t>(t_->units.size());
  s.nodes_by_kind["meeting"] = static_cast<int64_t>(t_->meetings.size());
  s.nodes_by_kind["document"] = static_cast<int64_t>(t_->docs.size());
  for (auto it = s.nodes_by_kind.begin(); it != s.nodes_by_kind.end();) {
    it = it->second == 0 ? s.nodes_by_kind.erase(it) : std::next(it);
  }
  for (const DocumentNode& d : t_->docs) ++s.documents_by_type[d.key().type];
  for (auto [it, end] = boost::edges(g_); it != end; ++it) {
    ++s.edges_by_kind[EdgeKindName(g_[*it].kind)];
    if (g_[*it].inferred) ++s.inferred_edges;
  }
  return s;
}

// ---- Snapshot ---------------------------------------------------------------------------

Result<std::string> StoreStamp(sqlite::Database& db) {
  DG_ASSIGN_OR_RETURN(
      sqlite::Statement st,
      db.Cached("SELECT (SELECT user_version FROM pragma_user_version), "
                "(SELECT coalesce(group_concat(name || '=' || seq, ' '), '') FROM "
                "(SELECT name, seq FROM sqlite_sequence ORDER BY name)), "
                "(SELECT coalesce(max(id), 0) FROM units), (SELECT coalesce(max(id), 0) FROM edges), "
                "coalesce((SELECT content_hash FROM articles ORDER BY id DESC LIMIT 1), '')"));
  DG_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Internal(db.path() + ": the store's stamp read no row");
  std::string stamp = "schema=" + std::to_string(st.ColumnInt(0)) + " " + st.ColumnText(1) +
                      " units.max=" + std::to_string(st.ColumnInt(2)) +
                      " edges.max=" + std::to_string(st.ColumnInt(3)) + " last=" + st.ColumnText(4);
  st.Reset();
  return stamp;
}

namespace {

// Bump when the file's layout or anything it holds changes meaning.
constexpr uint32_t kSnapshotFormat = 1;
constexpr char kSnapshotMagic[8] = {'D', 'G', 'G', 'R', 'A', 'P', 'H', '\n'};

// The GNU build id of the running program (hex), from its PT_NOTE segments; "none" when it
// has none. A graph built by another build may differ (other inferred links), so it is
// part of the snapshot's stamp.
const std::string& ProgramBuildId() {
  static const std::string id = [] {
    std::string out;
    dl_iterate_phdr(
        [](struct dl_phdr_info* info, size_t, void* data) -> int {
          auto* found = static_cast<std::string*>(data);
          for (int i = 0; i < info->dlpi_phnum; ++i) {
            const ElfW(Phdr)& ph = info->dlpi_phdr[i];
            if (ph.p_type != PT_NOTE) continue;
            const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
            const char* end = p + ph.p_memsz;
            while (p + sizeof(ElfW(Nhdr)) <= end) {
              const auto* nh = reinterpret_cast<const ElfW(Nhdr)*>(p);
              const char* name = p + sizeof(ElfW(Nhdr));
              const char* desc = name + ((nh->n_namesz + 3) & ~3u);
              if (desc + nh->n_descsz > end) break;
              if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0) {
                static const char kHex[] = "0123456789abcdef";
                for (uint32_t k = 0; k < nh->n_descsz; ++k) {
                  const auto b = static_cast<unsigned char>(desc[k]);
                  *found += kHex[b >> 4];
                  *found += kHex[b & 15];
                }
                return 1;
              }
              p = desc + ((nh->n_descsz + 3) & ~3u);
            }
          }
          return 1;  // the first object is the program itself
        },
        &out);
    return out.empty() ? std::string("none") : out;
  }();
  return id;
}

// On-disk records. Strings are (offset, length) in the file's string pool; the note of an
// edge is its index + 1 in the notes (0: none). Native byte order and layout: a file is
// read by the build that wrote it (the build id is in the stamp).
struct StrRef {
  uint32_t off, len;
};
struct DiskDocument {
  int64_t row_id;
  StrRef key_text, issuer, jurisdiction, date, title;
  uint8_t family, central, pad[6];
};
struct DiskUnit {
  int64_t row_id;
  StrRef code, name, level, province, parent_code, slug;
  uint8_t after_reform, pad[7];
};
struct DiskMeeting {
  int64_t row_id, article_id;
  StrRef unit, unit_level, province, kind, date, chair;
  int32_t years;
  uint8_t has_years, date_inferred, pad[2];
};
struct DiskNote {
  double weight;
  StrRef why;
  uint8_t span_from_mentions, pad[7];
};
struct DiskEdge {  // EdgeData's layout, the note as an index
  uint8_t kind, inferred, pad[2];
  uint32_t evidence_start, evidence_end, pad2;
  int64_t article_id;
  uint64_t note;
};
static_assert(sizeof(DiskEdge) == sizeof(EdgeData) && offsetof(DiskEdge, evidence_start) == offsetof(EdgeData, evidence_start) &&
              offsetof(DiskEdge, evidence_end) == offsetof(EdgeData, evidence_end) &&
              offsetof(DiskEdge, article_id) == offsetof(EdgeData, article_id) &&
              offsetof(DiskEdge, note) == offsetof(EdgeData, note) &&
              offsetof(EdgeData, kind) == 0 && offsetof(EdgeData, inferred) == 1,
              "edges are read into EdgeData in place");

struct Counts {
  uint64_t articles, docs, units, meetings, notes, vertices, edges, strings;
  uint32_t doc0, unit0, meeting0, end;
};

// The fixed part of the header; the build id and the stamp follow it, then the body.
struct Header {
  char magic[8];
  uint32_t format;
  uint32_t edge_size;   // sizeof(EdgeData), a guard against another layout
  uint64_t header_size; // this struct, the build id and the stamp
  uint64_t body_size;
  uint64_t body_hash;   // XXH3-64 of the body
  uint32_t build_id_size, stamp_size;
};

std::string Errno() { return std::strerror(errno); }

// The body: Counts, the XXH3-64 of each section, then the sections in this order. The
// header's hash covers Counts and the sections' hashes; each section is checked against
// its own, so that the sections can be read and checked in parallel.
enum Section : size_t {
  kStrings, kArticles, kDocuments, kUnits, kMeetings, kMeetingOrder, kDocumentsByKey, kNotes,
  kForwardRows, kForwardColumn, kForwardEdges, kBackwardRows, kBackwardColumn, kBackwardEdges,
  kSections
};
struct Index {
  Counts counts;
  uint64_t hash[kSections];
};

// Writes the sections through one buffer, hashing each as it goes.
class SnapshotWriter {
 public:
  explicit SnapshotWriter(int fd) : fd_(fd), hash_(XXH3_createState()) {
    if (hash_ == nullptr) throw std::bad_alloc();
    XXH3_64bits_reset(hash_);
    buf_.reserve(kBuffer);
  }
  ~SnapshotWriter() { XXH3_freeState(hash_); }
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;

  void Bytes(const void* data, size_t n) {
    const char* p = static_cast<const char*>(data);
    XXH3_64bits_update(hash_, p, n);
    size_ += n;
    while (n > 0) {
      const size_t take = std::min(n, kBuffer - buf_.size());
      buf_.insert(buf_.end(), p, p + take);
      p += take;
      n -= take;
      if (buf_.size() == kBuffer && !Flush()) return;
    }
  }
  template <typename T>
  void Array(const std::vector<T>& v) {
    Bytes(v.data(), v.size() * sizeof(T));
  }
  // The hash of what was written since the last call.
  uint64_t EndSection() {
    const uint64_t h = XXH3_64bits_digest(hash_);
    XXH3_64bits_reset(hash_);
    return h;
  }
  bool Flush() {
    size_t at = 0;
    while (ok_ && at < buf_.size()) {
      const ssize_t w = ::write(fd_, buf_.data() + at, buf_.size() - at);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        ok_ = false;
        error_ = w < 0 ? Errno() : "nothing written";
      }
      at += w > 0 ? static_cast<size_t>(w) : 0;
    }
    buf_.clear();
    return ok_;
  }
  uint64_t size() const { return size_; }
  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }

 private:
  static constexpr size_t kBuffer = 1 << 20;
  int fd_;
  XXH3_state_t* hash_;
  std::vector<char> buf_;
  uint64_t size_ = 0;
  bool ok_ = true;
  std::string error_;
};

// The size of each section for these counts; empty when a count is beyond any file.
std::vector<uint64_t> SectionSizes(const Counts& c) {
  for (uint64_t n : {c.articles, c.docs, c.units, c.meetings, c.notes, c.vertices, c.edges, c.strings}) {
    if (n > (uint64_t{1} << 40)) return {};
  }
  std::vector<uint64_t> size(kSections);
  size[kStrings] = c.strings;
  size[kArticles] = 8 * c.articles;
  size[kDocuments] = sizeof(DiskDocument) * c.docs;
  size[kUnits] = sizeof(DiskUnit) * c.units;
  size[kMeetings] = sizeof(DiskMeeting) * c.meetings;
  size[kMeetingOrder] = 8 * c.meetings;
  size[kDocumentsByKey] = 4 * c.docs;
  size[kNotes] = sizeof(DiskNote) * c.notes;
  size[kForwardRows] = size[kBackwardRows] = 4 * (c.vertices + 1);
  size[kForwardColumn] = size[kBackwardColumn] = 4 * c.edges;
  size[kForwardEdges] = sizeof(DiskEdge) * c.edges;
  size[kBackwardEdges] = 4 * c.edges;
  return size;
}

// Reads `n` bytes at `offset` into `dst`, hashing them while they are in the cache; the
// hash, or the error.
Result<uint64_t> ReadHashed(int fd, uint64_t offset, void* dst, uint64_t n) {
  XXH3_state_t* state = XXH3_createState();
  if (state == nullptr) return Status::Internal("out of memory");
  XXH3_64bits_reset(state);
  char* p = static_cast<char*>(dst);
  std::string error;
  while (n > 0) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(n, 4 << 20));
    const ssize_t got = ::pread(fd, p, want, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      error = got < 0 ? Errno() : "the file ends early";
      break;
    }
    XXH3_64bits_update(state, p, static_cast<size_t>(got));
    p += got;
    offset += static_cast<uint64_t>(got);
    n -= static_cast<uint64_t>(got);
  }
  const uint64_t h = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  if (!error.empty()) return Status::Io(error);
  return h;
}

}  // namespace

Result<std::string> SnapshotStamp(sqlite::Database& db) {
  DG_ASSIGN_OR_RETURN(std::string store, StoreStamp(db));
  return "format=" + std::to_string(kSnapshotFormat) + " build=" + ProgramBuildId() + " " + store;
}

std::string SnapshotPathOf(const std::string& db_path) { return db_path + ".graph"; }

// What the snapshot writes and reads: a friend of Graph and of its Tables.
struct Graph::SnapshotIo {
  // A field added to Tables must be written and read below; this size says one was.
  static_assert(sizeof(Tables) == 736,
                "Graph::Tables changed: write and read the new field in the snapshot "
                "(Graph::SnapshotIo), bump kSnapshotFormat, then update this size");

  static Status Write(const Graph& g, const std::string& path) {
    const Tables& t = *g.t_;
    // The string pool: each distinct string once (interned strings share their bytes).
    std::string pool;
    std::unordered_map<const char*, StrRef> at;
    auto ref = [&](std::string_view s) -> StrRef {
      if (s.empty()) return StrRef{0, 0};
      auto it = at.find(s.data());
      if (it != at.end() && it->second.len == s.size()) return it->second;
      if (pool.size() + s.size() > UINT32_MAX) throw std::length_error("strings over 4 GB");
      const StrRef r{static_cast<uint32_t>(pool.size()), static_cast<uint32_t>(s.size())};
      pool.append(s);
      at[s.data()] = r;
      return r;
    };
    std::vector<DiskDocument> docs(t.docs.size());
    for (size_t i = 0; i < t.docs.size(); ++i) {
      const DocumentNode& d = t.docs[i];
      DiskDocument& x = docs[i];
      x.row_id = d.row_id;
      x.key_text = ref(d.key_text);
      x.issuer = ref(d.issuer);
      x.jurisdiction = ref(d.jurisdiction);
      x.date = ref(d.date);
      x.title = ref(d.title);
      x.family = static_cast<uint8_t>(d.family);
      x.central = d.central ? 1 : 0;
    }
    std::vector<DiskUnit> units(t.units.size());
    for (size_t i = 0; i < t.units.size(); ++i) {
      const UnitNode& u = t.units[i];
      DiskUnit& x = units[i];
      x.row_id = u.row_id;
      x.code = ref(u.code);
      x.name = ref(u.name);
      x.level = ref(u.level);
      x.province = ref(u.province);
      x.parent_code = ref(u.parent_code);
      x.slug = ref(u.slug);
      x.after_reform = u.after_reform ? 1 : 0;
    }
    std::vector<DiskMeeting> meetings(t.meetings.size());
    for (size_t i = 0; i < t.meetings.size(); ++i) {
      const MeetingNode& m = t.meetings[i];
      DiskMeeting& x = meetings[i];
      x.row_id = m.row_id;
      x.article_id = m.article_id;
      x.unit = ref(m.unit);
      x.unit_level = ref(m.unit_level);
      x.province = ref(m.province);
      x.kind = ref(m.kind);
      x.date = ref(m.date);
      x.chair = ref(m.chair);
      x.years = m.years.value_or(0);
      x.has_years = m.years.has_value() ? 1 : 0;
      x.date_inferred = m.date_inferred ? 1 : 0;
    }
    std::unordered_map<const EdgeNote*, uint64_t> note_index;
    std::vector<DiskNote> notes(t.notes.size());
    for (size_t i = 0; i < t.notes.size(); ++i) {
      const EdgeNote& n = t.notes[i];
      DiskNote& x = notes[i];
      x.weight = n.weight;
      x.why = ref(n.why);
      x.span_from_mentions = n.span_from_mentions ? 1 : 0;
      note_index[&n] = i + 1;
    }
    pool.resize((pool.size() + 7) & ~size_t{7}, '\0');

    const auto& fwd = g.g_.m_forward;
    const auto& bwd = g.g_.m_backward;
    Counts counts{};
    counts.articles = t.articles.size();
    counts.docs = t.docs.size();
    counts.units = t.units.size();
    counts.meetings = t.meetings.size();
    counts.notes = t.notes.size();
    counts.vertices = fwd.m_rowstart.empty() ? 0 : fwd.m_rowstart.size() - 1;
    counts.edges = fwd.m_column.size();
    counts.strings = pool.size();
    counts.doc0 = t.doc0;
    counts.unit0 = t.unit0;
    counts.meeting0 = t.meeting0;
    counts.end = t.end;

    // A temporary file in the same folder, renamed over the old one when whole.
    const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." +
                            std::to_string(reinterpret_cast<uintptr_t>(&g) & 0xffffff);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return Status::Io(path + ": cannot write the graph snapshot: " + Errno());
    auto fail = [&](const std::string& why) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::Io(path + ": cannot write the graph snapshot: " + why);
    };
    const std::string& build_id = ProgramBuildId();
    Header h{};
    std::memcpy(h.magic, kSnapshotMagic, sizeof h.magic);
    h.format = kSnapshotFormat;
    h.edge_size = sizeof(EdgeData);
    h.build_id_size = static_cast<uint32_t>(build_id.size());
    h.stamp_size = static_cast<uint32_t>(g.stamp_.size());
    h.header_size = sizeof h + build_id.size() + g.stamp_.size();
    {
      // The header's place, rewritten with the body's size and hash at the end.
      std::string head(sizeof h, '\0');
      head += build_id;
      head += g.stamp_;
      if (::pwrite(fd, head.data(), head.size(), 0) != static_cast<ssize_t>(head.size())) return fail(Errno());
    }
    // The index (counts and the sections' hashes) is written once they are known.
    Index index{};
    index.counts = counts;
    if (::lseek(fd, static_cast<off_t>(h.header_size + sizeof index), SEEK_SET) < 0) return fail(Errno());
    SnapshotWriter w(fd);
    auto end = [&](Section s) { index.hash[s] = w.EndSection(); };
    w.Bytes(pool.data(), pool.size());
    end(kStrings);
    w.Array(t.articles);
    end(kArticles);
    w.Array(docs);
    end(kDocuments);
    w.Array(units);
    end(kUnits);
    w.Array(meetings);
    end(kMeetings);
    w.Array(t.meeting_order);
    end(kMeetingOrder);
    w.Array(t.docs_by_key);
    end(kDocumentsByKey);
    w.Array(notes);
    end(kNotes);
    w.Array(fwd.m_rowstart);
    end(kForwardRows);
    w.Array(fwd.m_column);
    end(kForwardColumn);
    {
      std::vector<DiskEdge> chunk;
      const auto& props = fwd.m_edge_properties;
      for (size_t i = 0; i < props.size() && w.ok(); i += 1 << 16) {
        chunk.assign(std::min<size_t>(1 << 16, props.size() - i), DiskEdge{});
        for (size_t k = 0; k < chunk.size(); ++k) {
          const EdgeData& e = props[i + k];
          DiskEdge& x = chunk[k];
          x.kind = static_cast<uint8_t>(e.kind);
          x.inferred = e.inferred ? 1 : 0;
          x.evidence_start = e.evidence_start;
          x.evidence_end = e.evidence_end;
          x.article_id = e.article_id;
          x.note = e.note != nullptr ? note_index.at(e.note) : 0;
        }
        w.Array(chunk);
      }
    }
    end(kForwardEdges);
    w.Array(bwd.m_rowstart);
    end(kBackwardRows);
    w.Array(bwd.m_column);
    end(kBackwardColumn);
    w.Array(bwd.m_edge_properties);
    end(kBackwardEdges);
    if (!w.Flush()) return fail(w.error());
    if (::pwrite(fd, &index, sizeof index, static_cast<off_t>(h.header_size)) != static_cast<ssize_t>(sizeof index)) {
      return fail(Errno());
    }
    h.body_size = sizeof index + w.size();
    h.body_hash = XXH3_64bits(&index, sizeof index);
    if (::pwrite(fd, &h, sizeof h, 0) != static_cast<ssize_t>(sizeof h)) return fail(Errno());
    if (::close(fd) != 0) {
      ::unlink(tmp.c_str());
      return Status::Io(path + ": cannot write the graph snapshot: " + Errno());
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      const std::string why = Errno();
      ::unlink(tmp.c_str());
      return Status::Io(path + ": cannot write the graph snapshot: " + why);
    }
    return Status::Ok();
  }

  // Reads `path` into `g` when its stamp is `stamp`: kNotFound when there is no file,
  // kConflict when it is stale (another stamp or format), kCorrupt when it is damaged (too
  // short, its checksum, tables that do not fit together), kIoError when it cannot be read.
  // The checksum is checked before anything is parsed.
  static Status Read(Graph& g, const std::string& path, const std::string& stamp) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return Status::NotFound(path + ": no graph snapshot");
      return Status::Io(path + ": cannot read the graph snapshot: " + Errno());
    }
    struct Close {
      int fd;
      ~Close() { ::close(fd); }
    } close{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) return Status::Io(path + ": cannot read the graph snapshot: " + Errno());
    (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    const uint64_t file_size = static_cast<uint64_t>(st.st_size);
    auto damaged = [&](const std::string& why) { return Status::Corrupt(path + ": graph snapshot damaged: " + why); };
    Header h{};
    if (file_size < sizeof h) {
      return damaged(std::to_string(file_size) + " bytes, shorter than its header");
    }
    if (::pread(fd, &h, sizeof h, 0) != static_cast<ssize_t>(sizeof h)) {
      return Status::Io(path + ": cannot read the graph snapshot: " + Errno());
    }
    if (std::memcmp(h.magic, kSnapshotMagic, sizeof h.magic) != 0) return damaged("not a dirgraph graph snapshot");
    if (h.format != kSnapshotFormat || h.edge_size != sizeof(EdgeData)) {
      return Status::Conflict(path + ": graph snapshot of format " + std::to_string(h.format) + ", not " +
                              std::to_string(kSnapshotFormat));
    }
    if (h.build_id_size > 4096 || h.stamp_size > 4096 ||
        h.header_size != sizeof h + uint64_t{h.build_id_size} + h.stamp_size || h.header_size > file_size) {
      return damaged("bad header");
    }
    std::string file_stamp(h.stamp_size, '\0');
    if (::pread(fd, file_stamp.data(), file_stamp.size(), static_cast<off_t>(sizeof h + h.build_id_size)) !=
        static_cast<ssize_t>(file_stamp.size())) {
      return Status::Io(path + ": cannot read the graph snapshot: " + Errno());
    }
    if (file_stamp != stamp) {
      return Status::Conflict(path + ": graph snapshot is stale (it has '" + file_stamp + "', the database '" +
                              stamp + "')");
    }
    if (file_size != h.header_size + h.body_size) {
      return damaged(std::to_string(file_size) + " bytes, its header says " +
                     std::to_string(h.header_size + h.body_size));
    }
    Index index{};
    if (h.body_size < sizeof index) return damaged("bad header");
    if (::pread(fd, &index, sizeof index, static_cast<off_t>(h.header_size)) != static_cast<ssize_t>(sizeof index)) {
      return Status::Io(path + ": cannot read the graph snapshot: " + Errno());
    }
    if (XXH3_64bits(&index, sizeof index) != h.body_hash) return damaged("checksum mismatch");
    const Counts& c = index.counts;
    const std::vector<uint64_t> size = SectionSizes(c);
    uint64_t total = sizeof index;
    for (uint64_t n : size) total += n;
    if (size.empty() || total != h.body_size) return damaged("its counts do not match its size");
    // Every section read where it is kept, its checksum checked, before anything is trusted.
    Tables& t = *g.t_;
    std::vector<DiskDocument> docs;
    std::vector<DiskUnit> units;
    std::vector<DiskMeeting> meetings;
    std::vector<DiskNote> notes;
    auto& fwd = g.g_.m_forward;
    auto& bwd = g.g_.m_backward;
    t.blocks.emplace_back(new char[std::max<uint64_t>(c.strings, 1)]);
    t.articles.resize(c.articles);
    docs.resize(c.docs);
    units.resize(c.units);
    meetings.resize(c.meetings);
    t.meeting_order.resize(c.meetings);
    t.docs_by_key.resize(c.docs);
    notes.resize(c.notes);
    fwd.m_rowstart.resize(c.vertices + 1);
    fwd.m_column.resize(c.edges);
    fwd.m_edge_properties.resize(c.edges);  // DiskEdge's bytes, notes as indices until Fill
    bwd.m_rowstart.resize(c.vertices + 1);
    bwd.m_column.resize(c.edges);
    bwd.m_edge_properties.resize(c.edges);
    void* const dst[kSections] = {t.blocks.back().get(), t.articles.data(), docs.data(), units.data(),
                                  meetings.data(), t.meeting_order.data(), t.docs_by_key.data(),
                                  notes.data(), fwd.m_rowstart.data(), fwd.m_column.data(),
                                  fwd.m_edge_properties.data(), bwd.m_rowstart.data(),
                                  bwd.m_column.data(), bwd.m_edge_properties.data()};
    uint64_t offset[kSections];
    for (size_t s = 0, at = h.header_size + sizeof index; s < kSections; at += size[s], ++s) offset[s] = at;
    // Two threads: the forward edges (half of the file) on one, the rest on the other.
    std::string error[kSections];
    auto read = [&](size_t s) {
      auto hash = ReadHashed(fd, offset[s], dst[s], size[s]);
      if (!hash.ok()) {
        error[s] = hash.status().message();
      } else if (*hash != index.hash[s]) {
        error[s] = "checksum mismatch";
      }
    };
    std::thread edges([&] { read(kForwardEdges); });
    for (size_t s = 0; s < kSections; ++s) {
      if (s != kForwardEdges) read(s);
    }
    edges.join();
    for (const std::string& e : error) {
      if (!e.empty()) return damaged(e);
    }
    if (!Fill(g, c, docs, units, meetings, notes)) return damaged("its tables do not fit together");
    g.stamp_ = stamp;
    return Status::Ok();
  }

  // The node tables from their records, the edges' notes as pointers, and every index
  // checked to be within bounds, so that no query can walk out of the arrays.
  static bool Fill(Graph& g, const Counts& c, const std::vector<DiskDocument>& docs,
                   const std::vector<DiskUnit>& units, const std::vector<DiskMeeting>& meetings,
                   const std::vector<DiskNote>& notes) {
    Tables& t = *g.t_;
    if (c.doc0 != c.articles || c.unit0 != c.doc0 + c.docs || c.meeting0 != c.unit0 + c.units ||
        c.end != c.meeting0 + c.meetings || c.vertices != c.end) {
      return false;
    }
    const char* strings = c.strings > 0 ? t.blocks.back().get() : nullptr;
    bool fits = true;
    auto view = [&](StrRef s) -> std::string_view {
      if (s.len == 0) return {};
      if (uint64_t{s.off} + s.len > c.strings) {
        fits = false;
        return {};
      }
      return {strings + s.off, s.len};
    };
    t.docs.resize(docs.size());
    for (size_t i = 0; i < docs.size(); ++i) {
      const DiskDocument& x = docs[i];
      DocumentNode& d = t.docs[i];
      d.row_id = x.row_id;
      d.key_text = view(x.key_text);
      d.issuer = view(x.issuer);
      d.jurisdiction = view(x.jurisdiction);
      d.date = view(x.date);
      d.title = view(x.title);
      d.family = x.family == 0 ? Family::kParty : Family::kState;
      d.central = x.central != 0;
    }
    t.units.resize(units.size());
    for (size_t i = 0; i < units.size(); ++i) {
      const DiskUnit& x = units[i];
      UnitNode& u = t.units[i];
      u.row_id = x.row_id;
      u.code = view(x.code);
      u.name = view(x.name);
      u.level = view(x.level);
      u.province = view(x.province);
      u.parent_code = view(x.parent_code);
      u.slug = view(x.slug);
      u.after_reform = x.after_reform != 0;
      if (!u.code.empty()) t.units_by_code[Tables::CodeKey(u.code, u.after_reform)] = static_cast<uint32_t>(i);
    }
    t.meetings.resize(meetings.size());
    for (size_t i = 0; i < meetings.size(); ++i) {
      const DiskMeeting& x = meetings[i];
      MeetingNode& m = t.meetings[i];
      m.row_id = x.row_id;
      m.article_id = x.article_id;
      m.unit = view(x.unit);
      m.unit_level = view(x.unit_level);
      m.province = view(x.province);
      m.kind = view(x.kind);
      m.date = view(x.date);
      m.chair = view(x.chair);
      if (x.has_years != 0) m.years = x.years;
      m.date_inferred = x.date_inferred != 0;
    }
    std::vector<const EdgeNote*> note_at{nullptr};
    note_at.reserve(notes.size() + 1);
    for (const DiskNote& x : notes) {
      note_at.push_back(&t.notes.emplace_back(EdgeNote{x.weight, std::string(view(x.why)), x.span_from_mentions != 0}));
    }
    for (uint32_t d : t.docs_by_key) {
      if (d >= c.docs) return false;
    }
    t.doc0 = c.doc0;
    t.unit0 = c.unit0;
    t.meeting0 = c.meeting0;
    t.end = c.end;

    auto& fwd = g.g_.m_forward;
    auto& bwd = g.g_.m_backward;
    for (EdgeData& e : fwd.m_edge_properties) {
      // Its bytes are a DiskEdge's: the note is an index until here.
      DiskEdge x;
      std::memcpy(&x, &e, sizeof x);
      if (x.note >= note_at.size() || x.kind > static_cast<uint8_t>(EdgeKind::kReports) || x.inferred > 1) {
        return false;
      }
      e.note = note_at[x.note];
    }
    for (const auto* rows : {&fwd.m_rowstart, &bwd.m_rowstart}) {
      if (rows->front() != 0 || rows->back() != c.edges || !std::is_sorted(rows->begin(), rows->end())) return false;
    }
    for (const auto* column : {&fwd.m_column, &bwd.m_column}) {
      for (uint32_t v : *column) {
        if (v >= c.vertices) return false;
      }
    }
    for (uint32_t e : bwd.m_edge_properties) {
      if (e >= c.edges) return false;
    }
    return fits;
  }
};

namespace {

// Removes the temporary files "<path>.tmp.<pid>.<n>" left by writers that were killed while
// writing (a full disk, a SIGKILL): each is as large as the snapshot. A file whose process
// still runs (or whose pid was taken again) is left alone; nothing else is touched.
void RemoveDeadWritersFiles(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const std::string folder = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const std::string prefix = (slash == std::string::npos ? path : path.substr(slash + 1)) + ".tmp.";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    size_t i = prefix.size(), digits = 0;
    long pid = 0;
    while (i < name.size() && std::isdigit(static_cast<unsigned char>(name[i])) && digits < 9) {
      pid = pid * 10 + (name[i++] - '0');
      ++digits;
    }
    if (digits == 0 || i >= name.size() || name[i] != '.' || pid == ::getpid()) continue;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      std::error_code ignored;
      std::filesystem::remove(entry.path(), ignored);
    }
  }
}

}  // namespace

Status Graph::WriteSnapshot(const std::string& path) const {
  RemoveDeadWritersFiles(path);
  if (stamp_.empty()) {
    return Status::Conflict(path + ": the graph snapshot is not written: the store changed while the graph was loaded");
  }
  try {
    return SnapshotIo::Write(*this, path);
  } catch (const std::exception& e) {
    return Status::Io(path + ": cannot write the graph snapshot: " + e.what());
  }
}

Result<std::unique_ptr<Graph>> Graph::Load(const Store& store, const SnapshotOptions& options,
                                           LoadReport* report) {
  LoadReport ignored;
  if (report == nullptr) report = &ignored;
  if (options.path.empty()) return Load(store);
  const auto start = std::chrono::steady_clock::now();
  auto seconds = [&] {
    char s[32];
    std::snprintf(s, sizeof s, "%.2f s",
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return std::string(s);
  };
  if (options.read) {
    DG_ASSIGN_OR_RETURN(std::string stamp, SnapshotStamp(store.database()));
    std::unique_ptr<Graph> graph(new Graph());
    Status read;
    try {
      read = SnapshotIo::Read(*graph, options.path, stamp);
    } catch (const std::exception& e) {  // an allocation the damaged counts asked for
      read = Status::Corrupt(options.path + ": graph snapshot damaged: " + e.what());
    }
    if (read.ok()) {
      graph->reader_ = std::make_unique<Reader>(store.path());
      report->from_snapshot = true;
      report->notes.push_back("graph read from the snapshot " + options.path + " in " + seconds());
      return graph;
    }
    if (read.code() == Code::kCorrupt) {
      report->warnings.push_back(read.message() + "; ignored, the graph is loaded from the tables");
    } else if (read.code() != Code::kNotFound) {
      report->notes.push_back(read.message() + "; the graph is loaded from the tables");
    }
  }
  DG_ASSIGN_OR_RETURN(std::unique_ptr<Graph> graph, Load(store));
  report->notes.push_back("graph loaded from the tables of " + store.path() + " in " + seconds());
  if (options.write) {
    if (Status w = graph->WriteSnapshot(options.path); w.ok()) {
      report->written = true;
      report->notes.push_back("graph snapshot written to " + options.path + " (" + seconds() + " in all)");
    } else {
      report->notes.push_back(w.message() + "; the next start loads the tables again");
    }
  }
  return graph;
}

}  // namespace dg
