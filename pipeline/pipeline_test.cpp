#include "pipeline/pipeline.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <mutex>
#include <random>

#include "pipeline/detector_stage.h"
#include "pipeline/events.h"
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

// Collects what the writer publishes.
class recording_sink : public event_sink {
 public:
  bool wants_mentions(std::string_view) const override { return false; }
  void publish(std::vector<stream_event>& events) override {
    std::lock_guard lock(mu_);
    for (auto& e : events) events_.push_back(e);
  }
  std::vector<stream_event> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<stream_event> events_;
};

TEST_F(pipeline_test, an_acknowledgement_is_stored_with_an_alert_event) {
  const std::string id = alert_id(1795428300000, alert_kind::negative_spike, "borel");
  std::string key;
  ASSERT_TRUE(alert_key_from_id(id, &key));
  const std::string alert = "{\"id\":\"" + id + "\",\"watch\":\"borel\",\"state\":\"open\",\"change\":\"escalated\"}";
  ASSERT_TRUE(db_->put_record(storage::record_table::alerts, "acme", key, alert).ok());
  recording_sink sink;
  pipeline p(*db_, {}, {}, nullptr, {.detectors = nullptr, .events = &sink});
  ASSERT_TRUE(p.start().ok());
  auto acknowledge = [&](std::string tenant, std::string alert_id, std::string ack) {
    std::promise<result<std::string>> done;
    p.acknowledge_alert(std::move(tenant), std::move(alert_id), std::move(ack),
                        [&](result<std::string> r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  };

  auto r = acknowledge("acme", id, R"({"by":"alice"})");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  // The answer is the alert as GET shows it; the event says what changed.
  EXPECT_EQ(*r, "{\"id\":\"" + id + "\",\"watch\":\"borel\",\"state\":\"open\",\"change\":\"escalated\","
                "\"acknowledgement\":{\"by\":\"alice\"}}");
  auto stored = db_->get_record(storage::record_table::state, "acme", alert_ack_key(id));
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*stored, R"({"by":"alice"})");
  auto events = sink.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, event_type::alert);
  EXPECT_EQ(events[0].watches, "borel");
  EXPECT_EQ(events[0].data, "{\"id\":\"" + id + "\",\"watch\":\"borel\",\"state\":\"open\",\"change\":\"acknowledged\","
                            "\"acknowledgement\":{\"by\":\"alice\"}}");
  // In the event log, for feeds that resume.
  std::vector<std::pair<std::uint64_t, std::string>> logged;
  ASSERT_TRUE(db_->read_events("acme", 1, [&](std::uint64_t seq, std::string_view record) {
                    logged.emplace_back(seq, record);
                    return true;
                  }).ok());
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].first, events[0].seq);
  auto record = decode_event_record(logged[0].second);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->payload, events[0].data);

  // What crash recovery compares with what the detectors find again: the alert without it.
  EXPECT_EQ(alert_without_ack(events[0].data), "{\"id\":\"" + id + "\",\"watch\":\"borel\",\"state\":\"open\",\"change\":\"acknowledged\"}");
  EXPECT_EQ(alert_without_ack(alert_with_ack(alert, R"({"by":"a,\"acknowledgement\":{"})")), alert);
  EXPECT_EQ(alert_without_ack(alert), alert);

  // No such alert, or another tenant's: nothing written.
  EXPECT_EQ(acknowledge("acme", alert_id(1795428300000, alert_kind::volume_spike, "borel"), R"({"by":"bob"})").status().code(),
            status_code::not_found);
  EXPECT_EQ(acknowledge("globex", id, R"({"by":"bob"})").status().code(), status_code::not_found);
  EXPECT_EQ(sink.events().size(), 1u);
  EXPECT_FALSE(db_->get_record(storage::record_table::state, "globex", alert_ack_key(id)).ok());

  p.stop();
  EXPECT_EQ(acknowledge("acme", id, R"({"by":"carol"})").status().code(), status_code::unavailable);
  EXPECT_EQ(*db_->get_record(storage::record_table::state, "acme", alert_ack_key(id)), R"({"by":"alice"})");
}

}  // namespace
}  // namespace vigie::pipeline
