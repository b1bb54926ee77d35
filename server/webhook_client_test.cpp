#include "server/webhook_client.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/metrics.h"

namespace vigie::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

// A self-signed certificate for IP:127.0.0.1 only (no name), valid from 2000 to 2100, and its
// key: the https endpoint's identity, and the CA the client is told to trust.
constexpr const char* test_cert_pem = R"(-----BEGIN CERTIFICATE-----
MIIBfTCCASSgAwIBAgIBATAKBggqhkjOPQQDAjAdMRswGQYDVQQDDBJ2aWdpZS13
ZWJob29rLXRlc3QwIBcNMDAwMTAxMDAwMDAwWhgPMjEwMDAxMDEwMDAwMDBaMB0x
GzAZBgNVBAMMEnZpZ2llLXdlYmhvb2stdGVzdDBZMBMGByqGSM49AgEGCCqGSM49
AwEHA0IABN/PtFSDUZqdNLGBmVeqXNK7NqRda1M1GmlAzVeBgCJ92zqOihxcH6RI
JL8mlDBQnVVgFPlgE9EIRBqk1By9ToijUzBRMA8GA1UdEwEB/wQFMAMBAf8wDwYD
VR0RBAgwBocEfwAAATAOBgNVHQ8BAf8EBAMCAoQwHQYDVR0OBBYEFPXnOgZE+d8O
0LNO7zIfHtZxYsmuMAoGCCqGSM49BAMCA0cAMEQCICutBGFP9iRFeySRwqygmmwx
xEwQbL8BmJ4rMOWlfKd2AiBBVDM1nfWl/toymWxKrci4Pp6ngcKCwg3gzmGCRpmx
Yw==
-----END CERTIFICATE-----
)";
constexpr const char* test_key_pem = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgXstlMpGDxZbWXR2/
qutg1K61rh1MjsC/pwENGoFUJh6hRANCAATfz7RUg1GanTSxgZlXqlzSuzakXWtT
NRppQM1XgYAifds6joocXB+kSCS/JpQwUJ1VYBT5YBPRCEQapNQcvU6I
-----END PRIVATE KEY-----
)";

// The certificate as a CA file for tls_ca_file.
std::string test_ca_file() {
  const std::string path = ::testing::TempDir() + "vigie_webhook_test_ca.pem";
  std::ofstream(path) << test_cert_pem;
  return path;
}

// ---------------------------------------------------------------------------------------------
// A tiny HTTP(S) endpoint on 127.0.0.1 with a scripted answer per request. Blocking I/O, a
// thread per connection: the client makes one request per connection, and the test stays
// readable.

struct reply {
  unsigned status = 200;
  std::string retry_after;  // the Retry-After header, when not empty
  std::string body;
  bool hang = false;        // read the request, never answer
};

struct received {
  std::string target, host, content_type, user_agent, idempotency_key, connection, body;
  std::string method;
  steady::time_point at;
  std::string webhook_id, webhook_timestamp, webhook_signature;  // Standard Webhooks headers
};

class test_endpoint {
 public:
  using script = std::function<reply(std::size_t n)>;  // n: 0 for the first request, ...

  enum class scheme { http, https };

  explicit test_endpoint(script s = [](std::size_t) { return reply{}; },
                         scheme sc = scheme::http)
      : script_(std::move(s)),
        scheme_(sc),
        acceptor_(io_, {net::ip::make_address("127.0.0.1"), 0}) {
    if (scheme_ == scheme::https) {
      tls_.use_certificate_chain(net::buffer(std::string_view(test_cert_pem)));
      tls_.use_private_key(net::buffer(std::string_view(test_key_pem)), net::ssl::context::pem);
    }
    accepting_ = std::thread([this] { accept_loop(); });
  }

  ~test_endpoint() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
      // Wakes the connection threads blocked in a read.
      for (auto& s : sockets_) ::shutdown(s->native_handle(), SHUT_RDWR);
    }
    cv_.notify_all();
    tcp::socket wake(io_);  // wakes the blocking accept
    boost::system::error_code ec;
    wake.connect(acceptor_.local_endpoint(), ec);
    accepting_.join();
    for (auto& t : connections_) t.join();
  }

  std::string url(std::string_view path = "/hook", std::string_view host = "127.0.0.1") const {
    return (scheme_ == scheme::https ? "https://" : "http://") + std::string(host) + ":" +
           std::to_string(acceptor_.local_endpoint().port()) + std::string(path);
  }
  std::string host() const {
    return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }

  // The requests read so far, once there are n of them or after the timeout.
  std::vector<received> wait_for(std::size_t n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
    return requests_;
  }

 private:
  void accept_loop() {
    for (;;) {
      auto socket = std::make_shared<tcp::socket>(io_);
      boost::system::error_code ec;
      acceptor_.accept(*socket, ec);
      std::lock_guard lock(mu_);
      if (stopping_ || ec) return;
      sockets_.push_back(socket);
      connections_.emplace_back([this, socket] { serve(*socket); });
    }
  }

  void serve(tcp::socket& socket) {
    if (scheme_ == scheme::http) return exchange(socket);
    net::ssl::stream<tcp::socket&> stream(socket, tls_);
    beast::error_code ec;
    stream.handshake(net::ssl::stream_base::server, ec);
    if (!ec) exchange(stream);
  }

  template <class Stream>
  void exchange(Stream& stream) {
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    beast::error_code ec;
    http::read(stream, buffer, req, ec);
    if (ec) return;
    std::size_t n = 0;
    {
      std::lock_guard lock(mu_);
      n = requests_.size();
      requests_.push_back({std::string(req.target()), std::string(req[http::field::host]),
                           std::string(req[http::field::content_type]),
                           std::string(req[http::field::user_agent]),
                           std::string(req["Idempotency-Key"]),
                           std::string(req[http::field::connection]), req.body(),
                           std::string(req.method_string()), steady::now(), std::string(req["webhook-id"]),
                           std::string(req["webhook-timestamp"]), std::string(req["webhook-signature"])});
    }
    cv_.notify_all();
    const reply r = script_(n);
    if (r.hang) {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_; });
      return;
    }
    http::response<http::string_body> res;
    res.result(r.status);
    if (!r.retry_after.empty()) res.set(http::field::retry_after, r.retry_after);
    res.body() = r.body;
    res.prepare_payload();
    http::write(stream, res, ec);
    beast::get_lowest_layer(stream).shutdown(tcp::socket::shutdown_send, ec);
  }

  const script script_;
  const scheme scheme_;
  net::ssl::context tls_{net::ssl::context::tls_server};
  net::io_context io_;
  tcp::acceptor acceptor_;
  std::thread accepting_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::vector<received> requests_;
  std::vector<std::shared_ptr<tcp::socket>> sockets_;
  std::vector<std::thread> connections_;
};

