#include "ingest/pipeline.h"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "core/assign_or_return.h"
#include "core/search_index.h"
#include "ingest/input.h"

namespace dg {
namespace {

// One input of a batch and what extraction made of it.
struct Slot {
  InputItem item;
  Result<Extraction> extraction = Status::Internal("not extracted");
  // The article's search terms, computed here rather than on the writing thread.
  std::optional<search::ArticleTerms> terms;
};

// Items read together; written in one transaction once all are extracted.
struct Batch {
  std::vector<Slot> slots;
  std::mutex mu;
  std::condition_variable cv;
  size_t done = 0;  // guarded by mu
};

// Parses (JSON Lines) and extracts one slot, and adds the units tree when `gazetteer` is
// set: all the work on an article that needs no database, done on the pool's threads so
// that the one writing thread only writes. Never throws: an exception from below becomes
// the slot's Status.
void ExtractSlot(const Extractor& extractor, const Gazetteer* gazetteer, Slot* slot) {
  ParseDeferredJson(&slot->item);
  if (!slot->item.status.ok()) return;
  try {
    auto r = extractor.Extract(slot->item.text, slot->item.hints);
    if (r.ok()) {
      Article& a = r->article;
      const ArticleHints& h = slot->item.hints;
      if (a.url.empty()) a.url = h.url;
      if (a.file.empty()) a.file = h.file;
      if (a.title.empty()) a.title = h.title;
      if (a.published.empty()) a.published = h.published;
      if (a.site.empty()) a.site = h.site;
      if (a.text.empty()) a.text = slot->item.text;
      if (a.content_hash.empty()) a.content_hash = Sha256Hex(a.text);
      if (gazetteer != nullptr) AddMeetingUnits(*gazetteer, &r.value());
      auto terms = search::TermsOf(a.title, a.text);
      if (terms.ok()) slot->terms = std::move(terms).value();
    }
    slot->extraction = std::move(r);
  } catch (const std::exception& e) {
    slot->extraction = Status::Internal(std::string("extraction failed: ") + e.what());
  } catch (...) {
    slot->extraction = Status::Internal("extraction failed");
  }
  slot->item.text.clear();
  slot->item.text.shrink_to_fit();
}

// A fixed set of threads extracting the slots of submitted batches, in order.
class ExtractPool {
  static constexpr int kExtractNice = 5;  // added to the nice value of the threads
 public:
  ExtractPool(const Extractor& extractor, const Gazetteer* gazetteer, int threads)
      : extractor_(extractor), gazetteer_(gazetteer) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
  }
  ~ExtractPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      tasks_.clear();  // batches still queued are abandoned; their owners hold them
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

  void Submit(const std::shared_ptr<Batch>& batch) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (size_t i = 0; i < batch->slots.size(); ++i) tasks_.emplace_back(batch, i);
    }
    cv_.notify_all();
  }

  static void Wait(Batch& batch) {
    std::unique_lock<std::mutex> lock(batch.mu);
    batch.cv.wait(lock, [&] { return batch.done == batch.slots.size(); });
  }

 private:
  void Work() {
    // Named for top -H and profilers: the ingest's main thread is the one writing.
    pthread_setname_np(pthread_self(), "dg-extract");
    // Below the writing thread, the one stage that cannot be spread: with as many threads
    // extracting as cores, the writer otherwise waited for a core behind them (gen10000 at
    // --jobs 2 on two cores: 6.7-7.4 s, 6.2-6.5 s with this). Linux gives each thread its
    // own nice value; where that fails the thread keeps the process's.
    const auto tid = static_cast<id_t>(gettid());
    errno = 0;
    const int nice = getpriority(PRIO_PROCESS, tid);
    if (errno == 0) (void)setpriority(PRIO_PROCESS, tid, std::min(nice + kExtractNice, 19));
    for (;;) {
      std::pair<std::shared_ptr<Batch>, size_t> task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !tasks_.empty(); });
        if (stop_) return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      Batch& b = *task.first;
      ExtractSlot(extractor_, gazetteer_, &b.slots[task.second]);
      std::lock_guard<std::mutex> lock(b.mu);
      if (++b.done == b.slots.size()) b.cv.notify_all();
    }
  }

  const Extractor& extractor_;
  const Gazetteer* gazetteer_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<std::shared_ptr<Batch>, size_t>> tasks_;
  bool stop_ = false;
};

// Store failures that say the database itself is in trouble, not one article.
bool IsDatabaseFailure(const Status& s) {
  switch (s.code()) {
    case Code::kIoError:
    case Code::kCorrupt:
    case Code::kInternal:
    case Code::kUnsupported:
      return true;
    default:
      return false;
  }
}

class Run {
 public:
  Run(const std::vector<std::string>& paths, Store& store, const Extractor& extractor,
      const IngestOptions& options)
      : store_(store),
        options_(options),
        reader_(paths, options.std_in),
        pool_(extractor, options.gazetteer, Jobs(options.jobs)),
        start_(std::chrono::steady_clock::now()) {
    reader_.DeferJsonParsing(true);  // parsed by the pool (ExtractSlot)
  }

  Result<IngestReport> Go() {
    // Into an empty store, the indexes only reads use are built once at the end
    // (Store::DeferIndexes): gen100000 at --jobs 2, 57.3-57.6 -> 55.5 s with the building.
    DG_ASSIGN_OR_RETURN(const bool deferred, store_.DeferIndexes());
    Status status = Load();
    if (deferred) {
      Status built = store_.RestoreIndexes();
      if (status.ok()) status = built;
    }
    if (!status.ok()) return status;
    report_.seconds = Seconds();
    Progress();
    return report_;
  }

