#include "storage/store.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/statistics.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <unordered_map>
#include <cstring>
#include <mutex>

namespace vigie::storage {

namespace {

// Bump when a key layout or the record encoding changes incompatibly; open() refuses a
// database written with another version rather than misreading it.
constexpr std::string_view schema_version_key = "vigie.schema_version";
constexpr std::string_view schema_version = "2";
// Version 1 is version 2 without the findings column family; open() adds it, and records per
// tenant from which seq the findings log has them all (findings_from_prefix).
constexpr std::string_view previous_schema_version = "1";
// In a database upgraded from version 1, per tenant (the key's suffix), the first seq from
// which every finding is in the findings log (u64 big-endian); earlier ones are in the event
// log only. A tenant without such a key has all its findings in the findings log.
constexpr std::string_view findings_from_prefix = "vigie.findings_from/";

// RocksDB's own log ("LOG" in the data folder). Its default logger aborts the process (an
// assertion in RocksDB 7.8's file writer) on the first line it writes after a failed one: a
// full disk turned into a crash at the next flush or at close. This one writes through stdio
// and shrugs off errors; a line lost to a full disk is only a line of diagnostics. The file is
// kept across starts; past max_log_bytes the running server moves it to LOG.old and starts a
// new one (only a server that holds the database writes more than its first lines).
class file_logger final : public rocksdb::Logger {
 public:
  static constexpr std::uintmax_t max_log_bytes = 64ull << 20;

  explicit file_logger(const std::string& folder)
      : rocksdb::Logger(rocksdb::InfoLogLevel::INFO_LEVEL),
        path_(std::filesystem::path(folder) / "LOG"),
        old_path_(std::filesystem::path(folder) / "LOG.old") {
    std::error_code ec;
    bytes_ = std::filesystem::file_size(path_, ec);
    if (ec) bytes_ = 0;
    file_ = std::fopen(path_.c_str(), "a");
  }
  ~file_logger() override {
    if (file_) std::fclose(file_);
  }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char line[2048];
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
    std::tm tm;
    gmtime_r(&t, &tm);
    int n = std::snprintf(line, sizeof line, "%04d/%02d/%02d-%02d:%02d:%02d.%06lld ", tm.tm_year + 1900,
                          tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(micros));
    if (n < 0) return;
    const int m = std::vsnprintf(line + n, sizeof line - static_cast<std::size_t>(n), format, ap);
    if (m < 0) return;
    std::size_t size = std::min(sizeof line - 2, static_cast<std::size_t>(n) + static_cast<std::size_t>(m));
    line[size++] = '\n';
    std::lock_guard lock(mu_);
    if (file_ && bytes_ > max_log_bytes) {
      std::fclose(file_);
      std::error_code ec;
      std::filesystem::rename(path_, old_path_, ec);
      file_ = std::fopen(path_.c_str(), "a");
      bytes_ = 0;
    }
    if (!file_) return;
    if (std::fwrite(line, 1, size, file_) != size || std::fflush(file_) != 0) std::clearerr(file_);
    bytes_ += size;
  }

 private:
  const std::filesystem::path path_, old_path_;
  std::mutex mu_;
  std::FILE* file_ = nullptr;
  std::uintmax_t bytes_ = 0;  // of the current file, guarded by mu_
};

enum cf_index : std::size_t {
  cf_default = 0,
  cf_mentions,
  cf_dedup,
  cf_watch_index,
  cf_series,
  cf_alerts,
  cf_signals,
  cf_watches,
  cf_facets,
  cf_events,
  cf_state,
  cf_findings,
  cf_count,
};

// Creation order is the column families' identity: append, never reorder.
constexpr std::array<const char*, cf_count> cf_names = {
    "default", "mentions", "dedup",   "watch_index", "series",
    "alerts",  "signals",  "watches", "facets", "events", "state", "findings"};

std::size_t cf_of(record_table table) {
  switch (table) {
    case record_table::alerts: return cf_alerts;
    case record_table::signals: return cf_signals;
    case record_table::state: return cf_state;
  }
  return cf_state;
}

void append_seq(std::uint64_t seq, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(seq >> shift));
}
std::uint64_t decode_seq(const char* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// Adds series_counters: the merge operator of the series and facets column families.
class counters_merge : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger*) const override {
    series_counters sum, add;
    if (existing && !decode_series(std::string_view(existing->data(), existing->size()), &sum)) {
      return false;
    }
    if (!decode_series(std::string_view(value.data(), value.size()), &add)) return false;
    sum.add(add);
    new_value->clear();
    encode_series(sum, new_value);
    return true;
  }
  const char* Name() const override { return "vigie.series_counters.v1"; }
};

status from_rocks(const rocksdb::Status& s) {
  if (s.ok()) return status::ok_status();
  if (s.IsCorruption()) return corruption(s.ToString());
  if (s.IsNotFound()) return not_found(s.ToString());
  if (s.IsIOError()) return io_error(s.ToString());
  if (s.IsInvalidArgument()) return invalid_argument(s.ToString());
  return internal_error(s.ToString());
}

