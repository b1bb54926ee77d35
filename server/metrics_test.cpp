#include "server/metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace vigie::server {
namespace {

// The value of the first sample line starting with `prefix` (name plus labels), or NaN.
double sample_value(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix + " ", 0) == 0)
      return std::strtod(line.c_str() + prefix.size() + 1, nullptr);
  }
  return NAN;
}

TEST(metrics, counter_with_labels_renders_sorted_children) {
  metrics_registry registry;
  auto requests = registry.add_counter("vigie_http_requests_total", "HTTP requests served.",
                                       {"method", "route", "code"});
  ASSERT_TRUE(requests.ok()) << requests.status().to_string();
  counter& post_ok = (*requests)->with({"POST", "/v1/mentions", "200"});
  counter& get_ok = (*requests)->with({"GET", "/v1/stream", "200"});
  post_ok.inc();
  post_ok.inc(4);
  get_ok.inc();
  // Looking a child up again returns the same object.
  EXPECT_EQ(&(*requests)->with({"POST", "/v1/mentions", "200"}), &post_ok);
  EXPECT_EQ(&(*requests)->with(std::vector<std::string>{"GET", "/v1/stream", "200"}), &get_ok);
  EXPECT_EQ(post_ok.value(), 5u);

  EXPECT_EQ(registry.render(),
            "# HELP vigie_http_requests_total HTTP requests served.\n"
            "# TYPE vigie_http_requests_total counter\n"
            "vigie_http_requests_total{method=\"GET\",route=\"/v1/stream\",code=\"200\"} 1\n"
            "vigie_http_requests_total{method=\"POST\",route=\"/v1/mentions\",code=\"200\"} 5\n");
}

TEST(metrics, gauges_set_add_sub_and_families_sort_by_name) {
  metrics_registry registry;
  auto b = registry.add_gauge("vigie_b_connections", "Open connections.");
  auto a = registry.add_counter("vigie_a_total", "First by name.");
  auto empty = registry.add_gauge("vigie_c_unused", "Labeled, no child yet.", {"x"});
  ASSERT_TRUE(a.ok() && b.ok() && empty.ok());
  gauge& conns = (*b)->with();
  conns.set(10);
  conns.add(2.5);
  conns.sub(4);
  (*a)->with().inc(3);
  EXPECT_DOUBLE_EQ(conns.value(), 8.5);
  // A family with no children renders nothing, not even HELP/TYPE.
  EXPECT_EQ(registry.render(),
            "# HELP vigie_a_total First by name.\n"
            "# TYPE vigie_a_total counter\n"
            "vigie_a_total 3\n"
            "# HELP vigie_b_connections Open connections.\n"
            "# TYPE vigie_b_connections gauge\n"
            "vigie_b_connections 8.5\n");
}

TEST(metrics, callback_gauges_are_evaluated_at_render_time) {
  metrics_registry registry;
  double depth = 3;
  std::size_t ingest = 7;
  std::size_t broadcast = 0;
  ASSERT_TRUE(
      registry.add_callback_gauge("vigie_queue_depth", "Items waiting.", [&] { return depth; })
          .ok());
  auto per_queue = registry.add_gauge("vigie_queue_items", "Items per queue.", {"queue"});
  ASSERT_TRUE(per_queue.ok());
  ASSERT_TRUE((*per_queue)->with_callback({"ingest"}, [&] { return double(ingest); }).ok());
  ASSERT_TRUE((*per_queue)->with_callback({"broadcast"}, [&] { return double(broadcast); }).ok());

  const std::string expected_head =
      "# HELP vigie_queue_depth Items waiting.\n"
      "# TYPE vigie_queue_depth gauge\n";
  EXPECT_EQ(registry.render(), expected_head +
                                   "vigie_queue_depth 3\n"
                                   "# HELP vigie_queue_items Items per queue.\n"
                                   "# TYPE vigie_queue_items gauge\n"
                                   "vigie_queue_items{queue=\"broadcast\"} 0\n"
                                   "vigie_queue_items{queue=\"ingest\"} 7\n");
  depth = 0.5;
  ingest = 12;
  EXPECT_EQ(registry.render(), expected_head +
                                   "vigie_queue_depth 0.5\n"
                                   "# HELP vigie_queue_items Items per queue.\n"
                                   "# TYPE vigie_queue_items gauge\n"
                                   "vigie_queue_items{queue=\"broadcast\"} 0\n"
                                   "vigie_queue_items{queue=\"ingest\"} 12\n");

  // A label set holds one child: a second callback, or the wrong arity, is refused.
  EXPECT_EQ((*per_queue)->with_callback({"ingest"}, [] { return 1.0; }).code(),
            status_code::already_exists);
  EXPECT_EQ((*per_queue)->with_callback({}, [] { return 1.0; }).code(),
            status_code::invalid_argument);
  EXPECT_EQ(registry.add_callback_gauge("vigie_queue_depth", "again", [] { return 1.0; }).code(),
            status_code::already_exists);
}