// ---------------------------------------------------------------------------------------------
// The client side: its event loop on a thread, as in the server, and the done() calls it makes.

class client_loop {
 public:
  client_loop() : work_(net::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~client_loop() {
    work_.reset();
    io_.stop();
    thread_.join();
  }
  net::io_context& io() { return io_; }

 private:
  net::io_context io_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  std::thread thread_;
};

struct outcome {
  std::string name;
  delivery_outcome result;
  int attempts;
  steady::time_point at;
};

class outcomes {
 public:
  webhook_client::done_fn track(std::string name) {
    return [this, name = std::move(name)](delivery_outcome result, int attempts) {
      {
        std::lock_guard lock(mu_);
        seen_.push_back({name, result, attempts, steady::now()});
      }
      cv_.notify_all();
    };
  }

  // The outcomes so far, in the order done() was called, once there are n or after the timeout.
  std::vector<outcome> wait_for(std::size_t n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return seen_.size() >= n; });
    return seen_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<outcome> seen_;
};

std::string alert_event(int seq) {
  return R"({"seq":)" + std::to_string(seq) +
         R"(,"type":"alert","data":{"id":"a)" + std::to_string(seq) +
         R"(","watch":"acme","kind":"volume_spike","severity":"warning","state":"open"}})";
}

webhook_delivery delivery(const std::string& url, int seq) {
  return {url, webhook_format::json, "alert-" + std::to_string(seq), alert_event(seq)};
}

// Tight timeouts and backoffs keep the whole suite at a few seconds.
webhook_client_options fast_options() {
  webhook_client_options o;
  o.connect_timeout = 500ms;
  o.request_timeout = 500ms;
  o.max_attempts = 3;
  o.backoff_initial = 5ms;
  o.backoff_max = 20ms;
  o.allow_internal_addresses = true;  // the test endpoints listen on 127.0.0.1
  return o;
}

// Members are destroyed in reverse: the loop stops before the outcomes and metrics its
// handlers write to go away.
class webhook_client_test : public ::testing::Test {
 protected:
  metrics_registry registry;
  webhook_metrics metrics = *webhook_metrics::create(registry);
  outcomes seen;
  client_loop loop;
};

// ---------------------------------------------------------------------------------------------
// Delivery

TEST_F(webhook_client_test, delivers_json_on_200_with_its_headers) {
  test_endpoint endpoint;
  webhook_client client(loop.io(), fast_options(), &metrics);
  const std::string event = alert_event(7);
  ASSERT_TRUE(client.deliver({endpoint.url("/hooks/vigie?tenant=acme"), webhook_format::json,
                              "alert-7-open", event},
                             seen.track("a7")));

  const auto done = seen.wait_for(1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].result, delivery_outcome::delivered);
  EXPECT_EQ(done[0].attempts, 1);
  const auto got = endpoint.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].target, "/hooks/vigie?tenant=acme");
  EXPECT_EQ(got[0].host, endpoint.host());
  EXPECT_EQ(got[0].content_type, "application/json");
  EXPECT_EQ(got[0].user_agent, "vigie-webhooks/1");
  EXPECT_EQ(got[0].idempotency_key, "alert-7-open");
  EXPECT_EQ(got[0].connection, "close");
  EXPECT_EQ(got[0].body, event);

  EXPECT_EQ(metrics.delivered->value(), 1u);
  EXPECT_EQ(metrics.failed->value(), 0u);
  EXPECT_EQ(metrics.duration->count(), 1u);
  EXPECT_EQ(metrics.pending->value(), 0);
}

