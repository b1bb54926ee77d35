// stream_bench: ingest-to-alert latency of the live feed (POST accepted -> WebSocket frame
// received) while the server ingests at half its maximum rate.
//
//   stream_bench --vigie BUILD/server/vigie [--seconds 60] [--idle-seconds 20] [--rate N]
//                [--watches 40] [--history-days 3] [--batch 500] [--connections 4]
//                [--max-mentions 150000] [--pace 1] [--tick-ms 100] [--spike-factor 10]
//                [--seed 20260501] [--checkpoint-seconds N] [--verbose] [--quick]
//
// It prints figures; it is not a timed test and fails (exit 1) only when something does not
// work: the server does not start or exit cleanly, a watch or batch is refused, a feed is
// closed by the server, a mention event is lost, or no spike opens any alert (nothing to
// measure). Missed targets are printed, not failed.
//
// Two tenants share the server, as agencies do:
//   bench  the measured tenant: --watches watches (one pseudo-word brand each), steady
//          background for every watch (4 to 8 mentions per 5-minute bucket, like a small
//          brand) and one spike per watch (--spike-factor x the volume, negative text, in one
//          bucket); it is what the two WebSocket feeds listen to;
//   load   the filler: realistic mentions from mention_generator (the generator's brands,
//          which its watches match), at the rate that brings the server to the target.
// The filler must be another tenant: at tens of thousands of mentions per second it would
// bury the bench watches' baselines (a watch that sees 6 mentions per bucket for three days
// and then thousands is one long volume spike), and its watermark would judge the bench
// buckets instead of the bench's own POSTs.
//
// 1. Start `vigie serve` (detectors: 300-second buckets, 60 s allowed lateness) and PUT the
//    watches of both tenants. Open the alert feed (types=alert) of the bench tenant: an alert
//    during warm-up would be a false one.
// 2. Warm-up: --history-days of background for every bench watch, event time in the past,
//    posted in order over one connection (in order, so that no hit arrives after its bucket
//    was closed), then wait for the detector queue to drain.
// 3. Maximum rate R_max: --max-mentions filler mentions POSTed in batches of --batch over
//    --connections connections as fast as the server answers (as ingest_bench does); the
//    target is R_max / 2, or --rate.
// 4. The event clock: one thread POSTs the bench tenant's mentions every --tick-ms, event time
//    advancing --pace buckets per wall second (one 5-minute bucket per second by default), so
//    each watch keeps its steady baseline; spikes are placed in distinct buckets. First
//    --idle-seconds with nothing else (reference), then --seconds with the filler at the
//    target rate (paced over --connections connections; a 503 is counted and dropped, so the
//    offered rate stays steady). The mention feed (types=mention) is open during both.
// 5. Latencies, from steady_clock times of the POSTs (sent, answered) and of each frame's
//    receipt on the reader thread:
//    mention event  frame - answer of the POST that carried the mention. The server publishes
//                   a mention as soon as its group commit is durable, before the answer goes
//                   out, so a frame can beat the answer: that is counted as 0 and the number
//                   of such frames is printed; frame - send is printed too.
//    alert          each "opened" frame: frame - answer of the first POST whose created_at
//                   moved the watermark (max created_at - lateness) past the end of the bucket
//                   that opened it (its detected_at): the POST that made the detector judge
//                   that bucket. Both kinds a spike opens (volume_spike, negative_spike)
//                   are timed; the first frame of each spike is printed apart too.
//    Printed per phase (idle, load): p50 / p90 / p99 / max, samples, recall (spikes that
//    opened an alert), false alerts (no spike on that watch before them), late ones (on a
//    spiked watch, but more than an hour of event time after its spike), the offered and
//    achieved rates, the depth of the detector queue, the server's CPU and VmRSS.
//    --verbose prints every timed alert; --checkpoint-seconds sets the detectors' checkpoint
//    period, to see what the periodic checkpoint costs the alerts.
//
// The default run takes about 1.5 min (20 + 60 s of clock); --quick about 40 s.
//
// Thread safety: a program; every client thread owns its connection, each feed its reader
// thread; results are read after the threads are joined.

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/bench/bench_client.h"
#include "tests/bench/mention_generator.h"
#include "tests/bench/watch_queries.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;
using vigie::bench::die;
using vigie::bench::json_count;
using vigie::bench::seconds_since;

// The measured tenant and the filler tenant (VIGIE_API_KEYS).
constexpr std::string_view k_bench_tenant = "bench";
constexpr std::string_view k_bench_key = "bench-key";
constexpr std::string_view k_load_tenant = "load";
constexpr std::string_view k_load_key = "load-key";
constexpr std::string_view k_user_agent = "vigie-stream-bench";

// The detectors' settings, written to the server's config so that the bench's arithmetic
// (which POST judges which bucket) cannot drift from the server's defaults.
constexpr std::int64_t k_bucket_ms = 300'000;
constexpr std::int64_t k_lateness_ms = 60'000;
constexpr std::int64_t k_day_ms = 86'400'000;
constexpr std::int64_t k_hour_ms = 3'600'000;

// Background of a bench watch per bucket: uniform in [min, max], a small brand.
constexpr int k_background_min = 4;
constexpr int k_background_max = 8;
// History lines per warm-up POST: large batches, the warm-up is not measured.
constexpr std::size_t k_history_batch = 1000;
// A spike is placed at least this many buckets after its phase starts (the filler has ramped
// up) and this many before it ends (its bucket is judged 1.2 buckets after its end, and the
// alert has time to come).
constexpr std::int64_t k_spike_lead_buckets = 2;
constexpr std::int64_t k_spike_tail_buckets = 3;
// An alert on a spiked watch whose detected_at is this long after the spike's bucket ends
// still belongs to the spike (a longer window that crosses the threshold later).
constexpr std::int64_t k_spike_attribution_ms = k_hour_ms;
// After the event clock stops, alerts still on their way get this long to arrive.
constexpr auto k_alert_grace = 5s;
// The detector queue must drain within this after the warm-up.
constexpr auto k_drain_timeout = 60s;
// A bench POST answered 503 is retried after this (the event clock must not skip a tick).
constexpr auto k_bench_retry = 10ms;
constexpr int k_bench_max_attempts = 200;
// Filler ids start here, one range per connection: never those of the R_max phase.
constexpr std::uint64_t k_filler_first_id = 10'000'000'000ull;
// The detector queue is sampled this often during the clock.
constexpr auto k_queue_sample_period = 100ms;
// The acceptance target, printed next to the figure.
constexpr double k_target_p99_ms = 100;

struct options {
  std::string vigie;
  double seconds = 60;       // load phase (filler at the target rate), wall seconds
  double idle_seconds = 20;  // reference phase before it, bench traffic only
  std::size_t rate = 0;      // total target rate, mentions/s; 0: R_max / 2, measured
  std::size_t watches = 40;
  std::size_t history_days = 3;
  std::size_t batch = 500;  // filler lines per POST, in R_max and load phases
  int connections = 4;      // filler connections, in R_max and load phases
  std::size_t max_mentions = 150000;  // mentions POSTed to measure R_max
  double pace = 1;                    // event-time buckets per wall second
  std::size_t tick_ms = 100;          // period of the bench tenant's POSTs
  std::size_t spike_factor = 10;      // spike bucket volume / usual volume
  std::uint64_t seed = 20260501;
  bool verbose = false;  // print every timed alert
  // detectors.checkpoint_interval_seconds for the server; 0: its default. To see what the
  // periodic checkpoint of every watch's detector state costs the alerts.
  std::size_t checkpoint_seconds = 0;
};

