#include "pipeline/backfill.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <tuple>
#include <vector>

#include "pipeline/internal/lexicon_hash.h"
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

// Stored jobs: "backfill/<watch>" in the tenant's state records (proto/storage.md).
constexpr std::string_view job_prefix = "backfill/";
constexpr std::uint8_t job_record_version = 1;
constexpr std::string_view job_states[] = {"running", "done", "failed", "cancelled"};

std::string job_key(std::string_view watch_id) {
  std::string key(job_prefix);
  key.append(watch_id);
  return key;
}

// What the matching of a watch depends on: a stored running job resumes only on the same.
// The query without the spaces around it, the languages and sources in any order.
std::uint64_t definition_fingerprint(const watch_definition& d) {
  constexpr std::string_view space = " \t\n\r";
  std::string_view q = d.q.text;
  q.remove_prefix(std::min(q.find_first_not_of(space), q.size()));
  q = q.substr(0, q.find_last_not_of(space) + 1);  // npos + 1 == 0: all spaces
  std::string s(q);
  for (const auto* list : {&d.languages, &d.sources}) {
    std::vector<std::string> sorted(list->begin(), list->end());
    std::sort(sorted.begin(), sorted.end());
    s.push_back('\0');
    for (const std::string& v : sorted) s.append(v).push_back(',');
  }
  return internal::hash_term(s);
}

struct stored_job {
  backfill_progress progress;
  std::uint64_t fingerprint = 0;
  std::string cursor;  // key suffix of the last mention scanned
};

template <typename T>
void put(T v, std::string* out) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

void put_text(std::string_view v, std::string* out) {
  put(static_cast<std::uint16_t>(v.size()), out);
  out->append(v);
}

std::string encode_job(const stored_job& j) {
  const backfill_progress& p = j.progress;
  std::uint8_t state = 0;
  while (state + 1u < std::size(job_states) && job_states[state] != p.state) ++state;
  std::string out;
  put(job_record_version, &out);
  put(state, &out);
  for (std::int64_t v : {p.from_ms, p.to_ms, p.started_at_ms, p.finished_at_ms, p.position_ms, p.oldest_ms, p.newest_ms}) {
    put(v, &out);
  }
  for (std::uint64_t v : {p.scanned, p.matched, j.fingerprint}) put(v, &out);
  put_text(j.cursor, &out);
  put_text(p.error.substr(0, 4096), &out);
  return out;
}

class record_reader {
 public:
  explicit record_reader(std::string_view in) : in_(in) {}
  template <typename T>
  bool get(T* v) {
    if (in_.size() < sizeof(T)) return false;
    std::memcpy(v, in_.data(), sizeof(T));
    in_.remove_prefix(sizeof(T));
    return true;
  }
  bool get_text(std::string* v) {
    std::uint16_t n;
    if (!get(&n) || in_.size() < n) return false;
    v->assign(in_.substr(0, n));
    in_.remove_prefix(n);
    return true;
  }
  bool at_end() const { return in_.empty(); }

 private:
  std::string_view in_;
};

result<stored_job> decode_job(std::string_view record) {
  record_reader r(record);
  stored_job j;
  backfill_progress& p = j.progress;
  std::uint8_t version = 0, state = 0;
  bool ok = r.get(&version) && version == job_record_version && r.get(&state) && state < std::size(job_states);
  for (std::int64_t* v : {&p.from_ms, &p.to_ms, &p.started_at_ms, &p.finished_at_ms, &p.position_ms, &p.oldest_ms,
                          &p.newest_ms}) {
    ok = ok && r.get(v);
  }
  for (std::uint64_t* v : {&p.scanned, &p.matched, &j.fingerprint}) ok = ok && r.get(v);
  ok = ok && r.get_text(&j.cursor) && r.get_text(&p.error) && r.at_end();
  if (!ok) return corruption("unreadable backfill record");
  p.state = job_states[state];
  return j;
}

}  // namespace

double backfill_progress::done() const noexcept {
  if (state == "done") return 1.0;
  if (newest_ms <= oldest_ms) return 0.0;  // not started, or a single instant
  const double share = double(newest_ms - position_ms) / double(newest_ms - oldest_ms);
  return std::clamp(share, 0.0, 1.0);
}

