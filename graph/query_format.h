// Printing lineage and reviews answers (graph/graph.h): a readable tree or table for the
// command line, and the one JSON shape that both `dirgraph lineage|reviews --json` and the
// REST API answer with. JSON names documents with id (the URL slug of the key), key, code,
// type, number, suffix, jurisdiction (null when unknown), date and title; meetings with
// id, unit, level, province, date, date_inferred, kind, years, chair and article.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "graph/graph.h"

namespace dg {

// Human output: the root, then "up" and "down" sections, one line per document with its
// path and, under it, the evidence of each step (article, url, byte span, sentence);
// inferred steps say so with their weight and why; a section cut by the limit ends with
// how many it holds in all and the --cursor of its next page; cycles last. Ends with a
// newline.
std::string LineageToText(const Graph& g, const Lineage& lineage, const LineageOptions& options);
// {"document": DOC, "direction", "depth", "inferred", "limit" (the options asked; limit
// null for none), "up": LIST, "down": LIST, "cycles": ["A -> B -> A"…]}, LIST = null for a
// direction not asked, else {"items": [ENTRY…], "total", "next_cursor" (null on the last
// page)}, ENTRY = {"document": DOC, "depth", "path": [key…], "steps": [{"from", "rel",
// "to", "inferred", "weight", "why", "article", "url", "evidence": {"start", "end"},
// "sentence"}…]}. One line, no newline.
std::string LineageToJson(const Graph& g, const Lineage& lineage, const LineageOptions& options);

// The next_cursor of one direction of a lineage page: opaque text (base64url) naming the
// question (root, inferred, depth) and the last entry given; empty when none follows.
std::string LineageCursor(const Graph& g, const Lineage& lineage, const LineageOptions& options,
                          Direction direction);
// Reads a next_cursor into options->after, for the lineage of `root` asked with `options`.
// The cursor's direction becomes options->direction, which must be kBoth (none chosen) or
// that direction. kInvalidArgument, its message starting with `what` ("parameter 'cursor'",
// "--cursor"), for text that is not a cursor, or a cursor of another document or of
// other options (depth, inferred).
Status ApplyLineageCursor(const Graph& g, VertexId root, std::string_view cursor,
                          std::string_view what, LineageOptions* options);

// Human output: a table sorted as given, one meeting a line (date, unit, level, province,
// kind, years, role, path: "direct" or "via 138-KH/QU"). Ends with a newline.
// `total`: the meetings of all pages (the header counts them); 0 means rows.size().
std::string ReviewsToText(const Graph& g, VertexId document, const std::vector<ReviewRow>& rows,
                          size_t total = 0);
// A page of rows: {"document": DOC, "items": [{"meeting": MEETING, "unit": {"id", "node",
// "name", "level", "province"}, "role", "document": DOC, "direct", "via": [key…], "url"}…],
// "total", "next_cursor" (null on the last page)}. One line, no newline.
std::string ReviewsToJson(const Graph& g, VertexId document,
                          const std::vector<const ReviewRow*>& rows, size_t total,
                          const std::string& next_cursor);
// All rows on one page.
std::string ReviewsToJson(const Graph& g, VertexId document, const std::vector<ReviewRow>& rows);

}  // namespace dg
