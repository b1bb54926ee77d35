#include "pipeline/signals.h"

#include "pipeline/detector_stage.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace vigie::pipeline {
namespace {

constexpr std::int64_t hour_ms = 3600 * 1000;
constexpr std::int64_t epoch_ms = 472222 * hour_ms;  // hour-aligned

// prefix + n (a helper rather than operator+, which trips a false -Wrestrict in GCC 12).
std::string named(std::string_view prefix, std::uint64_t n) {
  std::string s(prefix);
  s += std::to_string(n);
  return s;
}

std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// A watch's stream, hour by hour: a Zipf background of 3,000 words (and their bigrams) from
// many authors, plus whatever a test adds, with the watermark at the end of each hour.
class stream {
 public:
  explicit stream(const signal_options& options = {}, std::vector<std::string> query = {})
      : detector_(options, query) {
    for (int i = 0; i < 3000; ++i) vocabulary_.push_back(named("w", i));
    double total = 0;
    for (int i = 0; i < 3000; ++i) total += 1.0 / (i + 1);
    double sum = 0;
    for (int i = 0; i < 3000; ++i) cdf_.push_back((sum += 1.0 / (i + 1)) / total);
  }

  // n background mentions in hour h, each with 6 words and the bigrams of neighbours.
  void background(int h, int n) {
    std::vector<std::string> texts;
    for (int k = 0; k < n; ++k) {
      texts.clear();
      for (int w = 0; w < 6; ++w) texts.push_back(word());
      for (int w = 0; w + 1 < 6; ++w) texts.push_back(texts[w] + " " + texts[w + 1]);
      observe(h, texts, mix(seed_++) % 100000);
    }
  }

  // One mention at hour h with these term texts.
  void observe(int h, const std::vector<std::string>& texts, std::uint64_t author) {
    terms_.clear();
    for (const std::string& t : texts) {
      bool seen = false;
      for (const term& x : terms_) seen = seen || x.text == t;
      if (seen) continue;  // a mention's terms are distinct
      terms_.push_back({term_hash(t), t});
    }
    const std::int64_t t_ms = epoch_ms + h * hour_ms + static_cast<std::int64_t>(mix(seed_++) % hour_ms);
    detector_.observe(t_ms, terms_, mix(author), named("m", seed_));
  }

  // Closes hour h.
  void close(int h) { detector_.advance(epoch_ms + (h + 1) * hour_ms, &signals_); }

  std::vector<weak_signal> signals_of(std::string_view text) const {
    std::vector<weak_signal> out;
    for (const weak_signal& s : signals_)
      if (s.term == text) out.push_back(s);
    return out;
  }

  signal_detector& detector() { return detector_; }
  const std::vector<weak_signal>& signals() const { return signals_; }

