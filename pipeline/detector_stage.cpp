#include "pipeline/detector_stage.h"

#include <boost/lockfree/queue.hpp>

#include <algorithm>
#include <cctype>
#include <array>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <future>
#include <numeric>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "pipeline/internal/wake_signal.h"
#include "pipeline/mention_codec.h"
#include "pipeline/mention_json.h"
#include "pipeline/terms.h"
#include "pipeline/watch.h"
#include "pipeline/watch_registry.h"
#include "storage/keys.h"

namespace vigie::pipeline {

namespace {

constexpr std::array<alert_kind, 3> all_kinds = {alert_kind::volume_spike, alert_kind::negative_spike,
                                                 alert_kind::sentiment_shift};

// Checkpoint keys in the state table.
constexpr std::string_view tenant_state_key = "detector/t";
constexpr std::string_view watch_state_prefix = "detector/w/";
// Version 3 of a watch's checkpoint keeps the authors counted in each hour not yet over;
// version 2 kept them per open bucket (read into their hours), version 1 none.
constexpr std::uint8_t checkpoint_version_without_authors = 1;
constexpr std::uint8_t checkpoint_version_bucket_authors = 2;
constexpr std::uint8_t checkpoint_version = 3;
// Version 2 of the tenant's checkpoint adds the number of the last mention event seen; a
// version 1 checkpoint (without it) is loaded, and nothing is replayed for its tenant.
constexpr std::uint8_t tenant_checkpoint_version_without_seq = 1;
constexpr std::uint8_t tenant_checkpoint_version = 2;

// A watch with an open alert is fed empty buckets so that the alert can resolve while the
// watch is silent; past this many in one go the rest of the gap is skipped (the detector
// treats a gap as empty buckets anyway).
constexpr int max_explicit_empty_buckets = 7 * 24 * 12;

std::int64_t floor_to(std::int64_t t, std::int64_t step) {
  std::int64_t q = t / step;
  if (t % step != 0 && t < 0) --q;
  return q * step;
}

// --- small binary writer/reader for checkpoints --------------------------------------------

void put_u32(std::uint32_t v, std::string* out) { out->append(reinterpret_cast<const char*>(&v), 4); }
void put_i64(std::int64_t v, std::string* out) { out->append(reinterpret_cast<const char*>(&v), 8); }
void put_u64(std::uint64_t v, std::string* out) { out->append(reinterpret_cast<const char*>(&v), 8); }
void put_f64(double v, std::string* out) { out->append(reinterpret_cast<const char*>(&v), 8); }
void put_str(std::string_view s, std::string* out) {
  put_u32(static_cast<std::uint32_t>(s.size()), out);
  out->append(s);
}

class reader {
 public:
  explicit reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  template <class T>
  T raw() {
    T v{};
    if (in_.size() < sizeof(T)) {
      ok_ = false;
      return v;
    }
    std::memcpy(&v, in_.data(), sizeof(T));
    in_.remove_prefix(sizeof(T));
    return v;
  }
  std::string_view str() {
    auto n = raw<std::uint32_t>();
    if (!ok_ || in_.size() < n) {
      ok_ = false;
      return {};
    }
    std::string_view s = in_.substr(0, n);
    in_.remove_prefix(n);
    return s;
  }
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
  bool ok_ = true;
};

// --- alerts -----------------------------------------------------------------------------

struct alert_state {
  std::string id;
  alert_kind kind = alert_kind::volume_spike;
  alert_severity severity = alert_severity::warning;
  alert_change change = alert_change::opened;
  std::int64_t started_at = 0, detected_at = 0, updated_at = 0, resolved_at = 0;
  double observed = 0, expected = 0, score = 0;
  std::vector<std::string> top_terms;
  std::vector<std::string> samples;
};

void append_alert_json(std::string_view watch, const alert_state& a, std::string* out) {
  out->append("{\"id\":");
  append_json_string(a.id, out);
  out->append(",\"watch\":");
  append_json_string(watch, out);
  out->append(",\"kind\":\"");
  out->append(to_string(a.kind));
  out->append("\",\"severity\":\"");
  out->append(to_string(a.severity));
  out->append("\",\"state\":\"");
  out->append(a.change == alert_change::resolved ? "resolved" : "open");
  out->append("\",\"change\":\"");
  out->append(to_string(a.change));
  out->append("\",\"started_at\":\"");
  append_rfc3339_ms(a.started_at, out);
  out->push_back('"');
  out->append(",\"detected_at\":\"");
  append_rfc3339_ms(a.detected_at, out);
  out->push_back('"');
  out->append(",\"updated_at\":\"");
  append_rfc3339_ms(a.updated_at, out);
  out->push_back('"');
  if (a.change == alert_change::resolved) {
    out->append(",\"resolved_at\":\"");
    append_rfc3339_ms(a.resolved_at, out);
    out->push_back('"');
  }
  char number[64];
  auto add_number = [&](const char* name, double v) {
    if (!std::isfinite(v)) v = 0;
    std::snprintf(number, sizeof number, ",\"%s\":%.6g", name, v);
    out->append(number);
  };
  add_number("observed", a.observed);
  add_number("expected", a.expected);
  add_number("score", a.score);
  auto add_list = [&](const char* name, const std::vector<std::string>& items) {
    out->append(",\"");
    out->append(name);
    out->append("\":[");
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) out->push_back(',');
      append_json_string(items[i], out);
    }
    out->push_back(']');
  };
  add_list("top_terms", a.top_terms);
  add_list("sample_mention_ids", a.samples);
  out->push_back('}');
}

void save_alert(const alert_state& a, std::string* out) {
  put_str(a.id, out);
  out->push_back(static_cast<char>(a.kind));
  out->push_back(static_cast<char>(a.severity));
  out->push_back(static_cast<char>(a.change));
  for (std::int64_t t : {a.started_at, a.detected_at, a.updated_at, a.resolved_at}) put_i64(t, out);
  for (double v : {a.observed, a.expected, a.score}) put_f64(v, out);
  put_u32(static_cast<std::uint32_t>(a.top_terms.size()), out);
  for (const auto& t : a.top_terms) put_str(t, out);
  put_u32(static_cast<std::uint32_t>(a.samples.size()), out);
  for (const auto& t : a.samples) put_str(t, out);
}

bool load_alert(reader& in, alert_state* a) {
  a->id = in.str();
  a->kind = static_cast<alert_kind>(in.raw<std::uint8_t>());
  a->severity = static_cast<alert_severity>(in.raw<std::uint8_t>());
  a->change = static_cast<alert_change>(in.raw<std::uint8_t>());
  a->started_at = in.raw<std::int64_t>();
  a->detected_at = in.raw<std::int64_t>();
  a->updated_at = in.raw<std::int64_t>();
  a->resolved_at = in.raw<std::int64_t>();
  a->observed = in.raw<double>();
  a->expected = in.raw<double>();
  a->score = in.raw<double>();
  // Lists are short (top_terms, sample_mentions options); a huge count is corruption.
  constexpr std::uint32_t max_list = 1024;
  for (auto* list : {&a->top_terms, &a->samples}) {
    auto n = in.raw<std::uint32_t>();
    if (!in.ok() || n > max_list) return false;
    list->clear();
    for (std::uint32_t i = 0; i < n && in.ok(); ++i) list->emplace_back(in.str());
  }
  return in.ok() && static_cast<int>(a->kind) < 3;
}

