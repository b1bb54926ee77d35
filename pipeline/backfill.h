// backfill: re-matches stored mentions of a time range against one watch, so that a watch
// created (or changed) today also covers what was said before it existed.
//
//   vigie::pipeline::backfill_jobs jobs(db, registry);
//   jobs.resume();                                          // the jobs of earlier runs
//   auto s = jobs.start("acme", "borel", from_ms, to_ms);   // runs on its own thread
//   auto p = jobs.progress("acme", "borel");                // scanned, matched, state
//
// A mention already indexed for the watch is left alone, so a backfill can be re-run or
// overlap live ingest without counting anything twice. Matched mentions get the watch added
// to their stored watches, their per-watch index entry and their series and facet counts.
//
// Durability: a job's progress (its scan cursor and counts) is written in the same atomic
// write as each chunk of mentions it indexes, under "backfill/<watch>" in the tenant's state
// records (proto/storage.md). After a restart or a crash, resume() carries a running job on
// from the chunk after the last one written, and the last job of each watch still answers
// progress(). A job whose watch was changed while the server was down is cancelled instead.
//
// Thread safety: every method may be called from any thread. One job per watch at a time.
// Jobs of different watches run at once, but write one chunk at a time: each rewrites the
// stored records of the mentions it matches (their list of watches), and two jobs must not
// rewrite the same mention from the same old record.

#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "storage/status.h"

namespace vigie::storage {
class store;
}

namespace vigie::pipeline {

class watch_registry;

struct backfill_progress {
  std::string state;  // "running", "done", "failed", "cancelled"
  std::int64_t from_ms = 0, to_ms = 0;
  std::int64_t started_at_ms = 0, finished_at_ms = 0;
  std::uint64_t scanned = 0;  // mentions of the range read so far
  std::uint64_t matched = 0;  // of which newly indexed for the watch
  std::int64_t position_ms = 0;  // event time reached (the scan runs newest first)
  // The created_at of the range's newest and oldest mentions, found when the job starts:
  // progress is measured between them, not across the whole (often mostly empty) range.
  std::int64_t newest_ms = 0, oldest_ms = 0;
  std::string error;

  // Share of the range's mentions scanned, by event time, in [0, 1].
  double done() const noexcept;
};

class backfill_jobs {
 public:
  backfill_jobs(storage::store& db, const watch_registry& watches);
  ~backfill_jobs();  // stops and joins running jobs (they are resumed at the next start)
  backfill_jobs(const backfill_jobs&) = delete;
  backfill_jobs& operator=(const backfill_jobs&) = delete;

  // Loads the jobs stored by earlier runs and restarts those that were running. Call once,
  // after the registry has loaded the watches and before start().
  status resume();

  // not_found: no such watch; already_exists: a job for the watch is running.
  status start(const std::string& tenant, const std::string& watch_id, std::int64_t from_ms,
               std::int64_t to_ms);
  // not_found when no job was ever started for the watch (or since it was deleted).
  result<backfill_progress> progress(const std::string& tenant, const std::string& watch_id) const;

  // Stops the watch's running job, if any, and returns once it has stopped (after at most the
  // chunk it is writing): its state becomes "cancelled". removed: the watch was deleted, and
  // its job is forgotten too, stored progress included. A watch replaced by one that matches
  // the same (a new name; the same query, languages and sources) keeps its job running. For
  // watch_registry::on_change.
  void cancel(const std::string& tenant, const std::string& watch_id, bool removed);

  void stop();

 private:
  struct job;
  void launch(const std::shared_ptr<job>& j);  // under mu_
  void run(job& j);

  storage::store& db_;
  const watch_registry& watches_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<job>> jobs_;
  std::mutex chunk_mu_;  // held by a job while it reads and writes one chunk
  std::atomic<bool> stopping_{false};
};

}  // namespace vigie::pipeline
