// crisis: per-watch crisis detection ("bad buzz") on the event-time buckets of a watch.
//
// The server sums each watch's mentions into buckets of bucket_ms (5 minutes) of event time and
// closes them in order, driven by the watermark; the detector of the watch turns them into alert
// transitions (opened, escalated, resolved) of three kinds:
//   volume_spike     more mentions than the watch usually has at this time of day and week;
//   negative_spike   more negative mentions than usual, and more than the rise of volume
//                    explains (the negative share rose too), so a product launch is not one;
//   sentiment_shift  a sustained rise of the negative share, whatever the volume.
//
// How. The expected volume of a bucket is level x time-of-day factor (48 half-hour slots) x
// day-of-week factor (7), each a discounted ratio of counts to exposure, shrunk towards 1 while
// the watch has few mentions; the expected negatives are that times the watch's usual negative
// share. The last 1, 2, 3, 6 and 12 buckets (6, 24 and 72, and their halves, for the share) are
// compared with their expectation by the signed root of a negative-binomial deviance (binomial
// for the share), with a dispersion measured per watch and per window length from the watch's
// own residuals, plus the uncertainty of a young or sparse baseline. An alert needs that score,
// a minimum absolute and relative excess (a brand with 3 mentions a day getting 9 is not in
// crisis), and its cause still running. Learning is robust: a bucket teaches at most a few
// deviations above expectation, and while a kind is anomalous (alert or not yet) its baseline
// learns at a fifth of the pace and its noise not at all, so a crisis hardly moves the bar it
// is measured against. sentiment_shift follows the negative share, not the mean score: a share
// has a known (binomial) noise, and a burst of neutral posts lowers a mean score without anyone
// being unhappy. The state is a fixed set of numbers (about 4 KB), whatever the history.
//
//   vigie::pipeline::crisis_detector d;                // one per watch, default options
//   std::vector<vigie::pipeline::alert_transition> out;
//   d.close_bucket({.start_ms = t, .volume = 42, .positive = 3, .negative = 30,
//                   .sentiment_sum = -20.5}, &out);
//   for (const auto& a : out) publish(a);              // usually nothing
//   std::string snapshot;
//   d.save(&snapshot);                                 // with the watch; load() on restart
//
// Determinism: the output depends only on the sequence of buckets (no clock, no randomness), so
// replaying a week of history gives the same alerts with the same times as living through it.
//
// Thread safety: none. A detector belongs to the one thread that owns its watch (DESIGN.md:
// stateful stages are sharded by watch); different detectors are independent.

#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"

namespace vigie::pipeline {

enum class alert_kind : std::uint8_t { volume_spike, negative_spike, sentiment_shift };
enum class alert_severity : std::uint8_t { warning, critical };
enum class alert_change : std::uint8_t { opened, escalated, resolved };

std::string_view to_string(alert_kind k) noexcept;      // "volume_spike", ...
std::string_view to_string(alert_severity s) noexcept;  // "warning", "critical"
std::string_view to_string(alert_change c) noexcept;    // "opened", "escalated", "resolved"

// One configuration serves every watch, from 3 mentions a day to millions: nothing here is
// per-watch; the detector measures each watch's own volume, seasonality and noise. The defaults
// were tuned on the synthetic streams of tests/eval/crisis_eval.cpp (tuning seeds, not the
// reported ones); run it before and after changing any of them.
struct crisis_options {
  // Detection bucket, in event time. Must divide a day. Finer reacts faster on big watches but
  // costs more per watch and sees fewer mentions per bucket on small ones.
  std::int64_t bucket_ms = 5 * 60 * 1000;

  // --- learning --------------------------------------------------------------------------------
  // No alert before the watch has been followed this long since its first mention: the daily
  // cycle must have been seen once. Time, not a number of mentions, so that a small brand's
  // warm-up ends too. The first day's learning is clipped like any other, so a crisis that
  // began during warm-up and still runs at its end opens then, as long as it stands out from
  // what a day could teach (a doubling at an hour not yet seen may pass for the daily cycle).
  std::int64_t warmup_ms = 24 * 3600 * 1000LL;
  // Memory (half-life) of the level. Shorter follows a growing brand faster but lets a long
  // crisis raise its own baseline sooner (clipping slows that down, it does not stop it).
  std::int64_t level_half_life_ms = 2 * 24 * 3600 * 1000LL;
  // Memory of the time-of-day and day-of-week profiles (half-life). The weekly profile sees one
  // Monday a week, so it needs the longer memory.
  std::int64_t daily_profile_half_life_ms = 14 * 24 * 3600 * 1000LL;
  std::int64_t weekly_profile_half_life_ms = 28 * 24 * 3600 * 1000LL;
  // Memory of the usual negative share and of the measured noise (dispersion) of the watch.
  std::int64_t share_half_life_ms = 4 * 24 * 3600 * 1000LL;
  std::int64_t noise_half_life_ms = 4 * 24 * 3600 * 1000LL;
  // A bucket teaches the baseline at most this many deviations (plus one mention) above what
  // was expected: the robust (Huber) clip that keeps a crisis from poisoning its baseline.
  // Larger learns real growth faster and crises too.
  double clip_deviations = 3.0;

