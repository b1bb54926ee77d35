#include "pipeline/pipeline.h"

#include <boost/lockfree/queue.hpp>

#include <chrono>
#include <functional>

#include "pipeline/mention_codec.h"
#include "storage/store.h"

namespace vigie::pipeline {

namespace {

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// A request after parsing: its valid mentions encoded back to back, ready for the writer.
struct parsed_batch {
  struct entry {
    std::int64_t created_at_ms;
    std::uint32_t record_offset, record_size;
    // Offsets into ids: what the writer needs without decoding the record.
    std::uint32_t source_offset, source_size;
    std::uint32_t id_offset, id_size;
    std::uint32_t watches_offset, watches_size;
    std::uint32_t author_offset, author_size;
    storage::series_counters delta;  // what the mention adds to each matched watch's series
  };

  std::unique_ptr<ingest_request> request;
  ingest_result result;
  std::string records;  // encoded mention records
  std::string ids;      // source and id bytes of each entry
  std::vector<entry> entries;

  void reset() {
    request.reset();
    result = ingest_result{};
    records.clear();
    ids.clear();
    entries.clear();
  }
  std::string_view record(const entry& e) const {
    return std::string_view(records).substr(e.record_offset, e.record_size);
  }
  std::string_view source(const entry& e) const {
    return std::string_view(ids).substr(e.source_offset, e.source_size);
  }
  std::string_view id(const entry& e) const {
    return std::string_view(ids).substr(e.id_offset, e.id_size);
  }
  std::string_view watches(const entry& e) const {
    return std::string_view(ids).substr(e.watches_offset, e.watches_size);
  }
  std::string_view author(const entry& e) const {
    return std::string_view(ids).substr(e.author_offset, e.author_size);
  }
};

// Wakes a consumer blocked on an empty lock-free queue (C++20 atomic wait: a futex on Linux).
class signal {
 public:
  std::uint32_t observe() const noexcept { return seq_.load(std::memory_order_acquire); }
  void wait(std::uint32_t observed) const noexcept { seq_.wait(observed, std::memory_order_acquire); }
  void notify_one() noexcept {
    seq_.fetch_add(1, std::memory_order_release);
    seq_.notify_one();
  }
  void notify_all() noexcept {
    seq_.fetch_add(1, std::memory_order_release);
    seq_.notify_all();
  }

 private:
  std::atomic<std::uint32_t> seq_{0};
};

// Finds repeats of a (tenant, source, id) inside one group commit. Open addressing over entry
// numbers; its arrays are reused from group to group.
class group_dedup {
 public:
  void reset(std::size_t n) {
    std::size_t cap = 16;
    while (cap < 2 * n) cap <<= 1;
    slots_.assign(cap, 0);
    refs_.clear();
  }
  // Returns true if ref was already inserted.
  bool insert(const storage::dedup_ref& ref) {
    std::size_t h = std::hash<std::string_view>{}(ref.id) * 31 +
                    std::hash<std::string_view>{}(ref.source) * 7 +
                    std::hash<std::string_view>{}(ref.tenant);
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      std::uint32_t slot = slots_[i];
      if (slot == 0) {
        refs_.push_back(ref);
        slots_[i] = static_cast<std::uint32_t>(refs_.size());
        return false;
      }
      const auto& seen = refs_[slot - 1];
      if (seen.id == ref.id && seen.source == ref.source && seen.tenant == ref.tenant) return true;
    }
  }

 private:
  std::vector<std::uint32_t> slots_;
  std::vector<storage::dedup_ref> refs_;
};

}  // namespace

struct pipeline::impl {
  impl(storage::store& db, pipeline_options o, enricher_factory f, pipeline_observer* obs)
      : db(db),
        options(o),
        make_enricher(std::move(f)),
        observer(obs),
        ingest_queue(o.ingest_queue_batches),
        write_queue(o.write_queue_batches),
        pool(o.write_queue_batches + static_cast<std::size_t>(o.workers) + 2) {}

  storage::store& db;
  pipeline_options options;
  enricher_factory make_enricher;
  pipeline_observer* observer;

  boost::lockfree::queue<ingest_request*, boost::lockfree::fixed_sized<true>> ingest_queue;
  boost::lockfree::queue<parsed_batch*, boost::lockfree::fixed_sized<true>> write_queue;
  // Parsed batches are recycled so their buffers keep their capacity between requests.
  boost::lockfree::queue<parsed_batch*, boost::lockfree::fixed_sized<true>> pool;

  std::atomic<std::size_t> ingest_depth{0};
  std::atomic<std::size_t> write_depth{0};
  std::atomic<std::size_t> inflight{0};
  std::atomic<int> submitting{0};
  std::atomic<bool> stopping{false};
  std::atomic<bool> workers_stop{false};
  std::atomic<bool> writer_stop{false};
  signal ingest_signal, write_signal, space_signal;

  std::vector<std::thread> workers;
  std::thread writer;
  bool started = false;

