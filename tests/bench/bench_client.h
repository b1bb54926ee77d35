// bench_client: what the end-to-end benchmarks share to drive the real `vigie serve` binary:
// start it on a free loopback port with a fresh data folder and wait for /readyz, talk to it
// over blocking keep-alive HTTP/1.1 connections, read its /proc figures and /metrics, stop it
// with SIGTERM and check its exit status.
//
//   vigie::bench::set_program_name("watch_bench");            // prefix of die() messages
//   vigie::bench::server_process server({.binary = "build/server/vigie",
//                                        .api_keys = "bench:bench-key"}, dir, "");
//   vigie::bench::http_client c(server.port(), "bench-key");
//   auto res = c.request(http::verb::get, "/v1/watches");     // throws on a network failure
//   int status = server.stop(nullptr);                          // 0 when it drained cleanly
//
// die() kills the server this process started (if any) before exiting 1, so that a failed
// bench never leaves a server behind.
//
// Thread safety: one http_client per thread; a server_process belongs to the thread that made
// it; die() may be called from any thread.

#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/http/span_body.hpp>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

extern char** environ;

namespace vigie::bench {

namespace bench_asio = boost::asio;
namespace bench_beast = boost::beast;
namespace bench_http = bench_beast::http;
using bench_clock = std::chrono::steady_clock;

// A fresh server opens RocksDB, loads the lexicons and compiles its stored watches in a few
// seconds at most; past this it is stuck.
inline constexpr std::chrono::seconds k_ready_timeout{60};
// SIGTERM drains the pipeline and closes RocksDB; past this the server is hung and is killed.
inline constexpr std::chrono::seconds k_stop_timeout{60};
// How often /readyz is polled while the server starts.
inline constexpr std::chrono::milliseconds k_ready_poll{20};
// Answers are small JSON documents, but a GET page of 1000 2-KB articles is a few MB.
inline constexpr std::uint64_t k_response_body_limit = 64u << 20;

namespace internal {
inline std::atomic<const char*> program_name{"bench"};
}  // namespace internal

// The server this process started and has not reaped yet: die() must not leave it running.
inline std::atomic<pid_t> g_server_pid{-1};

inline void set_program_name(const char* name) { internal::program_name.store(name); }

[[noreturn]] inline void die(const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", internal::program_name.load(), message.c_str());
  if (pid_t pid = g_server_pid.exchange(-1); pid > 0) {
    ::kill(pid, SIGKILL);
    int st = 0;
    ::waitpid(pid, &st, 0);
  }
  std::exit(1);
}

inline double seconds_since(bench_clock::time_point t0) {
  return std::chrono::duration<double>(bench_clock::now() - t0).count();
}

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

inline bool parse_size(const char* s, std::size_t* out) {
  std::string_view v(s);
  auto r = std::from_chars(v.data(), v.data() + v.size(), *out);
  return r.ec == std::errc() && r.ptr == v.data() + v.size();
}

// The options of a bench program, read in order: `--name` flags and `--name VALUE` pairs. A
// missing or malformed value prints "<program>: --name needs ..." and the usage to stderr,
// and exits 2.
//
//   for (vigie::bench::option_reader r(argc, argv, usage); r.next();) {
//     if (r.name() == "--vigie") o.vigie = r.value();
//     else if (r.name() == "--runs") r.size_value(&o.runs);
//     else return r.unknown();
//   }
class option_reader {
 public:
  option_reader(int argc, char** argv, void (*usage)(std::FILE*)) : argc_(argc), argv_(argv), usage_(usage) {}

  // Moves to the next argument; false past the last.
  bool next() {
    name_at_ = ++i_;
    return i_ < argc_;
  }
  std::string_view name() const { return argv_[name_at_]; }

  // The argument after the name.
  const char* value() {
    if (i_ + 1 >= argc_) fail("needs a value", nullptr);
    return argv_[++i_];
  }
  // A positive integer (or zero, with zero_ok).
  void size_value(std::size_t* out, bool zero_ok = false) {
    const char* v = value();
    if (!parse_size(v, out) || (*out == 0 && !zero_ok)) fail("needs a positive integer, got", v);
  }
  void size_value(int* out) {
    std::size_t n = 0;
    size_value(&n);
    if (n > static_cast<std::size_t>(std::numeric_limits<int>::max())) fail("needs a smaller integer, got", argv_[i_]);
    *out = static_cast<int>(n);
  }
  // A positive number.
  void real_value(double* out) {
    const char* v = value();
    char* end = nullptr;
    *out = std::strtod(v, &end);
    if (end == v || *end != '\0' || !(*out > 0)) fail("needs a positive number, got", v);
  }
  // For an argument no branch took: the usage to stderr, and the exit status 2.
  int unknown() {
    std::fprintf(stderr, "%s: unknown argument '%s'\n", internal::program_name.load(), argv_[name_at_]);
    usage_(stderr);
    return 2;
  }

