"""Integration tests: the real vigie binary on a loopback port, spoken to over real HTTP."""

import json
import os
import random
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import contracts  # noqa: E402
from vigie_server import KEYS, VIGIE, Server, free_port, mention  # noqa: E402

SLOW_CLIENT_CONFIG = """
http:
  idle_timeout_seconds: 2
  read_timeout_seconds: 2
"""


def read_until_closed(s):
    """What a socket receives until the server closes the connection."""
    data = b""
    while True:
        part = s.recv(65536)
        if not part:
            return data
        data += part


class api_test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(config=SLOW_CLIENT_CONFIG).start()

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        cls.server.cleanup()
        assert code == 0, f"vigie exited with {code} after SIGTERM"

    def setUp(self):
        # Each test writes under its own source so that tests stay independent.
        self.source = self.id().split(".")[-1][:60]

    def m(self, i, **extra):
        extra.setdefault("source", self.source)
        return mention(i, **extra)

    def assert_serving(self):
        status, body = self.server.json("GET", "/livez", key=None)
        self.assertEqual(status, 200)

    def assert_error(self, status, body, want_status, want_code):
        self.assertEqual(status, want_status, body)
        contracts.check("Error", body)
        self.assertEqual(body["error"]["code"], want_code)

    def mine(self, key="acme"):
        return [m for m in self.server.all_mentions(key=key, query="source=" + self.source)]

    # -- health, auth, routing ------------------------------------------------------------

    def test_health_routes(self):
        for path, want in (("/livez", "ok"), ("/readyz", "ready")):
            status, body = self.server.json("GET", path, key=None)
            self.assertEqual(status, 200)
            contracts.check("Health", body)
            self.assertEqual(body["status"], want)

    def test_every_v1_route_needs_a_valid_key(self):
        for key in (None, "not-a-key"):
            status, hdrs, data = self.server.request("GET", "/v1/mentions", key=key)
            self.assert_error(status, json.loads(data), 401, "unauthorized")
            self.assertEqual(hdrs.get("www-authenticate"), "Bearer")
        status, body = self.server.ingest([self.m(1)], key="wrong-key")
        self.assert_error(status, body, 401, "unauthorized")
        self.assertEqual(self.mine(), [])

    def test_unknown_routes_and_methods(self):
        status, body = self.server.json("GET", "/v1/nothing-here")
        self.assert_error(status, body, 404, "not_found")
        status, body = self.server.json("GET", "/index.html", key=None)
        self.assert_error(status, body, 404, "not_found")
        status, hdrs, data = self.server.request("DELETE", "/v1/mentions")
        self.assert_error(status, json.loads(data), 405, "method_not_allowed")
        self.assertEqual(hdrs["allow"], "GET, POST")
        # A valid watch id followed by no known sub-route is no route, not a bad id.
        for path in ("/v1/watches/w1/", "/v1/watches/w1/nothing", "/v1/watches/w1/series/x"):
            status, body = self.server.json("GET", path)
            self.assert_error(status, body, 404, "not_found")
            self.assertIn("no route", body["error"]["message"], path)
        status, body = self.server.json("GET", "/v1/watches/" + "x" * 200 + "/series")
        self.assert_error(status, body, 400, "invalid_watch_id")
        self.assert_serving()

    # -- ingest and read back ---------------------------------------------------------------

    def test_ingest_ndjson_and_read_back_newest_first(self):
        lines = [self.m(i) for i in range(5)]
        lines[2].update(lang="FR", author={"id": "u1", "name": "Zoé", "followers": 1234},
                        title="Titre", url="https://example.org/a")
        lines[3]["reach"] = 99
        lines[4]["created_at"] = "2026-01-01T01:00:00.250+01:00"
        for l in lines:
            contracts.check_mention_input(l)
        status, body = self.server.ingest(lines)
        self.assertEqual(status, 200, body)
        contracts.check("IngestResult", body)
        self.assertEqual((body["accepted"], body["duplicates"], body["rejected"]), (5, 0, 0))

        stored = self.mine()
        for m in stored:
            contracts.check("EnrichedMention", m)
        # m4 is 2026-01-01T00:00:00.250Z, the newest; the others are 00:00:00.000 + i ms.
        self.assertEqual([m["id"] for m in stored], ["m4", "m3", "m2", "m1", "m0"])
        by_id = {m["id"]: m for m in stored}
        self.assertEqual(by_id["m4"]["created_at"], "2026-01-01T00:00:00.250Z")
        self.assertEqual(by_id["m2"]["lang"], "fr")
        self.assertEqual(by_id["m2"]["author"], {"id": "u1", "name": "Zoé", "followers": 1234})
        self.assertEqual(by_id["m2"]["reach"], 1234)  # defaults to the author's followers
        self.assertEqual(by_id["m3"]["reach"], 99)
        self.assertEqual(by_id["m0"]["text"], "Mention 0 about Borel")
        self.assertEqual(by_id["m0"]["watches"], [])

    def test_a_language_without_a_lexicon_is_flagged_not_scored(self):
        """German gets no score: neutral 0, flagged, so that it does not pass for a neutral
        reading; French and English carry no flag."""
        self.server.ingest([self.m(0, lang="de", text="Borel ist sehr gut, wirklich toll"),
                            self.m(1, lang="fr", text="Borel c'est nul"),
                            self.m(2, lang="en", text="Borel is fine")])
        by_id = {m["id"]: m for m in self.mine()}
        for m in by_id.values():
            contracts.check("EnrichedMention", m)
        self.assertEqual(by_id["m0"]["sentiment"], {"label": "neutral", "score": 0.0, "supported": False})
        self.assertNotIn("supported", by_id["m1"]["sentiment"])
        self.assertEqual(by_id["m1"]["sentiment"]["label"], "negative")
        self.assertNotIn("supported", by_id["m2"]["sentiment"])
        status, got = self.server.json("GET", f"/v1/mentions/{self.source}/m0")
        self.assertEqual(got["sentiment"].get("supported"), False, got)

    def test_ingest_json_array(self):
        status, body = self.server.ingest(
            [json.dumps([self.m(1), self.m(2), {"id": "x"}])], content_type="application/json")
        self.assertEqual(status, 200, body)
        self.assertEqual((body["accepted"], body["rejected"]), (2, 1))
        self.assertEqual(body["errors"], [{"line": 3, "reason": "missing required field 'text'"}])
        status, body = self.server.ingest(['{"id": "not an array"}'], content_type="application/json")
        self.assert_error(status, body, 400, "invalid_batch")

    def test_resending_is_idempotent(self):
        lines = [self.m(i) for i in range(10)]
        status, first = self.server.ingest(lines)
        self.assertEqual(first["accepted"], 10)
        status, again = self.server.ingest(lines + [self.m(10)])
        self.assertEqual((again["accepted"], again["duplicates"]), (1, 10))
        self.assertEqual(len(self.mine()), 11)

    def test_duplicate_ids_inside_one_batch_count_once(self):
        status, body = self.server.ingest([self.m(1), self.m(1), self.m(1, text="changed")])
        self.assertEqual((body["accepted"], body["duplicates"]), (1, 2))
        stored = self.mine()
        self.assertEqual(len(stored), 1)
        self.assertEqual(stored[0]["text"], "Mention 1 about Borel")  # the first one wins

    def test_same_id_in_another_source_is_another_mention(self):
        status, body = self.server.ingest([self.m(1), self.m(1, source=self.source + "-b")])
        self.assertEqual(body["accepted"], 2)

    # -- bad input --------------------------------------------------------------------------

    def test_bad_lines_are_reported_and_the_good_ones_taken(self):
        good = json.dumps(self.m(1)) + "\n"
        body = (good +
                '{"id": "broken", "text": \n' +                                   # 2
                json.dumps({"text": "no id", "created_at": 1, "source": self.source}) + "\n" +
                json.dumps({"id": 5, "text": "x", "created_at": 1}) + "\n" +       # 4
                json.dumps({"id": "t", "text": "x", "created_at": "yesterday"}) + "\n" +
                '{"id":"u","text":"\xff\xfe","created_at":1}\n' +                 # 6 (latin-1)
                json.dumps(self.m(2)) + "\n" +
                '{"id": "trunc", "text": "cut')                                   # 8
        status, hdrs, data = self.server.request(
            "POST", "/v1/mentions", body.encode("latin-1"), headers={"Content-Type": "application/x-ndjson"})
        result = json.loads(data)
        self.assertEqual(status, 200, result)
        contracts.check("IngestResult", result)
        self.assertEqual((result["accepted"], result["rejected"]), (2, 6))
        errors = {e["line"]: e["reason"] for e in result["errors"]}
        self.assertEqual(sorted(errors), [2, 3, 4, 5, 6, 8])
        self.assertIn("invalid JSON", errors[2])
        self.assertEqual(errors[3], "missing required field 'id'")
        self.assertEqual(errors[4], "field 'id' must be a string, not an integer")
        self.assertIn("created_at", errors[5])
        self.assertEqual(errors[6], "invalid UTF-8")
        self.assertEqual(sorted(m["id"] for m in self.mine()), ["m1", "m2"])

    def test_empty_body_and_unsupported_type(self):
        status, body = self.server.ingest([""])
        self.assert_error(status, body, 400, "empty_batch")
        status, body = self.server.ingest([self.m(1)], content_type="text/html")
        self.assert_error(status, body, 415, "unsupported_media_type")

    def test_media_types_ignore_case_and_empty_arrays_are_empty_batches(self):
        status, body = self.server.ingest([self.m(1)], content_type="Application/X-NDJSON; Charset=UTF-8")
        self.assertEqual((status, body["accepted"]), (200, 1), body)
        status, body = self.server.json("POST", "/v1/mentions", json.dumps([self.m(2)]),
                                        headers={"Content-Type": "APPLICATION/JSON"})
        self.assertEqual((status, body["accepted"]), (200, 1), body)
        status, body = self.server.json("POST", "/v1/mentions", " [ \n ] ", headers={"Content-Type": "application/json"})
        self.assert_error(status, body, 400, "empty_batch")
        status, body = self.server.json("POST", "/v1/mentions", "\ufeff" + json.dumps(self.m(3)) + "\n",
                                        headers={"Content-Type": "application/x-ndjson"})
        self.assertEqual((status, body["accepted"]), (200, 1), body)
        self.assertEqual(sorted(m["id"] for m in self.mine()), ["m1", "m2", "m3"])

    def test_compressed_bodies_are_refused_not_misread(self):
        import gzip
        payload = gzip.compress((json.dumps(self.m(1)) + "\n").encode())
        status, body = self.server.json("POST", "/v1/mentions", payload,
                                        headers={"Content-Type": "application/x-ndjson", "Content-Encoding": "gzip"})
        self.assert_error(status, body, 415, "unsupported_media_type")
        self.assertIn("Content-Encoding 'gzip'", body["error"]["message"])
        status, body = self.server.json("POST", "/v1/mentions", json.dumps(self.m(2)) + "\n",
                                        headers={"Content-Type": "application/x-ndjson", "Content-Encoding": "Identity"})
        self.assertEqual((status, body["accepted"]), (200, 1), body)
        # A transfer coding other than chunked under the chunked framing.
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        line = (json.dumps(self.m(3)) + "\n").encode()
        s.sendall((f"POST /v1/mentions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEYS['acme']}\r\n"
                   "Content-Type: application/x-ndjson\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").encode()
                  + f"{len(line):x}\r\n".encode() + line + b"\r\n0\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            part = s.recv(65536)
            if not part:
                break
            data += part
        s.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 501"), data[:200])
        self.assertEqual(sorted(m["id"] for m in self.mine()), ["m2"])
        self.assert_serving()

    def test_array_element_over_the_mention_limit_is_rejected_alone(self):
        # The limit is the server's default max_mention_bytes (1 MiB).
        batch = [self.m(1), self.m(2, text="x" * (2 << 20)), self.m(3)]
        status, body = self.server.json("POST", "/v1/mentions", json.dumps(batch),
                                        headers={"Content-Type": "application/json"})
        self.assertEqual(status, 200, body)
        self.assertEqual((body["accepted"], body["rejected"]), (2, 1))
        self.assertEqual(body["errors"][0]["line"], 2)
        self.assertIn("over the limit", body["errors"][0]["reason"])
        # One element with a bad escape costs only itself; a lone surrogate escape (a post cut
        # in the middle of an emoji) is taken, as the replacement character.
        raw = ("[" + json.dumps(self.m(4)) + ',{"id":"m5","source":"%s","text":"\\q","created_at":1},'
               '{"id":"m6","source":"%s","text":"cut \\ud83d","created_at":1}]' % (self.source, self.source))
        status, body = self.server.json("POST", "/v1/mentions", raw, headers={"Content-Type": "application/json"})
        self.assertEqual((status, body["accepted"], body["rejected"]), (200, 2, 1), body)
        self.assertEqual(body["errors"][0]["line"], 2)
        self.assertIn("unknown escape", body["errors"][0]["reason"])
        self.assertEqual(sorted(m["id"] for m in self.mine()), ["m1", "m3", "m4", "m6"])
        self.assertEqual([m["text"] for m in self.mine() if m["id"] == "m6"], ["cut \ufffd"])

    def test_expect_100_continue_is_answered(self):
        body = (json.dumps(self.m(1)) + "\n").encode()
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=5)
        s.sendall((f"POST /v1/mentions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEYS['acme']}\r\n"
                   f"Content-Type: application/x-ndjson\r\nContent-Length: {len(body)}\r\n"
                   "Expect: 100-continue\r\n\r\n").encode())
        interim = s.recv(4096)  # the client waits for it before sending the body
        self.assertTrue(interim.startswith(b"HTTP/1.1 100 Continue\r\n\r\n"), interim)
        s.sendall(body)
        data = interim[len(b"HTTP/1.1 100 Continue\r\n\r\n"):]
        while not data.rstrip().endswith(b"}"):
            part = s.recv(65536)
            if not part:
                break
            data += part
        s.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 200"), data)
        self.assertIn(b'"accepted":1', data)

    def test_head_answers_headers_only(self):
        # HEAD then GET on one keep-alive connection: a body after the HEAD's headers would be
        # read as the start of the GET's answer.
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        s.sendall(b"HEAD /livez HTTP/1.1\r\nHost: x\r\n\r\nGET /livez HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while data.count(b"HTTP/1.1 200") < 2 or not data.endswith(b"}"):
            part = s.recv(65536)
            if not part:
                break
            data += part
        s.close()
        head, rest = data.split(b"\r\n\r\n", 1)
        self.assertIn(b"Content-Length: 15", head)
        self.assertTrue(rest.startswith(b"HTTP/1.1 200"), data)
        self.assertTrue(rest.endswith(b'{"status":"ok"}'), data)

    def test_ten_megabyte_line_is_rejected_alone(self):
        huge = self.m(1, text="x" * (10 << 20))
        status, body = self.server.ingest([self.m(2), huge, self.m(3)])
        self.assertEqual(status, 200, body)
        self.assertEqual((body["accepted"], body["rejected"]), (2, 1))
        self.assertEqual(body["errors"][0]["line"], 2)
        self.assertIn("over the limit", body["errors"][0]["reason"])
        self.assert_serving()

    def test_hundred_megabyte_body_gets_413_and_the_server_keeps_serving(self):
        size = 100 << 20
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=30)
        s.sendall((f"POST /v1/mentions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEYS['acme']}\r\n"
                   f"Content-Type: application/x-ndjson\r\nContent-Length: {size}\r\n\r\n").encode())
        chunk = b"x" * (1 << 20)
        try:
            for _ in range(100):
                s.sendall(chunk)
        except OSError:
            pass  # the server answered and closed before the body was sent: expected
        data = b""
        try:
            while True:
                part = s.recv(65536)
                if not part:
                    break
                data += part
        except OSError:
            pass
        s.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 413"), data[:200])
        body = json.loads(data.split(b"\r\n\r\n", 1)[1])
        self.assert_error(413, body, 413, "payload_too_large")
        self.assert_serving()

    def test_a_body_is_read_only_from_a_client_with_a_key(self):
        """A request without a valid key is refused on its headers, its body unread: a
        client without a key cannot make the server hold megabytes, nor slip its key into a
        chunked body's trailer. A client that sends its whole body before reading still gets
        the answer."""
        def answer_to(head, body=b""):
            with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
                s.sendall(head + body)
                s.settimeout(5)
                data = b""
                try:
                    while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < 20:
                        part = s.recv(65536)
                        if not part:
                            break
                        data += part
                except socket.timeout:
                    self.fail(f"no answer before the body: {data[:200]!r}")
                return data
        size = 30 << 20
        for auth in (b"", b"Authorization: Bearer not-a-key-at-all\r\n"):
            data = answer_to(b"POST /v1/mentions HTTP/1.1\r\nHost: x\r\n" + auth +
                             f"Content-Type: application/x-ndjson\r\nContent-Length: {size}\r\n\r\n".encode())
            self.assertTrue(data.startswith(b"HTTP/1.1 401"), data[:200])
            self.assertIn(b"Connection: close", data)
        # Nor is a body read where no route takes one, key or not.
        for path in (b"/v1/stream", b"/v1/stream?access_token=bad", b"/nothing", b"/livez"):
            data = answer_to(b"POST " + path + b" HTTP/1.1\r\nHost: x\r\n" +
                             f"Authorization: Bearer {KEYS['acme']}\r\nContent-Length: {size}\r\n\r\n".encode())
            self.assertTrue(data.startswith(b"HTTP/1.1 400"), (path, data[:200]))
            self.assertIn(b"takes no body", data)
        # Nor by a method that takes none: a body there is a mistake, not to be ignored.
        for request in (b"GET /v1/watches", b"DELETE /v1/watches/w", b"GET /v1/mentions?limit=1"):
            data = answer_to(request + b" HTTP/1.1\r\nHost: x\r\n" +
                             f"Authorization: Bearer {KEYS['acme']}\r\nContent-Length: 5\r\n\r\n".encode(), b"hello")
            self.assertTrue(data.startswith(b"HTTP/1.1 400"), (request, data[:200]))
            self.assertIn(request.split(b"?")[0] + b" takes no body", data)
        # Chunked: refused when it holds something, answered when it is empty.
        head = (b"GET /v1/watches HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n" +
                f"Authorization: Bearer {KEYS['acme']}\r\n\r\n".encode())
        data = answer_to(head, b"5\r\nhello\r\n0\r\n\r\n")
        self.assertTrue(data.startswith(b"HTTP/1.1 400"), data[:200])
        self.assertIn(b"GET /v1/watches takes no body", data)
        data = answer_to(head, b"0\r\n\r\n")
        self.assertTrue(data.startswith(b"HTTP/1.1 200"), data[:200])
        # With Expect: 100-continue the refusal comes instead of the 100.
        data = answer_to(b"PUT /v1/watches/w HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                         b"Content-Length: 20\r\n\r\n")
        self.assertTrue(data.startswith(b"HTTP/1.1 401"), data[:200])
        # A key in a trailer is no key.
        data = answer_to(b"POST /v1/watches:validate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                         b"Trailer: Authorization\r\n\r\n",
                         b'e\r\n{"q": "borel"}\r\n0\r\n' +
                         f"Authorization: Bearer {KEYS['acme']}\r\n\r\n".encode())
        self.assertTrue(data.startswith(b"HTTP/1.1 401"), data[:200])
        # A client that writes its whole (refused) body before it reads gets the answer, not a
        # reset connection.
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=30)
        s.sendall(f"POST /v1/mentions HTTP/1.1\r\nHost: x\r\nContent-Length: {8 << 20}\r\n\r\n".encode())
        s.sendall(b"x" * (8 << 20))
        data = read_until_closed(s)
        s.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 401"), data[:200])
        self.assert_error(401, json.loads(data.split(b"\r\n\r\n", 1)[1]), 401, "unauthorized")
        # With the key, the same requests are served.
        status, hdrs, data = self.server.request("POST", "/v1/watches:validate", body=b'{"query": "borel"}')
        self.assertEqual(status, 200, data)
        self.assert_serving()

    def test_authorization_comes_once(self):
        """Two Authorization headers are refused, whichever comes first: a proxy in front may
        have read the other one."""
        good, other = f"Bearer {KEYS['acme']}", f"Bearer {KEYS['globex']}"
        for pair in ((good, other), (good, "garbage"), ("garbage", good), (good, good)):
            for method, path, body in (("GET", "/v1/watches", b""), ("POST", "/v1/watches:validate", b'{"q": "a"}')):
                head = f"{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {pair[0]}\r\n" \
                       f"Authorization: {pair[1]}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
                with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
                    s.sendall(head.encode() + body)
                    data = read_until_closed(s)
                self.assertTrue(data.startswith(b"HTTP/1.1 400"), (pair, path, data[:200]))
                self.assertIn(b"one Authorization header", data)

    def test_oversized_headers_get_431(self):
        status, hdrs, data = self.server.request("GET", "/livez", key=None,
                                                 headers={"X-Big": "y" * 20000})
        self.assert_error(status, json.loads(data), 431, "headers_too_large")

    def test_malformed_http_gets_400(self):
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        s.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        data = s.recv(65536)
        s.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 400"), data[:100])
        self.assert_serving()

    def test_http_1_1_needs_exactly_one_host(self):
        def raw(request):
            with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
                s.sendall(request)
                return read_until_closed(s)
        for request in (b"GET /livez HTTP/1.1\r\nConnection: close\r\n\r\n",
                        b"GET /livez HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n"):
            answer = raw(request)
            self.assertTrue(answer.startswith(b"HTTP/1.1 400"), answer[:100])
            self.assertIn(b"exactly one Host", answer)
        # HTTP/1.0 has no such rule.
        self.assertTrue(raw(b"GET /livez HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 200"))
        self.assert_serving()

    def test_client_sending_one_byte_per_second_is_cut_off(self):
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        request = b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n"
        start = time.time()
        closed = False
        for b in request:
            try:
                s.send(bytes([b]))
            except OSError:
                closed = True
                break
            # Meanwhile the server answers everyone else.
            self.assert_serving()
            time.sleep(0.5)
            if time.time() - start > 8:
                break
        if not closed:
            try:
                s.settimeout(5)
                closed = s.recv(100) == b""
            except OSError:
                closed = True
        s.close()
        self.assertTrue(closed, "the server kept a trickling client")
        self.assertLess(time.time() - start, 9)

    def test_bad_query_parameters(self):
        for q, needle in (("limit=0", "limit"), ("limit=5000", "limit"), ("from=yesterday", "from"),
                          ("cursor=%%%", "malformed"), ("cursor=AAAA", "cursor"),
                          ("sentiment=angry", "sentiment"), ("color=red", "unknown query parameter"),
                          ("lang=french", "lang"), ("lang=f", "lang"),
                          ("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "before")):
            status, body = self.server.json("GET", "/v1/mentions?" + q)
            self.assert_error(status, body, 400, "bad_request")
            self.assertIn(needle, body["error"]["message"], q)

    def test_a_parameter_given_twice_or_unknown_is_refused_on_every_route(self):
        # Given twice: neither the first nor the last is silently taken.
        for path in ("/v1/mentions?limit=5&limit=6", "/v1/mentions?lang=fr&lang=en",
                     "/v1/alerts?limit=5&limit=6", "/v1/share-of-voice?watches=a&watches=b",
                     "/v1/watches/w1/series?from=0&from=1000", "/v1/mentions/api/x?explain=1&explain=0"):
            status, body = self.server.json("GET", path)
            self.assert_error(status, body, 400, "bad_request")
            self.assertIn("given more than once", body["error"]["message"], path)
        # Routes that take no parameter refuse a misspelt option rather than ignore it.
        for method, path, data in (("GET", "/v1/watches?limit=5", None), ("GET", "/v1/webhooks?x=1", None),
                                   ("GET", "/v1/watches/w1?verbose=1", None),
                                   ("POST", "/v1/mentions?dry_run=1", json.dumps(self.m(1)) + "\n"),
                                   ("GET", "/v1/alerts/a1?x", None)):
            status, body = self.server.json(method, path, data)
            self.assert_error(status, body, 400, "bad_request")
            self.assertIn("unknown query parameter", body["error"]["message"], path)
        self.assertEqual(self.mine(), [], "the refused POST stored nothing")
        status, body = self.server.json("GET", "/v1/watches")
        self.assertEqual(status, 200, body)

    def test_webhooks_to_internal_addresses_are_refused_by_default(self):
        for url in ("http://127.0.0.1:9/hook", "http://localhost:8080/x", "http://[::1]/x",
                    "http://169.254.169.254/latest/meta-data", "https://10.1.2.3/x",
                    "http://[::ffff:192.168.1.1]/x", "http://api.localhost/x",
                    # Older numeric forms the resolver reads as 127.0.0.1.
                    "http://127.1/x", "http://2130706433/x", "http://0x7f000001/x", "http://0177.0.0.1/x"):
            status, body = self.server.json("PUT", "/v1/webhooks/internal", json.dumps({"url": url}))
            self.assert_error(status, body, 400, "bad_request")
            self.assertIn("allow_internal_addresses", body["error"]["message"], url)
        status, body = self.server.json("GET", "/v1/webhooks/internal")
        self.assertEqual(status, 404, body)
        status, body = self.server.json("PUT", "/v1/webhooks/public", json.dumps({"url": "https://hooks.example.com/x"}))
        self.assertEqual(status, 200, body)
        status, _, _ = self.server.request("DELETE", "/v1/webhooks/public")
        self.assertEqual(status, 204)

    # -- reading ----------------------------------------------------------------------------

    def test_cursor_pages_stay_correct_while_ingest_goes_on(self):
        self.server.ingest([self.m(i) for i in range(25)])
        seen, cursor = [], None
        while True:
            q = f"/v1/mentions?limit=10&source={self.source}" + (f"&cursor={cursor}" if cursor else "")
            status, page = self.server.json("GET", q)
            self.assertEqual(status, 200)
            contracts.check("MentionPage", page)
            seen += [m["id"] for m in page["mentions"]]
            cursor = page["next_cursor"]
            # Newer and older mentions arrive between pages.
            self.server.ingest([self.m(1000 + len(seen)), self.m(-1000 - len(seen))])
            if not cursor:
                break
        want = [f"m{i}" for i in range(24, -1, -1)]
        self.assertEqual([s for s in seen if s in want], want)
        self.assertEqual(len(seen), len(set(seen)))

    def test_sources_ignore_case_as_watches_and_filters_do(self):
        """CaseFold, casefold and CASEFOLD are one source, stored lower-case: a mention sent
        under two of them is one mention (the idempotency key holds the source), and the
        filter and the one-mention route take any case."""
        status, body = self.server.ingest(
            [mention(i, source=s) for i, s in enumerate(("CaseFold", "casefold", "CASEFOLD", "casefolds"))]
            + [mention(1, source="CaseFold")])
        self.assertEqual((body["accepted"], body["duplicates"]), (4, 1), body)
        for asked in ("casefold", "CASEFOLD"):
            got = self.server.all_mentions(query=f"source={asked}")
            self.assertEqual(sorted((m["source"], m["id"]) for m in got),
                             [("casefold", "m0"), ("casefold", "m1"), ("casefold", "m2")], asked)
        for ref in ("CaseFold/m0", "casefold/m0", "CASEFOLD/m2"):
            status, got = self.server.json("GET", f"/v1/mentions/{ref}")
            self.assertEqual(status, 200, ref)
            self.assertEqual(got["source"], "casefold")

    def test_a_filtered_page_with_the_last_match_has_no_cursor(self):
        """The page that holds the last mention a filter matches ends the listing, even when
        mentions the filter leaves out come after it; a smaller page leads to the rest."""
        t = 1767225600000
        self.server.ingest([self.m(i, created_at=t - i * 60000, lang="en",
                                   text="I hate this, awful" if i < 3 else "I love this, great") for i in range(6)])
        status, page = self.server.json("GET", f"/v1/mentions?source={self.source}&sentiment=negative&limit=3")
        self.assertEqual(status, 200, page)
        self.assertEqual([m["id"] for m in page["mentions"]], ["m0", "m1", "m2"])
        self.assertIsNone(page["next_cursor"])
        status, page = self.server.json("GET", f"/v1/mentions?source={self.source}&sentiment=negative&limit=2")
        self.assertEqual([m["id"] for m in page["mentions"]], ["m0", "m1"])
        status, page = self.server.json(
            "GET", f"/v1/mentions?source={self.source}&sentiment=negative&limit=2&cursor={page['next_cursor']}")
        self.assertEqual([m["id"] for m in page["mentions"]], ["m2"])
        self.assertIsNone(page["next_cursor"])

    def test_from_and_to_bound_event_time(self):
        self.server.ingest([self.m(i, created_at=1767225600000 + i * 60000) for i in range(10)])
        status, body = self.server.json(
            "GET", f"/v1/mentions?source={self.source}&from=2026-01-01T00:03:00Z&to={1767225600000 + 6 * 60000}")
        self.assertEqual([m["id"] for m in body["mentions"]], ["m5", "m4", "m3"])

    def test_mentions_carry_language_and_sentiment_and_filter_on_them(self):
        status, body = self.server.ingest([
            self.m(1, text="I love this phone, the battery is amazing!", lang="en"),
            self.m(2, text="Service client injoignable, remboursement refusé. Une arnaque totale."),
            self.m(3, text="Borel opens a new store in Lyon on Monday.", lang="en")])
        self.assertEqual(body["accepted"], 3)
        by_id = {m["id"]: m for m in self.mine()}
        self.assertEqual(by_id["m1"]["sentiment"]["label"], "positive")
        self.assertGreater(by_id["m1"]["sentiment"]["score"], 0.3)
        self.assertEqual(by_id["m2"]["lang"], "fr")  # detected: no lang was given
        self.assertEqual(by_id["m2"]["sentiment"]["label"], "negative")
        self.assertEqual(by_id["m3"]["sentiment"]["label"], "neutral")
        status, page = self.server.json("GET", f"/v1/mentions?source={self.source}&sentiment=negative")
        self.assertEqual([m["id"] for m in page["mentions"]], ["m2"])
        status, page = self.server.json("GET", f"/v1/mentions?source={self.source}&lang=en&explain=true")
        contracts.check("MentionPage", page)
        self.assertEqual([m["id"] for m in page["mentions"]], ["m3", "m1"])
        why = page["mentions"][1]["explanation"]
        self.assertIn("love", [item["token"].lower() for item in why["items"]])
        self.assertEqual(why["label"], "positive")
        status, page = self.server.json("GET", f"/v1/mentions?source={self.source}&lang=FR")
        self.assertEqual([m["id"] for m in page["mentions"]], ["m2"])  # as stored: lower case

    def test_one_mention_by_source_and_id(self):
        # Alerts and signals name their sample mentions "source/id": each can be fetched.
        status, body = self.server.ingest([
            self.m(1, text="Remboursement refusé, une arnaque", lang="fr"),
            self.m(2, id="tw/42+x y", text="Love the new Borel app!", lang="en")])
        self.assertEqual(body["accepted"], 2, body)
        listed = {m["id"]: m for m in self.mine()}
        status, got = self.server.json("GET", f"/v1/mentions/{self.source}/m1")
        self.assertEqual(status, 200, got)
        contracts.check("EnrichedMention", got)
        self.assertEqual(got, listed["m1"])
        # An id may hold '/', '+' and spaces: the rest of the path, percent-decoded.
        status, got = self.server.json("GET", f"/v1/mentions/{self.source}/tw/42+x%20y")
        self.assertEqual((status, got.get("id")), (200, "tw/42+x y"), got)
        status, got = self.server.json("GET", f"/v1/mentions/{self.source}/tw%2F42%2Bx%20y?explain=true")
        self.assertEqual(status, 200, got)
        contracts.check("EnrichedMention", got)
        self.assertIn("love", [item["token"].lower() for item in got["explanation"]["items"]])
        # The whole ref encoded, as a client may quote "source/id" from a sample list.
        status, got = self.server.json("GET", f"/v1/mentions/{self.source}%2Fm1")
        self.assertEqual((status, got.get("id")), (200, "m1"), got)
        for path in (f"/v1/mentions/{self.source}/m9", f"/v1/mentions/nosuchsource/m1",
                     f"/v1/mentions/{self.source}/", "/v1/mentions/only-a-source"):
            status, got = self.server.json("GET", path)
            self.assert_error(status, got, 404, "not_found")
        status, got = self.server.json("GET", "/v1/mentions/bad%zz/m1")
        self.assert_error(status, got, 400, "bad_request")
        status, got = self.server.json("GET", f"/v1/mentions/{self.source}/m1", key="globex")
        self.assert_error(status, got, 404, "not_found")  # another tenant's mention does not exist
        status, got = self.server.json("GET", f"/v1/mentions/{self.source}/m1?explain=yes")
        self.assert_error(status, got, 400, "bad_request")
        status, got = self.server.json("GET", f"/v1/mentions/{self.source}/m1?limit=3")
        self.assert_error(status, got, 400, "bad_request")
        status, hdrs, data = self.server.request("DELETE", f"/v1/mentions/{self.source}/m1")
        self.assert_error(status, json.loads(data), 405, "method_not_allowed")
        self.assertEqual(hdrs["allow"], "GET")

    def test_tenants_are_isolated(self):
        self.server.ingest([self.m(1, text="acme secret")], key="acme")
        self.server.ingest([self.m(1, text="globex secret")], key="globex")
        self.assertEqual([m["text"] for m in self.mine("acme")], ["acme secret"])
        self.assertEqual([m["text"] for m in self.mine("globex")], ["globex secret"])

    # -- ops --------------------------------------------------------------------------------

    def test_metrics_pass_promtool_and_count_lines(self):
        self.server.ingest([self.m(1), "not json\n"])
        status, hdrs, data = self.server.request("GET", "/metrics", key=None)
        self.assertEqual(status, 200)
        self.assertTrue(hdrs["content-type"].startswith("text/plain; version=0.0.4"))
        text = data.decode()
        check = subprocess.run(["promtool", "check", "metrics"], input=data, capture_output=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        values = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                values[name] = float(value)
        self.assertGreaterEqual(values['vigie_ingest_lines_total{outcome="accepted"}'], 1)
        self.assertGreaterEqual(values['vigie_ingest_lines_total{outcome="rejected"}'], 1)
        self.assertIn('vigie_http_requests_total{method="POST",route="/v1/mentions",code="200"}', values)
        for name in ("vigie_ingest_queue_depth", "vigie_write_queue_depth",
                     "vigie_rocksdb_pending_compaction_bytes", "vigie_rocksdb_stall_seconds_total",
                     "vigie_write_batch_duration_seconds_count", "process_resident_memory_bytes"):
            self.assertIn(name, values)

    def test_metric_labels_stay_bounded_whatever_clients_send(self):
        def raw(request):
            with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
                s.sendall(request)
                return s.recv(200)
        methods = ["X" + "".join(random.choice(string.ascii_uppercase) for _ in range(60)) for _ in range(20)]
        for m in methods:
            self.assertTrue(raw(f"{m} /v1/mentions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()))
        # A body over the limit is refused from its Content-Length, before the route: it keeps
        # its method and route.
        answer = raw(b"POST /v1/mentions HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000000\r\n\r\n")
        self.assertTrue(answer.startswith(b"HTTP/1.1 413"), answer)
        status, hdrs, data = self.server.request("GET", "/metrics", key=None)
        text = data.decode()
        for m in methods:
            self.assertNotIn(m, text)
        self.assertIn('vigie_http_requests_total{method="other",route="/v1/mentions",code="401"}', text)
        self.assertIn('vigie_http_requests_total{method="POST",route="/v1/mentions",code="413"}', text)


class lifecycle_test(unittest.TestCase):
    def test_bad_config_exits_2_with_the_setting_named(self):
        r = subprocess.run([VIGIE, "serve", "--listen", "nowhere"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("listen", r.stderr)
        r = subprocess.run([VIGIE, "serve", "--bogus"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        # An empty value (an unset variable) is not the default folder or address.
        for flag in ("--data-dir", "--listen", "--lexicon-dir", "--config"):
            r = subprocess.run([VIGIE, "serve", flag, ""], capture_output=True, text=True)
            self.assertEqual(r.returncode, 2, (flag, r.stderr))
            self.assertIn(f"{flag} is given but empty", r.stderr)
        # A lexicon folder that is not there is a setting to fix.
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run([VIGIE, "serve", "--lexicon-dir", os.path.join(d, "none"), "--data-dir", d],
                               capture_output=True, text=True)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("lexicon_dir", r.stderr)
        # A second YAML document is not silently dropped.
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write("storage:\n  sync_wal: false\n---\nstorage:\n  sync_wal: true\n")
            f.flush()
            r = subprocess.run([VIGIE, "serve", "--config", f.name], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("2 YAML documents", r.stderr)
        # A file that ends with "---" holds one document and an empty one: it starts.
        with tempfile.TemporaryDirectory() as d, open(os.path.join(d, "c.yaml"), "w") as f:
            f.write("log:\n  level: info\n---\n")
            f.flush()
            port = free_port()
            proc = subprocess.Popen([VIGIE, "serve", "--config", f.name, "--listen", f"127.0.0.1:{port}",
                                     "--data-dir", os.path.join(d, "data")],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            time.sleep(1.5)
            self.assertIsNone(proc.poll(), proc.stderr.read() if proc.poll() is not None else "")
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(30), 0)
            proc.stderr.close()
        r = subprocess.run([VIGIE, "--help"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        self.assertIn("serve", r.stdout)
        # A mistyped command is named, not "a subcommand is required".
        r = subprocess.run([VIGIE, "sevre"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown command 'sevre'", r.stderr)

    def test_sigterm_drains_exits_0_and_data_survives_restart(self):
        srv = Server().start()
        try:
            status, body = srv.ingest([mention(i) for i in range(100)])
            self.assertEqual(body["accepted"], 100)
            self.assertEqual(srv.stop(), 0, srv.logs())
            self.assertIn('"msg":"stopped"', srv.logs())
            srv.start()
            self.assertEqual(len(srv.all_mentions()), 100)
            status, body = srv.ingest([mention(i) for i in range(100)])
            self.assertEqual(body["duplicates"], 100)
            # SIGHUP (a closed terminal) stops it as cleanly.
            self.assertEqual(srv.stop(sig=signal.SIGHUP), 0, srv.logs())
            self.assertIn('"msg":"stopped"', srv.logs())
        finally:
            srv.stop()
            srv.cleanup()

    def test_sighup_stays_ignored_under_nohup(self):
        with tempfile.TemporaryDirectory() as d:
            port = free_port()
            env = dict(os.environ, VIGIE_API_KEYS="acme:acme-secret-key-1")
            proc = subprocess.Popen([VIGIE, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", d],
                                    env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
            try:
                deadline = time.time() + 20
                while time.time() < deadline:
                    try:
                        with socket.create_connection(("127.0.0.1", port), timeout=1):
                            break
                    except OSError:
                        time.sleep(0.05)
                proc.send_signal(signal.SIGHUP)
                time.sleep(0.5)
                self.assertIsNone(proc.poll(), "SIGHUP stopped a server started with it ignored")
                proc.send_signal(signal.SIGTERM)
                self.assertEqual(proc.wait(30), 0)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()

    def test_a_batch_in_flight_at_sigterm_is_answered(self):
        # SIGTERM while a large batch is being read or written: it is stored and its client
        # gets the answer, whatever the moment (before, the event loop could run out of work
        # once the acceptor closed, and the drained batch's answer was never written).
        srv = Server().start()
        try:
            body = "".join(json.dumps(mention(i, text="Borel " + "blah " * 20)) + "\n" for i in range(20000)).encode()
            for delay in (0.02, 0.1, 0.2):
                with socket.create_connection(("127.0.0.1", srv.port), timeout=30) as s:
                    s.sendall(b"POST /v1/mentions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                              KEYS["acme"].encode() + b"\r\nContent-Type: application/x-ndjson\r\n" +
                              b"Content-Length: %d\r\n\r\n" % len(body) + body)
                    time.sleep(delay)
                    srv.proc.send_signal(signal.SIGTERM)
                    answer = b""
                    while chunk := s.recv(65536):
                        answer += chunk
                self.assertTrue(answer.startswith(b"HTTP/1.1 200"), (delay, answer[:200]))
                self.assertIn(b'"accepted":20000', answer) if delay == 0.02 else self.assertIn(b'"duplicates":20000', answer)
                self.assertEqual(srv.proc.wait(30), 0, srv.logs())
                srv.start()
            self.assertEqual(len(srv.all_mentions()), 20000)
        finally:
            srv.stop()
            srv.cleanup()

    def test_a_batch_still_arriving_at_sigterm_is_read_stored_and_answered(self):
        # SIGTERM when only half of a batch's body has arrived: the server waits for the rest,
        # stores the batch and answers 200 before it stops. (It used to stop the pipeline at
        # once, and the batch, read after, was refused 503: a deploy turned away whatever was
        # still uploading.)
        srv = Server().start()
        try:
            body = "".join(json.dumps(mention(i)) + "\n" for i in range(100)).encode()
            half = len(body) // 2
            with socket.create_connection(("127.0.0.1", srv.port), timeout=30) as s:
                s.sendall(b"POST /v1/mentions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                          KEYS["acme"].encode() + b"\r\nContent-Type: application/x-ndjson\r\n" +
                          b"Content-Length: %d\r\n\r\n" % len(body) + body[:half])
                time.sleep(1.0)  # the headers and the first half are read
                srv.proc.send_signal(signal.SIGTERM)
                time.sleep(1.0)  # the server is stopping, and waits for this body
                s.sendall(body[half:])
                answer = b""
                while chunk := s.recv(65536):
                    answer += chunk
            self.assertTrue(answer.startswith(b"HTTP/1.1 200"), answer[:300])
            self.assertIn(b'"accepted":100', answer)
            self.assertEqual(srv.proc.wait(30), 0, srv.logs())
            srv.start()
            self.assertEqual(len(srv.all_mentions()), 100)
        finally:
            srv.stop()
            srv.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
