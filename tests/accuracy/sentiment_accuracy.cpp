// sentiment_accuracy: scores the sentiment engine against human-rated sets.
//
//   sentiment_accuracy --lexicons BUILD/lexicons --data DIR [--fr-dev FILE] [--fr-test FILE]
//                      [--short-posts FILE] [--check]
//
// Reads every `*.tsv` of DIR (id<TAB>mean rating in [-4, 4]<TAB>text; the README of the
// VADER ground truth describes it), the French development set and the French held-out set
// (never tuned on: it tells whether what was tuned on the development set generalises) if
// given, then prints per
// set: n, Pearson r between score and rating, 3-class macro-F1 and accuracy (gold: negative
// below -0.5, positive above 0.5; prediction: the engine's label, neutral within ±0.05), and
// VADER's published reference. Language: files named `fr_*` are French, the others English.
// With --check, exits 1 when a set falls below its floor (accuracy_floors below): the figures
// reached so far, so that ctest fails on a regression. The tweets' targets (r >= 0.90,
// macro-F1 >= 0.72) are printed with the verdict; they are goals, not yet floors. So is the
// French goal: each French set at least as good as English on tweets.
// --short-posts (id<TAB>lang<TAB>text: short French and English posts, written for this test,
// short_posts.tsv): how often the language of a mention without `lang` comes out right, from
// the language detector alone and from enrichment (which lets the lexicons decide the
// detector's unsure answers on short texts); --check fails below short_posts_floor.
// Without the English ground truth (DIR missing or empty: it is not in the repository), the
// French sets are still scored and checked, and a note names what was skipped. Exit 2 on bad
// usage, unreadable input, or nothing to score.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "pipeline/enrich.h"
#include "pipeline/language.h"
#include "pipeline/lexicon.h"
#include "pipeline/sentiment.h"

namespace {

namespace fs = std::filesystem;
using vigie::pipeline::sentiment_label;

// The protocol of the data README: gold classes from the mean human rating.
constexpr double gold_neutral_band = 0.5;
// Targets for the tweets (VADER: 0.881 / 0.694); reported, not enforced until reached.
constexpr double tweets_target_pearson = 0.90;
constexpr double tweets_target_macro_f1 = 0.72;

struct reference {
  const char* file_part;
  double pearson;
  double macro_f1;
};
// Published with the data (2014 VADER code).
constexpr reference vader_reference[] = {
    {"tweets", 0.881, 0.694},
    {"amazonReviewSnippets", 0.571, 0.554},
    {"movieReviewSnippets", 0.416, 0.422},
    {"nytEditorialSnippets", 0.492, 0.552},
};

// --check fails below these: VADER's figures for the review and editorial sets, and the
// figures reached (less a small margin) for the tweets and the French set. Raise them as the
// engine improves; never lower them to make a change pass.
constexpr reference accuracy_floors[] = {
    {"tweets", 0.888, 0.718},
    {"amazonReviewSnippets", 0.571, 0.554},
    {"movieReviewSnippets", 0.416, 0.422},
    {"nytEditorialSnippets", 0.492, 0.552},
    // The French development set grew from 357 to 657 items (fr_dev.md): its floor is that of
    // the larger set.
    {"fr_dev", 0.815, 0.770},
    // Held out: a floor against regressions only. Nothing is tuned on it.
    {"fr_test", 0.715, 0.715},
};

// --check fails when enrichment gets the language of fewer short posts right (reached: 74 of
// 80; the detector alone: 57).
constexpr double short_posts_floor = 0.9;

struct item {
  std::string id;
  double rating;
  std::string text;
};

struct metrics {
  std::size_t n = 0;
  double pearson = 0, macro_f1 = 0, accuracy = 0;
};

int gold_class(double rating) {
  return rating < -gold_neutral_band ? 2 : rating > gold_neutral_band ? 1 : 0;
}

bool read_tsv(const fs::path& path, std::vector<item>* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) { *error = path.string() + ": cannot read"; return false; }
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto t1 = line.find('\t');
    auto t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string::npos) {
      *error = path.string() + ":" + std::to_string(line_no) + ": expected id<TAB>rating<TAB>text";
      return false;
    }
    std::string r = line.substr(t1 + 1, t2 - t1 - 1);
    char* end = nullptr;
    double rating = std::strtod(r.c_str(), &end);
    if (end == r.c_str() || *end != '\0' || !std::isfinite(rating)) {
      *error = path.string() + ":" + std::to_string(line_no) + ": rating '" + r + "' is not a number";
      return false;
    }
    out->push_back({line.substr(0, t1), rating, line.substr(t2 + 1)});
  }
  return true;
}