// --- per-watch and per-tenant state -------------------------------------------------------

// A crisis is many people. The crisis detector counts an author once per hour of event time
// (the clock's hours): their other mentions of that hour do not count towards its volumes.
// Two or three accounts posting 300 times in an hour would otherwise open a critical spike,
// on a quiet watch even with a cap of a few mentions per bucket (its usual hour has none of
// their negative words). Mentions without an author are not capped (a feed of news without
// bylines is many writers). Signals count authors their own way (signals.h).
constexpr std::int64_t author_cap_ms = 3600 * 1000;
constexpr std::uint16_t max_mentions_per_author = 1;

// The authors counted in one hour, and how many of their mentions counted.
using hour_authors = std::unordered_map<std::uint64_t, std::uint16_t>;

struct watch_state {
  explicit watch_state(const detector_options& o, std::span<const std::string> excluded)
      : crisis(o.crisis), signals(o.signals, excluded) {}
  crisis_detector crisis;
  signal_detector signals;
  std::map<std::int64_t, crisis_bucket> open;  // buckets not closed yet, by start
  std::map<std::int64_t, hour_authors> authors;  // hours not over yet (of open buckets), by start
  std::array<std::optional<alert_state>, 3> alerts;  // the open alert of each kind
  std::vector<std::string> excluded;                 // the query's words
  bool dirty = true;
};

struct tenant_state {
  std::int64_t max_seen = INT64_MIN;      // latest created_at that may move the watermark
  std::int64_t closed_until = INT64_MIN;  // crisis buckets starting before it are closed
  std::int64_t signals_until = INT64_MIN;  // signal windows starting before it are closed
  std::uint64_t applied_seq = 0;          // event number of the last mention seen (0: none)
  bool seq_known = true;                  // false: loaded from a checkpoint without it
  std::unordered_map<std::string, std::unique_ptr<watch_state>> watches;
  bool dirty = true;
};

// The words of a watch query that a signal must not be: the brand is not news to itself.
// Mentions of a time window of one watch, for describing a spike: document frequency of their
// terms, and (for the spike itself) a reference to each.
struct doc_terms {
  std::unordered_map<std::uint64_t, std::pair<std::string, std::uint32_t>> df;
  std::uint32_t docs = 0;
};
struct spike_sample {
  float score;
  std::int64_t reach;
  std::string ref;
};
struct spike_window {
  std::string tenant, watch;
  std::int64_t from = 0, to = 0;
  doc_terms in, before;
  written_forms forms;  // of the terms in the window, to show them as written
  std::vector<spike_sample> samples;
};

}  // namespace

std::string alert_id(std::int64_t detected_at_ms, alert_kind kind, std::string_view watch) {
  std::string id = std::to_string(detected_at_ms);
  id.push_back('-');
  id.append(to_string(kind));
  id.push_back('-');
  id.append(watch);
  return id;
}

bool alert_key_from_id(std::string_view id, std::string* key) {
  // The time as alert_id() writes it: digits without leading zeros, so that one alert has one
  // id (the acknowledgement is stored under it). 18 digits cannot overflow.
  std::size_t dash = id.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash > 18 || (id[0] == '0' && dash > 1)) return false;
  std::int64_t ms = 0;
  for (char c : id.substr(0, dash)) {
    if (c < '0' || c > '9') return false;
    ms = ms * 10 + (c - '0');
  }
  std::string_view rest = id.substr(dash + 1);
  for (alert_kind k : all_kinds) {
    std::string_view name = to_string(k);
    if (rest.size() > name.size() + 1 && rest.starts_with(name) && rest[name.size()] == '-') {
      std::string_view watch = rest.substr(name.size() + 1);
      if (!storage::valid_watch_id(watch)) return false;
      key->clear();
      storage::append_time(ms, key);
      key->push_back(static_cast<char>(k));
      key->append(watch);
      return true;
    }
  }
  return false;
}

void hit_batch::add_mention_hits(std::string_view watches, std::string_view source, std::string_view id,
                                 std::uint32_t terms_begin, std::int64_t created_at_ms, sentiment sent,
                                 std::string_view author) {
  const std::uint32_t ref_offset = add_string(source);
  strings.push_back('/');
  strings.append(id);
  const auto ref_size = static_cast<std::uint32_t>(strings.size() - ref_offset);
  const auto terms_end = static_cast<std::uint32_t>(terms.size());
  // 0: no author (not capped in crisis buckets; one author to the signal detector).
  const std::uint64_t author_hash = author.empty() ? 0 : std::hash<std::string_view>{}(author);
  for_each_watch(watches, [&](std::string_view watch) {
    const std::uint32_t watch_offset = add_string(watch);
    hits.push_back({watch_offset, static_cast<std::uint32_t>(watch.size()), ref_offset, ref_size, terms_begin,
                    terms_end, created_at_ms, sent, author_hash});
  });
}

std::vector<std::string> query_words(std::string_view query) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    // title:word is a term too, of the title only: its word is the query's like any other.
    // Other fields (lang:, source:, author:, site:) filter; their values are not words.
    if (word.size() > 6 && std::equal(word.begin(), word.begin() + 6, "title:", [](char a, char b) {
          return static_cast<char>(std::tolower(static_cast<unsigned char>(a))) == b;
        })) {
      word.erase(0, 6);
    }
    if (!word.empty() && word != "AND" && word != "OR" && word != "NOT" && !word.starts_with("NEAR") &&
        word.find(':') == std::string::npos && word.find_first_not_of('*') != std::string::npos) {
      words.push_back(word);
    }
    word.clear();
  };
  bool quoted = false;
  for (char c : query) {
    if (c == '"') {
      // A phrase is one entry: its tag form ("Borel Telecom": #boreltelecom) is the phrase's.
      if (quoted && word.find_first_not_of(' ') != std::string::npos) words.push_back(word);
      if (quoted) word.clear();
      else flush();
      quoted = !quoted;
    } else if (quoted) {
      word.push_back(c == '\t' || c == '\n' ? ' ' : c);
    } else if (c == ' ' || c == '(' || c == ')' || c == '\t' || c == '\n') {
      flush();
    } else {
      word.push_back(c);
    }
  }
  if (quoted && word.find_first_not_of(' ') != std::string::npos) words.push_back(word);
  else if (!quoted) flush();
  return words;
}

std::string alert_ack_key(std::string_view alert_id) {
  std::string key = "ack/";
  key.append(alert_id);
  return key;
}

std::string alert_ack_key_of_record(std::string_view alert_key) {
  if (alert_key.size() <= 9) return {};
  const auto kind = static_cast<alert_kind>(static_cast<unsigned char>(alert_key[8]));
  return alert_ack_key(alert_id(storage::decode_time(alert_key.data()), kind, alert_key.substr(9)));
}

std::string alert_with_ack(std::string alert_json, std::string_view ack_json) {
  if (ack_json.empty() || alert_json.empty() || alert_json.back() != '}') return alert_json;
  alert_json.pop_back();
  alert_json.append(",\"acknowledgement\":");
  alert_json.append(ack_json);
  alert_json.push_back('}');
  return alert_json;
}

