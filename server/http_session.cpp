#include "server/http_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "server/log.h"

namespace vigie::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

http_session::http_session(net::ip::tcp::socket&& socket, router& r, const http_options& options,
                           server_metrics& metrics)
    : stream_(std::move(socket)), router_(r), options_(options), metrics_(metrics) {
  metrics_.connection_opened();
}

http_session::~http_session() {
  end_body_read();
  metrics_.connection_closed();
}

void http_session::end_body_read() {
  if (!reading_body_) return;
  reading_body_ = false;
  metrics_.body_read_finished();
}

void http_session::run() {
  // Start on the connection's strand so that nothing else touches the stream concurrently.
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->do_read(); });
}

namespace {

// Beast reads a body in pieces no larger than the buffer's free space (and never more than
// 64 KiB at once). A buffer left at its header size would take a large batch in ~512-byte
// reads, each a recvmsg, an epoll wait and two timer updates; a large body gets a buffer of
// this size instead, given back once the request is read so that idle connections stay small.
constexpr std::size_t body_read_bytes = 64 * 1024;
constexpr std::size_t idle_buffer_bytes = 16 * 1024;
// How long the unread body of a refused request is read and dropped before the connection
// closes (see do_close()).
constexpr std::chrono::seconds drain_time{2};

}  // namespace

void http_session::do_read() {
  if (buffer_.capacity() > idle_buffer_bytes) buffer_.shrink_to_fit();
  parser_.emplace();
  parser_->header_limit(options_.header_limit_bytes);
  parser_->body_limit(options_.body_limit_bytes);
  // Waiting for the next request and reading its headers: a keep-alive client may be idle
  // this long; a client trickling its headers byte by byte is cut off at the same bound.
  stream_.expires_after(options_.idle_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&http_session::on_header, shared_from_this()));
}

void http_session::on_header(beast::error_code ec, std::size_t) {
  if (ec) return fail_request(ec);
  // The body must arrive within read_timeout of the headers.
  stream_.expires_after(options_.read_timeout);
  if (auto length = parser_->content_length(); length && *length > buffer_.size())
    buffer_.reserve(std::min<std::uint64_t>(*length, body_read_bytes));
  // A client that asks before sending its body (curl does past 1 MB) waits a second or so
  // for a 100 Continue that never comes: tell it to go on.
  const auto& req = parser_->get();
  // A body is read only for a route that takes one, from a client with a key: no one else
  // can make the server hold megabytes (nor send a key in a chunked body's trailer, which
  // Beast merges into the headers). The connection closes after the refusal, the body unread.
  if (!parser_->is_done()) {
    http_response refusal;
    if (!router_.may_read_body(req, &refusal)) return refuse(std::move(refusal));
    reading_body_ = true;
    metrics_.body_read_started();
  }
  if (!parser_->is_done() && req.version() == 11 &&
      beast::iequals(req[http::field::expect], "100-continue")) {
    static constexpr std::string_view go_on = "HTTP/1.1 100 Continue\r\n\r\n";
    return net::async_write(stream_, net::buffer(go_on.data(), go_on.size()),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->fail_request(ec);
                              self->read_body();
                            });
  }
  read_body();
}

void http_session::read_body() {
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&http_session::on_read, shared_from_this()));
}

void http_session::fail_request(beast::error_code ec) {
  end_body_read();
  // The expected ways a connection ends: nothing to answer.
  if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
      ec == beast::error::timeout || ec == net::error::connection_reset || ec == net::error::eof) {
    if (ec == beast::error::timeout) log_debug("connection closed: nothing read within the idle or read timeout");
    return do_close();
  }
  // A request we cannot read: answer once, then close, since the stream position is lost.
  unsigned status = 400;
  std::string_view code = "bad_request";
  std::string message = "malformed HTTP request: " + ec.message();
  if (ec == http::error::body_limit) {
    status = 413;
    code = "payload_too_large";
    message = "request body is larger than the limit of " +
              std::to_string(options_.body_limit_bytes) + " bytes";
  } else if (ec == http::error::header_limit) {
    status = 431;
    code = "headers_too_large";
    message = "request headers are larger than the limit of " +
              std::to_string(options_.header_limit_bytes) + " bytes";
  }
  log_debug("request refused unread", {log_field::number("status", status), {"code", std::string(code)}, {"message", message}});
  refuse(status, code, message);
}

