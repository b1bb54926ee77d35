#include "pipeline/crisis.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace vigie::pipeline {
namespace {

constexpr std::int64_t bucket_ms = 5 * 60 * 1000;
constexpr std::int64_t hour_ms = 3600 * 1000LL;
constexpr std::int64_t day_ms = 24 * hour_ms;
constexpr std::int64_t monday_ms = 1704067200000;  // 2024-01-01T00:00:00Z

// A watch's usual traffic: a daily cycle (low at night, peak mid-afternoon UTC) and quieter
// weekends, Poisson counts, a fixed negative share. Deterministic for a seed.
class watch_stream {
 public:
  watch_stream(double per_day, std::uint64_t seed, double negative_share = 0.15)
      : per_day_(per_day), negative_share_(negative_share), rng_(seed) {}

  double usual(std::int64_t t) const {
    const double hour = double((t % day_ms) / bucket_ms) * bucket_ms / hour_ms;
    const bool weekend = (t - monday_ms) / day_ms % 7 >= 5;
    return per_day_ / 288 * std::exp(0.8 * std::cos(2 * M_PI * (hour - 15) / 24)) / 1.17 *
           (weekend ? 0.7 : 1.0);
  }

  // The bucket at t with `rate` mentions expected, a share `negative` of them negative.
  crisis_bucket draw(std::int64_t t, double rate, double negative) {
    crisis_bucket b;
    b.start_ms = t;
    b.volume = std::poisson_distribution<std::uint32_t>(rate)(rng_);
    b.negative = b.volume ? std::binomial_distribution<std::uint32_t>(b.volume, negative)(rng_) : 0;
    b.positive = b.volume - b.negative
                     ? std::binomial_distribution<std::uint32_t>(b.volume - b.negative, 0.3)(rng_)
                     : 0;
    b.sentiment_sum = 0.5 * b.positive - 0.6 * b.negative;
    return b;
  }
  crisis_bucket usual_bucket(std::int64_t t) { return draw(t, usual(t), negative_share_); }

  // Usual traffic over [from, to), empty buckets included.
  void append_usual(std::int64_t from, std::int64_t to, std::vector<crisis_bucket>* out) {
    for (std::int64_t t = from; t < to; t += bucket_ms) out->push_back(usual_bucket(t));
  }
  // An event over [from, to): `factor` times the usual volume, a share `negative` of it negative.
  void append_burst(std::int64_t from, std::int64_t to, double factor, double negative,
                    std::vector<crisis_bucket>* out) {
    for (std::int64_t t = from; t < to; t += bucket_ms) out->push_back(draw(t, factor * usual(t), negative));
  }

