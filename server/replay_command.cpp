#include "server/replay_command.h"

#include <simdjson.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "storage/status.h"

namespace vigie::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Batches are cut at this many body bytes whatever --batch says, to stay well under the
// server's request body limit even with 2 KB articles.
constexpr std::size_t max_batch_bytes = 8u << 20;
// Connecting to a live server takes milliseconds; longer means it is down or unreachable.
constexpr auto connect_timeout = 10s;
// The server answers only once the batch is durable (WAL write + fsync), which can take a
// while under load; past this we consider the connection dead and resend.
constexpr auto request_timeout = 120s;
// Responses are small JSON documents; the per-line errors of a fully rejected batch of
// several thousand lines still fit comfortably.
constexpr std::uint64_t response_body_limit = 16u << 20;
// Network failures (refused, reset, timeout) are retried this many times per batch, with
// exponential backoff starting at network_backoff, before giving up.
constexpr int max_network_attempts = 6;
constexpr auto network_backoff = 500ms;
// 429/503 without a usable Retry-After: wait this long. A Retry-After above the cap is
// clamped, so a misconfigured server cannot park the replay for hours.
constexpr double default_retry_after_s = 1.0;
constexpr double max_retry_after_s = 300.0;
// Progress lines on stderr, at most this often.
constexpr auto progress_interval = 1s;
// With --rate, a batch carries at most this much time's worth of mentions, so the load is
// spread instead of arriving in one burst per --batch lines.
constexpr double rate_slice_s = 0.1;
// Beyond any server's ingest: a larger --rate is an error, not a batch size that overflows.
constexpr double max_rate = 1e7;
// One mention every 100 s: a slower rate is no use, and its waits overflow the clock.
constexpr double min_rate = 0.01;

constexpr const char* replay_user_agent =
    "vigie-replay/0.1";  // Boost 1.74 fields take no std::string_view
constexpr std::string_view mentions_path = "/v1/mentions";

void print_error(const std::string& message) {
  std::fprintf(stderr, "vigie replay: %s\n", message.c_str());
}

// ---------------------------------------------------------------------------------------------
// URL: http://host[:port][/prefix]

struct server_url {
  std::string host;        // without brackets for IPv6
  std::string port;        // "80" by default
  std::string host_field;  // Host header, as written in the URL
  std::string target;      // prefix + "/v1/mentions"
};

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const char c = (s[i] >= 'A' && s[i] <= 'Z') ? static_cast<char>(s[i] + 32) : s[i];
    if (c != prefix[i]) return false;
  }
  return true;
}

