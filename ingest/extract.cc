#include "ingest/extract.h"

namespace dg {

struct Extractor::Impl {
  const Gazetteer* gazetteer;
  const Catalogue* catalogue;
};

Extractor::Extractor(const Gazetteer* g, const Catalogue* c) : impl_(new Impl{g, c}) {}
Extractor::~Extractor() = default;

Result<Extraction> Extractor::Extract(std::string_view text, const ArticleHints& hints) const {
  if (text.empty()) return Status::Invalid(hints.file + ": empty input");
  Extraction e;
  e.article.file = hints.file;
  e.article.text = std::string(text);
  return e;
}

std::string ExtractionToJson(const Extraction& e) {
  return "{\"file\":\"" + e.article.file + "\"}";
}

}  // namespace dg
