#include "pipeline/internal/tokenizer.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#include "pipeline/internal/lexicon_hash.h"
#include "pipeline/internal/utf8.h"

namespace vigie::pipeline::internal {
namespace {


// Character classes of bytes, one table look-up instead of a chain of comparisons.
enum : std::uint8_t {
  c_lower = 1,    // a-z
  c_upper = 2,    // A-Z
  c_digit = 4,    // 0-9
  c_space = 8,    // is_space()
  c_plain = 16,   // a letter that starts a plain word at a chunk start: not h, w, x (URL, xD)
  c_face = 32,    // a byte that, after a letter, may make a face: "D:", "o_O", "O.o"
  c_inert = 64,   // after the chunk checks, tokenize() skips it: no token starts with it
  c_alnum = c_lower | c_upper | c_digit,
};

constexpr std::array<std::uint8_t, 256> ascii_class = [] {
  std::array<std::uint8_t, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = c_lower;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = c_upper;
  for (int c = '0'; c <= '9'; ++c) t[c] = c_digit;
  for (char c : {' ', '\t', '\n', '\r', '\f', '\v'}) t[static_cast<unsigned char>(c)] = c_space;
  for (int c = 'a'; c <= 'z'; ++c)
    if (c != 'h' && c != 'w' && c != 'x') t[c] |= c_plain, t[c - 'a' + 'A'] |= c_plain;
  for (char c : {':', ';', '_', '.', '='}) t[static_cast<unsigned char>(c)] |= c_face;
  // Printable ASCII and controls that are not letters, digits, spaces, nor a byte the general
  // path acts on: '#' '@' (hashtags, mentions), '<' ':' ';' '=' (glued emoticons), '!' '?',
  // '.' ',' '-' (breaks), '&' (HTML entities).
  for (int c = 0; c < 0x80; ++c)
    if (t[c] == 0 || t[c] == c_face)
      t[c] |= c_inert;
  for (char c : {'#', '@', '<', ':', ';', '=', '!', '?', '.', ',', '-', '&'})
    t[static_cast<unsigned char>(c)] &= static_cast<std::uint8_t>(~c_inert);
  return t;
}();

// ASCII lower case; every other byte unchanged.
constexpr std::array<unsigned char, 256> ascii_fold = [] {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return t;
}();

bool is_ascii_alnum(char32_t c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_letter(char32_t c) noexcept {
  if (c < 0x80) return is_ascii_alnum(c);
  if (c >= 0xC0 && c <= 0x24F) return c != 0xD7 && c != 0xF7;  // Latin-1 and Extended-A/B
  if (c >= 0x370 && c <= 0x52F) return true;                     // Greek, Cyrillic
  if (c >= 0x3040 && c <= 0x9FFF) return true;                   // kana, CJK
  if (c >= 0xAC00 && c <= 0xD7AF) return true;                   // Hangul
  return false;
}

bool is_emoji(char32_t c) noexcept {
  return (c >= 0x1F000 && c <= 0x1FAFF && !(c >= 0x1F3FB && c <= 0x1F3FF)) ||
         (c >= 0x2600 && c <= 0x27BF) || (c >= 0x2B00 && c <= 0x2BFF) ||
         (c >= 0x2300 && c <= 0x23FF) || c == 0x2764;
}

// Joiners and modifiers that belong to the preceding emoji: VS15/VS16, ZWJ, skin tones, keycap.
bool is_emoji_modifier(char32_t c) noexcept {
  return c == 0xFE0F || c == 0xFE0E || c == 0x200D || c == 0x20E3 || (c >= 0x1F3FB && c <= 0x1F3FF);
}

bool is_apostrophe(char32_t c) noexcept { return c == '\'' || c == 0x2019; }

// Combining diacritical marks: an accent typed apart from its letter (decomposed text, "e"
// then U+0301 for "é"). Part of the word, dropped when it is folded. So are the invisible
// characters that get inside words (soft hyphen, zero-width space, non-joiner and joiner, word
// joiner, BOM): pasted from a web page or slipped in to dodge moderation ("ar\u200Dnaque").
bool is_mark(char32_t c) noexcept {
  return (c >= 0x300 && c <= 0x36F) || c == 0xAD || (c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF;
}

bool is_space(char c) noexcept { return ascii_class[static_cast<unsigned char>(c)] & c_space; }

bool is_upper(char32_t c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7); }
bool is_lower(char32_t c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 0xDF && c <= 0xFF && c != 0xF7); }
bool is_digit(char32_t c) noexcept { return c >= '0' && c <= '9'; }

bool starts_with_icase(std::string_view s, std::string_view prefix) noexcept {
  if (s.size() < prefix.size()) return false;
  for (std::size_t k = 0; k < prefix.size(); ++k) {
    char c = s[k];
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (c != prefix[k]) return false;
  }
  return true;
}

// The bytes of a string of at most 8 bytes in one register, zeros above: two strings without
// zero bytes are equal when their registers are. Lets short keyword lists be compared as
// integers rather than with a call to memcmp per keyword.
constexpr std::uint64_t pack8(std::string_view s) noexcept {
  std::uint64_t x = 0;
  for (std::size_t k = 0; k < s.size() && k < 8; ++k) x |= std::uint64_t{static_cast<unsigned char>(s[k])} << (8 * k);
  return x;
}

// French elided forms, folded, without the apostrophe.
constexpr std::array<std::uint64_t, 13> elision_prefixes = {
    pack8("j"), pack8("l"), pack8("qu"),  pack8("c"),     pack8("n"),      pack8("d"),     pack8("m"),
    pack8("t"), pack8("s"), pack8("jusqu"), pack8("lorsqu"), pack8("puisqu"), pack8("quoiqu")};

bool is_elision_prefix(std::string_view raw) noexcept {
  if (raw.empty() || raw.size() > 7) return false;
  std::uint64_t low = 0;
  for (std::size_t k = 0; k < raw.size(); ++k) {
    char c = raw[k];
    if (c == 0) return false;  // would read as a shorter word
    c = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
    low |= std::uint64_t{static_cast<unsigned char>(c)} << (8 * k);
  }
  for (std::uint64_t p : elision_prefixes)
    if (p == low) return true;
  return false;
}

// Emoticon as a whole whitespace-delimited chunk: "^^", ":-)", ">:(", "xD", "<3", ":'(".
bool is_eye_or_mouth_o(char c) noexcept { return c == 'o' || c == 'O' || c == '0'; }

// Faces the rules below do not see, that VADER's lexicon rates: a letter or an angle bracket
// as the mouth (":c", ":l", ":<", ">:"), the horrified "D:" as its lexicon writes it ("d:"),
// the cheer "\o/" and the wince ">.<". At most 3 bytes.
constexpr std::uint64_t other_faces[] = {pack8(":c"), pack8(":-c"), pack8(":l"), pack8(":L"),
                                         pack8(":<"), pack8(":-<"), pack8(":>"), pack8(">:"),
                                         pack8("<:"), pack8("d:"), pack8("\\o/"), pack8(">.<")};

bool is_emoticon_chunk(std::string_view c) noexcept {
  if (c.size() < 2 || c.size() > 8) return false;
  if (c.size() <= 3 && c.find('\0') == std::string_view::npos) {
    const std::uint64_t packed = pack8(c);
    for (std::uint64_t face : other_faces)
      if (packed == face) return true;
  }
  // Faces with letter eyes: "o_O", "O.o", "-_-", "T_T".
  if (c.size() == 3 && (c[1] == '_' || c[1] == '.') &&
      ((is_eye_or_mouth_o(c[0]) && is_eye_or_mouth_o(c[2]) && !(c[0] == '0' && c[2] == '0')) ||
       (c[0] == '-' && c[2] == '-') || (c[0] == 'T' && c[2] == 'T') ||
       (c[0] == '^' && c[2] == '^')))
    return true;
  if (c.size() == 2 && (c[0] == 'x' || c[0] == 'X') &&
      (c[1] == 'D' || c[1] == 'P' || c[1] == 'p' || c[1] == 'd' || c[1] == ')' || c[1] == '('))
    return true;
  bool has_eyes = false;
  char prev = 0;
  for (char ch : c) {
    auto u = static_cast<unsigned char>(ch);
    if (u >= 0x80 || u <= 0x20) return false;
    bool letter = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
    bool prev_letter = (prev >= 'a' && prev <= 'z') || (prev >= 'A' && prev <= 'Z');
    if (letter && prev_letter) return false;                    // "note:" is a word
    if (ch >= '0' && ch <= '9' && ch != '3' && ch != '8') return false;  // "10:30"
    if (ch == ':' || ch == ';' || ch == '=' || ch == '^' || ch == '<' || ch == '>') has_eyes = true;
    prev = ch;
  }
  if (!has_eyes) return false;
  // Only punctuation that never forms a face: "...", "?!", "::".
  for (char ch : c)
    if (ch == ')' || ch == '(' || ch == 'D' || ch == 'P' || ch == 'p' || ch == '3' || ch == '/' ||
        ch == '\\' || ch == '|' || ch == '[' || ch == ']' || ch == '*' || ch == 'o' || ch == 'O' ||
        ch == '^' || ch == '_' || ch == '$' || ch == '@' || ch == '{' || ch == '}' || ch == 'S' ||
        ch == 's' || ch == 'x' || ch == 'X')
      return true;
  return false;
}

// Emoticon glued to text ("great:)" or ":)" followed by '!'): length, or 0.
std::size_t glued_emoticon(std::string_view s, std::size_t i) noexcept {
  char c = s[i];
  if (c == '<' && i + 1 < s.size() && s[i + 1] == '3') {
    if (i + 2 < s.size() && is_digit(static_cast<unsigned char>(s[i + 2]))) return 0;
    return 2;
  }
  if (c != ':' && c != ';' && c != '=') return 0;
  if (i > 0 && is_digit(static_cast<unsigned char>(s[i - 1]))) return 0;
  std::size_t k = i + 1;
  if (k < s.size() && (s[k] == '-' || s[k] == '\'')) ++k;
  if (k >= s.size()) return 0;
  char m = s[k];
  bool mouth = m == ')' || m == '(' || m == 'D' || m == 'P' || m == 'p' || m == '/' || m == '|' ||
               m == ']' || m == '[' || m == '*' || m == 'o' || m == 'O' || m == '3' || m == 's' ||
               m == 'S' || m == '$';
  if (!mouth) return 0;
  ++k;
  // A repeated mouth is the same face, said louder: ":)))", ":DDD", ":((".
  if (m == ')' || m == '(' || m == 'D' || m == 'P' || m == 'p')
    while (k < s.size() && s[k] == m) ++k;
  // ":Paris" is not ":P" + "aris".
  if (k < s.size() && m != ')' && m != '(' && is_letter(decode(s, k).cp)) return 0;
  return k - i;
}

// Text from web APIs often keeps its HTML escapes: "&amp;", "&lt;3" (a heart), "&gt;". The
// length of the entity at s[i] (a '&'), or 0; *less_than tells "&lt;" apart.
std::size_t html_entity(std::string_view s, std::size_t i, bool* less_than) noexcept {
  static constexpr std::string_view entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;",
                                                  "&#39;", "&nbsp;"};
  const std::string_view rest = s.substr(i, 7);
  for (std::string_view e : entities) {
    if (rest.starts_with(e)) {
      *less_than = e == "&lt;";
      return e.size();
    }
  }
  return 0;
}

}  // namespace

