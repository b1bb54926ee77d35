#include "server/metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>

namespace vigie::server {
namespace {

// Doubles whose magnitude is in [fixed_min, fixed_max) print in plain decimal ("0.0001",
// "1000000") rather than with an exponent; outside it the shortest form wins. Below 2^53 every
// integer is exact, so 1e15 keeps integers free of exponent noise.
constexpr double fixed_min = 1e-6;
constexpr double fixed_max = 1e15;
// Longest shortest-round-trip fixed rendering in that range is ~25 chars.
constexpr std::size_t number_buffer = 64;
// /proc/self/stat is one line of ~52 numbers; this is ample.
constexpr std::size_t proc_read_limit = 4096;

void append_double(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  if (v == 0) {  // also turns -0 into 0
    out += '0';
    return;
  }
  char buf[number_buffer];
  const double a = std::fabs(v);
  const auto r = (a >= fixed_min && a < fixed_max)
                     ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                     : std::to_chars(buf, buf + sizeof buf, v);
  assert(r.ec == std::errc());
  out.append(buf, r.ptr);
}

void append_uint(std::string& out, std::uint64_t v) {
  char buf[number_buffer];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_escaped(std::string& out, std::string_view s, bool escape_quote) {
  for (const char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '"':
        if (escape_quote) {
          out += "\\\"";
          break;
        }
        [[fallthrough]];
      default:
        out += c;
    }
  }
}

// {a="x",b="y"} plus an optional le="..." last; nothing at all when there are no labels.
void append_labels(std::string& out, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, const double* le) {
  if (names.empty() && le == nullptr) return;
  out += '{';
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i];
    out += "=\"";
    append_escaped(out, values[i], /*escape_quote=*/true);
    out += '"';
  }
  if (le != nullptr) {
    if (!names.empty()) out += ',';
    out += "le=\"";
    append_double(out, *le);
    out += '"';
  }
  out += '}';
}

bool valid_metric_name(std::string_view s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool valid_label_name(std::string_view s) {
  return valid_metric_name(s) && s.find(':') == std::string_view::npos && !s.starts_with("__");
}

template <class Metric>
constexpr std::string_view type_name() {
  if constexpr (std::is_same_v<Metric, counter>)
    return "counter";
  else if constexpr (std::is_same_v<Metric, gauge>)
    return "gauge";
  else
    return "histogram";
}

// The sample names a family emits, which must not clash with any other family's.
template <class Metric>
std::vector<std::string> sample_names(std::string_view name) {
  std::string n(name);
  if constexpr (std::is_same_v<Metric, histogram>)
    return {n + "_bucket", n + "_sum", n + "_count"};
  else
    return {n};
}

status validate(std::string_view name, std::string_view kind,
                const std::vector<std::string>& label_names, const std::vector<double>& bounds) {
  const std::string quoted = "metric '" + std::string(name) + "'";
  if (!valid_metric_name(name)) {
    return invalid_argument(quoted + ": name must match [a-zA-Z_:][a-zA-Z0-9_:]*");
  }
  if (kind == "counter" && !name.ends_with("_total")) {
    return invalid_argument(quoted + ": counter names must end in _total");
  }
  if (kind != "histogram") {
    for (const std::string_view suffix : {"_bucket", "_sum", "_count"}) {
      if (name.ends_with(suffix)) {
        return invalid_argument(quoted + ": the " + std::string(suffix) +
                                " suffix is reserved for histograms");
      }
    }
  }
  for (std::size_t i = 0; i < label_names.size(); ++i) {
    const std::string& l = label_names[i];
    if (!valid_label_name(l)) {
      return invalid_argument(quoted + ": label name '" + l +
                              "' must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __");
    }
    if (kind == "histogram" && l == "le") {
      return invalid_argument(quoted + ": label 'le' is reserved for histogram buckets");
    }
    if (std::find(label_names.begin(), label_names.begin() + i, l) != label_names.begin() + i) {
      return invalid_argument(quoted + ": duplicate label name '" + l + "'");
    }
  }
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i])) {
      return invalid_argument(quoted + ": bucket bounds must be finite (+Inf is implicit)");
    }
    if (i > 0 && !(bounds[i - 1] < bounds[i])) {
      return invalid_argument(quoted + ": bucket bounds must be strictly increasing");
    }
  }
  return status::ok_status();
}

}  // namespace

