// Fuzz target for the text paths every mention goes through: language detection, sentiment
// (score and explanation) and the terms of weak-signal detection, which then feed a detector.
// Any bytes must give a finite score in [-1, 1] whose label and explanation agree with it,
// and terms that are distinct, non-empty, hashed as term_hash() says, with spans inside the
// text and the same terms with or without spans; never a crash.
//
//   build-fuzz/tests/text_fuzz tests/fuzz/corpus/text          # libFuzzer (clang), ASan+UBSan
//   build-asan/tests/text_fuzz_seeds tests/fuzz/corpus/text    # replays the seeds (gcc)
//
// The first byte of an input picks the language the text is said to be in (fr, en, none, or
// the detector's guess); the rest is the text. Rules are exercised with a small built-in
// lexicon that has every role; with VIGIE_LEXICON_DIR set, the shipped lexicons too.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "pipeline/language.h"
#include "pipeline/lexicon.h"
#include "pipeline/sentiment.h"
#include "pipeline/signals.h"
#include "pipeline/terms.h"

namespace {

namespace vp = vigie::pipeline;

std::shared_ptr<const vp::lexicon_set> built_in_lexicons() {
  vp::lexicon_builder b;
  const auto en = b.add_file("en", "en.fuzz",
                                   "good\t1.9\nbad\t-2.5\nproblem\t-1.7\nnot\t-0.74\tnegator\n"
                                   "very\t0.293\tbooster\nbut\t1.5\tcontrast\nand\t1\tscope_break\n"
                                   "would\t0.6\tirrealis\nnot bad\t1.5\nfixed\t0.75\tremedy\n"
                                   "could have been better\t-1.5\n:)\t2.0\n");
  const auto fr = b.add_file("fr", "fr.fuzz",
                                   "bon\t2.0\nnul\t-2.3\nsuper\t2.3\nsuper\t0.35\tbooster\n"
                                   "ne\t-0.74\tnegator\nn'\t-0.74\tnegator\npas\t-0.74\tnegator\n"
                                   "mais\t1.5\tcontrast\npas mal\t1.5\nsert à rien\t-2.0\n"
                                   "réglé\t1.5\nréglé\t0.75\tremedy\ntoujours pas\t-1.0\n");
  if (!en.ok() || !fr.ok()) std::abort();
  return b.finish();
}

struct analyzers {
  std::vector<vp::sentiment_analyzer> all;
  analyzers() {
    all.emplace_back(built_in_lexicons());
    if (const char* dir = std::getenv("VIGIE_LEXICON_DIR"); dir != nullptr) {
      auto shipped = vp::load_lexicons(dir);
      if (!shipped.ok()) std::abort();
      all.emplace_back(std::move(shipped).value());
    }
  }
};

void check_sentiment(vp::sentiment_analyzer& a, std::string_view text, std::string_view lang) {
  const vp::sentiment s = a.score(text, lang);
  if (!std::isfinite(s.score) || s.score < -1.0f || s.score > 1.0f) std::abort();
  if ((s.label == vp::sentiment_label::positive && !(s.score > 0.0f)) ||
      (s.label == vp::sentiment_label::negative && !(s.score < 0.0f)))
    std::abort();
  vp::explanation why;
  const vp::sentiment e = a.explain(text, lang, &why);
  if (e.score != s.score || e.label != s.label || why.score != s.score || why.label != s.label) std::abort();
  for (const vp::explanation_item& item : why.items)
    if (!std::isfinite(item.contribution)) std::abort();
  a.known_words(text, lang);
}

void check_terms(vp::term_extractor& ex, std::string_view text, std::string_view lang,
                 std::vector<vp::term>* terms) {
  terms->clear();
  ex.extract(text, lang, terms);
  if (terms->size() > vp::max_terms_per_mention) std::abort();
  std::unordered_set<std::uint64_t> seen;
  for (const vp::term& t : *terms) {
    if (t.text.empty() || vp::term_hash(t.text) != t.hash || !seen.insert(t.hash).second) std::abort();
    if (vp::is_phrase(t.hash) != (t.text.find(' ') != std::string_view::npos)) std::abort();
  }
  // With spans: the same terms, each read from bytes of the text.
  std::vector<std::string> texts;
  for (const vp::term& t : *terms) texts.emplace_back(t.text);
  std::vector<vp::term> again;
  std::vector<vp::term_span> spans;
  ex.extract(text, lang, &again, &spans);
  if (again.size() != texts.size() || spans.size() != again.size()) std::abort();
  for (std::size_t i = 0; i < again.size(); ++i) {
    const vp::term_span& s = spans[i];
    if (again[i].text != texts[i] || !(s.begin < s.end) || s.end > text.size()) std::abort();
    if (s.gap_begin > s.gap_end || (s.gap_begin != s.gap_end && (s.gap_begin < s.begin || s.gap_end > s.end)))
      std::abort();
  }
  vp::written_forms forms;
  forms.add(text, again, spans);
  for (const vp::term& t : again)
    if (forms.most_frequent(t.hash).size() > vp::written_forms::max_form_bytes) std::abort();
  *terms = std::move(again);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static analyzers sentiment;
  static vp::term_extractor extractor;
  static const vp::signal_options options = [] {
    vp::signal_options o;
    o.max_terms = 4096;
    o.warmup_windows = 2;
    return o;
  }();
  static vp::signal_detector detector(options, std::vector<std::string>{"Borel"});
  static std::int64_t clock_ms = 0;

  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  bool sure = false;
  const std::string_view detected = vp::detect_language(text, &sure);
  constexpr std::string_view said[] = {"fr", "en", "", "de"};
  const std::string_view lang = data[0] % 5 == 4 ? detected : said[data[0] % 5];

  for (vp::sentiment_analyzer& a : sentiment.all) check_sentiment(a, text, lang);

  std::vector<vp::term> terms;
  check_terms(extractor, text, lang, &terms);
  // The detector's clock moves with the inputs, an hour at a time now and then, and is
  // sometimes asked about the past: late mentions are counted, not crashes.
  clock_ms += (data[0] & 0x80) ? 3600 * 1000 : 1000;
  const std::int64_t t = (data[0] & 0x40) ? clock_ms - 10 * 3600 * 1000 : clock_ms;
  detector.observe(t, terms, size, "fuzz");
  std::vector<vp::weak_signal> signals;
  detector.advance(clock_ms - 120 * 1000, &signals);
  if (detector.memory_bytes() > vp::max_memory_bytes(options)) std::abort();
  return 0;
}
