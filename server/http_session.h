// http_session: one HTTP/1.1 connection: reads a request under limits and timeouts, hands it
// to the router, writes the answer, and loops while the client keeps the connection alive.
//
//   std::make_shared<vigie::server::http_session>(std::move(socket), router, cfg.http, metrics)->run();
//
// Limits (http_options): header size (431), body size (413), time to send the headers
// (idle_timeout) and the body (read_timeout), time to take the response (write_timeout).
// One request at a time per connection; a response is written before the next read.
//
// Thread safety: a session runs on its own strand; send() may be called from any thread.

#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include <memory>
#include <optional>

#include "server/router.h"

namespace vigie::server {

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(boost::asio::ip::tcp::socket&& socket, router& r, const http_options& options,
               server_metrics& metrics);
  ~http_session();

  void run();

  // Writes res on the session's strand; safe from any thread.
  void send(http_response res);

 private:
  void do_read();
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void read_body();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void fail_request(boost::beast::error_code ec);
  // Answers a request that cannot be handled, then closes the connection.
  void refuse(unsigned status, std::string_view code, const std::string& message);
  void refuse(http_response res);
  void do_close();
  // The request's body is read, or will not be: no longer counted as being read.
  void end_body_read();
  void drain();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<http_response> pending_;  // the response being written
  bool drain_ = false;                       // a refused request's body is left unread
  bool reading_body_ = false;                // counted in server_metrics::bodies_being_read()
  router& router_;
  const http_options& options_;
  server_metrics& metrics_;
};

}  // namespace vigie::server
