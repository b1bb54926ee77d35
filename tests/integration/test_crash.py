"""Crash test: kill -9 during sustained ingest, restart, and every acknowledged mention is
there, none twice (DESIGN.md, durability and idempotency). And a full disk: refused batches,
a logged error, a clean stop, nothing acknowledged lost."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
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

    def test_a_damaged_write_ahead_log_stops_start_up_unless_told(self):
        """Garbage inside the WAL (not the incomplete tail a crash leaves) stops start-up with an
        error and what to do; storage.wal_recovery: point_in_time starts from before it."""
        srv = Server().start()
        try:
            for b in range(4):
                body = "".join(json.dumps({"id": f"d{b}-{i}", "text": "wal " * 20, "source": "wal",
                                           "created_at": 1767225600000 + i}) + "\n" for i in range(2000))
                status, _, data = srv.request("POST", "/v1/mentions", body,
                                              headers={"Content-Type": "application/x-ndjson"})
                self.assertEqual(status, 200, data[:200])
            srv.kill9()
            logs = sorted((os.path.getsize(os.path.join(srv.data_dir, f)), f)
                          for f in os.listdir(srv.data_dir) if f.endswith(".log"))
            size, name = logs[-1]
            self.assertGreater(size, 100000)
            with open(os.path.join(srv.data_dir, name), "r+b") as f:
                f.seek(size // 2)
                f.write(os.urandom(256))
            with self.assertRaises(RuntimeError) as refused:
                srv.start()
            self.assertIn("wal_recovery", str(refused.exception))
            self.assertIn(name, str(refused.exception))  # the file is named
            self.assertEqual(srv.proc.returncode, 1)
            srv.config = "storage:\n  wal_recovery: point_in_time\n"
            srv.start()
            kept = len(srv.all_mentions(query="source=wal"))
            self.assertLess(kept, 8000)  # what came after the damage is gone, knowingly
            self.assertEqual(srv.stop(), 0)
        finally:
            srv.stop()
            srv.cleanup()


class wal_bound_test(unittest.TestCase):
    def test_the_write_ahead_log_stays_under_max_wal_bytes(self):
        """Column families written seldom (alerts, watches) would otherwise pin every log of a
        long uptime: the disk it takes, and the replay at the next start."""
        srv = Server(config="storage:\n  max_wal_bytes: 16777216\n").start()
        try:
            def wal_bytes():
                return sum(os.path.getsize(os.path.join(srv.data_dir, f))
                           for f in os.listdir(srv.data_dir) if f.endswith(".log"))
            filler = "wal " * 250  # 1 KB a mention
            peak = 0
            for b in range(40):  # 80 MB of mentions
                body = "".join(json.dumps({"id": f"w{b}-{i}", "text": filler, "source": "walbound",
                                           "created_at": 1767225600000 + i}) + "\n" for i in range(2000))
                status, _, data = srv.request("POST", "/v1/mentions", body,
                                              headers={"Content-Type": "application/x-ndjson"})
                self.assertEqual(status, 200, data[:200])
                peak = max(peak, wal_bytes())
            # The bound is checked at each write, and a flush lets the oldest logs go: room for
            # the flush in progress.
            self.assertLess(peak, 48 << 20, f"peak {peak >> 20} MiB of write-ahead log")
            self.assertEqual(srv.stop(), 0)
            srv.start()
            self.assertEqual(len(srv.all_mentions(query="source=walbound")), 80000)
        finally:
            srv.stop()
            srv.cleanup()


@unittest.skipUnless(os.geteuid() == 0 and shutil.which("mount"), "mounting a small tmpfs needs root")
class disk_full_test(unittest.TestCase):
    def setUp(self):
        self.mnt = tempfile.mkdtemp(prefix="vigie-full-")
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=30m", "tmpfs", self.mnt], check=True)
        self.addCleanup(os.rmdir, self.mnt)
        self.addCleanup(subprocess.run, ["umount", self.mnt], check=False)

    def test_a_full_disk_refuses_batches_logs_and_stops_cleanly(self):
        # Small memtables, so that RocksDB flushes (and writes its own LOG) while the disk fills.
        srv = Server(data_dir=os.path.join(self.mnt, "db"), config="storage:\n  write_buffer_bytes: 4194304\n")
        srv.log_path = self.mnt + ".log"  # off the full disk
        self.addCleanup(os.remove, srv.log_path)
        srv.start()
        self.addCleanup(srv.stop)  # before the unmount (cleanups run last in, first out)
        acknowledged, refused = set(), 0
        conn = srv.connection(timeout=30)
        for b in range(200):
            ids = [f"f{b}-{i}" for i in range(1000)]
            body = "".join(json.dumps({"id": i, "text": "filler " * 60, "source": "full",
                                       "created_at": 1767225600000 + b}) + "\n" for i in ids)
            status, _, data = srv.request("POST", "/v1/mentions", body, conn=conn,
                                          headers={"Content-Type": "application/x-ndjson"})
            if status == 200:
                acknowledged.update(ids)
            else:
                self.assertEqual(status, 503, data[:300])
                self.assertEqual(json.loads(data)["error"]["code"], "storage_unavailable")
                refused += 1
                if refused >= 20:
                    break
        self.assertGreater(refused, 0, "the disk never filled")
        self.assertGreater(len(acknowledged), 0)
        # Ops are told, not only the clients.
        self.assertIn("storage write failed", srv.logs())
        status, _, data = srv.request("GET", "/metrics", key=None)
        self.assertRegex(data.decode(), r"(?m)^vigie_write_errors_total [1-9]")
        # RocksDB's own logger used to abort the process on its next line after a failed one.
        self.assertEqual(srv.stop(), 0, srv.logs())
        subprocess.run(["mount", "-o", "remount,size=300m", self.mnt], check=True)
        srv.start()
        stored = [m["id"] for m in srv.all_mentions(query="source=full")]
        self.assertEqual(len(stored), len(set(stored)))
        self.assertEqual(set(stored), acknowledged)
        self.assertEqual(srv.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
