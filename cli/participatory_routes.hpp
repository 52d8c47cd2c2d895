#pragma once
// The participatory mode's routes of `ppisim serve` (the student page /play,
// the teacher's view /class, and /api/participatory/...), added to the
// classroom server, whose guards (request limits, Host and Origin checks,
// headers) apply to them as to every route.
#include <chrono>
#include <functional>
#include <string>

#include "sim/scenario.hpp"

namespace httplib {
class Server;
}

namespace cli {

struct ParticipatoryOptions {
  // Loads and checks a scenario of the served folder by name, as the page's sessions do (throws when refused).
  std::function<sim::Scenario(const std::string& name)> load_scenario;
  std::string default_scenario;
  std::chrono::minutes idle{180};  // a session unused this long is closed
  std::size_t max_sessions = 8;    // participatory sessions at once (each two runs and up to 40 students)
};

void add_participatory_routes(httplib::Server& server, ParticipatoryOptions options);

}  // namespace cli