  parsed_batch* take_batch() {
    parsed_batch* b = nullptr;
    if (pool.pop(b)) return b;
    return new parsed_batch();
  }
  void recycle(parsed_batch* b) {
    b->reset();
    if (!pool.push(b)) delete b;
  }

  void finish(parsed_batch* b) {
    std::size_t bytes = b->request->body.size();
    if (observer) {
      observer->on_lines(b->result.accepted, b->result.duplicates, b->result.rejected);
    }
    auto done = std::move(b->request->done);
    ingest_result result = std::move(b->result);
    recycle(b);
    inflight.fetch_sub(bytes, std::memory_order_acq_rel);
    if (done) done(std::move(result));
  }

  void worker_loop();
  void parse(ingest_request* request, parsed_batch* out, mention_parser& parser, enricher* e);
  void writer_loop();
  void commit(std::vector<parsed_batch*>& group, storage::write_group& wg,
              std::vector<storage::dedup_ref>& refs, std::unique_ptr<bool[]>& found,
              std::size_t& found_capacity, group_dedup& in_group);
};

void pipeline::impl::parse(ingest_request* request, parsed_batch* out, mention_parser& parser,
                           enricher* e) {
  out->request.reset(request);
  const std::int64_t ingested_at = now_ms();
  if (e) e->begin_batch(request->tenant);
  ingest_result& r = out->result;
  status s = parser.parse_batch(
      request->body, request->format,
      [&](std::size_t line, const status& item, const mention_view& parsed) {
        if (!item.ok()) {
          ++r.rejected;
          if (r.errors.size() < options.max_reported_errors) {
            r.errors.push_back({line, item.message()});
          } else {
            r.errors_truncated = true;
          }
          return;
        }
        mention_view m = parsed;
        m.ingested_at_ms = ingested_at;
        if (e) e->enrich(m);
        parsed_batch::entry en;
        en.created_at_ms = m.created_at_ms;
        en.record_offset = static_cast<std::uint32_t>(out->records.size());
        encode_mention(m, &out->records);
        en.record_size = static_cast<std::uint32_t>(out->records.size() - en.record_offset);
        en.source_offset = static_cast<std::uint32_t>(out->ids.size());
        en.source_size = static_cast<std::uint32_t>(m.source.size());
        out->ids.append(m.source);
        en.id_offset = static_cast<std::uint32_t>(out->ids.size());
        en.id_size = static_cast<std::uint32_t>(m.id.size());
        out->ids.append(m.id);
        auto append_view = [&](std::string_view v, std::uint32_t* offset, std::uint32_t* size) {
          *offset = static_cast<std::uint32_t>(out->ids.size());
          *size = static_cast<std::uint32_t>(v.size());
          out->ids.append(v);
        };
        append_view(m.watches, &en.watches_offset, &en.watches_size);
        // Top authors show names; an author known only by id is listed by id.
        append_view(m.author_name.empty() ? m.author_id : m.author_name, &en.author_offset,
                    &en.author_size);
        en.delta = storage::series_counters{
            .volume = 1,
            .positive = m.sent.label == sentiment_label::positive,
            .negative = m.sent.label == sentiment_label::negative,
            .neutral = m.sent.label == sentiment_label::neutral,
            .sentiment_sum = m.sent.score,
            .reach = static_cast<std::uint64_t>(effective_reach(m))};
        out->entries.push_back(en);
      });
  if (!s.ok()) r.status = std::move(s);
}

void pipeline::impl::worker_loop() {
  mention_parser parser(options.parser);
  std::unique_ptr<enricher> e = make_enricher ? make_enricher() : nullptr;
  for (;;) {
    std::uint32_t seen = ingest_signal.observe();
    ingest_request* request = nullptr;
    if (!ingest_queue.pop(request)) {
      if (workers_stop.load(std::memory_order_acquire)) return;
      ingest_signal.wait(seen);
      continue;
    }
    ingest_depth.fetch_sub(1, std::memory_order_relaxed);
    parsed_batch* b = take_batch();
    parse(request, b, parser, e.get());
    if (b->entries.empty() || !b->result.status.ok()) {
      finish(b);  // nothing to write
      continue;
    }
    write_depth.fetch_add(1, std::memory_order_relaxed);
    for (;;) {
      std::uint32_t space = space_signal.observe();
      if (write_queue.push(b)) break;
      space_signal.wait(space);  // the writer is behind: wait for room, the ingest queue fills
    }
    write_signal.notify_one();
  }
}

