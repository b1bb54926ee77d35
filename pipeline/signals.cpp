#include "pipeline/signals.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "pipeline/internal/lexicon_hash.h"

namespace vigie::pipeline {
namespace {

static_assert(std::endian::native == std::endian::little, "snapshots are little-endian memory images");

constexpr std::size_t bucket_slots = 8;
// Header value of a slot that must not be evicted: a candidate.
constexpr std::uint16_t pinned_value = 0xFFFF;
// Smallest table: 8 buckets.
constexpr std::size_t min_terms = 64;
// The table doubles at a window close when the terms that entered it during the window
// (second sightings) exceed 1/growth_turnover of its slots. A term needs its first few
// mentions to stay in the table long enough to build a history: the most recent entries are
// evicted last, so with ~16 windows of turnover a term coming back every few hours is kept.
// Smaller tables turn over faster, and terms of moderate frequency keep coming back as "new".
constexpr std::uint64_t growth_turnover = 16;
// History sketch (see state::history): rows of history_cells_per_slot cells per table slot.
constexpr std::size_t history_rows = 2;
constexpr std::size_t history_cells_per_slot = 4;
// Its cells age all at once, every history_epoch_windows windows (a pass over the sketch).
constexpr std::uint32_t history_epoch_windows = 32;
// Long-run counts below this are not kept when a term leaves the table: under a few
// mentions over the baseline half-life, the term is as good as new when it comes back.
constexpr float history_min_count = 4.0f;
// Doorkeeper cells per table slot, 2 bits each (this generation, previous generation). At
// eight cells per slot a flood of single-use terms sets few enough bits that most of it is
// kept out.
constexpr std::size_t doorkeeper_cells_per_slot = 8;
// The doorkeeper holds cells for at least this many table slots (128 KiB) from the start,
// and grows with the table past it.
constexpr std::size_t doorkeeper_min_slots = 65536;
// Candidates' author sketch turns over every generation_windows: a candidate's distinct
// authors are those of the last 12 to 24 windows.
constexpr std::uint32_t generation_windows = 12;
// A candidate without a mention for this many windows is dropped: its topic is over.
constexpr std::uint32_t stale_windows = 24;
constexpr std::size_t max_samples = 5;
constexpr std::uint32_t no_slot = 0xFFFFFFFF;
// Words and forms excluded from one watch's query at most: bounds the exclusion list.
constexpr std::size_t max_excluded = 4096;
// A candidate index takes 12 bits of the slot flags.
constexpr std::size_t max_candidate_index = 4095;
// Decay factors d^k for gaps of k windows are tabulated up to this; longer gaps call pow.
constexpr std::size_t decay_table_size = 64;
// A watermark this many windows ahead restarts the detector instead of closing every window
// in between: everything would have decayed to nothing anyway, and a far-future watermark
// must not cost time proportional to its distance.
constexpr std::int64_t restart_gap_windows = 4096;

// Slot flags: candidate index + 1 (0: none), excluded (a query word, or a term of a topic
// already reported: never a candidate), highest level reported so far (0: none, 1 weak,
// 2 emerging, 3 trend), and whether the term is a word of a reported phrase.
constexpr std::uint16_t candidate_mask = 0x0FFF;
constexpr std::uint16_t excluded_flag = 0x1000;
constexpr int reported_shift = 13;
constexpr std::uint16_t reported_mask = 0x6000;
constexpr std::uint16_t phrase_word_flag = 0x8000;

// One cache line: a lookup reads it, then at most the one slot whose fingerprint matches; an
// insertion picks its victim from it alone.
struct bucket_header {
  std::uint32_t fp[bucket_slots];     // fingerprint(hash); 0: empty slot
  std::uint16_t value[bucket_slots];  // value_key() of the slot's recent count R, at stamp:
                                      // the least used lately leaves first
  std::uint16_t stamp[bucket_slots];  // low 16 bits of the window value was set in
};
static_assert(sizeof(bucket_header) == 64);

struct term_slot {
  std::uint64_t hash;
  std::uint32_t window;    // relative window whose mentions count holds; earlier ones are folded
  std::uint32_t authors;   // authors seen in window (one bit each, hashed with the term)
  float recent;            // R: decayed sum of clipped counts, windows before `window`
  float baseline;          // L: same, long half-life
  std::uint16_t count;     // author-deduplicated mentions in `window`
  std::uint16_t active;    // decayed count of windows with a mention, x 256
  std::uint16_t born;      // low 16 bits of the window the slot was filled in
  std::uint16_t flags;
};
static_assert(sizeof(term_slot) == 32);

// The hashes of a phrase's two words: as extract() gave them, or from its text. False, with
// parts left alone, for a term that is not a phrase.
bool words_of(const term& t, std::uint64_t parts[2]) noexcept {
  if (t.first_word != 0) {
    parts[0] = t.first_word;
    parts[1] = t.second_word;
    return true;
  }
  const std::size_t space = t.text.find(' ');
  if (space == std::string_view::npos) return false;
  parts[0] = term_hash(t.text.substr(0, space));
  parts[1] = term_hash(t.text.substr(space + 1));
  return true;
}

std::uint32_t fingerprint(std::uint64_t hash) noexcept { return static_cast<std::uint32_t>(hash >> 32) | 1u; }

// Bits set in x. std::popcount is a call into libgcc on baseline x86-64 (no POPCNT
// instruction assumed): this is a dozen inline instructions.
int popcount32(std::uint32_t x) noexcept {
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  x = (x + (x >> 4)) & 0x0F0F0F0Fu;
  return static_cast<int>((x * 0x01010101u) >> 24);
}

// Bit k set when fp[k] == fp. Two SSE2 compares rather than a loop whose exit, at a
// different slot for each term, the branch predictor cannot learn.
unsigned match_mask(const bucket_header& h, std::uint32_t fp) noexcept {
#if defined(__SSE2__)
  static_assert(bucket_slots == 8);
  const __m128i key = _mm_set1_epi32(static_cast<int>(fp));
  const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h.fp));
  const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h.fp + 4));
  return static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(lo, key)))) |
         static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(hi, key)))) << 4;
#else
  unsigned m = 0;
  for (std::size_t k = 0; k < bucket_slots; ++k) m |= static_cast<unsigned>(h.fp[k] == fp) << k;
  return m;
#endif
}

// The first slot k of the bucket with fp[k] == fp, or bucket_slots.
std::size_t first_match(const bucket_header& h, std::uint32_t fp) noexcept {
  const unsigned m = match_mask(h, fp);
  return m == 0 ? bucket_slots : static_cast<std::size_t>(std::countr_zero(m));
}

// Log-scale protection value of a count: the top 16 bits of a positive float grow with
// log2(x), 128 steps per doubling, so ageing by k windows is an integer subtraction.
constexpr std::uint32_t key_offset = (std::bit_cast<std::uint32_t>(1.0f / 64) >> 16) - 1;
std::uint16_t value_key(float x) noexcept {
  if (!(x >= 1.0f / 64)) return 0;  // also NaN
  const std::uint32_t key = (std::bit_cast<std::uint32_t>(x) >> 16) - key_offset;
  return static_cast<std::uint16_t>(std::min<std::uint32_t>(key, pinned_value - 1));
}

// The count a value_key() stands for (to within 1%).
float key_value(std::uint16_t key) noexcept {
  return key == 0 ? 0.0f : std::bit_cast<float>((std::uint32_t{key} + key_offset) << 16);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) --q;
  return q;
}

std::size_t round_up_pow2(std::size_t x, std::size_t lo, std::size_t hi) noexcept {
  x = std::clamp(x, lo, hi);
  return std::bit_ceil(x) > hi ? std::bit_floor(x) : std::bit_ceil(x);
}

