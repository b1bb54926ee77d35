// pipeline: the threaded path of a batch of mentions from the ingest layer to RocksDB.
//
//   submit ──> [ingest queue] ──> workers: parse, validate, enrich, encode
//                                  ──> [write queue] ──> writer: dedup, group commit ──> done()
//
// Both queues are bounded lock-free queues. submit() never blocks: when the ingest queue (or
// the bytes it holds) is full it answers resource_exhausted and the HTTP layer turns that
// into 503 + Retry-After. A worker that finds the write queue full waits, so the ingest queue
// fills and pushes back. The writer takes every batch waiting, checks the dedup index once
// for all of them, and writes them in one RocksDB WriteBatch (group commit); each batch's
// done() runs after that write is in the WAL.
//
// The same write numbers and logs the events it makes durable (events.h): each stored
// mention that matched a watch, and the alerts and signals the detector stage sends back.
// After the write, the events go to the event sink and the watch hits to the detector stage
// (detector_stage.h):
//
//   writer ──> event sink (live stream)      writer ──hits──> detectors ──alerts, signals──> writer
//
//   vigie::pipeline::pipeline p(db, {});
//   p.start();
//   auto r = p.submit(std::make_unique<ingest_request>(ingest_request{
//       .tenant = "acme", .body = ndjson, .format = batch_format::ndjson,
//       .done = [](ingest_result r) { /* r.accepted, r.duplicates, r.errors */ }}));
//   p.stop();   // drains: every accepted request gets its done() call
//
// Thread safety: submit(), acknowledge_alert() and the counters from any thread; start() and
// stop() from one.

#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/mention.h"
#include "pipeline/mention_parser.h"
#include "storage/status.h"

namespace vigie::storage {
class store;
}

namespace vigie::pipeline {

struct pipeline_options {
  // Batches accepted but not yet parsed. Beyond it, submit() answers resource_exhausted.
  std::size_t ingest_queue_batches = 256;
  // Bytes of request bodies accepted but not yet written. Bounds memory under overload.
  std::size_t max_inflight_bytes = 256u << 20;
  // Parsed batches waiting for the writer.
  std::size_t write_queue_batches = 64;
  // Parse-and-enrich threads.
  int workers = 1;
  // A group commit stops taking batches past this many mentions, to bound its latency.
  std::size_t max_group_mentions = 50000;
  // Per-line errors returned to the client; the rejected count is always exact.
  std::size_t max_reported_errors = 1000;
  // Events kept per tenant in the event log (the stream's since=<seq> history); older ones
  // are dropped. A stream client that comes back after more than this many events gets an
  // error telling it to start afresh.
  std::uint64_t event_retention = 1000000;
  // Alert and signal events kept per tenant in the findings log, a log of them alone: a
  // client of findings only (a live feed without mentions, a webhook) resumes from an event
  // that mention events have long pushed out of the event log.
  std::uint64_t finding_retention = 100000;
  parser_options parser;
};

struct line_error {
  std::size_t line;
  std::string reason;
};

struct ingest_result {
  vigie::status status;  // not ok: the batch as a whole failed (unreadable body, storage error)
  std::size_t accepted = 0;
  std::size_t duplicates = 0;
  std::size_t rejected = 0;
  std::vector<line_error> errors;  // at most max_reported_errors
  bool errors_truncated = false;
};

struct ingest_request {
  std::string tenant;
  std::string body;
  batch_format format = batch_format::ndjson;
  // Called once, from a pipeline thread, when the batch is durable or has failed. Must not
  // block: post to your own executor.
  std::function<void(ingest_result)> done;
};

// Enrichment applied by a worker to every valid mention before it is stored. One instance per
// worker thread, so an enricher may keep scratch buffers.
class enricher {
 public:
  virtual ~enricher() = default;
  // Called before the mentions of one request, all of one tenant.
  virtual void begin_batch(std::string_view tenant) {}
  virtual void enrich(mention_view& m) = 0;
};
using enricher_factory = std::function<std::unique_ptr<enricher>()>;

// Events for metrics; called from pipeline threads, must be cheap and thread-safe.
class pipeline_observer {
 public:
  virtual ~pipeline_observer() = default;
  virtual void on_lines(std::size_t accepted, std::size_t duplicates, std::size_t rejected) {}
  virtual void on_group_commit(std::size_t mentions, std::size_t bytes, double seconds) {}
  // A group commit failed (disk full, I/O error): its batches were answered with the error.
  virtual void on_write_failed(const status& error) {}
};

class detector_stage;
class event_sink;

// The stages after storage, both optional: the per-watch detectors, fed every stored watch
// hit, and the sink of durable events (the server's live stream).
struct pipeline_outputs {
  detector_stage* detectors = nullptr;
  event_sink* events = nullptr;
};

class pipeline {
 public:
  pipeline(storage::store& db, pipeline_options options, enricher_factory enrichers = {},
           pipeline_observer* observer = nullptr, pipeline_outputs outputs = {});
  ~pipeline();
  pipeline(const pipeline&) = delete;
  pipeline& operator=(const pipeline&) = delete;

  // Starts the threads, and the detector stage (which loads its checkpoints: that may fail).
  status start();

  // Takes the request, or returns it untouched with resource_exhausted (queues full) or
  // unavailable (stopping).
  status submit(std::unique_ptr<ingest_request>& request);

  // Acknowledges an alert (POST /v1/alerts/{id}/ack): ack_json is written as the alert's
  // acknowledgement with the next group, together with an alert event that carries the alert
  // as stored and that acknowledgement, so that live dashboards and webhooks learn of it. The
  // alert events written later carry it too. done() gets that alert JSON once it is written;
  // not_found when there is no such alert, unavailable when stopping, or the write's error.
  // It runs on the writer thread, on the thread that calls stop() (for one asked for while it
  // stops), or on this one when the pipeline is stopped: it must not block.
  void acknowledge_alert(std::string tenant, std::string alert_id, std::string ack_json,
                         std::function<void(result<std::string>)> done);

  // Stops taking requests, finishes every accepted one, stops the detector stage and writes
  // what it found last, joins the threads.
  void stop();

  std::size_t ingest_queue_depth() const noexcept;
  std::size_t write_queue_depth() const noexcept;
  std::size_t inflight_bytes() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace vigie::pipeline
