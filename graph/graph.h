// The in-memory knowledge graph (DESIGN.md §3), loaded from a Store and held in a
// Boost.Graph bidirectional compressed sparse row graph.
//
// Nodes: Document, Unit, Meeting, Article, each a plain value struct (below). Edges:
//   document -> document   implements, linked, amends, replaces, repeals, based_on
//                          (stated by an article, or inferred at load time, see below)
//   meeting  -> document   reviews, launches, held_under
//   unit     -> meeting    held
//   unit     -> unit       part_of (a commune in its district, a district in its province)
//   article  -> document   mentions (one edge per article and document)
//   article  -> meeting    reports
//
// Inferred links. For a pair of documents with no stated relation, Load adds an
// `implements` edge with `inferred = true`, from a local Party document to a central one,
// when (a) one meeting reviewed or launched both, or (b) the local document's title shares
// the central one's subject (word overlap of the folded titles), or (c) the extraction found
// a steering committee named after the central document beside the local one ("Ban Chỉ đạo
// 35" with Nghị quyết 35-NQ/TW, see FindSteering in ingest/extract.cc). `weight` in (0, 1) says
// how strong the evidence is and `why` says what it is. A stated relation between the two
// documents (in either direction) always wins: no inferred edge is added then.
// Queries ignore inferred edges unless asked (LineageOptions::inferred).
//
// Every node has a stable string id (Node::id): documents their canonical key, the others
// "unit:<gazetteer code>" ("unit:<code>@2025" for a unit of the gazetteer after the 2025
// reform, which reused codes; "unit:#<row id>" without a code), "meeting:<row id>",
// "article:<row id>". Iteration order (NodeIds(), EdgeIds()) is sorted by those ids, then
// by edge kind and evidence, so exports are deterministic.
//
// Immutable once loaded; safe to query from several threads at once.
//
// Memory. What the queries walk is in memory, compactly: the edges in flat arrays, node
// fields as views into strings held once. What they only show is read from the store when
// shown: an article's url, title and text (evidence sentences), through read-only
// connections of the Graph's own to the same file. Those reads see the store as it is
// then: the server reloads the graph when articles change (server/http.cc).
#pragma once

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/document_key.h"
#include "core/edge.h"
#include "core/status.h"
#include "core/store.h"

namespace dg {

enum class NodeKind : uint8_t { kDocument, kUnit, kMeeting, kArticle };
const char* NodeKindName(NodeKind k);  // "document", "unit", "meeting", "article"

enum class EdgeKind : uint8_t {
  kImplements, kLinked, kAmends, kReplaces, kRepeals, kBasedOn,  // document -> document
  kReviews, kLaunches, kHeldUnder,                                // meeting -> document
  kHeld,                                                          // unit -> meeting
  kPartOf,                                                        // unit -> unit
  kMentions,                                                      // article -> document
  kReports,                                                       // article -> meeting
};
// "implements", "linked", "amends", "replaces", "repeals", "based_on", "reviews",
// "launches", "held_under", "held", "part_of", "mentions", "reports".
const char* EdgeKindName(EdgeKind k);
EdgeKind EdgeKindOf(Relation r);
// True for the six document -> document kinds.
bool IsDocumentRelation(EdgeKind k);

// Node data. Strings are views into storage the Graph owns (text shared by many nodes,
// such as a province or a meeting kind, is held once): valid as long as the Graph.
struct DocumentNode {
  int64_t row_id = 0;             // documents.id
  std::string_view key_text;      // the canonical key, DocumentKey::ToString()
  std::string_view issuer;        // empty when not stated
  std::string_view jurisdiction;  // "Quận 1, Thành phố Hồ Chí Minh"; empty for central or unknown
  std::string_view date;          // ISO; empty when unknown
  std::string_view title;         // empty when not stated
  Family family = Family::kParty;
  bool central = false;           // key().IsCentral()

