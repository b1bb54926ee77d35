// crisis_eval: precision, recall and delay of the crisis detector (pipeline/crisis.h) on
// synthetic streams of 5-minute buckets with injected crises and decoys, with the default
// crisis_options (one configuration for every watch).
//
//   crisis_eval [--seeds report|tune] [--quick] [--watches N] [--days D]
//   crisis_eval --csv FILE        # "timestamp,value" rows (volume only): prints the alerts
//   ... --option NAME=VALUE       # a crisis_options field, for tuning experiments
//
// Tune on `--seeds tune` (1..16), report on the default seeds (1001..1016): they never overlap.
// `--quick` runs the first three report seeds for 21 days, for the ctest smoke run. Exit status
// 1 when the report misses a target: recall >= 0.95 and precision >= 0.90, and, except with
// --quick (too few events for a stable median), a median delay <= 2 buckets; 2 on bad usage.
// The figures depend only on the seeds (and on the standard library's distributions).
//
// The streams. Each watch has a mean volume per day (tiny 3-10, small 30-150, medium 300-1000,
// big 2000-5000), a time zone (UTC-8 to UTC+9), a daily cycle in local time (night low, day
// high, peak between 12:00 and 21:00), local weekends at 0.5-1.3 of weekdays, a slow trend
// (-20 %..+25 % over the run), smooth day-to-day variation (log-normal, sd 5-20 %), and
// over-dispersed counts (Poisson-gamma, shape 4-40: single buckets at 3-4 times the usual
// happen, and are not crises). Mentions are negative with a share of 10-25 % (beta noise per
// bucket), positive with 20-40 %, scores uniform in their label's range. Runs start on a
// Monday; events start after the second day, 18 to 54 hours apart, and do not overlap. An
// event starts at a random point of its first bucket.
//
// The events. An alert is true when its kind is expected for an event that it overlaps (from
// its detected_at to its resolution, against the event's span plus 3 buckets of grace); any
// other alert is false.
//   bad_buzz     crisis: volume x3..x20 of the watch's mean rate (at least +4 mentions per
//                bucket: a small brand's crisis is still dozens of mentions), for 3 buckets to
//                6 hours, 45-85 % of the extra mentions negative. Expected: any kind.
//   share_shift  crisis: the negative share rises (over 3 to 6 buckets) by 20-45 points at
//                constant volume for 2 to 12 hours, lengthened until it brings at least 20 more
//                negative mentions than usual (not injected if 12 hours are not enough; medium
//                and big watches only: a share that moves over a handful of mentions is no
//                crisis anyone can see). Expected: sentiment_shift or negative_spike.
//   launch       decoy: volume x3..x15 for 30 minutes to 6 hours, the extra mentions mostly
//                positive, the negative share flat or down. volume_spike is expected (and
//                counts for recall); negative_spike or sentiment_shift is a false alert.
//   bot_burst    decoy: 1-2 buckets of many near-identical neutral posts (15+ mentions, x5..x20
//                of the mean rate). Exact duplicates never reach the detector (the server counts
//                them as duplicates), so what is left is a real jump of neutral volume. Rule: a
//                volume_spike is right to report it and is tolerated ("toler"), neither true nor
//                false, if it resolves within 3 hours of the burst's end; a longer one, or any
//                negative_spike or sentiment_shift, is a false alert. Not counted in recall.
//   tiny_noise   decoy: a tiny or small brand gets 3-6 extra mentions (half negative) within
//                30 minutes to 3 hours. Every alert on it is false.
// A crisis or launch is detected when an alert of an expected kind opens between its start and
// its end + 3 buckets. Its delay is in buckets, from the event's true start (inside its first
// bucket) to that alert's detected_at: 1.0 for an event that began with its first bucket and was
// detected at that bucket's close. Rows: per scenario (bad_buzz also per watch size),
// "background" for alerts that overlap no event, and overall (decoys count in precision and
// false alerts, not in recall).

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/crisis.h"