std::string alert_without_ack(std::string_view alert_json) {
  // Our own JSON, the acknowledgement last: the text of an earlier field is escaped, so the
  // first unescaped ,"acknowledgement":{ is the field.
  const std::size_t at = alert_json.find(",\"acknowledgement\":{");
  if (at == std::string_view::npos) return std::string(alert_json);
  std::string out(alert_json.substr(0, at));
  out.push_back('}');
  return out;
}

std::string alert_ack_event(std::string alert_json, std::string_view ack_json) {
  // Our own JSON: "change" follows the id and the watch, whose values cannot hold a quote.
  constexpr std::string_view field = ",\"change\":\"";
  if (const std::size_t at = alert_json.find(field); at != std::string::npos) {
    const std::size_t begin = at + field.size(), end = alert_json.find('"', begin);
    if (end != std::string::npos) alert_json.replace(begin, end - begin, "acknowledged");
  }
  return alert_with_ack(std::move(alert_json), ack_json);
}

namespace {

// The watch's words, as its stored query has them (none when it cannot be read).
std::vector<std::string> stored_query_words(const storage::store& db, const std::string& tenant, const std::string& watch) {
  if (auto stored = db.get_watch(tenant, watch); stored.ok()) {
    if (auto w = parse_watch_json(*stored, watch); w.ok()) return query_words(w->query);
  }
  return {};
}

status delete_detector_records(storage::store& db, const std::string& tenant, const std::string& watch) {
  std::vector<std::string> signals, alerts, acks;
  std::string prefix;
  append_signal_prefix(watch, &prefix);
  status s = db.scan_records(storage::record_table::signals, tenant, {.prefix = prefix, .reverse = false, .after_key = {}},
                             [&](std::string_view key, std::string_view) {
                               signals.emplace_back(key);
                               return true;
                             });
  // Alerts are keyed by time first ([detected_at:8][kind:1][watch]): few enough to read all.
  if (s.ok()) {
    s = db.scan_records(storage::record_table::alerts, tenant, {.prefix = {}, .reverse = false, .after_key = {}},
                        [&](std::string_view key, std::string_view) {
                          if (key.size() > 9 && key.substr(9) == watch) {
                            alerts.emplace_back(key);
                            acks.push_back(alert_ack_key_of_record(key));
                          }
                          return true;
                        });
  }
  acks.push_back(std::string(watch_state_prefix) + watch);  // its checkpoint
  if (s.ok()) s = db.delete_records(storage::record_table::signals, tenant, signals);
  if (s.ok()) s = db.delete_records(storage::record_table::alerts, tenant, alerts);
  if (s.ok()) s = db.delete_records(storage::record_table::state, tenant, acks);
  return s;
}

}  // namespace

void append_signal_prefix(std::string_view watch, std::string* out) {
  out->push_back(static_cast<char>(static_cast<unsigned char>(watch.size())));
  out->append(watch);
}

// A mention may be allowed_lateness ahead of the watermark, and so of the signal detectors'
// first open window: they must take mentions that many windows ahead (the default, 2 windows
// of an hour, covers a minute of lateness).
detector_options with_room_for_lateness(detector_options o) {
  const std::int64_t window = std::max<std::int64_t>(o.signals.window_ms, 1);
  const std::int64_t ahead = (std::max<std::int64_t>(o.allowed_lateness_ms, 0) + window - 1) / window;
  o.signals.future_windows = static_cast<int>(std::max<std::int64_t>(o.signals.future_windows, std::min<std::int64_t>(ahead, 1024)));
  return o;
}

struct detector_stage::impl {
  impl(storage::store& db, const watch_registry* watches, detector_options o)
      : db(db), registry(watches), options(with_room_for_lateness(o)), queue(o.queue_batches),
        pool(o.queue_batches + 2) {}

  storage::store& db;
  const watch_registry* registry;
  detector_options options;
  std::function<void()> notify;

  boost::lockfree::queue<hit_batch*, boost::lockfree::fixed_sized<true>> queue;
  boost::lockfree::queue<hit_batch*, boost::lockfree::fixed_sized<true>> pool;
  std::atomic<std::size_t> depth{0};
  internal::wake_signal space;  // the writer waits on it when the queue is full
  // The detector thread sleeps on this; one notify per group commit is cheap.
  std::mutex wake_mu;
  std::condition_variable wake_cv;
  void wake() {
    { std::lock_guard lock(wake_mu); }
    wake_cv.notify_one();
  }
  std::atomic<bool> stopping{false};
  std::thread thread;
  bool started = false;

  std::mutex outputs_mu;
  std::vector<detector_output> outputs;
  std::atomic<bool> outputs_waiting{false};
  detector_counters counters;

  // Watches removed or replaced (watch_changed()), for the detector thread.
  struct watch_change {
    std::string tenant, watch;
    bool removed;
    std::shared_ptr<std::promise<void>> done;
  };
  std::mutex changes_mu;
  std::vector<watch_change> changes;
  std::atomic<bool> changes_waiting{false};

  // Detector thread only (and start()/stop() before and after it runs).
  std::unordered_map<std::string, tenant_state> tenants;
  term_extractor extractor;
  std::vector<term> term_scratch;
  std::vector<term_span> span_scratch;
  std::vector<term> hit_terms;
  std::vector<std::uint32_t> hit_order;  // process()'s scratch: a tenant's hits in event-time order
  std::vector<bool> group_done;          // process()'s scratch: groups whose tenant is done
  std::vector<alert_transition> transitions;
  std::vector<weak_signal> found;
  std::vector<detector_output> pending;  // made by this thread, handed over in one go
  std::optional<spike_window> spike;      // the window describe_spike() read last
  std::chrono::steady_clock::time_point last_checkpoint = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_gauges{};  // refresh_gauges(): once a second
  std::vector<detector_stage::reset_watch> reset;      // watches load() could not restore

  // Mention events logged after a tenant's checkpoint, [from, to], found by start() and
  // replayed by the detector thread before it takes any batch.
  struct replay_range {
    std::string tenant;
    std::uint64_t from, to;
  };
  std::vector<replay_range> replays;
  hit_batch replay_batch;              // mentions of one request, replayed together
  std::int64_t replay_ingested_at = 0;  // their ingestion time
  std::vector<term> replay_terms;

  status load();
  status plan_replay();
  void replay();
  void replay_mention(const std::string& tenant, std::uint64_t seq, std::string_view watches,
                      std::string_view key_suffix);
  void run();
  void apply_changes();
  void flush_replay();
  void process(const hit_batch& b);
  watch_state* find_watch(const std::string& tenant, tenant_state& t, std::string_view watch);
  void advance(const std::string& tenant, tenant_state& t);
  void close_bucket(const std::string& tenant, const std::string& watch, watch_state& w,
                    const crisis_bucket& b);
  void on_transition(const std::string& tenant, const std::string& watch, watch_state& w,
                     const alert_transition& tr);
  void describe_spike(const std::string& tenant, const std::string& watch, const watch_state& w,
                      alert_state* a);
  void count_window(const std::string& tenant, const std::string& watch, std::int64_t from,
                    std::int64_t to, doc_terms* out, std::vector<spike_sample>* samples,
                    written_forms* forms);
  void on_signal(const std::string& tenant, const std::string& watch, const weak_signal& s);
  // The signal's term as its sample mentions write it; the term itself when none can be read.
  std::string written_form(const std::string& tenant, const weak_signal& s);
  void checkpoint(bool all);
  void hand_over();
  void refresh_gauges();
};

