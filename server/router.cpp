#include "server/router.h"

#include <boost/beast/http.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <optional>

#include "pipeline/enrich.h"
#include "pipeline/mention_codec.h"
#include "pipeline/mention_json.h"
#include "pipeline/mention_parser.h"
#include "server/internal/responses.h"
#include "storage/keys.h"

namespace vigie::server {

namespace http = boost::beast::http;
using pipeline::append_json_string;

namespace internal {

http_response json_response(unsigned status, std::string body, unsigned version, bool keep_alive) {
  http_response res{static_cast<http::status>(status), version};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

http_response json_response(const http_request& req, unsigned status, std::string body) {
  return json_response(status, std::move(body), req.version(), req.keep_alive());
}

http_response error_response(const http_request& req, unsigned status, std::string_view code,
                             std::string_view message) {
  return router::error(status, code, message, req.version(), req.keep_alive());
}

http_response bad_request(const http_request& req, std::string_view message) {
  return error_response(req, 400, "bad_request", message);
}

http_response not_found_response(const http_request& req, std::string_view message) {
  return error_response(req, 404, "not_found", message);
}

http_response status_response(const status& s, unsigned version, bool keep_alive) {
  auto answer = [&](unsigned code, std::string_view name) {
    return router::error(code, name, s.message(), version, keep_alive);
  };
  switch (s.code()) {
    case status_code::ok: return json_response(200, "{}", version, keep_alive);
    case status_code::invalid_argument: return answer(400, "bad_request");
    case status_code::not_found: return answer(404, "not_found");
    case status_code::already_exists: return answer(409, "conflict");
    case status_code::resource_exhausted: return answer(429, "limit_reached");
    case status_code::unavailable: return answer(503, "unavailable");
    case status_code::corruption: return answer(500, "corrupt_data");
    default: return answer(503, "storage_unavailable");
  }
}

http_response status_response(const http_request& req, const status& s) {
  return status_response(s, req.version(), req.keep_alive());
}

result<std::int64_t> parse_time_param(std::string_view name, std::string_view v) {
  // Mentions are dated 1970 to 9999: a range reaches at most the end of 9999. Bounding times
  // here keeps the routes' arithmetic (bucket counts, steps) far from overflow.
  constexpr std::int64_t max_ms = 253402300800000;  // 10000-01-01T00:00:00Z
  std::int64_t ms = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), ms);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size()) {
    auto t = pipeline::parse_rfc3339_ms(v);
    if (!t.ok()) {
      return invalid_argument("query parameter '" + std::string(name) +
                              "' must be RFC 3339 or epoch milliseconds: " + t.status().message());
    }
    ms = *t;
  }
  if (ms < 0 || ms > max_ms) {
    return invalid_argument("query parameter '" + std::string(name) +
                            "' must be from 1970-01-01T00:00:00Z to the end of 9999 (epoch milliseconds 0 to " +
                            std::to_string(max_ms) + ")");
  }
  return ms;
}

status request_params(const http_request& req, std::vector<std::pair<std::string, std::string>>* out) {
  std::string_view target = req.target();
  auto q = target.find('?');
  if (q == std::string_view::npos) {
    out->clear();
    return status{};
  }
  if (!parse_query(target.substr(q + 1), out)) return invalid_argument("malformed query string");
  std::vector<std::string_view> keys;
  keys.reserve(out->size());
  for (const auto& [key, value] : *out) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  if (auto twice = std::adjacent_find(keys.begin(), keys.end()); twice != keys.end()) {
    return invalid_argument("query parameter '" + std::string(*twice) + "' given more than once");
  }
  return status{};
}

}  // namespace internal

