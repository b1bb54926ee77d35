#include "pipeline/watch_registry.h"

#include <atomic>
#include <chrono>
#include <future>

#include "storage/store.h"

namespace vigie::pipeline {

namespace {

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

result<watch_definition> compile(const std::string& tenant, const watch& w, query_error* error) {
  auto q = parse_query(w.query, error);
  if (!q.ok()) return invalid_argument("field 'query': " + q.status().message());
  watch_definition d;
  d.tenant = tenant;
  d.id = w.id;
  d.q = std::move(q).value();
  d.languages = w.languages;
  d.sources = w.sources;
  // Compile it alone first: a watch the matcher cannot take is refused here, before it is
  // stored, instead of breaking every later rebuild.
  auto alone = watch_matcher::build(std::span<const watch_definition>(&d, 1));
  if (!alone.ok()) return invalid_argument("field 'query': " + alone.status().message());
  return d;
}

result<std::shared_ptr<const watch_matcher>> build(const std::map<std::pair<std::string, std::string>, watch_definition>& defs) {
  std::vector<watch_definition> all;
  all.reserve(defs.size());
  for (const auto& [k, d] : defs) all.push_back(d);
  return watch_matcher::build(all);
}

}  // namespace

watch_registry::watch_registry(storage::store& db) : db_(db) {}

watch_registry::~watch_registry() { stop(); }

status watch_registry::start() {
  std::unique_lock lock(mu_);
  status inner;
  status s = db_.scan_watches("", [&](std::string_view tenant, std::string_view id, std::string_view json) {
    auto w = parse_watch_json(json, id);
    if (!w.ok()) {
      inner = corruption("stored watch " + std::string(tenant) + "/" + std::string(id) + ": " +
                         w.status().message());
      return false;
    }
    auto d = compile(std::string(tenant), *w, nullptr);
    if (!d.ok()) {
      inner = corruption("stored watch " + std::string(tenant) + "/" + std::string(id) + ": " +
                         d.status().message());
      return false;
    }
    definitions_.emplace(key{std::string(tenant), std::string(id)}, std::move(d).value());
    return true;
  });
  if (!s.ok()) return s;
  if (!inner.ok()) return inner;
  auto m = build(definitions_);
  if (!m.ok()) return m.status();
  std::atomic_store(&matcher_, *m);
  stopping_ = false;
  thread_ = std::thread([this] { rebuild_loop(); });
  return status::ok_status();
}

void watch_registry::stop() {
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

std::shared_ptr<const watch_matcher> watch_registry::current() const {
  return std::atomic_load(&matcher_);
}

std::size_t watch_registry::size() const {
  std::lock_guard lock(mu_);
  return definitions_.size();
}

bool watch_registry::contains(const std::string& tenant, const std::string& id) const {
  std::lock_guard lock(mu_);
  return definitions_.count(key{tenant, id}) != 0;
}

std::optional<watch_definition> watch_registry::definition(const std::string& tenant,
                                                           const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = definitions_.find(key{tenant, id});
  if (it == definitions_.end()) return std::nullopt;
  return it->second;
}

void watch_registry::rebuild_loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || requested_ > live_; });
    if (stopping_) break;
    const std::uint64_t generation = requested_;
    auto snapshot = definitions_;
    // Compiling can take a while with thousands of watches: do it unlocked, so that puts keep
    // registering (they will be in the next build) and ingest keeps the current matcher.
    lock.unlock();
    auto m = build(snapshot);
    lock.lock();
    status built = m.ok() ? status::ok_status() : m.status();
    if (m.ok()) std::atomic_store(&matcher_, *m);
    live_ = generation;
    std::vector<std::function<void(const status&)>> done;
    std::erase_if(waiters_, [&](auto& w) {
      if (w.first > live_) return false;
      done.push_back(std::move(w.second));
      return true;
    });
    lock.unlock();
    for (auto& fn : done) fn(built);
    lock.lock();
  }
  // Stopping: whoever still waits learns that the change may not be live.
  auto waiting = std::move(waiters_);
  waiters_.clear();
  lock.unlock();
  for (auto& w : waiting) w.second(status(status_code::unavailable, "the server is shutting down"));
}

void watch_registry::publish(std::function<void(const status&)> done) {
  // Called with mu_ held.
  const std::uint64_t generation = ++requested_;
  waiters_.emplace_back(generation, std::move(done));
  changed_.notify_one();
}

void watch_registry::put_async(const std::string& tenant, watch w, put_callback done,
                               query_error* error) {
  auto d = compile(tenant, w, error);
  if (!d.ok()) return done(d.status());
  std::unique_lock lock(mu_);
  if (stopping_ || !thread_.joinable()) {
    lock.unlock();
    return done(status(status_code::unavailable, "the server is shutting down"));
  }
  auto k = key{tenant, w.id};
  auto existing = definitions_.find(k);
  if (existing == definitions_.end()) {
    std::size_t count = 0;
    for (auto it = definitions_.lower_bound(key{tenant, ""});
         it != definitions_.end() && it->first.first == tenant; ++it) {
      ++count;
    }
    if (count >= max_watches_per_tenant) {
      lock.unlock();
      return done(status(status_code::resource_exhausted, "a tenant may keep at most " +
                                                              std::to_string(max_watches_per_tenant) +
                                                              " watches"));
    }
    w.created_at_ms = now_ms();
  } else {
    auto stored = db_.get_watch(tenant, w.id);
    if (stored.ok()) {
      auto old = parse_watch_json(*stored, w.id);
      if (old.ok()) w.created_at_ms = old->created_at_ms;
    }
  }
  w.updated_at_ms = now_ms();
  std::string json;
  append_watch_json(w, &json);
  if (auto s = db_.put_watch(tenant, w.id, json); !s.ok()) {
    lock.unlock();
    return done(s);
  }
  const bool replaced = existing != definitions_.end();
  definitions_[k] = std::move(d).value();
  publish([this, tenant, replaced, done = std::move(done), w = std::move(w)](const status& built) {
    if (built.ok()) {
      if (replaced && listener_) listener_(tenant, w.id, false);
      done(w);
    } else {
      done(built);
    }
  });
}

void watch_registry::on_change(change_listener fn) {
  std::lock_guard lock(mu_);
  listener_ = std::move(fn);
}

void watch_registry::remove_async(const std::string& tenant, const std::string& id,
                                  remove_callback done) {
  std::unique_lock lock(mu_);
  auto it = definitions_.find(key{tenant, id});
  if (it == definitions_.end()) {
    lock.unlock();
    return done(not_found("no watch '" + id + "'"));
  }
  if (stopping_ || !thread_.joinable()) {
    lock.unlock();
    return done(status(status_code::unavailable, "the server is shutting down"));
  }
  // Stop matching first, then delete what was derived: no new hit lands after the delete.
  definitions_.erase(it);
  publish([this, tenant, id, done = std::move(done)](const status& built) {
    if (!built.ok()) return done(built);
    if (listener_) listener_(tenant, id, true);
    done(db_.delete_watch(tenant, id));
  });
}

result<watch> watch_registry::put(const std::string& tenant, watch w, query_error* error) {
  std::promise<result<watch>> result;
  put_async(tenant, std::move(w), [&](vigie::result<watch> r) { result.set_value(std::move(r)); }, error);
  return result.get_future().get();
}

status watch_registry::remove(const std::string& tenant, const std::string& id) {
  std::promise<status> result;
  remove_async(tenant, id, [&](status s) { result.set_value(std::move(s)); });
  return result.get_future().get();
}

}  // namespace vigie::pipeline
