#include "pipeline/lexicon.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "pipeline/internal/lexicon_hash.h"
#include "pipeline/internal/tokenizer.h"

namespace vigie::pipeline {

const lexicon_entry* lexicon::find(std::string_view key) const noexcept {
  return find(key, internal::hash_term(key));
}

const lexicon* lexicon_set::find(std::string_view lang) const noexcept {
  if (lang.size() < 2 || (lang.size() > 2 && lang[2] != '-' && lang[2] != '_')) return nullptr;
  char a = static_cast<char>(lang[0] | 0x20), b = static_cast<char>(lang[1] | 0x20);
  if (a == 'e' && b == 'n') return en_.size() ? &en_ : nullptr;
  if (a == 'f' && b == 'r') return fr_.size() ? &fr_ : nullptr;
  return nullptr;
}

struct lexicon_builder::impl {
  std::unordered_map<std::string, lexicon_entry> en, fr;
  // Per language, the order (1, 2, ...) of the file that last set each term's valence.
  std::unordered_map<std::string, int> en_valence_file, fr_valence_file;
  // French valence words written with a final "é" ("abîmé"), which folding turns into a final
  // "e": their feminine is still to add ("abîmée"), unlike that of "rapide".
  std::unordered_set<std::string> fr_acute_final;
  int files = 0;  // add_file() calls so far
  internal::tokenizer tok;
  std::string key;
};

lexicon_builder::lexicon_builder() : impl_(std::make_unique<impl>()) {}
lexicon_builder::~lexicon_builder() = default;

namespace {

std::string where(std::string_view file, int line) {
  std::string s(file);
  s += ':';
  s += std::to_string(line);
  s += ": ";
  return s;
}

// Regular inflections of the plain valence words (no other role), added when the lexicon
// does not list them: English plurals ("idiot" -> "idiots"), French plurals and feminines
// ("abîmé" -> "abimes", "abimee", "abimees": folding leaves "abime", and the final "é" of the
// listed word tells it from "rapide"; "nul" -> "nulle", "nulles"; "beau" -> "beaux").
// A word that starts a set phrase is inflected too; its forms start none.
// A form shorter than min_inflected_bytes is left out: a short word plus a letter is
// another word. A form listed in the same file as its word's valence, or in a later one,
// keeps its own valence; a form listed only earlier takes the word's: a curated file that
// corrects "haletant" corrects the "haletants" of the source lexicon with it. When two words
// give the same form ("défaite" + s, "défait" + es), the one a later file set wins, then the
// first in byte order, so that the table does not depend on hash-map order.
constexpr std::size_t min_inflected_bytes = 5;

void add_inflections(std::unordered_map<std::string, lexicon_entry>& table,
                     const std::unordered_map<std::string, int>& valence_file,
                     const std::unordered_set<std::string>& acute_final, bool french) {
  std::vector<std::pair<std::string, std::string>> forms;  // form, base
  auto add = [&](const std::string& base, std::string form) {
    if (form.size() >= min_inflected_bytes) forms.emplace_back(std::move(form), base);
  };
  for (const auto& [key, e] : table) {
    // Starting a set phrase is no other role: "save" (2.2) still gives "saves" when "save
    // your money" is listed. Being a trouble is not either: "incidents" are troubles too.
    if ((e.roles & ~(role_phrase_start | role_trouble)) != role_valence || key.find(' ') != std::string::npos)
      continue;
    const char last = key.back();
    if (!(last >= 'a' && last <= 'z')) continue;  // emoji, emoticons, numbers
    if (!french) {
      // "boss", "famous", "crisis" end like plurals already.
      if (last != 's' && last != 'u' && last != 'i') add(key, key + 's');
      // Social text drops the g: "lovin", "rockin", "amazin".
      if (key.size() >= 6 && key.ends_with("ing")) add(key, key.substr(0, key.size() - 1));
      continue;
    }
    if (last == 's' || last == 'x') continue;  // "mauvais", "heureux": the same in the plural
    add(key, key + 's');
    if (last == 'u') add(key, key + 'x');
    // "rapide", "triste": already the feminine form; "abîmé" (folded "abime") is not.
    if (last == 'e' && !acute_final.contains(key)) continue;
    add(key, key + 'e');
    add(key, key + "es");
    // The consonant doubles after e, u, o: "cruelle", "nulle", "ancienne", "bonne", "nette"
    // (but "normale", "brune", "contente": the forms above).
    const std::string_view tail = std::string_view(key).substr(key.size() >= 2 ? key.size() - 2 : 0);
    if (tail == "el" || tail == "ul" || tail == "en" || tail == "on" || tail == "et") {
      add(key, key + last + 'e');
      add(key, key + last + "es");
    }
  }
  auto file_of = [&](const std::string& term) {
    const auto it = valence_file.find(term);
    return it == valence_file.end() ? 0 : it->second;
  };
  // By form, then the word whose valence a later file set first, then byte order.
  std::sort(forms.begin(), forms.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    const int fa = file_of(a.second), fb = file_of(b.second);
    return fa != fb ? fa > fb : a.second < b.second;
  });
  const std::string* previous = nullptr;  // the first word of each form wins
  for (auto& [form, base] : forms) {
    if (previous != nullptr && *previous == form) continue;
    previous = &form;
    lexicon_entry entry = table.at(base);
    entry.roles &= static_cast<std::uint16_t>(~role_phrase_start);  // the phrases are the base's
    entry.phrase_words = 0;
    const auto [it, added] = table.try_emplace(form, entry);
    if (added) continue;
    // Listed: a plain valence word of an earlier file than the word's correction follows it.
    lexicon_entry& listed = it->second;
    if ((listed.roles & ~(role_phrase_start | role_trouble)) == role_valence && file_of(form) < file_of(base))
      listed.valence = entry.valence;
  }
}

struct parsed_line {
  std::string key;
  std::uint16_t role;
  float value;
  std::size_t words;  // > 1: a set phrase
  bool acute_final;   // one word written with a final "é" or "É"
};

}  // namespace