result<rocksdb::CompressionType> parse_compression(std::string_view name) {
  if (name == "none") return rocksdb::kNoCompression;
  if (name == "snappy") return rocksdb::kSnappyCompression;
  if (name == "lz4") return rocksdb::kLZ4Compression;
  if (name == "zstd") return rocksdb::kZSTD;
  return invalid_argument("storage.compression: unknown compression '" + std::string(name) +
                          "' (expected none, snappy, lz4 or zstd)");
}

rocksdb::Slice slice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
std::string_view view(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// store

struct store::impl {
  store_options options;
  std::unique_ptr<rocksdb::DB> db;
  std::array<rocksdb::ColumnFamilyHandle*, cf_count> cf{};
  std::shared_ptr<rocksdb::Statistics> statistics;
  rocksdb::WriteOptions write_options;
  std::mutex close_mu;
  bool closed = false;
  // A write RocksDB refused (disk full, I/O error). Its WAL writer may be left mid-record:
  // syncing it at close would trip an assertion inside RocksDB (an abort, not an error).
  std::atomic<bool> write_failed{false};
  std::unordered_map<std::string, std::uint64_t> findings_from;  // see findings_from_prefix

  rocksdb::Status checked(rocksdb::Status s) {
    if (!s.ok()) write_failed.store(true, std::memory_order_relaxed);
    return s;
  }

  // Reused by find_existing (called from the single writer thread).
  std::vector<std::string> dedup_keys;
  std::vector<rocksdb::Slice> dedup_slices;
  std::vector<rocksdb::PinnableSlice> dedup_values;
  std::vector<rocksdb::Status> dedup_statuses;
  std::mutex find_mu;

  ~impl() { (void)close(); }

  status close() {
    std::lock_guard lock(close_mu);
    if (closed || !db) return status::ok_status();
    closed = true;
    // Acknowledged writes are in the WAL already; the sync only adds power-loss safety to
    // those of sync_wal: false. After a failed write it is skipped (see write_failed).
    rocksdb::Status s = write_failed.load() ? rocksdb::Status::OK() : db->SyncWAL();
    for (auto* h : cf) {
      if (h) db->DestroyColumnFamilyHandle(h);
    }
    cf = {};
    rocksdb::Status c = db->Close();
    db.reset();
    if (!s.ok()) return from_rocks(s);
    // After a refused write, the WAL file it failed on may still be open (unless RocksDB moved
    // to a new one since, which depends on its flushes): closing it reports the same error
    // again ("Seen error"). That error was reported when it happened, and every acknowledged
    // write is in the WAL before it.
    if (write_failed.load() && c.IsIOError() && c.ToString().find("Seen error") != std::string::npos) {
      return status::ok_status();
    }
    return from_rocks(c);
  }
};

store::store(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}
store::~store() = default;

status store::close() { return impl_->close(); }

result<std::unique_ptr<store>> store::open(const store_options& options) {
  auto compression = parse_compression(options.compression);
  if (!compression.ok()) return compression.status();
  if (options.path.empty()) return invalid_argument("storage.path must not be empty");
  if (options.wal_recovery != "strict" && options.wal_recovery != "point_in_time") {
    return invalid_argument("storage.wal_recovery must be strict or point_in_time");
  }
  // RocksDB creates the last folder of the path only; make the parents too.
  std::error_code ec;
  std::filesystem::create_directories(options.path, ec);
  if (ec) return io_error("cannot create '" + options.path + "': " + ec.message());

  auto state = std::make_unique<impl>();
  state->options = options;
  state->statistics = rocksdb::CreateDBStatistics();
  state->statistics->set_stats_level(rocksdb::StatsLevel::kExceptTimeForMutex);

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = options.background_jobs;
  db_options.statistics = state->statistics;
  db_options.bytes_per_sync = 1 << 20;
  db_options.max_total_wal_size = options.max_wal_bytes;
  db_options.info_log = std::make_shared<file_logger>(options.path);
  // RocksDB's default (point in time) stops replaying the WAL at the first damaged record and
  // starts without a word about what came after it.
  db_options.wal_recovery_mode = options.wal_recovery == "strict"
                                     ? rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords
                                     : rocksdb::WALRecoveryMode::kPointInTimeRecovery;

  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  auto merge = std::make_shared<counters_merge>();
  auto cf_options_for = [&](std::size_t cf) {
    const bool point_lookups = cf == cf_dedup;
    rocksdb::ColumnFamilyOptions cfo;
    if (cf == cf_series || cf == cf_facets) cfo.merge_operator = merge;
    cfo.compression = *compression;
    cfo.write_buffer_size = options.write_buffer_bytes;
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = cache;
    if (point_lookups) {
      // The dedup index is probed once per ingested mention and almost always misses:
      // a Bloom filter answers most of those misses without reading a block.
      table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
      table.whole_key_filtering = true;
      cfo.optimize_filters_for_hits = false;
      // The same misses in the memtable: without a filter, each walks the skip list (about
      // twenty key comparisons, most of them cache misses); with one, it reads two lines.
      cfo.memtable_prefix_bloom_size_ratio = 0.05;
      cfo.memtable_whole_key_filtering = true;
    }
    cfo.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    return cfo;
  };

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (std::size_t i = 0; i < cf_count; ++i) {
    descriptors.emplace_back(cf_names[i], cf_options_for(i));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.path, descriptors, &handles, &raw);
  if (!s.ok()) return from_rocks(s);
  state->db.reset(raw);
  for (std::size_t i = 0; i < cf_count; ++i) state->cf[i] = handles[i];

  state->write_options.sync = options.sync_wal;
  state->write_options.disableWAL = false;
  std::unique_ptr<store> db(new store(std::move(state)));
  if (status v = db->check_schema(options.path); !v.ok()) return v;
  return db;
}

status store::check_schema(const std::string& path) {
  rocksdb::DB* raw = impl_->db.get();
  rocksdb::ColumnFamilyHandle* meta = impl_->cf[cf_default];
  std::string version;
  rocksdb::Status s = raw->Get(rocksdb::ReadOptions(), meta, slice(schema_version_key), &version);
  if (s.IsNotFound() || (s.ok() && version == previous_schema_version)) {
    rocksdb::WriteBatch upgrade;
    if (s.ok()) {
      // Version 1: each tenant's findings so far are in its event log only.
      status t = scan_event_tenants([&](std::string_view tenant) {
        auto last = last_event_seq(tenant);
        if (!last.ok()) return false;
        std::string from;
        append_seq(*last + 1, &from);
        upgrade.Put(meta, slice(std::string(findings_from_prefix) + std::string(tenant)), slice(from));
        return true;
      });
      if (!t.ok()) return t;
    }
    upgrade.Put(meta, slice(schema_version_key), slice(schema_version));
    rocksdb::WriteOptions wo;
    wo.sync = true;
    if (s = raw->Write(wo, &upgrade); !s.ok()) return from_rocks(s);
  } else if (!s.ok()) {
    return from_rocks(s);
  } else if (version != schema_version) {
    return corruption("database at '" + path + "' has schema version " + version + ", this vigie reads versions " +
                      std::string(previous_schema_version) + " and " + std::string(schema_version));
  }
  std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions(), meta));
  for (it->Seek(slice(findings_from_prefix)); it->Valid() && view(it->key()).starts_with(findings_from_prefix);
       it->Next()) {
    if (it->value().size() != 8) return corruption("findings boundary of unexpected size");
    impl_->findings_from.emplace(std::string(view(it->key()).substr(findings_from_prefix.size())),
                                 decode_seq(it->value().data()));
  }
  return from_rocks(it->status());
}

