#include "pipeline/terms.h"

#include <libstemmer.h>

#include <array>
#include <cstring>

#include "pipeline/internal/lexicon_hash.h"
#include "pipeline/internal/tokenizer.h"
#include "pipeline/internal/utf8.h"

namespace vigie::pipeline {
namespace {

using internal::hash_term;

constexpr std::uint64_t bigram_seed = 0x452821E638D01377ull;

// The hash of a word, stem or tag (term_hash() of it).
std::uint64_t word_hash(std::string_view s) noexcept { return hash_term(s) & ~phrase_hash_bit; }

std::uint64_t bigram_hash(std::uint64_t first, std::uint64_t second) noexcept {
  return internal::hash_final(internal::hash_mix(internal::hash_mix(bigram_seed, first), second)) | phrase_hash_bit;
}

// Folded (accent-free) function words of French and English. Both lists apply to every
// mention: social text mixes languages, and a French "the" or an English "les" is never a topic.
// Pieces of elided and contracted forms are here too, since apostrophes split words
// ("aujourd'hui" -> "aujourd" "hui", "don't" -> "don" "t").
constexpr std::string_view stopword_list[] = {
    // French
    "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "elles", "en", "et",
    "eux", "il", "ils", "je", "la", "le", "les", "leur", "leurs", "lui", "ma", "mais", "me",
    "meme", "memes", "mes", "moi", "mon", "ne", "nos", "notre", "nous", "on", "ou", "par", "pas",
    "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sur", "ta", "te", "tes", "toi", "ton",
    "tu", "un", "une", "vos", "votre", "vous", "ete", "etre", "suis", "es", "est", "sommes",
    "etes", "sont", "sera", "serait", "seront", "etais", "etait", "etaient", "fut", "ai", "as",
    "avons", "avez", "ont", "aura", "aurait", "avais", "avait", "avaient", "avoir", "eu", "ca",
    "cela", "ceci", "cet", "cette", "celui", "celle", "ceux", "celles", "ici", "tout", "tous",
    "toute", "toutes", "plus", "moins", "tres", "trop", "bien", "encore", "deja", "aussi",
    "alors", "donc", "car", "comme", "si", "sans", "sous", "chez", "entre", "vers", "depuis",
    "pendant", "apres", "avant", "jusqu", "lorsqu", "puisqu", "quoiqu", "quand", "comment",
    "pourquoi", "quoi", "quel", "quelle", "quels", "quelles", "rien", "jamais", "toujours", "peu",
    "beaucoup", "fait", "faire", "fais", "font", "peut", "peux", "doit", "va", "vont", "vais",
    "ni", "non", "oui", "aujourd", "hui", "dont", "etc", "voila", "chaque", "autre", "autres",
    "quelque", "quelques", "puis", "ainsi", "selon", "contre", "parce", "afin", "sinon", "tant",
    "tel", "telle", "ya", "bon", "ben", "bah", "euh", "oh", "ah",
    // English
    "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "aren", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
    "by", "can", "cannot", "could", "couldn", "did", "didn", "do", "does", "doesn", "doing",
    "don", "down", "during", "each", "few", "for", "from", "further", "had", "hadn", "has",
    "hasn", "have", "haven", "having", "he", "her", "here", "hers", "herself", "him", "himself",
    "his", "how", "if", "in", "into", "is", "isn", "it", "its", "itself", "just", "let", "ll",
    "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "once", "only", "or",
    "other", "our", "ours", "out", "over", "own", "re", "same", "she", "should", "shouldn", "so",
    "some", "such", "than", "that", "the", "their", "theirs", "them", "then", "there", "these",
    "they", "this", "those", "through", "to", "too", "under", "until", "up", "ve", "very", "was",
    "wasn", "we", "were", "weren", "what", "when", "where", "which", "while", "who", "whom",
    "why", "will", "with", "won", "would", "wouldn", "you", "your", "yours", "also", "get", "got",
    "im", "ive", "dont", "cant", "really", "still", "even", "much", "many", "one", "like", "yet",
    "via", "amp", "rt", "gonna", "wanna",
};

// Open addressing over the hashes of the list: one probe, no string compare (a 64-bit hash
// collision with a real word is not a practical concern).
class stopword_set {
 public:
  stopword_set() {
    for (std::string_view w : stopword_list) {
      std::uint64_t h = word_hash(w);
      std::size_t i = h & mask;
      while (slots_[i] != 0 && slots_[i] != h) i = (i + 1) & mask;
      slots_[i] = h;
    }
  }
  bool contains(std::uint64_t h) const noexcept {
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      if (slots_[i] == h) return true;
      if (slots_[i] == 0) return false;
    }
  }

