#include "server/webhook_client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <arpa/inet.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/ssl.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <unordered_map>
#include <utility>
#include <vector>

#include "pipeline/mention_json.h"
#include "server/log.h"
#include "server/metrics.h"

namespace vigie::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr const char* user_agent = "vigie-webhooks/1";

// The Slack summary names this many of an alert's top terms: more would not fit on a line.
constexpr std::size_t slack_max_terms = 5;

// From a fast endpoint's first answer (tens of ms) to a delivery that retried through a
// minutes-long outage.
std::vector<double> delivery_duration_buckets() {
  return {0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};
}

// ---------------------------------------------------------------------------------------------
// Request bodies

// A number for people: integers as such, others with at most two decimals.
std::string format_number(double v) {
  char buf[64];
  const auto fixed = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 2);
  if (fixed.ec != std::errc()) {  // too long in fixed notation
    const auto general = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 3);
    return std::string(buf, general.ptr);
  }
  char* end = fixed.ptr;
  while (end[-1] == '0') --end;
  if (end[-1] == '.') --end;
  return std::string(buf, end);
}

// A field as display text: strings as they are, numbers briefly; empty when the field is
// absent or of another type, so that the summary simply leaves it out.
std::string field_text(simdjson::dom::object o, std::string_view key) {
  simdjson::dom::element e;
  if (o[key].get(e)) return {};
  std::string_view s;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double d = 0;
  if (!e.get(s)) return std::string(s);
  if (!e.get(i)) return std::to_string(i);
  if (!e.get(u)) return std::to_string(u);
  if (!e.get(d)) return format_number(d);
  return {};
}

// Event times may be RFC 3339 strings or epoch milliseconds (DESIGN.md accepts both).
std::string time_text(simdjson::dom::object o, std::string_view key) {
  std::int64_t ms = 0;
  if (o[key].get(ms)) return field_text(o, key);
  std::string out;
  pipeline::append_rfc3339_ms(ms, &out);
  return out;
}

// Slack reads &, < and > as markup (links, mentions): data must not trigger it. Line breaks in
// a watch name or a term would break the one-line summary.
std::string slack_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\n': case '\r': case '\t': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

// ":rotating_light: critical volume spike on watch acme (open): observed 420 vs expected
// 35.5 (score 4.2) since 2026-11-22T10:00:00Z. Top terms: recall, battery, fire", or for an
// acknowledgement who took it.
std::string slack_text(simdjson::dom::object alert) {
  const std::string severity = field_text(alert, "severity");
  std::string kind = field_text(alert, "kind");
  std::replace(kind.begin(), kind.end(), '_', ' ');
  const std::string watch = field_text(alert, "watch");
  std::string state = field_text(alert, "change");  // what happened, when the event says so
  if (state.empty()) state = field_text(alert, "state");
  const std::string observed = field_text(alert, "observed");
  const std::string expected = field_text(alert, "expected");
  const std::string score = field_text(alert, "score");
  const std::string started = time_text(alert, "started_at");
  const std::string resolved = time_text(alert, "resolved_at");

  // "critical volume spike on watch acme"
  std::string head = severity.empty() ? "" : severity + " ";
  head += kind.empty() ? "alert" : kind;
  if (!watch.empty()) head += " on watch " + watch;

  std::string text;
  if (state == "acknowledged") {
    // ":eyes: critical negative spike on watch acme acknowledged by alice, assigned to bob:
    // calling the client"
    text = ":eyes: " + head + " acknowledged";
    simdjson::dom::object ack;
    if (!alert["acknowledgement"].get(ack)) {
      const std::string by = field_text(ack, "by"), assignee = field_text(ack, "assignee"), note = field_text(ack, "note");
      if (!by.empty()) text += " by " + by;
      if (!assignee.empty()) text += ", assigned to " + assignee;
      if (!note.empty()) text += ": " + note;
    }
    return slack_escape(text);
  }
  if (state == "resolved") {
    text += ":white_check_mark: ";
  } else if (severity == "critical") {
    text += ":rotating_light: ";
  } else if (severity == "warning") {
    text += ":warning: ";
  }
  text += head;
  if (!state.empty()) text += " (" + state + ")";

  std::string figures;
  if (!observed.empty()) figures = "observed " + observed;
  if (!expected.empty()) figures += (figures.empty() ? "expected " : " vs expected ") + expected;
  if (!score.empty()) figures += figures.empty() ? "score " + score : " (score " + score + ")";
  if (!started.empty()) figures += (figures.empty() ? "since " : " since ") + started;
  if (!resolved.empty()) {
    figures += (figures.empty() ? "resolved at " : ", resolved at ") + resolved;
  }
  if (!figures.empty()) text += ": " + figures;

  simdjson::dom::array terms;
  if (!alert["top_terms"].get(terms)) {
    std::string list;
    std::size_t n = 0;
    for (simdjson::dom::element t : terms) {
      std::string_view term;
      // A term is a string, or an object with a "term" field (and counts we do not show).
      if (t.get(term) && t["term"].get(term)) continue;
      if (n++ == slack_max_terms) break;
      if (!list.empty()) list += ", ";
      list += term;
    }
    if (!list.empty()) text += ". Top terms: " + list;
  }
  return slack_escape(text);
}

