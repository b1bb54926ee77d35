#include "server/stream_hub.h"

#include <algorithm>
#include <unordered_map>

namespace vigie::server {

void stream_hub::subscribe(const std::string& tenant, const std::shared_ptr<stream_subscriber>& s) {
  std::lock_guard lock(mu_);
  const bool mentions = s->wants_mentions();
  by_tenant_[tenant].push_back(entry{s, s.get(), mentions});
  if (mentions) ++mention_listeners_[tenant];
}

void stream_hub::unsubscribe(const std::string& tenant, const stream_subscriber* s) {
  std::lock_guard lock(mu_);
  auto it = by_tenant_.find(tenant);
  if (it == by_tenant_.end()) return;
  auto& subs = it->second;
  auto found = std::find_if(subs.begin(), subs.end(), [&](const entry& e) { return e.address == s; });
  if (found == subs.end()) return;
  if (found->mentions && --mention_listeners_[tenant] <= 0) mention_listeners_.erase(tenant);
  subs.erase(found);
  if (subs.empty()) by_tenant_.erase(it);
}

void stream_hub::close_all() {
  std::vector<std::shared_ptr<stream_subscriber>> all;
  {
    std::lock_guard lock(mu_);
    for (const auto& [tenant, subs] : by_tenant_) {
      for (const auto& e : subs) {
        if (auto p = e.subscriber.lock()) all.push_back(std::move(p));
      }
    }
  }
  for (const auto& s : all) s->going_away();
}

std::size_t stream_hub::size() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [tenant, subs] : by_tenant_) n += subs.size();
  return n;
}

void stream_hub::logged_through(std::string_view tenant, std::uint64_t seq) {
  if (all_) all_->published_through(tenant, seq);
}

bool stream_hub::wants_mentions(std::string_view tenant) const {
  std::lock_guard lock(mu_);
  return mention_listeners_.find(std::string(tenant)) != mention_listeners_.end();
}

void stream_hub::publish(std::vector<pipeline::stream_event>& events) {
  std::vector<shared_event> shared;
  shared.reserve(events.size());
  for (auto& e : events) {
    shared.push_back(std::make_shared<const pipeline::stream_event>(std::move(e)));
  }
  if (all_) {
    std::vector<shared_event> findings;
    for (const auto& e : shared) {
      if (e->type != pipeline::event_type::mention) findings.push_back(e);
    }
    if (!findings.empty()) all_->deliver(findings);
  }
  // A commit mixes tenants: deliver each tenant's events, in order, to its subscribers.
  std::unordered_map<std::string_view, std::vector<shared_event>> by_tenant;
  for (const auto& e : shared) by_tenant[e->tenant].push_back(e);
  std::vector<std::shared_ptr<stream_subscriber>> targets;
  for (const auto& [tenant, mine] : by_tenant) {
    targets.clear();
    {
      std::lock_guard lock(mu_);
      auto it = by_tenant_.find(std::string(tenant));
      if (it == by_tenant_.end()) continue;
      for (const auto& e : it->second) {
        if (auto p = e.subscriber.lock()) targets.push_back(std::move(p));
      }
    }
    for (const auto& t : targets) t->deliver(mine);
  }
  events.clear();
}

}  // namespace vigie::server
