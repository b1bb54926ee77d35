#include "storage/store.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <map>
#include <random>
#include <tuple>

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

TEST_F(store_test, a_mention_is_found_by_source_and_id) {
  put("acme", -5000, "a/b", "before 1970");
  put("acme", 2000, "x", "acme-x");
  put("acme2", 2000, "x", "acme2-x");
  std::string suffix;
  auto got = db_->find_mention("acme", "twitter", "a/b", &suffix);
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_EQ(*got, "before 1970");
  auto key = decode_mention_key_suffix(suffix);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->created_at_ms, -5000);
  EXPECT_EQ(key->source, "twitter");
  EXPECT_EQ(key->id, "a/b");
  EXPECT_EQ(*db_->find_mention("acme2", "twitter", "x"), "acme2-x");
  for (auto [tenant, source, id] : {std::tuple{"acme", "twitter", "y"}, {"acme", "news", "x"}, {"nobody", "twitter", "x"},
                                    {"acme", "bad source!", "x"}, {"acme", "twitter", ""}}) {
    auto missing = db_->find_mention(tenant, source, id);
    EXPECT_EQ(missing.status().code(), status_code::not_found) << tenant << " " << source << " " << id;
  }
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
  authors.clear();  // the facets of earlier versions are another kind
  ASSERT_TRUE(db_->read_facets("acme", "borel", facet_kind::author_name, t0, t0 + 86400000,
                               [&](std::string_view name, const series_counters& c) {
                                 authors[std::string(name)] += c.volume;
                               })
                  .ok());
  EXPECT_TRUE(authors.empty());

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

TEST_F(store_test, event_log_is_numbered_per_tenant_read_in_order_and_trimmed) {
  EXPECT_EQ(*db_->first_event_seq("acme"), 0u);
  EXPECT_EQ(*db_->last_event_seq("acme"), 0u);
  {
    write_group g(*db_);
    for (std::uint64_t seq = 1; seq <= 300; ++seq) g.add_event("acme", seq, "e" + std::to_string(seq));
    g.add_event("ab", 1, "other tenant");
    ASSERT_TRUE(db_->write(g).ok());
  }
  EXPECT_EQ(*db_->first_event_seq("acme"), 1u);
  EXPECT_EQ(*db_->last_event_seq("acme"), 300u);
  EXPECT_EQ(*db_->last_event_seq("ab"), 1u);
  std::vector<std::uint64_t> seen;
  ASSERT_TRUE(db_->read_events("acme", 256, [&](std::uint64_t seq, std::string_view rec) {
                   EXPECT_EQ(rec, "e" + std::to_string(seq));
                   seen.push_back(seq);
                   return seen.size() < 10;
                 }).ok());
  ASSERT_EQ(seen.size(), 10u);  // stopped by the callback
  EXPECT_EQ(seen.front(), 256u);
  EXPECT_EQ(seen.back(), 265u);
  {
    write_group g(*db_);
    g.trim_events("acme", 200);
    ASSERT_TRUE(db_->write(g).ok());
  }
  EXPECT_EQ(*db_->first_event_seq("acme"), 200u);
  EXPECT_EQ(*db_->last_event_seq("ab"), 1u);  // another tenant's log is untouched
  std::vector<std::string> tenants;
  ASSERT_TRUE(db_->scan_event_tenants([&](std::string_view t) {
                   tenants.emplace_back(t);
                   return true;
                 }).ok());
  EXPECT_EQ(tenants, (std::vector<std::string>{"ab", "acme"}));  // each once, however long its log
  tenants.clear();
  ASSERT_TRUE(db_->scan_event_tenants([&](std::string_view t) {
                   tenants.emplace_back(t);
                   return false;
                 }).ok());
  EXPECT_EQ(tenants.size(), 1u);  // stopped by the callback
  reopen();
  EXPECT_EQ(*db_->last_event_seq("acme"), 300u);
}

