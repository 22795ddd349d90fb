// Corpus generator: synthetic articles in the genre of the Party and government portals,
// each with the gold a perfect extractor would output (DESIGN.md §4, the shared scorer's
// format; see bench/README.md).
//
// An article reports one meeting of one committee (a unit of the gazetteer, named as
// it stood at the meeting's date) that reviews or launches a central document of the
// catalogue, with the provincial, district and commune documents that implement it.
// Around them: menus, a date banner, boilerplate paragraphs whose numbers are not
// documents, awards, the chair, the author and the portal's trailing lines.
//
// Output is a pure function of (seed, index): the random source is std::mt19937_64,
// whose sequence the standard fixes, and every draw from it goes through Rng below
// (no std::*_distribution, whose results differ between standard libraries).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ingest/catalogue.h"
#include "ingest/gazetteer.h"

namespace dg::gen {

// One generated article and its gold.
struct Article {
  std::string name;       // "0000042.txt": the file name, and the key of the gold row
  std::string url;        // "https://<site host>/tin-tuc/0000042.txt" (its last segment is `name`)
  std::string site;       // the portal's name as the page shows it
  std::string published;  // ISO date, or empty when the page shows none
  std::string text;       // UTF-8, NFC, 3-10 KB
  std::string gold;       // one JSON object, no newline: the gold row for `name`
  // Every surface the gold lists (for checks: each occurs in `text`).
  std::vector<std::string> surfaces;
};

class Generator {
 public:
  // Indexes the units and the usable catalogue entries. Both must outlive the generator.
  Generator(const Gazetteer& gazetteer, const Catalogue& catalogue);
  ~Generator();
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  // Article number `index` (0-based) of the corpus of seed `seed`. Thread-safe.
  Article Make(uint64_t seed, uint64_t index) const;

  struct Index;  // the indexed units and catalogue entries (gen_lib.cc)

 private:
  std::unique_ptr<Index> index_;
};

// The file name of article `index`: seven digits and ".txt".
std::string ArticleName(uint64_t index);

// `s` as a JSON string literal (quotes included; control characters escaped).
std::string JsonString(const std::string& s);

}  // namespace dg::gen
