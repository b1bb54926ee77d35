// Helpers shared by the route handlers (router.cpp, mention_routes.cpp, watch_routes.cpp).

#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/router.h"
#include "storage/status.h"

namespace vigie::server::internal {

// A JSON response that keeps the request's HTTP version and keep-alive.
http_response json_response(const http_request& req, unsigned status, std::string body);
http_response json_response(unsigned status, std::string body, unsigned version, bool keep_alive);

// {"error":{"code","message"}} with the request's version and keep-alive.
http_response error_response(const http_request& req, unsigned status, std::string_view code,
                             std::string_view message);

// 400 bad_request / 404 not_found / 503 storage_unavailable, the usual suspects.
http_response bad_request(const http_request& req, std::string_view message);
http_response not_found_response(const http_request& req, std::string_view message);
// Maps a storage or registry status to its HTTP answer.
http_response status_response(const http_request& req, const status& s);
http_response status_response(const status& s, unsigned version, bool keep_alive);

// A time query parameter: RFC 3339 or integer epoch milliseconds.
result<std::int64_t> parse_time_param(std::string_view name, std::string_view value);

// The request's query parameters, decoded. invalid_argument (a 400 message) when the query
// string is malformed or names a parameter twice: no route takes a parameter twice, and
// choosing the first or the last would silently drop what the client meant.
status request_params(const http_request& req, std::vector<std::pair<std::string, std::string>>* out);

}  // namespace vigie::server::internal
