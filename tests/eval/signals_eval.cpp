// signals_eval: how well and how cheaply weak-signal detection (pipeline/signals.h) finds
// emerging terms in synthetic mention streams, and how often it is fooled.
//
// Each watch gets an hourly stream of mention texts, French and English, made of:
// - a background: a Zipf vocabulary (40 real words then pseudo-words, 20,000 per language,
//   exponent 1.05) whose word weights drift (an Ornstein-Uhlenbeck walk of the log weight:
//   sd 0.3, correlation time 7 days, updated every 6 hours: a word's rate moves by ~17% a
//   day, rarely more than x2 in three days), stopwords, the watch's brand
//   (the query word, excluded), hashtags and @handles from their own Zipf lists, URLs,
//   numbers, punctuation; 200 to 2,000 mentions an hour (log-uniform per watch; --volume
//   sets other bounds: busy brands, quiet ones) following a
//   daily activity cycle (night at ~1/4 of the afternoon peak) and a +-15% day-to-day factor;
//   authors from a Zipf pool of regulars (60%) and a large pool of occasional accounts;
// - decoys, never to be reported: daily-cycle terms (a word present 2-3 hours at the same
//   time every day at 3-10% of the volume, from the start), one-off spikes (a new word, a
//   new hashtag or an existing rare word at 15-120 mentions an hour for 1-2 hours, many
//   authors, then gone; about one a day), spam bursts (1-3 accounts posting a template with
//   a new term at 10-80 mentions an hour for 2-12 hours; about one a day);
// - emerging terms, to be reported: ~0.6 per watch-day of the evaluated period, each a new
//   word, a new hashtag, a new pairing of two known mid-frequency words (a bigram), or a
//   known rare word (rank 5,000-15,000) taking off; starting at 1-2 mentions an hour (times the
//   daily activity) and doubling every 6 hours to 4 days (log-uniform) up to a share of the
//   watch's volume where it stays: 1-4% for about a third of them (never a trend), 8-20% for
//   the others. "Trend level" is the generator's rate reaching 5% of the watch's hourly volume.
//   With --slow-starts S, a share S of them start slowly: the same doubling runs from one
//   mention a day, days before the onset (from the stream's start at most), so that the
//   term's own early growth is in its baseline when it reaches 1-2 an hour: "a word that
//   appears in a few mentions and doubles every day". A report of the term from its first
//   mention on is true; delays still count from the onset (a slow starter can be caught
//   before it). The default streams (S = 0) have none: the figures of the README are theirs,
//   and those with --slow-starts 0.5 are given beside them.
//
// Mentions go through term_extractor and signal_detector as in production: arrival order with
// up to a minute of jitter, watermark two minutes behind the newest event time. Scoring, per
// watch: a reported term is true when it is one of the terms of an emerging event's text
// (its bigram, either word, its hashtag) or a bigram with one of those words (a phrase about
// the emerging word), reported at or after the onset; else it is a false signal, put down to
// the decoy it belongs to (daily, spike, spam) or to the background (drift, chance
// co-occurrences). Term-level precision = true terms / reported terms (each
// term counted once, at its first report); recall = events with a true term reported within
// 72 hours of onset / events (onsets leave 72 hours before the end); delay = first report -
// onset; "before trend" = detected before the generator's trend time, over the events that
// reach it. False signals are counted from the end of the detector's warm-up.
//
// Seeds: --seeds tune (1..5) is what the detector's defaults were tuned on; --seeds report
// (101..105, the default) is what is reported. Each seed draws its own vocabularies and
// watches. The cost figures (ns per mention, one core) come from a separate steady-state run
// of one watch at 1,000 mentions an hour: extraction alone, detection alone (observe plus
// the amortised advance), and both.
//
//   signals_eval [--seeds report|tune|N,N...] [--watches N] [--days D] [--quick] [--signals]
//                [--volume LO-HI] [--slow-starts S] [--cost-only] [--option NAME=VALUE]...
//   --signals: every report and event, with the background ranks of a false term's words.
//   --volume: mentions an hour of the watches, drawn log-uniform in [LO, HI] (default 200-2000).
//   --cost-only: only the cost figures. --option: a signal_options field, for tuning.
//   --quick: 2 seeds x 3 watches x 6 evaluated days, smaller timing run; exit status 1 when
//            precision or recall < 0.8 (the ctest signals_eval_smoke).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "pipeline/signals.h"
#include "pipeline/terms.h"

namespace {

using vigie::pipeline::signal_detector;
using vigie::pipeline::signal_level;
using vigie::pipeline::signal_options;
using vigie::pipeline::term;
using vigie::pipeline::term_extractor;
using vigie::pipeline::weak_signal;

constexpr std::int64_t hour_ms = 3600 * 1000;
// 2023-11-14 22:00 UTC: any hour-aligned epoch would do.
constexpr std::int64_t epoch_ms = 472222 * hour_ms;
constexpr int warm_days = 3;           // no event starts before: the background is learned
constexpr int event_horizon_h = 72;    // recall counts detections within this of onset
constexpr double trend_share = 0.05;   // generator's trend level
constexpr std::size_t vocabulary_size = 20000;
constexpr double zipf_exponent = 1.05;

// splitmix64: small, seedable, the same on every platform (std distributions are not).
class rng {
 public:
  explicit rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  double log_uniform(double a, double b) { return std::exp(uniform(std::log(a), std::log(b))); }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  bool chance(double p) { return uniform() < p; }
  double normal() {
    const double u = std::max(uniform(), 1e-300), v = uniform();
    return std::sqrt(-2 * std::log(u)) * std::cos(6.283185307179586 * v);
  }
  std::uint64_t poisson(double lambda) {
    if (!(lambda > 0)) return 0;
    if (lambda > 40) return static_cast<std::uint64_t>(std::max(0.0, std::round(lambda + std::sqrt(lambda) * normal())));
    const double limit = std::exp(-lambda);
    std::uint64_t k = 0;
    for (double p = uniform(); p > limit; p *= uniform()) ++k;
    return k;
  }

 private:
  std::uint64_t s_;
};

std::uint64_t mix(std::uint64_t a, std::uint64_t b) { return rng(a * 0x2545F4914F6CDD1Dull ^ b).next(); }

// Walker/Vose alias table: O(1) draws from a fixed discrete distribution.
class alias_table {
 public:
  void build(const std::vector<double>& w) {
    const std::size_t n = w.size();
    prob_.assign(n, 0);
    alias_.assign(n, 0);
    double total = 0;
    for (double x : w) total += x;
    std::vector<double> p(n);
    std::vector<std::uint32_t> small, large;
    for (std::size_t i = 0; i < n; ++i) {
      p[i] = w[i] * static_cast<double>(n) / total;
      (p[i] < 1 ? small : large).push_back(static_cast<std::uint32_t>(i));
    }
    while (!small.empty() && !large.empty()) {
      const std::uint32_t s = small.back(), l = large.back();
      small.pop_back();
      prob_[s] = p[s];
      alias_[s] = l;
      p[l] -= 1 - p[s];
      if (p[l] < 1) {
        large.pop_back();
        small.push_back(l);
      }
    }
    for (std::uint32_t i : large) prob_[i] = 1;
    for (std::uint32_t i : small) prob_[i] = 1;
  }
  std::size_t sample(rng& r) const {
    const std::size_t i = r.below(prob_.size());
    return r.uniform() < prob_[i] ? i : alias_[i];
  }