// Distinct authors from a 64-bit linear-counting sketch.
double distinct_authors(std::uint64_t bits) noexcept {
  const int set = std::popcount(bits);
  if (set >= 64) return std::numeric_limits<double>::infinity();
  return -64.0 * std::log1p(-set / 64.0);
}

// The options as the detector uses them: sizes rounded and bounded, nonsense replaced.
signal_options sanitized(signal_options o) {
  if (o.window_ms < 1) o.window_ms = 1;
  o.max_terms = round_up_pow2(o.max_terms, min_terms, std::size_t{1} << 26);
  o.initial_terms = round_up_pow2(o.initial_terms, min_terms, o.max_terms);
  o.max_candidates = std::clamp<std::size_t>(o.max_candidates, 1, max_candidate_index);
  o.max_term_bytes = std::clamp<std::size_t>(o.max_term_bytes, 1, 4096);
  o.max_sample_id_bytes = std::min<std::size_t>(o.max_sample_id_bytes, 4096);
  o.future_windows = std::clamp(o.future_windows, 0, 1024);
  if (!(o.recent_half_life > 0.1)) o.recent_half_life = 0.1;
  if (!(o.baseline_half_life > o.recent_half_life)) o.baseline_half_life = 2 * o.recent_half_life;
  o.warmup_windows = std::max(o.warmup_windows, 0);
  o.doorkeeper_windows = std::max(o.doorkeeper_windows, 1);
  o.signal_horizon_windows = std::max(o.signal_horizon_windows, 1);
  return o;
}

struct candidate {
  std::uint64_t hash = 0;
  std::uint32_t slot = 0;
  std::uint32_t promoted = 0;     // relative windows
  std::uint32_t last_active = 0;
  std::uint32_t reported_at = 0;  // first report; meaningful when qualified
  std::uint8_t live = 0;
  std::uint8_t qualified = 0;     // reported once: followed for upgrades whatever its growth
  std::uint8_t sample_count = 0;
  std::uint8_t sample_next = 0;
  std::uint64_t parts[2] = {};    // a phrase's two words (term_hash), else 0
  float growth = 0;               // at the last evaluation: which candidate to give up first
  float raw_recent = 0;           // decayed sum of unclipped counts: the term's share
  std::uint64_t count = 0;
  std::uint64_t authors[2] = {};  // this generation, previous one
  std::uint32_t mentions[2] = {}; // mentions in the same two generations
  std::string text;
  std::array<std::string, max_samples> samples;
};

// Little-endian snapshot writer and bounds-checked reader.
class writer {
 public:
  explicit writer(std::string* out) : out_(out) {}
  template <class T>
  void put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_->append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  void bytes(const void* p, std::size_t n) {
    if (n != 0) out_->append(static_cast<const char*>(p), n);
  }
  void text(std::string_view s) {
    put(static_cast<std::uint32_t>(s.size()));
    out_->append(s);
  }

 private:
  std::string* out_;
};

