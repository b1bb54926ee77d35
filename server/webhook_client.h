// webhook_client: delivers alert events to agency endpoints by HTTP POST, with retries.
//
// Each delivery is one event (a JSON object) POSTed to one URL, as is (webhook_format::json) or
// as a Slack message (webhook_format::slack). A 2xx answer means delivered. A 408, 429 or 5xx
// answer, a connection error or a timeout is retried after an exponential backoff with full
// jitter (or after the endpoint's Retry-After, capped), up to max_attempts; any other answer
// (other 4xx, 3xx: redirects are not followed) fails the delivery at once. Every attempt of a
// delivery carries the same Idempotency-Key header, so an endpoint can drop the duplicates that
// retries after a lost answer create.
//
// Deliveries to one URL are made one at a time, in the order deliver() queued them: an agency
// sees its alerts in order. The price is head-of-line blocking: while an endpoint fails, its
// later deliveries wait, up to max_attempts * (request_timeout + backoff_max) per delivery, and
// past max_pending of them deliver() refuses more. Different URLs never wait for each other.
//
//   vigie::server::webhook_client webhooks(ioc, {}, &metrics);   // ioc runs on some thread
//   bool queued = webhooks.deliver(
//       {.url = "https://hooks.example.com/vigie", .format = webhook_format::json,
//        .idempotency_key = "alert-42-open", .event_json = R"({"seq":7,"type":"alert",...})"},
//       [](delivery_outcome outcome, int attempts) { /* on the io_context */ });
//   if (!queued) { /* that URL has max_pending deliveries waiting: count, log, drop */ }
//
// Requests are HTTP/1.1 over a new connection each (Connection: close): alerts are rare, and a
// fresh connection per attempt never trips over one the endpoint closed while idle. https://
// endpoints get TLS 1.2 or later, with the certificate chain checked against the system's trust
// store (or tls_ca_file) and its name against the URL's host (or IP address); the host name is
// sent as SNI. A TLS failure, a bad certificate included, is retried like a connection error:
// endpoints renew certificates, and a mistake there is often fixed within minutes.
//
// Webhook URLs are secrets (a Slack webhook URL is a bearer token): logs and error messages name
// the host and port, never the path or the query.
//
// A delivery with a signing key is signed the Standard Webhooks way (standardwebhooks.com),
// so that a public endpoint can tell our requests from forgeries with any of that spec's
// libraries: headers webhook-id (the idempotency key), webhook-timestamp (Unix seconds, taken
// at each attempt) and webhook-signature "v1,<base64 of HMAC-SHA256(key, id.timestamp.body)>".
//
// Hazard: Asio resolves host names on one background thread per io_context, one lookup at a
// time. connect_timeout bounds how long an attempt waits for its lookup, but a DNS server that
// hangs delays the lookups queued behind it, for every URL, until the system resolver gives up.
//
// Thread safety: deliver() and stop() may be called from any thread; they take a mutex for a
// few map and queue operations and never wait for the network. Completion callbacks run on the
// io_context, one at a time per URL (each URL has its own strand); callbacks for different URLs
// may run concurrently if several threads run the io_context.

#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace boost::asio {
class io_context;
}