TEST_F(webhook_client_test, delivers_a_slack_summary) {
  test_endpoint endpoint;
  webhook_client client(loop.io(), fast_options(), &metrics);
  const std::string event =
      R"({"seq":3,"type":"alert","data":{"id":"a1","watch":"acme","kind":"negative_spike",)"
      R"("severity":"critical","state":"open","started_at":"2026-11-22T10:00:00Z",)"
      R"("detected_at":"2026-11-22T10:05:00Z","observed":420,"expected":35.5,"score":4.25,)"
      R"("top_terms":["recall","battery"],"sample_mention_ids":["m1"]}})";
  ASSERT_TRUE(client.deliver({endpoint.url(), webhook_format::slack, "k", event}, seen.track("s")));

  ASSERT_EQ(seen.wait_for(1).at(0).result, delivery_outcome::delivered);
  const auto got = endpoint.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].content_type, "application/json");
  EXPECT_EQ(got[0].body,
            R"({"text":":rotating_light: critical negative spike on watch acme (open): )"
            R"(observed 420 vs expected 35.5 (score 4.25) since 2026-11-22T10:00:00Z. )"
            R"(Top terms: recall, battery"})");
}

TEST_F(webhook_client_test, retries_a_500_with_the_same_idempotency_key) {
  test_endpoint endpoint([](std::size_t n) { return reply{.status = n == 0 ? 500u : 200u}; });
  webhook_client client(loop.io(), fast_options(), &metrics);
  ASSERT_TRUE(client.deliver(delivery(endpoint.url(), 1), seen.track("a1")));

  const auto done = seen.wait_for(1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].result, delivery_outcome::delivered);
  EXPECT_EQ(done[0].attempts, 2);
  const auto got = endpoint.wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].idempotency_key, "alert-1");
  EXPECT_EQ(got[1].idempotency_key, "alert-1");
  EXPECT_EQ(got[1].body, got[0].body);
  EXPECT_EQ(metrics.retried->value(), 1u);
  EXPECT_EQ(metrics.delivered->value(), 1u);
}

// Each attempt is signed anew, at its own time, over the same id and body.
TEST_F(webhook_client_test, a_signed_delivery_signs_each_attempt) {
  test_endpoint endpoint([](std::size_t n) { return reply{.status = n == 0 ? 500u : 200u}; });
  webhook_client client(loop.io(), fast_options(), &metrics);
  const std::string key = *webhook_signing_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  webhook_delivery d = delivery(endpoint.url(), 1);
  d.signing_key = key;
  ASSERT_TRUE(client.deliver(std::move(d), seen.track("a1")));
  ASSERT_EQ(seen.wait_for(1).at(0).result, delivery_outcome::delivered);
  const auto got = endpoint.wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count();
  for (const received& r : got) {
    EXPECT_EQ(r.webhook_id, "alert-1");
    const std::int64_t t = std::stoll(r.webhook_timestamp);
    EXPECT_LE(std::abs(now - t), 60);
    EXPECT_EQ(r.webhook_signature, webhook_signature(key, "alert-1", t, r.body));
  }
  // Unsigned deliveries carry none of these headers.
  test_endpoint plain;
  ASSERT_TRUE(client.deliver(delivery(plain.url(), 2), seen.track("a2")));
  const auto unsigned_got = plain.wait_for(1);
  ASSERT_EQ(unsigned_got.size(), 1u);
  EXPECT_EQ(unsigned_got[0].webhook_id + unsigned_got[0].webhook_timestamp + unsigned_got[0].webhook_signature, "");
  // A signed delivery needs the id it signs.
  webhook_delivery no_id = delivery(plain.url(), 3);
  no_id.idempotency_key.clear();
  no_id.signing_key = key;
  ASSERT_TRUE(client.deliver(std::move(no_id), seen.track("a3")));
  const auto outcomes = seen.wait_for(3);
  const auto a3 = std::find_if(outcomes.begin(), outcomes.end(), [](const outcome& o) { return o.name == "a3"; });
  ASSERT_NE(a3, outcomes.end());
  EXPECT_EQ(a3->result, delivery_outcome::failed);
  EXPECT_EQ(a3->attempts, 0);
}

TEST_F(webhook_client_test, gives_up_after_max_attempts_of_503) {
  test_endpoint endpoint([](std::size_t) { return reply{.status = 503}; });
  webhook_client client(loop.io(), fast_options(), &metrics);
  ASSERT_TRUE(client.deliver(delivery(endpoint.url(), 1), seen.track("a1")));

  const auto done = seen.wait_for(1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].result, delivery_outcome::failed);
  EXPECT_EQ(done[0].attempts, 3);
  EXPECT_EQ(endpoint.wait_for(3).size(), 3u);
  EXPECT_EQ(metrics.retried->value(), 2u);
  EXPECT_EQ(metrics.failed->value(), 1u);
  EXPECT_EQ(metrics.pending->value(), 0);
}

TEST_F(webhook_client_test, fails_at_once_on_a_4xx_or_a_redirect) {
  webhook_client client(loop.io(), fast_options(), &metrics);
  const unsigned codes[] = {400, 401, 404, 422, 301};
  std::vector<std::unique_ptr<test_endpoint>> endpoints;
  for (unsigned code : codes) {
    endpoints.push_back(
        std::make_unique<test_endpoint>([code](std::size_t) { return reply{.status = code}; }));
    ASSERT_TRUE(client.deliver(delivery(endpoints.back()->url(), 1),
                               seen.track(std::to_string(code))));
  }
  const auto done = seen.wait_for(std::size(codes));
  ASSERT_EQ(done.size(), std::size(codes));
  for (const outcome& o : done) {
    EXPECT_EQ(o.result, delivery_outcome::failed) << o.name;
    EXPECT_EQ(o.attempts, 1) << o.name;
  }
  for (auto& e : endpoints) EXPECT_EQ(e->wait_for(1, 0ms).size(), 1u);
  EXPECT_EQ(metrics.retried->value(), 0u);
}