// First words of the files lexicon_convert writes.
constexpr std::string_view converted_file_header = "# Generated by lexicon_convert";

status lexicon_builder::add_file(std::string_view lang, std::string_view file_name,
                                 std::string_view contents) {
  const bool french = lang == "fr";
  if (lang != "en" && !french)
    return invalid_argument(std::string(file_name) + ": unsupported language '" + std::string(lang) + "'");
  auto& table = french ? impl_->fr : impl_->en;
  auto& valence_file = french ? impl_->fr_valence_file : impl_->en_valence_file;
  const int file_order = ++impl_->files;
  std::vector<parsed_line> lines;
  std::unordered_map<std::string, std::pair<int, float>> listed;  // folded term TAB role -> line, value
  const bool converted = contents.starts_with(converted_file_header);
  int line_no = 0;
  std::size_t entry_lines = 0;
  std::size_t pos = 0;
  while (pos < contents.size()) {
    std::size_t eol = contents.find('\n', pos);
    if (eol == std::string_view::npos) eol = contents.size();
    std::string_view line = contents.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    ++entry_lines;

    std::string_view fields[4];
    std::size_t nf = 0, b = 0;
    while (nf < 4) {
      std::size_t t = line.find('\t', b);
      fields[nf++] = line.substr(b, t == std::string_view::npos ? std::string_view::npos : t - b);
      if (t == std::string_view::npos) break;
      b = t + 1;
    }
    if (nf < 2) return invalid_argument(where(file_name, line_no) + "expected TERM<TAB>VALUE[<TAB>ROLE]");
    if (nf > 3) return invalid_argument(where(file_name, line_no) + "too many fields (at most 3)");
    std::string_view term = fields[0], value_text = fields[1];
    if (term.empty() || term.front() == ' ' || term.back() == ' ' ||
        term.find("  ") != std::string_view::npos)
      return invalid_argument(where(file_name, line_no) +
                              "empty term, or words not separated by single spaces");
    float value = 0.0f;
    auto [end, ec] = std::from_chars(value_text.data(), value_text.data() + value_text.size(), value);
    if (ec != std::errc() || end != value_text.data() + value_text.size() || !std::isfinite(value))
      return invalid_argument(where(file_name, line_no) + "value '" + std::string(value_text) +
                              "' is not a number");
    std::string_view role_name = nf == 3 ? fields[2] : "valence";
    std::uint16_t role = 0;
    if (role_name == "valence") {
      role = role_valence;
      if (std::fabs(value) > max_abs_valence)
        return invalid_argument(where(file_name, line_no) + "valence out of [-4, 4]");
    } else if (role_name == "booster") {
      role = role_booster;
      if (std::fabs(value) > max_abs_booster)
        return invalid_argument(where(file_name, line_no) + "booster out of [-2, 2]");
    } else if (role_name == "negator") {
      role = role_negator;
      if (!(value < 0.0f && value >= min_negator))
        return invalid_argument(where(file_name, line_no) + "negator multiplier must be in [-2, 0)");
    } else if (role_name == "contrast") {
      role = role_contrast;
      if (!(value >= 1.0f && value <= max_contrast))
        return invalid_argument(where(file_name, line_no) + "contrast weight must be in [1, 4]");
    } else if (role_name == "scope_break") {
      role = role_scope_break;
    } else if (role_name == "irrealis") {
      role = role_irrealis;
      if (!(value > 0.0f && value <= 1.0f))
        return invalid_argument(where(file_name, line_no) + "irrealis weight must be in (0, 1]");
    } else if (role_name == "irony" || role_name == "taunt" || role_name == "closer") {  // lexicon_entry::irony
      role = role_name == "irony" ? role_irony : role_name == "taunt" ? role_taunt : role_closer;
      if (!(value < 0.0f && value >= min_irony))
        return invalid_argument(where(file_name, line_no) + std::string(role_name) + " multiplier must be in [-2, 0)");
    } else if (role_name == "trouble") {
      role = role_trouble;
    } else if (role_name == "determiner") {
      role = role_determiner;
    } else if (role_name == "remedy") {
      role = role_remedy;
      if (!(value > 0.0f && value <= max_remedy))
        return invalid_argument(where(file_name, line_no) + "remedy share must be in (0, 1]");
    } else {
      return invalid_argument(where(file_name, line_no) + "unknown role '" + std::string(role_name) +
                              "' (valence, booster, negator, contrast, scope_break, irrealis, irony, taunt, closer, remedy, trouble, determiner)");
    }

    // Fold the term exactly as text will be folded, so that lookups match byte for byte.
    impl_->tok.tokenize(term, french);
    std::string& key = impl_->key;
    key.clear();
    std::size_t words = 0;
    bool lossy = false;
    std::size_t covered = 0;  // bytes of the term inside its words, emoji and emoticons
    for (const auto& t : impl_->tok.tokens()) {
      using internal::token_kind;
      if (t.kind != token_kind::word && t.kind != token_kind::emoticon && t.kind != token_kind::emoji) {
        lossy = true;
        continue;
      }
      if (words++) key.push_back(' ');
      key.append(impl_->tok.folded(t));
      covered += t.raw.size();
    }
    // A one-word term that loses bytes the tokenizer drops silently ("=" of the face "d=",
    // "\\o/") would give its valence to a bare letter too. Between the words of a phrase they
    // are separators, as in text ("j/k" matches "j/k").
    if (words == 1 && covered < term.size()) lossy = true;
    // Terms with no word ("$:" is punctuation to our tokenizer) can never match, and a term
    // the tokenizer splits into words and punctuation ("d:" -> "d" ":", "0_o" -> "0" "o") would
    // give its valence to a bare letter: skip both, they are emoticons we cannot see.
    if (words == 0 || lossy) continue;
    if (words > max_phrase_words)
      return invalid_argument(where(file_name, line_no) + "set phrase longer than " +
                              std::to_string(max_phrase_words) + " words");
    const bool acute_final = words == 1 && (term.ends_with("\xC3\xA9") || term.ends_with("\xC3\x89"));
    // One file gives a term one value per role: a second, different one ("remboursé" 1.0,
    // then "rembourse" 0.3: one term once folded) would silently override the first. The
    // converted sources keep their own rule (the last rating, as VADER's loader does).
    if (!converted)
        if (auto [at, fresh] = listed.try_emplace(key + '\t' + std::string(role_name), line_no, value);
          !fresh && at->second.second != value) {
        return invalid_argument(where(file_name, line_no) + "'" + std::string(term) + "' (" + key + ") is rated " +
                                std::string(value_text) + " as " + std::string(role_name) + ", and at line " +
                                std::to_string(at->second.first) + " otherwise");
      }
    lines.push_back({key, role, value, words, acute_final});
  }
  // A converted file (the build's, from the npm sources) with no entry was cut short (a full
  // disk during the build) or emptied: loading it would silently score every word it should
  // have held as neutral. An empty file of one's own (a placeholder) is fine.
  if (entry_lines == 0 && (contents.empty() || converted)) {
    return invalid_argument(std::string(file_name) +
                            ": no entry (empty or cut short? the build's vigie_lexicons target regenerates the "
                            "converted files)");
  }
  for (auto& l : lines) {
    lexicon_entry& e = table[l.key];
    e.roles |= l.role;
    if (std::popcount(static_cast<unsigned>(e.roles & (role_irony | role_taunt | role_closer))) > 1)  // one irony field
      return invalid_argument(std::string(file_name) + ": '" + l.key + "' has two of irony, taunt, closer");
    switch (l.role) {
      case role_valence:
        e.valence = l.value;
        valence_file[l.key] = file_order;
        if (french && l.acute_final) impl_->fr_acute_final.insert(l.key);
        break;
      case role_booster: e.booster = l.value; break;
      case role_negator: e.negator = l.value; break;
      case role_contrast: e.contrast = l.value; break;
      case role_irrealis: e.irrealis = l.value; break;
      case role_irony:
      case role_taunt:
      case role_closer: e.irony = l.value; break;
      case role_remedy: e.remedy = l.value; break;
    }
    if (l.words > 1) {
      lexicon_entry& start = table[l.key.substr(0, l.key.find(' '))];
      start.roles |= role_phrase_start;
      start.phrase_words = std::max(start.phrase_words, static_cast<std::uint8_t>(l.words));
    }
  }
  return status::ok_status();
}

