#pragma once
// UTF-8 validity, checked where bytes from outside become text: JSON Lines articles, query
// strings and form fields, document pages.

#include <cstddef>
#include <string_view>

namespace dg {

// Whether `s` is well-formed UTF-8: no byte cut short, no overlong form, no surrogate, no
// code point past U+10FFFF. simdjson checks 32 or 64 bytes a step (several GB/s): an
// article's JSON line is checked whole before it is parsed.
bool ValidUtf8(std::string_view s);

// The offset of the first byte that does not start a well-formed sequence, or
// std::string_view::npos when `s` is valid (for messages; slower than ValidUtf8).
size_t FirstInvalidUtf8(std::string_view s);

}  // namespace dg
