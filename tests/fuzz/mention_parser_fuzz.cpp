// Fuzz target for the mention parser: NDJSON and JSON-array batches, single mentions, and the
// record codec round trip of whatever parses. Any input must give a status, never a crash,
// and a parsed mention must encode and decode to the same fields.
//
//   make fuzz                          # libFuzzer (clang), ASan+UBSan, seeded from corpus/
//   build-asan/tests/fuzz_seeds DIR    # replays the corpus (gcc builds, in `make test`)

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "pipeline/mention_codec.h"
#include "pipeline/mention_json.h"
#include "pipeline/mention_parser.h"

namespace {

void check_round_trip(const vigie::pipeline::mention_view& m) {
  std::string record;
  vigie::pipeline::encode_mention(m, &record);
  vigie::pipeline::mention_view back;
  if (!vigie::pipeline::decode_mention(record, &back).ok()) std::abort();
  if (back.id != m.id || back.text != m.text || back.created_at_ms != m.created_at_ms ||
      back.source != m.source || back.lang != m.lang || back.reach != m.reach) {
    std::abort();
  }
  // The enriched JSON of anything we accept must parse back as a mention.
  std::string json;
  vigie::pipeline::append_enriched_json(m, &json);
  vigie::pipeline::mention_parser again;
  vigie::pipeline::mention_view reparsed;
  if (!again.parse_one(json, &reparsed).ok() || reparsed.text != m.text) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static vigie::pipeline::mention_parser parser({.max_mention_bytes = 1 << 16});
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (auto format : {vigie::pipeline::batch_format::ndjson, vigie::pipeline::batch_format::json_array}) {
    (void)parser.parse_batch(input, format,
                             [](std::size_t, const vigie::status& s, const vigie::pipeline::mention_view& m) {
                               if (s.ok()) check_round_trip(m);
                             });
  }
  // Truncated records must be refused, not read past their end.
  vigie::pipeline::mention_view m;
  (void)vigie::pipeline::decode_mention(input, &m);
  (void)vigie::pipeline::parse_rfc3339_ms(input.substr(0, 64));
  return 0;
}
