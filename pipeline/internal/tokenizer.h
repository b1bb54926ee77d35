// tokenizer: single-pass UTF-8 tokenizer for social text, used by the sentiment engine.
//
// Splits a mention into words, emoji, emoticons, URLs, @mentions, #hashtags (camelCase split:
// #BoycottBorel -> boycott, borel), numbers and the punctuation that matters to sentiment
// (! ? and clause/sentence breaks). Each word is folded (lowercase, accents removed, ’ -> ')
// into one reused buffer so that lexicon lookups compare plain bytes. French elisions
// (j', l', qu', c', n', d', m', t', s') become their own tokens ("n'" is a negator), also before
// a space or at the end. HTML escapes that web APIs leave in text are punctuation ("&amp;"),
// except "&lt;3", the heart "<3".
//
//   vigie::pipeline::internal::tokenizer tok;
//   tok.tokenize("Pas mal du tout #BoycottBorel :)", /*french=*/true);
//   for (const auto& t : tok.tokens()) use(tok.folded(t));   // "pas" "mal" ... "borel" ":)"
//
// Thread safety: a tokenizer owns scratch buffers; use one per thread. tokens() and folded()
// are valid until the next tokenize().

#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::pipeline::internal {

// Longest text that is looked at, in tokens: bounds the scratch space for very long articles.
// Sentiment of a long article is dominated by its first few thousand words anyway.
inline constexpr std::size_t max_tokens = 8192;

enum class token_kind : std::uint8_t {
  word,
  emoticon,        // ":)", ":-(", "<3", "xD", "^^"
  emoji,           // one pictograph; folded form is the base code point (no skin tone, no VS16)
  url,
  user_mention,    // @name
  number,
  exclamation,     // a run of '!'; count_ says how many
  question,        // a run of '?'
  clause_break,    // , ; : and dashes: end negation scope
  sentence_break,  // . and newlines
};

enum token_flags : std::uint8_t {
  flag_all_caps = 1,   // at least two letters, all upper case ("HORRIBLE")
  flag_elongated = 2,  // a letter repeated 3+ times ("géniaaal", "sooooo")
  flag_hashtag = 4,    // part of a #hashtag
  flag_elision = 8,    // French elided article/pronoun: "l'", "n'", "qu'"
};

struct token {
  std::string_view raw;          // as written, a view into the tokenized text
  // hash_term(folded form) (lexicon_hash.h) for word, emoticon and emoji tokens, computed while
  // folding so that lexicon look-ups do not hash again; 0 for the other kinds.
  std::uint64_t hash = 0;
  std::uint32_t fold_begin = 0;  // folded form: tokenizer::folded()
  std::uint32_t fold_size = 0;
  token_kind kind = token_kind::word;
  std::uint8_t flags = 0;
  std::uint16_t count = 1;       // run length for exclamation/question
};

class tokenizer {
 public:
  tokenizer();

  // Tokenizes text, replacing the previous tokens. french enables elision splitting.
  // Never fails: invalid UTF-8 bytes are skipped.
  void tokenize(std::string_view text, bool french);

  std::span<const token> tokens() const noexcept { return {tokens_.data(), count_}; }
  std::string_view folded(const token& t) const noexcept {
    return std::string_view(folded_.data() + t.fold_begin, t.fold_size);
  }
  // Whether at least one word had lower case letters: ALL CAPS only emphasises when it differs
  // from the rest of the text (VADER's rule; an all-caps tweet is not shouting every word).
  bool has_lower_case_word() const noexcept { return has_lower_; }

 private:
  // The next slot, or nullptr past max_tokens.
  token* next_token() {
    if (count_ < tokens_.size()) return &tokens_[count_++];
    return grow_and_next_token();
  }
  token* grow_and_next_token();
  // The word at s[i], when it is plain ASCII letters and digits: adds it, advances i, true.
  bool ascii_word(std::string_view s, std::size_t& i);
  // The same for a word of ASCII letters and digits and Latin-1 letters ("été", "génial",
  // "Ça"), and in English inner apostrophes ("don't"): folded in the same pass. False, with
  // nothing added, when the word has other letters, marks, or an apostrophe in French: the
  // general path takes it.
  bool latin1_word(std::string_view s, std::size_t& i);
  // French: the word s[b, e) is an elided form ("c", "qu") and s[e] starts an apostrophe of
  // apostrophe_size bytes followed by a letter ("c'est", "qu’il"): adds the elided word with
  // its apostrophe, moves i past it, true. The rest of the word is then read as a word of
  // its own, as the general path reads it.
  bool elision(std::string_view s, std::size_t b, std::size_t e, std::size_t apostrophe_size, std::size_t& i);
  void commit_word(std::string_view raw, std::size_t fold_size, std::uint64_t hash, bool any_letter, bool any_lower,
                   std::uint8_t flags);
  void add(std::string_view raw, token_kind kind, std::uint8_t flags);
  // A token whose folded form is given (at most raw.size() bytes): "&lt;3" is "<3".
  void add_as(std::string_view raw, token_kind kind, std::string_view folded);
  void add_word(std::string_view raw, std::uint8_t flags);
  void add_hashtag(std::string_view body);

  bool french_ = false;  // of the text being tokenized: elisions are split

  // Both buffers keep their size (the longest text seen) and are written in place: tokens_
  // holds count_ tokens, folded_ holds fold_size_ bytes. A text folds to at most its own
  // length (every folding maps n bytes to at most n), so folded_ never overflows.
  std::vector<token> tokens_;
  std::size_t count_ = 0;
  std::string folded_;
  std::size_t fold_size_ = 0;
  bool has_lower_ = false;
};

// Appends the folded form of raw to out: ASCII lower case, Latin accents removed (é -> e,
// Ç -> c, œ -> oe), typographic apostrophe -> '. Other bytes are copied unchanged.
void append_folded(std::string_view raw, std::string& out);

// The folded form of raw, as append_folded() makes it, written to out, which must have room
// for raw.size() bytes (folding never lengthens). Returns the folded size; when hash is not
// nullptr, stores hash_term() of the folded bytes there (lexicon_hash.h).
std::size_t fold_to(std::string_view raw, char* out, std::uint64_t* hash = nullptr) noexcept;

// Whether the folded word has a letter repeated three or more times in a row.
bool is_elongated(std::string_view folded) noexcept;

// Writes folded with runs of 3+ identical bytes shortened to max_run bytes ("sooooo" -> "so"
// with max_run 1, "soo" with 2).
void collapse_runs(std::string_view folded, std::size_t max_run, std::string& out);

}  // namespace vigie::pipeline::internal