void usage(FILE* out) {
  std::fprintf(out,
               "usage: stream_bench --vigie PATH [--seconds N] [--idle-seconds N] [--rate N] [--watches N]\n"
               "                    [--history-days N] [--batch N] [--connections N] [--max-mentions N]\n"
               "                    [--pace BUCKETS_PER_S] [--tick-ms N] [--spike-factor N] [--seed N] [--quick]\n"
               "                    [--checkpoint-seconds N] [--verbose]\n"
               "  --quick  a small run (about 40 s): 12 watches, 2 days of history, 8 + 15 s of clock,\n"
               "           40000 mentions for R_max\n");
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::int64_t floor_to(std::int64_t t, std::int64_t step) {
  return t >= 0 ? t / step * step : -((-t + step - 1) / step) * step;
}

double ms_between(clock_type::time_point from, clock_type::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// ---------------------------------------------------------------------------------------------
// Statistics

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  std::size_t i = static_cast<std::size_t>(p * double(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

struct summary {
  std::size_t n = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
};

summary summarize(std::vector<double> v) {
  summary s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.n = v.size();
  s.p50 = percentile(v, 0.5);
  s.p90 = percentile(v, 0.9);
  s.p99 = percentile(v, 0.99);
  s.max = v.back();
  for (double x : v) s.mean += x;
  s.mean /= double(v.size());
  return s;
}

std::string format(const summary& s) {
  if (s.n == 0) return "no samples";
  char out[160];
  std::snprintf(out, sizeof out, "p50 %.2f / p90 %.2f / p99 %.2f / max %.2f ms (mean %.2f, n=%zu)", s.p50, s.p90,
                s.p99, s.max, s.mean, s.n);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The bench tenant: watches, texts and the schedule of its mentions in event time

struct bench_watch {
  std::string id, brand;
};

// One brand per watch, pseudo-words made of letters only (a digit would make the tokenizer's
// job part of the question), all different.
std::vector<bench_watch> make_bench_watches(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::set<std::string> seen;
  std::vector<bench_watch> out;
  while (out.size() < n) {
    std::string brand = vigie::bench::pseudo_word(rng) + vigie::bench::pseudo_word(rng);
    std::string lower = brand;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!seen.insert(lower).second) continue;
    char id[16];
    std::snprintf(id, sizeof id, "w%03zu", out.size());
    out.push_back({id, brand});
  }
  return out;
}

struct text_template {
  const char* text;  // "{}" stands for the brand
  const char* lang;
};

// Everyday mentions of a brand: mostly neutral or positive, one mildly negative, as a brand's
// usual share of complaints.
constexpr text_template k_background[] = {
    {"Nouvelle boutique {} ouverte à Lyon ce matin", "fr"},
    {"J'utilise {} depuis un an, plutôt content", "fr"},
    {"{} annonce ses résultats du trimestre", "fr"},
    {"Un avis sur {} ? Je pense m'abonner", "fr"},
    {"Livraison {} un peu lente cette semaine", "fr"},
    {"Tried the new {} app today, works fine", "en"},
    {"{} sponsors the city marathon this weekend", "en"},
    {"Great customer support from {}, thanks", "en"},
    {"{} opens a new store downtown next month", "en"},
};
// A bad buzz: all negative (checked with `vigie score`).
constexpr text_template k_crisis[] = {
    {"{} arnaque scandale, remboursement refusé", "fr"},
    {"Quelle honte, {} m'a arnaqué, service client nul", "fr"},
    {"{} en panne depuis ce matin, c'est nul", "fr"},
    {"{} scam, worst service, refund denied", "en"},
    {"{} is a total scam, never again, disgusting", "en"},
};
constexpr const char* k_sources[] = {"twitter", "mastodon", "bluesky", "forum", "review", "news"};

struct scheduled_mention {
  std::int64_t created_at_ms;
  std::uint32_t watch;
  std::uint16_t text;
  bool crisis;
};

// Every bench mention with created_at in [from, to): the background of every watch in every
// bucket, plus the spikes (spike_bucket[w] = start of watch w's spike bucket, or INT64_MIN).
// Sorted by event time.
std::vector<scheduled_mention> schedule(std::int64_t from, std::int64_t to, std::size_t watches,
                                        const std::vector<std::int64_t>& spike_bucket, std::size_t spike_factor,
                                        std::mt19937_64& rng) {
  std::vector<scheduled_mention> out;
  const int spread = k_background_max - k_background_min + 1;
  const std::size_t spike_extra =
      (spike_factor - 1) * static_cast<std::size_t>(k_background_min + k_background_max) / 2;
  for (std::int64_t b = from; b < to; b += k_bucket_ms) {
    for (std::uint32_t w = 0; w < watches; ++w) {
      const int n = k_background_min + static_cast<int>(rng() % spread);
      for (int i = 0; i < n; ++i) {
        out.push_back({b + static_cast<std::int64_t>(rng() % k_bucket_ms), w,
                       static_cast<std::uint16_t>(rng() % std::size(k_background)), false});
      }
      if (spike_bucket[w] != b) continue;
      for (std::size_t i = 0; i < spike_extra; ++i) {
        out.push_back({b + static_cast<std::int64_t>(rng() % k_bucket_ms), w,
                       static_cast<std::uint16_t>(rng() % std::size(k_crisis)), true});
      }
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.created_at_ms < b.created_at_ms; });
  return out;
}

// One NDJSON line. Templates hold no quote or backslash, brands are letters: no escaping.
void append_line(const scheduled_mention& m, std::string_view id, const std::vector<bench_watch>& watches,
                 std::string* out) {
  const text_template& t = m.crisis ? k_crisis[m.text] : k_background[m.text];
  std::string_view text(t.text);
  const auto hole = text.find("{}");
  *out += "{\"id\":\"";
  *out += id;
  *out += "\",\"text\":\"";
  *out += text.substr(0, hole);
  *out += watches[m.watch].brand;
  *out += text.substr(hole + 2);
  *out += "\",\"created_at\":";
  *out += std::to_string(m.created_at_ms);
  *out += ",\"source\":\"";
  *out += k_sources[(m.created_at_ms / 7) % std::size(k_sources)];
  *out += "\",\"lang\":\"";
  *out += t.lang;
  *out += "\"}\n";
}

// ---------------------------------------------------------------------------------------------
// The filler tenant's watches: the generator's brands, the way watch_bench's tenant writes
// them, so that filler mentions match (~1.5 watches each) and cost what real ones do.
struct load_watch {
  const char* id;
  const char* query;
};
constexpr load_watch k_load_watches[] = {
    {"borel", "Borel"},
    {"kelvio", "Kelvio"},
    {"mistrale", "\"Mistrale Telecom\" OR #MistraleTelecom"},
    {"aurore", "\"Banque Aurore\""},
    {"veloria", "Veloria NOT (emploi OR recrutement OR hiring)"},
    {"caradec", "\"Maison Caradec\" OR caradec*"},
    {"borel-crisis", "Borel NEAR/5 (arnaque OR scandale OR panne OR nul OR honte OR scam OR fraud*)"},
};

void put_watch(vigie::bench::http_client& c, std::string_view id, std::string_view name, std::string_view query) {
  std::string body = "{\"name\":\"";
  body += name;
  body += "\",\"query\":\"";
  for (char ch : query) {
    if (ch == '"' || ch == '\\') body.push_back('\\');
    body.push_back(ch);
  }
  body += "\"}";
  const std::string target = "/v1/watches/" + std::string(id);
  try {
    auto res = c.request(http::verb::put, target, body);
    if (res.result_int() != 200 && res.result_int() != 201) {
      die("PUT " + target + ": HTTP " + std::to_string(res.result_int()) + " " + res.body().substr(0, 300));
    }
  } catch (const std::exception& e) {
    die("PUT " + target + ": " + e.what());
  }
}

// ---------------------------------------------------------------------------------------------
// A live feed: one WebSocket client of GET /v1/stream on its own thread, which stamps each
// frame with steady_clock::now() as soon as Beast has read it whole. Frames are kept raw and
// parsed after the run, so that the reader does nothing but read.

class feed {
 public:
  struct frame {
    clock_type::time_point at;
    std::string text;
  };

  // Connects and upgrades (dies on a refusal, with the server's answer), then reads.
  feed(std::uint16_t port, std::string_view api_key, const std::string& target) : target_(target) {
    auto& tcp = beast::get_lowest_layer(ws_);
    beast::error_code ec;
    tcp.socket().open(asio::ip::tcp::v4(), ec);
    if (!ec) tcp.socket().set_option(asio::ip::tcp::no_delay(true), ec);
    if (!ec) tcp.socket().connect(asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), port), ec);
    if (ec) die("feed " + target_ + ": connect: " + ec.message());
    const std::string auth = "Bearer " + std::string(api_key);
    ws_.set_option(websocket::stream_base::decorator([auth](websocket::request_type& req) {
      req.set(http::field::authorization, auth);
      req.set(http::field::user_agent, k_user_agent);
    }));
    websocket::response_type res;
    ws_.handshake(res, "127.0.0.1", target_, ec);
    if (ec) {
      die("feed " + target_ + ": handshake: " + ec.message() + " (HTTP " + std::to_string(res.result_int()) + " " +
          res.body().substr(0, 300) + ")");
    }
    do_read();
    thread_ = std::thread([this] {
      ioc_.run();
      done_.store(true, std::memory_order_release);
    });
  }
  ~feed() { stop(); }
  feed(const feed&) = delete;
  feed& operator=(const feed&) = delete;

  // Closes the connection (a normal close; if the server does not answer it, the socket) and
  // joins the reader.
  void stop() {
    if (!thread_.joinable()) return;
    stopping_.store(true, std::memory_order_release);
    asio::post(ioc_, [this] { ws_.async_close(websocket::close_code::normal, [](beast::error_code) {}); });
    const auto t0 = clock_type::now();
    while (!done_.load(std::memory_order_acquire) && clock_type::now() - t0 < k_close_timeout) {
      std::this_thread::sleep_for(5ms);
    }
    if (!done_.load(std::memory_order_acquire)) {
      asio::post(ioc_, [this] {
        beast::error_code ec;
        beast::get_lowest_layer(ws_).socket().close(ec);
      });
    }
    thread_.join();
  }

  std::vector<frame> frames() const {
    std::lock_guard lock(mu_);
    return frames_;
  }
  // Why the server ended the feed, or empty.
  std::string error() const {
    std::lock_guard lock(mu_);
    return error_;
  }

 private:
  // The server answers a close at once; past this it is treated as gone.
  static constexpr auto k_close_timeout = 2s;

  void do_read() {
    ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t bytes) { on_read(ec, bytes); });
  }

  void on_read(beast::error_code ec, std::size_t) {
    const auto at = clock_type::now();
    if (ec) {
      if (stopping_.load(std::memory_order_acquire)) return;  // our own close
      std::lock_guard lock(mu_);
      error_ = ec.message();
      if (ec == websocket::error::closed) {
        const auto& r = ws_.reason();
        error_ += " by the server, code " + std::to_string(r.code) + " " + std::string(r.reason.data(), r.reason.size());
      }
      return;
    }
    {
      std::lock_guard lock(mu_);
      frames_.push_back({at, beast::buffers_to_string(buffer_.data())});
    }
    buffer_.consume(buffer_.size());
    do_read();
  }

  std::string target_;
  asio::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_{ioc_};
  beast::flat_buffer buffer_;
  std::thread thread_;
  std::atomic<bool> stopping_{false}, done_{false};
  mutable std::mutex mu_;
  std::vector<frame> frames_;
  std::string error_;
};