TEST_F(store_test, findings_log_links_each_finding_to_the_one_before_and_tells_what_retention_took) {
  using coverage = store::finding_coverage;
  EXPECT_EQ(db_->last_finding("acme")->seq, 0u);
  EXPECT_EQ(*db_->findings_after("acme", 0), coverage::complete);  // none at all: none lost
  {
    // Findings at seqs 10, 20 ... 100, numbered 1 to 10 (mention events between them).
    write_group g(*db_);
    for (std::uint64_t n = 1; n <= 10; ++n) {
      g.add_finding("acme", 10 * n, {.number = n, .previous_seq = 10 * (n - 1)}, "f" + std::to_string(n));
    }
    g.add_finding("ab", 5, {.number = 1, .previous_seq = 0}, "other tenant");
    ASSERT_TRUE(db_->write(g).ok());
  }
  auto last = db_->last_finding("acme");
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->seq, 100u);
  EXPECT_EQ(last->link.number, 10u);
  EXPECT_EQ(last->link.previous_seq, 90u);
  std::vector<std::uint64_t> seen;
  ASSERT_TRUE(db_->read_findings("acme", 35, [&](std::uint64_t seq, const finding_link& link, std::string_view rec) {
                   EXPECT_EQ(rec, "f" + std::to_string(link.number));
                   EXPECT_EQ(seq, 10 * link.number);
                   seen.push_back(seq);
                   return seen.size() < 3;
                 }).ok());
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{40, 50, 60}));
  EXPECT_EQ(*db_->finding_seq_from("acme", 4), 40u);
  EXPECT_EQ(*db_->finding_seq_from("acme", 11), 0u);
  for (std::uint64_t since : {0, 5, 35, 99, 100, 500}) EXPECT_EQ(*db_->findings_after("acme", since), coverage::complete) << since;
  {
    write_group g(*db_);
    g.trim_findings("acme", 40);  // findings 1-3 go
    ASSERT_TRUE(db_->write(g).ok());
  }
  // A client that had seq 30 (finding 3) lost nothing: the first kept one follows it. One that
  // had only seq 29 lost finding 3.
  EXPECT_EQ(*db_->findings_after("acme", 30), coverage::complete);
  EXPECT_EQ(*db_->findings_after("acme", 35), coverage::complete);
  EXPECT_EQ(*db_->findings_after("acme", 29), coverage::trimmed);
  EXPECT_EQ(*db_->findings_after("acme", 0), coverage::trimmed);
  EXPECT_EQ(*db_->findings_after("acme", 100), coverage::complete);
  EXPECT_EQ(db_->last_finding("ab")->seq, 5u);  // another tenant's log is untouched
  reopen();
  EXPECT_EQ(db_->last_finding("acme")->link.number, 10u);
  EXPECT_EQ(*db_->findings_after("acme", 30), coverage::complete);
}