 private:
  double per_day_;
  double negative_share_;
  std::mt19937_64 rng_;
};

std::vector<alert_transition> run(crisis_detector& d, const std::vector<crisis_bucket>& buckets) {
  std::vector<alert_transition> out;
  for (const auto& b : buckets) d.close_bucket(b, &out);
  return out;
}

// Feeds empty buckets after `buckets` until no alert is open.
void settle(crisis_detector& d, std::vector<alert_transition>* out) {
  for (int i = 0; i < 10'000 && d.has_open_alert(); ++i)
    d.close_bucket({.start_ms = d.last_bucket_ms() + bucket_ms}, out);
}

// What a new detector makes of `buckets`, every alert then left to resolve.
std::vector<alert_transition> run_settled(const std::vector<crisis_bucket>& buckets) {
  crisis_detector d;
  auto out = run(d, buckets);
  settle(d, &out);
  return out;
}

int count(const std::vector<alert_transition>& v, alert_kind k, alert_change c) {
  int n = 0;
  for (const auto& t : v) n += t.kind == k && t.change == c;
  return n;
}
const alert_transition* find(const std::vector<alert_transition>& v, alert_kind k, alert_change c) {
  for (const auto& t : v)
    if (t.kind == k && t.change == c) return &t;
  return nullptr;
}

std::string describe(const std::vector<alert_transition>& v) {
  std::string s;
  for (const auto& t : v)
    s += std::string(to_string(t.change)) + " " + std::string(to_string(t.kind)) + " " +
         std::string(to_string(t.severity)) + " at +" + std::to_string((t.at_ms - monday_ms) / bucket_ms) +
         " score " + std::to_string(t.score) + "\n";
  return s;
}

std::string snapshot(const crisis_detector& d) {
  std::string s;
  d.save(&s);
  return s;
}

TEST(crisis, names) {
  EXPECT_EQ(to_string(alert_kind::volume_spike), "volume_spike");
  EXPECT_EQ(to_string(alert_kind::negative_spike), "negative_spike");
  EXPECT_EQ(to_string(alert_kind::sentiment_shift), "sentiment_shift");
  EXPECT_EQ(to_string(alert_severity::warning), "warning");
  EXPECT_EQ(to_string(alert_severity::critical), "critical");
  EXPECT_EQ(to_string(alert_change::opened), "opened");
  EXPECT_EQ(to_string(alert_change::escalated), "escalated");
  EXPECT_EQ(to_string(alert_change::resolved), "resolved");
}

TEST(crisis, validate_names_the_bad_field) {
  EXPECT_TRUE(validate({}).ok());
  crisis_options o;
  o.bucket_ms = 7 * 60 * 1000;  // does not divide a day
  EXPECT_NE(validate(o).message().find("bucket_ms"), std::string::npos);
  o = {};
  o.hold_score = 6;  // above open_score
  EXPECT_FALSE(validate(o).ok());
  o = {};
  o.idle_reset_ms = hour_ms;  // alerts could not resolve before the reset
  EXPECT_NE(validate(o).message().find("idle_reset_ms"), std::string::npos);
}

TEST(crisis, flat_seasonal_streams_give_no_alert_over_weeks) {
  for (double per_day : {3.0, 40.0, 400.0, 5000.0}) {
    watch_stream w(per_day, 7);
    std::vector<crisis_bucket> buckets;
    w.append_usual(monday_ms, monday_ms + 42 * day_ms, &buckets);
    crisis_detector d;
    const auto out = run(d, buckets);
    EXPECT_TRUE(out.empty()) << per_day << " a day:\n" << describe(out);
    EXPECT_FALSE(d.has_open_alert());
    EXPECT_EQ(d.last_bucket_ms(), buckets.back().start_ms);
  }
}

TEST(crisis, bad_buzz_opens_volume_and_negative_spikes_escalates_and_resolves_once) {
  watch_stream w(2000, 11);
  std::vector<crisis_bucket> buckets;
  const std::int64_t start = monday_ms + 8 * day_ms + 14 * hour_ms;  // a Tuesday afternoon
  const std::int64_t end = start + 2 * hour_ms;
  w.append_usual(monday_ms, start, &buckets);
  w.append_burst(start, end, 10, 0.6, &buckets);
  w.append_usual(end, end + day_ms, &buckets);

  crisis_detector d;
  auto out = run(d, buckets);
  settle(d, &out);
  SCOPED_TRACE(describe(out));

  for (alert_kind k : {alert_kind::volume_spike, alert_kind::negative_spike}) {
    SCOPED_TRACE(std::string(to_string(k)));
    const alert_transition* opened = find(out, k, alert_change::opened);
    ASSERT_NE(opened, nullptr);
    EXPECT_EQ(opened->started_at_ms, start);
    EXPECT_GE(opened->detected_at_ms, start + bucket_ms);
    EXPECT_LE(opened->detected_at_ms, start + 2 * bucket_ms);
    EXPECT_EQ(opened->at_ms, opened->detected_at_ms);
    EXPECT_GE(opened->score, crisis_options{}.open_score);
    EXPECT_GT(opened->observed, 3 * opened->expected);
    EXPECT_EQ(count(out, k, alert_change::opened), 1);
    ASSERT_EQ(count(out, k, alert_change::resolved), 1);
    const alert_transition* resolved = find(out, k, alert_change::resolved);
    EXPECT_GE(resolved->at_ms, end);
    EXPECT_LE(resolved->at_ms, end + 3 * hour_ms);
    EXPECT_EQ(resolved->started_at_ms, opened->started_at_ms);
    EXPECT_EQ(resolved->detected_at_ms, opened->detected_at_ms);
    EXPECT_EQ(resolved->severity, alert_severity::critical);
  }
  // Volume opens as a warning and becomes critical once the excess is two hours of traffic.
  const alert_transition* opened = find(out, alert_kind::volume_spike, alert_change::opened);
  EXPECT_EQ(opened->severity, alert_severity::warning);
  ASSERT_EQ(count(out, alert_kind::volume_spike, alert_change::escalated), 1);
  const alert_transition* escalated = find(out, alert_kind::volume_spike, alert_change::escalated);
  EXPECT_EQ(escalated->severity, alert_severity::critical);
  EXPECT_GT(escalated->at_ms, opened->at_ms);
  EXPECT_LT(escalated->at_ms, start + hour_ms);
  EXPECT_FALSE(d.has_open_alert());
}

TEST(crisis, a_second_crisis_is_dated_and_weighed_on_its_own) {
  // Two bad buzzes twelve hours apart, the second smaller: each alert starts at its own burst,
  // not at the first one, and the second does not inherit the first one's excess.
  watch_stream w(2000, 23);
  std::vector<crisis_bucket> buckets;
  const std::int64_t first = monday_ms + 8 * day_ms + 8 * hour_ms;
  const std::int64_t second = first + 12 * hour_ms;
  w.append_usual(monday_ms, first, &buckets);
  w.append_burst(first, first + 45 * 60 * 1000, 6, 0.6, &buckets);
  w.append_usual(first + 45 * 60 * 1000, second, &buckets);
  w.append_burst(second, second + 30 * 60 * 1000, 3, 0.45, &buckets);
  w.append_usual(second + 30 * 60 * 1000, second + day_ms, &buckets);

  auto out = run_settled(buckets);
  SCOPED_TRACE(describe(out));
  std::vector<const alert_transition*> opened;
  for (const auto& t : out)
    if (t.kind == alert_kind::negative_spike && t.change == alert_change::opened) opened.push_back(&t);
  ASSERT_EQ(opened.size(), 2u);
  EXPECT_GE(opened[0]->started_at_ms, first - 2 * bucket_ms);
  EXPECT_LE(opened[0]->started_at_ms, first);
  EXPECT_GE(opened[1]->started_at_ms, second - hour_ms);  // was second - 6 h: the first burst's CUSUM
  EXPECT_LE(opened[1]->started_at_ms, second);
  EXPECT_EQ(opened[1]->severity, alert_severity::warning);
}

TEST(crisis, a_burst_during_warm_up_does_not_date_a_crisis_days_later) {
  // A burst of complaints before the detector is warm opens nothing, and on a watch with no
  // negative mentions otherwise its CUSUM would take weeks to drain: the crisis two days later
  // must still be dated from its own start, not from the ring's reach six hours back.
  watch_stream w(2000, 31, /*negative_share=*/0.0);
  std::vector<crisis_bucket> buckets;
  const std::int64_t burst = monday_ms + 6 * hour_ms;
  const std::int64_t start = monday_ms + 3 * day_ms + 10 * hour_ms;
  w.append_usual(monday_ms, burst, &buckets);
  for (std::int64_t t = burst; t < burst + 2 * bucket_ms; t += bucket_ms) buckets.push_back(w.draw(t, 400, 1.0));
  w.append_usual(burst + 2 * bucket_ms, start, &buckets);
  w.append_burst(start, start + 30 * 60 * 1000, 6, 0.8, &buckets);
  w.append_usual(start + 30 * 60 * 1000, start + day_ms, &buckets);

  auto out = run_settled(buckets);
  SCOPED_TRACE(describe(out));
  const alert_transition* opened = find(out, alert_kind::negative_spike, alert_change::opened);
  ASSERT_NE(opened, nullptr);
  EXPECT_GE(opened->detected_at_ms, start);
  EXPECT_GE(opened->started_at_ms, start - 2 * bucket_ms);
  EXPECT_LE(opened->started_at_ms, start);
}

TEST(crisis, product_launch_is_a_volume_spike_only) {
  watch_stream w(1500, 12);
  std::vector<crisis_bucket> buckets;
  const std::int64_t start = monday_ms + 9 * day_ms + 9 * hour_ms;
  const std::int64_t end = start + 3 * hour_ms;
  w.append_usual(monday_ms, start, &buckets);
  // Eight times the volume; the extra mentions are as negative as usual (a flat share).
  w.append_burst(start, end, 8, 0.15, &buckets);
  w.append_usual(end, end + day_ms, &buckets);

  auto out = run_settled(buckets);
  EXPECT_EQ(count(out, alert_kind::volume_spike, alert_change::opened), 1) << describe(out);
  EXPECT_EQ(count(out, alert_kind::volume_spike, alert_change::resolved), 1) << describe(out);
  EXPECT_EQ(count(out, alert_kind::negative_spike, alert_change::opened), 0) << describe(out);
  EXPECT_EQ(count(out, alert_kind::sentiment_shift, alert_change::opened), 0) << describe(out);
}

TEST(crisis, negative_share_rise_at_constant_volume_is_a_sentiment_shift) {
  watch_stream w(3000, 13);
  std::vector<crisis_bucket> buckets;
  const std::int64_t start = monday_ms + 10 * day_ms + 12 * hour_ms;
  const std::int64_t end = start + 6 * hour_ms;
  w.append_usual(monday_ms, start, &buckets);
  w.append_burst(start, end, 1, 0.45, &buckets);
  w.append_usual(end, end + day_ms, &buckets);

  auto out = run_settled(buckets);
  const alert_transition* opened = find(out, alert_kind::sentiment_shift, alert_change::opened);
  ASSERT_NE(opened, nullptr) << describe(out);
  EXPECT_LE(opened->detected_at_ms, start + hour_ms);
  EXPECT_NEAR(opened->observed, 0.45, 0.1);  // negative share of the window
  EXPECT_NEAR(opened->expected, 0.15, 0.03);
  EXPECT_EQ(count(out, alert_kind::sentiment_shift, alert_change::opened), 1) << describe(out);
  EXPECT_EQ(count(out, alert_kind::volume_spike, alert_change::opened), 0) << describe(out);
}

TEST(crisis, a_tiny_brand_going_from_3_to_9_mentions_a_day_is_not_in_crisis) {
  watch_stream w(3, 14);
  std::vector<crisis_bucket> buckets;
  const std::int64_t start = monday_ms + 14 * day_ms;
  w.append_usual(monday_ms, start, &buckets);
  w.append_burst(start, start + 7 * day_ms, 3, 0.5, &buckets);  // three times the volume, half negative
  crisis_detector d;
  const auto out = run(d, buckets);
  EXPECT_TRUE(out.empty()) << describe(out);
}

TEST(crisis, a_crisis_that_begins_during_warm_up_opens_when_warm_up_ends) {
  watch_stream w(2000, 15);
  std::vector<crisis_bucket> buckets;
  const std::int64_t start = monday_ms + 20 * hour_ms;  // the detector starts at monday_ms
  w.append_usual(monday_ms, start, &buckets);
  w.append_burst(start, start + 10 * hour_ms, 10, 0.15, &buckets);
  crisis_detector d;
  const auto out = run(d, buckets);
  const alert_transition* opened = find(out, alert_kind::volume_spike, alert_change::opened);
  ASSERT_NE(opened, nullptr) << describe(out);
  EXPECT_EQ(opened->detected_at_ms, monday_ms + day_ms + bucket_ms);  // first bucket after warm-up
  // started_at is the CUSUM's change point: blurred by a baseline that has not yet seen an
  // evening, but the crisis's, not the day's.
  EXPECT_LE(opened->started_at_ms, start);
  EXPECT_GE(opened->started_at_ms, start - 2 * hour_ms);
}

// A sparse watch (many empty buckets) with a burst, so that alerts open and resolve over
// stretches of empty buckets.
std::vector<crisis_bucket> sparse_stream_with_a_burst() {
  watch_stream w(20, 16);
  std::vector<crisis_bucket> buckets;
  const std::int64_t start = monday_ms + 5 * day_ms + 10 * hour_ms;
  w.append_usual(monday_ms, start, &buckets);
  for (std::int64_t t = start; t < start + 30 * 60 * 1000; t += bucket_ms)
    buckets.push_back(w.draw(t, 6, 0.7));
  w.append_usual(start + 30 * 60 * 1000, start + 3 * day_ms, &buckets);
  return buckets;
}

TEST(crisis, skipping_empty_buckets_is_the_same_as_passing_them) {
  const auto buckets = sparse_stream_with_a_burst();
  crisis_detector explicit_empty, skipped;
  std::vector<alert_transition> a, b;
  int compared = 0;
  for (const auto& bucket : buckets) {
    explicit_empty.close_bucket(bucket, &a);
    if (bucket.volume == 0) continue;
    skipped.close_bucket(bucket, &b);
    ASSERT_EQ(snapshot(explicit_empty), snapshot(skipped)) << "after the bucket at " << bucket.start_ms;
    ++compared;
  }
  EXPECT_GT(compared, 50);
  ASSERT_GE(count(a, alert_kind::volume_spike, alert_change::opened), 1) << "the stream must exercise alerts";
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].kind, b[i].kind);
    EXPECT_EQ(a[i].change, b[i].change);
    EXPECT_EQ(a[i].severity, b[i].severity);
    EXPECT_EQ(a[i].started_at_ms, b[i].started_at_ms);
    EXPECT_EQ(a[i].detected_at_ms, b[i].detected_at_ms);
    EXPECT_EQ(a[i].at_ms, b[i].at_ms);
    EXPECT_EQ(a[i].observed, b[i].observed);
    EXPECT_EQ(a[i].expected, b[i].expected);
    EXPECT_EQ(a[i].score, b[i].score);
  }
}