 private:
  std::string word() {
    const double u = static_cast<double>(mix(seed_++) >> 11) * 0x1.0p-53;
    std::size_t lo = 0, hi = cdf_.size() - 1;
    while (lo < hi) {
      const std::size_t mid = (lo + hi) / 2;
      if (cdf_[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return vocabulary_[lo];
  }

  signal_detector detector_;
  std::vector<std::string> vocabulary_;
  std::vector<double> cdf_;
  std::vector<term> terms_;
  std::vector<weak_signal> signals_;
  std::uint64_t seed_ = 1;
};

constexpr int warm_hours = 72;
constexpr int background_per_hour = 1000;

// A new term from 1 mention an hour, doubling every 4 hours up to 64 an hour, then steady.
int growing(int hours_since_onset) {
  return std::min(64, static_cast<int>(std::lround(std::exp2(hours_since_onset / 4.0))));
}

TEST(SignalDetector, GrowingTermIsWeakThenEmergingThenTrend) {
  stream s;
  std::uint64_t author = 1000000;
  for (int h = 0; h < warm_hours + 60; ++h) {
    s.background(h, background_per_hour);
    if (h >= warm_hours)
      for (int k = 0; k < growing(h - warm_hours); ++k) s.observe(h, {"velmarin", "w1"}, author++);
    s.close(h);
  }
  const auto found = s.signals_of("velmarin");
  ASSERT_EQ(found.size(), 3u);
  const std::int64_t onset_ms = epoch_ms + warm_hours * hour_ms;
  for (std::size_t i = 0; i < found.size(); ++i) {
    const weak_signal& sig = found[i];
    EXPECT_EQ(sig.level, static_cast<signal_level>(i));
    EXPECT_GE(sig.first_seen_ms, onset_ms);
    EXPECT_LE(sig.first_seen_ms, onset_ms + 3 * hour_ms);  // seen twice: in the table
    EXPECT_GT(sig.detected_at_ms, sig.first_seen_ms);
    EXPECT_EQ(sig.detected_at_ms % hour_ms, 0);  // the end of a window
    EXPECT_GT(sig.count, 0u);
    EXPECT_GT(sig.score, 0);
    EXPECT_FALSE(sig.sample_mention_ids.empty());
    EXPECT_LE(sig.sample_mention_ids.size(), 5u);
    if (i > 0) {
      EXPECT_GT(sig.detected_at_ms, found[i - 1].detected_at_ms);
      EXPECT_GE(sig.count, found[i - 1].count);
    }
  }
  // Weak while still rare: within half a day of onset, at a few mentions an hour.
  EXPECT_LE(found[0].detected_at_ms, onset_ms + 12 * hour_ms);
  EXPECT_GE(found[0].growth, signal_options{}.min_growth);
  // Trend once it is several percent of the watch's mentions, not before 64 an hour.
  EXPECT_GE(found[2].detected_at_ms, onset_ms + 24 * hour_ms);
  // The background, steady, raises nothing.
  EXPECT_EQ(s.signals().size(), found.size());
}

TEST(SignalDetector, SameGrowthFromTwoAuthorsIsSpam) {
  stream s;
  for (int h = 0; h < warm_hours + 60; ++h) {
    s.background(h, background_per_hour);
    if (h >= warm_hours)
      for (int k = 0; k < growing(h - warm_hours); ++k) s.observe(h, {"promocode", "#promocode"}, 7 + k % 2);
    s.close(h);
  }
  EXPECT_TRUE(s.signals().empty());
}

TEST(SignalDetector, OneHourSpikeIsNotASignal) {
  stream s;
  std::uint64_t author = 1000000;
  for (int h = 0; h < warm_hours + 48; ++h) {
    s.background(h, background_per_hour);
    if (h == warm_hours)
      for (int k = 0; k < 300; ++k) s.observe(h, {"eclipse", "#eclipse"}, author++);
    // A known rare word that jumps for an hour too.
    if (h % 24 == 5 || h == warm_hours + 10)
      for (int k = 0; k < (h == warm_hours + 10 ? 200 : 1); ++k) s.observe(h, {"marathon"}, author++);
    s.close(h);
  }
  EXPECT_TRUE(s.signals().empty());
}

TEST(SignalDetector, DailyCycleTermIsNotASignal) {
  stream s;
  std::uint64_t author = 1000000;
  for (int h = 0; h < 24 * 8; ++h) {
    s.background(h, background_per_hour);
    if (h % 24 >= 7 && h % 24 < 10)
      for (int k = 0; k < 60; ++k) s.observe(h, {"breakfast", "coffee", "breakfast coffee"}, author++);
    s.close(h);
  }
  EXPECT_TRUE(s.signals().empty());
}

TEST(SignalDetector, QueryWordsAreNeverSignals) {
  signal_options options;
  term_extractor ex;
  stream s(options, {"Borel", "Mistrale Télécom", "recycl*"});
  std::uint64_t author = 1000000;
  std::vector<term> terms;
  std::vector<std::string> texts;
  for (int h = 0; h < warm_hours + 60; ++h) {
    s.background(h, background_per_hour);
    if (h >= warm_hours)
      for (int k = 0; k < growing(h - warm_hours); ++k) {
        // Every form of the query's words grows like an emerging term, and so does a new word.
        terms.clear();
        ex.extract("#Borel BORELS @borel Mistrale télécoms #MistraleTelecom @mistrale_telecom recyclage borel velmarin",
                   "fr", &terms);
        texts.clear();
        for (const term& t : terms) texts.emplace_back(t.text);
        s.observe(h, texts, author++);
      }
    s.close(h);
  }
  ASSERT_FALSE(s.signals().empty());
  for (const weak_signal& sig : s.signals()) EXPECT_EQ(sig.term, "velmarin");
}

TEST(QueryWords, KeepPhrasesWholeAndWildcards) {
  // What the detector stage gives signal_detector of a watch's query.
  EXPECT_EQ(query_words(R"(borel OR "Mistrale  Telecom" AND recycl* NOT lang:fr (sncf OR "x") NEAR/3 "")"),
            (std::vector<std::string>{"borel", "Mistrale  Telecom", "recycl*", "sncf", "x"}));
  EXPECT_EQ(query_words(R"("unterminated phrase)"), (std::vector<std::string>{"unterminated phrase"}));
  EXPECT_TRUE(query_words("* OR ***").empty());
  // title: is a term (of the title); the other fields are filters.
  EXPECT_EQ(query_words(R"(borel OR TITLE:surchauffe OR title:"grève sncf" OR site:lemonde.fr)"),
            (std::vector<std::string>{"borel", "surchauffe", "grève sncf"}));
}

// A new word growing from the watch's onset, its mention texts (and those of the background)
// fed to s until hour end.
// Stories growing at once, each told by mentions of its own texts.
void grow_stories(stream& s, const std::vector<std::vector<std::string>>& stories, int from_hour, int to_hour,
                  std::uint64_t* author) {
  for (int h = from_hour; h < to_hour; ++h) {
    s.background(h, background_per_hour);
    if (h >= warm_hours)
      for (const auto& texts : stories)
        for (int k = 0; k < growing(h - warm_hours); ++k) s.observe(h, texts, (*author)++);
    s.close(h);
  }
}

void grow(stream& s, const std::vector<std::string>& texts, int from_hour, int to_hour, std::uint64_t* author) {
  grow_stories(s, {texts}, from_hour, to_hour, author);
}

// As grow(), each of the texts in mentions of its own: as many stories.
void grow_apart(stream& s, const std::vector<std::string>& texts, int from_hour, int to_hour, std::uint64_t* author) {
  std::vector<std::vector<std::string>> stories;
  for (const std::string& t : texts) stories.push_back({t});
  grow_stories(s, stories, from_hour, to_hour, author);
}

TEST(SignalDetector, OneStoryInOtherWordsIsOneSignal) {
  // "batterie", "surchauffe" and "brûle" in the same posts are one story: one signal, whose
  // level upgrades say how it goes...
  stream s;
  std::uint64_t author = 1000000;
  grow(s, {"batteri", "surchauff", "brul"}, 0, warm_hours + 60, &author);
  std::size_t terms = 0;
  for (const char* t : {"batteri", "surchauff", "brul"}) terms += !s.signals_of(t).empty();
  EXPECT_EQ(terms, 1u);
  EXPECT_EQ(s.signals().size(), 3u);  // weak, emerging, trend
  // ...while two stories at the same time are two.
  stream apart;
  grow_apart(apart, {"batteri", "surchauff"}, 0, warm_hours + 60, &author);
  EXPECT_FALSE(apart.signals_of("batteri").empty());
  EXPECT_FALSE(apart.signals_of("surchauff").empty());
}

TEST(SignalDetector, AChangedQueryTakesEffectBothWays) {
  // A word the query gains is no longer reported, even once followed closely...
  {
    stream s;
    std::uint64_t author = 1000000;
    grow_apart(s, {"velmarin", "surchauffe"}, 0, warm_hours + 9, &author);
    ASSERT_FALSE(s.signals_of("velmarin").empty());
    const std::size_t before = s.signals().size();
    s.detector().set_query_words(std::vector<std::string>{"Borel", "velmarin"});
    grow_apart(s, {"velmarin", "surchauffe"}, warm_hours + 9, warm_hours + 84, &author);
    for (std::size_t i = before; i < s.signals().size(); ++i) EXPECT_NE(s.signals()[i].term, "velmarin");
    EXPECT_EQ(s.signals_of("surchauffe").size(), 3u);  // weak, emerging, trend
  }
  // ...and one it loses may be reported from then on.
  {
    stream s(signal_options{}, {"velmarin"});
    std::uint64_t author = 1000000;
    grow(s, {"velmarin"}, 0, warm_hours + 12, &author);
    EXPECT_TRUE(s.signals().empty());
    s.detector().set_query_words({});
    grow(s, {"velmarin"}, warm_hours + 12, warm_hours + 60, &author);
    EXPECT_FALSE(s.signals_of("velmarin").empty());
  }
}

TEST(SignalDetector, APhraseIsNotReportedWithItsWordInTheSameWindow) {
  // "client inquiet" grows exactly as "inquiet" does: one topic, one report per level, whatever
  // the order the two became candidates in.
  for (const bool phrase_first : {true, false}) {
    stream s;
    std::uint64_t author = 1000000;
    const std::vector<std::string> texts = phrase_first ? std::vector<std::string>{"client inquiet", "inquiet"}
                                                        : std::vector<std::string>{"inquiet", "client inquiet"};
    grow(s, texts, 0, warm_hours + 60, &author);
    EXPECT_FALSE(s.signals_of("inquiet").empty()) << phrase_first;
    EXPECT_TRUE(s.signals_of("client inquiet").empty()) << phrase_first;
  }
}

TEST(SignalDetector, TheWordsOfAReportedPhraseAreThatTopic) {
  // "batterie" and "gonflée" are everyday words of the watch; "batterie gonflée" is news. Once
  // it is reported, its words growing later ("gonflée" alone, "gonflée charge") are the same
  // topic: the phrase's own level upgrades say how it goes.
  stream s;
  std::uint64_t author = 1000000;
  auto steady = [&](int h) {
    for (int k = 0; k < 20; ++k) s.observe(h, {"batteri"}, author++);
    for (int k = 0; k < 20; ++k) s.observe(h, {"gonfle"}, author++);
    for (int k = 0; k < 20; ++k) s.observe(h, {"charg"}, author++);
  };
  const int burst = warm_hours + 36;
  for (int h = 0; h < burst + 48; ++h) {
    s.background(h, background_per_hour);
    steady(h);
    if (h >= warm_hours && h < burst)
      for (int k = 0; k < std::min(8, growing(h - warm_hours)); ++k)
        s.observe(h, {"batteri", "gonfle", "batteri gonfle"}, author++);
    if (h >= burst)
      for (int k = 0; k < 4 * growing(h - burst); ++k) s.observe(h, {"gonfle", "charg", "gonfle charg"}, author++);
    s.close(h);
  }
  ASSERT_FALSE(s.signals_of("batteri gonfle").empty());
  EXPECT_TRUE(s.signals_of("gonfle").empty());
  EXPECT_TRUE(s.signals_of("gonfle charg").empty());
  EXPECT_TRUE(s.signals_of("batteri").empty());
}

TEST(SignalDetector, MemoryStaysBoundedUnderAFloodOfUniqueHashtags) {
  signal_options options;
  options.max_terms = 16384;
  stream s(options);
  std::uint64_t author = 0;
  std::size_t peak = 0;
  for (int h = 0; h < 24 * 7; ++h) {
    s.background(h, 200);
    for (int k = 0; k < 10000; ++k) s.observe(h, {named(named("#tag", h) + "x", k)}, author++);
    s.close(h);
    peak = std::max(peak, s.detector().memory_bytes());
  }
  EXPECT_LE(peak, max_memory_bytes(options));
  EXPECT_LE(peak, 2u << 20);  // a watch of this size: under 2 MiB
  for (const weak_signal& x : s.signals()) ADD_FAILURE() << "unexpected signal: " << x.term;
}

TEST(SignalDetector, BadInputStaysBoundedAndQuiet) {
  signal_options options;
  options.max_terms = 8192;
  stream s(options);
  std::uint64_t author = 0;
  std::vector<std::string> many;
  for (int k = 0; k < 300; ++k) many.push_back(named("tok", k));
  for (int h = 0; h < warm_hours + 24; ++h) {
    s.background(h, 300);
    // One word repeated by everyone, and mentions with hundreds of distinct tokens.
    for (int k = 0; k < 50; ++k) s.observe(h, {"lol"}, author++);
    for (int k = 0; k < 5; ++k) s.observe(h, many, author++);
    s.close(h);
  }
  signal_detector& d = s.detector();
  std::vector<weak_signal> out;
  const std::vector<term> t = {{term_hash("x"), "x"}};
  d.observe(epoch_ms, t, 1, "late");                        // a closed window
  d.observe(epoch_ms + 1000 * 24 * hour_ms, t, 1, "future");  // far ahead
  d.observe(std::numeric_limits<std::int64_t>::min(), t, 1, "min");
  d.observe(std::numeric_limits<std::int64_t>::max(), t, 1, "max");
  EXPECT_EQ(d.late_mentions(), 2u);
  EXPECT_EQ(d.future_mentions(), 2u);
  // A watermark years ahead restarts the statistics without closing every window between.
  d.advance(epoch_ms + 100000 * 24 * hour_ms, &out);
  d.advance(std::numeric_limits<std::int64_t>::max(), &out);
  d.advance(std::numeric_limits<std::int64_t>::min(), &out);
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(s.signals().empty());
  EXPECT_LE(d.memory_bytes(), max_memory_bytes(options));
}

TEST(SignalDetector, SaveLoadContinuesIdentically) {
  signal_options options;
  stream a(options, {"borel"}), b(options, {"borel"});
  std::uint64_t author = 1000000;
  auto feed = [&](stream& s, int h, std::uint64_t first_author) {
    s.background(h, 400);
    if (h >= warm_hours)
      for (int k = 0; k < growing(h - warm_hours); ++k) s.observe(h, {"velmarin"}, first_author + k);
    s.close(h);
  };
  for (int h = 0; h < warm_hours + 5; ++h) {
    feed(a, h, author);
    feed(b, h, author);
    author += 100;
  }
  std::string snapshot;
  a.detector().save(&snapshot);
  auto loaded = signal_detector::load(snapshot, options, std::vector<std::string>{"borel"});
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  b.detector() = std::move(*loaded);
  for (int h = warm_hours + 5; h < warm_hours + 40; ++h) {
    feed(a, h, author);
    feed(b, h, author);
    author += 100;
  }
  ASSERT_FALSE(a.signals().empty());
  ASSERT_EQ(a.signals().size(), b.signals().size());
  for (std::size_t i = 0; i < a.signals().size(); ++i) {
    const weak_signal &x = a.signals()[i], &y = b.signals()[i];
    EXPECT_EQ(x.term, y.term);
    EXPECT_EQ(x.level, y.level);
    EXPECT_EQ(x.first_seen_ms, y.first_seen_ms);
    EXPECT_EQ(x.detected_at_ms, y.detected_at_ms);
    EXPECT_EQ(x.count, y.count);
    EXPECT_EQ(x.growth, y.growth);
    EXPECT_EQ(x.score, y.score);
    EXPECT_EQ(x.sample_mention_ids, y.sample_mention_ids);
  }
  std::string after_a, after_b;
  a.detector().save(&after_a);
  b.detector().save(&after_b);
  EXPECT_TRUE(after_a == after_b);  // byte for byte (not printed: megabytes)
}

// A busy watch (tens of thousands of mentions an hour) uses more distinct terms than 65,536
// slots hold: its table, and the doorkeeper with it, keep growing up to max_terms, and a
// snapshot of the grown detector loads back byte for byte.
TEST(SignalDetector, ABusyWatchGrowsPastTheDoorkeepersFirstSize) {
  signal_options options;
  ASSERT_GE(options.max_terms, 262144u);
  signal_detector d(options, std::vector<std::string>{});
  std::vector<std::string> texts;
  std::vector<term> terms;
  std::vector<weak_signal> out;
  std::uint64_t n = 0;
  for (int h = 0; h < 12; ++h) {
    for (int k = 0; k < 15000; ++k) {
      texts.clear();
      terms.clear();
      // 10 terms a mention from a vocabulary of 200,000 used steadily, each about once an hour.
      for (int w = 0; w < 10; ++w) texts.push_back(named("v", mix(n++) % 200000));
      for (const std::string& t : texts) terms.push_back({term_hash(t), t});
      d.observe(epoch_ms + h * hour_ms + k * 200, terms, mix(n), named("m", n));
    }
    d.advance(epoch_ms + (h + 1) * hour_ms, &out);
  }
  constexpr std::size_t bytes_per_slot = 58;  // signals.h: slot, header, history, doorkeeper
  EXPECT_GT(d.memory_bytes(), 131072 * bytes_per_slot);  // grown past the doorkeeper's 65,536 slots
  EXPECT_LE(d.memory_bytes(), max_memory_bytes(options));
  EXPECT_TRUE(out.empty());  // nothing grows: no signal (and none during the warm-up anyway)
  std::string snapshot, again;
  d.save(&snapshot);
  auto loaded = signal_detector::load(snapshot, options, std::vector<std::string>{});
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  loaded->save(&again);
  EXPECT_TRUE(snapshot == again);
}

TEST(SignalDetector, PhrasesOfWordsNotFollowedTakeNoRoom) {
  // Most phrases of real text pair a rare word with another: they come and go with their
  // words. A phrase enters the table only once both its words are in it, so a stream of
  // words seen twice each, and of their phrases, grows the table as the words alone do.
  auto run = [](bool with_phrases) {
    signal_detector d(signal_options{}, std::vector<std::string>{});
    std::vector<std::string> texts;
    std::vector<term> terms;
    std::vector<weak_signal> out;
    std::uint64_t n = 0;
    // 800 words enter an hour: the table settles at 16,384 slots (it doubles while more
    // than 1/16 of its slots turn over in a window). With their 600 phrases, it would double.
    for (int h = 0; h < 12; ++h) {
      for (int k = 0; k < 200; ++k) {
        texts.clear();
        terms.clear();
        for (int w = 0; w < 4; ++w) texts.push_back(named("u", n++));
        if (with_phrases)
          for (int w = 0; w < 3; ++w) texts.push_back(texts[w] + " " + texts[w + 1]);
        for (const std::string& t : texts) terms.push_back({term_hash(t), t});
        for (int again = 0; again < 2; ++again)  // seen twice: the words enter the table
          d.observe(epoch_ms + h * hour_ms + k * 15000, terms, mix(n + again), named("m", n));
      }
      d.advance(epoch_ms + (h + 1) * hour_ms, &out);
    }
    return d.memory_bytes();
  };
  const std::size_t words_only = run(false);
  EXPECT_EQ(run(true), words_only);
}

TEST(SignalDetector, GarbageSnapshotsFailCleanly) {
  const signal_options options;
  const std::vector<std::string> words;
  stream s(options);
  for (int h = 0; h < 30; ++h) {
    s.background(h, 200);
    s.close(h);
  }
  std::string good;
  s.detector().save(&good);
  ASSERT_TRUE(signal_detector::load(good, options, words).ok());

  EXPECT_EQ(signal_detector::load("", options, words).status().code(), status_code::corruption);
  EXPECT_EQ(signal_detector::load("VIGSIGNL garbage garbage", options, words).status().code(), status_code::corruption);
  EXPECT_EQ(signal_detector::load(good.substr(0, good.size() / 2), options, words).status().code(),
            status_code::corruption);
  std::string flipped = good;
  flipped[flipped.size() / 3] ^= 0x40;
  EXPECT_EQ(signal_detector::load(flipped, options, words).status().code(), status_code::corruption);
  std::string random(good.size(), '\0');
  for (std::size_t i = 0; i < random.size(); ++i) random[i] = static_cast<char>(mix(i));
  EXPECT_EQ(signal_detector::load(random, options, words).status().code(), status_code::corruption);

  signal_options other = options;
  other.window_ms = 5 * 60 * 1000;
  EXPECT_EQ(signal_detector::load(good, other, words).status().code(), status_code::invalid_argument);
  signal_options smaller = options;
  smaller.max_terms = 64;
  smaller.initial_terms = 64;
  EXPECT_EQ(signal_detector::load(good, smaller, words).status().code(), status_code::invalid_argument);
}

TEST(SignalLevel, Names) {
  EXPECT_EQ(to_string(signal_level::weak), "weak");
  EXPECT_EQ(to_string(signal_level::emerging), "emerging");
  EXPECT_EQ(to_string(signal_level::trend), "trend");
}

}  // namespace
}  // namespace vigie::pipeline