// Latin-1 letters U+00C0..U+00FF without their accent; nullptr where the letter has no base
// form (and for x and ÷, which are no letters).
constexpr const char* latin1_base[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", nullptr, "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", nullptr, "y"};

std::size_t fold_to(std::string_view raw, char* out, std::uint64_t* hash) noexcept {
  char* o = out;
  for (std::size_t i = 0; i < raw.size();) {
    const unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c < 0x80) {
      *o++ = static_cast<char>(ascii_fold[c]);
      ++i;
      continue;
    }
    auto [cp, n] = decode(raw, i);
    const char* rep = nullptr;
    if (cp >= 0xC0 && cp <= 0xFF) {
      rep = latin1_base[cp - 0xC0];
    } else if (cp == 0x152 || cp == 0x153) {
      rep = "oe";
    } else if (cp == 0x178) {
      rep = "y";
    } else if (cp == 0x2019 || cp == 0x2018) {
      rep = "'";
    } else if (is_mark(cp)) {
      rep = "";
    }
    // Every replacement is no longer than the n >= 2 bytes it replaces.
    if (rep != nullptr) {
      for (; *rep != 0; ++rep) *o++ = *rep;
    } else {
      std::memcpy(o, raw.data() + i, n);
      o += n;
    }
    i += n;
  }
  const std::size_t size = static_cast<std::size_t>(o - out);
  if (hash != nullptr) *hash = hash_term(std::string_view(out, size));
  return size;
}