  // --- opening ---------------------------------------------------------------------------------
  // Score (signed root of the deviance: about standard deviations of a normal tail) a window
  // must reach to open an alert. Lower detects smaller crises sooner, with more false alerts.
  double open_score = 4.5;
  // An open alert stays open while some window scores at least this (hysteresis). A kind at
  // this score is also "hot": its baseline learns slowly and its noise estimate pauses. Lower
  // keeps alerts open longer and, by pausing the noise estimate more often, underestimates noise.
  double hold_score = 3.0;
  // Absolute excess, in mentions (negative mentions for the negative kinds), a window (an hour
  // at most) must have over its expectation: what makes a small brand's noise not a crisis.
  // Higher spares small brands more false alerts and detects their crises later.
  double min_excess = 5.0;
  // Relative excess: observed / expected of the window, for volume and negative counts. Keeps a
  // huge brand's statistically certain +20 % from being a "spike".
  double min_ratio = 1.5;
  // Rise of the negative share (absolute, 0.10 = ten points) a sentiment_shift needs, and that
  // a negative_spike's window must show too.
  double min_share_rise = 0.10;
  // A negative_spike also needs its window's negative share to be above the usual one by this
  // score: without it a launch that multiplies volume at a flat share would be one.
  double share_confirm_score = 3.0;
  // A sentiment_shift must be sustained: both halves of its window must score this much.
  double sustain_score = 2.0;

  // --- lifecycle -------------------------------------------------------------------------------
  // An alert becomes critical once its episode has brought more excess (mentions, or negative
  // mentions) than this much of the watch's usual traffic, and at least critical_min_excess.
  std::int64_t critical_excess_ms = 2 * 3600 * 1000LL;
  double critical_min_excess = 40.0;
  // An alert resolves after this long without any window at hold_score. A lull shorter than
  // this merges into the same alert: one crisis of hours is one alert per kind.
  std::int64_t resolve_quiet_ms = 3600 * 1000LL;
  // After resolving, the same kind does not reopen for this long: a crisis that flickers around
  // the threshold gives one alert, not one per flicker. A new crisis inside it is missed.
  std::int64_t cooldown_ms = 3600 * 1000LL;
  // After this long without a single mention the watch is considered dormant: its baseline is
  // forgotten and it warms up again at its next mention. Bounds the work of a gap.
  std::int64_t idle_reset_ms = 7 * 24 * 3600 * 1000LL;
};

// Checks what the detector cannot work with (bucket_ms not dividing a day, non-positive
// durations, scores out of order); says which field.
[[nodiscard]] status validate(const crisis_options& options);

// One bucket of a watch's mentions (event time), as the server sums it. positive and
// sentiment_sum are not used by the current detectors.
struct crisis_bucket {
  std::int64_t start_ms = 0;  // aligned to bucket_ms
  std::uint32_t volume = 0, positive = 0, negative = 0;
  double sentiment_sum = 0;  // sum of per-mention scores in [-1, 1]
};

// observed / expected and score are those of the most anomalous window of the episode so far
// (at resolution: of the whole episode):
//   volume_spike     mentions per bucket, averaged over the window;
//   negative_spike   negative mentions per bucket, averaged over the window;
//   sentiment_shift  negative share of the window (0..1) against the watch's usual share.
// score is the signed root of the window's deviance, in standard deviations of a normal tail
// (5 ~ one chance in 3.5 million), the same scale for every watch and kind; >= open_score.
struct alert_transition {
  alert_kind kind;
  alert_change change;
  alert_severity severity;      // after the change
  std::int64_t started_at_ms;   // start of the first anomalous bucket of the episode: an estimate
                                // (CUSUM change point), at most 6 hours before detection
  std::int64_t detected_at_ms;  // end of the bucket whose close opened the alert (fixed for its life)
  std::int64_t at_ms;           // end of the bucket of this change (== detected_at_ms for opened)
  double observed, expected;
  double score;
};

// Per-watch detector. Copyable (a copy continues independently) and movable; a moved-from
// detector may only be assigned to or destroyed.
class crisis_detector {
 public:
  // options must pass validate(); the server validates them once at start-up.
  explicit crisis_detector(const crisis_options& options = {});
  ~crisis_detector();
  crisis_detector(const crisis_detector& other);
  crisis_detector& operator=(const crisis_detector& other);
  crisis_detector(crisis_detector&&) noexcept;
  crisis_detector& operator=(crisis_detector&&) noexcept;

  // Buckets come in strictly increasing start_ms (a start_ms is floored to bucket_ms; a bucket
  // at or before last_bucket_ms() is ignored). Buckets not passed are empty: passing an empty
  // bucket explicitly and skipping it give identical state and output. A gap costs at most
  // idle_reset_ms / bucket_ms steps, even one of years. Appends the alert transitions this
  // bucket causes (usually none), in kind order; those of the empty buckets of a gap first.
  void close_bucket(const crisis_bucket& b, std::vector<alert_transition>* out);

  // Whether an alert is open (the caller then feeds empty buckets so that it can resolve).
  bool has_open_alert() const noexcept;

  // Start of the last bucket closed, or INT64_MIN before the first.
  std::int64_t last_bucket_ms() const noexcept;

  // Versioned little-endian snapshot of the whole state, with a checksum; about 4 KB.
  void save(std::string* out) const;
  // The inverse of save(). Bad bytes (truncated, corrupted, another version, a snapshot taken
  // with another bucket_ms) give a corruption or invalid_argument status, never a crash. The
  // other options may differ from the saver's: the state then goes on under the new ones.
  [[nodiscard]] static result<crisis_detector> load(std::string_view bytes, const crisis_options& options);

  // Bytes this detector holds: constant, whatever the history.
  std::size_t memory_bytes() const noexcept;

  struct state;  // opaque

 private:
  crisis_options options_;
  std::unique_ptr<state> state_;
};

}  // namespace vigie::pipeline
