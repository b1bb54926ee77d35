// Fuzz target for what a client sends besides mentions: watch and webhook bodies, webhook URLs,
// query strings, percent-encoded paths and cursors. Any bytes must parse or fail with an
// error, never crash; what parses must survive its own round trip (a watch or webhook
// rendered and parsed again is the same; a cursor decoded and encoded again is the same).
//
//   build-fuzz/tests/request_fuzz tests/fuzz/corpus/request        # libFuzzer (clang)
//   build-asan/tests/request_fuzz_seeds tests/fuzz/corpus/request  # replays the seeds (gcc)

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/watch.h"
#include "server/router.h"
#include "server/webhook_client.h"
#include "server/webhook_dispatcher.h"

namespace {

namespace vp = vigie::pipeline;
namespace vs = vigie::server;

void check_watch(std::string_view body) {
  auto w = vp::parse_watch_json(body, "w1");
  if (w.ok()) {
    std::string json;
    vp::append_watch_json(*w, &json);
    auto again = vp::parse_watch_json(json, "w1");
    if (!again.ok() || again->name != w->name || again->query != w->query ||
        again->languages != w->languages || again->sources != w->sources)
      std::abort();
  }
  (void)vp::parse_query_field(body);
}

void check_webhook(std::string_view body) {
  auto h = vs::parse_webhook_json(body, "h1");
  if (h.ok()) {
    auto again = vs::parse_webhook_json(vs::webhook_json(*h), "h1");
    if (!again.ok() || again->url != h->url || again->format != h->format || again->watches != h->watches)
      std::abort();
  }
  for (vs::webhook_format f : {vs::webhook_format::json, vs::webhook_format::slack}) (void)vs::webhook_body(f, body);
}

void check_url(std::string_view url) {
  auto u = vs::parse_webhook_url(url);
  if (u.ok()) {
    if (u->host.empty() || u->port == 0 || u->target.empty() || u->target[0] != '/') std::abort();
    (void)vs::is_internal_host(u->host);
  }
  (void)vs::is_internal_address(url);
}

void check_query_and_path(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> pairs;
  (void)vs::parse_query(text, &pairs);
  std::string decoded;
  if (vs::percent_decode(text, &decoded) && decoded.size() > text.size()) std::abort();
  decoded.clear();
  if (vs::percent_decode_path(text, &decoded) && decoded.size() > text.size()) std::abort();
  // Base64url and cursors have one encoding each: what decodes encodes back to the same text.
  std::string bytes;
  if (vs::base64url_decode(text, &bytes) && vs::base64url_encode(bytes) != text) std::abort();
  if (vs::decode_cursor(text, &bytes) && vs::encode_cursor(bytes) != text) std::abort();
}

}  // namespace

// The first byte picks what the rest is.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: check_watch(rest); break;
    case 1: check_webhook(rest); break;
    case 2: check_url(rest); break;
    default: check_query_and_path(rest); break;
  }
  return 0;
}