void append_folded(std::string_view raw, std::string& out) {
  const std::size_t at = out.size();
  out.resize(at + raw.size());
  out.resize(at + fold_to(raw, out.data() + at));
}

bool is_elongated(std::string_view w) noexcept {
  for (std::size_t k = 2; k < w.size(); ++k)
    if (w[k] == w[k - 1] && w[k] == w[k - 2] && ((w[k] >= 'a' && w[k] <= 'z'))) return true;
  return false;
}

void collapse_runs(std::string_view w, std::size_t max_run, std::string& out) {
  out.clear();
  std::size_t run = 0;
  for (std::size_t k = 0; k < w.size(); ++k) {
    run = (k > 0 && w[k] == w[k - 1]) ? run + 1 : 1;
    if (run <= max_run || !(w[k] >= 'a' && w[k] <= 'z')) out.push_back(w[k]);
  }
}

tokenizer::tokenizer() {
  // Sized for a long post; grows if a longer text comes, then stays.
  tokens_.resize(256);
  folded_.resize(2048);
}

token* tokenizer::grow_and_next_token() {
  if (count_ >= max_tokens) return nullptr;
  if (count_ == tokens_.size()) tokens_.resize(std::min(max_tokens, 2 * tokens_.size()));
  return &tokens_[count_++];
}

