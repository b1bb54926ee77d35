#include "server/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace vigie::server {
namespace {

class config_test : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("vigie-config-test-" + std::to_string(std::random_device{}()) + ".yaml");
  }
  void TearDown() override { std::filesystem::remove(path_); }
  result<config> load(std::string_view yaml, config_overrides o = {}, const char* env = nullptr) {
    std::ofstream(path_) << yaml;
    return load_config(path_.string(), o, env);
  }
  std::filesystem::path path_;
};

TEST_F(config_test, defaults_without_a_file) {
  auto c = load_config("", {}, nullptr);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->http.host, "127.0.0.1");
  EXPECT_EQ(c->http.port, 8080);
  EXPECT_EQ(c->storage.path, "./data");
  EXPECT_FALSE(c->storage.sync_wal);
}

TEST_F(config_test, file_then_flags_then_env_keys) {
  auto c = load(R"(
http:
  listen: "0.0.0.0:9000"
  body_limit_bytes: 1048576
storage:
  path: /var/lib/vigie
  sync_wal: true
api_keys:
  - tenant: acme
    key: from-the-file-123
)",
                {.listen = "127.0.0.1:7000"}, "globex:from-the-env-123");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->http.port, 7000);  // the flag wins
  EXPECT_EQ(c->http.body_limit_bytes, 1048576u);
  EXPECT_EQ(c->storage.path, "/var/lib/vigie");
  EXPECT_TRUE(c->storage.sync_wal);
  ASSERT_EQ(c->keys.size(), 2u);
  EXPECT_EQ(c->keys[0].tenant, "acme");
  EXPECT_EQ(c->keys[1].tenant, "globex");
  EXPECT_EQ(describe(*c).find("from-the"), std::string::npos);  // no key material logged
}

TEST_F(config_test, the_example_file_loads_and_holds_the_defaults) {
  // deploy/vigie.example.yaml says its values are the built-in defaults; sections whose keys
  // are all commented out ("sentiment:") are empty, not errors.
  auto example = load_config(VIGIE_EXAMPLE_CONFIG, {}, nullptr);
  ASSERT_TRUE(example.ok()) << example.status().to_string();
  auto defaults = load_config("", {}, nullptr);
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(describe(*example), describe(*defaults));
}

TEST_F(config_test, webhooks_reach_internal_addresses_only_when_allowed) {
  auto defaults = load_config("", {}, nullptr);
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults->webhooks.allow_internal_addresses);
  auto allowed = load("webhooks:\n  allow_internal_addresses: true\n");
  ASSERT_TRUE(allowed.ok()) << allowed.status().to_string();
  EXPECT_TRUE(allowed->webhooks.allow_internal_addresses);
  EXPECT_NE(describe(*allowed).find("\"webhook_allow_internal_addresses\":true"), std::string::npos);
  EXPECT_NE(load("webhooks:\n  allow_internal_addresses: sometimes\n").status().message().find(
                "webhooks.allow_internal_addresses"),
            std::string::npos);
}

TEST_F(config_test, errors_name_the_setting) {
  EXPECT_NE(load("http:\n  lisen: x\n").status().message().find("http.lisen: unknown setting"),
            std::string::npos);
  EXPECT_NE(load("http:\n  io_threads: 0\n").status().message().find("http.io_threads: out of range"),
            std::string::npos);
  EXPECT_NE(load("storage:\n  sync_wal: maybe\n").status().message().find("storage.sync_wal"),
            std::string::npos);
  EXPECT_NE(load("storage:\n  compression: brotli\n").status().message().find("storage.compression"),
            std::string::npos);
  EXPECT_NE(load("http: [1, 2\n").status().message().find("line"), std::string::npos);
  EXPECT_NE(load("api_keys:\n  - tenant: acme\n").status().message().find("exactly one"),
            std::string::npos);
  EXPECT_FALSE(load_config("", {.listen = "localhost"}, nullptr).ok());
  EXPECT_FALSE(load_config("", {.listen = "127.0.0.1:99999"}, nullptr).ok());
  EXPECT_NE(load_config("no-such-file.yaml", {}, nullptr).status().message().find("cannot read"),
            std::string::npos);
}

}  // namespace
}  // namespace vigie::server
