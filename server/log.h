// log: structured logs, one JSON object per line on stderr.
//
//   vigie::server::log_info("listening", {{"address", "127.0.0.1:8080"}});
//   // {"ts":"2026-11-22T10:00:00.000Z","level":"info","msg":"listening","address":"127.0.0.1:8080"}
//
// Values are strings unless given as log_field::raw (already JSON: numbers, objects).
//
// Thread safety: every function may be called from any thread; lines never interleave.

#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace vigie::server {

enum class log_level { debug = 0, info = 1, warn = 2, error = 3 };

struct log_field {
  std::string_view key;
  std::string value;
  bool raw = false;  // value is JSON already

  static log_field raw_json(std::string_view key, std::string json) {
    return {key, std::move(json), true};
  }
  static log_field number(std::string_view key, long long v) {
    return {key, std::to_string(v), true};
  }
};

void set_log_level(log_level level) noexcept;
// "debug", "info", "warn" or "error"; anything else leaves the level unchanged.
void set_log_level(std::string_view level) noexcept;
bool log_enabled(log_level level) noexcept;

void log(log_level level, std::string_view msg, std::initializer_list<log_field> fields = {});

inline void log_debug(std::string_view msg, std::initializer_list<log_field> f = {}) {
  log(log_level::debug, msg, f);
}
inline void log_info(std::string_view msg, std::initializer_list<log_field> f = {}) {
  log(log_level::info, msg, f);
}
inline void log_warn(std::string_view msg, std::initializer_list<log_field> f = {}) {
  log(log_level::warn, msg, f);
}
inline void log_error(std::string_view msg, std::initializer_list<log_field> f = {}) {
  log(log_level::error, msg, f);
}

}  // namespace vigie::server