void tokenizer::add(std::string_view raw, token_kind kind, std::uint8_t flags) {
  token* t = next_token();
  if (t == nullptr) return;
  t->raw = raw;
  t->kind = kind;
  t->flags = flags;
  t->count = 1;
  t->hash = 0;
  t->fold_begin = static_cast<std::uint32_t>(fold_size_);
  std::size_t size = 0;
  char* out = folded_.data() + fold_size_;
  if (kind == token_kind::emoji) {
    size = decode(raw, 0).size;
    std::memcpy(out, raw.data(), size);
    t->hash = hash_term(std::string_view(out, size));
  } else if (kind == token_kind::word || kind == token_kind::emoticon) {
    size = fold_to(raw, out, &t->hash);
  }
  t->fold_size = static_cast<std::uint32_t>(size);
  fold_size_ += size;
}

void tokenizer::add_as(std::string_view raw, token_kind kind, std::string_view folded) {
  // folded is no longer than raw: the buffer bound of tokenize() holds.
  token* t = next_token();
  if (t == nullptr) return;
  t->raw = raw;
  t->kind = kind;
  t->flags = 0;
  t->count = 1;
  t->fold_begin = static_cast<std::uint32_t>(fold_size_);
  std::memcpy(folded_.data() + fold_size_, folded.data(), folded.size());
  t->fold_size = static_cast<std::uint32_t>(folded.size());
  t->hash = hash_term(folded);
  fold_size_ += folded.size();
}

void tokenizer::add_word(std::string_view raw, std::uint8_t flags) {
  int letters = 0, upper = 0, lower = 0, digits = 0;
  // Elongation ("sooo") is found in the same pass for ASCII words; a word with other bytes
  // is checked on its folded form ("ééé" folds to "eee").
  bool ascii = true, elongated = false;
  char run_char = 0;
  int run = 0;
  for (std::size_t i = 0; i < raw.size();) {
    const char a = raw[i];
    if (static_cast<unsigned char>(a) < 0x80) {  // ASCII fast path
      char low = 0;
      if (a >= 'a' && a <= 'z') { ++letters; ++lower; low = a; }
      else if (a >= 'A' && a <= 'Z') { ++letters; ++upper; low = char(a - 'A' + 'a'); }
      else if (a >= '0' && a <= '9') ++digits;
      run = (low != 0 && low == run_char) ? run + 1 : 1;
      run_char = low;
      if (run >= 3) elongated = true;
      ++i;
      continue;
    }
    ascii = false;
    auto [cp, n] = decode(raw, i);
    if (is_digit(cp)) ++digits;
    else if (is_letter(cp)) {
      ++letters;
      upper += is_upper(cp);
      lower += is_lower(cp);
    }
    i += n;
  }
  if (letters == 0 && digits > 0) {
    add(raw, token_kind::number, 0);
    return;
  }
  if (letters == 0) return;  // only accents typed apart (a hashtag part "_\u0301"): no word
  if (!(flags & flag_hashtag)) {
    if (letters >= 2 && upper == letters) flags |= flag_all_caps;
    if (lower > 0) has_lower_ = true;
  }
  const std::size_t before = count_;
  add(raw, token_kind::word, flags);
  if (count_ > before && (ascii ? elongated : is_elongated(folded(tokens_[count_ - 1]))))
    tokens_[count_ - 1].flags |= flag_elongated;
}

