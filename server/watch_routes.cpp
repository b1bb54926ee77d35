// Watches: PUT/GET/DELETE /v1/watches/{id}, GET /v1/watches, POST /v1/watches:validate,
// GET /v1/watches/{id}/series, GET /v1/watches/{id}/top, GET /v1/share-of-voice,
// POST/GET /v1/watches/{id}/backfill.

#include <boost/beast/http.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>
#include <tuple>
#include <unordered_map>

#include "pipeline/mention.h"
#include "pipeline/mention_json.h"
#include "pipeline/watch.h"
#include "server/internal/responses.h"
#include "server/router.h"
#include "storage/keys.h"
#include "storage/series.h"

namespace vigie::server {

namespace http = boost::beast::http;
using internal::bad_request;
using internal::json_response;
using internal::status_response;
using pipeline::append_json_string;
using pipeline::append_rfc3339_ms;

namespace {

// A series answer holds at most this many buckets; ask for a coarser interval beyond.
constexpr std::int64_t max_series_buckets = 10000;
// Share of voice compares at most this many watches at once.
constexpr std::size_t max_share_of_voice_watches = 20;
// Top authors and sources: default and largest list length.
constexpr std::size_t default_top = 10;
constexpr std::size_t max_top = 100;
constexpr std::int64_t day_ms = 86'400'000;

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void append_number(double v, std::string* out) {
  char buf[32];
  if (v > -0.00005 && v < 0.00005) v = 0;  // no "-0.0000"
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 4);
  out->append(buf, r.ptr);
}

void append_time_field(std::string_view name, std::int64_t ms, std::string* out) {
  out->push_back('"');
  out->append(name);
  out->append("\":\"");
  append_rfc3339_ms(ms, out);
  out->push_back('"');
}

// from/to query parameters with defaults: [to - default_span, to), to defaulting to now.
struct time_range {
  std::int64_t from_ms, to_ms;
};

// Reads from, to and the listed extra parameters; anything else is an error.
result<time_range> read_range(const std::vector<std::pair<std::string, std::string>>& params,
                              std::int64_t default_span_ms,
                              std::initializer_list<std::string_view> extra) {
  std::optional<std::int64_t> from, to;
  for (const auto& [key, value] : params) {
    if (key == "from" || key == "to") {
      auto t = internal::parse_time_param(key, value);
      if (!t.ok()) return t.status();
      (key == "from" ? from : to) = *t;
    } else if (std::find(extra.begin(), extra.end(), key) == extra.end()) {
      return invalid_argument("unknown query parameter '" + key + "'");
    }
  }
  time_range r;
  r.to_ms = to.value_or(now_ms());
  r.from_ms = from.value_or(std::max<std::int64_t>(0, r.to_ms - default_span_ms));  // not before 1970
  if (r.from_ms >= r.to_ms) return invalid_argument("'from' must be before 'to'");
  return r;
}

// The range in whole buckets of an interval: from the one holding from_ms to the end of the
// one holding the last instant before to_ms. What series, top and share-of-voice count and
// echo.
time_range widened(const time_range& r, storage::series_interval interval) {
  return {storage::bucket_start(r.from_ms, interval),
          storage::bucket_start(r.to_ms - 1, interval) + storage::interval_ms(interval)};
}

// A parameter's value; nullopt when it is not given. Given empty ("interval=", "interval"),
// it is a value to refuse, not a default to take.
std::optional<std::string_view> param(const std::vector<std::pair<std::string, std::string>>& params,
                                      std::string_view key) {
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return std::nullopt;
}

void append_counters(const storage::series_counters& c, std::string* out) {
  out->append("\"volume\":" + std::to_string(c.volume));
  out->append(",\"positive\":" + std::to_string(c.positive));
  out->append(",\"negative\":" + std::to_string(c.negative));
  out->append(",\"neutral\":" + std::to_string(c.neutral));
  out->append(",\"mean_sentiment\":");
  append_number(c.mean_sentiment(), out);
  out->append(",\"reach\":" + std::to_string(c.reach));
}

}  // namespace