 private:
  std::vector<double> prob_;
  std::vector<std::uint32_t> alias_;
};

constexpr const char* fr_real[] = {
    "service", "client", "prix", "produit", "commande", "livraison", "magasin", "qualité", "problème",
    "merci", "équipe", "nouveau", "offre", "compte", "application", "réseau", "message", "site",
    "appel", "semaine", "journée", "année", "conseiller", "réponse", "facture", "colis", "retard",
    "remboursement", "abonnement", "boutique", "vendeur", "achat", "promo", "télé", "voiture",
    "banque", "carte", "mobile", "internet", "forfait"};
constexpr const char* en_real[] = {
    "service", "customer", "price", "product", "order", "delivery", "store", "quality", "problem",
    "thanks", "team", "new", "offer", "account", "app", "network", "message", "website", "call",
    "week", "today", "year", "support", "update", "phone", "love", "great", "bad", "refund",
    "subscription", "shop", "seller", "purchase", "deal", "car", "bank", "card", "internet",
    "plan", "package"};
constexpr const char* fr_stop[] = {"le", "la", "les", "de", "des", "du", "un", "une", "et", "est", "pour",
                                   "pas", "que", "qui", "dans", "sur", "avec", "ce", "il", "je", "on",
                                   "nous", "vous", "à", "au", "en", "mais", "ou", "très", "plus",
                                   "c'est", "j'ai", "ça", "tout", "bien", "encore", "leur", "mon",
                                   "ma", "sa", "l'", "d'", "qu'il", "n'est"};
constexpr const char* en_stop[] = {"the", "a", "to", "and", "is", "of", "in", "it", "for", "on", "this",
                                   "that", "with", "my", "i", "you", "was", "but", "not", "are", "be",
                                   "have", "at", "so", "just", "they", "we", "your", "me", "all", "an",
                                   "if", "it's", "don't", "i'm", "what", "about", "very", "really",
                                   "their"};

std::string pseudo_word(rng& r, bool french) {
  static constexpr const char* fr_onsets[] = {"b", "c", "d", "f", "g", "j", "l", "m", "n", "p", "r", "s",
                                              "t", "v", "ch", "gr", "pl", "tr", "br", "cr", "fl", "v"};
  static constexpr const char* fr_vowels[] = {"a", "e", "i", "o", "u", "é", "è", "ou", "ai", "au", "eau", "an", "on", "in", "oi"};
  static constexpr const char* fr_codas[] = {"", "", "", "r", "l", "s", "n", "x"};
  static constexpr const char* fr_ends[] = {"", "", "e", "er", "é", "eur", "ion", "ette", "ment", "age", "ique", "elle"};
  static constexpr const char* en_onsets[] = {"b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r",
                                              "s", "t", "w", "th", "sh", "st", "bl", "gr", "tr", "sk"};
  static constexpr const char* en_vowels[] = {"a", "e", "i", "o", "u", "ee", "oo", "ea", "ai", "ou", "y"};
  static constexpr const char* en_codas[] = {"", "", "n", "r", "t", "ck", "ll", "st", "ng", "m"};
  static constexpr const char* en_ends[] = {"", "", "er", "ing", "ed", "s", "ly", "tion", "ness", "ble", "ful"};
  std::string w;
  const std::size_t syllables = 2 + r.below(2);
  for (std::size_t s = 0; s < syllables; ++s) {
    if (french) {
      w += fr_onsets[r.below(std::size(fr_onsets))];
      w += fr_vowels[r.below(std::size(fr_vowels))];
      w += fr_codas[r.below(std::size(fr_codas))];
    } else {
      w += en_onsets[r.below(std::size(en_onsets))];
      w += en_vowels[r.below(std::size(en_vowels))];
      w += en_codas[r.below(std::size(en_codas))];
    }
  }
  w += french ? fr_ends[r.below(std::size(fr_ends))] : en_ends[r.below(std::size(en_ends))];
  return w;
}

// The hashes of every term a surface text can give, whatever the mention's language.
std::vector<std::uint64_t> terms_of(term_extractor& ex, std::string_view surface) {
  std::vector<term> terms;
  for (std::string_view lang : {"fr", "en", ""}) ex.extract(surface, lang, &terms);
  std::vector<std::uint64_t> out;
  for (const term& t : terms) out.push_back(t.hash);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Per seed: two vocabularies and a supply of fresh words whose stems none of them has.
struct lexicon {
  std::vector<std::string> words[2];  // 0: French, 1: English; real words first
  std::vector<std::string> tags, handles;
  std::unordered_set<std::uint64_t> known_terms;
  std::unordered_set<std::string> used;

  lexicon(rng& r, term_extractor& ex) {
    for (int lang = 0; lang < 2; ++lang) {
      for (const char* w : lang == 0 ? std::span<const char* const>(fr_real) : std::span<const char* const>(en_real))
        add(ex, lang, w);
      while (words[lang].size() < vocabulary_size) add(ex, lang, pseudo_word(r, lang == 0));
    }
    for (int i = 0; i < 2000; ++i) tags.push_back(fresh(r, ex));
    for (int i = 0; i < 1000; ++i) handles.push_back(fresh(r, ex));
  }
  void add(term_extractor& ex, int lang, const std::string& w) {
    if (used.count(w)) return;
    const auto hashes = terms_of(ex, w);
    if (hashes.empty() || hashes.size() > 3) return;  // a stopword, or split in pieces
    used.insert(w);
    words[lang].push_back(w);
    known_terms.insert(hashes.begin(), hashes.end());
  }
  // A word never used, with no stem in common with any other: a genuinely new term.
  std::string fresh(rng& r, term_extractor& ex) {
    for (;;) {
      std::string w = pseudo_word(r, r.chance(0.5));
      if (used.count(w)) continue;
      const auto hashes = terms_of(ex, w);
      if (hashes.empty()) continue;
      bool clash = false;
      for (std::uint64_t h : hashes) clash = clash || known_terms.count(h) > 0;
      if (clash) continue;
      used.insert(w);
      known_terms.insert(hashes.begin(), hashes.end());
      return w;
    }
  }
};

// '#' + body (a helper rather than operator+, which trips a false -Wrestrict in GCC 12).
std::string hashtag(std::string_view body) {
  std::string s(1, '#');
  s += body;
  return s;
}

std::string camel(std::string_view a, std::string_view b) {
  std::string s(a);
  s += b;
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 32);
  const std::size_t k = a.size();
  if (k < s.size() && s[k] >= 'a' && s[k] <= 'z') s[k] = static_cast<char>(s[k] - 32);
  return s;
}

enum class decoy_kind { daily, spike, spam };
constexpr const char* decoy_names[] = {"daily", "spike", "spam"};

struct burst {  // a spike or a spam campaign
  std::string surface;
  int start_h, end_h;
  double rate;
  std::vector<std::uint64_t> authors;  // spam: its 1-3 accounts; spike: empty (anyone)
};

struct daily_term {
  std::string surface;
  int hour_of_day, hours;
  double share;
};

struct emerging_event {
  std::string surface;
  const char* kind;
  int onset_h;
  int first_h;      // first hour with a mention: onset_h, or earlier for a slow start
  bool slow_start;
  double doubling_h, r0, cap_share;
  double trend_h;  // infinity when the cap is under trend_share
  std::vector<std::uint64_t> accepted;
};

struct mention_record {
  std::int64_t t_ms, arrival_ms;
  std::string text;
  const char* lang;
  std::uint64_t author;
  std::string id;
};

// Daily activity: quiet nights, an afternoon and evening peak; mean 1 over a day.
double activity(int hour_of_day) {
  static const std::vector<double> profile = [] {
    std::vector<double> p(24);
    double sum = 0;
    for (int h = 0; h < 24; ++h) {
      const double d = (h - 15) / 5.0;
      p[h] = 0.25 + 1.1 * std::exp(-d * d);
      sum += p[h];
    }
    for (double& x : p) x *= 24 / sum;
    return p;
  }();
  return profile[static_cast<std::size_t>(hour_of_day)];
}

class watch_stream {
 public:
  // Fresh words for decoys and events come from lex's supply, so that no two watches share one.
  // volume: mentions an hour at mean activity; 0 draws it.
  // slow_starts: the share of emerging events that start slowly (see the top of this file).
  watch_stream(lexicon& lex, term_extractor& ex, std::uint64_t seed, int total_days, int first_event_h,
               double volume = 0, double min_volume = 200, double max_volume = 2000, double slow_starts = 0)
      : lex_(lex), r_(seed), seed_(seed) {
    v0_ = r_.log_uniform(min_volume, max_volume);
    if (volume > 0) v0_ = volume;
    fr_share_ = r_.uniform(0.3, 0.8);
    brand_ = camel(pseudo_word(r_, true), "");
    for (int lang = 0; lang < 2; ++lang) {
      order_[lang].resize(vocabulary_size);
      for (std::size_t i = 0; i < vocabulary_size; ++i) order_[lang][i] = static_cast<std::uint32_t>(i);
      // Real words stay at the top; the pseudo-words are ranked differently in every watch.
      for (std::size_t i = vocabulary_size - 1; i > 40; --i) std::swap(order_[lang][i], order_[lang][40 + r_.below(i - 39)]);
      drift_[lang].assign(vocabulary_size, 0);
      for (double& x : drift_[lang]) x = drift_sd * r_.normal();
    }
    rebuild();
    std::vector<double> w(lex.tags.size());
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = 1 / std::pow(i + 1.0, 1.1);
    tags_.build(w);
    w.assign(lex.handles.size(), 0);
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = 1 / std::pow(i + 1.0, 1.1);
    handles_.build(w);
    for (int d = 0; d < total_days; ++d) day_factor_.push_back(r_.uniform(0.85, 1.15));
    const int hours = total_days * 24;

    lexicon& fresh = lex;
    static constexpr const char* daily_words[] = {"breakfast", "petit-déjeuner", "croissant", "commute",
                                                  "goodnight", "apéro", "lunchbox", "dodo"};
    const int n_daily = 3 + static_cast<int>(r_.below(2));
    for (int i = 0; i < n_daily; ++i) {
      daily_term d{daily_words[(seed + static_cast<std::uint64_t>(i) * 3) % std::size(daily_words)],
                   static_cast<int>(r_.below(24)), 2 + static_cast<int>(r_.below(2)), r_.uniform(0.03, 0.10)};
      daily_.push_back(d);
      add_decoy(ex, d.surface, decoy_kind::daily);
    }
    // Spikes and spam: about one of each a day, from the first day on.
    for (int h = 0; h < hours - 2; ++h) {
      if (r_.chance(1.0 / 24)) {
        burst b;
        const double kind = r_.uniform();
        b.surface = kind < 0.5 ? fresh.fresh(r_, ex)
                    : kind < 0.75 ? new_tag(fresh, ex)
                                  : word(1 - (r_.chance(fr_share_) ? 1 : 0), 5000 + r_.below(10000));
        b.start_h = h;
        b.end_h = h + 1 + static_cast<int>(r_.below(2));
        b.rate = r_.uniform(15, 120);
        add_decoy(ex, b.surface, decoy_kind::spike);
        spikes_.push_back(std::move(b));
      }
      if (r_.chance(1.0 / 24)) {
        burst b;
        b.surface = r_.chance(0.6) ? fresh.fresh(r_, ex) : new_tag(fresh, ex);
        b.start_h = h;
        b.end_h = std::min(hours, h + 2 + static_cast<int>(r_.below(11)));
        b.rate = r_.uniform(10, 80);
        const std::size_t accounts = 1 + r_.below(3);
        for (std::size_t a = 0; a < accounts; ++a) b.authors.push_back(mix(seed_, 0xDEAD0000 + r_.next() % 1000000));
        add_decoy(ex, b.surface, decoy_kind::spam);
        add_decoy(ex, spam_template, decoy_kind::spam);
        spams_.push_back(std::move(b));
      }
    }
    const int eval_days = total_days - first_event_h / 24;
    const int n_events = std::max(1, static_cast<int>(std::lround(eval_days * 0.6)));
    for (int i = 0; i < n_events; ++i) {
      emerging_event e;
      const double kind = r_.uniform();
      const int lang = r_.chance(fr_share_) ? 0 : 1;
      if (kind < 0.35) {
        e.kind = "new word";
        e.surface = fresh.fresh(r_, ex);
      } else if (kind < 0.6) {
        e.kind = "hashtag";
        e.surface = new_tag(fresh, ex);
      } else if (kind < 0.85) {
        e.kind = "bigram";
        const std::size_t first = 100 + r_.below(1900), second = 100 + r_.below(1900);
        e.surface = word(lang, first) + " " + word(lang, second);
      } else {
        e.kind = "rare word";
        e.surface = word(lang, 5000 + r_.below(10000));
      }
      e.onset_h = first_event_h + static_cast<int>(r_.below(static_cast<std::size_t>(hours - event_horizon_h - first_event_h)));
      e.doubling_h = r_.log_uniform(6, 96);
      e.r0 = r_.uniform(1, 2);
      e.cap_share = r_.chance(0.35) ? r_.uniform(0.01, 0.04) : r_.uniform(0.08, 0.20);
      e.trend_h = e.cap_share >= trend_share
                      ? e.onset_h + e.doubling_h * std::log2(std::max(1.0, trend_share * v0_ / e.r0))
                      : std::numeric_limits<double>::infinity();
      // With --slow-starts, some events start slowly: the same doubling from one mention a day, days before
      // the onset (from the start of the stream at most), so that their baseline holds their
      // own early growth. Drawn apart from r_: the other events stay as they were.
      e.slow_start = static_cast<double>(mix(seed_, 0x5105 + static_cast<std::uint64_t>(i)) % 1000) < 1000 * slow_starts;
      e.first_h = e.onset_h;
      if (e.slow_start)
        e.first_h = std::max(0, e.onset_h - static_cast<int>(std::ceil(e.doubling_h * std::log2(e.r0 * 24))));
      e.accepted = terms_of(ex, e.surface);
      events_.push_back(std::move(e));
    }
  }