result<server_url> parse_url(std::string_view url) {
  if (starts_with_nocase(url, "https://")) {
    return invalid_argument("https is not supported by vigie replay ('" + std::string(url) +
                            "'); use http:// to the server or to a local TLS-terminating proxy");
  }
  if (!starts_with_nocase(url, "http://")) {
    return invalid_argument("URL must look like http://host:port[/prefix], got '" +
                            std::string(url) + "'");
  }
  std::string_view rest = url.substr(7);
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (path.find_first_of("?#") != std::string_view::npos) {
    return invalid_argument("URL must not have a query or fragment: '" + std::string(url) + "'");
  }
  if (authority.find('@') != std::string_view::npos) {
    return invalid_argument("URL must not carry credentials; use --key");
  }
  server_url out;
  out.host_field = authority;
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // [::1]:8080
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return invalid_argument("bad IPv6 host in URL");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return invalid_argument("bad host:port in URL");
      port = after.substr(1);
    }
  } else if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return invalid_argument("URL has no host: '" + std::string(url) + "'");
  if (port.empty()) port = "80";
  unsigned port_number = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), port_number);
  if (ec != std::errc() || end != port.data() + port.size() || port_number == 0 ||
      port_number > 65535) {
    return invalid_argument("bad port '" + std::string(port) + "' in URL");
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  out.host = host;
  out.port = port;
  out.target = std::string(path) + std::string(mentions_path);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Token bucket: tokens accrue at `rate` per second up to `burst`; taking more than there is
// sleeps for the deficit. Time spent waiting for the server counts as accrual, so the long-run
// rate is exact whatever the latency.

class token_bucket {
 public:
  token_bucket(double rate, double burst)
      : rate_(rate), burst_(burst), tokens_(burst), last_(steady::now()) {}

  void take(double n) {
    if (rate_ <= 0) return;
    const auto now = steady::now();
    tokens_ =
        std::min(burst_, tokens_ + rate_ * std::chrono::duration<double>(now - last_).count());
    last_ = now;
    tokens_ -= n;
    if (tokens_ < 0) std::this_thread::sleep_for(std::chrono::duration<double>(-tokens_ / rate_));
  }

 private:
  double rate_;
  double burst_;
  double tokens_;
  steady::time_point last_;
};

// ---------------------------------------------------------------------------------------------
// One keep-alive HTTP/1.1 connection, synchronous from the caller's point of view. Operations
// are run as async ops on a private io_context because Beast's timeouts (expires_after) only
// apply to async operations.

class http_client {
 public:
  explicit http_client(server_url url) : url_(std::move(url)), resolver_(ioc_) {}

  // POSTs body to the mentions route. Reconnects and resends on network errors: a batch the
  // server may already have taken is then counted as duplicates, which is harmless.
  [[nodiscard]] status post(const std::string& body, const std::string& authorization,
                            http::response<http::string_body>* response) {
    http::request<http::string_body> request{http::verb::post, url_.target, 11};
    request.set(http::field::host, url_.host_field);
    request.set(http::field::user_agent, replay_user_agent);
    request.set(http::field::content_type, "application/x-ndjson");
    request.set(http::field::authorization, authorization);
    request.keep_alive(true);
    request.body() = body;
    request.prepare_payload();

    std::string last_error;
    auto backoff = std::chrono::duration_cast<std::chrono::milliseconds>(network_backoff);
    bool stale_retry_used = false;
    for (int attempt = 1; attempt <= max_network_attempts; ++attempt) {
      if (attempt > 1 && !last_error.empty()) {
        std::fprintf(stderr, "vigie replay: %s; retrying in %.1fs (attempt %d of %d)\n",
                     last_error.c_str(), static_cast<double>(backoff.count()) / 1000.0, attempt,
                     max_network_attempts);
        std::this_thread::sleep_for(backoff);
        backoff *= 2;
      }
      const bool reused = stream_.has_value();
      if (!reused) {
        if (auto s = connect(); !s.ok()) {
          last_error = s.message();
          continue;
        }
      }
      beast::error_code ec = exchange(request, response);
      if (!ec) {
        if (!response->keep_alive()) close();  // server said Connection: close
        return status::ok_status();
      }
      close();
      last_error = "request to " + url_.host_field + " failed: " + ec.message();
      if (reused && !stale_retry_used) {
        // The server may have closed an idle keep-alive connection: that is routine, so
        // reconnect at once, without a message or an attempt counted.
        stale_retry_used = true;
        --attempt;
      }
    }
    return io_error(last_error + " (giving up after " + std::to_string(max_network_attempts) +
                    " attempts)");
  }

 private:
  // Runs the io_context until the pending operation completes.
  void run() {
    ioc_.restart();
    ioc_.run();
  }

  [[nodiscard]] status connect() {
    beast::error_code ec;
    const auto endpoints = resolver_.resolve(url_.host, url_.port, ec);
    if (ec) return io_error("cannot resolve " + url_.host + ": " + ec.message());
    stream_.emplace(ioc_);
    stream_->expires_after(connect_timeout);
    stream_->async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    run();
    if (ec) {
      stream_.reset();
      return io_error("cannot connect to " + url_.host_field + ": " + ec.message());
    }
    stream_->socket().set_option(tcp::no_delay(true), ec);  // best effort
    buffer_.clear();
    return status::ok_status();
  }

  beast::error_code exchange(http::request<http::string_body>& request,
                             http::response<http::string_body>* response) {
    beast::error_code ec;
    stream_->expires_after(request_timeout);
    http::async_write(*stream_, request, [&](beast::error_code e, std::size_t) { ec = e; });
    run();
    if (ec) {
      // A server that refuses a body from its Content-Length (413, over its body limit)
      // answers and closes before reading it: the write then fails, but the answer may be
      // waiting in the socket. Read it rather than retry the same refused body.
      if (ec != asio::error::broken_pipe && ec != asio::error::connection_reset) return ec;
      const beast::error_code write_error = ec;
      http::response_parser<http::string_body> parser;
      parser.body_limit(response_body_limit);
      stream_->expires_after(std::chrono::seconds(2));
      http::async_read(*stream_, buffer_, parser, [&](beast::error_code e, std::size_t) { ec = e; });
      run();
      if (ec) return write_error;
      *response = parser.release();
      response->keep_alive(false);
      return {};
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(response_body_limit);
    http::async_read(*stream_, buffer_, parser, [&](beast::error_code e, std::size_t) { ec = e; });
    run();
    if (ec) return ec;
    *response = parser.release();
    return ec;
  }

  void close() {
    if (!stream_) return;
    beast::error_code ignored;
    stream_->socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_->socket().close(ignored);
    stream_.reset();
    buffer_.clear();
  }

  server_url url_;
  asio::io_context ioc_;
  tcp::resolver resolver_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

// ---------------------------------------------------------------------------------------------

struct replay_stats {
  std::uint64_t sent = 0;  // lines acknowledged by the server
  std::uint64_t accepted = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t rejected = 0;
  std::uint64_t batches = 0;
  std::uint64_t busy_retries = 0;
};

// Retry-After in seconds (the HTTP-date form is not used by Vigie: default delay).
double retry_after_seconds(const http::response<http::string_body>& response) {
  const auto it = response.find(http::field::retry_after);
  if (it == response.end()) return default_retry_after_s;
  const std::string value(it->value());
  char* end = nullptr;
  const double seconds = std::strtod(value.c_str(), &end);
  if (end == value.c_str() || !std::isfinite(seconds) || seconds < 0)
    return default_retry_after_s;
  return std::min(seconds, max_retry_after_s);
}

std::string one_line(std::string_view body) {
  constexpr std::size_t max_shown = 2000;  // enough for any error message we produce
  std::string out(body.substr(0, max_shown));
  std::replace(out.begin(), out.end(), '\n', ' ');
  if (body.size() > max_shown) out += "...";
  return out;
}

class replayer {
 public:
  replayer(const replay_options& options, server_url url)
      : options_(options),
        client_(std::move(url)),
        authorization_("Bearer " + options.key),
        batch_limit_(options.rate > 0 ? std::clamp<std::size_t>(
                                            static_cast<std::size_t>(options.rate * rate_slice_s),
                                            1, options.batch)
                                      : options.batch),
        bucket_(options.rate, static_cast<double>(batch_limit_)) {}

  int run(std::FILE* in) {
    start_ = last_progress_ = steady::now();
    char* raw = nullptr;
    std::size_t capacity = 0;
    std::uint64_t line_number = 0;
    int exit_status = 0;
    for (;;) {
      errno = 0;
      const ssize_t n = ::getline(&raw, &capacity, in);
      if (n < 0) {
        if (std::ferror(in)) {
          print_error("cannot read " + options_.input + ": " + std::strerror(errno));
          exit_status = 1;
        }
        break;
      }
      ++line_number;
      std::string_view line(raw, static_cast<std::size_t>(n));
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
      body_.append(line);
      body_.push_back('\n');
      file_lines_.push_back(line_number);
      if (file_lines_.size() >= batch_limit_ || body_.size() >= max_batch_bytes) {
        if (!send_batch()) {
          exit_status = 1;
          break;
        }
      }
    }
    std::free(raw);
    if (exit_status == 0 && !file_lines_.empty() && !send_batch()) exit_status = 1;
    print_summary(exit_status == 0);
    // As vigie score: a line the server refused is a line not replayed, and a script must see it.
    if (exit_status == 0 && stats_.rejected > 0) exit_status = 1;
    return exit_status;
  }

 private:
  // Sends body_ until the server takes it; false on a failure that ends the replay.
  bool send_batch() {
    bucket_.take(static_cast<double>(file_lines_.size()));
    const bool ok = send(body_, file_lines_);
    body_.clear();
    file_lines_.clear();
    if (ok) maybe_print_progress();
    return ok;
  }

  // Sends one batch (its NDJSON and the file line of each of its lines).
  bool send(const std::string& body, const std::vector<std::uint64_t>& lines) {
    http::response<http::string_body> response;
    for (;;) {
      if (auto s = client_.post(body, authorization_, &response); !s.ok()) {
        print_error(s.message());
        return false;
      }
      const unsigned code = response.result_int();
      if (code == 413) return send_halves(body, lines);
      if (code == 429 || code == 503) {
        const double wait = retry_after_seconds(response);
        ++stats_.busy_retries;
        std::fprintf(stderr, "vigie replay: server busy (%u), resending batch in %.1fs\n", code,
                     wait);
        std::this_thread::sleep_for(std::chrono::duration<double>(wait));
        continue;
      }
      if (code < 200 || code > 299) {
        std::fprintf(stderr, "vigie replay: server answered %u %s: %s\n", code,
                     std::string(response.reason()).c_str(), one_line(response.body()).c_str());
        return false;
      }
      break;
    }
    return account(response.body(), lines);
  }

  // A batch over the server's body limit: its halves are sent on their own, down to single
  // lines, and a single line still too large is rejected (the server never reads it).
  bool send_halves(const std::string& body, const std::vector<std::uint64_t>& lines) {
    if (lines.size() == 1) {
      std::fprintf(stderr, "vigie replay: %s:%llu: rejected: %zu bytes, over the server's body limit (413)\n",
                   input_name(), static_cast<unsigned long long>(lines[0]), body.size());
      ++stats_.sent;
      ++stats_.rejected;
      return true;
    }
    const std::size_t half = lines.size() / 2;
    std::size_t cut = 0;
    for (std::size_t i = 0; i < half; ++i) cut = body.find('\n', cut) + 1;
    return send(body.substr(0, cut), {lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(half)}) &&
           send(body.substr(cut), {lines.begin() + static_cast<std::ptrdiff_t>(half), lines.end()});
  }

  // Reads {"accepted","duplicates","rejected","errors":[{"line","reason"}]}.
  bool account(const std::string& body, const std::vector<std::uint64_t>& file_lines) {
    simdjson::dom::element doc;
    simdjson::dom::object obj;
    std::uint64_t accepted = 0, duplicates = 0, rejected = 0;
    if (parser_.parse(body).get(doc) || doc.get(obj) || obj["accepted"].get(accepted) ||
        obj["duplicates"].get(duplicates) || obj["rejected"].get(rejected)) {
      print_error("unexpected answer from server (want accepted/duplicates/rejected counts): " +
                  one_line(body));
      return false;
    }
    simdjson::dom::array errors;
    if (!obj["errors"].get(errors)) {
      for (simdjson::dom::element e : errors) {
        std::uint64_t batch_line = 0;
        std::string_view reason;
        if (e["line"].get(batch_line)) continue;
        if (e["reason"].get(reason)) reason = "(no reason given)";
        if (batch_line >= 1 && batch_line <= file_lines.size()) {
          std::fprintf(stderr, "vigie replay: %s:%llu: rejected: %.*s\n", input_name(),
                       static_cast<unsigned long long>(file_lines[batch_line - 1]),
                       static_cast<int>(reason.size()), reason.data());
        } else {
          std::fprintf(stderr, "vigie replay: batch line %llu (out of range): rejected: %.*s\n",
                       static_cast<unsigned long long>(batch_line), static_cast<int>(reason.size()),
                       reason.data());
        }
      }
    }
    const std::uint64_t lines = file_lines.size();
    if (accepted + duplicates + rejected != lines) {
      std::fprintf(stderr, "vigie replay: warning: server counted %llu lines in a batch of %llu\n",
                   static_cast<unsigned long long>(accepted + duplicates + rejected),
                   static_cast<unsigned long long>(lines));
    }
    stats_.sent += lines;
    stats_.accepted += accepted;
    stats_.duplicates += duplicates;
    stats_.rejected += rejected;
    ++stats_.batches;
    return true;
  }

  const char* input_name() const {
    return options_.input == "-" ? "<stdin>" : options_.input.c_str();
  }

  double elapsed_s() const { return std::chrono::duration<double>(steady::now() - start_).count(); }

  void maybe_print_progress() {
    const auto now = steady::now();
    if (now - last_progress_ < progress_interval) return;
    last_progress_ = now;
    const double elapsed = elapsed_s();
    std::fprintf(stderr,
                 "vigie replay: %llu sent, %llu accepted, %llu duplicates, %llu rejected, "
                 "%.0f/s\n",
                 static_cast<unsigned long long>(stats_.sent),
                 static_cast<unsigned long long>(stats_.accepted),
                 static_cast<unsigned long long>(stats_.duplicates),
                 static_cast<unsigned long long>(stats_.rejected),
                 elapsed > 0 ? static_cast<double>(stats_.sent) / elapsed : 0.0);
  }

  void print_summary(bool ok) {
    const double elapsed = elapsed_s();
    std::fprintf(stderr,
                 "vigie replay: %s: %llu sent in %llu batches in %.2fs (%.0f/s): %llu accepted, "
                 "%llu duplicates, %llu rejected; %llu busy retries\n",
                 ok ? "done" : "stopped", static_cast<unsigned long long>(stats_.sent),
                 static_cast<unsigned long long>(stats_.batches), elapsed,
                 elapsed > 0 ? static_cast<double>(stats_.sent) / elapsed : 0.0,
                 static_cast<unsigned long long>(stats_.accepted),
                 static_cast<unsigned long long>(stats_.duplicates),
                 static_cast<unsigned long long>(stats_.rejected),
                 static_cast<unsigned long long>(stats_.busy_retries));
  }

  const replay_options& options_;
  http_client client_;
  std::string authorization_;
  std::size_t batch_limit_;
  token_bucket bucket_;
  simdjson::dom::parser parser_;
  std::string body_;                       // the batch being built, NDJSON
  std::vector<std::uint64_t> file_lines_;  // file line number of each batch line
  replay_stats stats_;
  steady::time_point start_;
  steady::time_point last_progress_;
};

}  // namespace

int run_replay(const replay_options& options) {
  if (options.input.empty()) {
    print_error("no input: give a file, or - for stdin");
    return 2;
  }
  if (options.key.empty()) {
    print_error("--key is required");
    return 2;
  }
  if (options.batch == 0) {
    print_error("--batch must be at least 1");
    return 2;
  }
  if (!std::isfinite(options.rate) || options.rate < 0 || (options.rate > 0 && options.rate < min_rate) ||
      options.rate > max_rate) {
    print_error("--rate must be a number of mentions per second from 0.01 to 10000000 (0 or absent: as fast as the server takes them)");
    return 2;
  }
  auto url = parse_url(options.url);
  if (!url.ok()) {
    print_error(url.status().message());
    return 2;
  }

  std::FILE* in = stdin;
  if (options.input != "-") {
    in = std::fopen(options.input.c_str(), "rb");
    if (in == nullptr) {
      print_error("cannot open " + options.input + ": " + std::strerror(errno));
      return 1;
    }
  }
  int exit_status = 1;
  {
    replayer r(options, std::move(url).value());
    exit_status = r.run(in);
  }
  if (in != stdin) std::fclose(in);
  return exit_status;
}

}  // namespace vigie::server
