#include "pipeline/terms.h"

#include <libstemmer.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "pipeline/internal/lexicon_hash.h"
#include "pipeline/internal/tokenizer.h"
#include "pipeline/internal/utf8.h"

namespace vigie::pipeline {
namespace {

using internal::hash_term;

constexpr std::uint64_t bigram_seed = 0x452821E638D01377ull;

// Bytes readable past the end of every buffer the hot loops read (the padded copy of the
// text, the folded words, the stems): they load 8 or 16 bytes at a time and copy terms in
// fixed 48-byte moves instead of calling memcpy for a few bytes.
constexpr std::size_t slack_bytes = 64;
// Fixed-size copy of a term piece: at most max_term_word_bytes + 1 (a tag's sigil).
constexpr std::size_t piece_copy_bytes = 48;
static_assert(max_term_word_bytes + 1 <= piece_copy_bytes && piece_copy_bytes <= slack_bytes);

std::uint64_t load64(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// The first 16 bytes of a term piece, held in registers.
using u128 = unsigned __int128;
u128 load128(const char* p) noexcept { return load64(p) | static_cast<u128>(load64(p + 8)) << 64; }

// hash_term() of n bytes, 1 <= n <= 16, given as two little-endian words (bytes past n are
// ignored): nearly every word, without the branches of a loop (a word's length is a coin
// toss for the branch predictor).
[[gnu::always_inline]] inline std::uint64_t hash_16(std::uint64_t lo, std::uint64_t hi, std::size_t n) noexcept {
  const std::size_t first = n < 8 ? n : 8, second = n - first;  // bytes in each word
  const std::uint64_t a = lo & (~std::uint64_t{0} >> (64 - 8 * first));
  const std::uint64_t b = hi & ((std::uint64_t{1} << (4 * second) << (4 * second)) - 1);  // no shift by 64
  const std::uint64_t one = internal::hash_mix(internal::hash_seed ^ n, a);
  return internal::hash_final(second != 0 ? internal::hash_mix(one, b) : one);
}

// hash_term() of the n bytes at p, which must be followed by 8 readable bytes: the last word
// is one masked load instead of a byte loop.
[[gnu::always_inline]] inline std::uint64_t hash_padded(const char* p, std::size_t n) noexcept {
  if (n - 1 < 16) return hash_16(load64(p), load64(p + 8), n);
  std::uint64_t h = internal::hash_seed ^ n;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) h = internal::hash_mix(h, load64(p + i));
  if (i < n) h = internal::hash_mix(h, load64(p + i) & (~std::uint64_t{0} >> (64 - 8 * (n - i))));
  return internal::hash_final(h);
}

// The hash of a word, stem or tag (term_hash() of it).
std::uint64_t word_hash(std::string_view s) noexcept { return hash_term(s) & ~phrase_hash_bit; }
std::uint64_t word_hash_padded(const char* p, std::size_t n) noexcept { return hash_padded(p, n) & ~phrase_hash_bit; }

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
    "tel", "telle", "ya", "bon", "ben", "bah", "euh", "oh", "ah", "quelqu", "chose", "personne",
    "soit", "soient", "sois", "soyez", "soyons", "serai", "seras", "serez", "serons", "serais",
    "etions", "etiez", "aurai", "auras", "aurez", "aurons", "auront", "aurais", "avions",
    "aviez", "ait", "aient", "aie", "ayons", "ayez", "eue", "lequel", "auquel", "duquel",
    "parmi", "durant", "sauf", "voici", "certes", "aucun", "aucune", "lors", "lorsque",
    "puisque", "tandis", "faut", "fallait", "peuvent", "pouvez", "pouvons", "pourrait",
    "doivent", "devez", "allez", "allons", "vraiment", "enfin",
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
    "via", "amp", "rt", "gonna", "wanna", "anyone", "anybody", "someone", "somebody", "everyone",
    "nobody", "anything", "nothing", "else", "may", "might", "must", "shall", "upon", "per",
    "among", "within", "without", "across", "along", "around", "behind", "beyond", "since",
    "though", "although", "unless", "whether", "whose", "every", "either", "neither", "another",
    "ever", "never", "always", "maybe", "perhaps", "quite", "rather", "already", "almost", "yes",
    "yeah", "ok", "okay", "thats", "whats", "youre", "theyre", "isnt", "wont", "didnt",
    "doesnt", "wasnt", "arent", "havent", "hasnt", "couldnt", "wouldnt", "lets", "hes", "shes",
    "theres", "heres",
};


// The longest stopword, in bytes: a word of up to 8 bytes is one 64-bit register (its bytes,
// zeros above), so a stopword is told by comparing that register, not by a hash of it.
constexpr std::size_t max_stopword_bytes = 8;
static_assert([] {
  for (std::string_view w : stopword_list)
    if (w.size() > max_stopword_bytes) return false;
  return true;
}());

// Cuckoo hashing over the words of the list, each as its 64-bit register: a word is in one of
// two slots, so a look-up is two loads and no branch (four in ten words of a mention are
// stopwords: a probe loop's exit would be mispredicted every few words). The first pass asks
// before any hash of the word exists: the slots come from one multiply of its register. The
// compare is exact (folded words hold no zero byte, so the register names the word).
class stopword_set {
 public:
  stopword_set() {
    for (std::string_view w : stopword_list) {
      std::uint64_t key = 0;
      std::memcpy(&key, w.data(), w.size());
      insert(key);
    }
    assert(overflow_size_ == 0);  // debug builds (the unit tests) check the claim below
  }
  // word: the first 8 bytes of a folded word of `size` bytes, zeros above it.
  bool contains(std::uint64_t word, std::size_t size) const noexcept {
    const bool found = (size <= max_stopword_bytes) & ((slots_[first(word)] == word) | (slots_[second(word)] == word));
    // Never taken with this list: a predicted branch rather than a loop on every word.
    if (overflow_size_ != 0) [[unlikely]] return found || (size <= max_stopword_bytes && in_overflow(word));
    return found;
  }

