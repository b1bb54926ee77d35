#include "pipeline/pipeline.h"

#include <boost/lockfree/queue.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <mutex>

#include "pipeline/detector_stage.h"
#include "pipeline/events.h"
#include "pipeline/internal/wake_signal.h"
#include "pipeline/mention_codec.h"
#include "pipeline/terms.h"
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
    std::uint32_t terms_begin, terms_end;  // into terms, for the weak-signal detectors
    sentiment sent;
    storage::series_counters delta;  // what the mention adds to each matched watch's series
  };

  std::unique_ptr<ingest_request> request;
  ingest_result result;
  std::string records;  // encoded mention records
  std::string ids;      // source and id bytes of each entry
  std::vector<entry> entries;
  std::vector<hit_batch::packed_term> terms;  // text offsets into ids
  std::int64_t ingested_at_ms = 0;

  void reset() {
    request.reset();
    result = ingest_result{};
    records.clear();
    ids.clear();
    entries.clear();
    terms.clear();
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

using internal::wake_signal;

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
  impl(storage::store& db, pipeline_options o, enricher_factory f, pipeline_observer* obs,
       pipeline_outputs outs)
      : db(db),
        options(o),
        make_enricher(std::move(f)),
        observer(obs),
        detectors(outs.detectors),
        sink(outs.events),
        ingest_queue(o.ingest_queue_batches),
        write_queue(o.write_queue_batches),
        pool(o.write_queue_batches + static_cast<std::size_t>(o.workers) + 2),
        wg(db) {}

  storage::store& db;
  pipeline_options options;
  enricher_factory make_enricher;
  pipeline_observer* observer;
  detector_stage* detectors;
  event_sink* sink;

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
  wake_signal ingest_signal, write_signal, space_signal;

  std::vector<std::thread> workers;
  std::thread writer;
  bool started = false;

  // The writer's working set: owned by the writer thread, then by stop() once it has joined.
  storage::write_group wg;
  std::vector<parsed_batch*> group;
  std::vector<storage::dedup_ref> refs;
  std::unique_ptr<bool[]> found;
  std::size_t found_capacity = 0;
  group_dedup in_group;
  std::unordered_map<std::string, std::uint64_t> last_seq;  // per tenant; loaded on first use
  std::vector<std::string> logged;  // the tenants whose log the group being written extends
  // Per tenant, the last finding written (seq 0: none yet); loaded on first use.
  std::unordered_map<std::string, storage::store::finding_position> last_finding;
  // Per tenant, the findings the group being written adds, in order.
  std::unordered_map<std::string, std::vector<storage::store::finding_position>> group_findings;
  std::vector<detector_output> outputs;  // from the detectors, written with the next group
  // Acknowledgements asked for (under acks_mu), then those of the group being written.
  struct ack_request {
    std::string tenant, alert_id, ack;
    std::function<void(result<std::string>)> done;
    result<std::string> outcome = status(status_code::unavailable, "not written");
  };
  std::mutex acks_mu;
  std::vector<ack_request> requested_acks;
  std::atomic<bool> acks_waiting{false};
  std::vector<ack_request> acks;
  // The alerts the group being written stores: tenant '\0' alerts key -> JSON.
  std::unordered_map<std::string, std::string> group_alerts;
  std::vector<stream_event> events;      // published after the write
  std::string event_record, key_scratch;
  hit_batch* hits = nullptr;

  result<std::uint64_t> next_seq(std::string_view tenant);

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
  void commit();
  status add_outputs();
  status add_acknowledgements();
  // The acknowledgement stored for an alert; empty when there is none. (The detectors'
  // outputs come before this group's acknowledgements, which then see their alerts.)
  result<std::string> stored_ack(const std::string& tenant, const std::string& ack_key);
  bool has_work() const noexcept {
    return (detectors && detectors->has_outputs()) || acks_waiting.load(std::memory_order_acquire);
  }
  status add_finding(const std::string& tenant, std::uint64_t seq);
};

result<std::uint64_t> pipeline::impl::next_seq(std::string_view tenant) {
  auto it = last_seq.find(std::string(tenant));
  if (it == last_seq.end()) {
    auto last = db.last_event_seq(tenant);
    if (!last.ok()) return last.status();
    it = last_seq.emplace(std::string(tenant), *last).first;
  }
  const std::uint64_t seq = ++it->second;
  if (std::find(logged.begin(), logged.end(), tenant) == logged.end()) logged.emplace_back(tenant);
  // Retention: one range deletion every so many events keeps the log near its bound.
  constexpr std::uint64_t trim_every = 4096;
  if (seq % trim_every == 0 && seq > options.event_retention) {
    wg.trim_events(tenant, seq - options.event_retention);
  }
  return seq;
}

