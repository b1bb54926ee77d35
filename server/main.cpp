// vigie: the e-reputation stream server and its tools.
//
//   vigie serve [--config FILE] [--listen HOST:PORT] [--data-dir DIR]
//   vigie score [--explain] < mentions.ndjson > enriched.ndjson
//   vigie replay FILE|- --url URL --key KEY [--rate N]
//
// Exit status: 0 success, 1 failure, 2 bad usage or configuration.

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>
#include <iostream>

#include "server/config.h"
#include "server/replay_command.h"
#include "server/score_command.h"
#include "server/serve_command.h"

int main(int argc, char** argv) {
  CLI::App app{"vigie: real-time e-reputation stream server"};
  app.require_subcommand(1);

  auto* serve = app.add_subcommand("serve", "Run the server");
  std::string config_path;
  vigie::server::config_overrides overrides;
  std::string listen, data_dir, lexicon_dir;
  serve->add_option("--config", config_path, "YAML config file (deploy/vigie.example.yaml)");
  serve->add_option("--listen", listen, "HOST:PORT to listen on (default 127.0.0.1:8080)");
  serve->add_option("--data-dir", data_dir, "RocksDB folder (default ./data)");
  serve->add_option("--lexicon-dir", lexicon_dir, "Folder of the sentiment lexicons");

  auto* score = app.add_subcommand(
      "score", "Score NDJSON mentions from stdin; enriched NDJSON to stdout, same order");
  vigie::server::score_options score_opts;
  score->add_flag("--explain", score_opts.explain, "Add the tokens and rules behind each score");
  score->add_option("--lexicon-dir", score_opts.lexicon_dir, "Folder of the sentiment lexicons");

  auto* replay = app.add_subcommand("replay", "Send a file of mentions to a server");
  vigie::server::replay_options replay_opts;
  replay->add_option("input", replay_opts.input, "NDJSON file, or - for stdin")->required();
  replay->add_option("--url", replay_opts.url, "Server URL, e.g. http://127.0.0.1:8080")->required();
  replay->add_option("--key", replay_opts.key, "API key")->required();
  replay->add_option("--rate", replay_opts.rate, "Mentions per second, 0.01 to 10000000 (0 or absent: as fast as possible)");
  replay->add_option("--batch", replay_opts.batch, "Mentions per request (default 1000)")
      ->check(CLI::Range(1, 1000000));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 reads a word that names no command as a stray argument, and then only says that a
    // command is required: name the word instead.
    if (argc > 1 && argv[1][0] != '-' && e.get_name() == "RequiredError" && app.get_subcommands().empty()) {
      std::cerr << "vigie: unknown command '" << argv[1] << "' (expected serve, score or replay)\n"
                << "Run with --help for more information.\n";
      return 2;
    }
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (*serve) {
    // An empty value given on purpose is a mistake (an unset variable: --data-dir "$DIR"),
    // not a request for the default: the default folder would look like data lost.
    for (const char* flag : {"--listen", "--data-dir", "--lexicon-dir", "--config"}) {
      if (serve->count(flag) > 0 && serve->get_option(flag)->as<std::string>().empty()) {
        std::cerr << "vigie serve: " << flag << " is given but empty\n";
        return 2;
      }
    }
    if (!listen.empty()) overrides.listen = listen;
    if (!data_dir.empty()) overrides.data_dir = data_dir;
    if (!lexicon_dir.empty()) overrides.lexicon_dir = lexicon_dir;
    auto cfg = vigie::server::load_config(config_path, overrides, std::getenv("VIGIE_API_KEYS"));
    if (!cfg.ok()) {
      std::cerr << "vigie serve: " << cfg.status().message() << "\n";
      return 2;
    }
    return vigie::server::run_serve(*cfg);
  }
  if (*score) {
    if (score->count("--lexicon-dir") > 0 && score_opts.lexicon_dir.empty()) {
      std::cerr << "vigie score: --lexicon-dir is given but empty\n";
      return 2;
    }
    // A reader that has gone (vigie score | head) is a failed write, exit 1 with a message,
    // not a silent death by SIGPIPE (141).
    std::signal(SIGPIPE, SIG_IGN);
    return vigie::server::run_score(score_opts, std::cin, std::cout, std::cerr);
  }
  if (*replay) return vigie::server::run_replay(replay_opts);
  return 2;
}