// ---------------------------------------------------------------------------------------------
// URLs

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
bool ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool ascii_digit(char c) { return c >= '0' && c <= '9'; }

status url_error(std::string message) { return invalid_argument("webhook URL: " + message); }

// Printable ASCII only: a CR or LF in a header value would split the request.
status check_idempotency_key(std::string_view key) {
  if (key.size() > max_idempotency_key_bytes) {
    return invalid_argument("idempotency key is longer than " +
                            std::to_string(max_idempotency_key_bytes) + " bytes");
  }
  for (std::size_t i = 0; i < key.size(); ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    if (c < 0x20 || c > 0x7e) {
      return invalid_argument("idempotency key has a control or non-ASCII byte at offset " +
                              std::to_string(i));
    }
  }
  return status::ok_status();
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// Retry-After in seconds (RFC 9110 also allows an HTTP date, which endpoints rarely send; we
// then fall back to our own backoff). Capped by the caller.
std::optional<milliseconds> retry_after(const http::fields& headers, milliseconds cap) {
  const auto it = headers.find(http::field::retry_after);
  if (it == headers.end()) return std::nullopt;
  const std::string_view v = it->value();
  std::uint64_t seconds = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
  if (ec == std::errc::result_out_of_range) return cap;
  if (ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  // Clamped before the conversion to milliseconds, which would overflow on absurd values.
  const std::chrono::seconds wait(std::min<std::uint64_t>(seconds, 1u << 30));
  return std::min<milliseconds>(cap, wait);
}

// Sets up ctx for https endpoints: verified peers only, and TLS 1.2 at least (older versions
// have practical attacks; every endpoint worth trusting speaks 1.2).
status configure_tls(net::ssl::context& ctx, const std::string& ca_file) {
  boost::system::error_code ec;
  ctx.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                      net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                      net::ssl::context::no_tlsv1_1,
                  ec);
  if (!ec) ctx.set_verify_mode(net::ssl::verify_peer, ec);
  if (ec) return internal_error("cannot set up TLS: " + ec.message());
  if (ca_file.empty()) {
    ctx.set_default_verify_paths(ec);
    if (ec) return internal_error("cannot load the system's trust store: " + ec.message());
  } else {
    ctx.load_verify_file(ca_file, ec);
    if (ec) {
      return invalid_argument("tls_ca_file '" + ca_file + "' cannot be loaded (missing, " +
                              "unreadable, or not PEM certificates): " + ec.message());
    }
  }
  return status::ok_status();
}

using request_ptr = std::shared_ptr<http::request<http::string_body>>;

// One delivery, waiting or in flight.
struct job {
  request_ptr request;  // built once: every attempt sends the same bytes, but for its signature
  std::string signing_key;  // empty: not signed
  webhook_client::done_fn done;
  steady::time_point queued_at;
  std::shared_ptr<const std::atomic<bool>> withdrawn;
  bool is_withdrawn() const { return withdrawn && withdrawn->load(); }
};

// The ranges of is_internal_address(), for an IPv4 address as a number.
bool internal_v4(std::uint32_t a) noexcept {
  const auto in = [a](std::uint32_t network, int bits) { return (a >> (32 - bits)) == (network >> (32 - bits)); };
  return in(0x00000000, 8) ||   // 0.0.0.0/8: this network
         in(0x0A000000, 8) ||   // 10.0.0.0/8: private
         in(0x64400000, 10) ||  // 100.64.0.0/10: carrier-grade NAT
         in(0x7F000000, 8) ||   // 127.0.0.0/8: loopback
         in(0xA9FE0000, 16) ||  // 169.254.0.0/16: link-local, cloud metadata services
         in(0xAC100000, 12) ||  // 172.16.0.0/12: private
         in(0xC0000000, 24) ||  // 192.0.0.0/24: IETF protocol assignments
         in(0xC0A80000, 16) ||  // 192.168.0.0/16: private
         in(0xC6120000, 15) ||  // 198.18.0.0/15: benchmarking
         in(0xE0000000, 3);     // 224.0.0.0/4 multicast, 240.0.0.0/4 reserved and broadcast
}

std::uint32_t v4_at(const net::ip::address_v6::bytes_type& b, std::size_t i) noexcept {
  return std::uint32_t{b[i]} << 24 | std::uint32_t{b[i + 1]} << 16 | std::uint32_t{b[i + 2]} << 8 | b[i + 3];
}

bool internal(const net::ip::address& ip) noexcept {
  if (ip.is_v4()) return internal_v4(ip.to_v4().to_uint());
  const auto b = ip.to_v6().to_bytes();
  const auto zeros = [&b](std::size_t from, std::size_t to) {
    return std::all_of(b.begin() + static_cast<std::ptrdiff_t>(from), b.begin() + static_cast<std::ptrdiff_t>(to),
                       [](unsigned char c) { return c == 0; });
  };
  // ::a.b.c.d (IPv4-compatible, :: and ::1 among them) and ::ffff:a.b.c.d (IPv4-mapped).
  if (zeros(0, 10) && ((b[10] == 0 && b[11] == 0) || (b[10] == 0xFF && b[11] == 0xFF))) return internal_v4(v4_at(b, 12));
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && zeros(4, 12)) return internal_v4(v4_at(b, 12));  // NAT64
  if (b[0] == 0x20 && b[1] == 0x02) return internal_v4(v4_at(b, 2));  // 6to4
  return (b[0] & 0xFE) == 0xFC ||                 // fc00::/7: unique local
         (b[0] == 0xFE && (b[1] & 0x80) != 0) ||  // fe80::/10 link-local, fec0::/10 site-local
         b[0] == 0xFF;                            // ff00::/8: multicast
}

}  // namespace

