#include "core/edge.h"

#include "core/mention.h"

namespace dg {

const char* RelationName(Relation r) {
  switch (r) {
    case Relation::kImplements: return "implements";
    case Relation::kLinked: return "linked";
    case Relation::kAmends: return "amends";
    case Relation::kReplaces: return "replaces";
    case Relation::kRepeals: return "repeals";
    case Relation::kBasedOn: return "based_on";
  }
  return "implements";
}

bool ParseRelation(const std::string& name, Relation* out) {
  for (Relation r : {Relation::kImplements, Relation::kLinked, Relation::kAmends,
                     Relation::kReplaces, Relation::kRepeals, Relation::kBasedOn}) {
    if (name == RelationName(r)) {
      *out = r;
      return true;
    }
  }
  return false;
}

const char* MentionKindName(MentionKind k) {
  switch (k) {
    case MentionKind::kFullCode: return "full";
    case MentionKind::kShortForm: return "short";
    case MentionKind::kListMember: return "list";
    case MentionKind::kPlenum: return "plenum";
    case MentionKind::kStateCode: return "state";
  }
  return "full";
}

}  // namespace dg
