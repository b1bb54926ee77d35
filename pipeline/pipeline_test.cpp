#include "pipeline/pipeline.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <random>

#include "pipeline/mention_codec.h"
#include "storage/store.h"

namespace vigie::pipeline {
namespace {

class pipeline_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vigie-pipeline-test-" + std::to_string(std::random_device{}()));
    auto opened = storage::store::open({.path = dir_.string()});
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    db_ = std::move(opened).value();
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Submits and waits for the result.
  ingest_result ingest(pipeline& p, std::string tenant, std::string body) {
    std::promise<ingest_result> done;
    auto req = std::make_unique<ingest_request>();
    req->tenant = std::move(tenant);
    req->body = std::move(body);
    req->done = [&](ingest_result r) { done.set_value(std::move(r)); };
    status s = p.submit(req);
    EXPECT_TRUE(s.ok()) << s.to_string();
    return done.get_future().get();
  }

  std::vector<std::string> stored_ids(std::string_view tenant) {
    std::vector<std::string> ids;
    auto s = db_->scan_mentions({.tenant = tenant}, [&](std::string_view, std::string_view rec) {
      mention_view m;
      EXPECT_TRUE(decode_mention(rec, &m).ok());
      ids.emplace_back(m.id);
      return true;
    });
    EXPECT_TRUE(s.ok());
    return ids;
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::store> db_;
};

std::string line(std::string_view id, std::int64_t t, std::string_view source = "twitter") {
  return "{\"id\":\"" + std::string(id) + "\",\"text\":\"hello\",\"created_at\":" +
         std::to_string(t) + ",\"source\":\"" + std::string(source) + "\"}\n";
}

TEST_F(pipeline_test, counts_accepted_duplicates_and_rejected) {
  pipeline p(*db_, {});
  ASSERT_TRUE(p.start().ok());
  auto r = ingest(p, "acme", line("a", 1) + line("b", 2) + "not json\n" + line("a", 1) +
                                 line("a", 1, "news"));
  ASSERT_TRUE(r.status.ok()) << r.status.to_string();
  EXPECT_EQ(r.accepted, 3u);    // a/twitter, b/twitter, a/news
  EXPECT_EQ(r.duplicates, 1u);  // a/twitter again, inside the batch
  EXPECT_EQ(r.rejected, 1u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 3u);

  auto again = ingest(p, "acme", line("b", 2) + line("c", 3));
  EXPECT_EQ(again.accepted, 1u);
  EXPECT_EQ(again.duplicates, 1u);
  // The same ids under another tenant are that tenant's own mentions.
  auto other = ingest(p, "globex", line("a", 1));
  EXPECT_EQ(other.accepted, 1u);
  p.stop();
  EXPECT_EQ(stored_ids("acme"), (std::vector<std::string>{"c", "b", "a", "a"}));
  EXPECT_EQ(stored_ids("globex"), (std::vector<std::string>{"a"}));
}

TEST_F(pipeline_test, enricher_runs_on_every_valid_mention) {
  struct mark_positive : enricher {
    void enrich(mention_view& m) override { m.sent = {sentiment_label::positive, 0.5f}; }
  };
  pipeline p(*db_, {}, [] { return std::make_unique<mark_positive>(); });
  ASSERT_TRUE(p.start().ok());
  auto r = ingest(p, "acme", line("a", 1));
  EXPECT_EQ(r.accepted, 1u);
  p.stop();
  int seen = 0;
  auto s = db_->scan_mentions({.tenant = "acme"}, [&](std::string_view, std::string_view rec) {
    mention_view m;
    EXPECT_TRUE(decode_mention(rec, &m).ok());
    EXPECT_EQ(m.sent.label, sentiment_label::positive);
    EXPECT_GT(m.ingested_at_ms, 0);
    ++seen;
    return true;
  });
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(seen, 1);
}

TEST_F(pipeline_test, stopped_pipeline_refuses_and_hands_the_request_back) {
  pipeline p(*db_, {});
  ASSERT_TRUE(p.start().ok());
  p.stop();
  auto req = std::make_unique<ingest_request>();
  req->tenant = "acme";
  req->body = line("a", 1);
  EXPECT_EQ(p.submit(req).code(), status_code::unavailable);
  EXPECT_NE(req, nullptr);  // handed back untouched
}

TEST_F(pipeline_test, inflight_bytes_are_bounded) {
  pipeline_options o;
  o.max_inflight_bytes = 100;
  pipeline p(*db_, o);
  ASSERT_TRUE(p.start().ok());
  std::promise<void> release;
  auto gate = release.get_future().share();
  // The first batch's done() blocks the writer, holding its bytes in flight.
  std::promise<ingest_result> first_done;
  auto first = std::make_unique<ingest_request>();
  first->tenant = "acme";
  first->body = line("a", 1) + std::string(64, ' ');
  first->done = [&, gate](ingest_result r) {
    first_done.set_value(std::move(r));
    gate.wait();
  };
  ASSERT_TRUE(p.submit(first).ok());
  first_done.get_future().wait();
  // The writer is now held inside first's done(): the second batch stays in flight...
  std::promise<ingest_result> second_done;
  auto second = std::make_unique<ingest_request>();
  second->tenant = "acme";
  second->body = line("b", 1) + std::string(64, ' ');
  second->done = [&](ingest_result r) { second_done.set_value(std::move(r)); };
  ASSERT_TRUE(p.submit(second).ok());
  // ...and a third that would pass the byte bound is refused and handed back.
  auto third = std::make_unique<ingest_request>();
  third->tenant = "acme";
  third->body = line("c", 1) + std::string(64, ' ');
  EXPECT_EQ(p.submit(third).code(), status_code::resource_exhausted);
  EXPECT_NE(third, nullptr);
  EXPECT_GT(p.inflight_bytes(), 0u);
  release.set_value();
  EXPECT_EQ(second_done.get_future().get().accepted, 1u);
  p.stop();
  EXPECT_EQ(p.inflight_bytes(), 0u);
}

TEST_F(pipeline_test, stop_finishes_every_accepted_batch) {
  pipeline p(*db_, {});
  ASSERT_TRUE(p.start().ok());
  std::atomic<int> done{0};
  std::atomic<std::size_t> accepted{0};
  int submitted = 0;
  for (int b = 0; b < 50; ++b) {
    auto req = std::make_unique<ingest_request>();
    req->tenant = "acme";
    for (int i = 0; i < 100; ++i) req->body += line(std::to_string(b * 100 + i), i);
    req->done = [&](ingest_result r) {
      accepted += r.accepted;
      ++done;
    };
    if (p.submit(req).ok()) ++submitted;
  }
  p.stop();
  EXPECT_EQ(done.load(), submitted);
  EXPECT_EQ(accepted.load(), static_cast<std::size_t>(submitted) * 100);
  EXPECT_EQ(stored_ids("acme").size(), accepted.load());
}

}  // namespace
}  // namespace vigie::pipeline
