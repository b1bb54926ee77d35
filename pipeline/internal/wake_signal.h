// wake_signal: wakes a consumer blocked on an empty lock-free queue (C++20 atomic wait: a
// futex on Linux). The consumer observes, tries the queue, and waits only if the value it
// observed is still current, so a notify between the try and the wait is never lost.
//
//   std::uint32_t seen = ready.observe();
//   if (!queue.pop(item)) ready.wait(seen);
//
// Thread safety: all members from any thread.

#pragma once

#include <atomic>
#include <cstdint>

namespace vigie::pipeline::internal {

class wake_signal {
 public:
  std::uint32_t observe() const noexcept { return seq_.load(std::memory_order_acquire); }
  void wait(std::uint32_t observed) const noexcept { seq_.wait(observed, std::memory_order_acquire); }
  void notify_one() noexcept {
    seq_.fetch_add(1, std::memory_order_release);
    seq_.notify_one();
  }
  void notify_all() noexcept {
    seq_.fetch_add(1, std::memory_order_release);
    seq_.notify_all();
  }

 private:
  std::atomic<std::uint32_t> seq_{0};
};

}  // namespace vigie::pipeline::internal