  // The mentions of hour h, in arrival order.
  void hour(int h, std::vector<mention_record>* out) {
    out->clear();
    if (h % 6 == 0 && h > 0) drift_step();
    const double act = activity(h % 24) * day_factor_[static_cast<std::size_t>(h / 24)];
    for (std::uint64_t n = r_.poisson(v0_ * act); n > 0; --n) emit(h, {}, out);
    for (const daily_term& d : daily_)
      if ((h - d.hour_of_day + 24) % 24 < d.hours)
        for (std::uint64_t n = r_.poisson(d.share * v0_ * act); n > 0; --n) emit(h, d.surface, out);
    for (const burst& b : spikes_)
      if (h >= b.start_h && h < b.end_h)
        for (std::uint64_t n = r_.poisson(b.rate); n > 0; --n) emit(h, b.surface, out);
    for (const burst& b : spams_)
      if (h >= b.start_h && h < b.end_h)
        for (std::uint64_t n = r_.poisson(b.rate); n > 0; --n) emit_spam(h, b, out);
    for (const emerging_event& e : events_)
      if (h >= e.first_h) {
        const double rate = std::min(e.r0 * std::exp2((h - e.onset_h) / e.doubling_h), e.cap_share * v0_);
        for (std::uint64_t n = r_.poisson(rate * act); n > 0; --n) emit(h, e.surface, out);
      }
    std::sort(out->begin(), out->end(), [](const mention_record& a, const mention_record& b) {
      return a.arrival_ms < b.arrival_ms;
    });
  }

