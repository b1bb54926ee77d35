// detector_stage: the stateful stage after storage (DESIGN.md, "per-watch state"): every
// stored watch hit goes, batch by batch in commit order (within a batch, in event-time order),
// to its watch's crisis detector (crisis.h) and weak-signal detector (signals.h), which run on
// event time. What they find (alerts, signals)
// comes back to the pipeline's writer as records to store and events to publish.
//
//   pipeline writer ──hits──> [bounded queue] ──> detector thread ──outputs──> writer
//
// Event time: a tenant's watermark is the latest created_at of its stored mentions minus
// allowed_lateness; a bucket (crisis) or window (signals) is closed, and judged, once the
// watermark passes its end, each on its own boundaries. The watermark moves hit by hit, not
// batch by batch, and a tenant's hits of one batch (a group commit) are taken in event-time
// order: a request of history that spans hours, or one sent newest first, is judged as if its
// mentions had come one at a time, oldest first. Signal detectors take mentions up to the
// allowed lateness ahead of their open window. Mentions older than a closed bucket are still
// stored and counted in series, but detectors do not see them. Replaying history at full speed
// therefore gives the same alerts and signals, with the same detected_at, as living through
// it. A created_at further than max_future_ms past its ingestion time moves no watermark: one
// wrong clock must not close a year of buckets.
//
// State is checkpointed to the store (state table) every checkpoint_interval and at stop, and
// loaded at start. A tenant's checkpoint records the number of the last mention event (its
// event log, events.h) whose hits the detectors had seen. After a crash (kill -9), start()
// finds the mention events logged after it, and the detector thread replays their hits from
// storage before any new batch, as the writer had sent them: the mentions ingested together
// (one request) as one batch, in event-time order: the detectors end where they would have
// been without the crash. An alert or signal the replay finds again is not stored or published
// twice when the log already holds it (it was written before the crash); one the crash lost
// is. Limits: mentions that matched no watch are not in the event log, so their event times do
// not move the replay's clock (the next mentions move it); requests that shared a group commit
// are replayed one after the other, so mentions out of order across them by more than the
// allowed lateness may be judged late in one run and not in the other; events older than the
// log's retention are not replayed. An alert or signal logged by an earlier version, whose
// JSON differs (signal labels, written top terms), is published again if the replay finds it.
//
// Thread safety: push(), take_outputs() and has_outputs() from the pipeline's writer thread;
// start() and stop() from the thread that owns the pipeline.

#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/crisis.h"
#include "pipeline/events.h"
#include "pipeline/mention.h"
#include "pipeline/signals.h"
#include "storage/status.h"
#include "storage/store.h"

namespace vigie::pipeline {

class watch_registry;

struct detector_options {
  crisis_options crisis;
  signal_options signals;
  // How late (event time) a mention may arrive and still be seen by the detectors. Larger
  // tolerates more disorder in the feeds and delays every detection by as much.
  std::int64_t allowed_lateness_ms = 60 * 1000;
  // A created_at this far past its ingestion time does not move the watermark.
  std::int64_t max_future_ms = 5 * 60 * 1000;
  // Hit batches (one per group commit) waiting for the detector thread; when full the writer
  // waits, and ingest pushes back.
  std::size_t queue_batches = 64;
  // Wall-clock period of state checkpoints; bounds what a crash makes the detectors miss.
  std::chrono::milliseconds checkpoint_interval{60 * 1000};
  // What an alert shows of its spike: top terms (shown as the mentions write them, not as
  // stems) and sample mentions, taken from the newest max_scanned stored mentions of the
  // spike window, against as many just before it (the baseline). The reading is on the alert's path, before it is written and sent: 500 and
  // 500 are enough to rank terms and keep it to a few milliseconds.
  std::size_t top_terms = 8;
  std::size_t sample_mentions = 5;
  std::size_t max_scanned = 500;
};

// One stored mention as one watch saw it.
struct watch_hit {
  std::uint32_t watch_offset, watch_size;  // into hit_batch::strings
  std::uint32_t ref_offset, ref_size;      // "source/id"
  std::uint32_t terms_begin, terms_end;    // into hit_batch::terms
  std::int64_t created_at_ms;
  sentiment sent;
  std::uint64_t author_hash;
};

// The hits of one group commit, all tenants mixed, in commit order.
struct hit_batch {
  struct tenant_clock {
    std::uint32_t tenant_offset, tenant_size;
    std::int64_t max_created_at_ms;  // of its mentions whose time may move the watermark
  };
  struct hit_group {
    std::uint32_t tenant_offset, tenant_size;
    std::uint32_t hits_begin, hits_end;
    std::uint64_t last_seq;  // the tenant's event number of the group's last mention
  };
  struct packed_term {
    std::uint64_t hash;
    std::uint32_t text_offset, text_size;
    std::uint64_t first_word, second_word;  // a phrase's words (terms.h)
  };
  std::string strings;
  std::vector<tenant_clock> clocks;
  std::vector<hit_group> groups;
  std::vector<watch_hit> hits;
  std::vector<packed_term> terms;

