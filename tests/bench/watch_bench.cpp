// watch_bench: what 10,000 watches cost end-to-end ingest, and how fast a watch's series is
// served while ingest goes on.
//
//   watch_bench --vigie BUILD/server/vigie [--mentions 200000] [--batch 1000] [--connections 4]
//               [--runs 3] [--watches 10000] [--days 30] [--series-requests 2000]
//               [--background-rate 5000] [--background-connections 2] [--create-connections 32]
//               [--lexicons DIR] [--seed 20260401]
//
// It prints figures; it is not a timed test and fails (exit 1) only when something does not
// work: the server does not start or exit cleanly, a watch or batch is refused, or an answer
// is wrong (a series without 720 buckets, volumes that do not add up). Missed targets are
// printed, not failed.
//
// 1. Workload: --mentions mentions from mention_generator (fixed seed) whose event times span
//    --days days ending a day before now, as NDJSON batches of --batch lines. Each is parsed
//    and enriched as a pipeline worker does, and matched with a local watch_matcher built from
//    the bench tenant's 10 watches: the expected volume of each watch over the window.
// 2. Watches: the bench tenant's 10 brand watches (the generator's brands, written as terms,
//    phrases, NEAR, ONEAR, NOT, hashtags, a language filter), plus, up to --watches, 10 per
//    other tenant, generated as in matcher_bench (pseudo-word brands and products; one tenant
//    in ten watches a real brand). Every tenant gets its own API key; both servers get the
//    same key list, so that only the watches differ.
// 3. Creation: a fresh server gets its watches over PUT /v1/watches/{id}, each tenant over its
//    own keep-alive connection. The small set (10) is created in every small run, one client.
//    The large set is created once, by --create-connections clients at a time on a server
//    given as many io threads (a PUT holds its io thread until the rebuilt matcher is live, so
//    with the default single io thread PUTs are serial and each rebuilds every watch); total
//    and p50/p99/max of a PUT are printed. Each large run then starts from a copy of that data
//    folder (watches only, default config): start-up time (load + compile) is printed.
// 4. Ingest: POSTs every batch over --connections keep-alive connections (as ingest_bench),
//    mentions/s from the first request to the last acknowledgement, and the server's CPU
//    seconds per mention. Small and large alternate --runs times (order swapped every run);
//    medians and the loss of the large set against the small one are printed. Target:
//    loss < 25%.
// 5. Series: on the last large server (all mentions stored), background threads keep posting
//    new mentions (event times after the window) at --background-rate mentions/s, while one
//    keep-alive client GETs /v1/watches/{id}/series?interval=1h over the 720 hours of the
//    window --series-requests times, cycling over the bench watches (a quarter as many are
//    first timed without ingest, for reference). Each answer must be 200
//    with 720 buckets whose volumes add up to the expected volume of that watch. Prints
//    p50/p90/p99/max latency (target p99 < 5 ms) and the ingest rate meanwhile; then checks
//    GET /v1/share-of-voice over the window against the same expected volumes.
//
// Thread safety: a program; each client thread owns its connection.

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "pipeline/enrich.h"
#include "pipeline/lexicon.h"
#include "pipeline/mention_parser.h"
#include "pipeline/query.h"
#include "pipeline/watch_matcher.h"
#include "tests/bench/bench_client.h"
#include "tests/bench/mention_generator.h"
#include "tests/bench/watch_queries.h"

