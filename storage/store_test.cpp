#include "storage/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

namespace vigie::storage {
namespace {

class store_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vigie-store-test-" + std::to_string(std::random_device{}()));
    std::filesystem::remove_all(dir_);
    reopen();
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  void reopen() {
    db_.reset();
    auto opened = store::open({.path = dir_.string()});
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    db_ = std::move(opened).value();
  }
  void put(std::string_view tenant, std::int64_t t, std::string_view id, std::string_view value) {
    write_group g(*db_);
    g.add_mention({tenant, t, "twitter", id}, value);
    ASSERT_TRUE(db_->write(g).ok());
  }
  std::vector<std::string> scan(const mention_scan& s) {
    std::vector<std::string> out;
    auto st = db_->scan_mentions(s, [&](std::string_view, std::string_view v) {
      out.emplace_back(v);
      return true;
    });
    EXPECT_TRUE(st.ok()) << st.to_string();
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store> db_;
};

TEST_F(store_test, scans_newest_first_within_range) {
  put("acme", 1000, "a", "A");
  put("acme", 3000, "c", "C");
  put("acme", 2000, "b", "B");
  EXPECT_EQ(scan({.tenant = "acme"}), (std::vector<std::string>{"C", "B", "A"}));
  EXPECT_EQ(scan({.tenant = "acme", .from_ms = 2000}), (std::vector<std::string>{"C", "B"}));
  EXPECT_EQ(scan({.tenant = "acme", .to_ms = 3000}), (std::vector<std::string>{"B", "A"}));
}

TEST_F(store_test, tenants_cannot_see_each_other) {
  put("ab", 1000, "x", "ab-data");
  put("abc", 1000, "x", "abc-data");
  put("a", 1000, "x", "a-data");
  EXPECT_EQ(scan({.tenant = "ab"}), (std::vector<std::string>{"ab-data"}));
  EXPECT_EQ(scan({.tenant = "abc"}), (std::vector<std::string>{"abc-data"}));
  EXPECT_EQ(scan({.tenant = "a"}), (std::vector<std::string>{"a-data"}));
  dedup_ref refs[] = {{"ab", "twitter", "x"}, {"zz", "twitter", "x"}};
  bool found[2] = {};
  ASSERT_TRUE(db_->find_existing(refs, found).ok());
  EXPECT_TRUE(found[0]);
  EXPECT_FALSE(found[1]);
}

TEST_F(store_test, cursor_continues_after_the_last_key_seen) {
  for (int i = 0; i < 10; ++i) put("acme", 1000 + i, "m" + std::to_string(i), std::to_string(i));
  std::string cursor;
  std::vector<std::string> pages;
  for (int page = 0; page < 5; ++page) {
    int n = 0;
    std::string last;
    auto st = db_->scan_mentions({.tenant = "acme", .after_suffix = cursor},
                                 [&](std::string_view suffix, std::string_view v) {
                                   pages.emplace_back(v);
                                   last.assign(suffix);
                                   return ++n < 3;
                                 });
    ASSERT_TRUE(st.ok());
    if (n == 0) break;
    cursor = last;
    // A mention arriving between pages, newer than everything, must not shift the pages.
    if (page == 0) put("acme", 5000, "late", "new");
  }
  EXPECT_EQ(pages, (std::vector<std::string>{"9", "8", "7", "6", "5", "4", "3", "2", "1", "0"}));
}

TEST_F(store_test, data_and_dedup_index_survive_reopen) {
  put("acme", 1000, "a", "A");
  reopen();
  EXPECT_EQ(scan({.tenant = "acme"}), (std::vector<std::string>{"A"}));
  dedup_ref refs[] = {{"acme", "twitter", "a"}, {"acme", "twitter", "b"}, {"acme", "news", "a"}};
  bool found[3] = {};
  ASSERT_TRUE(db_->find_existing(refs, found).ok());
  EXPECT_TRUE(found[0]);
  EXPECT_FALSE(found[1]);
  EXPECT_FALSE(found[2]);
}

TEST(store_options_test, unknown_compression_is_a_clear_error) {
  auto opened = store::open({.path = "unused", .compression = "brotli"});
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.status().message().find("brotli"), std::string::npos);
}

}  // namespace
}  // namespace vigie::storage
