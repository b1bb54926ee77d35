// metrics: a small Prometheus registry (counters, gauges, histograms) rendered in the text
// exposition format, version 0.0.4, for the /metrics endpoint.
//
// A metric family has a name, a help text and a fixed list of label names. Each combination of
// label values is a child, created on first use by with() and kept until the registry dies, so
// callers look it up once and keep the reference: the hot path is then one relaxed atomic add.
// Gauges can also be callbacks, evaluated at scrape time (queue depths, RocksDB properties).
//
//   vigie::server::metrics_registry registry;
//   auto requests = registry.add_counter("vigie_http_requests_total", "HTTP requests served.",
//                                        {"method", "route", "code"});
//   if (!requests.ok()) return requests.status();           // bad name: a bug, report it
//   vigie::server::counter& ok_posts = (*requests)->with({"POST", "/v1/mentions", "200"});
//   ok_posts.inc();                                          // lock-free, from any thread
//   std::string body = registry.render();                    // serve with metrics_content_type
//
// Errors: registration validates names and returns a status (never aborts, never throws), so a
// bad name surfaces at start-up through the usual status path. Passing the wrong number of
// label values to with() is a programming error: it asserts in debug builds; in release builds
// it returns a detached child that is never rendered, so the server keeps running.
//
// Thread safety: registration, with() and render() may be called from any thread (they take a
// mutex). counter, gauge and histogram updates are lock-free and never block a scrape.
// Callbacks run on the rendering thread while the registry is locked: they must be quick, must
// not call back into the registry (that deadlocks), and everything they capture MUST OUTLIVE
// THE REGISTRY (or at least the last render()); otherwise a scrape reads freed memory.

#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "storage/status.h"

namespace vigie::server {

// The Content-Type to serve render()'s output with.
inline constexpr std::string_view metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

// Counters and gauges are allocated one per cache line so that children hammered by different
// threads (one per route, say) do not slow each other down through false sharing.
inline constexpr std::size_t metric_alignment = 64;

template <class Metric>
class family;

// A monotonically increasing count. Obtain one from counter_family::with().
class alignas(metric_alignment) counter {
 public:
  counter(const counter&) = delete;
  counter& operator=(const counter&) = delete;

  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  template <class>
  friend class family;
  counter() = default;

  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down. Obtain one from gauge_family::with().
class alignas(metric_alignment) gauge {
 public:
  gauge(const gauge&) = delete;
  gauge& operator=(const gauge&) = delete;

  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(double d) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
  void sub(double d) noexcept { value_.fetch_sub(d, std::memory_order_relaxed); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  template <class>
  friend class family;
  gauge() = default;

  std::atomic<double> value_{0.0};
};

// Observations counted in buckets with fixed upper bounds (in seconds for latencies), plus
// their sum. Obtain one from histogram_family::with().
class histogram {
 public:
  histogram(const histogram&) = delete;
  histogram& operator=(const histogram&) = delete;

  // Counts v in the first bucket whose bound is >= v (Prometheus "le" semantics); NaN and
  // values above every bound land in +Inf only. Two relaxed atomic adds, no lock.
  void observe(double v) noexcept;

  // Observations so far; equals the +Inf bucket, since both are derived from the buckets.
  std::uint64_t count() const noexcept;
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  template <class>
  friend class family;
  explicit histogram(const std::vector<double>& bounds);

  const std::vector<double>& bounds_;  // owned by the family, which outlives its children
  // Per-bucket (not cumulative) counts, bounds_.size() + 1 of them; the last one is +Inf.
  // Rendering accumulates them, so _count always equals the +Inf bucket; _sum is read
  // separately and may lag by the observations in flight during a scrape.
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<double> sum_{0.0};
};

// The children of one metric name, one per combination of label values.
template <class Metric>
class family {
 public:
  family(const family&) = delete;
  family& operator=(const family&) = delete;

  // Returns the child for these label values (as many as the family has label names, in the
  // same order), creating it on first use. The reference stays valid as long as the registry.
  // Takes the family's mutex: look children up once, not per event.
  Metric& with(std::initializer_list<std::string_view> label_values = {});
  Metric& with(const std::vector<std::string>& label_values);