namespace {

namespace http = boost::beast::http;
namespace fs = std::filesystem;
namespace vp = vigie::pipeline;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;
using vigie::bench::die;
using vigie::bench::json_count;
using vigie::bench::median;
using vigie::bench::seconds_since;

#ifndef VIGIE_BENCH_LEXICON_DIR
#define VIGIE_BENCH_LEXICON_DIR "lexicons"
#endif

// The tenant whose mentions are ingested and whose series are read.
constexpr std::string_view k_tenant = "bench";
constexpr std::string_view k_api_key = "bench-key";
constexpr std::int64_t k_hour_ms = 3'600'000;
constexpr std::int64_t k_day_ms = 24 * k_hour_ms;
// The generator makes a few mentions up to an hour late (created_at before their place in the
// stream): the stream starts this long after the window opens so that none falls before it.
constexpr std::int64_t k_lateness_margin_ms = 2 * k_hour_ms;
// Background ingest during the series phase: batches this small, so that the rate is steady.
constexpr std::size_t k_background_batch = 100;
// Background mentions get ids from here: never the same as the window's.
constexpr std::uint64_t k_background_first_id = 5'000'000'000ull;
// Series requests not counted, to warm the connection and the block cache.
constexpr int k_series_warmup = 20;
// The targets, printed next to the figures.
constexpr double k_target_loss_percent = 25;
constexpr double k_target_p99_ms = 5;

struct options {
  std::string vigie;
  std::string lexicons = VIGIE_BENCH_LEXICON_DIR;
  std::size_t mentions = 200000;
  std::size_t batch = 1000;
  int connections = 4;
  int runs = 3;
  std::size_t watches = 10000;
  std::size_t days = 30;
  std::size_t series_requests = 2000;
  std::size_t background_rate = 5000;  // mentions/s during the series phase; 0: none
  int background_connections = 2;
  // Clients creating the large watch set at once; the server creating it gets as many io
  // threads, since a PUT holds its io thread until the rebuilt matcher is live.
  int create_connections = 32;
  std::uint64_t seed = 20260401;
};

void usage(FILE* out) {
  std::fprintf(out,
               "usage: watch_bench --vigie PATH [--mentions N] [--batch N] [--connections N] [--runs N]\n"
               "                   [--watches N] [--days N] [--series-requests N] [--background-rate N]\n"
               "                   [--background-connections N] [--create-connections N] [--lexicons DIR]\n"
               "                   [--seed N]\n");
}

// ---------------------------------------------------------------------------------------------
// Watches

struct watch_spec {
  std::string tenant, id, name, query;
  std::vector<std::string> languages;
};

// The bench tenant's watches: the generator's brands, in the styles people write queries.
std::vector<watch_spec> bench_watches() {
  const std::string t(k_tenant);
  return {
      {t, "borel", "Borel", "Borel", {}},
      {t, "kelvio", "Kelvio", "Kelvio", {}},
      {t, "mistrale", "Mistrale Telecom", "\"Mistrale Telecom\" OR #MistraleTelecom", {}},
      {t, "aurore", "Banque Aurore", "\"Banque Aurore\"", {}},
      {t, "veloria", "Veloria", "Veloria NOT (emploi OR recrutement OR hiring)", {}},
      {t, "caradec", "Maison Caradec", "\"Maison Caradec\" OR caradec*", {}},
      {t, "borel-crisis", "Borel crisis",
       "Borel NEAR/5 (arnaque OR scandale OR panne OR nul OR honte OR scam OR fraud*)", {}},
      {t, "kelvio-fr", "Kelvio (fr)", "Kelvio OR #BoycottKelvio", {"fr"}},
      {t, "telecom-banks", "Telecom and banks",
       "(\"Mistrale Telecom\" OR \"Banque Aurore\") NOT (emploi OR recrutement)", {}},
      {t, "service", "Customer service", "(Borel OR Veloria OR Kelvio) ONEAR/3 \"service client\" OR title:Borel",
       {}},
  };
}

using vigie::bench::brand_queries;
using vigie::bench::pseudo_word;

// The bench tenant's watches, then 10 per other tenant up to `count` in all.
std::vector<watch_spec> make_watches(std::size_t count, std::uint64_t seed) {
  static const std::vector<std::string> real_brands = {"Borel",         "Kelvio",  "Mistrale Telecom",
                                                       "Banque Aurore", "Veloria", "Maison Caradec"};
  std::vector<watch_spec> out = bench_watches();
  std::mt19937_64 rng(seed);
  for (std::size_t t = 1; out.size() < count; ++t) {
    char tenant[32];
    std::snprintf(tenant, sizeof tenant, "tenant-%04zu", t);
    const bool real = t % 10 == 0;
    const std::string brand = real ? real_brands[(t / 10) % real_brands.size()]
                                   : (rng() % 4 == 0 ? pseudo_word(rng) + " " + pseudo_word(rng) : pseudo_word(rng));
    std::vector<std::string> products = {pseudo_word(rng), pseudo_word(rng), pseudo_word(rng)};
    if (real) products[0] = "service";  // a word the generator writes
    auto queries = brand_queries(brand, products, rng);
    for (std::size_t k = 0; k < queries.size() && out.size() < count; ++k) {
      watch_spec w{tenant, "w" + std::to_string(k), brand + " " + std::to_string(k), queries[k], {}};
      if (k == 0 && rng() % 3 == 0) w.languages = {"fr"};
      out.push_back(std::move(w));
    }
  }
  return out;
}

std::string api_key_of(std::string_view tenant) {
  return tenant == k_tenant ? std::string(k_api_key) : "key-" + std::string(tenant) + "-bench";
}

// VIGIE_API_KEYS for every tenant of the large set: both servers get it.
std::string api_keys_env(const std::vector<watch_spec>& watches) {
  std::string env;
  std::string_view last;
  for (const auto& w : watches) {
    if (w.tenant == last) continue;
    last = w.tenant;
    if (!env.empty()) env.push_back(',');
    env += w.tenant + ":" + api_key_of(w.tenant);
  }
  return env;
}

void append_json_string(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string watch_json(const watch_spec& w) {
  std::string body = "{\"name\":";
  append_json_string(w.name, &body);
  body += ",\"query\":";
  append_json_string(w.query, &body);
  if (!w.languages.empty()) {
    body += ",\"languages\":[";
    for (std::size_t i = 0; i < w.languages.size(); ++i) {
      if (i) body.push_back(',');
      append_json_string(w.languages[i], &body);
    }
    body += "]";
  }
  body += "}";
  return body;
}

struct creation_result {
  double seconds = 0;
  std::vector<double> put_ms;  // each PUT
};

// PUTs every watch over `connections` client threads; each thread takes whole tenants in
// turn (tenant i goes to thread i % connections) over that tenant's keep-alive connection.
creation_result create_watches(std::uint16_t port, const std::vector<watch_spec>& watches, int connections) {
  std::vector<std::vector<const watch_spec*>> shares(static_cast<std::size_t>(connections));
  std::size_t tenant_index = 0;
  for (std::size_t i = 0; i < watches.size(); ++i) {
    if (i > 0 && watches[i].tenant != watches[i - 1].tenant) ++tenant_index;
    shares[tenant_index % shares.size()].push_back(&watches[i]);
  }
  std::vector<std::vector<double>> put_ms(shares.size());
  std::mutex failure_mutex;
  std::string failure;
  auto client = [&](std::size_t k) {
    std::unique_ptr<vigie::bench::http_client> c;
    std::string_view tenant;
    for (const watch_spec* w : shares[k]) {
      if (!c || w->tenant != tenant) {
        tenant = w->tenant;
        c = std::make_unique<vigie::bench::http_client>(port, api_key_of(tenant), "vigie-watch-bench");
      }
      const std::string target = "/v1/watches/" + w->id;
      const std::string body = watch_json(*w);
      const auto p0 = clock_type::now();
      std::string error;
      try {
        auto res = c->request(http::verb::put, target, body);
        if (res.result_int() != 201 && res.result_int() != 200) {
          error = "HTTP " + std::to_string(res.result_int()) + " " + res.body().substr(0, 300);
        }
      } catch (const std::exception& e) {
        error = e.what();
      }
      if (!error.empty()) {
        std::lock_guard lock(failure_mutex);
        failure = "PUT " + target + " (" + w->tenant + ", query " + w->query + "): " + error;
        return;
      }
      put_ms[k].push_back(seconds_since(p0) * 1e3);
    }
  };
  creation_result out;
  const auto t0 = clock_type::now();
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < shares.size(); ++k) threads.emplace_back(client, k);
  for (auto& t : threads) t.join();
  out.seconds = seconds_since(t0);
  if (!failure.empty()) die(failure);
  for (const auto& v : put_ms) out.put_ms.insert(out.put_ms.end(), v.begin(), v.end());
  return out;
}

// ---------------------------------------------------------------------------------------------
// Workload

struct workload {
  std::vector<std::string> batches;
  std::size_t lines = 0, ndjson_bytes = 0;
  std::int64_t from_ms = 0, to_ms = 0;  // the series window: [from, to), hour-aligned
  std::vector<std::uint64_t> expected;  // per bench watch: matched mentions within the window
  std::vector<std::uint64_t> matched;   // per bench watch: matched mentions, window or not
  std::size_t outside_window = 0;       // mentions whose created_at fell outside the window
};

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void generate(const options& o, workload* w) {
  // The window ends at the start of yesterday (UTC): far from "now", so that background
  // mentions stamped after it never fall into it.
  w->to_ms = (now_ms() / k_day_ms - 1) * k_day_ms;
  w->from_ms = w->to_ms - static_cast<std::int64_t>(o.days) * k_day_ms;
  vigie::bench::generator_options g;
  g.seed = o.seed;
  g.count = o.mentions;
  g.start_ms = w->from_ms + k_lateness_margin_ms;
  // Spread the N mentions over the window, minus the margins at both ends.
  g.mean_interval_ms = double(w->to_ms - w->from_ms - 2 * k_lateness_margin_ms) / double(o.mentions);
  vigie::bench::mention_generator gen(g);
  std::string line;
  for (std::size_t i = 0; i < o.mentions; ++i) {
    if (i % o.batch == 0) {
      w->batches.emplace_back();
      w->batches.back().reserve(o.batch * 1024);
    }
    line.clear();
    gen.next(&line);
    w->batches.back() += line;
    w->ndjson_bytes += line.size();
  }
  w->lines = o.mentions;
}

// Parse + enrich as a pipeline worker does, then match with the bench tenant's watches.
void expect(const options& o, const std::vector<watch_spec>& specs, workload* w) {
  auto lexicons = vp::load_lexicons(o.lexicons);
  if (!lexicons.ok()) die("cannot load the lexicons from " + o.lexicons + ": " + lexicons.status().message());
  std::unique_ptr<vp::enricher> enricher = vp::make_mention_enrichers(*lexicons)();
  std::vector<vp::watch_definition> defs;
  for (const auto& s : specs) {
    vp::query_error where;
    auto q = vp::parse_query(s.query, &where);
    if (!q.ok()) die("bad bench query '" + s.query + "': " + q.status().message());
    vp::watch_definition d;
    d.tenant = s.tenant;
    d.id = s.id;
    d.q = std::move(q).value();
    d.languages = s.languages;
    defs.push_back(std::move(d));
  }
  auto matcher = vp::watch_matcher::build(defs);
  if (!matcher.ok()) die("cannot build the bench matcher: " + matcher.status().message());
  vp::match_scratch scratch;
  std::vector<std::string_view> ids;
  w->expected.assign(specs.size(), 0);
  w->matched.assign(specs.size(), 0);
  vp::mention_parser parser;
  std::size_t rejected = 0;
  for (const auto& body : w->batches) {
    enricher->begin_batch(k_tenant);
    auto s = parser.parse_batch(body, vp::batch_format::ndjson,
                                [&](std::size_t, const vigie::status& item, const vp::mention_view& parsed) {
                                  if (!item.ok()) {
                                    ++rejected;
                                    return;
                                  }
                                  vp::mention_view m = parsed;
                                  enricher->enrich(m);
                                  (*matcher)->match(m, k_tenant, scratch, &ids);
                                  const bool inside = m.created_at_ms >= w->from_ms && m.created_at_ms < w->to_ms;
                                  if (!inside) ++w->outside_window;
                                  for (auto id : ids) {
                                    for (std::size_t i = 0; i < specs.size(); ++i) {
                                      if (specs[i].id != id) continue;
                                      ++w->matched[i];
                                      if (inside) ++w->expected[i];
                                    }
                                  }
                                });
    if (!s.ok()) die("generated batch does not parse: " + s.message());
  }
  if (rejected != 0) die("the generator produced " + std::to_string(rejected) + " invalid lines");
}

// ---------------------------------------------------------------------------------------------
// Ingest

struct ingest_result {
  double seconds = 0;
  double server_cpu_seconds = 0;
  std::size_t accepted = 0, answers_503 = 0;
};

// POSTs every batch over o.connections keep-alive connections, retrying 503 after Retry-After.
ingest_result ingest(const options& o, const workload& w, const vigie::bench::server_process& server) {
  ingest_result out;
  double cpu0 = 0;
  auto posted = vigie::bench::post_batches(server.port(), k_api_key, "vigie-watch-bench", w.batches, o.connections,
                                           [&] { cpu0 = vigie::bench::proc_cpu_seconds(server.pid()); });
  out.seconds = posted.seconds;
  out.server_cpu_seconds = vigie::bench::proc_cpu_seconds(server.pid()) - cpu0;
  if (!posted.failure.empty()) die("ingest: " + posted.failure + " (server log: " + server.log_path() + ")");
  out.accepted = posted.accepted;
  out.answers_503 = posted.answers_503;
  if (out.accepted != w.lines) {
    die("ingest: accepted " + std::to_string(out.accepted) + " of " + std::to_string(w.lines) + " mentions");
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Series under ingest

struct series_result {
  std::vector<double> ms;       // latency of each timed request under ingest
  std::vector<double> idle_ms;  // the same without ingest
  double server_ms = 0, idle_server_ms = 0;  // mean time in the server's handler (/metrics)
  double seconds = 0;
  std::size_t background_accepted = 0, background_503 = 0;
  double background_seconds = 0;
  std::size_t body_bytes = 0;
};

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  std::size_t i = static_cast<std::size_t>(p * double(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

// Checks one series answer: 200, the watch, 720 buckets, volumes adding up to `expected`.
void check_series(const http::response<http::string_body>& res, const std::string& target, std::size_t buckets,
                  std::uint64_t expected, simdjson::dom::parser& json) {
  if (res.result_int() != 200) {
    die("GET " + target + ": HTTP " + std::to_string(res.result_int()) + " " + res.body().substr(0, 300));
  }
  simdjson::dom::element doc;
  if (auto err = json.parse(res.body()).get(doc)) {
    die("GET " + target + ": not JSON: " + std::string(simdjson::error_message(err)));
  }
  simdjson::dom::array list;
  if (doc["buckets"].get_array().get(list)) die("GET " + target + ": no 'buckets' array");
  std::size_t n = 0;
  std::uint64_t volume = 0;
  for (auto b : list) {
    std::uint64_t v = 0;
    if (b["volume"].get_uint64().get(v)) die("GET " + target + ": a bucket without 'volume'");
    volume += v;
    ++n;
  }
  if (n != buckets || volume != expected) {
    die("GET " + target + ": " + std::to_string(n) + " buckets (expected " + std::to_string(buckets) +
        "), volume " + std::to_string(volume) + " (expected " + std::to_string(expected) + ")");
  }
}

// Server-side time of the series route so far (from /metrics): {sum of seconds, count}.
std::pair<double, double> server_series_time(std::uint16_t port) {
  constexpr std::string_view name = "vigie_http_request_duration_seconds";
  constexpr std::string_view label = "route=\"/v1/watches/{id}/series\"";
  vigie::bench::http_client c(port, k_api_key, "vigie-watch-bench");
  const std::string page = c.request(http::verb::get, "/metrics", {}, false).body();
  std::pair<double, double> out{0, 0};
  std::size_t pos = 0;
  while (pos < page.size()) {
    auto eol = page.find('\n', pos);
    if (eol == std::string::npos) eol = page.size();
    std::string_view line(page.data() + pos, eol - pos);
    pos = eol + 1;
    if (!line.starts_with(name) || line.find(label) == std::string_view::npos) continue;
    const double v = std::strtod(std::string(line.substr(line.rfind(' ') + 1)).c_str(), nullptr);
    std::string_view suffix = line.substr(name.size(), line.find('{') - name.size());
    if (suffix == "_sum") out.first += v;
    if (suffix == "_count") out.second += v;
  }
  return out;
}

series_result run_series(const options& o, const workload& w, const std::vector<watch_spec>& bench,
                         const vigie::bench::server_process& server) {
  series_result out;
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> bg_accepted{0}, bg_busy{0};
  std::mutex failure_mutex;
  std::string failure;

  // Background ingest: each thread paces its batches to its share of the rate.
  auto background = [&](int index) {
    vigie::bench::generator_options g;
    g.seed = o.seed + 1 + static_cast<std::uint64_t>(index);
    g.start_ms = w.to_ms + k_lateness_margin_ms;  // after the window: series sums stay exact
    g.first_id = k_background_first_id * static_cast<std::uint64_t>(index + 1);
    vigie::bench::mention_generator gen(g);
    vigie::bench::http_client c(server.port(), k_api_key, "vigie-watch-bench");
    const double per_thread = double(o.background_rate) / o.background_connections;
    const auto period = std::chrono::duration_cast<clock_type::duration>(
        std::chrono::duration<double>(double(k_background_batch) / per_thread));
    std::string body;
    auto due = clock_type::now();
    while (!stop.load(std::memory_order_acquire)) {
      body.clear();
      for (std::size_t i = 0; i < k_background_batch; ++i) gen.next(&body);
      std::this_thread::sleep_until(due);
      due += period;
      try {
        auto res = c.request(http::verb::post, "/v1/mentions", body);
        if (res.result_int() == 200) {
          bg_accepted += json_count(res.body(), "accepted");
        } else if (res.result_int() == 503) {
          ++bg_busy;  // dropped: a steady offered rate, not a catch-up
        } else {
          std::lock_guard lock(failure_mutex);
          failure = "background POST: HTTP " + std::to_string(res.result_int()) + " " + res.body().substr(0, 300);
          return;
        }
      } catch (const std::exception& e) {
        std::lock_guard lock(failure_mutex);
        failure = std::string("background POST: ") + e.what();
        return;
      }
    }
  };
  const std::size_t buckets = static_cast<std::size_t>((w.to_ms - w.from_ms) / k_hour_ms);
  vigie::bench::http_client c(server.port(), k_api_key, "vigie-watch-bench");
  simdjson::dom::parser json;
  // GETs the series of the bench watches in turn; times all but the first `warmup`.
  auto query = [&](std::size_t count, std::size_t warmup, std::vector<double>* ms) {
    ms->reserve(count);
    for (std::size_t i = 0; i < count + warmup; ++i) {
      const std::size_t k = i % bench.size();
      const std::string target = "/v1/watches/" + bench[k].id + "/series?interval=1h&from=" +
                                 std::to_string(w.from_ms) + "&to=" + std::to_string(w.to_ms);
      const auto q0 = clock_type::now();
      http::response<http::string_body> res;
      try {
        res = c.request(http::verb::get, target);
      } catch (const std::exception& e) {
        die("GET " + target + ": " + e.what());
      }
      const double elapsed = seconds_since(q0) * 1e3;
      if (i >= warmup) ms->push_back(elapsed);
      out.body_bytes = res.body().size();
      check_series(res, target, buckets, w.expected[k], json);
    }
  };
  // The same requests without ingest first: what the series costs alone.
  auto m0 = server_series_time(server.port());
  query(std::max<std::size_t>(1, o.series_requests / 4), k_series_warmup, &out.idle_ms);
  auto m1 = server_series_time(server.port());
  out.idle_server_ms = (m1.first - m0.first) / std::max(1.0, m1.second - m0.second) * 1e3;

  std::vector<std::thread> threads;
  if (o.background_rate > 0) {
    for (int i = 0; i < o.background_connections; ++i) threads.emplace_back(background, i);
  }
  std::this_thread::sleep_for(500ms);  // let ingest settle to its rate
  const std::size_t accepted_before = bg_accepted.load();
  const auto t0 = clock_type::now();
  query(o.series_requests, 0, &out.ms);
  auto m2 = server_series_time(server.port());
  out.server_ms = (m2.first - m1.first) / std::max(1.0, m2.second - m1.second) * 1e3;
  out.seconds = seconds_since(t0);
  out.background_accepted = bg_accepted.load() - accepted_before;
  out.background_seconds = out.seconds;
  stop.store(true, std::memory_order_release);
  for (auto& t : threads) t.join();
  out.background_503 = bg_busy;
  if (!failure.empty()) die(failure + " (server log: " + server.log_path() + ")");
  return out;
}

// GET /v1/share-of-voice over the first bench watches (at most 20, the route's limit), on the
// window's days and on the same range with minute edges (from 37 minutes past its start to 23
// before its end; the workload has no mention there): the totals must agree with what was
// ingested, and the answers' times are kept, 20 of each, alternated.
struct share_of_voice_result {
  std::size_t watches = 0;
  std::vector<double> days_ms, minutes_ms;
};

share_of_voice_result check_share_of_voice(const workload& w, const std::vector<watch_spec>& bench,
                                           const vigie::bench::server_process& server) {
  share_of_voice_result out;
  vigie::bench::http_client c(server.port(), k_api_key, "vigie-watch-bench");
  out.watches = std::min<std::size_t>(20, bench.size());
  std::string ids;
  std::uint64_t expected = 0;
  for (std::size_t k = 0; k < out.watches; ++k) {
    ids += (k ? "," : "") + bench[k].id;
    expected += w.expected[k];
  }
  const std::int64_t minute = 60'000;
  const std::string days = "/v1/share-of-voice?watches=" + ids + "&from=" + std::to_string(w.from_ms) +
                           "&to=" + std::to_string(w.to_ms);
  const std::string minutes = "/v1/share-of-voice?watches=" + ids + "&from=" + std::to_string(w.from_ms + 37 * minute) +
                              "&to=" + std::to_string(w.to_ms - 23 * minute);
  for (int i = 0; i < 20; ++i) {
    for (const std::string* target : {&days, &minutes}) {
      const auto t0 = clock_type::now();
      auto res = c.request(http::verb::get, *target);
      const double ms = seconds_since(t0) * 1e3;
      if (res.result_int() != 200) {
        die("GET " + *target + ": HTTP " + std::to_string(res.result_int()) + " " + res.body().substr(0, 300));
      }
      const std::uint64_t total = json_count(res.body(), "total");
      if (total != expected) {
        die("GET " + *target + ": total " + std::to_string(total) + ", expected " + std::to_string(expected));
      }
      (target == &days ? out.days_ms : out.minutes_ms).push_back(ms);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

struct run_figures {
  double rate = 0;       // mentions/s
  double cpu_us = 0;     // server CPU µs per mention
  double ready_s = 0;    // start to /readyz (large: load and compile every watch)
  double create_s = 0;   // PUT of the watches (small runs)
  std::uint64_t hwm_kb = 0;
  std::size_t answers_503 = 0;
};

void copy_dir(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::copy(from, to, fs::copy_options::recursive, ec);
  if (ec) die("cannot copy " + from.string() + " to " + to.string() + ": " + ec.message());
}

}  // namespace

int main(int argc, char** argv) {
  vigie::bench::set_program_name("watch_bench");
  options o;
  for (vigie::bench::option_reader r(argc, argv, usage); r.next();) {
    const std::string_view a = r.name();
    std::size_t n = 0;
    if (a == "--vigie") o.vigie = r.value();
    else if (a == "--lexicons") o.lexicons = r.value();
    else if (a == "--mentions") r.size_value(&o.mentions);
    else if (a == "--batch") r.size_value(&o.batch);
    else if (a == "--connections") r.size_value(&o.connections);
    else if (a == "--runs") r.size_value(&o.runs);
    else if (a == "--watches") r.size_value(&o.watches);
    else if (a == "--days") r.size_value(&o.days);
    else if (a == "--series-requests") r.size_value(&o.series_requests);
    else if (a == "--background-rate") r.size_value(&o.background_rate, true);
    else if (a == "--background-connections") r.size_value(&o.background_connections);
    else if (a == "--create-connections") r.size_value(&o.create_connections);
    else if (a == "--seed") r.size_value(&n), o.seed = n;
    else if (a == "--help" || a == "-h") {
      usage(stdout);
      return 0;
    } else {
      return r.unknown();
    }
  }
  if (o.vigie.empty()) {
    usage(stderr);
    return 2;
  }
  if (::access(o.vigie.c_str(), X_OK) != 0) die("not an executable: " + o.vigie);

  const std::vector<watch_spec> large = make_watches(std::max(o.watches, bench_watches().size()), o.seed);
  const std::vector<watch_spec> small = bench_watches();
  const std::size_t tenants = 1 + (large.size() - small.size() + 9) / 10;
  const vigie::bench::server_options server_opts{o.vigie, api_keys_env(large)};
  std::printf("watch_bench: %zu mentions over %zu days, batches of %zu, %d connections, %d runs, "
              "%zu vs %zu watches (%zu tenants), seed %llu, %u hardware threads\n",
              o.mentions, o.days, o.batch, o.connections, o.runs, small.size(), large.size(), tenants,
              static_cast<unsigned long long>(o.seed), std::thread::hardware_concurrency());
  std::fflush(stdout);

  workload w;
  auto t0 = clock_type::now();
  generate(o, &w);
  const double gen_s = seconds_since(t0);
  t0 = clock_type::now();
  expect(o, small, &w);
  const double exp_s = seconds_since(t0);
  std::printf("workload: %zu batches, %.1f MB NDJSON; window %lld..%lld (%zu hourly buckets), %zu mentions "
              "outside it; generated in %.2f s, expected volumes (parse+enrich+match) in %.2f s\n",
              w.batches.size(), w.ndjson_bytes / 1e6, static_cast<long long>(w.from_ms),
              static_cast<long long>(w.to_ms), static_cast<std::size_t>((w.to_ms - w.from_ms) / k_hour_ms),
              w.outside_window, gen_s, exp_s);
  std::printf("expected volume per bench watch:");
  for (std::size_t i = 0; i < small.size(); ++i) std::printf(" %s=%llu", small[i].id.c_str(),
                                                             static_cast<unsigned long long>(w.expected[i]));
  std::printf("\n");
  std::fflush(stdout);

  // The large watch set, created once through the API; every large run starts from a copy.
  const fs::path template_dir = vigie::bench::make_temp_dir("watch-template");
  creation_result large_creation;
  double template_stop_s = 0;
  {
    // Only this server gets more io threads: the measured runs use the defaults.
    const std::string yaml =
        o.create_connections > 1 ? "http:\n  io_threads: " + std::to_string(o.create_connections) + "\n" : "";
    vigie::bench::server_process server(server_opts, template_dir, yaml);
    large_creation = create_watches(server.port(), large, o.create_connections);
    int st = server.stop(&template_stop_s);
    if (st != 0) die("the server exited with status " + std::to_string(st) + " after creating the watches");
  }
  std::vector<double> put_sorted = large_creation.put_ms;
  std::sort(put_sorted.begin(), put_sorted.end());
  std::printf("\ncreation of %zu watches: PUT over %d connections (server io_threads %d): %.2f s (%.0f watches/s); "
              "PUT p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              large.size(), o.create_connections, o.create_connections, large_creation.seconds,
              large.size() / large_creation.seconds, percentile(put_sorted, 0.5), percentile(put_sorted, 0.99),
              put_sorted.back());
  std::fflush(stdout);

  std::printf("\n%-4s %-7s %-12s %-9s %-12s %-10s %-12s %s\n", "run", "watches", "mentions/s", "seconds",
              "server cpu", "ready", "PUT watches", "VmHWM");
  std::vector<double> small_rates, large_rates, small_cpu, large_cpu, large_ready, small_create;
  series_result series;
  share_of_voice_result share;
  bool series_done = false;
  for (int r = 1; r <= o.runs; ++r) {
    // Alternate which set goes first, so that drift of the shared machine hits both.
    for (int half = 0; half < 2; ++half) {
      const bool is_large = (half == 0) == (r % 2 == 0);
      const fs::path dir = vigie::bench::make_temp_dir(is_large ? "watch-large" : "watch-small");
      if (is_large) copy_dir(template_dir / "data", dir / "data");
      run_figures f;
      {
        const auto s0 = clock_type::now();
        vigie::bench::server_process server(server_opts, dir, "");
        f.ready_s = seconds_since(s0);
        if (!is_large) f.create_s = create_watches(server.port(), small, 1).seconds;
        ingest_result in = ingest(o, w, server);
        f.rate = double(w.lines) / in.seconds;
        f.cpu_us = in.server_cpu_seconds / double(w.lines) * 1e6;
        f.answers_503 = in.answers_503;
        f.hwm_kb = vigie::bench::proc_status_kb(server.pid(), "VmHWM").value_or(0);
        if (is_large && r == o.runs) {
          series = run_series(o, w, small, server);
          share = check_share_of_voice(w, small, server);
          series_done = true;
        }
        double stop_s = 0;
        int st = server.stop(&stop_s);
        if (st != 0) die("the server exited with status " + std::to_string(st) + " after SIGTERM; see " + server.log_path());
      }
      vigie::bench::remove_dir(dir);
      (is_large ? large_rates : small_rates).push_back(f.rate);
      (is_large ? large_cpu : small_cpu).push_back(f.cpu_us);
      if (is_large) large_ready.push_back(f.ready_s);
      else small_create.push_back(f.create_s);
      char created[32] = "-";
      if (!is_large) std::snprintf(created, sizeof created, "%.3f s", f.create_s);
      std::printf("%-4d %-7zu %8.0f/s   %6.2f s  %6.1f us/m  %6.2f s   %-12s %.0f MB%s\n", r,
                  is_large ? large.size() : small.size(), f.rate, double(w.lines) / f.rate, f.cpu_us, f.ready_s,
                  created, f.hwm_kb / 1024.0,
                  f.answers_503 ? (" (" + std::to_string(f.answers_503) + " x 503)").c_str() : "");
      std::fflush(stdout);
    }
  }
  vigie::bench::remove_dir(template_dir);

  const double ms = median(small_rates), ml = median(large_rates);
  const double loss = 100.0 * (1.0 - ml / ms);
  const double cs = median(small_cpu), cl = median(large_cpu);
  std::printf("%-4s %-7zu %8.0f/s              %6.1f us/m\n", "med", small.size(), ms, cs);
  std::printf("%-4s %-7zu %8.0f/s              %6.1f us/m  %6.2f s\n", "med", large.size(), ml, cl,
              median(large_ready));

  std::vector<double> lat = series.ms, idle = series.idle_ms;
  std::sort(lat.begin(), lat.end());
  std::sort(idle.begin(), idle.end());
  const std::size_t buckets = static_cast<std::size_t>((w.to_ms - w.from_ms) / k_hour_ms);
  if (series_done) {
    std::printf("\nseries under ingest (%zu watches, %zu mentions stored): %zu GET "
                "/v1/watches/{id}/series?interval=1h over %zu buckets (%zu-byte answers), one keep-alive "
                "connection, in %.2f s\n",
                large.size(), w.lines, lat.size(), buckets, series.body_bytes, series.seconds);
    std::printf("  without ingest (%zu requests): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n", idle.size(),
                percentile(idle, 0.5), percentile(idle, 0.9), percentile(idle, 0.99), idle.empty() ? 0.0 : idle.back());
    std::printf("  under ingest (%zu requests):   p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n", lat.size(),
                percentile(lat, 0.5), percentile(lat, 0.9), percentile(lat, 0.99), lat.empty() ? 0.0 : lat.back());
    std::printf("  mean time in the server's handler (vigie_http_request_duration_seconds): %.2f ms without "
                "ingest, %.2f ms under ingest\n",
                series.idle_server_ms, series.server_ms);
    std::printf("  background ingest meanwhile: %.0f mentions/s accepted (offered %zu/s over %d connections, "
                "%zu x 503)\n",
                series.background_accepted / series.background_seconds, o.background_rate,
                o.background_connections, series.background_503);
    std::printf("  every answer: 200, %zu buckets, volumes = expected; share-of-voice totals = expected\n", buckets);
    std::printf("share-of-voice of %zu watches over the %zu days: median %.2f ms on day bounds, %.2f ms with "
                "minute edges (%zu requests each, alternated)\n",
                share.watches, o.days, vigie::bench::median(share.days_ms), vigie::bench::median(share.minutes_ms),
                share.days_ms.size());
  }

  std::printf("\nsummary\n");
  std::printf("| figure | value | target |\n|---|---|---|\n");
  std::printf("| ingest, %zu watches (median of %d) | %.0f mentions/s, %.1f us CPU/mention | |\n", small.size(), o.runs,
              ms, cs);
  std::printf("| ingest, %zu watches (median of %d) | %.0f mentions/s, %.1f us CPU/mention | |\n", large.size(),
              o.runs, ml, cl);
  std::printf("| loss, %zu vs %zu watches | %.1f%% (CPU/mention %+.1f%%) | < %.0f%%: %s |\n", large.size(),
              small.size(), loss, 100.0 * (cl / cs - 1.0), k_target_loss_percent,
              loss < k_target_loss_percent ? "met" : "MISSED");
  std::printf("| create %zu watches over the API, %d connections | %.2f s (PUT p50 %.2f ms, p99 %.2f ms) | |\n",
              large.size(), o.create_connections, large_creation.seconds, percentile(put_sorted, 0.5),
              percentile(put_sorted, 0.99));
  std::printf("| create %zu watches over the API (median) | %.3f s | |\n", small.size(), median(small_create));
  std::printf("| start-up with %zu stored watches (median) | %.2f s | |\n", large.size(), median(large_ready));
  if (series_done) {
    std::printf("| series 1h x %zu buckets under ingest, p50 / p90 / p99 / max | %.2f / %.2f / %.2f / %.2f ms | "
                "p99 < %.0f ms: %s |\n",
                buckets, percentile(lat, 0.5), percentile(lat, 0.9), percentile(lat, 0.99),
                lat.empty() ? 0.0 : lat.back(), k_target_p99_ms,
                percentile(lat, 0.99) < k_target_p99_ms ? "met" : "MISSED");
    std::printf("| same series without ingest, p50 / p90 / p99 / max | %.2f / %.2f / %.2f / %.2f ms | |\n",
                percentile(idle, 0.5), percentile(idle, 0.9), percentile(idle, 0.99), idle.empty() ? 0.0 : idle.back());
    std::printf("| ingest rate during the series queries | %.0f mentions/s | |\n",
                series.background_accepted / series.background_seconds);
  }
  return 0;
}