void pipeline::impl::commit(std::vector<parsed_batch*>& group, storage::write_group& wg,
                            std::vector<storage::dedup_ref>& refs, std::unique_ptr<bool[]>& found,
                            std::size_t& found_capacity, group_dedup& in_group) {
  const auto start = std::chrono::steady_clock::now();
  refs.clear();
  for (parsed_batch* b : group) {
    for (const auto& e : b->entries) {
      refs.push_back({b->request->tenant, b->source(e), b->id(e)});
    }
  }
  if (found_capacity < refs.size()) {
    found_capacity = refs.size() * 2;
    found.reset(new bool[found_capacity]);
  }
  status s = db.find_existing(refs, std::span<bool>(found.get(), refs.size()));
  wg.clear();
  in_group.reset(refs.size());
  if (s.ok()) {
    std::size_t i = 0;
    for (parsed_batch* b : group) {
      for (const auto& e : b->entries) {
        const auto& ref = refs[i];
        bool duplicate = found[i] || in_group.insert(ref);
        ++i;
        if (duplicate) {
          ++b->result.duplicates;
          continue;
        }
        const storage::mention_key key{ref.tenant, e.created_at_ms, ref.source, ref.id};
        wg.add_mention(key, b->record(e));
        for_each_watch(b->watches(e), [&](std::string_view watch) {
          wg.add_watch_hit(key, watch, e.delta, b->author(e));
        });
        ++b->result.accepted;
      }
    }
    s = db.write(wg);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (observer && s.ok()) observer->on_group_commit(wg.mentions(), wg.bytes(), seconds);
  for (parsed_batch* b : group) {
    if (!s.ok()) {
      // Nothing of the group was written: the client must retry the whole batch.
      b->result.status = s;
      b->result.accepted = b->result.duplicates = 0;
    }
    finish(b);
  }
  group.clear();
}

void pipeline::impl::writer_loop() {
  storage::write_group wg(db);
  std::vector<parsed_batch*> group;
  std::vector<storage::dedup_ref> refs;
  std::unique_ptr<bool[]> found;
  std::size_t found_capacity = 0;
  group_dedup in_group;
  for (;;) {
    std::uint32_t seen = write_signal.observe();
    std::size_t mentions = 0;
    parsed_batch* b = nullptr;
    while (mentions < options.max_group_mentions && write_queue.pop(b)) {
      write_depth.fetch_sub(1, std::memory_order_relaxed);
      mentions += b->entries.size();
      group.push_back(b);
    }
    if (!group.empty()) {
      space_signal.notify_all();
      commit(group, wg, refs, found, found_capacity, in_group);
      continue;
    }
    if (writer_stop.load(std::memory_order_acquire)) return;
    write_signal.wait(seen);
  }
}

pipeline::pipeline(storage::store& db, pipeline_options options, enricher_factory enrichers,
                   pipeline_observer* observer)
    : impl_(std::make_unique<impl>(db, options, std::move(enrichers), observer)) {}

pipeline::~pipeline() { stop(); }

void pipeline::start() {
  if (impl_->started) return;
  impl_->started = true;
  int n = impl_->options.workers < 1 ? 1 : impl_->options.workers;
  for (int i = 0; i < n; ++i) impl_->workers.emplace_back([this] { impl_->worker_loop(); });
  impl_->writer = std::thread([this] { impl_->writer_loop(); });
}

status pipeline::submit(std::unique_ptr<ingest_request>& request) {
  impl& st = *impl_;
  st.submitting.fetch_add(1, std::memory_order_acq_rel);
  struct leave {
    std::atomic<int>& n;
    ~leave() { n.fetch_sub(1, std::memory_order_acq_rel); }
  } guard{st.submitting};
  if (st.stopping.load(std::memory_order_acquire) || !st.started) {
    return status(status_code::unavailable, "the server is shutting down");
  }
  const std::size_t bytes = request->body.size();
  // One batch larger than the bound is still taken when nothing else is in flight.
  const std::size_t before = st.inflight.fetch_add(bytes, std::memory_order_acq_rel);
  if (before != 0 && before + bytes > st.options.max_inflight_bytes) {
    st.inflight.fetch_sub(bytes, std::memory_order_acq_rel);
    return status(status_code::resource_exhausted, "ingest is saturated: too many bytes in flight");
  }
  ingest_request* raw = request.get();
  if (!st.ingest_queue.push(raw)) {
    st.inflight.fetch_sub(bytes, std::memory_order_acq_rel);
    return status(status_code::resource_exhausted, "ingest is saturated: the ingest queue is full");
  }
  request.release();
  st.ingest_depth.fetch_add(1, std::memory_order_relaxed);
  st.ingest_signal.notify_one();
  return status::ok_status();
}

void pipeline::stop() {
  impl& st = *impl_;
  if (!st.started || st.stopping.exchange(true)) return;
  // Let submits that passed the stopping check finish their push before workers may exit.
  while (st.submitting.load(std::memory_order_acquire) != 0) std::this_thread::yield();
  st.workers_stop.store(true, std::memory_order_release);
  st.ingest_signal.notify_all();
  for (auto& t : st.workers) t.join();
  st.writer_stop.store(true, std::memory_order_release);
  st.write_signal.notify_all();
  st.writer.join();
  parsed_batch* b = nullptr;
  while (st.pool.pop(b)) delete b;
}

std::size_t pipeline::ingest_queue_depth() const noexcept {
  return impl_->ingest_depth.load(std::memory_order_relaxed);
}
std::size_t pipeline::write_queue_depth() const noexcept {
  return impl_->write_depth.load(std::memory_order_relaxed);
}
std::size_t pipeline::inflight_bytes() const noexcept {
  return impl_->inflight.load(std::memory_order_relaxed);
}

}  // namespace vigie::pipeline
