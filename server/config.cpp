#include "server/config.h"

#include <arpa/inet.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>

#include "pipeline/mention_json.h"
#include "server/auth.h"
#include "storage/keys.h"

#ifndef VIGIE_DEFAULT_LEXICON_DIR
#define VIGIE_DEFAULT_LEXICON_DIR "lexicons"
#endif

namespace vigie::server {

namespace {

status bad(std::string_view key, std::string_view why) {
  return invalid_argument("config: " + std::string(key) + ": " + std::string(why));
}

// name: what the address came as, for the message ("http.listen", "--listen").
result<std::pair<std::string, std::uint16_t>> parse_listen(std::string_view s, std::string_view name) {
  auto colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return bad(name, "expected HOST:PORT, got '" + std::string(s) + "'");
  }
  std::string host(s.substr(0, colon));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  // An address, not a name: a name would resolve at bind time, after the store is opened.
  unsigned char address[sizeof(in6_addr)];
  if (inet_pton(AF_INET, host.c_str(), address) != 1 && inet_pton(AF_INET6, host.c_str(), address) != 1) {
    return bad(name, "expected an IP address as host (127.0.0.1, 0.0.0.0, [::1]), got '" + host + "'");
  }
  unsigned port = 0;
  auto p = s.substr(colon + 1);
  auto r = std::from_chars(p.data(), p.data() + p.size(), port);
  if (r.ec != std::errc() || r.ptr != p.data() + p.size() || port > 65535) {
    return bad(name, "invalid port '" + std::string(p) + "'");
  }
  return std::make_pair(host, static_cast<std::uint16_t>(port));
}

// Reads the keys of one YAML mapping, refusing unknown ones so that a typo is an error
// rather than a silently ignored setting.
class section {
 public:
  section(const YAML::Node& node, std::string path) : node_(node), path_(std::move(path)) {}

  status check_known(std::initializer_list<std::string_view> known) const {
    // A section whose keys are all commented out ("sentiment:" alone) is empty, not an error.
    if (!node_ || node_.IsNull()) return status::ok_status();
    if (!node_.IsMap()) return bad(path_, "must be a mapping");
    for (const auto& kv : node_) {
      auto key = kv.first.as<std::string>();
      bool ok = false;
      for (auto k : known) ok = ok || key == k;
      if (!ok) return bad(path_ + "." + key, "unknown setting");
    }
    return status::ok_status();
  }

