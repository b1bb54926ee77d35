"""The live feed (GET /v1/stream, WebSocket) and crisis alerts over the real server: handshake
errors, live and replayed events, filters, resumption without loss across reconnects, slow and
dead consumers, the crisis and product-launch scenarios, the alert routes, determinism of a
replay, and restarts."""

import base64
import datetime
import json
import os
import random
import re
import signal
import socket
import sys
import threading
import time
import unittest

import websocket

sys.path.insert(0, os.path.dirname(__file__))
import contracts  # noqa: E402
from vigie_server import KEYS, Server, rfc3339_ms  # noqa: E402

SECOND = 1000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR
BUCKET = 5 * MINUTE
T0 = 1767225600000  # 2026-01-01T00:00:00Z, for tests that do not need the detectors


# -- helpers shared with test_webhooks.py ---------------------------------------------------

def iso(ms):
    d = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def metrics(server):
    """/metrics as {'name{labels}': value}."""
    status, _, data = server.request("GET", "/metrics", key=None)
    assert status == 200, status
    out = {}
    for line in data.decode().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def metric_families(server):
    status, _, data = server.request("GET", "/metrics", key=None)
    return {line.split()[2] for line in data.decode().splitlines() if line.startswith("# TYPE ")}


def handshake(server, query="", key="acme", upgrade=True, extra_headers=None):
    """A WebSocket upgrade request that the server is expected to refuse: (status, body)."""
    headers = {}
    if upgrade:
        headers.update({"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
                        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode()})
    headers.update(extra_headers or {})
    status, hdrs, data = server.request("GET", "/v1/stream" + (f"?{query}" if query else ""),
                                     key=key, headers=headers)
    assert status != 101, "the upgrade was accepted"
    if status == 426 and upgrade:
        assert hdrs.get("sec-websocket-version") == "13", hdrs
    try:
        return status, json.loads(data) if data else None
    except ValueError:
        raise AssertionError(f"{status}: not JSON: {data[:200]!r}")


class Feed:
    """One client of GET /v1/stream."""

    def __init__(self, server, query="", key="acme", auth="header", timeout=10, sockopt=()):
        url = f"ws://127.0.0.1:{server.port}/v1/stream"
        headers = []
        if auth == "header":
            headers.append("Authorization: Bearer " + KEYS.get(key, key))
        elif auth == "query":
            query = (query + "&" if query else "") + "access_token=" + KEYS.get(key, key)
        if query:
            url += "?" + query
        self.ws = websocket.create_connection(url, header=headers, timeout=timeout, sockopt=sockopt,
                                              skip_utf8_validation=True)
        self.close_code = None
        self.close_reason = None
        self.pings = 0

    def next(self, timeout=10):
        """The next event as a dict; None once the server closed the feed (see close_code).
        Raises websocket.WebSocketTimeoutException when nothing comes within timeout."""
        if self.close_code is not None:
            return None
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise websocket.WebSocketTimeoutException("timed out")
            self.ws.settimeout(left)
            try:
                opcode, frame = self.ws.recv_data_frame(True)
            except websocket.WebSocketConnectionClosedException:
                self.close_code = self.close_code or -1
                return None
            if opcode == websocket.ABNF.OPCODE_TEXT:
                return json.loads(frame.data)
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                data = frame.data or b""
                self.close_code = int.from_bytes(data[:2], "big") if len(data) >= 2 else 1005
                self.close_reason = data[2:].decode("utf-8", "replace")
                return None
            if opcode == websocket.ABNF.OPCODE_PING:
                self.pings += 1

    def read_until(self, pred, timeout=20, limit=1000000):
        """Events up to and including the first one for which pred is true."""
        out = []
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError(f"timed out after {len(out)} events; last: {out[-1:]}")
            try:
                e = self.next(timeout=left)
            except websocket.WebSocketTimeoutException:
                raise AssertionError(f"timed out after {len(out)} events; last: {out[-1:]}")
            if e is None:
                raise AssertionError(f"feed closed ({self.close_code} {self.close_reason!r}) "
                                     f"after {len(out)} events")
            out.append(e)
            if pred(e) or len(out) >= limit:
                return out

    def quiet(self, seconds):
        """Events that come within seconds (expecting none, usually)."""
        out = []
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                e = self.next(timeout=max(0.01, deadline - time.time()))
            except websocket.WebSocketTimeoutException:
                break
            if e is None:
                break
            out.append(e)
        return out

    def drain(self, idle=2):
        """Events until none comes for idle seconds (the replay is read) or the feed closes."""
        out = []
        try:
            while (e := self.next(timeout=idle)) is not None:
                out.append(e)
        except websocket.WebSocketTimeoutException:
            pass
        return out

    def close(self):
        try:
            self.ws.close(timeout=2)
        except Exception:  # noqa: BLE001 - already closed by the server
            pass

    def abort(self):
        """Drops the connection without a close frame."""
        self.ws.shutdown()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def is_mention(mention_id):
    return lambda e: e["type"] == "mention" and e["data"]["id"] == mention_id


def all_alerts(server, query=""):
    out, cursor = [], None
    while True:
        path = "/v1/alerts?limit=500" + (f"&{query}" if query else "") + (f"&cursor={cursor}" if cursor else "")
        status, body = server.json("GET", path)
        assert status == 200, (status, body)
        contracts.check("AlertPage", body)
        out += body["alerts"]
        cursor = body["next_cursor"]
        if not cursor:
            return out


def alert_keys(alerts):
    """What two runs of the same history must agree on, alert by alert."""
    return sorted((a["id"], a["kind"], a["started_at"], a["detected_at"], a["state"], a.get("resolved_at"))
                  for a in alerts)


def settle_alerts(server, timeout=25):
    """Waits until the server's alerts stop changing and none is open (detectors run behind
    ingest); returns them."""
    deadline = time.time() + timeout
    last = None
    while True:
        alerts = all_alerts(server)
        if alerts and alerts == last and all(a["state"] == "resolved" for a in alerts):
            return alerts
        if time.time() > deadline:
            return alerts
        last = alerts
        time.sleep(0.5)


def ingest_all(server, mentions, batch, latencies=None):
    conn = server.connection(timeout=60)
    try:
        for i in range(0, len(mentions), batch):
            chunk = mentions[i:i + batch]
            body = "".join(json.dumps(m) + "\n" for m in chunk)
            start = time.time()
            status, hdrs, data = server.request("POST", "/v1/mentions", body, conn=conn,
                                                headers={"Content-Type": "application/x-ndjson"})
            if latencies is not None:
                latencies.append(time.time() - start)
            assert status == 200, (status, data[:300])
            result = json.loads(data)
            assert result["accepted"] + result["duplicates"] == len(chunk), result
    finally:
        conn.close()


# -- the crisis scenario -------------------------------------------------------------------
#
# Three days of steady background for two brands (3 to 6 mentions per 5-minute bucket each),
# then on the fourth day a bad buzz on Borel (about x10 volume of mostly negative French and
# English text for 45 minutes) and a product launch of Kelvio (x10 volume of positive text for
# 45 minutes), then normal volume until 22:00 so that the alerts resolve. Event time is in the
# past (the watermark ignores future times), the same for every server of a run.