struct backfill_jobs::job {
  std::string tenant, watch_id;
  watch_definition definition;
  std::atomic<bool> cancelled{false};
  std::string cancel_reason;  // set before cancelled
  std::mutex join_mu;         // the thread is joined by whichever of stop, start, cancel comes first
  std::uint64_t fingerprint = 0;  // definition_fingerprint(definition)
  mutable std::mutex mu;
  backfill_progress progress;
  std::string cursor;  // where a resumed job starts; then the run's own
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

status backfill_jobs::resume() {
  struct found {
    std::string tenant, watch_id;
    stored_job stored;
  };
  std::vector<found> jobs;
  std::vector<std::pair<std::string, std::string>> orphans;  // (tenant, key): watch deleted
  status scan = db_.scan_all_records(
      storage::record_table::state, job_prefix,
      [&](std::string_view tenant, std::string_view key, std::string_view value) {
        std::string watch_id(key.substr(job_prefix.size()));
        if (!watches_.contains(std::string(tenant), watch_id)) {
          orphans.emplace_back(tenant, key);
          return true;
        }
        auto j = decode_job(value);
        if (!j.ok()) return true;  // left for the watch's next job to overwrite
        jobs.push_back({std::string(tenant), std::move(watch_id), std::move(*j)});
        return true;
      });
  if (!scan.ok()) return scan;
  // The watch was deleted after its job was stored, and the server stopped before the record
  // went with it.
  for (const auto& [tenant, key] : orphans) {
    if (status s = db_.delete_record(storage::record_table::state, tenant, key); !s.ok()) return s;
  }
  std::lock_guard lock(mu_);
  for (found& f : jobs) {
    auto definition = watches_.definition(f.tenant, f.watch_id);
    if (!definition) continue;
    auto j = std::make_shared<job>();
    j->tenant = f.tenant;
    j->watch_id = f.watch_id;
    j->fingerprint = definition_fingerprint(*definition);
    j->definition = std::move(*definition);
    j->progress = std::move(f.stored.progress);
    j->cursor = std::move(f.stored.cursor);
    if (j->progress.state == "running" && j->fingerprint != f.stored.fingerprint) {
      // Changed while the server was down (between the change and the cancellation).
      j->progress.state = "cancelled";
      j->progress.error = "the watch's query changed: start a new backfill";
      j->progress.finished_at_ms = now_ms();
      stored_job record{j->progress, j->fingerprint, j->cursor};
      status s = db_.put_record(storage::record_table::state, j->tenant, job_key(j->watch_id), encode_job(record));
      if (!s.ok()) return s;
    }
    jobs_[{f.tenant, f.watch_id}] = j;
    if (j->progress.state == "running") launch(j);
  }
  return status::ok_status();
}

void backfill_jobs::launch(const std::shared_ptr<job>& j) {
  j->thread = std::thread([this, j] { run(*j); });
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
  j->fingerprint = definition_fingerprint(*definition);
  j->definition = std::move(*definition);
  j->progress = {.state = "running", .from_ms = from_ms, .to_ms = to_ms,
                 .started_at_ms = now_ms(), .position_ms = to_ms};
  // Stored before it is announced: a restart from here on resumes it.
  stored_job record{j->progress, j->fingerprint, {}};
  if (status s = db_.put_record(storage::record_table::state, tenant, job_key(watch_id), encode_job(record));
      !s.ok()) {
    if (!slot) jobs_.erase({tenant, watch_id});
    return s;
  }
  slot = j;
  launch(j);
  return status::ok_status();
}

result<backfill_progress> backfill_jobs::progress(const std::string& tenant,
                                                  const std::string& watch_id) const {
  std::lock_guard lock(mu_);
  auto it = jobs_.find({tenant, watch_id});
  if (it == jobs_.end() || !it->second) return not_found("no backfill of watch '" + watch_id + "'");
  std::lock_guard job_lock(it->second->mu);
  return it->second->progress;
}

void backfill_jobs::cancel(const std::string& tenant, const std::string& watch_id, bool removed) {
  std::shared_ptr<job> j;
  {
    std::lock_guard lock(mu_);
    auto it = jobs_.find({tenant, watch_id});
    if (it != jobs_.end()) {
      j = it->second;
      if (removed) jobs_.erase(it);
    }
  }
  if (j && !removed) {
    // A new name, or the same definition again: the same mentions match, the job goes on.
    auto now = watches_.definition(tenant, watch_id);
    if (now && definition_fingerprint(*now) == j->fingerprint) return;
  }
  if (j) {
    if (!j->cancelled.load()) {
      j->cancel_reason = removed ? "the watch was deleted" : "the watch's query changed: start a new backfill";
      j->cancelled.store(true);
    }
    // The job writes a chunk at most before it sees the flag.
    std::lock_guard join_lock(j->join_mu);
    if (j->thread.joinable()) j->thread.join();
  }
  if (removed) {
    // Whether or not this run knew of a job: one may be stored from an earlier run.
    (void)db_.delete_record(storage::record_table::state, tenant, job_key(watch_id));
  }
}

void backfill_jobs::run(job& j) {
  const std::string key = job_key(j.watch_id);
  stored_job record;
  std::string cursor;
  {
    std::lock_guard lock(j.mu);
    record.progress = j.progress;
    cursor = j.cursor;
  }
  record.fingerprint = j.fingerprint;
  auto finish = [&](std::string state, std::string error) {
    {
      std::lock_guard lock(j.mu);
      j.progress.state = std::move(state);
      j.progress.error = std::move(error);
      j.progress.finished_at_ms = now_ms();
      record.progress = j.progress;
    }
    // A job stopped by the server's shutdown stays "running" in the store: the next start
    // resumes it. A failure to store the end only means the next start runs it again, which
    // indexes nothing twice.
    if (!stopping_.load()) {
      (void)db_.put_record(storage::record_table::state, j.tenant, key, encode_job(record));
    }
  };
  auto matcher = watch_matcher::build(std::span<const watch_definition>(&j.definition, 1));
  if (!matcher.ok()) return finish("failed", matcher.status().message());
  {
    auto bounds = db_.mention_time_bounds(j.tenant, record.progress.from_ms, record.progress.to_ms);
    if (!bounds.ok() && bounds.status().code() != status_code::not_found) {
      return finish("failed", bounds.status().message());
    }
    if (bounds.ok()) {
      std::tie(record.progress.oldest_ms, record.progress.newest_ms) = *bounds;
      if (cursor.empty()) record.progress.position_ms = record.progress.newest_ms;
    }
    std::lock_guard lock(j.mu);
    j.progress.oldest_ms = record.progress.oldest_ms;
    j.progress.newest_ms = record.progress.newest_ms;
    j.progress.position_ms = record.progress.position_ms;
  }
  match_scratch scratch;
  std::vector<std::string_view> ids;
  storage::write_group group(db_);
  std::string record_bytes, watches, author;
  const std::int64_t from_ms = record.progress.from_ms, to_ms = record.progress.to_ms;
  for (;;) {
    if (stopping_.load()) return finish("cancelled", "the server is shutting down");
    if (j.cancelled.load()) return finish("cancelled", j.cancel_reason);
    std::unique_lock chunk_lock(chunk_mu_);
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
              // A watch deleted and created again with the same id may still be named in the
              // record (deletion drops the index, not the mentions' lists): named once.
              bool listed = false;
              for_each_watch(m.watches, [&](std::string_view id) { listed = listed || id == j.watch_id; });
              const storage::mention_key mention{j.tenant, m.created_at_ms, m.source, m.id};
              if (!listed) {
                watches.assign(m.watches);
                if (!watches.empty()) watches.push_back(',');
                watches.append(j.watch_id);
                m.watches = watches;
                record_bytes.clear();
                encode_mention(m, &record_bytes);
                group.add_mention(mention, record_bytes);
              }
              author.clear();
              append_author(m, &author);
              group.add_watch_hit(
                  mention, j.watch_id,
                  {.volume = 1,
                   .positive = m.sent.label == sentiment_label::positive,
                   .negative = m.sent.label == sentiment_label::negative,
                   .neutral = m.sent.label == sentiment_label::neutral,
                   .sentiment_sum = m.sent.score,
                   .reach = static_cast<std::uint64_t>(effective_reach(m))},
                  author);
              ++matched;
            }
          }
          return read < backfill_chunk;
        });
    if (s.ok()) s = decode;
    const bool last = read < backfill_chunk;
    if (s.ok()) {
      // The progress goes in the chunk's own write: after a crash the job resumes exactly
      // after the last chunk stored.
      record.progress.scanned += read;
      record.progress.matched += matched;
      record.progress.position_ms = last ? from_ms : position;
      if (last) {
        record.progress.state = "done";
        record.progress.finished_at_ms = now_ms();
      }
      record.cursor = cursor;
      group.put_record(storage::record_table::state, j.tenant, key, encode_job(record));
      s = db_.write(group);
    }
    chunk_lock.unlock();
    if (!s.ok()) return finish("failed", s.message());
    std::lock_guard lock(j.mu);
    j.progress = record.progress;
    if (last) return;
  }
}

}  // namespace vigie::pipeline
