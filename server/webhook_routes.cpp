// Alert webhooks: PUT/GET/DELETE /v1/webhooks/{id}, GET /v1/webhooks.

#include <boost/beast/http.hpp>

#include "server/internal/responses.h"
#include "server/router.h"
#include "server/webhook_dispatcher.h"

namespace vigie::server {

using internal::bad_request;
using internal::json_response;
using internal::status_response;

http_response router::put_webhook(const http_request& req, std::string_view tenant, const std::string& id) {
  auto w = parse_webhook_json(req.body(), id);
  if (!w.ok()) return status_response(req, w.status());
  for (const auto& watch : w->watches) {
    if (!ctx_.watches.contains(std::string(tenant), watch)) {
      return internal::not_found_response(req, "no watch '" + watch + "'");
    }
  }
  if (status s = ctx_.webhooks.put(std::string(tenant), *w); !s.ok()) return status_response(req, s);
  auto stored = ctx_.webhooks.get(std::string(tenant), id);
  if (!stored.ok()) return status_response(req, stored.status());
  return json_response(req, 200, webhook_json(*stored));
}

http_response router::get_webhook(const http_request& req, std::string_view tenant, const std::string& id) {
  auto w = ctx_.webhooks.get(std::string(tenant), id);
  if (!w.ok()) return status_response(req, w.status());
  return json_response(req, 200, webhook_json(*w));
}

http_response router::delete_webhook(const http_request& req, std::string_view tenant, const std::string& id) {
  status s = ctx_.webhooks.remove(std::string(tenant), id);
  if (s.code() == status_code::not_found) {
    return internal::not_found_response(req, "no webhook '" + id + "'");
  }
  if (!s.ok()) return status_response(req, s);
  http_response res{boost::beast::http::status::no_content, req.version()};
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  return res;
}

http_response router::list_webhooks(const http_request& req, std::string_view tenant) {
  std::string body = "{\"webhooks\":[";
  bool first = true;
  for (const auto& w : ctx_.webhooks.list(std::string(tenant))) {
    if (!first) body.push_back(',');
    first = false;
    body.append(webhook_json(w));
  }
  body.append("]}");
  return json_response(req, 200, std::move(body));
}

}  // namespace vigie::server