bool is_internal_address(std::string_view ip) noexcept {
  boost::system::error_code ec;
  const net::ip::address a = net::ip::make_address(std::string(ip), ec);
  return !ec && internal(a);
}

bool is_internal_host(std::string_view host) noexcept {
  std::string name(host);
  std::transform(name.begin(), name.end(), name.begin(), ascii_lower);
  if (!name.empty() && name.back() == '.') name.pop_back();  // the root: "localhost." is localhost
  if (name == "localhost" || name.ends_with(".localhost") || is_internal_address(name)) return true;
  // The resolver also reads the older numeric IPv4 forms ("127.1", "2130706433", "0x7f000001",
  // "0177.0.0.1"), as inet_aton() does: they are checked as the address they stand for.
  in_addr v4{};
  return ::inet_aton(name.c_str(), &v4) != 0 && internal_v4(ntohl(v4.s_addr));
}

std::string_view to_string(delivery_outcome outcome) noexcept {
  switch (outcome) {
    case delivery_outcome::delivered: return "delivered";
    case delivery_outcome::failed: return "failed";
    case delivery_outcome::withdrawn: return "withdrawn";
  }
  return "unknown";
}

status validate(const webhook_client_options& o) {
  if (o.connect_timeout.count() <= 0) return invalid_argument("connect_timeout must be positive");
  if (o.request_timeout.count() <= 0) return invalid_argument("request_timeout must be positive");
  if (o.max_attempts < 1) return invalid_argument("max_attempts must be at least 1");
  if (o.backoff_initial.count() < 0) {
    return invalid_argument("backoff_initial must not be negative");
  }
  if (o.backoff_max < o.backoff_initial) {
    return invalid_argument("backoff_max must be at least backoff_initial");
  }
  if (o.max_pending < 1) return invalid_argument("max_pending must be at least 1");
  net::ssl::context ctx(net::ssl::context::tls_client);
  return configure_tls(ctx, o.tls_ca_file);
}

result<webhook_metrics> webhook_metrics::create(metrics_registry& registry) {
  webhook_metrics m;
  auto deliveries = registry.add_counter(
      "vigie_webhook_deliveries_total",
      "Webhook deliveries finished, by outcome; rejected: refused, the URL's queue was full.",
      {"outcome"});
  if (!deliveries.ok()) return deliveries.status();
  m.delivered = &(*deliveries)->with({"delivered"});
  m.failed = &(*deliveries)->with({"failed"});
  m.rejected = &(*deliveries)->with({"rejected"});
  auto retries = registry.add_counter("vigie_webhook_retries_total",
                                      "Webhook attempts that failed and were tried again.");
  if (!retries.ok()) return retries.status();
  m.retried = &(*retries)->with();
  auto duration = registry.add_histogram(
      "vigie_webhook_delivery_duration_seconds",
      "Time from queueing a webhook delivery to its 2xx answer, retries included.",
      delivery_duration_buckets());
  if (!duration.ok()) return duration.status();
  m.duration = &(*duration)->with();
  auto pending = registry.add_gauge("vigie_webhook_pending",
                                    "Webhook deliveries waiting or in flight, all URLs.");
  if (!pending.ok()) return pending.status();
  m.pending = &(*pending)->with();
  auto lost = registry.add_counter(
      "vigie_webhook_events_lost_total",
      "Seqs of the tenant's log between a webhook that was behind and the first event retention "
      "kept, when it dropped some: how far behind it was (mentions count too), not how many alert "
      "changes were not delivered.");
  if (!lost.ok()) return lost.status();
  m.lost = &(*lost)->with();
  return m;
}