 private:
  static constexpr std::size_t mask = 1023;  // a third full: insertions practically never fail
  // The top bits of a multiply depend on every byte of the word.
  static std::uint64_t mix(std::uint64_t w) noexcept { return w * 0x9E3779B97F4A7C15ull; }
  static std::size_t first(std::uint64_t w) noexcept { return mix(w) >> 54; }
  static std::size_t second(std::uint64_t w) noexcept { return (mix(w) >> 40) & mask; }
  bool in_overflow(std::uint64_t w) const noexcept {
    for (std::size_t k = 0; k < overflow_size_; ++k)
      if (overflow_[k] == w) return true;
    return false;
  }
  void insert(std::uint64_t w) {
    if (contains(w, max_stopword_bytes)) return;
    // The classic cuckoo walk: w takes a slot, the word there moves to its other slot, and
    // so on. (Kicking from a fixed side instead sends two words back and forth.)
    std::size_t at = first(w);
    for (int kicks = 0; kicks < 64; ++kicks) {
      if (slots_[first(w)] == 0) {
        slots_[first(w)] = w;
        return;
      }
      if (slots_[second(w)] == 0) {
        slots_[second(w)] = w;
        return;
      }
      std::swap(w, slots_[at]);
      at = at == first(w) ? second(w) : first(w);
    }
    if (overflow_size_ < overflow_.size()) overflow_[overflow_size_++] = w;
  }
  std::array<std::uint64_t, mask + 1> slots_{};
  std::array<std::uint64_t, 8> overflow_{};
  std::size_t overflow_size_ = 0;
};

enum class char_class : std::uint8_t { separator, letter, mark };

// Byte classes, one table look-up per byte on the slow paths.
enum : std::uint8_t { byte_alnum = 1, byte_digit = 2, byte_space = 4, byte_newline = 8 };
constexpr std::array<std::uint8_t, 256> byte_class = [] {
  std::array<std::uint8_t, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = byte_alnum;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = byte_alnum;
  for (int c = '0'; c <= '9'; ++c) t[c] = byte_alnum | byte_digit;
  for (char c : {' ', '\t', '\f', '\v'}) t[static_cast<unsigned char>(c)] = byte_space;
  for (char c : {'\n', '\r'}) t[static_cast<unsigned char>(c)] = byte_space | byte_newline;
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
  // Invisible characters that get inside words (soft hyphen, zero-width space and joiners,
  // word joiner, BOM) are dropped as marks are, as the sentiment tokenizer drops them.
  if (c == 0xAD || (c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF) return char_class::mark;
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

// U+00C0..U+00FF, the accented letters of French and the other Latin-1 languages (UTF-8
// C3 80..C3 BF), folded inline: what classify() and internal::fold_to() make of them (the
// tests check every one against those), without a decode and a call per letter. size 0:
// a separator (x and ÷); otherwise 1 or 2 bytes (æ -> "ae", ß -> "ss", þ stays þ).
struct latin1_fold {
  char bytes[2];
  std::uint8_t size;
};
constexpr std::array<latin1_fold, 64> latin1_folds = [] {
  constexpr const char* base = "aaaaaaAceeeeiiiidnooooo_ouuuuyTSaaaaaaAceeeeiiiidnooooo_ouuuuyty";
  std::array<latin1_fold, 64> t{};
  for (int k = 0; k < 64; ++k) {
    const char b = base[k];
    if (b == '_') t[k] = {{0, 0}, 0};
    else if (b == 'A') t[k] = {{'a', 'e'}, 2};
    else if (b == 'S') t[k] = {{'s', 's'}, 2};
    else if (b == 'T' || (k == 62)) t[k] = {{static_cast<char>(0xC3), static_cast<char>(0x80 + k)}, 2};
    else t[k] = {{b, 0}, 1};
  }
  return t;
}();

// Punctuation that ends a phrase: no bigram spans it.
[[gnu::always_inline]] inline bool breaks_phrase(char32_t c) noexcept {
  switch (c) {
    case '.': case ',': case ';': case ':': case '!': case '?': case '(': case ')': case '[':
    case ']': case '{': case '}': case '|': case '/': case '\n': case '\r':
    case 0x2026: case 0x2013: case 0x2014: case 0x3002: case 0xA1: case 0xBF:
      return true;
    default:
      return false;
  }
}

bool starts_with_icase(std::string_view s, std::string_view prefix) noexcept {
  if (s.size() < prefix.size()) return false;
  for (std::size_t k = 0; k < prefix.size(); ++k) {
    char c = s[k];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[k]) return false;
  }
  return true;
}

// The first whitespace byte at or after i in p[0, n), or n. p is padded (slack_bytes).
std::size_t chunk_end(const char* p, std::size_t i, std::size_t n) noexcept {
#if defined(__SSE2__)
  for (; i < n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i space = _mm_or_si128(
        _mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
        _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('\t' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('\r' + 1))));
    const unsigned m = static_cast<unsigned>(_mm_movemask_epi8(space));
    if (m != 0) return std::min(n, i + static_cast<std::size_t>(std::countr_zero(m)));
  }
  return n;
#else
  while (i < n && !(byte_class[static_cast<unsigned char>(p[i])] & byte_space)) ++i;
  return i;
#endif
}

// Whether p[i, end) holds "://". p is padded, and p[end] is not '/' (whitespace or padding).
[[gnu::always_inline]] inline bool has_scheme(const char* p, std::size_t i, std::size_t end) noexcept {
#if defined(__SSE2__)
  // Most chunks have no ':' in their first 16 bytes: one compare instead of a byte loop.
  if (end - i <= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const unsigned colons = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(':'))));
    if ((colons & ((1u << (end - i)) - 1)) == 0) return false;
  }