  template <class T>
  status read(std::string_view key, T* out, T min = std::numeric_limits<T>::lowest(),
              T max = std::numeric_limits<T>::max()) const {
    if (!node_ || !node_[std::string(key)]) return status::ok_status();
    std::string full = path_ + "." + std::string(key);
    try {
      T v = node_[std::string(key)].template as<T>();
      if (v < min || v > max) {
        return bad(full, "out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
      }
      *out = v;
    } catch (const YAML::Exception&) {
      return bad(full, "expected a number");
    }
    return status::ok_status();
  }

  status read_bool(std::string_view key, bool* out) const {
    if (!node_ || !node_[std::string(key)]) return status::ok_status();
    try {
      *out = node_[std::string(key)].as<bool>();
    } catch (const YAML::Exception&) {
      return bad(path_ + "." + std::string(key), "expected true or false");
    }
    return status::ok_status();
  }

  // Whether the key is there, with a value or not ("listen:" alone is there).
  bool has(std::string_view key) const { return node_ && node_.IsMap() && node_[std::string(key)]; }

  status read_string(std::string_view key, std::string* out) const {
    if (!node_ || !node_[std::string(key)]) return status::ok_status();
    // "path:", "path: ~" and "path: null" are YAML's null, which yaml-cpp reads as the text
    // "null": a folder, a tenant or a lexicon folder named null. A key given must have a value.
    if (node_[std::string(key)].IsNull()) return bad(path_ + "." + std::string(key), "has no value (null)");
    try {
      *out = node_[std::string(key)].as<std::string>();
    } catch (const YAML::Exception&) {
      return bad(path_ + "." + std::string(key), "expected a string");
    }
    return status::ok_status();
  }

 private:
  YAML::Node node_;
  std::string path_;
};

#define RETURN_IF_ERROR_(expr)                  \
  do {                                          \
    if (auto _s = (expr); !_s.ok()) return _s;  \
  } while (0)

// YAML forbids a key twice in one mapping; yaml-cpp keeps both and looks up the first, so a
// second "sync_wal: true" would be ignored without a word. Refused, with where it is.
status check_no_duplicate_keys(const YAML::Node& node, const std::string& path) {
  if (node.IsSequence()) {
    std::size_t i = 0;
    for (const auto& item : node) RETURN_IF_ERROR_(check_no_duplicate_keys(item, path + "[" + std::to_string(i++) + "]"));
  }
  if (!node.IsMap()) return status::ok_status();
  std::set<std::string> seen;
  for (const auto& kv : node) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
    const std::string full = path.empty() ? key : path + "." + key;
    if (!seen.insert(key).second) {
      return bad(full, "given twice (line " + std::to_string(kv.first.Mark().line + 1) + ")");
    }
    RETURN_IF_ERROR_(check_no_duplicate_keys(kv.second, full));
  }
  return status::ok_status();
}

// Finds the first alias of a YAML stream, from the parser's events: before any node is built.
class alias_finder : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    if (!found) at = mark;
    found = true;
  }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  bool found = false;
  YAML::Mark at;
};

#define VIGIE_TRY(expr)              \
  do {                               \
    if (auto _s = (expr); !_s.ok()) return _s; \
  } while (0)

