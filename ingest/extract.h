// Extraction: from one article's text to its documents, relations and meetings.
// Pure stages returning values (normalize -> find mentions -> resolve -> link ->
// meetings); no I/O and no SQLite inside. The top-level function is Extractor::Extract.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/extraction.h"
#include "core/status.h"

namespace dg {

class Gazetteer;
class Catalogue;

// What the caller knows of an article besides its text (JSON Lines fields, file name).
struct ArticleHints {
  std::string file;       // file name without folders, for messages and the output
  std::string url;
  std::string title;      // when given, wins over the title found in the text
  std::string published;  // ISO date; when given, wins over the date found in the text
  std::string site;
};

class Extractor {
 public:
  // The gazetteer and catalogue must outlive the extractor. Either may be null: then
  // jurisdictions stay unresolved, or central references get no catalogue data.
  Extractor(const Gazetteer* gazetteer, const Catalogue* catalogue);
  ~Extractor();
  Extractor(const Extractor&) = delete;
  Extractor& operator=(const Extractor&) = delete;

  // Extracts everything from `text` (the bytes as read). Returns kInvalidArgument for
  // empty input, invalid UTF-8 (with the byte offset) or binary data, naming hints.file.
  // Thread-safe: one Extractor may serve many threads.
  Result<Extraction> Extract(std::string_view text, const ArticleHints& hints) const;
  // The same, taking `text` over: the result's article.text is that string, not a copy of
  // it. `text` is left unspecified.
  Result<Extraction> ExtractTaking(std::string&& text, const ArticleHints& hints) const;

 private:
  Result<Extraction> ExtractChecked(std::string_view text, const ArticleHints& hints) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The `extract` JSON object of DESIGN.md §4 for one article, on one line, no newline.
std::string ExtractionToJson(const Extraction& e);

}  // namespace dg