  // The key, parsed from key_text (checked when the graph was loaded).
  DocumentKey key() const;
};

struct UnitNode {
  int64_t row_id = 0;        // units.id
  std::string code;          // gazetteer code; empty when the unit was not resolved
  std::string name;          // "Quận ủy Bình Tân" for meeting holders, "Quận Bình Tân" for places
  std::string level;         // UnitLevelName: "province", "district", …; may be empty
  std::string province;      // "Thành phố Hồ Chí Minh"; empty when unknown
  std::string parent_code;   // empty for a province or when unknown
  std::string slug;          // "binh-tan.ho-chi-minh"; may be empty
  bool after_reform = false; // a unit of the 1 July 2025 gazetteer
};

struct MeetingNode {
  int64_t row_id = 0;            // meetings.id
  int64_t article_id = 0;
  std::string_view unit;         // the holder as named: "Quận ủy Bình Tân"
  std::string_view unit_level;
  std::string_view province;
  std::string_view kind;         // "sơ kết", "tổng kết", "triển khai", "quán triệt", "other"
  std::string_view date;         // ISO; empty when unknown
  std::string_view chair;
  std::optional<int> years;      // the review period
  bool date_inferred = false;
};

// An article's fields. The graph holds only its id; the rest is read from the store when
// asked for (Graph::Article), so that a million articles' urls and titles stay on disk.
struct ArticleNode {
  int64_t row_id = 0;  // articles.id
  std::string url;
  std::string file;
  std::string title;
  std::string published;
  std::string site;
};

class Graph;

// A vertex with its data, as Graph::node returns it (by value: cheap, it points into the
// Graph, which must outlive it). An article's fields are read from the store on first use.
struct Node {
  NodeKind kind = NodeKind::kDocument;
  std::string id;  // stable id, see the top of this file

  // The node's data; the kind must match (asserted).
  const DocumentNode& document() const;
  const UnitNode& unit() const;
  const MeetingNode& meeting() const;
  const ArticleNode& article() const;
  // A short human label: the code ("35-NQ/TW"), the unit's name, "<unit> <kind> <date>",
  // or the article's title (else its url).
  std::string Label() const;

 private:
  friend class Graph;
  const Graph* graph_ = nullptr;
  uint32_t vertex_ = 0;
  const void* data_ = nullptr;  // DocumentNode, UnitNode or MeetingNode of the Graph
  mutable std::optional<ArticleNode> article_;
};

// Weight and reason of an edge that is not a plain stated one.
struct EdgeNote {
  double weight = 1.0;
  std::string why;
  bool span_from_mentions = false;  // inferred at load: the span is looked up when shown
};

struct EdgeData {
  EdgeKind kind = EdgeKind::kImplements;
  bool inferred = false;  // document relations only
  // The byte span [start, end) of the evidence in the article's text: document relations
  // (stated and inferred) only; 0, 0 for the other edges (their spans are the article's
  // mentions, in the store).
  uint32_t evidence_start = 0;
  uint32_t evidence_end = 0;
  // The article that supports the edge; 0 when there is none (part_of comes from the
  // gazetteer).
  int64_t article_id = 0;
  const EdgeNote* note = nullptr;  // owned by the Graph; null for weight 1 and no why

  double weight() const { return note != nullptr ? note->weight : 1.0; }  // 1.0 for stated edges
  // Inferred edges: the evidence in words; empty otherwise.
  std::string_view why() const { return note != nullptr ? std::string_view(note->why) : std::string_view(); }
};

// Boost's compressed sparse row graph: vertices and edges in flat arrays (about 40 bytes
// an edge with its data, against some 150 in an adjacency_list of lists and vectors), built
// once from the edge list read from the store. The graph is never changed after loading.
// Vertices are numbered by kind (articles, documents, units, meetings, each by row id), so
// a vertex needs no data of its own in the Boost graph.
using BoostGraph = boost::compressed_sparse_row_graph<boost::bidirectionalS, boost::no_property,
                                                      EdgeData, boost::no_property, uint32_t, uint32_t>;
using VertexId = BoostGraph::vertex_descriptor;  // an index in [0, node_count())
using EdgeId = BoostGraph::edge_descriptor;

// One edge with its ends, for iteration.
struct EdgeRef {
  VertexId from = 0;
  VertexId to = 0;
  const EdgeData* data = nullptr;  // owned by the Graph
};

// The evidence of one document -> document step, ready to show.
struct Evidence {
  EdgeKind kind = EdgeKind::kImplements;
  bool inferred = false;
  double weight = 1.0;
  std::string why;          // inferred steps only
  int64_t article_id = 0;   // 0 when none
  std::string url;          // the article's url (a file path for file inputs)
  uint32_t start = 0;       // byte span in the article
  uint32_t end = 0;
  std::string sentence;     // the sentence of the article's text holding the span
};

enum class Direction { kUp, kDown, kBoth };

// An entry of one direction's list of a lineage, named by what orders the list: the page
// after it starts with the next entry in (depth, stable id) order. The entry itself need
// not exist any more (a reloaded graph): the page starts where it would be.
struct LineagePosition {
  Direction direction = Direction::kDown;  // kUp or kDown
  int depth = 0;
  std::string key;  // the entry's canonical key
};

struct LineageOptions {
  LineageOptions() = default;
  LineageOptions(Direction d, int max_depth, bool with_inferred, size_t max_entries = 0)
      : direction(d), depth(max_depth), inferred(with_inferred), limit(max_entries) {}

