// signals: weak-signal detection ("signaux faibles"): the rare terms of a watch that grow
// fast, reported before they become trends.
//
// One signal_detector per watch follows every term of the watch's mentions (terms.h) over
// event-time windows (hourly by default), in bounded memory, and raises a weak_signal when a
// term's recent use stands out against its own history:
//
// - Counts are author-deduplicated: within a window, a term counts each author once (a
//   32-bit author sketch per term; past 16 distinct authors every mention counts), so that
//   a few accounts flooding a term move it by a few units, not hundreds.
// - Each window's count is clipped to clip_floor + clip_ratio x the term's recent hourly rate,
//   so a term that jumps for an hour or two (a one-off spike) barely moves its statistics,
//   while a term that keeps growing gets through, window after window.
// - Two exponentially decayed sums of the clipped counts: recent R (half-life
//   recent_half_life windows) and long L (baseline_half_life). L - R weighs the past but not
//   the last hours (the kernel d_L^k - d_R^k rises from 0 then decays): the term's baseline,
//   untouched by the growth being tested. The watch's own volume goes through the same two
//   kernels, so comparing shares rather than counts cancels daily volume cycles and start-up.
//   expected = (L - R + prior_count) x volume_R / (volume_L - volume_R)
//   growth   = R / expected                     (1 for a steady term; large for a new one)
//   score    = R ln(R / expected) - R + expected  (Poisson surprise of R, in nats)
//   A bigram "a b" is expected at least as often as its two words meet by chance,
//   kappa x R_a x R_b / volume_R (kappa = bigrams per mention / (words per mention)^2, measured
//   on the watch): "customer X" is not news because X or "customer" is frequent, nor a
//   phrase around a word that is itself growing.
// - A term is a weak signal when growth >= min_growth, score >= min_score, R >= min_recent_count,
//   it was seen in >= min_active_windows recent windows (decayed count of windows with a
//   mention: a 1-2 hour spike cannot reach it), by >= min_authors distinct authors over the
//   last 12 to 24 windows with no more than max_mentions_per_author mentions each over the
//   same period (1 to 3 accounts, or a few spam campaigns in a row, are not a signal), and in
//   the window that just closed or the one before. A daily-cycle term ("breakfast" each
//   morning) stays near growth 2 at its peak: a full day of history is in its baseline. A
//   bigram one of whose words was already reported is not reported: same topic. This is in
//   the family of Kleinberg's burst detection (a rate well above the term's own past, for
//   several windows) and Yoon's degree of diffusion (distinct authors, growth weighted towards
//   recent windows), with shares of the watch's volume as the unit.
// - Levels, from the term's recent share of the watch's mentions (unclipped): trend at
//   trend_share and above, emerging at emerging_share, weak below. A term is reported once per
//   level, only upwards (weak, then emerging, then trend; or emerging directly); after its
//   first report it is followed for signal_horizon_windows and reported again when it climbs
//   a level, whatever its growth then.
//
// Memory is bounded whatever the input: terms live in a set-associative table of at most
// max_terms slots (it starts at initial_terms and doubles as the watch's vocabulary needs);
// a term enters it on its second sighting within doorkeeper_windows (a 2-bit-per-cell
// "doorkeeper" sketch, 128 KiB and then growing with the table, absorbs the flood of words
// seen once: unique hashtags, typos), and a phrase only once both its words are in the table
// (most phrases of real text pair a rare word with another: they would churn the table and
// the doorkeeper, and a phrase of a new word says no more than the word, followed itself;
// a new phrase of known words, the phrases' point, still enters); when a
// bucket is full the term least used lately leaves, and its long-run count L goes to a
// history sketch (count-min style, largest value per cell) from which it comes back with
// the term: a returning term is not taken for a new one, and collisions only make a past
// look bigger (a later signal, never a false one). Only max_candidates terms at a time get
// the detailed follow-up (raw counts, authors over a day, sample mention ids).
//
//   vigie::pipeline::signal_options options;                  // hourly windows
//   std::vector<std::string> query_words = {"Borel", "Mistrale Telecom"};
//   vigie::pipeline::signal_detector detector(options, query_words);
//   vigie::pipeline::term_extractor extractor;                // per worker thread
//   std::vector<vigie::pipeline::term> terms;
//   std::vector<vigie::pipeline::weak_signal> signals;
//   for (const auto& m : mentions) {                           // in arrival order
//     terms.clear();
//     extractor.extract(m.text, m.lang, &terms);
//     detector.observe(m.created_at_ms, terms, m.author_hash, m.id);
//     detector.advance(watermark_ms, &signals);                // event time minus lateness
//   }
//
// Event time and determinism: windows are [k * window_ms, (k + 1) * window_ms) of the
// mentions' own timestamps; advance() closes a window once the caller's watermark has passed
// its end, and a signal's detected_at is that end. Nothing reads a clock or a random source:
// the same mentions and watermarks, in the same order, give the same signals, however fast
// they are replayed. A mention in a window that advance() already closed is not counted
// (late_mentions()); one more than future_windows past the first open window is not counted
// either (future_mentions()): a wrong clock cannot make the detector jump ahead. The first
// observe() or advance() sets the clock: call advance() with the watermark before the first
// observe() when one is known.
//
// Thread safety: a signal_detector belongs to one thread (the watch's shard); it is not
// synchronised. It may be moved to another thread between calls. observe() allocates nothing
// in steady state; advance() may, when it reports a signal or grows the table. The
// constructor extracts the query words with a term_extractor of its thread, made at the
// first construction there and kept for the thread's life (its stem cache: terms.h).