TEST_F(webhook_client_test, retries_408_and_429_and_caps_retry_after_at_backoff_max) {
  test_endpoint endpoint([](std::size_t n) {
    if (n == 0) return reply{.status = 408};
    if (n == 1) return reply{.status = 429, .retry_after = "3600"};  // an hour, capped to 20 ms
    return reply{};
  });
  webhook_client client(loop.io(), fast_options(), &metrics);
  const auto start = steady::now();
  ASSERT_TRUE(client.deliver(delivery(endpoint.url(), 1), seen.track("a1")));

  const auto done = seen.wait_for(1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].result, delivery_outcome::delivered);
  EXPECT_EQ(done[0].attempts, 3);
  EXPECT_LT(done[0].at - start, 1s);
}

TEST_F(webhook_client_test, honours_retry_after_seconds) {
  test_endpoint endpoint([](std::size_t n) {
    return n == 0 ? reply{.status = 503, .retry_after = "1"} : reply{};
  });
  webhook_client_options options = fast_options();
  options.backoff_max = 5s;  // the cap, not the wait: the backoff alone would be milliseconds
  webhook_client client(loop.io(), options, &metrics);
  ASSERT_TRUE(client.deliver(delivery(endpoint.url(), 1), seen.track("a1")));

  ASSERT_EQ(seen.wait_for(1).at(0).result, delivery_outcome::delivered);
  const auto got = endpoint.wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_GE(got[1].at - got[0].at, 950ms);
  EXPECT_LT(got[1].at - got[0].at, 2s);
}

TEST_F(webhook_client_test, reads_the_status_of_an_answer_larger_than_the_limit) {
  const std::string page(100 * 1024, 'x');
  test_endpoint endpoint([&](std::size_t n) {
    return reply{.status = n == 0 ? 503u : 200u, .body = page};
  });
  webhook_client_options options = fast_options();
  options.max_response_bytes = 1024;
  webhook_client client(loop.io(), options, &metrics);
  ASSERT_TRUE(client.deliver(delivery(endpoint.url(), 1), seen.track("a1")));

  const auto done = seen.wait_for(1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].result, delivery_outcome::delivered);
  EXPECT_EQ(done[0].attempts, 2);
}

TEST_F(webhook_client_test, retries_a_refused_connection_then_gives_up) {
  std::string url;
  {
    // A port that was free a moment ago, with nobody listening now.
    net::io_context io;
    tcp::acceptor a(io, {net::ip::make_address("127.0.0.1"), 0});
    url = "http://127.0.0.1:" + std::to_string(a.local_endpoint().port()) + "/hook";
  }
  webhook_client client(loop.io(), fast_options(), &metrics);
  ASSERT_TRUE(client.deliver(delivery(url, 1), seen.track("a1")));

  const auto done = seen.wait_for(1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].result, delivery_outcome::failed);
  EXPECT_EQ(done[0].attempts, 3);
}

TEST_F(webhook_client_test, times_out_a_hanging_endpoint_without_delaying_another) {
  test_endpoint hanging([](std::size_t) { return reply{.hang = true}; });
  test_endpoint healthy;
  webhook_client_options options = fast_options();
  options.request_timeout = 300ms;
  options.max_attempts = 2;
  webhook_client client(loop.io(), options, &metrics);
  const auto start = steady::now();
  ASSERT_TRUE(client.deliver(delivery(hanging.url(), 1), seen.track("hanging")));
  ASSERT_TRUE(client.deliver(delivery(healthy.url(), 2), seen.track("healthy")));

  const auto done = seen.wait_for(2);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].name, "healthy");
  EXPECT_EQ(done[0].result, delivery_outcome::delivered);
  EXPECT_LT(done[0].at - start, 250ms);  // before the hanging endpoint's first timeout
  EXPECT_EQ(done[1].name, "hanging");
  EXPECT_EQ(done[1].result, delivery_outcome::failed);
  EXPECT_EQ(done[1].attempts, 2);
  EXPECT_GE(done[1].at - start, 600ms);  // two attempts of request_timeout each
  EXPECT_EQ(hanging.wait_for(2).size(), 2u);
}

TEST_F(webhook_client_test, keeps_the_order_of_one_url_across_a_retry) {
  // The first delivery's first attempt fails: the four behind it must wait for its retry.
  test_endpoint endpoint([](std::size_t n) { return reply{.status = n == 0 ? 503u : 200u}; });
  webhook_client client(loop.io(), fast_options(), &metrics);
  for (int seq = 1; seq <= 5; ++seq) {
    ASSERT_TRUE(client.deliver(delivery(endpoint.url(), seq), seen.track(std::to_string(seq))));
  }

  const auto done = seen.wait_for(5);
  ASSERT_EQ(done.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(done[i].name, std::to_string(i + 1));
    EXPECT_EQ(done[i].result, delivery_outcome::delivered);
    EXPECT_EQ(done[i].attempts, i == 0 ? 2 : 1);
  }
  const auto got = endpoint.wait_for(6);
  ASSERT_EQ(got.size(), 6u);
  const int expected_seq[] = {1, 1, 2, 3, 4, 5};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(got[i].body, alert_event(expected_seq[i])) << i;
}