 private:
  static constexpr std::size_t mask = 1023;  // at most half full
  std::array<std::uint64_t, mask + 1> slots_{};
};

enum class char_class : std::uint8_t { separator, letter, mark };

// Byte classes, one table look-up per byte on the hot loops.
enum : std::uint8_t { byte_alnum = 1, byte_digit = 2, byte_space = 4 };
constexpr std::array<std::uint8_t, 256> byte_class = [] {
  std::array<std::uint8_t, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = byte_alnum;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = byte_alnum;
  for (int c = '0'; c <= '9'; ++c) t[c] = byte_alnum | byte_digit;
  for (char c : {' ', '\t', '\n', '\r', '\f', '\v'}) t[static_cast<unsigned char>(c)] = byte_space;
  return t;
}();
constexpr std::array<char, 256> ascii_lower = [] {
  std::array<char, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return t;
}();

bool is_ascii_alnum(unsigned char c) noexcept { return byte_class[c] & byte_alnum; }

// Letters of the scripts people write in; combining marks are dropped inside a word
// ("cafe\u0301" is "cafe"); punctuation, symbols and emoji separate words.
char_class classify(char32_t c) noexcept {
  if (c < 0x80) return is_ascii_alnum(static_cast<unsigned char>(c)) ? char_class::letter : char_class::separator;
  if (c == 0xAA || c == 0xB5 || c == 0xBA) return char_class::letter;
  if (c < 0xC0) return char_class::separator;
  if (c <= 0x2AF) return (c == 0xD7 || c == 0xF7) ? char_class::separator : char_class::letter;
  if (c < 0x300) return char_class::separator;  // spacing modifiers, among them ʼ
  if (c <= 0x36F) return char_class::mark;
  if (c < 0x2000) return char_class::letter;    // Greek, Cyrillic ... Latin Extended Additional
  if (c < 0x2C00) return char_class::separator; // punctuation, symbols, arrows
  if (c < 0x2E00) return char_class::letter;
  if (c < 0x3040) return char_class::separator; // supplemental and CJK punctuation
  if (c < 0xD800) return char_class::letter;    // kana, CJK, Hangul
  if (c < 0xF900) return char_class::separator; // surrogates, private use
  if (c < 0xFE00) return char_class::letter;
  if (c < 0xFE10) return char_class::mark;      // variation selectors
  if (c < 0xFE70) return char_class::separator;
  if (c < 0xFEFF) return char_class::letter;
  if ((c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A) ||
      (c >= 0xFF66 && c <= 0xFFDC))
    return char_class::letter;
  if (c < 0x10000) return char_class::separator;
  if (c >= 0x1F000 && c <= 0x1FAFF) return char_class::separator;  // emoji
  if (c >= 0xE0000) return char_class::separator;                  // tags, private use
  return char_class::letter;
}

// Punctuation that ends a phrase: no bigram spans it.
bool breaks_phrase(char32_t c) noexcept {
  switch (c) {
    case '.': case ',': case ';': case ':': case '!': case '?': case '(': case ')': case '[':
    case ']': case '{': case '}': case '|': case '/': case '\n': case '\r':
    case 0x2026: case 0x2013: case 0x2014: case 0x3002: case 0xA1: case 0xBF:
      return true;
    default:
      return false;
  }
}

bool is_space(unsigned char c) noexcept { return byte_class[c] & byte_space; }

bool starts_with_icase(std::string_view s, std::string_view prefix) noexcept {
  if (s.size() < prefix.size()) return false;
  for (std::size_t k = 0; k < prefix.size(); ++k) {
    char c = s[k];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[k]) return false;
  }
  return true;
}

enum class stem_language : std::uint8_t { none, french, english };

stem_language language_of(std::string_view lang) noexcept {
  if (lang.size() < 2 || (lang.size() > 2 && lang[2] != '-' && lang[2] != '_')) return stem_language::none;
  const char a = static_cast<char>(lang[0] | 0x20), b = static_cast<char>(lang[1] | 0x20);
  if (a == 'f' && b == 'r') return stem_language::french;
  if (a == 'e' && b == 'n') return stem_language::english;
  return stem_language::none;
}