status apply_file(const YAML::Node& root, config* c) {
  if (!root || root.IsNull()) return status::ok_status();
  if (!root.IsMap()) return bad("(top level)", "must be a mapping");
  VIGIE_TRY(check_no_duplicate_keys(root, ""));
  section top(root, "");
  for (const auto& kv : root) {
    auto key = kv.first.as<std::string>();
    if (key != "http" && key != "storage" && key != "pipeline" && key != "log" &&
        key != "sentiment" && key != "api_keys" && key != "detectors" && key != "stream" &&
        key != "webhooks") {
      return bad(key, "unknown section");
    }
  }

  section http(root["http"], "http");
  VIGIE_TRY(http.check_known({"listen", "io_threads", "header_limit_bytes", "body_limit_bytes",
                              "read_timeout_seconds", "write_timeout_seconds",
                              "idle_timeout_seconds", "max_connections", "retry_after_seconds"}));
  std::string listen;
  VIGIE_TRY(http.read_string("listen", &listen));
  if (http.has("listen")) {  // given empty: an error, not the default address
    auto l = parse_listen(listen, "http.listen");
    if (!l.ok()) return l.status();
    c->http.host = l->first;
    c->http.port = l->second;
  }
  auto& h = c->http;
  VIGIE_TRY(http.read<int>("io_threads", &h.io_threads, 1, 256));
  VIGIE_TRY(http.read<std::uint32_t>("header_limit_bytes", &h.header_limit_bytes, 1024, 1 << 20));
  VIGIE_TRY(http.read<std::uint64_t>("body_limit_bytes", &h.body_limit_bytes, 1024, 1ull << 32));
  std::int64_t secs = h.read_timeout.count();
  VIGIE_TRY(http.read<std::int64_t>("read_timeout_seconds", &secs, 1, 3600));
  h.read_timeout = std::chrono::seconds(secs);
  secs = h.write_timeout.count();
  VIGIE_TRY(http.read<std::int64_t>("write_timeout_seconds", &secs, 1, 3600));
  h.write_timeout = std::chrono::seconds(secs);
  secs = h.idle_timeout.count();
  VIGIE_TRY(http.read<std::int64_t>("idle_timeout_seconds", &secs, 1, 86400));
  h.idle_timeout = std::chrono::seconds(secs);
  VIGIE_TRY(http.read<std::uint32_t>("max_connections", &h.max_connections, 1, 1000000));
  VIGIE_TRY(http.read<std::uint32_t>("retry_after_seconds", &h.retry_after_seconds, 1, 3600));

  section st(root["storage"], "storage");
  VIGIE_TRY(st.check_known({"path", "sync_wal", "wal_recovery", "compression", "block_cache_bytes",
                            "write_buffer_bytes", "max_wal_bytes", "background_jobs"}));
  auto& s = c->storage;
  VIGIE_TRY(st.read_string("path", &s.path));
  VIGIE_TRY(st.read_bool("sync_wal", &s.sync_wal));
  VIGIE_TRY(st.read_string("wal_recovery", &s.wal_recovery));
  VIGIE_TRY(st.read_string("compression", &s.compression));
  VIGIE_TRY(st.read<std::uint64_t>("block_cache_bytes", &s.block_cache_bytes, 1 << 20, 1ull << 40));
  VIGIE_TRY(st.read<std::uint64_t>("write_buffer_bytes", &s.write_buffer_bytes, 1 << 20, 1ull << 34));
  VIGIE_TRY(st.read<std::uint64_t>("max_wal_bytes", &s.max_wal_bytes, 16 << 20, 1ull << 40));
  VIGIE_TRY(st.read<int>("background_jobs", &s.background_jobs, 1, 64));

  section pl(root["pipeline"], "pipeline");
  VIGIE_TRY(pl.check_known({"workers", "ingest_queue_batches", "max_inflight_bytes",
                            "write_queue_batches", "max_group_mentions", "max_mention_bytes",
                            "max_reported_errors", "event_retention", "finding_retention"}));
  auto& p = c->pipeline;
  VIGIE_TRY(pl.read<int>("workers", &p.workers, 1, 256));
  VIGIE_TRY(pl.read<std::size_t>("ingest_queue_batches", &p.ingest_queue_batches, 1, 65000));
  VIGIE_TRY(pl.read<std::size_t>("max_inflight_bytes", &p.max_inflight_bytes, 1 << 20, 1ull << 40));
  VIGIE_TRY(pl.read<std::size_t>("write_queue_batches", &p.write_queue_batches, 1, 65000));
  VIGIE_TRY(pl.read<std::size_t>("max_group_mentions", &p.max_group_mentions, 1, 10000000));
  VIGIE_TRY(pl.read<std::size_t>("max_mention_bytes", &p.parser.max_mention_bytes, 64, 1ull << 30));
  VIGIE_TRY(pl.read<std::size_t>("max_reported_errors", &p.max_reported_errors, 0, 1000000));
  VIGIE_TRY(pl.read<std::uint64_t>("event_retention", &p.event_retention, 1000, 1ull << 40));
  VIGIE_TRY(pl.read<std::uint64_t>("finding_retention", &p.finding_retention, 10, 1ull << 40));

  section dt(root["detectors"], "detectors");
  VIGIE_TRY(dt.check_known({"bucket_seconds", "allowed_lateness_seconds", "max_future_seconds",
                            "signal_window_seconds", "checkpoint_interval_seconds"}));
  auto& d = c->detectors;
  std::int64_t bucket = d.crisis.bucket_ms / 1000;
  VIGIE_TRY(dt.read<std::int64_t>("bucket_seconds", &bucket, 60, 86400));
  d.crisis.bucket_ms = bucket * 1000;
  std::int64_t lateness = d.allowed_lateness_ms / 1000;
  VIGIE_TRY(dt.read<std::int64_t>("allowed_lateness_seconds", &lateness, 0, 86400));
  d.allowed_lateness_ms = lateness * 1000;
  std::int64_t future = d.max_future_ms / 1000;
  VIGIE_TRY(dt.read<std::int64_t>("max_future_seconds", &future, 0, 86400));
  d.max_future_ms = future * 1000;
  std::int64_t window = d.signals.window_ms / 1000;
  VIGIE_TRY(dt.read<std::int64_t>("signal_window_seconds", &window, 60, 7 * 86400));
  d.signals.window_ms = window * 1000;
  std::int64_t checkpoint = d.checkpoint_interval.count() / 1000;
  VIGIE_TRY(dt.read<std::int64_t>("checkpoint_interval_seconds", &checkpoint, 1, 86400));
  d.checkpoint_interval = std::chrono::seconds(checkpoint);

  section sm(root["stream"], "stream");
  VIGIE_TRY(sm.check_known({"max_queued_events", "replay_chunk_events", "idle_timeout_seconds",
                            "max_message_bytes"}));
  auto& so = c->stream;
  VIGIE_TRY(sm.read<std::uint32_t>("max_queued_events", &so.max_queued_events, 16, 10000000));
  VIGIE_TRY(sm.read<std::uint32_t>("replay_chunk_events", &so.replay_chunk_events, 1, 100000));
  secs = so.idle_timeout.count();
  VIGIE_TRY(sm.read<std::int64_t>("idle_timeout_seconds", &secs, 1, 86400));
  so.idle_timeout = std::chrono::seconds(secs);
  VIGIE_TRY(sm.read<std::uint32_t>("max_message_bytes", &so.max_message_bytes, 128, 1 << 20));

  section wh(root["webhooks"], "webhooks");
  VIGIE_TRY(wh.check_known({"request_timeout_seconds", "max_attempts", "backoff_initial_ms",
                            "backoff_max_ms", "allow_internal_addresses"}));
  auto& w = c->webhooks;
  secs = w.request_timeout.count();
  VIGIE_TRY(wh.read<std::int64_t>("request_timeout_seconds", &secs, 1, 3600));
  w.request_timeout = std::chrono::seconds(secs);
  VIGIE_TRY(wh.read<int>("max_attempts", &w.max_attempts, 1, 100));
  std::int64_t ms = w.backoff_initial.count();
  VIGIE_TRY(wh.read<std::int64_t>("backoff_initial_ms", &ms, 1, 3600000));
  w.backoff_initial = std::chrono::milliseconds(ms);
  ms = w.backoff_max.count();
  VIGIE_TRY(wh.read<std::int64_t>("backoff_max_ms", &ms, 1, 86400000));
  w.backoff_max = std::chrono::milliseconds(ms);
  if (w.backoff_max < w.backoff_initial) {
    return bad("webhooks.backoff_max_ms", "must be at least backoff_initial_ms");
  }
  VIGIE_TRY(wh.read_bool("allow_internal_addresses", &w.allow_internal_addresses));

  section lg(root["log"], "log");
  VIGIE_TRY(lg.check_known({"level"}));
  VIGIE_TRY(lg.read_string("level", &c->log.level));

  section se(root["sentiment"], "sentiment");
  VIGIE_TRY(se.check_known({"lexicon_dir"}));
  VIGIE_TRY(se.read_string("lexicon_dir", &c->lexicon_dir));

  const YAML::Node keys = root["api_keys"];
  if (keys) {
    if (!keys.IsSequence()) return bad("api_keys", "must be a list of {tenant, key | sha256}");
    std::size_t i = 0;
    for (const auto& k : keys) {
      std::string where = "api_keys[" + std::to_string(i++) + "]";
      section ks(k, where);
      VIGIE_TRY(ks.check_known({"tenant", "key", "sha256"}));
      api_key entry;
      std::string plain;
      VIGIE_TRY(ks.read_string("tenant", &entry.tenant));
      VIGIE_TRY(ks.read_string("key", &plain));
      VIGIE_TRY(ks.read_string("sha256", &entry.sha256));
      if (!storage::valid_tenant(entry.tenant) || storage::dot_segment(entry.tenant)) {
        return bad(where + ".tenant", "must be 1 to 64 characters of [A-Za-z0-9_.-], not '.' or '..'");
      }
      if (plain.empty() == entry.sha256.empty()) {
        return bad(where, "give exactly one of 'key' or 'sha256'");
      }
      if (!plain.empty() && plain.size() < min_api_key_bytes) {
        return bad(where + ".key", "must be at least " + std::to_string(min_api_key_bytes) + " characters");
      }
      if (!plain.empty() && !sendable_api_key(plain)) {
        return bad(where + ".key", "must be visible ASCII characters without spaces: no header could carry it");
      }
      if (!plain.empty()) entry.sha256 = sha256_hex(plain);
      std::transform(entry.sha256.begin(), entry.sha256.end(), entry.sha256.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      if (entry.sha256.size() != 64 ||
          entry.sha256.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
        return bad(where + ".sha256", "must be 64 hex digits");
      }
      c->keys.push_back(std::move(entry));
    }
  }
  return status::ok_status();
}

}  // namespace