class reader {
 public:
  explicit reader(std::string_view in) : in_(in) {}
  template <class T>
  bool get(T* v) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (in_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(v, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool bytes(void* p, std::size_t n) {
    if (in_.size() - pos_ < n) return false;
    if (n == 0) return true;  // an empty vector's data() may be null
    std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool text(std::string* s, std::size_t max) {
    std::uint32_t n;
    if (!get(&n) || n > max || in_.size() - pos_ < n) return false;
    s->assign(in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool done() const noexcept { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

constexpr char snapshot_magic[8] = {'V', 'I', 'G', 'S', 'I', 'G', 'N', 'L'};
constexpr std::uint32_t snapshot_version = 1;

}  // namespace

std::string_view to_string(signal_level level) noexcept {
  switch (level) {
    case signal_level::weak: return "weak";
    case signal_level::emerging: return "emerging";
    case signal_level::trend: return "trend";
  }
  return "unknown";
}

struct signal_detector::state {
  explicit state(const signal_options& o, std::span<const std::string> excluded_words);

  // --- the term table ---
  std::uint16_t* history_cell(std::uint64_t hash, std::size_t row) noexcept {
    // Each row uses its own mix of the hash, low bits first, so that doubling the sketch
    // keeps every term's cell at i or i + old size.
    const std::size_t cells = slots.size() * history_cells_per_slot;
    const std::uint64_t m = (hash ^ (hash >> 31)) * (row == 0 ? 0xD6E8FEB86659FD93ull : 0xA0761D6478BD642Full);
    return &history[row * cells + ((m >> 24) & (cells - 1))];
  }
  // Key units a history cell loses over the windows since the last epoch.
  std::int32_t history_age(std::uint32_t window) const noexcept {
    return static_cast<std::int32_t>(std::lround((window - history_epoch) * 128 / opt.baseline_half_life));
  }
  void spill(const term_slot& s, std::uint32_t window) noexcept;
  float recall(std::uint64_t hash, std::uint32_t window) noexcept;
  term_slot* find(std::uint64_t hash, std::uint32_t* index) noexcept;
  // Whether both words of the phrase t are in the table: a phrase enters it only then (see
  // signals.h). Told from the bucket headers alone; a fingerprint that matches another term
  // (rare: 31 bits) only lets the phrase in a little early.
  bool words_followed(const term& t) const noexcept {
    std::uint64_t parts[2];
    if (!words_of(t, parts)) return true;  // a bare hash: nothing to check
    return match_mask(headers[parts[0] & bucket_mask], fingerprint(parts[0])) != 0 &&
           match_mask(headers[parts[1] & bucket_mask], fingerprint(parts[1])) != 0;
  }
  const std::uint64_t* doorkeeper_word(std::uint64_t hash, int* shift) const noexcept {
    const std::size_t cell = (hash * 0x9E3779B97F4A7C15ull) >> doorkeeper_shift;
    *shift = static_cast<int>(cell & 31) * 2;
    return &doorkeeper[cell >> 5];
  }
  term_slot* admit(std::uint64_t hash, std::uint32_t window, std::uint32_t* index) noexcept;
  // The slot of the bucket a newcomer takes: an empty one, else the one least used lately
  // that is not a candidate; -1 when all are candidates.
  int pick_victim(const bucket_header& h, std::uint32_t window) const noexcept {
    if (const unsigned empty = match_mask(h, 0)) return std::countr_zero(empty);
    // The lowest aged value, first slot on a tie: aged x 8 + k orders both at once, and a
    // running minimum compiles to conditional moves. A loop that branched on each
    // comparison mispredicted on most admissions (the victim is anywhere in the bucket).
    constexpr std::int64_t none = std::numeric_limits<std::int64_t>::max();
    std::int64_t lowest = none;
    for (std::size_t k = 0; k < bucket_slots; ++k) {
      const std::uint32_t age = (window - h.stamp[k]) & 0xFFFF;
      const std::int64_t aged = std::int64_t{h.value[k]} * 16 - std::int64_t{age} * value_decay;
      const std::int64_t key = h.value[k] == pinned_value ? none : aged * 8 + static_cast<std::int64_t>(k);
      lowest = std::min(lowest, key);
    }
    return lowest == none ? -1 : static_cast<int>(lowest & 7);
  }
  // Brings s up to window target. Sets its eviction value too unless the caller is about to
  // (observe() counts a mention right after, which sets it again from count 1).
  void fold(term_slot& s, std::uint32_t target, bool set_eviction_value = true) noexcept;
  // The count of s's window as it enters the sums: clipped to the term's recent rate.
  float clipped_count(const term_slot& s) const noexcept;
  void set_value(std::uint32_t index, float x, std::uint32_t window) noexcept {
    bucket_header& h = headers[index / bucket_slots];
    const std::size_t k = index % bucket_slots;
    if (h.value[k] == pinned_value) return;
    h.value[k] = value_key(x);
    h.stamp[k] = static_cast<std::uint16_t>(window & 0xFFFF);
  }
  void maybe_grow();
  void allocate_table(std::size_t slot_count);

  // --- statistics and candidates ---
  double expected(const term_slot& s, const std::uint64_t* parts, std::uint32_t window) noexcept;
  float recent_of(std::uint64_t hash, std::uint32_t window) noexcept;
  void consider(term_slot& s, std::uint32_t index, const term& t, std::uint32_t window);
  bool is_excluded(const term& t) const;
  // Fills excluded and excluded_prefixes from the query's words.
  void exclude(std::span<const std::string> words);
  void release(candidate& c) noexcept;
  void count_mention(term_slot& s, std::uint64_t author_hash, std::string_view mention_id, std::uint32_t window);
  void close_window(std::vector<weak_signal>* out);
  void evaluate(candidate& c, std::uint32_t window, std::vector<weak_signal>* out);
  // Whether a candidate is a term of a topic already reported: a phrase around a reported word
  // or sharing a word with a reported phrase, a word of a reported phrase, or a term whose
  // latest mentions are mostly those of a reported term still followed (one story).
  bool redundant(const candidate& c) noexcept;
  void restart(std::int64_t window);

  std::int64_t window_ms(std::int64_t absolute_window) const noexcept {
    if (absolute_window > std::numeric_limits<std::int64_t>::max() / opt.window_ms)
      return std::numeric_limits<std::int64_t>::max();
    if (absolute_window < std::numeric_limits<std::int64_t>::min() / opt.window_ms)
      return std::numeric_limits<std::int64_t>::min();
    return absolute_window * opt.window_ms;
  }
  float decay(const std::array<float, decay_table_size>& table, double d, std::uint64_t k) const noexcept {
    return k < decay_table_size ? table[k] : static_cast<float>(std::pow(d, static_cast<double>(k)));
  }

  signal_options opt;
  std::vector<std::uint64_t> excluded;  // sorted term hashes
  std::vector<std::string> excluded_prefixes;  // from wildcards: "recycl*"
  double d_recent, d_base;
  std::array<float, decay_table_size> pow_recent, pow_base;
  std::int32_t value_decay;   // header value units (1/2048 doubling) a slot loses per window

  // Clock: relative window r is absolute window origin + r; current is the first open one.
  bool clock_set = false;
  std::int64_t origin = 0;
  std::uint32_t current = 0;
  std::uint64_t closed = 0;  // windows closed since the (re)start: warm-up
  std::uint64_t late = 0, future = 0, dropped = 0;
  std::vector<std::uint64_t> volume;  // mentions per open window, ring by relative window
  double volume_recent = 0, volume_base = 0;
  // Single-word terms (words, tags) and phrases of the mentions, in open windows and decayed
  // (long half-life): how often two given words meet by chance (see expected()).
  std::uint64_t words_open = 0, phrases_open = 0;
  double words_base = 0, phrases_base = 0;

  std::size_t bucket_mask = 0;
  std::uint64_t admissions = 0;  // terms that entered the table in the open window
  int doorkeeper_shift = 0;
  std::vector<bucket_header> headers;
  std::vector<term_slot> slots;
  std::vector<std::uint64_t> doorkeeper;  // 32 cells of 2 bits per word
  // Long-run counts of the terms the table let go, so that a term that comes back is not
  // taken for a new one: each cell holds the largest value_key() of the long-run counts of
  // the terms that map to it (as of window history_epoch), a term's past is the smallest of
  // its cells. Collisions can only make a term's past look bigger: a missed or later signal,
  // never a false one. Four 2-byte cells per table slot remember several times more terms
  // than the table holds.
  std::vector<std::uint16_t> history;
  std::uint32_t history_epoch = 0;

  std::vector<std::uint32_t> found;  // observe()'s scratch: the slot of each term, or no_slot

  std::vector<candidate> candidates;
  std::vector<std::uint16_t> free_candidates;
  std::size_t live_candidates = 0;
  // consider()'s weakest candidate not yet reported (index, -1: none), while weakest_valid:
  // when the candidates are full, terms keep asking for a place, and a scan of every
  // candidate each time costs more than the rest of observe(). Any change to a candidate's
  // live, qualified or growth clears weakest_valid.
  std::int32_t weakest = -1;
  bool weakest_valid = false;
};

signal_detector::state::state(const signal_options& o, std::span<const std::string> excluded_words)
    : opt(sanitized(o)) {
  d_recent = std::exp2(-1.0 / opt.recent_half_life);
  d_base = std::exp2(-1.0 / opt.baseline_half_life);
  for (std::size_t k = 0; k < decay_table_size; ++k) {
    pow_recent[k] = static_cast<float>(std::pow(d_recent, static_cast<double>(k)));
    pow_base[k] = static_cast<float>(std::pow(d_base, static_cast<double>(k)));
  }
  value_decay = std::max(1, static_cast<std::int32_t>(std::lround(16 * 128 / opt.recent_half_life)));
  volume.assign(static_cast<std::size_t>(opt.future_windows) + 1, 0);
  found.resize(max_terms_per_mention);
  allocate_table(opt.initial_terms);
  exclude(excluded_words);
}

void signal_detector::state::exclude(std::span<const std::string> excluded_words) {
  excluded.clear();
  excluded_prefixes.clear();
  // The query's words in every form a mention's terms can take: folded (no stemmer), stemmed
  // in French and in English, as a #tag and an @handle. One extractor per thread serves every
  // detector it builds: a new one would allocate and clear its stem cache (terms.h) each time,
  // which cost more than the rest of the construction together (0.3 to 10 ms a detector).
  if (excluded_words.empty()) return;
  thread_local term_extractor extractor;
  std::vector<term> terms;
  std::string tag;
  for (const std::string& word : excluded_words) {
    for (std::string_view lang : {"", "fr", "en"}) {
      terms.clear();
      extractor.extract(word, lang, &terms);
      for (const term& t : terms) {
        if (excluded.size() + 3 > max_excluded) break;
        excluded.push_back(t.hash);
        if (lang.empty() && t.text.find(' ') == std::string_view::npos && t.text[0] != '#' && t.text[0] != '@') {
          for (char sigil : {'#', '@'}) {
            tag.assign(1, sigil);
            tag += t.text;
            excluded.push_back(term_hash(tag));
          }
        }
      }
    }
    if (word.find(' ') != std::string::npos) {
      // A phrase's tag and handle are its words run together, or joined by '_': "Borel
      // Telecom" is written #BorelTelecom, @boreltelecom, @borel_telecom.
      std::string joined, underscored;
      for (char c : word) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x80 || std::isalnum(u) || c == '_') {
          joined.push_back(c);
          underscored.push_back(c);
        } else if (c == ' ' && !underscored.empty() && underscored.back() != '_') {
          underscored.push_back('_');
        }
      }
      for (const std::string* form : {&joined, &underscored}) {
        for (char sigil : {'#', '@'}) {
          terms.clear();
          extractor.extract(std::string(1, sigil) + *form, "", &terms);
          for (const term& t : terms) {
            if (excluded.size() < max_excluded && (t.text[0] == '#' || t.text[0] == '@')) excluded.push_back(t.hash);
          }
        }
      }
    }
    if (word.size() > 1 && word.back() == '*' && excluded_prefixes.size() < max_excluded) {
      terms.clear();
      extractor.extract(std::string_view(word).substr(0, word.size() - 1), "", &terms);
      if (terms.size() == 1) excluded_prefixes.emplace_back(terms[0].text);
    }
  }
  std::sort(excluded.begin(), excluded.end());
  excluded.erase(std::unique(excluded.begin(), excluded.end()), excluded.end());
  excluded.shrink_to_fit();
  excluded_prefixes.shrink_to_fit();
}

void signal_detector::state::allocate_table(std::size_t slot_count) {
  headers.assign(slot_count / bucket_slots, bucket_header{});
  slots.assign(slot_count, term_slot{});
  bucket_mask = slot_count / bucket_slots - 1;
  history.assign(slot_count * history_cells_per_slot * history_rows, 0);
  // The doorkeeper starts large (doorkeeper_min_slots, or max_terms when smaller): a small
  // one would fill up with a busy watch's single-use terms, let them all in, and so grow the
  // table for nothing. Past that, it doubles with the table: one more bit of each cell's
  // index, so cell i becomes cells 2i and 2i + 1, both with its bits.
  const std::size_t cells = std::max(slot_count, std::min(opt.max_terms, doorkeeper_min_slots)) * doorkeeper_cells_per_slot;
  if (doorkeeper.size() * 32 < cells) {
    const std::vector<std::uint64_t> old = std::move(doorkeeper);
    doorkeeper.assign(cells / 32, 0);
    const std::size_t factor = cells / 32 / std::max<std::size_t>(old.size(), 1);
    for (std::size_t c = 0; c < old.size() * 32; ++c) {
      const std::uint64_t bits = (old[c >> 5] >> ((c & 31) * 2)) & 3;
      for (std::size_t k = c * factor; k < (c + 1) * factor; ++k) doorkeeper[k >> 5] |= bits << ((k & 31) * 2);
    }
    doorkeeper_shift = 64 - std::countr_zero(cells);
  }
}

term_slot* signal_detector::state::find(std::uint64_t hash, std::uint32_t* index) noexcept {
  const std::size_t b = hash & bucket_mask;
  for (unsigned m = match_mask(headers[b], fingerprint(hash)); m != 0; m &= m - 1) {
    const std::size_t k = static_cast<std::size_t>(std::countr_zero(m));
    term_slot& s = slots[b * bucket_slots + k];
    if (s.hash == hash) {
      *index = static_cast<std::uint32_t>(b * bucket_slots + k);
      return &s;
    }
  }
  return nullptr;
}

term_slot* signal_detector::state::admit(std::uint64_t hash, std::uint32_t window, std::uint32_t* index) noexcept {
  // First sighting within the doorkeeper's memory: remembered in 2 bits, not in the table.
  int shift;
  std::uint64_t& word = *const_cast<std::uint64_t*>(doorkeeper_word(hash, &shift));
  if (((word >> shift) & 3) == 0) {
    word |= std::uint64_t{1} << shift;
    return nullptr;
  }
  const std::size_t b = hash & bucket_mask;
  bucket_header& h = headers[b];
  const int victim = pick_victim(h, window);
  if (victim < 0) {  // a bucket of candidates only
    ++dropped;
    return nullptr;
  }
  ++admissions;
  // The leaving term's long-run count goes to the history sketch; the newcomer's comes back
  // from it.
  if (h.fp[victim] != 0) spill(slots[b * bucket_slots + static_cast<std::size_t>(victim)], window);
  const float baseline = recall(hash, window);
  const std::uint32_t i = static_cast<std::uint32_t>(b * bucket_slots + static_cast<std::size_t>(victim));
  // An evicted slot's reported level goes with it: the term may be reported again if it
  // comes back and grows.
  slots[i] = term_slot{hash, window, 0, 0.0f, baseline, 0, 0, static_cast<std::uint16_t>(window & 0xFFFF), 0};
  h.fp[victim] = fingerprint(hash);
  // Seen twice lately: ahead of terms that were not seen for a while, behind busier ones.
  h.value[victim] = value_key(2.0f);
  h.stamp[victim] = static_cast<std::uint16_t>(window & 0xFFFF);
  *index = i;
  return &slots[i];
}

void signal_detector::state::spill(const term_slot& s, std::uint32_t window) noexcept {
  const std::uint64_t gap = window > s.window ? window - s.window : 0;
  const float past = (s.baseline + s.count) * decay(pow_base, d_base, gap);
  if (!(past >= history_min_count)) return;
  const std::uint16_t key = static_cast<std::uint16_t>(
      std::min<std::int32_t>(value_key(past) + history_age(window), pinned_value - 1));
  for (std::size_t row = 0; row < history_rows; ++row) {
    std::uint16_t* cell = history_cell(s.hash, row);
    *cell = std::max(*cell, key);
  }
}

float signal_detector::state::recall(std::uint64_t hash, std::uint32_t window) noexcept {
  std::int32_t key = pinned_value;
  for (std::size_t row = 0; row < history_rows; ++row) key = std::min<std::int32_t>(key, *history_cell(hash, row));
  key -= history_age(window);
  if (key <= 0) return 0.0f;
  const float past = key_value(static_cast<std::uint16_t>(key));
  return past >= history_min_count ? past : 0.0f;
}

float signal_detector::state::clipped_count(const term_slot& s) const noexcept {
  const float recent_rate = s.recent * static_cast<float>(1 - d_recent);
  // Kept in double: a float clip rounds differently near whole counts, and signals change.
  return std::min(static_cast<float>(s.count), static_cast<float>(opt.clip_floor + opt.clip_ratio * recent_rate));
}

void signal_detector::state::fold(term_slot& s, std::uint32_t target, bool set_eviction_value) noexcept {
  const float clipped = clipped_count(s);
  const std::uint64_t gap = std::uint64_t{target} - s.window - 1;
  // d^gap, looked up (or computed) once per kernel rather than at each use.
  const float kr = decay(pow_recent, d_recent, gap);
  const float kb = decay(pow_base, d_base, gap);
  const float fr = static_cast<float>(d_recent) * kr;
  const float fb = static_cast<float>(d_base) * kb;
  // The window's values enter first, then age through the empty windows up to target.
  s.recent = s.recent * fr + clipped * kr;
  s.baseline = s.baseline * fb + clipped * kb;
  const float active = s.active / 256.0f * fr + (s.count > 0 ? kr : 0.0f);
  s.active = static_cast<std::uint16_t>(std::min(65535.0f, active * 256.0f + 0.5f));
  if (const std::uint16_t c = s.flags & candidate_mask) {
    candidate& cand = candidates[c - 1u];
    cand.raw_recent = cand.raw_recent * fr + s.count * kr;
  }
  s.count = 0;
  s.authors = 0;
  s.window = target;
  if (set_eviction_value) set_value(static_cast<std::uint32_t>(&s - slots.data()), s.recent, target);
}

float signal_detector::state::recent_of(std::uint64_t hash, std::uint32_t window) noexcept {
  std::uint32_t index;
  const term_slot* s = find(hash, &index);
  if (s == nullptr) return 0.0f;
  if (s->window >= window) return s->recent;
  // As fold() would make it, without moving the slot: a slot is brought to a new window by
  // its own first mention there, which is when observe() considers it for promotion. Folded
  // here, as the word of a phrase being followed, it would never be considered again.
  const float kr = decay(pow_recent, d_recent, std::uint64_t{window} - s->window - 1);
  return s->recent * (static_cast<float>(d_recent) * kr) + clipped_count(*s) * kr;
}

double signal_detector::state::expected(const term_slot& s, const std::uint64_t* parts, std::uint32_t window) noexcept {
  const double older = volume_base - volume_recent;
  if (!(older > 1e-9)) return std::numeric_limits<double>::infinity();
  double mu = (std::max(0.0, double{s.baseline} - s.recent) + opt.prior_count) * volume_recent / older;
  if (parts != nullptr && parts[0] != 0 && words_base > 0 && volume_recent > 0) {
    // Two words meet by chance about kappa x count(a) x count(b) / mentions times, kappa =
    // phrases per mention / (words per mention)^2. A phrase is news only beyond that: not
    // when its words are merely common, or when one of them is what grows.
    const double kappa = phrases_base * volume_base / (words_base * words_base);
    mu = std::max(mu, kappa * recent_of(parts[0], window) * recent_of(parts[1], window) / volume_recent);
  }
  return mu;
}

bool signal_detector::state::is_excluded(const term& t) const {
  auto listed = [&](std::string_view text) {
    if (std::binary_search(excluded.begin(), excluded.end(), term_hash(text))) return true;
    for (const std::string& p : excluded_prefixes)
      if (text.starts_with(p)) return true;
    return false;
  };
  if (std::binary_search(excluded.begin(), excluded.end(), t.hash)) return true;
  const std::size_t space = t.text.find(' ');
  if (space != std::string_view::npos) return listed(t.text.substr(0, space)) || listed(t.text.substr(space + 1));
  if (t.text[0] == '#' || t.text[0] == '@') return t.text.size() > 1 && listed(t.text.substr(1));
  return listed(t.text);
}

void signal_detector::state::consider(term_slot& s, std::uint32_t index, const term& t, std::uint32_t window) {
  if (s.flags & (candidate_mask | excluded_flag)) return;
  if ((s.flags & reported_mask) == reported_mask) return;  // trend already: nothing left to say
  // Candidates gather authors and samples from promotion on: start a generation before the
  // warm-up ends.
  if (closed + generation_windows < static_cast<std::uint64_t>(opt.warmup_windows)) return;
  if (s.recent < opt.promote_count) return;
  if (!(s.recent >= opt.promote_growth * expected(s, nullptr, window))) return;
  if (t.text.empty() || t.text.size() > opt.max_term_bytes) return;
  std::uint64_t parts[2] = {};
  words_of(t, parts);
  const double growth = s.recent / expected(s, parts, window);
  if (!(growth >= opt.promote_growth)) return;
  if (is_excluded(t)) {
    s.flags |= excluded_flag;
    return;
  }
  // Candidates are pinned in the table: keep them a small part of any bucket.
  const std::size_t limit = std::min(opt.max_candidates, slots.size() / 4);
  std::uint16_t c;
  if (!free_candidates.empty() && live_candidates < limit) {
    c = free_candidates.back();
    free_candidates.pop_back();
  } else if (candidates.size() < limit) {
    c = static_cast<std::uint16_t>(candidates.size());
    candidates.emplace_back();
  } else {
    // Full: give up the weakest candidate not yet reported, if it is weaker than this term.
    if (!weakest_valid) {
      weakest = -1;
      for (std::size_t i = 0; i < candidates.size(); ++i) {
        const candidate& k = candidates[i];
        if (k.live && !k.qualified && (weakest < 0 || k.growth < candidates[weakest].growth))
          weakest = static_cast<std::int32_t>(i);
      }
      weakest_valid = true;
    }
    if (weakest < 0 || candidates[weakest].growth >= growth) return;
    release(candidates[weakest]);
    c = free_candidates.back();
    free_candidates.pop_back();
  }
  candidate& k = candidates[c];
  k.hash = t.hash;
  k.slot = index;
  k.promoted = window;
  k.last_active = window;
  k.reported_at = 0;
  k.live = 1;
  k.qualified = 0;
  k.sample_count = 0;
  k.sample_next = 0;
  k.parts[0] = parts[0];
  k.parts[1] = parts[1];
  k.growth = static_cast<float>(growth);
  k.raw_recent = s.recent;
  k.count = static_cast<std::uint64_t>(std::llround(s.baseline));
  k.authors[0] = k.authors[1] = 0;
  k.mentions[0] = k.mentions[1] = 0;
  k.text.assign(t.text);
  ++live_candidates;
  weakest_valid = false;
  s.flags = static_cast<std::uint16_t>((s.flags & ~candidate_mask) | (c + 1u));
  headers[index / bucket_slots].value[index % bucket_slots] = pinned_value;
}

void signal_detector::state::release(candidate& c) noexcept {
  term_slot& s = slots[c.slot];
  s.flags &= static_cast<std::uint16_t>(~candidate_mask);
  headers[c.slot / bucket_slots].value[c.slot % bucket_slots] = 0;
  set_value(c.slot, s.recent, s.window);
  c.live = 0;
  --live_candidates;
  weakest_valid = false;
  free_candidates.push_back(static_cast<std::uint16_t>(&c - candidates.data()));
}

void signal_detector::state::count_mention(term_slot& s, std::uint64_t author_hash, std::string_view mention_id,
                                           std::uint32_t window) {
  // One bit per author, hashed with the term so that two authors who collide for one term do
  // not collide for all.
  const std::uint64_t mix = (author_hash ^ s.hash) * 0x9E3779B97F4A7C15ull;
  const std::uint32_t bit = 1u << (mix >> 59);
  const bool new_author = (s.authors & bit) == 0;
  s.authors |= bit;
  // Past 16 bits set, the term has ~19 or more authors this window: no longer a handful of
  // accounts, and every mention counts.
  if ((new_author || popcount32(s.authors) >= 16) && s.count < 0xFFFF) {
    ++s.count;
    // Keep a fast-rising new term's eviction value current (at powers of two: cheap).
    if ((s.count & (s.count - 1)) == 0) set_value(static_cast<std::uint32_t>(&s - slots.data()), s.recent + s.count, window);
  }
  const std::uint16_t c = s.flags & candidate_mask;
  if (c == 0) return;
  candidate& k = candidates[c - 1u];
  ++k.count;
  if (k.mentions[0] < 0xFFFFFFFF) ++k.mentions[0];
  k.last_active = std::max(k.last_active, window);
  const std::uint64_t author_bit = std::uint64_t{1} << ((author_hash * 0xD6E8FEB86659FD93ull) >> 58);
  if (((k.authors[0] | k.authors[1]) & author_bit) == 0 && mention_id.size() <= opt.max_sample_id_bytes) {
    // A sample from each author new to the term: recent, and not all from one account.
    k.samples[k.sample_next].assign(mention_id);
    k.sample_next = static_cast<std::uint8_t>((k.sample_next + 1) % max_samples);
    k.sample_count = static_cast<std::uint8_t>(std::min<std::size_t>(k.sample_count + 1u, max_samples));
  }
  k.authors[0] |= author_bit;
}

void signal_detector::state::evaluate(candidate& c, std::uint32_t window, std::vector<weak_signal>* out) {
  term_slot& s = slots[c.slot];
  const double r = s.recent;
  const double mu = expected(s, c.parts, window + 1);
  const double growth = std::isfinite(mu) ? r / mu : 0.0;
  const double score = std::isfinite(mu) && r > mu ? r * std::log(r / mu) - (r - mu) : 0.0;
  c.growth = static_cast<float>(growth);
  weakest_valid = false;
  const double authors = distinct_authors(c.authors[0] | c.authors[1]);
  // Enough distinct accounts, and not a few accounts posting it again and again.
  const bool diverse = authors >= opt.min_authors &&
                       static_cast<double>(c.mentions[0]) + c.mentions[1] <= opt.max_mentions_per_author * authors;
  const bool alive = std::uint64_t{c.last_active} + 1 >= window;
  const bool warm = closed >= static_cast<std::uint64_t>(opt.warmup_windows);
  const bool passes = warm && alive && diverse && r >= opt.min_recent_count &&
                      s.active / 256.0 >= opt.min_active_windows && growth >= opt.min_growth && score >= opt.min_score;
  const int reported = (s.flags & reported_mask) >> reported_shift;
  if (passes && !c.qualified && redundant(c)) {
    // A phrase around a word already reported ("navelcho prix" after "navelcho"), a word or
    // phrase of a reported phrase's ("gonfle", "swell charg" after "batteri swell"), or a word
    // of the same posts as a reported one says nothing new: never report it.
    s.flags |= excluded_flag;
    release(c);
    return;
  }
  if (passes || (c.qualified && warm && alive && diverse)) {
    const double share = volume_recent > 0 ? c.raw_recent / volume_recent : 0.0;
    const int level = share >= opt.trend_share ? 3 : share >= opt.emerging_share ? 2 : 1;
    if (level > reported) {
      weak_signal sig;
      sig.term = c.text;
      sig.level = static_cast<signal_level>(level - 1);
      const std::uint32_t born = window - ((window - s.born) & 0xFFFF);
      sig.first_seen_ms = window_ms(origin + born);
      sig.detected_at_ms = window_ms(origin + window + 1);
      sig.count = c.count;
      sig.growth = growth;
      sig.score = score;
      // Newest first.
      for (std::size_t k = 0; k < c.sample_count; ++k)
        sig.sample_mention_ids.push_back(c.samples[(c.sample_next + max_samples - 1 - k) % max_samples]);
      out->push_back(std::move(sig));
      s.flags = static_cast<std::uint16_t>((s.flags & ~reported_mask) | (level << reported_shift));
      if (!c.qualified) {
        c.qualified = 1;
        c.reported_at = window;
        std::uint32_t index;
        for (const std::uint64_t part : c.parts)
          if (term_slot* w = part != 0 ? find(part, &index) : nullptr) w->flags |= phrase_word_flag;
      }
    }
  }
  const int now_reported = (s.flags & reported_mask) >> reported_shift;
  const bool stale = std::uint64_t{c.last_active} + stale_windows < window;
  if (now_reported == 3 || stale || (!c.qualified && growth < opt.release_growth) ||
      (c.qualified && window - c.reported_at > static_cast<std::uint32_t>(opt.signal_horizon_windows)))
    release(c);
}

bool signal_detector::state::redundant(const candidate& c) noexcept {
  std::uint32_t index;
  if (c.parts[0] == 0) {  // a word or tag: redundant when a phrase of it was reported
    const term_slot* s = find(c.hash, &index);
    if (s != nullptr && (s->flags & phrase_word_flag) != 0) return true;
  } else {
    // A phrase: redundant when one of its words was reported, or is a word of a reported
    // phrase ("swell charg" after "batteri swell").
    for (const std::uint64_t part : c.parts) {
      const term_slot* s = find(part, &index);
      if (s != nullptr && (s->flags & (reported_mask | phrase_word_flag)) != 0) return true;
    }
  }
  // One story told in other words: "batterie", "surchauffe", "brûle" in the same posts. A
  // candidate most of whose latest mentions (its samples) are among those of a reported term
  // still followed is that term's story.
  if (c.sample_count < 2) return false;
  for (const candidate& k : candidates) {
    if (!k.live || !k.qualified || &k == &c) continue;
    std::size_t shared = 0;
    for (std::size_t i = 0; i < c.sample_count; ++i)
      for (std::size_t j = 0; j < k.sample_count; ++j) shared += c.samples[i] == k.samples[j];
    if (shared >= 2 && 2 * shared > c.sample_count) return true;
  }
  return false;
}

void signal_detector::state::maybe_grow() {

  const bool grow = admissions * growth_turnover > slots.size() && slots.size() < opt.max_terms;
  admissions = 0;
  if (!grow) return;
  std::vector<bucket_header> old_headers = std::move(headers);
  std::vector<term_slot> old_slots = std::move(slots);
  std::vector<std::uint16_t> old_history = std::move(history);
  const std::size_t old_cells = old_slots.size() * history_cells_per_slot;
  allocate_table(old_slots.size() * 2);
  for (std::size_t row = 0; row < history_rows; ++row)
    for (std::size_t k = 0; k < old_cells; ++k)
      history[row * 2 * old_cells + k] = history[row * 2 * old_cells + k + old_cells] = old_history[row * old_cells + k];
  // Doubling splits each bucket in two (one more hash bit): its slots always fit.
  for (std::size_t b = 0; b < old_headers.size(); ++b)
    for (std::size_t k = 0; k < bucket_slots; ++k) {
      if (old_headers[b].fp[k] == 0) continue;
      const term_slot& s = old_slots[b * bucket_slots + k];
      const std::size_t nb = s.hash & bucket_mask;
      bucket_header& h = headers[nb];
      std::size_t j = 0;
      while (h.fp[j] != 0) ++j;
      h.fp[j] = old_headers[b].fp[k];
      h.value[j] = old_headers[b].value[k];
      h.stamp[j] = old_headers[b].stamp[k];
      const std::uint32_t i = static_cast<std::uint32_t>(nb * bucket_slots + j);
      slots[i] = s;
      if (const std::uint16_t c = s.flags & candidate_mask) candidates[c - 1u].slot = i;
    }
}

void signal_detector::state::close_window(std::vector<weak_signal>* out) {
  const std::uint32_t w = current;
  std::uint64_t& v = volume[w % volume.size()];
  volume_recent = volume_recent * d_recent + static_cast<double>(v);
  volume_base = volume_base * d_base + static_cast<double>(v);
  // Mentions ahead of the watermark count with this window: kappa is a slow average.
  words_base = words_base * d_base + static_cast<double>(words_open);
  phrases_base = phrases_base * d_base + static_cast<double>(phrases_open);
  words_open = phrases_open = 0;
  v = 0;
  ++closed;
  const std::uint32_t next = w + 1;
  if (next % generation_windows == 0)
    for (candidate& c : candidates) {
      c.authors[1] = c.authors[0];
      c.authors[0] = 0;
      c.mentions[1] = c.mentions[0];
      c.mentions[0] = 0;
    }
  // Words first: a phrase around a word reported in this very window is the same topic
  // (redundant()), wherever the two sit in the list.
  for (const bool phrases : {false, true}) {
    for (candidate& c : candidates) {
      if (!c.live || (c.text.find(' ') != std::string::npos) != phrases) continue;
      term_slot& s = slots[c.slot];
      if (s.window < next) fold(s, next);
      evaluate(c, w, out);
    }
  }
  if (next - history_epoch >= history_epoch_windows) {
    const std::int32_t age = history_age(next);
    // Saturating 16-bit subtraction: the compiler vectorises this form.
    const std::uint16_t a = static_cast<std::uint16_t>(std::clamp<std::int32_t>(age, 0, 0xFFFF));
    for (std::uint16_t& cell : history) cell = static_cast<std::uint16_t>(cell > a ? cell - a : 0);
    history_epoch = next;
  }
  if (next % static_cast<std::uint32_t>(opt.doorkeeper_windows) == 0)
    for (std::uint64_t& word : doorkeeper) word = (word & 0x5555555555555555ull) << 1;  // this generation -> previous
  maybe_grow();
  current = next;
}

void signal_detector::state::restart(std::int64_t window) {
  const std::uint64_t keep_late = late, keep_future = future, keep_dropped = dropped;
  std::vector<std::uint64_t> keep_excluded = std::move(excluded);
  std::vector<std::string> keep_prefixes = std::move(excluded_prefixes);
  *this = state(opt, {});
  excluded = std::move(keep_excluded);
  excluded_prefixes = std::move(keep_prefixes);
  late = keep_late;
  future = keep_future;
  dropped = keep_dropped;
  clock_set = true;
  origin = window;
}

signal_detector::signal_detector(const signal_options& options, std::span<const std::string> excluded_words)
    : state_(std::make_unique<state>(options, excluded_words)) {}
signal_detector::signal_detector(std::unique_ptr<state> s) : state_(std::move(s)) {}
signal_detector::~signal_detector() = default;
signal_detector::signal_detector(signal_detector&&) noexcept = default;
signal_detector& signal_detector::operator=(signal_detector&&) noexcept = default;

void signal_detector::observe(std::int64_t t_ms, std::span<const term> terms, std::uint64_t author_hash,
                              std::string_view mention_id) {
  state& st = *state_;
  const std::int64_t w = floor_div(t_ms, st.opt.window_ms);
  if (!st.clock_set) {
    st.clock_set = true;
    st.origin = w;
  }
  const std::int64_t open = st.origin + st.current;
  if (w < open) {
    ++st.late;
    return;
  }
  if (w - open > st.opt.future_windows) {
    ++st.future;
    return;
  }
  const std::uint32_t window = static_cast<std::uint32_t>(w - st.origin);
  ++st.volume[window % st.volume.size()];
  const std::size_t n = std::min(terms.size(), max_terms_per_mention);
  // The buckets, then the slots, are independent random accesses into megabytes: start them
  // all before using any, so that their cache misses overlap. The second pass reads only
  // the bucket headers: the slot a fingerprint points at is checked in the third, once its
  // line has come (a fingerprint match with another hash is rare: the third pass then looks
  // again). A term not in the table will read the doorkeeper instead.
  std::uint64_t phrases = 0;
  for (std::size_t i = 0; i < n; ++i) {
    __builtin_prefetch(&st.headers[terms[i].hash & st.bucket_mask]);
    phrases += is_phrase(terms[i].hash);
  }
  st.words_open += n - phrases;
  st.phrases_open += phrases;
  std::uint32_t* const found = st.found.data();
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t hash = terms[i].hash;
    const std::size_t b = hash & st.bucket_mask;
    const std::size_t k = first_match(st.headers[b], fingerprint(hash));
    std::uint32_t index = no_slot;
    if (k != bucket_slots) {
      index = static_cast<std::uint32_t>(b * bucket_slots + k);
      __builtin_prefetch(&st.slots[index]);
    } else {
      int shift;
      __builtin_prefetch(st.doorkeeper_word(hash, &shift));
    }
    found[i] = index;
  }
  // Buckets an admission changed during this call, one bit per bucket number mod 64: only
  // there can the second pass's answer be out of date.
  std::uint64_t changed = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const term& t = terms[i];
    std::uint32_t index = found[i];
    term_slot* s = nullptr;
    const std::uint64_t bucket_bit = std::uint64_t{1} << (t.hash & st.bucket_mask & 63);
    if (index != no_slot && st.slots[index].hash == t.hash) {
      s = &st.slots[index];
    } else if (index != no_slot || (changed & bucket_bit) != 0) {
      // Another term with the same fingerprint, or an admission moved this one or let it
      // in (when the caller repeats a term).
      s = st.find(t.hash, &index);
    }
    if (s == nullptr) {
      if (is_phrase(t.hash) && !st.words_followed(t)) continue;
      if ((s = st.admit(t.hash, window, &index)) == nullptr) continue;
      changed |= bucket_bit;
    }
    if (s->window < window) {
      // count_mention() below sets the slot's eviction value from count 1 on: fold()'s would
      // be overwritten before anything reads it.
      st.fold(*s, window, /*set_eviction_value=*/false);
      st.consider(*s, index, t, window);
    }
    st.count_mention(*s, author_hash, mention_id, window);
  }
}

bool signal_detector::is_query_term(const term& t) const { return !t.text.empty() && state_->is_excluded(t); }

void signal_detector::set_query_words(std::span<const std::string> words) {
  state& st = *state_;
  st.exclude(words);
  // The marks of the old words go: a term they excluded is judged again at its next window.
  // So do the marks of phrases around a reported word; redundant() marks them again.
  for (std::size_t i = 0; i < st.slots.size(); ++i) {
    if (st.headers[i / bucket_slots].fp[i % bucket_slots] != 0) st.slots[i].flags &= static_cast<std::uint16_t>(~excluded_flag);
  }
  // A term followed closely that the new query names is dropped, reported or not.
  for (candidate& c : st.candidates) {
    if (!c.live || !st.is_excluded(term{c.hash, c.text})) continue;
    term_slot& s = st.slots[c.slot];
    st.release(c);
    s.flags |= excluded_flag;
  }
}

void signal_detector::advance(std::int64_t watermark_ms, std::vector<weak_signal>* out) {
  state& st = *state_;
  // Windows before `target` have ended at or before the watermark.
  const std::int64_t target = floor_div(watermark_ms, st.opt.window_ms);
  if (!st.clock_set) {
    st.clock_set = true;
    st.origin = target;
    return;
  }
  if (target <= st.origin + st.current) return;
  if (target - (st.origin + st.current) > restart_gap_windows) {
    st.restart(target);
    return;
  }
  while (st.origin + st.current < target) st.close_window(out);
}

std::size_t signal_detector::memory_bytes() const noexcept {
  const state& st = *state_;
  auto heap = [](const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; };
  std::size_t n = sizeof(signal_detector) + sizeof(state);
  n += st.headers.capacity() * sizeof(bucket_header) + st.slots.capacity() * sizeof(term_slot);
  n += st.doorkeeper.capacity() * sizeof(std::uint64_t) + st.volume.capacity() * sizeof(std::uint64_t);
  n += st.history.capacity() * sizeof(std::uint16_t);
  n += st.excluded.capacity() * sizeof(std::uint64_t) + st.free_candidates.capacity() * sizeof(std::uint16_t);
  n += st.found.capacity() * sizeof(std::uint32_t);
  n += st.excluded_prefixes.capacity() * sizeof(std::string);
  for (const std::string& p : st.excluded_prefixes) n += heap(p);
  n += st.candidates.capacity() * sizeof(candidate);
  for (const candidate& c : st.candidates) {
    n += heap(c.text);
    for (const std::string& s : c.samples) n += heap(s);
  }
  return n;
}

std::size_t max_memory_bytes(const signal_options& options) noexcept {
  const signal_options o = sanitized(options);
  std::size_t n = sizeof(signal_detector) + sizeof(signal_detector::state);
  n += o.max_terms * (sizeof(term_slot) + sizeof(bucket_header) / bucket_slots + doorkeeper_cells_per_slot / 4 +
                      history_rows * history_cells_per_slot * sizeof(std::uint16_t));
  n += (static_cast<std::size_t>(o.future_windows) + 1) * sizeof(std::uint64_t);
  n += max_terms_per_mention * sizeof(std::uint32_t);
  // Exclusions: hashes, and wildcard prefixes (one extracted word each).
  n += max_excluded * (2 * sizeof(std::uint64_t) + sizeof(std::string) + max_term_word_bytes + 1);
  // Candidates: vectors grow to at most twice their bound, strings to at most twice the
  // longest text they were given.
  n += 2 * o.max_candidates * (sizeof(candidate) + sizeof(std::uint16_t));
  n += o.max_candidates * (2 * o.max_term_bytes + 1 + max_samples * (2 * o.max_sample_id_bytes + 1));
  return n;
}

std::uint64_t signal_detector::late_mentions() const noexcept { return state_->late; }
std::uint64_t signal_detector::future_mentions() const noexcept { return state_->future; }

void signal_detector::save(std::string* out) const {
  const state& st = *state_;
  const std::size_t start = out->size();
  writer w(out);
  w.bytes(snapshot_magic, sizeof snapshot_magic);
  w.put(snapshot_version);
  w.put(st.opt.window_ms);
  w.put(static_cast<std::int32_t>(st.opt.future_windows));
  w.put(static_cast<std::uint8_t>(st.clock_set));
  w.put(st.origin);
  w.put(st.current);
  w.put(st.closed);
  w.put(st.late);
  w.put(st.future);
  w.put(st.dropped);
  w.put(st.admissions);
  w.put(st.volume_recent);
  w.put(st.volume_base);
  w.put(st.words_open);
  w.put(st.phrases_open);
  w.put(st.words_base);
  w.put(st.phrases_base);
  w.bytes(st.volume.data(), st.volume.size() * sizeof(std::uint64_t));
  w.put(static_cast<std::uint32_t>(st.slots.size()));
  w.bytes(st.headers.data(), st.headers.size() * sizeof(bucket_header));
  w.bytes(st.slots.data(), st.slots.size() * sizeof(term_slot));
  w.put(static_cast<std::uint32_t>(st.doorkeeper.size()));
  w.bytes(st.doorkeeper.data(), st.doorkeeper.size() * sizeof(std::uint64_t));
  w.put(st.history_epoch);
  w.bytes(st.history.data(), st.history.size() * sizeof(std::uint16_t));
  w.put(static_cast<std::uint32_t>(st.candidates.size()));
  for (const candidate& c : st.candidates) {
    w.put(c.live);
    if (!c.live) continue;
    w.put(c.hash);
    w.put(c.slot);
    w.put(c.promoted);
    w.put(c.last_active);
    w.put(c.reported_at);
    w.put(c.qualified);
    w.put(c.sample_count);
    w.put(c.sample_next);
    w.put(c.parts[0]);
    w.put(c.parts[1]);
    w.put(c.growth);
    w.put(c.raw_recent);
    w.put(c.count);
    w.put(c.authors[0]);
    w.put(c.authors[1]);
    w.put(c.mentions[0]);
    w.put(c.mentions[1]);
    w.text(c.text);
    for (std::size_t k = 0; k < c.sample_count; ++k) w.text(c.samples[k]);
  }
  w.put(static_cast<std::uint32_t>(st.free_candidates.size()));
  w.bytes(st.free_candidates.data(), st.free_candidates.size() * sizeof(std::uint16_t));
  w.put(internal::hash_term(std::string_view(*out).substr(start)));
}

result<signal_detector> signal_detector::load(std::string_view bytes, const signal_options& options,
                                              std::span<const std::string> excluded_words) {
  if (bytes.size() < sizeof snapshot_magic + sizeof(std::uint64_t) ||
      std::memcmp(bytes.data(), snapshot_magic, sizeof snapshot_magic) != 0)
    return corruption("signal snapshot: bad magic");
  std::uint64_t checksum;
  std::memcpy(&checksum, bytes.data() + bytes.size() - sizeof checksum, sizeof checksum);
  const std::string_view body = bytes.substr(0, bytes.size() - sizeof checksum);
  if (internal::hash_term(body) != checksum) return corruption("signal snapshot: checksum mismatch");

  auto st = std::make_unique<state>(options, excluded_words);
  reader r(body.substr(sizeof snapshot_magic));
  auto bad = [](const char* what) { return corruption(std::string("signal snapshot: ") + what); };
  std::uint32_t version;
  if (!r.get(&version) || version != snapshot_version) return bad("unknown version");
  std::int64_t window_ms;
  std::int32_t future_windows;
  std::uint8_t clock_set;
  if (!r.get(&window_ms) || !r.get(&future_windows) || !r.get(&clock_set)) return bad("truncated header");
  if (window_ms != st->opt.window_ms || future_windows != st->opt.future_windows)
    return invalid_argument("signal snapshot: taken with another window_ms or future_windows");
  st->clock_set = clock_set != 0;
  if (!r.get(&st->origin) || !r.get(&st->current) || !r.get(&st->closed) || !r.get(&st->late) ||
      !r.get(&st->future) || !r.get(&st->dropped) || !r.get(&st->admissions) || !r.get(&st->volume_recent) || !r.get(&st->volume_base) ||
      !r.get(&st->words_open) || !r.get(&st->phrases_open) || !r.get(&st->words_base) || !r.get(&st->phrases_base) ||
      !r.bytes(st->volume.data(), st->volume.size() * sizeof(std::uint64_t)))
    return bad("truncated header");
  if (!std::isfinite(st->volume_recent) || !std::isfinite(st->volume_base) || st->volume_recent < 0 ||
      st->volume_base < 0 || !std::isfinite(st->words_base) || !std::isfinite(st->phrases_base) ||
      st->words_base < 0 || st->phrases_base < 0)
    return bad("bad volume");
  std::uint32_t slot_count;
  if (!r.get(&slot_count)) return bad("truncated table");
  if (slot_count < min_terms || !std::has_single_bit(slot_count)) return bad("bad table size");
  if (slot_count > st->opt.max_terms) return invalid_argument("signal snapshot: more terms than max_terms");
  st->allocate_table(slot_count);
  if (!r.bytes(st->headers.data(), st->headers.size() * sizeof(bucket_header)) ||
      !r.bytes(st->slots.data(), st->slots.size() * sizeof(term_slot)))
    return bad("truncated table");
  std::uint32_t doorkeeper_words;
  if (!r.get(&doorkeeper_words)) return bad("truncated table");
  if (doorkeeper_words != st->doorkeeper.size())
    return invalid_argument("signal snapshot: taken with another max_terms");
  if (!r.bytes(st->doorkeeper.data(), st->doorkeeper.size() * sizeof(std::uint64_t)) ||
      !r.get(&st->history_epoch) || !r.bytes(st->history.data(), st->history.size() * sizeof(std::uint16_t)))
    return bad("truncated table");
  std::uint32_t candidate_count;
  if (!r.get(&candidate_count)) return bad("truncated candidates");
  if (candidate_count > st->opt.max_candidates)
    return invalid_argument("signal snapshot: more candidates than max_candidates");
  st->candidates.resize(candidate_count);
  for (std::uint32_t i = 0; i < candidate_count; ++i) {
    candidate& c = st->candidates[i];
    if (!r.get(&c.live)) return bad("truncated candidates");
    if (!c.live) continue;
    if (c.live != 1 || !r.get(&c.hash) || !r.get(&c.slot) || !r.get(&c.promoted) || !r.get(&c.last_active) ||
        !r.get(&c.reported_at) || !r.get(&c.qualified) || !r.get(&c.sample_count) || !r.get(&c.sample_next) ||
        !r.get(&c.parts[0]) || !r.get(&c.parts[1]) || !r.get(&c.growth) || !r.get(&c.raw_recent) || !r.get(&c.count) || !r.get(&c.authors[0]) ||
        !r.get(&c.authors[1]) || !r.get(&c.mentions[0]) || !r.get(&c.mentions[1]) || !r.text(&c.text, st->opt.max_term_bytes))
      return bad("bad candidate");
    if (c.sample_count > max_samples) return bad("bad candidate sample");
    for (std::size_t k = 0; k < c.sample_count; ++k)
      if (!r.text(&c.samples[k], st->opt.max_sample_id_bytes)) return bad("bad candidate sample");
    if (c.slot >= slot_count || c.sample_next >= max_samples ||
        !std::isfinite(c.raw_recent) || c.raw_recent < 0 || std::isnan(c.growth) ||
        (st->slots[c.slot].flags & candidate_mask) != i + 1 || st->slots[c.slot].hash != c.hash)
      return bad("inconsistent candidate");
    ++st->live_candidates;
  }
  std::uint32_t free_count;
  if (!r.get(&free_count) || free_count != candidate_count - st->live_candidates) return bad("bad free list");
  st->free_candidates.resize(free_count);
  if (!r.bytes(st->free_candidates.data(), free_count * sizeof(std::uint16_t)) || !r.done())
    return bad("truncated free list");
  for (std::uint16_t f : st->free_candidates)
    if (f >= candidate_count || st->candidates[f].live) return bad("bad free list");
  // Every occupied slot must sit in its own bucket, with its own fingerprint, and point at a
  // live candidate only if that candidate points back.
  for (std::size_t i = 0; i < slot_count; ++i) {
    const bucket_header& h = st->headers[i / bucket_slots];
    const term_slot& s = st->slots[i];
    const std::uint32_t fp = h.fp[i % bucket_slots];
    if (fp == 0) continue;
    if (fp != fingerprint(s.hash) || (s.hash & st->bucket_mask) != i / bucket_slots || !std::isfinite(s.recent) ||
        !std::isfinite(s.baseline) || s.recent < 0 || s.baseline < 0)
      return bad("inconsistent term slot");
    const std::uint16_t c = s.flags & candidate_mask;
    if (c != 0 && (c > candidate_count || !st->candidates[c - 1u].live || st->candidates[c - 1u].slot != i))
      return bad("inconsistent term slot");
    if ((h.value[i % bucket_slots] == pinned_value) != (c != 0)) return bad("inconsistent term slot");
  }
  return signal_detector(std::move(st));
}

}  // namespace vigie::pipeline