namespace {

// The route template a request path belongs to: a bounded set of metric label values.
std::string_view route_of(std::string_view path) {
  for (std::string_view r : {"/v1/mentions", "/v1/watches", "/v1/watches:validate",
                             "/v1/share-of-voice", "/v1/alerts", "/v1/webhooks", "/v1/stream",
                             "/metrics", "/livez", "/readyz"}) {
    if (path == r) return r;
  }
  if (path.starts_with("/v1/alerts/")) {
    return path.ends_with("/ack") ? "/v1/alerts/{id}/ack" : "/v1/alerts/{id}";
  }
  if (path.starts_with("/v1/webhooks/")) return "/v1/webhooks/{id}";
  if (path.starts_with("/v1/mentions/")) return "/v1/mentions/{source}/{id}";
  if (!path.starts_with("/v1/watches/")) return "other";
  std::string_view rest = path.substr(std::string_view("/v1/watches/").size());
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return "/v1/watches/{id}";
  std::string_view sub = rest.substr(slash + 1);
  if (sub == "mentions") return "/v1/watches/{id}/mentions";
  if (sub == "series") return "/v1/watches/{id}/series";
  if (sub == "top") return "/v1/watches/{id}/top";
  if (sub == "backfill") return "/v1/watches/{id}/backfill";
  if (sub == "signals") return "/v1/watches/{id}/signals";
  return "other";
}

// Whether the route (route_of()) takes no query parameter with this method.
bool takes_no_parameters(std::string_view route, http::verb verb) {
  if (route == "/v1/mentions") return verb == http::verb::post;
  if (route == "/v1/watches/{id}/backfill") return verb != http::verb::post;
  for (std::string_view r : {"/v1/watches", "/v1/watches:validate", "/v1/watches/{id}", "/v1/alerts/{id}",
                             "/v1/alerts/{id}/ack", "/v1/webhooks", "/v1/webhooks/{id}"}) {
    if (route == r) return true;
  }
  return false;
}

}  // namespace

std::string_view router::route_label(std::string_view target) { return route_of(target.substr(0, target.find('?'))); }

std::string_view router::method_label(http::verb method) {
  return method == http::verb::unknown ? std::string_view("other") : std::string_view(http::to_string(method));
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static bool percent_decode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out->push_back(c);
    }
  }
  return true;
}

bool percent_decode(std::string_view in, std::string* out) { return percent_decode(in, true, out); }
bool percent_decode_path(std::string_view in, std::string* out) { return percent_decode(in, false, out); }

bool parse_query(std::string_view query, std::vector<std::pair<std::string, std::string>>* out) {
  out->clear();
  std::size_t pos = 0;
  while (pos < query.size()) {
    std::size_t end = query.find('&', pos);
    if (end == std::string_view::npos) end = query.size();
    std::string_view item = query.substr(pos, end - pos);
    pos = end + 1;
    if (item.empty()) continue;
    auto eq = item.find('=');
    std::string key, value;
    if (!percent_decode(item.substr(0, eq), &key)) return false;
    if (eq != std::string_view::npos && !percent_decode(item.substr(eq + 1), &value)) return false;
    out->emplace_back(std::move(key), std::move(value));
  }
  return true;
}

std::string base64url_encode(std::string_view bytes) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = (b(i) << 16) | (b(i + 1) << 8) | b(i + 2);
    for (int s = 18; s >= 0; s -= 6) out.push_back(alphabet[(v >> s) & 63]);
  }
  if (bytes.size() - i == 1) {
    std::uint32_t v = b(i) << 16;
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
  } else if (bytes.size() - i == 2) {
    std::uint32_t v = (b(i) << 16) | (b(i + 1) << 8);
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    out.push_back(alphabet[(v >> 6) & 63]);
  }
  return out;
}

bool base64url_decode(std::string_view text, std::string* out) {
  out->clear();
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
  };
  if (text.size() % 4 == 1) return false;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = val(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // The bits past the last byte are zeros in the one encoding base64url_encode() makes: a
  // text that differs there is not it.
  return (acc & ((1u << bits) - 1)) == 0;
}

namespace {

// FNV-1a over a domain tag and the position, folded to 32 bits.
std::uint32_t cursor_check(std::string_view position) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const char c : std::string_view("vigie cursor\0", 13)) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  for (const char c : position) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  return static_cast<std::uint32_t>(h ^ (h >> 32));
}

}  // namespace

std::string encode_cursor(std::string_view position) {
  std::string bytes(position);
  const std::uint32_t check = cursor_check(position);
  for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<char>((check >> shift) & 0xFF));
  return base64url_encode(bytes);
}

bool decode_cursor(std::string_view text, std::string* position) {
  if (!base64url_decode(text, position) || position->size() < 4) return false;
  const std::size_t n = position->size() - 4;
  std::uint32_t check = 0;
  for (std::size_t i = n; i < position->size(); ++i) check = check << 8 | static_cast<unsigned char>((*position)[i]);
  position->resize(n);
  return check == cursor_check(*position);
}

