#include "server/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace vigie::server {

namespace {

std::array<unsigned char, 32> sha256(std::string_view data) {
  std::array<unsigned char, 32> out{};
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &n, EVP_sha256(), nullptr);
  return out;
}

bool from_hex(std::string_view hex, std::array<unsigned char, 32>* out) {
  if (hex.size() != 64) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < 32; ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return true;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  static constexpr char hex[] = "0123456789abcdef";
  auto d = sha256(data);
  std::string out;
  out.reserve(64);
  for (unsigned char c : d) {
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 0xf]);
  }
  return out;
}

authenticator::authenticator(const std::vector<api_key>& keys) {
  for (const auto& k : keys) {
    entry e;
    if (from_hex(k.sha256, &e.digest)) {
      e.tenant = k.tenant;
      keys_.push_back(std::move(e));
    }
  }
}

std::optional<std::string_view> authenticator::tenant_for(std::string_view authorization) const {
  constexpr std::string_view scheme = "Bearer ";
  if (authorization.size() <= scheme.size()) return std::nullopt;
  // The scheme is case-insensitive (RFC 9110).
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char a = authorization[i], b = scheme[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return std::nullopt;
  }
  auto presented = sha256(authorization.substr(scheme.size()));
  // Compare against every key, without stopping early, so the time taken says nothing about
  // which key (if any) matched.
  const entry* match = nullptr;
  for (const auto& e : keys_) {
    if (CRYPTO_memcmp(e.digest.data(), presented.data(), presented.size()) == 0) match = &e;
  }
  if (!match) return std::nullopt;
  return std::string_view(match->tenant);
}

}  // namespace vigie::server
