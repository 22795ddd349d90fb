#include "server/api_graph.h"

#include <algorithm>
#include <cstddef>
#include <sstream>

#include "graph/query_format.h"

namespace dg::api {

Result<std::string> LineageJson(const Graph& g, VertexId document, const LineageOptions& options) {
  auto lineage = g.GetLineage(document, options);
  if (!lineage.ok()) return lineage.status();
  return LineageToJson(g, lineage.value(), options);
}

ReviewQuery ReviewQueryOf(const ReviewFilter& f) {
  ReviewQuery q;
  q.from = f.from;
  q.to = f.to;
  q.level = f.level;
  q.province = f.province;
  q.offset = static_cast<size_t>(f.page.after);
  q.limit = static_cast<size_t>(f.page.limit);
  return q;
}

Result<std::string> ReviewsJson(const Graph& g, VertexId document, const ReviewFilter& f) {
  const ReviewQuery q = ReviewQueryOf(f);
  auto page = g.ReviewsPage(document, q);
  if (!page.ok()) return page.status();
  std::vector<const ReviewRow*> rows;
  for (const ReviewRow& r : page->rows) rows.push_back(&r);
  const size_t last = q.offset + rows.size();
  return ReviewsToJson(g, document, rows, page->total,
                       last < page->total ? std::to_string(last) : "");
}

Result<std::string> ExportText(const Graph& g, ExportFormat format, const ExportOptions& options) {
  auto eg = MakeExportGraph(g, options);
  if (!eg.ok()) return eg.status();
  std::ostringstream out;
  Status s;
  switch (format) {
    case ExportFormat::kGexf: s = WriteGexf(eg.value(), out); break;
    case ExportFormat::kGraphml: s = WriteGraphml(eg.value(), out); break;
    case ExportFormat::kJson: s = WriteJson(eg.value(), out); break;
    case ExportFormat::kCsv: return Status::Unsupported("CSV is exported by 'dirgraph export' only");
  }
  if (!s.ok()) return s;
  return out.str();
}

}  // namespace dg::api