TEST(metrics, callback_counter_renders_as_counter) {
  metrics_registry registry;
  ASSERT_TRUE(registry
                  .add_callback_counter("vigie_rocksdb_bytes_written_total", "Bytes written.",
                                        [] { return 123456789.0; })
                  .ok());
  EXPECT_EQ(registry.render(),
            "# HELP vigie_rocksdb_bytes_written_total Bytes written.\n"
            "# TYPE vigie_rocksdb_bytes_written_total counter\n"
            "vigie_rocksdb_bytes_written_total 123456789\n");
}

TEST(metrics, histogram_buckets_are_cumulative_with_sum_and_count) {
  metrics_registry registry;
  auto latency = registry.add_histogram("vigie_request_duration_seconds", "Request latency.",
                                        {0.25, 0.5, 1}, {"route"});
  ASSERT_TRUE(latency.ok()) << latency.status().to_string();
  histogram& h = (*latency)->with({"/v1/mentions"});
  h.observe(0.125);
  h.observe(0.25);  // on a bound: counted in that bucket (le is "less or equal")
  h.observe(0.375);
  h.observe(2);  // above every bound: +Inf only
  EXPECT_EQ(h.count(), 4u);
  EXPECT_DOUBLE_EQ(h.sum(), 2.75);
  EXPECT_EQ(registry.render(),
            "# HELP vigie_request_duration_seconds Request latency.\n"
            "# TYPE vigie_request_duration_seconds histogram\n"
            "vigie_request_duration_seconds_bucket{route=\"/v1/mentions\",le=\"0.25\"} 2\n"
            "vigie_request_duration_seconds_bucket{route=\"/v1/mentions\",le=\"0.5\"} 3\n"
            "vigie_request_duration_seconds_bucket{route=\"/v1/mentions\",le=\"1\"} 3\n"
            "vigie_request_duration_seconds_bucket{route=\"/v1/mentions\",le=\"+Inf\"} 4\n"
            "vigie_request_duration_seconds_sum{route=\"/v1/mentions\"} 2.75\n"
            "vigie_request_duration_seconds_count{route=\"/v1/mentions\"} 4\n");
}