TEST_F(webhook_client_test, refuses_deliveries_past_max_pending_per_url) {
  test_endpoint hanging([](std::size_t) { return reply{.hang = true}; });
  test_endpoint healthy;
  webhook_client_options options = fast_options();
  options.request_timeout = 5s;
  options.max_pending = 2;
  webhook_client client(loop.io(), options, &metrics);
  EXPECT_TRUE(client.deliver(delivery(hanging.url(), 1), seen.track("1")));
  EXPECT_TRUE(client.deliver(delivery(hanging.url(), 2), seen.track("2")));
  EXPECT_FALSE(client.deliver(delivery(hanging.url(), 3), seen.track("3")));
  EXPECT_EQ(metrics.rejected->value(), 1u);
  EXPECT_EQ(metrics.pending->value(), 2);
  // Another URL has a queue of its own.
  ASSERT_TRUE(client.deliver(delivery(healthy.url(), 4), seen.track("4")));
  const auto done = seen.wait_for(1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].name, "4");
  EXPECT_EQ(done[0].result, delivery_outcome::delivered);
}

TEST_F(webhook_client_test, fails_invalid_deliveries_without_sending_them) {
  test_endpoint endpoint;
  webhook_client client(loop.io(), fast_options(), &metrics);
  EXPECT_TRUE(client.deliver({"ftp://hooks.example.com/x", webhook_format::json, "k",
                              alert_event(1)},
                             seen.track("url")));
  EXPECT_TRUE(client.deliver({endpoint.url(), webhook_format::json, "k", "{not json"},
                             seen.track("json")));
  EXPECT_TRUE(client.deliver({endpoint.url(), webhook_format::json, "k\r\nX-Injected: 1",
                              alert_event(1)},
                             seen.track("key")));

  const auto done = seen.wait_for(3);
  ASSERT_EQ(done.size(), 3u);
  for (const outcome& o : done) {
    EXPECT_EQ(o.result, delivery_outcome::failed) << o.name;
    EXPECT_EQ(o.attempts, 0) << o.name;
  }
  EXPECT_EQ(metrics.failed->value(), 3u);
  EXPECT_EQ(endpoint.wait_for(1, 100ms).size(), 0u);
}

TEST_F(webhook_client_test, stop_ends_deliveries_in_flight_and_waiting_promptly) {
  test_endpoint hanging([](std::size_t) { return reply{.hang = true}; });
  // Answers 503 with a long Retry-After: its delivery is waiting for its retry when stopped.
  test_endpoint busy([](std::size_t) { return reply{.status = 503, .retry_after = "5"}; });
  webhook_client_options options = fast_options();
  options.request_timeout = 10s;
  options.backoff_max = 10s;
  webhook_client client(loop.io(), options, &metrics);
  for (int seq = 1; seq <= 3; ++seq) {
    ASSERT_TRUE(client.deliver(delivery(hanging.url(), seq), seen.track(std::to_string(seq))));
  }
  ASSERT_TRUE(client.deliver(delivery(busy.url(), 4), seen.track("busy")));
  ASSERT_EQ(hanging.wait_for(1).size(), 1u);
  ASSERT_EQ(busy.wait_for(1).size(), 1u);
  std::this_thread::sleep_for(100ms);  // lets the client read the 503 and arm its retry

  const auto start = steady::now();
  client.stop();
  EXPECT_LT(steady::now() - start, 50ms);
  const auto done = seen.wait_for(4, 2s);
  ASSERT_EQ(done.size(), 4u);
  for (const outcome& o : done) {
    EXPECT_EQ(o.result, delivery_outcome::failed) << o.name;
    EXPECT_LT(o.at - start, 1s) << o.name;
    const int attempts = o.name == "1" || o.name == "busy" ? 1 : 0;
    EXPECT_EQ(o.attempts, attempts) << o.name;
  }
  EXPECT_EQ(metrics.pending->value(), 0);
  EXPECT_FALSE(client.deliver(delivery(hanging.url(), 5), seen.track("late")));
  client.stop();  // idempotent
}

// ---------------------------------------------------------------------------------------------
// TLS

TEST_F(webhook_client_test, delivers_over_https_to_an_endpoint_under_a_private_ca) {
  test_endpoint endpoint([](std::size_t) { return reply{}; }, test_endpoint::scheme::https);
  webhook_client_options options = fast_options();
  options.tls_ca_file = test_ca_file();
  webhook_client client(loop.io(), options, &metrics);
  ASSERT_TRUE(client.deliver(delivery(endpoint.url(), 1), seen.track("a1")));

  const auto done = seen.wait_for(1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].result, delivery_outcome::delivered);
  EXPECT_EQ(done[0].attempts, 1);
  const auto got = endpoint.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].host, endpoint.host());
  EXPECT_EQ(got[0].idempotency_key, "alert-1");
  EXPECT_EQ(got[0].body, alert_event(1));
}

