#include "storage/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
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

TEST(store_options_test, missing_parent_folders_are_created) {
  auto dir = std::filesystem::temp_directory_path() /
             ("vigie-store-parents-" + std::to_string(std::random_device{}()));
  {
    auto opened = store::open({.path = (dir / "a" / "b" / "data").string()});
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  }
  std::filesystem::remove_all(dir);
}

TEST(store_options_test, unknown_compression_is_a_clear_error) {
  auto opened = store::open({.path = "unused", .compression = "brotli"});
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.status().message().find("brotli"), std::string::npos);
}

}  // namespace
}  // namespace vigie::storage

namespace vigie::storage {
namespace {

TEST_F(store_test, watch_hits_feed_index_series_and_facets) {
  auto hit = [&](std::string_view id, std::int64_t t, std::string_view watch, double score,
                 std::string_view author) {
    write_group g(*db_);
    mention_key k{"acme", t, "twitter", id};
    g.add_mention(k, id);
    series_counters d{.volume = 1, .positive = score > 0, .negative = score < 0,
                      .neutral = score == 0, .sentiment_sum = score, .reach = 10};
    g.add_watch_hit(k, watch, d, author);
    ASSERT_TRUE(db_->write(g).ok());
  };
  const std::int64_t t0 = 1767225600000;  // 2026-01-01T00:00Z
  hit("a", t0 + 1000, "borel", 0.5, "zoe");
  hit("b", t0 + 61000, "borel", -0.5, "zoe");
  hit("c", t0 + 3600000 + 5, "borel", 0, "max");
  hit("d", t0 + 2000, "kelvio", 1, "zoe");

  std::vector<std::string> ids;
  ASSERT_TRUE(db_->scan_watch_mentions({.tenant = "acme"}, "borel",
                                       [&](std::string_view, std::string_view rec) {
                                         ids.emplace_back(rec);
                                         return true;
                                       })
                  .ok());
  EXPECT_EQ(ids, (std::vector<std::string>{"c", "b", "a"}));

  std::vector<std::pair<std::int64_t, series_counters>> buckets;
  ASSERT_TRUE(db_->read_series("acme", "borel", series_interval::m1, t0, t0 + 86400000,
                               [&](std::int64_t start, const series_counters& c) {
                                 buckets.emplace_back(start, c);
                               })
                  .ok());
  ASSERT_EQ(buckets.size(), 3u);
  EXPECT_EQ(buckets[0].first, t0);
  EXPECT_EQ(buckets[1].first, t0 + 60000);
  EXPECT_EQ(buckets[1].second.negative, 1u);
  EXPECT_EQ(buckets[2].first, t0 + 3600000);

  buckets.clear();
  ASSERT_TRUE(db_->read_series("acme", "borel", series_interval::h1, t0, t0 + 86400000,
                               [&](std::int64_t start, const series_counters& c) {
                                 buckets.emplace_back(start, c);
                               })
                  .ok());
  ASSERT_EQ(buckets.size(), 2u);
  EXPECT_EQ(buckets[0].second.volume, 2u);  // merged: a and b in the first hour
  EXPECT_DOUBLE_EQ(buckets[0].second.sentiment_sum, 0.0);
  EXPECT_EQ(buckets[0].second.reach, 20u);

  std::map<std::string, std::uint64_t> authors;
  ASSERT_TRUE(db_->read_facets("acme", "borel", facet_kind::author, t0, t0 + 86400000,
                               [&](std::string_view name, const series_counters& c) {
                                 authors[std::string(name)] += c.volume;
                               })
                  .ok());
  EXPECT_EQ(authors, (std::map<std::string, std::uint64_t>{{"max", 1}, {"zoe", 2}}));

  // Deleting a watch removes its derived data, and only its own.
  ASSERT_TRUE(db_->put_watch("acme", "borel", "{}").ok());
  ASSERT_TRUE(db_->delete_watch("acme", "borel").ok());
  EXPECT_EQ(db_->get_watch("acme", "borel").status().code(), status_code::not_found);
  int left = 0;
  ASSERT_TRUE(db_->scan_watch_mentions({.tenant = "acme"}, "borel",
                                       [&](std::string_view, std::string_view) { return ++left, true; })
                  .ok());
  EXPECT_EQ(left, 0);
  ASSERT_TRUE(db_->scan_watch_mentions({.tenant = "acme"}, "kelvio",
                                       [&](std::string_view, std::string_view) { return ++left, true; })
                  .ok());
  EXPECT_EQ(left, 1);
}

TEST_F(store_test, watches_are_listed_per_tenant_or_all) {
  ASSERT_TRUE(db_->put_watch("acme", "w1", "one").ok());
  ASSERT_TRUE(db_->put_watch("acme", "w2", "two").ok());
  ASSERT_TRUE(db_->put_watch("acmex", "w1", "other").ok());
  std::vector<std::string> seen;
  ASSERT_TRUE(db_->scan_watches("acme", [&](std::string_view t, std::string_view id, std::string_view d) {
                seen.push_back(std::string(t) + "/" + std::string(id) + "=" + std::string(d));
                return true;
              }).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"acme/w1=one", "acme/w2=two"}));
  seen.clear();
  ASSERT_TRUE(db_->scan_watches("", [&](std::string_view t, std::string_view id, std::string_view) {
                seen.push_back(std::string(t) + "/" + std::string(id));
                return true;
              }).ok());
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(*db_->get_watch("acme", "w2"), "two");
}

}  // namespace
}  // namespace vigie::storage
