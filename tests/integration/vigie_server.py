"""Starts the real vigie binary on a free loopback port with a temporary data folder, and
speaks HTTP to it. Shared by the integration and crash tests."""

import datetime
import http.client
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[2]
VIGIE = os.environ.get("VIGIE_BIN", str(REPO / "build" / "server" / "vigie"))
KEYS = {"acme": "acme-secret-key-1", "globex": "globex-secret-key-2", "initech": "initech-secret-key-3",
        "hooli": "hooli-secret-key-4"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A vigie serve process. Use as a context manager, or start()/stop()."""

    def __init__(self, data_dir=None, config=None, extra_args=()):
        self.own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="vigie-it-")
        self.port = free_port()
        self.config = config
        self.extra_args = list(extra_args)
        self.proc = None
        self.log_path = os.path.join(self.data_dir + ".log")

    def start(self, timeout=20):
        args = [VIGIE, "serve", "--listen", f"127.0.0.1:{self.port}",
                "--data-dir", self.data_dir] + self.extra_args
        if self.config is not None:
            cfg = self.data_dir + ".yaml"
            with open(cfg, "w") as f:
                f.write(self.config)
            args += ["--config", cfg]
        env = dict(os.environ)
        env["VIGIE_API_KEYS"] = ",".join(f"{t}:{k}" for t, k in KEYS.items())
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log, env=env)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"vigie exited with {self.proc.returncode}: {self.logs()}")
            try:
                status, _, _ = self.request("GET", "/readyz", key=None)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("vigie did not become ready: " + self.logs())

    def logs(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-4000:]
        except OSError:
            return ""

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.log.close()
        return self.proc.returncode if self.proc else None

    def kill9(self):
        self.proc.kill()
        self.proc.wait()
        self.log.close()

    def cleanup(self):
        if self.own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            for suffix in (".log", ".yaml"):
                try:
                    os.remove(self.data_dir + suffix)
                except OSError:
                    pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        self.cleanup()

    def connection(self, timeout=30):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, key="acme", headers=None, conn=None):
        """Returns (status, headers dict with lowercase names, body bytes)."""
        h = dict(headers or {})
        if key is not None:
            h["Authorization"] = "Bearer " + KEYS.get(key, key)
        own = conn is None
        conn = conn or self.connection()
        try:
            if isinstance(body, str):
                body = body.encode()
            conn.request(method, path, body=body, headers=h)
            res = conn.getresponse()
            data = res.read()
            return res.status, {k.lower(): v for k, v in res.getheaders()}, data
        finally:
            if own:
                conn.close()

    def json(self, method, path, body=None, key="acme", headers=None, conn=None):
        status, hdrs, data = self.request(method, path, body, key, headers, conn)
        try:
            return status, json.loads(data) if data else None
        except ValueError:
            raise AssertionError(f"{method} {path}: not JSON ({status}): {data[:200]!r}")

    def ingest(self, lines, key="acme", content_type="application/x-ndjson"):
        body = "".join(l if isinstance(l, str) else json.dumps(l) + "\n" for l in lines)
        return self.json("POST", "/v1/mentions", body, key,
                         {"Content-Type": content_type})

    def all_mentions(self, key="acme", query="", page=1000):
        """Every mention of the tenant, following cursors."""
        out, cursor = [], None
        while True:
            q = f"/v1/mentions?limit={page}" + (f"&{query}" if query else "")
            if cursor:
                q += "&cursor=" + cursor
            status, body = self.json("GET", q, key=key)
            assert status == 200, (status, body)
            out += body["mentions"]
            cursor = body["next_cursor"]
            if not cursor:
                return out


def rfc3339_ms(text):
    """Epoch milliseconds of "2026-01-01T00:00:00.000Z"."""
    d = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return int(d.timestamp() * 1000 + 0.5)


def mention(i, t=1767225600000, **extra):
    m = {"id": f"m{i}", "text": f"Mention {i} about Borel", "created_at": t + i, "source": "twitter"}
    m.update(extra)
    return m
