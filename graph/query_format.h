// Printing lineage and reviews answers (graph/graph.h): a readable tree or table for the
// command line, and the one JSON shape that both `dirgraph lineage|reviews --json` and the
// REST API answer with. JSON names documents with id (the URL slug of the key), key, code,
// type, number, suffix, jurisdiction (null when unknown), date and title; meetings with
// id, unit, level, province, date, date_inferred, kind, years, chair and article.
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"

namespace dg {

// Human output: the root, then "up" and "down" sections, one line per document with its
// path and, under it, the evidence of each step (article, url, byte span, sentence);
// inferred steps say so with their weight and why; cycles last. Ends with a newline.
std::string LineageToText(const Graph& g, const Lineage& lineage);
// {"document": DOC, "direction", "depth", "inferred" (the options asked), "up": [ENTRY…],
// "down": [ENTRY…], "cycles": ["A -> B -> A"…]}, ENTRY = {"document": DOC, "depth",
// "path": [key…], "steps": [{"from", "rel", "to", "inferred", "weight", "why", "article",
// "url", "evidence": {"start", "end"}, "sentence"}…]}. One line, no newline.
std::string LineageToJson(const Graph& g, const Lineage& lineage, const LineageOptions& options);

// Human output: a table sorted as given, one meeting a line (date, unit, level, province,
// kind, years, role, path: "direct" or "via 138-KH/QU"). Ends with a newline.
std::string ReviewsToText(const Graph& g, VertexId document, const std::vector<ReviewRow>& rows);
// A page of rows: {"document": DOC, "items": [{"meeting": MEETING, "unit": {"id", "node",
// "name", "level", "province"}, "role", "document": DOC, "direct", "via": [key…], "url"}…],
// "total", "next_cursor" (null on the last page)}. One line, no newline.
std::string ReviewsToJson(const Graph& g, VertexId document,
                          const std::vector<const ReviewRow*>& rows, size_t total,
                          const std::string& next_cursor);
// All rows on one page.
std::string ReviewsToJson(const Graph& g, VertexId document, const std::vector<ReviewRow>& rows);

}  // namespace dg