void router::put_watch(const http_request& req, std::string_view tenant, const std::string& id,
                       reply_fn reply) {
  auto w = pipeline::parse_watch_json(req.body(), id);
  if (!w.ok()) return reply(bad_request(req, w.status().message()));
  const bool existed = ctx_.watches.contains(std::string(tenant), id);
  const unsigned version = req.version();
  const bool keep_alive = req.keep_alive();
  // Filled by the query parser; the callback may run later, on the registry's thread.
  auto where = std::make_shared<pipeline::query_error>();
  where->position = std::string::npos;
  ctx_.watches.put_async(
      std::string(tenant), std::move(w).value(),
      [where, reply, existed, version, keep_alive](result<pipeline::watch> stored) {
        if (!stored.ok()) {
          if (stored.status().code() == status_code::invalid_argument &&
              where->position != std::string::npos) {
            // The query's own error, with where it is, for an editor to underline.
            std::string body = "{\"error\":{\"code\":\"invalid_query\",\"message\":";
            append_json_string(stored.status().message(), &body);
            body += ",\"position\":" + std::to_string(where->position) +
                    ",\"column\":" + std::to_string(where->column) + "}}";
            return reply(json_response(400, std::move(body), version, keep_alive));
          }
          return reply(internal::status_response(stored.status(), version, keep_alive));
        }
        std::string body;
        pipeline::append_watch_json(*stored, &body);
        reply(json_response(existed ? 200 : 201, std::move(body), version, keep_alive));
      },
      where.get());
}

http_response router::get_watch(const http_request& req, std::string_view tenant, const std::string& id) {
  auto stored = ctx_.db.get_watch(tenant, id);
  if (!stored.ok()) return status_response(req, stored.status());
  return json_response(req, 200, std::move(stored).value());
}

void router::delete_watch(const http_request& req, std::string_view tenant, const std::string& id,
                          reply_fn reply) {
  const unsigned version = req.version();
  const bool keep_alive = req.keep_alive();
  ctx_.watches.remove_async(std::string(tenant), id, [reply, version, keep_alive](status s) {
    if (!s.ok()) return reply(internal::status_response(s, version, keep_alive));
    http_response res{http::status::no_content, version};
    res.keep_alive(keep_alive);
    res.prepare_payload();
    reply(std::move(res));
  });
}

http_response router::list_watches(const http_request& req, std::string_view tenant) {
  std::string body = "{\"watches\":[";
  bool first = true;
  status s = ctx_.db.scan_watches(tenant, [&](std::string_view, std::string_view, std::string_view json) {
    if (!first) body.push_back(',');
    first = false;
    body.append(json);  // stored as the watch's JSON
    return true;
  });
  if (!s.ok()) return status_response(req, s);
  body += "]}";
  return json_response(req, 200, std::move(body));
}

http_response router::validate_query(const http_request& req) {
  auto text = pipeline::parse_query_field(req.body());
  if (!text.ok()) return bad_request(req, text.status().message());
  pipeline::query_error where;
  auto q = pipeline::parse_query(*text, &where);
  std::string body;
  if (q.ok()) {
    body = "{\"valid\":true,\"tree\":" + pipeline::to_json(*q) + "}";
  } else {
    body = "{\"valid\":false,\"errors\":[" + pipeline::to_json(where) + "]}";
  }
  return json_response(req, 200, std::move(body));
}

