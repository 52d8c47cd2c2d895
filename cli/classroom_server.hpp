#pragma once
// `ppisim serve`: the classroom page and the JSON interface it runs on.
// Everything the page needs is served from the binary (web/ is compiled in),
// so it works offline. Safe by default: loopback only unless told otherwise,
// requests and sessions bounded, only the scenarios folder's own *.yaml
// files can be started, and every value goes through the scenario checks.
#include <cstdint>
#include <filesystem>
#include <string>

namespace cli {

struct ServeOptions {
  std::string scenario;                 // the scenario the page starts with (optional)
  std::string scenarios = "scenarios";  // the folder whose *.yaml the page may start
  std::string host = "127.0.0.1";
  int port = 8080;                      // 0: any free port (printed)
  std::uint64_t max_agents = 200'000;   // per run, as `ppisim run --max-agents`
  int max_sessions = 100;               // live sessions (each a live run and its baseline)
  int idle_minutes = 20;                // a session unused this long may be closed
};

int serve_command(const ServeOptions& options);

}  // namespace cli
