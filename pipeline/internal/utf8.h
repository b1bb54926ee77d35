// UTF-8 decoding shared by the tokenizer and the watch matcher's word splitter.

#pragma once

#include <cstdint>
#include <string_view>

namespace vigie::pipeline::internal {

struct code_point {
  char32_t cp;
  std::uint32_t size;  // bytes; 1 for an invalid byte, which decodes as U+FFFD
};

// The code point starting at byte i of s (i < s.size()).
inline code_point decode(std::string_view s, std::size_t i) noexcept {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned c = b(i);
  if (c < 0x80) return {c, 1};
  auto cont = [&](std::size_t k) { return k < s.size() && (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c < 0xE0 && cont(i + 1)) return {char32_t(((c & 0x1F) << 6) | (b(i + 1) & 0x3F)), 2};
  if (c >= 0xE0 && c < 0xF0 && cont(i + 1) && cont(i + 2))
    return {char32_t(((c & 0x0F) << 12) | ((b(i + 1) & 0x3F) << 6) | (b(i + 2) & 0x3F)), 3};
  if (c >= 0xF0 && c < 0xF5 && cont(i + 1) && cont(i + 2) && cont(i + 3))
    return {char32_t(((c & 0x07) << 18) | ((b(i + 1) & 0x3F) << 12) | ((b(i + 2) & 0x3F) << 6) |
                     (b(i + 3) & 0x3F)),
            4};
  return {0xFFFD, 1};
}

}  // namespace vigie::pipeline::internal
