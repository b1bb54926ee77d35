"""Crash test: kill -9 during sustained ingest, restart, and every acknowledged mention is
there, none twice (DESIGN.md, durability and idempotency)."""

import json
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from vigie_server import Server  # noqa: E402

WRITERS = 3
BATCH = 200
INGEST_SECONDS = 3.0


class crash_test(unittest.TestCase):
    def test_kill_9_loses_no_acknowledged_mention(self):
        srv = Server().start()
        acknowledged, sent = set(), set()
        lock = threading.Lock()
        stop = threading.Event()

        def writer(w):
            conn = srv.connection(timeout=10)
            n = 0
            while not stop.is_set():
                ids = [f"w{w}-{n + i}" for i in range(BATCH)]
                n += BATCH
                body = "".join(json.dumps({"id": i, "text": "crash test " + i, "source": "crash",
                                           "created_at": 1767225600000 + hash(i) % 86400000}) + "\n"
                               for i in ids)
                with lock:
                    sent.update(ids)
                try:
                    status, _, data = srv.request("POST", "/v1/mentions", body, conn=conn,
                                                  headers={"Content-Type": "application/x-ndjson"})
                except OSError:
                    return  # the server died under us: this batch was never acknowledged
                if status == 200:
                    result = json.loads(data)
                    assert result["accepted"] + result["duplicates"] == BATCH, result
                    with lock:
                        acknowledged.update(ids)
                elif status != 503:
                    raise AssertionError(f"unexpected status {status}: {data[:200]!r}")

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
        for t in threads:
            t.start()
        time.sleep(INGEST_SECONDS)
        srv.kill9()  # mid-flight: some batches are acknowledged, some in the air
        stop.set()
        for t in threads:
            t.join()
        self.assertGreater(len(acknowledged), 1000, "too little was ingested to test anything")

        srv.start()
        try:
            stored = [m["id"] for m in srv.all_mentions(query="source=crash")]
            self.assertEqual(len(stored), len(set(stored)), "a mention is stored twice")
            missing = acknowledged - set(stored)
            self.assertFalse(missing, f"{len(missing)} acknowledged mentions lost, e.g. {sorted(missing)[:5]}")
            self.assertFalse(set(stored) - sent, "stored mentions that were never sent")
            # Re-sending everything after the crash is idempotent.
            status, _, data = srv.request("POST", "/v1/mentions", "".join(
                json.dumps({"id": i, "text": "again", "source": "crash", "created_at": 1767225600000}) + "\n"
                for i in sorted(acknowledged)[:BATCH]), headers={"Content-Type": "application/x-ndjson"})
            self.assertEqual(json.loads(data)["duplicates"], BATCH)
            print(f"acknowledged {len(acknowledged)}, stored {len(stored)} "
                  f"(in flight at the crash: {len(stored) - len(acknowledged)})")
        finally:
            srv.stop()
            srv.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
