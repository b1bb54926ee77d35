// serve_command: `vigie serve`: opens the store, starts the pipeline and the HTTP listener,
// and runs until SIGTERM or SIGINT, then shuts down in order:
//   /readyz turns 503 -> stop accepting -> drain the pipeline (every accepted batch is
//   written and answered) -> stop the event loop -> close RocksDB (WAL synced) -> exit 0.
//
// Thread safety: called once, from main.

#pragma once

#include "server/config.h"

namespace vigie::server {

// Returns the process exit status: 0 after a clean shutdown, 1 when start-up fails.
int run_serve(const config& cfg);

}  // namespace vigie::server