  Direction direction = Direction::kBoth;
  int depth = 0;          // maximum number of steps; 0 = no limit
  bool inferred = false;  // follow inferred implements edges too
  // At most this many entries per direction; 0 = all. The cap is applied before any
  // evidence is read: the entries left out are only counted.
  size_t limit = 0;
  // Start after this entry of its direction's list; `direction` must then be that one
  // (kInvalidArgument otherwise).
  std::optional<LineagePosition> after;
};

// A document reached from the root. `path` runs from the root to `document` (both
// included); `steps[i]` is the evidence of the edge between path[i] and path[i + 1].
// For kUp the edges point from path[i] to path[i + 1] (path[i] implements path[i + 1]);
// for kDown the other way.
struct LineageEntry {
  VertexId document = 0;
  Direction direction = Direction::kUp;  // kUp or kDown
  int depth = 0;                         // path.size() - 1
  std::vector<VertexId> path;
  std::vector<Evidence> steps;
};

// How many entries one direction has in all, and where its next page starts.
struct LineageCount {
  bool asked = false;   // the direction was asked for
  size_t total = 0;     // entries of the direction, all pages together
  std::optional<LineagePosition> next;  // the last entry given, when more follow
};

struct Lineage {
  VertexId root = 0;
  // Each document once per direction, at its shortest depth (breadth first; ties broken by
  // stable id), ordered by direction (up first), depth, then stable id: the page asked
  // (LineageOptions::limit, after) of each direction.
  std::vector<LineageEntry> entries;
  LineageCount up, down;
  // Cycles met on the way, each as "A -> B -> A" with codes: never followed twice.
  std::vector<std::string> cycles;
};

// One meeting that reviewed or launched the queried document X, or a document that
// implements X (transitively, stated edges only).
struct ReviewRow {
  VertexId meeting = 0;
  std::optional<VertexId> unit;  // the holding unit's node, when stored
  std::string role;              // "reviewed" or "launched"
  VertexId document = 0;         // the document the meeting covered
  // From X to `document` along implements edges taken backwards: {X} when direct,
  // {X, 138-KH/QU} when the meeting reviewed a plan implementing X.
  std::vector<VertexId> path;
  bool direct() const { return path.size() <= 1; }
};

// What to keep of the rows of Graph::Reviews, and which page of them.
struct ReviewQuery {
  std::string from, to;   // ISO bounds, as Graph::Reviews takes them
  std::string level;      // the holding unit's level ("district"): the unit's, else the meeting's
  std::string province;   // a substring of the holding unit's province (likewise)
  size_t offset = 0;      // rows to skip
  size_t limit = 0;       // rows to give; 0 = all
};

struct ReviewPage {
  std::vector<ReviewRow> rows;  // the page, in the order of Graph::Reviews
  size_t total = 0;             // the rows kept by the query, all pages together
};

// ---- Snapshot ----
// The built graph can be kept beside the database in one file (`<db>.graph`), so that a
// start reads it instead of building the graph from the tables again (about 17 s at a
// million articles, against well under one from the file). The file holds everything the
// queries use (the CSR arrays, the node tables, their strings, the edge notes) and is
// stamped with SnapshotStamp: the file's format, the program that wrote it (its build id:
// another build may infer other links), the schema version and StoreStamp. A file whose
// stamp differs is stale and is not read; one whose size or checksums are wrong is damaged
// and is not read either (XXH3-64 of each section, checked as it is read: a few hundredths
// of a second of CPU for 0.5 GB, against a load that is mostly copying). Sections are read
// with plain reads straight into the arrays the graph keeps (Boost's CSR holds std::vectors,
// so a mapped file could not be used in place), on two threads. Written through a
// temporary file and renamed (not synced: the checksums catch what a system crash could
// leave), so that a reader meets the old file or the new one whole; a process killed while
// writing leaves its temporary file ("<snapshot>.tmp.<pid>.<n>"), never a damaged snapshot,
// and the next write removes such files once their process is gone.

// What identifies the stored data the graph is built from, read by one query of a few
// index seeks: the AUTOINCREMENT sequences (articles, documents, meetings: a write always
// stores an article under a new id, and a replaced article gets a new id), the largest
// unit and edge ids, the last article's content hash and the schema version. Another
// database put at the same path with the same numbers of rows differs in the hash. The
// server reloads its graph when this changes (server/http.cc).
Result<std::string> StoreStamp(sqlite::Database& db);
// The snapshot's stamp: the format version, this program's build id, then StoreStamp.
Result<std::string> SnapshotStamp(sqlite::Database& db);
// The snapshot file of a database: "<db>.graph".
std::string SnapshotPathOf(const std::string& db_path);

struct SnapshotOptions {
  std::string path;    // the snapshot file; empty: none (the tables are read)
  bool read = true;    // read it when its stamp matches the store's
  bool write = true;   // after a load from the tables, (re)write it; a folder that cannot be
                       // written is skipped with a note, not an error
};

// What Load did with the snapshot, one line each, for the log.
struct LoadReport {
  bool from_snapshot = false;
  bool written = false;
  std::vector<std::string> notes;     // read, written, stale, not written and why
  std::vector<std::string> warnings;  // a damaged file (size, checksum), naming it
};

struct GraphStats {
  std::map<std::string, int64_t> nodes_by_kind;  // "document" -> 12
  std::map<std::string, int64_t> edges_by_kind;  // "implements" -> 3 (stated and inferred)
  int64_t inferred_edges = 0;
  std::map<std::string, int64_t> documents_by_type;  // "NQ" -> 4
};

class Graph {
 public:
  // Reads the whole store (in one read transaction) and builds the graph, inferred edges
  // included. Fails with the store's Status (kCorrupt for rows that do not parse).
  static Result<std::unique_ptr<Graph>> Load(const Store& store);
  // The same graph, read from the snapshot file when its stamp matches the store's, else
  // loaded from the tables and (with options.write) written to the file for the next
  // start. `report` (may be null) says which, and why.
  static Result<std::unique_ptr<Graph>> Load(const Store& store, const SnapshotOptions& options,
                                             LoadReport* report);
  // Writes the graph to `path` (a temporary file beside it, then renamed) stamped with the
  // stamp its load saw. kConflict when the load saw the store change under it (its two
  // read transactions saw two states): such a graph is not kept. kIoError naming `path`.
  Status WriteSnapshot(const std::string& path) const;
  // The SnapshotStamp of the data this graph was built from; empty when unknown.
  const std::string& stamp() const { return stamp_; }