http_response router::watch_series(const http_request& req, std::string_view tenant, const std::string& id) {
  std::vector<std::pair<std::string, std::string>> params;
  if (status s = internal::request_params(req, &params); !s.ok()) return bad_request(req, s.message());
  auto interval = storage::series_interval::h1;
  if (auto v = param(params, "interval")) {
    auto parsed = storage::parse_interval(*v);
    if (!parsed) return bad_request(req, "query parameter 'interval' must be 1m, 5m, 1h or 1d");
    interval = *parsed;
  }
  const std::int64_t step = storage::interval_ms(interval);
  auto range = read_range(params, interval == storage::series_interval::d1 ? 30 * day_ms : day_ms, {"interval"});
  if (!range.ok()) return bad_request(req, range.status().message());
  if (!ctx_.watches.contains(std::string(tenant), id)) {
    return internal::not_found_response(req, "no watch '" + id + "'");
  }
  // Whole buckets, echoed as such.
  // Plain variables, not a structured binding: the lambda below uses `first`, and clang 14
  // (make fuzz) does not let a lambda capture a binding.
  const time_range whole = widened(*range, interval);
  const std::int64_t first = whole.from_ms, end = whole.to_ms;
  if ((end - first) / step > max_series_buckets) {
    return bad_request(req, "the range holds more than " + std::to_string(max_series_buckets) +
                                " buckets: use a coarser interval or a shorter range");
  }
  std::string body = "{\"watch\":";
  append_json_string(id, &body);
  body += ",\"interval\":\"";
  body += storage::to_string(interval);
  body += "\",";
  append_time_field("from", first, &body);
  body += ",";
  append_time_field("to", end, &body);
  body += ",\"buckets\":[";
  // Every bucket of the range is listed, empty ones as zeros: what a chart needs.
  std::int64_t next = first;
  auto emit = [&](std::int64_t start, const storage::series_counters& c) {
    if (start != first) body.push_back(',');
    body += "{";
    append_time_field("start", start, &body);
    body += ",";
    append_counters(c, &body);
    body += "}";
  };
  status s = ctx_.db.read_series(tenant, id, interval, first, end,
                                 [&](std::int64_t start, const storage::series_counters& c) {
                                   for (; next < start; next += step) emit(next, {});
                                   emit(start, c);
                                   next = start + step;
                                 });
  if (!s.ok()) return status_response(req, s);
  for (; next < end; next += step) emit(next, {});
  body += "]}";
  return json_response(req, 200, std::move(body));
}

