// ingest_bench: how close end-to-end ingest gets to what RocksDB alone can write,
// and whether the server holds its memory bound and loses nothing when overloaded.
//
//   ingest_bench --vigie BUILD/server/vigie [--mentions 400000] [--batch 1000]
//                [--connections 4] [--runs 3] [--group MENTIONS] [--overload-connections 16]
//                [--lexicons DIR] [--seed 20260101] [--skip-overload] [--e2e-config FILE]
//
// It prints figures; it is not a timed test and fails (exit 1) only when something does not
// work: the server does not start, a batch is not acknowledged, counts do not add up, the
// server does not exit 0 on SIGTERM, or overload loses or duplicates a mention.
//
// 1. Generates --mentions realistic mentions once (fixed seed) as NDJSON batches of --batch.
// 2. Ceiling: parses, enriches and encodes every line exactly as a pipeline worker does (not
//    timed), then writes the records into a fresh store in write_groups of --group mentions
//    (default: --batch, the size the server's group commits reach when one worker feeds the
//    writer; the e2e run prints the server's real mean group size). Only add_mention + write
//    are timed. A dedup lookup (find_existing, the writer's MultiGet) of each group is timed
//    apart, so that "dedup + write" is printed too.
// 3. End-to-end: starts `vigie serve` on a free loopback port with a fresh data dir, POSTs the
//    batches over --connections keep-alive connections (one thread each, blocking Beast
//    client), retries 503 after Retry-After, and measures mentions/s from the first request
//    to the last acknowledgement. Checks sum(accepted) == N, reads VmHWM, SIGTERMs the server
//    and checks exit status 0.
//    Steps 2 and 3 alternate --runs times; medians and the ratio e2e / ceiling are printed.
// 4. Overload: restarts the server with a tiny ingest queue (4 batches, 8 MiB in flight) and
//    fires the batches over --overload-connections connections without waiting: a refused
//    batch goes back in line and is sent again when its turn comes (never after Retry-After),
//    until every batch is acknowledged or 3 s have passed. Counts 200 and 503 answers, samples
//    VmRSS every 20 ms, then pages GET /v1/mentions to check that exactly the acknowledged
//    mentions are stored, each once (a 503 that stored anything shows as a mention stored
//    without acknowledgement, or as duplicates when its batch is acknowledged later).
//
// Thread safety: a program; each client thread owns its connection.

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <boost/beast/http.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

#include "pipeline/enrich.h"
#include "pipeline/lexicon.h"
#include "pipeline/mention_codec.h"
#include "pipeline/mention_parser.h"
#include "storage/store.h"
#include "tests/bench/bench_client.h"
#include "tests/bench/mention_generator.h"


namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

#ifndef VIGIE_BENCH_LEXICON_DIR
#define VIGIE_BENCH_LEXICON_DIR "lexicons"
#endif

// The tenant and key the bench gives the server through VIGIE_API_KEYS.
constexpr std::string_view k_tenant = "bench";
constexpr std::string_view k_api_key = "bench-key";
// RSS sampling period during the overload phase, and the phase's longest duration.
constexpr auto k_rss_period = 20ms;
constexpr auto k_overload_duration = 3s;
// Largest page GET /v1/mentions serves (server/router.h, max_page_size).
constexpr std::size_t k_page_size = 1000;
// Overload phase server settings: far below the defaults, so that 16 eager clients overflow
// them at once.
constexpr std::size_t k_overload_queue_batches = 4;
constexpr std::size_t k_overload_inflight_bytes = 8u << 20;

struct options {
  std::string vigie;
  std::string lexicons = VIGIE_BENCH_LEXICON_DIR;
  std::size_t mentions = 400000;
  std::size_t batch = 1000;
  std::size_t group = 0;  // 0: --batch
  int connections = 4;
  int overload_connections = 16;
  int runs = 3;
  std::uint64_t seed = 20260101;
  bool skip_overload = false;
  std::string e2e_config;  // YAML given to the e2e server (e.g. pipeline.workers); empty: defaults
};

void usage(FILE* out) {
  std::fprintf(out,
               "usage: ingest_bench --vigie PATH [--mentions N] [--batch N] [--connections N]\n"
               "                    [--runs N] [--group N] [--overload-connections N]\n"
               "                    [--lexicons DIR] [--seed N] [--skip-overload] [--e2e-config FILE]\n");
}

