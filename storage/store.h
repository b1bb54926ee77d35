// store: Vigie's RocksDB database: column families, group-committed writes, tenant-scoped
// reads. RocksDB types stay in store.cpp; callers see keys and encoded values as bytes.
//
//   auto db = vigie::storage::store::open({.path = "./data"});
//   vigie::storage::write_group group(**db);
//   group.add_mention({"acme", t, "twitter", "42"}, encoded_record);
//   auto s = (*db)->write(group);   // durable per store_options::sync_wal when it returns
//
// Column families (proto/storage.md has the byte layouts):
//   default        metadata (schema version)
//   mentions       [tenant][created_at][source][id] -> mention record
//   dedup          [tenant][source][id] -> created_at   (the idempotency index)
//   watch_index    [tenant][watch][created_at][source][id] -> ""   (per-watch mentions)
//   series         [tenant][watch][interval][bucket] -> series_counters (merge operands)
//   alerts         [tenant][key] -> crisis alert (keys and values made by the pipeline)
//   signals        [tenant][key] -> weak signal
//   watches        [tenant][watch id] -> watch definition
//   facets         [tenant][watch][day][kind][name] -> series_counters (top authors, sources)
//   events         [tenant][seq:8] -> event record: the live stream's log, numbered per tenant
//   findings       [tenant][seq:8] -> the log's alert and signal events again, kept longer
//   state          [tenant][key] -> detector snapshots, webhooks, acknowledgements
//
// Thread safety: a store may be used from many threads at once (RocksDB is thread-safe), but
// Vigie writes from a single writer thread so that the dedup check and the write that follows
// it cannot interleave with another writer's. A write_group is used by one thread at a time.

#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/keys.h"
#include "storage/series.h"
#include "storage/status.h"

namespace vigie::storage {

struct store_options {
  // Folder of the database; created when missing.
  std::string path = "./data";

  // false (default): a write is acknowledged once it is in RocksDB's write-ahead log in the
  //   operating system's page cache. Survives a crash of the vigie process (kill -9); a power
  //   loss or kernel crash MAY LOSE the last acknowledged writes (typically under a second).
  // true: every group commit calls fsync on the WAL before it is acknowledged. Survives power
  //   loss; costs one fsync per group commit (group commit amortises it over many mentions).
  bool sync_wal = false;

  // What start-up does with a damaged write-ahead log (a kill -9 leaves at most an incomplete
  // last record, which both modes drop: it was never acknowledged).
  // "strict": any other damage (a bad checksum, garbage inside a log) stops start-up with an
  //   error naming the file: acknowledged mentions may be behind it.
  // "point_in_time": starts from the last consistent point before the damage, dropping every
  //   write after it. For getting a damaged database back up, knowingly.
  std::string wal_recovery = "strict";

  // Block compression of table files: "none", "snappy", "lz4", "zstd". lz4 is cheap on CPU
  // and roughly halves the size of text-heavy mention records.
  std::string compression = "lz4";

  // Shared block cache for reads, in bytes. Larger keeps more recent mentions in memory.
  std::uint64_t block_cache_bytes = 256ull << 20;

  // Memtable size per column family before it is flushed to a table file. Larger absorbs
  // bursts with fewer flushes, at the price of memory and a longer WAL replay after a crash.
  std::uint64_t write_buffer_bytes = 64ull << 20;

  // Write-ahead log kept at most, in bytes: past it, the column families whose memtables hold
  // the oldest log are flushed so that it can go. Bounds the disk the log takes and the replay
  // at start-up (RocksDB's own bound, four times all memtables, is gigabytes here: column
  // families written slowly, such as alerts, would pin every log of a long uptime).
  std::uint64_t max_wal_bytes = 512ull << 20;

  // Threads for flushes and compactions.
  int background_jobs = 2;
};

// Figures for ops, read from RocksDB's properties.
struct store_stats {
  std::uint64_t pending_compaction_bytes = 0;
  std::uint64_t running_compactions = 0;
  std::uint64_t memtable_bytes = 0;
  std::uint64_t live_sst_bytes = 0;
  std::uint64_t estimated_mentions = 0;
  std::uint64_t write_stall_micros = 0;  // total time writes were delayed or stopped
  bool write_stopped = false;
};

// What a facet counts: per watch and day, mentions by author or by source. An author facet's
// name is what the caller gave add_watch_hit() (the server packs the account id and the
// display name: pipeline/mention.h). author_name facets, keyed by display name alone, were
// written by earlier versions; they are read, never written.
enum class facet_kind : std::uint8_t { author_name = 0, source = 1, author = 2 };

// The idempotency identity of a mention.
struct dedup_ref {
  std::string_view tenant;
  std::string_view source;
  std::string_view id;
};

// Tenant-scoped tables of records whose keys and values the caller makes: the store only puts
// the tenant prefix in front of every key, so no caller can reach another tenant's records.
enum class record_table : std::uint8_t { alerts, signals, state };

// Where a finding (an alert or signal event) stands in the tenant's findings log.
struct finding_link {
  std::uint64_t number = 0;        // 1 for the tenant's first finding, then one more each
  std::uint64_t previous_seq = 0;  // seq of the finding numbered one less; 0: none
};

// One atomic group commit: mentions with their dedup entries. Reuse one per writer thread.
class store;

class write_group {
 public:
  explicit write_group(const store& db);
  ~write_group();
  write_group(const write_group&) = delete;
  write_group& operator=(const write_group&) = delete;