result<std::string> webhook_body(webhook_format format, std::string_view event_json) {
  // Alerts are rare: a parser per call costs less than sharing one between threads would.
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto error = parser.parse(event_json.data(), event_json.size()).get(doc)) {
    return invalid_argument(std::string("event is not valid JSON: ") +
                            simdjson::error_message(error));
  }
  simdjson::dom::object event;
  if (doc.get(event)) return invalid_argument("event is not a JSON object");
  if (format == webhook_format::json) return std::string(event_json);
  simdjson::dom::object alert;
  if (event["data"].get(alert)) {
    return invalid_argument("event has no \"data\" object to summarise");
  }
  std::string body = "{\"text\":";
  pipeline::append_json_string(slack_text(alert), &body);
  body += '}';
  return body;
}

result<parsed_url> parse_webhook_url(std::string_view url) {
  if (url.empty()) return url_error("empty");
  if (url.size() > max_webhook_url_bytes) {
    return url_error("longer than " + std::to_string(max_webhook_url_bytes) + " bytes");
  }
  for (std::size_t i = 0; i < url.size(); ++i) {
    const auto c = static_cast<unsigned char>(url[i]);
    if (c <= 0x20 || c >= 0x7f) {
      return url_error((c == ' ' ? std::string("space") : "byte " + std::to_string(c)) +
                       " at column " + std::to_string(i + 1) +
                       " is not allowed; percent-encode it");
    }
  }
  std::size_t scheme_end = 0;
  while (scheme_end < url.size() && (ascii_alpha(url[scheme_end]) ||
                                     (scheme_end > 0 && ascii_digit(url[scheme_end])))) {
    ++scheme_end;
  }
  if (scheme_end == 0 || url.substr(scheme_end, 3) != "://") {
    return url_error("must start with http:// or https://");
  }
  std::string scheme(url.substr(0, scheme_end));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), ascii_lower);
  if (scheme != "http" && scheme != "https") {
    return url_error("scheme '" + scheme + "' is not supported; use http:// or https://");
  }

  const std::string_view rest = url.substr(scheme_end + 3);
  if (rest.find('#') != std::string_view::npos) {
    return url_error("has a fragment (#...), which is never sent; remove it");
  }
  const std::size_t authority_end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, authority_end);
  std::string_view target =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return url_error("user:password@ is not supported; put the endpoint's token in the path or "
                     "the query");
  }

  parsed_url out;
  if (scheme == "https") {
    out.tls = true;
    out.port = 443;
  }
  std::string_view host = authority;
  std::optional<std::string_view> port;
  if (!authority.empty() && authority.front() == '[') {  // [::1]:8080
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return url_error("IPv6 address lacks its closing ']'");
    host = authority.substr(1, close - 1);
    boost::system::error_code ec;
    net::ip::make_address_v6(std::string(host), ec);
    if (ec) return url_error("bad IPv6 address in brackets");
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return url_error("unexpected characters after the IPv6 address");
      port = after.substr(1);
    }
  } else {
    const std::size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    if (host.empty()) {
      return url_error("has no host (an IPv6 address goes in brackets: http://[::1]/)");
    }
    for (char c : host) {
      if (!ascii_alpha(c) && !ascii_digit(c) && c != '.' && c != '-' && c != '_') {
        return url_error(std::string("host has a bad character '") + c + "'");
      }
    }
  }
  if (port) {
    unsigned number = 0;
    const auto [end, ec] = std::from_chars(port->data(), port->data() + port->size(), number);
    if (port->empty() || ec != std::errc() || end != port->data() + port->size() || number == 0 ||
        number > 65535) {
      return url_error("port '" + std::string(*port) + "' is not a number in 1..65535");
    }
    out.port = static_cast<std::uint16_t>(number);
  }
  out.host = host;
  out.host_field = authority;
  out.target = target.empty() || target.front() == '?' ? "/" + std::string(target)
                                                       : std::string(target);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The client

struct webhook_client::state {
  state(net::io_context& io, webhook_client_options options, webhook_metrics metrics)
      : io(io),
        options(std::move(options)),
        metrics(metrics),
        tls(net::ssl::context::tls_client),
        tls_status(configure_tls(tls, this->options.tls_ca_file)) {
    if (!tls_status.ok()) {
      log_error("webhooks to https URLs will fail", {{"error", tls_status.message()}});
    }
  }

  net::io_context& io;
  const webhook_client_options options;
  const webhook_metrics metrics;
  // Shared by every https connection: OpenSSL makes connections from one context concurrently.
  net::ssl::context tls;
  const status tls_status;  // not ok: https deliveries fail at once, for this reason

