#include <boost/beast/http.hpp>

#include <charconv>
#include <optional>

#include "pipeline/enrich.h"
#include "pipeline/mention_codec.h"
#include "pipeline/mention_json.h"
#include "pipeline/mention_parser.h"
#include "server/internal/responses.h"
#include "server/router.h"
#include "storage/keys.h"

// POST /v1/mentions, GET /v1/mentions, GET /v1/mentions/{source}/{id},
// GET /v1/watches/{id}/mentions.

namespace vigie::server {

namespace http = boost::beast::http;
using pipeline::append_json_string;
using internal::json_response;

void router::post_mentions(http_request&& req, std::string_view tenant, reply_fn reply) {
  const unsigned version = req.version();
  const bool keep_alive = req.keep_alive();
  // The media type without its parameters, lower case (types are case-insensitive).
  auto content_type = req[http::field::content_type];
  std::string ct(content_type.data(), std::min<std::size_t>(content_type.size(), 128));
  ct.resize(std::min(ct.size(), ct.find(';')));
  while (!ct.empty() && (ct.back() == ' ' || ct.back() == '\t')) ct.pop_back();
  while (!ct.empty() && (ct.front() == ' ' || ct.front() == '\t')) ct.erase(0, 1);
  for (char& c : ct) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  // What the body holds, a UTF-8 byte order mark and white space aside.
  const std::string_view body = pipeline::without_bom(req.body());
  const std::size_t first = body.find_first_not_of(" \t\r\n");
  pipeline::batch_format format;
  if (ct == "application/x-ndjson" || ct == "application/ndjson" || ct == "application/jsonl" ||
      ct == "text/plain") {
    format = pipeline::batch_format::ndjson;
  } else if (ct == "application/json") {
    format = pipeline::batch_format::json_array;
  } else if (ct.empty()) {
    // No type given: an array starts with '[', anything else is read as NDJSON.
    format = first != std::string_view::npos && body[first] == '[' ? pipeline::batch_format::json_array
                                                                   : pipeline::batch_format::ndjson;
  } else {
    return reply(error(415, "unsupported_media_type",
                       "Content-Type must be application/x-ndjson (or application/ndjson, application/jsonl, "
                       "text/plain) or application/json, not '" + ct + "'",
                       version, keep_alive));
  }
  // No mention at all: an empty body, or an empty array.
  bool empty_array = false;
  if (format == pipeline::batch_format::json_array && first != std::string_view::npos && body[first] == '[') {
    auto next_after = [&](std::size_t i) { return body.find_first_not_of(" \t\r\n", i + 1); };
    const std::size_t close = next_after(first);
    empty_array = close != std::string_view::npos && body[close] == ']' && next_after(close) == std::string_view::npos;
  }
  if (first == std::string_view::npos || empty_array) {
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
  // Overloaded: try again on this connection. Stopping: the connection ends with this answer,
  // so that a client never sends a next batch into a socket about to close.
  const bool stopping = s.code() != status_code::resource_exhausted;
  http_response res = error(503, stopping ? "unavailable" : "overloaded", s.message(), version, keep_alive && !stopping);
  res.set(http::field::retry_after, std::to_string(ctx_.cfg.http.retry_after_seconds));
  reply(std::move(res));
}

namespace {

bool parse_explain(std::string_view value, bool* explain) {
  if (value != "true" && value != "false") return false;
  *explain = value == "true";
  return true;
}

http_response explain_error(unsigned version, bool keep_alive) {
  return router::error(400, "bad_request", "query parameter 'explain' must be true or false", version, keep_alive);
}

// The watches of a stored mention whose index still has it, into *out. Deleting a watch
// takes its index and counts, not the lists inside the mention records: a deleted watch is
// left out, and so is one created again with the same id whose query did not take the
// mention (one index look-up per watch named).
std::string_view indexed_watches(const storage::store& db, std::string_view tenant, const pipeline::mention_view& m,
                                 std::string* out) {
  out->clear();
  if (m.watches.empty()) return *out;
  std::string key;
  storage::append_mention_key({tenant, m.created_at_ms, m.source, m.id}, &key);
  const std::string_view suffix = storage::mention_key_suffix(key);
  pipeline::for_each_watch(m.watches, [&](std::string_view w) {
    auto indexed = db.watch_has_mention(tenant, w, suffix);
    if (indexed.ok() && !*indexed) return;  // on a read error, as stored
    if (!out->empty()) out->push_back(',');
    out->append(w);
  });
  return *out;
}

// Appends m as enriched JSON; with an explainer, with the tokens and rules behind its score
// (recomputed with the lexicons loaded now; *why is scratch).
void append_mention(pipeline::mention_view m, const storage::store& db, std::string_view tenant,
                    pipeline::mention_enricher* explainer, pipeline::explanation* why, std::string* scratch,
                    std::string* body) {
  m.watches = indexed_watches(db, tenant, m, scratch);
  if (explainer == nullptr) return pipeline::append_enriched_json(m, body);
  pipeline::mention_view scored = m;
  explainer->explain(scored, why);
  pipeline::append_explained_json(m, *why, body);
}

}  // namespace

http_response router::get_mention(const http_request& req, std::string_view tenant, std::string_view source,
                                  std::string_view id) {
  const unsigned version = req.version();
  const bool keep_alive = req.keep_alive();
  std::vector<std::pair<std::string, std::string>> params;
  if (status s = internal::request_params(req, &params); !s.ok()) {
    return error(400, "bad_request", s.message(), version, keep_alive);
  }
  bool explain = false;
  for (const auto& [key, value] : params) {
    if (key != "explain") {
      return error(400, "bad_request", "unknown query parameter '" + key + "'", version, keep_alive);
    }
    if (!parse_explain(value, &explain)) return explain_error(version, keep_alive);
  }
  // Sources are stored lower-case ("News" is "news"); a record stored before they were may
  // still have capitals.
  std::string lower(source);
  const bool had_capitals = storage::fold_source(source, lower.data());
  auto record = ctx_.db.find_mention(tenant, lower, id);
  if (!record.ok() && record.status().code() == status_code::not_found && had_capitals) {
    record = ctx_.db.find_mention(tenant, source, id);
  }
  if (!record.ok() && record.status().code() == status_code::not_found) {
    return internal::not_found_response(req, "no mention '" + std::string(source) + "/" + std::string(id) + "'");
  }
  if (!record.ok()) return internal::status_response(req, record.status());
  pipeline::mention_view m;
  if (status s = pipeline::decode_mention(*record, &m); !s.ok()) {
    return error(500, "corrupt_record", s.message(), version, keep_alive);
  }
  std::optional<pipeline::mention_enricher> explainer;
  if (explain) explainer.emplace(ctx_.lexicons);
  pipeline::explanation why;
  std::string body, scratch;
  append_mention(m, ctx_.db, tenant, explainer ? &*explainer : nullptr, &why, &scratch, &body);
  return json_response(200, std::move(body), version, keep_alive);
}

http_response router::list_mentions(const http_request& req, std::string_view tenant,
                                    std::string_view watch) {
  const unsigned version = req.version();
  const bool keep_alive = req.keep_alive();
  std::vector<std::pair<std::string, std::string>> params;
  if (status s = internal::request_params(req, &params); !s.ok()) {
    return error(400, "bad_request", s.message(), version, keep_alive);
  }
  if (!watch.empty() && !ctx_.watches.contains(std::string(tenant), std::string(watch))) {
    return internal::not_found_response(req, "no watch '" + std::string(watch) + "'");
  }
  storage::mention_scan scan;
  scan.tenant = tenant;
  std::size_t limit = default_page_size;
  std::string cursor;
  std::string_view want_sentiment, want_lang, want_source;
  char lang_filter[2];
  bool explain = false;
  for (const auto& [key, value] : params) {
    if (key == "from" || key == "to") {
      auto t = internal::parse_time_param(key, value);
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
      if (!decode_cursor(value, &cursor) || !storage::decode_mention_key_suffix(cursor).ok()) {
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
      if (!parse_explain(value, &explain)) return explain_error(version, keep_alive);
    } else if (key == "lang") {
      // As mentions store it ("FR", "fr-CA": "fr").
      if (!pipeline::iso639_letters(value, lang_filter)) {
        return error(400, "bad_request", "query parameter 'lang' must be an ISO 639-1 code such as fr or en",
                     version, keep_alive);
      }
      want_lang = std::string_view(lang_filter, 2);
    } else if (key == "source") {
      if (!storage::valid_source(value)) {
        return error(400, "bad_request", "query parameter 'source' must be a source name ([A-Za-z0-9_.-], 1 to 64)",
                     version, keep_alive);
      }
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
  std::string watch_scratch;
  std::size_t returned = 0, scanned = 0;
  std::string last_suffix;
  bool more = false;
  status decode_status;
  auto visit = [&](std::string_view suffix, std::string_view record) {
    if (scanned == max_scanned_per_page) {
      more = true;
      return false;
    }
    ++scanned;
    pipeline::mention_view m;
    decode_status = pipeline::decode_mention(record, &m);
    if (!decode_status.ok()) return false;
    const bool wanted = (want_sentiment.empty() || pipeline::to_string(m.sent.label) == want_sentiment) &&
                        (want_lang.empty() || m.lang == want_lang) &&
                        (want_source.empty() || boost::beast::iequals(m.source, want_source));
    // A full page ends at the next mention that would be on it: a cursor means one is there.
    if (wanted && returned == limit) {
      more = true;
      return false;
    }
    last_suffix.assign(suffix);
    if (!wanted) return true;
    if (returned) body.push_back(',');
    append_mention(m, ctx_.db, tenant, explainer ? &*explainer : nullptr, &why, &watch_scratch, &body);
    ++returned;
    return true;
  };
  status s = watch.empty() ? ctx_.db.scan_mentions(scan, visit)
                           : ctx_.db.scan_watch_mentions(scan, watch, visit);
  if (!s.ok()) return error(503, "storage_unavailable", s.message(), version, keep_alive);
  if (!decode_status.ok()) {
    return error(500, "corrupt_record", decode_status.message(), version, keep_alive);
  }
  body += "],\"next_cursor\":";
  if (more) {
    body.push_back('"');
    body += encode_cursor(last_suffix);
    body.push_back('"');
  } else {
    body += "null";
  }
  body += "}";
  return json_response(200, std::move(body), version, keep_alive);
}

}  // namespace vigie::server
