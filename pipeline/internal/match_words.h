// match_words: splits text into folded words for watch matching, the same way for a query's
// terms and for a mention's title and text, so that both sides compare plain bytes.
//
// A word is a run of letters and digits (any script; combining accents are dropped), folded
// with the sentiment tokenizer's append_folded (lower case, Latin accents removed: "CAFÉ" ->
// "cafe"). Everything else separates words: spaces, punctuation, apostrophes ("l'Orange" ->
// "l", "orange"), hyphens, dots, emoji. A #hashtag or @handle (a '#' or '@' not glued to a
// preceding word) is one word with its sigil ("#boycottborel"); in mention mode it is
// followed by its parts, split on '_', camelCase and letter/digit changes ("boycott",
// "borel"), the first part sharing the tag's position, and, when it has several parts and no
// '_', by its whole word at the first part's position and at the last's ("boycottborel"), so
// that phrases find it beside the words around the tag. Each word has a position (0, 1, 2...)
// used for phrases and NEAR.
//
//   vigie::pipeline::internal::match_words w;
//   w.add("Super #BoycottBorel", 0, /*tag_parts=*/true);
//   // folded words: "super"@0 "#boycottborel"@1 "boycott"@1 "borel"@2 "boycottborel"@1
//   //               "boycottborel"@2
//
// Thread safety: owns scratch buffers; one per thread. words() and folded() are valid until
// the next clear() or add().

#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::pipeline::internal {

// Words looked at per add() call: bounds the work and the scratch space for a huge article.
// Brand mentions sit in the first few thousand words; words past this are not matched.
inline constexpr std::size_t max_match_words = 10000;

enum match_word_flags : std::uint8_t {
  match_word_tag = 1,       // a whole #hashtag or @handle, sigil included
  match_word_tag_part = 2,  // a part of the preceding tag
};

struct match_word {
  std::uint32_t fold_begin = 0;  // folded form: match_words::folded()
  std::uint32_t fold_size = 0;
  std::uint32_t position = 0;
  std::uint32_t raw_begin = 0;   // byte range in the text given to add()
  std::uint32_t raw_end = 0;
  std::uint8_t flags = 0;
  std::uint64_t hash = 0;        // hash_match_word(folded form), computed while folding
};

// The hash of a folded word that match_word::hash holds: eight bytes at a time.
inline std::uint64_t mix_match_hash(std::uint64_t h, std::uint64_t chunk) noexcept {
  h = (h ^ chunk) * 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 31);
}
inline std::uint64_t finish_match_hash(std::uint64_t h, std::size_t size) noexcept {
  h = (h ^ size) * 0x94D049BB133111EBull;
  return h ^ (h >> 29);
}
inline constexpr std::uint64_t match_hash_seed = 0x9E3779B97F4A7C15ull;
std::uint64_t hash_match_word(std::string_view folded) noexcept;

class match_words {
 public:
  match_words();

  void clear() noexcept {
    count_ = 0;
    folded_size_ = 0;
  }

  // Appends the words of text, numbering them from first_position; returns the position
  // after the last word. tag_parts: also emit the parts of hashtags and handles (mentions);
  // queries leave it false so that the term "#boycottborel" means the tag itself.
  std::uint32_t add(std::string_view text, std::uint32_t first_position, bool tag_parts);

  std::span<const match_word> words() const noexcept { return {words_.data(), count_}; }
  std::string_view folded(const match_word& w) const noexcept {
    return std::string_view(folded_.data() + w.fold_begin, w.fold_size);
  }

 private:
  void push(std::string_view text, std::size_t b, std::size_t e, bool marks, std::uint32_t position,
            std::uint8_t flags, char sigil);

  void append(const match_word& w) {
    if (count_ == words_.size()) words_.resize(words_.size() * 2 + 64);
    words_[count_++] = w;
  }

  // Both buffers are kept at their high-water size; count_ and folded_size_ are the parts in
  // use, so that adding a word is a store, not a (non-inlined) push_back.
  std::vector<match_word> words_;
  std::size_t count_ = 0;
  std::string folded_;
  std::size_t folded_size_ = 0;
  std::string fold_tmp_;  // non-ASCII words are folded here first
};

// Number of code points in s (continuation bytes are not counted).
std::size_t count_code_points(std::string_view s) noexcept;

}  // namespace vigie::pipeline::internal