namespace {

namespace vp = vigie::pipeline;
using rng = std::mt19937_64;

constexpr std::int64_t bucket_ms = 5 * 60 * 1000;
constexpr int buckets_per_day = 288;
constexpr std::int64_t run_start_ms = 1704067200000;  // 2024-01-01T00:00:00Z, a Monday
constexpr int grace_buckets = 3;
constexpr int bot_tolerance_buckets = 36;  // 3 hours
constexpr int kind_count = 3;

// Targets of the report (and of the smoke test).
constexpr double target_recall = 0.95;
constexpr double target_precision = 0.90;
constexpr double target_median_delay = 2;

enum class size_class { tiny, small, medium, big };
constexpr std::array<std::string_view, 4> size_names = {"tiny", "small", "medium", "big"};

enum class scenario { bad_buzz, share_shift, launch, bot_burst, tiny_noise };
constexpr int scenario_count = 5;
constexpr std::array<std::string_view, scenario_count> scenario_names = {"bad_buzz", "share_shift", "launch",
                                                                         "bot_burst", "tiny_noise"};

struct expectation {
  std::array<bool, kind_count> allowed;  // by alert_kind
  bool required;                         // counts for recall
};
expectation expect(scenario s) {
  switch (s) {
    case scenario::bad_buzz: return {{true, true, true}, true};
    case scenario::share_shift: return {{false, true, true}, true};
    case scenario::launch: return {{true, false, false}, true};
    case scenario::bot_burst: return {{true, false, false}, false};
    case scenario::tiny_noise: return {{false, false, false}, false};
  }
  return {};
}

struct event {
  scenario type;
  int start = 0, length = 0;  // buckets
  double onset = 1;           // share of its first bucket that the event covers
  int ramp = 0;               // buckets to full intensity after that (a share_shift spreads)
  double extra_rate = 0;      // extra mentions per bucket at full intensity
  double extra_negative = 0;  // share of the extra mentions that are negative
  double extra_positive = 0;
  double shifted_share = 0;  // share_shift: the negative share it moves to
  int noise_mentions = 0;    // tiny_noise
  int end() const { return start + length; }
};

struct watch_profile {
  size_class size;
  double daily_volume;
  int utc_offset;                                 // buckets: local time = UTC + this
  std::array<double, buckets_per_day> day_shape;  // by local time of day, mean 1
  double weekend_factor, trend, gamma_shape, day_sigma;
  double negative_share, positive_share, share_concentration;
};

double log_uniform(rng& g, double lo, double hi) {
  return std::exp(std::uniform_real_distribution<double>(std::log(lo), std::log(hi))(g));
}
double uniform(rng& g, double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(g); }
int uniform_int(rng& g, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(g); }
std::uint32_t poisson(rng& g, double mean) {
  return mean <= 0 ? 0 : std::uint32_t(std::poisson_distribution<std::int64_t>(mean)(g));
}
std::uint32_t binomial(rng& g, std::uint32_t n, double p) {
  if (n == 0 || p <= 0) return 0;
  if (p >= 1) return n;
  return std::binomial_distribution<std::uint32_t>(n, p)(g);
}
double beta(rng& g, double mean, double concentration) {
  const double a = std::gamma_distribution<double>(mean * concentration)(g);
  const double b = std::gamma_distribution<double>((1 - mean) * concentration)(g);
  return a / (a + b);
}

watch_profile make_profile(rng& g, size_class size) {
  watch_profile w;
  w.size = size;
  switch (size) {
    case size_class::tiny: w.daily_volume = log_uniform(g, 3, 10); break;
    case size_class::small: w.daily_volume = log_uniform(g, 30, 150); break;
    case size_class::medium: w.daily_volume = log_uniform(g, 300, 1000); break;
    case size_class::big: w.daily_volume = log_uniform(g, 2000, 5000); break;
  }
  w.utc_offset = uniform_int(g, -8 * 12, 9 * 12);  // from the Americas to Asia
  const double amplitude = uniform(g, 0.4, 1.0), peak = uniform(g, 12, 21), second = uniform(g, 0, 24);
  double sum = 0;
  for (int i = 0; i < buckets_per_day; ++i) {
    const double h = i * 24.0 / buckets_per_day;
    w.day_shape[i] = std::exp(amplitude * std::cos(2 * M_PI * (h - peak) / 24) +
                              0.3 * amplitude * std::cos(4 * M_PI * (h - second) / 24));
    sum += w.day_shape[i];
  }
  for (double& x : w.day_shape) x *= buckets_per_day / sum;
  w.weekend_factor = uniform(g, 0.5, 1.3);
  w.trend = uniform(g, 0.8, 1.25);
  w.gamma_shape = uniform(g, 4, 40);
  w.day_sigma = uniform(g, 0.05, 0.2);
  w.negative_share = uniform(g, 0.10, 0.25);
  w.positive_share = uniform(g, 0.20, 0.40);
  w.share_concentration = uniform(g, 50, 300);
  return w;
}

scenario pick_scenario(rng& g, size_class size) {
  const double u = uniform(g, 0, 1);
  if (u < 0.40) return scenario::bad_buzz;
  if (u < 0.60) return scenario::launch;
  if (u < 0.75) return scenario::bot_burst;
  return size == size_class::medium || size == size_class::big ? scenario::share_shift : scenario::tiny_noise;
}

// Mean volume of bucket i of a run of total buckets, without the day-to-day and per-bucket noise.
// Weekends and the daily cycle follow the watch's local time.
double usual_volume(const watch_profile& w, int i, int total) {
  const int local = i + w.utc_offset + buckets_per_day;  // + a day: the run starts on a local Sunday at worst
  const bool weekend = (local / buckets_per_day + 6) % 7 >= 5;
  return w.daily_volume / buckets_per_day * w.day_shape[local % buckets_per_day] *
         (weekend ? w.weekend_factor : 1) * (1 + (w.trend - 1) * i / total);
}

// Intensity of an event at bucket i (0 outside): it starts somewhere in its first bucket, then
// ramps up linearly (share_shift), then stays flat.
double intensity(const event& e, int i) {
  if (i < e.start || i >= e.end()) return 0;
  if (i == e.start) return e.onset / (e.ramp + 1);
  return std::min(1.0, double(i - e.start + 1) / (e.ramp + 1));
}

// A share that moves over a handful of mentions is no crisis anyone can see: a share_shift is
// lengthened (up to 12 hours) until it brings 20 more negative mentions than usual, else it is
// not injected (false).
constexpr double min_shift_negatives = 20;
constexpr int max_shift_length = 144;
bool fit_share_shift(const watch_profile& w, int total, int min_length, event* e) {
  double extra = 0;
  for (e->length = 0; e->length < max_shift_length && e->end() < total; ++e->length) {
    if (e->length >= min_length && extra >= min_shift_negatives) return true;
    e->length += 1;  // intensity() looks inside the event
    extra += (e->shifted_share - w.negative_share) * usual_volume(w, e->end() - 1, total) *
             intensity(*e, e->end() - 1);
    e->length -= 1;
  }
  return extra >= min_shift_negatives;
}

std::optional<event> make_event(rng& g, const watch_profile& w, int start, int total) {
  event e;
  e.type = pick_scenario(g, w.size);
  e.start = start;
  // Events do not wait for a bucket boundary: the first bucket holds a random part of it.
  e.onset = uniform(g, 0, 1);
  const double mean_rate = w.daily_volume / buckets_per_day;
  switch (e.type) {
    case scenario::bad_buzz:
      e.length = int(std::lround(log_uniform(g, 3, 72)));
      e.extra_rate = std::max((log_uniform(g, 3, 20) - 1) * mean_rate, 4.0);
      e.extra_negative = uniform(g, 0.45, 0.85);
      e.extra_positive = 0.05;
      break;
    case scenario::share_shift: {
      const int min_length = int(std::lround(log_uniform(g, 24, max_shift_length)));
      e.ramp = uniform_int(g, 3, 6);
      e.shifted_share = std::min(0.9, w.negative_share + uniform(g, 0.20, 0.45));
      if (!fit_share_shift(w, total, min_length, &e)) return std::nullopt;
      break;
    }
    case scenario::launch:
      e.length = int(std::lround(log_uniform(g, 6, 72)));
      e.extra_rate = std::max((log_uniform(g, 3, 15) - 1) * mean_rate, 4.0);
      // Flat (as negative as usual) or down.
      e.extra_negative = uniform(g, 0, 1) < 0.4 ? w.negative_share : uniform(g, 0, w.negative_share);
      e.extra_positive = uniform(g, 0.5, 0.8);
      break;
    case scenario::bot_burst:
      e.length = uniform_int(g, 1, 2);
      e.onset = 1;  // a burst, all of it in its buckets
      e.extra_rate = std::max(log_uniform(g, 5, 20) * mean_rate, 15.0);
      break;
    case scenario::tiny_noise:
      e.length = uniform_int(g, 6, 36);
      e.noise_mentions = uniform_int(g, 3, 6);
      e.extra_negative = 0.5;
      break;
  }
  return e;
}

// Sum of n scores uniform in [lo, hi]; a normal draw for large n (same mean and variance).
double score_sum(rng& g, std::uint32_t n, double lo, double hi) {
  if (n == 0) return 0;
  if (n > 30) {
    const double mean = n * (lo + hi) / 2, sd = std::sqrt(n * (hi - lo) * (hi - lo) / 12);
    return mean + sd * std::normal_distribution<double>()(g);
  }
  double s = 0;
  for (std::uint32_t i = 0; i < n; ++i) s += uniform(g, lo, hi);
  return s;
}

struct mention_counts {
  std::uint32_t volume = 0, positive = 0, negative = 0;
  double sentiment_sum = 0;
  void add(rng& g, std::uint32_t count, double negative_share, double positive_share) {
    const std::uint32_t neg = binomial(g, count, negative_share);
    const std::uint32_t pos = binomial(g, count - neg, positive_share / std::max(1e-9, 1 - negative_share));
    volume += count, negative += neg, positive += pos;
    sentiment_sum += score_sum(g, neg, -0.9, -0.1) + score_sum(g, pos, 0.1, 0.9) +
                     score_sum(g, count - neg - pos, -0.05, 0.05);
  }
};

struct stream {
  watch_profile profile;
  std::vector<event> events;
  std::vector<vp::crisis_bucket> buckets;
};

stream generate(std::uint64_t seed, size_class size, int days) {
  rng g(seed);
  stream s;
  s.profile = make_profile(g, size);
  const watch_profile& w = s.profile;
  const int total = days * buckets_per_day;
  for (int cursor = 2 * buckets_per_day + uniform_int(g, 0, 144); cursor < total - buckets_per_day;) {
    const std::optional<event> e = make_event(g, w, cursor, total);
    if (e) s.events.push_back(*e);
    cursor = (e ? e->end() : cursor) + 216 + uniform_int(g, 0, 432);  // 18 to 54 hours later
  }
  // Busier and quieter days, a log-normal factor per local day, changing smoothly through the day.
  std::vector<double> day_noise(days + 3);  // local days, shifted by one, and the next one
  for (double& d : day_noise) d = w.day_sigma * std::normal_distribution<double>()(g);
  // tiny_noise: its few mentions land on random buckets of its span.
  std::vector<int> noise_at(total, 0);
  for (const event& e : s.events)
    for (int k = 0; k < e.noise_mentions; ++k) ++noise_at[e.start + uniform_int(g, 0, e.length - 1)];

  std::gamma_distribution<double> burst(w.gamma_shape, 1 / w.gamma_shape);
  s.buckets.reserve(total);
  std::size_t next_event = 0;
  for (int i = 0; i < total; ++i) {
    const int local = i + w.utc_offset + buckets_per_day, day = local / buckets_per_day;
    const double f = double(local % buckets_per_day) / buckets_per_day;
    const double rate =
        usual_volume(w, i, total) * std::exp((1 - f) * day_noise[day] + f * day_noise[day + 1]) * burst(g);
    while (next_event < s.events.size() && s.events[next_event].end() <= i) ++next_event;
    const event* e =
        next_event < s.events.size() && i >= s.events[next_event].start ? &s.events[next_event] : nullptr;
    double share = w.negative_share;
    if (e && e->type == scenario::share_shift) share += (e->shifted_share - share) * intensity(*e, i);
    mention_counts c;
    c.add(g, poisson(g, rate), beta(g, share, w.share_concentration), w.positive_share);
    if (e && e->extra_rate > 0)
      c.add(g, poisson(g, e->extra_rate * intensity(*e, i)), e->extra_negative, e->extra_positive);
    if (noise_at[i] > 0) c.add(g, noise_at[i], 0.5, 0.25);
    if (c.volume == 0) continue;  // not passed: the detector takes a missing bucket as empty
    s.buckets.push_back({run_start_ms + i * bucket_ms, c.volume, c.positive, c.negative, c.sentiment_sum});
  }
  return s;
}

// --- scoring ---------------------------------------------------------------------------------

struct alert {
  vp::alert_kind kind;
  int detected, resolved;  // bucket indices: the bucket whose close opened it, the bucket after its last
  int started;             // bucket index of its started_at
};

int bucket_index(std::int64_t ms) { return int((ms - run_start_ms) / bucket_ms); }

struct row {
  int events = 0, detected = 0;
  std::vector<double> delays;  // buckets, from the event's true start to detected_at
  std::vector<double> start_errors;  // buckets between the event's first bucket and its first alert's started_at
  int true_alerts = 0, false_alerts = 0, tolerated = 0;
  std::array<int, kind_count> kinds_opened{};  // events on which each kind opened
  void merge(const row& o) {
    events += o.events, detected += o.detected, true_alerts += o.true_alerts, false_alerts += o.false_alerts;
    tolerated += o.tolerated;
    delays.insert(delays.end(), o.delays.begin(), o.delays.end());
    start_errors.insert(start_errors.end(), o.start_errors.begin(), o.start_errors.end());
    for (int k = 0; k < kind_count; ++k) kinds_opened[k] += o.kinds_opened[k];
  }
};

struct report {
  std::array<row, scenario_count> by_scenario;
  std::array<row, 4> bad_buzz_by_size;
  row background;  // alerts that overlap no event
  double watch_days = 0;
  std::uint64_t buckets_closed = 0;
  double detector_seconds = 0;
  std::size_t memory_bytes = 0;
};

void score(const stream& s, const std::vector<alert>& alerts, report* r) {
  for (const alert& a : alerts) {
    // The event it belongs to: one where its kind is expected first, else any it overlaps.
    const event* owner = nullptr;
    bool expected = false;
    for (const event& e : s.events) {
      if (a.detected > e.end() - 1 + grace_buckets || a.resolved <= e.start) continue;
      const bool ok = expect(e.type).allowed[int(a.kind)];
      if (!owner || (ok && !expected)) owner = &e, expected = ok;
    }
    if (!owner) {
      ++r->background.false_alerts;
      continue;
    }
    row& x = r->by_scenario[int(owner->type)];
    if (expected && owner->type == scenario::bot_burst) {
      ++(a.resolved <= owner->end() + bot_tolerance_buckets ? x.tolerated : x.false_alerts);
    } else {
      ++(expected ? x.true_alerts : x.false_alerts);
    }
  }
  for (const event& e : s.events) {
    row& x = r->by_scenario[int(e.type)];
    ++x.events;
    int first = -1, first_started = 0;
    std::array<bool, kind_count> opened{};
    for (const alert& a : alerts) {
      if (a.detected < e.start || a.detected > e.end() - 1 + grace_buckets) continue;
      opened[int(a.kind)] = true;
      if (expect(e.type).allowed[int(a.kind)] && (first < 0 || a.detected < first)) {
        first = a.detected;
        first_started = a.started;
      }
    }
    for (int k = 0; k < kind_count; ++k) x.kinds_opened[k] += opened[k];
    if (!expect(e.type).required) continue;
    row single;
    single.events = 1;
    if (first >= 0) {
      single.detected = 1;
      // From the event's true start, onset before the end of bucket e.start, to detected_at, the
      // end of bucket `first`.
      const double delay = first - e.start + e.onset;
      single.delays.push_back(delay);
      ++x.detected;
      x.delays.push_back(delay);
      x.start_errors.push_back(std::abs(first_started - e.start));
    }
    if (e.type == scenario::bad_buzz) r->bad_buzz_by_size[int(s.profile.size)].merge(single);
  }
}

std::vector<alert> run_detector(const stream& s, int total_buckets, const vp::crisis_options& options,
                                report* r) {
  vp::crisis_detector d(options);
  std::vector<vp::alert_transition> out;
  const auto t0 = std::chrono::steady_clock::now();
  for (const auto& b : s.buckets) d.close_bucket(b, &out);
  // Close the run: empty buckets up to the end, then enough for open alerts to resolve.
  int last = total_buckets - 1;
  d.close_bucket({.start_ms = run_start_ms + last * bucket_ms}, &out);
  while (d.has_open_alert()) d.close_bucket({.start_ms = run_start_ms + ++last * bucket_ms}, &out);
  r->detector_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r->buckets_closed += std::uint64_t(last + 1);
  r->memory_bytes = d.memory_bytes();

  std::vector<alert> alerts;
  std::array<int, kind_count> open{-1, -1, -1};
  for (const auto& t : out) {
    const int k = int(t.kind);
    if (t.change == vp::alert_change::opened) {
      open[k] = int(alerts.size());
      alerts.push_back({t.kind, bucket_index(t.detected_at_ms) - 1, 0, bucket_index(t.started_at_ms)});
    } else if (t.change == vp::alert_change::resolved) {
      alerts[open[k]].resolved = bucket_index(t.at_ms);
    }
  }
  return alerts;
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, std::size_t(q * double(v.size() - 1) + 0.5))];
}