// Raw bytes of a word looked at: a word longer than this cannot fold to max_term_word_bytes
// (folding at most quarters a 4-byte code point), so it is skipped without folding.
constexpr std::size_t max_raw_word_bytes = 4 * max_term_word_bytes;
// Shorter words are their own stems in both Snowball algorithms but for rare plurals; not
// stemming them keeps the cache for the words that need it.
constexpr std::size_t min_stemmed_bytes = 4;
// Words and tags looked at per mention (stopwords included): bounds the work on huge texts.
constexpr std::size_t max_scan_items = 4 * max_terms_per_mention;
// Stems cached inline up to this size; longer ones (rare) are stemmed every time.
constexpr std::size_t cached_stem_bytes = 15;
// Room per term in the output buffer: a bigram of two longest words and its space.
constexpr std::size_t max_term_bytes = 2 * max_term_word_bytes + 2;

struct stem_entry {
  std::uint64_t key = 0;        // hash of the folded word, salted by language; 0: empty
  std::uint64_t stem_hash = 0;  // word_hash(stem)
  std::uint8_t size = 0;
  char text[cached_stem_bytes] = {};
};
static_assert(sizeof(stem_entry) == 32);
// Entries per set of the stem cache: two cache lines.
constexpr std::size_t stem_ways = 4;

}  // namespace

std::uint64_t term_hash(std::string_view text) noexcept {
  const std::size_t space = text.find(' ');
  if (space == std::string_view::npos) return word_hash(text);
  return bigram_hash(word_hash(text.substr(0, space)), word_hash(text.substr(space + 1)));
}

struct term_extractor::impl {
  struct pending {
    std::uint64_t hash;
    std::uint32_t offset;
    std::uint32_t size;
  };
  // A word or tag found by the first pass of extract(), folded into `scan`.
  struct item {
    std::uint64_t hash;          // word_hash of the folded form
    std::uint32_t offset;
    std::uint8_t size;
    bool tag;                    // a hashtag or handle (else a word, to stem)
    bool phrase_break;           // punctuation, a number, a URL or a tag came before this word
  };
  struct seen_slot {
    std::uint64_t hash = 0;
    std::uint32_t stamp = 0;
  };
  // Dedupe set of one mention's terms, cleared in O(1) by bumping the stamp; four times
  // max_terms_per_mention keeps probes short.
  static constexpr std::size_t seen_mask = 4 * max_terms_per_mention - 1;

  impl() : stems(stem_cache_entries), seen(seen_mask + 1) {
    buffer.resize(max_terms_per_mention * max_term_bytes);
    pending_terms.reserve(max_terms_per_mention);
    items.reserve(max_scan_items);
    french = sb_stemmer_new("french", "UTF_8");
    english = sb_stemmer_new("english", "UTF_8");
  }
  ~impl() {
    if (french != nullptr) sb_stemmer_delete(french);
    if (english != nullptr) sb_stemmer_delete(english);
  }

  // Adds the term unless this mention already has it; false when it was there or the
  // mention is full.
  bool add(std::uint64_t hash, std::string_view a, std::string_view b = {}) {
    if (pending_terms.size() >= max_terms_per_mention) return false;
    for (std::size_t i = hash & seen_mask;; i = (i + 1) & seen_mask) {
      if (seen[i].stamp != stamp) {
        seen[i] = {hash, stamp};
        break;
      }
      if (seen[i].hash == hash) return false;
    }
    char* out = buffer.data() + used;
    std::memcpy(out, a.data(), a.size());
    std::size_t size = a.size();
    if (!b.empty()) {
      out[size++] = ' ';
      std::memcpy(out + size, b.data(), b.size());
      size += b.size();
    }
    pending_terms.push_back({hash, static_cast<std::uint32_t>(used), static_cast<std::uint32_t>(size)});
    used += size;
    return true;
  }

  static std::uint64_t stem_key(std::uint64_t h, stem_language lang) noexcept {
    return (h ^ (lang == stem_language::french ? 0x13198A2E03707344ull : 0xA4093822299F31D0ull)) | 1;
  }
  stem_entry* stem_set(std::uint64_t h, stem_language lang) noexcept {
    return &stems[(stem_key(h, lang) & (stem_cache_entries / stem_ways - 1)) * stem_ways];
  }