#endif
  for (; i < end; ++i)
    if (p[i] == ':' && p[i + 1] == '/' && p[i + 2] == '/') return true;
  return false;
}

// The run of ASCII letters and digits at p (padded: the run ends at the padding at the
// latest), folded to out while *out_size < fold_limit: ASCII letters and digits fold to
// themselves | 0x20 (digits have that bit already). Returns its length; clears *digits_only
// when a byte of it is not a digit. Forced inline, like the other helpers of the scan: with two
// instantiations of extract() (with and without spans) GCC stopped inlining them, and a call
// per word cost extraction 2 to 3%.
constexpr std::size_t fold_limit = 48;  // past max_term_word_bytes a word is dropped anyway
[[gnu::always_inline]] inline std::size_t ascii_run(const char* p, char* out, std::size_t* out_size, bool* digits_only) noexcept {
  std::size_t len = 0;
#if defined(__SSE2__)
  for (;; len += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + len));
    const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
    // Signed compares: bytes >= 0x80 are negative, never in range.
    const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                         _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
    const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                        _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    const unsigned alnum = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(letter, digit)));
    const unsigned digits = static_cast<unsigned>(_mm_movemask_epi8(digit));
    if (*out_size + len < fold_limit) _mm_storeu_si128(reinterpret_cast<__m128i*>(out + len), lower);
    if (alnum != 0xFFFF) {
      const unsigned run = static_cast<unsigned>(std::countr_zero(~alnum));
      const unsigned in_run = (1u << run) - 1;
      if ((digits & in_run) != in_run) *digits_only = false;
      len += run;
      break;
    }
    if (digits != 0xFFFF) *digits_only = false;
  }
#else
  for (;; ++len) {
    const unsigned char a = static_cast<unsigned char>(p[len]);
    const std::uint8_t k = byte_class[a];
    if (!(k & byte_alnum)) break;
    if (!(k & byte_digit)) *digits_only = false;
    if (*out_size + len < fold_limit) out[len] = ascii_lower[a];
  }
#endif
  *out_size += len;
  return len;
}

void copy_piece(char* to, const char* from) noexcept { std::memcpy(to, from, piece_copy_bytes); }
// copy_piece() for ranges that may overlap: loads it all, then stores (GCC calls libc for a
// fixed-size memmove).
void move_piece(char* to, const char* from) noexcept {
  char piece[piece_copy_bytes];
  std::memcpy(piece, from, piece_copy_bytes);
  std::memcpy(to, piece, piece_copy_bytes);
}

enum class stem_language : std::uint8_t { none, french, english };

[[gnu::always_inline]] inline stem_language language_of(std::string_view lang) noexcept {
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
// Room per term in the output buffer: a bigram of two longest words and its space.
constexpr std::size_t max_term_bytes = 2 * max_term_word_bytes + 2;

// The stem cache maps a folded word straight to its stem and the stem's hash, so that a word
// seen before costs one look-up: no hash of the word, no Snowball, no hash of the stem.
// Snowball's French and English stems are the word's first bytes and then a short ending at
// most ("chevaux" -> "cheval", "happy" -> "happi"), so an entry holds the stem as an edit of
// the word: how many bytes to keep, and up to stem_tail_bytes new ones. Stems with a longer
// ending are not cached (Snowball runs each time; none in the test corpora).
constexpr std::size_t stem_tail_bytes = 6;
// Words of up to this many bytes are their own key (two 64-bit registers, the top byte free
// for size and language): a hit is told by comparing them, and the set is found with one
// multiply instead of a hash. Longer words, rare, are keyed by their hash.
constexpr std::size_t max_inline_word_bytes = 15;
struct stem_entry {
  std::uint64_t lo = 0;    // an inline word's bytes 0..7; a longer word's hash
  std::uint64_t hi = 0;    // see word_key(); 0: empty (every key is non-zero)
  std::uint64_t stem_hash = 0;
  std::uint64_t edit = 0;  // byte 0: bytes of the word kept; byte 1: tail size; then the tail
};
static_assert(sizeof(stem_entry) == 32);
// Entries per set of the stem cache: one cache line, most recently used first.
constexpr std::size_t stem_ways = 2;
struct alignas(64) stem_set_line {
  std::array<stem_entry, stem_ways> ways;
};
static_assert(sizeof(stem_set_line) == 64);
constexpr std::size_t stem_sets = stem_cache_entries / stem_ways;
constexpr int stem_set_bits = std::countr_zero(stem_sets);
static_assert(std::has_single_bit(stem_sets) && stem_set_bits > 0);

}  // namespace