 private:
  Status Load() {
    // The batches after the one being written, extracted meanwhile: kAhead of them, so
    // that the pool goes on while a commit merges the search index for seconds (with one,
    // it sat idle then).
    std::deque<std::shared_ptr<Batch>> queued;
    auto fill = [&] {
      while (queued.size() <= kAhead) {
        std::shared_ptr<Batch> batch = Read();
        if (batch == nullptr) break;
        queued.push_back(std::move(batch));
      }
    };
    fill();
    while (!queued.empty()) {
      std::shared_ptr<Batch> current = std::move(queued.front());
      queued.pop_front();
      fill();
      ExtractPool::Wait(*current);
      DG_RETURN_IF_ERROR(Write(*current));
      Progress();
    }
    return Status::Ok();
  }

  static int Jobs(int jobs) {
    if (jobs > 0) return std::min(jobs, 256);
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }

  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

  // Reads the next batch and hands it to the pool; nullptr at the end of the inputs.
  // The first batches are smaller (kFirstBatch, doubling up to batch_size): nothing is
  // written while the first batch is extracted, so a small one starts the writing early.
  std::shared_ptr<Batch> Read() {
    auto batch = std::make_shared<Batch>();
    const size_t full = std::max<size_t>(1, options_.batch_size);
    const size_t size = std::min(full, next_size_);
    next_size_ = std::min(full, next_size_ * 2);
    InputItem item;
    while (batch->slots.size() < size && reader_.Next(&item)) {
      batch->slots.push_back(Slot{std::move(item), Status::Internal("not extracted"), {}});
    }
    if (batch->slots.empty()) return nullptr;
    pool_.Submit(batch);
    return batch;
  }

  // Counts one failed input; in strict mode returns the Status that ends the run.
  Status Fail(const InputItem& item, const Status& status) {
    IngestError err{item.source, ItemReason(item, status)};
    ++report_.errors;
    if (options_.strict) return Status(status.code(), err.input + ": " + err.reason);
    if (options_.on_error) options_.on_error(err);
    report_.error_list.push_back(std::move(err));
    return Status::Ok();
  }

  Status Write(Batch& batch) {
    auto tx = store_.Begin();
    if (!tx.ok()) return tx.status();
    for (Slot& slot : batch.slots) {
      ++progress_.items;
      progress_.bytes += slot.item.bytes;
      if (!slot.item.status.ok()) {
        DG_RETURN_IF_ERROR(Fail(slot.item, slot.item.status));
        continue;
      }
      if (!slot.extraction.ok()) {
        DG_RETURN_IF_ERROR(Fail(slot.item, slot.extraction.status()));
        continue;
      }
      Extraction& e = slot.extraction.value();
      auto put = tx->PutArticle(e, slot.terms ? &*slot.terms : nullptr);
      if (!put.ok()) {
        if (IsDatabaseFailure(put.status())) return put.status().WithContext(slot.item.source);
        DG_RETURN_IF_ERROR(Fail(slot.item, put.status()));
        continue;
      }
      switch (put.value()) {
        case Store::PutOutcome::kAdded:
          ++report_.articles_added;
          break;
        case Store::PutOutcome::kUnchanged:
          ++report_.articles_unchanged;
          break;
        case Store::PutOutcome::kReplaced:
          ++report_.articles_replaced;
          break;
      }
      if (put.value() != Store::PutOutcome::kUnchanged) {
        report_.documents += static_cast<int64_t>(e.documents.size());
        report_.meetings += static_cast<int64_t>(e.meetings.size());
      }
      slot.extraction = Status::Internal("written");  // frees the article early
      slot.terms.reset();
    }
    return tx->Commit();
  }

  void Progress() {
    if (!options_.progress) return;
    progress_.errors = report_.errors;
    progress_.total_bytes = reader_.total_bytes();
    progress_.seconds = Seconds();
    options_.progress(progress_);
  }

  Store& store_;
  const IngestOptions& options_;
  InputReader reader_;
  ExtractPool pool_;  // after reader_: stopped before anything it reads from goes
  std::chrono::steady_clock::time_point start_;
  IngestReport report_;
  IngestProgress progress_;
  static constexpr size_t kFirstBatch = 125;
  static constexpr size_t kAhead = 2;
  size_t next_size_ = kFirstBatch;
};

}  // namespace

Result<IngestReport> Ingest(const std::vector<std::string>& paths, Store& store,
                            const Extractor& extractor, const IngestOptions& options) {
  Run run(paths, store, extractor, options);
  return run.Go();
}

void AddMeetingUnits(const Gazetteer& gazetteer, Extraction* e) {
  std::set<std::pair<std::string, bool>> seen;  // (code, after_reform)
  for (const Meeting& m : e->meetings) {
    if (m.unit_code.empty()) continue;
    // The era the extraction resolved the unit in (a code may name two units, one per era).
    const Unit* u = gazetteer.ByCode(m.unit_code, m.unit_after_reform);
    for (; u != nullptr; u = gazetteer.Parent(*u)) {
      if (!seen.insert({u->code, u->after_reform}).second) break;
      e->units.push_back(*u);
    }
  }
}

}  // namespace dg
