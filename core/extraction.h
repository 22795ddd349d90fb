#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/article.h"
#include "core/document.h"
#include "core/edge.h"
#include "core/meeting.h"
#include "core/unit.h"

namespace dg {

// A span that looked like a reference but could not be tied to one document.
struct Unresolved {
  uint32_t start = 0;
  uint32_t end = 0;
  std::string text;
  std::string reason;  // "no full code for this short form", "two candidates: …"
};

// Everything extracted from one article: what `dirgraph extract` prints and what the
// store keeps for it. Keys in relations and meetings are canonical DocumentKey strings
// of `documents`.
struct Extraction {
  Article article;
  std::vector<Document> documents;
  std::vector<Edge> relations;
  std::vector<Meeting> meetings;
  std::vector<Unresolved> unresolved;
  // Gazetteer units of the meetings' holders and their ancestors (district, province), as
  // the gazetteer stood at each meeting's date; filled by the ingest pipeline, not by
  // extraction, and stored for the units tree (part_of). Not read back by the store.
  std::vector<Unit> units;
};

}  // namespace dg