// ---- histogram ---------------------------------------------------------------------------

histogram::histogram(const std::vector<double>& bounds)
    : bounds_(bounds), buckets_(new std::atomic<std::uint64_t>[bounds.size() + 1]) {}

void histogram::observe(double v) noexcept {
  // NaN compares false with everything, so lower_bound would put it in the first bucket;
  // Prometheus clients count it in +Inf only.
  const std::size_t i = std::isnan(v)
                            ? bounds_.size()
                            : std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::uint64_t histogram::count() const noexcept {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i)
    n += buckets_[i].load(std::memory_order_relaxed);
  return n;
}

// ---- family ------------------------------------------------------------------------------

template <class Metric>
family<Metric>::family(std::string name, std::string help, std::vector<std::string> label_names,
                       std::vector<double> bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      bounds_(std::move(bounds)),
      detached_(make_metric()) {}

template <class Metric>
std::unique_ptr<Metric> family<Metric>::make_metric() const {
  // The constructors are private (children only come from families), so no make_unique.
  if constexpr (std::is_same_v<Metric, histogram>)
    return std::unique_ptr<Metric>(new Metric(bounds_));
  else
    return std::unique_ptr<Metric>(new Metric());
}

template <class Metric>
Metric& family<Metric>::with(std::initializer_list<std::string_view> label_values) {
  return with_impl(label_values.begin(), label_values.size());
}

template <class Metric>
Metric& family<Metric>::with(const std::vector<std::string>& label_values) {
  std::vector<std::string_view> views(label_values.begin(), label_values.end());
  return with_impl(views.data(), views.size());
}

template <class Metric>
Metric& family<Metric>::with_impl(const std::string_view* values, std::size_t n) {
  assert(n == label_names_.size() && "metrics: wrong number of label values for this family");
  if (n != label_names_.size()) return *detached_;
  std::vector<std::string> key(values, values + n);
  std::lock_guard lock(mu_);
  slot& s = children_[std::move(key)];
  if (s.fn) {
    assert(false && "metrics: with() on a label set that already has a callback");
    return *detached_;
  }
  if (!s.metric) s.metric = make_metric();
  return *s.metric;
}

template <class Metric>
status family<Metric>::with_callback(
    std::initializer_list<std::string_view> label_values,
    std::function<double()> fn) requires(!std::is_same_v<Metric, histogram>) {
  if (label_values.size() != label_names_.size()) {
    return invalid_argument("metric '" + name_ + "': expected " +
                            std::to_string(label_names_.size()) + " label values, got " +
                            std::to_string(label_values.size()));
  }
  if (!fn) return invalid_argument("metric '" + name_ + "': empty callback");
  std::vector<std::string> key(label_values.begin(), label_values.end());
  std::lock_guard lock(mu_);
  auto [it, inserted] = children_.try_emplace(std::move(key));
  if (!inserted) {
    return status(status_code::already_exists,
                  "metric '" + name_ + "': this label set already has a child");
  }
  it->second.fn = std::move(fn);
  return status::ok_status();
}

template <class Metric>
void family<Metric>::render(std::string& out) const {
  std::lock_guard lock(mu_);
  if (children_.empty()) return;
  out += "# HELP ";
  out += name_;
  out += ' ';
  append_escaped(out, help_, /*escape_quote=*/false);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += type_name<Metric>();
  out += '\n';
  for (const auto& [values, s] : children_) {
    if constexpr (std::is_same_v<Metric, histogram>) {
      const histogram& h = *s.metric;
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i <= bounds_.size(); ++i) {
        cumulative += h.buckets_[i].load(std::memory_order_relaxed);
        const double le = i < bounds_.size() ? bounds_[i] : INFINITY;
        out += name_;
        out += "_bucket";
        append_labels(out, label_names_, values, &le);
        out += ' ';
        append_uint(out, cumulative);
        out += '\n';
      }
      out += name_;
      out += "_sum";
      append_labels(out, label_names_, values, nullptr);
      out += ' ';
      append_double(out, h.sum());
      out += '\n';
      out += name_;
      out += "_count";
      append_labels(out, label_names_, values, nullptr);
      out += ' ';
      append_uint(out, cumulative);
      out += '\n';
    } else {
      out += name_;
      append_labels(out, label_names_, values, nullptr);
      out += ' ';
      if (s.fn) {
        append_double(out, s.fn());
      } else if constexpr (std::is_same_v<Metric, counter>) {
        append_uint(out, s.metric->value());  // exact even above 2^53
      } else {
        append_double(out, s.metric->value());
      }
      out += '\n';
    }
  }
}

