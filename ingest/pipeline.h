// The ingest pipeline: inputs (ingest/input.h) -> parsing and extraction on worker threads ->
// the store, one transaction per batch, written on the calling thread in input order.
//
// Idempotent through the store: an article stored already is "unchanged", one with a
// stored url and new text "replaced". A run killed midway leaves the database as it was
// after the last committed batch; running it again finishes the job.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/store.h"
#include "ingest/extract.h"
#include "ingest/gazetteer.h"

namespace dg {

// One input that was not ingested, and why.
struct IngestError {
  std::string input;   // "dir/a.txt", "feed.jsonl:12"
  std::string reason;  // the message, without the input's name
};

// Where a run stands; passed to IngestOptions::progress after each batch.
struct IngestProgress {
  int64_t items = 0;  // inputs handled so far (articles and errors)
  int64_t errors = 0;
  uint64_t bytes = 0;        // input bytes handled so far
  uint64_t total_bytes = 0;  // 0 when unknown (standard input)
  double seconds = 0;
};

struct IngestOptions {
  // Articles per transaction (the first ones smaller, from 125 doubling up to this);
  // 0 is taken as 1. A larger batch flushes the search index
  // less often (fewer segments to merge); a killed run redoes at most one batch.
  size_t batch_size = 2000;
  int jobs = 0;             // extraction threads; 0 = one per core
  bool strict = false;      // the first error fails the run; its batch is not committed
  // Called on the calling thread after each committed batch, and once at the end.
  std::function<void(const IngestProgress&)> progress;
  // Called on the calling thread for each input that fails, as it is met (in strict
  // mode the first failure is returned by Ingest instead).
  std::function<void(const IngestError&)> on_error;
  std::istream* std_in = nullptr;  // read for the path "-"
  // When set, each meeting's holder and its ancestors are stored as units (the units
  // tree; see AddMeetingUnits). Must outlive the run.
  const Gazetteer* gazetteer = nullptr;
};

struct IngestReport {
  int64_t articles_added = 0;
  int64_t articles_unchanged = 0;
  int64_t articles_replaced = 0;
  int64_t documents = 0;  // document nodes in the articles added or replaced
  int64_t meetings = 0;   // meetings in the articles added or replaced
  int64_t errors = 0;
  std::vector<IngestError> error_list;  // in input order
  double seconds = 0;

  int64_t articles() const { return articles_added + articles_unchanged + articles_replaced; }
};

// Fills e->units with the gazetteer units of e's meetings' holders (by unit_code) and
// their ancestors, each once, in the era of the meeting's date (the 1 July 2025 reform;
// an undated meeting takes the article's date, else the era before it). A code the
// gazetteer does not know in that era is looked up in the other one, else skipped.
void AddMeetingUnits(const Gazetteer& gazetteer, Extraction* e);

// Ingests every article under `paths` into `store`. Errors of single inputs (unreadable
// file, broken JSON line, failed extraction, an article the store refuses) are counted
// in the report and the run goes on, unless options.strict, where the first one fails
// the run with its Status. Fails on a database error (kIoError, kCorrupt, kInternal…);
// batches committed before stay.
Result<IngestReport> Ingest(const std::vector<std::string>& paths, Store& store,
                            const Extractor& extractor, const IngestOptions& options);

}  // namespace dg