TEST(store_upgrade_test, a_database_from_before_the_findings_log_opens_and_reads_older_findings_from_the_event_log) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("vigie-store-upgrade-" + std::to_string(std::random_device{}()));
  std::filesystem::remove_all(dir);
  auto v1_families = [] {
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const char* name : {"default", "mentions", "dedup", "watch_index", "series", "alerts", "signals", "watches",
                             "facets", "events", "state"}) {
      cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    return cfs;
  };
  {
    // Schema version 1: the column families before "findings"; "acme" has events 1-40 and
    // "ab" 1-5 in their event logs.
    rocksdb::DBOptions options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir.string(), v1_families(), &handles, &raw).ok());
    ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), handles[0], "vigie.schema_version", "1").ok());
    for (auto [tenant, last] : {std::pair<std::string, int>{"acme", 40}, {"ab", 5}}) {
      for (int seq = 1; seq <= last; ++seq) {
        std::string key(1, static_cast<char>(tenant.size()));
        key += tenant;
        for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>(std::uint64_t(seq) >> shift));
        ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), handles[9], key, "event").ok());
      }
    }
    for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
    delete raw;
  }
  using coverage = store::finding_coverage;
  for (int round = 0; round < 2; ++round) {  // once upgraded, and again after a restart
    auto opened = store::open({.path = dir.string()});
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    auto& db = **opened;
    EXPECT_EQ(*db.last_event_seq("acme"), 40u);
    if (round == 0) {
      EXPECT_EQ(*db.findings_after("acme", 39), coverage::before_log);
      EXPECT_EQ(*db.findings_after("acme", 40), coverage::complete);  // nothing after the upgrade yet
      write_group g(db);
      g.add_finding("acme", 50, {.number = 1, .previous_seq = 0}, "f1");
      g.add_finding("acme", 60, {.number = 2, .previous_seq = 50}, "f2");
      ASSERT_TRUE(db.write(g).ok());
    }
    // Findings up to the upgrade are in the event log only: a reader from before it reads there.
    EXPECT_EQ(*db.findings_after("acme", 0), coverage::before_log);
    EXPECT_EQ(*db.findings_after("acme", 39), coverage::before_log);
    EXPECT_EQ(*db.findings_after("acme", 40), coverage::complete);
    EXPECT_EQ(*db.findings_after("acme", 55), coverage::complete);
    EXPECT_EQ(*db.findings_after("ab", 4), coverage::before_log);
    EXPECT_EQ(*db.findings_after("ab", 5), coverage::complete);
    EXPECT_EQ(*db.findings_after("newco", 0), coverage::complete);  // a tenant since the upgrade
  }
  // A database of a later version is refused, with the versions named.
  {
    rocksdb::DB* raw = nullptr;
    auto cfs = v1_families();
    cfs.emplace_back("findings", rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir.string(), cfs, &handles, &raw).ok());
    ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), handles[0], "vigie.schema_version", "3").ok());
    for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
    delete raw;
  }
  auto refused = store::open({.path = dir.string()});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("schema version 3"), std::string::npos) << refused.status().message();
  std::filesystem::remove_all(dir);
}

TEST_F(store_test, records_are_tenant_scoped_and_scanned_both_ways_with_cursor) {
  for (std::string k : {"a/1", "a/2", "a/3", "b/1"}) {
    ASSERT_TRUE(db_->put_record(record_table::alerts, "acme", k, "v" + k).ok());
  }
  ASSERT_TRUE(db_->put_record(record_table::alerts, "acm", "a/9", "other").ok());
  auto keys = [&](store::record_scan scan) {
    std::vector<std::string> out;
    EXPECT_TRUE(db_->scan_records(record_table::alerts, "acme", scan,
                                  [&](std::string_view k, std::string_view) {
                                    out.emplace_back(k);
                                    return true;
                                  }).ok());
    return out;
  };
  EXPECT_EQ(keys({.prefix = "a/"}), (std::vector<std::string>{"a/1", "a/2", "a/3"}));
  EXPECT_EQ(keys({.prefix = "a/", .reverse = true}), (std::vector<std::string>{"a/3", "a/2", "a/1"}));
  EXPECT_EQ(keys({.reverse = true, .after_key = "a/3"}), (std::vector<std::string>{"a/2", "a/1"}));
  EXPECT_EQ(keys({.after_key = "a/2"}), (std::vector<std::string>{"a/3", "b/1"}));
  EXPECT_EQ(*db_->get_record(record_table::alerts, "acme", "b/1"), "vb/1");
  EXPECT_EQ(db_->get_record(record_table::alerts, "acme", "zz").status().code(), status_code::not_found);
  EXPECT_EQ(db_->get_record(record_table::signals, "acme", "b/1").status().code(), status_code::not_found);
  ASSERT_TRUE(db_->delete_record(record_table::alerts, "acme", "b/1").ok());
  EXPECT_EQ(keys({}), (std::vector<std::string>{"a/1", "a/2", "a/3"}));
  std::vector<std::string> all;
  ASSERT_TRUE(db_->scan_all_records(record_table::alerts, "a/9",
                                    [&](std::string_view tenant, std::string_view key, std::string_view) {
                                      all.push_back(std::string(tenant) + ":" + std::string(key));
                                      return true;
                                    }).ok());
  EXPECT_EQ(all, (std::vector<std::string>{"acm:a/9"}));
}

}  // namespace
}  // namespace vigie::storage
