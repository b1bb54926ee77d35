#include "server/listener.h"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include <chrono>

#include "server/http_session.h"
#include "server/log.h"

namespace vigie::server {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

listener::listener(net::io_context& ioc, tcp::endpoint endpoint, router& r,
                   const http_options& options, server_metrics& metrics)
    : ioc_(ioc),
      acceptor_(net::make_strand(ioc)),
      retry_(acceptor_.get_executor()),
      endpoint_(endpoint),
      router_(r),
      options_(options),
      metrics_(metrics) {}

status listener::open() {
  beast::error_code ec;
  auto fail = [&](std::string_view what) {
    return status(status_code::unavailable, "cannot " + std::string(what) + " " +
                                                endpoint_.address().to_string() + ":" +
                                                std::to_string(endpoint_.port()) + ": " +
                                                ec.message());
  };
  acceptor_.open(endpoint_.protocol(), ec);
  if (ec) return fail("open a socket for");
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return fail("set SO_REUSEADDR on");
  acceptor_.bind(endpoint_, ec);
  if (ec) return fail("bind to");
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen on");
  return status::ok_status();
}

tcp::endpoint listener::local_endpoint() const {
  beast::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void listener::run() { do_accept(); }

void listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
    self->retry_.cancel();
  });
}

void listener::do_accept() {
  // Each connection gets its own strand.
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;  // stopped
  if (ec) {
    // Out of file descriptors and the like. The pending connection stays in the backlog, so
    // accepting again at once fails again at once: wait a little, and log once per wait.
    log_warn("accept failed: retrying in 100 ms", {{"error", ec.message()}});
    retry_.expires_after(std::chrono::milliseconds(100));
    retry_.async_wait([self = shared_from_this()](beast::error_code wec) {
      if (!wec && self->acceptor_.is_open()) self->do_accept();
    });
    return;
  } else if (metrics_.open_connections() >= options_.max_connections) {
    // Refuse without reading: a fixed answer, written synchronously on a fresh socket.
    static constexpr std::string_view busy =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        "Retry-After: 1\r\nConnection: close\r\nContent-Length: 71\r\n\r\n"
        "{\"error\":{\"code\":\"too_many_connections\",\"message\":\"connection limit\"}}\n";
    beast::error_code wec;
    net::write(socket, net::buffer(busy), wec);
    socket.close(wec);
    // Logged at the first refusal and then at most every 10 s, with the count: a server at its
    // cap answers health probes 503 too, and must not look dead without saying why.
    const std::uint64_t refused = metrics_.connection_refused();
    const auto now = std::chrono::steady_clock::now();
    if (refused == 1 || now - last_refusal_log_ >= std::chrono::seconds(10)) {
      last_refusal_log_ = now;
      log_warn("connection limit reached: new connections get 503 too_many_connections",
               {log_field::number("max_connections", static_cast<long long>(options_.max_connections)),
                log_field::number("refused_total", static_cast<long long>(refused))});
    }
  } else {
    std::make_shared<http_session>(std::move(socket), router_, options_, metrics_)->run();
  }
  do_accept();
}

}  // namespace vigie::server