  std::mutex mu;
  bool stopped = false;  // guarded by mu
  // The URLs with deliveries waiting or in flight; an endpoint leaves when its queue empties,
  // so this holds only URLs with work. Guarded by mu.
  std::unordered_map<std::string, std::shared_ptr<endpoint>> endpoints;
};

// One URL: its queue, and the delivery in flight, one attempt at a time, on its own strand.
class webhook_client::endpoint : public std::enable_shared_from_this<webhook_client::endpoint> {
 public:
  endpoint(std::shared_ptr<state> s, std::string url, parsed_url where)
      : state_(std::move(s)),
        url_(std::move(url)),
        where_(std::move(where)),
        label_((where_.host.find(':') == std::string::npos ? where_.host
                                                            : "[" + where_.host + "]") +
               ":" + std::to_string(where_.port)),
        strand_(net::make_strand(state_->io)),
        retry_timer_(strand_),
        rng_(std::random_device{}()) {}

  // Guarded by state::mu.
  std::size_t pending_ = 0;  // queue_ plus the delivery in flight
  std::deque<job> queue_;

  // Posted while state::mu is held, so that it runs before the shut_down() of a concurrent
  // stop(), which posts after taking the lock.
  void start() { net::post(strand_, [self = shared_from_this()] { self->do_next(); }); }
  void stop() { net::post(strand_, [self = shared_from_this()] { self->shut_down(); }); }

 private:
  enum class verdict { delivered, retry, fail };

  // One try of the current delivery: its connection and buffers. Handlers hold it, so that a
  // late completion of an abandoned attempt (a resolution that outlived its deadline, a read
  // cancelled by stop) still finds its buffers alive, and is then ignored.
  struct attempt {
    // tls: the client's context for https, null for http.
    attempt(const net::strand<net::io_context::executor_type>& strand, net::ssl::context* tls)
        : resolver(strand), resolve_timer(strand) {
      if (tls) {
        secure.emplace(strand, *tls);
      } else {
        plain.emplace(strand);
      }
    }

    // The connection, under TLS or not; its timeouts are the TCP layer's.
    beast::tcp_stream& tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
    // Calls f with the stream HTTP goes over.
    template <class F>
    void with_stream(F&& f) {
      if (secure) {
        f(*secure);
      } else {
        f(*plain);
      }
    }

    tcp::resolver resolver;
    net::steady_timer resolve_timer;  // the resolver has no timeout of its own
    std::optional<beast::tcp_stream> plain;                      // http
    std::optional<beast::ssl_stream<beast::tcp_stream>> secure;  // https
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    steady::time_point connect_deadline;  // resolving and connecting
    steady::time_point deadline;          // the whole attempt
    bool resolved = false;
    std::vector<tcp::endpoint> allowed;   // the resolved addresses a connection may try
  };
  using attempt_ptr = std::shared_ptr<attempt>;

  void do_next();
  void do_attempt();
  void on_resolve_timeout(attempt_ptr a, beast::error_code ec);
  void on_resolve(attempt_ptr a, beast::error_code ec, tcp::resolver::results_type results);
  void on_connect(attempt_ptr a, beast::error_code ec, tcp::endpoint);
  void do_handshake(const attempt_ptr& a);
  void on_handshake(attempt_ptr a, beast::error_code ec);
  void do_write(const attempt_ptr& a);
  void on_write(attempt_ptr a, beast::error_code ec, std::size_t);
  void on_read(attempt_ptr a, beast::error_code ec, std::size_t);
  void end_attempt(verdict v, std::string why, std::optional<milliseconds> wait = std::nullopt);
  void abandon_attempt();
  void on_retry_timer(beast::error_code ec);
  void complete(delivery_outcome outcome);
  void shut_down();
  milliseconds backoff();
  void count_done(delivery_outcome outcome, steady::time_point queued_at);

  const std::shared_ptr<state> state_;
  const std::string url_;   // the key in state::endpoints
  const parsed_url where_;
  const std::string label_;  // host:port, for logs: the path may hold a secret

  // Below: touched only on strand_.
  net::strand<net::io_context::executor_type> strand_;
  net::steady_timer retry_timer_;
  std::minstd_rand rng_;         // backoff jitter
  std::optional<job> current_;   // the delivery in flight
  int attempts_ = 0;             // made for current_
  attempt_ptr attempt_;          // in flight; null between attempts
};

void webhook_client::endpoint::do_next() {
  {
    std::lock_guard lock(state_->mu);
    if (queue_.empty()) {
      // Leave the map, unless stop() took it already; a later deliver() starts afresh.
      auto it = state_->endpoints.find(url_);
      if (it != state_->endpoints.end() && it->second.get() == this) state_->endpoints.erase(it);
      return;
    }
    current_ = std::move(queue_.front());
    queue_.pop_front();
  }
  attempts_ = 0;
  if (current_->is_withdrawn()) return complete(delivery_outcome::withdrawn);
  do_attempt();
}

