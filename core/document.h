#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/document_key.h"
#include "core/mention.h"

namespace dg {

// A Party or state document as one article names it, or as the store keeps it.
struct Document {
  DocumentKey key;
  std::string issuer;        // "Ban Thường vụ Thành ủy"; empty when not stated
  std::string jurisdiction;  // "Quận 1, Thành phố Hồ Chí Minh"; empty for central or unknown
  std::string date;          // ISO "2018-10-22"; empty when unknown
  std::string title;         // "về tăng cường …"; empty when not stated
  std::vector<Mention> mentions;
};

}  // namespace dg