std::string fmt(double v, int decimals = 2) {
  if (std::isnan(v)) return "-";
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", decimals, v);
  return b;
}

// A row; recall and delays only if recall_counts, alert counts only if alerts_count.
void print_row(std::string_view name, const row& x, double watch_days, bool recall_counts,
               bool alerts_count = true) {
  const int judged = x.true_alerts + x.false_alerts;
  auto count = [&](int v) { return alerts_count ? std::to_string(v) : std::string("-"); };
  std::printf("%-20s %7d %8s %6s %6s %7s %7s %6s %9s %11s\n", std::string(name).c_str(), x.events,
              recall_counts ? fmt(x.events ? double(x.detected) / x.events : NAN, 3).c_str() : "-",
              recall_counts ? fmt(quantile(x.delays, 0.5), 1).c_str() : "-",
              recall_counts ? fmt(quantile(x.delays, 0.9), 1).c_str() : "-", count(x.true_alerts).c_str(),
              count(x.false_alerts).c_str(), count(x.tolerated).c_str(),
              fmt(alerts_count && judged ? double(x.true_alerts) / judged : NAN, 3).c_str(),
              alerts_count ? fmt(x.false_alerts / watch_days, 4).c_str() : "-");
}

// Prints the report; true when the targets are met (the median delay only if it counts).
bool print_report(const report& r, bool median_counts) {
  std::printf("\n%-20s %7s %8s %6s %6s %7s %7s %6s %9s %11s\n", "scenario", "events", "recall", "med", "p90",
              "true", "false", "toler", "precision", "false/w-day");
  std::printf("%-20s %7s %8s %6s %6s %7s %7s %6s %9s %11s\n", "", "", "", "delay", "delay", "alerts",
              "alerts", "", "", "");
  row overall;
  for (int i = 0; i < scenario_count; ++i) {
    const bool required = expect(scenario(i)).required;
    print_row(scenario_names[i], r.by_scenario[i], r.watch_days, required);
    if (i == int(scenario::bad_buzz))
      for (int k = 0; k < 4; ++k)
        print_row("  " + std::string(size_names[k]) + " watches", r.bad_buzz_by_size[k], r.watch_days, true,
                  false);
    row counted = r.by_scenario[i];
    if (!required) counted.events = counted.detected = 0;  // decoys: in precision, not in recall
    overall.merge(counted);
  }
  print_row("background", r.background, r.watch_days, false);
  overall.merge(r.background);
  print_row("overall", overall, r.watch_days, true);

  std::printf("\nkinds opened, share of events:  %-16s %-16s %-16s\n", "volume_spike", "negative_spike",
              "sentiment_shift");
  for (int i = 0; i < scenario_count; ++i) {
    const row& x = r.by_scenario[i];
    std::printf("  %-30s", std::string(scenario_names[i]).c_str());
    for (int k = 0; k < kind_count; ++k)
      std::printf(" %-16s", fmt(x.events ? double(x.kinds_opened[k]) / x.events : NAN, 3).c_str());
    std::printf("\n");
  }

  const double recall = overall.events ? double(overall.detected) / overall.events : 0;
  const int judged = overall.true_alerts + overall.false_alerts;
  const double precision = judged ? double(overall.true_alerts) / judged : 1;
  const double median = quantile(overall.delays, 0.5);
  std::printf("started_at of the first alert of a detected event, buckets from the event's first: median %s, "
              "p90 %s, p99 %s\n",
              fmt(quantile(overall.start_errors, 0.5), 1).c_str(), fmt(quantile(overall.start_errors, 0.9), 1).c_str(),
              fmt(quantile(overall.start_errors, 0.99), 1).c_str());
  std::printf(
      "\nwatch-days %.0f, buckets closed %llu, throughput %.2f M buckets/s (one core), detector memory "
      "%zu bytes per watch\n",
      r.watch_days, static_cast<unsigned long long>(r.buckets_closed),
      r.buckets_closed / r.detector_seconds / 1e6, r.memory_bytes);
  const bool met = recall >= target_recall && precision >= target_precision &&
                   (!median_counts || median <= target_median_delay);
  std::printf("targets (recall >= %.2f, precision >= %.2f, median delay <= %.0f buckets%s): %s\n",
              target_recall, target_precision, target_median_delay,
              median_counts ? "" : ", not judged on a quick run", met ? "met" : "MISSED");
  return met;
}