bool sendable_api_key(std::string_view key) noexcept {
  return std::all_of(key.begin(), key.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

result<std::vector<api_key>> parse_api_keys(std::string_view spec) {
  std::vector<api_key> keys;
  std::size_t pos = 0;
  while (pos <= spec.size()) {
    std::size_t end = spec.find(',', pos);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view item = spec.substr(pos, end - pos);
    pos = end + 1;
    if (item.empty()) continue;
    auto colon = item.find(':');
    if (colon == std::string_view::npos) {
      return invalid_argument("VIGIE_API_KEYS: expected tenant:key, got an item without ':'");
    }
    api_key k;
    k.tenant = std::string(item.substr(0, colon));
    auto key = item.substr(colon + 1);
    if (!storage::valid_tenant(k.tenant) || storage::dot_segment(k.tenant)) {
      return invalid_argument("VIGIE_API_KEYS: invalid tenant '" + k.tenant +
                              "' (1 to 64 characters of [A-Za-z0-9_.-], not '.' or '..')");
    }
    if (key.size() < min_api_key_bytes) {
      return invalid_argument("VIGIE_API_KEYS: the key of tenant '" + k.tenant + "' is shorter than " +
                              std::to_string(min_api_key_bytes) + " characters");
    }
    if (!sendable_api_key(key)) {
      return invalid_argument("VIGIE_API_KEYS: the key of tenant '" + k.tenant +
                              "' must be visible ASCII characters without spaces: no header could carry it");
    }
    k.sha256 = sha256_hex(key);
    keys.push_back(std::move(k));
    if (end == spec.size()) break;
  }
  return keys;
}

result<config> load_config(const std::string& config_path, const config_overrides& overrides,
                           const char* env_keys) {
  config c;
  c.lexicon_dir = VIGIE_DEFAULT_LEXICON_DIR;
  if (!config_path.empty()) {
    YAML::Node root;
    std::error_code ec;
    if (std::filesystem::is_directory(config_path, ec)) {
      return invalid_argument("config: '" + config_path + "' is a directory, not a YAML file");
    }
    try {
      // No aliases ("*name"): the checks below walk the tree, which expands every alias, so
      // that a few hundred bytes of nested aliases would take hours. A config has no use for them.
      std::ifstream in(config_path);
      alias_finder aliases;
      if (in) {
        YAML::Parser parser(in);
        while (parser.HandleNextDocument(aliases)) {
        }
      }
      if (aliases.found) {
        return invalid_argument("config: '" + config_path + "' line " + std::to_string(aliases.at.line + 1) +
                                ", column " + std::to_string(aliases.at.column + 1) +
                                ": YAML aliases (*name) are not supported: write the value out");
      }
      // One document: a second one ("---") would otherwise be dropped without a word.
      std::vector<YAML::Node> documents = YAML::LoadAllFromFile(config_path);
      // A file ending with "---" has an empty last document: nothing is dropped.
      while (documents.size() > 1 && documents.back().IsNull()) documents.pop_back();
      if (documents.size() > 1) {
        return invalid_argument("config: '" + config_path + "' holds " + std::to_string(documents.size()) +
                                " YAML documents (separated by ---); put every setting in one");
      }
      if (!documents.empty()) root = documents.front();
    } catch (const YAML::BadFile&) {
      return invalid_argument("config: cannot read '" + config_path + "'");
    } catch (const std::ios_base::failure& e) {
      return invalid_argument("config: cannot read '" + config_path + "': " + e.what());
    } catch (const YAML::ParserException& e) {
      return invalid_argument("config: '" + config_path + "' line " +
                              std::to_string(e.mark.line + 1) + ", column " +
                              std::to_string(e.mark.column + 1) + ": " + e.msg);
    }
    try {
      if (auto s = apply_file(root, &c); !s.ok()) return s;
    } catch (const YAML::Exception& e) {
      return invalid_argument("config: '" + config_path + "': " + e.what());
    }
  }
  if (overrides.listen) {
    auto l = parse_listen(*overrides.listen, "--listen");
    if (!l.ok()) return l.status();
    c.http.host = l->first;
    c.http.port = l->second;
  }
  if (overrides.data_dir) c.storage.path = *overrides.data_dir;
  if (overrides.lexicon_dir) c.lexicon_dir = *overrides.lexicon_dir;
  if (env_keys && *env_keys) {
    auto keys = parse_api_keys(env_keys);
    if (!keys.ok()) return keys.status();
    for (auto& k : *keys) c.keys.push_back(std::move(k));
  }
  // One key names one tenant: a key given to two would let either read the other's data.
  for (std::size_t i = 0; i < c.keys.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (c.keys[i].sha256 == c.keys[j].sha256 && c.keys[i].tenant != c.keys[j].tenant) {
        return bad("api_keys", "one key is given to two tenants, '" + c.keys[j].tenant + "' and '" +
                                   c.keys[i].tenant + "' (VIGIE_API_KEYS and api_keys count together)");
      }
    }
  }
  if (c.storage.path.empty()) return bad("storage.path", "must not be empty");
  if (c.log.level != "debug" && c.log.level != "info" && c.log.level != "warn" &&
      c.log.level != "error") {
    return bad("log.level", "expected debug, info, warn or error");
  }
  if (c.storage.wal_recovery != "strict" && c.storage.wal_recovery != "point_in_time") {
    return bad("storage.wal_recovery", "expected strict or point_in_time");
  }
  if (c.storage.compression != "none" && c.storage.compression != "snappy" &&
      c.storage.compression != "lz4" && c.storage.compression != "zstd") {
    return bad("storage.compression", "expected none, snappy, lz4 or zstd");
  }
  return c;
}

std::string describe(const config& c) {
  using pipeline::append_json_string;
  std::string out = "{\"listen\":";
  append_json_string(c.http.host + ":" + std::to_string(c.http.port), &out);
  out += ",\"io_threads\":" + std::to_string(c.http.io_threads);
  out += ",\"header_limit_bytes\":" + std::to_string(c.http.header_limit_bytes);
  out += ",\"body_limit_bytes\":" + std::to_string(c.http.body_limit_bytes);
  out += ",\"read_timeout_seconds\":" + std::to_string(c.http.read_timeout.count());
  out += ",\"write_timeout_seconds\":" + std::to_string(c.http.write_timeout.count());
  out += ",\"idle_timeout_seconds\":" + std::to_string(c.http.idle_timeout.count());
  out += ",\"max_connections\":" + std::to_string(c.http.max_connections);
  out += ",\"retry_after_seconds\":" + std::to_string(c.http.retry_after_seconds);
  out += ",\"data_dir\":";
  append_json_string(c.storage.path, &out);
  out += std::string(",\"sync_wal\":") + (c.storage.sync_wal ? "true" : "false");
  out += ",\"wal_recovery\":";
  append_json_string(c.storage.wal_recovery, &out);
  out += ",\"compression\":";
  append_json_string(c.storage.compression, &out);
  out += ",\"block_cache_bytes\":" + std::to_string(c.storage.block_cache_bytes);
  out += ",\"write_buffer_bytes\":" + std::to_string(c.storage.write_buffer_bytes);
  out += ",\"max_wal_bytes\":" + std::to_string(c.storage.max_wal_bytes);
  out += ",\"background_jobs\":" + std::to_string(c.storage.background_jobs);
  out += ",\"workers\":" + std::to_string(c.pipeline.workers);
  out += ",\"ingest_queue_batches\":" + std::to_string(c.pipeline.ingest_queue_batches);
  out += ",\"max_inflight_bytes\":" + std::to_string(c.pipeline.max_inflight_bytes);
  out += ",\"write_queue_batches\":" + std::to_string(c.pipeline.write_queue_batches);
  out += ",\"max_group_mentions\":" + std::to_string(c.pipeline.max_group_mentions);
  out += ",\"max_reported_errors\":" + std::to_string(c.pipeline.max_reported_errors);
  out += ",\"max_mention_bytes\":" + std::to_string(c.pipeline.parser.max_mention_bytes);
  out += ",\"event_retention\":" + std::to_string(c.pipeline.event_retention);
  out += ",\"finding_retention\":" + std::to_string(c.pipeline.finding_retention);
  out += ",\"detector_bucket_seconds\":" + std::to_string(c.detectors.crisis.bucket_ms / 1000);
  out += ",\"allowed_lateness_seconds\":" + std::to_string(c.detectors.allowed_lateness_ms / 1000);
  out += ",\"signal_window_seconds\":" + std::to_string(c.detectors.signals.window_ms / 1000);
  out += ",\"max_future_seconds\":" + std::to_string(c.detectors.max_future_ms / 1000);
  out += ",\"checkpoint_interval_seconds\":" +
         std::to_string(std::chrono::duration_cast<std::chrono::seconds>(c.detectors.checkpoint_interval).count());
  out += ",\"stream_max_queued_events\":" + std::to_string(c.stream.max_queued_events);
  out += ",\"stream_replay_chunk_events\":" + std::to_string(c.stream.replay_chunk_events);
  out += ",\"stream_idle_timeout_seconds\":" + std::to_string(c.stream.idle_timeout.count());
  out += ",\"stream_max_message_bytes\":" + std::to_string(c.stream.max_message_bytes);
  out += ",\"webhook_max_attempts\":" + std::to_string(c.webhooks.max_attempts);
  out += ",\"webhook_request_timeout_seconds\":" + std::to_string(c.webhooks.request_timeout.count());
  out += ",\"webhook_backoff_initial_ms\":" + std::to_string(c.webhooks.backoff_initial.count());
  out += ",\"webhook_backoff_max_ms\":" + std::to_string(c.webhooks.backoff_max.count());
  out += ",\"webhook_allow_internal_addresses\":";
  out += c.webhooks.allow_internal_addresses ? "true" : "false";
  out += ",\"lexicon_dir\":";
  append_json_string(c.lexicon_dir, &out);
  out += ",\"log_level\":";
  append_json_string(c.log.level, &out);
  std::set<std::string_view> tenants;
  for (const api_key& k : c.keys) tenants.insert(k.tenant);
  out += ",\"api_keys\":" + std::to_string(c.keys.size());
  out += ",\"tenants_with_keys\":" + std::to_string(tenants.size());
  out += "}";
  return out;
}

}  // namespace vigie::server