  // Adds a child whose value is fn(), evaluated at each render (see the header comment for
  // what fn may do). Fails with invalid_argument on a wrong number of values and with
  // already_exists if that child exists, plain or callback.
  [[nodiscard]] status with_callback(
      std::initializer_list<std::string_view> label_values,
      std::function<double()> fn) requires(!std::is_same_v<Metric, histogram>);

  const std::string& name() const noexcept { return name_; }

 private:
  friend class metrics_registry;
  family(std::string name, std::string help, std::vector<std::string> label_names,
         std::vector<double> bounds);

  // A child holds either a metric or a callback.
  struct slot {
    std::unique_ptr<Metric> metric;
    std::function<double()> fn;
  };

  Metric& with_impl(const std::string_view* values, std::size_t n);
  std::unique_ptr<Metric> make_metric() const;
  void render(std::string& out) const;

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;  // histograms only; empty otherwise

  mutable std::mutex mu_;
  std::map<std::vector<std::string>, slot> children_;  // sorted: stable output order
  std::unique_ptr<Metric> detached_;  // returned for wrong label counts; never rendered
};

using counter_family = family<counter>;
using gauge_family = family<gauge>;
using histogram_family = family<histogram>;

extern template class family<counter>;
extern template class family<gauge>;
extern template class family<histogram>;

// Owns every family and renders them, sorted by name. Not copyable or movable: families and
// children point into it.
class metrics_registry {
 public:
  metrics_registry();
  ~metrics_registry();
  metrics_registry(const metrics_registry&) = delete;
  metrics_registry& operator=(const metrics_registry&) = delete;

  // Registration fails with invalid_argument on a malformed name (metric names match
  // [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]* without a leading "__"), a
  // counter name not ending in "_total", a counter or gauge name ending in "_bucket", "_sum"
  // or "_count" (promtool rejects those), a duplicate label name or, for histograms, a "le"
  // label or bounds that are not finite and strictly increasing (+Inf is always added).
  // It fails with already_exists if a family already renders one of the new family's names.
  result<counter_family*> add_counter(std::string_view name, std::string_view help,
                                      std::vector<std::string> label_names = {});
  result<gauge_family*> add_gauge(std::string_view name, std::string_view help,
                                  std::vector<std::string> label_names = {});
  result<histogram_family*> add_histogram(std::string_view name, std::string_view help,
                                          std::vector<double> bounds,
                                          std::vector<std::string> label_names = {});

  // Unlabeled callback metrics: shorthand for add_gauge/add_counter then with_callback({}, fn).
  // A callback counter's fn must never decrease (cumulative CPU time, RocksDB tickers).
  [[nodiscard]] status add_callback_gauge(std::string_view name, std::string_view help,
                                          std::function<double()> fn);
  [[nodiscard]] status add_callback_counter(std::string_view name, std::string_view help,
                                            std::function<double()> fn);

  // The exposition text of every family that has at least one child.
  std::string render() const;
  // Same, appended to out, so a caller can reuse one buffer across scrapes.
  void render_to(std::string& out) const;

 private:
  template <class Metric>
  result<family<Metric>*> add(std::string_view name, std::string_view help,
                              std::vector<std::string> label_names, std::vector<double> bounds);

  using family_ptr = std::variant<std::unique_ptr<counter_family>, std::unique_ptr<gauge_family>,
                                  std::unique_ptr<histogram_family>>;

  mutable std::mutex mu_;
  std::map<std::string, family_ptr, std::less<>> families_;  // by name: render order
  std::set<std::string, std::less<>> taken_names_;  // family and sample names, to catch clashes
};

// Bounds in seconds from 100 us to 10 s (1, 2.5, 5 per decade): HTTP handlers, store writes and
// pipeline stages all fall in that range.
std::vector<double> default_latency_buckets();

// Registers the standard process metrics, read from /proc at each scrape:
// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds and process_start_time_seconds. Linux only. A value that
// cannot be read renders as NaN rather than failing the scrape.
[[nodiscard]] status add_process_metrics(metrics_registry& registry);

}  // namespace vigie::server
