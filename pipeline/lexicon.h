// lexicon: the word lists of the sentiment engine, loaded once at start-up.
//
// A lexicon_set holds one lexicon per language ("en", "fr"). Each entry is a folded term
// (lower case, no accents: see internal/tokenizer.h) that may carry several roles:
//   valence   how positive (+) or negative (-) the term is, on VADER's scale [-4, 4]
//   booster   intensifier (> 0: "very", "trop") or downtoner (< 0: "un peu"), in [-2, 2]
//   negator   flips and damps the valence of the next words: the multiplier, in [-2, 0)
//   contrast  "but", "mais": the clause after it weighs this much, the clause before less
//   scope_break  "and", "et": ends the scope of a negator before it, as a comma does
//   irrealis  "would", "if": the words after it in its clause are hypothetical and weigh this
//   irony     "🙃": marks its text as ironic; its positive words are multiplied by this
//   remedy    "fixed", "réglé": a trouble word beside it is reported solved, and turns
//             positive with this share of its valence ("fixed my problem", "panne réparée")
//   trouble   "problem", "panne": what a remedy can solve (a flag: any value); other negative
//             words are not remedied ("j'ai réglé des frais abusifs" paid them)
// A term of several words ("pas mal", "could have been better") is a set phrase; it wins over
// its words.
//
// File format (also in pipeline/lexicons/README.md). A directory holds files named
// `<lang>.<name>.lex` (lang "en", "fr", or "all" for entries shared by every language, such as
// emoji), UTF-8, loaded in lexicographic order of file name; a later file
// overrides the same role of the same term from an earlier file (our curated files
// `*.9-curated.lex` override the converted sources `*.0-*.lex`). One entry per line:
//
//   # comment; blank lines are ignored
//   good<TAB>1.9                  valence (the default role)
//   very<TAB>0.293<TAB>booster
//   not<TAB>-0.74<TAB>negator
//   but<TAB>1.5<TAB>contrast
//   and<TAB>1<TAB>scope_break
//   would<TAB>0.6<TAB>irrealis
//   🙃<TAB>-0.74<TAB>irony
//   fixed<TAB>0.75<TAB>remedy
//   problem<TAB>1<TAB>trouble
//   pas mal<TAB>1.5               a set phrase: words separated by single spaces
//
//   auto lex = vigie::pipeline::load_lexicons("build/lexicons");
//   if (!lex.ok()) { log(lex.status().to_string()); return 2; }   // "fr.9-curated.lex:12: ..."
//   vigie::pipeline::sentiment_analyzer a(*lex);
//
// Thread safety: a lexicon_set is immutable once loaded; share it (shared_ptr<const>) between
// any number of threads.

#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"

namespace vigie::pipeline {

// Longest set phrase, in words: bounds the look-ahead of the engine per token.
inline constexpr std::size_t max_phrase_words = 4;
// Bounds of the values in lexicon files; a value outside is an error, not clamped silently.
inline constexpr float max_abs_valence = 4.0f;
inline constexpr float max_abs_booster = 2.0f;
inline constexpr float min_negator = -2.0f;
inline constexpr float max_contrast = 4.0f;
inline constexpr float min_irony = -2.0f;
inline constexpr float max_remedy = 1.0f;

enum lexicon_role : std::uint16_t {
  role_valence = 1,
  role_booster = 2,
  role_negator = 4,
  role_contrast = 8,
  role_phrase_start = 16,  // first word of at least one set phrase: try the phrase lookup
  role_scope_break = 32,
  role_irrealis = 64,
  role_irony = 128,
  role_remedy = 256,
  role_trouble = 512,
  role_taunt = 1024,
  role_closer = 2048,  // a taunt only as the short closing sentence of its text: "... Brilliant."
  role_determiner = 4096,  // an article or possessive: not one of the words a negator reaches
};

struct lexicon_entry {
  float valence = 0.0f;
  float booster = 0.0f;
  float negator = 0.0f;
  float contrast = 0.0f;
  float irrealis = 0.0f;  // weight in (0, 1] of the words after it in its clause
  float irony = 0.0f;     // multiplier in [-2, 0) of the positive words of its text (role_irony),
                          // or of its own valence when the rest of its text is negative
                          // (role_taunt; role_closer when it closes the text)
  float remedy = 0.0f;    // share in (0, 1] of a solved trouble's valence, made positive
  std::uint16_t roles = 0;
  // With role_phrase_start: words in the longest set phrase it starts (2..max_phrase_words),
  // so that the engine tries only the lengths that exist.
  std::uint8_t phrase_words = 0;
  // A set phrase with a negator among its words ("pas mal", "vaut pas le coup", "sert à
  // rien"): it holds its negation, and a negator before it is the same one, not a second.
  bool holds_negation = false;
};

// One language's entries in an open-addressing table keyed by folded term.
class lexicon {
 public:
  lexicon() = default;