  // Adds a mention record and its dedup entry.
  void add_mention(const mention_key& key, std::string_view record);
  // Records that the mention matched a watch: its per-watch index entry, its series buckets
  // at every interval, and its author and source facets of the day. author may be empty (no
  // author facet).
  // Series and facet deltas are summed per bucket within the group and written with it.
  void add_watch_hit(const mention_key& key, std::string_view watch_id,
                     const series_counters& delta, std::string_view author);
  // Appends an event to the tenant's log. seq must be the tenant's next number.
  void add_event(std::string_view tenant, std::uint64_t seq, std::string_view record);
  // Drops the tenant's events numbered below seq (retention).
  void trim_events(std::string_view tenant, std::uint64_t below_seq);
  // Adds an alert or signal event, already added to the log, to the tenant's findings log:
  // its number among the tenant's findings (1, 2, ...) and the seq of the finding before it
  // (see finding_link).
  void add_finding(std::string_view tenant, std::uint64_t seq, const finding_link& link, std::string_view record);
  // Drops the tenant's findings numbered (seq) below seq.
  void trim_findings(std::string_view tenant, std::uint64_t below_seq);
  void put_record(record_table table, std::string_view tenant, std::string_view key,
                  std::string_view value);
  std::size_t mentions() const noexcept { return mentions_; }
  bool empty() const noexcept;
  std::size_t bytes() const noexcept;
  void clear();

 private:
  friend class store;
  struct impl;
  std::unique_ptr<impl> impl_;
  std::size_t mentions_ = 0;
};

// A newest-first scan of one tenant's mentions.
struct mention_scan {
  std::string_view tenant;
  std::int64_t from_ms = INT64_MIN;  // inclusive
  std::int64_t to_ms = INT64_MAX;    // exclusive
  // When not empty: continue strictly after (older than) this key suffix, as returned by a
  // previous scan. Makes cursor pagination stable while ingest goes on.
  std::string_view after_suffix;
};

class store {
 public:
  static result<std::unique_ptr<store>> open(const store_options& options);
  ~store();
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  // found[i] is set to whether refs[i] is already stored. found.size() must equal refs.size().
  status find_existing(std::span<const dedup_ref> refs, std::span<bool> found);

  // Writes the group atomically. When it returns ok the group is in the WAL (and fsynced if
  // sync_wal): it survives a process crash.
  status write(write_group& group);

  // Calls fn(key_suffix, record) for the tenant's mentions in [from_ms, to_ms), newest first,
  // until fn returns false. key_suffix identifies the mention for after_suffix.
  using mention_fn = std::function<bool(std::string_view key_suffix, std::string_view record)>;
  status scan_mentions(const mention_scan& scan, const mention_fn& fn) const;

  // Like scan_mentions, restricted to the mentions indexed for one watch.
  status scan_watch_mentions(const mention_scan& scan, std::string_view watch_id,
                             const mention_fn& fn) const;

  // The record of a mention by its key suffix (as from a scan or an event); not_found if absent.
  result<std::string> get_mention(std::string_view tenant, std::string_view key_suffix) const;
  // The created_at of the tenant's oldest and newest mentions in [from_ms, to_ms): two seeks.
  // not_found when the range holds none.
  result<std::pair<std::int64_t, std::int64_t>> mention_time_bounds(std::string_view tenant, std::int64_t from_ms,
                                                                      std::int64_t to_ms) const;

  // The record of a mention by its idempotency key (source, id), and its key suffix in
  // *key_suffix when not null; not_found if the tenant has no such mention.
  result<std::string> find_mention(std::string_view tenant, std::string_view source, std::string_view id,
                                   std::string* key_suffix = nullptr) const;

  // Whether the mention (key suffix as from a scan) is indexed for the watch.
  result<bool> watch_has_mention(std::string_view tenant, std::string_view watch_id,
                                 std::string_view key_suffix) const;

  // Calls fn(bucket_start, counters) for the watch's buckets in [from_ms, to_ms), oldest
  // first; buckets without mentions are skipped.
  using series_fn = std::function<void(std::int64_t bucket_start, const series_counters& c)>;
  status read_series(std::string_view tenant, std::string_view watch_id, series_interval interval,
                     std::int64_t from_ms, std::int64_t to_ms, const series_fn& fn) const;