TEST(metrics, unlabeled_histogram_with_default_buckets) {
  metrics_registry registry;
  auto f = registry.add_histogram("vigie_store_write_seconds", "Store write latency.",
                                  default_latency_buckets());
  ASSERT_TRUE(f.ok());
  histogram& h = (*f)->with();
  h.observe(0.0003);
  h.observe(NAN);  // counted in +Inf only, like the Go client; the sum becomes NaN
  const std::string text = registry.render();
  EXPECT_NE(text.find("vigie_store_write_seconds_bucket{le=\"0.0001\"} 0\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("vigie_store_write_seconds_bucket{le=\"0.00025\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("vigie_store_write_seconds_bucket{le=\"0.0005\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("vigie_store_write_seconds_bucket{le=\"10\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("vigie_store_write_seconds_bucket{le=\"+Inf\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("vigie_store_write_seconds_sum NaN\n"), std::string::npos);
  EXPECT_NE(text.find("vigie_store_write_seconds_count 2\n"), std::string::npos);

  const std::vector<double> b = default_latency_buckets();
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(b.front(), 0.0001);
  EXPECT_EQ(b.back(), 10);
  EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
}

TEST(metrics, escapes_label_values_and_help) {
  metrics_registry registry;
  auto f = registry.add_counter("vigie_escape_total",
                                "Help with \\ backslash,\nnewline and \"quotes\".", {"v"});
  ASSERT_TRUE(f.ok());
  (*f)->with({"a\\b\"c\nd"}).inc();
  // Help escapes backslash and newline only; label values also escape the double quote.
  EXPECT_EQ(registry.render(),
            "# HELP vigie_escape_total Help with \\\\ backslash,\\nnewline and \"quotes\".\n"
            "# TYPE vigie_escape_total counter\n"
            "vigie_escape_total{v=\"a\\\\b\\\"c\\nd\"} 1\n");
}

TEST(metrics, formats_floats_the_way_prometheus_parses_them) {
  metrics_registry registry;
  auto f = registry.add_gauge("vigie_values", "Assorted values.", {"k"});
  ASSERT_TRUE(f.ok());
  (*f)->with({"a"}).set(INFINITY);
  (*f)->with({"b"}).set(-INFINITY);
  (*f)->with({"c"}).set(NAN);
  (*f)->with({"d"}).set(1e6);
  (*f)->with({"e"}).set(0.0001);
  (*f)->with({"f"}).set(1e-9);
  (*f)->with({"g"}).set(1e20);
  (*f)->with({"h"}).set(-0.0);
  (*f)->with({"i"}).set(-42.125);
  (*f)->with({"j"}).set(9007199254740993.0);  // above 2^53: shortest exact form
  (*f)->with({"k"}).set(0.1);
  EXPECT_EQ(registry.render(),
            "# HELP vigie_values Assorted values.\n"
            "# TYPE vigie_values gauge\n"
            "vigie_values{k=\"a\"} +Inf\n"
            "vigie_values{k=\"b\"} -Inf\n"
            "vigie_values{k=\"c\"} NaN\n"
            "vigie_values{k=\"d\"} 1000000\n"
            "vigie_values{k=\"e\"} 0.0001\n"
            "vigie_values{k=\"f\"} 1e-09\n"
            "vigie_values{k=\"g\"} 1e+20\n"
            "vigie_values{k=\"h\"} 0\n"
            "vigie_values{k=\"i\"} -42.125\n"
            "vigie_values{k=\"j\"} 9007199254740992\n"
            "vigie_values{k=\"k\"} 0.1\n");
}

TEST(metrics, counters_are_exact_above_2_pow_53) {
  metrics_registry registry;
  auto f = registry.add_counter("vigie_bytes_total", "Bytes.");
  ASSERT_TRUE(f.ok());
  (*f)->with().inc((std::uint64_t{1} << 53) + 1);
  EXPECT_EQ(registry.render(),
            "# HELP vigie_bytes_total Bytes.\n"
            "# TYPE vigie_bytes_total counter\n"
            "vigie_bytes_total 9007199254740993\n");
}

TEST(metrics, registration_validates_names) {
  metrics_registry registry;
  auto code_of = [](const auto& r) { return r.status().code(); };
  EXPECT_EQ(code_of(registry.add_gauge("", "h")), status_code::invalid_argument);
  EXPECT_EQ(code_of(registry.add_gauge("9lives", "h")), status_code::invalid_argument);
  EXPECT_EQ(code_of(registry.add_gauge("has-dash", "h")), status_code::invalid_argument);
  EXPECT_EQ(code_of(registry.add_gauge("vigie_errors_count", "h")), status_code::invalid_argument);
  EXPECT_EQ(code_of(registry.add_counter("vigie_requests", "h")), status_code::invalid_argument);
  EXPECT_EQ(code_of(registry.add_gauge("g", "h", {"__reserved"})), status_code::invalid_argument);
  EXPECT_EQ(code_of(registry.add_gauge("g", "h", {"a:b"})), status_code::invalid_argument);
  EXPECT_EQ(code_of(registry.add_gauge("g", "h", {"1a"})), status_code::invalid_argument);
  EXPECT_EQ(code_of(registry.add_gauge("g", "h", {"a", "a"})), status_code::invalid_argument);
  EXPECT_EQ(code_of(registry.add_histogram("h", "h", {1}, {"le"})), status_code::invalid_argument);
  EXPECT_EQ(code_of(registry.add_histogram("h", "h", {1, 1})), status_code::invalid_argument);
  EXPECT_EQ(code_of(registry.add_histogram("h", "h", {2, 1})), status_code::invalid_argument);
  EXPECT_EQ(code_of(registry.add_histogram("h", "h", {1, INFINITY})),
            status_code::invalid_argument);
  EXPECT_EQ(code_of(registry.add_histogram("h", "h", {NAN})), status_code::invalid_argument);
  auto bad = registry.add_counter("vigie_requests", "h");
  EXPECT_EQ(bad.status().message(), "metric 'vigie_requests': counter names must end in _total");

  // Names with colons are valid metric names (recording-rule style); le is fine outside histograms.
  EXPECT_TRUE(registry.add_gauge("vigie:ratio", "h", {"le"}).ok());
  EXPECT_TRUE(registry.add_histogram("vigie_h", "h", {}).ok());  // only +Inf

  // Clashes, by family name or by rendered sample name.
  EXPECT_EQ(code_of(registry.add_gauge("vigie:ratio", "h")), status_code::already_exists);
  EXPECT_EQ(code_of(registry.add_histogram("vigie_h", "h", {1})), status_code::already_exists);
  ASSERT_TRUE(registry.add_gauge("vigie_x", "h").ok());
  EXPECT_EQ(code_of(registry.add_histogram("vigie_x", "h", {1})), status_code::already_exists);
  ASSERT_TRUE(registry.add_histogram("vigie_lat", "h", {1}).ok());
  // vigie_lat already renders a vigie_lat_count series.
  EXPECT_EQ(code_of(registry.add_histogram("vigie_lat_count", "h", {1})),
            status_code::already_exists);
}

TEST(metrics, histogram_sample_names_cannot_clash) {
  metrics_registry registry;
  // A histogram named like another histogram's _count series would render that name twice.
  ASSERT_TRUE(registry.add_histogram("vigie_a_count", "h", {1}).ok());
  EXPECT_EQ(registry.add_histogram("vigie_a", "h", {1}).status().code(),
            status_code::already_exists);
}

TEST(metrics, wrong_label_count_is_a_programming_error) {
  metrics_registry registry;
  auto f = registry.add_counter("vigie_errors_total", "h", {"kind"});
  ASSERT_TRUE(f.ok());
  // Debug builds abort; release builds hand back a detached child that is never rendered.
  EXPECT_DEBUG_DEATH((*f)->with({"a", "b"}).inc(), "wrong number of label values");
  EXPECT_EQ(registry.render(), "");
}

TEST(metrics, concurrent_increments_sum_exactly) {
  constexpr int threads = 4;
  constexpr int per_thread = 100000;
  metrics_registry registry;
  auto c = registry.add_counter("vigie_events_total", "h", {"worker"});
  auto g = registry.add_gauge("vigie_inflight", "h");
  auto h = registry.add_histogram("vigie_latency_seconds", "h", {0.5});
  ASSERT_TRUE(c.ok() && g.ok() && h.ok());
  counter& shared = (*c)->with({"shared"});
  gauge& inflight = (*g)->with();
  histogram& latency = (*h)->with();

  std::vector<std::string> workers;
  for (int t = 0; t < threads; ++t) workers.push_back(std::to_string(t));

  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      // Each thread also creates its own child concurrently with the others.
      counter& mine = (*c)->with({workers[t]});
      for (int i = 0; i < per_thread; ++i) {
        shared.inc();
        mine.inc();
        inflight.add(1);
        latency.observe(i % 2 == 0 ? 0.25 : 1.0);
      }
    });
  }
  // Scrape while they run: rendering must not block or corrupt the counts.
  std::thread scraper([&] {
    for (int i = 0; i < 20; ++i) (void)registry.render();
  });
  for (auto& t : pool) t.join();
  scraper.join();

  const std::string text = registry.render();
  EXPECT_EQ(shared.value(), std::uint64_t{threads} * per_thread);
  EXPECT_EQ(sample_value(text, "vigie_events_total{worker=\"shared\"}"), threads * per_thread);
  for (int t = 0; t < threads; ++t) {
    EXPECT_EQ(sample_value(text, "vigie_events_total{worker=\"" + workers[t] + "\"}"), per_thread);
  }
  EXPECT_EQ(sample_value(text, "vigie_inflight"), threads * per_thread);
  EXPECT_EQ(sample_value(text, "vigie_latency_seconds_bucket{le=\"0.5\"}"),
            threads * per_thread / 2);
  EXPECT_EQ(sample_value(text, "vigie_latency_seconds_count"), threads * per_thread);
  EXPECT_EQ(sample_value(text, "vigie_latency_seconds_sum"), threads * per_thread / 2 * 1.25);
}

TEST(metrics, process_metrics_read_proc) {
  metrics_registry registry;
  ASSERT_TRUE(add_process_metrics(registry).ok());
  EXPECT_EQ(add_process_metrics(registry).code(), status_code::already_exists);
  const std::string text = registry.render();
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE process_open_fds gauge\n"), std::string::npos);

  const double cpu = sample_value(text, "process_cpu_seconds_total");
  EXPECT_GE(cpu, 0);
  EXPECT_LT(cpu, 3600);
  EXPECT_GT(sample_value(text, "process_resident_memory_bytes"), 1 << 20);
  EXPECT_GT(sample_value(text, "process_virtual_memory_bytes"), 1 << 20);
  EXPECT_GE(sample_value(text, "process_open_fds"), 3);  // stdin, stdout, stderr
  EXPECT_GT(sample_value(text, "process_max_fds"), 0);
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const double start = sample_value(text, "process_start_time_seconds");
  EXPECT_LE(start, now + 1);
  EXPECT_GT(start, now - 3600);  // this test binary started within the hour
}

}  // namespace
}  // namespace vigie::server