http_response router::watch_top(const http_request& req, std::string_view tenant, const std::string& id) {
  std::vector<std::pair<std::string, std::string>> params;
  if (status s = internal::request_params(req, &params); !s.ok()) return bad_request(req, s.message());
  std::size_t limit = default_top;
  if (auto v = param(params, "limit")) {
    auto r = std::from_chars(v->data(), v->data() + v->size(), limit);
    if (r.ec != std::errc() || r.ptr != v->data() + v->size() || limit < 1 || limit > max_top) {
      return bad_request(req, "query parameter 'limit' must be an integer from 1 to " + std::to_string(max_top));
    }
  }
  auto range = read_range(params, 7 * day_ms, {"limit"});
  if (!range.ok()) return bad_request(req, range.status().message());
  if (!ctx_.watches.contains(std::string(tenant), id)) {
    return internal::not_found_response(req, "no watch '" + id + "'");
  }
  // Facets are kept per day: the range is widened to whole UTC days.
  const auto [from_day, to_day] = widened(*range, storage::series_interval::d1);
  std::string body = "{\"watch\":";
  append_json_string(id, &body);
  body += ",";
  append_time_field("from", from_day, &body);
  body += ",";
  append_time_field("to", to_day, &body);
  // One row per account: an author facet is (id, name), added up by id, shown with the name
  // the account used most in the range; a mention without id counts under its name, and so do
  // the facets of earlier versions (keyed by name alone).
  struct row {
    std::string id, name;
    storage::series_counters counters;
    std::unordered_map<std::string, std::uint64_t> names;  // volume under each name
  };
  for (auto [kinds, field] : {std::pair{std::vector{storage::facet_kind::author, storage::facet_kind::author_name}, "authors"},
                              std::pair{std::vector{storage::facet_kind::source}, "sources"}}) {
    std::unordered_map<std::string, row> rows;  // by "i" + id or "n" + name
    for (const storage::facet_kind kind : kinds) {
      status s = ctx_.db.read_facets(tenant, id, kind, from_day, to_day,
                                     [&](std::string_view facet, const storage::series_counters& c) {
                                       std::string_view author_id, author_name = facet;
                                       if (kind == storage::facet_kind::author &&
                                           !pipeline::split_author(facet, &author_id, &author_name))
                                         return;
                                       if (author_name.empty()) author_name = author_id;
                                       std::string key = author_id.empty() ? "n" : "i";
                                       key += author_id.empty() ? author_name : author_id;
                                       row& r = rows[key];
                                       r.id = author_id;
                                       r.counters.add(c);
                                       r.names[std::string(author_name)] += c.volume;
                                     });
      if (!s.ok()) return status_response(req, s);
    }
    std::vector<row*> sorted;
    for (auto& [key, r] : rows) {
      // The name used most, the smallest on a tie.
      const std::pair<const std::string, std::uint64_t>* best = nullptr;
      for (const auto& n : r.names)
        if (!best || n.second > best->second || (n.second == best->second && n.first < best->first)) best = &n;
      r.name = best->first;
      sorted.push_back(&r);
    }
    const std::size_t n = std::min(limit, sorted.size());
    std::partial_sort(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(n), sorted.end(),
                      [](const row* a, const row* b) {
                        if (a->counters.volume != b->counters.volume) return a->counters.volume > b->counters.volume;
                        if (a->counters.reach != b->counters.reach) return a->counters.reach > b->counters.reach;
                        return std::tie(a->name, a->id) < std::tie(b->name, b->id);
                      });
    body += ",\"";
    body += field;
    body += "\":[";
    for (std::size_t i = 0; i < n; ++i) {
      if (i) body.push_back(',');
      body += "{\"name\":";
      append_json_string(sorted[i]->name, &body);
      if (!sorted[i]->id.empty()) {
        body += ",\"id\":";
        append_json_string(sorted[i]->id, &body);
      }
      body += ",";
      append_counters(sorted[i]->counters, &body);
      body += "}";
    }
    body += "]";
  }
  body += "}";
  return json_response(req, 200, std::move(body));
}

