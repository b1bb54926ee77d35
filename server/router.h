// router: maps an HTTP request to its handler and produces the response (DESIGN.md, "HTTP
// API"). Handlers that wait on the pipeline answer later, from another thread, through the
// reply callback; the session posts the write back to its own executor.
//
//   vigie::server::router r(ctx);
//   r.handle(std::move(request), [self](http_response res) { self->send(std::move(res)); });
//
// Errors are JSON: {"error": {"code": "...", "message": "..."}}.
//
// Thread safety: handle() may be called from any thread; the router holds no per-request state.

#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <functional>
#include <optional>

#include "pipeline/lexicon.h"
#include "pipeline/backfill.h"
#include "pipeline/pipeline.h"
#include "pipeline/watch_registry.h"
#include "server/auth.h"
#include "server/config.h"
#include "server/server_metrics.h"
#include "storage/store.h"

namespace vigie::server {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;
using reply_fn = std::function<void(http_response)>;

class stream_hub;
class webhook_dispatcher;

// What the handlers work with; everything outlives the router.
struct router_context {
  const config& cfg;
  storage::store& db;
  pipeline::pipeline& ingest;
  const authenticator& auth;
  server_metrics& metrics;
  const std::atomic<bool>& ready;  // false while starting or draining: /readyz answers 503
  std::shared_ptr<const pipeline::lexicon_set> lexicons;  // for ?explain=true
  pipeline::watch_registry& watches;
  pipeline::backfill_jobs& backfills;
  stream_hub& hub;
  webhook_dispatcher& webhooks;
};

// Largest page of GET /v1/mentions, and the default.
inline constexpr std::size_t max_page_size = 1000;
inline constexpr std::size_t default_page_size = 100;
// A filtered listing reads at most this many stored mentions per page before it returns what
// it found with a cursor, so a filter that matches nothing cannot scan a whole tenant.
inline constexpr std::size_t max_scanned_per_page = 100000;

class router {
 public:
  explicit router(router_context ctx) : ctx_(ctx) {}

  void handle(http_request&& req, reply_fn reply);

  // A WebSocket upgrade (GET /v1/stream): checks the route, the key and the subscription.
  // On success the socket is moved into a new stream session and nullopt is returned; else
  // the error response to send, and the socket is left alone.
  std::optional<http_response> accept_stream(http_request& req, boost::asio::ip::tcp::socket& socket);

  // The tenant whose key the request's Authorization header carries. Otherwise nullopt, and
  // *refusal is the answer: 401 without a key or with an unknown one, 400 when the header
  // comes twice (a proxy in front may have read the other one).
  std::optional<std::string_view> authenticate(const http_request& req, http_response* refusal) const;
  // Whether the body of a request whose headers are read may be read: only the /v1 routes but
  // the live feed take one, and only from a client with a key, so that a client without one
  // cannot make the server hold a body. Otherwise *refusal says why: 400 (no route here takes
  // a body), or authenticate()'s.
  bool may_read_body(const http_request& header, http_response* refusal) const;

  // An error response with the JSON error body.
  static http_response error(unsigned status, std::string_view code, std::string_view message,
                             unsigned version = 11, bool keep_alive = true);

  // Metric labels of a request, from bounded sets whatever a client sends: the route template
  // of its target ("/v1/watches/{id}/series", "other"), and its method ("other" for one HTTP
  // does not define).
  static std::string_view route_label(std::string_view target);
  static std::string_view method_label(boost::beast::http::verb method);

 private:
  // mention_routes.cpp
  void post_mentions(http_request&& req, std::string_view tenant, reply_fn reply);
  // GET /v1/mentions (watch empty) and GET /v1/watches/{id}/mentions.
  http_response list_mentions(const http_request& req, std::string_view tenant,
                              std::string_view watch);
  // GET /v1/mentions/{source}/{id}: one mention by its idempotency key, as alerts and
  // signals name their sample mentions ("source/id").
  http_response get_mention(const http_request& req, std::string_view tenant, std::string_view source,
                            std::string_view id);

  // watch_routes.cpp
  void put_watch(const http_request& req, std::string_view tenant, const std::string& id, reply_fn reply);
  http_response get_watch(const http_request& req, std::string_view tenant, const std::string& id);
  void delete_watch(const http_request& req, std::string_view tenant, const std::string& id, reply_fn reply);
  http_response list_watches(const http_request& req, std::string_view tenant);
  http_response validate_query(const http_request& req);
  http_response watch_series(const http_request& req, std::string_view tenant, const std::string& id);
  http_response watch_top(const http_request& req, std::string_view tenant, const std::string& id);
  http_response share_of_voice(const http_request& req, std::string_view tenant);
  http_response start_backfill(const http_request& req, std::string_view tenant, const std::string& id);
  http_response backfill_status(const http_request& req, std::string_view tenant, const std::string& id);

  // event_routes.cpp
  http_response list_alerts(const http_request& req, std::string_view tenant);
  http_response get_alert(const http_request& req, std::string_view tenant, std::string_view id);
  void ack_alert(const http_request& req, std::string_view tenant, std::string_view id, reply_fn reply);
  http_response list_signals(const http_request& req, std::string_view tenant, const std::string& watch);

  // webhook_routes.cpp
  http_response put_webhook(const http_request& req, std::string_view tenant, const std::string& id);
  http_response get_webhook(const http_request& req, std::string_view tenant, const std::string& id);
  http_response delete_webhook(const http_request& req, std::string_view tenant, const std::string& id);
  http_response list_webhooks(const http_request& req, std::string_view tenant);

  http_response get_metrics(const http_request& req);

  router_context ctx_;
};

// Decodes %XX and '+' (a query string's space); false on malformed percent-encoding.
bool percent_decode(std::string_view in, std::string* out);
// Decodes %XX in a path, where '+' is itself; false on malformed percent-encoding.
bool percent_decode_path(std::string_view in, std::string* out);

// Splits "a=1&b=x%20y" into decoded pairs; returns false on malformed percent-encoding.
bool parse_query(std::string_view query, std::vector<std::pair<std::string, std::string>>* out);

// Base64url without padding.
std::string base64url_encode(std::string_view bytes);
bool base64url_decode(std::string_view text, std::string* out);

// Opaque page cursors: the base64url of a position (a storage key) and a 32-bit check of it,
// so that a cursor cut short, altered or made up is refused (400) rather than read as some
// other position. The check is no secret: a position only ever reads the caller's own data.
std::string encode_cursor(std::string_view position);
// False unless text is a cursor encode_cursor() made; *position is then its position.
bool decode_cursor(std::string_view text, std::string* position);

}  // namespace vigie::server
