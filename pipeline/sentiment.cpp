#include "pipeline/sentiment.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "pipeline/internal/tokenizer.h"
#include "pipeline/mention_json.h"

namespace vigie::pipeline {

using internal::token;
using internal::token_kind;

namespace {

enum class unit_kind : std::uint8_t { word, emoji, emoticon, clause_break, sentence_break };

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

}  // namespace

struct sentiment_analyzer::unit {
  const lexicon_entry* entry = nullptr;  // nullptr: a word we do not know
  float negator = 0.0f;                  // 0 or the multiplier
  std::uint16_t tok_begin = 0;
  std::uint16_t tok_end = 0;             // one past
  unit_kind kind = unit_kind::word;
  std::uint8_t flags = 0;                // token flags of the (first) token
  bool phrase = false;
  float contribution = 0.0f;             // to the raw sum, after rules; 0 without valence
};

sentiment_analyzer::sentiment_analyzer(std::shared_ptr<const lexicon_set> lexicons,
                                       sentiment_options options)
    : lexicons_(std::move(lexicons)),
      options_(options),
      tokenizer_(std::make_unique<internal::tokenizer>()) {
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
  if (lex == nullptr) return {};
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
  int length = 0;  // words, pictographs, numbers, URLs, @mentions: for length scaling
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const token& t = tokens[i];
    static_assert(token_kind::number > token_kind::word && token_kind::exclamation > token_kind::number &&
                  token_kind::clause_break > token_kind::number && token_kind::sentence_break > token_kind::number,
                  "length counts the kinds up to number");
    if (t.kind <= token_kind::number) ++length;
    unit u;
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
        units[unit_count++] = u;
        continue;
      case token_kind::question:
        questions += t.count;
        u.kind = unit_kind::sentence_break;
        units[unit_count++] = u;
        continue;
      case token_kind::clause_break:
        u.kind = unit_kind::clause_break;
        units[unit_count++] = u;
        continue;
      case token_kind::sentence_break:
        u.kind = unit_kind::sentence_break;
        units[unit_count++] = u;
        continue;
      case token_kind::emoji: u.kind = unit_kind::emoji; break;
      case token_kind::emoticon: u.kind = unit_kind::emoticon; break;
      case token_kind::word: u.kind = unit_kind::word; break;
    }
    std::string_view w = tok.folded(t);
    const lexicon_entry* e = lex->find(w, t.hash);
    if (e == nullptr && (t.flags & internal::flag_elongated)) {
      // "gooood" -> "good", "sooooo" -> "so", "géniaaal" -> "genial": try 2 then 1 of a run.
      internal::collapse_runs(w, 2, scratch_);
      e = lex->find(scratch_);
      if (e == nullptr) {
        internal::collapse_runs(w, 1, scratch_);
        e = lex->find(scratch_);
      }
    }
    if (e != nullptr && (e->roles & role_phrase_start) && i + 1 < tokens.size() &&
        lex->may_start_phrase(t.hash, tokens[i + 1].hash)) {
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
          e = pe;
          u.phrase = true;
          u.tok_end = static_cast<std::uint16_t>(i + len);
          i += len - 1;
          break;
        }
      }
    }
    u.entry = e;
    if (e != nullptr && (e->roles & role_negator)) u.negator = e->negator;
    else if (!french && u.kind == unit_kind::word && ends_with_nt(w)) u.negator = default_negator;
    units[unit_count++] = u;
  }

  // Pass 2: valence of each unit after boosters, negation, emphasis.
  const int scope = options_.scope_words;
  float sum = 0.0f;
  std::size_t contrast_at = SIZE_MAX;  // unit index of the last contrast word
  std::size_t post_negator_at = SIZE_MAX;  // French "pas" already spent on the word before it
  float after_weight = 1.0f;
  std::vector<std::size_t> item_units;  // explain only: the unit of each item
  auto span_of = [&](const unit& u) {
    const char* b = tokens[u.tok_begin].raw.data();
    const token& last = tokens[u.tok_end - 1];
    return std::string_view(b, static_cast<std::size_t>(last.raw.data() + last.raw.size() - b));
  };

  for (std::size_t ui = 0; ui < unit_count; ++ui) {
    const unit& u = units[ui];
    const lexicon_entry* e = u.entry;
    if (e == nullptr) continue;
    if ((e->roles & role_contrast) && u.kind == unit_kind::word) {
      // What came before (since the previous contrast) weighs less, what follows more.
      std::size_t from = contrast_at == SIZE_MAX ? 0 : contrast_at;
      for (std::size_t k = from; k < ui; ++k) {
        if (units[k].contribution == 0.0f) continue;
        float before = units[k].contribution / after_weight;  // undo the previous contrast's weight
        float now = before * options_.before_contrast_weight;
        sum += now - units[k].contribution;
        units[k].contribution = now;
      }
      contrast_at = ui;
      after_weight = e->contrast;
      if (out != nullptr) {
        explanation_item item;
        item.token = std::string(span_of(u));
        item.rule = "contrast";
        item.valence = e->contrast;
        item.modifiers = "weighs the words after it x" + std::to_string(e->contrast).substr(0, 4) +
                         ", before it x" + std::to_string(options_.before_contrast_weight).substr(0, 4);
        out->items.push_back(std::move(item));
        item_units.push_back(ui);
      }
      continue;
    }
    if (!(e->roles & role_valence) || e->valence == 0.0f) continue;
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
    const unit* negated_by = nullptr;
    for (int d = 1; d <= scope && static_cast<std::size_t>(d) <= ui; ++d) {
      const unit& p = units[ui - d];
      if (p.kind == unit_kind::clause_break || p.kind == unit_kind::sentence_break) break;
      if (p.entry != nullptr && (p.entry->roles & role_booster) && p.entry->booster != 0.0f) {
        float b = p.entry->booster * options_.booster_decay[d - 1];
        if ((p.flags & internal::flag_all_caps) && caps_differ) b += sign_of(b) * options_.caps_increment;
        v += sign_of(v) * b;
        if (out) mods += (b > 0 ? "boosted by '" : "damped by '") + std::string(span_of(p)) + "'; ";
      }
      // "no no no": a negator's own valence is not negated by the one before it.
      if (p.negator != 0.0f && negated_by == nullptr && !pictograph && u.negator == 0.0f &&
          ui - d != post_negator_at)
        negated_by = &p;
    }
    if (french && negated_by == nullptr && !pictograph && u.negator == 0.0f &&
        ui + 1 < unit_count) {
      const unit& next = units[ui + 1];
      if (next.kind == unit_kind::word && next.negator != 0.0f && !next.phrase &&
          is_french_post_negator(tok.folded(tokens[next.tok_begin]))) {
        negated_by = &next;
        post_negator_at = ui + 1;
      }
    }
    if (negated_by != nullptr) {
      v *= negated_by->negator;
      if (out) mods += "negated by '" + std::string(span_of(*negated_by)) + "'; ";
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

  // Contrast re-weighting of earlier items is reflected in the explanation afterwards.
  if (out != nullptr && contrast_at != SIZE_MAX) {
    for (std::size_t k = 0; k < out->items.size() && k < item_units.size(); ++k) {
      auto& item = out->items[k];
      const float now = units[item_units[k]].contribution;
      if (item.rule == "contrast" || item.contribution == now) continue;
      item.contribution = now;
      if (!item.modifiers.empty()) item.modifiers += "; ";
      item.modifiers += "before contrast";
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

  float s = sum;
  const float dead_zone = french ? options_.fr_dead_zone : options_.dead_zone;
  const float alpha = french ? options_.fr_normalization_alpha : options_.normalization_alpha;
  if (dead_zone > 0.0f)
    s = std::fabs(s) <= dead_zone ? 0.0f : s - sign_of(s) * dead_zone;
  if (options_.length_exponent != 0.0f && static_cast<float>(length) > options_.length_reference)
    s *= std::pow(options_.length_reference / static_cast<float>(length), options_.length_exponent);
  float score = s / std::sqrt(s * s + alpha);
  score = std::clamp(score, -1.0f, 1.0f);
  sentiment r;
  r.score = score;
  r.label = score > neutral_band    ? sentiment_label::positive
            : score < -neutral_band ? sentiment_label::negative
                                    : sentiment_label::neutral;
  if (out != nullptr) {
    out->raw_sum = sum;
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
