#include "server/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "pipeline/mention_json.h"

namespace vigie::server {

namespace {

std::atomic<int> current_level{static_cast<int>(log_level::info)};
std::mutex write_mu;

std::string_view name(log_level l) {
  switch (l) {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warn: return "warn";
    case log_level::error: return "error";
  }
  return "info";
}

}  // namespace

void set_log_level(log_level level) noexcept { current_level.store(static_cast<int>(level)); }

void set_log_level(std::string_view level) noexcept {
  for (auto l : {log_level::debug, log_level::info, log_level::warn, log_level::error}) {
    if (name(l) == level) set_log_level(l);
  }
}

bool log_enabled(log_level level) noexcept {
  return static_cast<int>(level) >= current_level.load(std::memory_order_relaxed);
}

void log(log_level level, std::string_view msg, std::initializer_list<log_field> fields) {
  if (!log_enabled(level)) return;
  using namespace std::chrono;
  std::string line = "{\"ts\":\"";
  pipeline::append_rfc3339_ms(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count(), &line);
  line += "\",\"level\":\"";
  line += name(level);
  line += "\",\"msg\":";
  pipeline::append_json_string(msg, &line);
  for (const auto& f : fields) {
    line.push_back(',');
    pipeline::append_json_string(f.key, &line);
    line.push_back(':');
    if (f.raw) {
      line += f.value;
    } else {
      pipeline::append_json_string(f.value, &line);
    }
  }
  line += "}\n";
  std::lock_guard lock(write_mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace vigie::server
