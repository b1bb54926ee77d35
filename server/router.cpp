#include "server/router.h"

#include <boost/beast/http.hpp>

#include <charconv>
#include <chrono>
#include <optional>

#include "pipeline/enrich.h"
#include "pipeline/mention_codec.h"
#include "pipeline/mention_json.h"
#include "pipeline/mention_parser.h"
#include "storage/keys.h"

namespace vigie::server {

namespace http = boost::beast::http;
using pipeline::append_json_string;

namespace {

constexpr std::string_view json_type = "application/json";

http_response json_response(unsigned status, std::string body, unsigned version, bool keep_alive) {
  http_response res{static_cast<http::status>(status), version};
  res.set(http::field::content_type, json_type);
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

// Parses a time query parameter: RFC 3339 or integer epoch milliseconds.
result<std::int64_t> parse_time_param(std::string_view name, std::string_view v) {
  std::int64_t ms = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), ms);
  if (r.ec == std::errc() && r.ptr == v.data() + v.size()) return ms;
  auto t = pipeline::parse_rfc3339_ms(v);
  if (!t.ok()) {
    return invalid_argument("query parameter '" + std::string(name) +
                            "' must be RFC 3339 or epoch milliseconds: " + t.status().message());
  }
  return t;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool percent_decode(std::string_view in, std::string* out) {
  out->clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
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

// The route template a request path belongs to: a bounded set of metric label values.
std::string_view route_of(std::string_view path) {
  for (std::string_view r : {"/v1/mentions", "/metrics", "/livez", "/readyz"}) {
    if (path == r) return r;
  }
  return "other";
}

}  // namespace

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
  return true;
}

http_response router::error(unsigned status, std::string_view code, std::string_view message,
                            unsigned version, bool keep_alive) {
  std::string body = "{\"error\":{\"code\":";
  append_json_string(code, &body);
  body += ",\"message\":";
  append_json_string(message, &body);
  body += "}}";
  return json_response(status, std::move(body), version, keep_alive);
}

void router::handle(http_request&& req, reply_fn reply) {
  const auto start = std::chrono::steady_clock::now();
  std::string_view target(req.target().data(), req.target().size());
  std::string_view path = target.substr(0, target.find('?'));
  const std::string_view route = route_of(path);
  const std::string method(req.method_string());
  const unsigned version = req.version();
  const bool keep_alive = req.keep_alive();

  // Every answer goes through here: metrics, then the session's reply.
  ctx_.metrics.request_started();
  reply_fn answer = [this, reply = std::move(reply), route, method, start](http_response res) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ctx_.metrics.request(method, route, res.result_int(), seconds);
    ctx_.metrics.request_answered();
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
    return answer(json_response(200, "{\"status\":\"ok\"}", version, keep_alive));
  }
  if (path == "/readyz") {
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      return method_not_allowed("GET, HEAD");
    }
    bool ready = ctx_.ready.load(std::memory_order_acquire);
    return answer(json_response(ready ? 200 : 503,
                                ready ? "{\"status\":\"ready\"}" : "{\"status\":\"not_ready\"}",
                                version, keep_alive));
  }
  if (path == "/metrics") {
    if (req.method() != http::verb::get) return method_not_allowed("GET");
    return answer(get_metrics(req));
  }
  if (!path.starts_with("/v1/")) {
    return fail(404, "not_found", "no route for " + std::string(path));
  }

  // Every /v1 route needs a key; the tenant comes from the key, never from the request.
  auto auth_header = req[http::field::authorization];
  auto tenant = ctx_.auth.tenant_for(std::string_view(auth_header.data(), auth_header.size()));
  if (!tenant) {
    http_response res = error(401, "unauthorized",
                              auth_header.empty() ? "missing Authorization: Bearer <key>"
                                                  : "invalid API key",
                              version, keep_alive);
    res.set(http::field::www_authenticate, "Bearer");
    return answer(std::move(res));
  }

  if (path == "/v1/mentions") {
    if (req.method() == http::verb::post) return post_mentions(std::move(req), *tenant, std::move(answer));
    if (req.method() == http::verb::get) return answer(get_mentions(req, *tenant));
    return method_not_allowed("GET, POST");
  }
  return fail(404, "not_found", "no route for " + std::string(path));
}