// ---------------------------------------------------------------------------------------------
// The event clock: the bench tenant's POSTs, one per tick

struct tick {
  std::string body;
  std::size_t lines = 0;
  std::int64_t max_created_at_ms = INT64_MIN;  // what the POST may move the watermark to
};

struct tick_post {
  clock_type::time_point sent, answered;  // of the accepted attempt
  bool posted = false;
  int attempts = 0;
};

struct clock_result {
  std::vector<tick_post> posts;  // by tick
  std::size_t answers_503 = 0;
  std::string failure;
};

// POSTs tick k's body at t0 + k * period; a late tick (slow answers) goes at once, and event
// time stays the schedule's: only wall-clock pacing slips.
void run_clock(std::uint16_t port, const std::vector<tick>& ticks, clock_type::time_point t0,
               clock_type::duration period, clock_result* out) {
  out->posts.assign(ticks.size(), {});
  vigie::bench::http_client c(port, k_bench_key, k_user_agent);
  try {
    c.connect();
  } catch (const std::exception& e) {
    out->failure = std::string("bench connect: ") + e.what();
    return;
  }
  for (std::size_t k = 0; k < ticks.size(); ++k) {
    if (ticks[k].lines == 0) continue;
    std::this_thread::sleep_until(t0 + period * static_cast<long>(k));
    tick_post& p = out->posts[k];
    for (;;) {
      ++p.attempts;
      p.sent = clock_type::now();
      try {
        auto res = c.request(http::verb::post, "/v1/mentions", ticks[k].body);
        p.answered = clock_type::now();
        if (res.result_int() == 200) {
          if (json_count(res.body(), "accepted") != ticks[k].lines) {
            out->failure = "bench tick " + std::to_string(k) + ": " + res.body().substr(0, 300);
            return;
          }
          p.posted = true;
          break;
        }
        if (res.result_int() != 503 || p.attempts >= k_bench_max_attempts) {
          out->failure = "bench tick " + std::to_string(k) + ": HTTP " + std::to_string(res.result_int()) + " " +
                         res.body().substr(0, 300);
          return;
        }
        ++out->answers_503;
        std::this_thread::sleep_for(k_bench_retry);
      } catch (const std::exception& e) {
        out->failure = "bench tick " + std::to_string(k) + ": " + e.what();
        return;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The filler: the load tenant's mentions at a steady offered rate

struct filler_result {
  std::size_t offered_lines = 0, accepted = 0, answers_503 = 0, late_slots = 0;
  std::vector<double> post_ms;  // each answered POST
  std::string failure;
};

// Batch j is due at t0 + j * (batch / rate); `connections` threads take the next slot, build
// its body, wait for its time and POST it. A slot whose time has passed (every connection was
// busy) goes at once and counts as late: the server did not keep up with the offered rate.
// Event time is wall-clock time, as for a live feed.
filler_result run_filler(const options& o, std::uint16_t port, double rate, clock_type::time_point t0,
                         clock_type::time_point t1) {
  filler_result out;
  if (rate <= 0) return out;
  const auto period = std::chrono::duration_cast<clock_type::duration>(
      std::chrono::duration<double>(double(o.batch) / rate));
  std::atomic<std::size_t> next{0}, offered{0}, accepted{0}, busy{0}, late{0};
  std::mutex mu;
  const std::int64_t start_ms = now_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(t0 - clock_type::now()).count();
  auto client = [&](int index) {
    vigie::bench::generator_options g;
    g.seed = o.seed + 100 + static_cast<std::uint64_t>(index);
    g.first_id = k_filler_first_id * static_cast<std::uint64_t>(index + 1);
    g.start_ms = start_ms;
    g.mean_interval_ms = 1000.0 * o.connections / rate;  // each stream keeps up with wall time
    vigie::bench::mention_generator gen(g);
    vigie::bench::http_client c(port, k_load_key, k_user_agent);
    std::vector<double> ms;
    std::string body;
    for (;;) {
      const std::size_t j = next.fetch_add(1);
      const auto due = t0 + period * static_cast<long>(j);
      if (due >= t1) break;
      body.clear();
      for (std::size_t i = 0; i < o.batch; ++i) gen.next(&body);
      if (clock_type::now() > due + period) ++late;
      std::this_thread::sleep_until(due);
      offered += o.batch;
      const auto p0 = clock_type::now();
      try {
        auto res = c.request(http::verb::post, "/v1/mentions", body);
        ms.push_back(ms_between(p0, clock_type::now()));
        if (res.result_int() == 200) {
          accepted += json_count(res.body(), "accepted");
        } else if (res.result_int() == 503) {
          ++busy;  // dropped: the offered rate stays steady
        } else {
          std::lock_guard lock(mu);
          out.failure = "filler POST: HTTP " + std::to_string(res.result_int()) + " " + res.body().substr(0, 300);
          break;
        }
      } catch (const std::exception& e) {
        std::lock_guard lock(mu);
        out.failure = std::string("filler POST: ") + e.what();
        break;
      }
    }
    std::lock_guard lock(mu);
    out.post_ms.insert(out.post_ms.end(), ms.begin(), ms.end());
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < o.connections; ++i) threads.emplace_back(client, i);
  for (auto& t : threads) t.join();
  out.offered_lines = offered;
  out.accepted = accepted;
  out.answers_503 = busy;
  out.late_slots = late;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Server figures

double metric(std::uint16_t port, std::string_view name) {
  vigie::bench::http_client c(port, k_bench_key, k_user_agent);
  try {
    auto res = c.request(http::verb::get, "/metrics", {}, false);
    return vigie::bench::metric_value(res.body(), name);
  } catch (const std::exception& e) {
    die(std::string("GET /metrics: ") + e.what());
  }
}

double rss_mb(pid_t pid) { return vigie::bench::proc_status_kb(pid, "VmRSS").value_or(0) / 1024.0; }

// Every alert of the bench tenant (GET /v1/alerts, all pages): id -> state.
std::map<std::string, std::string> stored_alerts(std::uint16_t port) {
  std::map<std::string, std::string> out;
  vigie::bench::http_client c(port, k_bench_key, k_user_agent);
  simdjson::dom::parser json;
  std::string cursor;
  for (;;) {
    const std::string target = "/v1/alerts?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor);
    http::response<http::string_body> res;
    try {
      res = c.request(http::verb::get, target);
    } catch (const std::exception& e) {
      die("GET " + target + ": " + e.what());
    }
    if (res.result_int() != 200) die("GET " + target + ": HTTP " + std::to_string(res.result_int()));
    simdjson::dom::element doc;
    simdjson::dom::array alerts;
    if (json.parse(res.body()).get(doc) || doc["alerts"].get_array().get(alerts)) die("GET " + target + ": bad JSON");
    for (auto a : alerts) {
      std::string_view id, state;
      if (a["id"].get_string().get(id) || a["state"].get_string().get(state)) die("GET " + target + ": bad alert");
      out[std::string(id)] = std::string(state);
    }
    std::string_view next;
    if (doc["next_cursor"].get_string().get(next)) break;  // null: last page
    cursor = std::string(next);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Analysis of the frames

struct alert_event {
  clock_type::time_point at;
  std::string id, watch, kind, change;
  std::int64_t detected_at_ms = 0;  // from the id: "<detected_at ms>-<kind>-<watch>"
};

std::vector<alert_event> parse_alerts(const std::vector<feed::frame>& frames) {
  std::vector<alert_event> out;
  simdjson::dom::parser json;
  for (const auto& f : frames) {
    simdjson::dom::element doc;
    std::string_view type, id, watch, kind, change;
    if (json.parse(f.text).get(doc) || doc["type"].get_string().get(type)) die("alert feed: bad frame " + f.text);
    if (type != "alert") continue;
    auto data = doc["data"];
    if (data["id"].get_string().get(id) || data["watch"].get_string().get(watch) ||
        data["kind"].get_string().get(kind) || data["change"].get_string().get(change)) {
      die("alert feed: bad alert " + f.text.substr(0, 300));
    }
    alert_event a{f.at, std::string(id), std::string(watch), std::string(kind), std::string(change)};
    a.detected_at_ms = std::strtoll(a.id.c_str(), nullptr, 10);
    out.push_back(std::move(a));
  }
  return out;
}

// What one phase of the event clock measured.
struct phase_figures {
  const char* name = "";
  std::size_t first_tick = 0, end_tick = 0;
  double seconds = 0;
  std::vector<double> mention_answer_ms, mention_send_ms;  // per mention frame
  std::size_t mentions_early = 0;                          // frame before the answer
  std::vector<double> alert_answer_ms, alert_send_ms;      // per "opened" frame
  std::vector<double> first_alert_answer_ms;               // per spike: its first "opened" frame
  std::size_t alerts_early = 0;
  std::vector<double> detector_queue;                      // sampled depth, hit batches
  std::size_t spikes = 0, spikes_detected = 0;
  std::size_t bench_lines = 0;
  double server_cpu_s = 0;
  filler_result filler;
  double filler_rate = 0;  // offered, mentions/s
};

}  // namespace

int main(int argc, char** argv) {
  vigie::bench::set_program_name("stream_bench");
  options o;
  for (vigie::bench::option_reader r(argc, argv, usage); r.next();) {
    const std::string_view a = r.name();
    std::size_t n = 0;
    if (a == "--vigie") o.vigie = r.value();
    else if (a == "--seconds") r.real_value(&o.seconds);
    else if (a == "--idle-seconds") r.real_value(&o.idle_seconds);
    else if (a == "--rate") r.size_value(&o.rate);
    else if (a == "--watches") r.size_value(&o.watches);
    else if (a == "--history-days") r.size_value(&o.history_days);
    else if (a == "--batch") r.size_value(&o.batch);
    else if (a == "--connections") r.size_value(&o.connections);
    else if (a == "--max-mentions") r.size_value(&o.max_mentions);
    else if (a == "--pace") r.real_value(&o.pace);
    else if (a == "--tick-ms") r.size_value(&o.tick_ms);
    else if (a == "--spike-factor") r.size_value(&o.spike_factor);
    else if (a == "--seed") r.size_value(&n), o.seed = n;
    else if (a == "--verbose") o.verbose = true;
    else if (a == "--checkpoint-seconds") r.size_value(&o.checkpoint_seconds);
    else if (a == "--quick") {
      o.seconds = 15;
      o.idle_seconds = 8;
      o.watches = 12;
      o.history_days = 2;
      o.max_mentions = 40000;
    } else if (a == "--help" || a == "-h") {
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
  if (o.spike_factor < 2) {
    std::fprintf(stderr, "stream_bench: --spike-factor must be at least 2\n");
    return 2;
  }
  if (::access(o.vigie.c_str(), X_OK) != 0) die("not an executable: " + o.vigie);

  // --- event-time layout ---------------------------------------------------------------------
  // Ticks divide a bucket, so that the phases start on bucket boundaries.
  const std::int64_t ticks_per_bucket =
      std::max<std::int64_t>(1, std::llround(1000.0 / (double(o.tick_ms) * o.pace)));
  const auto tick_period = std::chrono::duration_cast<clock_type::duration>(
      std::chrono::duration<double>(1.0 / (o.pace * double(ticks_per_bucket))));
  const std::int64_t tick_event_ms = k_bucket_ms / ticks_per_bucket;
  const std::int64_t idle_buckets = std::max<std::int64_t>(1, std::llround(o.idle_seconds * o.pace));
  const std::int64_t load_buckets = std::max<std::int64_t>(1, std::llround(o.seconds * o.pace));
  const std::int64_t clock_buckets = idle_buckets + load_buckets;
  // Event time stays in the past: a created_at more than max_future (5 min) past its
  // ingestion would not move the watermark. The clock's span ends an hour before now.
  const std::int64_t e0 = floor_to(now_ms() - clock_buckets * k_bucket_ms - k_hour_ms, k_bucket_ms);
  const std::int64_t history_from = e0 - static_cast<std::int64_t>(o.history_days) * k_day_ms;
  const std::int64_t e1 = e0 + clock_buckets * k_bucket_ms;

  // Spikes: distinct buckets, spread over each phase in proportion to the room it has.
  const std::vector<bench_watch> watches = make_bench_watches(o.watches, o.seed);
  std::vector<std::int64_t> spike_bucket(watches.size(), INT64_MIN);  // start, event time
  std::vector<int> spike_phase(watches.size(), 1);
  {
    const std::int64_t room_idle = std::max<std::int64_t>(0, idle_buckets - k_spike_lead_buckets - k_spike_tail_buckets);
    const std::int64_t room_load = std::max<std::int64_t>(0, load_buckets - k_spike_lead_buckets - k_spike_tail_buckets);
    if (room_idle + room_load == 0) die("the phases are too short for a spike: raise --seconds or --pace");
    const std::size_t n_idle = static_cast<std::size_t>(
        std::llround(double(watches.size()) * double(room_idle) / double(room_idle + room_load)));
    const std::size_t n_load = watches.size() - n_idle;
    auto place = [&](std::size_t first_watch, std::size_t count, std::int64_t phase_start, std::int64_t room,
                     int phase) {
      for (std::size_t j = 0; j < count; ++j) {
        const std::int64_t b = phase_start + k_spike_lead_buckets + static_cast<std::int64_t>(j) * room /
                                                                         static_cast<std::int64_t>(count);
        spike_bucket[first_watch + j] = e0 + b * k_bucket_ms;
        spike_phase[first_watch + j] = phase;
      }
    };
    // Interleaved watch order does not matter: watches are alike. Idle spikes first.
    place(0, n_idle, 0, room_idle, 0);
    place(n_idle, n_load, idle_buckets, room_load, 1);
    if (static_cast<std::int64_t>(n_idle) > room_idle || static_cast<std::int64_t>(n_load) > room_load) {
      std::printf("note: more watches than buckets with room for a spike: some spikes share a bucket\n");
    }
  }

  std::mt19937_64 rng(o.seed);
  const std::vector<scheduled_mention> history = schedule(history_from, e0, watches.size(), spike_bucket,
                                                          o.spike_factor, rng);
  const std::vector<scheduled_mention> live = schedule(e0, e1, watches.size(), spike_bucket, o.spike_factor, rng);
  std::vector<std::string> history_batches;
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (i % k_history_batch == 0) history_batches.emplace_back();
    append_line(history[i], "h" + std::to_string(i), watches, &history_batches.back());
  }
  std::vector<tick> ticks(static_cast<std::size_t>(clock_buckets * ticks_per_bucket));
  {
    std::vector<std::size_t> count(ticks.size(), 0);
    for (const auto& m : live) {
      const std::size_t k = static_cast<std::size_t>((m.created_at_ms - e0) / tick_event_ms);
      tick& t = ticks[k];
      append_line(m, "p" + std::to_string(k) + "-" + std::to_string(count[k]++), watches, &t.body);
      ++t.lines;
      t.max_created_at_ms = std::max(t.max_created_at_ms, m.created_at_ms);
    }
  }
  const std::size_t load_tick0 = static_cast<std::size_t>(idle_buckets * ticks_per_bucket);

  std::printf("stream_bench: %zu watches (tenant %s), %zu days of history, event time advancing %.3g x %lld s "
              "per wall second, a bench POST every %.0f ms, idle %.0f s + load %.0f s, filler batches of %zu over %d "
              "connections, spikes x%zu, seed %llu, %u hardware threads\n",
              watches.size(), std::string(k_bench_tenant).c_str(), o.history_days, o.pace,
              static_cast<long long>(k_bucket_ms / 1000), std::chrono::duration<double, std::milli>(tick_period).count(),
              double(idle_buckets) / o.pace, double(load_buckets) / o.pace, o.batch, o.connections, o.spike_factor,
              static_cast<unsigned long long>(o.seed), std::thread::hardware_concurrency());
  std::printf("workload: %zu history mentions (%zu buckets x %zu watches, %d-%d per bucket), %zu mentions on the "
              "event clock (%zu ticks of %lld s of event time), %zu spikes of %zu extra negative mentions\n",
              history.size(), static_cast<std::size_t>((e0 - history_from) / k_bucket_ms), watches.size(),
              k_background_min, k_background_max, live.size(), ticks.size(),
              static_cast<long long>(tick_event_ms / 1000), watches.size(),
              (o.spike_factor - 1) * (k_background_min + k_background_max) / 2);
  std::fflush(stdout);

  // --- server ----------------------------------------------------------------------------------
  const std::filesystem::path dir = vigie::bench::make_temp_dir("stream");
  std::string yaml = "detectors:\n  bucket_seconds: " + std::to_string(k_bucket_ms / 1000) +
                     "\n  allowed_lateness_seconds: " + std::to_string(k_lateness_ms / 1000) + "\n";
  if (o.checkpoint_seconds) yaml += "  checkpoint_interval_seconds: " + std::to_string(o.checkpoint_seconds) + "\n";
  const std::string keys = std::string(k_bench_tenant) + ":" + std::string(k_bench_key) + "," +
                           std::string(k_load_tenant) + ":" + std::string(k_load_key);
  auto t_start = clock_type::now();
  vigie::bench::server_process server({o.vigie, keys}, dir, yaml);
  const std::uint16_t port = server.port();
  const auto server_ready = clock_type::now();
  const double rss_start = rss_mb(server.pid());
  std::printf("\nserver: ready in %.2f s on port %u, VmRSS %.0f MB (log %s)\n", seconds_since(t_start), port, rss_start,
              server.log_path().c_str());

  t_start = clock_type::now();
  {
    vigie::bench::http_client bench(port, k_bench_key, k_user_agent);
    for (const auto& w : watches) put_watch(bench, w.id, w.brand, w.brand);
    vigie::bench::http_client load(port, k_load_key, k_user_agent);
    for (const auto& w : k_load_watches) put_watch(load, w.id, w.id, w.query);
  }
  std::printf("watches: %zu (bench) + %zu (load) created in %.2f s\n", watches.size(), std::size(k_load_watches),
              seconds_since(t_start));

  // The alert feed is open from here on: alerts before the spikes are false ones.
  feed alerts(port, k_bench_key, "/v1/stream?types=alert");

  // --- warm-up -------------------------------------------------------------------------------
  auto warm = vigie::bench::post_batches(port, k_bench_key, k_user_agent, history_batches, 1);
  const double warm_s = warm.seconds;
  if (!warm.failure.empty()) die("warm-up: " + warm.failure + " (server log: " + server.log_path() + ")");
  if (warm.accepted != history.size()) {
    die("warm-up: accepted " + std::to_string(warm.accepted) + " of " + std::to_string(history.size()));
  }
  history_batches.clear();
  history_batches.shrink_to_fit();
  const auto d0 = clock_type::now();
  while (metric(port, "vigie_detector_queue_depth") > 0) {
    if (clock_type::now() - d0 > k_drain_timeout) die("the detector queue did not drain after the warm-up");
    std::this_thread::sleep_for(20ms);
  }
  const double drain_s = seconds_since(d0);
  const double rss_warm = rss_mb(server.pid());
  std::printf("warm-up: %zu mentions over 1 connection in %.2f s (%.0f/s), detectors drained %.2f s later; "
              "VmRSS %.0f MB\n",
              history.size(), warm_s, history.size() / warm_s, drain_s, rss_warm);
  std::fflush(stdout);

  // --- R_max ---------------------------------------------------------------------------------
  double r_max = 0;
  double rss_rmax = 0;
  if (o.rate == 0) {
    std::vector<std::string> batches;
    {
      vigie::bench::generator_options g;
      g.seed = o.seed + 1;
      g.start_ms = now_ms() - 2 * k_day_ms;  // far before the filler's live event time
      vigie::bench::mention_generator gen(g);
      std::size_t bytes = 0;
      for (std::size_t i = 0; i < o.max_mentions; ++i) {
        if (i % o.batch == 0) batches.emplace_back();
        gen.next(&batches.back());
      }
      for (const auto& b : batches) bytes += b.size();
      std::printf("max rate: %zu filler mentions (%.1f MB NDJSON) in %zu batches of %zu over %d connections\n",
                  o.max_mentions, bytes / 1e6, batches.size(), o.batch, o.connections);
    }
    auto r = vigie::bench::post_batches(port, k_load_key, k_user_agent, batches, o.connections);
    if (!r.failure.empty()) die("max rate: " + r.failure + " (server log: " + server.log_path() + ")");
    if (r.accepted != o.max_mentions) {
      die("max rate: accepted " + std::to_string(r.accepted) + " of " + std::to_string(o.max_mentions));
    }
    r_max = double(r.accepted) / r.seconds;
    rss_rmax = rss_mb(server.pid());
    std::printf("max rate: R_max = %.0f mentions/s (%.2f s, %zu x 503 retried); VmRSS %.0f MB\n", r_max, r.seconds,
                r.answers_503, rss_rmax);
    // Let the writer and the detectors finish what the burst left before the clock starts.
    const auto q0 = clock_type::now();
    while (metric(port, "vigie_detector_queue_depth") > 0 && clock_type::now() - q0 < k_drain_timeout) {
      std::this_thread::sleep_for(20ms);
    }
  }
  const double target_rate = o.rate ? double(o.rate) : r_max / 2;
  std::size_t bench_load_lines = 0;
  for (std::size_t k = load_tick0; k < ticks.size(); ++k) bench_load_lines += ticks[k].lines;
  const double bench_load_rate = double(bench_load_lines) / (double(load_buckets) / o.pace);
  const double filler_rate = std::max(0.0, target_rate - bench_load_rate);
  std::printf("target: %.0f mentions/s (%s) = filler %.0f/s + bench %.0f/s\n", target_rate,
              o.rate ? "--rate" : "R_max / 2", filler_rate, bench_load_rate);
  std::fflush(stdout);

  // --- the event clock: idle, then load ------------------------------------------------------
  feed mentions(port, k_bench_key, "/v1/stream?types=mention");
  std::this_thread::sleep_for(300ms);  // the session is subscribed to the hub before the clock starts
  const double late_hits0 = metric(port, "vigie_detector_late_hits_total");
  const auto t0 = clock_type::now() + 200ms;
  const auto t_load = t0 + tick_period * static_cast<long>(load_tick0);
  const auto t_end = t0 + tick_period * static_cast<long>(ticks.size());
  clock_result clock;
  std::atomic<bool> clock_finished{false};
  std::thread clock_thread([&] {
    run_clock(port, ticks, t0, tick_period, &clock);
    clock_finished.store(true, std::memory_order_release);
  });
  filler_result filler;
  std::thread filler_thread([&] {
    std::this_thread::sleep_until(t_load);
    filler = run_filler(o, port, filler_rate, t_load, t_end);
  });
  // Meanwhile: the depth of the detector queue (hit batches of every tenant waiting for the
  // detector thread), since an alert is found only once the batches before it are processed.
  vigie::bench::http_client metrics_client(port, k_bench_key, k_user_agent);
  auto sample_queue = [&](const auto& until, std::vector<double>* out) {
    while (!until()) {
      try {
        auto res = metrics_client.request(http::verb::get, "/metrics", {}, false);
        out->push_back(vigie::bench::metric_value(res.body(), "vigie_detector_queue_depth"));
      } catch (const std::exception&) {
        // a sample lost; the clock's own POSTs report a server that is gone
      }
      std::this_thread::sleep_for(k_queue_sample_period);
    }
  };
  std::vector<double> idle_queue, load_queue;
  std::this_thread::sleep_until(t0);
  const double cpu0 = vigie::bench::proc_cpu_seconds(server.pid());
  const double rss_idle_start = rss_mb(server.pid());
  sample_queue([&] { return clock_type::now() >= t_load; }, &idle_queue);
  const double cpu1 = vigie::bench::proc_cpu_seconds(server.pid());
  const double rss_load_start = rss_mb(server.pid());
  sample_queue([&] { return clock_finished.load(std::memory_order_acquire); }, &load_queue);
  clock_thread.join();
  const auto clock_done = clock_type::now();
  const double cpu2 = vigie::bench::proc_cpu_seconds(server.pid());
  const double rss_load_end = rss_mb(server.pid());
  filler_thread.join();
  if (!clock.failure.empty()) die(clock.failure + " (server log: " + server.log_path() + ")");
  if (!filler.failure.empty()) die(filler.failure + " (server log: " + server.log_path() + ")");

  // Alerts still on their way: wait until every spiked watch has one, or the grace ends.
  {
    const auto g0 = clock_type::now();
    while (clock_type::now() - g0 < k_alert_grace) {
      std::set<std::string> opened;
      for (const auto& a : parse_alerts(alerts.frames())) {
        if (a.change == "opened") opened.insert(a.watch);
      }
      if (opened.size() >= watches.size()) break;
      std::this_thread::sleep_for(100ms);
    }
    // Mention frames of the last ticks: they were published before their answers.
    std::this_thread::sleep_for(200ms);
  }
  const double late_hits = metric(port, "vigie_detector_late_hits_total") - late_hits0;
  const std::map<std::string, std::string> stored = stored_alerts(port);
  mentions.stop();
  alerts.stop();
  const std::string mentions_error = mentions.error(), alerts_error = alerts.error();
  const std::vector<feed::frame> mention_frames = mentions.frames();
  const std::vector<alert_event> alert_events = parse_alerts(alerts.frames());
  const double rss_end = rss_mb(server.pid());
  const double hwm = vigie::bench::proc_status_kb(server.pid(), "VmHWM").value_or(0) / 1024.0;
  double stop_s = 0;
  const int exit_status = server.stop(&stop_s);

  // --- analysis ------------------------------------------------------------------------------
  phase_figures phases[2];
  phases[0].name = "idle";
  phases[0].first_tick = 0;
  phases[0].end_tick = load_tick0;
  phases[0].seconds = std::chrono::duration<double>(t_load - t0).count();
  phases[0].server_cpu_s = cpu1 - cpu0;
  phases[0].detector_queue = std::move(idle_queue);
  phases[1].name = "load";
  phases[1].first_tick = load_tick0;
  phases[1].end_tick = ticks.size();
  phases[1].seconds = std::chrono::duration<double>(clock_done - t_load).count();
  phases[1].server_cpu_s = cpu2 - cpu1;
  phases[1].detector_queue = std::move(load_queue);
  phases[1].filler = filler;
  phases[1].filler_rate = filler_rate;
  auto phase_of_tick = [&](std::size_t k) -> phase_figures& { return phases[k < load_tick0 ? 0 : 1]; };
  for (std::size_t k = 0; k < ticks.size(); ++k) phase_of_tick(k).bench_lines += ticks[k].lines;

  // Mention events.
  std::size_t mention_frames_unique = 0, mention_frames_duplicate = 0, mention_frames_foreign = 0;
  {
    std::set<std::string> seen;
    simdjson::dom::parser json;
    for (const auto& f : mention_frames) {
      simdjson::dom::element doc;
      std::string_view type, id;
      if (json.parse(f.text).get(doc) || doc["type"].get_string().get(type) ||
          doc["data"]["id"].get_string().get(id)) {
        die("mention feed: bad frame " + f.text.substr(0, 300));
      }
      if (type != "mention" || !id.starts_with('p')) {
        ++mention_frames_foreign;
        continue;
      }
      if (!seen.insert(std::string(id)).second) {
        ++mention_frames_duplicate;
        continue;
      }
      ++mention_frames_unique;
      const std::size_t k = std::strtoull(std::string(id.substr(1)).c_str(), nullptr, 10);
      if (k >= ticks.size() || !clock.posts[k].posted) die("mention feed: frame of a tick never posted: " + std::string(id));
      const tick_post& p = clock.posts[k];
      phase_figures& ph = phase_of_tick(k);
      const double answer_ms = ms_between(p.answered, f.at);
      if (answer_ms < 0) ++ph.mentions_early;
      ph.mention_answer_ms.push_back(std::max(0.0, answer_ms));
      ph.mention_send_ms.push_back(ms_between(p.sent, f.at));
    }
  }

  // Alerts: the POST that judged each one's bucket, and whether a spike explains it.
  std::map<std::string, std::size_t> watch_index;
  for (std::size_t i = 0; i < watches.size(); ++i) watch_index[watches[i].id] = i;
  // false: nothing explains them (no spike on the watch, or before it); late: on a spiked
  // watch, but later than the attribution window (a long window the spike still weighs on).
  std::vector<std::string> false_alerts, late_alerts;
  std::map<std::string, std::size_t> opened_by_kind, changes;
  std::set<std::size_t> detected_watches;
  std::map<std::size_t, std::pair<double, std::size_t>> first_alert;  // watch -> (latency, judging tick)
  if (o.verbose) std::printf("\ntimed alerts (times from the start of the clock):\n");
  std::size_t opened_before_clock = 0, opened_unjudged = 0;
  std::set<std::string> opened_ids;
  for (const auto& a : alert_events) {
    ++changes[a.change];
    if (a.change != "opened") continue;
    opened_ids.insert(a.id);
    ++opened_by_kind[a.kind];
    auto wi = watch_index.find(a.watch);
    const bool after_spike = wi != watch_index.end() && a.detected_at_ms >= spike_bucket[wi->second] + k_bucket_ms;
    const bool expected =
        after_spike && a.detected_at_ms <= spike_bucket[wi->second] + k_bucket_ms + k_spike_attribution_ms;
    if (!after_spike) false_alerts.push_back(a.id);
    else if (!expected) late_alerts.push_back(a.id);
    if (a.detected_at_ms < e0) {  // judged during the warm-up: no clock POST to measure from
      ++opened_before_clock;
      continue;
    }
    // The first clock POST whose created_at reached detected_at + lateness judged the bucket.
    std::size_t judge = ticks.size();
    for (std::size_t k = 0; k < ticks.size(); ++k) {
      if (clock.posts[k].posted && ticks[k].max_created_at_ms >= a.detected_at_ms + k_lateness_ms) {
        judge = k;
        break;
      }
    }
    if (judge == ticks.size()) {
      ++opened_unjudged;
      continue;
    }
    phase_figures& ph = phase_of_tick(judge);
    const tick_post& p = clock.posts[judge];
    const double answer_ms = ms_between(p.answered, a.at);
    if (answer_ms < 0) ++ph.alerts_early;
    ph.alert_answer_ms.push_back(std::max(0.0, answer_ms));
    ph.alert_send_ms.push_back(ms_between(p.sent, a.at));
    if (expected) {
      detected_watches.insert(wi->second);
      auto [it, inserted] = first_alert.try_emplace(wi->second, std::max(0.0, answer_ms), judge);
      if (!inserted && answer_ms < it->second.first) it->second = {std::max(0.0, answer_ms), judge};
    }
    if (o.verbose) {
      std::printf("  alert %-40s frame at +%7.3f s (server up %6.1f s), judged by tick %4zu (sent +%7.3f s, "
                  "answered +%7.3f s): %7.2f ms%s\n",
                  a.id.c_str(), std::chrono::duration<double>(a.at - t0).count(),
                  std::chrono::duration<double>(a.at - server_ready).count(), judge,
                  std::chrono::duration<double>(p.sent - t0).count(),
                  std::chrono::duration<double>(p.answered - t0).count(), answer_ms, !after_spike ? " FALSE" : expected ? "" : " LATE");
    }
  }
  for (const auto& [w, first] : first_alert) phase_of_tick(first.second).first_alert_answer_ms.push_back(first.first);
  for (std::size_t i = 0; i < watches.size(); ++i) {
    phase_figures& ph = phases[spike_phase[i]];
    ++ph.spikes;
    if (detected_watches.count(i)) ++ph.spikes_detected;
  }
  std::size_t stored_without_frame = 0;
  for (const auto& [id, state] : stored) {
    if (!opened_ids.count(id)) ++stored_without_frame;
  }

  // --- report --------------------------------------------------------------------------------
  std::printf("\n%-5s %8s %12s %12s %9s %8s %10s %s\n", "phase", "seconds", "offered/s", "achieved/s", "503",
              "late", "server CPU", "filler POST p50 / p99 / max");
  for (const auto& ph : phases) {
    const double offered = (double(ph.filler.offered_lines) + double(ph.bench_lines)) / ph.seconds;
    const double achieved = (double(ph.filler.accepted) + double(ph.bench_lines)) / ph.seconds;
    const summary post = summarize(ph.filler.post_ms);
    char posts[96] = "-";
    if (post.n) std::snprintf(posts, sizeof posts, "%.1f / %.1f / %.1f ms", post.p50, post.p99, post.max);
    std::printf("%-5s %8.2f %10.0f/s %10.0f/s %9zu %8zu %7.2f core %s\n", ph.name, ph.seconds, offered, achieved,
                ph.filler.answers_503, ph.filler.late_slots, ph.server_cpu_s / ph.seconds, posts);
  }
  for (const auto& ph : phases) {
    const summary q = summarize(ph.detector_queue);
    std::printf("  %s: detector queue (hit batches waiting, every %lld ms): p50 %.0f / p99 %.0f / max %.0f, %zu samples\n",
                ph.name, static_cast<long long>(k_queue_sample_period.count()), q.p50, q.p99, q.max, q.n);
  }
  std::printf("  (offered = filler at %.0f/s during load + the bench tenant's %zu + %zu mentions; late = filler "
              "batches sent after their slot because every connection was busy; bench POSTs retried after 503: "
              "%zu)\n",
              filler_rate, phases[0].bench_lines, phases[1].bench_lines, clock.answers_503);

  const std::size_t bench_posted = phases[0].bench_lines + phases[1].bench_lines;
  std::printf("\nmention events (feed types=mention, %zu frames, %.0f/s): %zu of %zu bench mentions received, %zu "
              "duplicates, %zu others\n",
              mention_frames.size(), mention_frames.size() / (phases[0].seconds + phases[1].seconds),
              mention_frames_unique, bench_posted, mention_frames_duplicate, mention_frames_foreign);
  for (const auto& ph : phases) {
    std::printf("  %s, frame - POST answer: %s; %zu frames came before the answer (counted as 0)\n", ph.name,
                format(summarize(ph.mention_answer_ms)).c_str(), ph.mentions_early);
    std::printf("  %s, frame - POST send:   %s\n", ph.name, format(summarize(ph.mention_send_ms)).c_str());
  }

  std::printf("\nalerts (feed types=alert): opened %zu (", changes["opened"]);
  bool first = true;
  for (const auto& [kind, n] : opened_by_kind) {
    std::printf("%s%s %zu", first ? "" : ", ", kind.c_str(), n);
    first = false;
  }
  std::printf("), escalated %zu, resolved %zu; stored alerts %zu, %zu of them without an opened frame\n",
              changes["escalated"], changes["resolved"], stored.size(), stored_without_frame);
  for (const auto& ph : phases) {
    std::printf("  %s, frame - answer of the POST that judged the bucket: %s; %zu before the answer\n", ph.name,
                format(summarize(ph.alert_answer_ms)).c_str(), ph.alerts_early);
    std::printf("  %s, frame - send of that POST:                       %s\n", ph.name,
                format(summarize(ph.alert_send_ms)).c_str());
    std::printf("  %s, first frame of each spike - answer:               %s\n", ph.name,
                format(summarize(ph.first_alert_answer_ms)).c_str());
    std::printf("  %s, recall: %zu of %zu spikes opened an alert\n", ph.name, ph.spikes_detected, ph.spikes);
  }
  auto print_ids = [](const std::vector<std::string>& ids) {
    for (std::size_t i = 0; i < ids.size() && i < 10; ++i) std::printf("%s%s", i ? ", " : ": ", ids[i].c_str());
    if (ids.size() > 10) std::printf(", ...");
    std::printf("\n");
  };
  std::printf("  false alerts (no spike on the watch before them): %zu", false_alerts.size());
  print_ids(false_alerts);
  std::printf("  late alerts (on a spiked watch, more than %lld min of event time after its spike; timed too): %zu",
              static_cast<long long>(k_spike_attribution_ms / 60000), late_alerts.size());
  print_ids(late_alerts);
  if (opened_before_clock || opened_unjudged) {
    std::printf("  not timed: %zu alerts judged during the warm-up, %zu whose bucket no clock POST judged\n",
                opened_before_clock, opened_unjudged);
  }
  std::printf("  detector late hits during the clock (all tenants; the filler's generator sends some late "
              "mentions): %.0f\n",
              late_hits);

  char after_rmax[48] = "no R_max phase";
  if (!o.rate) std::snprintf(after_rmax, sizeof after_rmax, "%.0f MB after R_max", rss_rmax);
  std::printf("\nserver VmRSS: %.0f MB at start, %.0f MB after warm-up, %s, %.0f MB before the clock, %.0f MB at "
              "the start of load, %.0f MB at its end, %.0f MB after; VmHWM %.0f MB\n",
              rss_start, rss_warm, after_rmax, rss_idle_start, rss_load_start, rss_load_end, rss_end, hwm);
  std::printf("server: SIGTERM -> exit %d in %.2f s\n", exit_status, stop_s);

  const summary load_alert = summarize(phases[1].alert_answer_ms);
  const summary idle_alert = summarize(phases[0].alert_answer_ms);
  const summary load_mention = summarize(phases[1].mention_answer_ms);
  const summary idle_mention = summarize(phases[0].mention_answer_ms);
  std::printf("\nsummary\n| figure | value | target |\n|---|---|---|\n");
  if (!o.rate) std::printf("| max ingest rate R_max (batches of %zu, %d connections) | %.0f mentions/s | |\n", o.batch,
                           o.connections, r_max);
  std::printf("| load phase: offered / achieved | %.0f / %.0f mentions/s | |\n",
              (double(phases[1].filler.offered_lines) + double(phases[1].bench_lines)) / phases[1].seconds,
              (double(phases[1].filler.accepted) + double(phases[1].bench_lines)) / phases[1].seconds);
  std::printf("| alert latency under load, p50 / p90 / p99 / max (n) | %.1f / %.1f / %.1f / %.1f ms (%zu) | p99 <= "
              "%.0f ms: %s |\n",
              load_alert.p50, load_alert.p90, load_alert.p99, load_alert.max, load_alert.n, k_target_p99_ms,
              load_alert.n == 0 ? "NOT MEASURED" : load_alert.p99 <= k_target_p99_ms ? "met" : "MISSED");
  std::printf("| alert latency idle, p50 / p90 / p99 / max (n) | %.1f / %.1f / %.1f / %.1f ms (%zu) | |\n",
              idle_alert.p50, idle_alert.p90, idle_alert.p99, idle_alert.max, idle_alert.n);
  std::printf("| mention event latency under load, p50 / p90 / p99 / max (n) | %.1f / %.1f / %.1f / %.1f ms (%zu) | |\n",
              load_mention.p50, load_mention.p90, load_mention.p99, load_mention.max, load_mention.n);
  std::printf("| mention event latency idle, p50 / p90 / p99 / max (n) | %.1f / %.1f / %.1f / %.1f ms (%zu) | |\n",
              idle_mention.p50, idle_mention.p90, idle_mention.p99, idle_mention.max, idle_mention.n);
  std::printf("| spikes detected (idle + load) | %zu of %zu; %zu false alerts, %zu late | |\n",
              phases[0].spikes_detected + phases[1].spikes_detected, phases[0].spikes + phases[1].spikes,
              false_alerts.size(), late_alerts.size());
  std::fflush(stdout);

  // What does not work fails the run; figures never do.
  std::vector<std::string> failures;
  if (exit_status != 0) failures.push_back("the server exited with status " + std::to_string(exit_status) + " after SIGTERM");
  if (!mentions_error.empty()) failures.push_back("mention feed: " + mentions_error);
  if (!alerts_error.empty()) failures.push_back("alert feed: " + alerts_error);
  if (mention_frames_unique != bench_posted) {
    failures.push_back("mention feed: " + std::to_string(bench_posted - mention_frames_unique) +
                       " bench mentions never arrived");
  }
  if (detected_watches.empty()) failures.push_back("no spike opened an alert: nothing to measure");
  if (!failures.empty()) {
    for (const auto& f : failures) std::fprintf(stderr, "stream_bench: %s\n", f.c_str());
    std::fprintf(stderr, "stream_bench: server log kept in %s\n", server.log_path().c_str());
    return 1;
  }
  vigie::bench::remove_dir(dir);
  return 0;
}