  const std::string& brand() const { return brand_; }
  double volume() const { return v0_; }
  const std::vector<emerging_event>& events() const { return events_; }
  const std::unordered_map<std::uint64_t, decoy_kind>& decoys() const { return decoys_; }
  // "fr#1234": where a background term's words sit in this watch's vocabulary (for --signals).
  std::unordered_map<std::uint64_t, std::string> ranks(term_extractor& ex) const {
    std::unordered_map<std::uint64_t, std::string> out;
    for (int lang = 0; lang < 2; ++lang)
      for (std::size_t r = 0; r < vocabulary_size; ++r)
        for (std::uint64_t h : terms_of(ex, word(lang, r))) out.emplace(h, (lang == 0 ? "fr#" : "en#") + std::to_string(r));
    return out;
  }

 private:
  static constexpr double drift_sd = 0.3;
  static constexpr double drift_tau_h = 168;
  static constexpr const char* spam_template = "Gagnez gratuit ! Cliquez vite, offre exclusive";

  // A new CamelCase hashtag of two fresh words (drawn in this order: arguments would not be).
  std::string new_tag(lexicon& fresh, term_extractor& ex) {
    const std::string first = fresh.fresh(r_, ex);
    const std::string second = fresh.fresh(r_, ex);
    return hashtag(camel(first, second));
  }
  const std::string& word(int lang, std::size_t rank) const {
    return lex_.words[lang][order_[lang][std::min(rank, vocabulary_size - 1)]];
  }
  void add_decoy(term_extractor& ex, std::string_view surface, decoy_kind kind) {
    for (std::uint64_t h : terms_of(ex, surface)) decoys_.emplace(h, kind);
  }
  void rebuild() {
    for (int lang = 0; lang < 2; ++lang) {
      std::vector<double> w(vocabulary_size);
      for (std::size_t i = 0; i < vocabulary_size; ++i)
        w[i] = std::exp(drift_[lang][i]) / std::pow(i + 1.0, zipf_exponent);
      content_[lang].build(w);
    }
  }
  void drift_step() {
    const double rho = std::exp(-6 / drift_tau_h), step = drift_sd * std::sqrt(1 - rho * rho);
    for (auto& d : drift_)
      for (double& x : d) x = rho * x + step * r_.normal();
    rebuild();
  }
  std::uint64_t author() {
    // Regulars: a Zipf pool of 20,000 accounts; the rest: one of two million occasional ones.
    if (r_.chance(0.6)) {
      const double u = r_.uniform();
      return mix(seed_, static_cast<std::uint64_t>(std::pow(20000.0, u)));  // ~ 1/x density
    }
    return mix(seed_, 100000 + r_.below(2000000));
  }
  void stamp(int h, mention_record& m) {
    m.t_ms = epoch_ms + h * hour_ms + static_cast<std::int64_t>(r_.below(hour_ms));
    m.arrival_ms = m.t_ms + static_cast<std::int64_t>(r_.below(60000));
    m.id.assign("m").append(std::to_string(seq_++));
  }
  void emit(int h, std::string_view insert, std::vector<mention_record>* out) {
    mention_record m;
    stamp(h, m);
    const int lang = r_.chance(fr_share_) ? 0 : 1;
    m.lang = lang == 0 ? "fr" : "en";
    m.author = author();
    std::string& s = m.text;
    if (r_.chance(0.1)) {
      s += '@';
      s += lex_.handles[handles_.sample(r_)];
      s += ' ';
    }
    const std::size_t length = 15 + r_.below(26);
    const std::size_t brand_at = r_.below(length), insert_at = r_.below(length);
    for (std::size_t i = 0; i < length; ++i) {
      if (i == brand_at) {
        const double k = r_.uniform();
        if (k >= 0.75) s += k < 0.9 ? '#' : '@';
        s += brand_;
        s += ' ';
      }
      if (i == insert_at && !insert.empty()) {
        s += insert;
        s += ' ';
      }
      if (r_.chance(0.42)) {
        s += lang == 0 ? fr_stop[r_.below(std::size(fr_stop))] : en_stop[r_.below(std::size(en_stop))];
      } else if (r_.chance(0.04)) {
        s += std::to_string(r_.below(3000));
      } else {
        s += lex_.words[lang][order_[lang][content_[lang].sample(r_)]];
      }
      if (r_.chance(0.07)) s += ",.!?:"[r_.below(5)];
      s += ' ';
    }
    if (r_.chance(0.25)) {
      s += '#';
      s += lex_.tags[tags_.sample(r_)];
      s += ' ';
    }
    if (r_.chance(0.15)) {
      s += "https://t.co/";
      for (int i = 0; i < 10; ++i) s += "abcdefghijklmnopqrstuvwxyz0123456789"[r_.below(36)];
    }
    out->push_back(std::move(m));
  }
  void emit_spam(int h, const burst& b, std::vector<mention_record>* out) {
    mention_record m;
    stamp(h, m);
    m.lang = "fr";
    m.author = b.authors[r_.below(b.authors.size())];
    m.text = std::string(r_.chance(0.5) ? "Gagnez " : "") + b.surface + " gratuit ! Cliquez vite, offre exclusive " +
             brand_ + " https://spam.example/" + std::to_string(r_.below(100000));
    out->push_back(std::move(m));
  }

