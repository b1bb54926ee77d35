"""Many idle sockets, on the real binary: 10,000 clients that connect and then do nothing (half
of them live-feed sessions that never read, half plain HTTP connections that never send a
request) must not stop the server from serving everyone else; past http.max_connections a new
connection gets a clear 503, and the server serves again once the idle ones are gone."""

import base64
import os
import resource
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from test_stream import Feed, is_mention, metrics, put_watches, T0  # noqa: E402
from vigie_server import KEYS, Server  # noqa: E402

IDLE_SOCKETS = 10000


def raise_open_file_limit(want):
    """Raises this process's descriptor limit (the server inherits it). False when it cannot."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= want:
        return True
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(hard, want)))
    except (ValueError, OSError):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0] >= want


def upgrade_request(query="types=alert"):
    key = base64.b64encode(os.urandom(16)).decode()
    return (f"GET /v1/stream?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Authorization: Bearer {KEYS['acme']}\r\n\r\n").encode()


def open_idle(port, count, upgrade):
    """count connections that say nothing more after connecting (or after the upgrade)."""
    out = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        if upgrade:
            s.sendall(upgrade_request())
        out.append(s)
    return out


def vm_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def wait_for(fn, timeout=60, step=0.1):
    deadline = time.time() + timeout
    value = fn()
    while not value and time.time() < deadline:
        time.sleep(step)
        value = fn()
    return value


class idle_sockets_test(unittest.TestCase):
    """With the default configuration (max_connections 20,000)."""

    @classmethod
    def setUpClass(cls):
        if not raise_open_file_limit(IDLE_SOCKETS + 2048):
            raise unittest.SkipTest(f"cannot raise the open-file limit to {IDLE_SOCKETS + 2048}")
        cls.server = Server().start()
        put_watches(cls.server)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.cleanup()

    def test_10000_idle_sockets_do_not_stop_the_server(self):
        srv = self.server
        rss_before = vm_rss_mb(srv.proc.pid)
        idle = open_idle(srv.port, IDLE_SOCKETS // 2, upgrade=True)
        idle += open_idle(srv.port, IDLE_SOCKETS // 2, upgrade=False)
        try:
            # Every one of them is held by the server.
            m = wait_for(lambda: (lambda m: m if m["vigie_stream_sessions"] >= IDLE_SOCKETS // 2 and
                                  m["vigie_http_connections"] >= IDLE_SOCKETS // 2 else None)(metrics(srv)))
            self.assertIsNotNone(m, "the server did not take the idle sockets")
            rss = vm_rss_mb(srv.proc.pid)
            print(f"\n{IDLE_SOCKETS} idle sockets: server VmRSS {rss_before:.0f} MB -> {rss:.0f} MB", file=sys.stderr)
            self.assertLess(rss - rss_before, 1024, "more than 100 KB per idle socket")

            # Everyone else is served: a new feed, ingest, reads, health.
            start = time.time()
            live = Feed(srv, "types=mention")
            srv.ingest([{"id": f"busy-{i}", "text": f"Borel encore {i}", "created_at": T0 + i} for i in range(20)])
            events = live.read_until(is_mention("busy-19"))
            self.assertEqual([e["data"]["id"] for e in events], [f"busy-{i}" for i in range(20)])
            status, body = srv.json("GET", "/v1/mentions?limit=5")
            self.assertEqual(status, 200, body)
            self.assertEqual(srv.request("GET", "/livez", key=None)[0], 200)
            print(f"served a new feed, an ingest and two reads in {time.time() - start:.2f} s", file=sys.stderr)
            live.close()
        finally:
            for s in idle:
                s.close()
        # They are all let go, and the server is still there.
        self.assertTrue(wait_for(lambda: metrics(srv)["vigie_stream_sessions"] == 0),
                        "closed feeds were not let go")
        self.assertIsNone(srv.proc.poll())
        self.assertEqual(srv.request("GET", "/readyz", key=None)[0], 200)


class connection_limit_test(unittest.TestCase):
    LIMIT = 40

    @classmethod
    def setUpClass(cls):
        cls.server = Server(config=f"http:\n  max_connections: {cls.LIMIT}\n").start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.cleanup()

    def refused(self):
        """The answer to one more connection, or None when it is served."""
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        try:
            s.sendall(b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            data = s.recv(4096)
        finally:
            s.close()
        return data if data.startswith(b"HTTP/1.1 503") else None

    def test_past_the_limit_a_clear_503_then_served_again(self):
        srv = self.server
        # Feeds and plain connections both count.
        idle = open_idle(srv.port, self.LIMIT // 2, upgrade=True)
        try:
            self.assertTrue(wait_for(lambda: metrics(srv)["vigie_stream_sessions"] == self.LIMIT // 2))
            idle += open_idle(srv.port, self.LIMIT // 2, upgrade=False)
            answer = wait_for(self.refused, timeout=10)
            self.assertIsNotNone(answer, "a connection past the limit was served")
            self.assertIn(b"Retry-After: 1", answer)
            self.assertIn(b'"code":"too_many_connections"', answer)
        finally:
            for s in idle:
                s.close()
        self.assertTrue(wait_for(lambda: self.refused() is None, timeout=10), "still refused after the idle ones left")
        self.assertEqual(srv.request("GET", "/livez", key=None)[0], 200)
        # A server at its cap refuses probes and scrapes too: the refusals are counted and logged.
        self.assertGreaterEqual(metrics(srv)["vigie_http_refused_connections_total"], 1)
        self.assertIn("connection limit reached", open(srv.log_path, encoding="utf-8").read())


if __name__ == "__main__":
    unittest.main(verbosity=2)
