// replay_command: `vigie replay`, sends a file of NDJSON mentions to a Vigie server.
//
// Reads mentions from a file (or stdin with "-"), POSTs them in batches to URL/v1/mentions
// over one keep-alive HTTP/1.1 connection (reconnecting when the server closes it), optionally
// paced to a rate, and reports progress on stderr about once a second. Lines the server
// rejects are reported with their line number in the input file. When the server pushes back
// (429 or 503) the same batch is resent after its Retry-After; re-sending is safe because
// ingestion is idempotent on (tenant, source, id).
//
//   vigie::server::replay_options options;
//   options.input = "mentions.ndjson";
//   options.url = "http://127.0.0.1:8080";
//   options.key = "secret";
//   options.rate = 5000;  // mentions per second; 0 = as fast as the server takes them
//   return vigie::server::run_replay(options);
//
// Thread safety: run_replay() is self-contained; it blocks the calling thread until done.

#pragma once

#include <cstddef>
#include <string>

namespace vigie::server {

struct replay_options {
  // Path of an NDJSON file, or "-" for stdin. Blank lines are skipped (not sent).
  std::string input;
  // Server base URL: http://host[:port][/prefix]. https is not supported.
  std::string url;
  // API key, sent as "Authorization: Bearer <key>".
  std::string key;
  // Mentions per second (token bucket). 0 = as fast as possible. A low rate also makes the
  // batches smaller (about a tenth of a second's worth), so mentions trickle in rather than
  // arriving in one burst per batch.
  double rate = 0;
  // Maximum mentions per POST. Larger batches amortise the server's durable write; batches are
  // also cut at 8 MiB of body so they stay under the server's body limit.
  std::size_t batch = 1000;
};

// Returns the process exit status: 0 success, 1 failure, 2 bad usage.
// Rejected lines do not make the replay fail: they are listed and counted in the summary.
int run_replay(const replay_options& options);

}  // namespace vigie::server