// Cross-validation halves: items by position in their file, so that a rule can be tuned on
// one half and confirmed on the other.
enum class half { all, even, odd };

metrics evaluate(vigie::pipeline::sentiment_analyzer& analyzer, const std::vector<item>& all_items,
                 std::string_view lang, std::FILE* dump, bool dump_all, bool dump_explain,
                 half which) {
  metrics m;
  std::vector<item> items;
  for (std::size_t k = 0; k < all_items.size(); ++k)
    if (which == half::all || (k % 2 == 0) == (which == half::even)) items.push_back(all_items[k]);
  m.n = items.size();
  if (items.empty()) return m;
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  long confusion[3][3] = {};
  for (const auto& it : items) {
    auto s = analyzer.score(it.text, lang);
    double x = s.score, y = it.rating;
    sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y;
    int g = gold_class(y);
    int p = static_cast<int>(s.label);  // neutral 0, positive 1, negative 2
    ++confusion[g][p];
    if (dump != nullptr && (g != p || dump_all)) {
      std::fprintf(dump, "%s\t%.2f\t%.3f\t%s", it.id.c_str(), y, x, it.text.c_str());
      if (dump_explain) {
        vigie::pipeline::explanation why;
        analyzer.explain(it.text, lang, &why);
        std::string json;
        append_json(why, json);
        std::fprintf(dump, "\t%s", json.c_str());
      }
      std::fputc('\n', dump);
    }
  }
  const double n = static_cast<double>(items.size());
  const double cov = sxy - sx * sy / n, vx = sxx - sx * sx / n, vy = syy - sy * sy / n;
  m.pearson = (vx > 0 && vy > 0) ? cov / std::sqrt(vx * vy) : 0.0;
  double f1_sum = 0;
  long correct = 0;
  for (int c = 0; c < 3; ++c) {
    long tp = confusion[c][c], pred = 0, gold = 0;
    for (int k = 0; k < 3; ++k) { pred += confusion[k][c]; gold += confusion[c][k]; }
    correct += tp;
    double prec = pred ? double(tp) / pred : 0, rec = gold ? double(tp) / gold : 0;
    f1_sum += (prec + rec) > 0 ? 2 * prec * rec / (prec + rec) : 0;
  }
  m.macro_f1 = f1_sum / 3;
  m.accuracy = double(correct) / n;
  return m;
}

