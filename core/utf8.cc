#include "core/utf8.h"

#include <simdjson.h>
#include <utf8proc.h>

namespace dg {

bool ValidUtf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

size_t FirstInvalidUtf8(std::string_view s) {
  auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  size_t i = 0;
  while (i < s.size()) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    // utf8proc rejects bytes cut short, overlong forms, surrogates and code points past
    // U+10FFFF, as simdjson does.
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n =
        utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) return i;
    i += static_cast<size_t>(n);
  }
  return std::string_view::npos;
}

}  // namespace dg