using vigie::bench::die;
using vigie::bench::json_count;
using vigie::bench::median;
using vigie::bench::metric_value;
using vigie::bench::parse_size;
using vigie::bench::proc_status_kb;
using vigie::bench::remove_dir;
using vigie::bench::seconds_since;

// ---------------------------------------------------------------------------------------------
// The workload: NDJSON batches, and the same mentions as the pipeline would store them.

struct workload {
  std::vector<std::string> batches;  // NDJSON bodies of --batch lines
  std::size_t lines = 0;
  std::size_t ndjson_bytes = 0;

  // Records as a pipeline worker encodes them, back to back, with their key parts.
  struct entry {
    std::int64_t created_at_ms;
    std::uint32_t record_offset, record_size;
    std::uint32_t source_offset, source_size;
    std::uint32_t id_offset, id_size;
  };
  std::string records;
  std::string ids;
  std::vector<entry> entries;

  std::string_view record(const entry& e) const {
    return std::string_view(records).substr(e.record_offset, e.record_size);
  }
  std::string_view source(const entry& e) const {
    return std::string_view(ids).substr(e.source_offset, e.source_size);
  }
  std::string_view id(const entry& e) const {
    return std::string_view(ids).substr(e.id_offset, e.id_size);
  }
  // The identity used to compare what was acknowledged with what is stored.
  std::string identity(const entry& e) const {
    std::string k(source(e));
    k.push_back('\x1f');
    k.append(id(e));
    return k;
  }
};

