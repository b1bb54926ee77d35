#include "pipeline/sentiment.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>

#include "pipeline/internal/lexicon_hash.h"
#include "pipeline/internal/tokenizer.h"
#include "pipeline/mention_json.h"

namespace vigie::pipeline {

using internal::token;
using internal::token_kind;

namespace {

enum class unit_kind : std::uint8_t { word, emoji, emoticon, clause_break, sentence_break };

// Rules that re-weigh a unit after it was scored, when a later token tells more about it.
enum : std::uint8_t { late_contrast = 1, late_question = 2, late_taunt = 4 };
// Words of a closing sentence a closer taunts in: "Great.", "Cheers mate.", "Just great, thanks."
constexpr std::size_t max_closer_words = 3;
// What may stand beside a closer in that sentence: interjections and emphasis. A sentence
// that says what was good ("Product is perfect.", "Great stay.") is a verdict, not a taunt.
bool closer_filler(std::string_view folded) noexcept {
  static constexpr std::string_view fillers[] = {
      "just", "so", "how", "really", "thanks", "thank", "you", "mate", "oh", "well", "simply", "absolutely",
      "truly", "very", "yeah", "yes", "wow", "guys", "again", "vraiment", "juste", "franchement", "encore",
      "merci", "ah", "bah", "ben", "eh", "trop", "si", "tellement", "grave"};
  for (std::string_view w : fillers)
    if (folded == w) return true;
  return false;
}

// Fallback when a negator is recognised by form, not by the lexicon ("shouldn't" in a text
// whose lexicon lacks it): VADER's negation multiplier.
constexpr float default_negator = -0.74f;

bool ends_with_nt(std::string_view w) noexcept {
  return w.size() > 3 && w.ends_with("n't");
}

float sign_of(float v) noexcept { return v < 0.0f ? -1.0f : 1.0f; }

// Spoken French drops "ne" and puts the negation after the verb: "j'aime pas", "ça vaut
// jamais le coup", "je recommande pas". These negators, right after a scored word that no
// earlier negator reached, negate it (and then not the words after them).
bool is_french_post_negator(std::string_view folded) noexcept {
  return folded == "pas" || folded == "jamais";
}

// Spoken French drops "ne" before "plus" too: "j'aime plus", "je recommande plus ce site",
// "ça fonctionne plus". But "plus" also compares ("j'aime plus que tout", "bien plus rapide",
// "plus de choix"): after a scored word, it negates only when what follows is not rated and
// does not start a comparison.
bool is_comparison_after_plus(std::string_view folded) noexcept {
  return folded == "que" || folded == "qu'" || folded == "de" || folded == "d'" || folded == "du" ||
         folded == "des" || folded == "tard" || folded == "tot" || folded == "ou";
}

// "bon" as a filler: "mais bon.", "mais bon, on verra", "bon, le colis est arrivé", "... bon
// il me l'a rendu". It opens a sentence (or follows "mais", "et", an interjection) and is
// followed by a break, a filler or a pronoun or determiner; before a noun it rates ("mais bon
// produit", "bon rapport qualité-prix").
bool is_bon(std::string_view folded) noexcept { return folded == "bon"; }
bool opens_before_bon(std::string_view folded) noexcept {
  return folded == "mais" || folded == "et" || folded == "ah" || folded == "oh" || folded == "eh" || folded == "enfin";
}
bool follows_filler_bon(std::string_view folded) noexcept {
  static constexpr std::string_view words[] = {
      "ben", "bah", "voila", "bref", "hein", "ok", "enfin", "il", "ils", "elle", "elles", "on", "je", "j'", "tu",
      "t'", "nous", "vous", "ca", "c'", "ce", "le", "la", "les", "l'", "un", "une", "des", "du", "y", "faut"};
  for (std::string_view w : words)
    if (folded == w) return true;
  return false;
}

// "never been so happy", "jamais été aussi bien": after "never", a degree word turns the
// negation into emphasis (VADER's "never so/this" rule, with the French equivalents).
bool is_never(std::string_view folded) noexcept { return folded == "never" || folded == "jamais"; }
bool is_degree_after_never(std::string_view folded) noexcept {
  return folded == "so" || folded == "this" || folded == "such" || folded == "as" ||
         folded == "aussi" || folded == "si" || folded == "autant" || folded == "tellement";
}

// "ne ... que" restricts ("ce n'est que du bonheur": nothing but happiness), it does not negate.
bool is_french_ne(std::string_view folded) noexcept { return folded == "ne" || folded == "n'"; }
bool is_french_que(std::string_view folded) noexcept { return folded == "que" || folded == "qu'"; }

// A capital letter opening a word: ASCII, or Latin-1 upper case in UTF-8 ("Électra").
bool starts_upper(std::string_view raw) noexcept {
  if (raw.empty()) return false;
  const auto c = static_cast<unsigned char>(raw[0]);
  if (c >= 'A' && c <= 'Z') return true;
  if (c != 0xC3 || raw.size() < 2) return false;
  const auto d = static_cast<unsigned char>(raw[1]);
  return d >= 0x80 && d <= 0x9E && d != 0x97;  // U+00C0..U+00DE but U+00D7
}

// "I", "I'm", "I’ve": the English pronoun, capitalised wherever it stands.
bool is_pronoun_i(std::string_view raw) noexcept {
  return raw == "I" || raw.starts_with("I'") || raw.starts_with("I\xE2\x80\x99");
}

// An explanation item of no contribution. Apart from run(), as below.
[[gnu::noinline, gnu::cold]] void add_item(explanation* out, std::string_view token, const char* rule, float valence,
                                          const char* modifiers) {
  explanation_item item;
  item.token = std::string(token);
  item.rule = rule;
  item.valence = valence;
  item.modifiers = modifiers;
  out->items.push_back(std::move(item));
}

// The explanation items of the rules on the whole text: weak evidence, dead zone, length
// (changes of 0 are left out). Apart from run(): scoring never pays for the strings.
[[gnu::noinline, gnu::cold]] void add_whole_text_items(explanation* out, float floor, float weak_change, float dead_zone,
                                                      float dead_zone_change, int length, float length_factor,
                                                      float length_change) {
  auto two_decimals = [](float v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(v));
    return std::string(buf);
  };
  auto add = [&](const char* rule, float change, std::string modifiers) {
    if (change == 0.0f) return;
    explanation_item item;
    item.token = "(whole text)";
    item.rule = rule;
    item.contribution = change;
    item.modifiers = std::move(modifiers);
    out->items.push_back(std::move(item));
  };
  add("weak evidence", weak_change, "discounted evidence below " + two_decimals(floor) + ": neutral");
  add("dead zone", dead_zone_change,
      "a sum within " + two_decimals(dead_zone) + " of 0 is neutral, a larger one moves " + two_decimals(dead_zone) +
          " toward 0");
  add("length", length_change,
      std::to_string(length) + " words and signs: x" + two_decimals(length_factor) +
          " (a sum spread over a long text says less)");
}

}  // namespace