TEST_F(webhook_client_test, refuses_a_certificate_it_cannot_verify) {
  // The same endpoint, reached through a name its certificate does not hold (it holds only
  // the address), and with a trust store that does not hold its CA: no request goes out.
  test_endpoint endpoint([](std::size_t) { return reply{}; }, test_endpoint::scheme::https);
  webhook_client_options private_ca = fast_options();
  private_ca.tls_ca_file = test_ca_file();
  webhook_client by_name(loop.io(), private_ca, &metrics);
  webhook_client system_store(loop.io(), fast_options(), &metrics);
  ASSERT_TRUE(by_name.deliver(delivery(endpoint.url("/hook", "localhost"), 1), seen.track("name")));
  ASSERT_TRUE(system_store.deliver(delivery(endpoint.url(), 2), seen.track("store")));

  const auto done = seen.wait_for(2);
  ASSERT_EQ(done.size(), 2u);
  for (const outcome& o : done) {
    EXPECT_EQ(o.result, delivery_outcome::failed) << o.name;
    EXPECT_EQ(o.attempts, 3) << o.name;  // retried: certificates get fixed
  }
  EXPECT_EQ(endpoint.wait_for(1, 100ms).size(), 0u);
}

TEST_F(webhook_client_test, fails_https_at_once_when_the_ca_file_does_not_load) {
  test_endpoint endpoint;
  webhook_client_options options = fast_options();
  options.tls_ca_file = "/nonexistent/ca.pem";
  webhook_client client(loop.io(), options, &metrics);
  ASSERT_TRUE(client.deliver(delivery("https://127.0.0.1:1/hook", 1), seen.track("https")));
  ASSERT_TRUE(client.deliver(delivery(endpoint.url(), 2), seen.track("http")));

  auto done = seen.wait_for(2);
  ASSERT_EQ(done.size(), 2u);
  std::sort(done.begin(), done.end(),
            [](const outcome& a, const outcome& b) { return a.name < b.name; });
  EXPECT_EQ(done[0].name, "http");
  EXPECT_EQ(done[0].result, delivery_outcome::delivered);
  EXPECT_EQ(done[1].result, delivery_outcome::failed);
  EXPECT_EQ(done[1].attempts, 0);
}

TEST_F(webhook_client_test, does_not_reach_internal_addresses_unless_allowed) {
  // A live endpoint on 127.0.0.1, by address and by a name that resolves there: with the
  // default options neither gets a request, and neither delivery is retried.
  test_endpoint endpoint;
  webhook_client_options defaults = fast_options();
  defaults.allow_internal_addresses = false;
  webhook_client client(loop.io(), defaults, &metrics);
  ASSERT_TRUE(client.deliver(delivery(endpoint.url(), 1), seen.track("address")));
  ASSERT_TRUE(client.deliver(delivery(endpoint.url("/hook", "localhost"), 2), seen.track("name")));

  const auto done = seen.wait_for(2);
  ASSERT_EQ(done.size(), 2u);
  for (const outcome& o : done) {
    EXPECT_EQ(o.result, delivery_outcome::failed) << o.name;
    EXPECT_EQ(o.attempts, 1) << o.name;
  }
  EXPECT_EQ(endpoint.wait_for(1, 100ms).size(), 0u);
  EXPECT_EQ(metrics.failed->value(), 2u);
  EXPECT_EQ(metrics.retried->value(), 0u);

  // Allowed, the same endpoint is reached.
  webhook_client allowed(loop.io(), fast_options(), &metrics);
  ASSERT_TRUE(allowed.deliver(delivery(endpoint.url(), 3), seen.track("allowed")));
  EXPECT_EQ(seen.wait_for(3).at(2).result, delivery_outcome::delivered);
  EXPECT_EQ(endpoint.wait_for(1).size(), 1u);
}

TEST(webhook_addresses, internal_ranges_and_their_edges) {
  for (const char* ip : {"0.0.0.0", "0.255.1.2", "10.0.0.1", "10.255.255.255", "100.64.0.1",
                         "100.127.255.254", "127.0.0.1", "127.8.9.10", "169.254.169.254", "172.16.0.1",
                         "172.31.255.255", "192.0.0.8", "192.168.1.1", "198.18.0.1", "198.19.255.255",
                         "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255", "::", "::1",
                         "::127.0.0.1", "::ffff:10.1.2.3", "::ffff:169.254.169.254", "64:ff9b::192.168.0.1",
                         "2002:c0a8:0101::1", "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "fec0::1",
                         "ff02::1"})
    EXPECT_TRUE(is_internal_address(ip)) << ip;
  for (const char* ip : {"1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0",
                         "126.255.255.255", "128.0.0.0", "169.253.255.255", "169.255.0.0", "172.15.255.255",
                         "172.32.0.0", "192.0.1.1", "192.167.255.255", "192.169.0.0", "198.17.255.255",
                         "198.20.0.0", "223.255.255.255", "2001:4860:4860::8888", "2606:4700::1111",
                         "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:0808:0808::1", "fbff::1", "fe00::1"})
    EXPECT_FALSE(is_internal_address(ip)) << ip;
  for (const char* not_ip : {"", "localhost", "example.com", "10.0.0", "[::1]", "1.2.3.4.5"})
    EXPECT_FALSE(is_internal_address(not_ip)) << not_ip;
}