void webhook_client::endpoint::do_attempt() {
  ++attempts_;
  attempt_ = std::make_shared<attempt>(strand_, where_.tls ? &state_->tls : nullptr);
  const auto now = steady::now();
  attempt_->deadline = now + state_->options.request_timeout;
  attempt_->connect_deadline = std::min(attempt_->deadline, now + state_->options.connect_timeout);
  attempt_->parser.body_limit(state_->options.max_response_bytes);
  attempt_->resolve_timer.expires_at(attempt_->connect_deadline);
  attempt_->resolve_timer.async_wait(
      beast::bind_front_handler(&endpoint::on_resolve_timeout, shared_from_this(), attempt_));
  attempt_->resolver.async_resolve(
      where_.host, std::to_string(where_.port),
      beast::bind_front_handler(&endpoint::on_resolve, shared_from_this(), attempt_));
}

void webhook_client::endpoint::on_resolve_timeout(attempt_ptr a, beast::error_code ec) {
  if (ec || a != attempt_ || a->resolved) return;
  end_attempt(verdict::retry, "resolving the host timed out");
}

void webhook_client::endpoint::on_resolve(attempt_ptr a, beast::error_code ec,
                                          tcp::resolver::results_type results) {
  if (a != attempt_) return;
  a->resolved = true;
  a->resolve_timer.cancel();
  if (ec) return end_attempt(verdict::retry, "cannot resolve the host: " + ec.message());
  // The addresses are vetted here, after the lookup, and the connection goes to those very
  // addresses: a name cannot pass the check and then resolve elsewhere (DNS rebinding).
  for (const auto& r : results) {
    if (state_->options.allow_internal_addresses || !internal(r.endpoint().address())) a->allowed.push_back(r.endpoint());
  }
  if (a->allowed.empty()) {
    return end_attempt(verdict::fail,
                       "the host resolves only to internal addresses (loopback, private, link-local...), "
                       "which webhooks do not reach unless allow_internal_addresses is set");
  }
  a->tcp().expires_at(a->connect_deadline);
  a->tcp().async_connect(a->allowed,
                         beast::bind_front_handler(&endpoint::on_connect, shared_from_this(), a));
}

void webhook_client::endpoint::on_connect(attempt_ptr a, beast::error_code ec, tcp::endpoint) {
  if (a != attempt_) return;
  if (ec == beast::error::timeout) return end_attempt(verdict::retry, "connecting timed out");
  if (ec) return end_attempt(verdict::retry, "cannot connect: " + ec.message());
  a->tcp().expires_at(a->deadline);
  if (a->secure) return do_handshake(a);
  do_write(a);
}

void webhook_client::endpoint::do_handshake(const attempt_ptr& a) {
  auto& stream = *a->secure;
  // SNI, for servers with several names on one address; RFC 6066 leaves it out for IP literals.
  boost::system::error_code not_ip;
  net::ip::make_address(where_.host, not_ip);
  if (not_ip && !SSL_set_tlsext_host_name(stream.native_handle(), where_.host.c_str())) {
    return end_attempt(verdict::retry, "cannot set the TLS server name");
  }
  stream.set_verify_callback(net::ssl::host_name_verification(where_.host));
  stream.async_handshake(net::ssl::stream_base::client,
                         beast::bind_front_handler(&endpoint::on_handshake, shared_from_this(), a));
}

void webhook_client::endpoint::on_handshake(attempt_ptr a, beast::error_code ec) {
  if (a != attempt_) return;
  if (ec == beast::error::timeout) return end_attempt(verdict::retry, "TLS handshake timed out");
  if (ec) return end_attempt(verdict::retry, "TLS handshake failed: " + ec.message());
  do_write(a);
}

void webhook_client::endpoint::do_write(const attempt_ptr& a) {
  if (!current_->signing_key.empty()) {
    // Signed at each attempt: receivers refuse a timestamp minutes old, and retries span minutes.
    auto& req = *current_->request;
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count();
    const std::string id(req["webhook-id"]);
    req.set("webhook-timestamp", std::to_string(now));
    req.set("webhook-signature", webhook_signature(current_->signing_key, id, now, req.body()));
  }
  a->with_stream([&](auto& stream) {
    http::async_write(stream, *current_->request,
                      beast::bind_front_handler(&endpoint::on_write, shared_from_this(), a));
  });
}

void webhook_client::endpoint::on_write(attempt_ptr a, beast::error_code ec, std::size_t) {
  if (a != attempt_) return;
  if (ec == beast::error::timeout) return end_attempt(verdict::retry, "sending timed out");
  if (ec) return end_attempt(verdict::retry, "sending failed: " + ec.message());
  a->with_stream([&](auto& stream) {
    http::async_read(stream, a->buffer, a->parser,
                     beast::bind_front_handler(&endpoint::on_read, shared_from_this(), a));
  });
}

