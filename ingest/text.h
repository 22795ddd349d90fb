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

// An allocator whose resize() leaves new elements uninitialized: folding sizes its
// buffers for the worst case and writes them once; zeroing them first cost a fifth of it.
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

// The input folded to one ASCII byte per visible character: Vietnamese letters lose their
// marks (old and new tone-mark placement alike, NFC or NFD), đ/Đ/Ð become d/D, every
// kind of space (NBSP, tab, CR) becomes ' ', dashes '-', curly quotes '"', and any other
// non-ASCII character '\x7f'. Case is kept. Combining marks produce nothing.
//   folded[i] stands for the original bytes [Orig(i), Orig(i + 1));
//   Orig(folded.size()) is the input's size.
struct FoldedText {
  std::string folded;
  // The map back, kept only where it changes: from folded position `at` on (to the next
  // entry), Orig(i) = i + shift; before the first entry, Orig(i) = i. An ASCII byte is one
  // folded byte, so entries follow the other characters only. Sorted by `at`; of entries
  // with the same `at`, the last counts.
  struct Shift {
    uint32_t at, shift;
  };
  std::vector<Shift, UninitializedAllocator<Shift>> shifts;

  uint32_t Orig(size_t folded_pos) const;
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

namespace text_internal {
// Whether the folding takes its SIMD block loops (AVX-512, or AVX2 with BMI2) where the CPU
// has them: true by default. Off, every block goes through the plain loop; for tests and
// benchmarks that compare the two. Not for use while another thread folds.
void AllowFoldBlocks(bool allow);
}  // namespace text_internal

}  // namespace dg