std::uint64_t term_hash(std::string_view text) noexcept {
  const std::size_t space = text.find(' ');
  if (space == std::string_view::npos) return word_hash(text);
  return bigram_hash(word_hash(text.substr(0, space)), word_hash(text.substr(space + 1)));
}

struct term_extractor::impl {
  // A word or tag found by the first pass of extract(), folded into `scan`.
  struct item {
    std::uint64_t hash;          // a tag: its word_hash; a word: its stem-cache mix (see stem())
    std::uint32_t offset;
    std::uint8_t size;
    bool tag;                    // a hashtag or handle (else a word, to stem)
    bool phrase_break;           // punctuation, a number, a URL or a tag came before this word
  };
  struct seen_slot {
    std::uint64_t hash = 0;
    std::uint32_t stamp = 0;
    std::uint32_t offset = 0;  // of the term's text in `buffer`
  };
  // Dedupe set of one mention's terms, cleared in O(1) by bumping the stamp; four times
  // max_terms_per_mention keeps probes short.
  static constexpr std::size_t seen_mask = 4 * max_terms_per_mention - 1;

  impl() : stems(stem_sets), seen(seen_mask + 1) {
    buffer.resize(max_terms_per_mention * max_term_bytes + slack_bytes);
    items.resize(max_scan_items);
    sources.resize(max_scan_items);
    for (const stem_language lang : {stem_language::french, stem_language::english}) {
      const char* const name = lang == stem_language::french ? "french" : "english";
      snowball& s = stemmers[static_cast<std::size_t>(lang)];
      s.utf8 = sb_stemmer_new(name, "UTF_8");
      s.latin1 = sb_stemmer_new(name, "ISO_8859_1");
    }
  }
  ~impl() {
    for (snowball& s : stemmers) {
      if (s.utf8 != nullptr) sb_stemmer_delete(s.utf8);
      if (s.latin1 != nullptr) sb_stemmer_delete(s.latin1);
    }
  }

  // Terms are written at next() first, then committed, unless this mention already has
  // them: the text is copied once, and then only when it is not already where it goes.
  char* next() noexcept { return buffer.data() + used; }
  // Commits the term of that hash whose size bytes are at next(), unless this mention already
  // has it. Returns the offset in `buffer` of the term's text, new or earlier. The caller
  // stops before max_terms_per_mention.
  [[gnu::always_inline]] std::uint32_t commit(std::uint64_t hash, std::size_t size, std::uint64_t first_word = 0,
                                              std::uint64_t second_word = 0) {
    for (std::size_t i = hash & seen_mask;; i = (i + 1) & seen_mask) {
      seen_slot& slot = seen[i];
      if (slot.stamp != stamp) {
        slot = {hash, stamp, static_cast<std::uint32_t>(used)};
        break;
      }
      if (slot.hash == hash) return slot.offset;
    }
    out->push_back({hash, std::string_view(buffer.data() + used, size), first_word, second_word});
    const std::uint32_t offset = static_cast<std::uint32_t>(used);
    used += size;
    ++added;
    return offset;
  }

  // Short words are their own stems in every language: one cache entry serves them all.
  // A mask rather than a branch: whether a word is short is a coin toss for the predictor.
  static stem_language key_language(std::size_t size, stem_language lang) noexcept {
    const std::uint8_t keep = static_cast<std::uint8_t>(-static_cast<int>(size >= min_stemmed_bytes));
    return static_cast<stem_language>(static_cast<std::uint8_t>(lang) & keep);
  }
  // The bytes of a folded word of 1..16 bytes as two registers, zeros above its size (the
  // bytes after a word in `scan` are the next ones, folded or not).
  [[gnu::always_inline]] static void split(const char* w, std::size_t size, std::uint64_t* a, std::uint64_t* b) noexcept {
    const std::size_t first = size < 8 ? size : 8, second = size - first;
    *a = load64(w) & (~std::uint64_t{0} >> (64 - 8 * first));
    *b = load64(w + 8) & ((std::uint64_t{1} << (4 * second) << (4 * second)) - 1);
  }
  // The second half of an inline word's key: its bytes 8..14, then size and language in the
  // top byte (non-zero: size >= 2).
  static std::uint64_t inline_key(std::uint64_t b, std::size_t size, stem_language lang) noexcept {
    return b | (std::uint64_t{size} | std::uint64_t{static_cast<std::uint8_t>(lang)} << 4) << 56;
  }
  // The second half of a longer word's key (its hash is the first): bit 63 tells it from an
  // inline key.
  static std::uint64_t long_key(std::size_t size, stem_language lang) noexcept {
    return (std::uint64_t{0x80} | std::uint64_t{static_cast<std::uint8_t>(lang)} << 4) << 56 | size;
  }
  // What picks an inline word's set (its top bits): two multiplies rather than a full hash.
  static std::uint64_t inline_mix(std::uint64_t a, std::uint64_t key_hi) noexcept {
    return (a * 0x9E3779B97F4A7C15ull) ^ (key_hi * 0xBF58476D1CE4E5B9ull);
  }
  stem_entry* stem_set(std::uint64_t mix) noexcept { return stems[mix >> (64 - stem_set_bits)].ways.data(); }