namespace vigie::server {

class counter;
class gauge;
class histogram;
class metrics_registry;

enum class webhook_format : std::uint8_t {
  json,   // the event as is
  slack,  // {"text": "..."}: a one-line summary, for Slack incoming webhooks and look-alikes
};

struct webhook_client_options {
  // Resolving the host and opening the TCP connection. An endpoint that is down usually refuses
  // at once; this bounds the wait for one that silently drops packets. Default 5 s.
  std::chrono::milliseconds connect_timeout{5000};
  // One whole attempt: connect, send, and read the answer. A hanging endpoint costs at most
  // this per attempt before the attempt counts as failed and is retried. Default 10 s.
  std::chrono::milliseconds request_timeout{10000};
  // Attempts per delivery, the first included; after the last failed one the delivery is given
  // up and reported as failed. Values below 1 count as 1. Default 16: with the default
  // backoff the waits add up to 9 minutes at most, about half that on average (it rides out an
  // endpoint's restart or deploy, not a long outage). 8 gave a minute at most.
  int max_attempts = 16;
  // The wait before retry n (n = 1, 2, ...) is drawn uniformly in [0, min(backoff_max,
  // backoff_initial * 2^(n-1))]: full jitter, so that endpoints recovering from an outage are
  // not hit by every retry at the same instant. Defaults 500 ms and 60 s.
  std::chrono::milliseconds backoff_initial{500};
  // Also caps an endpoint's Retry-After, so one endpoint cannot park a delivery for hours.
  std::chrono::milliseconds backoff_max{60000};
  // Deliveries waiting or in flight per URL; past it deliver() returns false. Bounds the memory
  // a dead endpoint can pin (max_pending events) and how stale its oldest alert can get.
  // Default 1000.
  std::size_t max_pending = 1000;
  // The answer's body is read up to this size and otherwise ignored: only the status counts, so
  // an endpoint answering with a huge page is still understood. Default 64 KiB.
  std::size_t max_response_bytes = 64 * 1024;
  // PEM file of the certificate authorities https endpoints are checked against; empty: the
  // system's trust store (/etc/ssl/certs). Set it for endpoints under a private CA. Default empty.
  std::string tls_ca_file;
  // Whether deliveries may go to internal addresses (is_internal_address()). Off by default:
  // whoever sets a webhook URL picks where the server sends requests, and these ranges are where
  // a network's unprotected services live (an admin page on 127.0.0.1, a cloud's metadata
  // service on 169.254.169.254). A host whose addresses are all internal fails the delivery at
  // once; of a host with both kinds, only the public addresses are tried. Turn it on when the
  // endpoints are inside your own network. Default false.
  bool allow_internal_addresses = false;
};

// Checks the options once at start-up: positive timeouts, max_attempts and max_pending of at
// least 1, backoff_max >= backoff_initial >= 0, and a tls_ca_file that loads. Says which option
// is wrong. The constructor takes options that fail (it logs a bad tls_ca_file and then fails
// every https delivery), but a server should refuse to start with them.
[[nodiscard]] status validate(const webhook_client_options& options);

struct webhook_delivery {
  std::string url;  // http[s]://host[:port][/path][?query], see parse_webhook_url
  webhook_format format = webhook_format::json;
  // Sent as the Idempotency-Key header, the same on every attempt; empty: no header. Printable
  // ASCII, at most max_idempotency_key_bytes.
  std::string idempotency_key;
  // The event, a JSON object: {"seq":..,"type":"alert","data":{alert}} (DESIGN.md, "Alert").
  std::string event_json;
  // The HMAC key that signs each attempt (webhook_signing_key() of the webhook's secret); empty:
  // not signed. Needs an idempotency key, the signature's message id.
  std::string signing_key;
  // When set and true, the caller no longer wants it (its webhook was replaced or deleted):
  // no attempt starts after that, and it ends as withdrawn. An attempt in flight finishes.
  std::shared_ptr<const std::atomic<bool>> withdrawn;
};

// An Idempotency-Key is typically an alert id and a state ("alert-42-open"); longer ones are
// refused rather than sent, since some servers cap header lines.
inline constexpr std::size_t max_idempotency_key_bytes = 256;

// The HMAC key of a Standard Webhooks secret: "whsec_" then the base64 of 24 to 64 bytes (such
// as `echo whsec_$(openssl rand -base64 32)` makes). invalid_argument saying what is wrong.
result<std::string> webhook_signing_key(std::string_view secret);
// The webhook-signature value: "v1," and the base64 of HMAC-SHA256(key, "<id>.<unix_seconds>.<body>").
std::string webhook_signature(std::string_view key, std::string_view id, std::int64_t unix_seconds,
                              std::string_view body);

enum class delivery_outcome : std::uint8_t {
  delivered,  // the endpoint answered 2xx
  // Not delivered: max_attempts failed, or the endpoint refused for good (4xx other than 408
  // and 429, 3xx), or the delivery was invalid (bad URL, event or key, or https without a
  // usable tls_ca_file: attempts == 0), or stop().
  failed,
  // The caller withdrew it (webhook_delivery::withdrawn) before an attempt succeeded.
  withdrawn,
};

std::string_view to_string(delivery_outcome outcome) noexcept;

// The webhook figures on /metrics. create() registers them once at start-up; a default-built
// value (all null) records nothing. The pointers point into the registry, which must outlive
// every client using them and the io_context handlers those clients leave behind.
//
//   vigie_webhook_deliveries_total{outcome="delivered"|"failed"|"rejected"}
//       deliveries finished, and those refused because their URL's queue was full
//   vigie_webhook_retries_total                 failed attempts followed by another one
//   vigie_webhook_delivery_duration_seconds     deliver() to the 2xx, queueing and retries included
//   vigie_webhook_pending                       deliveries waiting or in flight, all URLs
struct webhook_metrics {
  [[nodiscard]] static result<webhook_metrics> create(metrics_registry& registry);

