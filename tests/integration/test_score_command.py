"""`vigie score`: NDJSON in, enriched NDJSON out, same order, one line out per line in."""

import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import contracts  # noqa: E402
from vigie_server import VIGIE  # noqa: E402


def score(lines, *args):
    return subprocess.run([VIGIE, "score", *args], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, timeout=60)


class score_test(unittest.TestCase):
    def test_one_line_out_per_line_in_with_bad_lines_reported(self):
        lines = [json.dumps({"id": "1", "text": "Génial, le SAV a été au top 😍", "created_at": 1, "lang": "fr"}),
                 "{broken",
                 "",
                 json.dumps({"id": "2", "text": "Worst refund experience ever. Never again.", "created_at": 2})]
        r = score(lines)
        self.assertEqual(r.returncode, 1)  # a line was rejected
        self.assertIn("line 2:", r.stderr)
        out = r.stdout.split("\n")
        self.assertEqual(len(out), len(lines) + 1)  # + the final newline
        first, bad, blank, last = (out[0], out[1], out[2], out[3])
        first, last = json.loads(first), json.loads(last)
        contracts.check("EnrichedMention", first)
        contracts.check("EnrichedMention", last)
        self.assertEqual(first["sentiment"]["label"], "positive")
        self.assertEqual(last["lang"], "en")
        self.assertEqual(last["sentiment"]["label"], "negative")
        self.assertEqual(json.loads(bad)["line"], 2)
        self.assertEqual(blank, "")

    def test_a_byte_order_mark_is_skipped_and_io_errors_fail(self):
        line = json.dumps({"id": "1", "text": "good", "created_at": 1})
        r = subprocess.run([VIGIE, "score"], input=("\ufeff" + line + "\n").encode(), capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["id"], "1")
        # Output to a full disk, input that cannot be read: never a silent exit 0.
        with open("/dev/full", "w") as full:
            r = subprocess.run([VIGIE, "score"], input=line + "\n", stdout=full, stderr=subprocess.PIPE,
                               text=True, timeout=60)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("cannot write", r.stderr)
        directory = os.open(os.path.dirname(os.path.abspath(__file__)), os.O_RDONLY)
        try:
            r = subprocess.run([VIGIE, "score"], stdin=directory, capture_output=True, text=True, timeout=60)
        finally:
            os.close(directory)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("cannot read", r.stderr)

    def test_a_closed_output_stops_it_and_a_huge_line_is_not_held(self):
        """A reader that goes away stops the scoring at the next write, exit 1 with a message,
        whether SIGPIPE comes ignored (as many supervisors start programs) or not (a shell's
        `vigie score | head`: it was a silent exit 141); a line of 100 MB is rejected without
        being held in memory, and the next line is scored."""
        import threading
        line = (json.dumps({"id": "1", "text": "good", "created_at": 1}) + "\n").encode()
        for sigpipe_ignored in (True, False):
            p = subprocess.Popen([VIGIE, "score"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, restore_signals=not sigpipe_ignored)
            p.stdout.close()
            sent = 0
            try:
                for _ in range(2_000_000):  # 70 MB: more than any pipe holds
                    p.stdin.write(line)
                    sent += 1
            except BrokenPipeError:
                pass
            try:
                p.stdin.close()
            except BrokenPipeError:
                pass
            self.assertEqual(p.wait(60), 1, sigpipe_ignored)
            self.assertIn(b"cannot write", p.stderr.read())
            p.stderr.close()
            self.assertLess(sent, 2_000_000, "read the whole input with nobody to write to")

        p = subprocess.Popen([VIGIE, "score"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        def feed():
            chunk = b"a" * (1 << 20)
            for _ in range(100):
                p.stdin.write(chunk)
            p.stdin.write(b"\n" + line)
            p.stdin.flush()
        writer = threading.Thread(target=feed)
        writer.start()
        first = p.stdout.readline()
        second = p.stdout.readline()
        # The process's own peak, read while it still runs (its input is still open): the
        # ru_maxrss of a child counts the memory of the process that forked it.
        with open(f"/proc/{p.pid}/status") as status:
            peak_kb = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
        writer.join()
        p.stdin.close()
        rest = p.stdout.read()
        err = p.stderr.read()
        p.wait(120)
        p.stdout.close()
        p.stderr.close()
        self.assertEqual(p.returncode, 1, err)
        self.assertEqual(rest, b"")
        self.assertIn("longer than the limit", json.loads(first)["error"])
        self.assertEqual(json.loads(second)["sentiment"]["label"], "positive")
        self.assertLess(peak_kb, 60 * 1024, "the 100 MB line was held in memory")

    def test_every_answer_comes_at_once_to_an_interactive_reader(self):
        """One line out per line in, before the next line is sent: good, bad and blank lines."""
        import select
        p = subprocess.Popen([VIGIE, "score"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        try:
            for line, want in ((b'{"id":"1","text":"good","created_at":1}\n', b'{"id":"1"'),
                               (b"not json\n", b'{"line":2,"error"'), (b"\n", b"\n"),
                               (b'{"id":"2","text":"bad","created_at":1}\n', b'{"id":"2"')):
                p.stdin.write(line)
                p.stdin.flush()
                ready, _, _ = select.select([p.stdout], [], [], 10)
                self.assertTrue(ready, f"no answer to {line!r}")
                self.assertTrue(p.stdout.readline().startswith(want), line)
        finally:
            p.stdin.close()
            p.wait(30)
            p.stdout.close()

    def test_a_byte_order_mark_does_not_count_against_the_limit(self):
        """As POST /v1/mentions: the limit applies to the mention, after the byte order mark."""
        def line_of(size):
            head = '{"id":"1","created_at":1,"text":"'
            return head + "a" * (size - len(head) - 2) + '"}'
        limit = 1 << 20
        for size, ok in ((limit, True), (limit + 1, False)):
            data = ("\ufeff" + line_of(size) + "\n").encode()
            r = subprocess.run([VIGIE, "score"], input=data, capture_output=True, timeout=60)
            self.assertEqual(r.returncode, 0 if ok else 1, (size, r.stderr[-300:]))
            out = json.loads(r.stdout)
            if ok:
                self.assertEqual(out["id"], "1")
            else:
                self.assertIn("longer than the limit", out["error"])

    def test_lexicon_folder_errors_are_usage_errors(self):
        r = subprocess.run([VIGIE, "score", "--lexicon-dir", ""], input="", capture_output=True, text=True)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--lexicon-dir is given but empty", r.stderr)
        r = subprocess.run([VIGIE, "score", "--lexicon-dir", "/nonexistent/lexicons"], input="",
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("not found", r.stderr)

    def test_explain_names_the_rules(self):
        r = score([json.dumps({"id": "1", "text": "Ce n'est pas terrible", "created_at": 1, "lang": "fr"})],
                  "--explain")
        self.assertEqual(r.returncode, 0, r.stderr)
        m = json.loads(r.stdout)
        contracts.check("EnrichedMention", m)
        self.assertEqual(m["sentiment"]["label"], "negative")
        self.assertTrue(m["explanation"]["items"])

    def test_hostile_text_gets_a_score_not_a_crash(self):
        texts = ["", "😍😍😍", "https://a.example/x https://b.example/y", "x" * 1_000_000,  # 1 MB: under the 1 MiB mention limit with its JSON
                 "שלום עולם مرحبا", "a\u200db\u200dc", "Super mais bad bad bad"]
        r = score([json.dumps({"id": str(i), "text": t, "created_at": 1}) for i, t in enumerate(texts)])
        self.assertEqual(r.returncode, 0, r.stderr)
        out = [json.loads(l) for l in r.stdout.splitlines()]
        self.assertEqual([m["id"] for m in out], [str(i) for i in range(len(texts))])
        for m in out:
            self.assertLessEqual(abs(m["sentiment"]["score"]), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