#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/terms.h"
#include "storage/status.h"

namespace vigie::pipeline {

enum class signal_level : std::uint8_t { weak, emerging, trend };
std::string_view to_string(signal_level level) noexcept;

struct signal_options {
  // Width of the event-time windows counts are kept in and signals raised at. The defaults
  // below that count windows assume hourly windows.
  std::int64_t window_ms = 60 * 60 * 1000;

  // --- memory: bounds whatever the input (max_memory_bytes() gives the total) ---
  // Most terms followed per watch: slots of the term table, a power of two, 58 bytes each
  // (slot 32, bucket header 8, history sketch 16, doorkeeper 2): 14.5 MiB at the default, which
  // only the busiest watches reach (the table grows with the vocabulary in use; a quiet watch
  // stays under 1 MiB). A busy watch has tens to hundreds of thousands of words and phrases in
  // use; with fewer slots its rarer terms are forgotten between two uses and come back looking
  // new, the main source of false signals (tests/eval/signals_eval, report seeds: at 65536
  // slots, precision 0.912 at 200-2,000 mentions an hour and 0.071 at 2,000-8,000, with 10
  // false signals per watch-day; at 262144, 0.994 and 0.917).
  std::size_t max_terms = 262144;
  // Slots a new detector starts with; the table doubles at a window close when more terms
  // entered it during the window than 1/16 of its slots (it turns over too fast to keep the
  // history of terms that come back every few hours). Quiet watches stay small.
  std::size_t initial_terms = 1024;
  // Terms followed closely at a time (raw counts, authors over a day, samples), at most 4095.
  // A term becomes a candidate when its growth reaches promote_growth.
  std::size_t max_candidates = 256;
  // Longer term texts are never candidates; longer mention ids are not kept as samples.
  std::size_t max_term_bytes = 128;
  std::size_t max_sample_id_bytes = 128;
  // Windows past the first open one that still accept mentions; later ones are ignored.
  // Covers a watermark that trails the newest mention by up to this much.
  int future_windows = 2;

  // --- statistics (in windows) ---
  // Half-life of the recent sum R. Longer: fewer false signals from noise, later detection.
  // Keep it above ~6 windows with hourly windows: shorter, and a term that comes back every
  // morning looks like growth at each peak.
  double recent_half_life = 8;
  // Half-life of the long sum L: how far back the baseline remembers.
  double baseline_half_life = 72;
  // No signal before this many windows have closed: everything is new at start-up.
  int warmup_windows = 48;
  // Mentions the baseline is assumed to hold on top of what was seen: a never-seen term is
  // not infinitely surprising. Larger: new terms need more mentions to be reported.
  double prior_count = 1.0;
  // Per-window count clipped to clip_floor + clip_ratio x recent hourly rate (see above).
  double clip_floor = 3.0;
  double clip_ratio = 3.0;
  // Window count after which the doorkeeper forgets: a term must come back within 1 to 2
  // times this to enter the table.
  int doorkeeper_windows = 12;

