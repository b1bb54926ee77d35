#include "pipeline/backfill.h"

#include <chrono>

#include "pipeline/mention_codec.h"
#include "pipeline/watch_registry.h"
#include "storage/store.h"

namespace vigie::pipeline {

namespace {

// Mentions read and written per step: bounds the memory of a job and the size of its writes.
constexpr std::size_t backfill_chunk = 1000;

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

struct backfill_jobs::job {
  std::string tenant, watch_id;
  watch_definition definition;
  std::atomic<bool> cancelled{false};
  std::string cancel_reason;  // set before cancelled
  std::mutex join_mu;         // the thread is joined by whichever of stop, start, cancel comes first
  mutable std::mutex mu;
  backfill_progress progress;
  std::thread thread;
};

backfill_jobs::backfill_jobs(storage::store& db, const watch_registry& watches)
    : db_(db), watches_(watches) {}

backfill_jobs::~backfill_jobs() { stop(); }

void backfill_jobs::stop() {
  stopping_.store(true);
  std::map<std::pair<std::string, std::string>, std::shared_ptr<job>> jobs;
  {
    std::lock_guard lock(mu_);
    jobs = jobs_;
  }
  for (auto& [k, j] : jobs) {
    std::lock_guard join_lock(j->join_mu);
    if (j->thread.joinable()) j->thread.join();
  }
}

status backfill_jobs::start(const std::string& tenant, const std::string& watch_id,
                            std::int64_t from_ms, std::int64_t to_ms) {
  auto definition = watches_.definition(tenant, watch_id);
  if (!definition) return not_found("no watch '" + watch_id + "'");
  if (from_ms >= to_ms) return invalid_argument("'from' must be before 'to'");
  std::lock_guard lock(mu_);
  if (stopping_.load()) return status(status_code::unavailable, "the server is shutting down");
  auto& slot = jobs_[{tenant, watch_id}];
  if (slot) {
    std::lock_guard job_lock(slot->mu);
    if (slot->progress.state == "running") {
      return status(status_code::already_exists, "a backfill of this watch is running");
    }
  }
  if (slot) {
    std::lock_guard join_lock(slot->join_mu);
    if (slot->thread.joinable()) slot->thread.join();
  }
  auto j = std::make_shared<job>();
  j->tenant = tenant;
  j->watch_id = watch_id;
  j->definition = std::move(*definition);
  j->progress = {.state = "running", .from_ms = from_ms, .to_ms = to_ms,
                 .started_at_ms = now_ms(), .position_ms = to_ms};
  slot = j;
  j->thread = std::thread([this, j] { run(*j); });
  return status::ok_status();
}

result<backfill_progress> backfill_jobs::progress(const std::string& tenant,
                                                  const std::string& watch_id) const {
  std::lock_guard lock(mu_);
  auto it = jobs_.find({tenant, watch_id});
  if (it == jobs_.end()) return not_found("no backfill of watch '" + watch_id + "' since the server started");
  std::lock_guard job_lock(it->second->mu);
  return it->second->progress;
}

void backfill_jobs::cancel(const std::string& tenant, const std::string& watch_id, bool removed) {
  std::shared_ptr<job> j;
  {
    std::lock_guard lock(mu_);
    auto it = jobs_.find({tenant, watch_id});
    if (it == jobs_.end()) return;
    j = it->second;
    if (removed) jobs_.erase(it);
  }
  if (!j->cancelled.load()) {
    j->cancel_reason = removed ? "the watch was deleted" : "the watch's query changed: start a new backfill";
    j->cancelled.store(true);
  }
  // The job writes a chunk at most before it sees the flag.
  std::lock_guard join_lock(j->join_mu);
  if (j->thread.joinable()) j->thread.join();
}

void backfill_jobs::run(job& j) {
  auto finish = [&](std::string state, std::string error) {
    std::lock_guard lock(j.mu);
    j.progress.state = std::move(state);
    j.progress.error = std::move(error);
    j.progress.finished_at_ms = now_ms();
  };
  auto matcher = watch_matcher::build(std::span<const watch_definition>(&j.definition, 1));
  if (!matcher.ok()) return finish("failed", matcher.status().message());
  match_scratch scratch;
  std::vector<std::string_view> ids;
  storage::write_group group(db_);
  std::string cursor, record, watches;
  std::int64_t from_ms, to_ms;
  {
    std::lock_guard lock(j.mu);
    from_ms = j.progress.from_ms;
    to_ms = j.progress.to_ms;
  }
  for (;;) {
    if (stopping_.load()) return finish("cancelled", "the server is shutting down");
    if (j.cancelled.load()) return finish("cancelled", j.cancel_reason);
    group.clear();
    std::size_t read = 0, matched = 0;
    std::int64_t position = to_ms;
    status decode;
    status s = db_.scan_mentions(
        {.tenant = j.tenant, .from_ms = from_ms, .to_ms = to_ms, .after_suffix = cursor},
        [&](std::string_view suffix, std::string_view stored) {
          cursor.assign(suffix);
          ++read;
          mention_view m;
          decode = decode_mention(stored, &m);
          if (!decode.ok()) return false;
          position = m.created_at_ms;
          ids.clear();
          (*matcher)->match(m, j.tenant, scratch, &ids);
          if (!ids.empty()) {
            auto indexed = db_.watch_has_mention(j.tenant, j.watch_id, suffix);
            if (!indexed.ok()) {
              decode = indexed.status();
              return false;
            }
            if (!*indexed) {
              watches.assign(m.watches);
              if (!watches.empty()) watches.push_back(',');
              watches.append(j.watch_id);
              m.watches = watches;
              record.clear();
              encode_mention(m, &record);
              const storage::mention_key key{j.tenant, m.created_at_ms, m.source, m.id};
              group.add_mention(key, record);
              group.add_watch_hit(
                  key, j.watch_id,
                  {.volume = 1,
                   .positive = m.sent.label == sentiment_label::positive,
                   .negative = m.sent.label == sentiment_label::negative,
                   .neutral = m.sent.label == sentiment_label::neutral,
                   .sentiment_sum = m.sent.score,
                   .reach = static_cast<std::uint64_t>(effective_reach(m))},
                  author_key(m));
              ++matched;
            }
          }
          return read < backfill_chunk;
        });
    if (s.ok()) s = decode;
    if (s.ok()) s = db_.write(group);
    if (!s.ok()) return finish("failed", s.message());
    {
      std::lock_guard lock(j.mu);
      j.progress.scanned += read;
      j.progress.matched += matched;
      j.progress.position_ms = read < backfill_chunk ? from_ms : position;
    }
    if (read < backfill_chunk) return finish("done", "");
  }
}

}  // namespace vigie::pipeline