TEST(webhook_addresses, internal_hosts_without_resolving) {
  for (const char* host : {"localhost", "LocalHost", "localhost.", "api.localhost", "127.0.0.1", "::1",
                           "169.254.169.254", "fd00::5",
                           // The older numeric forms the resolver reads as 127.0.0.1 or 10.0.0.1.
                           "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "0x7f.1", "10.1"})
    EXPECT_TRUE(is_internal_host(host)) << host;
  // Names are only judged on what they resolve to, when a delivery is made.
  for (const char* host : {"hooks.example.com", "localhost.example.com", "mylocalhost", "8.8.8.8", "134744072",
                           "0x08080808", ""})
    EXPECT_FALSE(is_internal_host(host)) << host;
}

TEST(webhook_client_options, validate_names_the_wrong_option) {
  EXPECT_TRUE(validate(webhook_client_options{}).ok());
  webhook_client_options with_ca;
  with_ca.tls_ca_file = test_ca_file();
  EXPECT_TRUE(validate(with_ca).ok());

  struct bad_case {
    std::function<void(webhook_client_options&)> change;
    const char* message;
  };
  const bad_case cases[] = {
      {[](auto& o) { o.connect_timeout = 0ms; }, "connect_timeout must be positive"},
      {[](auto& o) { o.request_timeout = -1ms; }, "request_timeout must be positive"},
      {[](auto& o) { o.max_attempts = 0; }, "max_attempts must be at least 1"},
      {[](auto& o) { o.backoff_initial = -1ms; }, "backoff_initial must not be negative"},
      {[](auto& o) { o.backoff_max = 100ms; o.backoff_initial = 200ms; },
       "backoff_max must be at least backoff_initial"},
      {[](auto& o) { o.max_pending = 0; }, "max_pending must be at least 1"},
      {[](auto& o) { o.tls_ca_file = "/nonexistent/ca.pem"; },
       "tls_ca_file '/nonexistent/ca.pem' cannot be loaded"},
  };
  for (const bad_case& c : cases) {
    webhook_client_options o;
    c.change(o);
    const status s = validate(o);
    ASSERT_FALSE(s.ok()) << c.message;
    EXPECT_EQ(s.code(), status_code::invalid_argument) << c.message;
    EXPECT_NE(s.message().find(c.message), std::string::npos) << s.message();
  }
}

// ---------------------------------------------------------------------------------------------
// Bodies and URLs, no network

TEST(webhook_body, json_is_the_event_as_is) {
  const std::string event = alert_event(1);
  auto body = webhook_body(webhook_format::json, event);
  ASSERT_TRUE(body.ok()) << body.status().to_string();
  EXPECT_EQ(*body, event);
}

TEST(webhook_body, slack_summarises_a_resolved_alert_and_escapes_markup) {
  // Epoch-millisecond times, terms as objects, a change field, markup and a line break in data.
  auto body = webhook_body(
      webhook_format::slack,
      R"({"seq":9,"type":"alert","data":{"watch":"R&D <beta>","kind":"sentiment_shift",)"
      R"("severity":"warning","state":"open","change":"resolved","observed":-0.5,)"
      R"("started_at":1763805600000,"resolved_at":1763809200000,)"
      R"("top_terms":[{"term":"price\nhike","count":12},{"term":"refund"},7,"a","b","c","d"]}})");
  ASSERT_TRUE(body.ok()) << body.status().to_string();
  EXPECT_EQ(*body,
            R"({"text":":white_check_mark: warning sentiment shift on watch R&amp;D &lt;beta&gt; )"
            R"((resolved): observed -0.5 since 2025-11-22T10:00:00.000Z, resolved at )"
            R"(2025-11-22T11:00:00.000Z. Top terms: price hike, refund, a, b, c"})");
}

TEST(webhook_body, slack_says_who_acknowledged_an_alert) {
  auto body = webhook_body(
      webhook_format::slack,
      R"({"seq":10,"type":"alert","data":{"watch":"acme","kind":"negative_spike","severity":"critical",)"
      R"("state":"open","change":"acknowledged","observed":42,"top_terms":["recall"],)"
      R"("acknowledgement":{"by":"alice","assignee":"bob <ops>","note":"calling\nthe client","at":"2026-11-22T10:00:00Z"}}})");
  ASSERT_TRUE(body.ok()) << body.status().to_string();
  EXPECT_EQ(*body, R"({"text":":eyes: critical negative spike on watch acme acknowledged by alice, )"
                   R"(assigned to bob &lt;ops&gt;: calling the client"})");
  body = webhook_body(webhook_format::slack, R"({"type":"alert","data":{"change":"acknowledged"}})");
  ASSERT_TRUE(body.ok()) << body.status().to_string();
  EXPECT_EQ(*body, R"({"text":":eyes: alert acknowledged"})");
}

TEST(webhook_body, slack_leaves_out_what_the_alert_lacks) {
  auto body = webhook_body(webhook_format::slack, R"({"type":"alert","data":{}})");
  ASSERT_TRUE(body.ok()) << body.status().to_string();
  EXPECT_EQ(*body, R"({"text":"alert"})");
}