// ---------------------------------------------------------------------------------------------
// write_group

struct write_group::impl {
  rocksdb::ColumnFamilyHandle* mentions = nullptr;
  rocksdb::ColumnFamilyHandle* dedup = nullptr;
  rocksdb::ColumnFamilyHandle* watch_index = nullptr;
  rocksdb::ColumnFamilyHandle* series = nullptr;
  rocksdb::ColumnFamilyHandle* facets = nullptr;
  rocksdb::ColumnFamilyHandle* events = nullptr;
  rocksdb::ColumnFamilyHandle* findings = nullptr;
  std::array<rocksdb::ColumnFamilyHandle*, 3> records{};
  std::string series_value;  // scratch, reused
  // Series and facet deltas of the group, summed per key and written as one merge each when
  // the group is written: a group of a thousand mentions of one watch adds one operand to
  // its hour bucket, not a thousand, which keeps both the write and later reads short.
  // The first byte of a key says which column family it belongs to.
  std::unordered_map<std::string, series_counters> pending;
  std::string pending_key;  // scratch, reused
  bool flushed = false;
  rocksdb::WriteBatch batch;
  std::string key;        // scratch, reused
  std::string dedup_key;  // scratch, reused
  std::string time;       // scratch, reused
  std::string value;      // scratch, reused
};

write_group::write_group(const store& db) : impl_(std::make_unique<impl>()) {
  impl_->mentions = db.impl_->cf[cf_mentions];
  impl_->dedup = db.impl_->cf[cf_dedup];
  impl_->watch_index = db.impl_->cf[cf_watch_index];
  impl_->series = db.impl_->cf[cf_series];
  impl_->facets = db.impl_->cf[cf_facets];
  impl_->events = db.impl_->cf[cf_events];
  impl_->findings = db.impl_->cf[cf_findings];
  for (auto t : {record_table::alerts, record_table::signals, record_table::state}) {
    impl_->records[static_cast<std::size_t>(t)] = db.impl_->cf[cf_of(t)];
  }
}

void write_group::add_event(std::string_view tenant, std::uint64_t seq, std::string_view record) {
  impl& g = *impl_;
  g.key.clear();
  append_tenant_prefix(tenant, &g.key);
  append_seq(seq, &g.key);
  g.batch.Put(g.events, slice(g.key), slice(record));
}

namespace {

// Deletes the tenant's keys [tenant][seq] numbered below below_seq from a log.
void delete_below(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* log, std::string_view tenant,
                  std::uint64_t below_seq) {
  std::string lower, upper;
  append_tenant_prefix(tenant, &lower);
  upper = lower;
  append_seq(below_seq, &upper);
  batch.DeleteRange(log, slice(lower), slice(upper));
}

}  // namespace

void write_group::trim_events(std::string_view tenant, std::uint64_t below_seq) {
  delete_below(impl_->batch, impl_->events, tenant, below_seq);
}