  // The stem of the folded word w (hash h): cached, or from Snowball. Sets *stem_hash.
  std::string_view stem(std::string_view w, std::uint64_t h, stem_language lang, std::uint64_t* stem_hash) {
    if (lang == stem_language::none || w.size() < min_stemmed_bytes) {
      *stem_hash = h;
      return w;
    }
    const std::uint64_t key = stem_key(h, lang);
    stem_entry* set = stem_set(h, lang);
    for (std::size_t k = 0; k < stem_ways; ++k)
      if (set[k].key == key) {
        *stem_hash = set[k].stem_hash;
        return std::string_view(set[k].text, set[k].size);
      }
    sb_stemmer* s = lang == stem_language::french ? french : english;
    if (s == nullptr) {  // libstemmer without this algorithm: no stemming
      *stem_hash = h;
      return w;
    }
    const sb_symbol* out = sb_stemmer_stem(s, reinterpret_cast<const sb_symbol*>(w.data()), static_cast<int>(w.size()));
    const int size = sb_stemmer_length(s);
    if (out == nullptr || size <= 0 || static_cast<std::size_t>(size) > max_term_word_bytes) {
      *stem_hash = h;
      return w;
    }
    std::string_view result(reinterpret_cast<const char*>(out), static_cast<std::size_t>(size));
    *stem_hash = word_hash(result);
    if (result.size() <= cached_stem_bytes) {
      // Newest first: the oldest entry of the set leaves (two hot words sharing a set both stay).
      std::memmove(set + 1, set, (stem_ways - 1) * sizeof(stem_entry));
      stem_entry& e = set[0];
      e.key = key;
      e.stem_hash = *stem_hash;
      e.size = static_cast<std::uint8_t>(result.size());
      std::memcpy(e.text, result.data(), result.size());
      return std::string_view(e.text, e.size);
    }
    // Snowball's buffer lives until its next call: copy it out of the way.
    std::memcpy(long_stem, result.data(), result.size());
    return std::string_view(long_stem, result.size());
  }

  void extract(std::string_view text, std::string_view lang, std::vector<term>* out);

  std::string buffer;  // the texts of this mention's terms; sized for the worst case once
  std::size_t used = 0;
  std::vector<pending> pending_terms;
  std::vector<stem_entry> stems;
  std::vector<item> items;
  std::string scan;  // folded words and tags of the mention: grows to the longest text, then stays
  std::vector<seen_slot> seen;
  std::uint32_t stamp = 0;
  const stopword_set& stopwords = shared_stopwords();
  sb_stemmer* french = nullptr;
  sb_stemmer* english = nullptr;
  char previous[max_term_word_bytes];  // the stem before the current one: first half of a bigram
  char long_stem[max_term_word_bytes];

  static const stopword_set& shared_stopwords() {
    static const stopword_set set;
    return set;
  }
};