BASE = (int(time.time() * 1000) // DAY) * DAY - 4 * DAY
SPIKE_START = BASE + 3 * DAY + 10 * HOUR
SPIKE_END = SPIKE_START + 45 * MINUTE
LAUNCH_START = BASE + 3 * DAY + 15 * HOUR
LAUNCH_END = LAUNCH_START + 45 * MINUTE
HISTORY_END = BASE + 3 * DAY + 22 * HOUR
SPIKE_STEMS = ("scandal", "arnaq", "scam", "rembours", "refund", "boycott")

BACKGROUND = {
    "borel": ["Borel ouvre un nouveau magasin à Lyon", "J'adore Borel, super service",
              "Borel is great, love their products", "Nouvelle pub Borel à la télé ce soir",
              "Borel annonce ses résultats trimestriels", "Très bon accueil chez Borel aujourd'hui",
              "Borel sponsors the local marathon this weekend",
              "Livraison Borel un peu lente cette semaine"],  # negative: last
    "kelvio": ["Kelvio sort une mise à jour de son application", "Kelvio box works fine, good value",
               "J'utilise Kelvio depuis un an, content", "Kelvio annonce un partenariat avec une banque",
               "Kelvio en panne ce matin, nul"],
}
CRISIS = ["Scandale chez Borel, arnaque, remboursement refusé", "Borel is a scam, worst service ever",
          "Arnaque Borel : remboursement refusé, scandale total", "Borel scam again, refund refused, disgusting",
          "#BoycottBorel scandale, ils refusent le remboursement", "Quelle arnaque ce Borel, honteux, plus jamais"]
LAUNCH = ["Great new Kelvio Box, love the launch", "Kelvio lance sa nouvelle box, génial, bravo !",
          "J'adore la nouvelle Kelvio Box, au top !", "Kelvio launch is amazing, congrats to the team",
          "La nouvelle Kelvio Box est superbe, excellent travail"]
SOURCES = ["twitter", "news", "forum", "review", "blog", "mastodon"]


def crisis_history(end=HISTORY_END):
    """The scenario's mentions up to end (exclusive), in event-time order."""
    rng = random.Random(20260101)
    out = []

    def add(prefix, text, t):
        n = len(out)
        out.append({"id": f"{prefix}-{n}", "text": text, "created_at": t, "source": SOURCES[n % len(SOURCES)],
                    "author": {"id": f"u{n % 700}", "name": f"User {n % 700}",
                               "followers": rng.randint(10, 5000)}})

    for start in range(BASE, HISTORY_END, BUCKET):
        # No negative background in the two hours before the bad buzz: the anomaly starts with it.
        calm = SPIKE_START - 2 * HOUR <= start < SPIKE_START
        for watch in ("borel", "kelvio"):
            texts = BACKGROUND[watch][:-1] if calm else BACKGROUND[watch]
            for _ in range(rng.randint(3, 6)):
                add("bg", rng.choice(texts), start + rng.randrange(BUCKET))
        if SPIKE_START <= start < SPIKE_END:
            for _ in range(rng.randint(38, 46)):
                text = rng.choice(CRISIS) if rng.random() < 0.85 else rng.choice(BACKGROUND["borel"][:4])
                add("spike", text, start + rng.randrange(BUCKET))
        if LAUNCH_START <= start < LAUNCH_END:
            for _ in range(rng.randint(38, 46)):
                add("launch", rng.choice(LAUNCH), start + rng.randrange(BUCKET))
    out.sort(key=lambda m: m["created_at"])
    return [m for m in out if m["created_at"] < end]


def put_watches(server, key="acme"):
    for wid in ("borel", "kelvio"):
        status, body = server.json("PUT", f"/v1/watches/{wid}",
                                   json.dumps({"name": wid.title(), "query": wid}), key=key)
        assert status in (200, 201), (status, body)


def diagnosis(server, watch="borel", start=SPIKE_START, end=SPIKE_END):
    """What the detectors saw around a window: the alerts and the 5-minute series."""
    status, series = server.json(
        "GET", f"/v1/watches/{watch}/series?interval=5m&from={start - HOUR}&to={end + 2 * HOUR}")
    rows = [(b["start"][11:16], b["volume"], b.get("negative")) for b in (series or {}).get("buckets", [])]
    return (f"\nalerts: {json.dumps(all_alerts(server), indent=1)}\nseries {watch} "
            f"(start, volume, negative): {rows}\n")


class Collector(threading.Thread):
    """Reads a feed in the background, resuming after a close, until stopped."""

    def __init__(self, server, query):
        super().__init__(daemon=True)
        self.server, self.query = server, query
        self.events, self.closes = [], []
        self.feed = Feed(server, query)
        self.stopping = threading.Event()
        self.start()

    def run(self):
        while not self.stopping.is_set():
            try:
                e = self.feed.next(timeout=0.2)
            except websocket.WebSocketTimeoutException:
                continue
            except Exception as err:  # noqa: BLE001
                self.closes.append(repr(err))
                return
            if e is None:
                self.closes.append((self.feed.close_code, self.feed.close_reason))
                since = self.events[-1]["seq"] if self.events else None
                if since is None:
                    return
                self.feed = Feed(self.server, self.query + f"&since={since}")
                continue
            self.events.append(e)

    def stop(self):
        self.stopping.set()
        self.join(10)
        self.feed.close()
        return self.events


# -- the feed ------------------------------------------------------------------------------

class stream_test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server().start()
        put_watches(cls.server)
        cls.counter = 0

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        cls.server.cleanup()
        assert code == 0, f"vigie exited with {code} after SIGTERM"

    def uid(self, prefix):
        stream_test.counter += 1
        return f"{prefix}-{stream_test.counter}"

    def m(self, text, mid=None, t=None, **extra):
        d = {"id": mid or self.uid("s"), "text": text, "created_at": t or T0 + stream_test.counter,
             "source": "twitter"}
        d.update(extra)
        return d

    def ingest(self, mentions):
        status, body = self.server.ingest(mentions)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["accepted"], len(mentions), body)

    def test_a_watch_filtered_feed_keeps_up_after_another_watch_s_burst(self):
        """A per-brand dashboard beside a busy brand: a thousand Kelvio mentions in one batch,
        which its feed filters out, then Borel ones, each of which it gets at once."""
        with Feed(self.server, "watches=borel") as f:
            self.ingest([self.m(f"Kelvio box {i}") for i in range(1000)])
            for i in range(3):
                borel = self.m(f"Borel arnaque {i}")
                self.ingest([borel])
                got = f.read_until(is_mention(borel["id"]), timeout=10)
                self.assertTrue(all(e["data"]["id"] == borel["id"] or "borel" in e["data"]["watches"]
                                    for e in got), got[:3])

    def head(self):
        """The seq of the newest event, made known by a sentinel mention."""
        with Feed(self.server) as f:
            sentinel = self.m("borel sentinel")
            self.ingest([sentinel])
            return f.read_until(is_mention(sentinel["id"]))[-1]["seq"]

    def full_log(self, until_id):
        with Feed(self.server, "since=0") as f:
            return f.read_until(is_mention(until_id), timeout=60)

    # -- handshake ---------------------------------------------------------------------------

    def test_handshake_errors(self):
        srv = self.server
        for key in (None, "not-a-key"):
            status, body = handshake(srv, key=key)
            self.assertEqual(status, 401, body)
            contracts.check("Error", body)
            self.assertEqual(body["error"]["code"], "unauthorized")
        status, body = handshake(srv, "access_token=wrong", key=None)
        self.assertEqual(status, 401, body)
        # A header and access_token: refused, whether they name one tenant, two, or a bad key.
        for token in (KEYS["acme"], KEYS["globex"], "not-a-key-at-all"):
            status, body = handshake(srv, "access_token=" + token, key="acme")
            self.assertEqual(status, 400, (token, body))
            self.assertIn("not both", body["error"]["message"])
        # Two Authorization headers: refused, whichever is good.
        with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
            s.sendall(("GET /v1/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + base64.b64encode(os.urandom(16)).decode() +
                       f"\r\nAuthorization: Bearer {KEYS['acme']}\r\nAuthorization: Bearer {KEYS['globex']}\r\n\r\n").encode())
            self.assertTrue(s.recv(200).startswith(b"HTTP/1.1 400"))
        with self.assertRaises(websocket.WebSocketBadStatusException) as ctx:
            Feed(srv, auth=None)
        self.assertEqual(ctx.exception.status_code, 401)
        for query in ("types=bogus", "types=mention,,alert", "types=", "watches=", "foo=1", "access_token=",
                      "since=abc", "since=-1", "since=1.5", "limit=3", "watches=borel&types=alert&watches=nope"):
            status, body = handshake(srv, query)
            self.assertEqual(status, 400, (query, body))
            contracts.check("Error", body)
        for query in ("watches=nope", "watches=borel,nope"):
            status, body = handshake(srv, query)
            self.assertEqual(status, 404, (query, body))
            contracts.check("Error", body)
        # Another tenant has no watch borel.
        status, body = handshake(srv, "watches=borel", key="globex")
        self.assertEqual(status, 404, body)
        head = self.head()
        status, body = handshake(srv, f"since={head + 1}")
        self.assertEqual(status, 400, body)
        contracts.check("Error", body)
        status, body = handshake(srv, f"since={head + 1000000}")
        self.assertEqual(status, 400, body)
        # A plain GET (no Upgrade) is told to upgrade.
        status, body = handshake(srv, upgrade=False)
        self.assertEqual(status, 426, body)
        contracts.check("Error", body)
        # What the WebSocket layer itself refuses is answered in JSON too, and counted as what
        # it is, not as an upgrade.
        upgrades = metrics(srv).get('vigie_http_requests_total{method="GET",route="/v1/stream",code="101"}', 0)
        status, body = handshake(srv, extra_headers={"Sec-WebSocket-Version": "8"})
        self.assertEqual(status, 426, body)
        contracts.check("Error", body)
        for bad_key in ("", "abc", "x" * 24, base64.b64encode(os.urandom(17)).decode()):
            status, body = handshake(srv, extra_headers={"Sec-WebSocket-Key": bad_key})
            self.assertEqual(status, 400, (bad_key, body))
            contracts.check("Error", body)
        self.assertEqual(
            metrics(srv).get('vigie_http_requests_total{method="GET",route="/v1/stream",code="101"}', 0), upgrades)
        # since=head is fine: nothing to replay yet.
        with Feed(srv, f"since={head}", auth="query") as f:
            self.assertEqual(f.quiet(0.3), [])
        status, body = srv.json("GET", "/livez", key=None)
        self.assertEqual(status, 200)

    # -- live events -------------------------------------------------------------------------

    def test_live_mentions_arrive_in_order_with_enriched_data(self):
        old = self.m("Borel avant la connexion")
        self.ingest([old])
        with Feed(self.server) as f:
            batch = [
                self.m("Scandale chez Borel, arnaque, remboursement refusé", lang="fr",
                       author={"id": "a1", "name": "Zoé", "followers": 120}),
                self.m("Rien à voir avec les marques"),
                self.m("Great new Kelvio Box, love the launch", source="review"),
                self.m("Borel et Kelvio, même combat", t=iso(T0 + 5 * HOUR)),
            ]
            self.ingest(batch)
            sentinel = self.m("borel sentinel")
            self.ingest([sentinel])
            events = f.read_until(is_mention(sentinel["id"]))
        seqs = [e["seq"] for e in events]
        self.assertEqual(seqs, list(range(seqs[0], seqs[0] + len(seqs))), "seq must grow by one, no gap")
        self.assertEqual([e["type"] for e in events], ["mention"] * 4)
        by_id = {e["data"]["id"]: e["data"] for e in events}
        self.assertNotIn(old["id"], by_id, "a feed without since starts at the head")
        self.assertNotIn(batch[1]["id"], by_id, "a mention that matches no watch is no event")
        self.assertEqual([e["data"]["id"] for e in events],
                         [batch[0]["id"], batch[2]["id"], batch[3]["id"], sentinel["id"]])
        for e in events:
            contracts.check("StreamEvent", e)
            contracts.check("EnrichedMention", e["data"])
        crisis = by_id[batch[0]["id"]]
        self.assertEqual(crisis["text"], batch[0]["text"])
        self.assertEqual(crisis["created_at"], iso(batch[0]["created_at"]))
        self.assertEqual(crisis["source"], "twitter")
        self.assertEqual(crisis["lang"], "fr")
        self.assertEqual(crisis["sentiment"]["label"], "negative")
        self.assertLess(crisis["sentiment"]["score"], 0)
        self.assertEqual(crisis["watches"], ["borel"])
        self.assertEqual(crisis["author"]["name"], "Zoé")
        self.assertLess(abs(rfc3339_ms(crisis["ingested_at"]) - time.time() * 1000), 60000)
        launch = by_id[batch[2]["id"]]
        self.assertEqual((launch["source"], launch["sentiment"]["label"], launch["watches"]),
                         ("review", "positive", ["kelvio"]))
        both = by_id[batch[3]["id"]]
        self.assertEqual(sorted(both["watches"]), ["borel", "kelvio"])
        self.assertEqual(both["created_at"], iso(T0 + 5 * HOUR))

    def test_duplicates_are_no_new_event(self):
        first = self.m("Borel encore")
        self.ingest([first])
        with Feed(self.server) as f:
            status, body = self.server.ingest([first, first])
            self.assertEqual(body["duplicates"], 2, body)
            sentinel = self.m("borel sentinel")
            self.ingest([sentinel])
            events = f.read_until(is_mention(sentinel["id"]))
        self.assertEqual([e["data"]["id"] for e in events], [sentinel["id"]])

    def test_filters_by_watch_and_type(self):
        feeds = {
            "kelvio": Feed(self.server, "watches=kelvio"),
            "borel_mentions": Feed(self.server, "watches=borel&types=mention"),
            "both": Feed(self.server, "watches=kelvio,borel"),
            "findings": Feed(self.server, "types=alert,signal"),
            "all": Feed(self.server, auth="query"),
        }
        try:
            batch = [self.m("Borel seul"), self.m("Kelvio seul"), self.m("Borel et Kelvio"),
                     self.m("Ni l'un ni l'autre"), self.m("borel, toujours"), self.m("kelvio, toujours")]
            self.ingest(batch)
            sentinel = self.m("Borel and Kelvio sentinel")
            self.ingest([sentinel])
            got = {name: f.read_until(is_mention(sentinel["id"]))
                   for name, f in feeds.items() if name != "findings"}
            findings = feeds["findings"].quiet(1.0)
        finally:
            for f in feeds.values():
                f.close()
        ids = lambda events: [e["data"]["id"] for e in events]  # noqa: E731
        b = [m["id"] for m in batch]
        self.assertEqual(ids(got["all"]), [b[0], b[1], b[2], b[4], b[5], sentinel["id"]])
        self.assertEqual(ids(got["kelvio"]), [b[1], b[2], b[5], sentinel["id"]])
        self.assertEqual(ids(got["borel_mentions"]), [b[0], b[2], b[4], sentinel["id"]])
        self.assertEqual(ids(got["both"]), ids(got["all"]))
        self.assertEqual([e for e in findings if e["type"] == "mention"], [],
                         "types=alert,signal must not get mentions")
        # seq is the event's number for every client: a filtered client sees a subsequence.
        by_seq = {e["seq"]: e["data"]["id"] for e in got["all"]}
        for name, events in got.items():
            seqs = [e["seq"] for e in events]
            self.assertEqual(seqs, sorted(set(seqs)), name)
            for e in events:
                self.assertEqual(by_seq.get(e["seq"]), e["data"]["id"], name)
        for e in got["kelvio"]:
            self.assertIn("kelvio", e["data"]["watches"])

    # -- since ---------------------------------------------------------------------------------

    def test_since_replays_exactly_the_missed_events(self):
        h0 = self.head()
        first = [self.m("Borel un"), self.m("Kelvio deux"), self.m("rien"), self.m("Borel Kelvio trois")]
        self.ingest(first)
        # A client reads part of the feed, then goes away.
        with Feed(self.server, f"since={h0}") as f:
            seen = f.read_until(lambda e: False, limit=2)
        last = seen[-1]["seq"]
        missed = [self.m(f"Borel manqué {i}") if i % 3 else self.m(f"Kelvio manqué {i}") for i in range(30)]
        self.ingest(missed[:10])
        self.ingest(missed[10:])
        sentinel = self.m("borel sentinel")
        self.ingest([sentinel])
        with Feed(self.server, f"since={last}") as f:
            resumed = f.read_until(is_mention(sentinel["id"]))
        log = self.full_log(sentinel["id"])
        self.assertEqual([e["seq"] for e in log], list(range(1, len(log) + 1)), "the log has gaps")
        self.assertEqual(resumed, [e for e in log if e["seq"] > last])
        self.assertEqual(seen, [e for e in log if h0 < e["seq"] <= last])
        want = [m["id"] for m in first if m["text"] != "rien"] + [m["id"] for m in missed] + [sentinel["id"]]
        self.assertEqual([e["data"]["id"] for e in log if e["seq"] > h0], want)
        # Filters apply to the replay too.
        with Feed(self.server, f"since={h0}&watches=kelvio&types=mention") as f:
            kelvio = f.read_until(lambda e: e["data"]["id"] == missed[-3]["id"])
        self.assertEqual(kelvio, [e for e in log if h0 < e["seq"] <= kelvio[-1]["seq"]
                                  and "kelvio" in e["data"]["watches"]])
        # Replayed, then live, on the same connection.
        with Feed(self.server, f"since={last}") as f:
            replayed = f.read_until(is_mention(sentinel["id"]))
            more = self.m("Borel après le replay")
            self.ingest([more])
            live = f.read_until(is_mention(more["id"]))
        self.assertEqual(replayed, resumed)
        self.assertEqual([e["seq"] for e in live], [resumed[-1]["seq"] + 1])

    def test_100_reconnects_lose_nothing(self):
        """Acceptance: zero missed or duplicated events across 100 reconnects during ingest."""
        h0 = self.head()
        stop, sent, errors = threading.Event(), [], []

        def writer():
            conn = self.server.connection(timeout=30)
            n = 0
            try:
                while not stop.is_set():
                    batch = []
                    for i in range(20):
                        mid = f"rc-{n}"
                        n += 1
                        text = "Rien à signaler" if i % 4 == 3 else ("Borel" if i % 2 else "Kelvio") + f" numéro {n}"
                        batch.append({"id": mid, "text": text, "created_at": T0 + n, "source": "forum"})
                    body = "".join(json.dumps(x) + "\n" for x in batch)
                    status, _, data = self.server.request("POST", "/v1/mentions", body, conn=conn,
                                                          headers={"Content-Type": "application/x-ndjson"})
                    if status != 200 or json.loads(data)["accepted"] != len(batch):
                        errors.append((status, data[:200]))
                        return
                    sent.extend(x["id"] for x in batch if x["text"] != "Rien à signaler")
                    time.sleep(0.002)
            finally:
                conn.close()

        t = threading.Thread(target=writer)
        t.start()
        rng = random.Random(100)
        received, since, styles = [], h0, {"close": 0, "abort": 0}
        try:
            for i in range(100):
                f = Feed(self.server, f"since={since}")
                want = rng.choice([0, 1, 3, 10, 40, 120])
                got = f.read_until(lambda e: False, limit=want, timeout=20) if want else []
                received += got
                if got:
                    since = got[-1]["seq"]
                style = rng.choice(["close", "abort"])
                styles[style] += 1
                f.close() if style == "close" else f.abort()
        finally:
            stop.set()
            t.join()
        self.assertEqual(errors, [])
        sentinel = self.m("borel sentinel")
        self.ingest([sentinel])
        with Feed(self.server, f"since={since}") as f:
            received += f.read_until(is_mention(sentinel["id"]), timeout=60)
        seqs = [e["seq"] for e in received]
        self.assertEqual(len(seqs), len(set(seqs)), "an event was sent twice")
        self.assertEqual(seqs, list(range(h0 + 1, seqs[-1] + 1)), "an event was missed")
        got_ids = [e["data"]["id"] for e in received if e["data"]["id"].startswith("rc-")]
        self.assertEqual(len(got_ids), len(set(got_ids)))
        self.assertEqual(set(got_ids), set(sent))
        self.assertGreater(len(sent), 500, "too little was ingested during the reconnects")
        self.assertGreater(since, h0 + 200, "the reconnects did not follow the ingest")

    # -- observability -------------------------------------------------------------------------

    def test_metrics(self):
        before = metrics(self.server)
        with Feed(self.server) as f:
            sessions = metrics(self.server).get("vigie_stream_sessions")
            mentions = [self.m(f"Borel métrique {i}") for i in range(5)]
            self.ingest(mentions)
            f.read_until(is_mention(mentions[-1]["id"]))
            after = metrics(self.server)
        self.assertGreaterEqual(sessions, 1)
        sent = "vigie_stream_events_sent_total"
        self.assertGreaterEqual(after[sent] - before.get(sent, 0), 5)
        families = metric_families(self.server)
        for name in ("vigie_stream_sessions", "vigie_stream_events_sent_total",
                     "vigie_stream_slow_consumer_closes_total", "vigie_alert_transitions_total",
                     "vigie_signals_total", "vigie_webhook_deliveries_total", "vigie_webhook_retries_total",
                     "vigie_webhook_pending"):
            self.assertIn(name, families)
        # The session closed: the gauge comes back down.
        for _ in range(50):
            if metrics(self.server)["vigie_stream_sessions"] < sessions:
                break
            time.sleep(0.05)
        self.assertLess(metrics(self.server)["vigie_stream_sessions"], sessions)


