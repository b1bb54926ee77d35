// config: everything `vigie serve` can be told, with its defaults, and how it is loaded.
//
// Precedence: command-line flags > config file (YAML) > built-in defaults; API keys also come
// from VIGIE_API_KEYS=tenant:key[,tenant:key...]. The effective config is validated once at
// start-up; a bad value is reported with its key and the server exits with status 2.
//
//   auto cfg = vigie::server::load_config("vigie.yaml", overrides, std::getenv("VIGIE_API_KEYS"));
//   if (!cfg.ok()) { std::cerr << cfg.status().message(); return 2; }
//
// deploy/vigie.example.yaml documents every key.
//
// Thread safety: plain values, read-only once loaded.

#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/detector_stage.h"
#include "pipeline/pipeline.h"
#include "storage/status.h"
#include "storage/store.h"

namespace vigie::server {

struct http_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  // Threads running the network event loop.
  int io_threads = 1;
  // Requests are refused with 431 past this many bytes of request line and headers.
  std::uint32_t header_limit_bytes = 16 * 1024;
  // Largest request body; larger ones get 413. Bounds the memory one request can take.
  std::uint64_t body_limit_bytes = 32ull << 20;
  // A request (headers and body) must arrive within this time, or the connection is closed:
  // protects against clients that send one byte per second.
  std::chrono::seconds read_timeout{30};
  // A response must be taken by the client within this time.
  std::chrono::seconds write_timeout{30};
  // A keep-alive connection idle this long between requests is closed.
  std::chrono::seconds idle_timeout{60};
  // Connections (HTTP and live feed) beyond this number are accepted and closed at once with
  // 503. Lowered at start-up to the open-file limit minus 1,024 when that is smaller.
  std::uint32_t max_connections = 20000;
  // Answers to an overloaded ingest carry Retry-After with this many seconds.
  std::uint32_t retry_after_seconds = 1;
};

// The live feed, GET /v1/stream.
struct stream_options {
  // Events waiting for one slow client; past it the client is closed with code 4008 and
  // resumes with since=. Bounds the memory a client that never reads can hold.
  std::uint32_t max_queued_events = 10000;
  // Events read from the log per step of a since= replay: bounds a step's memory and time.
  std::uint32_t replay_chunk_events = 256;
  // A client silent this long is pinged; silent as long again after the ping, it is closed.
  std::chrono::seconds idle_timeout{60};
  // Largest message a client may send (the feed does not expect any; control frames pass).
  std::uint32_t max_message_bytes = 4096;
};

// Alert webhooks (PUT /v1/webhooks/{id}).
struct webhook_options {
  // Each attempt is cut off after this time: a hanging endpoint costs at most this.
  std::chrono::seconds request_timeout{10};
  // Attempts per alert before it is given up (counted in vigie_webhook_deliveries_total).
  int max_attempts = 16;
  // Exponential backoff between attempts, with full jitter, capped.
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{60000};
  // Whether webhooks may point at loopback, private, link-local and other internal addresses
  // (webhook_client_options::allow_internal_addresses). Off: any tenant with a key could
  // otherwise make the server send requests inside its network.
  bool allow_internal_addresses = false;
};

// Shortest API key accepted, from the file or VIGIE_API_KEYS: a short key is guessed.
inline constexpr std::size_t min_api_key_bytes = 8;
// Whether an API key can be sent at all: visible ASCII, no spaces (HTTP trims the spaces
// around a header's value, and a header carries no other bytes safely).
bool sendable_api_key(std::string_view key) noexcept;

struct api_key {
  std::string tenant;
  std::string sha256;  // hex digest of the key; the key itself is not kept
};

struct log_options {
  // "debug", "info", "warn", "error"
  std::string level = "info";
};

struct config {
  http_options http;
  storage::store_options storage;
  pipeline::pipeline_options pipeline;
  pipeline::detector_options detectors;
  stream_options stream;
  webhook_options webhooks;
  log_options log;
  std::vector<api_key> keys;
  // Where the sentiment lexicons are read from at start-up.
  std::string lexicon_dir;
};

// Flags given on the command line; unset ones leave the file's or default value.
struct config_overrides {
  std::optional<std::string> listen;  // HOST:PORT
  std::optional<std::string> data_dir;
  std::optional<std::string> lexicon_dir;
};

// Loads and validates. config_path may be empty (defaults only); env_keys may be null.
result<config> load_config(const std::string& config_path, const config_overrides& overrides,
                           const char* env_keys);

// Parses "tenant:key[,tenant:key...]" into hashed keys.
result<std::vector<api_key>> parse_api_keys(std::string_view spec);

// One line of JSON describing the effective config (no key material).
std::string describe(const config& c);

}  // namespace vigie::server