  // ---- Nodes and edges ----
  size_t node_count() const;
  size_t edge_count() const;
  Node node(VertexId v) const;
  NodeKind kind(VertexId v) const;
  // The data of a vertex of that kind (asserted), without building a Node.
  const DocumentNode& document(VertexId v) const;
  const MeetingNode& meeting(VertexId v) const;
  // The stable id of `v` (Node::id).
  std::string IdOf(VertexId v) const;
  const BoostGraph& boost_graph() const { return g_; }
  // All vertices, sorted by stable id.
  std::vector<VertexId> NodeIds() const;
  // All edges, sorted by (from id, kind, to id, article, evidence start).
  std::vector<EdgeRef> Edges() const;
  // The edges leaving / entering `v`, in the same order.
  std::vector<EdgeRef> OutEdges(VertexId v) const;
  std::vector<EdgeRef> InEdges(VertexId v) const;
  // The vertex of a stable id, or nullopt.
  std::optional<VertexId> FindById(std::string_view id) const;
  // The document of a canonical key ("2-ĐA/TU@ho-chi-minh"), or nullopt.
  std::optional<VertexId> FindDocument(std::string_view canonical_key) const;
  // The article node of an articles.id, or nullopt.
  std::optional<VertexId> FindArticle(int64_t article_id) const;
  // An article's fields, read from the store; only row_id when the store has it no more.
  ArticleNode Article(int64_t article_id) const;
  // The ids of the articles that name document `v`, ascending (its mentions edges).
  std::vector<int64_t> ArticlesOf(VertexId v) const;