std::shared_ptr<const lexicon_set> lexicon_builder::finish() {
  auto set = std::make_shared<lexicon_set>();
  auto build = [](const std::unordered_map<std::string, lexicon_entry>& in, lexicon& out) {
    std::size_t cap = 16;
    // Load factor <= 1/2 keeps linear probes short for misses, the common case.
    while (cap < in.size() * 2) cap *= 2;
    out.slots_.assign(cap, {});
    out.phrase_pairs_.assign(lexicon::phrase_pair_bits / 64, 0);
    out.keys_.clear();
    out.entries_.clear();
    out.entries_.reserve(in.size());
    out.key_spans_.clear();
    out.key_spans_.reserve(in.size());
    for (auto& [k, e] : in) {
      std::uint64_t h = internal::hash_term(k);
      std::size_t i = h & (cap - 1);
      while (out.slots_[i].entry != lexicon::empty_slot) i = (i + 1) & (cap - 1);
      auto& s = out.slots_[i];
      s.tag = static_cast<std::uint32_t>(h >> 32);
      s.entry = static_cast<std::uint32_t>(out.entries_.size());
      out.entries_.push_back(e);
      out.key_spans_.push_back({static_cast<std::uint32_t>(out.keys_.size()), static_cast<std::uint32_t>(k.size())});
      out.keys_ += k;
      if (const std::size_t sp = k.find(' '); sp != std::string::npos) {
        const std::size_t sp2 = k.find(' ', sp + 1);
        const std::string_view key(k);
        const std::uint64_t bit = lexicon::pair_bit(
            internal::hash_term(key.substr(0, sp)),
            internal::hash_term(key.substr(sp + 1, sp2 == std::string::npos ? std::string::npos : sp2 - sp - 1)));
        out.phrase_pairs_[bit >> 6] |= std::uint64_t{1} << (bit & 63);
      }
    }
    out.size_ = in.size();
  };
  // Once every file is in: a phrase's negator may come from any of them.
  auto mark_negations = [](std::unordered_map<std::string, lexicon_entry>& table) {
    for (auto& [k, e] : table) {
      if (k.find(' ') == std::string::npos) continue;
      for (std::size_t from = 0; from <= k.size() && !e.holds_negation;) {
        const std::size_t to = std::min(k.find(' ', from), k.size());
        const auto word = table.find(k.substr(from, to - from));
        e.holds_negation = word != table.end() && (word->second.roles & role_negator) != 0;
        from = to + 1;
      }
    }
  };
  add_inflections(impl_->en, impl_->en_valence_file, {}, false);
  add_inflections(impl_->fr, impl_->fr_valence_file, impl_->fr_acute_final, true);
  mark_negations(impl_->en);
  mark_negations(impl_->fr);
  build(impl_->en, set->en_);
  build(impl_->fr, set->fr_);
  return set;
}