  // Writes the stem of the folded word w (w_size bytes, 2..max_term_word_bytes) to `to`
  // (piece_copy_bytes of room), and returns its hash; sets *size, and *first to its first 16
  // bytes. mix: what the first pass set in the word's item (inline_mix(), or the word's hash
  // when it is longer than max_inline_word_bytes).
  [[gnu::always_inline]] std::uint64_t stem(char* to, const char* w, std::size_t w_size, std::uint64_t mix,
                                            stem_language lang, std::size_t* size, u128* first) {
    const stem_language key_lang = key_language(w_size, lang);
    std::uint64_t key_lo, key_hi;
    u128 word;
    if (w_size <= max_inline_word_bytes) [[likely]] {
      std::uint64_t b;
      split(w, w_size, &key_lo, &b);
      key_hi = inline_key(b, w_size, key_lang);
      word = key_lo | static_cast<u128>(b) << 64;
    } else {
      if (key_lang == stem_language::none) {  // not stemmed: its hash is at hand
        copy_piece(to, w);
        *size = w_size;
        *first = load128(w);
        return mix;
      }
      key_lo = mix;
      key_hi = long_key(w_size, key_lang);
      word = load128(w);
    }
    stem_entry* const set = stem_set(mix);
    static_assert(stem_ways == 2);
    if (!((set[0].lo == key_lo) & (set[0].hi == key_hi))) {
      if ((set[1].lo == key_lo) & (set[1].hi == key_hi)) {
        // Most recently used first: the word least used lately leaves when the set is full.
        std::swap(set[0], set[1]);
      } else if (!stem_miss(w, w_size, key_lang, key_lo, key_hi, set)) {  // not cacheable: in stem_text
        copy_piece(to, stem_text);
        *size = long_size;
        *first = load128(stem_text);
        return long_hash;
      }
    }
    const stem_entry& e = set[0];
    const std::size_t keep = e.edit & 0xFF;
    const std::uint64_t tail = e.edit >> 16;  // zeros past the tail
    *size = keep + ((e.edit >> 8) & 0xFF);
    if (*size <= 16 && w_size <= max_inline_word_bytes) [[likely]] {
      // Nearly every stem: edited in registers and stored in one 16-byte write (keep < 16).
      // Writing the tail over a copy of the word and reading the stem back would stall: a
      // load from several recent stores cannot be forwarded from them.
      const u128 stem = (word & ((u128{1} << (8 * keep)) - 1)) | static_cast<u128>(tail) << (8 * keep);
      std::memcpy(to, &stem, 16);
      *first = stem;
      return e.stem_hash;
    }
    copy_piece(to, w);
    std::memcpy(to + keep, &tail, 8);  // keep <= max_term_word_bytes: within the piece's room
    *first = load128(to);
    return e.stem_hash;
  }

  // Stems w (Snowball for key_lang, or the word itself) and hashes the stem. Returns true with
  // both cached as set[0], or false with the stem in stem_text (long_size bytes, hash
  // long_hash) when its ending does not fit an entry.
  [[gnu::noinline]] bool stem_miss(const char* w, std::size_t w_size, stem_language key_lang, std::uint64_t key_lo,
                                   std::uint64_t key_hi, stem_entry* set) {
    const char* r = w;
    std::size_t r_size = w_size;
    unsigned char high = 0;  // bit 7 set: the word has a byte other than ASCII
    for (std::size_t k = 0; k < w_size; ++k) high |= static_cast<unsigned char>(w[k]);
    const snowball& algorithm = stemmers[static_cast<std::size_t>(key_lang)];
    sb_stemmer* const s = (high & 0x80) == 0 && algorithm.latin1 != nullptr ? algorithm.latin1 : algorithm.utf8;
    if (s != nullptr) {  // else not stemmed, or libstemmer without this algorithm
      // Folding took the accent off "ée": "gonflée" reads "gonflee", which Snowball stems
      // "gonfle" where "gonflé" gives "gonfl". A folded French word ending in "ee" or "ees"
      // had that "ée" (French has no other): without it, every form gives "gonfl".
      const std::string_view word(w, w_size);
      std::size_t stem_size = w_size;
      if (key_lang == stem_language::french && w_size > min_stemmed_bytes) stem_size -= word.ends_with("ees") ? 2 : word.ends_with("ee") ? 1 : 0;
      const sb_symbol* out = sb_stemmer_stem(s, reinterpret_cast<const sb_symbol*>(w), static_cast<int>(stem_size));
      const int result_size = sb_stemmer_length(s);
      if (out != nullptr && result_size > 0 && static_cast<std::size_t>(result_size) <= max_term_word_bytes) {
        r = reinterpret_cast<const char*>(out);
        r_size = static_cast<std::size_t>(result_size);
      }
    }
    std::size_t keep = 0;
    const std::size_t common = std::min(r_size, w_size);
    while (keep < common && r[keep] == w[keep]) ++keep;
    const std::uint64_t hash = word_hash(std::string_view(r, r_size));
    if (r_size - keep > stem_tail_bytes) {
      std::memcpy(stem_text, r, r_size);  // Snowball's buffer lives until its next call
      long_size = r_size;
      long_hash = hash;
      return false;
    }
    std::uint64_t tail = 0;
    if (r_size != keep) std::memcpy(&tail, r + keep, r_size - keep);
    set[1] = set[0];
    set[0] = {key_lo, key_hi, hash, std::uint64_t{keep} | std::uint64_t{r_size - keep} << 8 | tail << 16};
    return true;
  }

