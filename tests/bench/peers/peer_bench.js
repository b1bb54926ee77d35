#!/usr/bin/env node
// Vigie peer throughput bench: scores a TSV corpus with the npm sentiment
// scorers `sentiment` (AFINN-165) and `vader-sentiment` (VADER JS port) and
// prints the median throughput of each as
//
//   peer <name> <mentions_per_second>
//
// Usage:
//   node peer_bench.js [--modules DIR] [--seconds N] [--repeats R] CORPUS.tsv
//
//   CORPUS.tsv   id<TAB>rating<TAB>text per line (text = column 3; CRLF ok).
//   --modules    node_modules folder holding the peers (default: normal
//                require() resolution, NODE_PATH included).
//   --seconds    length of one timed run per peer, seconds (default 3).
//   --repeats    number of timed runs per peer; the median is printed
//                (default 5).
//
// Diagnostics (corpus size, each run's figure, versions) go to stderr so
// stdout stays machine-readable. Driven by tests/bench/peers/run.sh.
'use strict';

const fs = require('fs');
const path = require('path');

function usage(msg) {
  if (msg) process.stderr.write(`peer_bench: ${msg}\n`);
  process.stderr.write(
    'usage: node peer_bench.js [--modules DIR] [--seconds N] [--repeats R] CORPUS.tsv\n');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {modules: null, seconds: 3, repeats: 5, corpus: null};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--modules') opts.modules = path.resolve(val());
    else if (a === '--seconds') opts.seconds = Number(val());
    else if (a === '--repeats') opts.repeats = parseInt(val(), 10);
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else if (opts.corpus === null) opts.corpus = a;
    else usage(`unexpected argument ${a}`);
  }
  if (!opts.corpus) usage('no corpus given');
  if (!(opts.seconds > 0)) usage('--seconds must be > 0');
  if (!(opts.repeats >= 1)) usage('--repeats must be >= 1');
  return opts;
}

function loadCorpus(file) {
  const texts = [];
  const raw = fs.readFileSync(file, 'utf8');
  for (const line0 of raw.split('\n')) {
    const line = line0.endsWith('\r') ? line0.slice(0, -1) : line0;
    if (line.length === 0) continue;
    const parts = line.split('\t');
    if (parts.length < 3) continue;  // malformed line: skip, count below
    texts.push(parts.slice(2).join('\t'));
  }
  return texts;
}

function requirePeer(modulesDir, name) {
  return modulesDir ? require(path.join(modulesDir, name)) : require(name);
}

function peerVersion(modulesDir, name) {
  try {
    return requirePeer(modulesDir, `${name}/package.json`).version;
  } catch (e) {
    return '?';
  }
}

// Each peer: name + a function text -> number (the compound/normalised score).
// Returning a number lets the loop fold it into a checksum, so the work
// cannot be optimised away.
function loadPeers(modulesDir) {
  const Sentiment = requirePeer(modulesDir, 'sentiment');
  const afinn = new Sentiment();
  const vader = requirePeer(modulesDir, 'vader-sentiment');
  const sia = vader.SentimentIntensityAnalyzer;
  return [
    {name: 'sentiment', score: (t) => afinn.analyze(t).comparative},
    {name: 'vader-sentiment', score: (t) => sia.polarity_scores(t).compound},
  ];
}

const nowNs = () => process.hrtime.bigint();

// Scores texts round-robin (all texts, again and again) for ~seconds.
// Returns {count, elapsedS, checksum}.
function timedRun(score, texts, seconds, start = 0) {
  const budget = BigInt(Math.round(seconds * 1e9));
  const n = texts.length;
  let i = start % n;
  let count = 0;
  let checksum = 0;
  const t0 = nowNs();
  let elapsed = 0n;
  for (;;) {
    // Check the clock every 32 texts: cheap next to scoring one text.
    for (let k = 0; k < 32; k++) {
      const s = score(texts[i]);
      checksum += s === s ? s : 0;  // NaN-safe
      if (++i === n) i = 0;
    }
    count += 32;
    elapsed = nowNs() - t0;
    if (elapsed >= budget) break;
  }
  return {count, elapsedS: Number(elapsed) / 1e9, checksum};
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const texts = loadCorpus(opts.corpus);
  if (texts.length === 0) {
    process.stderr.write(`peer_bench: no usable line in ${opts.corpus}\n`);
    process.exit(1);
  }
  const chars = texts.reduce((a, t) => a + t.length, 0);
  process.stderr.write(
    `peer_bench: corpus ${opts.corpus}: ${texts.length} texts, ` +
    `${(chars / texts.length).toFixed(1)} chars/text on average; ` +
    `${opts.repeats} runs x ${opts.seconds}s per peer; node ${process.version}\n`);

  let peers;
  try {
    peers = loadPeers(opts.modules);
  } catch (e) {
    process.stderr.write(`peer_bench: cannot load peers (${e.message}); ` +
      'install them with tests/bench/peers/run.sh\n');
    process.exit(1);
  }

  let sink = 0;
  for (const peer of peers) {
    // Warm-up: one full pass over the corpus (correctness check + JIT),
    // then at least 0.5 s of round-robin scoring.
    for (const t of texts) {
      const s = peer.score(t);
      if (typeof s !== 'number') {
        process.stderr.write(`peer_bench: ${peer.name} returned ${typeof s}\n`);
        process.exit(1);
      }
      sink += s === s ? s : 0;
    }
    sink += timedRun(peer.score, texts, Math.min(0.5, opts.seconds)).checksum;

    const rates = [];
    let pos = 0;
    for (let r = 0; r < opts.repeats; r++) {
      const run = timedRun(peer.score, texts, opts.seconds, pos);
      pos += run.count;
      sink += run.checksum;
      rates.push(run.count / run.elapsedS);
    }
    const med = median(rates);
    process.stderr.write(
      `peer_bench: ${peer.name} ${peerVersion(opts.modules, peer.name)}: runs ` +
      rates.map((x) => x.toFixed(0)).join(' ') +
      ` mentions/s; median ${med.toFixed(0)}\n`);
    process.stdout.write(`peer ${peer.name} ${med.toFixed(0)}\n`);
  }
  // Keep the checksum observable so no scoring call is dead code.
  process.stderr.write(`peer_bench: checksum ${sink.toFixed(3)}\n`);
}

main();
