#include "pipeline/language.h"

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>
#include <simdjson.h>

#include <array>
#include <cstdint>

namespace vigie::pipeline {

namespace {

// Function words that say "French" or "English" on their own, and words of the languages most
// often mixed up with them (Spanish, Italian, Portuguese, German, Dutch), which send the text
// to CLD2. Words shared across those languages ("de", "la", "que", "en", "no", "il", "me",
// "son", "mais") are in no list.
constexpr std::array<std::string_view, 52> french_words = {
    "le",    "les",  "des",   "est",   "et",    "une",  "pour",  "pas",  "avec",  "dans", "je",
    "sur",   "très", "tres",  "vous",  "nous",  "qui",  "du",    "au",   "aux",   "ce",   "cette",
    "ces",   "elle", "ne",    "plus",  "sont",  "suis", "chez",  "leur", "mon",   "ma",   "mes",
    "ton",   "tes",  "ça",    "ca",    "été",   "fait", "tout",  "rien", "merci", "jamais", "quand",
    "encore", "aussi", "alors", "sans", "j",     "qu",   "c",    "l"};
constexpr std::array<std::string_view, 48> english_words = {
    "the",  "and",   "is",    "are",   "was",  "were", "to",    "of",    "in",   "for",
    "with", "this",  "that",  "it",    "i",    "you",  "my",    "not",   "be",   "have",
    "has",  "just",  "what",  "so",    "but",  "at",   "from",  "they",  "we",   "your",
    "don",  "can",   "will",  "would", "about", "very", "get",  "got",   "an",   "or",
    "if",   "all",   "out",   "when",  "there", "their", "been", "its"};
constexpr std::array<std::string_view, 56> other_words = {
    // es
    "el", "los", "las", "y", "por", "con", "para", "muy", "pero", "está", "del", "como", "más",
    "gracias", "una", "es",
    // it
    "che", "di", "della", "sono", "gli", "non", "per", "anche", "molto", "questo", "grazie",
    // pt
    "não", "nao", "muito", "obrigado", "você", "voce", "com", "isso", "uma",
    // de
    "der", "die", "das", "und", "ist", "nicht", "ich", "mit", "auf", "für", "ein", "eine", "sehr",
    "danke",
    // nl
    "het", "een", "niet", "ik", "van", "zijn"};

enum word_class : std::uint8_t { none, french, english, other };

// The function words above, each packed into a 64-bit integer (its bytes, lowest first: every
// one of them is at most 8 bytes long), in an open-addressing table of 512 slots: a word of
// the text is looked up with one multiply and, most often, one compare.
class function_word_table {
 public:
  static constexpr std::size_t max_word_bytes = 8;

  constexpr function_word_table() {
    for (auto w : french_words) add(w, french);
    for (auto w : english_words) add(w, english);
    for (auto w : other_words) add(w, other);
  }

  static constexpr std::uint64_t pack(std::string_view word) {
    std::uint64_t key = 0;
    for (std::size_t i = 0; i < word.size(); ++i) {
      key |= std::uint64_t{static_cast<unsigned char>(word[i])} << (8 * i);
    }
    return key;
  }

  // The class of the packed word (never 0: the empty word is not looked up).
  constexpr word_class find(std::uint64_t key) const {
    for (std::size_t i = slot(key);; i = (i + 1) % slots) {
      if (keys_[i] == key) return classes_[i];
      if (keys_[i] == 0) return none;
    }
  }

 private:
  static constexpr std::size_t slots = 512;  // a power of two, over three times the words
  static constexpr std::size_t slot(std::uint64_t key) {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 55);  // top 9 bits
  }
  constexpr void add(std::string_view word, word_class c) {
    if (word.empty() || word.size() > max_word_bytes) throw "function word longer than 8 bytes";
    const std::uint64_t key = pack(word);
    std::size_t i = slot(key);
    while (keys_[i] != 0 && keys_[i] != key) i = (i + 1) % slots;
    keys_[i] = key;
    classes_[i] = c;
  }