  const lexicon& lex_;
  rng r_;
  std::uint64_t seed_;
  std::uint64_t seq_ = 0;
  double v0_, fr_share_;
  std::string brand_;
  std::vector<std::uint32_t> order_[2];
  std::vector<double> drift_[2];
  alias_table content_[2], tags_, handles_;
  std::vector<double> day_factor_;
  std::vector<daily_term> daily_;
  std::vector<burst> spikes_, spams_;
  std::vector<emerging_event> events_;
  std::unordered_map<std::uint64_t, decoy_kind> decoys_;
};

struct totals {
  std::size_t watches = 0, events = 0, detected = 0, trend_events = 0;
  std::size_t detected_trend = 0, before_trend = 0, before_trend_any = 0;
  std::size_t true_terms = 0, false_terms = 0, false_by_kind[4] = {};
  std::size_t first_levels[3] = {}, upgrades = 0;
  double watch_days = 0;
  std::uint64_t mentions = 0, late = 0;
  std::vector<double> delays;
  std::map<std::string, std::pair<int, int>> recall_by_kind;   // detected, total
  std::map<std::string, std::pair<int, int>> recall_by_speed;
  std::map<std::string, std::pair<int, int>> recall_by_start;
  std::size_t max_memory = 0, min_memory = std::numeric_limits<std::size_t>::max();
  double sum_memory = 0;
};

const char* speed_bin(double doubling_h) {
  return doubling_h < 12 ? "doubling 6-12 h" : doubling_h < 24 ? "doubling 12-24 h" : doubling_h < 48 ? "doubling 24-48 h" : "doubling 48-96 h";
}

void run_watch(lexicon& lex, term_extractor& ex, std::uint64_t seed, int days, const signal_options& options,
               double min_volume, double max_volume, double slow_starts, bool print_signals, totals* t) {
  const int total_days = warm_days + days;
  watch_stream stream(lex, ex, seed, total_days, warm_days * 24, 0, min_volume, max_volume, slow_starts);
  const std::vector<std::string> query = {stream.brand()};
  signal_detector detector(options, query);
  std::vector<mention_record> hour;
  std::vector<term> terms;
  std::vector<weak_signal> signals;
  std::int64_t newest = 0;
  for (int h = 0; h < total_days * 24; ++h) {
    stream.hour(h, &hour);
    for (const mention_record& m : hour) {
      terms.clear();
      ex.extract(m.text, m.lang, &terms);
      detector.observe(m.t_ms, terms, m.author, m.id);
      newest = std::max(newest, m.t_ms);
      detector.advance(newest - 120000, &signals);
    }
    t->mentions += hour.size();
  }
  detector.advance(epoch_ms + total_days * 24 * hour_ms, &signals);
  t->late += detector.late_mentions();

  // First report per term; later reports are upgrades.
  std::unordered_map<std::uint64_t, const weak_signal*> first;
  for (const weak_signal& s : signals) {
    const std::uint64_t h = vigie::pipeline::term_hash(s.term);
    if (!first.emplace(h, &s).second) ++t->upgrades;
  }
  std::unordered_map<std::uint64_t, std::vector<std::size_t>> event_of;
  const auto& events = stream.events();
  for (std::size_t i = 0; i < events.size(); ++i)
    for (std::uint64_t h : events[i].accepted) event_of[h].push_back(i);
  std::vector<double> detected_at(events.size(), std::numeric_limits<double>::infinity());
  std::unordered_map<std::uint64_t, std::string> ranks;
  if (print_signals) ranks = stream.ranks(ex);
  for (const auto& [h, s] : first) {
    const double at_h = static_cast<double>(s->detected_at_ms - epoch_ms) / hour_ms;
    // The term itself, or for a bigram either of its words: a phrase made with an emerging
    // word is about that emergence, one made with a decoy's word belongs to the decoy.
    std::vector<std::uint64_t> keys = {h};
    if (const std::size_t space = s->term.find(' '); space != std::string::npos) {
      keys.push_back(vigie::pipeline::term_hash(std::string_view(s->term).substr(0, space)));
      keys.push_back(vigie::pipeline::term_hash(std::string_view(s->term).substr(space + 1)));
    }
    bool true_term = false;
    for (std::uint64_t k : keys)
      if (auto it = event_of.find(k); it != event_of.end())
        for (std::size_t i : it->second)
          if (at_h >= events[i].first_h) {
            true_term = true;
            detected_at[i] = std::min(detected_at[i], at_h);
          }
    ++t->first_levels[static_cast<int>(s->level)];
    int kind = 3;  // background
    if (!true_term) {
      for (std::uint64_t k : keys)
        if (auto d = stream.decoys().find(k); d != stream.decoys().end()) kind = static_cast<int>(d->second);
      ++t->false_by_kind[kind];
    }
    (true_term ? t->true_terms : t->false_terms) += 1;
    if (print_signals) {
      std::string where;
      for (std::size_t k = keys.size() > 1 ? 1 : 0; k < keys.size(); ++k)
        if (auto it = ranks.find(keys[k]); it != ranks.end()) where += " " + it->second;
      std::printf("  watch %016llx v%4.0f h%-4.0f %-5s %-8s %-30s growth %6.1f score %6.1f count %6llu first_seen h%.0f%s\n",
                  static_cast<unsigned long long>(seed), stream.volume(), at_h,
                  true_term ? "TRUE" : kind == 3 ? "bg" : decoy_names[kind], std::string(to_string(s->level)).c_str(),
                  s->term.c_str(), s->growth, s->score, static_cast<unsigned long long>(s->count),
                  static_cast<double>(s->first_seen_ms - epoch_ms) / hour_ms, where.c_str());
    }
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    const emerging_event& e = events[i];
    const double delay = detected_at[i] - e.onset_h;
    const bool hit = delay <= event_horizon_h;
    ++t->events;
    auto& k = t->recall_by_kind[e.kind];
    auto& sp = t->recall_by_speed[speed_bin(e.doubling_h)];
    auto& st = t->recall_by_start[e.slow_start ? "slow start" : "abrupt start"];
    ++k.second;
    ++sp.second;
    ++st.second;
    if (std::isfinite(e.trend_h)) ++t->trend_events;
    if (print_signals)
      std::printf("  watch %016llx %-6s %-9s %-30s first h%d onset h%d doubling %.0f h r0 %.1f cap %.1f%% trend h%.0f detected h%.0f\n",
                  static_cast<unsigned long long>(seed), hit ? "EVENT" : "MISSED", e.kind, e.surface.c_str(), e.first_h, e.onset_h,
                  e.doubling_h, e.r0, 100 * e.cap_share, e.trend_h, detected_at[i]);
    if (!hit) continue;
    ++t->detected;
    ++k.first;
    ++sp.first;
    ++st.first;
    t->delays.push_back(delay);
    if (detected_at[i] <= e.trend_h) ++t->before_trend_any;
    if (!std::isfinite(e.trend_h)) continue;
    ++t->detected_trend;
    if (detected_at[i] <= e.trend_h) ++t->before_trend;
  }
  ++t->watches;
  t->watch_days += total_days - options.warmup_windows / 24.0;
  t->max_memory = std::max(t->max_memory, detector.memory_bytes());
  t->min_memory = std::min(t->min_memory, detector.memory_bytes());
  t->sum_memory += static_cast<double>(detector.memory_bytes());
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const double x = p * static_cast<double>(v.size() - 1);
  const std::size_t i = static_cast<std::size_t>(x);
  return i + 1 < v.size() ? v[i] + (x - static_cast<double>(i)) * (v[i + 1] - v[i]) : v[i];
}

// CPU time of this thread, in ns: the figures do not count time the machine gave to others.
struct thread_clock {
  static std::int64_t now() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
  }
};

