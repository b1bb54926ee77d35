// Fuzz target for the watch query language and matcher: any input must parse to a query or
// to an error with a position inside the input, never crash; a parsed query must render as
// JSON, compile, and match (the input itself as a mention's text and title) without crashing.
//
//   build-fuzz/tests/query_fuzz tests/fuzz/corpus/query   # libFuzzer (clang), ASan+UBSan
//   build-asan/tests/query_fuzz_seeds tests/fuzz/corpus/query   # replays the seeds (gcc)

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/query.h"
#include "pipeline/watch_matcher.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace vp = vigie::pipeline;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  vp::query_error error;
  auto q = vp::parse_query(input, &error);
  if (!q.ok()) {
    if (error.message.empty() || error.position > input.size() || error.column < 1 ||
        error.column > error.position + 1)
      std::abort();
    if (vp::to_json(error).empty()) std::abort();
    return 0;
  }
  if (q->nodes.empty() || q->root >= q->nodes.size() || q->term_count > vp::max_query_terms) std::abort();
  if (vp::to_json(*q).empty()) std::abort();

  std::vector<vp::watch_definition> defs(2);
  defs[0] = {"t", "fuzz", *q, {}, {}};
  defs[1] = {"u", "fuzz", std::move(q).value(), {"fr"}, {"news"}};
  auto matcher = vp::watch_matcher::build(defs);
  if (!matcher.ok()) std::abort();
  static vp::match_scratch scratch;
  std::vector<std::string_view> ids;
  vp::mention_view m;
  m.text = input;
  m.title = input.substr(0, input.size() / 2);
  m.url = input;
  m.author_name = input;
  m.lang = "fr";
  m.source = "news";
  (*matcher)->match(m, "t", scratch, &ids);
  if (ids.size() > 1) std::abort();
  (*matcher)->match(m, "u", scratch, &ids);
  if (ids.size() > 1) std::abort();
  return 0;
}