http_response router::share_of_voice(const http_request& req, std::string_view tenant) {
  std::vector<std::pair<std::string, std::string>> params;
  if (status s = internal::request_params(req, &params); !s.ok()) return bad_request(req, s.message());
  auto range = read_range(params, 7 * day_ms, {"watches"});
  if (!range.ok()) return bad_request(req, range.status().message());
  std::vector<std::string> ids;
  std::string_view list = param(params, "watches").value_or("");
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string id(list.substr(0, comma));
    if (!storage::valid_watch_id(id)) return bad_request(req, "invalid watch id '" + id + "' in 'watches'");
    // Listed twice is a mistake in the request, not to be guessed at (as a parameter given twice).
    if (std::find(ids.begin(), ids.end(), id) != ids.end()) return bad_request(req, "watch '" + id + "' is listed twice in 'watches'");
    ids.push_back(std::move(id));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  if (ids.empty()) return bad_request(req, "query parameter 'watches' must list watch ids: watches=a,b,c");
  if (ids.size() > max_share_of_voice_watches) {
    return bad_request(req, "at most " + std::to_string(max_share_of_voice_watches) + " watches at once");
  }
  // The answer names the coarsest series whose buckets tile the range asked for; minutes
  // otherwise, counted whole: the answer gives the range they cover.
  auto interval = storage::series_interval::m1;
  for (auto i : {storage::series_interval::d1, storage::series_interval::h1, storage::series_interval::m5}) {
    const std::int64_t step = storage::interval_ms(i);
    if (range->from_ms % step == 0 && range->to_ms % step == 0) {
      interval = i;
      break;
    }
  }
  const auto [from_ms, to_ms] = widened(*range, interval);
  // Read in the fewest whole buckets (days in the middle, minutes at the edges): every
  // interval counts the same mentions.
  const std::vector<storage::series_run> runs = storage::tile_range(from_ms, to_ms);
  std::vector<storage::series_counters> totals(ids.size());
  storage::series_counters all;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (!ctx_.watches.contains(std::string(tenant), ids[i])) {
      return internal::not_found_response(req, "no watch '" + ids[i] + "'");
    }
    for (const storage::series_run& r : runs) {
      status s = ctx_.db.read_series(tenant, ids[i], r.interval, r.from_ms, r.to_ms,
                                     [&](std::int64_t, const storage::series_counters& c) { totals[i].add(c); });
      if (!s.ok()) return status_response(req, s);
    }
    all.add(totals[i]);
  }
  auto share = [](std::uint64_t part, std::uint64_t whole) { return whole ? double(part) / double(whole) : 0.0; };
  std::string body = "{";
  append_time_field("from", from_ms, &body);
  body += ",";
  append_time_field("to", to_ms, &body);
  body += ",\"interval\":\"";
  body += storage::to_string(interval);
  body += "\",\"total\":" + std::to_string(all.volume) + ",\"watches\":[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto& c = totals[i];
    if (i) body.push_back(',');
    body += "{\"watch\":";
    append_json_string(ids[i], &body);
    body += ",";
    append_counters(c, &body);
    body += ",\"share\":";
    append_number(share(c.volume, all.volume), &body);
    body += ",\"positive_share\":";
    append_number(share(c.positive, all.positive), &body);
    body += ",\"negative_share\":";
    append_number(share(c.negative, all.negative), &body);
    body += ",\"reach_share\":";
    append_number(share(c.reach, all.reach), &body);
    body += "}";
  }
  body += "]}";
  return json_response(req, 200, std::move(body));
}

namespace {

std::string progress_json(std::string_view watch, const pipeline::backfill_progress& p) {
  std::string body = "{\"watch\":";
  append_json_string(watch, &body);
  body += ",\"state\":";
  append_json_string(p.state, &body);
  body += ",";
  append_time_field("from", p.from_ms, &body);
  body += ",";
  append_time_field("to", p.to_ms, &body);
  body += ",";
  append_time_field("started_at", p.started_at_ms, &body);
  if (p.finished_at_ms) {
    body += ",";
    append_time_field("finished_at", p.finished_at_ms, &body);
  }
  body += ",\"scanned\":" + std::to_string(p.scanned) + ",\"matched\":" + std::to_string(p.matched);
  body += ",\"progress\":";
  append_number(p.done(), &body);
  if (!p.error.empty()) {
    body += ",\"error\":";
    append_json_string(p.error, &body);
  }
  body += "}";
  return body;
}

}  // namespace

http_response router::start_backfill(const http_request& req, std::string_view tenant, const std::string& id) {
  std::vector<std::pair<std::string, std::string>> params;
  if (status s = internal::request_params(req, &params); !s.ok()) return bad_request(req, s.message());
  auto range = read_range(params, 30 * day_ms, {});
  if (!range.ok()) return bad_request(req, range.status().message());
  status s = ctx_.backfills.start(std::string(tenant), id, range->from_ms, range->to_ms);
  if (!s.ok()) return status_response(req, s);
  auto p = ctx_.backfills.progress(std::string(tenant), id);
  if (!p.ok()) return status_response(req, p.status());
  http_response res = json_response(req, 202, progress_json(id, *p));
  res.set(http::field::location, "/v1/watches/" + id + "/backfill");
  return res;
}

http_response router::backfill_status(const http_request& req, std::string_view tenant, const std::string& id) {
  auto p = ctx_.backfills.progress(std::string(tenant), id);
  if (!p.ok()) return status_response(req, p.status());
  return json_response(req, 200, progress_json(id, *p));
}

}  // namespace vigie::server