  // Calls fn(name, counters) for each (day, name) facet entry of the watch with days in
  // [from_day_ms, to_day_ms); the caller sums across days.
  using facet_fn = std::function<void(std::string_view name, const series_counters& c)>;
  status read_facets(std::string_view tenant, std::string_view watch_id, facet_kind kind,
                     std::int64_t from_day_ms, std::int64_t to_day_ms, const facet_fn& fn) const;

  // Watch definitions (opaque bytes to the store).
  status put_watch(std::string_view tenant, std::string_view watch_id, std::string_view definition);
  // not_found when absent.
  result<std::string> get_watch(std::string_view tenant, std::string_view watch_id) const;
  // Deletes the definition and everything derived from it (index, series, facets).
  status delete_watch(std::string_view tenant, std::string_view watch_id);
  // Calls fn(tenant, watch_id, definition) for the tenant's watches, or every tenant's when
  // tenant is empty (to build the matcher at start-up), until fn returns false.
  using watch_fn = std::function<bool(std::string_view tenant, std::string_view watch_id,
                                      std::string_view definition)>;
  status scan_watches(std::string_view tenant, const watch_fn& fn) const;

  // The event log. Numbers start at 1; 0 means "none" (an empty log).
  result<std::uint64_t> first_event_seq(std::string_view tenant) const;
  result<std::uint64_t> last_event_seq(std::string_view tenant) const;
  // Calls fn(seq, record) for the tenant's events numbered from from_seq on, oldest first,
  // until fn returns false.
  using event_fn = std::function<bool(std::uint64_t seq, std::string_view record)>;
  status read_events(std::string_view tenant, std::uint64_t from_seq, const event_fn& fn) const;
  // The findings log: the event log's alert and signal events, kept in a log of their own
  // (pipeline.finding_retention of them), so that a client of findings only (a live feed
  // without mentions) resumes from a seq that mention events have long pushed out of the
  // event log. The tenant's last finding: seq 0 when it has none.
  struct finding_position {
    std::uint64_t seq = 0;
    finding_link link;
  };
  result<finding_position> last_finding(std::string_view tenant) const;
  // The seq of the tenant's first finding numbered at least `number`; 0 when there is none.
  // Reads the findings before it: for retention, which drops about as many.
  result<std::uint64_t> finding_seq_from(std::string_view tenant, std::uint64_t number) const;
  // Whether the findings log holds every finding of the tenant numbered (seq) after seq:
  // complete; trimmed when retention dropped one of them; before_log when some may be in the
  // event log only (seq is older than the upgrade of a database made before the findings log:
  // read the event log instead).
  enum class finding_coverage { complete, trimmed, before_log };
  result<finding_coverage> findings_after(std::string_view tenant, std::uint64_t seq) const;
  // Calls fn(seq, link, record) for the tenant's findings numbered from from_seq on, oldest
  // first, until fn returns false. record is an event record, as in the event log.
  using finding_fn = std::function<bool(std::uint64_t seq, const finding_link& link, std::string_view record)>;
  status read_findings(std::string_view tenant, std::uint64_t from_seq, const finding_fn& fn) const;

  // Calls fn(tenant) for every tenant that has an event log, in key order, until fn returns
  // false. One seek per tenant, whatever the length of its log.
  using tenant_fn = std::function<bool(std::string_view tenant)>;
  status scan_event_tenants(const tenant_fn& fn) const;

  // Records of a table (see record_table). put and delete are durable like a group commit.
  status put_record(record_table table, std::string_view tenant, std::string_view key,
                    std::string_view value);
  status delete_record(record_table table, std::string_view tenant, std::string_view key);
  // Deletes these keys of the table in one write (all or none).
  status delete_records(record_table table, std::string_view tenant, std::span<const std::string> keys);
  // not_found when absent.
  result<std::string> get_record(record_table table, std::string_view tenant,
                                 std::string_view key) const;
  // Calls fn(key, value) for the tenant's records whose key starts with prefix, in key order
  // or newest (largest key) first, strictly beyond after_key when it is not empty, until fn
  // returns false. Keys are given without the tenant prefix.
  using record_fn = std::function<bool(std::string_view key, std::string_view value)>;
  struct record_scan {
    std::string_view prefix;
    bool reverse = false;
    std::string_view after_key;
  };
  status scan_records(record_table table, std::string_view tenant, const record_scan& scan,
                      const record_fn& fn) const;
  // Every tenant that has records in the table under prefix: fn(tenant, key, value).
  using any_record_fn =
      std::function<bool(std::string_view tenant, std::string_view key, std::string_view value)>;
  status scan_all_records(record_table table, std::string_view prefix, const any_record_fn& fn) const;

  store_stats stats() const;

  // Syncs the WAL and closes the database; the destructor does this too.
  status close();

 private:
  friend class write_group;
  struct impl;
  explicit store(std::unique_ptr<impl> impl);
  // Upgrades a version-1 database, refuses another version, and loads the findings boundaries.
  status check_schema(const std::string& path);
  std::unique_ptr<impl> impl_;
};

}  // namespace vigie::storage
