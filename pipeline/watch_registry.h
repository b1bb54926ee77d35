// watch_registry: the watches of every tenant, and the matcher compiled from them.
//
// Definitions live in the store; the registry keeps them in memory and compiles them all into
// one watch_matcher. A change (put, remove) is stored, then the matcher is rebuilt on the
// registry's own thread and swapped in atomically: ingest never pauses, it keeps matching with
// the previous matcher until the new one is published. put() and remove() return once the
// matcher that includes the change is live, so a change applies to every mention ingested
// after the call returns. Changes that arrive during a rebuild are coalesced into the next.
//
//   vigie::pipeline::watch_registry registry(db);
//   if (auto s = registry.start(); !s.ok()) ...;              // loads and compiles every watch
//   auto w = registry.put("acme", std::move(definition));       // validated, stored, live
//   auto matcher = registry.current();                          // a snapshot for one batch
//
// Thread safety: every method may be called from any thread.

#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "pipeline/query.h"
#include "pipeline/watch.h"
#include "pipeline/watch_matcher.h"
#include "storage/status.h"

namespace vigie::storage {
class store;
}

namespace vigie::pipeline {

// Watches one tenant may keep: bounds the matcher and a tenant's share of it.
inline constexpr std::size_t max_watches_per_tenant = 10000;

class watch_registry {
 public:
  explicit watch_registry(storage::store& db);
  ~watch_registry();
  watch_registry(const watch_registry&) = delete;
  watch_registry& operator=(const watch_registry&) = delete;

  // Loads every stored watch, compiles the first matcher, starts the rebuild thread.
  status start();
  void stop();

  // The live matcher; never null after start().
  std::shared_ptr<const watch_matcher> current() const;

  // Validates (query errors carry their position in *error), stores with created_at kept
  // from an existing watch, and returns once live. Returns the watch as stored.
  result<watch> put(const std::string& tenant, watch w, query_error* error = nullptr);
  // not_found when absent. Deletes the watch's index and series too.
  status remove(const std::string& tenant, const std::string& id);

  std::size_t size() const;

  bool contains(const std::string& tenant, const std::string& id) const;

  // The compiled definition of one watch, if it exists.
  std::optional<watch_definition> definition(const std::string& tenant, const std::string& id) const;

 private:
  using key = std::pair<std::string, std::string>;  // (tenant, id)

  void rebuild_loop();
  // Publishes a new matcher including every change so far, and waits until it is live.
  status publish_and_wait(std::unique_lock<std::mutex>& lock);

  storage::store& db_;
  mutable std::mutex mu_;
  std::condition_variable changed_;    // to the rebuild thread
  std::condition_variable published_;  // to the callers of put/remove
  std::map<key, watch_definition> definitions_;
  std::uint64_t requested_ = 0;  // generation of the latest change
  std::uint64_t live_ = 0;       // generation of the live matcher
  status last_build_;
  bool stopping_ = false;
  std::shared_ptr<const watch_matcher> matcher_;  // guarded by mu_ for writers; atomic reads
  std::thread thread_;
};

}  // namespace vigie::pipeline