// Steady-state cost on one core: ns per mention of extraction, of detection (observe, with
// advance at every mention as a stream processor calls it), and of both.
struct cost {
  double extract_ns, observe_ns, together_ns;
  double words, terms;
};

// The mentions' first half warms the extractor and the detector; the second is measured.
cost measure_cost(const std::vector<mention_record>& all, const std::vector<std::string>& query,
                  const signal_options& options) {
  const std::size_t half = all.size() / 2;
  using clock = thread_clock;
  auto ns = [](std::int64_t d, std::size_t n) { return static_cast<double>(d) / static_cast<double>(n); };
  std::vector<double> extract_runs, observe_runs, together_runs;
  // Runs body(i) for the measured half in batches of 256 mentions, timing only body: each
  // batch's texts and ids are read once beforehand, untimed. In the server a mention's text
  // has just been parsed and matched when its terms are extracted: it is in cache, whereas
  // here 100,000 texts scattered on the heap would make every first read a memory access.
  volatile unsigned touched = 0;
  auto for_batches = [&](std::size_t n, auto&& body, std::int64_t* spent) {
    constexpr std::size_t batch = 256;
    for (std::size_t b = n; b < 2 * n; b += batch) {
      const std::size_t e = std::min(2 * n, b + batch);
      unsigned sum = 0;
      for (std::size_t i = b; i < e; ++i) {
        for (char c : all[i].text) sum += static_cast<unsigned char>(c);
        for (char c : all[i].id) sum += static_cast<unsigned char>(c);
      }
      touched = touched + sum;
      const std::int64_t t0 = clock::now();
      for (std::size_t i = b; i < e; ++i) body(i);
      *spent += clock::now() - t0;
    }
  };
  double words = 0, term_count = 0;
  for (const mention_record& m : all) {
    bool in_word = false;  // words: runs of bytes other than spaces
    for (char c : m.text) {
      words += !in_word && c != ' ';
      in_word = c != ' ';
    }
  }
  for (int run = 0; run < 3; ++run) {
    // Two extractors warmed alike on the first half: the passes over the second half would
    // otherwise leave the together pass a stem cache that has seen its words, and a real
    // stream keeps bringing words it has not seen.
    term_extractor ex, ex_together;
    signal_detector det(options, query);
    std::vector<term> terms;
    std::vector<weak_signal> signals;
    std::int64_t newest = 0;
    auto feed = [&](const mention_record& m) {
      det.observe(m.t_ms, terms, m.author, m.id);
      newest = std::max(newest, m.t_ms);
      det.advance(newest - 120000, &signals);
    };
    for (std::size_t i = 0; i < half; ++i) {  // warm: stem caches, term table, candidates
      terms.clear();
      ex_together.extract(all[i].text, all[i].lang, &terms);
      terms.clear();
      ex.extract(all[i].text, all[i].lang, &terms);
      feed(all[i]);
    }
    // Extraction alone, on the measured half; its terms are kept (texts copied) for the
    // detection-alone pass.
    std::size_t n_terms = 0;
    std::int64_t spent = 0;
    for_batches(half, [&](std::size_t i) {
      terms.clear();
      ex.extract(all[i].text, all[i].lang, &terms);
      n_terms += terms.size();
    }, &spent);
    extract_runs.push_back(ns(spent, half));
    term_count = static_cast<double>(n_terms) / static_cast<double>(half);
    std::string arena;
    std::vector<std::pair<term, std::size_t>> flat;  // the term, and its text's offset in arena
    std::vector<std::size_t> starts;
    for (std::size_t i = half; i < 2 * half; ++i) {
      terms.clear();
      ex.extract(all[i].text, all[i].lang, &terms);
      starts.push_back(flat.size());
      for (const term& t : terms) {
        flat.emplace_back(t, arena.size());
        arena += t.text;
        arena += '\0';
      }
    }
    starts.push_back(flat.size());
    std::vector<term> stored(flat.size());
    for (std::size_t k = 0; k < flat.size(); ++k) {
      stored[k] = flat[k].first;
      stored[k].text = std::string_view(arena.data() + flat[k].second);
    }
    // Detection alone: a copy of the warmed detector, so that the together pass starts from
    // the same state.
    std::string snapshot;
    det.save(&snapshot);
    auto copy = signal_detector::load(snapshot, options, query);
    if (!copy.ok()) {
      std::fprintf(stderr, "signals_eval: snapshot: %s\n", copy.status().to_string().c_str());
      std::exit(1);
    }
    const std::int64_t newest_at_copy = newest;
    spent = 0;
    for_batches(half, [&](std::size_t i) {
      const mention_record& m = all[i];
      copy->observe(m.t_ms, std::span<const term>(stored.data() + starts[i - half], starts[i - half + 1] - starts[i - half]),
                    m.author, m.id);
      newest = std::max(newest, m.t_ms);
      copy->advance(newest - 120000, &signals);
    }, &spent);
    observe_runs.push_back(ns(spent, half));
    newest = newest_at_copy;
    spent = 0;
    for_batches(half, [&](std::size_t i) {
      terms.clear();
      ex_together.extract(all[i].text, all[i].lang, &terms);
      feed(all[i]);
    }, &spent);
    together_runs.push_back(ns(spent, half));
  }
  return {percentile(extract_runs, 0.5), percentile(observe_runs, 0.5), percentile(together_runs, 0.5),
          words / static_cast<double>(all.size()), term_count};
}