  // ---- Lookup ----
  // Resolves what a user typed to one document. Accepted forms (diacritics, case and
  // spacing do not matter):
  //   a canonical key                    2-ĐA/TU@ho-chi-minh, 35-NQ/TW@TW#XII
  //   a code                             35-NQ/TW, 05-ĐA/TU, 15/2020/NĐ-CP
  //   a type word or code and a number   NQ 35, Nghị quyết 35, Nghị quyết số 35, Đề án 02
  //   any of those with a type word      Nghị quyết 35-NQ/TW, Đề án số 02-ĐA/TU
  //   a code scoped by a place           05-ĐA/TU@ho-chi-minh (a slug, or its first part),
  //                                      05-ĐA/TU (Thành phố Hồ Chí Minh), 05-ĐA/TU@hồ chí minh
  // Returns kInvalidArgument for text that is none of these, kNotFound (with "did you
  // mean …" naming up to five close codes) when nothing matches, and kConflict listing the
  // candidates' keys when more than one document matches (two terms' 35-CT/TW, two
  // provinces' 05-ĐA/TU).
  Result<VertexId> Resolve(std::string_view key_text) const;

  // ---- Queries ----
  // The documents `document` implements (up) and that implement it (down), transitively.
  // kInvalidArgument when `document` is not a document node.
  Result<Lineage> GetLineage(VertexId document, const LineageOptions& options) const;
  // The meetings that reviewed or launched `document` or a document implementing it
  // (stated implements edges, transitively), with ISO dates in [from, to] (either may be
  // empty: no bound; meetings without a date are kept only when both are empty), sorted by
  // date (undated last), then unit, then meeting id. kInvalidArgument when `document` is
  // not a document node or a bound is not an ISO date.
  Result<std::vector<ReviewRow>> Reviews(VertexId document, std::string_view from = {},
                                         std::string_view to = {}) const;
  // A page of the rows of Reviews, filtered. Only the rows of the page are built: the
  // others are counted. Same errors as Reviews.
  Result<ReviewPage> ReviewsPage(VertexId document, const ReviewQuery& query) const;
  // The meetings a unit held, sorted by date then id; empty for a unit that held none.
  std::vector<VertexId> UnitMeetings(VertexId unit) const;
  // The documents covered by the meetings a unit held, sorted by stable id.
  std::vector<VertexId> UnitDocuments(VertexId unit) const;
  // The documents a meeting covered, each with its edge (reviews, launches, held_under).
  std::vector<EdgeRef> MeetingDocuments(VertexId meeting) const;
  // Counts by kind, deterministic.
  GraphStats Stats() const;

  // The evidence of one edge, with the supporting sentence cut from the article's text
  // (read from the store once, then kept for the next queries). For an edge inferred at
  // load, the span is the first mention of its source document in its article.
  Evidence EvidenceOf(EdgeRef e) const;

  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;
  ~Graph();

 private:
  friend struct Node;
  Graph();
  Evidence ReadEvidence(EdgeRef e) const;  // EvidenceOf without its cache
  struct Loader;
  struct Tables;
  class Reader;
  // The busiest documents' lineage lists and review lists, in order and without evidence,
  // computed on first use and kept for the next pages (graph/graph.cc, "Query cache").
  struct QueryCache;
  struct LineageOrder;
  struct ReviewOrder;
  std::shared_ptr<const LineageOrder> OrderOf(VertexId root, bool up, bool inferred, int depth) const;
  std::shared_ptr<const ReviewOrder> ReviewOrderOf(VertexId root) const;
  struct SnapshotIo;

  BoostGraph g_;
  std::string stamp_;
  std::unique_ptr<Tables> t_;
  std::unique_ptr<Reader> reader_;
  std::unique_ptr<QueryCache> cache_;
};

// The sentence of `text` that holds the byte span [start, end): from the end of the
// previous sentence ('.', '!', '?', ';' followed by a space, or a line break) to the end of
// this one, trimmed; at most about 400 bytes around the span, cut at UTF-8 boundaries.
std::string SentenceAround(std::string_view text, uint32_t start, uint32_t end);

}  // namespace dg