void tokenizer::add_hashtag(std::string_view body) {
  // Split camelCase and letter/digit changes: #BoycottBorel -> Boycott Borel, #ILoveParis ->
  // I Love Paris. An all-lower hashtag stays one word (#epicfail).
  std::size_t part = 0;
  char32_t prev = 0;
  for (std::size_t i = 0; i < body.size();) {
    auto [cp, n] = decode(body, i);
    if (is_mark(cp)) {  // an accent typed apart belongs to the letter before it
      i += n;
      continue;
    }
    bool split = false;
    if (i > part) {
      if (is_upper(cp) && is_lower(prev)) split = true;
      else if (is_upper(cp) && is_upper(prev) && i + n < body.size() && is_lower(decode(body, i + n).cp))
        split = true;
      else if (is_digit(cp) != is_digit(prev)) split = true;
    }
    if (split || cp == '_') {
      if (i > part) add_word(body.substr(part, i - part), flag_hashtag);
      part = cp == '_' ? i + n : i;
    }
    prev = cp;
    i += n;
  }
  if (part < body.size()) add_word(body.substr(part), flag_hashtag);
}

// SWAR ("SIMD within a register") classification of 8 ASCII bytes at once.
constexpr std::uint64_t byte_ones = 0x0101010101010101ull;
constexpr std::uint64_t byte_highs = 0x8080808080808080ull;
constexpr std::uint64_t byte_lows = 0x7F7F7F7F7F7F7F7Full;

// High bit of each byte of t (7-bit bytes) whose value is in [lo, hi]. No carry crosses bytes:
// each sum is at most 0xFF.
constexpr std::uint64_t bytes_in(std::uint64_t t, unsigned lo, unsigned hi) noexcept {
  return (t + byte_ones * (0x80 - lo)) & ~(t + byte_ones * (0x7F - hi)) & byte_highs;
}

// High bit of each zero byte of v, exactly (no false positive from a borrow).
constexpr std::uint64_t zero_bytes(std::uint64_t v) noexcept {
  return ~(((v & byte_lows) + byte_lows) | v | byte_lows);
}

// The token of a word read on a fast path, already folded to fold_size bytes at the end of
// folded_: a number when it has no letter, else a word, as add_word() and add() make them.
inline void tokenizer::commit_word(std::string_view raw, std::size_t fold_size, std::uint64_t hash,
                                   bool any_letter, bool any_lower, std::uint8_t flags) {
  token* t = next_token();
  if (t == nullptr) return;
  t->raw = raw;
  t->count = 1;
  t->fold_begin = static_cast<std::uint32_t>(fold_size_);
  if (!any_letter) {
    t->kind = token_kind::number;
    t->flags = 0;
    t->hash = 0;
    t->fold_size = 0;
    return;
  }
  if (any_lower) has_lower_ = true;
  t->kind = token_kind::word;
  t->flags = flags;
  t->hash = hash;
  t->fold_size = static_cast<std::uint32_t>(fold_size);
  fold_size_ += fold_size;
}