 private:
  [[noreturn]] void fail(const char* what, const char* got) {
    if (got != nullptr) {
      std::fprintf(stderr, "%s: %s %s '%s'\n", internal::program_name.load(), argv_[name_at_], what, got);
    } else {
      std::fprintf(stderr, "%s: %s %s\n", internal::program_name.load(), argv_[name_at_], what);
    }
    usage_(stderr);
    std::exit(2);
  }

  int argc_;
  char** argv_;
  void (*usage_)(std::FILE*);
  int i_ = 0;
  int name_at_ = 0;  // the argument name() returns
};

// A new folder under the system's temporary folder: vigie-<name>-XXXXXX.
inline std::filesystem::path make_temp_dir(std::string_view name) {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / ("vigie-" + std::string(name) + "-XXXXXX")).string();
  if (!mkdtemp(tmpl.data())) die("mkdtemp failed: " + std::string(std::strerror(errno)));
  return tmpl;
}

inline void remove_dir(const std::filesystem::path& p) {
  std::error_code ec;
  std::filesystem::remove_all(p, ec);
}

// A field of /proc/PID/status in kB (VmRSS, VmHWM).
inline std::optional<std::uint64_t> proc_status_kb(pid_t pid, std::string_view field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(field) && line.size() > field.size() && line[field.size()] == ':') {
      std::uint64_t kb = 0;
      auto p = line.find_first_of("0123456789");
      if (p == std::string::npos) return std::nullopt;
      std::from_chars(line.data() + p, line.data() + line.size(), kb);
      return kb;
    }
  }
  return std::nullopt;
}

// User + system CPU seconds a process has used so far (/proc/PID/stat), or -1.
inline double proc_cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto p = stat.rfind(')');  // the command name may hold spaces
  if (p == std::string::npos) return -1;
  // After ")": state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15)
  std::size_t field = 2, pos = p + 1;
  unsigned long long utime = 0, stime = 0;
  while (pos < stat.size() && field < 15) {
    while (pos < stat.size() && stat[pos] == ' ') ++pos;
    ++field;
    auto end = stat.find(' ', pos);
    if (end == std::string::npos) end = stat.size();
    if (field == 14) std::from_chars(stat.data() + pos, stat.data() + end, utime);
    if (field == 15) std::from_chars(stat.data() + pos, stat.data() + end, stime);
    pos = end;
  }
  return double(utime + stime) / double(::sysconf(_SC_CLK_TCK));
}

