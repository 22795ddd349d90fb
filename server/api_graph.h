// The REST replies computed on the in-memory graph (graph/graph.h): lineage, reviews and
// exports. Same conventions as server/api.h: documents are named by their slugs.
#pragma once

#include <string>

#include "core/status.h"
#include "graph/export.h"
#include "graph/graph.h"
#include "server/api.h"

namespace dg::api {

// The lineage page of graph/query_format.h's LineageToJson: {"document":{…},"direction",
// "depth","inferred","limit","up":LIST|null,"down":LIST|null,"cycles":[…]}, LIST =
// {"items":[ENTRY…],"total","next_cursor"}. Only the entries of the page (options.limit,
// options.after) have their evidence read.
Result<std::string> LineageJson(const Graph& g, VertexId document, const LineageOptions& options);

struct ReviewFilter {
  std::string from, to;  // ISO dates (Graph::Reviews)
  std::string level;     // the holding unit's level ("district")
  std::string province;  // substring of the unit's province
  Page page;             // `after` is an offset here: rows are sorted by date, not id
};
// {"document":{…},"items":[{"meeting":{…},"unit":{…}|null,"role","document":{…},
// "direct","path":[SLUG…]}…],"total","next_cursor"}.
Result<std::string> ReviewsJson(const Graph& g, VertexId document, const ReviewFilter& f);
// The graph's question for a filter: the same page of the same rows (Graph::ReviewsPage).
ReviewQuery ReviewQueryOf(const ReviewFilter& f);

// The export of the graph or of a root's neighbourhood in `format` (not CSV).
Result<std::string> ExportText(const Graph& g, ExportFormat format, const ExportOptions& options);

}  // namespace dg::api