void generate(const options& o, workload* w) {
  vigie::bench::generator_options g;
  g.seed = o.seed;
  g.count = o.mentions;
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

// Parse + enrich + encode, as pipeline::impl::parse does (pipeline/pipeline.cpp).
void encode_all(const options& o, workload* w) {
  auto lexicons = vigie::pipeline::load_lexicons(o.lexicons);
  if (!lexicons.ok()) die("cannot load the lexicons from " + o.lexicons + ": " + lexicons.status().message());
  std::unique_ptr<vigie::pipeline::enricher> enricher = vigie::pipeline::make_mention_enrichers(*lexicons)();
  vigie::pipeline::mention_parser parser;
  const std::int64_t ingested_at =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  std::size_t rejected = 0;
  w->entries.reserve(w->lines);
  for (const auto& body : w->batches) {
    auto s = parser.parse_batch(
        body, vigie::pipeline::batch_format::ndjson,
        [&](std::size_t, const vigie::status& item, const vigie::pipeline::mention_view& parsed) {
          if (!item.ok()) {
            ++rejected;
            return;
          }
          vigie::pipeline::mention_view m = parsed;
          m.ingested_at_ms = ingested_at;
          enricher->enrich(m);
          workload::entry e;
          e.created_at_ms = m.created_at_ms;
          e.record_offset = static_cast<std::uint32_t>(w->records.size());
          vigie::pipeline::encode_mention(m, &w->records);
          e.record_size = static_cast<std::uint32_t>(w->records.size() - e.record_offset);
          e.source_offset = static_cast<std::uint32_t>(w->ids.size());
          e.source_size = static_cast<std::uint32_t>(m.source.size());
          w->ids.append(m.source);
          e.id_offset = static_cast<std::uint32_t>(w->ids.size());
          e.id_size = static_cast<std::uint32_t>(m.id.size());
          w->ids.append(m.id);
          w->entries.push_back(e);
        });
    if (!s.ok()) die("generated batch does not parse: " + s.message());
  }
  if (rejected != 0 || w->entries.size() != w->lines) {
    die("the generator produced " + std::to_string(rejected) + " invalid lines");
  }
}

// ---------------------------------------------------------------------------------------------
// Temporary directories

fs::path make_temp_dir(const char* tag) { return vigie::bench::make_temp_dir(std::string("ingest-") + tag); }

// ---------------------------------------------------------------------------------------------
// Ceiling: raw batched RocksDB writes of the same records.

struct ceiling_result {
  double write_seconds = 0;  // add_mention + write
  double dedup_seconds = 0;  // find_existing
  std::size_t groups = 0;
};

ceiling_result run_ceiling(const workload& w, std::size_t group_size) {
  fs::path dir = make_temp_dir("ceiling");
  ceiling_result out;
  {
    vigie::storage::store_options so;  // the server's defaults
    so.path = (dir / "db").string();
    auto opened = vigie::storage::store::open(so);
    if (!opened.ok()) die("cannot open a store in " + so.path + ": " + opened.status().message());
    std::unique_ptr<vigie::storage::store> db = std::move(opened).value();
    vigie::storage::write_group wg(*db);
    std::vector<vigie::storage::dedup_ref> refs;
    std::unique_ptr<bool[]> found(new bool[group_size]);
    for (std::size_t first = 0; first < w.entries.size(); first += group_size) {
      const std::size_t last = std::min(first + group_size, w.entries.size());
      refs.clear();
      for (std::size_t i = first; i < last; ++i) {
        const auto& e = w.entries[i];
        refs.push_back({k_tenant, w.source(e), w.id(e)});
      }
      auto t0 = clock_type::now();
      auto s = db->find_existing(refs, std::span<bool>(found.get(), refs.size()));
      out.dedup_seconds += seconds_since(t0);
      if (!s.ok()) die("find_existing failed: " + s.message());

      t0 = clock_type::now();
      wg.clear();
      for (std::size_t i = first; i < last; ++i) {
        const auto& e = w.entries[i];
        wg.add_mention({k_tenant, e.created_at_ms, w.source(e), w.id(e)}, w.record(e));
      }
      s = db->write(wg);
      out.write_seconds += seconds_since(t0);
      if (!s.ok()) die("write failed: " + s.message());
      ++out.groups;
    }
    if (auto s = db->close(); !s.ok()) die("close failed: " + s.message());
  }
  remove_dir(dir);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The server process
// A keep-alive client of the bench tenant (tests/bench/bench_client.h).
class http_client : public vigie::bench::http_client {
 public:
  explicit http_client(std::uint16_t port) : vigie::bench::http_client(port, k_api_key) {}
};

class server_process : public vigie::bench::server_process {
 public:
  // Starts `vigie serve` on a free loopback port and waits for /readyz 200.
  server_process(const options& o, const fs::path& dir, const std::string& config_yaml)
      : vigie::bench::server_process({o.vigie, std::string(k_tenant) + ":" + std::string(k_api_key)}, dir,
                                     config_yaml) {}
};

// ---------------------------------------------------------------------------------------------
// End-to-end run

struct e2e_result {
  double seconds = 0;
  std::size_t accepted = 0, duplicates = 0, rejected = 0;
  std::size_t answers_503 = 0, reconnects = 0;
  double mean_group = 0, commit_seconds = 0;
  std::uint64_t hwm_kb = 0;
  double stop_seconds = 0;
  int exit_status = -1;
};

e2e_result run_e2e(const options& o, const workload& w) {
  fs::path dir = make_temp_dir("e2e");
  e2e_result out;
  {
    server_process server(o, dir, o.e2e_config);
    auto posted = vigie::bench::post_batches(server.port(), k_api_key, "vigie-ingest-bench", w.batches,
                                             o.connections);
    out.seconds = posted.seconds;
    if (!posted.failure.empty()) die("e2e: " + posted.failure + " (server log: " + server.log_path() + ")");
    out.accepted = posted.accepted;
    out.duplicates = posted.duplicates;
    out.rejected = posted.rejected;
    out.answers_503 = posted.answers_503;
    out.reconnects = posted.reconnects;
    try {
      http_client c(server.port());
      auto m = c.request(http::verb::get, "/metrics", {}, false);
      double count = metric_value(m.body(), "vigie_write_batch_mentions_count");
      double sum = metric_value(m.body(), "vigie_write_batch_mentions_sum");
      out.mean_group = count > 0 ? sum / count : 0;
      out.commit_seconds = metric_value(m.body(), "vigie_write_batch_duration_seconds_sum");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "ingest_bench: cannot read /metrics: %s\n", e.what());
    }
    out.hwm_kb = proc_status_kb(server.pid(), "VmHWM").value_or(0);
    out.exit_status = server.stop(&out.stop_seconds);
    if (out.exit_status != 0) die("the server exited with status " + std::to_string(out.exit_status) +
                                  " after SIGTERM; see " + server.log_path());
  }
  if (out.accepted != w.lines) {
    die("e2e: accepted " + std::to_string(out.accepted) + " of " + std::to_string(w.lines) + " mentions (" +
        std::to_string(out.duplicates) + " duplicates, " + std::to_string(out.rejected) + " rejected)");
  }
  remove_dir(dir);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Overload run

struct overload_result {
  double seconds = 0;
  std::size_t answers_200 = 0, answers_503 = 0, answers_other = 0, network_errors = 0;
  std::size_t accepted = 0;
  std::size_t duplicates = 0;  // in 200 answers: lines a 503 must not have stored
  std::vector<double> rss_mb;
  double rss_before_mb = 0;
  std::uint64_t hwm_kb = 0;
  std::size_t stored = 0, stored_twice = 0, acked_missing = 0, unacked_stored = 0, pages = 0;
  double verify_seconds = 0;
  int exit_status = -1;
};

overload_result run_overload(const options& o, const workload& w) {
  fs::path dir = make_temp_dir("overload");
  overload_result out;
  std::string yaml = "pipeline:\n  ingest_queue_batches: " + std::to_string(k_overload_queue_batches) +
                     "\n  max_inflight_bytes: " + std::to_string(k_overload_inflight_bytes) + "\n";
  {
    server_process server(o, dir, yaml);
    out.rss_before_mb = proc_status_kb(server.pid(), "VmRSS").value_or(0) / 1024.0;

    const std::size_t n = w.batches.size();
    // Per batch: waiting to be sent, being sent by one client, or acknowledged. A batch is
    // never sent by two clients at once, so that a duplicate in an answer can only come from
    // a refused attempt that stored something.
    enum : std::uint8_t { waiting, sending, acknowledged };
    std::unique_ptr<std::atomic<std::uint8_t>[]> state(new std::atomic<std::uint8_t>[n]);
    for (std::size_t b = 0; b < n; ++b) state[b] = waiting;
    std::atomic<std::size_t> next{0}, ok{0}, busy{0}, other{0}, neterr{0}, accepted{0}, duplicates{0}, remaining{n};
    std::atomic<bool> done{false};

    std::thread sampler([&] {
      while (!done.load(std::memory_order_acquire)) {
        if (auto kb = proc_status_kb(server.pid(), "VmRSS")) out.rss_mb.push_back(*kb / 1024.0);
        std::this_thread::sleep_for(k_rss_period);
      }
    });

    const auto deadline = clock_type::now() + k_overload_duration;
    auto client = [&] {
      http_client c(server.port());
      std::size_t misses = 0;
      for (;;) {
        if (remaining.load() == 0 || clock_type::now() >= deadline) return;
        const std::size_t k = next.fetch_add(1);
        const std::size_t b = k % n;
        std::uint8_t expected = waiting;
        if (!state[b].compare_exchange_strong(expected, sending)) {
          // Every batch left is being sent by another client: wait instead of spinning.
          if (++misses >= n) {
            misses = 0;
            std::this_thread::sleep_for(1ms);
          }
          continue;
        }
        misses = 0;
        std::uint8_t after = waiting;
        try {
          auto res = c.request(http::verb::post, "/v1/mentions", w.batches[b]);
          if (res.result_int() == 200) {
            ++ok;
            accepted += json_count(res.body(), "accepted");
            duplicates += json_count(res.body(), "duplicates");
            after = acknowledged;
            --remaining;
          } else if (res.result_int() == 503) {
            ++busy;
          } else {
            ++other;
          }
        } catch (const std::exception&) {
          ++neterr;
        }
        state[b] = after;
      }
    };
    auto t0 = clock_type::now();
    std::vector<std::thread> threads;
    for (int i = 0; i < o.overload_connections; ++i) threads.emplace_back(client);
    for (auto& t : threads) t.join();
    out.seconds = seconds_since(t0);
    done.store(true, std::memory_order_release);
    sampler.join();
    out.answers_200 = ok;
    out.answers_503 = busy;
    out.duplicates = duplicates;
    out.answers_other = other;
    out.network_errors = neterr;
    out.accepted = accepted;

    // Page through everything the tenant has and compare with what was acknowledged.
    auto v0 = clock_type::now();
    std::unordered_set<std::string> stored;
    stored.reserve(w.lines);
    http_client c(server.port());
    simdjson::dom::parser json;
    std::string cursor;
    for (;;) {
      std::string target = "/v1/mentions?limit=" + std::to_string(k_page_size);
      if (!cursor.empty()) target += "&cursor=" + cursor;
      auto res = c.request(http::verb::get, target);
      if (res.result_int() != 200) {
        die("overload: GET " + target + ": HTTP " + std::to_string(res.result_int()) + " " +
            res.body().substr(0, 300));
      }
      ++out.pages;
      simdjson::dom::element doc;
      if (auto err = json.parse(res.body()).get(doc)) die("overload: page is not JSON: " + std::string(simdjson::error_message(err)));
      simdjson::dom::array mentions;
      if (doc["mentions"].get_array().get(mentions)) die("overload: page without 'mentions'");
      for (auto m : mentions) {
        std::string_view source, id;
        if (m["source"].get_string().get(source) || m["id"].get_string().get(id)) {
          die("overload: stored mention without source or id");
        }
        std::string k(source);
        k.push_back('\x1f');
        k.append(id);
        if (!stored.insert(std::move(k)).second) ++out.stored_twice;
      }
      auto nc = doc["next_cursor"];
      std::string_view next_cursor;
      if (nc.is_null() || nc.get_string().get(next_cursor)) break;
      cursor.assign(next_cursor);
    }
    out.verify_seconds = seconds_since(v0);
    out.stored = stored.size();
    for (std::size_t b = 0; b < w.batches.size(); ++b) {
      const std::size_t first = b * o.batch, last = std::min(first + o.batch, w.entries.size());
      for (std::size_t i = first; i < last; ++i) {
        bool is_stored = stored.count(w.identity(w.entries[i])) != 0;
        const bool acked = state[b].load() == acknowledged;
        if (acked && !is_stored) ++out.acked_missing;
        if (!acked && is_stored) ++out.unacked_stored;
      }
    }
    out.hwm_kb = proc_status_kb(server.pid(), "VmHWM").value_or(0);
    out.exit_status = server.stop(nullptr);
    if (out.exit_status != 0) die("the overloaded server exited with status " + std::to_string(out.exit_status));
  }
  remove_dir(dir);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  vigie::bench::set_program_name("ingest_bench");
  options o;
  for (vigie::bench::option_reader r(argc, argv, usage); r.next();) {
    const std::string_view a = r.name();
    std::size_t n = 0;
    if (a == "--vigie") o.vigie = r.value();
    else if (a == "--lexicons") o.lexicons = r.value();
    else if (a == "--mentions") r.size_value(&o.mentions);
    else if (a == "--batch") r.size_value(&o.batch);
    else if (a == "--group") r.size_value(&o.group);
    else if (a == "--connections") r.size_value(&o.connections);
    else if (a == "--overload-connections") r.size_value(&o.overload_connections);
    else if (a == "--runs") r.size_value(&o.runs);
    else if (a == "--seed") r.size_value(&n), o.seed = n;
    else if (a == "--skip-overload") o.skip_overload = true;
    else if (a == "--e2e-config") {
      const char* path = r.value();
      std::ifstream in(path);
      if (!in) die(std::string("cannot read ") + path);
      o.e2e_config.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
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
  if (o.group == 0) o.group = o.batch;

  std::printf("ingest_bench: %zu mentions, batches of %zu, %d connections, %d runs, ceiling groups of %zu, "
              "seed %llu, %u hardware threads\n",
              o.mentions, o.batch, o.connections, o.runs, o.group,
              static_cast<unsigned long long>(o.seed), std::thread::hardware_concurrency());
  if (!o.e2e_config.empty()) std::printf("e2e server config:\n%s\n", o.e2e_config.c_str());
  std::fflush(stdout);

  workload w;
  auto t0 = clock_type::now();
  generate(o, &w);
  const double gen_s = seconds_since(t0);
  t0 = clock_type::now();
  encode_all(o, &w);
  const double enc_s = seconds_since(t0);
  std::printf("workload: %zu batches, %.1f MB NDJSON (%.0f B/line), %.1f MB records (%.0f B/record); "
              "generated in %.2f s, parsed+enriched+encoded in %.2f s (%.0f mentions/s, 1 thread)\n",
              w.batches.size(), w.ndjson_bytes / 1e6, double(w.ndjson_bytes) / w.lines, w.records.size() / 1e6,
              double(w.records.size()) / w.lines, gen_s, enc_s, w.lines / enc_s);
  std::printf("\n%-4s %-28s %-28s %-10s\n", "run", "ceiling write-only", "ceiling dedup+write",
              "end-to-end");
  std::fflush(stdout);

  std::vector<double> ceiling_rates, dedup_write_rates, e2e_rates;
  e2e_result last;
  for (int r = 1; r <= o.runs; ++r) {
    ceiling_result c = run_ceiling(w, o.group);
    e2e_result e = run_e2e(o, w);
    const double cw = w.lines / c.write_seconds, cdw = w.lines / (c.write_seconds + c.dedup_seconds);
    const double er = w.lines / e.seconds;
    ceiling_rates.push_back(cw);
    dedup_write_rates.push_back(cdw);
    e2e_rates.push_back(er);
    std::printf("%-4d %9.0f/s (%5.2f s)        %9.0f/s (%5.2f s)        %9.0f/s (%5.2f s)  "
                "group %.0f, commits %.2f s, 503s %zu, VmHWM %.0f MB, SIGTERM->exit %d in %.2f s\n",
                r, cw, c.write_seconds, cdw, c.write_seconds + c.dedup_seconds, er, e.seconds, e.mean_group,
                e.commit_seconds, e.answers_503, e.hwm_kb / 1024.0, e.exit_status, e.stop_seconds);
    std::fflush(stdout);
    last = e;
  }
  const double mc = median(ceiling_rates), mdw = median(dedup_write_rates), me = median(e2e_rates);
  std::printf("%-4s %9.0f/s                  %9.0f/s                  %9.0f/s\n", "med", mc, mdw, me);
  std::printf("\nend-to-end / ceiling (write-only): %.1f%% (target: >= 60%%)\n", 100.0 * me / mc);
  std::printf("end-to-end / ceiling (dedup+write): %.1f%%\n", 100.0 * me / mdw);
  std::printf("server peak RSS (VmHWM, last run): %.0f MB; accepted %zu of %zu in every run\n",
              last.hwm_kb / 1024.0, last.accepted, w.lines);
  std::fflush(stdout);

  if (o.skip_overload) return 0;

  overload_result ov = run_overload(o, w);
  std::vector<double> rss = ov.rss_mb;
  std::sort(rss.begin(), rss.end());
  const std::size_t offered = ov.answers_200 + ov.answers_503 + ov.answers_other + ov.network_errors;
  std::printf("\noverload: ingest_queue_batches %zu, max_inflight_bytes %zu, %d connections firing without "
              "waiting (a refused batch goes back in line, never after Retry-After)\n",
              k_overload_queue_batches, k_overload_inflight_bytes, o.overload_connections);
  std::printf("  %zu requests for %zu batches in %.2f s (%.0f req/s): %zu x 200, %zu x 503, %zu other, "
              "%zu network errors\n",
              offered, w.batches.size(), ov.seconds, offered / ov.seconds, ov.answers_200, ov.answers_503,
              ov.answers_other, ov.network_errors);
  std::printf("  accepted %zu mentions (%.0f mentions/s under overload), %zu duplicates in the answers\n", ov.accepted,
              ov.accepted / ov.seconds, ov.duplicates);
  if (!rss.empty()) {
    std::printf("  server VmRSS: %.0f MB before; during (%zu samples every 20 ms) min %.0f / median %.0f / "
                "max %.0f MB; VmHWM %.0f MB\n",
                ov.rss_before_mb, rss.size(), rss.front(), median(rss), rss.back(), ov.hwm_kb / 1024.0);
  }
  std::printf("  verify: %zu pages in %.2f s: %zu stored, %zu stored twice, %zu acknowledged but missing, "
              "%zu stored without acknowledgement; SIGTERM->exit %d\n",
              ov.pages, ov.verify_seconds, ov.stored, ov.stored_twice, ov.acked_missing, ov.unacked_stored,
              ov.exit_status);
  const bool lossless = ov.stored == ov.accepted && ov.duplicates == 0 && ov.stored_twice == 0 && ov.acked_missing == 0 &&
                        ov.unacked_stored == 0 && ov.answers_other == 0 && ov.network_errors == 0;
  std::printf("  %s\n", lossless ? "OK: every acknowledged mention is stored exactly once, nothing else"
                                 : "FAILED: stored mentions do not match the acknowledged ones");
  return lossless ? 0 : 1;
}
