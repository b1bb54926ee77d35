// Fuzz target for the detectors' snapshots (signal_detector and crisis_detector load()), the
// state a restart reads back. Their checksums catch a torn or corrupted file; this target
// gets past them (it seals the fuzzed bytes with a valid magic and checksum), so that what
// load() checks inside is exercised: a snapshot from a buggy or hostile writer must load
// with an error or as a detector that works, never crash. One that loads must go on
// observing, save, and load again to the same bytes.
//
//   build-fuzz/tests/snapshot_fuzz tests/fuzz/corpus/snapshot        # libFuzzer (clang)
//   build-asan/tests/snapshot_fuzz_seeds tests/fuzz/corpus/snapshot  # replays the seeds (gcc)
//
// The first byte picks the detector (even: signals, odd: crisis); the rest is the snapshot
// without its magic and checksum. The seeds are real snapshots so stripped.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/crisis.h"
#include "pipeline/internal/lexicon_hash.h"
#include "pipeline/signals.h"
#include "pipeline/terms.h"

namespace {

namespace vp = vigie::pipeline;

void append_le(std::uint64_t v, std::string* out) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// What signals.cpp and crisis.cpp put around a snapshot's content.
std::string seal_signals(std::string_view content) {
  std::string s("VIGSIGNL");
  s.append(content);
  append_le(vp::internal::hash_term(s), &s);
  return s;
}
std::string seal_crisis(std::string_view content) {
  std::string s("VCRS");
  s.append(content);
  std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a, as crisis.cpp checks it
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  append_le(h, &s);
  return s;
}

// The seals must frame exactly what save() writes, or every input would fail the checksum and
// the target would test nothing: checked once, on fresh detectors' snapshots.
void check_seals_match_save();

const vp::signal_options& small_signal_options() {
  static const vp::signal_options o = [] {
    vp::signal_options s;
    s.max_terms = 4096;
    s.max_candidates = 64;
    s.warmup_windows = 2;
    return s;
  }();
  return o;
}

void check_signals(std::string_view content) {
  const std::vector<std::string> words = {"Borel"};
  auto loaded = vp::signal_detector::load(seal_signals(content), small_signal_options(), words);
  if (!loaded.ok()) return;
  vp::signal_detector d = std::move(loaded).value();
  if (d.memory_bytes() > vp::max_memory_bytes(small_signal_options())) std::abort();
  std::string first;
  d.save(&first);
  auto again = vp::signal_detector::load(first, small_signal_options(), words);
  if (!again.ok()) std::abort();
  std::string second;
  again->save(&second);
  if (first != second) std::abort();
  // It goes on: a few mentions, windows closing.
  static vp::term_extractor extractor;
  std::vector<vp::term> terms;
  std::vector<vp::weak_signal> signals;
  extractor.extract("Grève à la SNCF, trains supprimés #greve @sncf", "fr", &terms);
  for (int h = 0; h < 4; ++h) {
    const std::int64_t t = (std::int64_t{1767225600} + 3600 * h) * 1000;
    d.observe(t, terms, static_cast<std::uint64_t>(h), "m");
    d.advance(t, &signals);
  }
  if (d.memory_bytes() > vp::max_memory_bytes(small_signal_options())) std::abort();
}

void check_crisis(std::string_view content) {
  const vp::crisis_options options;
  auto loaded = vp::crisis_detector::load(seal_crisis(content), options);
  if (!loaded.ok()) return;
  vp::crisis_detector d = std::move(loaded).value();
  std::string first;
  d.save(&first);
  auto again = vp::crisis_detector::load(first, options);
  if (!again.ok()) std::abort();
  std::string second;
  again->save(&second);
  if (first != second) std::abort();
}

void check_seals_match_save() {
  std::string signals;
  vp::signal_detector(small_signal_options(), std::vector<std::string>{"Borel"}).save(&signals);
  std::string crisis;
  vp::crisis_detector().save(&crisis);
  auto content = [](const std::string& snapshot, std::size_t magic) {
    return std::string_view(snapshot).substr(magic, snapshot.size() - magic - 8);
  };
  if (seal_signals(content(signals, 8)) != signals || seal_crisis(content(crisis, 4)) != crisis) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool seals_checked = (check_seals_match_save(), true);
  (void)seals_checked;
  if (size == 0) return 0;
  const std::string_view content(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) check_signals(content);
  else check_crisis(content);
  return 0;
}
