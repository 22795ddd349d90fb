// Text preparation for extraction: validation, folding, and the map back to the bytes
// as read (STYLE.md 8: never lose source offsets).
#pragma once

#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace dg {

// The input folded to one ASCII byte per visible character: Vietnamese letters lose their
// marks (old and new tone-mark placement alike, NFC or NFD), đ/Đ/Ð become d/D, every
// kind of space (NBSP, tab, CR) becomes ' ', dashes '-', curly quotes '"', and any other
// non-ASCII character '\x7f'. Case is kept. Combining marks produce nothing.
//   folded[i] stands for the original bytes [offset[i], offset[i + 1]).
// offset has folded.size() + 1 entries; the last is the input's size.
// An allocator whose resize() leaves new elements uninitialized: the offset map is
// written in full right after it is sized, and zeroing it first cost a fifth of folding.
template <typename T>
struct UninitializedAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <typename U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;  // default-initialized: no zeroing
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

struct FoldedText {
  std::string folded;
  std::vector<uint32_t, UninitializedAllocator<uint32_t>> offset;

  uint32_t Orig(size_t folded_pos) const { return offset[folded_pos]; }
};

// Checks that `bytes` is text dirgraph can read: not empty, valid UTF-8, not binary.
// On failure returns kInvalidArgument with the reason and, for bad UTF-8, the byte offset.
Status CheckText(std::string_view bytes);

// Folds valid UTF-8 (see CheckText).
FoldedText Fold(std::string_view utf8);

// Checks and folds in one pass: as CheckText followed by Fold. On failure returns the
// Status CheckText would and leaves *out unspecified.
Status CheckAndFold(std::string_view bytes, FoldedText* out);

// The original bytes as clean NFC text for output: NFC-normalized (utf8proc), Ð typed
// for Đ fixed, every run of whitespace (NBSP, tabs, CR/LF) one space, trimmed.
std::string CleanNfc(std::string_view utf8);

}  // namespace dg