bool tokenizer::ascii_word(std::string_view s, std::size_t& i) {
  // Folds, hashes and classifies a word of up to 7 bytes in one register. A word that goes on
  // with an apostrophe or a non-ASCII byte ("don't", "génial") is left to the general path:
  // nothing is committed until the word is known to be plain ASCII.
  const unsigned char* const p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  const std::size_t b = i;
  // Room: fold_size_ <= b, and folded_ has 8 bytes more than the text (tokenize()).
  char* const out = folded_.data() + fold_size_;
  std::uint64_t x = 0;
  if (n - b >= 8) std::memcpy(&x, p + b, 8);
  else std::memcpy(&x, p + b, n - b);  // zero bytes past the text end the word
  const std::uint64_t ascii = ~x & byte_highs;
  const std::uint64_t t7 = x & byte_lows;
  std::uint64_t up = bytes_in(t7, 'A', 'Z') & ascii;
  std::uint64_t low = bytes_in(t7, 'a', 'z') & ascii;
  const std::uint64_t alnum = up | low | (bytes_in(t7, '0', '9') & ascii);
  const std::uint64_t stop = ~alnum & byte_highs;
  std::size_t e;
  std::uint64_t h;
  bool any_upper, any_lower, two_letters, elongated;
  if (stop != 0) {
    const unsigned size = static_cast<unsigned>(std::countr_zero(stop)) >> 3;  // 1..7
    e = b + size;
    if (e < n && p[e] >= 0x80) {
      if (french_ && e + 2 < n && p[e] == 0xE2 && p[e + 1] == 0x80 && p[e + 2] == 0x99) return elision(s, b, e, 3, i);
      return latin1_word(s, i);
    }
    if (e < n && p[e] == '\'') return french_ ? elision(s, b, e, 1, i) : latin1_word(s, i);
    const std::uint64_t keep = (std::uint64_t{1} << (8 * size)) - 1;
    up &= keep;
    low &= keep;
    const std::uint64_t folded = (x | (up >> 2)) & keep;  // 'A' + 0x20 == 'a'
    std::memcpy(out, &folded, 8);
    h = hash_word(folded, size);
    const std::uint64_t letters = up | low;
    any_upper = up != 0;
    any_lower = low != 0;
    two_letters = (letters & (letters - 1)) != 0;
    // A letter equal to the next two folded bytes ("sooo"); bytes past the word are zero.
    elongated = (zero_bytes((folded ^ (folded >> 8)) | (folded ^ (folded >> 16))) & letters) != 0;
  } else {
    // 8 bytes or more: byte by byte.
    unsigned upper = 0, lower = 0;
    e = b;
    do {
      const unsigned char a = p[e];
      const std::uint8_t k = ascii_class[a];
      if (!(k & c_alnum)) break;
      out[e - b] = static_cast<char>(ascii_fold[a]);
      lower += k & c_lower;
      upper += (k & c_upper) >> 1;
    } while (++e < n);
    if (e < n && p[e] >= 0x80) return latin1_word(s, i);
    if (e < n && p[e] == '\'') return !french_ && latin1_word(s, i);
    const std::string_view folded(out, e - b);
    h = hash_term(folded);
    any_upper = upper != 0;
    any_lower = lower != 0;
    two_letters = upper + lower >= 2;
    elongated = is_elongated(folded);
  }
  std::uint8_t flags = 0;
  if (two_letters && !any_lower) flags |= flag_all_caps;
  if (elongated) flags |= flag_elongated;
  commit_word(s.substr(b, e - b), e - b, h, any_upper || any_lower, any_lower, flags);
  i = e;
  return true;
}

bool tokenizer::elision(std::string_view s, std::size_t b, std::size_t e, std::size_t apostrophe_size,
                        std::size_t& i) {
  const std::size_t after = e + apostrophe_size;
  // At the last token the general path decides: the rest of the word, dropped, still counts
  // for has_lower_case_word() there.
  if (count_ + 1 >= max_tokens || after >= s.size() || !is_elision_prefix(s.substr(b, e - b)) ||
      !is_letter(decode(s, after).cp))
    return false;
  add(s.substr(b, after - b), token_kind::word, flag_elision);
  i = after;
  return true;
}