void write_group::add_finding(std::string_view tenant, std::uint64_t seq, const finding_link& link,
                              std::string_view record) {
  impl& g = *impl_;
  g.key.clear();
  append_tenant_prefix(tenant, &g.key);
  append_seq(seq, &g.key);
  std::string& value = g.value;
  value.clear();
  append_seq(link.number, &value);
  append_seq(link.previous_seq, &value);
  value.append(record);
  g.batch.Put(g.findings, slice(g.key), slice(value));
}

void write_group::trim_findings(std::string_view tenant, std::uint64_t below_seq) {
  delete_below(impl_->batch, impl_->findings, tenant, below_seq);
}

void write_group::put_record(record_table table, std::string_view tenant, std::string_view key,
                             std::string_view value) {
  impl& g = *impl_;
  g.key.clear();
  append_tenant_prefix(tenant, &g.key);
  g.key.append(key);
  g.batch.Put(g.records[static_cast<std::size_t>(table)], slice(g.key), slice(value));
}

bool write_group::empty() const noexcept {
  return impl_->batch.Count() == 0 && impl_->pending.empty();
}

void write_group::add_watch_hit(const mention_key& key, std::string_view watch_id,
                                const series_counters& delta, std::string_view author) {
  impl& g = *impl_;
  std::string& k = g.key;
  k.clear();
  append_watch_prefix(key.tenant, watch_id, &k);
  const std::size_t prefix = k.size();
  append_time(key.created_at_ms, &k);
  k.push_back(static_cast<char>(static_cast<unsigned char>(key.source.size())));
  k.append(key.source);
  k.append(key.id);
  g.batch.Put(g.watch_index, slice(k), rocksdb::Slice());

  for (series_interval i : all_intervals) {
    k.resize(prefix);
    k.push_back(static_cast<char>(i));
    append_time(bucket_start(key.created_at_ms, i), &k);
    g.pending_key.assign(1, static_cast<char>(cf_series));
    g.pending_key.append(k);
    g.pending[g.pending_key].add(delta);
  }
  const std::int64_t day = bucket_start(key.created_at_ms, series_interval::d1);
  auto facet = [&](facet_kind kind, std::string_view name) {
    k.resize(prefix);
    append_time(day, &k);
    k.push_back(static_cast<char>(kind));
    k.append(name);
    g.pending_key.assign(1, static_cast<char>(cf_facets));
    g.pending_key.append(k);
    g.pending[g.pending_key].add(delta);
  };
  if (!author.empty()) facet(facet_kind::author, author);
  facet(facet_kind::source, key.source);
}

void write_group::add_mention(const mention_key& key, std::string_view record) {
  impl& g = *impl_;
  g.key.clear();
  append_mention_key(key, &g.key);
  g.dedup_key.clear();
  append_dedup_key(key.tenant, key.source, key.id, &g.dedup_key);
  g.time.clear();
  append_time(key.created_at_ms, &g.time);
  // Both puts land in the same WriteBatch: a mention is never stored without its dedup entry.
  g.batch.Put(g.mentions, slice(g.key), slice(record));
  g.batch.Put(g.dedup, slice(g.dedup_key), slice(g.time));
  ++mentions_;
}
write_group::~write_group() = default;

std::size_t write_group::bytes() const noexcept { return impl_->batch.GetDataSize(); }

void write_group::clear() {
  impl_->batch.Clear();
  impl_->pending.clear();
  impl_->flushed = false;
  mentions_ = 0;
}

status store::find_existing(std::span<const dedup_ref> refs, std::span<bool> found) {
  if (refs.size() != found.size()) return invalid_argument("find_existing: size mismatch");
  if (refs.empty()) return status::ok_status();
  impl& st = *impl_;
  std::lock_guard lock(st.find_mu);
  const std::size_t n = refs.size();
  if (st.dedup_keys.size() < n) {
    st.dedup_keys.resize(n);
    st.dedup_values.resize(n);
    st.dedup_statuses.resize(n);
  }
  st.dedup_slices.clear();
  for (std::size_t i = 0; i < n; ++i) {
    std::string& k = st.dedup_keys[i];
    k.clear();
    append_dedup_key(refs[i].tenant, refs[i].source, refs[i].id, &k);
    st.dedup_slices.push_back(slice(k));
  }
  rocksdb::ReadOptions ro;
  st.db->MultiGet(ro, st.cf[cf_dedup], n, st.dedup_slices.data(), st.dedup_values.data(),
                  st.dedup_statuses.data(), /*sorted_input=*/false);
  for (std::size_t i = 0; i < n; ++i) {
    const rocksdb::Status& s = st.dedup_statuses[i];
    if (s.ok()) {
      found[i] = true;
    } else if (s.IsNotFound()) {
      found[i] = false;
    } else {
      return from_rocks(s);
    }
    st.dedup_values[i].Reset();
  }
  return status::ok_status();
}

status store::write(write_group& group) {
  write_group::impl& g = *group.impl_;
  if (group.empty()) return status::ok_status();
  if (!g.flushed) {
    for (const auto& [k, counters] : g.pending) {
      g.series_value.clear();
      encode_series(counters, &g.series_value);
      auto* cf = k[0] == static_cast<char>(cf_series) ? g.series : g.facets;
      g.batch.Merge(cf, rocksdb::Slice(k.data() + 1, k.size() - 1), slice(g.series_value));
    }
    g.flushed = true;  // a retried write must not add the deltas twice
  }
  return from_rocks(impl_->checked(impl_->db->Write(impl_->write_options, &g.batch)));
}