void webhook_client::endpoint::on_read(attempt_ptr a, beast::error_code ec, std::size_t) {
  if (a != attempt_) return;
  // Once the header is in, the status is known: a body too long or cut short changes nothing.
  if (ec && !a->parser.is_header_done()) {
    if (ec == beast::error::timeout) return end_attempt(verdict::retry, "no answer in time");
    return end_attempt(verdict::retry, "reading the answer failed: " + ec.message());
  }
  const auto& res = a->parser.get();
  const unsigned code = res.result_int();
  const std::string why = "HTTP " + std::to_string(code);
  if (code >= 200 && code < 300) return end_attempt(verdict::delivered, why);
  if (code == 408 || code == 429 || (code >= 500 && code < 600)) {
    return end_attempt(verdict::retry, why, retry_after(res, state_->options.backoff_max));
  }
  end_attempt(verdict::fail, why);
}

void webhook_client::endpoint::abandon_attempt() {
  // Whatever is still pending on the attempt completes with an error and is ignored. No TLS
  // close_notify: the answer is in (or given up on), and the endpoint expects a close.
  attempt_->resolver.cancel();
  attempt_->resolve_timer.cancel();
  attempt_->tcp().close();
  attempt_.reset();
}

void webhook_client::endpoint::end_attempt(verdict v, std::string why,
                                           std::optional<milliseconds> wait) {
  abandon_attempt();
  const int max_attempts = std::max(1, state_->options.max_attempts);
  if (v == verdict::delivered) return complete(delivery_outcome::delivered);
  if (v == verdict::fail || attempts_ >= max_attempts) {
    log_warn(v == verdict::fail ? "webhook delivery failed for good"
                                : "webhook delivery given up after max_attempts",
             {{"endpoint", label_}, log_field::number("attempts", attempts_), {"reason", why}});
    return complete(delivery_outcome::failed);
  }
  const milliseconds delay = wait ? *wait : backoff();
  log_debug("webhook attempt failed, will retry",
            {{"endpoint", label_}, log_field::number("attempt", attempts_), {"reason", why},
             log_field::number("retry_in_ms", delay.count())});
  if (state_->metrics.retried) state_->metrics.retried->inc();
  retry_timer_.expires_after(delay);
  retry_timer_.async_wait(
      beast::bind_front_handler(&endpoint::on_retry_timer, shared_from_this()));
}

void webhook_client::endpoint::on_retry_timer(beast::error_code ec) {
  // Cancelled by stop(), or fired just before stop() ended the delivery.
  if (ec || !current_) return;
  if (current_->is_withdrawn()) return complete(delivery_outcome::withdrawn);
  do_attempt();
}

milliseconds webhook_client::endpoint::backoff() {
  const auto& o = state_->options;
  milliseconds ceiling = o.backoff_initial;
  for (int i = 1; i < attempts_ && ceiling < o.backoff_max; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, o.backoff_max);
  if (ceiling.count() <= 0) return milliseconds(0);
  return milliseconds(std::uniform_int_distribution<milliseconds::rep>(0, ceiling.count())(rng_));
}

void webhook_client::endpoint::count_done(delivery_outcome outcome,
                                          steady::time_point queued_at) {
  const webhook_metrics& m = state_->metrics;
  if (m.pending) m.pending->sub(1);
  if (outcome == delivery_outcome::failed) {
    if (m.failed) m.failed->inc();
    return;
  }
  if (outcome == delivery_outcome::withdrawn) return;  // sent again elsewhere, or not wanted
  if (m.delivered) m.delivered->inc();
  if (m.duration) {
    m.duration->observe(std::chrono::duration<double>(steady::now() - queued_at).count());
  }
}

void webhook_client::endpoint::complete(delivery_outcome outcome) {
  job j = std::move(*current_);
  current_.reset();
  {
    // Before done(): a done() that queues again to this URL must find the room it freed.
    std::lock_guard lock(state_->mu);
    --pending_;
  }
  count_done(outcome, j.queued_at);
  j.done(outcome, attempts_);
  do_next();
}

void webhook_client::endpoint::shut_down() {
  retry_timer_.cancel();
  if (attempt_) abandon_attempt();
  std::deque<job> waiting;
  {
    std::lock_guard lock(state_->mu);
    waiting.swap(queue_);
    pending_ = 0;
  }
  if (current_) {
    job j = std::move(*current_);
    current_.reset();
    count_done(delivery_outcome::failed, j.queued_at);
    j.done(delivery_outcome::failed, attempts_);
  }
  for (job& j : waiting) {
    count_done(delivery_outcome::failed, j.queued_at);
    j.done(delivery_outcome::failed, 0);
  }
}