int usage() {
  std::cerr << "usage: sentiment_accuracy --lexicons DIR --data DIR [--fr-dev FILE] [--fr-test FILE] [--check]\n"
               "                          [--short-posts FILE]     (language of short posts without lang)\n"
               "                          [--dump SET_SUBSTRING]   (misclassified items to stderr; 'short':\n"
               "                           short posts whose language enrichment got wrong)\n"
               "                          [--dump-all]             (with --dump: every item)\n"
               "                          [--explain]              (with --dump: a 5th column, the\n"
               "                           explanation as JSON: what moved each score)\n"
               "                          [--half even|odd]        (every other item: cross-validation)\n"
               "                          [--option NAME=VALUE]... (alpha, caps, elongation, exclamation,\n"
               "                           question, scope, before_contrast, dead_zone,\n"
               "                           length_exponent, length_reference, fr_alpha, fr_dead_zone,\n"
               "                           negated_negative_weight, question_weight, name_weight,\n"
               "                           discounted_floor, taunt_threshold)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string lexicon_dir, data_dir, fr_dev, fr_test, short_posts, dump_set;
  bool check = false, dump_all = false, dump_explain = false;
  half which = half::all;
  vigie::pipeline::sentiment_options options;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
    if (a == "--lexicons") lexicon_dir = next();
    else if (a == "--data") data_dir = next();
    else if (a == "--fr-dev") fr_dev = next();
    else if (a == "--fr-test") fr_test = next();
    else if (a == "--short-posts") short_posts = next();
    else if (a == "--dump") dump_set = next();
    else if (a == "--check") check = true;
    else if (a == "--dump-all") dump_all = true;
    else if (a == "--explain") dump_explain = true;
    else if (a == "--half") {
      std::string h = next();
      if (h == "even") which = half::even;
      else if (h == "odd") which = half::odd;
      else return usage();
    }
    else if (a == "--option") {
      // name=value of sentiment_options, to measure a tuning change before making it the default.
      std::string kv = next();
      auto eq = kv.find('=');
      if (eq == std::string::npos) return usage();
      std::string k = kv.substr(0, eq);
      float v = std::strtof(kv.c_str() + eq + 1, nullptr);
      if (k == "alpha") options.normalization_alpha = v;
      else if (k == "caps") options.caps_increment = v;
      else if (k == "elongation") options.elongation_increment = v;
      else if (k == "exclamation") options.exclamation_increment = v;
      else if (k == "question") options.question_increment = v;
      else if (k == "scope") options.scope_words = static_cast<int>(v);
      else if (k == "before_contrast") options.before_contrast_weight = v;
      else if (k == "dead_zone") options.dead_zone = v;
      else if (k == "length_exponent") options.length_exponent = v;
      else if (k == "length_reference") options.length_reference = v;
      else if (k == "fr_alpha") options.fr_normalization_alpha = v;
      else if (k == "fr_dead_zone") options.fr_dead_zone = v;
      else if (k == "negated_negative_weight") options.negated_negative_weight = v;
      else if (k == "question_weight") options.question_weight = v;
      else if (k == "name_weight") options.name_weight = v;
      else if (k == "discounted_floor") options.discounted_floor = v;
      else if (k == "taunt_threshold") options.taunt_threshold = v;
      else return usage();
    }
    else if (a == "--help" || a == "-h") { usage(); return 0; }
    else return usage();
  }
  if (lexicon_dir.empty() || data_dir.empty()) return usage();

  auto lex = vigie::pipeline::load_lexicons(lexicon_dir);
  if (!lex.ok()) {
    std::cerr << "sentiment_accuracy: " << lex.status().to_string() << "\n";
    return 2;
  }
  vigie::pipeline::sentiment_analyzer analyzer(*lex, options);

  std::vector<fs::path> sets;
  std::error_code ec;
  for (auto it = fs::directory_iterator(data_dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
    if (it->path().extension() == ".tsv") sets.push_back(it->path());
  // The English ground truth lives outside the repository: without it, the French sets (in
  // the repository) are still scored and checked, and the note says what was not.
  if (ec || sets.empty()) std::cout << "note: no .tsv file in '" << data_dir << "': the English sets are skipped\n";
  std::sort(sets.begin(), sets.end());
  if (!fr_dev.empty()) {
    if (fs::exists(fr_dev)) sets.push_back(fr_dev);
    else std::cout << "note: French development set " << fr_dev << " is absent: skipped\n";
  }
  if (!fr_test.empty()) {
    if (fs::exists(fr_test)) sets.push_back(fr_test);
    else std::cout << "note: French held-out set " << fr_test << " is absent: skipped\n";
  }
  if (sets.empty()) {
    std::cerr << "sentiment_accuracy: no set to score\n";
    return 2;
  }

  std::printf("%-36s %6s %9s %9s %9s   %s\n", "set", "n", "pearson", "macro-F1", "accuracy",
              "VADER r / F1");
  bool tweets_seen = false, tweets_on_target = false;
  metrics tweets;
  std::vector<std::pair<std::string, metrics>> french;  // the French sets, for the comparison with tweets
  std::vector<std::string> below_floor;
  for (const auto& path : sets) {
    std::vector<item> items;
    std::string error;
    if (!read_tsv(path, &items, &error)) {
      std::cerr << "sentiment_accuracy: " << error << "\n";
      return 2;
    }
    const std::string name = path.stem().string();
    const std::string_view lang = name.starts_with("fr_") ? "fr" : "en";
    const bool dump = !dump_set.empty() && name.find(dump_set) != std::string::npos;
    metrics m = evaluate(analyzer, items, lang, dump ? stderr : nullptr, dump_all,
                         dump_explain, which);
    std::string ref = "-";
    for (const auto& r : vader_reference) {
      if (name.find(r.file_part) == std::string::npos) continue;
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.3f / %.3f", r.pearson, r.macro_f1);
      ref = buf;
      if (std::string_view(r.file_part) == "tweets") {
        tweets_seen = true;
        tweets = m;
        tweets_on_target = m.pearson >= tweets_target_pearson && m.macro_f1 >= tweets_target_macro_f1;
      }
    }
    for (const auto& f : accuracy_floors) {
      if (name.find(f.file_part) != std::string::npos &&
          (m.pearson < f.pearson || m.macro_f1 < f.macro_f1)) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "%s: %.3f / %.3f below the floor %.3f / %.3f", name.c_str(),
                      m.pearson, m.macro_f1, f.pearson, f.macro_f1);
        below_floor.emplace_back(buf);
      }
    }
    if (lang == "fr") french.emplace_back(name, m);
    std::printf("%-36s %6zu %9.3f %9.3f %9.3f   %s\n", name.c_str(), m.n, m.pearson, m.macro_f1,
                m.accuracy, ref.c_str());
  }
  if (tweets_seen) {
    std::printf("tweets target (r >= %.2f, macro-F1 >= %.2f): %s\n", tweets_target_pearson,
                tweets_target_macro_f1, tweets_on_target ? "met" : "NOT MET");
    // French is to do at least as well on French mentions as English does on tweets.
    for (const auto& [name, m] : french) {
      std::printf("%s against tweets: r %.3f vs %.3f (%s), macro-F1 %.3f vs %.3f (%s)\n", name.c_str(), m.pearson,
                  tweets.pearson, m.pearson >= tweets.pearson ? "met" : "NOT MET", m.macro_f1, tweets.macro_f1,
                  m.macro_f1 >= tweets.macro_f1 ? "met" : "NOT MET");
    }
  }
  if (!short_posts.empty()) {
    // The language of posts that come without one: the detector alone, then enrichment.
    std::ifstream in(short_posts);
    if (!in) {
      std::cerr << "sentiment_accuracy: cannot read " << short_posts << "\n";
      return 2;
    }
    vigie::pipeline::mention_enricher enricher(*lex);
    std::size_t n = 0, detector_right = 0, enriched_right = 0;
    std::string line;
    while (std::getline(in, line)) {
      const auto tab1 = line.find('\t'), tab2 = line.find('\t', tab1 + 1);
      if (tab1 == std::string::npos || tab2 == std::string::npos) continue;
      const std::string want = line.substr(tab1 + 1, tab2 - tab1 - 1), text = line.substr(tab2 + 1);
      vigie::pipeline::mention_view m;
      m.id = "short";
      m.text = text;
      enricher.enrich(m);
      ++n;
      detector_right += vigie::pipeline::detect_language(text) == want;
      enriched_right += m.lang == want;
      if (dump_set == "short" && (dump_all || m.lang != want))
        std::fprintf(stderr, "%s\t%s\t%s\t%.*s\n", want.c_str(), std::string(vigie::pipeline::detect_language(text)).c_str(),
                     std::string(m.lang).c_str(), static_cast<int>(text.size()), text.c_str());
    }
    const double share = n == 0 ? 0.0 : static_cast<double>(enriched_right) / static_cast<double>(n);
    std::printf("language of %zu short posts without lang: detector alone %zu right, enrichment %zu right (%.3f)\n",
                n, detector_right, enriched_right, share);
    if (share < short_posts_floor) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "short posts' language: %.3f below the floor %.3f", share, short_posts_floor);
      below_floor.emplace_back(buf);
    }
  }
  if (check) {
    // A clone without the English ground truth next to it still checks the French floors.
    if (!tweets_seen) std::cout << "note: --check: no tweets set in " << data_dir << ": its floor is not checked\n";
    for (const auto& b : below_floor) std::cerr << "sentiment_accuracy: " << b << "\n";
    if (!below_floor.empty()) return 1;
  }
  return 0;
}