namespace {

// An iterator confined to [lower, upper): the bounds keep it inside one tenant's (or one
// watch's) range, so it cannot see another's keys. Owns the bound strings it points to.
class bounded_iterator {
 public:
  bounded_iterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string lower,
                   std::string upper)
      : lower_(std::move(lower)), upper_(std::move(upper)) {
    lower_slice_ = slice(lower_);
    upper_slice_ = slice(upper_);
    rocksdb::ReadOptions ro;
    ro.iterate_lower_bound = &lower_slice_;
    ro.iterate_upper_bound = &upper_slice_;
    it_.reset(db->NewIterator(ro, cf));
  }
  rocksdb::Iterator* operator->() { return it_.get(); }

 private:
  std::string lower_, upper_;
  rocksdb::Slice lower_slice_, upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// Iterates [prefix][time][...] keys of one column family newest first, within the scan's time
// range and strictly before its cursor. fn gets the key after the prefix.
status scan_newest_first(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string_view prefix,
                         const mention_scan& scan,
                         const std::function<bool(std::string_view suffix, const rocksdb::Slice& value)>& fn) {
  std::string lower(prefix);
  append_time(scan.from_ms, &lower);
  std::string upper(prefix);
  if (scan.to_ms == INT64_MAX) {
    // The first key after every key of the prefix. Prefixes end with a byte that is not 0xff
    // (a length or a name character), so bumping it cannot carry.
    upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
  } else {
    append_time(scan.to_ms, &upper);
  }
  if (!scan.after_suffix.empty()) {
    std::string cursor(prefix);
    cursor.append(scan.after_suffix);
    if (cursor < upper) upper = std::move(cursor);
  }
  bounded_iterator it(db, cf, std::move(lower), std::move(upper));
  for (it->SeekToLast(); it->Valid(); it->Prev()) {
    std::string_view key = view(it->key());
    if (!fn(key.substr(prefix.size()), it->value())) break;
  }
  return from_rocks(it->status());
}

}  // namespace

status store::scan_mentions(const mention_scan& scan, const mention_fn& fn) const {
  if (!valid_tenant(scan.tenant)) return invalid_argument("invalid tenant");
  std::string prefix;
  append_tenant_prefix(scan.tenant, &prefix);
  return scan_newest_first(impl_->db.get(), impl_->cf[cf_mentions], prefix, scan,
                           [&](std::string_view suffix, const rocksdb::Slice& value) {
                             return fn(suffix, view(value));
                           });
}

status store::scan_watch_mentions(const mention_scan& scan, std::string_view watch_id,
                                  const mention_fn& fn) const {
  if (!valid_tenant(scan.tenant)) return invalid_argument("invalid tenant");
  const impl& st = *impl_;
  std::string prefix, mention_key;
  append_watch_prefix(scan.tenant, watch_id, &prefix);
  append_tenant_prefix(scan.tenant, &mention_key);
  const std::size_t tenant_prefix = mention_key.size();
  rocksdb::PinnableSlice record;
  status lookup;
  status s = scan_newest_first(
      st.db.get(), st.cf[cf_watch_index], prefix, scan,
      [&](std::string_view suffix, const rocksdb::Slice&) {
        mention_key.resize(tenant_prefix);
        mention_key.append(suffix);
        record.Reset();
        rocksdb::Status g = st.db->Get(rocksdb::ReadOptions(), st.cf[cf_mentions],
                                       slice(mention_key), &record);
        if (g.IsNotFound()) return true;  // cannot happen: written in one batch; skip if it does
        if (!g.ok()) {
          lookup = from_rocks(g);
          return false;
        }
        return fn(suffix, view(record));
      });
  return s.ok() ? lookup : s;
}

result<std::pair<std::int64_t, std::int64_t>> store::mention_time_bounds(std::string_view tenant,
                                                                         std::int64_t from_ms,
                                                                         std::int64_t to_ms) const {
  if (!valid_tenant(tenant)) return invalid_argument("invalid tenant");
  std::string lower, upper;
  append_tenant_prefix(tenant, &lower);
  const std::size_t prefix = lower.size();
  upper = lower;
  append_time(from_ms, &lower);
  append_time(to_ms, &upper);
  bounded_iterator it(impl_->db.get(), impl_->cf[cf_mentions], std::move(lower), std::move(upper));
  it->SeekToFirst();
  if (!it->Valid()) {
    if (!it->status().ok()) return from_rocks(it->status());
    return not_found("no mention in the range");
  }
  const std::int64_t oldest = decode_time(it->key().data() + prefix);
  it->SeekToLast();
  if (!it->Valid()) return from_rocks(it->status());
  return std::pair{oldest, decode_time(it->key().data() + prefix)};
}

result<std::string> store::get_mention(std::string_view tenant, std::string_view key_suffix) const {
  std::string key, value;
  append_tenant_prefix(tenant, &key);
  key.append(key_suffix);
  rocksdb::Status s = impl_->db->Get(rocksdb::ReadOptions(), impl_->cf[cf_mentions], slice(key), &value);
  if (s.IsNotFound()) return not_found("no such mention");
  if (!s.ok()) return from_rocks(s);
  return value;
}

