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
  EXPECT_NE(load_config(std::filesystem::temp_directory_path().string(), {}, nullptr).status().message().find(
                "is a directory"),
            std::string::npos);
  // A host name would resolve late, after the store is opened: the listen host is an address.
  EXPECT_NE(load("http:\n  listen: \"localhost:8080\"\n").status().message().find("IP address"), std::string::npos);
  EXPECT_TRUE(load_config("", {.listen = "[::1]:8080"}, nullptr).ok());
  EXPECT_TRUE(load_config("", {.listen = "0.0.0.0:0"}, nullptr).ok());
}

TEST_F(config_test, a_key_without_a_value_is_an_error_not_the_text_null_or_the_default) {
  // YAML's null ("path:", "~", "null") read as a string is "null": a data folder named null.
  for (const char* yaml : {"storage:\n  path:\n", "storage:\n  path: ~\n", "storage:\n  path: null\n"}) {
    auto c = load(yaml);
    ASSERT_FALSE(c.ok()) << yaml;
    EXPECT_NE(c.status().message().find("storage.path: has no value"), std::string::npos) << c.status().message();
  }
  auto c = load("api_keys:\n  - tenant: ~\n    key: aaaaaaaaaaaa\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("api_keys[0].tenant: has no value"), std::string::npos) << c.status().message();
  EXPECT_FALSE(load("sentiment:\n  lexicon_dir:\n").ok());
  // An empty listen address is an error, as the --listen flag given empty is, not 127.0.0.1:8080.
  for (const char* yaml : {"http:\n  listen: \"\"\n", "http:\n  listen:\n"}) {
    c = load(yaml);
    ASSERT_FALSE(c.ok()) << yaml;
    EXPECT_NE(c.status().message().find("http.listen"), std::string::npos) << c.status().message();
  }
  EXPECT_NE(load_config("", {.listen = "localhost:8080"}, nullptr).status().message().find("--listen"),
            std::string::npos);
}

TEST_F(config_test, yaml_aliases_are_refused_before_they_are_expanded) {
  // Twelve levels of ten aliases each: 10^12 nodes if the tree were walked.
  std::string yaml = "a0: &a0 [\"x\", \"x\"]\n";
  for (int i = 1; i <= 12; ++i) {
    yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) yaml += (k ? ", *a" : "*a") + std::to_string(i - 1);
    yaml += "]\n";
  }
  auto c = load(yaml);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("line 2, column"), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find("aliases"), std::string::npos) << c.status().message();
  // An anchor alone is harmless YAML: only an alias is refused.
  EXPECT_TRUE(load("http: &h\n  io_threads: 2\n").ok());
}

TEST_F(config_test, a_key_given_twice_in_a_mapping_is_an_error_not_the_first_one_wins) {
  auto c = load("storage:\n  sync_wal: false\nstorage:\n  sync_wal: true\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("storage: given twice (line 3)"), std::string::npos) << c.status().message();
  c = load("http:\n  io_threads: 2\n  io_threads: 3\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("http.io_threads: given twice"), std::string::npos) << c.status().message();
  c = load("api_keys:\n  - {tenant: a, key: aaaaaaaa1, tenant: b}\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("api_keys[0].tenant: given twice"), std::string::npos) << c.status().message();
}

TEST_F(config_test, api_keys_are_long_enough_and_each_names_one_tenant) {
  EXPECT_NE(load("api_keys:\n  - {tenant: a, key: short}\n").status().message().find("api_keys[0].key: must be at least 8"),
            std::string::npos);
  // The same key for two tenants, in either source or across both: whoever holds it would be
  // the last one and read the other's data.
  for (auto [yaml, env] : {std::pair<const char*, const char*>{"", "a:samekey123,b:samekey123"},
                           {"api_keys:\n  - {tenant: a, key: samekey123}\n", "b:samekey123"},
                           {"api_keys:\n  - {tenant: a, key: samekey123}\n  - {tenant: b, key: samekey123}\n", ""}}) {
    auto c = load(yaml, {}, env);
    ASSERT_FALSE(c.ok()) << yaml << " / " << env;
    EXPECT_NE(c.status().message().find("one key is given to two tenants, 'a' and 'b'"), std::string::npos)
        << c.status().message();
  }
  // A digest in capitals is the same key as the plain one.
  auto c = load("api_keys:\n  - {tenant: a, sha256: " + std::string(
                    "8E6A4B3B6D4F4E93BE38F9AE76C0C8DF4E26EF6BFD3F6E8E3A8F45E65F8E1D2A") + "}\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->keys[0].sha256, "8e6a4b3b6d4f4e93be38f9ae76c0c8df4e26ef6bfd3f6e8e3a8f45e65f8e1d2a");
  // The same key twice for one tenant is harmless.
  EXPECT_TRUE(load("api_keys:\n  - {tenant: a, key: samekey123}\n", {}, "a:samekey123").ok());
  // A key no header can carry (HTTP trims the spaces around a value) is refused at start-up.
  for (const char* env : {"a:key1key1key1 ", "a: key1key1key1", "a:key1 key1key1", "a:key1key1\tkey1", "a:cl\xc3\xa9key1key1"}) {
    auto bad = load("", {}, env);
    ASSERT_FALSE(bad.ok()) << env;
    EXPECT_NE(bad.status().message().find("visible ASCII"), std::string::npos) << bad.status().message();
  }
  EXPECT_NE(load("api_keys:\n  - {tenant: a, key: \"key1key1key1 \"}\n").status().message().find("api_keys[0].key: must be visible"),
            std::string::npos);
  // Nor can a tenant be named "." or "..", and the error says so.
  auto dots = load("", {}, "..:key1key1key1");
  ASSERT_FALSE(dots.ok());
  EXPECT_NE(dots.status().message().find("not '.' or '..'"), std::string::npos) << dots.status().message();
}

}  // namespace
}  // namespace vigie::server