  // with_spans: also where each term was read from, in `sources` and then *spans (a separate
  // instantiation: the hot path does not pay for it).
  template <bool with_spans>
  void extract(std::string_view text, std::string_view lang, std::vector<term>* out, std::vector<term_span>* spans);
  template <bool with_spans>
  void scan_text(std::string_view text, stem_language language);

  std::string buffer;  // the texts of this mention's terms; sized for the worst case once
  std::size_t used = 0;
  std::size_t added = 0;
  std::vector<term>* out = nullptr;
  std::vector<stem_set_line> stems;
  std::vector<item> items;  // max_scan_items, the first item_count in use
  std::size_t item_count = 0;
  std::string padded;  // the mention's text, then slack_bytes of zeros
  std::string scan;    // folded words and tags of the mention: grows to the longest text, then stays
  std::vector<seen_slot> seen;
  std::uint32_t stamp = 0;
  const stopword_set& stopwords = shared_stopwords();
  // Snowball's French and English algorithms, indexed by stem_language (none: not stemmed),
  // each with two runtimes. Folded words are nearly all ASCII, which both read alike (the
  // stems are the same); the ISO-8859-1 runtime stems them faster, for it does not decode
  // UTF-8 in its letter-group tests (French a third faster, English an eighth; see
  // tests/bench/README.md). A word with other bytes (Greek, Cyrillic, þ) goes to the UTF-8 one.
  struct snowball {
    sb_stemmer* utf8 = nullptr;
    sb_stemmer* latin1 = nullptr;
  };
  std::array<snowball, 3> stemmers{};
  // Snowball's stems that do not fit a cache entry.
  char stem_text[max_term_word_bytes + slack_bytes];
  std::size_t long_size = 0;
  std::uint64_t long_hash = 0;
  std::vector<term_span> sources;  // with_spans: the bytes of the text each item was read from

  static const stopword_set& shared_stopwords() {
    static const stopword_set set;
    return set;
  }
};