void term_extractor::impl::extract(std::string_view text, std::string_view lang, std::vector<term>* out) {
  // Two passes: the first splits and folds the words and starts loading their stem-cache
  // sets, the second stems them. The cache is megabytes: fetched one word at a time, its
  // misses would be paid one after the other.
  items.clear();
  const stem_language language = language_of(lang);
  const std::size_t n = text.size();
  if (scan.size() < n + max_raw_word_bytes) scan.resize(n + max_raw_word_bytes);
  char* const folded = scan.data();
  std::size_t used_scan = 0;
  bool pending_break = false;
  bool chunk_start = true;
  std::size_t i = 0;
  while (i < n && items.size() < max_scan_items) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (is_space(c)) {
      if (c == '\n' || c == '\r') pending_break = true;
      chunk_start = true;
      ++i;
      continue;
    }
    if (chunk_start) {
      chunk_start = false;
      // URLs are links, not topics. Only chunks that can start one are measured.
      if (c == 'h' || c == 'H' || c == 'w' || c == 'W' || !is_ascii_alnum(c)) {
        std::size_t end = i;
        while (end < n && !is_space(static_cast<unsigned char>(text[end]))) ++end;
        const std::string_view chunk = text.substr(i, end - i);
        if (starts_with_icase(chunk, "www.") || chunk.find("://") != std::string_view::npos) {
          pending_break = true;
          i = end;
          continue;
        }
      }
    }
    // A '#' or '@' glued to a word ("C#", "jean@example.com") does not start a tag.
    const bool glued = i > 0 && (is_ascii_alnum(static_cast<unsigned char>(text[i - 1])) ||
                                 static_cast<unsigned char>(text[i - 1]) >= 0x80);
    if ((c == '#' || c == '@') && !glued && i + 1 < n) {
      // A tag: '#' or '@' then letters, digits and '_', with at least one letter.
      char* const tag = folded + used_scan;
      std::size_t e = i + 1, size = 1;
      bool letter = false, fits = true;
      tag[0] = static_cast<char>(c);
      while (e < n) {
        const unsigned char a = static_cast<unsigned char>(text[e]);
        if (a < 0x80) {
          if (!is_ascii_alnum(a) && a != '_') break;
          letter = letter || (a > '9' && a != '_');
          if (size < max_raw_word_bytes) tag[size++] = ascii_lower[a];
          else fits = false;
          ++e;
          continue;
        }
        const internal::code_point cp = internal::decode(text, e);
        const char_class k = classify(cp.cp);
        if (k == char_class::separator) break;
        if (k == char_class::letter) {
          letter = true;
          if (size + cp.size <= max_raw_word_bytes) size += internal::fold_to(text.substr(e, cp.size), tag + size);
          else fits = false;
        }
        e += cp.size;
      }
      if (e > i + 1) {
        if (letter && fits && size <= max_term_word_bytes + 1) {
          items.push_back({word_hash(std::string_view(tag, size)), static_cast<std::uint32_t>(used_scan),
                           static_cast<std::uint8_t>(size), true, false});
          used_scan += size;
        }
        pending_break = true;  // no phrase spans a tag
        i = e;
        continue;
      }
    }
    if (c == '@' && glued) {
      // An e-mail address: the rest of the chunk is not words.
      while (i < n && !is_space(static_cast<unsigned char>(text[i]))) ++i;
      pending_break = true;
      continue;
    }
    // A word: letters, digits and combining marks, folded as it is scanned.
    char* const word = folded + used_scan;
    std::size_t e = i, size = 0;
    bool digits_only = true, fits = true;
    while (e < n) {
      const unsigned char a = static_cast<unsigned char>(text[e]);
      const std::uint8_t k = byte_class[a];
      if (k & byte_alnum) {
        digits_only = digits_only && (k & byte_digit);
        if (size < max_raw_word_bytes) word[size++] = ascii_lower[a];
        else fits = false;
        ++e;
        continue;
      }
      if (a < 0x80) break;
      const internal::code_point cp = internal::decode(text, e);
      const char_class cls = classify(cp.cp);
      if (cls == char_class::separator) break;
      if (cls == char_class::letter) {
        digits_only = false;
        if (size + cp.size <= max_raw_word_bytes) size += internal::fold_to(text.substr(e, cp.size), word + size);
        else fits = false;
      }
      e += cp.size;
    }
    if (e == i) {  // a separator
      const internal::code_point cp = c < 0x80 ? internal::code_point{c, 1} : internal::decode(text, i);
      if (breaks_phrase(cp.cp)) pending_break = true;
      i += cp.size;
      continue;
    }
    i = e;
    if (size == 0) continue;  // only combining marks
    if (!fits || size > max_term_word_bytes || digits_only) {
      pending_break = true;  // garbage and numbers end a phrase
      continue;
    }
    if (size < 2) continue;  // single letters, elided l' j' d'
    const std::uint64_t h = word_hash(std::string_view(word, size));
    if (stopwords.contains(h)) continue;  // phrases skip stopwords: "rappel de produit"
    if (language != stem_language::none && size >= min_stemmed_bytes) __builtin_prefetch(stem_set(h, language));
    items.push_back({h, static_cast<std::uint32_t>(used_scan), static_cast<std::uint8_t>(size), false, pending_break});
    pending_break = false;
    used_scan += size;
  }

  pending_terms.clear();
  used = 0;
  if (++stamp == 0) {  // wrapped: old stamps would look current
    for (seen_slot& s : seen) s.stamp = 0;
    stamp = 1;
  }
  std::size_t previous_size = 0;  // 0: no stem to pair with
  std::uint64_t previous_hash = 0;
  for (const item& it : items) {
    if (pending_terms.size() >= max_terms_per_mention) break;
    const std::string_view form(folded + it.offset, it.size);
    if (it.tag) {
      add(it.hash, form);
      previous_size = 0;
      continue;
    }
    if (it.phrase_break) previous_size = 0;
    std::uint64_t sh;
    const std::string_view s = stem(form, it.hash, language, &sh);
    add(sh, s);
    if (previous_size != 0) add(bigram_hash(previous_hash, sh), std::string_view(previous, previous_size), s);
    std::memcpy(previous, s.data(), s.size());
    previous_size = s.size();
    previous_hash = sh;
  }
  for (const pending& p : pending_terms) out->push_back({p.hash, std::string_view(buffer.data() + p.offset, p.size)});
}

term_extractor::term_extractor() : impl_(std::make_unique<impl>()) {}
term_extractor::~term_extractor() = default;
term_extractor::term_extractor(term_extractor&&) noexcept = default;
term_extractor& term_extractor::operator=(term_extractor&&) noexcept = default;

void term_extractor::extract(std::string_view text, std::string_view lang, std::vector<term>* out) {
  impl_->extract(text, lang, out);
}

}  // namespace vigie::pipeline
