// auth: maps a bearer key to its tenant. Keys are held only as SHA-256 digests and compared
// in constant time, so neither memory dumps nor timing reveal them.
//
//   vigie::server::authenticator auth(cfg.keys);
//   auto tenant = auth.tenant_for("Bearer s3cret");   // "acme", or nullopt
//
// Thread safety: immutable after construction; tenant_for may be called from any thread.

#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/config.h"

namespace vigie::server {

// Lowercase hex SHA-256 of data.
std::string sha256_hex(std::string_view data);

class authenticator {
 public:
  explicit authenticator(const std::vector<api_key>& keys);

  // The tenant of an Authorization header value ("Bearer <key>"), or nullopt.
  std::optional<std::string_view> tenant_for(std::string_view authorization) const;

  bool empty() const noexcept { return keys_.empty(); }

 private:
  struct entry {
    std::array<unsigned char, 32> digest;
    std::string tenant;
  };
  std::vector<entry> keys_;
};

}  // namespace vigie::server