result<std::shared_ptr<const lexicon_set>> load_lexicons(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return not_found("lexicon directory '" + dir + "' not found");
  std::vector<fs::path> files;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (name.size() > 7 && name.ends_with(".lex") &&
        (name.starts_with("en.") || name.starts_with("fr.") || name.starts_with("all.")))
      files.push_back(it->path());
  }
  if (ec) return io_error("cannot list lexicon directory '" + dir + "': " + ec.message());
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  bool has_en = false, has_fr = false;
  lexicon_builder builder;
  for (const auto& p : files) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return io_error("cannot read lexicon file '" + p.string() + "'");
    std::ostringstream body;
    body << in.rdbuf();  // an empty file sets failbit here: add_file() says what is wrong
    if (in.bad()) return io_error("cannot read lexicon file '" + p.string() + "'");
    const std::string name = p.filename().string();
    // "all.*.lex" (emoji, emoticons) apply to every language; sorted first, so a language's
    // own files override them.
    for (std::string_view lang : {"en", "fr"}) {
      if (!name.starts_with("all.") && !name.starts_with(lang)) continue;
      if (!name.starts_with("all.")) (lang == "en" ? has_en : has_fr) = true;
      if (auto st = builder.add_file(lang, p.string(), body.str()); !st.ok()) return st;
    }
  }
  if (!has_en || !has_fr)
    return not_found("lexicon directory '" + dir + "' has no " + (has_en ? "fr" : "en") +
                     ".*.lex file (run the build's vigie_lexicons target)");
  return builder.finish();
}

}  // namespace vigie::pipeline