TEST(webhook_body, rejects_what_is_not_an_event) {
  struct bad_case {
    webhook_format format;
    const char* event;
    const char* message;
  };
  const bad_case cases[] = {
      {webhook_format::json, "", "event is not valid JSON"},
      {webhook_format::json, "{\"seq\":1", "event is not valid JSON"},
      {webhook_format::json, "[1,2]", "event is not a JSON object"},
      {webhook_format::slack, R"({"type":"alert"})", "no \"data\" object"},
      {webhook_format::slack, R"({"data":[1]})", "no \"data\" object"},
  };
  for (const bad_case& c : cases) {
    auto body = webhook_body(c.format, c.event);
    ASSERT_FALSE(body.ok()) << c.event;
    EXPECT_EQ(body.status().code(), status_code::invalid_argument) << c.event;
    EXPECT_NE(body.status().message().find(c.message), std::string::npos)
        << c.event << ": " << body.status().message();
  }
}

// The example of the Standard Webhooks specification, which its libraries are tested with.
TEST(webhook_signing, matches_the_standard_webhooks_example) {
  const auto key = webhook_signing_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_EQ(key->size(), 24u);
  EXPECT_EQ(webhook_signature(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  // 64 bytes, padded.
  EXPECT_EQ(webhook_signing_key("whsec_" + std::string(84, 'A') + "AA==")->size(), 64u);
  for (const std::string& bad : std::vector<std::string>{"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_c2hvcnQ=",  // 5 bytes
                                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw=",
                                "whsec_MfKQ9r8GKYqrTwjU=D8ILPZIo2LaLaSw", "whsec_" + std::string(92, 'A')}) {
    const auto k = webhook_signing_key(bad);
    ASSERT_FALSE(k.ok()) << bad;
    EXPECT_NE(k.status().message().find("field 'secret' must be"), std::string::npos);
  }
}

TEST(parse_webhook_url, accepts_http_urls) {
  struct good_case {
    const char* url;
    bool tls;
    const char* host;
    std::uint16_t port;
    const char* target;
    const char* host_field;
  };
  const good_case cases[] = {
      {"http://hooks.example.com/vigie", false, "hooks.example.com", 80, "/vigie",
       "hooks.example.com"},
      {"HTTP://Example.COM:8080", false, "Example.COM", 8080, "/", "Example.COM:8080"},
      {"http://127.0.0.1:9000/a/b?token=x%20y&z=1", false, "127.0.0.1", 9000,
       "/a/b?token=x%20y&z=1", "127.0.0.1:9000"},
      {"http://[::1]:8080/hook", false, "::1", 8080, "/hook", "[::1]:8080"},
      {"http://[2001:db8::1]/", false, "2001:db8::1", 80, "/", "[2001:db8::1]"},
      {"http://h?x=1", false, "h", 80, "/?x=1", "h"},
      {"http://my_host-1.local/", false, "my_host-1.local", 80, "/", "my_host-1.local"},
      {"https://hooks.slack.com/services/T0/B0/XYZ", true, "hooks.slack.com", 443,
       "/services/T0/B0/XYZ", "hooks.slack.com"},
      {"HTTPS://[::1]:8443", true, "::1", 8443, "/", "[::1]:8443"},
  };
  for (const good_case& c : cases) {
    auto u = parse_webhook_url(c.url);
    ASSERT_TRUE(u.ok()) << c.url << ": " << u.status().to_string();
    EXPECT_EQ(u->tls, c.tls) << c.url;
    EXPECT_EQ(u->host, c.host) << c.url;
    EXPECT_EQ(u->port, c.port) << c.url;
    EXPECT_EQ(u->target, c.target) << c.url;
    EXPECT_EQ(u->host_field, c.host_field) << c.url;
  }
}

TEST(parse_webhook_url, rejects_the_rest_with_a_reason) {
  struct bad_case {
    std::string url;
    const char* message;
  };
  const bad_case cases[] = {
      {"", "empty"},
      {"ftp://hooks.slack.com/services/T0/B0/secret", "scheme 'ftp' is not supported"},
      {"hooks.example.com/x", "must start with http:// or https://"},
      {"https://hooks.example.com:99999/secret", "port '99999'"},
      {"http://", "has no host"},
      {"http:///path", "has no host"},
      {"http://::1/", "an IPv6 address goes in brackets"},
      {"https://user:secret@host/", "user:password@ is not supported"},
      {"http://host/a#top", "fragment"},
      {"http://host:0/", "port '0' is not a number in 1..65535"},
      {"http://host:65536/", "port '65536'"},
      {"http://host:/", "port ''"},
      {"http://host:80x/", "port '80x'"},
      {"http://ho st/", "space at column 10"},
      {"http://host/\n", "byte 10 at column 13"},
      {"http://h\xc3\xb4st/", "byte 195 at column 9"},
      {"http://ho%73t/", "host has a bad character '%'"},
      {"http://[::1/", "closing ']'"},
      {"http://[nope]/", "bad IPv6 address"},
      {"http://[::1]x/", "unexpected characters after the IPv6 address"},
      {"http://h/" + std::string(2048, 'a'), "longer than 2048 bytes"},
  };
  for (const bad_case& c : cases) {
    auto u = parse_webhook_url(c.url);
    ASSERT_FALSE(u.ok()) << c.url;
    EXPECT_EQ(u.status().code(), status_code::invalid_argument) << c.url;
    const std::string& message = u.status().message();
    EXPECT_EQ(message.rfind("webhook URL: ", 0), 0u) << message;
    EXPECT_NE(message.find(c.message), std::string::npos) << c.url << ": " << message;
    EXPECT_EQ(message.find("secret"), std::string::npos) << "the URL leaked: " << message;
  }
}

}  // namespace
}  // namespace vigie::server
