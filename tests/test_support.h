// Helpers shared by the test suites.
#pragma once

#include <doctest/doctest.h>

#include <memory>

#include "ingest/catalogue.h"
#include "ingest/extract.h"
#include "ingest/gazetteer.h"

namespace dg::testing {

// The real gazetteer (npm packages) and catalogue (data/catalogue.tsv) with an Extractor
// over them, loaded once per test program. A failed load fails the calling test.
inline const Extractor& SharedExtractor() {
  struct Resources {
    std::unique_ptr<Gazetteer> gazetteer;
    std::unique_ptr<Catalogue> catalogue;
    std::unique_ptr<Extractor> extractor;
    Resources() {
      auto g = Gazetteer::Load();
      REQUIRE_MESSAGE(g.ok(), g.status().ToString());
      gazetteer = std::move(g).value();
      auto c = Catalogue::Load();
      REQUIRE_MESSAGE(c.ok(), c.status().ToString());
      catalogue = std::move(c).value();
      extractor = std::make_unique<Extractor>(gazetteer.get(), catalogue.get());
    }
  };
  static Resources r;
  return *r.extractor;
}

}  // namespace dg::testing
