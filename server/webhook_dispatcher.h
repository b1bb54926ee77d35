// webhook_dispatcher: delivers each tenant's alerts to its webhooks (PUT /v1/webhooks/{id}),
// in order, without losing one across restarts, and without ever slowing ingest.
//
//   webhook_dispatcher d(db, options, metrics);
//   hub.subscribe_all(&d);      // alert events, from the pipeline's writer
//   d.start();                  // loads the webhooks, catches up from their cursors
//   d.put("acme", hook);        // after PUT /v1/webhooks/{id}
//
// The event log is the queue: each webhook has a cursor, the seq of the last alert it is done
// with (delivered, or given up after the client's retries), stored in the state table after
// each one. Live alerts are delivered from memory; at start, and after a webhook's in-memory
// queue overflowed, the alerts after its cursor are read back from the log. Each delivery
// carries Idempotency-Key "<tenant>:<webhook id>:<seq>", the same on every retry and after a
// restart, so a receiver can drop the rare alert sent twice (sent, then the process died
// before the cursor was stored). A webhook replaced (another URL or format) while an alert is
// being retried sends that alert again to its new URL; a deleted one makes no more attempts.
//
// Thread safety: deliver(), put(), remove(), get() and list() from any thread; start() and
// stop() from the owner's. Delivery state lives on the dispatcher's own thread.

#pragma once

#include <boost/asio/io_context.hpp>

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server/config.h"
#include "server/server_metrics.h"
#include "server/stream_hub.h"
#include "server/webhook_client.h"
#include "storage/store.h"

namespace vigie::server {

struct webhook {
  std::string id;
  std::string url;
  webhook_format format = webhook_format::json;
  std::vector<std::string> watches;  // empty: alerts of every watch
  std::int64_t created_at_ms = 0;
  // The Standard Webhooks secret ("whsec_..."; webhook_signing_key()) that signs each
  // delivery. Absent in a PUT body: the stored webhook's secret stays; "" (null in JSON):
  // deliveries are not signed.
  std::optional<std::string> secret;
  // What the body said of "signed" (a GET echoed back): true with no secret, sent or held, is
  // refused rather than left unsigned.
  bool says_signed = false;
};

// The API form: {"id","url","format","watches","created_at","signed"}; the secret is never
// given back. with_secret: the stored form, which keeps it.
std::string webhook_json(const webhook& w, bool with_secret = false);
// Parses a client's body (id from the path), or the stored form; checks the URL, the format
// and the secret. "signed", as a GET gives it, is taken and ignored.
result<webhook> parse_webhook_json(std::string_view json, std::string_view id);

class webhook_dispatcher : public stream_subscriber {
 public:
  webhook_dispatcher(storage::store& db, const webhook_options& options, server_metrics& metrics);
  ~webhook_dispatcher() override;

  status start();
  void stop();

  // Stores the webhook and starts delivering the alerts that come after now. Fails with
  // invalid_argument when its URL names an internal host (is_internal_host()) and the options
  // do not allow_internal_addresses.
  status put(const std::string& tenant, webhook w);
  // not_found when absent.
  status remove(const std::string& tenant, const std::string& id);
  result<webhook> get(const std::string& tenant, const std::string& id) const;
  std::vector<webhook> list(const std::string& tenant) const;

  void deliver(std::span<const shared_event> events) override;
  bool wants_mentions() const override { return false; }
  // Moves the cursors of the tenant's idle webhooks past the events they do not take, so that
  // a restart reads the log from there, not from their last alert.
  void published_through(std::string_view tenant, std::uint64_t seq) override;

 private:
  struct hook_state;
  using key = std::pair<std::string, std::string>;  // (tenant, id)

  void pump(const key& k);                 // io thread
  void catch_up(const key& k, hook_state& h);
  void on_done(const key& k, std::uint64_t seq, delivery_outcome outcome);
  void store_cursor(const key& k, hook_state& h, bool force = false);

  storage::store& db_;
  // put() and remove() read a stored webhook, merge and write it back: two at once on one id
  // could write away the other's secret or creation time. One at a time (they are rare).
  std::mutex change_mu_;
  webhook_options options_;
  server_metrics& metrics_;
  webhook_metrics client_metrics_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::unique_ptr<webhook_client> client_;
  std::thread thread_;

  // The io thread's (and start()'s, before it runs): API changes are posted to it.
  std::map<key, std::shared_ptr<hook_state>> hooks_;
  bool stopping_ = false;
};

}  // namespace vigie::server
