// terms: the topic terms of a mention, as weak-signal detection counts them (signals.h).
//
// A term is one of four kinds, told apart by the form of its text:
//   "word"       a word stem: folded (lower case, Latin accents removed), French and English
//                stopwords removed, stemmed with Snowball (libstemmer) for lang "fr" or "en";
//                words of other languages, and words shorter than four bytes, are not stemmed.
//                "Grèves", "GREVE" and "grève" are all "grev".
//   "word word"  two stems that follow each other in the text, stopwords skipped but never
//                across punctuation, a number, a URL or a tag: "rappel de produits" gives
//                "rappel produit". Bigrams catch new phrases made of old words.
//   "#hashtag"   a hashtag, folded, whole: #BoycottBorel is "#boycottborel" (not split: the
//                tag as people type it is the topic).
//   "@handle"    an account named in the text, folded.
// URLs (chunks starting with "www." or holding "://") are left out, and so are numbers
// ("2024"; "4g" and "covid19" are words), single letters and so French elisions (l', j'),
// the part of an e-mail address after its '@', and words longer than max_term_word_bytes
// (garbage, not vocabulary).
//
//   vigie::pipeline::term_extractor extractor;                  // one per worker thread
//   std::vector<vigie::pipeline::term> terms;
//   extractor.extract("Grève SNCF : les trains à l'arrêt #greve", "fr", &terms);
//   // "grev" "sncf" "grev sncf" "train" "arret" "train arret" "#greve"
//   // (the ':' ends the phrase, so there is no "sncf train")
//
// Each term comes with term_hash() of its text, which is what signal_detector keys on.
//
// Thread safety: a term_extractor owns scratch buffers, a stem cache and two Snowball
// stemmers: one per thread, never shared. term_hash() is a pure function.
// Cost: extract() allocates nothing once its buffers have grown to the longest text seen; a
// bounded word -> stem cache (stem_cache_entries) keeps Snowball, and the hashing of words
// and stems, out of the hot path.

#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vigie::pipeline {

// Distinct terms extracted from one mention at most. With the first 1,024 words and tags
// looked at (stopwords included), this bounds the work on a 10,000-word text: an article's
// topic is in its first paragraphs.
inline constexpr std::size_t max_terms_per_mention = 256;
// Longest word kept, folded, in bytes: longer runs of letters are garbage (base64, keyboard
// mashing, CJK sentences without spaces), not topics.
inline constexpr std::size_t max_term_word_bytes = 40;
// Entries of the word -> stem cache (2-way set-associative, one 64-byte line per set, 32
// bytes an entry: 2 MiB per extractor). An entry maps a folded word and the language to its
// stem and the stem's term_hash(), so that a word seen before is neither hashed nor stemmed:
// a Snowball call costs a few hundred nanoseconds, a cache hit a few. The cache holds a watch
// stream's working vocabulary of both languages (stopwords aside), so that misses are rare
// words. Half the entries (1 MiB) miss often enough on the evaluation streams to cost more
// than the hashes they save.
inline constexpr std::size_t stem_cache_entries = 65536;

struct term {
  std::uint64_t hash = 0;   // term_hash(text)
  std::string_view text;    // valid until the next extract()
  // A phrase's words, as term_hash() of each ("rappel produit": of "rappel" and "produit");
  // 0 for the other kinds. extract() sets them; a term made by hand may leave them 0, and
  // signal_detector then hashes the phrase's text.
  std::uint64_t first_word = 0;
  std::uint64_t second_word = 0;
};

// Where a term was read from: bytes [begin, end) of the text, at its first appearance, from
// its first letter (or a tag's sigil). A phrase runs from its first word to the end of its
// second, with what is between them, [gap_begin, gap_end): stopwords and spaces ("rappel
// produit" from "Rappel de produits"), or punctuation a phrase may span (quotes, emoji).
struct term_span {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  std::uint32_t gap_begin = 0;  // equal to gap_end: not a phrase, or words side by side
  std::uint32_t gap_end = 0;
};

// term_hash() sets this bit for phrases ("word word") and clears it for the other kinds, so
// that a phrase is known from its hash alone.
inline constexpr std::uint64_t phrase_hash_bit = std::uint64_t{1} << 63;
inline bool is_phrase(std::uint64_t term_hash) noexcept { return (term_hash & phrase_hash_bit) != 0; }

// The hash that extract() gives a term of that text: words and tags hash their bytes; a
// bigram "a b" combines the hashes of its two words, so that extract() never hashes twice.
// Phrases have phrase_hash_bit set, the other kinds not.
std::uint64_t term_hash(std::string_view term_text) noexcept;

class term_extractor {
 public:
  term_extractor();
  ~term_extractor();
  term_extractor(const term_extractor&) = delete;
  term_extractor& operator=(const term_extractor&) = delete;
  term_extractor(term_extractor&&) noexcept;
  term_extractor& operator=(term_extractor&&) noexcept;

  // Appends the distinct terms of one mention to *out, in order of first appearance. lang:
  // ISO 639-1 ("fr", "EN", "en-GB"); it only picks the stemmer. Never fails: invalid UTF-8
  // bytes separate words.
  void extract(std::string_view text, std::string_view lang, std::vector<term>* out);
  // The same terms, and for each term appended to *out the span of the text it was read
  // from, appended to *spans: to show a term as people wrote it ("grev" -> "grèves"; see
  // written_form()). A little slower than the other extract(); for reports, not for every mention.
  void extract(std::string_view text, std::string_view lang, std::vector<term>* out, std::vector<term_span>* spans);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// The forms terms are written in, tallied over some texts, to show a term as people write it
// rather than as a stem: "grev sncf" as "grève à la SNCF", "rembours" as "remboursement".
//
//   vigie::pipeline::written_forms forms;
//   for (const auto& m : sample_mentions) {
//     terms.clear(); spans.clear();
//     extractor.extract(m.text, m.lang, &terms, &spans);
//     forms.add(m.text, terms, spans);
//   }
//   std::string label = forms.most_frequent(signal_term_hash);  // "" if no text had it
class written_forms {
 public:
  // Longest form kept, in bytes; longer ones (a phrase with many stopwords between its words)
  // are not shown.
  static constexpr std::size_t max_form_bytes = 128;
  // Distinct forms tallied per term; past it a new form takes the place of the least
  // frequent one, with its count plus one (space-saving): a frequent form is never lost.
  static constexpr std::size_t max_forms_per_term = 8;

  // One text's terms and their spans, as extract() gave them. only: when not 0, only the
  // term of that hash is tallied. A phrase's form keeps what is between its words when that
  // is words and spaces ("grève à la SNCF"), else it is its two words ("produit top" from
  // 'produit "top"'). Runs of white space, Unicode spaces among them, become one space.
  void add(std::string_view text, std::span<const term> terms, std::span<const term_span> spans,
           std::uint64_t only = 0);
  // The form the term has most often, its runs of white space made one space; on a tie the
  // one seen first. Empty when no text had the term.
  std::string most_frequent(std::uint64_t term_hash) const;

 private:
  struct tally {
    std::string form;
    std::uint32_t count;
  };
  std::unordered_map<std::uint64_t, std::vector<tally>> forms_;
};

}  // namespace vigie::pipeline