  std::array<std::uint64_t, slots> keys_{};
  std::array<word_class, slots> classes_{};
};

constexpr function_word_table function_words;

// The function words of each class in the text.
struct function_word_counts {
  int counts[4] = {};
};

function_word_counts count_function_words(std::string_view text) noexcept {
  function_word_counts out;
  int* const counts = out.counts;
  std::uint64_t key = 0;  // the word's bytes so far, lower-cased, packed as in the table
  std::size_t len = 0;    // its length; past max_word_bytes it is no function word
  for (std::size_t i = 0; i <= text.size(); ++i) {
    unsigned char c = i < text.size() ? static_cast<unsigned char>(text[i]) : 0;
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
    if (!letter) {
      if (len > 0 && len <= function_word_table::max_word_bytes) ++counts[function_words.find(key)];
      key = 0;
      len = 0;
      continue;
    }
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    if (len < function_word_table::max_word_bytes) key |= std::uint64_t{c} << (8 * len);
    ++len;
  }
  return out;
}

// A cheap first opinion from function words: "fr" or "en" when the text clearly is, else "".
// CLD2 costs tens of thousands of instructions a call; most French and English mentions are
// told apart here, and anything in doubt (few function words, mixed, another language) still
// goes to CLD2.
std::string_view function_word_guess(std::string_view text) noexcept {
  const function_word_counts found = count_function_words(text);
  const int* const counts = found.counts;
  const int fr = counts[french], en = counts[english];
  if (counts[other] > 0) return {};
  if (fr >= 2 && fr >= 2 * en + 1) return "fr";
  if (en >= 2 && en >= 2 * fr + 1) return "en";
  return {};
}

// Whether a chunk of text between spaces is a link, a handle or a tag: no words of a language.
bool is_link_or_tag(std::string_view chunk) noexcept {
  if (chunk.empty()) return false;
  if (chunk.front() == '@' || chunk.front() == '#') return true;
  if (chunk.find("://") != std::string_view::npos) return true;
  return chunk.size() > 4 && (chunk[0] | 0x20) == 'w' && (chunk[1] | 0x20) == 'w' && (chunk[2] | 0x20) == 'w' &&
         chunk[3] == '.';
}

// Whether the text has words, and their letters are mostly of the Latin script, counted by
// the lead byte of each UTF-8 sequence outside links, handles and tags. Short texts in another
// script ("Привет мир", "שלום עולם"), or of emoji or links only ("😍😍", "www.borel.fr"), are
// an unsure "en" for CLD2, which is no answer: French and English are words in Latin letters.
// Combining marks, punctuation, symbols, emoji and fullwidth forms count for neither side.
bool mostly_latin(std::string_view text) noexcept {
  std::size_t latin = 0, other = 0;
  std::size_t chunk_end = 0;  // the end of the chunk of text i is in, once it is not skipped
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i >= chunk_end) {
      chunk_end = text.find_first_of(" \t\r\n", i);
      if (chunk_end == std::string_view::npos) chunk_end = text.size();
      if (is_link_or_tag(text.substr(i, chunk_end - i))) {
        i = chunk_end;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (c < 0x80) {
      latin += (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    } else if (c >= 0xC3 && c <= 0xC9) {  // U+00C0..U+027F: Latin-1 letters, Latin Extended, IPA
      ++latin;
    } else if (c >= 0xCD && c <= 0xE0) {  // U+0340..U+0FFF: Greek, Cyrillic ... Arabic, Indic, Thai
      other += c > 0xCD || next >= 0xB0;  // U+0370 on; before it, combining marks
    } else if (c == 0xE1) {               // U+1000..U+1FFF: Latin Extended Additional among others
      if (next >= 0xB8 && next <= 0xBB) ++latin;
      else ++other;
    } else if ((c >= 0xE3 && c <= 0xED) || (c == 0xF0 && next != 0x9F)) {
      ++other;                            // CJK, kana, Hangul; historic scripts (not emoji)
    }
  }
  return latin > 0 && latin >= other;
}

// ISO 639-1 code of a CLD2 language, or "" when it has none. CLD2 still uses withdrawn codes
// for two languages, and names variants with a region or a script.
std::string_view iso_code(CLD2::Language lang) noexcept {
  const char* code = CLD2::LanguageCode(lang);
  if (code == nullptr) return {};
  const std::string_view c(code);
  if (c == "iw") return "he";
  if (c == "jw") return "jv";
  if (c == "zh-Hant") return "zh";
  if (c == "sr-ME") return "sr";
  if (c.size() != 2) return {};
  return c;
}

}  // namespace

int function_word_lean(std::string_view text) noexcept {
  const function_word_counts found = count_function_words(text.substr(0, max_detect_bytes));
  const int* const counts = found.counts;
  return counts[other] > 0 ? 0 : counts[french] - counts[english];
}

std::string_view detect_language(std::string_view text, bool* sure) noexcept {
  bool unused;
  if (sure == nullptr) sure = &unused;
  *sure = false;
  if (text.size() < min_detect_bytes) return {};
  std::size_t n = text.size() < max_detect_bytes ? text.size() : max_detect_bytes;
  // Do not cut a UTF-8 sequence in two: CLD2 expects valid UTF-8.
  while (n > 0 && n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  // No letter at all (numbers, punctuation): nothing to detect; CLD2 would answer "en".
  bool has_letter = false;
  for (std::size_t i = 0; i < n && !has_letter; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    has_letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0xC0;
  }
  if (!has_letter) return {};
  if (std::string_view guess = function_word_guess(text.substr(0, n)); !guess.empty()) {
    *sure = true;
    return guess;
  }
  // CLD2 trusts its input to be UTF-8: an overlong form ("\xC0\xAF") makes it read out of
  // bounds. Mentions parsed from JSON are valid already; other callers get no guess.
  if (!simdjson::validate_utf8(text.data(), n)) return {};
  bool reliable = false;
  // is_plain_text=true: mentions are text, not HTML; CLD2 skips URLs, @names and #tags itself.
  CLD2::Language lang = CLD2::DetectLanguage(text.data(), static_cast<int>(n), true, &reliable);
  if (lang == CLD2::UNKNOWN_LANGUAGE || lang == CLD2::TG_UNKNOWN_LANGUAGE) return {};
  // Short social posts are often "not reliable" yet right when CLD2 names en or fr, if they are
  // written in Latin letters; for other languages an unreliable guess is more likely noise,
  // and neutral is the safe answer.
  const std::string_view c = iso_code(lang);
  if (c.empty()) return {};
  if (!reliable && ((c != "en" && c != "fr") || !mostly_latin(text.substr(0, n)))) return {};
  *sure = reliable;
  return c;
}

}  // namespace vigie::pipeline