  // nullptr when the folded term is not in the lexicon. No allocation.
  const lexicon_entry* find(std::string_view folded) const noexcept;
  // Same, with hash == internal::hash_term(folded) already known (the tokenizer computes it
  // while folding: token::hash). Inline: it is most of the engine's look-ups.
  const lexicon_entry* find(std::string_view folded, std::uint64_t hash) const noexcept {
    if (slots_.empty() || folded.empty()) return nullptr;
    const std::size_t mask = slots_.size() - 1;
    const std::uint32_t tag = static_cast<std::uint32_t>(hash >> 32);
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      const slot& s = slots_[i];
      if (s.entry == empty_slot) return nullptr;
      if (s.tag == tag) {
        const key_span& k = key_spans_[s.entry];
        if (k.size == folded.size() && same_bytes(keys_.data() + k.begin, folded.data(), folded.size()))
          return &entries_[s.entry];
      }
    }
  }

  // False when no set phrase starts with these two words, given by their hashes
  // (internal::hash_term of each folded word: token::hash). True may be a false positive: the
  // phrase look-up itself decides. Lets the engine skip building phrase keys for most pairs.
  bool may_start_phrase(std::uint64_t first, std::uint64_t second) const noexcept {
    const std::uint64_t bit = pair_bit(first, second);
    return (phrase_pairs_[bit >> 6] >> (bit & 63)) & 1;
  }

  std::size_t size() const noexcept { return size_; }

 private:
  friend class lexicon_builder;
  // 8 bytes, keys and entries apart: most look-ups miss (function words), and a compact
  // probe array (a quarter of a megabyte for English) stays in the core's cache where slots
  // carrying the keys would not. A hit then reads the key (key_spans_, keys_) and the entry.
  static constexpr std::uint32_t empty_slot = 0xFFFFFFFF;
  // The tag has matched, so the bytes nearly always do: a plain loop over a word's few bytes
  // costs less than the call to the library's memcmp.
  static bool same_bytes(const char* a, const char* b, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }
  struct slot {
    std::uint32_t tag = 0;              // high bits of the hash
    std::uint32_t entry = empty_slot;   // index into entries_ and key_spans_
  };
  struct key_span {
    std::uint32_t begin = 0;  // in keys_
    std::uint32_t size = 0;
  };
  static constexpr std::size_t phrase_pair_bits = 1 << 16;  // 8 KiB, a few hundred phrases
  static std::uint64_t pair_bit(std::uint64_t first, std::uint64_t second) noexcept {
    return ((first ^ (second * 0x9E3779B97F4A7C15ull)) >> 40) & (phrase_pair_bits - 1);
  }
  std::vector<slot> slots_;
  // Bit pair_bit(first word, second word) of every set phrase.
  std::vector<std::uint64_t> phrase_pairs_ = std::vector<std::uint64_t>(phrase_pair_bits / 64);
  std::vector<lexicon_entry> entries_;
  std::vector<key_span> key_spans_;  // the key of each entry
  std::string keys_;
  std::size_t size_ = 0;
};

class lexicon_set {
 public:
  // The lexicon of lang ("en", "fr"; case and region ignored: "FR", "en-GB"), or nullptr.
  const lexicon* find(std::string_view lang) const noexcept;

  const lexicon& en() const noexcept { return en_; }
  const lexicon& fr() const noexcept { return fr_; }

 private:
  friend class lexicon_builder;
  lexicon en_;
  lexicon fr_;
};

// Builds a lexicon_set from file contents; load_lexicons() uses it, tests use it directly.
class lexicon_builder {
 public:
  lexicon_builder();
  ~lexicon_builder();
  lexicon_builder(const lexicon_builder&) = delete;
  lexicon_builder& operator=(const lexicon_builder&) = delete;

  // Adds the entries of one file. lang is "en" or "fr"; file_name is used in error messages.
  // On error nothing of that file is kept and the message says "file:line: reason".
  [[nodiscard]] status add_file(std::string_view lang, std::string_view file_name,
                                std::string_view contents);

  std::shared_ptr<const lexicon_set> finish();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Loads every `<lang>.<name>.lex` of dir (lang "en" or "fr"; other files are ignored).
// Errors: not_found if dir has no lexicon file for en or fr, invalid_argument with
// "file:line: reason" for a bad line, io_error if a file cannot be read.
[[nodiscard]] result<std::shared_ptr<const lexicon_set>> load_lexicons(const std::string& dir);

}  // namespace vigie::pipeline
