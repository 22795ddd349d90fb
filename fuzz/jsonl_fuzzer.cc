// libFuzzer target: the JSON Lines reader of ingest/input.h (InputReader on "-") over an
// arbitrary byte stream. Every item must be an article or a broken line whose message
// names it ("-:<line>"), line numbers must increase, the bytes the items account for
// must not exceed the stream's, and the reader must end without crashing.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "ingest/input.h"

namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "jsonl_fuzzer: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  dg::InputReader reader({"-"}, &in);
  dg::InputItem item;
  uint64_t last_line = 0, bytes = 0;
  while (reader.Next(&item)) {
    if (item.source.rfind("-:", 0) != 0) Fail("item not named \"-:<line>\": " + item.source);
    const uint64_t line = std::strtoull(item.source.c_str() + 2, nullptr, 10);
    if (line <= last_line) Fail("line numbers do not increase: " + item.source);
    last_line = line;
    bytes += item.bytes;
    // Each line counts its newline, so a last line without one counts one byte more.
    if (bytes > size + 1) Fail("items account for more bytes than the stream has");
    if (!item.status.ok()) {
      if (!item.text.empty()) Fail(item.source + ": a broken line kept its text");
      if (item.status.message().rfind(item.source + ": ", 0) != 0) {
        Fail("message does not name its line: " + item.status.message());
      }
    }
  }
  return 0;
}