void router::post_mentions(http_request&& req, std::string_view tenant, reply_fn reply) {
  const unsigned version = req.version();
  const bool keep_alive = req.keep_alive();
  auto content_type = req[http::field::content_type];
  std::string_view ct(content_type.data(), content_type.size());
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
  pipeline::batch_format format;
  if (ct == "application/x-ndjson" || ct == "application/ndjson" || ct == "application/jsonl" ||
      ct == "text/plain") {
    format = pipeline::batch_format::ndjson;
  } else if (ct == "application/json") {
    format = pipeline::batch_format::json_array;
  } else if (ct.empty()) {
    // No type given: an array starts with '[', anything else is read as NDJSON.
    auto first = req.body().find_first_not_of(" \t\r\n");
    format = first != std::string::npos && req.body()[first] == '['
                 ? pipeline::batch_format::json_array
                 : pipeline::batch_format::ndjson;
  } else {
    return reply(error(415, "unsupported_media_type",
                       "Content-Type must be application/x-ndjson or application/json, not '" +
                           std::string(ct) + "'",
                       version, keep_alive));
  }
  if (req.body().find_first_not_of(" \t\r\n") == std::string::npos) {
    return reply(error(400, "empty_batch", "the request body holds no mention", version, keep_alive));
  }

  auto request = std::make_unique<pipeline::ingest_request>();
  request->tenant = std::string(tenant);
  request->body = std::move(req.body());
  request->format = format;
  request->done = [reply, version, keep_alive](pipeline::ingest_result r) {
    if (!r.status.ok()) {
      bool client = r.status.code() == status_code::invalid_argument;
      return reply(error(client ? 400 : 503, client ? "invalid_batch" : "storage_unavailable",
                         r.status.message(), version, keep_alive));
    }
    std::string body = "{\"accepted\":" + std::to_string(r.accepted) +
                       ",\"duplicates\":" + std::to_string(r.duplicates) +
                       ",\"rejected\":" + std::to_string(r.rejected) + ",\"errors\":[";
    for (std::size_t i = 0; i < r.errors.size(); ++i) {
      if (i) body.push_back(',');
      body += "{\"line\":" + std::to_string(r.errors[i].line) + ",\"reason\":";
      append_json_string(r.errors[i].reason, &body);
      body.push_back('}');
    }
    body += "]";
    if (r.errors_truncated) body += ",\"errors_truncated\":true";
    body += "}";
    reply(json_response(200, std::move(body), version, keep_alive));
  };
  status s = ctx_.ingest.submit(request);
  if (s.ok()) return;
  // Not taken: the request (and its body) came back; answer now.
  if (s.code() == status_code::resource_exhausted) ctx_.metrics.overloaded();
  http_response res = error(503, s.code() == status_code::resource_exhausted ? "overloaded" : "unavailable",
                            s.message(), version, keep_alive);
  res.set(http::field::retry_after, std::to_string(ctx_.cfg.http.retry_after_seconds));
  reply(std::move(res));
}

