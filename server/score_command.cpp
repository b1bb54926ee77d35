#include "server/score_command.h"

#include <chrono>
#include <exception>
#include <iostream>

#include "pipeline/enrich.h"
#include "pipeline/mention_json.h"
#include "pipeline/mention_parser.h"

#ifndef VIGIE_DEFAULT_LEXICON_DIR
#define VIGIE_DEFAULT_LEXICON_DIR "lexicons"
#endif

namespace vigie::server {
namespace {

// Reads one line into *line (without its '\n'), keeping at most max_bytes + 1 of it: a longer
// line is consumed to its end without being held (its size is all that is needed to reject
// it). False at the end of the input.
bool read_line(std::istream& in, std::size_t max_bytes, std::string* line) {
  line->clear();
  std::streambuf* buf = in.rdbuf();
  bool any = false;
  for (;;) {
    int c;
    try {
      c = buf->sbumpc();
    } catch (const std::exception&) {  // a read error (a directory on stdin), as istream reports it
      in.setstate(std::ios::badbit);
      return false;
    }
    if (c == std::char_traits<char>::eof()) {
      in.setstate(std::ios::eofbit);
      return any;
    }
    any = true;
    if (c == '\n') return true;
    if (line->size() <= max_bytes) line->push_back(static_cast<char>(c));
  }
}

}  // namespace

int run_score(const score_options& options, std::istream& in, std::ostream& out, std::ostream& err) {
  std::string dir = options.lexicon_dir.empty() ? VIGIE_DEFAULT_LEXICON_DIR : options.lexicon_dir;
  auto lexicons = pipeline::load_lexicons(dir);
  if (!lexicons.ok()) {
    err << "vigie score: " << lexicons.status().message() << "\n";
    // A folder that is not there is a setting to fix, as for serve; a bad file, a failure.
    return lexicons.status().code() == status_code::not_found ? 2 : 1;
  }
  pipeline::mention_enricher enricher(*lexicons);
  pipeline::mention_parser parser;
  pipeline::explanation why;
  std::string line, buffer;
  std::size_t number = 0, rejected = 0;
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  std::ios::sync_with_stdio(false);
  const std::size_t max_line = pipeline::parser_options{}.max_mention_bytes;
  // Each answer line goes out at once to an interactive reader (nothing more is buffered on
  // the input); in bulk the stream's buffer is the batch.
  auto answer = [&](const std::string& text) {
    out << text;
    if (in.rdbuf()->in_avail() <= 0) out.flush();
  };
  constexpr std::size_t bom_bytes = 3;
  // Stops at the first write that fails (a closed pipe, a full disk): there is no one left
  // to read the rest. The first line may carry a byte order mark past the limit.
  while (out && read_line(in, max_line + (number == 0 ? bom_bytes : 0), &line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // A file saved with a byte order mark: as POST /v1/mentions and vigie replay take it.
    if (number == 1) line.erase(0, line.size() - pipeline::without_bom(line).size());
    buffer.clear();
    if (line.find_first_not_of(" \t") == std::string::npos) {
      answer("\n");
      continue;
    }
    pipeline::mention_view m;
    // read_line() kept one byte past the limit: the line's real size is not known.
    status s = line.size() > max_line
                   ? invalid_argument("line is longer than the limit of " + std::to_string(max_line) + " bytes")
                   : parser.parse_one(line, &m);
    if (!s.ok()) {
      ++rejected;
      err << "line " << number << ": " << s.message() << "\n";
      buffer = "{\"line\":" + std::to_string(number) + ",\"error\":";
      pipeline::append_json_string(s.message(), &buffer);
      buffer += "}\n";
      answer(buffer);
      continue;
    }
    m.ingested_at_ms = now;
    if (options.explain) {
      enricher.explain(m, &why);
    } else {
      enricher.enrich(m);
    }
    if (options.explain) {
      pipeline::append_explained_json(m, why, &buffer);
    } else {
      pipeline::append_enriched_json(m, &buffer);
    }
    buffer.push_back('\n');
    answer(buffer);
  }
  out.flush();
  // A full disk, a closed stdout, a directory on stdin: the output is not what it should be.
  if (in.bad()) {
    err << "vigie score: cannot read the input after line " << number << "\n";
    return 1;
  }
  if (!out) {
    err << "vigie score: cannot write the output (disk full, or stdout closed?)\n";
    return 1;
  }
  if (rejected) err << "vigie score: " << rejected << " of " << number << " lines rejected\n";
  return rejected ? 1 : 0;
}

}  // namespace vigie::server