struct sentiment_analyzer::unit {
  const lexicon_entry* entry = nullptr;  // nullptr: a word we do not know
  float negator = 0.0f;                  // 0 or the multiplier
  std::uint16_t tok_begin = 0;
  std::uint16_t tok_end = 0;             // one past
  unit_kind kind = unit_kind::word;
  std::uint8_t flags = 0;                // token flags of the (first) token
  // Bit-fields keep a unit at 24 bytes: pass 1 writes one per token.
  bool phrase : 1 = false;
  bool holds_negation : 1 = false;       // a set phrase that starts with a negator: "pas mal"
  bool spent : 1 = false;                // a negator that has negated a word already
  std::uint8_t late : 3 = 0;             // late_* rules that changed contribution afterwards
  float contribution = 0.0f;             // to the raw sum, after rules; 0 without valence
};

sentiment_analyzer::sentiment_analyzer(std::shared_ptr<const lexicon_set> lexicons,
                                       sentiment_options options)
    : lexicons_(std::move(lexicons)),
      options_(options),
      tokenizer_(std::make_unique<internal::tokenizer>()) {
  static_assert(sizeof(void*) != 8 || sizeof(unit) == 24, "pass 1 writes a unit per token: keep it small");
  units_.resize(256);
  scratch_.reserve(256);
  if (options_.scope_words < 0) options_.scope_words = 0;
  if (options_.scope_words > 3) options_.scope_words = 3;  // booster_decay has 3 entries
}

sentiment_analyzer::~sentiment_analyzer() = default;
sentiment_analyzer::sentiment_analyzer(sentiment_analyzer&&) noexcept = default;
sentiment_analyzer& sentiment_analyzer::operator=(sentiment_analyzer&&) noexcept = default;

bool sentiment_analyzer::supports(std::string_view lang) const noexcept {
  return lexicons_ && lexicons_->find(lang) != nullptr;
}

sentiment sentiment_analyzer::score(std::string_view text, std::string_view lang) {
  return run(text, lang, nullptr);
}

std::size_t sentiment_analyzer::known_words(std::string_view text, std::string_view lang) {
  const lexicon* lex = lexicons_ ? lexicons_->find(lang) : nullptr;
  if (lex == nullptr) return 0;
  internal::tokenizer& tok = *tokenizer_;
  tok.tokenize(text, lex == &lexicons_->fr());
  constexpr std::uint8_t telling = role_valence | role_booster | role_negator | role_contrast;
  std::size_t n = 0;
  for (const token& t : tok.tokens()) {
    if (t.kind != token_kind::word) continue;
    const lexicon_entry* e = lex->find(tok.folded(t), t.hash);
    n += e != nullptr && (e->roles & telling) != 0;
  }
  return n;
}