result<std::string> store::find_mention(std::string_view tenant, std::string_view source, std::string_view id,
                                        std::string* key_suffix) const {
  if (!valid_source(source) || id.empty() || id.size() > max_id_bytes) return not_found("no such mention");
  // The dedup entry holds the mention's created_at, which completes its key.
  std::string key, value;
  append_dedup_key(tenant, source, id, &key);
  rocksdb::Status s = impl_->db->Get(rocksdb::ReadOptions(), impl_->cf[cf_dedup], slice(key), &value);
  if (s.IsNotFound()) return not_found("no such mention");
  if (!s.ok()) return from_rocks(s);
  if (value.size() != 8) return corruption("dedup entry of " + std::string(source) + "/" + std::string(id) + " is not a time");
  mention_key mk{.tenant = tenant, .created_at_ms = decode_time(value.data()), .source = source, .id = id};
  key.clear();
  append_mention_key(mk, &key);
  auto record = get_mention(tenant, mention_key_suffix(key));
  if (record.ok() && key_suffix != nullptr) key_suffix->assign(mention_key_suffix(key));
  if (!record.ok() && record.status().code() == status_code::not_found) {
    return corruption("mention " + std::string(source) + "/" + std::string(id) + " has a dedup entry but no record");
  }
  return record;
}

result<bool> store::watch_has_mention(std::string_view tenant, std::string_view watch_id,
                                      std::string_view key_suffix) const {
  std::string key;
  append_watch_prefix(tenant, watch_id, &key);
  key.append(key_suffix);
  rocksdb::PinnableSlice value;
  rocksdb::Status s = impl_->db->Get(rocksdb::ReadOptions(), impl_->cf[cf_watch_index], slice(key), &value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return from_rocks(s);
  return true;
}

status store::read_series(std::string_view tenant, std::string_view watch_id,
                          series_interval interval, std::int64_t from_ms, std::int64_t to_ms,
                          const series_fn& fn) const {
  std::string lower, upper;
  append_watch_prefix(tenant, watch_id, &lower);
  lower.push_back(static_cast<char>(interval));
  upper = lower;
  const std::size_t prefix = lower.size();
  append_time(bucket_start(from_ms, interval), &lower);
  append_time(to_ms, &upper);
  bounded_iterator it(impl_->db.get(), impl_->cf[cf_series], std::move(lower), std::move(upper));
  series_counters c;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key = view(it->key());
    if (key.size() != prefix + 8) return corruption("series key of unexpected size");
    if (!decode_series(view(it->value()), &c)) return corruption("series record of unexpected size");
    fn(decode_time(key.data() + prefix), c);
  }
  return from_rocks(it->status());
}

status store::read_facets(std::string_view tenant, std::string_view watch_id, facet_kind kind,
                          std::int64_t from_day_ms, std::int64_t to_day_ms, const facet_fn& fn) const {
  std::string lower, upper;
  append_watch_prefix(tenant, watch_id, &lower);
  upper = lower;
  const std::size_t prefix = lower.size();
  append_time(from_day_ms, &lower);
  append_time(to_day_ms, &upper);
  bounded_iterator it(impl_->db.get(), impl_->cf[cf_facets], std::move(lower), std::move(upper));
  series_counters c;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key = view(it->key());
    if (key.size() < prefix + 9) return corruption("facet key too short");
    if (static_cast<facet_kind>(key[prefix + 8]) != kind) continue;
    if (!decode_series(view(it->value()), &c)) return corruption("facet record of unexpected size");
    fn(key.substr(prefix + 9), c);
  }
  return from_rocks(it->status());
}

status store::put_watch(std::string_view tenant, std::string_view watch_id, std::string_view definition) {
  std::string key;
  append_watch_key(tenant, watch_id, &key);
  return from_rocks(impl_->checked(impl_->db->Put(impl_->write_options, impl_->cf[cf_watches], slice(key), slice(definition))));
}

result<std::string> store::get_watch(std::string_view tenant, std::string_view watch_id) const {
  std::string key, value;
  append_watch_key(tenant, watch_id, &key);
  rocksdb::Status s = impl_->db->Get(rocksdb::ReadOptions(), impl_->cf[cf_watches], slice(key), &value);
  if (s.IsNotFound()) return not_found("no watch '" + std::string(watch_id) + "'");
  if (!s.ok()) return from_rocks(s);
  return value;
}

status store::delete_watch(std::string_view tenant, std::string_view watch_id) {
  const impl& st = *impl_;
  rocksdb::WriteBatch batch;
  std::string key;
  append_watch_key(tenant, watch_id, &key);
  batch.Delete(st.cf[cf_watches], slice(key));
  std::string lower, upper;
  append_watch_prefix(tenant, watch_id, &lower);
  upper = lower;
  upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
  for (auto cf : {cf_watch_index, cf_series, cf_facets}) {
    batch.DeleteRange(st.cf[cf], slice(lower), slice(upper));
  }
  return from_rocks(impl_->checked(st.db->Write(st.write_options, &batch)));
}

