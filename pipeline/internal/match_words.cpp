#include "pipeline/internal/match_words.h"

#include <algorithm>
#include <cstring>

#include "pipeline/internal/tokenizer.h"
#include "pipeline/internal/utf8.h"

namespace vigie::pipeline::internal {
namespace {


enum class char_class : std::uint8_t { separator, letter, mark };

bool is_ascii_alnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Letters and digits of the scripts people write brands in; punctuation, symbols, emoji and
// private use separate words. Combining marks and variation selectors are dropped inside a
// word, so that a decomposed "cafe\u0301" is the word "cafe".
char_class classify(char32_t c) noexcept {
  if (c < 0x80) return is_ascii_alnum(static_cast<char>(c)) ? char_class::letter : char_class::separator;
  if (c == 0xAA || c == 0xB5 || c == 0xBA) return char_class::letter;
  if (c < 0xC0) return char_class::separator;
  if (c <= 0x2AF) return (c == 0xD7 || c == 0xF7) ? char_class::separator : char_class::letter;
  if (c >= 0x300 && c <= 0x36F) return char_class::mark;
  if (c < 0x370) return char_class::separator;
  if (c < 0x2000) return char_class::letter;  // Greek ... Latin Extended Additional
  if (c < 0x2C00) return char_class::separator;  // punctuation, symbols, arrows
  if (c < 0x2E00) return char_class::letter;
  if (c < 0x3040) return char_class::separator;  // supplemental and CJK punctuation
  if (c < 0xD800) return char_class::letter;     // kana, CJK, Yi, Hangul
  if (c < 0xF900) return char_class::separator;  // surrogates, private use
  if (c < 0xFE00) return char_class::letter;
  if (c < 0xFE10) return char_class::mark;       // variation selectors
  if (c < 0xFE70) return char_class::separator;
  if (c < 0xFEFF) return char_class::letter;
  if (c >= 0xFF10 && c <= 0xFF19) return char_class::letter;  // fullwidth digits
  if ((c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A)) return char_class::letter;
  if (c >= 0xFF66 && c <= 0xFFDC) return char_class::letter;
  if (c < 0x10000) return char_class::separator;
  if (c >= 0x1F000 && c <= 0x1FAFF) return char_class::separator;  // emoji
  if (c >= 0xE0000) return char_class::separator;                  // tags, private use
  return char_class::letter;
}

bool is_upper(char32_t c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7); }
bool is_lower(char32_t c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 0xDF && c <= 0xFF && c != 0xF7); }
bool is_digit(char32_t c) noexcept { return c >= '0' && c <= '9'; }

// End of the word starting at b: letters, digits and marks; *marks says whether marks occur.
std::size_t scan_word(std::string_view s, std::size_t b, bool allow_underscore, bool* marks) noexcept {
  std::size_t e = b;
  while (e < s.size()) {
    const char a = s[e];
    if (static_cast<unsigned char>(a) < 0x80) {
      if (is_ascii_alnum(a) || (allow_underscore && a == '_')) {
        ++e;
        continue;
      }
      break;
    }
    auto [cp, n] = decode(s, e);
    const char_class k = classify(cp);
    if (k == char_class::separator) break;
    if (k == char_class::mark) *marks = true;
    e += n;
  }
  return e;
}

}  // namespace

std::uint64_t hash_match_word(std::string_view w) noexcept {
  std::uint64_t h = match_hash_seed;
  for (std::size_t off = 0; off < w.size(); off += 8) {
    std::uint64_t v = 0;
    std::memcpy(&v, w.data() + off, w.size() - off < 8 ? w.size() - off : 8);
    h = mix_match_hash(h, v);
  }
  return finish_match_hash(h, w.size());
}

