#include "server/auth.h"

#include <gtest/gtest.h>

namespace vigie::server {
namespace {

TEST(auth, sha256_matches_the_standard_vector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(auth, bearer_key_maps_to_its_tenant_only) {
  auto keys = parse_api_keys("acme:key-of-acme-1,globex:key-of-globex");
  ASSERT_TRUE(keys.ok()) << keys.status().to_string();
  authenticator auth(*keys);
  EXPECT_EQ(auth.tenant_for("Bearer key-of-acme-1"), "acme");
  EXPECT_EQ(auth.tenant_for("bearer key-of-globex"), "globex");
  EXPECT_EQ(auth.tenant_for("Bearer key-of-acme-2"), std::nullopt);
  EXPECT_EQ(auth.tenant_for("Bearer "), std::nullopt);
  EXPECT_EQ(auth.tenant_for("Basic key-of-acme-1"), std::nullopt);
  EXPECT_EQ(auth.tenant_for("key-of-acme-1"), std::nullopt);
  EXPECT_EQ(auth.tenant_for(""), std::nullopt);
}

TEST(auth, keys_are_kept_only_as_digests) {
  auto keys = parse_api_keys("acme:key-of-acme-1");
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].sha256, sha256_hex("key-of-acme-1"));
  EXPECT_EQ((*keys)[0].sha256.find("key-of"), std::string::npos);
}

TEST(auth, malformed_key_lists_are_refused_with_the_reason) {
  EXPECT_NE(parse_api_keys("acme").status().message().find("tenant:key"), std::string::npos);
  EXPECT_NE(parse_api_keys("a/b:longenoughkey").status().message().find("invalid tenant"),
            std::string::npos);
  EXPECT_NE(parse_api_keys("acme:short").status().message().find("shorter than 8"),
            std::string::npos);
}

}  // namespace
}  // namespace vigie::server