status store::scan_watches(std::string_view tenant, const watch_fn& fn) const {
  const impl& st = *impl_;
  // Every tenant: from the empty key to past the longest tenant prefix byte.
  std::string lower, upper = "\xff";
  if (!tenant.empty()) {
    append_tenant_prefix(tenant, &lower);
    upper = tenant_upper_bound(tenant);
  }
  bounded_iterator it(st.db.get(), st.cf[cf_watches], std::move(lower), std::move(upper));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key = view(it->key());
    std::size_t tenant_len = static_cast<unsigned char>(key[0]);
    if (1 + tenant_len > key.size()) return corruption("watch key too short");
    if (!fn(key.substr(1, tenant_len), key.substr(1 + tenant_len), view(it->value()))) break;
  }
  return from_rocks(it->status());
}

result<std::uint64_t> store::first_event_seq(std::string_view tenant) const {
  std::string lower;
  append_tenant_prefix(tenant, &lower);
  bounded_iterator it(impl_->db.get(), impl_->cf[cf_events], lower, tenant_upper_bound(tenant));
  it->SeekToFirst();
  if (!it->Valid()) {
    if (!it->status().ok()) return from_rocks(it->status());
    return std::uint64_t{0};
  }
  if (it->key().size() != lower.size() + 8) return corruption("event key of unexpected size");
  return decode_seq(it->key().data() + lower.size());
}

result<std::uint64_t> store::last_event_seq(std::string_view tenant) const {
  std::string lower;
  append_tenant_prefix(tenant, &lower);
  bounded_iterator it(impl_->db.get(), impl_->cf[cf_events], lower, tenant_upper_bound(tenant));
  it->SeekToLast();
  if (!it->Valid()) {
    if (!it->status().ok()) return from_rocks(it->status());
    return std::uint64_t{0};
  }
  if (it->key().size() != lower.size() + 8) return corruption("event key of unexpected size");
  return decode_seq(it->key().data() + lower.size());
}

status store::read_events(std::string_view tenant, std::uint64_t from_seq, const event_fn& fn) const {
  std::string lower;
  append_tenant_prefix(tenant, &lower);
  const std::size_t prefix = lower.size();
  append_seq(from_seq, &lower);
  bounded_iterator it(impl_->db.get(), impl_->cf[cf_events], std::move(lower),
                      tenant_upper_bound(tenant));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key = view(it->key());
    if (key.size() != prefix + 8) return corruption("event key of unexpected size");
    if (!fn(decode_seq(key.data() + prefix), view(it->value()))) break;
  }
  return from_rocks(it->status());
}

namespace {

// A findings value: [number:8][previous_seq:8][event record].
constexpr std::size_t finding_header_bytes = 16;

// Decodes a findings value's link; false when it is too short.
bool decode_finding_link(std::string_view value, finding_link* link) {
  if (value.size() < finding_header_bytes) return false;
  link->number = decode_seq(value.data());
  link->previous_seq = decode_seq(value.data() + 8);
  return true;
}

}  // namespace

result<store::finding_position> store::last_finding(std::string_view tenant) const {
  std::string lower;
  append_tenant_prefix(tenant, &lower);
  bounded_iterator it(impl_->db.get(), impl_->cf[cf_findings], lower, tenant_upper_bound(tenant));
  it->SeekToLast();
  if (!it->Valid()) {
    if (!it->status().ok()) return from_rocks(it->status());
    return finding_position{};
  }
  finding_position p;
  if (it->key().size() != lower.size() + 8 || !decode_finding_link(view(it->value()), &p.link)) {
    return corruption("finding of unexpected size");
  }
  p.seq = decode_seq(it->key().data() + lower.size());
  return p;
}

result<std::uint64_t> store::finding_seq_from(std::string_view tenant, std::uint64_t number) const {
  std::uint64_t found = 0;
  status s = read_findings(tenant, 0, [&](std::uint64_t seq, const finding_link& link, std::string_view) {
    if (link.number < number) return true;
    found = seq;
    return false;
  });
  if (!s.ok()) return s;
  return found;
}

status store::read_findings(std::string_view tenant, std::uint64_t from_seq, const finding_fn& fn) const {
  std::string lower;
  append_tenant_prefix(tenant, &lower);
  const std::size_t prefix = lower.size();
  append_seq(from_seq, &lower);
  bounded_iterator it(impl_->db.get(), impl_->cf[cf_findings], std::move(lower), tenant_upper_bound(tenant));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key = view(it->key()), value = view(it->value());
    finding_link link;
    if (key.size() != prefix + 8 || !decode_finding_link(value, &link)) return corruption("finding of unexpected size");
    if (!fn(decode_seq(key.data() + prefix), link, value.substr(finding_header_bytes))) break;
  }
  return from_rocks(it->status());
}

result<store::finding_coverage> store::findings_after(std::string_view tenant, std::uint64_t seq) const {
  if (auto from = impl_->findings_from.find(std::string(tenant));
      from != impl_->findings_from.end() && seq < from->second - 1) {
    return finding_coverage::before_log;
  }
  bool found = false;
  finding_link first;
  status s = read_findings(tenant, seq == UINT64_MAX ? seq : seq + 1,
                           [&](std::uint64_t, const finding_link& link, std::string_view) {
                             found = true;
                             first = link;
                             return false;
                           });
  if (!s.ok()) return s;
  // The finding before the first one after seq is not in the log if it came after seq. None
  // after seq: retention keeps the newest, so none was dropped either.
  return found && first.previous_seq > seq ? finding_coverage::trimmed : finding_coverage::complete;
}

