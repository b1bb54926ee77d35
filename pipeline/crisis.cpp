#include "pipeline/crisis.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

namespace vigie::pipeline {

namespace {

constexpr std::int64_t day_ms = 86'400'000;
constexpr std::int64_t none_ms = std::numeric_limits<std::int64_t>::min();

// The daily profile has half-hour slots: fine enough for the morning ramp, coarse enough that
// each slot sees six 5-minute buckets a day.
constexpr int day_slots = 48;
constexpr std::int64_t slot_ms = day_ms / day_slots;
constexpr int week_days = 7;

// Window lengths (buckets) the detector sums over, newest bucket last. The count tests use 1, 2,
// 3, 6 and 12 (a sudden spike, a short burst, up to an hour for sparse watches); the share test
// uses 6, 24 and 72 (a shift must be sustained, and a share needs mentions), and their halves.
constexpr std::array<int, 8> window_lengths = {1, 2, 3, 6, 12, 24, 36, 72};
constexpr int ring_size = 72;
enum window_index { w1, w2, w3, w6, w12, w24, w36, w72, window_count };
constexpr std::array<window_index, 5> count_windows = {w1, w2, w3, w6, w12};
struct share_window {
  window_index whole, half;
};
constexpr std::array<share_window, 3> share_windows = {{{w6, w3}, {w24, w12}, {w72, w36}}};

// Priors: what a watch is assumed to be until its own data outweighs them.
// A profile slot needs about this many mentions before it departs from flat: a small brand
// keeps a flat profile rather than one learnt from noise.
constexpr double daily_prior_mentions = 10;
constexpr double daily_prior_variance = 0.5;  // relative: a slot may be well off the day's mean
// A weekday's factor is worth one day of the watch's traffic (at least 50 mentions) before its
// data: it is seen once a week, and one odd Monday must not make every Monday odd.
constexpr double weekly_prior_days = 1;
constexpr double weekly_prior_mentions = 50;
constexpr double weekly_prior_variance = 0.1;  // weekends are often a third off
// Usual negative share, worth this many mentions.
constexpr double prior_share = 0.15;
constexpr double prior_share_mentions = 20;
// Dispersion of a window's count (variance m + c m^2) and of its negative share (binomial
// variance times 1 + (n - 1) rho), each worth prior_noise_windows windows like the current one.
constexpr double prior_volume_dispersion = 0.05;
constexpr double prior_negative_dispersion = 0.10;
constexpr double prior_share_dispersion = 0.01;
constexpr double prior_noise_windows = 20;
// No watch is more regular than this: the baseline is a model, never exact (10 % sd of a count,
// 1 % of the share's binomial variance per mention).
constexpr double min_dispersion = 0.01;
constexpr double min_share_dispersion = 0.0001;
// Residuals that teach the dispersion are clipped this many deviations out (Huber): one freak
// window must not blind the detector for days.
constexpr double noise_clip_deviations = 3;
// The start of an episode (started_at) is estimated by a CUSUM of the log-likelihood ratio of
// "twice the usual" (count, or negative share) against "usual": the last time it was at zero,
// and no further back than the ring (6 hours).
constexpr double change_ratio = 2;
// Weight of what a bucket teaches the baseline while its kind is hot (see the learning step).
constexpr double hot_learning_weight = 0.2;
constexpr double min_expected = 1e-6;

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
std::int64_t floor_mod(std::int64_t a, std::int64_t b) noexcept { return a - floor_div(a, b) * b; }

// Signed root of the negative-binomial deviance of y against mean m, variance m + m^2 / r:
// ~ N(0, 1) under the model, and a Poisson deviance as r grows. Exact at small counts where a
// z-score is not (3 mentions against 0.01 expected is about 5, not 30).
double nb_score(double y, double m, double r) noexcept {
  m = std::max(m, min_expected);
  double d = (y > 0 ? y * std::log(y / m) : 0.0) - (y + r) * std::log((y + r) / (m + r));
  d = std::sqrt(std::max(2 * d, 0.0));
  return y >= m ? d : -d;
}

// Signed root of the binomial deviance of n successes out of y against share q, divided by
// the variance inflation phi (quasi-binomial).
double share_score(double n, double y, double q, double phi) noexcept {
  if (y <= 0) return 0;
  q = std::clamp(q, 1e-6, 1 - 1e-6);
  const double e = y * q;
  double d = (n > 0 ? n * std::log(n / e) : 0.0) + (y - n > 0 ? (y - n) * std::log((y - n) / (y - e)) : 0.0);
  d = std::sqrt(std::max(2 * d / phi, 0.0));
  return n >= e ? d : -d;
}

// 2^(-1 / half_life_steps): the decay per step of a memory with that half-life.
double decay(double half_life_steps) noexcept { return std::exp2(-1.0 / std::max(half_life_steps, 1.0)); }

enum kind_index { k_volume, k_negative, k_share, kind_count };

}  // namespace

std::string_view to_string(alert_kind k) noexcept {
  switch (k) {
    case alert_kind::volume_spike: return "volume_spike";
    case alert_kind::negative_spike: return "negative_spike";
    case alert_kind::sentiment_shift: return "sentiment_shift";
  }
  return "unknown";
}

std::string_view to_string(alert_severity s) noexcept {
  switch (s) {
    case alert_severity::warning: return "warning";
    case alert_severity::critical: return "critical";
  }
  return "unknown";
}

std::string_view to_string(alert_change c) noexcept {
  switch (c) {
    case alert_change::opened: return "opened";
    case alert_change::escalated: return "escalated";
    case alert_change::resolved: return "resolved";
  }
  return "unknown";
}

status validate(const crisis_options& o) {
  if (o.bucket_ms <= 0 || day_ms % o.bucket_ms != 0)
    return invalid_argument("crisis.bucket_ms must be positive and divide a day");
  auto positive = [](std::int64_t v) { return v > 0; };
  if (o.warmup_ms < 0) return invalid_argument("crisis.warmup_ms must not be negative");
  if (!positive(o.level_half_life_ms) || !positive(o.daily_profile_half_life_ms) ||
      !positive(o.weekly_profile_half_life_ms) || !positive(o.share_half_life_ms) ||
      !positive(o.noise_half_life_ms))
    return invalid_argument("crisis: half-lives must be positive");
  if (!(o.clip_deviations > 0)) return invalid_argument("crisis.clip_deviations must be positive");
  if (!(o.hold_score > 0) || !(o.open_score >= o.hold_score))
    return invalid_argument("crisis: need 0 < hold_score <= open_score");
  if (!(o.min_excess >= 0) || !(o.min_ratio >= 1))
    return invalid_argument("crisis: need min_excess >= 0 and min_ratio >= 1");
  if (!(o.min_share_rise >= 0 && o.min_share_rise < 1))
    return invalid_argument("crisis.min_share_rise must be in [0, 1)");
  if (!(o.share_confirm_score >= 0) || !(o.sustain_score >= 0))
    return invalid_argument("crisis: share_confirm_score and sustain_score must not be negative");
  if (o.critical_excess_ms < 0 || !(o.critical_min_excess >= 0))
    return invalid_argument("crisis: critical thresholds must not be negative");
  if (o.resolve_quiet_ms < o.bucket_ms || o.cooldown_ms < 0)
    return invalid_argument("crisis: resolve_quiet_ms must be at least a bucket, cooldown_ms >= 0");
  // An alert must be able to resolve (its windows empty out, then the quiet time) before the
  // dormant watch is reset.
  if (o.idle_reset_ms <= o.resolve_quiet_ms + ring_size * o.bucket_ms)
    return invalid_argument("crisis.idle_reset_ms must exceed resolve_quiet_ms plus 72 buckets");
  return status::ok_status();
}

namespace {

// A discounted ratio: num / den, both decayed by the same factor.
struct ratio_sum {
  double num = 0;
  double den = 0;
  void add(double lambda, double n, double d) noexcept {
    num = lambda * num + n;
    den = lambda * den + d;
  }
  double ratio(double prior, double prior_weight) const noexcept {
    return (num + prior * prior_weight) / (den + prior_weight);
  }
};

struct bucket_record {
  double volume = 0;
  double negative = 0;
  double expected = 0;  // expected volume, when the bucket closed
  double share = 0;     // usual negative share, when the bucket closed
};

// One kind's alert and the episode that leads to it.
struct episode {
  bool open = false;
  alert_severity severity = alert_severity::warning;
  std::int64_t started_at = none_ms;
  std::int64_t detected_at = none_ms;
  double cusum = 0;                  // > 0 while the kind runs above usual
  std::int64_t change_at = none_ms;  // where that run began (none at zero)
  double change_excess = 0;          // excess since then
  double excess = 0;                 // excess of the open alert's episode
  std::uint32_t quiet = 0;           // buckets without a window at hold_score
  std::uint32_t calm = ring_size;    // buckets since the kind was last hot or open (saturates)
  std::int64_t cooldown_until = none_ms;
  double peak_score = 0, peak_observed = 0, peak_expected = 0;
};

// Per-bucket constants derived from the options.
struct tuning {
  double level_decay, daily_decay, weekly_decay, share_decay;
  std::array<double, window_count> noise_decay;  // per update of each window length
  std::uint32_t resolve_quiet_buckets, idle_reset_buckets;
  double critical_buckets;
  double buckets_per_day;
};

tuning derive(const crisis_options& o) {
  const double b = double(o.bucket_ms);
  // A slot is visited (slot_ms / bucket_ms) times a day, a weekday day_ms / bucket_ms times a week.
  const double slot_visits_per_day = std::max(1.0, double(slot_ms) / b);
  const double day_visits_per_week = double(day_ms) / b;
  tuning t{};
  t.level_decay = decay(double(o.level_half_life_ms) / b);
  t.daily_decay = decay(double(o.daily_profile_half_life_ms) / double(day_ms) * slot_visits_per_day);
  t.weekly_decay = decay(double(o.weekly_profile_half_life_ms) / double(7 * day_ms) * day_visits_per_week);
  t.share_decay = decay(double(o.share_half_life_ms) / b);
  for (int w = 0; w < window_count; ++w)
    t.noise_decay[w] = decay(double(o.noise_half_life_ms) / b / window_lengths[w]);
  t.resolve_quiet_buckets =
      std::uint32_t(std::max<std::int64_t>(1, (o.resolve_quiet_ms + o.bucket_ms - 1) / o.bucket_ms));
  t.idle_reset_buckets = std::uint32_t(std::min<std::int64_t>(o.idle_reset_ms / o.bucket_ms, 1 << 30));
  t.critical_buckets = double(o.critical_excess_ms) / b;
  t.buckets_per_day = double(day_ms) / b;
  return t;
}

// What one window says about one kind.
struct window_eval {
  double score = 0;
  double observed = 0, expected = 0;  // per bucket (volume, negative) or share (sentiment)
  double excess = 0;                  // mentions or negative mentions above expectation
  int buckets = 0;
};

struct kind_eval {
  bool opens = false;  // some window qualifies to open an alert; best is the strongest such
  bool holds = false;  // hot: some window at hold_score with half the excess an alert needs
  window_eval best;
  double llr = 0;  // this bucket's log-likelihood ratio, "twice the usual" against "usual"
  double bucket_excess = 0;
  double usual_rate = 0;  // of the kind's unit per bucket, for severity
};

struct sums {
  double volume = 0, negative = 0, expected = 0, expected_negative = 0, share_expected = 0;
  int buckets = 0;
};

}  // namespace

struct crisis_detector::state {
  // --- serialized ---
  std::int64_t last_ms = none_ms;
  bool started = false;  // false until the first mention, and again after idle_reset_ms
  std::int64_t first_ms = 0;
  std::uint32_t idle = 0;  // consecutive empty buckets
  ratio_sum level;         // clipped mentions / exposure (profile factors): mentions per bucket
  std::array<ratio_sum, day_slots> daily{};   // clipped mentions / (level x weekly factor)
  std::array<ratio_sum, week_days> weekly{};  // clipped mentions / (level x daily factor)
  ratio_sum share;                            // clipped-volume-weighted negative share / clipped volume
  // Dispersion of each window length: volume, negative count, negative share.
  std::array<ratio_sum, window_count> volume_noise{}, negative_noise{}, share_noise{};
  std::array<bucket_record, ring_size> ring{};
  std::uint32_t ring_next = 0, ring_fill = 0;
  std::array<episode, kind_count> episodes{};
  // --- derived from the options ---
  tuning t{};