result<std::string> webhook_signing_key(std::string_view secret) {
  constexpr std::string_view prefix = "whsec_";
  auto bad = [] {
    return invalid_argument("field 'secret' must be \"whsec_\" and the base64 of 24 to 64 random bytes "
                            "(Standard Webhooks), such as echo whsec_$(openssl rand -base64 32) makes");
  };
  if (!secret.starts_with(prefix)) return bad();
  const std::string_view b64 = secret.substr(prefix.size());
  // 24 to 64 bytes are 32 to 88 base64 characters, padded to a multiple of 4.
  if (b64.size() < 32 || b64.size() > 88 || b64.size() % 4 != 0) return bad();
  std::size_t padding = 0;
  for (std::size_t i = 0; i < b64.size(); ++i) {
    const char c = b64[i];
    const bool pad = c == '=' && i + 2 >= b64.size() && (i + 1 == b64.size() || b64[i + 1] == '=');
    if (!(ascii_alpha(c) || ascii_digit(c) || c == '+' || c == '/' || pad)) return bad();
    padding += pad;
  }
  std::string key(b64.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(key.data()),
                                reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0) return bad();
  key.resize(static_cast<std::size_t>(n) - padding);  // EVP_DecodeBlock counts the padding as zeros
  if (key.size() < 24 || key.size() > 64) return bad();
  return key;
}

std::string webhook_signature(std::string_view key, std::string_view id, std::int64_t unix_seconds,
                              std::string_view body) {
  std::string message;
  message.reserve(id.size() + body.size() + 24);
  message.append(id).push_back('.');
  message.append(std::to_string(unix_seconds)).push_back('.');
  message.append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), mac, &mac_size);
  return "v1," + base64(std::string_view(reinterpret_cast<const char*>(mac), mac_size));
}

webhook_client::webhook_client(net::io_context& io, webhook_client_options options,
                               const webhook_metrics* metrics)
    : state_(std::make_shared<state>(io, std::move(options),
                                     metrics ? *metrics : webhook_metrics{})) {}

webhook_client::~webhook_client() { stop(); }

bool webhook_client::deliver(webhook_delivery d, done_fn done) {
  const webhook_metrics& m = state_->metrics;
  auto where = parse_webhook_url(d.url);
  auto body =
      where.ok() ? webhook_body(d.format, d.event_json) : result<std::string>(where.status());
  status valid = body.ok() ? check_idempotency_key(d.idempotency_key) : body.status();
  if (valid.ok() && !d.signing_key.empty() && d.idempotency_key.empty()) {
    valid = invalid_argument("a signed delivery needs an idempotency key: the signature's message id");
  }
  if (valid.ok() && where->tls && !state_->tls_status.ok()) valid = state_->tls_status;
  if (!valid.ok()) {
    {
      std::lock_guard lock(state_->mu);
      if (state_->stopped) return false;
    }
    // A bug upstream, not the endpoint's fault: no point in retrying. The URL stays out of the
    // log, as it may be the very secret a typo broke.
    log_error("webhook delivery is invalid", {{"error", valid.message()}});
    if (m.failed) m.failed->inc();
    net::post(state_->io, [done = std::move(done)] { done(delivery_outcome::failed, 0); });
    return true;
  }

  auto request = std::make_shared<http::request<http::string_body>>(http::verb::post,
                                                                    where->target, 11);
  request->set(http::field::host, where->host_field);
  request->set(http::field::user_agent, user_agent);
  request->set(http::field::content_type, "application/json");
  if (!d.idempotency_key.empty()) request->set("Idempotency-Key", d.idempotency_key);
  if (!d.signing_key.empty()) request->set("webhook-id", d.idempotency_key);
  request->keep_alive(false);
  request->body() = std::move(*body);
  request->prepare_payload();

  std::lock_guard lock(state_->mu);
  if (state_->stopped) return false;
  auto it = state_->endpoints.find(d.url);
  if ((it == state_->endpoints.end() ? 0 : it->second->pending_) >= state_->options.max_pending) {
    if (m.rejected) m.rejected->inc();
    return false;
  }
  const bool idle = it == state_->endpoints.end();
  if (idle) {
    it = state_->endpoints
             .emplace(d.url, std::make_shared<endpoint>(state_, d.url, std::move(*where)))
             .first;
  }
  endpoint& ep = *it->second;
  ++ep.pending_;
  ep.queue_.push_back({std::move(request), std::move(d.signing_key), std::move(done), steady::now(), std::move(d.withdrawn)});
  if (m.pending) m.pending->add(1);
  if (idle) ep.start();
  return true;
}

void webhook_client::stop() {
  std::unordered_map<std::string, std::shared_ptr<endpoint>> endpoints;
  {
    std::lock_guard lock(state_->mu);
    if (state_->stopped) return;
    state_->stopped = true;
    endpoints.swap(state_->endpoints);
  }
  for (auto& [url, ep] : endpoints) ep->stop();
}

}  // namespace vigie::server
