// score_command: `vigie score [--explain]`: NDJSON mentions on stdin, enriched NDJSON on
// stdout, in the same order, one line out per line in. Batch scoring for analysts, and the
// way accuracy is measured.
//
//   vigie score < mentions.ndjson > scored.ndjson
//
// A line that is not a valid mention is reported on stderr with its line number, and stands
// on stdout as {"line": N, "error": "..."} so that output line N still answers input line N.
// Blank input lines give blank output lines.
//
// Thread safety: called once, from main.

#pragma once

#include <iosfwd>
#include <string>

namespace vigie::server {

struct score_options {
  bool explain = false;     // add "explanation": the tokens and rules behind each score
  std::string lexicon_dir;  // empty: the built-in default
};

// Returns the process exit status: 0 when every line was scored; 1 when some line was
// rejected, a lexicon file could not be loaded, or the output could not be written (it stops
// at the first failed write); 2 when the lexicon folder is not there. A line longer than the
// mention limit is rejected without being held in memory.
int run_score(const score_options& options, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace vigie::server
