// lexicon_hash: the hash of folded terms, shared by the lexicon table and its tests.
//
//   std::uint64_t h = vigie::pipeline::internal::hash_term("genial");
//
// Thread safety: pure function.

#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace vigie::pipeline::internal {

// Terms are hashed 8 bytes at a time (little-endian words, the last one zero-padded), so that
// the tokenizer, which folds a short word in one 64-bit register, hashes it from that register
// with hash_word() and the lexicon look-up never reads the word again. Most words fit in one
// word: a multiply-xorshift per 8 bytes is cheaper than FNV's multiply per byte.
static_assert(std::endian::native == std::endian::little, "hash_term reads little-endian words");

inline constexpr std::uint64_t hash_seed = 0x243F6A8885A308D3ull;

inline std::uint64_t hash_mix(std::uint64_t h, std::uint64_t word) noexcept {
  h = (h ^ word) * 0x9E3779B97F4A7C15ull;
  return h ^ (h >> 29);
}

inline std::uint64_t hash_final(std::uint64_t h) noexcept {
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 32);
}

// hash_term() of a term of size <= 8 whose bytes are word (little-endian, zero above size).
inline std::uint64_t hash_word(std::uint64_t word, std::size_t size) noexcept {
  return hash_final(hash_mix(hash_seed ^ size, word));
}

inline std::uint64_t hash_term(std::string_view s) noexcept {
  std::uint64_t h = hash_seed ^ s.size();
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = hash_mix(h, w);
  }
  if (i < s.size()) {
    std::uint64_t w = 0;
    for (std::size_t k = 0; i + k < s.size(); ++k)
      w |= static_cast<std::uint64_t>(static_cast<unsigned char>(s[i + k])) << (8 * k);
    h = hash_mix(h, w);
  }
  return hash_final(h);
}

}  // namespace vigie::pipeline::internal