// --- csv mode --------------------------------------------------------------------------------

// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + std::int64_t(doe) - 719468;
}

// "2015-02-26 21:42:53" (UTC, 'T' and a trailing 'Z' accepted), or epoch seconds / milliseconds.
bool parse_time(std::string_view s, std::int64_t* ms) {
  int y, mo, d, h = 0, mi = 0, sec = 0;
  std::string str(s);
  if (std::sscanf(str.c_str(), "%d-%d-%d%*[ T]%d:%d:%d", &y, &mo, &d, &h, &mi, &sec) >= 3) {
    *ms = ((days_from_civil(y, unsigned(mo), unsigned(d)) * 24 + h) * 60 + mi) * 60000LL + sec * 1000LL;
    return true;
  }
  char* end = nullptr;
  const long long v = std::strtoll(str.c_str(), &end, 10);
  if (end == str.c_str()) return false;
  *ms = v > 100'000'000'000LL ? v : v * 1000;
  return true;
}

std::string format_time(std::int64_t ms) {
  const std::int64_t days = ms >= 0 ? ms / 86'400'000 : -((-ms + 86'399'999) / 86'400'000);
  std::int64_t rest = (ms - days * 86'400'000) / 1000;
  // Inverse of days_from_civil.
  const std::int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = unsigned(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = std::int64_t(yoe) + era * 400 + (m <= 2);
  char b[64];
  std::snprintf(b, sizeof b, "%04lld-%02u-%02u %02lld:%02lld:%02lld", static_cast<long long>(y), m, d,
                static_cast<long long>(rest / 3600), static_cast<long long>(rest / 60 % 60),
                static_cast<long long>(rest % 60));
  return b;
}

int run_csv(const std::string& path, const vp::crisis_options& options) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "crisis_eval: cannot read %s\n", path.c_str());
    return 1;
  }
  // Rows are summed into aligned buckets, in order; the detector takes volume only here.
  std::map<std::int64_t, double> buckets;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const auto comma = line.find(',');
    std::int64_t t;
    if (comma == std::string::npos || !parse_time(std::string_view(line).substr(0, comma), &t)) {
      if (line_no > 1 && !line.empty())
        std::fprintf(stderr, "crisis_eval: line %d skipped: %s\n", line_no, line.c_str());
      continue;
    }
    const double v = std::strtod(line.c_str() + comma + 1, nullptr);
    buckets[t - ((t % bucket_ms) + bucket_ms) % bucket_ms] += std::max(0.0, v);
  }
  vp::crisis_detector d(options);
  std::vector<vp::alert_transition> out;
  int opened = 0;
  auto print = [&] {
    for (const auto& a : out) {
      opened += a.change == vp::alert_change::opened;
      std::printf("%s  %-9s %-15s %-8s started %s  detected %s  observed %.1f expected %.1f score %.1f\n",
                  format_time(a.at_ms).c_str(), std::string(to_string(a.change)).c_str(),
                  std::string(to_string(a.kind)).c_str(), std::string(to_string(a.severity)).c_str(),
                  format_time(a.started_at_ms).c_str(), format_time(a.detected_at_ms).c_str(), a.observed,
                  a.expected, a.score);
    }
    out.clear();
  };
  for (const auto& [t, v] : buckets) {
    d.close_bucket({.start_ms = t, .volume = std::uint32_t(std::lround(v))}, &out);
    print();
  }
  std::printf("%zu buckets, %d alerts opened\n", buckets.size(), opened);
  return 0;
}