void http_session::refuse(unsigned status, std::string_view code, const std::string& message) {
  refuse(router::error(status, code, message, 11, false));
}

void http_session::refuse(http_response res) {
  res.keep_alive(false);
  drain_ = !parser_->is_done();
  // Labelled with what was read of the request line ("other" when nothing): a body over the
  // limit is refused from its Content-Length, its request line read.
  const auto& header = parser_->get();
  metrics_.request(router::method_label(header.method()),
                   router::route_label(std::string_view(header.target().data(), header.target().size())), res.result_int(), 0);
  pending_ = std::make_shared<http_response>(std::move(res));
  stream_.expires_after(options_.write_timeout);
  http::async_write(stream_, *pending_,
                    beast::bind_front_handler(&http_session::on_write, shared_from_this(), false));
}

void http_session::on_read(beast::error_code ec, std::size_t) {
  // Counted as being read until the request is handed on (an ingest batch submitted to the
  // pipeline) or refused: shutdown stops the pipeline only after that.
  struct read_ended {
    http_session* session;
    ~read_ended() { session->end_body_read(); }
  } ended{this};
  if (ec) return fail_request(ec);
  // RFC 9112 section 3.2: an HTTP/1.1 request without a Host, or with two, is refused.
  if (const auto& header = parser_->get(); header.version() >= 11 && header.count(http::field::host) != 1) {
    return refuse(400, "bad_request", "an HTTP/1.1 request must carry exactly one Host header");
  }
  if (beast::websocket::is_upgrade(parser_->get())) {
    // The live feed: on success the socket now belongs to a stream session, and this HTTP
    // session ends here.
    http_request req = parser_->release();
    stream_.expires_never();
    auto refused = router_.accept_stream(req, stream_.socket());
    if (!refused) return;
    pending_ = std::make_shared<http_response>(std::move(*refused));
    stream_.expires_after(options_.write_timeout);
    return http::async_write(stream_, *pending_,
                             beast::bind_front_handler(&http_session::on_write, shared_from_this(), false));
  }
  stream_.expires_never();  // the handler may wait on the pipeline; the write has its own bound
  router_.handle(parser_->release(),
                 [self = shared_from_this()](http_response res) { self->send(std::move(res)); });
}

void http_session::send(http_response res) {
  net::post(stream_.get_executor(), [self = shared_from_this(), res = std::move(res)]() mutable {
    bool keep_alive = res.keep_alive();
    self->pending_ = std::make_shared<http_response>(std::move(res));
    self->stream_.expires_after(self->options_.write_timeout);
    http::async_write(self->stream_, *self->pending_,
                      beast::bind_front_handler(&http_session::on_write, self, keep_alive));
  });
}

void http_session::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  pending_.reset();
  if (ec) return do_close();
  if (!keep_alive) return do_close();
  do_read();
}

void http_session::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  if (drain_) {
    // A request refused before its body was read: its client may still be sending it, and
    // closing with bytes unread would reset the connection, the answer lost to a client that
    // reads only once it has sent everything. What comes is read and dropped for a while.
    drain_ = false;
    stream_.expires_after(drain_time);
    return drain();
  }
  stream_.socket().close(ec);
}

void http_session::drain() {
  stream_.async_read_some(buffer_.prepare(idle_buffer_bytes), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) return self->do_close();  // the client's end, or drain_time is up
    self->drain();
  });
}

}  // namespace vigie::server
