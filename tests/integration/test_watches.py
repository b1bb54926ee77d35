"""Watches over the real server: the query language through the API, matching at ingest,
per-watch listings, series, top authors and sources, share of voice, backfill."""

import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import contracts  # noqa: E402
from vigie_server import Server, rfc3339_ms  # noqa: E402

T0 = 1767225600000  # 2026-01-01T00:00:00Z
HOUR = 3600000


def m(i, text, t, **extra):
    d = {"id": f"w{i}", "text": text, "created_at": t, "source": "twitter", "lang": "fr"}
    d.update(extra)
    return d


class watches_test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server().start()
        s = cls.server
        for wid, query in (("borel", "borel NOT recrutement"),
                           ("kelvio", '"kelvio box" OR kelvio*'),
                           ("rappel", 'borel NEAR/3 (rappel* OR scandale)')):
            status, body = s.json("PUT", f"/v1/watches/{wid}", json.dumps({"name": wid.title(), "query": query}))
            assert status == 201, (status, body)
        status, body = s.ingest([
            m(1, "Borel rappelle ses yaourts, quel scandale 😡", T0 + 10, author={"name": "Zoé", "followers": 100}),
            m(2, "J'adore la nouvelle Kelvio Box, au top !", T0 + 20, author={"name": "Max", "followers": 50}),
            m(3, "Borel recrutement: 40 postes ouverts", T0 + 30),
            m(4, "Super service chez Borel", T0 + HOUR + 5, source="review", author={"name": "Zoé", "followers": 100}),
            m(5, "Rien à voir avec les marques", T0 + 40),
            m(6, "borel et kelvioland, même combat", T0 + 2 * HOUR, author={"id": "u9"}),
        ])
        assert body["accepted"] == 6, body

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.cleanup()

    def ids(self, path):
        status, body = self.server.json("GET", path)
        self.assertEqual(status, 200, body)
        contracts.check("MentionPage", body)
        return [x["id"] for x in body["mentions"]]

    def test_crud_and_listing(self):
        status, body = self.server.json("GET", "/v1/watches/borel")
        self.assertEqual(status, 200)
        contracts.check("Watch", body)
        self.assertEqual((body["id"], body["name"], body["query"]), ("borel", "Borel", "borel NOT recrutement"))
        status, body = self.server.json("GET", "/v1/watches")
        contracts.check("WatchList", body)
        self.assertLessEqual({"borel", "kelvio", "rappel"}, {w["id"] for w in body["watches"]})
        # Another tenant sees none of them.
        status, body = self.server.json("GET", "/v1/watches", key="globex")
        self.assertEqual(body["watches"], [])
        status, body = self.server.json("GET", "/v1/watches/borel", key="globex")
        self.assertEqual(status, 404)

    def test_mentions_are_matched_at_ingest(self):
        self.assertEqual(self.ids("/v1/watches/borel/mentions"), ["w6", "w4", "w1"])
        self.assertEqual(self.ids("/v1/watches/kelvio/mentions"), ["w6", "w2"])
        self.assertEqual(self.ids("/v1/watches/rappel/mentions"), ["w1"])
        self.assertEqual(self.ids("/v1/watches/borel/mentions?source=review"), ["w4"])
        self.assertEqual(self.ids("/v1/watches/borel/mentions?sentiment=negative"), ["w1"])
        by_id = {x["id"]: x for x in self.server.all_mentions()}
        self.assertLessEqual({"borel", "rappel"}, set(by_id["w1"]["watches"]))
        self.assertNotIn("kelvio", by_id["w1"]["watches"])
        self.assertEqual(by_id["w5"]["watches"], [])

    def test_series_buckets_by_event_time(self):
        status, body = self.server.json(
            "GET", f"/v1/watches/borel/series?interval=1h&from={T0}&to={T0 + 3 * HOUR}")
        self.assertEqual(status, 200, body)
        contracts.check("Series", body)
        self.assertEqual([b["volume"] for b in body["buckets"]], [1, 1, 1])
        self.assertEqual(body["buckets"][0]["start"], "2026-01-01T00:00:00.000Z")
        self.assertEqual(body["buckets"][0]["negative"], 1)
        self.assertEqual(body["buckets"][1]["positive"], 1)
        self.assertEqual(body["buckets"][1]["reach"], 100)
        status, body = self.server.json(
            "GET", f"/v1/watches/borel/series?interval=1d&from={T0}&to={T0 + 24 * HOUR}")
        self.assertEqual([b["volume"] for b in body["buckets"]], [3])
        # A late mention lands in its own (past) bucket; a duplicate counts once.
        late = m(7, "Borel, encore un rappel produit", T0 + 5)
        self.server.ingest([late, late])
        self.server.ingest([late])
        status, body = self.server.json(
            "GET", f"/v1/watches/rappel/series?interval=1m&from={T0}&to={T0 + 60000}")
        self.assertEqual(body["buckets"][0]["volume"], 2)

    def test_series_range_is_whole_buckets_and_bounded_in_time(self):
        # 'to' inside a bucket: the bucket is counted whole, and the answer says so.
        status, body = self.server.json(
            "GET", f"/v1/watches/borel/series?interval=1h&from={T0 + HOUR // 2}&to={T0 + HOUR + HOUR // 4}")
        self.assertEqual(status, 200, body)
        self.assertEqual((body["from"], body["to"]), ("2026-01-01T00:00:00.000Z", "2026-01-01T02:00:00.000Z"))
        self.assertEqual(len(body["buckets"]), 2)
        # Times past the year 9999 or before 1970 are refused, not computed with.
        for q in ("interval=1h&to=9223372036854775807", "interval=1d&from=9223372036000000000&to=9223372036850000000",
                  "interval=1m&from=-9223372036854775808&to=-9223372036854775000", "interval=1d&to=253402400800000"):
            status, body = self.server.json("GET", "/v1/watches/borel/series?" + q)
            self.assertEqual(status, 400, (q, body))
            self.assertIn("from 1970-01-01T00:00:00Z to the end of 9999", body["error"]["message"])
        for path in ("/v1/watches/borel/top", "/v1/share-of-voice?watches=borel&", "/v1/mentions", "/v1/alerts",
                     "/v1/watches/borel/signals"):
            sep = "&" if "?" in path else "?"
            status, body = self.server.json("GET", f"{path}{sep}to=9223372036854775807")
            self.assertEqual(status, 400, (path, body))
        status, body = self.server.json("GET", "/livez", key=None)
        self.assertEqual(status, 200)
        # A default 'from' worked out from an early 'to' stops at 1970, as a given one must.
        for path, want in (("/v1/watches/borel/series?interval=1h&to=3600000", "1970-01-01T00:00:00.000Z"),
                           ("/v1/watches/borel/series?interval=1d&to=1", "1970-01-01T00:00:00.000Z"),
                           ("/v1/watches/borel/top?to=1", "1970-01-01T00:00:00.000Z"),
                           ("/v1/share-of-voice?watches=borel&to=60000", "1970-01-01T00:00:00.000Z")):
            status, body = self.server.json("GET", path)
            self.assertEqual((status, body["from"]), (200, want), (path, body))

    def test_dot_names_are_refused_for_new_watches_webhooks_and_sources(self):
        """'.' and '..' are path segments clients resolve away: /v1/watches/.. is /v1/."""
        for path in ("/v1/watches/..", "/v1/watches/.", "/v1/webhooks/.."):
            status, body = self.server.json("PUT", path, json.dumps({"query": "borel", "url": "http://example.com/"}))
            self.assertEqual(status, 400, (path, body))
            self.assertIn("'.' or '..'", body["error"]["message"])
        status, body = self.server.ingest([{"id": "dot", "text": "Borel", "created_at": T0, "source": ".."}])
        self.assertEqual((body["accepted"], body["rejected"]), (0, 1), body)

    def test_a_body_key_given_twice_is_refused(self):
        """JSON parsers differ on which of two 'query' keys wins: the server names the key
        rather than keep one silently, for watches and webhooks as for mentions."""
        for path, body in (("/v1/watches/twice", '{"query":"alpha","query":"beta"}'),
                           ("/v1/webhooks/twice", '{"url":"http://example.com/a","url":"http://example.com/b"}')):
            status, res = self.server.json("PUT", path, body)
            self.assertEqual(status, 400, (path, res))
            contracts.check("Error", res)
            self.assertIn("is given twice", res["error"]["message"], path)
            status, res = self.server.json("GET", path)
            self.assertEqual(status, 404, (path, res))

    def test_an_empty_parameter_is_refused_not_taken_for_its_default(self):
        for path in ("/v1/watches/borel/series?interval=", "/v1/watches/borel/series?interval",
                     "/v1/watches/borel/top?limit=", "/v1/mentions?source=", "/v1/watches/borel/signals?cursor=",
                     "/v1/alerts?cursor="):
            status, body = self.server.json("GET", path)
            self.assertEqual(status, 400, (path, body))
            contracts.check("Error", body)

    def test_signal_listing_checks_its_range_and_cursor(self):
        for q, needle in (("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "before"),
                          ("cursor=Z2FyYmFnZQ", "cursor"), ("limit=0", "from 1 to")):
            status, body = self.server.json("GET", "/v1/watches/borel/signals?" + q)
            self.assertEqual(status, 400, (q, body))
            self.assertIn(needle, body["error"]["message"], q)

    def test_top_authors_and_sources(self):
        status, body = self.server.json("GET", f"/v1/watches/borel/top?from={T0}&to={T0 + 24 * HOUR}")
        self.assertEqual(status, 200, body)
        contracts.check("Top", body)
        self.assertEqual(body["authors"][0]["name"], "Zoé")
        self.assertEqual(body["authors"][0]["volume"], 2)
        self.assertEqual({s["name"]: s["volume"] for s in body["sources"]}["review"], 1)

    def test_top_authors_are_accounts(self):
        """An account is one row whatever names it posts under; two accounts of one name are two."""
        s = self.server
        status, body = s.json("PUT", "/v1/watches/fans", json.dumps({"name": "Fans", "query": "zelbor"}))
        self.assertEqual(status, 201, body)
        day = T0 + 5 * 24 * HOUR
        status, body = s.ingest([
            m(101, "Zelbor forever", day + 1, author={"id": "u1", "name": "Borel Fan Club", "followers": 1000}),
            m(102, "Zelbor again", day + 2, author={"id": "u1", "name": "BorelFans", "followers": 1000}),
            m(103, "Zelbor, still", day + 3, author={"id": "u1", "name": "BorelFans", "followers": 1000}),
            m(104, "Zelbor est bien", day + 4, author={"id": "a1", "name": "Marie", "followers": 10}),
            m(105, "Zelbor pas mal", day + 5, author={"id": "a2", "name": "Marie", "followers": 20}),
            m(106, "Zelbor sans compte", day + 6, author={"name": "Marie", "followers": 5}),
        ])
        self.assertEqual(body["accepted"], 6, body)
        status, body = s.json("GET", f"/v1/watches/fans/top?from={day}&to={day + 24 * HOUR}")
        self.assertEqual(status, 200, body)
        contracts.check("Top", body)
        got = [(a.get("id"), a["name"], a["volume"], a["reach"]) for a in body["authors"]]
        self.assertEqual(got, [("u1", "BorelFans", 3, 3000), ("a2", "Marie", 1, 20), ("a1", "Marie", 1, 10),
                               (None, "Marie", 1, 5)])

    def test_share_of_voice(self):
        status, body = self.server.json(
            "GET", f"/v1/share-of-voice?watches=borel,kelvio&from={T0}&to={T0 + 24 * HOUR}")
        self.assertEqual(status, 200, body)
        contracts.check("ShareOfVoice", body)
        vols = {w["watch"]: w["volume"] for w in body["watches"]}
        self.assertEqual(vols["kelvio"], 2)
        self.assertGreaterEqual(vols["borel"], 3)
        self.assertAlmostEqual(sum(w["share"] for w in body["watches"]), 1.0, places=3)
        status, body = self.server.json("GET", "/v1/share-of-voice?watches=borel,nope")
        self.assertEqual(status, 404)
        status, body = self.server.json("GET", "/v1/share-of-voice?watches=borel,kelvio,borel")
        self.assertEqual(status, 400, body)
        self.assertIn("watch 'borel' is listed twice", body["error"]["message"])
        # A range off the minute is counted in whole minutes, and says so.
        status, body = self.server.json(
            "GET", f"/v1/share-of-voice?watches=borel&from={T0 + 30000}&to={T0 + 24 * HOUR - 1}")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["interval"], "1m")
        self.assertEqual(rfc3339_ms(body["from"]), T0)
        self.assertEqual(rfc3339_ms(body["to"]), T0 + 24 * HOUR)
        # Days off the hour are read in days, hours, fives and minutes: the minutes' counts,
        # with the mentions in a day read whole or in its hours and minutes.
        minute = 60000
        for frm, to in ((T0 - 2 * 24 * HOUR - 23 * minute, T0 + 24 * HOUR + 7 * minute),
                        (T0 - 23 * minute, T0 + HOUR + minute)):
            self.check_share_of_voice_in_minutes(frm, to)

    def check_share_of_voice_in_minutes(self, frm, to):
        status, body = self.server.json("GET", f"/v1/share-of-voice?watches=borel,kelvio&from={frm}&to={to}")
        self.assertEqual(status, 200, body)
        self.assertEqual((body["interval"], rfc3339_ms(body["from"]), rfc3339_ms(body["to"])), ("1m", frm, to))
        for w in body["watches"]:
            status, series = self.server.json(
                "GET", f"/v1/watches/{w['watch']}/series?interval=1m&from={frm}&to={to}")
            self.assertEqual(status, 200, series)
            for field in ("volume", "positive", "negative", "neutral", "reach"):
                self.assertEqual(w[field], sum(b[field] for b in series["buckets"]), (w, field))
        self.assertEqual(sum(w["volume"] for w in body["watches"]), body["total"])
        self.assertGreaterEqual(body["total"], 3)

    def test_bad_queries_get_400_with_position(self):
        for query, column in (("borel AND (rappel", 11), ("borel AND", 7), ('""', 1), ("borel NEAR kelvio", 7),
                              ("a*", 1), ("x\u0001y", 2)):
            status, body = self.server.json("PUT", "/v1/watches/bad", json.dumps({"query": query}))
            self.assertEqual(status, 400, (query, body))
            contracts.check("Error", body)
            self.assertEqual(body["error"]["code"], "invalid_query", query)
            self.assertIn("position", body["error"])
            self.assertGreaterEqual(body["error"]["column"], 1)
        huge = " OR ".join(f"t{i}x" for i in range(10000))
        status, body = self.server.json("PUT", "/v1/watches/bad", json.dumps({"query": huge}))
        self.assertEqual(status, 400)
        status, body = self.server.json("GET", "/v1/watches/bad")
        self.assertEqual(status, 404)
        for wid in ("a" * 1024, "a%2Fb"):
            status, body = self.server.json("PUT", f"/v1/watches/{wid}", json.dumps({"query": "x"}))
            self.assertEqual(status, 400, wid)
            self.assertEqual(body["error"]["code"], "invalid_watch_id")
        status, body = self.server.json("PUT", "/v1/watches/x/y", json.dumps({"query": "x"}))
        self.assertEqual(status, 404)  # a watch id is one path segment: there is no route x/y
        self.assertEqual(body["error"]["code"], "not_found")
        status, body = self.server.json("PUT", "/v1/watches/ok", "not json")
        self.assertEqual(status, 400)

    def test_validate_lints_without_saving(self):
        status, body = self.server.json("POST", "/v1/watches:validate", json.dumps({"query": 'borel NEAR/2 "rappel produit"'}))
        self.assertEqual(status, 200)
        contracts.check("Validation", body)
        self.assertTrue(body["valid"])
        self.assertIn("tree", body)
        status, body = self.server.json("POST", "/v1/watches:validate", json.dumps({"query": "borel AND (x"}))
        self.assertFalse(body["valid"])
        self.assertEqual(body["errors"][0]["position"], 10)

    def test_backfill_rematches_stored_mentions(self):
        status, body = self.server.json("PUT", "/v1/watches/late", json.dumps({"query": "yaourts OR combat"}))
        self.assertEqual(status, 201)
        self.assertEqual(self.ids("/v1/watches/late/mentions"), [])
        status, body = self.server.json("POST", f"/v1/watches/late/backfill?from={T0}&to={T0 + 24 * HOUR}")
        self.assertEqual(status, 202, body)
        contracts.check("Backfill", body)
        for _ in range(100):
            status, body = self.server.json("GET", "/v1/watches/late/backfill")
            if body["state"] != "running":
                break
            time.sleep(0.05)
        self.assertEqual(body["state"], "done", body)
        self.assertEqual(body["matched"], 2)
        self.assertEqual(self.ids("/v1/watches/late/mentions"), ["w6", "w1"])
        # Running it again counts nothing twice.
        self.server.json("POST", f"/v1/watches/late/backfill?from={T0}&to={T0 + 24 * HOUR}")
        for _ in range(100):
            status, body = self.server.json("GET", "/v1/watches/late/backfill")
            if body["state"] != "running":
                break
            time.sleep(0.05)
        self.assertEqual(body["matched"], 0)
        status, body = self.server.json("GET", f"/v1/watches/late/series?interval=1d&from={T0}&to={T0 + 24 * HOUR}")
        self.assertEqual(body["buckets"][0]["volume"], 2)

    def test_deleting_a_watch_stops_its_backfill_before_its_data_goes(self):
        # Another tenant, so that its 100,000 mentions stay out of the other tests' way.
        g = "globex"
        for b in range(10):
            batch = [{"id": f"g{b}-{i}", "text": f"ghostword numéro {i}", "created_at": T0 + (b * 10000 + i) * 1000,
                      "source": "forum"} for i in range(10000)]
            status, body = self.server.ingest(batch, key=g)
            self.assertEqual((status, body["accepted"]), (200, 10000), body)
        self.server.json("PUT", "/v1/watches/ghost", json.dumps({"query": "ghostword"}), key=g)
        status, body = self.server.json("POST", f"/v1/watches/ghost/backfill?from={T0}&to={T0 + 30 * HOUR}", key=g)
        self.assertEqual(status, 202, body)
        status, body = self.server.json("GET", "/v1/watches/ghost/backfill", key=g)
        self.assertEqual(body["state"], "running", body)  # a scan of 100,000 mentions takes a while
        status, _, _ = self.server.request("DELETE", "/v1/watches/ghost", key=g)
        self.assertEqual(status, 204)
        status, body = self.server.json("GET", "/v1/watches/ghost/backfill", key=g)
        self.assertEqual(status, 404, body)
        # A new watch of the same id starts empty: nothing the stopped backfill wrote is left.
        status, body = self.server.json("PUT", "/v1/watches/ghost", json.dumps({"query": "nothingmatches"}), key=g)
        self.assertEqual(status, 201, body)
        status, body = self.server.json("GET", "/v1/watches/ghost/mentions", key=g)
        self.assertEqual(body["mentions"], [])
        status, body = self.server.json("GET", f"/v1/watches/ghost/series?interval=1d&from={T0}&to={T0 + 48 * HOUR}", key=g)
        self.assertEqual(sum(b["volume"] for b in body["buckets"]), 0, body)
        # A new name leaves a running backfill alone: the same mentions match.
        self.server.json("PUT", "/v1/watches/ghost", json.dumps({"query": "ghostword"}), key=g)
        self.server.json("POST", f"/v1/watches/ghost/backfill?from={T0}&to={T0 + 30 * HOUR}", key=g)
        self.server.json("PUT", "/v1/watches/ghost", json.dumps({"query": "ghostword", "name": "Fantôme"}), key=g)
        status, body = self.server.json("GET", "/v1/watches/ghost/backfill", key=g)
        self.assertEqual(body["state"], "running", body)
        # Nor do spaces around the query, or the same languages in another order.
        self.server.json("PUT", "/v1/watches/ghost", json.dumps({"query": "ghostword", "languages": ["fr", "en"]}), key=g)
        status, body = self.server.json("POST", f"/v1/watches/ghost/backfill?from={T0}&to={T0 + 30 * HOUR}", key=g)
        self.server.json("PUT", "/v1/watches/ghost", json.dumps({"query": " ghostword ", "languages": ["en", "fr"]}), key=g)
        status, body = self.server.json("GET", "/v1/watches/ghost/backfill", key=g)
        self.assertEqual(body["state"], "running", body)
        # A changed query stops it.
        self.server.json("PUT", "/v1/watches/ghost", json.dumps({"query": "ghostword OR autre"}), key=g)
        status, body = self.server.json("GET", "/v1/watches/ghost/backfill", key=g)
        self.assertEqual(body["state"], "cancelled", body)
        self.assertIn("query changed", body.get("error", ""), body)
        status, _, _ = self.server.request("DELETE", "/v1/watches/ghost", key=g)
        self.assertEqual(status, 204)

    def wait_backfill(self, watch, key, seconds=60):
        deadline = time.time() + seconds
        while True:
            status, body = self.server.json("GET", f"/v1/watches/{watch}/backfill", key=key)
            self.assertEqual(status, 200, body)
            if body["state"] != "running" or time.time() > deadline:
                return body
            time.sleep(0.05)

    def test_two_backfills_at_once_keep_both_watches(self):
        # Both jobs rewrite the same stored mentions (their list of watches): neither may
        # write over what the other just added.
        k = "initech"
        for b in range(2):
            batch = [{"id": f"i{b}-{i}", "text": f"alpha et beta {i}", "created_at": T0 + (b * 10000 + i) * 1000,
                      "source": "forum"} for i in range(10000)]
            status, body = self.server.ingest(batch, key=k)
            self.assertEqual((status, body["accepted"]), (200, 10000), body)
        for wid, query in (("wa", "alpha"), ("wb", "beta")):
            status, body = self.server.json("PUT", f"/v1/watches/{wid}", json.dumps({"query": query}), key=k)
            self.assertEqual(status, 201, body)
        for wid in ("wa", "wb"):
            status, body = self.server.json("POST", f"/v1/watches/{wid}/backfill?from={T0}&to={T0 + 30 * HOUR}", key=k)
            self.assertEqual(status, 202, body)
        for wid in ("wa", "wb"):
            body = self.wait_backfill(wid, k)
            self.assertEqual((body["state"], body["matched"]), ("done", 20000), body)
        mentions = self.server.all_mentions(key=k)
        self.assertEqual(len(mentions), 20000)
        lost = [x["id"] for x in mentions if sorted(x["watches"]) != ["wa", "wb"]]
        self.assertEqual(len(lost), 0, lost[:5])

    def test_a_backfill_carries_on_after_a_crash(self):
        k = "hooli"
        n = 100000
        for b in range(10):
            batch = [{"id": f"h{b}-{i}", "text": f"gavin belson numéro {i}", "created_at": T0 + (b * 10000 + i) * 1000,
                      "source": "forum"} for i in range(10000)]
            status, body = self.server.ingest(batch, key=k)
            self.assertEqual((status, body["accepted"]), (200, 10000), body)
        self.server.json("PUT", "/v1/watches/belson", json.dumps({"query": "belson"}), key=k)
        status, started = self.server.json("POST", f"/v1/watches/belson/backfill?from={T0}&to={T0 + 30 * HOUR}", key=k)
        self.assertEqual(status, 202, started)
        # Killed once some chunks are stored and before the end.
        deadline = time.time() + 30
        while True:
            status, body = self.server.json("GET", "/v1/watches/belson/backfill", key=k)
            if body["scanned"] > 0 or time.time() > deadline:
                break
            time.sleep(0.005)
        self.assertEqual(body["state"], "running", body)
        self.assertLess(body["scanned"], n, body)
        # Progress follows the mentions scanned (evenly spread over the first 28 of the 30
        # hours), not the share of the range's hours passed.
        self.assertAlmostEqual(body["progress"], body["scanned"] / n, delta=0.02)
        self.server.kill9()
        self.server.start()
        body = self.wait_backfill("belson", k)
        # Every mention counted once: the chunk being written at the crash was either stored
        # with its progress or not at all, and the resumed job starts after the last one stored.
        self.assertEqual((body["state"], body["scanned"], body["matched"]), ("done", n, n), body)
        self.assertEqual(body["started_at"], started["started_at"])
        status, series = self.server.json(
            "GET", f"/v1/watches/belson/series?interval=1d&from={T0}&to={T0 + 48 * HOUR}", key=k)
        self.assertEqual(sum(b["volume"] for b in series["buckets"]), n, series)
        # The end is kept too, until the watch goes.
        self.server.stop()
        self.server.start()
        status, again = self.server.json("GET", "/v1/watches/belson/backfill", key=k)
        self.assertEqual((status, again), (200, body))
        status, _, _ = self.server.request("DELETE", "/v1/watches/belson", key=k)
        self.assertEqual(status, 204)
        self.server.stop()
        self.server.start()
        status, body = self.server.json("GET", "/v1/watches/belson/backfill", key=k)
        self.assertEqual(status, 404, body)

    def test_a_watch_created_again_is_named_once_by_its_backfilled_mentions(self):
        self.server.json("PUT", "/v1/watches/again", json.dumps({"query": "yoyodyne"}))
        self.server.ingest([m(300, "yoyodyne partout", T0 + 60)])
        self.server.request("DELETE", "/v1/watches/again")
        self.server.json("PUT", "/v1/watches/again", json.dumps({"query": "yoyodyne"}))
        status, body = self.server.json("POST", f"/v1/watches/again/backfill?from={T0}&to={T0 + HOUR}")
        self.assertEqual(status, 202, body)
        body = self.wait_backfill("again", "acme")
        self.assertEqual((body["state"], body["matched"]), ("done", 1), body)
        status, mention = self.server.json("GET", "/v1/mentions/twitter/w300")
        self.assertEqual(mention["watches"], ["again"])
        self.assertEqual(self.ids("/v1/watches/again/mentions"), ["w300"])

    def test_delete_removes_the_watch_and_its_data(self):
        self.server.json("PUT", "/v1/watches/temp", json.dumps({"query": "zorglub"}))
        self.server.ingest([m(100, "zorglub encore", T0 + 50)])
        self.assertEqual(self.ids("/v1/watches/temp/mentions"), ["w100"])
        status, mention = self.server.json("GET", "/v1/mentions/twitter/w100")
        self.assertEqual(mention["watches"], ["temp"])
        status, _, _ = self.server.request("DELETE", "/v1/watches/temp")
        self.assertEqual(status, 204)
        # The mention stays, and no longer names the watch, alone or in a listing.
        status, mention = self.server.json("GET", "/v1/mentions/twitter/w100")
        self.assertEqual((status, mention["watches"]), (200, []))
        status, page = self.server.json("GET", f"/v1/mentions?from={T0}&to={T0 + 60}")
        self.assertEqual([x["watches"] for x in page["mentions"] if x["id"] == "w100"], [[]])
        # Nor once a watch of the same id exists again, with a query that did not take it.
        self.server.json("PUT", "/v1/watches/temp", json.dumps({"query": "autrechose"}))
        status, mention = self.server.json("GET", "/v1/mentions/twitter/w100")
        self.assertEqual(mention["watches"], [])
        self.server.request("DELETE", "/v1/watches/temp")
        status, body = self.server.json("GET", "/v1/watches/temp/mentions")
        self.assertEqual(status, 404)
        status, _, _ = self.server.request("DELETE", "/v1/watches/temp")
        self.assertEqual(status, 404)

    def test_watches_survive_restart(self):
        self.server.stop()
        self.server.start()
        self.assertEqual(self.ids("/v1/watches/kelvio/mentions")[:2], ["w6", "w2"])
        self.server.ingest([m(200, "Kelvio Box en panne", T0 + 3 * HOUR)])
        self.assertEqual(self.ids("/v1/watches/kelvio/mentions")[0], "w200")


if __name__ == "__main__":
    unittest.main(verbosity=2)