template class family<counter>;
template class family<gauge>;
template class family<histogram>;

// ---- registry ----------------------------------------------------------------------------

metrics_registry::metrics_registry() = default;
metrics_registry::~metrics_registry() = default;

template <class Metric>
result<family<Metric>*> metrics_registry::add(std::string_view name, std::string_view help,
                                              std::vector<std::string> label_names,
                                              std::vector<double> bounds) {
  if (status s = validate(name, type_name<Metric>(), label_names, bounds); !s.ok()) return s;
  std::vector<std::string> samples = sample_names<Metric>(name);
  std::lock_guard lock(mu_);
  if (taken_names_.contains(name)) {
    return status(status_code::already_exists,
                  "metric '" + std::string(name) + "' already registered");
  }
  for (const std::string& sample : samples) {
    if (taken_names_.contains(sample)) {
      return status(status_code::already_exists, "metric '" + std::string(name) +
                                                     "' would render '" + sample +
                                                     "', which another family renders");
    }
  }
  auto f = std::unique_ptr<family<Metric>>(new family<Metric>(
      std::string(name), std::string(help), std::move(label_names), std::move(bounds)));
  family<Metric>* raw = f.get();
  families_.emplace(std::string(name), std::move(f));
  taken_names_.emplace(name);
  for (std::string& sample : samples) taken_names_.insert(std::move(sample));
  return raw;
}

result<counter_family*> metrics_registry::add_counter(std::string_view name, std::string_view help,
                                                      std::vector<std::string> label_names) {
  return add<counter>(name, help, std::move(label_names), {});
}

result<gauge_family*> metrics_registry::add_gauge(std::string_view name, std::string_view help,
                                                  std::vector<std::string> label_names) {
  return add<gauge>(name, help, std::move(label_names), {});
}

result<histogram_family*> metrics_registry::add_histogram(std::string_view name,
                                                          std::string_view help,
                                                          std::vector<double> bounds,
                                                          std::vector<std::string> label_names) {
  return add<histogram>(name, help, std::move(label_names), std::move(bounds));
}

status metrics_registry::add_callback_gauge(std::string_view name, std::string_view help,
                                            std::function<double()> fn) {
  auto f = add_gauge(name, help);
  if (!f.ok()) return f.status();
  return (*f)->with_callback({}, std::move(fn));
}

status metrics_registry::add_callback_counter(std::string_view name, std::string_view help,
                                              std::function<double()> fn) {
  auto f = add_counter(name, help);
  if (!f.ok()) return f.status();
  return (*f)->with_callback({}, std::move(fn));
}

std::string metrics_registry::render() const {
  std::string out;
  render_to(out);
  return out;
}

void metrics_registry::render_to(std::string& out) const {
  std::lock_guard lock(mu_);
  for (const auto& [name, f] : families_) {
    std::visit([&out](const auto& p) { p->render(out); }, f);
  }
}

