"""Alert webhooks over the real server: CRUD and errors, then the crisis scenario of
test_stream.py delivered to local endpoints (a JSON one, a Slack one, one filtered by watch, one
that fails twice per alert, one that hangs, one created mid-crisis, one deleted mid-crisis)."""

import base64
import collections
import hashlib
import hmac
import http.server
import json
import os
import statistics
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import contracts  # noqa: E402
from test_stream import (BASE, HOUR, MINUTE, SPIKE_END, Feed, crisis_history, ingest_all,  # noqa: E402
                         is_mention, metrics, put_watches, rfc3339_ms, settle_alerts, diagnosis)
from vigie_server import Server  # noqa: E402

CONFIG = """
webhooks:
  request_timeout_seconds: 10
  max_attempts: 3
  backoff_initial_ms: 100
  backoff_max_ms: 400
  allow_internal_addresses: true  # the endpoints below listen on 127.0.0.1
"""


class Endpoint:
    """A local HTTP endpoint that records what it is sent. mode: ok (200), flaky (500 to the
    first two attempts of each Idempotency-Key, then 200), hang (never answers until released)."""

    def __init__(self, mode="ok"):
        self.mode = mode
        self.requests = []
        self.lock = threading.Lock()
        self.release = threading.Event()
        tries = collections.Counter()
        ep = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                key = self.headers.get("Idempotency-Key")
                with ep.lock:
                    tries[key] += 1
                    status = 500 if ep.mode == "flaky" and tries[key] <= 2 else 200
                    ep.requests.append({"at": time.time(), "path": self.path, "body": body, "key": key,
                                        "status": None if ep.mode == "hang" else status,
                                        "headers": {k.lower(): v for k, v in self.headers.items()}})
                if ep.mode == "hang":
                    ep.release.wait(120)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.send_header("Connection", "close")
                    self.end_headers()
                except OSError:
                    pass  # the server gave up waiting

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path="/hook"):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def delivered(self):
        """Requests answered 200, in arrival order."""
        with self.lock:
            return [r for r in self.requests if r["status"] == 200]

    def events(self):
        return [json.loads(r["body"]) for r in self.delivered()]

    def close(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def wait_for(predicate, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def alert_log(server, alerts, timeout=20):
    """Every alert event of the log, read from the feed (since=0), up to each alert's final state."""
    final = {a["id"]: a["state"] for a in alerts}
    last, events = {}, []
    with Feed(server, "since=0&types=alert") as f:
        while any(last.get(i) != s for i, s in final.items()):
            e = f.next(timeout=timeout)
            assert e is not None, "feed closed"
            events.append(e)
            last[e["data"]["id"]] = e["data"]["state"]
    return events


# The flaky endpoint's secret (Standard Webhooks form). Receivers check it as this does.
FLAKY_SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()


def standard_webhooks_valid(secret, headers, body):
    """Whether a request carries a Standard Webhooks signature of its body by secret."""
    key = base64.b64decode(secret[len("whsec_"):])
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    want = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(want, s) for s in headers["webhook-signature"].split())


class webhooks_test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.eps = {name: Endpoint(mode) for name, mode in (
            ("json", "ok"), ("slack", "ok"), ("kelvio", "ok"), ("flaky", "flaky"), ("stuck", "hang"),
            ("late", "ok"), ("gone", "ok"), ("crud", "ok"), ("unstuck", "ok"))}
        cls.server = srv = Server(config=CONFIG).start()
        put_watches(srv)
        status, body = srv.json("PUT", "/v1/watches/probe", json.dumps({"query": "sentinelle"}))
        assert status in (200, 201), body
        for hook, ep, fmt, watches in (("ops-json", "json", "json", ["borel"]), ("ops-slack", "slack", "slack", None),
                                       ("kelvio-only", "kelvio", "json", ["kelvio"]), ("flaky", "flaky", "json", None),
                                       ("stuck", "stuck", "json", None), ("gone", "gone", "json", None)):
            spec = {"url": cls.eps[ep].url(f"/{ep}"), "format": fmt}
            if watches:
                spec["watches"] = watches
            if hook == "flaky":
                spec["secret"] = FLAKY_SECRET
            status, body = srv.json("PUT", f"/v1/webhooks/{hook}", json.dumps(spec))
            assert status == 200, (status, body)

        history = crisis_history()
        split = next(i for i, m in enumerate(history) if m["created_at"] >= SPIKE_END + HOUR)
        cls.probe_n = 0
        cls.lat_before = [cls.probe() for _ in range(10)]
        # Phase A: up to an hour after the bad buzz: the crisis alerts open.
        ingest_all(srv, history[:split], 1000)
        cls.phase_a_end = time.time()
        wait_for(lambda: any(e["data"]["change"] == "opened" for e in cls.eps["json"].events()), 20)
        cls.first_json_at = min([r["at"] for r in cls.eps["json"].delivered()] or [float("inf")])
        wait_for(lambda: cls.eps["stuck"].requests, 10)
        # The crisis cell takes the first alert: its acknowledgement is an alert change too.
        opened = next(e["data"] for e in cls.eps["json"].events() if e["data"]["change"] == "opened")
        status, body = srv.json("POST", f"/v1/alerts/{opened['id']}/ack", json.dumps({"by": "alice", "assignee": "bob"}))
        assert status == 200, (status, body)
        cls.acked = body
        # Mid-crisis: one webhook goes, one comes. Everything up to seq H happened before.
        with Feed(srv) as f:
            srv.ingest([{"id": "sentinel", "text": "sentinelle", "created_at": SPIKE_END + HOUR - 2 * MINUTE}])
            cls.head = f.read_until(is_mention("sentinel"))[-1]["seq"]
        status, _, _ = srv.request("DELETE", "/v1/webhooks/gone")
        assert status == 204, status
        status, body = srv.json("PUT", "/v1/webhooks/late", json.dumps({"url": cls.eps["late"].url("/late")}))
        assert status == 200, (status, body)
        cls.late_created = body
        # Phase B: the rest of the day (alerts resolve, Kelvio launches), while "stuck" hangs.
        cls.lat_during = []
        rest = history[split:]
        for i in range(0, len(rest), 200):
            ingest_all(srv, rest[i:i + 200], 200, cls.lat_during)
            cls.lat_during.append(cls.probe())
        cls.phase_b_end = time.time()
        cls.alerts = settle_alerts(srv)
        cls.log = alert_log(srv, cls.alerts) if cls.alerts else []
        want = {"json": [e for e in cls.log if e["data"]["watch"] == "borel"], "slack": cls.log,
                "kelvio": [e for e in cls.log if e["data"]["watch"] == "kelvio"], "flaky": cls.log}
        wait_for(lambda: all(len(cls.eps[k].delivered()) >= len(v) for k, v in want.items()), 30)

    @classmethod
    def probe(cls):
        """Time of a one-mention POST (matching no watch, old event time: it changes nothing)."""
        cls.probe_n += 1
        start = time.time()
        status, body = cls.server.ingest([{"id": f"probe-{cls.probe_n}", "text": "rien", "created_at": BASE}])
        assert status == 200, body
        return time.time() - start

    @classmethod
    def tearDownClass(cls):
        start = time.time()
        code = cls.server.stop()
        took = time.time() - start
        cls.server.cleanup()
        for ep in cls.eps.values():
            ep.close()
        assert code == 0, f"vigie exited with {code} after SIGTERM"
        assert took < 10, f"shutdown took {took:.1f}s with a hanging webhook"

    # -- CRUD --------------------------------------------------------------------------------

    def test_crud_and_errors(self):
        srv, url = self.server, self.eps["crud"].url("/crud")
        status, body = srv.json("PUT", "/v1/webhooks/crud-1", json.dumps({"url": url, "format": "json"}))
        self.assertEqual(status, 200, body)
        contracts.check("Webhook", body)
        self.assertEqual({k: body[k] for k in ("id", "url", "format", "watches")},
                         {"id": "crud-1", "url": url, "format": "json", "watches": []})
        created = rfc3339_ms(body["created_at"])
        self.assertLess(abs(created - time.time() * 1000), 60000)
        status, got = srv.json("GET", "/v1/webhooks/crud-1")
        self.assertEqual((status, got), (200, body))
        # format defaults to json; watches filter.
        status, body2 = srv.json("PUT", "/v1/webhooks/crud-2", json.dumps({"url": url + "2", "watches": ["borel"]}))
        self.assertEqual(status, 200, body2)
        self.assertEqual((body2["format"], body2["watches"]), ("json", ["borel"]))
        status, body3 = srv.json("PUT", "/v1/webhooks/crud-3", json.dumps({"url": url + "3", "format": "slack"}))
        self.assertEqual((status, body3["format"]), (200, "slack"))
        status, listing = srv.json("GET", "/v1/webhooks")
        self.assertEqual(status, 200)
        contracts.check("WebhookList", listing)
        ids = [w["id"] for w in listing["webhooks"]]
        self.assertLessEqual({"crud-1", "crud-2", "crud-3", "ops-json", "late"}, set(ids))
        self.assertNotIn("gone", ids)
        self.assertEqual(next(w for w in listing["webhooks"] if w["id"] == "crud-1"), body)
        # An update keeps the creation time.
        time.sleep(0.01)
        status, upd = srv.json("PUT", "/v1/webhooks/crud-1", json.dumps({"url": url + "/v2", "format": "slack"}))
        self.assertEqual(status, 200, upd)
        self.assertEqual((upd["url"], upd["format"], upd["created_at"]), (url + "/v2", "slack", body["created_at"]))
        # A secret signs the deliveries; it is never given back, and stays when a GET is echoed.
        self.assertIs(body["signed"], False)
        status, signed = srv.json("PUT", "/v1/webhooks/crud-1", json.dumps({"url": url, "secret": FLAKY_SECRET}))
        self.assertEqual((status, signed["signed"]), (200, True), signed)
        self.assertNotIn(FLAKY_SECRET[6:16], json.dumps(signed))
        status, got = srv.json("GET", "/v1/webhooks/crud-1")
        self.assertEqual((status, got), (200, signed))
        status, echoed = srv.json("PUT", "/v1/webhooks/crud-1", json.dumps(got))
        self.assertEqual((status, echoed["signed"]), (200, True), echoed)
        status, listing = srv.json("GET", "/v1/webhooks")
        self.assertNotIn(FLAKY_SECRET[6:16], json.dumps(listing))
        status, unsigned = srv.json("PUT", "/v1/webhooks/crud-1", json.dumps({"url": url, "secret": None}))
        self.assertEqual((status, unsigned["signed"]), (200, False), unsigned)
        status, res = srv.json("PUT", "/v1/webhooks/crud-1", json.dumps(dict(unsigned, signed=True)))
        self.assertEqual(status, 400, res)
        self.assertIn("no secret", res["error"]["message"])
        for secret in ("hunter2", "whsec_c2hvcnQ=", 42, FLAKY_SECRET + "!"):
            status, res = srv.json("PUT", "/v1/webhooks/crud-1", json.dumps({"url": url, "secret": secret}))
            self.assertEqual(status, 400, (secret, res))
            self.assertIn("field 'secret' must be", res["error"]["message"])
        # https is accepted (certificates are checked at delivery).
        status, res = srv.json("PUT", "/v1/webhooks/crud-tls", json.dumps({"url": "https://hooks.example.com/x?t=1"}))
        self.assertEqual((status, res.get("url")), (200, "https://hooks.example.com/x?t=1"), res)
        status, _, _ = srv.request("DELETE", "/v1/webhooks/crud-tls")
        self.assertEqual(status, 204)
        # Bad input.
        for spec in ({"url": "garbage"}, {"url": "ftp://127.0.0.1/x"},
                     {"url": "http://user:pw@127.0.0.1/x"}, {"url": "http://127.0.0.1/x#frag"}, {"url": ""},
                     {"format": "json"}, {"url": url, "format": "xml"}, {"url": url, "color": "red"},
                     {"url": url, "watches": "borel"}, {"url": url, "watches": [3]}, {"url": 42}):
            status, res = srv.json("PUT", "/v1/webhooks/bad", json.dumps(spec))
            self.assertEqual(status, 400, (spec, res))
            contracts.check("Error", res)
        for raw in ("not json", "[]", ""):
            status, res = srv.json("PUT", "/v1/webhooks/bad", raw)
            self.assertEqual(status, 400, (raw, res))
        status, res = srv.json("PUT", "/v1/webhooks/bad", json.dumps({"url": url, "watches": ["borel", "nope"]}))
        self.assertEqual(status, 404, res)
        contracts.check("Error", res)
        status, res = srv.json("PUT", "/v1/webhooks/a%2Fb", json.dumps({"url": url}))
        self.assertEqual(status, 400, res)
        status, res = srv.json("GET", "/v1/webhooks/bad")
        self.assertEqual(status, 404, res)
        # Tenants are isolated.
        status, res = srv.json("GET", "/v1/webhooks/crud-1", key="globex")
        self.assertEqual(status, 404, res)
        status, res = srv.json("GET", "/v1/webhooks", key="globex")
        self.assertEqual((status, res), (200, {"webhooks": []}))
        status, _, _ = srv.request("DELETE", "/v1/webhooks/crud-1", key="globex")
        self.assertEqual(status, 404)
        # Delete.
        for hook in ("crud-1", "crud-2", "crud-3"):
            status, _, data = srv.request("DELETE", f"/v1/webhooks/{hook}")
            self.assertEqual((status, data), (204, b""))
        status, res = srv.json("GET", "/v1/webhooks/crud-1")
        self.assertEqual(status, 404, res)
        contracts.check("Error", res)
        status, _, _ = srv.request("DELETE", "/v1/webhooks/crud-1")
        self.assertEqual(status, 404)
        status, listing = srv.json("GET", "/v1/webhooks")
        self.assertFalse({"crud-1", "crud-2", "crud-3"} & {w["id"] for w in listing["webhooks"]})
        status, res = srv.json("PUT", "/v1/webhooks/x", json.dumps({"url": url}), key="nope")
        self.assertEqual(status, 401)

    # -- deliveries ----------------------------------------------------------------------------

    def test_crisis_alert_reaches_the_json_hook(self):
        borel = [e for e in self.log if e["data"]["watch"] == "borel"]
        self.assertTrue(any(e["data"]["change"] == "opened" and e["data"]["kind"] in ("negative_spike", "volume_spike")
                            for e in borel), "no crisis alert" + diagnosis(self.server))
        reqs = self.eps["json"].delivered()
        self.assertEqual([json.loads(r["body"]) for r in reqs], borel,
                         "each borel alert event once, in order, as on the feed")
        for r in reqs:
            event = json.loads(r["body"])
            contracts.check("StreamEvent", event)
            self.assertEqual(r["path"], "/json")
            self.assertEqual(r["key"], f"acme:ops-json:{event['seq']}")
            self.assertTrue(r["headers"]["content-type"].startswith("application/json"), r["headers"])
            self.assertEqual(event["type"], "alert")
        self.assertEqual(len(self.eps["json"].requests), len(reqs), "a 200 was retried")

    def test_an_acknowledgement_reaches_the_hooks_and_stays_on_later_changes(self):
        ack = self.acked["acknowledgement"]
        events = [e["data"] for e in self.log if e["data"]["id"] == self.acked["id"]]
        changes = [a["change"] for a in events]
        self.assertIn("acknowledged", changes)
        i = changes.index("acknowledged")
        self.assertEqual((ack["by"], ack["assignee"]), ("alice", "bob"))
        self.assertEqual(events[i]["acknowledgement"], ack)
        self.assertTrue(all("acknowledgement" not in a for a in events[:i]), events[:i])
        # The alert resolves in the second phase: that change still says who took it.
        self.assertTrue(events[i + 1:], changes)
        for a in events[i + 1:]:
            self.assertEqual(a["acknowledgement"], ack)
        self.assertEqual(events[-1]["change"], "resolved")
        texts = [json.loads(r["body"])["text"] for r in self.eps["slack"].delivered()]
        self.assertTrue(any("acknowledged by alice, assigned to bob" in t for t in texts), texts)

    def test_slack_hook_gets_a_summary_per_event(self):
        reqs = self.eps["slack"].delivered()
        self.assertTrue(self.log)
        self.assertEqual([r["key"] for r in reqs], [f"acme:ops-slack:{e['seq']}" for e in self.log])
        for r, e in zip(reqs, self.log):
            body = json.loads(r["body"])
            self.assertEqual(list(body), ["text"])
            text = body["text"]
            a = e["data"]
            self.assertIn(a["watch"], text)
            self.assertIn(a["kind"].replace("_", " "), text)
            self.assertIn(a["change"], text)
            self.assertTrue(r["headers"]["content-type"].startswith("application/json"))

    def test_watch_filter(self):
        kelvio = [e for e in self.log if e["data"]["watch"] == "kelvio"]
        self.assertTrue(kelvio, "the launch gave no alert" + diagnosis(self.server, "kelvio"))
        self.assertEqual(self.eps["kelvio"].events(), kelvio)

    def test_retries_after_500_with_the_same_key(self):
        reqs = self.eps["flaky"].requests
        by_key = collections.OrderedDict()
        for r in reqs:
            by_key.setdefault(r["key"], []).append(r)
        self.assertEqual(list(by_key), [f"acme:flaky:{e['seq']}" for e in self.log])
        for key, attempts in by_key.items():
            self.assertEqual([a["status"] for a in attempts], [500, 500, 200], key)
            self.assertEqual(len({a["body"] for a in attempts}), 1, "retries must send the same body")
            self.assertTrue(all(a["at"] <= b["at"] for a, b in zip(attempts, attempts[1:])))
            # Signed, each attempt at its own time; the other hooks have no secret.
            for a in attempts:
                self.assertEqual(a["headers"]["webhook-id"], key)
                self.assertLess(abs(int(a["headers"]["webhook-timestamp"]) - a["at"]), 60)
                self.assertTrue(standard_webhooks_valid(FLAKY_SECRET, a["headers"], a["body"]), a["headers"])
                forged = dict(a["headers"], **{"webhook-timestamp": str(int(a["headers"]["webhook-timestamp"]) + 1)})
                self.assertFalse(standard_webhooks_valid(FLAKY_SECRET, forged, a["body"]))
        self.assertTrue(self.eps["json"].requests)
        self.assertFalse(any("webhook-signature" in r["headers"] for r in self.eps["json"].requests))
        self.assertEqual(self.eps["flaky"].events(), self.log)
        m = metrics(self.server)
        self.assertGreaterEqual(m["vigie_webhook_retries_total"], 2 * len(self.log))

    def test_hanging_endpoint_slows_neither_ingest_nor_other_hooks(self):
        stuck = self.eps["stuck"].requests
        self.assertTrue(stuck, "the hanging endpoint was never called")
        # While it hangs (10 s per attempt, 3 attempts), it is far behind the others...
        self.assertLess(len({r["key"] for r in stuck}), len(self.log))
        # ...which got their alerts promptly,
        self.assertLess(self.first_json_at - self.phase_a_end, 8)
        last_json = max(r["at"] for r in self.eps["json"].delivered())
        last_slack = max(r["at"] for r in self.eps["slack"].delivered())
        self.assertLess(last_json - self.phase_b_end, 8)
        self.assertLess(last_slack - self.phase_b_end, 8)
        # ...and ingest did not wait for it.
        before, during = statistics.median(self.lat_before), statistics.median(self.lat_during)
        self.assertLess(max(self.lat_during), 3.0, sorted(self.lat_during)[-5:])
        self.assertLess(during, max(0.3, 5 * before), (before, during))

    def test_new_webhook_gets_only_later_alerts(self):
        events = self.eps["late"].events()
        self.assertEqual(events, [e for e in self.log if e["seq"] > self.head])
        self.assertTrue(events, "nothing happened after the webhook was created")
        self.assertFalse([e for e in events if e["data"]["watch"] == "borel" and e["data"]["change"] == "opened"])

    def test_deleted_webhook_gets_nothing_more(self):
        events = self.eps["gone"].events()
        self.assertTrue(events, "it was created before the crisis")
        self.assertTrue(all(e["seq"] <= self.head for e in events), [e["seq"] for e in events])
        self.assertEqual(events, [e for e in self.log if e["seq"] <= self.head][:len(events)])

    def test_metrics(self):
        m = metrics(self.server)
        delivered = sum(len(ep.delivered()) for name, ep in self.eps.items() if name != "crud")
        self.assertGreaterEqual(m['vigie_webhook_deliveries_total{outcome="delivered"}'], delivered)
        self.assertIn("vigie_webhook_pending", m)
        self.assertGreaterEqual(m["vigie_webhook_pending"], 1, "the stuck delivery is pending")
        # The detectors' changes; an acknowledgement is none.
        transitions = [e for e in self.log if e["data"]["change"] != "acknowledged"]
        self.assertEqual(len(transitions), len(self.log) - 1)
        self.assertGreaterEqual(m["vigie_alert_transitions_total"], len(transitions))

    def test_webhook_replaced_while_retrying_sends_the_alert_to_its_new_url(self):
        # Last in name order: it frees the stuck delivery that test_metrics counts as pending.
        stuck = self.eps["stuck"].requests
        self.assertTrue(stuck)
        retried = stuck[-1]["key"]
        new_url = self.eps["unstuck"].url("/unstuck")
        status, body = self.server.json("PUT", "/v1/webhooks/stuck", json.dumps({"url": new_url}))
        self.assertEqual(status, 200, body)
        # The attempt in flight runs to its timeout (10 s); then the alert goes to the new URL,
        # not to the old one again, and the others follow it there.
        rest = [e for e in self.log if e["seq"] >= int(retried.rsplit(":", 1)[1])]
        self.assertTrue(wait_for(lambda: len(self.eps["unstuck"].delivered()) >= len(rest), 30),
                        (len(self.eps["unstuck"].delivered()), len(rest)))
        got = self.eps["unstuck"].delivered()
        self.assertEqual(got[0]["key"], retried)
        self.assertEqual([json.loads(r["body"]) for r in got], rest)
        self.assertEqual(len({r["key"] for r in self.eps["stuck"].requests}), len({r["key"] for r in stuck}))


RETENTION_CONFIG = """
pipeline:
  event_retention: 1000
  finding_retention: %d
webhooks:
  request_timeout_seconds: 60
  max_attempts: 1
  allow_internal_addresses: true
"""


class retention_test(unittest.TestCase):
    def start_with_stuck_webhook(self, finding_retention):
        """A server whose webhook "stuck" hangs on the first alert while the crisis history and
        6,000 more mentions go by (far more than the event log keeps), then restarts; "idle"
        (another watch) and "quiet" (a tenant with mentions only) have had nothing to deliver.
        Returns the server and the stuck endpoint, released."""
        stuck, idle = Endpoint("hang"), Endpoint("ok")
        self.addCleanup(stuck.close)
        self.addCleanup(idle.close)
        srv = Server(config=RETENTION_CONFIG % finding_retention).start()
        self.addCleanup(srv.cleanup)
        self.addCleanup(srv.stop)
        put_watches(srv)
        status, body = srv.json("PUT", "/v1/watches/probe", json.dumps({"query": "sentinelle"}))
        self.assertIn(status, (200, 201), body)
        for hook, ep, watches in (("stuck", stuck, None), ("idle", idle, ["probe"])):
            spec = {"url": ep.url(f"/{hook}")}
            if watches:
                spec["watches"] = watches
            status, body = srv.json("PUT", f"/v1/webhooks/{hook}", json.dumps(spec))
            self.assertEqual(status, 200, body)
        # A tenant with only mentions, no alerts, and no live feed: its mention events are
        # never published, and its webhook must still follow the log.
        status, body = srv.json("PUT", "/v1/watches/w", json.dumps({"query": "globex"}), key="globex")
        self.assertIn(status, (200, 201), body)
        status, body = srv.json("PUT", "/v1/webhooks/quiet", json.dumps({"url": idle.url("/quiet")}), key="globex")
        self.assertEqual(status, 200, body)
        for b in range(6):  # past the trim every 4,096 events
            status, body = srv.ingest([{"id": f"g{b}-{i}", "text": f"Globex {i}", "created_at": 1767225600000 + i}
                                       for i in range(1000)], key="globex")
            self.assertEqual(body["accepted"], 1000, body)
        ingest_all(srv, crisis_history(), 1000)
        self.assertTrue(wait_for(lambda: stuck.requests, 20), "no alert reached the stuck webhook")
        # Then enough events for the event log's retention to go past the stuck webhook's cursor.
        ingest_all(srv, [{"id": f"after-{i}", "text": f"Borel {i}", "created_at": SPIKE_END + 30 * HOUR + i}
                         for i in range(6000)], 1000)
        self.assertEqual(srv.stop(), 0)
        stuck.release.set()
        srv.start()
        return srv, stuck

    def test_a_webhook_behind_the_event_log_gets_its_alerts_from_the_findings_log(self):
        """Alerts are kept in a log of their own: a webhook stuck while a flood of mentions
        pushes its cursor out of the event log gets, at the next start, every alert change it
        had not delivered, and nothing is reported lost."""
        srv, stuck = self.start_with_stuck_webhook(100000)
        # Every alert change the tenant had, from the findings log.
        with Feed(srv, "types=alert&since=0") as feed:
            changes = feed.drain()
        self.assertGreater(len(changes), 1)
        first_key = stuck.requests[0]["key"]
        want = [c for c in changes if c["seq"] >= int(first_key.rsplit(":", 1)[1])]

        def received():  # each alert change once, in the order first sent
            bodies = {}
            for r in list(stuck.requests):
                bodies.setdefault(r["key"], json.loads(r["body"]))
            return list(bodies.values())

        self.assertTrue(wait_for(lambda: len(received()) >= len(want), 30), (len(received()), len(want)))
        self.assertEqual(received(), want)
        self.assertNotIn("fell behind", open(srv.log_path, encoding="utf-8").read())
        self.assertEqual(metrics(srv)["vigie_webhook_events_lost_total"], 0)

    def test_a_webhook_the_findings_log_trimmed_past_is_told_an_idle_one_is_not(self):
        """A webhook stuck on one alert while more alert and signal changes than the findings
        log keeps go by cannot get those in between: at the next start that is logged, naming
        it, and counted. A webhook that had nothing to deliver has followed the log and loses
        nothing."""
        srv, _ = self.start_with_stuck_webhook(10)
        found = lambda: "fell behind the event log" in open(srv.log_path, encoding="utf-8").read()
        self.assertTrue(wait_for(found, 20), "the loss was not logged")
        lines = [l for l in open(srv.log_path, encoding="utf-8") if "fell behind the event log" in l]
        self.assertTrue(all('"stuck"' in l for l in lines), lines)
        self.assertGreater(metrics(srv)["vigie_webhook_events_lost_total"], 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