  counter* delivered = nullptr;
  counter* failed = nullptr;
  counter* rejected = nullptr;
  counter* retried = nullptr;
  histogram* duration = nullptr;
  gauge* pending = nullptr;
  counter* lost = nullptr;  // the dispatcher's: events trimmed from the log before a webhook read them
};

class webhook_client {
 public:
  using done_fn = std::function<void(delivery_outcome outcome, int attempts)>;

  // All network I/O runs on io, which the caller runs (on one thread or several). metrics may
  // be null; it is copied, see webhook_metrics for the lifetime of what it points to.
  webhook_client(boost::asio::io_context& io, webhook_client_options options,
                 const webhook_metrics* metrics);
  // Calls stop().
  ~webhook_client();
  webhook_client(const webhook_client&) = delete;
  webhook_client& operator=(const webhook_client&) = delete;

  // Queues a delivery. done(outcome, attempts) is called exactly once, on the io_context, where
  // attempts is the number of requests tried (0 if the delivery was invalid: bad URL, event or
  // key; the reason is logged). done may call deliver() again, for the next alert. Returns
  // false, and never calls done, when the URL already has max_pending deliveries waiting or in
  // flight, or after stop(). "The same URL" means the same string.
  bool deliver(webhook_delivery d, done_fn done);

  // Cancels timers, resolutions and requests in flight, and ends every queued delivery with
  // done(failed, attempts so far); none is dropped silently. Returns at once: the cancellations
  // and the done calls are posted to the io_context, so they happen only if it keeps running
  // (run() returns once they are through). If the io_context is stopped instead, the callbacks
  // are destroyed without being called. deliver() returns false from now on. Idempotent.
  void stop();

 private:
  struct state;
  class endpoint;

  std::shared_ptr<state> state_;  // shared with the handlers in flight, which may outlive this
};

// The request body of an event in a format. json: event_json as is. slack: {"text": "..."},
// a one-line summary of the alert in data: severity, kind, watch, state (or change),
// observed vs expected, score, started_at and the first top terms; absent fields are left out.
// Fails with invalid_argument, and simdjson's reason, when event_json is not a JSON object (or,
// for slack, has no "data" object).
[[nodiscard]] result<std::string> webhook_body(webhook_format format, std::string_view event_json);

// A webhook URL, split for the request.
struct parsed_url {
  bool tls = false;         // https
  std::string host;         // name or address; IPv6 without its brackets
  std::uint16_t port = 80;  // unless the URL says otherwise: 80, or 443 for https
  std::string target;       // path and query, "/" when the URL has no path
  std::string host_field;   // the Host header: the host as written, plus ":port" if one was given
};

// Whether ip (an IPv4 or IPv6 address, IPv6 without brackets) is internal: unspecified
// (0.0.0.0/8, ::), loopback (127.0.0.0/8, ::1), private (10.0.0.0/8, 172.16.0.0/12,
// 192.168.0.0/16, fc00::/7), link-local (169.254.0.0/16, fe80::/10), carrier-grade NAT
// (100.64.0.0/10), IETF or benchmarking (192.0.0.0/24, 198.18.0.0/15), site-local (fec0::/10),
// multicast, reserved or broadcast (224.0.0.0/3, ff00::/8); an IPv4 address embedded in IPv6
// (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d, 2002:aabb:ccdd::) counts as that address.
// False for text that is not an address.
[[nodiscard]] bool is_internal_address(std::string_view ip) noexcept;

// Whether a URL's host names an internal place without resolving it: an internal IP address,
// or "localhost" and names under ".localhost" (RFC 6761). Other names are checked when a
// delivery resolves them.
[[nodiscard]] bool is_internal_host(std::string_view host) noexcept;

// URLs longer than this are refused: no endpoint needs more, and it bounds what a typo can do.
inline constexpr std::size_t max_webhook_url_bytes = 2048;

// Parses http[s]://host[:port][/path][?query]: the scheme case-insensitively, a host name, IPv4
// address or [IPv6] address, a port in 1..65535. Fails with invalid_argument and a message
// naming the part at fault (never echoing the URL, which may hold a secret) for anything else:
// another scheme, user:password@, a fragment, spaces, control or non-ASCII characters
// (percent-encode them), an empty host.
[[nodiscard]] result<parsed_url> parse_webhook_url(std::string_view url);

}  // namespace vigie::server