// First pass: splits the text into words and tags, folded into `scan`, drops stopwords,
// and starts loading the stem-cache sets of the words. The cache is a megabyte: fetched
// one word at a time, its misses would be paid one after the other.
template <bool with_spans>
void term_extractor::impl::scan_text(std::string_view text, stem_language language) {
  item_count = 0;
  const std::size_t n = text.size();
  if (padded.size() < n + slack_bytes) padded.resize(n + slack_bytes);
  char* const p = padded.data();
  if (n != 0) std::memcpy(p, text.data(), n);  // an empty view's data() may be null
  std::memset(p + n, 0, slack_bytes);
  const std::string_view t(p, n);
  if (scan.size() < n + 2 * slack_bytes) scan.resize(n + 2 * slack_bytes);
  char* const folded = scan.data();
  std::size_t used_scan = 0;
  bool pending_break = false;
  bool chunk_start = true;
  std::size_t i = 0;
  while (i < n && item_count < max_scan_items) {
    const unsigned char c = static_cast<unsigned char>(p[i]);
    const std::uint8_t cls = byte_class[c];
    if (cls & byte_space) {
      if (cls & byte_newline) pending_break = true;
      chunk_start = true;
      ++i;
      continue;
    }
    if (chunk_start) {
      chunk_start = false;
      // URLs are links, not topics. Only chunks that can start one are measured.
      if ((c | 0x20) == 'h' || (c | 0x20) == 'w' || !(cls & byte_alnum)) {
        const std::size_t end = chunk_end(p, i, n);
        if (starts_with_icase(t.substr(i, end - i), "www.") || has_scheme(p, i, end)) {
          pending_break = true;
          i = end;
          continue;
        }
      }
    }
    if (!(cls & byte_alnum)) {
      // A '#' or '@' glued to a word ("C#", "jean@example.com") does not start a tag.
      const bool glued = i > 0 && (is_ascii_alnum(static_cast<unsigned char>(p[i - 1])) ||
                                   static_cast<unsigned char>(p[i - 1]) >= 0x80);
      if ((c == '#' || c == '@') && !glued && i + 1 < n) {
        // A tag: '#' or '@' then letters, digits and '_', with at least one letter.
        char* const tag = folded + used_scan;
        std::size_t e = i + 1, size = 1;
        bool letter = false, fits = true;
        tag[0] = static_cast<char>(c);
        while (e < n) {
          const unsigned char a = static_cast<unsigned char>(p[e]);
          if (a < 0x80) {
            if (!is_ascii_alnum(a) && a != '_') break;
            letter = letter || (a > '9' && a != '_');
            if (size < max_raw_word_bytes) tag[size++] = ascii_lower[a];
            else fits = false;
            ++e;
            continue;
          }
          const internal::code_point cp = internal::decode(t, e);
          const char_class k = classify(cp.cp);
          if (k == char_class::separator) break;
          if (k == char_class::letter) {
            letter = true;
            if (size + cp.size <= max_raw_word_bytes) size += internal::fold_to(t.substr(e, cp.size), tag + size);
            else fits = false;
          }
          e += cp.size;
        }
        if (e > i + 1) {
          if (letter && fits && size <= max_term_word_bytes + 1) {
            if constexpr (with_spans) sources[item_count] = {static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(e)};
            items[item_count++] = {word_hash_padded(tag, size), static_cast<std::uint32_t>(used_scan),
                                   static_cast<std::uint8_t>(size), true, false};
            used_scan += size;
          }
          pending_break = true;  // no phrase spans a tag
          i = e;
          continue;
        }
      }
      if (c == '@' && glued) {
        // An e-mail address: the rest of the chunk is not words.
        i = chunk_end(p, i, n);
        pending_break = true;
        continue;
      }
    }
    // A word: letters, digits and combining marks, folded as it is scanned. The folded size
    // is counted in full, but bytes are written only up to fold_limit: past
    // max_term_word_bytes the word is dropped.
    char* const word = folded + used_scan;
    // with_spans: where the word's first letter or digit is (a word may start with a mark,
    // such as the variation selector after an emoji).
    [[maybe_unused]] std::size_t word_begin = SIZE_MAX;
    std::size_t e = i, size = 0;
    bool digits_only = true;
    for (;;) {
      [[maybe_unused]] const std::size_t run_at = e;
      e += ascii_run(p + e, word + size, &size, &digits_only);
      if constexpr (with_spans) {
        if (e > run_at && word_begin == SIZE_MAX) word_begin = run_at;
      }
      const unsigned char a = static_cast<unsigned char>(p[e]);
      if (a < 0x80 || e >= n) break;
      const unsigned char next = static_cast<unsigned char>(p[e + 1]);  // padding past the end
      if (a == 0xC3 && (next & 0xC0) == 0x80) {
        const latin1_fold& f = latin1_folds[next & 0x3F];
        if (f.size == 0) break;  // x and ÷
        if constexpr (with_spans) {
          if (word_begin == SIZE_MAX) word_begin = e;
        }
        if (size < fold_limit) std::memcpy(word + size, f.bytes, 2);
        size += f.size;
        digits_only = false;
        e += 2;
        continue;
      }
      const internal::code_point cp = internal::decode(t, e);
      const char_class k = classify(cp.cp);
      if (k == char_class::separator) break;
      if (k == char_class::letter) {
        if constexpr (with_spans) {
          if (word_begin == SIZE_MAX) word_begin = e;
        }
        digits_only = false;
        if (size < fold_limit) size += internal::fold_to(t.substr(e, cp.size), word + size);
        else size += 1;  // dropped anyway; only the count matters
      }
      e += cp.size;
    }
    if (e == i) {  // a separator
      const internal::code_point cp = c < 0x80 ? internal::code_point{c, 1} : internal::decode(t, i);
      if (breaks_phrase(cp.cp)) pending_break = true;
      i += cp.size;
      continue;
    }
    i = e;
    if (size == 0) continue;  // only combining marks
    if (size > max_term_word_bytes || digits_only) {
      pending_break = true;  // garbage and numbers end a phrase
      continue;
    }
    if (size < 2) continue;  // single letters, elided l' j' d'
    // The stem-cache key (see stem()): for nearly every word, its two registers and a mix of
    // them; a longer word is keyed by its hash.
    const stem_language key_lang = key_language(size, language);
    std::uint64_t a, mix;
    if (size <= max_inline_word_bytes) [[likely]] {
      std::uint64_t b;
      split(word, size, &a, &b);
      mix = inline_mix(a, inline_key(b, size, key_lang));
    } else {
      a = 0;  // not a stopword: too long
      mix = word_hash_padded(word, size);
    }
    __builtin_prefetch(stem_set(mix));
    if constexpr (with_spans) sources[item_count] = {static_cast<std::uint32_t>(word_begin), static_cast<std::uint32_t>(e)};
    // Written always, kept unless a stopword: phrases skip stopwords ("rappel de produit").
    // No branch: whether a word is a stopword is a coin toss for the branch predictor.
    const bool keep = !stopwords.contains(a, size);
    items[item_count] = {mix, static_cast<std::uint32_t>(used_scan), static_cast<std::uint8_t>(size), false, pending_break};
    item_count += keep;
    pending_break = pending_break && !keep;
    // A stopword's bytes stay in `scan` too (it is sized for every word): where the next word
    // is folded must not wait for the stopword look-up of this one.
    used_scan += size;
  }
}

template <bool with_spans>
void term_extractor::impl::extract(std::string_view text, std::string_view lang, std::vector<term>* terms,
                                   std::vector<term_span>* spans) {
  const stem_language language = language_of(lang);
  scan_text<with_spans>(text, language);
  // Second pass: stems, then the terms in order of first appearance.
  out = terms;
  used = 0;
  added = 0;
  if (++stamp == 0) {  // wrapped: old stamps would look current
    for (seen_slot& s : seen) s.stamp = 0;
    stamp = 1;
  }
  const char* const folded = scan.data();
  // The previous stem (first word of a bigram), in `buffer` and its first 16 bytes in
  // `previous_first`; size 0: none to pair with.
  std::size_t previous_size = 0;
  std::uint32_t previous_offset = 0;
  std::uint64_t previous_hash = 0;
  u128 previous_first = 0;
  std::size_t previous_item = 0;
  for (std::size_t k = 0; k < item_count; ++k) {
    const item& it = items[k];
    if (added >= max_terms_per_mention) break;
    const char* const form = folded + it.offset;
    if (it.tag) {
      copy_piece(next(), form);
      if constexpr (with_spans) {
        const std::size_t before = added;
        commit(it.hash, it.size);
        if (added != before) spans->push_back(sources[k]);
      } else {
        commit(it.hash, it.size);
      }
      previous_size = 0;
      continue;
    }
    if (it.phrase_break) previous_size = 0;
    std::size_t size;
    u128 first;
    const std::uint64_t sh = stem(next(), form, it.size, it.hash, language, &size, &first);
    [[maybe_unused]] const std::size_t before = added;
    const std::uint32_t offset = commit(sh, size);
    if constexpr (with_spans) {
      if (added != before) spans->push_back(sources[k]);
    }
    if (previous_size != 0 && added < max_terms_per_mention) {
      // "previous stem". Nearly always both fit 16 bytes, and are written from registers:
      // reading back stems written a moment ago, from several stores, would stall.
      char* const to = next();
      if (previous_size <= 16 && size <= 16) {
        std::memcpy(to, &previous_first, 16);
        to[previous_size] = ' ';
        std::memcpy(to + previous_size + 1, &first, 16);
      } else {
        // Both pieces are already in the buffer, before next(). They may overlap their
        // copies: the fixed-size copy of the stem just committed reads bytes the first
        // copy wrote.
        move_piece(to, buffer.data() + previous_offset);
        to[previous_size] = ' ';
        move_piece(to + previous_size + 1, buffer.data() + offset);
      }
      [[maybe_unused]] const std::size_t before_phrase = added;
      commit(bigram_hash(previous_hash, sh), previous_size + 1 + size, previous_hash, sh);
      if constexpr (with_spans) {
        if (added != before_phrase) {
          spans->push_back({sources[previous_item].begin, sources[k].end, sources[previous_item].end, sources[k].begin});
        }
      }
    }
    previous_offset = offset;
    previous_size = size;
    previous_hash = sh;
    previous_first = first;
    if constexpr (with_spans) previous_item = k;
  }
  out = nullptr;
}