# -- slow consumers and retention -----------------------------------------------------------

SLOW_CONFIG = """
stream:
  max_queued_events: 16
pipeline:
  event_retention: 1000
"""


class slow_consumer_test(unittest.TestCase):
    """A client that stops reading while a burst of events goes out: it must not slow ingest
    nor the other clients, and the server closes it with 4008 instead of queueing forever."""

    BURST = 3000
    BATCH = 8

    @classmethod
    def setUpClass(cls):
        cls.server = Server(config=SLOW_CONFIG).start()
        put_watches(cls.server)
        srv = cls.server
        # The slow client: a tiny receive buffer, and it does not read during the burst.
        cls.slow = Feed(srv, sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
        # A healthy client, reading all along (and resuming if it is closed too).
        cls.fast = Collector(srv, "types=mention,alert,signal")
        # Big events (about 3 KB each, 7 MB in all), so that the burst is more than the kernel's
        # socket buffers can hide (4 MB at most for the server's send buffer).
        filler = " ".join(f"mot{i}" for i in range(500))
        mentions = [{"id": f"b{i}", "text": (f"Borel rafale {i} " if i % 5 else f"rien {i} ") + filler,
                     "created_at": T0 + i, "source": "twitter"} for i in range(cls.BURST)]
        cls.sentinel = {"id": "sentinel", "text": "Borel sentinel", "created_at": T0 + cls.BURST,
                        "source": "twitter"}
        cls.latencies = []
        ingest_all(srv, mentions + [cls.sentinel], cls.BATCH, cls.latencies)
        cls.matching = [m["id"] for m in mentions if m["text"].startswith("Borel")] + ["sentinel"]
        deadline = time.time() + 30
        while time.time() < deadline and not any(e["data"].get("id") == "sentinel" for e in cls.fast.events[-5:]):
            time.sleep(0.1)
        cls.fast.stop()

    @classmethod
    def tearDownClass(cls):
        cls.slow.abort()
        code = cls.server.stop()
        cls.server.cleanup()
        assert code == 0, f"vigie exited with {code} after SIGTERM"

    def test_other_clients_get_everything_and_ingest_stays_fast(self):
        events = self.fast.events
        seqs = [e["seq"] for e in events]
        self.assertEqual(seqs, sorted(set(seqs)), "duplicate or disordered events")
        self.assertEqual(seqs, list(range(seqs[0], seqs[-1] + 1)), "missed events")
        self.assertEqual([e["data"]["id"] for e in events if e["type"] == "mention"], self.matching)
        lat = sorted(self.latencies)
        self.assertLess(lat[len(lat) // 2], 0.5, f"median POST latency {lat[len(lat) // 2]:.3f}s")
        self.assertLess(lat[-1], 5.0, f"slowest POST {lat[-1]:.3f}s")

    def test_slow_consumer_is_closed_with_4008_and_resumes(self):
        received = []
        while True:
            try:
                e = self.slow.next(timeout=15)
            except websocket.WebSocketTimeoutException:
                self.fail(f"the slow client was never closed: got {len(received)} events, "
                          f"last {received[-1:]} (expected close code 4008)")
            if e is None:
                break
            received.append(e)
        self.assertEqual(self.slow.close_code, 4008, (self.slow.close_reason, len(received)))
        match = re.fullmatch(r"slow consumer: resume with since=(\d+)", self.slow.close_reason)
        self.assertTrue(match, self.slow.close_reason)
        since = int(match.group(1))
        self.assertEqual(since, received[-1]["seq"] if received else since,
                         "since= must name the last event the client was sent")
        self.assertLess(len(received), len(self.matching), "it was not closed before the end of the burst")
        with Feed(self.server, f"since={since}") as f:
            received += f.read_until(is_mention("sentinel"), timeout=30)
        seqs = [e["seq"] for e in received]
        self.assertEqual(seqs, list(range(seqs[0], seqs[-1] + 1)))
        self.assertEqual([e["data"]["id"] for e in received if e["type"] == "mention"], self.matching)
        self.assertGreaterEqual(metrics(self.server)["vigie_stream_slow_consumer_closes_total"], 1)

    def test_a_burst_larger_than_the_queue_reaches_a_client_that_keeps_up(self):
        """max_queued_events bounds how far behind a client may fall, not one group commit: a
        client that reads along takes a batch of more matching mentions than the queue holds."""
        burst = [{"id": f"big{i}", "text": f"Borel gros lot {i}", "created_at": T0 + 10000 + i, "source": "twitter"}
                 for i in range(40)]  # more than SLOW_CONFIG's 16
        with Feed(self.server, "types=mention") as f:
            status, body = self.server.ingest(burst)
            self.assertEqual(body["accepted"], len(burst), body)
            got = f.read_until(is_mention("big39"), timeout=30)
            self.assertEqual([e["data"]["id"] for e in got][-len(burst):], [m["id"] for m in burst])
            self.assertIsNone(f.close_code)

    def test_since_before_retention_is_gone(self):
        srv = self.server
        status, body = srv.json("PUT", "/v1/watches/w", json.dumps({"query": "globex"}), key="globex")
        self.assertIn(status, (200, 201), body)
        mentions = [{"id": f"g{i}", "text": f"Globex {i}", "created_at": T0 + i} for i in range(4200)]
        for i in range(0, len(mentions), 1050):
            status, body = srv.ingest(mentions[i:i + 1050], key="globex")
            self.assertEqual(body["accepted"], 1050, body)
        status, body = handshake(srv, "since=10", key="globex")
        self.assertEqual(status, 410, body)
        contracts.check("Error", body)
        # Recent enough is fine, and replays from there.
        with Feed(srv, "since=4190", key="globex") as f:
            events = f.read_until(lambda e: e["data"]["id"] == "g4199")
        self.assertEqual([e["seq"] for e in events], list(range(4191, 4201)))
        self.assertEqual(events[0]["data"]["id"], "g4190")
        # Retention is per tenant: acme's log is whole.
        with Feed(srv, "since=0") as f:
            first = f.read_until(lambda e: True, limit=1)
        self.assertEqual(first[0]["seq"], 1)


TRIM_CONFIG = """
stream:
  max_queued_events: 1000000
pipeline:
  event_retention: 1000
"""


class trimmed_replay_test(unittest.TestCase):
    """A since= replay that retention overtakes: the client learns it (close 4010), it is not
    handed a feed with a hole in it."""

    def test_replay_overtaken_by_retention_is_closed_with_4010(self):
        srv = Server(config=TRIM_CONFIG).start()
        try:
            put_watches(srv)
            filler = " ".join(f"mot{i}" for i in range(500))  # about 3 KB an event
            batch = lambda lo, hi: [{"id": f"t{i}", "text": f"Borel {i} {filler}", "created_at": T0 + i,
                                     "source": "twitter"} for i in range(lo, hi)]
            ingest_all(srv, batch(0, 1500), 500)
            # From the first event, with a tiny receive buffer, and not reading: the replay stalls
            # a few thousand events in, while ingest goes on and retention trims past it.
            slow = Feed(srv, "since=0", sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
            ingest_all(srv, batch(1500, 10500), 500)
            received = []
            while True:
                try:
                    e = slow.next(timeout=10)
                except websocket.WebSocketTimeoutException:
                    break  # still open once the log is read: checked below
                if e is None:
                    break
                received.append(e)
            seqs = [e["seq"] for e in received]
            self.assertEqual(seqs, list(range(1, len(seqs) + 1)), "a hole in the feed")
            self.assertEqual(slow.close_code, 4010, (slow.close_reason, len(received)))
            self.assertIn(f"since={seqs[-1] if seqs else 0} are no longer kept", slow.close_reason)
        finally:
            srv.stop()
            srv.cleanup()


class shutdown_test(unittest.TestCase):
    def test_a_stopping_server_closes_its_feeds_with_1001_and_where_to_resume(self):
        """Dashboards tell a restart from a network failure, and resume without a hole."""
        srv = Server().start()
        try:
            put_watches(srv)
            ingest_all(srv, [{"id": f"s{i}", "text": f"Borel {i}", "created_at": T0 + i, "source": "twitter"}
                             for i in range(20)], 20)
            feed = Feed(srv, "since=0")
            got = feed.read_until(is_mention("s19"))
            srv.proc.send_signal(signal.SIGTERM)
            self.assertIsNone(feed.next(timeout=10))
            self.assertEqual(feed.close_code, 1001, feed.close_reason)
            self.assertEqual(feed.close_reason, f"server stopping: resume with since={got[-1]['seq']}")
            self.assertEqual(srv.proc.wait(30), 0)
        finally:
            srv.stop()
            srv.cleanup()


    def test_a_quiet_watch_feed_is_told_to_resume_past_the_mentions_it_did_not_take(self):
        """A dashboard on a quiet brand, beside a busy one: the seq it is told to resume from is
        past everything the feed looked at, not its last mention, which the busy brand's
        mentions have pushed out of the log by the restart (resuming from it got 410)."""
        srv = Server(config="pipeline:\n  event_retention: 1000\n").start()
        try:
            put_watches(srv)
            quiet = Feed(srv, "watches=borel&types=mention")
            everything = Feed(srv, "types=mention")
            ingest_all(srv, [{"id": "b1", "text": "Borel ouvre", "created_at": T0, "source": "twitter"}], 1)
            borel_seq = quiet.read_until(is_mention("b1"))[-1]["seq"]
            ingest_all(srv, [{"id": f"k{i}", "text": f"Kelvio {i}", "created_at": T0 + i, "source": "twitter"}
                             for i in range(6000)], 1000)
            last_seq = everything.read_until(is_mention("k5999"))[-1]["seq"]
            time.sleep(1)  # the quiet feed looks at them too
            srv.proc.send_signal(signal.SIGTERM)
            self.assertIsNone(quiet.next(timeout=10))
            self.assertEqual(quiet.close_reason, f"server stopping: resume with since={last_seq}")
            self.assertEqual(srv.proc.wait(30), 0)
            srv.start()
            status, body = handshake(srv, f"watches=borel&types=mention&since={borel_seq}")
            self.assertEqual(status, 410, body)  # the log no longer goes back to its last mention
            with Feed(srv, f"watches=borel&types=mention&since={last_seq}") as f:
                ingest_all(srv, [{"id": "b2", "text": "Borel encore", "created_at": T0 + 9000, "source": "twitter"}], 1)
                self.assertEqual([e["data"]["id"] for e in f.read_until(is_mention("b2"))], ["b2"])
        finally:
            srv.stop()
            srv.cleanup()


class alert_feed_retention_test(unittest.TestCase):
    def test_an_alert_feed_gets_its_alerts_when_the_log_has_dropped_the_mentions_between(self):
        """A feed without mentions is not sent the mention events: a gap in seq is those, not
        events to read back from a log that may no longer hold them (it was closed with 4010)."""
        srv = Server(config="pipeline:\n  event_retention: 1000\n").start()
        try:
            put_watches(srv)
            with Feed(srv, "types=alert") as f:
                ingest_all(srv, crisis_history(), 500)  # thousands of mention events: trimmed
                alerts = settle_alerts(srv)
                self.assertTrue(alerts)
                last = {}
                deadline = time.time() + 20
                while any(last.get(a["id"]) != a["state"] for a in alerts) and time.time() < deadline:
                    e = f.next(timeout=max(0.1, deadline - time.time()))
                    self.assertIsNotNone(e, (f.close_code, f.close_reason))
                    last[e["data"]["id"]] = e["data"]["state"]
                self.assertEqual(last, {a["id"]: a["state"] for a in alerts})
        finally:
            srv.stop()
            srv.cleanup()


    def test_an_alert_feed_resumes_from_an_alert_that_mentions_have_since_pushed_out_of_the_event_log(self):
        """The crisis channel of a busy brand: its dashboard resumes with since= its last alert,
        while a million mentions have gone by since. Alerts and signals are kept in a log of
        their own: the feed resumes, after a restart too (it was refused with 410)."""
        srv = Server(config="pipeline:\n  event_retention: 1000\n").start()
        try:
            put_watches(srv)
            ingest_all(srv, crisis_history(), 500)
            # Then the mentions of a watch in its first day (too young for alerts), more than the
            # event log keeps.
            status, body = srv.json("PUT", "/v1/watches/other", json.dumps({"name": "Other", "query": "zzother"}))
            self.assertIn(status, (200, 201), body)
            ingest_all(srv, [{"id": f"other{i}", "text": f"zzother {i}", "created_at": HISTORY_END + 10000 * i,
                              "source": "forum"} for i in range(6000)], 1000)
            alerts = settle_alerts(srv)
            self.assertTrue(alerts)
            final = {a["id"]: a["state"] for a in alerts}

            def replay(query):
                with Feed(srv, query) as f:
                    events = f.drain()
                    self.assertIsNone(f.close_code, f.close_reason)
                    return events

            everything = replay("types=alert&since=0")
            self.assertEqual({e["type"] for e in everything}, {"alert"})
            seqs = [e["seq"] for e in everything]
            self.assertEqual(seqs, sorted(set(seqs)))
            last = {}
            for e in everything:
                last[e["data"]["id"]] = e["data"]["state"]
            self.assertEqual(last, final)
            first_seq = seqs[0]
            # Mentions are gone from the event log: a feed of mentions cannot resume from there.
            status, body = handshake(srv, f"since={first_seq}")
            self.assertEqual(status, 410, body)
            self.assertEqual(replay(f"types=alert&since={first_seq}"), everything[1:])
            self.assertEqual(replay(f"types=alert,signal&since={seqs[-1]}"), [])
            srv.stop()
            srv.start()
            self.assertEqual(replay(f"types=alert&since={first_seq}"), everything[1:])
        finally:
            srv.stop()
            srv.cleanup()


    def test_an_alert_feed_further_behind_than_the_findings_log_keeps_is_told(self):
        srv = Server(config="pipeline:\n  event_retention: 1000\n  finding_retention: 10\n").start()
        try:
            put_watches(srv)
            ingest_all(srv, crisis_history(), 500)
            self.assertTrue(settle_alerts(srv))
            status, body = handshake(srv, "types=alert,signal&since=0")
            self.assertEqual(status, 410, body)
            self.assertIn("alerts and signals after since=0 are no longer kept", body["error"]["message"])
        finally:
            srv.stop()
            srv.cleanup()

    def test_the_findings_log_keeps_its_newest_findings_when_one_write_adds_more_than_it_keeps(self):
        """25 watches of one brand: a detector pass adds dozens of alerts in one write, more than
        finding_retention. The newest ones stay (retention dropped the write's own findings)."""
        srv = Server(config="pipeline:\n  event_retention: 1000\n  finding_retention: 10\n").start()
        try:
            for i in range(25):
                status, body = srv.json("PUT", f"/v1/watches/b{i:02d}", json.dumps({"query": "borel"}))
                self.assertIn(status, (200, 201), body)
            with Feed(srv, "types=alert,signal") as live:
                ingest_all(srv, crisis_history(), 500)
                self.assertTrue(settle_alerts(srv))
                seqs = [e["seq"] for e in live.drain(idle=3)]
            self.assertGreater(len(seqs), 20)
            with Feed(srv, f"types=alert,signal&since={seqs[-11]}") as f:
                self.assertEqual([e["seq"] for e in f.drain()], seqs[-10:], (f.close_code, f.close_reason))
            status, body = handshake(srv, f"types=alert,signal&since={seqs[-12]}")
            self.assertEqual(status, 410, body)
        finally:
            srv.stop()
            srv.cleanup()


HEARTBEAT_CONFIG = """
stream:
  max_queued_events: 16
  idle_timeout_seconds: 2
"""


class talking_non_reader_test(unittest.TestCase):
    def test_a_client_that_sends_but_never_reads_is_dropped(self):
        """A frozen dashboard tab whose heartbeat still goes out: its frames keep the
        connection from idling out, but once it is closed as a slow consumer and the frame
        being written never leaves, the connection is dropped after the idle timeout."""
        srv = Server(config=HEARTBEAT_CONFIG).start()
        stop = threading.Event()
        try:
            put_watches(srv)
            feed = Feed(srv, sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
            def heartbeat():
                while not stop.wait(0.3):
                    try:
                        feed.ws.send("ping")
                    except Exception:
                        return
            beat = threading.Thread(target=heartbeat, daemon=True)
            beat.start()
            filler = " ".join(f"mot{i}" for i in range(500))  # about 3 KB an event, 9 MB in all
            ingest_all(srv, [{"id": f"h{i}", "text": f"Borel {i} {filler}", "created_at": T0 + i,
                              "source": "twitter"} for i in range(3000)], 100)
            deadline = time.time() + 30
            while time.time() < deadline and metrics(srv)["vigie_stream_sessions"] > 0:
                time.sleep(0.2)
            self.assertEqual(metrics(srv)["vigie_stream_sessions"], 0, "the non-reader is still connected")
            self.assertGreaterEqual(metrics(srv)["vigie_stream_slow_consumer_closes_total"], 1)
        finally:
            stop.set()
            srv.stop()
            srv.cleanup()


IDLE_CONFIG = """
stream:
  idle_timeout_seconds: 2
"""


class idle_timeout_test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(config=IDLE_CONFIG).start()
        put_watches(cls.server)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.cleanup()

    def sessions(self, want):
        """The vigie_stream_sessions gauge, once it reads want (or after 3 s)."""
        for _ in range(60):
            n = metrics(self.server)["vigie_stream_sessions"]
            if n == want:
                break
            time.sleep(0.05)
        return n

    def test_dead_peer_is_closed_live_peer_is_kept(self):
        srv = self.server
        # A peer that completes the handshake and then never answers anything (no pong).
        dead = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        dead.sendall((f"GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                      f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                      f"Authorization: Bearer {KEYS['acme']}\r\n\r\n").encode())
        self.assertTrue(dead.recv(4096).startswith(b"HTTP/1.1 101"))
        live = Feed(srv)
        self.assertEqual(self.sessions(2), 2)
        start = time.time()
        self.assertEqual(live.quiet(5.0), [])  # answers the pings meanwhile
        self.assertGreaterEqual(live.pings, 1, "no keep-alive ping in 5 s with a 2 s idle timeout")
        # The dead peer was dropped; the live one was not.
        dead.settimeout(max(0.1, 8 - (time.time() - start)))
        data = b""
        try:
            while True:
                chunk = dead.recv(4096)
                if not chunk:
                    break
                data += chunk
        except ConnectionResetError:
            pass
        except socket.timeout:
            self.fail("the dead peer is still connected")
        dead.close()
        self.assertEqual(self.sessions(1), 1)
        srv.ingest([{"id": "after-idle", "text": "Borel toujours là", "created_at": T0}])
        self.assertEqual(live.read_until(is_mention("after-idle"))[-1]["data"]["id"], "after-idle")
        live.close()


# -- weak signals ------------------------------------------------------------------------------
#
# Five-minute signal windows, so that the detector's warm-up (48 windows) and history fit in a
# short test: 14 hours of steady Borel background from hundreds of accounts, and from hour 9 a
# new complaint, chargers that overheat, that doubles every 40 minutes.

SIGNAL_CONFIG = """
detectors:
  signal_window_seconds: 300
"""
SIGNAL_BASE = (int(time.time() * 1000) // DAY) * DAY - 2 * DAY
SIGNAL_ONSET = SIGNAL_BASE + 9 * HOUR
SIGNAL_END = SIGNAL_BASE + 14 * HOUR
SIGNAL_BACKGROUND = [
    "Borel ouvre un nouveau magasin à {city}", "J'adore Borel, super service à {city}",
    "Borel is great, love their {product}", "Nouvelle pub Borel pour le {product} ce soir",
    "Livraison Borel du {product} reçue à {city}", "Très bon accueil chez Borel {city} aujourd'hui",
    "Borel {product} on sale this weekend", "Avis sur le {product} Borel ? Je compare",
]
SIGNAL_WORDS = {"city": ["Lyon", "Lille", "Nantes", "Paris", "Rennes", "Toulouse"],
                "product": ["casque", "téléphone", "ordinateur", "routeur", "montre", "enceinte"]}
SIGNAL_EMERGING = ["Mon chargeur Borel surchauffe, c'est normal ?", "Le chargeur Borel surchauffe encore",
                   "Attention, chargeur Borel qui surchauffe", "Chargeur Borel en SURCHAUFFE, il a fondu",
                   "Quelqu'un d'autre a un chargeur Borel qui surchauffe ?"]


def signal_history():
    rng = random.Random(20261123)
    out = []
    for start in range(SIGNAL_BASE, SIGNAL_END + HOUR, BUCKET):
        n = len(out)
        for _ in range(rng.randint(8, 12)):
            text = rng.choice(SIGNAL_BACKGROUND).format(**{k: rng.choice(v) for k, v in SIGNAL_WORDS.items()})
            out.append({"id": f"bg-{len(out)}", "text": text, "source": "twitter", "lang": "fr",
                        "created_at": start + rng.randrange(BUCKET), "author": {"id": f"u{rng.randrange(400)}"}})
        if SIGNAL_ONSET <= start < SIGNAL_END:
            k = (start - SIGNAL_ONSET) // BUCKET
            for _ in range(min(12, int(2 ** (k / 8)))):
                out.append({"id": f"hot-{len(out)}", "text": rng.choice(SIGNAL_EMERGING), "source": "forum",
                            "lang": "fr", "created_at": start + rng.randrange(BUCKET),
                            "author": {"id": f"w{rng.randrange(1000)}"}})
        assert len(out) > n
    out.sort(key=lambda m: m["created_at"])
    return out


class weak_signal_test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(config=SIGNAL_CONFIG).start()
        put_watches(cls.server)
        cls.history = signal_history()
        cls.feed = Collector(cls.server, "types=signal")
        ingest_all(cls.server, cls.history, 500)
        deadline = time.time() + 25
        cls.signals = []
        while time.time() < deadline:
            status, body = cls.server.json("GET", "/v1/watches/borel/signals?limit=500")
            assert status == 200, body
            cls.signals = body["signals"]
            if any(s["term"] == "surchauff" for s in cls.signals):
                break
            time.sleep(0.3)
        time.sleep(0.5)
        cls.events = cls.feed.stop()

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        cls.server.cleanup()
        assert code == 0, f"vigie exited with {code} after SIGTERM"

    def test_the_new_complaint_is_a_signal_shown_as_written(self):
        terms = {s["term"]: s for s in self.signals}
        self.assertIn("surchauff", terms, f"signals: {sorted(terms)}")
        s = terms["surchauff"]
        contracts.check("Signal", s)
        # The stem is the detector's key; the label is how the mentions write it.
        self.assertEqual(s["label"], "surchauffe", s)
        self.assertGreaterEqual(rfc3339_ms(s["detected_at"]), SIGNAL_ONSET)
        self.assertLess(rfc3339_ms(s["detected_at"]), SIGNAL_END)
        self.assertGreater(s["growth"], 1)
        for other in self.signals:
            # Only the new complaint's words grew; the background is steady.
            self.assertTrue(any(other["label"].lower() in m["text"].lower() for m in self.history
                                if m["id"].startswith("hot-")), other)

    def test_a_new_signal_window_resets_the_signal_detector_with_a_warning(self):
        """Detector state checkpointed with one signal window cannot go on with another: the
        watch's signal detector starts afresh, and the log says so, naming the watch. The
        detector gauges are live before any checkpoint."""
        config = SIGNAL_CONFIG + "  checkpoint_interval_seconds: 86400\n"  # only a clean stop checkpoints
        first = len(self.history) // 2
        srv = Server(config=config).start()
        try:
            put_watches(srv)
            ingest_all(srv, self.history[:first], 500)
            deadline = time.time() + 5
            while time.time() < deadline and metrics(srv).get("vigie_detector_watches", 0) < 1:
                time.sleep(0.2)
            self.assertGreaterEqual(metrics(srv).get("vigie_detector_watches", 0), 1, "gauge before a checkpoint")
            self.assertGreater(metrics(srv).get("vigie_detector_state_bytes", 0), 0)
            self.assertEqual(srv.stop(), 0)
            self.assertNotIn("detector state not restored", srv.logs())
            srv.config = config.replace("signal_window_seconds: 300", "signal_window_seconds: 600")
            srv.start()
            logs = srv.logs()
            self.assertIn("detector state not restored", logs)
            self.assertIn('"watch":"borel"', logs)
            self.assertIn("window_ms", logs)
            ingest_all(srv, self.history[first:], 500)
            status, body = srv.json("GET", "/v1/watches/borel/signals?limit=500")
            self.assertEqual(status, 200, body)
        finally:
            srv.stop()
            srv.cleanup()

    def test_batching_does_not_change_the_signals(self):
        """The same history in batches of 37, in one go, or in batches of 300 each sent newest
        first (as many sources list them): event time moves mention by mention. And with a
        lateness of three signal windows and buckets twice as long as them, the same terms and
        levels: signal windows close on their own boundaries and take mentions as far ahead as
        the lateness allows (the counts differ: a window is judged with later mentions in)."""
        def keys(signals):
            return sorted((x["term"], x["level"], x["detected_at"], x["first_seen"], x["count"]) for x in signals)
        newest_first = [m for i in range(0, len(self.history), 300) for m in reversed(self.history[i:i + 300])]
        late = SIGNAL_CONFIG + "  allowed_lateness_seconds: 900\n  bucket_seconds: 600\n"
        for history, batch, config in ((self.history, 37, SIGNAL_CONFIG), (self.history, len(self.history), SIGNAL_CONFIG),
                                       (newest_first, 300, SIGNAL_CONFIG), (self.history, 500, late)):
            with Server(config=config) as other:
                put_watches(other)
                ingest_all(other, history, batch)
                same = keys if config == SIGNAL_CONFIG else (lambda signals: sorted((x["term"], x["level"]) for x in signals))
                deadline, got = time.time() + 20, []
                while time.time() < deadline:
                    status, body = other.json("GET", "/v1/watches/borel/signals?limit=500")
                    got = body["signals"]
                    if same(got) == same(self.signals):
                        break
                    time.sleep(0.3)
                self.assertEqual(same(got), same(self.signals), f"batches of {batch}, config {config}")

    def test_a_first_mention_from_a_wrong_clock_does_not_blind_the_watch(self):
        """A mention dated far ahead (past max_future_seconds) does not move event time; as the
        first mention of a watch it must not set the watch's signal clock either, or every
        real mention after it would be judged late: the same signals as without it."""
        def keys(signals):
            return sorted((x["term"], x["level"], x["detected_at"], x["first_seen"], x["count"]) for x in signals)
        ahead = {"id": "ahead", "text": "Borel vu du futur", "source": "twitter", "lang": "fr",
                 "created_at": int(time.time() * 1000) + 2 * DAY, "author": {"id": "clock"}}
        with Server(config=SIGNAL_CONFIG) as other:
            put_watches(other)
            ingest_all(other, [ahead], 1)
            ingest_all(other, self.history, 500)
            deadline, got = time.time() + 20, []
            while time.time() < deadline:
                status, body = other.json("GET", "/v1/watches/borel/signals?limit=500")
                got = body["signals"]
                if keys(got) == keys(self.signals):
                    break
                time.sleep(0.3)
            self.assertEqual(keys(got), keys(self.signals))

    def test_kill_9_replays_newest_first_requests_as_they_came(self):
        """After a crash, the mentions logged since the last checkpoint are replayed request by
        request, each in event-time order as it was taken live: the same signals come out."""
        def keys(signals):
            return sorted((x["term"], x["level"], x["detected_at"], x["first_seen"], x["count"]) for x in signals)

        def newest_first(part):
            return [m for i in range(0, len(part), 300) for m in reversed(part[i:i + 300])]

        config = SIGNAL_CONFIG + "  checkpoint_interval_seconds: 86400\n"  # only a clean stop checkpoints
        first = next(i for i, m in enumerate(self.history) if m["created_at"] >= SIGNAL_ONSET - HOUR)
        srv = Server(config=config).start()
        try:
            put_watches(srv)
            ingest_all(srv, newest_first(self.history[:first]), 300)
            self.assertEqual(srv.stop(), 0)
            srv.start()
            rest = newest_first(self.history[first:])
            ingest_all(srv, rest, 300)
            deadline, got = time.time() + 20, []
            while time.time() < deadline and keys(got) != keys(self.signals):
                status, body = srv.json("GET", "/v1/watches/borel/signals?limit=500")
                got = body["signals"]
                time.sleep(0.2)
            self.assertEqual(keys(got), keys(self.signals), "before the crash")
            srv.kill9()
            srv.start()
            deadline = time.time() + 20  # the detectors replay in the background
            while time.time() < deadline and metrics(srv).get("vigie_detector_replayed_mentions_total") != len(rest):
                time.sleep(0.2)
            self.assertEqual(metrics(srv).get("vigie_detector_replayed_mentions_total"), len(rest),
                             "mentions replayed after the crash")
            # Taken request by request in event-time order, as live: no mention judged late.
            self.assertEqual(metrics(srv).get("vigie_detector_late_hits_total"), 0)
            time.sleep(0.5)  # what the replay found reaches the store
            status, body = srv.json("GET", "/v1/watches/borel/signals?limit=500")
            self.assertEqual(keys(body["signals"]), keys(self.signals), "after the crash")
            with Feed(srv, "since=0&types=signal") as f:
                logged = [e["data"] for e in f.quiet(3)]
            self.assertEqual(sorted(keys(logged)), keys(self.signals), "each signal is in the log once")
        finally:
            srv.stop()
            srv.cleanup()

    def test_sample_mentions_can_be_read(self):
        s = next(s for s in self.signals if s["term"] == "surchauff")
        self.assertTrue(s["sample_mention_ids"], s)
        for ref in s["sample_mention_ids"]:
            status, m = self.server.json("GET", f"/v1/mentions/{ref}")
            self.assertEqual(status, 200, (ref, m))
            contracts.check("EnrichedMention", m)
            self.assertEqual(f"{m['source']}/{m['id']}", ref)
            self.assertIn("surchauffe", m["text"].lower())
            self.assertIn("borel", m["watches"])

    def test_signals_are_on_the_feed_as_listed(self):
        on_feed = [e["data"] for e in self.events if e["type"] == "signal"]
        for e in on_feed:
            contracts.check("Signal", e)
        listed = {(s["term"], s["level"]): s for s in self.signals}
        self.assertTrue(on_feed)
        for e in on_feed:
            self.assertEqual(listed.get((e["term"], e["level"])), e)


# -- crisis alerts -----------------------------------------------------------------------------

class watch_lifecycle_test(unittest.TestCase):
    """A watch's own words are never its signals, and a deleted watch takes its alerts and
    signals with it: one created again with the same id starts with none. Tenant acme gets
    the crisis history (alerts on borel), tenant globex the weak-signal history (signals)."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server(config=SIGNAL_CONFIG).start()
        put_watches(cls.server)
        put_watches(cls.server, key="globex")
        # The mentions of borel, and query words that the new complaint has: a word it starts
        # with (surch*) and a phrase it has as a tag (#ChargeurBorel).
        status, body = cls.server.json("PUT", "/v1/watches/charge", json.dumps(
            {"name": "Chargeurs", "query": 'borel OR surch* OR "chargeur Borel"'}), key="globex")
        assert status in (200, 201), (status, body)
        history = signal_history()
        for m in history:
            if m["id"].startswith("hot-"):
                m["text"] += " #ChargeurBorel"
        ingest_all(cls.server, crisis_history(), 1000)
        for i in range(0, len(history), 500):
            chunk = "".join(json.dumps(m) + "\n" for m in history[i:i + 500])
            status, _, data = cls.server.request("POST", "/v1/mentions", chunk, key="globex",
                                                 headers={"Content-Type": "application/x-ndjson"})
            assert status == 200, data
        cls.alerts = settle_alerts(cls.server)
        deadline = time.time() + 25
        while time.time() < deadline and not any(s["term"] == "surchauff" for s in cls.signals("borel")):
            time.sleep(0.3)

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        cls.server.cleanup()
        assert code == 0, f"vigie exited with {code} after SIGTERM"

    @classmethod
    def signals(cls, watch, key="globex"):
        status, body = cls.server.json("GET", f"/v1/watches/{watch}/signals?limit=500", key=key)
        assert status == 200, (status, body)
        return body["signals"]

    def test_own_words_are_not_signals_and_a_deleted_watch_leaves_nothing_to_the_next(self):
        # One test, in this order: the second half deletes the watch the first half reads.
        borel = {s["term"] for s in self.signals("borel")}
        self.assertIn("surchauff", borel)  # what the other watch excludes is news here
        self.assertIn("#chargeurborel", borel)
        charge = {s["term"] for s in self.signals("charge")}
        self.assertFalse({t for t in charge if t.startswith("surchauf") or t == "#chargeurborel"}, charge)

        srv = self.server
        self.assertTrue([a for a in self.alerts if a["watch"] == "borel"], self.alerts)
        acked = next(a for a in self.alerts if a["watch"] == "borel")
        status, body = srv.json("POST", f"/v1/alerts/{acked['id']}/ack", json.dumps({"by": "cm@agency"}))
        self.assertEqual(status, 200, body)
        self.assertTrue(self.signals("borel"))
        kelvio = [a for a in self.alerts if a["watch"] == "kelvio"]
        for key in ("acme", "globex"):
            status, _, _ = srv.request("DELETE", "/v1/watches/borel", key=key)
            self.assertEqual(status, 204)
        # Gone with the watch, at once.
        self.assertEqual([a for a in all_alerts(srv) if a["watch"] == "borel"], [])
        self.assertEqual([a["id"] for a in all_alerts(srv, "watch=kelvio")], [a["id"] for a in kelvio])
        status, body = srv.json("GET", f"/v1/alerts/{acked['id']}")
        self.assertEqual(status, 404, body)
        for key in ("acme", "globex"):
            status, body = srv.json("PUT", "/v1/watches/borel", json.dumps({"name": "New client", "query": "borel"}),
                                    key=key)
            self.assertIn(status, (200, 201), body)
        self.assertEqual(self.signals("borel"), [])
        self.assertEqual(all_alerts(srv, "watch=borel"), [])
        # And after a restart: no checkpoint of the old watch comes back either.
        self.assertEqual(srv.stop(), 0)
        srv.start()
        self.assertEqual(self.signals("borel"), [])
        self.assertEqual(all_alerts(srv, "watch=borel"), [])
        self.assertEqual({s["term"] for s in self.signals("charge")}, charge)  # other watches keep theirs
        # Nor do they come back from the event log: a replay from the start has the other
        # watches' alerts and signals, and none of the deleted borel's.
        for key, kind in (("acme", "alert"), ("globex", "signal")):
            with Feed(srv, f"since=0&types={kind}", key=key) as f:
                replayed = [e["data"] for e in f.quiet(3)]
            self.assertTrue(replayed, kind)
            self.assertEqual([e for e in replayed if e["watch"] == "borel"], [], kind)


class spam_test(unittest.TestCase):
    """Two days of steady mentions on three watches, then a flood on each: 300 mentions in an
    hour from two accounts on a busy watch, 300 negative ones in half an hour from three
    accounts on a quiet one (spam: no crisis), 300 from 300 people on the third (a crisis)."""

    def test_a_few_accounts_flooding_a_watch_open_no_alert(self):
        rng = random.Random(7)
        base = BASE - DAY
        flood_start, end = base + 2 * DAY + 10 * HOUR, base + 2 * DAY + 14 * HOUR
        history, watch_of = [], {}
        for start in range(base, end, BUCKET):
            for watch, lo, hi in (("zorvan", 3, 6), ("quilby", 3, 6), ("grumph", 0, 2)):
                for _ in range(rng.randint(lo, hi)):
                    n = len(history)
                    history.append({"id": f"bg-{n}", "text": f"{watch.title()} {rng.choice(['ok', 'fine', 'nice app'])}",
                                    "created_at": start + rng.randrange(BUCKET), "source": "twitter",
                                    "author": {"id": f"u{rng.randrange(2000)}"}})
                    watch_of[f"bg-{n}"] = watch
        flood = []
        for k in range(300):
            t = flood_start + k * HOUR // 300
            flood.append({"id": f"spam-{k}", "text": "Zorvan promo code WIN-BIG click now", "created_at": t,
                          "source": "twitter", "author": {"id": f"bot{k % 2}"}})
            flood.append({"id": f"crowd-{k}", "text": "Quilby app down again?", "created_at": t,
                          "source": "twitter", "author": {"id": f"person{k}"}})
            flood.append({"id": f"troll-{k}", "text": "Arnaque totale chez Grumph, remboursement refusé", "lang": "fr",
                          "created_at": flood_start + k * HOUR // 600, "source": "twitter",
                          "author": {"id": f"troll{k % 3}"}})
            watch_of[f"spam-{k}"], watch_of[f"crowd-{k}"], watch_of[f"troll-{k}"] = "zorvan", "quilby", "grumph"
        history = sorted(history + flood, key=lambda m: m["created_at"])
        with Server() as srv:
            for wid in ("zorvan", "quilby", "grumph"):
                status, body = srv.json("PUT", f"/v1/watches/{wid}", json.dumps({"name": wid, "query": wid}))
                self.assertIn(status, (200, 201), body)
            ingest_all(srv, history, 1000)
            alerts = settle_alerts(srv)
            crowd = [a for a in alerts if a["watch"] == "quilby" and a["kind"] == "volume_spike"]
            self.assertTrue(crowd, "the control: 300 people in an hour are a spike" + diagnosis(srv, "quilby", flood_start, end))
            for wid in ("zorvan", "grumph"):
                self.assertEqual([a for a in alerts if a["watch"] == wid], [], diagnosis(srv, wid, flood_start, end))
            # An author counts once per hour (of event time) towards the crisis volumes of a watch.
            per_hour = {}
            for m in history:
                key = (watch_of[m["id"]], m["created_at"] // HOUR, m["author"]["id"])
                per_hour[key] = per_hour.get(key, 0) + 1
            capped = sum(n - 1 for n in per_hour.values())
            self.assertGreater(capped, 590)
            self.assertEqual(metrics(srv)["vigie_detector_author_capped_hits_total"], capped)
            # The series still counts every mention: the cap is the crisis detector's, not the archive's.
            status, series = srv.json("GET", f"/v1/watches/zorvan/series?interval=1h&from={flood_start}&to={flood_start + HOUR}")
            self.assertEqual(status, 200)
            self.assertGreaterEqual(sum(b["volume"] for b in series["buckets"]), 300)


class crisis_test(unittest.TestCase):
    """Three days of steady mentions, then a bad buzz on Borel and a product launch of Kelvio."""

    BATCH = 1000

    @classmethod
    def setUpClass(cls):
        cls.server = Server().start()
        put_watches(cls.server)
        cls.history = crisis_history()
        cls.alerts_feed = Collector(cls.server, "types=alert,signal")
        start = time.time()
        ingest_all(cls.server, cls.history, cls.BATCH)
        cls.ingest_seconds = time.time() - start
        cls.alerts = settle_alerts(cls.server)
        # Every alert's final state is on the feed too.
        deadline = time.time() + 10
        while time.time() < deadline:
            last = {e["data"]["id"]: e["data"]["state"] for e in cls.alerts_feed.events if e["type"] == "alert"}
            if all(last.get(a["id"]) == a["state"] for a in cls.alerts):
                break
            time.sleep(0.1)
        cls.events = cls.alerts_feed.stop()
        cls.stored_ids = {f"{m['source']}/{m['id']}" for m in cls.history}

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        cls.server.cleanup()
        assert code == 0, f"vigie exited with {code} after SIGTERM"

    def alert_events(self, watch=None):
        return [e for e in self.events if e["type"] == "alert" and (watch is None or e["data"]["watch"] == watch)]

    def opened(self, watch):
        return [e["data"] for e in self.alert_events(watch) if e["data"]["change"] == "opened"]

    def check_alert_fields(self, a, watch, window):
        start, end = window
        self.assertEqual(a["watch"], watch)
        self.assertIn(a["kind"], ("volume_spike", "negative_spike", "sentiment_shift"))
        self.assertIn(a["severity"], ("warning", "critical"))
        detected, started = rfc3339_ms(a["detected_at"]), rfc3339_ms(a["started_at"])
        self.assertEqual(a["id"], f"{detected}-{a['kind']}-{watch}")
        self.assertGreater(detected, start, a)
        self.assertLessEqual(detected, end + 2 * BUCKET, f"detected too late: {a}")
        self.assertGreaterEqual(started, start - BUCKET, a)
        self.assertLessEqual(started, detected, a)
        self.assertGreater(a["observed"], a["expected"], a)
        self.assertGreater(a["score"], 0, a)
        self.assertGreaterEqual(rfc3339_ms(a["updated_at"]), detected)
        self.assertTrue(a["sample_mention_ids"], a)
        for ref in a["sample_mention_ids"]:
            self.assertRegex(ref, r"^[a-z]+/[a-z]+-\d+$")
            self.assertIn(ref, self.stored_ids)

    def test_crisis_opens_alerts_on_the_stream(self):
        for e in self.events:
            contracts.check("StreamEvent", e)
        opened = self.opened("borel")
        kinds = {a["kind"] for a in opened}
        self.assertTrue(kinds & {"negative_spike", "volume_spike"},
                        "no crisis alert on the stream" + diagnosis(self.server))
        self.assertIn("negative_spike", kinds, diagnosis(self.server))
        for a in opened:
            self.check_alert_fields(a, "borel", (SPIKE_START, SPIKE_END))
            self.assertEqual(a["state"], "open")
            self.assertNotIn("resolved_at", a)
            self.assertTrue(a["top_terms"], a)
            self.assertTrue(any(stem in term for term in a["top_terms"] for stem in SPIKE_STEMS), a["top_terms"])
            # As the mentions write them ("remboursement refusé"), not as stems ("rembours refus").
            for term in a["top_terms"]:
                self.assertTrue(any(term in text for text in CRISIS + BACKGROUND["borel"]), (term, a["top_terms"]))
                # Not the watch's own word, alone or in a phrase: every mention has it.
                self.assertNotIn("borel", term.lower(), a["top_terms"])
            if a["kind"] == "negative_spike":
                for ref in a["sample_mention_ids"]:
                    self.assertIn("/spike-", ref, "a negative spike's samples are its negative mentions")
        # Each alert appears in the listing and by id, as the stream last showed it.
        listed = {a["id"]: a for a in self.alerts}
        last = {e["data"]["id"]: e["data"] for e in self.alert_events()}
        for a in opened:
            self.assertIn(a["id"], listed)
            status, body = self.server.json("GET", f"/v1/alerts/{a['id']}")
            self.assertEqual(status, 200, body)
            contracts.check("Alert", body)
            body.pop("acknowledgement", None)
            self.assertEqual(body, last[a["id"]])

    def test_no_alert_outside_the_spikes(self):
        for a in self.alerts:
            window = (SPIKE_START, SPIKE_END) if a["watch"] == "borel" else (LAUNCH_START, LAUNCH_END)
            detected = rfc3339_ms(a["detected_at"])
            self.assertTrue(window[0] < detected <= window[1] + 2 * BUCKET,
                            f"false alert {a['id']}" + diagnosis(self.server, a["watch"], *window))

    def test_crisis_alerts_resolve_after_the_spike(self):
        self.assertTrue(self.alerts, diagnosis(self.server))
        by_id = {}
        for e in self.alert_events():
            by_id.setdefault(e["data"]["id"], []).append(e)
        for a in self.alerts:
            self.assertEqual(a["state"], "resolved", "still open at the end of the history" + diagnosis(self.server))
            history = by_id.get(a["id"], [])
            self.assertTrue(history, a)
            changes = [e["data"]["change"] for e in history]
            self.assertEqual(changes[0], "opened", changes)
            self.assertEqual(changes[-1], "resolved", changes)
            self.assertTrue(set(changes[1:-1]) <= {"escalated"}, changes)
            self.assertEqual([e["data"]["state"] for e in history], ["open"] * (len(history) - 1) + ["resolved"])
            seqs = [e["seq"] for e in history]
            self.assertEqual(seqs, sorted(seqs))
            final = history[-1]["data"]
            resolved = rfc3339_ms(final["resolved_at"])
            self.assertGreater(resolved, rfc3339_ms(final["detected_at"]))
            self.assertLessEqual(resolved, HISTORY_END)
            self.assertEqual(final["detected_at"], history[0]["data"]["detected_at"])
            self.assertEqual(final["id"], history[0]["data"]["id"])

    def test_product_launch_is_a_volume_spike_not_a_crisis(self):
        opened = self.opened("kelvio")
        kinds = [a["kind"] for a in opened]
        self.assertIn("volume_spike", kinds, diagnosis(self.server, "kelvio", LAUNCH_START, LAUNCH_END))
        self.assertNotIn("negative_spike", kinds)
        self.assertNotIn("sentiment_shift", kinds)
        for a in opened:
            self.check_alert_fields(a, "kelvio", (LAUNCH_START, LAUNCH_END))

    def test_alert_listing_filters_and_errors(self):
        srv = self.server
        alerts = all_alerts(srv)
        self.assertTrue(alerts)
        detected = [rfc3339_ms(a["detected_at"]) for a in alerts]
        self.assertEqual(detected, sorted(detected, reverse=True), "newest first")
        self.assertEqual({a["watch"] for a in all_alerts(srv, "watch=kelvio")}, {"kelvio"})
        self.assertEqual(len(all_alerts(srv, "watch=borel")) + len(all_alerts(srv, "watch=kelvio")), len(alerts))
        vol = all_alerts(srv, "kind=volume_spike")
        self.assertEqual(vol, [a for a in alerts if a["kind"] == "volume_spike"])
        self.assertEqual(all_alerts(srv, "state=resolved"), [a for a in alerts if a["state"] == "resolved"])
        self.assertEqual(all_alerts(srv, "state=open"), [a for a in alerts if a["state"] == "open"])
        self.assertEqual(all_alerts(srv, f"since={LAUNCH_START}"),
                         [a for a in alerts if rfc3339_ms(a["detected_at"]) >= LAUNCH_START])
        self.assertEqual(all_alerts(srv, f"since={iso(HISTORY_END)}"), [])
        # Pages of one, following the cursor, give the same list.
        paged, cursor = [], None
        while True:
            status, body = srv.json("GET", "/v1/alerts?limit=1" + (f"&cursor={cursor}" if cursor else ""))
            self.assertEqual(status, 200, body)
            self.assertLessEqual(len(body["alerts"]), 1)
            paged += body["alerts"]
            cursor = body["next_cursor"]
            if not cursor:
                break
        self.assertEqual(paged, alerts)
        for query in ("state=bogus", "kind=bogus", "limit=0", "limit=abc", "limit=100000", "since=yesterday",
                      "cursor=%%%", "foo=1", "watch=a%2Fb"):
            status, body = srv.json("GET", f"/v1/alerts?{query}")
            self.assertEqual(status, 400, (query, body))
            contracts.check("Error", body)
        status, body = srv.json("GET", "/v1/alerts?watch=nope")
        self.assertEqual(status, 404, body)
        contracts.check("Error", body)
        # One alert, one id: its time with a leading zero, or the like, is no id of it.
        for bad in ("abc", "123-nokind-borel", "x-volume_spike-borel", "0" + alerts[0]["id"],
                    "+" + alerts[0]["id"], "9" * 19 + "-volume_spike-borel"):
            status, body = srv.json("GET", f"/v1/alerts/{bad}")
            self.assertEqual(status, 400, (bad, body))
            contracts.check("Error", body)
        status, body = srv.json("GET", f"/v1/alerts/{T0}-volume_spike-borel")
        self.assertEqual(status, 404, body)
        contracts.check("Error", body)
        # Tenants are isolated.
        status, body = srv.json("GET", "/v1/alerts", key="globex")
        self.assertEqual((status, body["alerts"]), (200, []))
        status, body = srv.json("GET", f"/v1/alerts/{alerts[0]['id']}", key="globex")
        self.assertEqual(status, 404, body)

    def test_ack_workflow(self):
        srv = self.server
        alert = self.alerts[-1]
        path = f"/v1/alerts/{alert['id']}/ack"
        for body in ({"note": "no by"}, {"by": "alice", "priority": "high"}, {"by": 3}, {"by": ""},
                     {"by": "bob\u0000"}, {"by": "bob", "assignee": "a\nb"}, {"by": "bob", "note": "\u001b[31m"},
                     {"by": "bob\u009b31m"}, {"by": "\u202eecila"}, {"by": "bob", "assignee": "x\u2066y"}, {"by": "a\u2028b"}):
            status, res = srv.json("POST", path, json.dumps(body))
            self.assertEqual(status, 400, (body, res))
            contracts.check("Error", res)
        status, res = srv.json("POST", path, json.dumps({"by": "bob\u0000"}))
        self.assertIn("field 'by' holds a control character (U+0000) at byte 4", res["error"]["message"])
        status, res = srv.json("POST", path, json.dumps({"by": "ali\u202ece"}))
        self.assertIn("field 'by' holds a bidirectional control (U+202E) at byte 4", res["error"]["message"])
        status, res = srv.json("POST", path, '{"by":"alice","by":"bob"}')
        self.assertEqual(status, 400, res)
        self.assertIn("is given twice", res["error"]["message"])
        status, res = srv.json("POST", path, "not json")
        self.assertEqual(status, 400, res)
        status, res = srv.json("POST", f"/v1/alerts/{T0}-negative_spike-borel/ack", json.dumps({"by": "alice"}))
        self.assertEqual(status, 404, res)
        status, res = srv.json("POST", path, json.dumps({"by": "alice"}), key="globex")
        self.assertEqual(status, 404, res)
        status, got = srv.json("GET", f"/v1/alerts/{alert['id']}")
        self.assertNotIn("acknowledgement", got, "a refused ack left a trace")

        with Feed(srv, "types=alert", timeout=20) as feed:
            status, res = srv.json("POST", path,
                                   json.dumps({"by": "alice", "note": "on it:\n\tcall them", "assignee": "bob"}))
            self.assertEqual(status, 200, res)
            # The other dashboards learn of it live: an alert event, the alert as stored with
            # the acknowledgement, its change "acknowledged".
            events = feed.read_until(lambda e: e["type"] == "alert" and e["data"]["id"] == alert["id"])
        contracts.check("StreamEvent", events[-1])
        contracts.check("Alert", res)
        live = events[-1]["data"]
        self.assertEqual(live["change"], "acknowledged")
        self.assertEqual(live["acknowledgement"], res["acknowledgement"])
        self.assertEqual({k: v for k, v in live.items() if k != "change"}, {k: v for k, v in res.items() if k != "change"})
        # A feed that resumes from before it replays it.
        with Feed(srv, f"types=alert&since={events[-1]['seq'] - 1}", timeout=20) as feed:
            self.assertEqual(feed.next(), events[-1])
        ack = res.pop("acknowledgement")
        self.assertEqual(res, alert)
        self.assertEqual((ack["by"], ack["note"], ack["assignee"]), ("alice", "on it:\n\tcall them", "bob"))
        self.assertLess(abs(rfc3339_ms(ack["at"]) - time.time() * 1000), 60000, "ack time is wall-clock time")
        status, got = srv.json("GET", f"/v1/alerts/{alert['id']}")
        self.assertEqual(got["acknowledgement"], ack)
        listed = {a["id"]: a for a in all_alerts(srv)}
        self.assertEqual(listed[alert["id"]].get("acknowledgement"), ack)
        for other in self.alerts[:-1]:
            self.assertNotIn("acknowledgement", listed[other["id"]])
        # A second ack replaces the first.
        status, res = srv.json("POST", path, json.dumps({"by": "carol"}))
        self.assertEqual(status, 200, res)
        self.assertEqual(res["acknowledgement"]["by"], "carol")
        self.assertNotIn("note", res["acknowledgement"])

    def test_signals_route(self):
        srv = self.server
        status, body = srv.json("GET", "/v1/watches/borel/signals")
        self.assertEqual(status, 200, body)
        contracts.check("SignalPage", body)
        self.assertIsInstance(body["signals"], list)
        self.assertIn("next_cursor", body)
        signals = body["signals"]
        for s in signals:
            self.assertEqual(s["watch"], "borel")
            self.assertIn(s["level"], ("weak", "emerging", "trend"))
            for field in ("term", "first_seen", "detected_at", "count", "growth", "score", "sample_mention_ids"):
                self.assertIn(field, s)
        for level in ("weak", "emerging", "trend"):
            status, body = srv.json("GET", f"/v1/watches/borel/signals?level={level}&limit=500")
            self.assertEqual(status, 200, body)
            contracts.check("SignalPage", body)
            self.assertTrue(all(s["level"] == level for s in body["signals"]))
        status, body = srv.json("GET", f"/v1/watches/borel/signals?from={iso(HISTORY_END)}")
        self.assertEqual((status, body["signals"]), (200, []))
        for query in ("level=strong", "limit=0", "limit=x", "from=never", "to=x", "bogus=1"):
            status, body = srv.json("GET", f"/v1/watches/borel/signals?{query}")
            self.assertEqual(status, 400, (query, body))
            contracts.check("Error", body)
        status, body = srv.json("GET", "/v1/watches/nope/signals")
        self.assertEqual(status, 404, body)
        status, body = srv.json("GET", "/v1/watches/borel/signals", key="globex")
        self.assertEqual(status, 404, body)
        # Signals on the feed are in the route too.
        on_feed = {(e["data"]["term"], e["data"]["level"], e["data"]["detected_at"])
                   for e in self.events if e["type"] == "signal" and e["data"]["watch"] == "borel"}
        status, body = srv.json("GET", "/v1/watches/borel/signals?limit=500")
        listed = {(s["term"], s["level"], s["detected_at"]) for s in body["signals"]}
        self.assertLessEqual(on_feed, listed)

    def test_replay_gives_the_same_alerts(self):
        """Determinism: the same history, in small batches, into a fresh server."""
        with Server() as other:
            put_watches(other)
            ingest_all(other, self.history, 64)
            replayed = settle_alerts(other)
            self.assertEqual(alert_keys(replayed), alert_keys(self.alerts),
                             "first run:" + diagnosis(self.server) + "replay:" + diagnosis(other))

    def test_restart_keeps_alerts_and_the_log(self):
        srv = self.server
        before = all_alerts(srv)
        first_alert = min(e["seq"] for e in self.alert_events())
        with Feed(srv, f"since={first_alert - 1}&types=alert") as f:
            replay_before = f.read_until(lambda e: e["seq"] == self.alert_events()[-1]["seq"])
        with Feed(srv) as f:
            srv.ingest([{"id": "pre-restart", "text": "Borel avant", "created_at": HISTORY_END - MINUTE}])
            head = f.read_until(is_mention("pre-restart"))[-1]["seq"]
        self.assertEqual(srv.stop(), 0)
        srv.start()
        self.assertEqual(all_alerts(srv), before)
        for a in before:
            status, body = srv.json("GET", f"/v1/alerts/{a['id']}")
            self.assertEqual((status, body), (200, a))
        with Feed(srv, f"since={first_alert - 1}&types=alert") as f:
            replay_after = f.read_until(lambda e: e["seq"] == replay_before[-1]["seq"])
        self.assertEqual(replay_after, replay_before)
        self.assertEqual(replay_before, self.alert_events())
        # Numbering goes on where it stopped.
        with Feed(srv, f"since={head}") as f:
            srv.ingest([{"id": "post-restart", "text": "Borel après", "created_at": HISTORY_END}])
            events = f.read_until(is_mention("post-restart"))
        self.assertEqual([e["seq"] for e in events], [head + 1])

    def test_kill_9_replays_what_the_detectors_had_not_checkpointed(self):
        """A crash loses no detection: the mentions logged after the detectors' last checkpoint
        are replayed to them at start-up, and what they had already found is not sent twice."""

        def changes(events):
            return [(e["data"]["id"], e["data"]["change"], e["data"]["updated_at"]) for e in events]

        # No periodic checkpoint: only the one a clean stop writes.
        config = "detectors:\n  checkpoint_interval_seconds: 86400\n"
        first = next(i for i, m in enumerate(self.history) if m["created_at"] >= SPIKE_START - 2 * HOUR)
        second = next(i for i, m in enumerate(self.history) if m["created_at"] >= SPIKE_START + 30 * MINUTE)
        srv = Server(config=config).start()
        try:
            put_watches(srv)
            ingest_all(srv, self.history[:first], 64)
            self.assertEqual(srv.stop(), 0)  # checkpoint after the first part
            srv.start()
            ingest_all(srv, self.history[first:second], 64)
            # The bad buzz is under way: let the detectors find it, store it and publish it,
            # then crash before they checkpoint again.
            deadline = time.time() + 30
            while not any(a["watch"] == "borel" for a in all_alerts(srv)) and time.time() < deadline:
                time.sleep(0.2)
            found_before_crash = all_alerts(srv)
            self.assertTrue(found_before_crash, "no alert before the crash" + diagnosis(srv))
            # Acknowledged: the alert's later events carry it, and the replay must still know
            # them for its own.
            status, body = srv.json("POST", f"/v1/alerts/{found_before_crash[-1]['id']}/ack", json.dumps({"by": "alice"}))
            self.assertEqual(status, 200, body)
            with Feed(srv, "since=0&types=alert") as f:
                logged_before_crash = f.quiet(3)
            srv.kill9()
            srv.start()
            ingest_all(srv, self.history[second:], 64)
            after = settle_alerts(srv)
            # Every mention of the second part matched a watch, so is in the event log.
            replayed = metrics(srv).get("vigie_detector_replayed_mentions_total")
            self.assertEqual(alert_keys(after), alert_keys(self.alerts), "without a crash:" + diagnosis(self.server) +
                             "with a crash:" + diagnosis(srv))
            with Feed(srv, "since=0&types=alert") as f:
                logged = f.quiet(3)
            acks = [e for e in logged if e["data"]["change"] == "acknowledged"]
            self.assertEqual(len(acks), 1, acks)
            logged = [e for e in logged if e["data"]["change"] != "acknowledged"]
            logged_before_crash = [e for e in logged_before_crash if e["data"]["change"] != "acknowledged"]
            acked = [e for e in logged if e["seq"] > acks[0]["seq"] and e["data"]["id"] == acks[0]["data"]["id"]]
            self.assertTrue(all(e["data"]["acknowledgement"] == acks[0]["data"]["acknowledgement"] for e in acked), acked)
            # The order across watches follows the batching; each alert's own changes are in order.
            self.assertEqual(sorted(changes(logged)), sorted(changes(self.alert_events())),
                             "each alert change is in the log once")
            for alert_id in {c[0] for c in changes(logged)}:
                own = [c for c in changes(logged) if c[0] == alert_id]
                self.assertEqual(own, sorted(own, key=lambda c: c[2]), own)
            self.assertEqual(replayed, second - first, "mentions replayed after the crash")
            # The new process counts the alert changes it logged, not those the replay found
            # again (the log had them: they were not sent twice, nor are they counted twice).
            self.assertEqual(metrics(srv).get("vigie_alert_transitions_total"), len(logged) - len(logged_before_crash))
        finally:
            srv.stop()
            srv.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