bool tokenizer::latin1_word(std::string_view s, std::size_t& i) {
  // As the general path would take it (add_word(), then add() and fold_to()), in one pass.
  const unsigned char* const p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  const std::size_t b = i;
  char* const out = folded_.data() + fold_size_;  // folds to at most the word's own bytes
  std::size_t e = b, size = 0;
  int letters = 0, upper = 0, lower = 0;
  while (e < n) {
    const unsigned char a = p[e];
    if (a < 0x80) {
      const std::uint8_t k = ascii_class[a];
      if (!(k & c_alnum)) {
        if (a != '\'') break;
        // French: elisions ("l'été") and inner apostrophes go to the general path. English:
        // an apostrophe between letters is part of the word ("don't", "I'm").
        if (french_ || e + 1 >= n) return false;
        const unsigned char next = p[e + 1];
        if (next >= 0x80) return false;  // a letter of another script, maybe
        if (!(ascii_class[next] & c_alnum)) break;  // "dogs' ": the word ends before it
        out[size++] = '\'';
        ++e;
        continue;
      }
      out[size++] = static_cast<char>(ascii_fold[a]);
      letters += (k & (c_lower | c_upper)) != 0;
      lower += k & c_lower;
      upper += (k & c_upper) >> 1;
      ++e;
      continue;
    }
    if (a != 0xC3 || e + 1 >= n || (p[e + 1] & 0xC0) != 0x80) return false;
    const unsigned cp = 0xC0 + (p[e + 1] & 0x3F);
    if (cp == 0xD7 || cp == 0xF7) break;  // x and ÷ end a word
    if (const char* rep = latin1_base[cp - 0xC0]; rep != nullptr) {
      out[size++] = rep[0];
      if (rep[1] != 0) out[size++] = rep[1];
    } else {  // Þ and þ stay as they are
      out[size++] = static_cast<char>(a);
      out[size++] = static_cast<char>(p[e + 1]);
    }
    ++letters;
    if (cp <= 0xDE) ++upper;
    else ++lower;
    e += 2;
  }
  if (e == b) return false;
  const std::string_view folded(out, size);
  std::uint8_t flags = 0;
  if (letters >= 2 && upper == letters) flags |= flag_all_caps;
  if (is_elongated(folded)) flags |= flag_elongated;
  // Digits with an apostrophe ("1'2") have no letter: a number, as on the general path.
  commit_word(s.substr(b, e - b), size, hash_term(folded), letters > 0, lower > 0, flags);
  i = e;
  return true;
}