sentiment sentiment_analyzer::explain(std::string_view text, std::string_view lang,
                                      explanation* out) {
  if (out != nullptr) *out = explanation{};
  return run(text, lang, out);
}

sentiment sentiment_analyzer::run(std::string_view text, std::string_view lang, explanation* out) {
  const lexicon* lex = lexicons_ ? lexicons_->find(lang) : nullptr;
  if (out != nullptr) {
    out->lang = std::string(lang);
    out->supported = lex != nullptr;
  }
  if (lex == nullptr) return {sentiment_label::neutral, 0.0f, /*supported=*/false};
  const bool french = lex == &lexicons_->fr();

  internal::tokenizer& tok = *tokenizer_;
  tok.tokenize(text, french);
  const auto tokens = tok.tokens();
  const bool caps_differ = tok.has_lower_case_word();

  // Pass 1: tokens -> units, with lexicon look-ups and set phrases merged. units_ keeps the
  // size of the longest text seen and is written in place (at most one unit per token).
  if (units_.size() < tokens.size()) units_.resize(tokens.size());
  unit* const units = units_.data();
  std::size_t unit_count = 0;
  int exclamations = 0, questions = 0;
  float irony = 0.0f;  // the multiplier of an irony marker of the text ("🙃"), or 0
  bool has_remedy = false;  // a remedy word ("fixed", "réglé") is in the text
  bool has_taunt = false;   // a taunt ("génial", "merci") or closer ("brilliant") is in the text
  int length = 0;  // words, pictographs, numbers, URLs, @mentions: for length scaling
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const token& t = tokens[i];
    static_assert(token_kind::number > token_kind::word && token_kind::exclamation > token_kind::number &&
                  token_kind::clause_break > token_kind::number && token_kind::sentence_break > token_kind::number,
                  "length counts the kinds up to number");
    if (t.kind <= token_kind::number) ++length;
    // Written in place, committed by ++unit_count: copying a unit from the stack costs a
    // store-forwarding stall per token.
    unit& u = units[unit_count];
    u = unit{};
    u.tok_begin = static_cast<std::uint16_t>(i);
    u.tok_end = static_cast<std::uint16_t>(i + 1);
    u.flags = t.flags;
    switch (t.kind) {
      case token_kind::url:
      case token_kind::user_mention:
      case token_kind::number:
        continue;
      case token_kind::exclamation:
        exclamations += t.count;
        u.kind = unit_kind::sentence_break;
        ++unit_count;
        continue;
      case token_kind::question:
        questions += t.count;
        u.kind = unit_kind::sentence_break;
        ++unit_count;
        continue;
      case token_kind::clause_break:
        u.kind = unit_kind::clause_break;
        ++unit_count;
        continue;
      case token_kind::sentence_break:
        u.kind = unit_kind::sentence_break;
        ++unit_count;
        continue;
      case token_kind::emoji: u.kind = unit_kind::emoji; break;
      case token_kind::emoticon: u.kind = unit_kind::emoticon; break;
      case token_kind::word: u.kind = unit_kind::word; break;
    }
    std::string_view w = tok.folded(t);
    std::uint64_t w_hash = t.hash;
    const lexicon_entry* e = lex->find(w, t.hash);
    if (e == nullptr && t.kind == token_kind::emoticon && w.size() > 2 && w.back() == w[w.size() - 2]) {
      // A repeated mouth is the same face, said louder: ":)))" -> ":)", ":DDD" -> ":D".
      std::size_t keep = w.size() - 1;
      while (keep > 1 && w[keep - 1] == w.back()) --keep;
      scratch_.assign(w.substr(0, keep + 1));
      e = lex->find(scratch_);
    }
    if (e == nullptr && (t.flags & internal::flag_elongated)) {
      // "gooood" -> "good", "sooooo" -> "so", "géniaaal" -> "genial": try 2 then 1 of a run.
      internal::collapse_runs(w, 2, scratch_);
      e = lex->find(scratch_);
      if (e == nullptr) {
        internal::collapse_runs(w, 1, scratch_);
        e = lex->find(scratch_);
      }
      if (e != nullptr && (e->roles & role_phrase_start)) {
        // The word as the lexicon knows it starts the phrase: "trooop bien" is "trop bien".
        collapsed_.assign(scratch_);
        w = collapsed_;
        w_hash = internal::hash_term(collapsed_);
      }
    }
    if (e != nullptr && (e->roles & role_phrase_start) && i + 1 < tokens.size() &&
        lex->may_start_phrase(w_hash, tokens[i + 1].hash)) {
      // Longest set phrase first; only across words, never across punctuation.
      // The key of the longest candidate is built once; shorter ones are its prefixes.
      const std::size_t longest = std::min<std::size_t>(e->phrase_words, max_phrase_words);
      std::size_t ends[max_phrase_words + 1] = {};
      scratch_.assign(w);
      std::size_t avail = 1;
      ends[1] = scratch_.size();
      while (avail < longest && i + avail < tokens.size()) {
        auto k = tokens[i + avail].kind;
        if (k != token_kind::word && k != token_kind::emoji && k != token_kind::emoticon) break;
        scratch_.push_back(' ');
        scratch_.append(tok.folded(tokens[i + avail]));
        ++avail;
        ends[avail] = scratch_.size();
      }
      for (std::size_t len = avail; len >= 2; --len) {
        const std::string_view key(scratch_.data(), ends[len]);
        if (const lexicon_entry* pe = lex->find(key); pe != nullptr && pe->roles != role_phrase_start) {
          // "pas mal", "vaut pas le coup": a "ne" before it is the same negation ("ce n'est
          // pas mal", "ça ne vaut pas le coup"), not a second one.
          u.holds_negation = pe->holds_negation;
          e = pe;
          u.phrase = true;
          u.tok_end = static_cast<std::uint16_t>(i + len);
          i += len - 1;
          break;
        }
      }
    }
    u.entry = e;
    if (e != nullptr && (e->roles & role_irony)) irony = e->irony;
    if (e != nullptr && (e->roles & role_remedy)) has_remedy = true;
    if (e != nullptr && (e->roles & (role_taunt | role_closer))) has_taunt = true;
    if (e != nullptr && (e->roles & role_negator)) u.negator = e->negator;
    else if (!french && u.kind == unit_kind::word && ends_with_nt(w)) u.negator = default_negator;
    ++unit_count;
  }

  // Pass 2: valence of each unit after boosters, negation, emphasis.
  const int scope = options_.scope_words;
  float sum = 0.0f;
  std::size_t contrast_at = SIZE_MAX;  // unit index of the last contrast word
  std::size_t post_negator_at = SIZE_MAX;  // French "pas" already spent on the word before it
  std::size_t sentence_at = 0;         // first unit of the current sentence
  const unit* irrealis_by = nullptr;   // "would", "if" earlier in the current clause
  bool discounted = false;             // a name, question or irrealis rule weakened evidence
  float after_weight = 1.0f;
  std::vector<std::size_t> item_units;  // explain only: the unit of each item
  auto span_of = [&](const unit& u) {
    const char* b = tokens[u.tok_begin].raw.data();
    const token& last = tokens[u.tok_end - 1];
    return std::string_view(b, static_cast<std::size_t>(last.raw.data() + last.raw.size() - b));
  };
  auto folded_of = [&](const unit& u) { return tok.folded(tokens[u.tok_begin]); };
  // First word of a sentence: after a break, an emoji or emoticon (tweets end sentences with
  // them), the retweet mark "RT", or an @handle or a link (which tweets end sentences with
  // too: "Unfollowing @bob Tired of the snark").
  auto sentence_initial = [&](std::size_t ui) {
    if (ui == 0) return true;
    const std::size_t before = units[ui].tok_begin;
    if (before != 0 && (tokens[before - 1].kind == token_kind::user_mention || tokens[before - 1].kind == token_kind::url))
      return true;
    const unit& p = units[ui - 1];
    if (p.kind == unit_kind::clause_break) {
      const std::string_view r = tokens[p.tok_begin].raw;
      return r == "-" || r == "\xE2\x80\x93" || r == "\xE2\x80\x94";  // "New today - Lovely bowl"
    }
    return p.kind == unit_kind::sentence_break || p.kind == unit_kind::emoji ||
           p.kind == unit_kind::emoticon || (p.kind == unit_kind::word && folded_of(p) == "rt");
  };
  // Whether unit k ends the reach of a remedy: a clause or sentence break, "and" ("et"), or a
  // contrast word ("but", "mais").
  auto ends_scope = [&](const unit& k) {
    return k.kind == unit_kind::clause_break || k.kind == unit_kind::sentence_break ||
           (k.entry != nullptr && (k.entry->roles & (role_scope_break | role_contrast)));
  };
  // A remedy word is itself negated ("haven't fixed", "toujours pas réglé") when a negator,
  // or a set phrase holding one, sits within scope before it, in its clause.
  auto negated_remedy = [&](std::size_t ri) {
    for (int d = 1; d <= scope && static_cast<std::size_t>(d) <= ri; ++d) {
      const unit& p = units[ri - d];
      if (ends_scope(p)) break;
      if (p.negator != 0.0f || p.holds_negation) return true;
    }
    return false;
  };
  // The remedy word nearest to the trouble word at ui, within scope before or after it in
  // its clause (before first at equal distance): "fixed my problem", "problème réglé",
  // "the outage is fixed". Its distance, negative when it is before ui; 0 when none.
  auto nearest_remedy = [&](std::size_t ui) {
    bool before_open = true, after_open = true;
    for (int d = 1; d <= scope; ++d) {
      if (before_open && static_cast<std::size_t>(d) <= ui) {
        const unit& p = units[ui - d];
        if (ends_scope(p)) before_open = false;
        else if (p.entry != nullptr && (p.entry->roles & role_remedy)) return -d;
      }
      if (after_open && ui + d < unit_count) {
        const unit& n = units[ui + d];
        if (ends_scope(n)) after_open = false;
        else if (n.entry != nullptr && (n.entry->roles & role_remedy)) return d;
      }
    }
    return 0;
  };
  // A capitalised word (not ALL CAPS, not in a hashtag) that does not open a sentence. The
  // pronoun "I" ("I like", "I'm sold") is always written so: it names no one.
  auto capitalised = [&](std::size_t ui) {
    const unit& u = units[ui];
    const std::string_view raw = tokens[u.tok_begin].raw;
    return !(u.flags & (internal::flag_all_caps | internal::flag_hashtag)) && starts_upper(raw) &&
           !sentence_initial(ui) && !is_pronoun_i(raw);
  };

  for (std::size_t ui = 0; ui < unit_count; ++ui) {
    const unit& u = units[ui];
    const lexicon_entry* e = u.entry;
    if (u.kind == unit_kind::clause_break || u.kind == unit_kind::sentence_break) {
      irrealis_by = nullptr;
      if (u.kind == unit_kind::clause_break) continue;
      // A question asks more than it asserts ("is it any good?"): its words weigh less.
      if (tokens[u.tok_begin].kind == token_kind::question && options_.question_weight != 1.0f) {
        for (std::size_t k = sentence_at; k < ui; ++k) {
          if (units[k].contribution == 0.0f) continue;
          const float now = units[k].contribution * options_.question_weight;
          sum += now - units[k].contribution;
          units[k].contribution = now;
          units[k].late |= late_question;
          discounted = true;
        }
      }
      sentence_at = ui + 1;
      continue;
    }
    if (e == nullptr) continue;
    if (e->roles & role_irrealis) irrealis_by = &u;
    if ((e->roles & role_contrast) && u.kind == unit_kind::word) {
      // What came before (since the previous contrast) weighs less, what follows more.
      std::size_t from = contrast_at == SIZE_MAX ? 0 : contrast_at;
      for (std::size_t k = from; k < ui; ++k) {
        if (units[k].contribution == 0.0f) continue;
        float before = units[k].contribution / after_weight;  // undo the previous contrast's weight
        float now = before * options_.before_contrast_weight;
        sum += now - units[k].contribution;
        units[k].contribution = now;
        units[k].late |= late_contrast;
      }
      contrast_at = ui;
      after_weight = e->contrast;
      if (out != nullptr) {
        explanation_item item;
        item.token = std::string(span_of(u));
        item.rule = "contrast";  // no valence of its own: its weights are in the modifiers
        item.modifiers = "weighs the words after it x" + std::to_string(e->contrast).substr(0, 4) +
                         ", before it x" + std::to_string(options_.before_contrast_weight).substr(0, 4);
        out->items.push_back(std::move(item));
        item_units.push_back(ui);
      }
      continue;
    }
    if (!(e->roles & role_valence) || e->valence == 0.0f) continue;
    if (french && !u.phrase && u.kind == unit_kind::word && is_bon(folded_of(u))) {
      const bool opens = ui == 0 || units[ui - 1].kind == unit_kind::clause_break ||
                         units[ui - 1].kind == unit_kind::sentence_break ||
                         (units[ui - 1].kind == unit_kind::word && opens_before_bon(folded_of(units[ui - 1])));
      const bool closes = ui + 1 == unit_count || units[ui + 1].kind == unit_kind::clause_break ||
                          units[ui + 1].kind == unit_kind::sentence_break ||
                          (units[ui + 1].kind == unit_kind::word && !units[ui + 1].phrase &&
                           follows_filler_bon(folded_of(units[ui + 1])));
      if (opens && closes) {
        if (out != nullptr) {
          add_item(out, span_of(u), "filler", e->valence, "a filler here, not an opinion");
          item_units.push_back(ui);
        }
        continue;
      }
    }
    // A word that is both a booster and a valence word boosts when a valence word follows:
    // "super bien", "trop cool", "pretty good"; alone it carries its own valence ("c'est super").
    if ((e->roles & role_booster) && ui + 1 < unit_count) {
      const lexicon_entry* next = units[ui + 1].entry;
      if (next != nullptr && (next->roles & role_valence) && next->valence != 0.0f) continue;
    }
    float v = e->valence;
    std::string mods;
    const bool pictograph = u.kind != unit_kind::word;
    if (!pictograph && (u.flags & internal::flag_all_caps) && caps_differ) {
      v += sign_of(v) * options_.caps_increment;
      if (out) mods += "ALL CAPS; ";
    }
    if (!pictograph && (u.flags & internal::flag_elongated)) {
      v += sign_of(v) * options_.elongation_increment;
      if (out) mods += "elongated; ";
    }
    // A trouble beside a remedy is reported solved ("fixed my problem", "panne réparée"),
    // unless the remedy is negated: then the negator belongs to the remedy, not to the
    // trouble ("haven't fixed my problem" stays a problem).
    const unit* remedied_by = nullptr;
    int negation_reach = INT_MAX;  // units before ui a negator of ui may sit in (a negated remedy limits it)
    if (has_remedy && v < 0.0f && (e->roles & role_trouble) && !pictograph) {
      if (const int r = nearest_remedy(ui); r != 0) {
        const std::size_t ri = r < 0 ? ui - static_cast<std::size_t>(-r) : ui + static_cast<std::size_t>(r);
        if (!negated_remedy(ri)) remedied_by = &units[ri];
        else if (r < 0) negation_reach = -r - 1;
      }
    }
    const unit* negated_by = nullptr;
    int negated_at = 0;  // distance of negated_by, before the word
    // d: units back from the word; words: of them, those that count towards the scope
    // (articles and possessives do not: "never had a single problem", "jamais eu le moindre").
    for (int d = 1, words = 0; static_cast<std::size_t>(d) <= ui; ++d) {
      const unit& p = units[ui - d];
      if (p.kind == unit_kind::clause_break || p.kind == unit_kind::sentence_break) break;
      if (d > negation_reach) break;
      const bool determiner = !p.phrase && p.entry != nullptr &&
                              (p.entry->roles & (role_determiner | role_valence | role_booster | role_negator)) ==
                                  role_determiner;
      if (!determiner && ++words > scope) break;
      if (p.entry != nullptr && (p.entry->roles & role_booster) && p.entry->booster != 0.0f) {
        float b = p.entry->booster * options_.booster_decay[words - 1];  // a booster is no determiner: words >= 1
        if ((p.flags & internal::flag_all_caps) && caps_differ) b += sign_of(b) * options_.caps_increment;
        v += sign_of(v) * b;
        if (out) mods += (b > 0 ? "boosted by '" : "damped by '") + std::string(span_of(p)) + "'; ";
      }
      // "and", "et" close the negation as a comma does: "not big and ugly" is not "pretty".
      if (negated_by == nullptr && p.entry != nullptr && (p.entry->roles & role_scope_break)) break;
      // "no no no": a negator's own valence is not negated by the one before it. A negator
      // negates one word ("aren't good at dirty talk": not "clean talk"), and a phrase that holds
      // its negation is not negated again.
      if (p.negator != 0.0f && negated_by == nullptr && !pictograph && u.negator == 0.0f &&
          !u.holds_negation && !p.spent && ui - d != post_negator_at) {
        negated_by = &p;
        negated_at = d;
      }
    }
    if (remedied_by != nullptr) {
      negated_by = nullptr;
      v = -v * remedied_by->entry->remedy;
      if (out) mods += "solved: '" + std::string(span_of(*remedied_by)) + "'; ";
    }
    if (negated_by != nullptr && is_never(folded_of(*negated_by))) {
      for (int d = 1; d < negated_at; ++d)
        if (is_degree_after_never(folded_of(units[ui - d]))) {
          negated_by = nullptr;
          if (out) mods += "emphasised by 'never ... " + std::string(span_of(units[ui - d])) + "'; ";
          break;
        }
    }
    if (negated_by != nullptr && french && is_french_ne(folded_of(*negated_by))) {
      for (int d = 0; d < negated_at; ++d)
        if (is_french_que(folded_of(units[ui - d]))) {
          negated_by = nullptr;
          break;
        }
    }
    float negator = negated_by != nullptr ? negated_by->negator : 0.0f;
    if (french && negated_by == nullptr && remedied_by == nullptr && !pictograph && u.negator == 0.0f &&
        ui + 1 < unit_count) {
      const unit& next = units[ui + 1];
      if (next.kind == unit_kind::word && next.negator != 0.0f && !next.phrase &&
          is_french_post_negator(folded_of(next))) {
        negated_by = &next;
        negator = next.negator;
        post_negator_at = ui + 1;
      } else if (next.kind == unit_kind::word && !next.phrase && folded_of(next) == "plus") {
        const unit* after = ui + 2 < unit_count ? &units[ui + 2] : nullptr;
        const bool compares = after != nullptr && after->kind == unit_kind::word &&
                              ((after->entry != nullptr && (after->entry->roles & role_valence) &&
                                after->entry->valence != 0.0f) ||
                               is_comparison_after_plus(folded_of(*after)));
        if (!compares) {
          negated_by = &next;
          negator = default_negator;
          post_negator_at = ui + 1;
        }
      }
    }
    if (negated_by != nullptr) {
      // Negating a negative word says less than negating a positive one: "not bad" is mildly
      // good, "not good" is bad.
      v *= negator * (v < 0.0f ? options_.negated_negative_weight : 1.0f);
      units[negated_by - units].spent = true;
      if (out) mods += "negated by '" + std::string(span_of(*negated_by)) + "'; ";
    }
    if (irrealis_by != nullptr && irrealis_by != &u) {
      v *= irrealis_by->entry->irrealis;
      discounted = true;
      if (out) mods += "hypothetical after '" + std::string(span_of(*irrealis_by)) + "'; ";
    }
    if (!pictograph && options_.name_weight != 1.0f && capitalised(ui)) {
      // A capital inside a sentence marks a name or a title ("Happy Feet", "Best Buy",
      // "Banque Aurore"), not the writer's opinion.
      v *= options_.name_weight;
      discounted = true;
      if (out) mods += "capitalised: part of a name; ";
    }
    if (irony != 0.0f && v > 0.0f && !(e->roles & role_irony)) {
      v *= irony;
      if (out) mods += "ironic text; ";
    }
    if (contrast_at != SIZE_MAX) {
      v *= after_weight;
      if (out) mods += "after contrast '" + std::string(span_of(units[contrast_at])) + "'; ";
    }
    units[ui].contribution = v;
    sum += v;
    if (out != nullptr) {
      explanation_item item;
      item.token = std::string(span_of(u));
      item.rule = u.phrase ? "phrase"
                  : u.kind == unit_kind::emoji ? "emoji"
                  : u.kind == unit_kind::emoticon ? "emoticon"
                                                  : "lexicon";
      item.valence = e->valence;
      item.contribution = v;
      if (mods.size() >= 2) mods.resize(mods.size() - 2);
      item.modifiers = std::move(mods);
      out->items.push_back(std::move(item));
      item_units.push_back(ui);
    }
  }

  // Praise said of bad news is a taunt: "La Poste a perdu mon colis, génial", "train annulé,
  // merci la SNCF". A taunt word (role taunt) turns around when the rest of its text weighs
  // negative on its own; alone, or beside other praise, it is sincere ("super, merci !").
  // A closer (role closer) is a taunt only as the short sentence that closes the text, after
  // another: "No hot water. In January. Wonderful." ("Wonderful staff" is sincere anywhere).
  if (has_taunt) {
    std::size_t closing_at = unit_count;  // first unit of the closing sentence, if it is short
    {
      std::size_t end = unit_count;  // past the last word: trailing breaks and faces skipped
      while (end > 0 && units[end - 1].kind != unit_kind::word) --end;
      std::size_t begin = end, words = 0;
      bool taunt_only = true;  // only closers and fillers
      while (begin > 0 && units[begin - 1].kind != unit_kind::sentence_break) {
        --begin;
        const unit& cu = units[begin];
        if (cu.kind != unit_kind::word) continue;
        words += cu.tok_end - cu.tok_begin;
        if (words > max_closer_words) break;  // too long to be a closing sentence
        const bool closer = cu.entry != nullptr && (cu.entry->roles & role_closer);
        if (!closer && !(cu.tok_end - cu.tok_begin == 1 && closer_filler(tok.folded(tokens[cu.tok_begin])))) {
          taunt_only = false;
          break;
        }
      }
      if (begin > 0 && words >= 1 && words <= max_closer_words && taunt_only) closing_at = begin;
    }
    auto taunts_here = [&](std::size_t k) {
      const unit& tu = units[k];
      return tu.contribution > 0.0f &&
             ((tu.entry->roles & role_taunt) || ((tu.entry->roles & role_closer) && k >= closing_at));
    };
    float taunts = 0.0f;
    for (std::size_t k = 0; k < unit_count; ++k)
      if (taunts_here(k)) taunts += units[k].contribution;
    if (taunts > 0.0f && sum - taunts <= -options_.taunt_threshold) {
      for (std::size_t k = 0; k < unit_count; ++k) {
        unit& tu = units[k];
        if (!taunts_here(k)) continue;
        const float now = tu.contribution * tu.entry->irony;
        sum += now - tu.contribution;
        tu.contribution = now;
        tu.late |= late_taunt;
      }
    }
  }

  // Re-weighting of earlier items (contrast, question, taunt) is reflected in the explanation here.
  if (out != nullptr) {
    for (std::size_t k = 0; k < out->items.size() && k < item_units.size(); ++k) {
      auto& item = out->items[k];
      const unit& iu = units[item_units[k]];
      if (item.rule == "contrast" || item.contribution == iu.contribution) continue;
      item.contribution = iu.contribution;
      for (auto [flag, what] : {std::pair{late_contrast, "before contrast"}, std::pair{late_question, "in a question"},
                                std::pair{late_taunt, "taunt: the rest of the text is negative"}}) {
        if (!(iu.late & flag)) continue;
        if (!item.modifiers.empty()) item.modifiers += "; ";
        item.modifiers += what;
      }
    }
  }

  // Punctuation emphasis amplifies whatever direction the text already has.
  if (sum != 0.0f) {
    float emphasis = static_cast<float>(std::min(exclamations, options_.max_exclamations)) *
                     options_.exclamation_increment;
    if (questions > 1)
      emphasis += questions <= 3 ? static_cast<float>(questions) * options_.question_increment
                                 : options_.max_question_emphasis;
    if (emphasis > 0.0f) {
      if (out != nullptr) {
        explanation_item item;
        item.token = exclamations > 0 ? "!" : "?";
        item.rule = questions > 1 ? "punctuation !/?" : "exclamation";
        item.contribution = sign_of(sum) * emphasis;
        item.modifiers = std::to_string(exclamations) + " '!', " + std::to_string(questions) + " '?'";
        out->items.push_back(std::move(item));
      }
      sum += sign_of(sum) * emphasis;
    }
  }

  // Evidence that the rules discounted (a name, a question, a hypothetical) and that stays
  // weak is no opinion: "Happy Feet is on tonight", "any good tips?".
  float s = sum;
  float weak_change = 0.0f, dead_zone_change = 0.0f, length_factor = 1.0f, length_change = 0.0f;
  if (discounted && std::fabs(s) < options_.discounted_floor) {
    weak_change = -s;
    s = 0.0f;
  }
  const float dead_zone = french ? options_.fr_dead_zone : options_.dead_zone;
  const float alpha = french ? options_.fr_normalization_alpha : options_.normalization_alpha;
  if (dead_zone > 0.0f) {
    const float before = s;
    s = std::fabs(s) <= dead_zone ? 0.0f : s - sign_of(s) * dead_zone;
    dead_zone_change = s - before;
  }
  if (options_.length_exponent != 0.0f && static_cast<float>(length) > options_.length_reference) {
    const float before = s;
    length_factor = std::pow(options_.length_reference / static_cast<float>(length), options_.length_exponent);
    s *= length_factor;
    length_change = s - before;
  }
  if (out != nullptr) {
    // The rules on the whole text are items too, so that the items add up to raw_sum.
    add_whole_text_items(out, options_.discounted_floor, weak_change, dead_zone, dead_zone_change, length,
                         length_factor, length_change);
  }
  float score = s / std::sqrt(s * s + alpha);
  score = std::clamp(score, -1.0f, 1.0f);
  sentiment r;
  r.score = score;
  r.label = score > neutral_band    ? sentiment_label::positive
            : score < -neutral_band ? sentiment_label::negative
                                    : sentiment_label::neutral;
  if (out != nullptr) {
    out->raw_sum = s;
    out->score = r.score;
    out->label = r.label;
  }
  return r;
}

