// The query cache of the graph (graph/graph.h), included by graph/graph.cc only.
//
// A busy document's lineage and reviews are long lists: at a million articles 35-NQ/TW has
// over a hundred thousand documents below it and its busiest peers a hundred and forty
// thousand reviewing meetings. The REST API answers them a page at a time, so each list is
// computed once, in order and without evidence (a few dozen bytes an entry), and kept here
// for the next pages; a page then reads the evidence of its own entries only.
//
// Lists shorter than kMinKept are not kept (computing them again costs microseconds), and
// the entries kept are bounded by kBudget: the least recently used lists go first. A list
// asked for by several requests at once is computed by the first of them; the others wait
// for it and share it, so that 64 requests of the same document hold one list, not 64.
//
// Nothing here is built at load; the graph snapshot (the tables of graph.cc) knows nothing
// of it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "graph/graph.h"

namespace dg {

// One direction of a lineage, breadth first from the root, without evidence.
struct Graph::LineageOrder {
  static constexpr uint32_t kRoot = UINT32_MAX;  // parent of the root's neighbours
  struct Item {
    VertexId document = 0;
    uint32_t parent = kRoot;  // index in `items` of the previous document of the path
    uint32_t depth = 0;
    const EdgeData* edge = nullptr;  // between the parent (or the root) and `document`
  };
  VertexId root = 0;
  bool up = true;
  std::vector<Item> items;        // breadth-first order (by depth, not by id)
  std::vector<uint32_t> sorted;   // indices of `items` by (depth, stable id)
  std::vector<std::string> cycles;
  size_t size() const { return items.size(); }

  // The edge between item i's parent and item i, as Graph::EvidenceOf takes it.
  EdgeRef EdgeOf(uint32_t i) const {
    const Item& it = items[i];
    const VertexId parent = it.parent == kRoot ? root : items[it.parent].document;
    return up ? EdgeRef{parent, it.document, it.edge} : EdgeRef{it.document, parent, it.edge};
  }
  // The documents from the root to item i, both included (the root alone for kRoot).
  std::vector<VertexId> PathTo(uint32_t i) const {
    std::vector<VertexId> path;
    for (uint32_t at = i; at != kRoot; at = items[at].parent) path.push_back(items[at].document);
    path.push_back(root);
    return {path.rbegin(), path.rend()};
  }
};

// The meetings of Graph::Reviews for one document, in its order, without their paths.
struct Graph::ReviewOrder {
  static constexpr uint32_t kLaunched = 1u << 31;  // in Row::document: the meeting launched it
  static constexpr VertexId kNoUnit = UINT32_MAX;
  struct Row {
    VertexId meeting = 0;
    VertexId unit = kNoUnit;  // the holding unit's node
    uint32_t place = 0;       // index in `places`
    // The document the meeting covered: 0 for the root, i + 1 for docs->items[i]; with
    // kLaunched set when the meeting launched it.
    uint32_t document = 0;
    bool launched() const { return (document & kLaunched) != 0; }
    uint32_t item() const { return (document & ~kLaunched) - 1; }  // LineageOrder::kRoot for the root
  };
  std::shared_ptr<const LineageOrder> docs;  // the documents implementing the root (stated)
  std::vector<Row> rows;
  // The distinct (level, province) of the rows' holders (the unit's, else the meeting's
  // words), so that a filter on them is decided once per place, not once per row.
  std::vector<std::pair<std::string_view, std::string_view>> places;
  size_t size() const { return rows.size(); }
};

struct Graph::QueryCache {
  static constexpr size_t kMinKept = 256;        // entries of a list worth keeping
  static constexpr size_t kBudget = 2u << 20;    // entries kept per kind (lineages: 28 bytes
                                                 // an entry, reviews: 16; 90 MB at most)

  // (kind, root, inferred, depth): kind 0 lineage up, 1 lineage down, 2 reviews.
  using Key = std::tuple<int, VertexId, bool, int>;

  template <typename T>
  class Lists {
   public:
    // The list of `key`, computed by `build` when not kept (by this caller, or by another
    // one already computing it, which this one then waits for).
    template <typename Build>
    std::shared_ptr<const T> Get(const Key& key, Build&& build) {
      std::unique_lock<std::mutex> lock(mu_);
      auto it = slots_.find(key);
      if (it != slots_.end()) {
        it->second.used = ++clock_;
        auto value = it->second.value;
        lock.unlock();
        return value.get();
      }
      std::promise<std::shared_ptr<const T>> promise;
      slots_[key].value = promise.get_future().share();
      slots_[key].used = ++clock_;
      lock.unlock();
      std::shared_ptr<const T> built;
      try {
        built = build();
      } catch (...) {
        promise.set_exception(std::current_exception());
        lock.lock();
        slots_.erase(key);
        throw;
      }
      promise.set_value(built);
      lock.lock();
      if (built->size() < kMinKept) {
        slots_.erase(key);
        return built;
      }
      Slot& slot = slots_[key];
      slot.size = built->size();
      slot.ready = true;
      held_ += slot.size;
      while (held_ > kBudget) {  // the least recently used list that is ready goes
        auto oldest = slots_.end();
        for (auto s = slots_.begin(); s != slots_.end(); ++s) {
          if (s->second.ready && (oldest == slots_.end() || s->second.used < oldest->second.used)) {
            oldest = s;
          }
        }
        if (oldest == slots_.end()) break;
        held_ -= oldest->second.size;
        slots_.erase(oldest);
      }
      return built;
    }

   private:
    struct Slot {
      std::shared_future<std::shared_ptr<const T>> value;
      size_t size = 0;
      uint64_t used = 0;
      bool ready = false;  // computed and counted in held_
    };
    std::mutex mu_;
    std::map<Key, Slot> slots_;
    size_t held_ = 0;
    uint64_t clock_ = 0;
  };

  Lists<LineageOrder> lineages;
  Lists<ReviewOrder> reviews;
};

}  // namespace dg