void tokenizer::tokenize(std::string_view s, bool french) {
  french_ = french;
  count_ = 0;
  fold_size_ = 0;
  has_lower_ = false;
  // Every token folds to at most its own bytes: the folded text fits in s.size() bytes, and
  // ascii_word() stores 8 bytes at a time.
  if (folded_.size() < s.size() + 8) folded_.resize(std::max(s.size() + 8, 2 * folded_.size()));
  const std::size_t n = s.size();
  std::size_t i = 0;
  bool chunk_start = true;
  auto last_kind = [&] { return tokens_[count_ - 1].kind; };
  while (i < n && count_ < max_tokens) {
    const char c = s[i];
    const std::uint8_t cls = ascii_class[static_cast<unsigned char>(c)];
    if (cls & c_space) {
      if (c == '\n' && count_ > 0 && last_kind() != token_kind::sentence_break)
        add(s.substr(i, 1), token_kind::sentence_break, 0);
      ++i;
      chunk_start = true;
      continue;
    }
    if (chunk_start) {
      chunk_start = false;
      // Most chunks are plain words: only a chunk that may be a URL (h..., w...) or an
      // emoticon (punctuation, digits, "xD") is measured, which keeps the tokenizer one pass.
      // A letter followed by face punctuation may be an emoticon: "D:", "o_O", "O.o".
      const std::uint8_t cls1 = i + 1 < n ? ascii_class[static_cast<unsigned char>(s[i + 1])] : 0;
      const bool plain_word = (cls & c_plain) && !(cls1 & c_face);
      if (!plain_word) {
      std::size_t end = i;
      while (end < n && !is_space(s[end])) ++end;
      std::string_view chunk = s.substr(i, end - i);
      if (starts_with_icase(chunk, "http://") || starts_with_icase(chunk, "https://") ||
          starts_with_icase(chunk, "www.")) {
        add(chunk, token_kind::url, 0);
        i = end;
        continue;
      }
      if (is_emoticon_chunk(chunk)) {
        add(chunk, token_kind::emoticon, 0);
        i = end;
        continue;
      }
      }
    }
    if ((cls & c_alnum) && ascii_word(s, i)) continue;  // most words of most mentions
    if (static_cast<unsigned char>(c) == 0xC3 && latin1_word(s, i)) continue;  // "été", "À"
    if (cls & c_inert) {  // ASCII that is no token and starts none: quotes, brackets, '/'...
      ++i;
      continue;
    }
    auto [cp, len] = decode(s, i);
    if (is_letter(cp)) {
      // A word: letters and digits, with inner apostrophes ("don't", "aujourd'hui", "l'avis").
      std::size_t b = i, e = i + len;
      while (e < n) {
        const char a = s[e];
        if ((a >= 'a' && a <= 'z') || (a >= 'A' && a <= 'Z') || (a >= '0' && a <= '9')) {
          ++e;  // ASCII fast path: most bytes of most mentions
          continue;
        }
        if (static_cast<unsigned char>(a) < 0x80 && a != '\'') break;
        auto [c2, l2] = decode(s, e);
        if (is_letter(c2) || is_mark(c2)) { e += l2; continue; }
        if (is_apostrophe(c2) && e + l2 < n && is_letter(decode(s, e + l2).cp)) {
          if (french && is_elision_prefix(s.substr(b, e - b))) {
            add(s.substr(b, e + l2 - b), token_kind::word, flag_elision);
            b = e + l2;
          }
          e += l2;
          continue;
        }
        // An elision before a space or at the end ("j' aime", the lexicon's "n'") is the same
        // elided word.
        if (is_apostrophe(c2) && french && (e + l2 == n || is_space(s[e + l2])) &&
            is_elision_prefix(s.substr(b, e - b))) {
          add(s.substr(b, e + l2 - b), token_kind::word, flag_elision);
          b = e = e + l2;
        }
        break;
      }
      if (e > b) add_word(s.substr(b, e - b), 0);
      i = e;
      continue;
    }
    if (c == '#' || c == '@') {
      std::size_t e = i + 1;
      while (e < n) {
        const unsigned char a = static_cast<unsigned char>(s[e]);
        if ((ascii_class[a] & c_alnum) || a == '_') { ++e; continue; }  // is_letter, ASCII
        if (a < 0x80) break;
        auto [c2, l2] = decode(s, e);
        // An accent typed apart continues a tag, after a letter: it never starts one.
        if (!is_letter(c2) && !(is_mark(c2) && e > i + 1)) break;
        e += l2;
      }
      if (e > i + 1) {
        if (c == '#') add_hashtag(s.substr(i + 1, e - i - 1));
        else add(s.substr(i, e - i), token_kind::user_mention, 0);
        i = e;
        continue;
      }
    }
    if (c == '&') {
      bool less_than = false;
      if (std::size_t el = html_entity(s, i, &less_than)) {
        // "&lt;3" is the heart "<3"; other entities are punctuation to us.
        if (less_than && i + el < n && s[i + el] == '3' &&
            (i + el + 1 >= n || !is_digit(static_cast<unsigned char>(s[i + el + 1])))) {
          add_as(s.substr(i, el + 1), token_kind::emoticon, "<3");
          i += el + 1;
        } else {
          i += el;
        }
        continue;
      }
    }
    if (std::size_t el = glued_emoticon(s, i)) {
      add(s.substr(i, el), token_kind::emoticon, 0);
      i += el;
      continue;
    }
    if (c == '!' || c == '?') {
      std::size_t e = i;
      while (e < n && s[e] == c) ++e;
      add(s.substr(i, e - i), c == '!' ? token_kind::exclamation : token_kind::question, 0);
      tokens_[count_ - 1].count = static_cast<std::uint16_t>(e - i > 0xFFFF ? 0xFFFF : e - i);
      i = e;
      continue;
    }
    if (is_emoji(cp)) {
      std::size_t e = i + len;
      while (e < n) {
        auto [c2, l2] = decode(s, e);
        if (!is_emoji_modifier(c2)) break;
        e += l2;
        // A ZWJ glues the next pictograph into the same emoji (family, profession...).
        if (c2 == 0x200D && e < n && is_emoji(decode(s, e).cp)) e += decode(s, e).size;
      }
      add(s.substr(i, e - i), token_kind::emoji, 0);
      i = e;
      continue;
    }
    if (c == '.' || cp == 0x2026 || cp == 0x3002) {
      if (count_ == 0 || last_kind() != token_kind::sentence_break)
        add(s.substr(i, len), token_kind::sentence_break, 0);
    } else if (c == ',' || c == ';' || c == ':' || cp == 0x2013 || cp == 0x2014 ||
               (c == '-' && i + 1 < n && is_space(s[i + 1]))) {
      if (count_ == 0 || (last_kind() != token_kind::clause_break &&
                          last_kind() != token_kind::sentence_break))
        add(s.substr(i, len), token_kind::clause_break, 0);
    }
    i += len;
  }
}

}  // namespace vigie::pipeline::internal
