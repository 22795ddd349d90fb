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

Result<std::string> ReviewsJson(const Graph& g, VertexId document, const ReviewFilter& f) {
  auto rows = g.Reviews(document, f.from, f.to);
  if (!rows.ok()) return rows.status();
  std::vector<const ReviewRow*> kept;
  for (const ReviewRow& r : rows.value()) {
    const MeetingNode& m = g.node(r.meeting).meeting();
    std::string_view level = m.unit_level, province = m.province;
    if (r.unit) {
      const UnitNode& u = g.node(*r.unit).unit();
      if (!u.level.empty()) level = u.level;
      if (!u.province.empty()) province = u.province;
    }
    if (!f.level.empty() && level != f.level) continue;
    if (!f.province.empty() && province.find(f.province) == std::string::npos) continue;
    kept.push_back(&r);
  }
  const size_t first = static_cast<size_t>(std::min<int64_t>(f.page.after, static_cast<int64_t>(kept.size())));
  const size_t last = std::min(kept.size(), first + static_cast<size_t>(f.page.limit));
  std::vector<const ReviewRow*> page(kept.begin() + static_cast<std::ptrdiff_t>(first),
                                     kept.begin() + static_cast<std::ptrdiff_t>(last));
  return ReviewsToJson(g, document, page, kept.size(), last < kept.size() ? std::to_string(last) : "");
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