TEST(crisis, save_and_load_continue_identically) {
  const auto buckets = sparse_stream_with_a_burst();
  crisis_detector original;
  std::vector<alert_transition> a, b;
  std::size_t i = 0;
  // Stop in the middle of the burst, with an alert open.
  for (; i < buckets.size() && !original.has_open_alert(); ++i) original.close_bucket(buckets[i], &a);
  ASSERT_TRUE(original.has_open_alert());
  auto restored = crisis_detector::load(snapshot(original), {});
  ASSERT_TRUE(restored.ok()) << restored.status().message();
  EXPECT_EQ(snapshot(*restored), snapshot(original));
  EXPECT_TRUE(restored->has_open_alert());
  EXPECT_EQ(restored->last_bucket_ms(), original.last_bucket_ms());
  a.clear();
  for (; i < buckets.size(); ++i) {
    original.close_bucket(buckets[i], &a);
    restored->close_bucket(buckets[i], &b);
  }
  EXPECT_EQ(a.size(), b.size());
  EXPECT_GE(count(b, alert_kind::volume_spike, alert_change::resolved), 1);
  EXPECT_EQ(snapshot(*restored), snapshot(original));
}

TEST(crisis, load_rejects_bad_bytes) {
  const auto buckets = sparse_stream_with_a_burst();
  crisis_detector d;
  run(d, buckets);
  const std::string good = snapshot(d);
  ASSERT_TRUE(crisis_detector::load(good, {}).ok());

  EXPECT_FALSE(crisis_detector::load("", {}).ok());
  EXPECT_FALSE(crisis_detector::load("VCRS", {}).ok());
  EXPECT_FALSE(crisis_detector::load(std::string(good.size(), '\0'), {}).ok());
  for (std::size_t n = 0; n < good.size(); ++n)
    EXPECT_FALSE(crisis_detector::load(std::string_view(good).substr(0, n), {}).ok()) << "truncated to " << n;
  EXPECT_FALSE(crisis_detector::load(good + "x", {}).ok());
  std::mt19937 rng(3);
  for (int i = 0; i < 2000; ++i) {
    std::string bad = good;
    bad[rng() % bad.size()] ^= char(1 + rng() % 255);
    EXPECT_FALSE(crisis_detector::load(bad, {}).ok());
  }
  std::string garbage(good.size(), ' ');
  for (char& c : garbage) c = char(rng());
  EXPECT_FALSE(crisis_detector::load(garbage, {}).ok());

  std::string other_version = good;
  other_version[4] = 9;
  EXPECT_EQ(crisis_detector::load(other_version, {}).status().code(), status_code::corruption);
  crisis_options one_minute;
  one_minute.bucket_ms = 60 * 1000;
  EXPECT_EQ(crisis_detector::load(good, one_minute).status().code(), status_code::invalid_argument);
}

