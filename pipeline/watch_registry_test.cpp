#include "pipeline/watch_registry.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "pipeline/mention_parser.h"
#include "storage/store.h"

namespace vigie::pipeline {
namespace {

class watch_registry_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vigie-registry-test-" + std::to_string(std::random_device{}()));
    open();
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  void open() {
    auto opened = storage::store::open({.path = dir_.string()});
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    db_ = std::move(opened).value();
  }
  static watch make(std::string id, std::string query) {
    watch w;
    w.id = std::move(id);
    w.query = std::move(query);
    return w;
  }
  std::vector<std::string> matches(const watch_registry& r, std::string_view tenant, std::string_view text) {
    mention_view m;
    m.id = "1";
    m.text = text;
    m.lang = "fr";
    match_scratch scratch;
    std::vector<std::string_view> ids;
    r.current()->match(m, tenant, scratch, &ids);
    std::vector<std::string> out(ids.begin(), ids.end());
    std::sort(out.begin(), out.end());
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::store> db_;
};

TEST_F(watch_registry_test, a_put_is_live_when_it_returns_and_survives_restart) {
  {
    watch_registry r(*db_);
    ASSERT_TRUE(r.start().ok());
    EXPECT_EQ(matches(r, "acme", "Borel rappelle ses yaourts"), std::vector<std::string>{});
    auto w = r.put("acme", make("borel", "borel AND (rappel* OR scandale)"));
    ASSERT_TRUE(w.ok()) << w.status().to_string();
    EXPECT_GT(w->created_at_ms, 0);
    EXPECT_EQ(matches(r, "acme", "Borel rappelle ses yaourts"), std::vector<std::string>{"borel"});
    EXPECT_EQ(matches(r, "globex", "Borel rappelle ses yaourts"), std::vector<std::string>{});
    ASSERT_TRUE(r.put("acme", make("kelvio", "kelvio")).ok());
    EXPECT_EQ(matches(r, "acme", "Borel et Kelvio: scandale"),
              (std::vector<std::string>{"borel", "kelvio"}));
    r.stop();
  }
  db_.reset();
  open();
  watch_registry r(*db_);
  ASSERT_TRUE(r.start().ok());
  EXPECT_EQ(r.size(), 2u);
  EXPECT_EQ(matches(r, "acme", "Kelvio!"), std::vector<std::string>{"kelvio"});
  ASSERT_TRUE(r.remove("acme", "kelvio").ok());
  EXPECT_EQ(matches(r, "acme", "Kelvio!"), std::vector<std::string>{});
  EXPECT_EQ(r.remove("acme", "kelvio").code(), status_code::not_found);
}

TEST_F(watch_registry_test, a_bad_query_is_refused_with_its_position_and_nothing_changes) {
  watch_registry r(*db_);
  ASSERT_TRUE(r.start().ok());
  query_error error;
  auto w = r.put("acme", make("bad", "borel AND (rappel"), &error);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), status_code::invalid_argument);
  EXPECT_GT(error.position, 0u);
  EXPECT_EQ(r.size(), 0u);
  EXPECT_EQ(db_->get_watch("acme", "bad").status().code(), status_code::not_found);
}

TEST_F(watch_registry_test, updating_keeps_created_at) {
  watch_registry r(*db_);
  ASSERT_TRUE(r.start().ok());
  auto first = r.put("acme", make("w", "borel"));
  ASSERT_TRUE(first.ok());
  auto second = r.put("acme", make("w", "kelvio"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->created_at_ms, first->created_at_ms);
  EXPECT_GE(second->updated_at_ms, first->updated_at_ms);
  EXPECT_EQ(matches(r, "acme", "borel"), std::vector<std::string>{});
  EXPECT_EQ(matches(r, "acme", "kelvio"), std::vector<std::string>{"w"});
}

}  // namespace
}  // namespace vigie::pipeline