status store::scan_event_tenants(const tenant_fn& fn) const {
  bounded_iterator it(impl_->db.get(), impl_->cf[cf_events], std::string(), "\xff");
  for (it->SeekToFirst(); it->Valid();) {
    std::string_view key = view(it->key());
    const std::size_t tenant_len = static_cast<unsigned char>(key[0]);
    if (1 + tenant_len > key.size()) return corruption("event key too short");
    const std::string tenant(key.substr(1, tenant_len));
    if (!fn(tenant)) return status::ok_status();
    it->Seek(slice(tenant_upper_bound(tenant)));
  }
  return from_rocks(it->status());
}

status store::put_record(record_table table, std::string_view tenant, std::string_view key,
                         std::string_view value) {
  std::string k;
  append_tenant_prefix(tenant, &k);
  k.append(key);
  return from_rocks(
      impl_->checked(impl_->db->Put(impl_->write_options, impl_->cf[cf_of(table)], slice(k), slice(value))));
}

status store::delete_record(record_table table, std::string_view tenant, std::string_view key) {
  std::string k;
  append_tenant_prefix(tenant, &k);
  k.append(key);
  return from_rocks(impl_->checked(impl_->db->Delete(impl_->write_options, impl_->cf[cf_of(table)], slice(k))));
}

status store::delete_records(record_table table, std::string_view tenant, std::span<const std::string> keys) {
  if (keys.empty()) return status{};
  rocksdb::WriteBatch batch;
  std::string k;
  for (const std::string& key : keys) {
    k.clear();
    append_tenant_prefix(tenant, &k);
    k.append(key);
    batch.Delete(impl_->cf[cf_of(table)], slice(k));
  }
  return from_rocks(impl_->checked(impl_->db->Write(impl_->write_options, &batch)));
}

result<std::string> store::get_record(record_table table, std::string_view tenant,
                                      std::string_view key) const {
  std::string k, value;
  append_tenant_prefix(tenant, &k);
  k.append(key);
  rocksdb::Status s = impl_->db->Get(rocksdb::ReadOptions(), impl_->cf[cf_of(table)], slice(k), &value);
  if (s.IsNotFound()) return not_found("no such record");
  if (!s.ok()) return from_rocks(s);
  return value;
}

status store::scan_records(record_table table, std::string_view tenant, const record_scan& scan,
                           const record_fn& fn) const {
  std::string lower;
  append_tenant_prefix(tenant, &lower);
  const std::size_t prefix = lower.size();
  lower.append(scan.prefix);
  std::string upper = lower;
  // The first key after every key that starts with lower: drop trailing 0xff bytes, then bump.
  while (!upper.empty() && static_cast<unsigned char>(upper.back()) == 0xff) upper.pop_back();
  if (upper.size() <= prefix) {
    upper = tenant_upper_bound(tenant);
  } else {
    upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
  }
  if (!scan.after_key.empty()) {
    std::string cursor(lower.substr(0, prefix));
    cursor.append(scan.after_key);
    if (scan.reverse) {
      if (cursor < upper) upper = std::move(cursor);
    } else {
      cursor.push_back('\0');  // strictly after the cursor key
      if (cursor > lower) lower = std::move(cursor);
    }
  }
  if (lower >= upper) return status::ok_status();
  bounded_iterator it(impl_->db.get(), impl_->cf[cf_of(table)], std::move(lower), std::move(upper));
  if (scan.reverse) {
    for (it->SeekToLast(); it->Valid(); it->Prev()) {
      if (!fn(view(it->key()).substr(prefix), view(it->value()))) break;
    }
  } else {
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (!fn(view(it->key()).substr(prefix), view(it->value()))) break;
    }
  }
  return from_rocks(it->status());
}

status store::scan_all_records(record_table table, std::string_view prefix,
                               const any_record_fn& fn) const {
  bounded_iterator it(impl_->db.get(), impl_->cf[cf_of(table)], std::string(), "\xff");
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key = view(it->key());
    std::size_t tenant_len = static_cast<unsigned char>(key[0]);
    if (1 + tenant_len > key.size()) return corruption("record key too short");
    std::string_view rest = key.substr(1 + tenant_len);
    if (!rest.starts_with(prefix)) continue;
    if (!fn(key.substr(1, tenant_len), rest, view(it->value()))) break;
  }
  return from_rocks(it->status());
}

store_stats store::stats() const {
  const impl& st = *impl_;
  store_stats out;
  auto agg = [&](const char* name) {
    std::uint64_t v = 0;
    st.db->GetAggregatedIntProperty(name, &v);
    return v;
  };
  out.pending_compaction_bytes = agg("rocksdb.estimate-pending-compaction-bytes");
  out.running_compactions = agg("rocksdb.num-running-compactions");
  out.memtable_bytes = agg("rocksdb.cur-size-all-mem-tables");
  out.live_sst_bytes = agg("rocksdb.live-sst-files-size");
  std::uint64_t v = 0;
  st.db->GetIntProperty(st.cf[cf_mentions], "rocksdb.estimate-num-keys", &v);
  out.estimated_mentions = v;
  out.write_stopped = agg("rocksdb.is-write-stopped") != 0;
  out.write_stall_micros = st.statistics->getTickerCount(rocksdb::STALL_MICROS);
  return out;
}

}  // namespace vigie::storage