status detector_stage::impl::load() {
  // Tenant clocks first, then watch states (which need the watch's query words).
  status s = db.scan_all_records(
      storage::record_table::state, tenant_state_key,
      [&](std::string_view tenant, std::string_view key, std::string_view value) {
        if (key != tenant_state_key) return true;
        reader in(value);
        const auto version = in.raw<std::uint8_t>();
        if (version != tenant_checkpoint_version_without_seq && version != tenant_checkpoint_version) return true;
        tenant_state& t = tenants[std::string(tenant)];
        t.max_seen = in.raw<std::int64_t>();
        t.closed_until = in.raw<std::int64_t>();
        t.seq_known = version == tenant_checkpoint_version;
        if (t.seq_known) t.applied_seq = in.raw<std::uint64_t>();
        if (!in.ok()) tenants.erase(std::string(tenant));
        else t.dirty = false;
        return true;
      });
  if (!s.ok()) return s;
  return db.scan_all_records(
      storage::record_table::state, watch_state_prefix,
      [&](std::string_view tenant, std::string_view key, std::string_view value) {
        if (value.empty()) return true;  // the watch was deleted
        std::string watch(key.substr(watch_state_prefix.size()));
        auto tenant_it = tenants.find(std::string(tenant));
        if (tenant_it == tenants.end()) return true;
        reader in(value);
        const auto version = in.raw<std::uint8_t>();
        if (version != checkpoint_version && version != checkpoint_version_bucket_authors &&
            version != checkpoint_version_without_authors) {
          reset.push_back({std::string(tenant), watch, "checkpoint version " + std::to_string(version)});
          return true;
        }
        std::vector<std::string> excluded;
        auto n_excluded = in.raw<std::uint32_t>();
        for (std::uint32_t i = 0; i < n_excluded && in.ok() && i < 4096; ++i) {
          excluded.emplace_back(in.str());
        }
        // The query as stored now, when it can be read (an older version split phrases and
        // dropped wildcards); else the words the checkpoint was made with.
        if (auto now = stored_query_words(db, std::string(tenant), watch); !now.empty()) excluded = std::move(now);
        auto crisis = crisis_detector::load(in.str(), options.crisis);
        auto signals = signal_detector::load(in.str(), options.signals, excluded);
        if (!in.ok() || !crisis.ok()) {  // start this watch afresh
          reset.push_back({std::string(tenant), watch,
                           !in.ok() ? "truncated checkpoint" : "crisis detector: " + crisis.status().message()});
          return true;
        }
        auto w = std::make_unique<watch_state>(options, excluded);
        w->crisis = std::move(*crisis);
        if (signals.ok()) {
          w->signals = std::move(*signals);
        } else {  // a new signal window, say: the signal detector alone starts afresh
          reset.push_back({std::string(tenant), watch, "signal detector: " + signals.status().message()});
        }
        w->excluded = std::move(excluded);
        auto n_open = in.raw<std::uint32_t>();
        bool bad_authors = false;  // more authors than counted mentions: not a checkpoint of ours
        for (std::uint32_t i = 0; i < n_open && in.ok() && i < 100000 && !bad_authors; ++i) {
          crisis_bucket b;
          b.start_ms = in.raw<std::int64_t>();
          b.volume = in.raw<std::uint32_t>();
          b.positive = in.raw<std::uint32_t>();
          b.negative = in.raw<std::uint32_t>();
          b.sentiment_sum = in.raw<double>();
          if (version == checkpoint_version_bucket_authors) {  // into the bucket's hour
            const auto n_authors = in.raw<std::uint32_t>();
            bad_authors = n_authors > b.volume;
            hour_authors& hour = w->authors[floor_to(b.start_ms, author_cap_ms)];
            for (std::uint32_t k = 0; k < n_authors && in.ok() && !bad_authors; ++k) {
              const auto author = in.raw<std::uint64_t>();
              in.raw<std::uint16_t>();
              hour[author] = max_mentions_per_author;
            }
          }
          w->open[b.start_ms] = b;
        }
        for (auto& slot : w->alerts) {
          if (in.raw<std::uint8_t>() == 0) continue;
          alert_state a;
          if (!load_alert(in, &a)) break;
          slot = std::move(a);
        }
        if (version == checkpoint_version) {
          const auto n_hours = in.raw<std::uint32_t>();
          for (std::uint32_t i = 0; i < n_hours && in.ok() && !bad_authors; ++i) {
            const auto start = in.raw<std::int64_t>();
            const auto n_authors = in.raw<std::uint32_t>();
            // Each counted author is a counted mention of an open bucket of that hour, or of
            // one closed since; more than every mention a day could hold is not ours.
            bad_authors = start % author_cap_ms != 0 || n_authors > (1u << 26);
            hour_authors& hour = w->authors[start];
            for (std::uint32_t k = 0; k < n_authors && in.ok() && !bad_authors; ++k) {
              const auto author = in.raw<std::uint64_t>();
              hour[author] = in.raw<std::uint16_t>();
            }
          }
        }
        if (!in.ok() || bad_authors) {
          reset.push_back({std::string(tenant), watch, bad_authors ? "damaged checkpoint" : "truncated checkpoint"});
          return true;
        }
        w->dirty = false;
        tenant_it->second.watches[watch] = std::move(w);
        return true;
      });
}

status detector_stage::impl::plan_replay() {
  // Tenants with a checkpoint resume after its last mention event; tenants with an event log
  // but no checkpoint yet (a crash in their first checkpoint interval), from the start.
  std::vector<std::string> logged;
  status s = db.scan_event_tenants([&](std::string_view tenant) {
    logged.emplace_back(tenant);
    return true;
  });
  if (!s.ok()) return s;
  for (const std::string& tenant : logged) {
    auto it = tenants.find(tenant);
    if (it != tenants.end() && !it->second.seq_known) continue;
    const std::uint64_t from = it == tenants.end() ? 1 : it->second.applied_seq + 1;
    auto last = db.last_event_seq(tenant);
    if (!last.ok()) return last.status();
    if (*last >= from) replays.push_back({tenant, from, *last});
  }
  return status::ok_status();
}

void detector_stage::impl::replay() {
  // The log's alerts and signals after the checkpoint: what the detectors found, and the
  // writer stored and published, between the checkpoint and the crash. The replay finds them
  // again; each one found exactly as logged is dropped rather than written and sent twice.
  auto event_key = [](event_type type, std::string_view watches, std::string_view data) {
    std::string key(1, static_cast<char>(type));
    key.append(watches);
    key.push_back('\n');
    key.append(data);
    return key;
  };
  for (const replay_range& r : replays) {
    std::unordered_set<std::string> logged_findings;
    const std::size_t pending_before = pending.size();
    (void)db.read_events(r.tenant, r.from, [&](std::uint64_t seq, std::string_view record) {
      if (seq > r.to) return false;
      auto e = decode_event_record(record);
      if (!e.ok()) return true;
      if (e->type == event_type::mention) {
        replay_mention(r.tenant, seq, e->watches, e->payload);
      } else if (e->type == event_type::alert) {
        // Logged with its acknowledgement, which the writer merges in: found again without.
        logged_findings.insert(event_key(e->type, e->watches, alert_without_ack(e->payload)));
      } else {
        logged_findings.insert(event_key(e->type, e->watches, e->payload));
      }
      return true;
    });
    flush_replay();
    auto found_again = [&](const detector_output& o) {
      return o.has_event && logged_findings.contains(event_key(o.type, o.watches, o.data));
    };
    pending.erase(std::remove_if(pending.begin() + static_cast<std::ptrdiff_t>(pending_before), pending.end(),
                                 found_again),
                  pending.end());
  }
  if (!replays.empty()) checkpoint(false);  // a second crash does not replay the same again
  replays.clear();
  replays.shrink_to_fit();
}