TEST(crisis, a_gap_of_ten_years_is_fast_and_the_same_as_ten_years_of_empty_buckets) {
  const auto buckets = sparse_stream_with_a_burst();
  crisis_detector skipped;
  std::vector<alert_transition> out;
  // Leave the stream in its burst, an alert open, then nothing for ten years.
  std::size_t i = 0;
  for (; !skipped.has_open_alert(); ++i) skipped.close_bucket(buckets[i], &out);
  crisis_detector explicit_empty = skipped;
  const std::int64_t later = skipped.last_bucket_ms() + 3653 * day_ms;
  const crisis_bucket next = {.start_ms = later, .volume = 2, .negative = 1};

  std::vector<alert_transition> skipped_gap, explicit_gap;
  const auto t0 = std::chrono::steady_clock::now();
  skipped.close_bucket(next, &skipped_gap);
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 200);
  EXPECT_FALSE(skipped.has_open_alert());
  ASSERT_FALSE(skipped_gap.empty());
  EXPECT_EQ(skipped_gap.back().change, alert_change::resolved);  // the open alert resolved in the gap
  EXPECT_EQ(skipped.last_bucket_ms(), later);

  for (std::int64_t t = explicit_empty.last_bucket_ms() + bucket_ms; t < later; t += bucket_ms)
    explicit_empty.close_bucket({.start_ms = t}, &explicit_gap);
  explicit_empty.close_bucket(next, &explicit_gap);
  EXPECT_EQ(snapshot(explicit_empty), snapshot(skipped));
  ASSERT_EQ(explicit_gap.size(), skipped_gap.size());
  for (std::size_t k = 0; k < skipped_gap.size(); ++k) {
    EXPECT_EQ(explicit_gap[k].kind, skipped_gap[k].kind);
    EXPECT_EQ(explicit_gap[k].change, skipped_gap[k].change);
    EXPECT_EQ(explicit_gap[k].at_ms, skipped_gap[k].at_ms);
  }
}

