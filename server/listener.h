// listener: accepts TCP connections and starts an http_session for each.
//
//   auto l = std::make_shared<vigie::server::listener>(ioc, endpoint, router, cfg.http, metrics);
//   if (auto s = l->open(); !s.ok()) ...;
//   l->run();      // accepts until stop()
//
// Past http_options::max_connections (HTTP connections and live-feed sessions together), a new
// connection is answered 503 and closed at once, so a flood of idle sockets cannot exhaust
// file descriptors. Should accept fail anyway (out of descriptors), it is retried after 100 ms
// rather than in a busy loop.
//
// Thread safety: run() once; stop() from any thread.

#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>

#include "server/router.h"

namespace vigie::server {

class listener : public std::enable_shared_from_this<listener> {
 public:
  listener(boost::asio::io_context& ioc, boost::asio::ip::tcp::endpoint endpoint, router& r,
           const http_options& options, server_metrics& metrics);

  // Binds and listens; a clear error when the address is taken or not available.
  status open();
  // The bound endpoint (useful with port 0).
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  void run();
  void stop();

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;  // after a failed accept (out of descriptors)
  std::chrono::steady_clock::time_point last_refusal_log_{};
  boost::asio::ip::tcp::endpoint endpoint_;
  router& router_;
  const http_options& options_;
  server_metrics& metrics_;
};

}  // namespace vigie::server