std::size_t count_code_points(std::string_view s) noexcept {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

match_words::match_words() {
  words_.resize(256);
  folded_.resize(4096);
}

void match_words::push(std::string_view text, std::size_t b, std::size_t e, bool marks,
                       std::uint32_t position, std::uint8_t flags, char sigil) {
  match_word w;
  w.fold_begin = static_cast<std::uint32_t>(folded_size_);
  w.position = position;
  w.raw_begin = static_cast<std::uint32_t>(sigil != 0 ? b - 1 : b);
  w.raw_end = static_cast<std::uint32_t>(e);
  w.flags = flags;
  fold_tmp_.clear();
  if (sigil != 0) fold_tmp_.push_back(sigil);
  if (!marks) {
    append_folded(text.substr(b, e - b), fold_tmp_);
  } else {
    // Fold the runs between combining marks, dropping the marks.
    std::size_t run = b;
    for (std::size_t i = b; i < e;) {
      auto [cp, n] = decode(text, i);
      if (classify(cp) == char_class::mark) {
        append_folded(text.substr(run, i - run), fold_tmp_);
        run = i + n;
      }
      i += n;
    }
    append_folded(text.substr(run, e - run), fold_tmp_);
  }
  if (folded_size_ + fold_tmp_.size() > folded_.size()) folded_.resize(2 * (folded_size_ + fold_tmp_.size()));
  std::memcpy(folded_.data() + folded_size_, fold_tmp_.data(), fold_tmp_.size());
  folded_size_ += fold_tmp_.size();
  w.fold_size = static_cast<std::uint32_t>(fold_tmp_.size());
  w.hash = hash_match_word(fold_tmp_);
  append(w);
}

std::uint32_t match_words::add(std::string_view s, std::uint32_t position, bool tag_parts) {
  const std::size_t n = s.size();
  const std::size_t limit = count_ + max_match_words;
  // ASCII words fold in place: room for the whole text (1 byte per byte at most).
  if (folded_size_ + n > folded_.size()) folded_.resize(2 * (folded_size_ + n));
  std::size_t i = 0;
  bool after_word = false;  // the previous character ended a word: '#' there is not a tag
  while (i < n && count_ < limit) {
    const char c = s[i];
    bool letter;
    std::uint32_t len = 1;
    if (static_cast<unsigned char>(c) < 0x80) {
      letter = is_ascii_alnum(c);
      if (!letter && (c == '#' || c == '@') && !after_word && i + 1 < n) {
        bool marks = false;
        const std::size_t e = scan_word(s, i + 1, /*allow_underscore=*/true, &marks);
        bool has_alnum = false;
        for (std::size_t k = i + 1; k < e && !has_alnum; ++k) has_alnum = s[k] != '_';
        if (has_alnum) {
          push(s, i + 1, e, marks, position, match_word_tag, c);
          std::uint32_t next = position + 1;
          if (tag_parts) {
            // Parts: split on '_', lower->Upper ("boycottBorel"), UPPER->Upper+lower ("IPhone"),
            // and letter/digit changes ("Borel2026").
            std::uint32_t part_pos = position;
            std::size_t part = i + 1;
            char32_t prev = 0;
            auto emit = [&](std::size_t pe) {
              if (pe <= part) return;
              bool pm = false;
              for (std::size_t k = part; k < pe;) {
                auto [cp, l] = decode(s, k);
                if (classify(cp) == char_class::mark) pm = true;
                k += l;
              }
              push(s, part, pe, pm, part_pos++, match_word_tag_part, 0);
            };
            for (std::size_t k = i + 1; k < e;) {
              auto [cp, l] = decode(s, k);
              if (cp == '_') {
                emit(k);
                part = k + l;
              } else if (classify(cp) != char_class::mark && k > part) {
                const bool split =
                    (is_upper(cp) && is_lower(prev)) ||
                    (is_upper(cp) && is_upper(prev) && k + l < e && is_lower(decode(s, k + l).cp)) ||
                    (is_digit(cp) != is_digit(prev));
                if (split) {
                  emit(k);
                  part = k;
                }
              }
              if (classify(cp) != char_class::mark) prev = cp;
              k += l;
            }
            emit(e);
            // A tag of several parts is also its whole word: a watch on iphone finds #iPhone,
            // one on boycottborel #BoycottBorel (split alone, it held only "i" and "phone").
            // At the first part's position and at the last's, so that it neighbours both the
            // word before the tag ("my #iPhone") and the word after it ("#iPhone case").
            if (part_pos > position + 1 && std::find(s.begin() + i + 1, s.begin() + e, '_') == s.begin() + e) {
              push(s, i + 1, e, marks, position, match_word_tag_part, 0);
              push(s, i + 1, e, marks, part_pos - 1, match_word_tag_part, 0);
            }
            if (part_pos > next) next = part_pos;
          }
          position = next;
          i = e;
          after_word = true;
          continue;
        }
      }
    } else {
      auto [cp, l] = decode(s, i);
      len = l;
      letter = classify(cp) == char_class::letter;
    }
    if (!letter) {
      i += len;
      after_word = false;
      continue;
    }
    // Fast path, most words of most mentions: ASCII letters and digits, folded while copied.
    std::size_t e = i;
    while (e < n && is_ascii_alnum(s[e])) ++e;
    if (e > i && (e == n || static_cast<unsigned char>(s[e]) < 0x80)) {
      match_word w;
      w.fold_begin = static_cast<std::uint32_t>(folded_size_);
      w.fold_size = static_cast<std::uint32_t>(e - i);
      w.position = position++;
      w.raw_begin = static_cast<std::uint32_t>(i);
      w.raw_end = static_cast<std::uint32_t>(e);
      // Room: the fast path writes no more bytes than it reads, and add() reserved the text's
      // size; a slow-path word before it made its own room.
      if (folded_size_ + (e - i) > folded_.size()) folded_.resize(2 * (folded_size_ + (e - i)));
      char* o = folded_.data() + w.fold_begin;
      folded_size_ += e - i;
      std::uint64_t h = match_hash_seed, chunk = 0;
      for (std::size_t k = 0; k < e - i; ++k) {
        char c = s[i + k];
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
        o[k] = c;
        chunk |= std::uint64_t{static_cast<unsigned char>(c)} << (8 * (k & 7));
        if ((k & 7) == 7) {
          h = mix_match_hash(h, chunk);
          chunk = 0;
        }
      }
      if (((e - i) & 7) != 0) h = mix_match_hash(h, chunk);
      w.hash = finish_match_hash(h, e - i);
      append(w);
      i = e;
      after_word = true;
      continue;
    }
    bool marks = false;
    e = scan_word(s, i, /*allow_underscore=*/false, &marks);
    push(s, i, e, marks, position++, 0, 0);
    i = e;
    after_word = true;
  }
  return position;
}

}  // namespace vigie::pipeline::internal