inline std::uint16_t free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) die("socket failed");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    die("cannot find a free port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

// A blocking HTTP/1.1 keep-alive client on one connection. POST bodies are sent as NDJSON,
// PUT bodies as JSON.
class http_client {
 public:
  http_client(std::uint16_t port, std::string_view api_key, std::string_view user_agent = "vigie-ingest-bench")
      : port_(port), auth_header_("Bearer " + std::string(api_key)), user_agent_(user_agent) {}

  void connect() {
    stream_.close();
    buffer_.clear();
    bench_beast::error_code ec;
    stream_.socket().open(bench_asio::ip::tcp::v4(), ec);
    if (!ec) stream_.socket().set_option(bench_asio::ip::tcp::no_delay(true), ec);
    if (!ec) {
      stream_.socket().connect(bench_asio::ip::tcp::endpoint(bench_asio::ip::address_v4::loopback(), port_), ec);
    }
    if (ec) throw bench_beast::system_error(ec);
  }
  bool connected() const { return stream_.socket().is_open(); }

  // One request, one answer; reconnects first if needed. Throws beast::system_error on a
  // network failure (the connection is then closed).
  bench_http::response<bench_http::string_body> request(bench_http::verb verb, std::string_view target,
                                                        std::string_view body = {}, bool auth = true) {
    if (!connected()) connect();
    try {
      bench_http::request<bench_http::span_body<const char>> req{verb, target, 11};
      req.set(bench_http::field::host, "127.0.0.1");
      req.set(bench_http::field::user_agent, user_agent_);
      if (auth) req.set(bench_http::field::authorization, auth_header_);
      if (verb == bench_http::verb::post) req.set(bench_http::field::content_type, "application/x-ndjson");
      if (verb == bench_http::verb::put) req.set(bench_http::field::content_type, "application/json");
      req.body() = bench_beast::span<const char>(body.data(), body.size());
      req.keep_alive(true);
      req.prepare_payload();
      bench_http::write(stream_, req);
      bench_http::response_parser<bench_http::string_body> parser;
      parser.body_limit(k_response_body_limit);
      bench_http::read(stream_, buffer_, parser);
      auto res = parser.release();
      if (!res.keep_alive()) stream_.close();
      return res;
    } catch (...) {
      stream_.close();
      throw;
    }
  }

 private:
  std::uint16_t port_;
  bench_asio::io_context ioc_;
  bench_beast::tcp_stream stream_{ioc_};
  bench_beast::flat_buffer buffer_;
  std::string auth_header_;
  std::string user_agent_;
};

struct server_options {
  std::string binary;    // path of the vigie executable
  std::string api_keys;  // VIGIE_API_KEYS given to the server: tenant:key[,tenant:key...]
};

// `vigie serve` on a free loopback port with its data in DIR/data and its output in
// DIR/server.log. Killed (SIGKILL) by the destructor if stop() was not called.
class server_process {
 public:
  // Starts the server and waits for /readyz 200. config_yaml, when not empty, is written to
  // DIR/vigie.yaml and given with --config.
  server_process(const server_options& o, const std::filesystem::path& dir, const std::string& config_yaml)
      : dir_(dir) {
    std::string config_path;
    if (!config_yaml.empty()) {
      config_path = (dir / "vigie.yaml").string();
      std::ofstream(config_path) << config_yaml;
    }
    log_path_ = (dir / "server.log").string();
    // A port found free can be taken before the server binds it: try a few.
    for (int attempt = 0; attempt < 3; ++attempt) {
      port_ = free_loopback_port();
      spawn(o, (dir / "data").string(), config_path);
      if (wait_ready()) return;
    }
    die("the server did not become ready; see " + log_path_);
  }

  ~server_process() {
    g_server_pid.store(-1);
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int st = 0;
      ::waitpid(pid_, &st, 0);
    }
  }
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  pid_t pid() const { return pid_; }
  std::uint16_t port() const { return port_; }
  const std::string& log_path() const { return log_path_; }

  // SIGTERM; returns the exit status (or 128 + signal), and how long the drain took.
  int stop(double* seconds) {
    auto t0 = bench_clock::now();
    ::kill(pid_, SIGTERM);
    int st = 0;
    for (;;) {
      pid_t r = ::waitpid(pid_, &st, WNOHANG);
      if (r == pid_) break;
      if (bench_clock::now() - t0 > k_stop_timeout) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &st, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (seconds) *seconds = seconds_since(t0);
    pid_ = -1;
    g_server_pid.store(-1);
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    return -1;
  }

 private:
  void spawn(const server_options& o, const std::string& data_dir, const std::string& config_path) {
    std::vector<std::string> args = {o.binary, "serve", "--listen", "127.0.0.1:" + std::to_string(port_),
                                     "--data-dir", data_dir};
    if (!config_path.empty()) {
      args.push_back("--config");
      args.push_back(config_path);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) {
      if (!std::string_view(*e).starts_with("VIGIE_API_KEYS=")) env_strings.emplace_back(*e);
    }
    env_strings.push_back("VIGIE_API_KEYS=" + o.api_keys);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    int rc = posix_spawn(&pid_, o.binary.c_str(), &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) die("cannot start " + o.binary + ": " + std::strerror(rc));
    g_server_pid.store(pid_);
  }

  bool wait_ready() {
    auto t0 = bench_clock::now();
    while (bench_clock::now() - t0 < k_ready_timeout) {
      int st = 0;
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {  // exited: port taken, bad config, ...
        pid_ = -1;
        g_server_pid.store(-1);
        return false;
      }
      try {
        http_client c(port_, "");
        auto res = c.request(bench_http::verb::get, "/readyz", {}, false);
        if (res.result_int() == 200) return true;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(k_ready_poll);
    }
    return false;
  }

  std::filesystem::path dir_;
  std::string log_path_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

// Reads `"name":<integer>` from a small JSON answer.
inline std::size_t json_count(std::string_view body, std::string_view name) {
  std::string key = "\"" + std::string(name) + "\":";
  auto p = body.find(key);
  if (p == std::string_view::npos) return 0;
  p += key.size();
  std::size_t n = 0;
  std::from_chars(body.data() + p, body.data() + body.size(), n);
  return n;
}

// What post_batches saw.
struct post_totals {
  std::size_t accepted = 0, duplicates = 0, rejected = 0;
  std::size_t answers_503 = 0, reconnects = 0;
  double seconds = 0;   // first request to last answer
  std::string failure;  // empty when every batch was answered 200
};

// POSTs every batch once to /v1/mentions over `connections` keep-alive clients (all connected
// before the clock starts), retrying a 503 after its Retry-After and a network error a few
// times. Anything else stops the run and is reported in failure. on_start runs just before
// the first request (to sample the server's CPU time, say).
inline post_totals post_batches(std::uint16_t port, std::string_view api_key, std::string_view user_agent,
                                const std::vector<std::string>& batches, int connections,
                                const std::function<void()>& on_start = {}) {
  // A 503 without a usable Retry-After waits this long; network errors are retried this often.
  constexpr std::chrono::seconds default_retry_after{1};
  constexpr int max_network_attempts = 5;
  std::atomic<std::size_t> next{0}, accepted{0}, duplicates{0}, rejected{0}, busy{0}, reconnects{0};
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::mutex failure_mutex;
  post_totals out;
  auto fail = [&](std::string why) {
    std::lock_guard lock(failure_mutex);
    if (out.failure.empty()) out.failure = std::move(why);
  };
  auto client = [&] {
    http_client c(port, api_key, user_agent);
    try {
      c.connect();
    } catch (const std::exception& e) {
      fail(std::string("connect: ") + e.what());
    }
    ready.fetch_add(1);
    while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
    for (;;) {
      const std::size_t b = next.fetch_add(1);
      if (b >= batches.size()) return;
      int network_failures = 0;
      for (;;) {
        try {
          auto res = c.request(bench_http::verb::post, "/v1/mentions", batches[b]);
          if (res.result_int() == 200) {
            accepted += json_count(res.body(), "accepted");
            duplicates += json_count(res.body(), "duplicates");
            rejected += json_count(res.body(), "rejected");
            break;
          }
          if (res.result_int() == 503) {
            ++busy;
            auto ra = res[bench_http::field::retry_after];
            std::size_t secs = 0;
            const bool given = parse_size(std::string(ra.data(), ra.size()).c_str(), &secs) && secs > 0;
            std::this_thread::sleep_for(given ? std::chrono::seconds(secs) : default_retry_after);
            continue;
          }
          return fail("batch " + std::to_string(b) + ": HTTP " + std::to_string(res.result_int()) + " " +
                      res.body().substr(0, 300));
        } catch (const std::exception& e) {
          ++reconnects;
          if (++network_failures >= max_network_attempts) {
            return fail("batch " + std::to_string(b) + ": " + e.what());
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < connections; ++i) threads.emplace_back(client);
  while (ready.load() < connections) std::this_thread::yield();
  if (on_start) on_start();
  const auto t0 = bench_clock::now();
  go.store(true, std::memory_order_release);
  for (auto& t : threads) t.join();
  out.seconds = seconds_since(t0);
  out.accepted = accepted;
  out.duplicates = duplicates;
  out.rejected = rejected;
  out.answers_503 = busy;
  out.reconnects = reconnects;
  return out;
}

// Sum of a Prometheus sample (all label sets) in a /metrics page.
inline double metric_value(std::string_view page, std::string_view name) {
  double total = 0;
  std::size_t pos = 0;
  while (pos < page.size()) {
    auto eol = page.find('\n', pos);
    if (eol == std::string_view::npos) eol = page.size();
    std::string_view line = page.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.starts_with(name) || line.size() == name.size()) continue;
    char next = line[name.size()];
    if (next != ' ' && next != '{') continue;
    auto sp = line.rfind(' ');
    total += std::strtod(std::string(line.substr(sp + 1)).c_str(), nullptr);
  }
  return total;
}

}  // namespace vigie::bench
