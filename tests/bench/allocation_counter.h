// allocation_counter: counts every heap allocation of a benchmark binary, so that "no
// allocation per mention" is a measured figure, not a claim. Link allocation_counter.cpp into
// the benchmark (it replaces the global operator new).

#pragma once

namespace vigie::bench {

// Allocations made by the process so far.
long allocations() noexcept;

}  // namespace vigie::bench