void detector_stage::impl::replay_mention(const std::string& tenant, std::uint64_t seq,
                                          std::string_view watches, std::string_view key_suffix) {
  auto record = db.get_mention(tenant, key_suffix);
  if (!record.ok()) return;  // gone (retention) since it was logged
  mention_view m;
  if (!decode_mention(*record, &m).ok()) return;
  // The hits the writer made of it (pipeline.cpp), with the terms the enricher extracted.
  // Mentions ingested at the same time came in one request (or group commit), which
  // process() took in event-time order: they are replayed as one batch, in the same order.
  hit_batch& b = replay_batch;
  if (!b.groups.empty() && m.ingested_at_ms != replay_ingested_at) flush_replay();
  if (b.groups.empty()) {
    const std::uint32_t tenant_offset = b.add_string(tenant);
    b.groups.push_back({tenant_offset, static_cast<std::uint32_t>(tenant.size()), 0, 0, seq});
    replay_ingested_at = m.ingested_at_ms;
  }
  hit_batch::hit_group& g = b.groups.back();
  const auto terms_begin = static_cast<std::uint32_t>(b.terms.size());
  replay_terms.clear();
  extractor.extract(m.text, m.lang, &replay_terms);
  for (const term& t : replay_terms) b.add_term(t.hash, t.text, t.first_word, t.second_word);
  std::string author;
  append_author(m, &author);
  b.add_mention_hits(watches, m.source, m.id, terms_begin, m.created_at_ms, m.sent, author_identity(author));
  g.hits_end = static_cast<std::uint32_t>(b.hits.size());
  g.last_seq = seq;
  if (m.created_at_ms <= m.ingested_at_ms + options.max_future_ms) {
    b.clocks.push_back({g.tenant_offset, g.tenant_size, m.created_at_ms});
  }
  counters.replayed_mentions.fetch_add(1, std::memory_order_relaxed);
}

void detector_stage::impl::flush_replay() {
  if (!replay_batch.groups.empty()) process(replay_batch);
  replay_batch.clear();
}

watch_state* detector_stage::impl::find_watch(const std::string& tenant, tenant_state& t,
                                              std::string_view watch) {
  auto it = t.watches.find(std::string(watch));
  if (it != t.watches.end()) return it->second.get();
  // A hit of a watch deleted since its mention was matched: nothing to track.
  std::string id(watch);
  if (registry && !registry->contains(tenant, id)) return nullptr;
  std::vector<std::string> excluded = stored_query_words(db, tenant, id);
  auto w = std::make_unique<watch_state>(options, excluded);
  w->excluded = std::move(excluded);
  // The tenant's event time is the new detector's: left to its first mention, the clock of a
  // watch created today would start wherever that mention is.
  if (t.max_seen != INT64_MIN) {
    found.clear();
    w->signals.advance(t.max_seen - options.allowed_lateness_ms, &found);
  }
  auto* raw = w.get();
  t.watches.emplace(std::move(id), std::move(w));
  return raw;
}

void detector_stage::impl::process(const hit_batch& b) {
  // Event time moves with each hit, as if the mentions had come one by one: a batch of
  // history spans hours, and a window must close before the mentions of the windows after it
  // are counted (a signal detector turns away mentions too far ahead of its open windows).
  // A tenant's hits of the whole batch (every request of the group commit) are taken in
  // event-time order, so that a request sent newest first (as many sources list them) is not
  // judged late by its own newest mention. The batch's clock bounds each step: a hit that may
  // not move the watermark (too far in the future) moves it no further than the batch's other
  // mentions do.
  group_done.assign(b.groups.size(), false);
  for (std::size_t first = 0; first < b.groups.size(); ++first) {
    if (group_done[first]) continue;
    const std::string_view tenant_name = b.str(b.groups[first].tenant_offset, b.groups[first].tenant_size);
    std::string tenant(tenant_name);
    tenant_state& t = tenants[tenant];
    hit_order.clear();
    for (std::size_t k = first; k < b.groups.size(); ++k) {
      const auto& g = b.groups[k];
      if (group_done[k] || b.str(g.tenant_offset, g.tenant_size) != tenant_name) continue;
      group_done[k] = true;
      if (g.last_seq > t.applied_seq) {
        t.applied_seq = g.last_seq;
        t.dirty = true;
      }
      for (std::uint32_t i = g.hits_begin; i < g.hits_end; ++i) hit_order.push_back(i);
    }
    std::int64_t batch_clock = INT64_MIN;
    for (const auto& c : b.clocks) {
      if (b.str(c.tenant_offset, c.tenant_size) == tenant_name) batch_clock = std::max(batch_clock, c.max_created_at_ms);
    }
    // Ties in commit order: (time, index) is a total order, so a plain sort is stable.
    std::sort(hit_order.begin(), hit_order.end(), [&](std::uint32_t x, std::uint32_t y) {
      const std::int64_t tx = b.hits[x].created_at_ms, ty = b.hits[y].created_at_ms;
      return tx != ty ? tx < ty : x < y;
    });
    for (const std::uint32_t i : hit_order) {
      const watch_hit& h = b.hits[i];
      if (const std::int64_t now = std::min(h.created_at_ms, batch_clock); now > t.max_seen) {
        t.max_seen = now;
        t.dirty = true;
        advance(tenant, t);
      }
      watch_state* w = find_watch(tenant, t, b.str(h.watch_offset, h.watch_size));
      if (!w) continue;
      w->dirty = true;
      const std::int64_t bucket = floor_to(h.created_at_ms, options.crisis.bucket_ms);
      if (bucket < t.closed_until) {
        counters.late_hits.fetch_add(1, std::memory_order_relaxed);
      } else {
        crisis_bucket& cb = w->open[bucket];
        cb.start_ms = bucket;
        bool counted = true;
        if (h.author_hash != 0) {
          std::uint16_t& n = w->authors[floor_to(h.created_at_ms, author_cap_ms)][h.author_hash];
          counted = n < max_mentions_per_author;
          n += counted;  // stays at the cap: never wraps
        }
        if (counted) {
          ++cb.volume;
          cb.positive += h.sent.label == sentiment_label::positive;
          cb.negative += h.sent.label == sentiment_label::negative;
          cb.sentiment_sum += h.sent.score;
        } else {
          counters.author_capped_hits.fetch_add(1, std::memory_order_relaxed);
        }
      }
      // A mention from a clock too far ahead (it may not move the watermark) is no evidence
      // of a term's growth; as the first mention of a new watch it would set the signal
      // detector's clock there, and every real mention after it would be late.
      if (h.created_at_ms > batch_clock) continue;
      hit_terms.clear();
      for (std::uint32_t k = h.terms_begin; k < h.terms_end; ++k) {
        const auto& pt = b.terms[k];
        hit_terms.push_back(term{pt.hash, b.str(pt.text_offset, pt.text_size), pt.first_word, pt.second_word});
      }
      w->signals.observe(h.created_at_ms, hit_terms, h.author_hash, b.str(h.ref_offset, h.ref_size));
    }
  }
  for (const auto& c : b.clocks) {
    std::string tenant(b.str(c.tenant_offset, c.tenant_size));
    tenant_state& t = tenants[tenant];
    if (c.max_created_at_ms <= t.max_seen) continue;
    t.max_seen = c.max_created_at_ms;
    t.dirty = true;
    advance(tenant, t);
  }
}

