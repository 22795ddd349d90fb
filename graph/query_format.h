// Printing lineage and reviews answers (graph/graph.h) for the command line: a readable
// tree or table, and JSON. JSON names documents with key, code, type, number, suffix,
// jurisdiction (null when unknown), date and title, and meetings with id, unit, level,
// province, date, date_inferred, kind and years.
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"

namespace dg {

// Human output: the root, then "up" and "down" sections, one line per document with its
// path and, under it, the evidence of each step (article, url, byte span, sentence);
// inferred steps say so with their weight and why; cycles last. Ends with a newline.
std::string LineageToText(const Graph& g, const Lineage& lineage);
// {"root": DOC, "up": [ENTRY…], "down": [ENTRY…], "cycles": ["A -> B -> A"…]}, ENTRY =
// {"document": DOC, "depth", "path": [key…], "steps": [{"from", "to", "relation",
// "inferred", "weight", "why", "article", "url", "evidence": {"start", "end"},
// "sentence"}…]}. One line, no newline.
std::string LineageToJson(const Graph& g, const Lineage& lineage);

// Human output: a table sorted as given, one meeting a line (date, unit, level, province,
// kind, years, role, path: "direct" or "via 138-KH/QU"). Ends with a newline.
std::string ReviewsToText(const Graph& g, VertexId document, const std::vector<ReviewRow>& rows);
// {"document": DOC, "reviews": [{"meeting": MEETING, "role", "document": DOC, "direct",
// "via": [key…], "article", "url"}…]}. One line, no newline.
std::string ReviewsToJson(const Graph& g, VertexId document, const std::vector<ReviewRow>& rows);

}  // namespace dg