// --option NAME=VALUE: a tuning experiment; reports are made with the defaults.
bool set_option(vp::crisis_options* o, std::string_view assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos) return false;
  const std::string name(assignment.substr(0, eq)), value(assignment.substr(eq + 1));
  const std::map<std::string, double vp::crisis_options::*> doubles = {
      {"clip_deviations", &vp::crisis_options::clip_deviations},
      {"open_score", &vp::crisis_options::open_score},
      {"hold_score", &vp::crisis_options::hold_score},
      {"min_excess", &vp::crisis_options::min_excess},
      {"min_ratio", &vp::crisis_options::min_ratio},
      {"min_share_rise", &vp::crisis_options::min_share_rise},
      {"share_confirm_score", &vp::crisis_options::share_confirm_score},
      {"sustain_score", &vp::crisis_options::sustain_score},
      {"critical_min_excess", &vp::crisis_options::critical_min_excess}};
  const std::map<std::string, std::int64_t vp::crisis_options::*> durations = {
      {"warmup_ms", &vp::crisis_options::warmup_ms},
      {"level_half_life_ms", &vp::crisis_options::level_half_life_ms},
      {"daily_profile_half_life_ms", &vp::crisis_options::daily_profile_half_life_ms},
      {"weekly_profile_half_life_ms", &vp::crisis_options::weekly_profile_half_life_ms},
      {"share_half_life_ms", &vp::crisis_options::share_half_life_ms},
      {"noise_half_life_ms", &vp::crisis_options::noise_half_life_ms},
      {"critical_excess_ms", &vp::crisis_options::critical_excess_ms},
      {"resolve_quiet_ms", &vp::crisis_options::resolve_quiet_ms},
      {"cooldown_ms", &vp::crisis_options::cooldown_ms},
      {"idle_reset_ms", &vp::crisis_options::idle_reset_ms}};
  char* end = nullptr;
  const double v = std::strtod(value.c_str(), &end);
  if (end == value.c_str() || *end != '\0') return false;
  if (auto it = doubles.find(name); it != doubles.end()) {
    o->*(it->second) = v;
  } else if (auto jt = durations.find(name); jt != durations.end()) {
    o->*(jt->second) = std::int64_t(v);
  } else {
    return false;
  }
  return true;
}