// Two halves of synthetic mentions at 1,000 an hour (with the events and decoys of a normal
// watch).
cost measure_synthetic_cost(lexicon& lex, term_extractor& setup, std::size_t half, const signal_options& options) {
  const int days = static_cast<int>(2 * half / 1000 / 24) + 5;  // events need 4 days past their first hour
  watch_stream stream(lex, setup, 0xC057, days, 24, 1000);
  std::vector<mention_record> all, hour;
  for (int h = 0; all.size() < 2 * half; ++h) {
    stream.hour(h, &hour);
    for (mention_record& m : hour) all.push_back(std::move(m));
  }
  all.resize(2 * half);
  return measure_cost(all, {stream.brand()}, options);
}

// Real texts, each mention once: the last tab-separated field of each line of the files (the
// accuracy sets' format), French for a file whose name starts with "fr", else English. The
// files' lines are dealt out in a fixed shuffle at 1,000 mentions an hour, from 5,000 authors.
cost measure_corpus_cost(const std::vector<std::string>& files, const signal_options& options) {
  std::vector<mention_record> all;
  for (const std::string& path : files) {
    std::ifstream in(path);
    if (!in) {
      std::fprintf(stderr, "signals_eval: cannot read %s\n", path.c_str());
      std::exit(2);
    }
    const std::string name = std::filesystem::path(path).filename().string();
    const char* lang = name.starts_with("fr") ? "fr" : "en";
    for (std::string line; std::getline(in, line);) {
      const std::size_t tab = line.rfind('\t');
      std::string text = tab == std::string::npos ? line : line.substr(tab + 1);
      if (!text.empty()) all.push_back({0, 0, std::move(text), lang, 0, {}});
    }
  }
  rng r(0xC0A5);
  for (std::size_t i = all.size(); i > 1; --i) std::swap(all[i - 1], all[r.below(i)]);
  for (std::size_t i = 0; i < all.size(); ++i) {
    all[i].t_ms = static_cast<std::int64_t>(i) * 3600;  // 1,000 an hour
    all[i].arrival_ms = all[i].t_ms;
    all[i].author = mix(r.below(5000), 0xA07);
    all[i].id = "c" + std::to_string(i);
  }
  return measure_cost(all, {}, options);
}

std::vector<std::uint64_t> parse_seeds(const std::string& s) {
  if (s == "tune") return {1, 2, 3, 4, 5};
  if (s == "report") return {101, 102, 103, 104, 105};
  std::vector<std::uint64_t> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t j = std::min(s.find(',', i), s.size());
    out.push_back(std::strtoull(s.substr(i, j - i).c_str(), nullptr, 10));
    i = j + 1;
  }
  return out;
}

// --option name=value: tuning without rebuilding.
bool set_option(signal_options& o, std::string_view arg) {
  const std::size_t eq = arg.find('=');
  if (eq == std::string_view::npos) return false;
  const std::string name(arg.substr(0, eq));
  const double v = std::strtod(std::string(arg.substr(eq + 1)).c_str(), nullptr);
  const std::map<std::string, double*> doubles = {
      {"recent_half_life", &o.recent_half_life}, {"baseline_half_life", &o.baseline_half_life},
      {"prior_count", &o.prior_count},           {"clip_floor", &o.clip_floor},
      {"clip_ratio", &o.clip_ratio},             {"min_growth", &o.min_growth},
      {"min_score", &o.min_score},               {"min_recent_count", &o.min_recent_count},
      {"min_active_windows", &o.min_active_windows}, {"promote_growth", &o.promote_growth},
      {"max_mentions_per_author", &o.max_mentions_per_author},
      {"promote_count", &o.promote_count},       {"release_growth", &o.release_growth},
      {"emerging_share", &o.emerging_share},     {"trend_share", &o.trend_share}};
  const std::map<std::string, std::size_t*> sizes = {
      {"max_terms", &o.max_terms}, {"initial_terms", &o.initial_terms}, {"max_candidates", &o.max_candidates}};
  const std::map<std::string, int*> ints = {{"min_authors", &o.min_authors}, {"warmup_windows", &o.warmup_windows},
                                            {"doorkeeper_windows", &o.doorkeeper_windows}};
  if (auto it = doubles.find(name); it != doubles.end()) *it->second = v;
  else if (auto is = sizes.find(name); is != sizes.end()) *is->second = static_cast<std::size_t>(v);
  else if (auto ii = ints.find(name); ii != ints.end()) *ii->second = static_cast<int>(v);
  else return false;
  return true;
}