  std::string_view str(std::uint32_t offset, std::uint32_t size) const {
    return std::string_view(strings).substr(offset, size);
  }
  std::uint32_t add_string(std::string_view s) {
    auto offset = static_cast<std::uint32_t>(strings.size());
    strings.append(s);
    return offset;
  }
  // The hits of one stored mention: add_term() for each of its terms, then add_mention_hits()
  // with terms_begin, the size of `terms` before them. One hit per watch of the comma-separated
  // list, all sharing those terms; the reference is "source/id"; author is author_identity().
  void add_term(std::uint64_t hash, std::string_view text, std::uint64_t first_word = 0, std::uint64_t second_word = 0) {
    terms.push_back({hash, add_string(text), static_cast<std::uint32_t>(text.size()), first_word, second_word});
  }
  void add_mention_hits(std::string_view watches, std::string_view source, std::string_view id,
                        std::uint32_t terms_begin, std::int64_t created_at_ms, sentiment sent,
                        std::string_view author);
  bool empty() const { return clocks.empty() && hits.empty(); }
  void clear() {
    strings.clear();
    clocks.clear();
    groups.clear();
    hits.clear();
    terms.clear();
  }
};

// What the detectors give the writer: records to store and, maybe, an event to publish.
struct detector_output {
  struct record {
    storage::record_table table;
    std::string key, value;
  };
  std::string tenant;
  std::vector<record> records;
  bool has_event = false;
  event_type type = event_type::alert;
  std::string watches;
  std::string data;  // JSON
  // Called by the writer once this output, and so every output made before it, is written.
  std::function<void()> on_written;
};

struct detector_counters {
  std::atomic<std::uint64_t> late_hits{0};       // hits older than their watch's closed buckets
  std::atomic<std::uint64_t> author_capped_hits{0};  // an author's hits past one an hour: not counted
  std::atomic<std::uint64_t> alerts{0};          // alert transitions
  std::atomic<std::uint64_t> signals{0};         // signals found or upgraded
  std::atomic<std::uint64_t> watches{0};         // watches with detector state
  std::atomic<std::uint64_t> state_bytes{0};     // their memory, as the detectors count it
  std::atomic<std::uint64_t> replayed_mentions{0};  // read back from storage after a crash
};

class detector_stage {
 public:
  detector_stage(storage::store& db, const watch_registry* watches, detector_options options = {});
  ~detector_stage();
  detector_stage(const detector_stage&) = delete;
  detector_stage& operator=(const detector_stage&) = delete;

  // Loads checkpoints and open alerts, finds the mention events logged after them (to replay
  // first), starts the thread. Call it before the writer runs: what the log holds when it is
  // called is replayed, what comes after arrives by push(). notify is called (from the
  // detector thread) when outputs are waiting: it wakes the writer.
  status start(std::function<void()> notify);
  // Processes every pushed batch, checkpoints, and joins the thread. The outputs it leaves
  // are for the caller to write.
  void stop();

  // Writer thread: a batch to fill and push, or to give back unused.
  hit_batch* take_batch();
  void recycle(hit_batch* b);
  // Writer thread: hands over a filled batch; waits while the queue is full.
  void push(hit_batch* b);
  bool has_outputs() const noexcept;
  void take_outputs(std::vector<detector_output>* out);

  // A watch was removed (removed) or its query replaced, as watch_registry::on_change says;
  // from that listener, never from the detector or writer thread. Removed: the watch's state
  // is dropped, then, once every alert and signal the detectors made for it is written, its
  // alerts (with their acknowledgements), signals and checkpoint are deleted: a watch created
  // again with that id starts with none. Replaced: its signal detector takes the new query's
  // words as its own (never signals), keeping what it has counted. Returns once done (or, if
  // the pipeline is stopping, after a bounded wait); an error if the deletion failed.
  status watch_changed(const std::string& tenant, const std::string& watch, bool removed);

  // Writer thread: a created_at further than this past its ingestion moves no watermark.
  std::int64_t max_future_ms() const noexcept;

  const detector_counters& counters() const noexcept;
  std::size_t queue_depth() const noexcept;

  // The watches whose checkpointed state start() could not take back, and why: a changed
  // detector setting (detectors.signal_window_seconds ...) or an unreadable record. Such a
  // watch's detector starts afresh (warm-up again); its crisis state is kept when only the
  // signal detector's could not be loaded.
  struct reset_watch {
    std::string tenant, watch, reason;
  };
  const std::vector<reset_watch>& reset_at_start() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Alert ids: "<detected_at ms>-<kind>-<watch>", readable and the same in a replay. The alerts
// table key is [detected_at:8][kind:1][watch], so a reverse scan lists newest first.
std::string alert_id(std::int64_t detected_at_ms, alert_kind kind, std::string_view watch);
bool alert_key_from_id(std::string_view id, std::string* key);
// signals table key: [watch_len:1][watch][detected_at:8][level:1][term]
void append_signal_prefix(std::string_view watch, std::string* out);
// state table key of an alert's acknowledgement.
std::string alert_ack_key(std::string_view alert_id);
// The same, from the alert's alerts table key; empty for a key that is not one.
std::string alert_ack_key_of_record(std::string_view alert_key);
// An alert's JSON with its acknowledgement merged in as "acknowledgement": what GET
// /v1/alerts and the alert events show.
std::string alert_with_ack(std::string alert_json, std::string_view ack_json);
// The alert as the detector wrote it, from an alert event's data (its acknowledgement, if any,
// taken out).
std::string alert_without_ack(std::string_view alert_json);
// The data of the alert event an acknowledgement makes: the alert with it, "change" being
// "acknowledged" (the stored alert keeps the detector's last change).
std::string alert_ack_event(std::string alert_json, std::string_view ack_json);

// The words and quoted phrases of a watch query as the user typed them, wildcards kept
// ("recycl*") and operators and field filters left out: what signal_detector excludes.
std::vector<std::string> query_words(std::string_view query);

}  // namespace vigie::pipeline