void pipeline::impl::parse(ingest_request* request, parsed_batch* out, mention_parser& parser,
                           enricher* e) {
  out->request.reset(request);
  const std::int64_t ingested_at = now_ms();
  out->ingested_at_ms = ingested_at;
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
        en.author_offset = static_cast<std::uint32_t>(out->ids.size());
        append_author(m, &out->ids);
        en.author_size = static_cast<std::uint32_t>(out->ids.size() - en.author_offset);
        en.sent = m.sent;
        en.terms_begin = static_cast<std::uint32_t>(out->terms.size());
        if (!m.watches.empty()) {
          for (const term& t : m.terms) {
            out->terms.push_back({t.hash, static_cast<std::uint32_t>(out->ids.size()),
                                  static_cast<std::uint32_t>(t.text.size()), t.first_word, t.second_word});
            out->ids.append(t.text);
          }
        }
        en.terms_end = static_cast<std::uint32_t>(out->terms.size());
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

// Adds the alert or signal event just added to the log (event_record) to the findings log.
status pipeline::impl::add_finding(const std::string& tenant, std::uint64_t seq) {
  auto it = last_finding.find(tenant);
  if (it == last_finding.end()) {
    auto last = db.last_finding(tenant);
    if (!last.ok()) return last.status();
    it = last_finding.emplace(tenant, *last).first;
  }
  storage::store::finding_position& last = it->second;
  const storage::finding_link link{last.link.number + 1, last.seq};
  wg.add_finding(tenant, seq, link, event_record);
  last = {seq, link};
  std::vector<storage::store::finding_position>& added = group_findings[tenant];
  added.push_back(last);
  // Retention: now and then, the findings beyond the newest finding_retention go (the trim
  // reads the findings it drops). The first one kept may be of this group, not yet written.
  const std::uint64_t trim_every = std::clamp<std::uint64_t>(options.finding_retention / 8, 1, 1024);
  if (link.number % trim_every == 0 && link.number > options.finding_retention) {
    const std::uint64_t keep = link.number - options.finding_retention + 1;
    std::uint64_t keep_from = 0;
    if (keep >= added.front().link.number) {
      keep_from = added[keep - added.front().link.number].seq;
    } else {
      auto stored = db.finding_seq_from(tenant, keep);
      if (!stored.ok()) return stored.status();
      keep_from = *stored;
    }
    if (keep_from != 0) wg.trim_findings(tenant, keep_from);
  }
  return status::ok_status();
}

// Adds what the detectors sent back to the group: their records, and their events numbered.
// Fails when the logs cannot be read (nothing is written then; the outputs wait for the next
// write).
status pipeline::impl::add_outputs() {
  if (detectors && detectors->has_outputs()) detectors->take_outputs(&outputs);
  group_alerts.clear();
  for (detector_output& o : outputs) {
    // An alert event carries the alert's acknowledgement, as GET /v1/alerts shows it: a
    // dashboard that follows the feed keeps it when the alert escalates or resolves.
    std::string ack_key;
    for (const auto& r : o.records) {
      wg.put_record(r.table, o.tenant, r.key, r.value);
      if (r.table == storage::record_table::alerts) {
        group_alerts[o.tenant + '\0' + r.key] = r.value;
        ack_key = alert_ack_key_of_record(r.key);
      }
    }
    if (!o.has_event) continue;
    std::string data = o.data;  // o is kept, unchanged, when the write fails
    if (o.type == event_type::alert && !ack_key.empty()) {
      // Unreadable, the event goes without it (GET shows it) rather than fail the group.
      if (auto ack = stored_ack(o.tenant, ack_key); ack.ok()) data = alert_with_ack(std::move(data), *ack);
    }
    auto seq = next_seq(o.tenant);
    if (!seq.ok()) return seq.status();
    event_record.clear();
    encode_event_record(o.type, o.watches, data, &event_record);
    wg.add_event(o.tenant, *seq, event_record);
    if (o.type != event_type::mention) {
      if (status s = add_finding(o.tenant, *seq); !s.ok()) return s;
    }
    events.push_back(stream_event{o.tenant, *seq, o.type, o.watches, std::move(data)});
  }
  return add_acknowledgements();
}

result<std::string> pipeline::impl::stored_ack(const std::string& tenant, const std::string& ack_key) {
  auto stored = db.get_record(storage::record_table::state, tenant, ack_key);
  if (stored.ok()) return std::move(*stored);
  if (stored.status().code() == status_code::not_found) return std::string();
  return stored.status();
}

// Each acknowledgement asked for: its record, and an alert event with the alert as it stands
// after what this group writes before it.
status pipeline::impl::add_acknowledgements() {
  for (ack_request& a : acks) {
    std::string key;
    if (!alert_key_from_id(a.alert_id, &key)) {
      a.outcome = status(status_code::invalid_argument, "malformed alert id '" + a.alert_id + "'");
      continue;
    }
    std::string alert;
    if (auto it = group_alerts.find(a.tenant + '\0' + key); it != group_alerts.end()) {
      alert = it->second;
    } else {
      auto stored = db.get_record(storage::record_table::alerts, a.tenant, key);
      if (!stored.ok()) {
        a.outcome = stored.status().code() == status_code::not_found
                        ? status(status_code::not_found, "no alert '" + a.alert_id + "'")
                        : stored.status();
        continue;
      }
      alert = std::move(*stored);
    }
    wg.put_record(storage::record_table::state, a.tenant, alert_ack_key(a.alert_id), a.ack);
    std::string data = alert_ack_event(alert, a.ack);
    const std::string watch(std::string_view(key).substr(9));
    auto seq = next_seq(a.tenant);
    if (!seq.ok()) return seq.status();
    event_record.clear();
    encode_event_record(event_type::alert, watch, data, &event_record);
    wg.add_event(a.tenant, *seq, event_record);
    if (status s = add_finding(a.tenant, *seq); !s.ok()) return s;
    events.push_back(stream_event{a.tenant, *seq, event_type::alert, watch, std::move(data)});
    a.outcome = alert_with_ack(std::move(alert), a.ack);
  }
  return status::ok_status();
}

void pipeline::impl::commit() {
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
  group_findings.clear();
  events.clear();
  // Every acknowledgement asked for is answered by this write, written or not: one that
  // waited for a store that keeps failing would keep the writer spinning.
  if (acks_waiting.load(std::memory_order_acquire)) {
    std::lock_guard lock(acks_mu);
    for (ack_request& a : requested_acks) acks.push_back(std::move(a));
    requested_acks.clear();
    acks_waiting.store(false, std::memory_order_release);
  }
  in_group.reset(refs.size());
  if (detectors && !hits) hits = detectors->take_batch();
  const std::int64_t max_future = detectors ? detectors->max_future_ms() : 0;
  if (s.ok()) s = add_outputs();
  if (s.ok()) {
    std::size_t i = 0;
    for (parsed_batch* b : group) {
      const std::string& tenant = b->request->tenant;
      const bool publish = sink && sink->wants_mentions(tenant);
      std::int64_t clock = INT64_MIN;
      std::uint64_t last_seq = 0;  // of the group's last mention event
      const auto hits_begin = hits ? static_cast<std::uint32_t>(hits->hits.size()) : 0;
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
        ++b->result.accepted;
        // A clock far ahead of its ingestion must not close everyone's buckets.
        if (e.created_at_ms <= b->ingested_at_ms + max_future) {
          clock = std::max(clock, e.created_at_ms);
        }
        const std::string_view watches = b->watches(e);
        if (watches.empty()) continue;
        for_each_watch(watches, [&](std::string_view watch) {
          wg.add_watch_hit(key, watch, e.delta, b->author(e));
        });
        if (hits) {
          const auto terms_begin = static_cast<std::uint32_t>(hits->terms.size());
          for (std::uint32_t t = e.terms_begin; t < e.terms_end; ++t) {
            const auto& pt = b->terms[t];
            hits->add_term(pt.hash, std::string_view(b->ids).substr(pt.text_offset, pt.text_size), pt.first_word,
                           pt.second_word);
          }
          hits->add_mention_hits(watches, ref.source, ref.id, terms_begin, e.created_at_ms, e.sent,
                                 author_identity(b->author(e)));
        }
        auto seq = next_seq(tenant);
        if (!seq.ok()) {
          s = seq.status();
          break;
        }
        key_scratch.clear();
        storage::append_mention_key(key, &key_scratch);
        event_record.clear();
        encode_event_record(event_type::mention, watches,
                            storage::mention_key_suffix(key_scratch), &event_record);
        wg.add_event(tenant, *seq, event_record);
        last_seq = *seq;
        if (publish) {
          events.push_back(stream_event{tenant, *seq, event_type::mention, std::string(watches),
                                        std::string(b->record(e))});
        }
      }
      if (!s.ok()) break;
      if (hits) {
        const auto hits_end = static_cast<std::uint32_t>(hits->hits.size());
        if (hits_end > hits_begin || clock != INT64_MIN) {
          const auto offset = hits->add_string(tenant);
          const auto size = static_cast<std::uint32_t>(tenant.size());
          if (hits_end > hits_begin) hits->groups.push_back({offset, size, hits_begin, hits_end, last_seq});
          if (clock != INT64_MIN) hits->clocks.push_back({offset, size, clock});
        }
      }
    }
    if (s.ok()) s = db.write(wg);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (observer) {
    if (s.ok()) observer->on_group_commit(wg.mentions(), wg.bytes(), seconds);
    else observer->on_write_failed(s);
  }
  if (s.ok()) {
    for (detector_output& o : outputs) {
      if (o.on_written) o.on_written();
    }
    outputs.clear();
    if (sink && !events.empty()) sink->publish(events);
    if (sink) {
      for (const std::string& tenant : logged) sink->logged_through(tenant, last_seq[tenant]);
    }
    if (hits && !hits->empty()) {
      detectors->push(hits);
      hits = nullptr;
    }
  } else {
    // Nothing was written: numbers are reloaded from the log, the detectors' outputs are
    // kept for the next write, and the hits (of mentions not stored) are dropped.
    last_seq.clear();
    last_finding.clear();
    if (hits) hits->clear();
  }
  // Answered once published: a client that acknowledges then reads its feed finds the event.
  for (ack_request& a : acks) a.done(s.ok() ? std::move(a.outcome) : result<std::string>(s));
  acks.clear();
  events.clear();
  logged.clear();
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
  for (;;) {
    std::uint32_t seen = write_signal.observe();
    // Alerts and signals are written first, alone: a small write, instead of waiting behind
    // a group of mentions (what makes the live feed's alert latency under load).
    if (has_work()) commit();
    std::size_t mentions = 0;
    parsed_batch* b = nullptr;
    while (mentions < options.max_group_mentions && write_queue.pop(b)) {
      write_depth.fetch_sub(1, std::memory_order_relaxed);
      mentions += b->entries.size();
      group.push_back(b);
    }
    if (!group.empty() || has_work()) {
      if (!group.empty()) space_signal.notify_all();
      commit();
      continue;
    }
    if (writer_stop.load(std::memory_order_acquire)) return;
    write_signal.wait(seen);
  }
}

pipeline::pipeline(storage::store& db, pipeline_options options, enricher_factory enrichers,
                   pipeline_observer* observer, pipeline_outputs outputs)
    : impl_(std::make_unique<impl>(db, options, std::move(enrichers), observer, outputs)) {}

pipeline::~pipeline() { stop(); }

status pipeline::start() {
  if (impl_->started) return status::ok_status();
  if (impl_->detectors) {
    status s = impl_->detectors->start([this] { impl_->write_signal.notify_one(); });
    if (!s.ok()) return s;
  }
  impl_->started = true;
  int n = impl_->options.workers < 1 ? 1 : impl_->options.workers;
  for (int i = 0; i < n; ++i) impl_->workers.emplace_back([this] { impl_->worker_loop(); });
  impl_->writer = std::thread([this] { impl_->writer_loop(); });
  return status::ok_status();
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
  // The detectors see every hit the writer pushed, checkpoint, and their last outputs are
  // written here, the writer's work being done, with the acknowledgements asked for before
  // stopping (once the lock is taken, every acknowledge_alert() that found the pipeline
  // running has queued its request).
  if (st.detectors) st.detectors->stop();
  { std::lock_guard lock(st.acks_mu); }
  if (st.has_work()) st.commit();
  if (st.detectors) {
    if (st.hits) st.detectors->recycle(st.hits);
    st.hits = nullptr;
  }
  parsed_batch* b = nullptr;
  while (st.pool.pop(b)) delete b;
}

void pipeline::acknowledge_alert(std::string tenant, std::string alert_id, std::string ack_json,
                                 std::function<void(result<std::string>)> done) {
  impl& st = *impl_;
  {
    // Under the lock: stop() takes it once stopping is set, so what it finds queued then is
    // all there will be.
    std::lock_guard lock(st.acks_mu);
    if (st.started && !st.stopping.load(std::memory_order_acquire)) {
      st.requested_acks.push_back({std::move(tenant), std::move(alert_id), std::move(ack_json), std::move(done)});
      st.acks_waiting.store(true, std::memory_order_release);
      st.write_signal.notify_one();  // under the lock: stop() cannot have finished
      return;
    }
  }
  done(status(status_code::unavailable, "the server is shutting down"));
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