void detector_stage::impl::advance(const std::string& tenant, tenant_state& t) {
  const std::int64_t watermark = t.max_seen - options.allowed_lateness_ms;
  const std::int64_t step = options.crisis.bucket_ms;
  const std::int64_t until = floor_to(watermark, step);  // buckets starting before it are over
  // Signal windows close on their own boundaries: a window shorter than a bucket must not
  // wait for the bucket's end (the detectors would turn its later mentions away).
  const std::int64_t signals_until = floor_to(watermark, options.signals.window_ms);
  const bool buckets_due = until > t.closed_until;
  if (!buckets_due && signals_until <= t.signals_until) return;
  t.signals_until = std::max(t.signals_until, signals_until);
  if (buckets_due) t.closed_until = until;
  for (auto it = t.watches.begin(); it != t.watches.end();) {
    const std::string& watch = it->first;
    watch_state& w = *it->second;
    if (registry && !registry->contains(tenant, watch)) {
      // Deleted: forget its state, and its checkpoint with it.
      detector_output out;
      out.tenant = tenant;
      out.records.push_back({storage::record_table::state,
                             std::string(watch_state_prefix) + watch, std::string()});
      pending.push_back(std::move(out));
      it = t.watches.erase(it);
      continue;
    }
    auto feed_empty_until = [&](std::int64_t end) {
      int budget = max_explicit_empty_buckets;
      while (w.crisis.has_open_alert() && budget-- > 0) {
        std::int64_t next = w.crisis.last_bucket_ms() == INT64_MIN
                                ? end
                                : w.crisis.last_bucket_ms() + step;
        if (next >= end) break;
        close_bucket(tenant, watch, w, crisis_bucket{.start_ms = next});
      }
    };
    if (buckets_due) {
      while (!w.open.empty() && w.open.begin()->first < until) {
        crisis_bucket b = w.open.begin()->second;
        w.open.erase(w.open.begin());
        feed_empty_until(b.start_ms);
        close_bucket(tenant, watch, w, b);
      }
      feed_empty_until(until);
      // An hour whose buckets are all closed takes no more mentions (later ones are late).
      while (!w.authors.empty() && w.authors.begin()->first + author_cap_ms <= until) w.authors.erase(w.authors.begin());
    }
    found.clear();
    w.signals.advance(watermark, &found);
    for (const auto& s : found) on_signal(tenant, watch, s);
    if (!found.empty()) w.dirty = true;
    ++it;
  }
  if (buckets_due) spike.reset();  // its mentions' terms are only worth keeping across the kinds of one close
}

void detector_stage::impl::close_bucket(const std::string& tenant, const std::string& watch,
                                        watch_state& w, const crisis_bucket& b) {
  transitions.clear();
  w.crisis.close_bucket(b, &transitions);
  w.dirty = true;
  for (const auto& tr : transitions) on_transition(tenant, watch, w, tr);
}

void detector_stage::impl::on_transition(const std::string& tenant, const std::string& watch,
                                         watch_state& w, const alert_transition& tr) {
  auto& slot = w.alerts[static_cast<std::size_t>(tr.kind)];
  if (tr.change == alert_change::opened || !slot) {
    slot.emplace();
    slot->id = alert_id(tr.detected_at_ms, tr.kind, watch);
    slot->kind = tr.kind;
    slot->detected_at = tr.detected_at_ms;
  }
  alert_state& a = *slot;
  a.change = tr.change;
  a.severity = tr.severity;
  a.started_at = tr.started_at_ms;
  a.updated_at = tr.at_ms;
  if (tr.change == alert_change::resolved) {
    a.resolved_at = tr.at_ms;
  } else {
    // Observed, expected and score show the alert at its worst, not as it fades.
    if (tr.change == alert_change::opened || tr.score >= a.score) {
      a.observed = tr.observed;
      a.expected = tr.expected;
      a.score = tr.score;
    }
    describe_spike(tenant, watch, w, &a);
  }

  detector_output out;
  out.tenant = tenant;
  std::string key;
  alert_key_from_id(a.id, &key);
  std::string json;
  append_alert_json(watch, a, &json);
  out.records.push_back({storage::record_table::alerts, std::move(key), json});
  out.has_event = true;
  out.type = event_type::alert;
  out.watches = watch;
  out.data = std::move(json);
  pending.push_back(std::move(out));
  if (tr.change == alert_change::resolved) slot.reset();
}

// Why an alert fired: the terms that set the spike's mentions apart from the day before it,
// and a few of its mentions, the most negative first for negative kinds, then by reach.
void detector_stage::impl::describe_spike(const std::string& tenant, const std::string& watch,
                                          const watch_state& w, alert_state* a) {
  const bool negative_kind = a->kind != alert_kind::volume_spike;
  // The kinds a spike opens at once (volume and negative) describe the same window: read it
  // from storage once.
  if (!spike || spike->tenant != tenant || spike->watch != watch ||
      spike->from != a->started_at || spike->to != a->updated_at) {
    spike.emplace();
    spike->tenant = tenant;
    spike->watch = watch;
    spike->from = a->started_at;
    spike->to = a->updated_at;
    count_window(tenant, watch, a->started_at, a->updated_at, &spike->in, &spike->samples, &spike->forms);
    count_window(tenant, watch, a->started_at - 24 * 3600 * 1000, a->started_at, &spike->before, nullptr, nullptr);
  }
  const doc_terms& in = spike->in;
  const doc_terms& before = spike->before;
  std::vector<spike_sample> samples = spike->samples;

  struct scored {
    double score;
    std::uint64_t hash;
    const std::string* text;
  };
  std::vector<scored> ranked;
  const double spike_docs = in.docs + 1.0, base_docs = before.docs + 1.0;
  for (const auto& [hash, entry] : in.df) {
    if (entry.second < 2) continue;  // one mention is an anecdote
    // The watch's own words, and phrases around them ("arnaque Borel"), are in every mention.
    if (w.signals.is_query_term(term{hash, entry.first})) continue;
    auto b = before.df.find(hash);
    const double base_share = ((b == before.df.end() ? 0 : b->second.second) + 0.5) / base_docs;
    const double spike_share = (entry.second + 0.5) / spike_docs;
    const double lift = spike_share / base_share;
    if (lift < 1.5) continue;  // as common before the spike: not what it is about
    ranked.push_back({spike_share * std::log(lift), hash, &entry.first});
  }
  std::sort(ranked.begin(), ranked.end(), [](const scored& x, const scored& y) {
    return x.score != y.score ? x.score > y.score : *x.text < *y.text;
  });
  a->top_terms.clear();
  for (std::size_t i = 0; i < ranked.size() && i < options.top_terms; ++i) {
    // As the spike's mentions write it ("remboursement", not the stem "rembours").
    std::string form = spike->forms.most_frequent(ranked[i].hash);
    a->top_terms.push_back(form.empty() ? *ranked[i].text : std::move(form));
  }
  std::sort(samples.begin(), samples.end(), [&](const spike_sample& x, const spike_sample& y) {
    if (negative_kind && x.score != y.score) return x.score < y.score;
    if (x.reach != y.reach) return x.reach > y.reach;
    return x.ref < y.ref;
  });
  a->samples.clear();
  for (std::size_t i = 0; i < samples.size() && i < options.sample_mentions; ++i) {
    a->samples.push_back(std::move(samples[i].ref));
  }
}