  template <class S, class F>
  static void for_each_field(S& s, F&& f) {
    f(s.last_ms), f(s.started), f(s.first_ms), f(s.idle);
    f(s.level.num), f(s.level.den);
    for (auto& r : s.daily) f(r.num), f(r.den);
    for (auto& r : s.weekly) f(r.num), f(r.den);
    f(s.share.num), f(s.share.den);
    for (auto* noise : {&s.volume_noise, &s.negative_noise, &s.share_noise})
      for (auto& r : *noise) f(r.num), f(r.den);
    for (auto& r : s.ring) f(r.volume), f(r.negative), f(r.expected), f(r.share);
    f(s.ring_next), f(s.ring_fill);
    for (auto& e : s.episodes) {
      f(e.open), f(e.severity), f(e.started_at), f(e.detected_at), f(e.cusum), f(e.change_at),
          f(e.change_excess);
      f(e.excess), f(e.quiet), f(e.calm), f(e.cooldown_until), f(e.peak_score), f(e.peak_observed),
          f(e.peak_expected);
    }
  }

  void reset() {
    state fresh;
    fresh.last_ms = last_ms;
    fresh.t = t;
    *this = fresh;
  }

  void step(const crisis_bucket& b, const crisis_options& o, std::vector<alert_transition>* out);
};

namespace {

using state = crisis_detector::state;

// Dispersions are weighted means of one unbiased estimate per window, each weighted by the
// inverse of its variance (up to a constant): a window of 0.01 expected mentions says almost
// nothing about c, one of 1000 says as much as one of 10000.
double count_noise_weight(double m) noexcept { return std::pow(m / (1 + prior_volume_dispersion * m), 2); }
double share_noise_weight(double n) noexcept {
  return n < 2 ? 0 : std::pow((n - 1) / (1 + (n - 1) * prior_share_dispersion), 2);
}
double count_dispersion(const ratio_sum& r, double prior, double m) noexcept {
  return std::max(min_dispersion,
                  r.ratio(prior, prior_noise_windows * count_noise_weight(std::max(m, min_expected))));
}
double share_dispersion(const ratio_sum& r, double n) noexcept {
  return std::max(min_share_dispersion, r.ratio(prior_share_dispersion,
                                                prior_noise_windows * share_noise_weight(std::max(n, 2.0))));
}

void emit(const episode& e, kind_index k, alert_change change, std::int64_t at_ms,
          std::vector<alert_transition>* out) {
  out->push_back({alert_kind(k), change, e.severity, e.started_at, e.detected_at, at_ms, e.peak_observed,
                  e.peak_expected, e.peak_score});
}

}  // namespace

void crisis_detector::state::step(const crisis_bucket& b, const crisis_options& o,
                                  std::vector<alert_transition>* out) {
  last_ms = b.start_ms;
  if (!started) {
    // Before the first mention there is nothing to learn, and an empty bucket changes nothing:
    // that makes a dormant watch a fixed point, so a gap of any length costs nothing.
    if (b.volume == 0) return;
    started = true;
    first_ms = b.start_ms;
  }
  idle = b.volume == 0 ? idle + 1 : 0;
  const double y = b.volume;
  const double n = std::min(b.negative, b.volume);

  // --- expectation of this bucket ---
  const int slot = int(floor_mod(b.start_ms, day_ms) / slot_ms);
  const int dow = int(floor_mod(floor_div(b.start_ms, day_ms) + 3, week_days));  // 1970-01-01: Thursday
  const double lvl = level.den > 0 ? level.num / level.den : y;                  // first bucket: itself
  // Profile factors, normalised to a mean of 1 so that the level is mentions per bucket.
  const double weekly_prior = std::max(weekly_prior_mentions, weekly_prior_days * t.buckets_per_day * lvl);
  double daily_mean = 0, weekly_mean = 0;
  for (const auto& r : daily) daily_mean += r.ratio(1, daily_prior_mentions);
  for (const auto& r : weekly) weekly_mean += r.ratio(1, weekly_prior);
  const double day_f = daily[slot].ratio(1, daily_prior_mentions) / (daily_mean / day_slots);
  const double week_f = weekly[dow].ratio(1, weekly_prior) / (weekly_mean / week_days);
  const double mu = std::max(lvl * day_f * week_f, min_expected);
  const double p = share.ratio(prior_share, prior_share_mentions);
  // Relative variance of the expectation itself: a young or sparse baseline is uncertain, and
  // its tail must be wider (a brand with 3 mentions a day has ~10 behind its level).
  // A profile factor is shrunk towards 1 with weight prior / (mentions + prior); its error is
  // that shrinkage times how far factors stray from 1 (nights are often a tenth of the day),
  // plus the Poisson error of its mentions. Large while the watch is young, which also widens
  // the clip, so that a first day can teach its daily cycle.
  auto factor_relvar = [](double mentions, double prior_mentions, double prior_var) {
    const double shrink = prior_mentions / (mentions + prior_mentions);
    return prior_var * shrink * shrink + 1 / (mentions + prior_mentions);
  };
  const double param_relvar = 1 / (level.num + 1) +
                              factor_relvar(daily[slot].num, daily_prior_mentions, daily_prior_variance) +
                              factor_relvar(weekly[dow].num, weekly_prior, weekly_prior_variance);
  const double share_uncertainty = 1 / (share.den + prior_share_mentions);  // var(p) ~ p(1-p) x this
  const double negative_relvar = param_relvar + 1 / (share.num + prior_share * prior_share_mentions);

  ring[ring_next] = {y, n, mu, p};
  ring_next = (ring_next + 1) % ring_size;
  ring_fill = std::min<std::uint32_t>(ring_fill + 1, ring_size);

  // --- window sums, newest first ---
  std::array<sums, window_count> win{};
  {
    sums acc;
    std::size_t w = 0;
    for (std::uint32_t i = 0; i < ring_fill && w < window_count; ++i) {
      const auto& r = ring[(ring_next + ring_size - 1 - i) % ring_size];
      acc.volume += r.volume;
      acc.negative += r.negative;
      acc.expected += r.expected;
      acc.expected_negative += r.expected * r.share;
      acc.share_expected += r.volume * r.share;
      ++acc.buckets;
      while (w < window_count && acc.buckets == window_lengths[w]) win[w++] = acc;
    }
    for (; w < window_count; ++w) win[w] = acc;  // not yet full: what there is
  }
  auto share_phi = [&](const sums& s, window_index w) {
    return 1 + std::max(s.volume - 1, 0.0) * share_dispersion(share_noise[w], s.volume) +
           s.volume * share_uncertainty;
  };
  // Negative-binomial size of each window: its measured noise plus the baseline's uncertainty.
  auto volume_r = [&](window_index w) {
    return 1 / (count_dispersion(volume_noise[w], prior_volume_dispersion, win[w].expected) + param_relvar);
  };
  auto negative_r = [&](window_index w) {
    return 1 / (count_dispersion(negative_noise[w], prior_negative_dispersion, win[w].expected_negative) +
                negative_relvar);
  };

  // --- what each kind sees ---
  std::array<kind_eval, kind_count> ev{};
  auto consider = [](kind_eval& k, const window_eval& w, bool opens, bool holds) {
    k.holds = k.holds || holds;
    if (opens && (!k.opens || w.score > k.best.score)) k.best = w;
    k.opens = k.opens || opens;
  };
  // Hot (the alert holds, learning slows down): a window at hold_score with half the excess an
  // alert needs; a small brand's pair of mentions is significant, not hot.
  const double hold_excess = o.min_excess / 2;
  // An alert opens only while its cause still runs: the newest bucket above usual (for the
  // share: the last 15 minutes), not on a window that still holds a burst that is over.
  const std::array<bool, kind_count> going = {y > mu, n > mu * p, win[w3].negative > win[w3].share_expected};
  for (window_index w : count_windows) {
    const sums& s = win[w];
    const double len = s.buckets;
    window_eval v{nb_score(s.volume, s.expected, volume_r(w)), s.volume / len, s.expected / len,
                  s.volume - s.expected, s.buckets};
    consider(ev[k_volume], v,
             v.score >= o.open_score && v.excess >= o.min_excess && s.volume >= o.min_ratio * s.expected &&
                 going[k_volume],
             v.score >= o.hold_score && v.excess >= hold_excess);

    window_eval g{nb_score(s.negative, s.expected_negative, negative_r(w)), s.negative / len,
                  s.expected_negative / len, s.negative - s.expected_negative, s.buckets};
    // The share must have risen too: negatives that merely follow volume are a volume spike.
    const double q = s.volume > 0 ? s.share_expected / s.volume : p;
    const bool share_rose = s.volume > 0 && s.negative / s.volume - q >= o.min_share_rise &&
                            share_score(s.negative, s.volume, q, share_phi(s, w)) >= o.share_confirm_score;
    consider(ev[k_negative], g,
             g.score >= o.open_score && g.excess >= o.min_excess &&
                 s.negative >= o.min_ratio * s.expected_negative && share_rose && going[k_negative],
             g.score >= o.hold_score && g.excess >= hold_excess);
  }
  for (const share_window& sw : share_windows) {
    const sums& s = win[sw.whole];
    if (s.volume <= 0) continue;
    const sums& newer = win[sw.half];
    sums older;
    older.volume = s.volume - newer.volume;
    older.negative = s.negative - newer.negative;
    older.share_expected = s.share_expected - newer.share_expected;
    const double q = s.share_expected / s.volume;
    window_eval v{share_score(s.negative, s.volume, q, share_phi(s, sw.whole)), s.negative / s.volume, q,
                  s.negative - s.share_expected, s.buckets};
    auto half_score = [&](const sums& h) {
      return h.volume > 0
                 ? share_score(h.negative, h.volume, h.share_expected / h.volume, share_phi(h, sw.half))
                 : 0.0;
    };
    // Sustained: the rise is in both halves of the window, not one burst of negative posts.
    const bool sustained = half_score(newer) >= o.sustain_score && half_score(older) >= o.sustain_score;
    consider(ev[k_share], v,
             v.score >= o.open_score && v.observed - q >= o.min_share_rise && v.excess >= o.min_excess &&
                 sustained && going[k_share],
             v.score >= o.hold_score && v.excess >= hold_excess);
  }
  // Poisson and binomial ratios, divided by the measured variance inflation (quasi-likelihood).
  // For counts the change looked for is also at least min_excess more per hour-long window, so
  // that a small brand's single mention is not one that takes days to forget.
  auto count_llr = [&](double count, double m, double r) {
    const double shifted = std::max(change_ratio * m, m + o.min_excess / window_lengths[w12]);
    return (count * std::log(shifted / m) - (shifted - m)) / (1 + m / r);
  };
  // A bucket's log-likelihood ratio for kind k, and its excess over usual: this bucket's, and
  // those of the ring's older buckets when an alert opens (see the lifecycle).
  const double r_volume = volume_r(w1), r_negative = negative_r(w1), phi_share = share_phi(win[w1], w1);
  auto bucket_llr = [&](int k, const bucket_record& r, double* excess) {
    if (k == k_volume) {
      *excess = r.volume - r.expected;
      return count_llr(r.volume, r.expected, r_volume);
    }
    if (k == k_negative) {
      const double m = std::max(r.expected * r.share, min_expected);
      *excess = r.negative - m;
      return count_llr(r.negative, m, r_negative);
    }
    const double q = r.share, q_shifted = std::min(change_ratio * q, (1 + q) / 2);
    *excess = r.negative - r.volume * q;
    return (r.negative * std::log(q_shifted / q) + (r.volume - r.negative) * std::log((1 - q_shifted) / (1 - q))) /
           phi_share;
  };
  const bucket_record now{y, n, mu, p};
  for (int k = 0; k < kind_count; ++k) ev[k].llr = bucket_llr(k, now, &ev[k].bucket_excess);
  ev[k_volume].usual_rate = lvl;
  ev[k_negative].usual_rate = lvl * p;
  ev[k_share].usual_rate = lvl * p;

  // --- lifecycle ---
  const std::int64_t end_ms = b.start_ms + o.bucket_ms;
  const bool warm = b.start_ms >= first_ms + o.warmup_ms;
  for (int k = 0; k < kind_count; ++k) {
    episode& e = episodes[k];
    const kind_eval& x = ev[k];
    if (e.cusum + x.llr > 0) {
      if (e.cusum == 0) e.change_at = b.start_ms, e.change_excess = 0;
      e.cusum += x.llr;
      e.change_excess += x.bucket_excess;
    } else {
      e.cusum = 0, e.change_at = none_ms, e.change_excess = 0;
    }
    const double critical = std::max(o.critical_min_excess, x.usual_rate * t.critical_buckets);
    if (!e.open) {
      if (!x.opens || !warm || b.start_ms < e.cooldown_until) continue;
      e.open = true;
      // The CUSUM's change point; if it is at zero (a window can be significant while the
      // bucket that closes it is not), the start of the window. A change point beyond the
      // ring's reach (6 hours) is not this change's: the sum then holds an older burst that
      // opened nothing (during warm-up, or under the thresholds), which on a watch with few
      // negative mentions takes weeks to drain. The ring's buckets then date the change.
      bool changed = e.change_at != none_ms;
      std::int64_t change_at = e.change_at;
      double change_excess = e.change_excess;
      if (changed && change_at < b.start_ms - (ring_size - 1) * o.bucket_ms) {
        // Within the ring, the change point that best explains it: the start of the run of
        // newest buckets whose ratios add up the most.
        double sum = 0, run_excess = 0, best_sum = 0;
        changed = false;
        for (std::uint32_t i = 0; i < ring_fill; ++i) {
          double bucket_excess = 0;
          sum += bucket_llr(k, ring[(ring_next + ring_size - 1 - i) % ring_size], &bucket_excess);
          run_excess += bucket_excess;
          if (sum > best_sum) {
            best_sum = sum, changed = true;
            change_at = b.start_ms - std::int64_t(i) * o.bucket_ms, change_excess = run_excess;
          }
        }
      }
      e.started_at = changed ? change_at : b.start_ms - (x.best.buckets - 1) * o.bucket_ms;
      e.detected_at = end_ms;
      e.excess = std::max(changed ? change_excess : 0.0, x.best.excess);
      e.severity = e.excess >= critical ? alert_severity::critical : alert_severity::warning;
      e.quiet = 0;
      e.peak_score = x.best.score, e.peak_observed = x.best.observed, e.peak_expected = x.best.expected;
      emit(e, kind_index(k), alert_change::opened, end_ms, out);
      continue;
    }
    e.excess += x.bucket_excess;
    if (x.opens && x.best.score > e.peak_score)
      e.peak_score = x.best.score, e.peak_observed = x.best.observed, e.peak_expected = x.best.expected;
    e.quiet = x.holds ? 0 : e.quiet + 1;
    if (e.severity == alert_severity::warning && e.excess >= critical) {
      e.severity = alert_severity::critical;
      emit(e, kind_index(k), alert_change::escalated, end_ms, out);
    }
    if (e.quiet >= t.resolve_quiet_buckets) {
      emit(e, kind_index(k), alert_change::resolved, end_ms, out);
      e.open = false;
      e.cooldown_until = end_ms + o.cooldown_ms;
      // The episode is over: the next one has its own change point and excess. A burst adds
      // far more to the CUSUM than a usual bucket takes away (it would take a day to drain),
      // and a sum carried over would date the next alert from this one (6 h back, the
      // ring's reach), describe it with this one's window, and add this one's excess to it.
      e.cusum = 0, e.change_at = none_ms, e.change_excess = 0;
    }
  }

  // --- learning, robust ---
  // What a bucket teaches is clipped a few deviations above expectation, and while the kind is
  // hot (some window at hold_score) it teaches the baseline at a fraction of its weight and the
  // noise nothing: an anomaly, alert or not yet, must not raise the bar it is measured against.
  // A lasting change is still learnt, more slowly, and the alert it opened then resolves.
  const double volume_weight = ev[k_volume].holds ? hot_learning_weight : 1.0;
  const double var1 = mu + mu * mu / volume_r(w1);
  const double y_clipped = std::min(y, mu + o.clip_deviations * std::sqrt(var1) + 1);
  level.add(t.level_decay, volume_weight * y_clipped, volume_weight * day_f * week_f);
  daily[slot].add(t.daily_decay, volume_weight * y_clipped, volume_weight * lvl * week_f);
  // The weekly profile waits for the warm-up: a first day's level is too rough to say how this
  // weekday differs from the others.
  if (warm) weekly[dow].add(t.weekly_decay, volume_weight * y_clipped, volume_weight * lvl * day_f);
  if (y > 0) {
    // Weighted by the clipped volume, so that a launch's flood of mentions at a low negative
    // share does not drag the usual share down; and the share itself is clipped both ways.
    const double weight = (ev[k_share].holds || ev[k_negative].holds ? hot_learning_weight : 1.0) * y_clipped;
    const double sd = std::sqrt(p * (1 - p) * (1 / y + share_dispersion(share_noise[w1], y)));
    const double s_clipped = std::clamp(n / y, p - o.clip_deviations * sd, p + o.clip_deviations * sd);
    share.add(t.share_decay, weight * s_clipped, weight);
  } else {
    share.add(t.share_decay, 0, 0);
  }
  // Noise of each window length, from the (clipped) residuals of windows that do not overlap
  // (one odd bucket then counts once, not once per window that holds it) and hold no hot bucket;
  // not during warm-up, when the residuals are the baseline's own youth.
  for (int k = 0; k < kind_count; ++k) {
    episode& e = episodes[k];
    e.calm = ev[k].holds || e.open ? 0 : std::min<std::uint32_t>(e.calm + 1, ring_size);
  }
  auto calm = [&](kind_index k, int w) {
    return warm && episodes[k].calm >= std::uint32_t(window_lengths[w]);
  };
  const std::int64_t bucket_number = floor_div(b.start_ms, o.bucket_ms);
  for (int w = 0; w < window_count; ++w) {
    if (bucket_number % window_lengths[w] != 0) continue;
    const sums& s = win[w];
    const double lambda = t.noise_decay[w];
    // (Y - m)^2 - Y estimates c m^2 for a count of mean m.
    auto learn_count = [&](ratio_sum& noise, double count, double m, double r) {
      m = std::max(m, min_expected);
      const double c = std::min(count, m + noise_clip_deviations * std::sqrt(m + m * m / r) + 1);
      noise.add(lambda, count_noise_weight(m) * ((c - m) * (c - m) - c) / (m * m), count_noise_weight(m));
    };
    if (calm(k_volume, w)) learn_count(volume_noise[w], s.volume, s.expected, volume_r(window_index(w)));
    if (calm(k_negative, w))
      learn_count(negative_noise[w], s.negative, s.expected_negative, negative_r(window_index(w)));
    if (calm(k_share, w)) {
      // (N - e)^2 - binomial variance estimates (n - 1) rho x binomial variance.
      const double weight = share_noise_weight(s.volume);
      double estimate = 0;
      if (weight > 0) {
        const double q = std::clamp(s.share_expected / s.volume, 1e-6, 1 - 1e-6);
        const double binomial = s.volume * q * (1 - q);
        const double sd = std::sqrt(binomial * share_phi(s, window_index(w)));
        const double r = std::clamp(s.negative - s.share_expected, -noise_clip_deviations * sd - 1,
                                    noise_clip_deviations * sd + 1);
        estimate = (r * r - binomial) / (binomial * (s.volume - 1));
      }
      share_noise[w].add(lambda, weight * estimate, weight);
    }
  }

  if (idle >= t.idle_reset_buckets) {
    // Dormant: forget the baseline; the next mention starts a new warm-up.
    for (int k = 0; k < kind_count; ++k) {
      if (!episodes[k].open) continue;
      emit(episodes[k], kind_index(k), alert_change::resolved, end_ms, out);
    }
    reset();
  }
}

crisis_detector::crisis_detector(const crisis_options& options)
    : options_(options), state_(std::make_unique<state>()) {
  assert(validate(options).ok());
  state_->t = derive(options_);
}

crisis_detector::~crisis_detector() = default;
crisis_detector::crisis_detector(const crisis_detector& other)
    : options_(other.options_), state_(std::make_unique<state>(*other.state_)) {}
crisis_detector& crisis_detector::operator=(const crisis_detector& other) {
  if (this != &other) {
    options_ = other.options_;
    state_ = std::make_unique<state>(*other.state_);
  }
  return *this;
}
crisis_detector::crisis_detector(crisis_detector&&) noexcept = default;
crisis_detector& crisis_detector::operator=(crisis_detector&&) noexcept = default;

void crisis_detector::close_bucket(const crisis_bucket& b, std::vector<alert_transition>* out) {
  state& s = *state_;
  const std::int64_t w = options_.bucket_ms;
  const std::int64_t start = floor_div(b.start_ms, w) * w;
  if (s.last_ms != none_ms && start <= s.last_ms) return;
  // The empty buckets of a gap, one by one, exactly as if they had been passed; a watch that
  // turns dormant (idle_reset_ms) stops the walk, since an empty bucket no longer changes it.
  if (s.last_ms != none_ms)
    for (std::int64_t t = s.last_ms + w; t < start && s.started; t += w)
      s.step({.start_ms = t}, options_, out);
  crisis_bucket aligned = b;
  aligned.start_ms = start;
  s.step(aligned, options_, out);
}

bool crisis_detector::has_open_alert() const noexcept {
  return std::any_of(state_->episodes.begin(), state_->episodes.end(),
                     [](const episode& e) { return e.open; });
}

std::int64_t crisis_detector::last_bucket_ms() const noexcept { return state_->last_ms; }

std::size_t crisis_detector::memory_bytes() const noexcept { return sizeof(*this) + sizeof(state); }

// --- snapshot ---------------------------------------------------------------------------------
// "VCRS", version byte, bucket_ms, every field of the state in a fixed order (integers and
// IEEE doubles, little-endian), then a 64-bit FNV-1a of everything before it.

namespace {

constexpr char snapshot_magic[4] = {'V', 'C', 'R', 'S'};
constexpr std::uint8_t snapshot_version = 1;

std::uint64_t fnv1a(std::string_view bytes) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

struct writer {
  std::string* out;
  void put(std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out->push_back(char((v >> (8 * i)) & 0xff));
  }
  void operator()(std::int64_t v) { put(std::uint64_t(v), 8); }
  void operator()(std::uint32_t v) { put(v, 4); }
  void operator()(bool v) { put(v ? 1 : 0, 1); }
  void operator()(alert_severity v) { put(std::uint8_t(v), 1); }
  void operator()(double v) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    put(bits, 8);
  }
};

struct reader {
  std::string_view in;
  bool ok = true;
  std::uint64_t get(int bytes) {
    if (in.size() < std::size_t(bytes)) {
      ok = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= std::uint64_t(static_cast<unsigned char>(in[i])) << (8 * i);
    in.remove_prefix(bytes);
    return v;
  }
  void operator()(std::int64_t& v) { v = std::int64_t(get(8)); }
  void operator()(std::uint32_t& v) { v = std::uint32_t(get(4)); }
  void operator()(bool& v) {
    const std::uint64_t b = get(1);
    ok = ok && b <= 1;
    v = b == 1;
  }
  void operator()(alert_severity& v) {
    const std::uint64_t b = get(1);
    ok = ok && b <= std::uint64_t(alert_severity::critical);
    v = alert_severity(b);
  }
  void operator()(double& v) {
    const std::uint64_t bits = get(8);
    std::memcpy(&v, &bits, sizeof v);
    ok = ok && std::isfinite(v);  // no state holds an infinity or a NaN
  }
};

// What the checksum cannot vouch for: a snapshot written by a buggy or hostile peer. Every
// index and every quantity the arithmetic relies on is checked before use.
bool plausible(const state& s) {
  auto non_negative = [](const ratio_sum& r) { return r.num >= 0 && r.den >= 0; };
  bool ok =
      s.ring_next < ring_size && s.ring_fill <= ring_size && non_negative(s.level) && non_negative(s.share);
  for (const auto& r : s.daily) ok = ok && non_negative(r);
  for (const auto& r : s.weekly) ok = ok && non_negative(r);
  for (const auto* noise : {&s.volume_noise, &s.negative_noise, &s.share_noise})
    for (const auto& r : *noise) ok = ok && r.den >= 0;
  for (const auto& r : s.ring)
    ok = ok && r.volume >= 0 && r.negative >= 0 && r.negative <= r.volume && r.expected >= 0 &&
         r.share >= 0 && r.share <= 1;
  return ok && (s.started ||
                !std::any_of(s.episodes.begin(), s.episodes.end(), [](const episode& e) { return e.open; }));
}

}  // namespace

void crisis_detector::save(std::string* out) const {
  const std::size_t begin = out->size();
  out->append(snapshot_magic, sizeof snapshot_magic);
  writer w{out};
  w.put(snapshot_version, 1);
  w(options_.bucket_ms);
  state::for_each_field(std::as_const(*state_), w);
  w.put(fnv1a(std::string_view(*out).substr(begin)), 8);
}

result<crisis_detector> crisis_detector::load(std::string_view bytes, const crisis_options& options) {
  if (status st = validate(options); !st.ok()) return st;
  if (bytes.size() < sizeof snapshot_magic + 1 + 8 ||
      bytes.substr(0, 4) != std::string_view(snapshot_magic, 4))
    return corruption("crisis snapshot: bad magic");
  if (std::uint8_t(bytes[4]) != snapshot_version)
    return corruption("crisis snapshot: unknown version " + std::to_string(std::uint8_t(bytes[4])));
  const std::string_view body = bytes.substr(0, bytes.size() - 8);
  reader check{bytes.substr(bytes.size() - 8)};
  if (check.get(8) != fnv1a(body))
    return corruption("crisis snapshot: checksum mismatch (truncated or corrupted)");

  reader r{body.substr(5)};
  std::int64_t bucket_ms = 0;
  r(bucket_ms);
  if (r.ok && bucket_ms != options.bucket_ms)
    return invalid_argument("crisis snapshot: taken with bucket_ms " + std::to_string(bucket_ms) +
                            ", options say " + std::to_string(options.bucket_ms));
  crisis_detector d(options);
  state::for_each_field(*d.state_, r);
  if (!r.ok || !r.in.empty() || !plausible(*d.state_))
    return corruption("crisis snapshot: invalid field values");
  return d;
}

}  // namespace vigie::pipeline
