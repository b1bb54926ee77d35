// mention_generator: deterministic, realistic synthetic mentions for benchmarks and tests.
//
// Produces NDJSON in the DESIGN.md mention format: French and English posts about a few
// fictional brands, from tweets of a few words to 1-2 KB news and blog excerpts, with emoji,
// URLs, #hashtags (#BoycottBorel), @mentions, elongations ("nuuul"), heavy-tailed follower
// counts, RFC 3339 or epoch-millisecond timestamps that advance at a configurable rate with
// some lateness. The same options (seed included) always give the same bytes, so a benchmark
// or a failing test can be reproduced from its seed alone. Optionally it re-emits earlier
// mentions (idempotency tests) and emits broken lines (bad-input tests).
//
//   vigie::bench::generator_options options;
//   options.seed = 42;
//   vigie::bench::mention_generator gen(options);
//   std::string line;
//   for (int i = 0; i < 1000; ++i) {
//     line.clear();
//     gen.next(&line);  // one JSON object followed by '\n'
//     write(line);
//   }
//
// Thread safety: one generator per thread; generators with different seeds are independent.

#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vigie::bench {

struct generator_options {
  // Seed of the whole stream. Same options => same output, byte for byte.
  std::uint64_t seed = 1;

  // Number of lines generate_mentions() produces. Ignored by mention_generator::next().
  std::size_t count = 1000;

  // Event time of the first mention, epoch milliseconds. Default: 2026-01-01T00:00:00Z.
  std::int64_t start_ms = 1767225600000;

  // Mean gap between consecutive mentions in event time (exponentially distributed), in
  // milliseconds. 50 ms is ~1.7 M mentions a day: a busy agency. Created_at also gets a
  // lateness (most within a second, a few minutes to an hour late), so the stream is not
  // perfectly ordered, like real feeds.
  double mean_interval_ms = 50.0;

  // First id number in every source: ids are "<source prefix>-<number, 9 digits or more>"
  // counting up from here ("tw-000000000", "tw-000000001", ...), whatever the seed. Files
  // sent to the same tenant must use disjoint ranges, or their mentions are duplicates of
  // each other: give each file its own base (e.g. 1000000000 * k).
  std::uint64_t first_id = 0;

  // Brands the mentions talk about (the first ones are talked about more). Names may contain
  // spaces and UTF-8; hashtags and handles are derived from them (#BoycottMistraleTelecom).
  std::vector<std::string> brands = {"Borel",         "Kelvio",  "Mistrale Telecom",
                                     "Banque Aurore", "Veloria", "Maison Caradec"};

  // Fraction of lines that re-emit, byte for byte, one of the last few thousand valid lines
  // (same source and id): the server must count them as duplicates. 0 = every (source, id)
  // is unique.
  double duplicate_fraction = 0.0;

  // Fraction of lines that are invalid: broken JSON, a missing required field, a field of the
  // wrong type, a malformed timestamp, not an object. Always one line, always valid UTF-8.
  double invalid_fraction = 0.0;
};

class mention_generator {
 public:
  explicit mention_generator(generator_options options = {});
  ~mention_generator();
  mention_generator(mention_generator&&) noexcept;
  mention_generator& operator=(mention_generator&&) noexcept;

  // Appends one NDJSON line, '\n' included, to *line. Reuses internal buffers: in steady state
  // this allocates only if *line has to grow.
  void next(std::string* line);

  // Lines produced so far.
  std::uint64_t lines() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Appends options.count lines to *out.
void generate_mentions(const generator_options& options, std::string* out);

}  // namespace vigie::bench