void detector_stage::impl::count_window(const std::string& tenant, const std::string& watch,
                                        std::int64_t from, std::int64_t to, doc_terms* out,
                                        std::vector<spike_sample>* samples, written_forms* forms) {
  std::size_t scanned = 0;
  (void)db.scan_watch_mentions(
      storage::mention_scan{.tenant = tenant, .from_ms = from, .to_ms = to, .after_suffix = {}}, watch,
      [&](std::string_view, std::string_view record) {
        mention_view m;
        if (!decode_mention(record, &m).ok()) return true;
        term_scratch.clear();
        if (forms != nullptr) {
          span_scratch.clear();
          extractor.extract(m.text, m.lang, &term_scratch, &span_scratch);
          forms->add(m.text, term_scratch, span_scratch);
        } else {
          extractor.extract(m.text, m.lang, &term_scratch);
        }
        for (const term& t : term_scratch) {
          auto& entry = out->df[t.hash];
          if (entry.second++ == 0) entry.first.assign(t.text);
        }
        ++out->docs;
        if (samples) {
          std::string ref(m.source);
          ref.push_back('/');
          ref.append(m.id);
          samples->push_back({m.sent.score, effective_reach(m), std::move(ref)});
        }
        return ++scanned < options.max_scanned;
      });
}

std::string detector_stage::impl::written_form(const std::string& tenant, const weak_signal& s) {
  const std::uint64_t hash = term_hash(s.term);
  written_forms forms;
  for (const std::string& ref : s.sample_mention_ids) {
    const auto slash = ref.find('/');  // "source/id"; sources hold no '/'
    if (slash == std::string::npos) continue;
    auto record = db.find_mention(tenant, std::string_view(ref).substr(0, slash), std::string_view(ref).substr(slash + 1));
    mention_view m;
    if (!record.ok() || !decode_mention(*record, &m).ok()) continue;
    term_scratch.clear();
    span_scratch.clear();
    extractor.extract(m.text, m.lang, &term_scratch, &span_scratch);
    forms.add(m.text, term_scratch, span_scratch, hash);
  }
  std::string form = forms.most_frequent(hash);
  return form.empty() ? s.term : form;
}

void detector_stage::impl::on_signal(const std::string& tenant, const std::string& watch,
                                     const weak_signal& s) {
  std::string json = "{\"watch\":";
  append_json_string(watch, &json);
  json.append(",\"term\":");
  append_json_string(s.term, &json);
  json.append(",\"label\":");
  append_json_string(written_form(tenant, s), &json);
  json.append(",\"level\":\"");
  json.append(to_string(s.level));
  json.append("\",\"first_seen\":\"");
  append_rfc3339_ms(s.first_seen_ms, &json);
  json.push_back('"');
  json.append(",\"detected_at\":\"");
  append_rfc3339_ms(s.detected_at_ms, &json);
  json.push_back('"');
  char number[96];
  std::snprintf(number, sizeof number, ",\"count\":%llu,\"growth\":%.6g,\"score\":%.6g",
                static_cast<unsigned long long>(s.count), std::isfinite(s.growth) ? s.growth : 0,
                std::isfinite(s.score) ? s.score : 0);
  json.append(number);
  json.append(",\"sample_mention_ids\":[");
  for (std::size_t i = 0; i < s.sample_mention_ids.size(); ++i) {
    if (i) json.push_back(',');
    append_json_string(s.sample_mention_ids[i], &json);
  }
  json.append("]}");

  std::string key;
  append_signal_prefix(watch, &key);
  storage::append_time(s.detected_at_ms, &key);
  key.push_back(static_cast<char>(s.level));
  key.append(s.term);

  detector_output out;
  out.tenant = tenant;
  out.records.push_back({storage::record_table::signals, std::move(key), json});
  out.has_event = true;
  out.type = event_type::signal;
  out.watches = watch;
  out.data = std::move(json);
  pending.push_back(std::move(out));
}

void detector_stage::impl::checkpoint(bool all) {
  for (auto& [tenant, t] : tenants) {
    detector_output out;
    out.tenant = tenant;
    if (t.dirty || all) {
      std::string v;
      v.push_back(static_cast<char>(tenant_checkpoint_version));
      put_i64(t.max_seen, &v);
      put_i64(t.closed_until, &v);
      put_u64(t.applied_seq, &v);
      out.records.push_back({storage::record_table::state, std::string(tenant_state_key), std::move(v)});
      t.dirty = false;
    }
    for (auto& [watch, w] : t.watches) {
      if (!w->dirty && !all) continue;
      std::string v, part;
      v.push_back(static_cast<char>(checkpoint_version));
      put_u32(static_cast<std::uint32_t>(w->excluded.size()), &v);
      for (const auto& e : w->excluded) put_str(e, &v);
      w->crisis.save(&part);
      put_str(part, &v);
      part.clear();
      w->signals.save(&part);
      put_str(part, &v);
      put_u32(static_cast<std::uint32_t>(w->open.size()), &v);
      for (const auto& [start, b] : w->open) {
        put_i64(b.start_ms, &v);
        put_u32(b.volume, &v);
        put_u32(b.positive, &v);
        put_u32(b.negative, &v);
        put_f64(b.sentiment_sum, &v);
      }
      for (const auto& slot : w->alerts) {
        v.push_back(static_cast<char>(slot ? 1 : 0));
        if (slot) save_alert(*slot, &v);
      }
      put_u32(static_cast<std::uint32_t>(w->authors.size()), &v);
      for (const auto& [start, hour] : w->authors) {
        put_i64(start, &v);
        // Sorted: the same state gives the same bytes, whatever the hash map's order.
        std::vector<std::pair<std::uint64_t, std::uint16_t>> authors(hour.begin(), hour.end());
        std::sort(authors.begin(), authors.end());
        put_u32(static_cast<std::uint32_t>(authors.size()), &v);
        for (const auto& [author, n] : authors) {
          put_u64(author, &v);
          v.append(reinterpret_cast<const char*>(&n), sizeof n);
        }
      }
      out.records.push_back({storage::record_table::state,
                             std::string(watch_state_prefix) + watch, std::move(v)});
      w->dirty = false;
    }
    if (!out.records.empty()) pending.push_back(std::move(out));
  }
  last_checkpoint = std::chrono::steady_clock::now();
}

void detector_stage::impl::refresh_gauges() {
  std::uint64_t n = 0, bytes = 0;
  for (const auto& [tenant, t] : tenants) {
    for (const auto& [watch, w] : t.watches) {
      ++n;
      bytes += w->crisis.memory_bytes() + w->signals.memory_bytes() +
               w->open.size() * (sizeof(crisis_bucket) + 32);
      for (const auto& [start, hour] : w->authors) bytes += 64 + hour.size() * 32;
    }
  }
  counters.watches.store(n, std::memory_order_relaxed);
  counters.state_bytes.store(bytes, std::memory_order_relaxed);
}