int usage() {
  std::fprintf(stderr,
               "usage: signals_eval [--seeds report|tune|N,N...] [--watches N] [--days D] [--quick] [--signals]\n"
               "                    [--volume LO-HI]   (mentions an hour, default 200-2000)\n"
               "                    [--slow-starts S]  (share of emerging terms that start at one a day, default 0)\n"
               "                    [--option NAME=VALUE]...   (signal_options fields)\n"
               "       signals_eval --cost-only [--corpus FILE[,FILE...]]   (cost on real texts: the last\n"
               "                    tab-separated field of each line; French for files named fr*)\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string seeds_name = "report";
  int watches = 4, days = 10;
  double min_volume = 200, max_volume = 2000;
  bool quick = false, print_signals = false, cost_only = false;
  double slow_starts = 0;
  std::vector<std::string> corpus;
  signal_options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--quick") {
      quick = true;
    } else if (a == "--cost-only") {
      cost_only = true;
    } else if (a == "--signals") {
      print_signals = true;
    } else if ((a == "--seeds" || a == "--watches" || a == "--days") && i + 1 < argc) {
      const std::string v = argv[++i];
      if (a == "--seeds") seeds_name = v;
      else if (a == "--watches") watches = std::atoi(v.c_str());
      else days = std::atoi(v.c_str());
    } else if (a == "--slow-starts" && i + 1 < argc) {
      char* end = nullptr;
      slow_starts = std::strtod(argv[++i], &end);
      if (*end != 0 || !(slow_starts >= 0 && slow_starts <= 1)) return usage();
    } else if (a == "--corpus" && i + 1 < argc) {
      for (const std::string_view list = argv[++i]; const auto part : std::views::split(list, ','))
        corpus.emplace_back(std::string_view(part.begin(), part.end()));
    } else if (a == "--volume" && i + 1 < argc) {
      char* end = nullptr;
      min_volume = std::strtod(argv[++i], &end);
      max_volume = *end == '-' ? std::strtod(end + 1, &end) : min_volume;
      if (*end != 0 || !(min_volume >= 1) || !(max_volume >= min_volume) || max_volume > 1e6) return usage();
    } else if (a == "--option" && i + 1 < argc) {
      if (!set_option(options, argv[++i])) return usage();
    } else if (a == "--help" || a == "-h") {
      usage();
      return 0;
    } else {
      return usage();
    }
  }
  std::vector<std::uint64_t> seeds = parse_seeds(seeds_name);
  if (quick) {
    seeds.resize(std::min<std::size_t>(seeds.size(), 2));
    watches = 3;
    days = 6;
  }
  if (seeds.empty() || watches < 1 || days < 4) return usage();

  totals t;
  term_extractor ex;
  const auto start = std::chrono::steady_clock::now();
  std::string seed_list;
  std::unique_ptr<lexicon> last_lexicon;
  if (!corpus.empty() && !cost_only) return usage();
  if (cost_only) {
    rng r(mix(seeds[0], 0x1E8));
    lexicon lex(r, ex);
    const cost c = corpus.empty() ? measure_synthetic_cost(lex, ex, quick ? 30000 : 100000, options)
                                  : measure_corpus_cost(corpus, options);
    std::printf("cost per mention       extract %.0f ns, observe+advance %.0f ns, together %.0f ns"
                " (1 core, 1,000 mentions/h, %s, %.0f words and %.0f terms a mention)\n",
                c.extract_ns, c.observe_ns, c.together_ns, corpus.empty() ? "synthetic FR/EN" : "real texts",
                c.words, c.terms);
    return 0;
  }
  for (std::uint64_t seed : seeds) {
    seed_list += (seed_list.empty() ? "" : " ") + std::to_string(seed);
    rng r(mix(seed, 0x1E8));
    last_lexicon = std::make_unique<lexicon>(r, ex);
    for (int w = 0; w < watches; ++w)
      run_watch(*last_lexicon, ex, mix(seed, static_cast<std::uint64_t>(w) + 1), days, options, min_volume,
                max_volume, slow_starts, print_signals, &t);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const cost c = measure_synthetic_cost(*last_lexicon, ex, quick ? 30000 : 100000, options);

  const double precision = t.true_terms + t.false_terms == 0 ? 0.0 : static_cast<double>(t.true_terms) / static_cast<double>(t.true_terms + t.false_terms);
  const double recall = t.events == 0 ? 0.0 : static_cast<double>(t.detected) / static_cast<double>(t.events);
  std::printf("signals_eval: seeds %s (%s), %d watches each, %d warm-up + %d evaluated days, hourly windows,"
              " %.0f-%.0f mentions an hour, %.0f%% slow starts%s\n",
              seeds_name.c_str(), seed_list.c_str(), watches, warm_days, days, min_volume, max_volume,
              100 * slow_starts, quick ? " [quick]" : "");
  std::printf("  %zu watches, %.2fM mentions (%llu late), %.1f s\n", t.watches, static_cast<double>(t.mentions) / 1e6,
              static_cast<unsigned long long>(t.late), seconds);
  std::printf("term-level precision   %.3f   (%zu reported terms: %zu true, %zu false)\n", precision,
              t.true_terms + t.false_terms, t.true_terms, t.false_terms);
  std::printf("recall within %d h     %.3f   (%zu of %zu emerging terms)\n", event_horizon_h, recall, t.detected, t.events);
  for (const auto& [k, v] : t.recall_by_kind) std::printf("    %-18s %d/%d\n", k.c_str(), v.first, v.second);
  for (const auto& [k, v] : t.recall_by_speed) std::printf("    %-18s %d/%d\n", k.c_str(), v.first, v.second);
  for (const auto& [k, v] : t.recall_by_start) std::printf("    %-18s %d/%d\n", k.c_str(), v.first, v.second);
  std::printf("delay after onset      median %.1f h, p90 %.1f h\n", percentile(t.delays, 0.5), percentile(t.delays, 0.9));
  auto pct = [](std::size_t a, std::size_t b) { return b == 0 ? 0.0 : 100.0 * static_cast<double>(a) / static_cast<double>(b); };
  std::printf("caught before trend    %.1f%% of the detected events that reach trend level (%zu/%zu; %zu of %zu events"
              " reach it); %.1f%% of all detected\n",
              pct(t.before_trend, t.detected_trend), t.before_trend, t.detected_trend, t.trend_events, t.events,
              pct(t.before_trend_any, t.detected));
  std::printf("false signals          %.3f per watch-day (%.0f watch-days after warm-up): daily %.3f, spike %.3f,"
              " spam %.3f, background %.3f\n",
              static_cast<double>(t.false_terms) / t.watch_days, t.watch_days,
              static_cast<double>(t.false_by_kind[0]) / t.watch_days, static_cast<double>(t.false_by_kind[1]) / t.watch_days,
              static_cast<double>(t.false_by_kind[2]) / t.watch_days, static_cast<double>(t.false_by_kind[3]) / t.watch_days);
  std::printf("first reports          weak %zu, emerging %zu, trend %zu; level upgrades %zu\n", t.first_levels[0],
              t.first_levels[1], t.first_levels[2], t.upgrades);
  std::printf("memory per watch       min %.0f KiB, mean %.0f KiB, max %.0f KiB; bound %.0f KiB (max_terms %zu,"
              " max_candidates %zu)\n",
              static_cast<double>(t.min_memory) / 1024, t.sum_memory / static_cast<double>(t.watches) / 1024,
              static_cast<double>(t.max_memory) / 1024,
              static_cast<double>(vigie::pipeline::max_memory_bytes(options)) / 1024, options.max_terms,
              options.max_candidates);
  std::printf("cost per mention       extract %.0f ns, observe+advance %.0f ns, together %.0f ns"
              " (1 core, 1,000 mentions/h, FR/EN, %.0f words and %.0f terms a mention)\n",
              c.extract_ns, c.observe_ns, c.together_ns, c.words, c.terms);
  if (quick && (precision < 0.8 || recall < 0.8)) {
    std::printf("FAIL: precision and recall must be >= 0.8\n");
    return 1;
  }
  return 0;
}