http_response router::error(unsigned status, std::string_view code, std::string_view message,
                            unsigned version, bool keep_alive) {
  // Messages quote what was sent (an id, a parameter): a 5,000-byte id is not echoed whole.
  constexpr std::size_t max_message_bytes = 1024;
  std::string cut;
  if (message.size() > max_message_bytes) {
    std::size_t end = max_message_bytes;
    while (end > 0 && (static_cast<unsigned char>(message[end]) & 0xC0) == 0x80) --end;  // a whole character
    cut.assign(message.substr(0, end));
    cut += "... (" + std::to_string(message.size()) + " bytes in all)";
    message = cut;
  }
  std::string body = "{\"error\":{\"code\":";
  append_json_string(code, &body);
  body += ",\"message\":";
  append_json_string(message, &body);
  body += "}}";
  return internal::json_response(status, std::move(body), version, keep_alive);
}

namespace {

// The first coding of a Content-Encoding or Transfer-Encoding list ("gzip, chunked") other
// than `accepted`, compared without case; empty when there is none.
std::string unsupported_coding(boost::beast::string_view header, std::string_view accepted) {
  std::string_view list(header.data(), header.size());
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    std::string_view coding = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t')) coding.remove_prefix(1);
    while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) coding.remove_suffix(1);
    if (coding.empty() || boost::beast::iequals(coding, accepted)) continue;
    return std::string(coding.substr(0, 64));
  }
  return {};
}

}  // namespace

std::optional<std::string_view> router::authenticate(const http_request& req, http_response* refusal) const {
  if (req.count(http::field::authorization) > 1) {
    *refusal = error(400, "bad_request", "a request carries one Authorization header, not several", req.version(),
                     req.keep_alive());
    return std::nullopt;
  }
  const auto header = req[http::field::authorization];
  auto tenant = ctx_.auth.tenant_for(std::string_view(header.data(), header.size()));
  if (!tenant) {
    *refusal = error(401, "unauthorized", header.empty() ? "missing Authorization: Bearer <key>" : "invalid API key",
                     req.version(), req.keep_alive());
    refusal->set(http::field::www_authenticate, "Bearer");
  }
  return tenant;
}

namespace {

// The methods no /v1 route reads a body for: one sent is a client's mistake, not to be ignored.
bool takes_no_body(http::verb method) noexcept {
  return method == http::verb::get || method == http::verb::head || method == http::verb::delete_;
}

}  // namespace

