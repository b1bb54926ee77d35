// watch_registry: the watches of every tenant, and the matcher compiled from them.
//
// Definitions live in the store; the registry keeps them in memory and compiles them all into
// one watch_matcher. A change (put, remove) is stored, then the matcher is rebuilt on the
// registry's own thread and swapped in atomically: ingest never pauses, it keeps matching with
// the previous matcher until the new one is published. A change is reported done once the
// matcher that includes it is live, so it applies to every mention ingested after that.
// Changes that arrive during a rebuild are coalesced into the next: a thousand concurrent
// puts cost a few rebuilds, not a thousand.
//
//   vigie::pipeline::watch_registry registry(db);
//   if (auto s = registry.start(); !s.ok()) ...;              // loads and compiles every watch
//   auto w = registry.put("acme", std::move(definition));       // validated, stored, live
//   auto matcher = registry.current();                          // a snapshot for one batch
//
// Thread safety: every method may be called from any thread.

#pragma once

#include <condition_variable>
#include <functional>
#include <vector>
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

  using put_callback = std::function<void(result<watch>)>;
  using remove_callback = std::function<void(status)>;

  // Validates (query errors carry their position in *error) and stores now, keeping
  // created_at of an existing watch; done(watch as stored) runs on the registry's thread once
  // the change is live. A refused change calls done at once, on the caller's thread.
  void put_async(const std::string& tenant, watch w, put_callback done, query_error* error = nullptr);
  // not_found when absent. Once no longer matched, deletes the watch's index and series too.
  void remove_async(const std::string& tenant, const std::string& id, remove_callback done);

  // The same, returning once done.
  result<watch> put(const std::string& tenant, watch w, query_error* error = nullptr);
  status remove(const std::string& tenant, const std::string& id);

  std::size_t size() const;

  bool contains(const std::string& tenant, const std::string& id) const;

  // The compiled definition of one watch, if it exists.
  std::optional<watch_definition> definition(const std::string& tenant, const std::string& id) const;

  // Called on the registry's thread for a watch removed (removed true) or whose stored
  // definition a put replaced, once the change is live and, for a removal, before the watch's
  // derived data is deleted: work that runs on the old definition (a backfill) stops there,
  // and nothing it writes outlives the deletion. Set before the first change.
  using change_listener = std::function<void(const std::string& tenant, const std::string& id, bool removed)>;
  void on_change(change_listener fn);

 private:
  using key = std::pair<std::string, std::string>;  // (tenant, id)

  void rebuild_loop();
  // Asks for a matcher including every change so far; done(build status) runs once it is live.
  void publish(std::function<void(const status&)> done);

  storage::store& db_;
  mutable std::mutex mu_;
  std::condition_variable changed_;  // to the rebuild thread
  // Changes waiting for their matcher, by generation.
  std::vector<std::pair<std::uint64_t, std::function<void(const status&)>>> waiters_;
  std::map<key, watch_definition> definitions_;
  std::uint64_t requested_ = 0;  // generation of the latest change
  std::uint64_t live_ = 0;       // generation of the live matcher
  bool stopping_ = false;
  std::shared_ptr<const watch_matcher> matcher_;  // guarded by mu_ for writers; atomic reads
  change_listener listener_;
  std::thread thread_;
};

}  // namespace vigie::pipeline