TEST(crisis, memory_does_not_grow_with_history) {
  watch_stream w(1000, 17);
  crisis_detector d;
  const std::size_t fresh = d.memory_bytes();
  const std::size_t fresh_snapshot = snapshot(d).size();
  std::vector<crisis_bucket> buckets;
  w.append_usual(monday_ms, monday_ms + day_ms, &buckets);
  run(d, buckets);
  const std::size_t after_a_day = d.memory_bytes();
  buckets.clear();
  w.append_usual(monday_ms + day_ms, monday_ms + 60 * day_ms, &buckets);
  run(d, buckets);
  EXPECT_EQ(d.memory_bytes(), after_a_day);
  EXPECT_EQ(d.memory_bytes(), fresh);
  EXPECT_LT(d.memory_bytes(), 8192u);
  EXPECT_EQ(snapshot(d).size(), fresh_snapshot);
}

TEST(crisis, out_of_order_buckets_are_ignored) {
  crisis_detector d;
  std::vector<alert_transition> out;
  d.close_bucket({.start_ms = monday_ms + bucket_ms, .volume = 3}, &out);
  const std::string before = snapshot(d);
  d.close_bucket({.start_ms = monday_ms, .volume = 50}, &out);
  d.close_bucket({.start_ms = monday_ms + bucket_ms, .volume = 50}, &out);
  EXPECT_EQ(snapshot(d), before);
  EXPECT_EQ(d.last_bucket_ms(), monday_ms + bucket_ms);
}

}  // namespace
}  // namespace vigie::pipeline
