#pragma once

#include <cstdint>
#include <string>

namespace dg {

// Document -> document relations as the text states them (DESIGN.md §3).
enum class Relation { kImplements, kLinked, kAmends, kReplaces, kRepeals, kBasedOn };

const char* RelationName(Relation r);
// Returns false when `name` is not one of the names above.
bool ParseRelation(const std::string& name, Relation* out);

// A relation between two documents of one article, with the span of its evidence.
// `inferred` edges were not stated by the text; `weight` is 1.0 for stated ones.
struct Edge {
  std::string from;  // canonical DocumentKey strings
  Relation rel = Relation::kImplements;
  std::string to;
  uint32_t evidence_start = 0;  // byte offsets into the article as read
  uint32_t evidence_end = 0;
  bool inferred = false;
  double weight = 1.0;
};

}  // namespace dg