void detector_stage::impl::apply_changes() {
  std::vector<watch_change> todo;
  {
    std::lock_guard lock(changes_mu);
    todo.swap(changes);
    changes_waiting.store(false, std::memory_order_release);
  }
  for (watch_change& c : todo) {
    auto t = tenants.find(c.tenant);
    if (c.removed) {
      if (t != tenants.end()) t->second.watches.erase(c.watch);
      // Written after every output made for the watch so far: once it is, the caller deletes
      // what they stored, and nothing of the watch is left to come.
      detector_output out;
      out.tenant = c.tenant;
      out.on_written = [done = c.done] { done->set_value(); };
      pending.push_back(std::move(out));
      continue;
    }
    if (t != tenants.end()) {
      if (auto it = t->second.watches.find(c.watch); it != t->second.watches.end()) {
        watch_state& w = *it->second;
        std::vector<std::string> excluded = stored_query_words(db, c.tenant, c.watch);
        w.signals.set_query_words(excluded);
        w.excluded = std::move(excluded);
        w.dirty = true;
      }
    }
    c.done->set_value();
  }
  hand_over();
}

void detector_stage::impl::hand_over() {
  if (pending.empty()) return;
  // Findings are counted as they leave, not as they are made: a replay after a crash drops
  // those the log already holds before any is handed over, and they are not counted twice.
  for (const detector_output& o : pending) {
    if (!o.has_event) continue;
    if (o.type == event_type::alert) counters.alerts.fetch_add(1, std::memory_order_relaxed);
    if (o.type == event_type::signal) counters.signals.fetch_add(1, std::memory_order_relaxed);
  }
  {
    std::lock_guard lock(outputs_mu);
    for (auto& o : pending) outputs.push_back(std::move(o));
    outputs_waiting.store(true, std::memory_order_release);
  }
  pending.clear();
  if (notify) notify();
}

void detector_stage::impl::run() {
  replay();
  // Without hits the thread still wakes this often, to checkpoint on time.
  const auto idle_wake = std::chrono::milliseconds(200);
  for (;;) {
    if (changes_waiting.load(std::memory_order_acquire)) apply_changes();
    hit_batch* b = nullptr;
    if (queue.pop(b)) {
      depth.fetch_sub(1, std::memory_order_relaxed);
      space.notify_all();
      process(*b);
      b->clear();
      if (!pool.push(b)) delete b;
      // Alerts and signals go to the writer as soon as a batch made them; other batches are
      // worked through first, unless a checkpoint or the gauges are due (a backlog that lasts
      // must not put them off).
      const auto at = std::chrono::steady_clock::now();
      if (!queue.empty() && pending.empty() && at - last_checkpoint < options.checkpoint_interval &&
          at - last_gauges < std::chrono::seconds(1))
        continue;
    }
    hand_over();
    const auto now = std::chrono::steady_clock::now();
    if (now - last_checkpoint >= options.checkpoint_interval) {
      checkpoint(false);
      hand_over();
    }
    // The gauges (watches followed, state bytes) are live to the second, not to the checkpoint.
    if (now - last_gauges >= std::chrono::seconds(1)) {
      refresh_gauges();
      last_gauges = now;
    }
    if (stopping.load(std::memory_order_acquire) && queue.empty()) break;
    std::unique_lock lock(wake_mu);
    wake_cv.wait_for(lock, idle_wake, [&] {
      return !queue.empty() || stopping.load(std::memory_order_acquire) ||
             changes_waiting.load(std::memory_order_acquire);
    });
  }
  checkpoint(true);
  refresh_gauges();
  hand_over();
}

detector_stage::detector_stage(storage::store& db, const watch_registry* watches,
                               detector_options options)
    : impl_(std::make_unique<impl>(db, watches, options)) {}

detector_stage::~detector_stage() {
  stop();
  hit_batch* b = nullptr;
  while (impl_->queue.pop(b)) delete b;
  while (impl_->pool.pop(b)) delete b;
}

status detector_stage::start(std::function<void()> notify) {
  if (impl_->started) return status::ok_status();
  status s = impl_->load();
  if (s.ok()) s = impl_->plan_replay();
  if (!s.ok()) return s;
  impl_->refresh_gauges();
  impl_->notify = std::move(notify);
  impl_->started = true;
  impl_->thread = std::thread([this] { impl_->run(); });
  return status::ok_status();
}

void detector_stage::stop() {
  if (!impl_->started || impl_->stopping.exchange(true)) return;
  impl_->wake();
  impl_->thread.join();
  std::lock_guard lock(impl_->changes_mu);
  for (auto& c : impl_->changes) c.done->set_value();  // too late to apply: the state is saved
  impl_->changes.clear();
}

status detector_stage::watch_changed(const std::string& tenant, const std::string& watch, bool removed) {
  impl& st = *impl_;
  if (st.started && !st.stopping.load(std::memory_order_acquire)) {
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> applied = done->get_future();
    {
      std::lock_guard lock(st.changes_mu);
      st.changes.push_back({tenant, watch, removed, done});
      st.changes_waiting.store(true, std::memory_order_release);
    }
    st.wake();
    // Bounded: a writer that cannot write (storage failing, shutting down) must not hold the
    // registry's thread for ever. The deletion below then runs anyway.
    applied.wait_for(std::chrono::seconds(10));
  } else if (!st.started) {
    if (auto t = st.tenants.find(tenant); t != st.tenants.end()) t->second.watches.erase(watch);
  }
  return removed ? delete_detector_records(st.db, tenant, watch) : status{};
}

hit_batch* detector_stage::take_batch() {
  hit_batch* b = nullptr;
  if (impl_->pool.pop(b)) return b;
  return new hit_batch();
}

void detector_stage::recycle(hit_batch* b) {
  b->clear();
  if (!impl_->pool.push(b)) delete b;
}

void detector_stage::push(hit_batch* b) {
  impl& st = *impl_;
  st.depth.fetch_add(1, std::memory_order_relaxed);
  for (;;) {
    std::uint32_t space = st.space.observe();
    if (st.queue.push(b)) break;
    st.space.wait(space);  // the detectors are behind: the writer waits, ingest pushes back
  }
  st.wake();
}

bool detector_stage::has_outputs() const noexcept {
  return impl_->outputs_waiting.load(std::memory_order_acquire);
}

void detector_stage::take_outputs(std::vector<detector_output>* out) {
  std::lock_guard lock(impl_->outputs_mu);
  for (auto& o : impl_->outputs) out->push_back(std::move(o));
  impl_->outputs.clear();
  impl_->outputs_waiting.store(false, std::memory_order_release);
}

std::int64_t detector_stage::max_future_ms() const noexcept { return impl_->options.max_future_ms; }

const detector_counters& detector_stage::counters() const noexcept { return impl_->counters; }
const std::vector<detector_stage::reset_watch>& detector_stage::reset_at_start() const noexcept { return impl_->reset; }

std::size_t detector_stage::queue_depth() const noexcept {
  return impl_->depth.load(std::memory_order_relaxed);
}

}  // namespace vigie::pipeline
