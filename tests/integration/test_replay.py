"""`vigie replay` against the real server, with mentions from the generator."""

import json
import os
import pathlib
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from vigie_server import KEYS, VIGIE, Server  # noqa: E402

GENERATOR = os.environ.get("VIGIE_GENERATOR",
                           str(pathlib.Path(VIGIE).parents[1] / "tests" / "generate_mentions"))


class replay_test(unittest.TestCase):
    def test_replay_sends_everything_and_maps_rejected_lines(self):
        with Server() as srv, tempfile.NamedTemporaryFile("w+", suffix=".ndjson") as f:
            lines = subprocess.run([GENERATOR, "--count", "3000", "--seed", "7"], check=True,
                                   capture_output=True, text=True).stdout.splitlines()
            lines.insert(1500, '{"id": "broken"')  # file line 1501
            f.write("\n".join(lines) + "\n")
            f.flush()
            r = subprocess.run([VIGIE, "replay", f.name, "--url", f"http://127.0.0.1:{srv.port}",
                                "--key", KEYS["acme"], "--batch", "700"],
                               capture_output=True, text=True, timeout=120)
            self.assertEqual(r.returncode, 1, r.stderr)  # a line was not replayed: as vigie score
            self.assertIn("1501", r.stderr)  # the bad line, by its line number in the file
            self.assertEqual(len(srv.all_mentions()), 3000)
            # A second replay is all duplicates.
            del lines[1500]
            f.seek(0)
            f.truncate()
            f.write("\n".join(lines) + "\n")
            f.flush()
            r = subprocess.run([VIGIE, "replay", f.name, "--url", f"http://127.0.0.1:{srv.port}",
                                "--key", KEYS["acme"]], capture_output=True, text=True, timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("3000 duplicates", r.stderr)
            self.assertEqual(len(srv.all_mentions()), 3000)

    def test_a_line_over_the_body_limit_is_rejected_and_the_rest_sent(self):
        # The server refuses a body over its limit from its Content-Length and closes: replay
        # reads that 413, sends the batch in halves, and rejects the one line that is too big.
        with Server(config="http:\n  body_limit_bytes: 65536\n") as srv, \
                tempfile.NamedTemporaryFile("w+", suffix=".ndjson") as f:
            for i in range(50):
                text = "x" * 200_000 if i == 20 else f"ligne {i}"
                f.write(json.dumps({"id": f"b{i}", "text": text, "created_at": 1767225600000 + i}) + "\n")
            f.flush()
            r = subprocess.run([VIGIE, "replay", f.name, "--url", f"http://127.0.0.1:{srv.port}",
                                "--key", KEYS["acme"]], capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn(":21: rejected", r.stderr)
            self.assertIn("49 accepted", r.stderr)
            self.assertEqual(len(srv.all_mentions()), 49)

    def test_bad_usage_exits_2(self):
        r = subprocess.run([VIGIE, "replay", "-", "--url", "https://x", "--key", "k"],
                           capture_output=True, text=True, input="")
        self.assertEqual(r.returncode, 2)
        r = subprocess.run([VIGIE, "replay", "-"], capture_output=True, text=True, input="")
        self.assertEqual(r.returncode, 2)
        # A rate whose batch size would overflow, one so slow its waits would overflow the
        # clock (it sent everything at once), or not a number.
        for rate in ("1e308", "-1", "abc", "1e-300", "0.001"):
            r = subprocess.run([VIGIE, "replay", "-", "--url", "http://127.0.0.1:1", "--key", "k", "--rate", rate],
                               capture_output=True, text=True, input="")
            self.assertEqual(r.returncode, 2, (rate, r.stderr))
            self.assertIn("rate", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