bool router::may_read_body(const http_request& header, http_response* refusal) const {
  const std::string_view target(header.target().data(), header.target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  if (!path.starts_with("/v1/") || path == "/v1/stream") {
    *refusal = error(400, "bad_request", "a request to " + std::string(path.substr(0, 256)) + " takes no body",
                     header.version(), false);
    return false;
  }
  if (!authenticate(header, refusal)) return false;
  // A chunked body may still be empty: it is read (with a key), and handle() refuses it unless
  // it is.
  if (!header.chunked() && takes_no_body(header.method())) {
    *refusal = error(400, "bad_request", std::string(header.method_string().substr(0, 32)) + " " +
                                             std::string(path.substr(0, 256)) + " takes no body",
                     header.version(), false);
    return false;
  }
  return true;
}

void router::handle(http_request&& req, reply_fn reply) {
  const auto start = std::chrono::steady_clock::now();
  std::string_view target(req.target().data(), req.target().size());
  std::string_view path = target.substr(0, target.find('?'));
  const std::string_view route = route_of(path);
  const std::string method(req.method_string().substr(0, 32));  // for messages
  const std::string_view method_metric = method_label(req.method());
  const unsigned version = req.version();
  const bool keep_alive = req.keep_alive();

  // Every answer goes through here: metrics, then the session's reply.
  ctx_.metrics.request_started();
  const bool head = req.method() == http::verb::head;
  reply_fn answer = [this, reply = std::move(reply), route, method_metric, start, head](http_response res) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ctx_.metrics.request(method_metric, route, res.result_int(), seconds);
    ctx_.metrics.request_answered();
    if (head) {
      // The headers a GET would get, Content-Length included, and no body: bytes after them
      // would be read as the next response on a keep-alive connection.
      const std::size_t length = res.body().size();
      res.body().clear();
      res.content_length(length);
    }
    reply(std::move(res));
  };
  auto fail = [&](unsigned status, std::string_view code, std::string_view msg) {
    answer(error(status, code, msg, version, keep_alive));
  };
  auto method_not_allowed = [&](std::string_view allow) {
    http_response res = error(405, "method_not_allowed",
                              "method " + method + " is not allowed on " + std::string(path) +
                                  " (allowed: " + std::string(allow) + ")",
                              version, keep_alive);
    res.set(http::field::allow, allow);
    answer(std::move(res));
  };

  if (path == "/livez") {
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      return method_not_allowed("GET, HEAD");
    }
    return answer(internal::json_response(req, 200, "{\"status\":\"ok\"}"));
  }
  if (path == "/readyz") {
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      return method_not_allowed("GET, HEAD");
    }
    bool ready = ctx_.ready.load(std::memory_order_acquire);
    return answer(internal::json_response(
        req, ready ? 200 : 503, ready ? "{\"status\":\"ready\"}" : "{\"status\":\"not_ready\"}"));
  }
  if (path == "/metrics") {
    if (req.method() != http::verb::get) return method_not_allowed("GET");
    return answer(get_metrics(req));
  }
  if (!path.starts_with("/v1/")) {
    return fail(404, "not_found", "no route for " + std::string(path));
  }

  // Every /v1 route needs a key; the tenant comes from the key, never from the request.
  http_response refusal;
  const auto tenant = authenticate(req, &refusal);
  if (!tenant) return answer(std::move(refusal));
  if (!req.body().empty() && takes_no_body(req.method())) {
    return fail(400, "bad_request", method + " " + std::string(path.substr(0, 256)) + " takes no body");
  }

  // Bodies are read as they come: a compressed one would be parsed as its compressed bytes.
  if (auto coding = unsupported_coding(req[http::field::content_encoding], "identity"); !coding.empty()) {
    return fail(415, "unsupported_media_type",
                "Content-Encoding '" + coding + "' is not supported: send the body uncompressed");
  }
  if (auto coding = unsupported_coding(req[http::field::transfer_encoding], "chunked"); !coding.empty()) {
    return fail(501, "not_implemented", "Transfer-Encoding '" + coding + "' is not supported (only chunked)");
  }

  const http::verb verb = req.method();
  // The routes without query parameters refuse any, as the others refuse the ones they do
  // not know: a misspelt option must not be ignored silently.
  if (takes_no_parameters(route, verb)) {
    std::vector<std::pair<std::string, std::string>> params;
    if (status s = internal::request_params(req, &params); !s.ok()) return fail(400, "bad_request", s.message());
    if (!params.empty()) {
      return fail(400, "bad_request",
                  "unknown query parameter '" + params.front().first + "' (" + std::string(route) + " takes none)");
    }
  }
  if (path == "/v1/mentions") {
    if (verb == http::verb::post) return post_mentions(std::move(req), *tenant, std::move(answer));
    if (verb == http::verb::get) return answer(list_mentions(req, *tenant, {}));
    return method_not_allowed("GET, POST");
  }
  if (path.starts_with("/v1/mentions/")) {
    // /v1/mentions/{source}/{id}: decoded first, then split at the first '/': sources hold
    // no '/', ids may ("twitter/123" and "twitter%2F123" are the same ref).
    std::string ref;
    if (!percent_decode_path(path.substr(std::string_view("/v1/mentions/").size()), &ref)) {
      return fail(400, "bad_request", "malformed percent-encoding in the mention reference");
    }
    const auto slash = ref.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == ref.size()) {
      return fail(404, "not_found", "no route for " + std::string(path) + " (GET /v1/mentions/{source}/{id})");
    }
    const std::string source = ref.substr(0, slash), id = ref.substr(slash + 1);
    if (verb == http::verb::get) return answer(get_mention(req, *tenant, source, id));
    return method_not_allowed("GET");
  }
  if (path == "/v1/watches") {
    if (verb == http::verb::get) return answer(list_watches(req, *tenant));
    return method_not_allowed("GET");
  }
  if (path == "/v1/watches:validate") {
    if (verb == http::verb::post) return answer(validate_query(req));
    return method_not_allowed("POST");
  }
  if (path == "/v1/share-of-voice") {
    if (verb == http::verb::get) return answer(share_of_voice(req, *tenant));
    return method_not_allowed("GET");
  }
  if (path == "/v1/alerts") {
    if (verb == http::verb::get) return answer(list_alerts(req, *tenant));
    return method_not_allowed("GET");
  }
  if (path.starts_with("/v1/alerts/")) {
    std::string_view rest = path.substr(std::string_view("/v1/alerts/").size());
    const bool ack = rest.ends_with("/ack");
    if (ack) rest.remove_suffix(4);
    std::string id;
    if (!percent_decode(rest, &id) || id.find('/') != std::string::npos) {
      return fail(404, "not_found", "no route for " + std::string(path));
    }
    if (ack) {
      if (verb == http::verb::post) return ack_alert(req, *tenant, id, std::move(answer));
      return method_not_allowed("POST");
    }
    if (verb == http::verb::get) return answer(get_alert(req, *tenant, id));
    return method_not_allowed("GET");
  }
  if (path == "/v1/stream") {
    return fail(426, "upgrade_required", "GET /v1/stream is a WebSocket: send Upgrade: websocket");
  }
  if (path == "/v1/webhooks") {
    if (verb == http::verb::get) return answer(list_webhooks(req, *tenant));
    return method_not_allowed("GET");
  }
  if (path.starts_with("/v1/webhooks/")) {
    std::string id;
    if (!percent_decode(path.substr(std::string_view("/v1/webhooks/").size()), &id) ||
        !storage::valid_watch_id(id)) {
      return fail(400, "invalid_webhook_id",
                  "webhook id must be 1 to 128 characters of [A-Za-z0-9_.-]");
    }
    if (verb == http::verb::put && storage::dot_segment(id)) {
      return fail(400, "invalid_webhook_id", "a webhook cannot be named '.' or '..': URLs resolve them away");
    }
    if (verb == http::verb::put) return answer(put_webhook(req, *tenant, id));
    if (verb == http::verb::get) return answer(get_webhook(req, *tenant, id));
    if (verb == http::verb::delete_) return answer(delete_webhook(req, *tenant, id));
    return method_not_allowed("GET, PUT, DELETE");
  }
  if (path.starts_with("/v1/watches/")) {
    // /v1/watches/{id}[/sub]: the id is one path segment, percent-decoded.
    std::string_view rest = path.substr(std::string_view("/v1/watches/").size());
    auto slash = rest.find('/');
    std::string_view sub = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    std::string id;
    if (!percent_decode(rest.substr(0, slash), &id)) {
      return fail(400, "bad_request", "malformed percent-encoding in the watch id");
    }
    if (slash != std::string_view::npos && route == "other" && storage::valid_watch_id(id)) {
      return fail(404, "not_found",
                  "no route for " + std::string(path) +
                      " (under /v1/watches/{id}/: mentions, series, top, backfill, signals)");
    }
    if (!storage::valid_watch_id(id)) {
      return fail(400, "invalid_watch_id",
                  "watch id must be 1 to " + std::to_string(storage::max_watch_id_bytes) +
                      " characters of [A-Za-z0-9_.-] (no '/'); got " + std::to_string(id.size()) +
                      " bytes");
    }
    if (sub.empty()) {
      if (verb == http::verb::get) return answer(get_watch(req, *tenant, id));
      if (verb != http::verb::put && verb != http::verb::delete_) {
        return method_not_allowed("GET, PUT, DELETE");
      }
      // Answered once the change is live, from the registry's thread: the network thread is
      // free meanwhile.
      if (verb == http::verb::put && storage::dot_segment(id)) {
        return fail(400, "invalid_watch_id", "a watch cannot be named '.' or '..': URLs resolve them away");
      }
      if (verb == http::verb::put) return put_watch(req, *tenant, id, std::move(answer));
      return delete_watch(req, *tenant, id, std::move(answer));
    }
    if (sub == "mentions") {
      if (verb == http::verb::get) return answer(list_mentions(req, *tenant, id));
      return method_not_allowed("GET");
    }
    if (sub == "series") {
      if (verb == http::verb::get) return answer(watch_series(req, *tenant, id));
      return method_not_allowed("GET");
    }
    if (sub == "top") {
      if (verb == http::verb::get) return answer(watch_top(req, *tenant, id));
      return method_not_allowed("GET");
    }
    if (sub == "signals") {
      if (verb == http::verb::get) return answer(list_signals(req, *tenant, id));
      return method_not_allowed("GET");
    }
    if (sub == "backfill") {
      if (verb == http::verb::post) return answer(start_backfill(req, *tenant, id));
      if (verb == http::verb::get) return answer(backfill_status(req, *tenant, id));
      return method_not_allowed("GET, POST");
    }
  }
  return fail(404, "not_found", "no route for " + std::string(path));
}

http_response router::get_metrics(const http_request& req) {
  http_response res{http::status::ok, req.version()};
  res.set(http::field::content_type, metrics_content_type);
  res.keep_alive(req.keep_alive());
  res.body() = ctx_.metrics.registry().render();
  res.prepare_payload();
  return res;
}

}  // namespace vigie::server
