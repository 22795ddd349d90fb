// Exports of the graph (issue 4, "Exports"): GEXF 1.3, GraphML, JSON and the CSV files of
// neo4j-admin import.
//
// Two steps:
//  1. MakeExportGraph turns a Graph (or the neighbourhood of one of its nodes) into an
//     ExportGraph: plain nodes and edges with typed attributes, sorted by stable ids,
//     parallel edges of one kind merged (their count is the edge's `evidence`), each node
//     and edge with the date it appears on the timeline.
//  2. A writer prints an ExportGraph on a std::ostream. The writers escape everything they
//     print (XML, JSON, CSV), never print addresses, and print the same bytes for the same
//     ExportGraph: two exports of one database are byte-identical.
//
// Attributes are typed by one schema per class (NodeAttributes(), EdgeAttributes()), in
// this order in every format. A value is stored as text ("5", "true", "0.6"); an absent
// one is not printed (GEXF, GraphML), is null (JSON) or an empty field (CSV).
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace dg {

class Graph;

enum class ExportFormat { kGexf, kGraphml, kJson, kCsv };
// "gexf", "graphml", "json", "csv".
const char* ExportFormatName(ExportFormat f);
// Parses a format name (case-insensitive); kInvalidArgument naming the valid ones.
Result<ExportFormat> ParseExportFormat(std::string_view name);

enum class AttrType { kString, kInteger, kDouble, kBoolean };

// One attribute of the schema. `name` is its id in every format (GEXF attribute id and
// title, GraphML key attr.name, JSON member, CSV column).
struct AttrDef {
  const char* name;
  AttrType type;
  const char* about;  // one line, for readers of this header
};

// The node attributes, in output order: kind, then the document fields, the unit and
// meeting fields, the article fields, the date and the evidence count.
std::span<const AttrDef> NodeAttributes();
// The edge attributes, in output order: kind, evidence, inferred, weight, date.
std::span<const AttrDef> EdgeAttributes();

struct ExportNode {
  std::string id;     // the graph's stable id: a document key, "unit:760", "meeting:12"
  std::string kind;   // "document", "unit", "meeting", "article"
  std::string label;  // a short human label ("35-NQ/TW", "Quận ủy Bình Tân")
  std::string start;  // ISO date the node appears on the timeline; empty: always there
  std::map<std::string, std::string> attrs;  // attribute name -> value as text
};

struct ExportEdge {
  std::string source;  // node ids
  std::string target;
  std::string kind;   // "implements", "reviews", "held", "part_of", "mentions", …
  std::string start;  // ISO date; empty: always there
  std::map<std::string, std::string> attrs;
};

// Nodes sorted by kind (document, unit, meeting, article) then by id, numeric parts of
// ids compared as numbers ("meeting:9" before "meeting:10"); edges sorted by
// (source, target, kind) in that node order. Every edge's ends are nodes of the graph.
struct ExportGraph {
  std::vector<ExportNode> nodes;
  std::vector<ExportEdge> edges;
};

struct ExportOptions {
  // A document, as Graph::Resolve accepts it ("35-NQ/TW", "NQ 35", a canonical key), or
  // a node's stable id ("unit:760", "meeting:12"). Empty: the whole graph.
  std::string root;
  // With a root: the nodes within `depth` edges of it, edges followed both ways; 0 = no
  // limit (the root's connected component). Must not be negative.
  int depth = 2;
};

// The graph, or the neighbourhood of options.root, ready to write. Fails with
// kInvalidArgument for a negative depth, and with Resolve's status (kNotFound with "did
// you mean", kConflict listing candidates) for a root that names no single node.
Result<ExportGraph> MakeExportGraph(const Graph& graph, const ExportOptions& options);

// Sorts nodes and edges as ExportGraph says. MakeExportGraph's result is sorted already;
// for graphs built by hand (tests).
void SortExportGraph(ExportGraph& g);

// The writers. Each fails only with kIoError when the stream fails.
//
// GEXF 1.3 (http://gexf.net/1.3), valid against the RelaxNG grammar of the GEXF 1.3
// specification: a directed graph, mode="dynamic", timeformat="date"; typed attribute
// declarations; a viz colour per node kind; nodes and edges with a date carry it as
// `start`, so Gephi's timeline shows each meeting, and the documents and edges it brings,
// from that day on.
Status WriteGexf(const ExportGraph& g, std::ostream& out);
// GraphML with typed <key>s (attr.name, attr.type) for every attribute plus "label",
// edgedefault="directed": read by Gephi and by boost::read_graphml. Booleans are keys of
// type int, 0 or 1: boost::read_graphml (1.74) reads no "true".
Status WriteGraphml(const ExportGraph& g, std::ostream& out);
// {"nodes":[{"id","kind","label",<attributes>…}],"links":[{"source","target","kind",…}]}:
// documents carry "type", "number", "suffix" and "jurisdiction" (null when unknown);
// other absent attributes are left out. Numbers and booleans are JSON numbers and booleans.
Status WriteJson(const ExportGraph& g, std::ostream& out);
// The two files of `neo4j-admin database import full --nodes=N --relationships=R`:
// nodes with `id:ID`, `:LABEL` (Document, Unit, Meeting, Article), `label` and the typed
// attributes (`years:long`, `inferred:boolean`…; an empty field is no property); relationships with
// `:START_ID`, `:END_ID`,
// `:TYPE` (IMPLEMENTS, REVIEWS, HELD…) and the edge attributes. Comma-separated, a header
// line, every text field in double quotes with quotes doubled; line breaks inside values
// become spaces so that no --multiline-fields is needed.
Status WriteCsvNodes(const ExportGraph& g, std::ostream& out);
Status WriteCsvEdges(const ExportGraph& g, std::ostream& out);

// The names the CSV export writes for `-o PATH`: PATH without a trailing ".csv", then
// "-nodes.csv" and "-edges.csv" ("out/graph.csv" -> "out/graph-nodes.csv",
// "out/graph-edges.csv").
struct CsvPaths {
  std::string nodes;
  std::string edges;
};
CsvPaths CsvPathsFor(std::string_view output);

// Writes `g` in `format` to the file `path` (for CSV, the two files of CsvPathsFor). A
// regular file is written through a temporary file renamed into place, so that a failed
// export leaves no partial file; a symbolic link, /dev/stdout or a pipe is written in
// place, never replaced. "-" is standard output (not for CSV: kInvalidArgument). kIoError
// naming the file on failure.
Status WriteExportFile(const ExportGraph& g, ExportFormat format, const std::string& path);

// What ExportTo wrote.
struct ExportSummary {
  size_t nodes = 0;
  size_t edges = 0;
  std::vector<std::string> files;  // one, or the two of CsvPathsFor
};

// `dirgraph export`: takes the part of `graph` options select and writes it in `format` to
// `path` (WriteExportFile). Errors of the root and of writing, as those functions return them.
Result<ExportSummary> ExportTo(const Graph& graph, ExportFormat format,
                               const ExportOptions& options, const std::string& path);

// True for an ISO date YYYY-MM-DD that exists ("2020-02-29", not "2021-02-29" nor
// "2020-13-01"): the dates that go on the timeline, as xsd:date (GEXF) requires. Other
// date text stays in the `date` attribute only.
bool IsCalendarDate(std::string_view s);

// Escapes `text` for XML character data and attribute values: & < > " ' become
// entities, tab, CR and LF become character references (kept through attribute
// normalization), other control characters and invalid UTF-8 become U+FFFD.
std::string XmlEscape(std::string_view text);

}  // namespace dg