namespace {

void append_number(float v, std::string& out) {
  char buf[32];
  if (!std::isfinite(v)) v = 0.0f;
  int n = std::snprintf(buf, sizeof buf, "%.4g", static_cast<double>(v));
  out.append(buf, static_cast<std::size_t>(n));
}

}  // namespace

void append_json(const explanation& e, std::string& out) {
  out += "{\"lang\":";
  append_json_string(e.lang, &out);
  out += ",\"supported\":";
  out += e.supported ? "true" : "false";
  out += ",\"raw\":";
  append_number(e.raw_sum, out);
  out += ",\"score\":";
  append_number(e.score, out);
  out += ",\"label\":";
  append_json_string(to_string(e.label), &out);
  out += ",\"items\":[";
  for (std::size_t i = 0; i < e.items.size(); ++i) {
    const auto& it = e.items[i];
    if (i) out.push_back(',');
    out += "{\"token\":";
    append_json_string(it.token, &out);
    out += ",\"rule\":";
    append_json_string(it.rule, &out);
    out += ",\"valence\":";
    append_number(it.valence, out);
    out += ",\"contribution\":";
    append_number(it.contribution, out);
    if (!it.modifiers.empty()) {
      out += ",\"modifiers\":";
      append_json_string(it.modifiers, &out);
    }
    out.push_back('}');
  }
  out += "]}";
}

}  // namespace vigie::pipeline
