#include "tests/bench/allocation_counter.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<long> allocation_count{0};
}

void* operator new(std::size_t n) {
  allocation_count.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace vigie::bench {

long allocations() noexcept { return allocation_count.load(std::memory_order_relaxed); }

}  // namespace vigie::bench