int usage(const char* why) {
  std::fprintf(
      stderr,
      "crisis_eval: %s\nusage: crisis_eval [--seeds report|tune] [--quick] [--watches N] [--days D]\n"
      "                   [--option NAME=VALUE]...\n"
      "       crisis_eval --csv FILE [--option NAME=VALUE]...\n",
      why);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  bool tune = false, quick = false;
  int watches_per_seed = 24, days = 28;
  std::string csv;
  vp::crisis_options options;
  bool tuned = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--help" || a == "-h") {
      std::printf(
          "crisis_eval [--seeds report|tune] [--quick] [--watches N] [--days D] [--option NAME=VALUE]...\n"
          "crisis_eval --csv FILE [--option NAME=VALUE]...\n"
          "Precision, recall and delay of the crisis detector on synthetic streams (see the source).\n");
      return 0;
    } else if (a == "--quick") {
      quick = true;
    } else if (a == "--seeds" && has_value) {
      const std::string_view v = argv[++i];
      if (v != "tune" && v != "report") return usage("--seeds takes report or tune");
      tune = v == "tune";
    } else if (a == "--watches" && has_value) {
      watches_per_seed = std::atoi(argv[++i]);
    } else if (a == "--days" && has_value) {
      days = std::atoi(argv[++i]);
    } else if (a == "--option" && has_value) {
      if (!set_option(&options, argv[++i]))
        return usage("--option takes NAME=VALUE, a field of crisis_options");
      tuned = true;
    } else if (a == "--csv" && has_value) {
      csv = argv[++i];
    } else {
      return usage(("unknown or incomplete argument " + std::string(a)).c_str());
    }
  }
  if (const auto st = vp::validate(options); !st.ok()) return usage(st.message().c_str());
  if (!csv.empty()) return run_csv(csv, options);
  if (watches_per_seed < 4 || days < 4) return usage("need --watches >= 4 and --days >= 4");

  // Tuning and report seeds never overlap; --quick is the start of the report seeds.
  const std::uint64_t first_seed = tune ? 1 : 1001;
  const int seeds = quick ? 3 : 16;
  if (quick) days = std::min(days, 21);
  std::printf(
      "crisis_eval: %s seeds %llu..%llu, %d watches per seed (a quarter per size class), %d days, "
      "5-minute buckets, %s crisis_options\n",
      tune ? "TUNING" : "report", static_cast<unsigned long long>(first_seed),
      static_cast<unsigned long long>(first_seed + seeds - 1), watches_per_seed, days,
      tuned ? "MODIFIED (--option)" : "default");

  report r;
  for (int seed = 0; seed < seeds; ++seed) {
    for (int w = 0; w < watches_per_seed; ++w) {
      const std::uint64_t stream_seed = (first_seed + seed) * 1'000'003ull + std::uint64_t(w);
      const stream s = generate(stream_seed, size_class(w % 4), days);
      const auto alerts = run_detector(s, days * buckets_per_day, options, &r);
      score(s, alerts, &r);
      r.watch_days += days;
    }
  }
  return print_report(r, !quick) ? 0 : 1;
}
