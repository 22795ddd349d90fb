#pragma once

#include <cstdint>
#include <string>

namespace dg {

// How a reference was written. Each kind is resolved differently (see ingest/resolve.h).
enum class MentionKind {
  kFullCode,    // "Nghị quyết số 35-NQ/TW", "NQ35", "35 - NQ/TW"
  kShortForm,   // "Đề án 02", "NQ 35": type and number without the issuer code
  kListMember,  // "Kế hoạch 290" in "Đề án 02, Kế hoạch 290 … của Ban Thường vụ Thành ủy"
  kPlenum,      // "Nghị quyết Trung ương 4 (khóa XII)"
  kStateCode,   // "15/2020/NĐ-CP"
};

const char* MentionKindName(MentionKind k);

// One place in an article's text that names a document. Offsets are byte offsets into
// the article's text as read (before any normalization), [start, end).
struct Mention {
  uint32_t start = 0;
  uint32_t end = 0;
  std::string text;  // the original bytes of [start, end)
  MentionKind kind = MentionKind::kFullCode;
};

}  // namespace dg