http_response router::get_mentions(const http_request& req, std::string_view tenant) {
  const unsigned version = req.version();
  const bool keep_alive = req.keep_alive();
  std::string_view target(req.target().data(), req.target().size());
  auto q = target.find('?');
  std::vector<std::pair<std::string, std::string>> params;
  if (q != std::string_view::npos && !parse_query(target.substr(q + 1), &params)) {
    return error(400, "bad_request", "malformed query string", version, keep_alive);
  }
  storage::mention_scan scan;
  scan.tenant = tenant;
  std::size_t limit = default_page_size;
  std::string cursor;
  std::string_view want_sentiment, want_lang, want_source;
  bool explain = false;
  for (const auto& [key, value] : params) {
    if (key == "from" || key == "to") {
      auto t = parse_time_param(key, value);
      if (!t.ok()) return error(400, "bad_request", t.status().message(), version, keep_alive);
      (key == "from" ? scan.from_ms : scan.to_ms) = *t;
    } else if (key == "limit") {
      std::size_t n = 0;
      auto r = std::from_chars(value.data(), value.data() + value.size(), n);
      if (r.ec != std::errc() || r.ptr != value.data() + value.size() || n < 1 || n > max_page_size) {
        return error(400, "bad_request",
                     "query parameter 'limit' must be an integer from 1 to " +
                         std::to_string(max_page_size),
                     version, keep_alive);
      }
      limit = n;
    } else if (key == "cursor") {
      if (!base64url_decode(value, &cursor) || !storage::decode_mention_key_suffix(cursor).ok()) {
        return error(400, "bad_request", "query parameter 'cursor' is not a cursor this server issued",
                     version, keep_alive);
      }
    } else if (key == "sentiment") {
      if (value != "positive" && value != "negative" && value != "neutral") {
        return error(400, "bad_request",
                     "query parameter 'sentiment' must be positive, negative or neutral", version,
                     keep_alive);
      }
      want_sentiment = value;
    } else if (key == "explain") {
      if (value != "true" && value != "false") {
        return error(400, "bad_request", "query parameter 'explain' must be true or false",
                     version, keep_alive);
      }
      explain = value == "true";
    } else if (key == "lang") {
      want_lang = value;
    } else if (key == "source") {
      want_source = value;
    } else {
      return error(400, "bad_request", "unknown query parameter '" + key + "'", version, keep_alive);
    }
  }
  if (scan.from_ms >= scan.to_ms) {
    return error(400, "bad_request", "'from' must be before 'to'", version, keep_alive);
  }
  scan.after_suffix = cursor;

  // Explanations are recomputed from the text with the lexicons loaded now: for analysts who
  // must justify a report. One analyzer per request; its scratch buffers are reused per mention.
  std::optional<pipeline::mention_enricher> explainer;
  pipeline::explanation why;
  if (explain) explainer.emplace(ctx_.lexicons);

  std::string body = "{\"mentions\":[";
  std::size_t returned = 0, scanned = 0;
  std::string last_suffix;
  bool more = false;
  status decode_status;
  status s = ctx_.db.scan_mentions(scan, [&](std::string_view suffix, std::string_view record) {
    if (returned == limit || scanned == max_scanned_per_page) {
      more = true;
      return false;
    }
    ++scanned;
    last_suffix.assign(suffix);
    pipeline::mention_view m;
    decode_status = pipeline::decode_mention(record, &m);
    if (!decode_status.ok()) return false;
    if (!want_sentiment.empty() && pipeline::to_string(m.sent.label) != want_sentiment) return true;
    if (!want_lang.empty() && m.lang != want_lang) return true;
    if (!want_source.empty() && m.source != want_source) return true;
    if (returned) body.push_back(',');
    if (explainer) {
      pipeline::mention_view scored = m;
      explainer->explain(scored, &why);
      pipeline::append_explained_json(m, why, &body);
    } else {
      pipeline::append_enriched_json(m, {}, &body);
    }
    ++returned;
    return true;
  });
  if (!s.ok()) return error(503, "storage_unavailable", s.message(), version, keep_alive);
  if (!decode_status.ok()) {
    return error(500, "corrupt_record", decode_status.message(), version, keep_alive);
  }
  body += "],\"next_cursor\":";
  if (more) {
    body.push_back('"');
    body += base64url_encode(last_suffix);
    body.push_back('"');
  } else {
    body += "null";
  }
  body += "}";
  return json_response(200, std::move(body), version, keep_alive);
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