  // --- evidence for a weak signal (see above) ---
  // Tuned on tests/eval/signals_eval (--seeds tune). min_score also absorbs the multiple
  // testing of thousands of terms an hour: a looser one reports chance clusters of rare words.
  // A term that keeps doubling settles at a growth set by its doubling time, once its own
  // early rise is in its baseline: 7.2 for 12 hours, 4.1 for a day, 2.5 for two days. At 6,
  // a word that starts at one mention a day and doubles daily was never reported (growth
  // 4.1 forever); at 3.5 it is, once its recent count makes min_score. Lower lets background
  // drift through on busy watches (2.5: precision 0.67 at 2,000-8,000 mentions an hour).
  double min_growth = 3.5;
  double min_score = 14.0;
  double min_recent_count = 5.0;
  double min_active_windows = 2.5;
  // Distinct authors over the last 12 to 24 windows (a 64-bit sketch: exact for a handful,
  // approximate beyond): at least min_authors, and no more than max_mentions_per_author
  // recent (deduplicated) mentions per author, so that a few accounts posting every hour, or
  // several small spam campaigns in a row, do not make a signal.
  int min_authors = 5;
  double max_mentions_per_author = 3.0;
  // A term is followed closely once growth >= promote_growth and R >= promote_count, and
  // dropped when its growth falls under release_growth before it was reported.
  double promote_growth = 2.0;
  double promote_count = 2.5;
  double release_growth = 1.5;

  // --- levels ---
  double emerging_share = 0.01;
  double trend_share = 0.05;
  // Windows a reported term is followed for level upgrades.
  int signal_horizon_windows = 168;
};

struct weak_signal {
  std::string term;                // the term's text (terms.h): a stem, "stem stem", "#tag", "@handle"
  signal_level level = signal_level::weak;
  std::int64_t first_seen_ms = 0;  // start of the window the term entered the detector's table
  std::int64_t detected_at_ms = 0; // end of the window whose close raised this report
  std::uint64_t count = 0;         // mentions with the term since first_seen (before it was a
                                   // candidate: the author-deduplicated decayed estimate)
  double growth = 0;               // recent share / baseline share (see the top of this file)
  double score = 0;                // Poisson surprise of the recent count, in nats
  std::vector<std::string> sample_mention_ids;  // up to 5, recent, from different authors
};

// Upper bound of signal_detector::memory_bytes() for these options.
std::size_t max_memory_bytes(const signal_options& options) noexcept;

class signal_detector {
 public:
  // excluded_words: the watch's own query words as the user typed them ("Borel", "Mistrale
  // Telecom", "recycl*"); they, their folds and stems, their #tag and @handle forms (a
  // phrase's words run together: #MistraleTelecom), the bigrams that contain them, and with
  // a trailing '*' every word that starts so, are never signals: every mention of the watch
  // has them.
  signal_detector(const signal_options& options, std::span<const std::string> excluded_words);
  ~signal_detector();
  signal_detector(signal_detector&&) noexcept;
  signal_detector& operator=(signal_detector&&) noexcept;
  signal_detector(const signal_detector&) = delete;
  signal_detector& operator=(const signal_detector&) = delete;

  // A mention of the watch at event time t_ms, with its distinct terms (terms.h; at most
  // max_terms_per_mention are looked at) and a hash of its author (any stable 64-bit hash;
  // 0 for unknown: all unknown authors are then one author).
  void observe(std::int64_t t_ms, std::span<const term> terms, std::uint64_t author_hash,
               std::string_view mention_id);

  // Closes every window that ends at or before watermark_ms, in order, and appends the
  // signals and level upgrades they raise to *out. A watermark that goes back is ignored.
  void advance(std::int64_t watermark_ms, std::vector<weak_signal>* out);

  // Whether the term is of the watch's own query (excluded_words): a query word in any form,
  // or a phrase or tag around one. Every mention of the watch has such terms: they are never
  // news, as signals or as what sets a spike apart.
  bool is_query_term(const term& t) const;

  // The watch's query changed: from now on its words (as excluded_words above) are never
  // signals, and the words it no longer has may be. A term being followed that the new query
  // names is dropped; a term the old one excluded is judged again from its next window.
  void set_query_words(std::span<const std::string> words);

  // Heap and object bytes held; never more than max_memory_bytes(options).
  std::size_t memory_bytes() const noexcept;

  // Mentions not counted: in a closed window, or too far ahead (see the top of this file).
  std::uint64_t late_mentions() const noexcept;
  std::uint64_t future_mentions() const noexcept;

  // Appends a versioned, checksummed snapshot of the whole state to *out. load() with the
  // same options and words gives a detector that goes on exactly as this one would.
  void save(std::string* out) const;
  // Fails with corruption on bytes that are not a snapshot (truncated, altered, another
  // version), with invalid_argument when the snapshot does not fit these options (another
  // window_ms or future_windows, more terms or candidates than the bounds allow).
  [[nodiscard]] static result<signal_detector> load(std::string_view bytes, const signal_options& options,
                                                     std::span<const std::string> excluded_words);

 private:
  struct state;
  friend std::size_t max_memory_bytes(const signal_options& options) noexcept;
  explicit signal_detector(std::unique_ptr<state> s);
  std::unique_ptr<state> state_;
};

}  // namespace vigie::pipeline