namespace {

// White space as people type it, Unicode spaces included (French puts a no-break space
// before ':', '!' and '?').
bool is_space(char32_t c) noexcept {
  if (c < 0x80) return byte_class[c] & byte_space;
  return c == 0xA0 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000;
}

// Whether what lies between a phrase's two words reads well in its form: words (the
// stopwords the phrase skipped), spaces, apostrophes and hyphens ("à la", "de l'").
bool plain_gap(std::string_view gap) noexcept {
  for (std::size_t i = 0; i < gap.size();) {
    const internal::code_point cp = internal::decode(gap, i);
    i += cp.size;
    if (is_space(cp.cp) || cp.cp == '\'' || cp.cp == 0x2019 || cp.cp == '-') continue;
    if (classify(cp.cp) == char_class::separator) return false;
  }
  return true;
}

// Appends s to *out with each run of white space as one space.
void append_spaced(std::string_view s, std::string* out) {
  for (std::size_t i = 0; i < s.size();) {
    const internal::code_point cp = internal::decode(s, i);
    if (is_space(cp.cp)) {
      if (!out->empty() && out->back() != ' ') out->push_back(' ');
    } else {
      out->append(s.substr(i, cp.size));
    }
    i += cp.size;
  }
}

}  // namespace

void written_forms::add(std::string_view text, std::span<const term> terms, std::span<const term_span> spans,
                        std::uint64_t only) {
  std::string form;
  for (std::size_t i = 0; i < terms.size() && i < spans.size(); ++i) {
    if (only != 0 && terms[i].hash != only) continue;
    const term_span span = spans[i];
    if (span.begin >= span.end || span.end > text.size() || span.end - span.begin > max_form_bytes) continue;
    form.clear();
    const bool phrase = span.gap_begin < span.gap_end && span.begin <= span.gap_begin && span.gap_end <= span.end;
    if (phrase && !plain_gap(text.substr(span.gap_begin, span.gap_end - span.gap_begin))) {
      append_spaced(text.substr(span.begin, span.gap_begin - span.begin), &form);
      form.push_back(' ');
      append_spaced(text.substr(span.gap_end, span.end - span.gap_end), &form);
    } else {
      append_spaced(text.substr(span.begin, span.end - span.begin), &form);
    }
    while (!form.empty() && form.back() == ' ') form.pop_back();
    std::vector<tally>& seen = forms_[terms[i].hash];
    auto it = std::find_if(seen.begin(), seen.end(), [&](const tally& t) { return t.form == form; });
    if (it != seen.end()) {
      ++it->count;
    } else if (seen.size() < max_forms_per_term) {
      seen.push_back({form, 1});
    } else {
      // Space-saving: the newcomer takes the least frequent form's place and count, plus one.
      auto least = std::min_element(seen.begin(), seen.end(), [](const tally& a, const tally& b) { return a.count < b.count; });
      least->form = form;
      ++least->count;
    }
  }
}

std::string written_forms::most_frequent(std::uint64_t term_hash) const {
  auto it = forms_.find(term_hash);
  if (it == forms_.end()) return {};
  const tally* best = nullptr;
  for (const tally& t : it->second)
    if (best == nullptr || t.count > best->count) best = &t;
  return best != nullptr ? best->form : std::string();
}

term_extractor::term_extractor() : impl_(std::make_unique<impl>()) {}
term_extractor::~term_extractor() = default;
term_extractor::term_extractor(term_extractor&&) noexcept = default;
term_extractor& term_extractor::operator=(term_extractor&&) noexcept = default;

void term_extractor::extract(std::string_view text, std::string_view lang, std::vector<term>* out) {
  impl_->extract<false>(text, lang, out, nullptr);
}

void term_extractor::extract(std::string_view text, std::string_view lang, std::vector<term>* out,
                             std::vector<term_span>* spans) {
  impl_->extract<true>(text, lang, out, spans);
}

}  // namespace vigie::pipeline
