#include "graph/graph.h"

namespace dg {

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

std::string Node::Label() const { return id; }

Result<std::unique_ptr<Graph>> Graph::Load(const Store&) {
  return Status::Unsupported("graph loading is not built yet");
}

size_t Graph::node_count() const { return boost::num_vertices(g_); }
size_t Graph::edge_count() const { return boost::num_edges(g_); }
const Node& Graph::node(VertexId v) const { return g_[v]; }
std::vector<VertexId> Graph::NodeIds() const { return {}; }
std::vector<EdgeRef> Graph::Edges() const { return {}; }
std::vector<EdgeRef> Graph::OutEdges(VertexId) const { return {}; }
std::vector<EdgeRef> Graph::InEdges(VertexId) const { return {}; }
std::optional<VertexId> Graph::FindById(std::string_view) const { return std::nullopt; }
std::optional<VertexId> Graph::FindDocument(std::string_view) const { return std::nullopt; }
std::optional<VertexId> Graph::FindArticle(int64_t) const { return std::nullopt; }
Result<VertexId> Graph::Resolve(std::string_view) const {
  return Status::Unsupported("not built yet");
}
Result<Lineage> Graph::GetLineage(VertexId, const LineageOptions&) const {
  return Status::Unsupported("not built yet");
}
Result<std::vector<ReviewRow>> Graph::Reviews(VertexId, std::string_view, std::string_view) const {
  return Status::Unsupported("not built yet");
}
std::vector<VertexId> Graph::UnitMeetings(VertexId) const { return {}; }
std::vector<VertexId> Graph::UnitDocuments(VertexId) const { return {}; }
std::vector<EdgeRef> Graph::MeetingDocuments(VertexId) const { return {}; }
GraphStats Graph::Stats() const { return {}; }
Evidence Graph::EvidenceOf(const EdgeData&) const { return {}; }
std::string SentenceAround(std::string_view, uint32_t, uint32_t) { return {}; }

}  // namespace dg
