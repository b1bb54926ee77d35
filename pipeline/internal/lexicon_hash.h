// lexicon_hash: the hash of folded terms, shared by the lexicon table and its tests.
//
//   std::uint64_t h = vigie::pipeline::internal::hash_term("genial");
//
// Thread safety: pure function.

#pragma once

#include <cstdint>
#include <string_view>

namespace vigie::pipeline::internal {

// FNV-1a: terms are a few bytes long, where it is as fast as anything and has no set-up cost.
inline std::uint64_t hash_term(std::string_view s) noexcept {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace vigie::pipeline::internal