std::vector<double> default_latency_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

// ---- process metrics ---------------------------------------------------------------------

namespace {

std::string read_proc_file(const char* path) {
  std::string s;
  std::FILE* f = std::fopen(path, "re");
  if (f == nullptr) return s;
  s.resize(proc_read_limit);
  s.resize(std::fread(s.data(), 1, s.size(), f));
  std::fclose(f);
  return s;
}

// Field `field` (1-based, as numbered in proc(5)) of /proc/self/stat, or NaN. The command name
// (field 2) is in parentheses and may contain spaces, so counting starts after the last ')'.
double self_stat_field(int field) {
  const std::string stat = read_proc_file("/proc/self/stat");
  std::size_t pos = stat.rfind(')');
  if (pos == std::string::npos) return NAN;
  ++pos;
  for (int f = 3;; ++f) {
    while (pos < stat.size() && stat[pos] == ' ') ++pos;
    const std::size_t end = stat.find(' ', pos);
    if (pos >= stat.size()) return NAN;
    if (f == field) {
      double v = 0;
      const auto r = std::from_chars(
          stat.data() + pos, stat.data() + (end == std::string::npos ? stat.size() : end), v);
      return r.ec == std::errc() ? v : NAN;
    }
    if (end == std::string::npos) return NAN;
    pos = end;
  }
}

// proc(5) field numbers in /proc/self/stat.
constexpr int stat_utime = 14;
constexpr int stat_stime = 15;
constexpr int stat_starttime = 22;
constexpr int stat_vsize = 23;
constexpr int stat_rss = 24;

double boot_time_seconds() {
  const std::string s = read_proc_file("/proc/stat");
  const std::size_t pos = s.find("\nbtime ");
  if (pos == std::string::npos) return NAN;
  const char* begin = s.data() + pos + 7;
  double v = 0;
  const auto r = std::from_chars(begin, s.data() + s.size(), v);
  return r.ec == std::errc() ? v : NAN;
}

double open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return NAN;
  const int own_fd = dirfd(dir);  // the directory stream itself is open while we count
  double n = 0;
  while (const dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    int fd = -1;
    std::from_chars(e->d_name, e->d_name + std::char_traits<char>::length(e->d_name), fd);
    if (fd != own_fd) ++n;
  }
  closedir(dir);
  return n;
}

}  // namespace

status add_process_metrics(metrics_registry& registry) {
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  // Start time never changes: compute it once rather than at every scrape.
  const double start = boot_time_seconds() + self_stat_field(stat_starttime) / ticks;

  if (status s = registry.add_callback_counter(
          "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
          [ticks] { return (self_stat_field(stat_utime) + self_stat_field(stat_stime)) / ticks; });
      !s.ok()) {
    return s;
  }
  if (status s = registry.add_callback_gauge("process_resident_memory_bytes",
                                             "Resident memory size in bytes.",
                                             [page] { return self_stat_field(stat_rss) * page; });
      !s.ok()) {
    return s;
  }
  if (status s = registry.add_callback_gauge("process_virtual_memory_bytes",
                                             "Virtual memory size in bytes.",
                                             [] { return self_stat_field(stat_vsize); });
      !s.ok()) {
    return s;
  }
  if (status s = registry.add_callback_gauge("process_open_fds", "Number of open file descriptors.",
                                             open_fds);
      !s.ok()) {
    return s;
  }
  if (status s = registry.add_callback_gauge(
          "process_max_fds", "Maximum number of open file descriptors.",
          [] {
            rlimit lim{};
            if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return static_cast<double>(NAN);
            return lim.rlim_cur == RLIM_INFINITY ? static_cast<double>(INFINITY)
                                                 : static_cast<double>(lim.rlim_cur);
          });
      !s.ok()) {
    return s;
  }
  return registry.add_callback_gauge("process_start_time_seconds",
                                     "Start time of the process since unix epoch in seconds.",
                                     [start] { return start; });
}

}  // namespace vigie::server
