// `ppisim serve`: routes of the classroom page. Handlers run on the HTTP
// library's worker threads; each session is used by one request at a time,
// and at most one simulation per core computes at once, so 30 browsers share
// the machine instead of queuing behind one another's threads.
#include "cli/classroom_server.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <semaphore>
#include <sstream>
#include <thread>

#include "cli/guarded_http_server.hpp"
#include "cli/info_document.hpp"
#include "cli/live_session.hpp"
#include "cli/participatory_routes.hpp"
#include "cli/terminal.hpp"
#include "models/model.hpp"
#include "models/outputs.hpp"
#include "models/parameters.hpp"
#include "sim/errors.hpp"

namespace cli {

// The page's files, compiled in from web/ (cmake/embed_text.cmake).
extern const std::string_view kPageHtml, kPageScript, kPageStyle;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxRequestBytes = 64 * 1024;
constexpr int kMaxDaysPerRequest = 366;
constexpr std::size_t kMaxGraphNodes = 2000;
constexpr std::size_t kDefaultMothersPerLocality = 150, kMaxMothersPerLocality = 1000;  // the world view's sample
constexpr std::size_t kMaxSeriesPerRequest = 64;
constexpr std::size_t kConnectionThreads = 256;

// A refusal the page can show as it is: HTTP status and a message.
struct Refusal : std::runtime_error {
  Refusal(int code, const std::string& text) : std::runtime_error(text), status(code) {}
  int status;
};

struct ScenarioEntry {
  std::string name, description, problem;  // problem: why it cannot start, if it cannot
};

// A regular *.yaml file itself, not a symbolic link to one.
bool is_own_scenario_file(const fs::path& file) {
  std::error_code error;
  return fs::is_regular_file(fs::symlink_status(file, error)) && file.extension() == ".yaml";
}

// The scenarios folder's own *.yaml files (not its subfolders), checked once
// at start-up; only these names can be started, so no request names a path.
std::vector<ScenarioEntry> list_scenarios(const fs::path& folder, std::uint64_t max_agents) {
  std::vector<ScenarioEntry> entries;
  std::error_code error;
  for (const auto& file : fs::directory_iterator(folder, error)) {
    // Not through a link: a link may lead out of the folder, to any file the server can read.
    if (!is_own_scenario_file(file.path())) continue;
    ScenarioEntry entry{file.path().stem().string(), {}, {}};
    try {
      const auto scenario = sim::load_scenario(file.path(), models::parameter_registry());
      models::check_parameters(scenario.parameters, max_agents);
      entry.description = scenario.parameters.text("description");
    } catch (const std::exception& problem) {
      entry.problem = problem.what();
    }
    entries.push_back(std::move(entry));
  }
  if (error) throw sim::InputError("cannot read the scenarios folder '" + folder.string() + "': " + error.message());
  std::ranges::sort(entries, {}, &ScenarioEntry::name);
  return entries;
}

json parameter_json(const sim::ParameterSpec& spec) {
  json item{{"path", spec.path},
            {"kind", sim::to_string(spec.kind)},
            {"unit", spec.unit},
            {"description", spec.description},
            {"finding", spec.finding},
            {"source", sim::to_string(spec.source.kind)},
            {"changes_while_running", spec.runtime_changeable}};
  if (spec.is_numeric()) {
    item["min"] = spec.min;
    item["max"] = spec.max;
  }
  if (!spec.choices.empty()) item["choices"] = spec.choices;
  return item;
}

class Sessions {
 public:
  Sessions(int max_sessions, std::chrono::minutes idle) : max_(static_cast<std::size_t>(max_sessions)), idle_(idle) {}

  std::string open(std::unique_ptr<LiveSession> session) {
    std::lock_guard lock(mutex_);
    std::erase_if(open_, [&](const auto& item) { return Clock::now() - item.second->last_used > idle_; });
    if (open_.size() >= max_)
      throw Refusal{503, fmt::format("the server already runs {} sessions (its --max-sessions); close another tab, "
                                     "or wait for an idle one to expire",
                                     max_)};
    auto id = new_id();
    open_.emplace(id, std::make_shared<Entry>(std::move(session)));
    return id;
  }

  void close(const std::string& id) {
    std::lock_guard lock(mutex_);
    open_.erase(id);
  }

  // Runs `use` on the session while holding it; a session serves one request at a time.
  template <typename Use>
  auto with(const std::string& id, Use&& use) {
    std::shared_ptr<Entry> entry;
    {
      std::lock_guard lock(mutex_);
      const auto found = open_.find(id);
      if (found == open_.end())
        throw Refusal{404, "no such session (it may have expired after being idle); reload the page"};
      entry = found->second;
    }
    std::lock_guard hold(entry->mutex);
    entry->last_used = Clock::now();
    return use(*entry->session);
  }

 private:
  struct Entry {
    explicit Entry(std::unique_ptr<LiveSession> s) : session(std::move(s)), last_used(Clock::now()) {}
    std::mutex mutex;
    std::unique_ptr<LiveSession> session;
    Clock::time_point last_used;
  };

  // 128 bits from the kernel's cryptographic generator (getrandom), fresh for
  // every id: a pseudo-random sequence (mt19937_64) can be predicted from the
  // ids a client sees, and another pupil's session then changed.
  static std::string new_id() {
    std::array<std::uint64_t, 2> words{};
    auto* bytes = reinterpret_cast<char*>(words.data());
    for (std::size_t got = 0; got < sizeof words;) {
      const ssize_t n = ::getrandom(bytes + got, sizeof words - got, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw sim::RuntimeFailure(std::string("cannot draw a session id: ") + std::strerror(errno));
      got += static_cast<std::size_t>(n);
    }
    return fmt::format("{:016x}{:016x}", words[0], words[1]);
  }

  std::size_t max_;
  std::chrono::minutes idle_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Entry>> open_;
};

json parse_body(const httplib::Request& request) {
  if (request.body.empty()) return json::object();
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) throw Refusal{400, "the request body must be a JSON object"};
  return body;
}

template <typename T>
T field(const json& body, const char* name, T fallback) {
  if (!body.contains(name)) return fallback;
  try {
    return body.at(name).get<T>();
  } catch (const json::exception&) {
    throw Refusal{400, fmt::format("'{}' has the wrong type", name)};
  }
}

// A whole number in [least, most]: 1.5, "7" and 2^32 + 5 are refused, not rounded or wrapped.
int whole_number(const json& body, const char* name, int fallback, int least, int most) {
  if (!body.contains(name)) return fallback;
  const auto& value = body.at(name);
  if (!value.is_number_integer() || value.get<std::int64_t>() < least || value.get<std::int64_t>() > most ||
      (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(most)))
    throw Refusal{400, fmt::format("'{}' must be a whole number from {} to {}", name, least, most)};
  return static_cast<int>(value.get<std::int64_t>());
}

void send_json(httplib::Response& response, const json& body, int status = 200) {
  response.status = status;
  response.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

class ClassroomServer {
 public:
  explicit ClassroomServer(const ServeOptions& options)
      : options_(options),
        folder_(options.scenarios),
        scenarios_(list_scenarios(folder_, options.max_agents)),
        sessions_(options.max_sessions, std::chrono::minutes(options.idle_minutes)),
        computing_(std::max(1u, std::thread::hardware_concurrency())) {
    default_scenario_ = options.scenario.empty() ? "breastfriends" : fs::path(options.scenario).stem().string();
    const auto named = std::ranges::find(scenarios_, default_scenario_, &ScenarioEntry::name);
    if (!options.scenario.empty() && named == scenarios_.end())
      throw sim::InputError(options.scenario + ": not a scenario of the folder the page serves ('" + folder_.string() +
                            "'); name one there, or pass --scenarios");
    if (!options.scenario.empty() && !named->problem.empty()) throw sim::InputError(named->problem);
    if (named == scenarios_.end() || !named->problem.empty()) default_scenario_ = first_startable();
    if (default_scenario_.empty())
      throw sim::InputError("no scenario in '" + folder_.string() + "' can start (see `ppisim validate`)");
    configure();
    routes();
  }

  int serve() {
    const int port = options_.port == 0 ? server_.bind_to_any_port(options_.host)
                                        : (server_.bind_to_port(options_.host, options_.port) ? options_.port : -1);
    if (port < 0)
      throw sim::RuntimeFailure(fmt::format("cannot listen on {}:{} (in use, or not an address of this machine); "
                                            "try another --port, or --port 0 for any free one",
                                            options_.host, options_.port));
    port_ = port;
    server_.widen_listen_backlog(SOMAXCONN);
    fmt::print("ppisim serve: http://{}:{}/  (scenarios from {}; Ctrl-C stops)\n", display_host(), port,
               folder_.string());
    std::fflush(stdout);
    const auto& stop = install_stop_handlers();
    std::jthread watcher([&](std::stop_token done) {
      while (!done.stop_requested() && !stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      server_.stop();
    });
    server_.listen_after_bind();
    watcher.request_stop();
    fmt::print("ppisim serve: stopped\n");
    return 0;
  }

 private:
  std::string first_startable() const {
    for (const auto& s : scenarios_)
      if (s.problem.empty()) return s.name;
    return {};
  }

  std::string display_host() const { return options_.host.find(':') != std::string::npos ? "[" + options_.host + "]" : options_.host; }

  void configure() {
    // A thread per open connection (the library's model): a class's browsers
    // keep a few each, and a client that sends slowly holds one until its
    // request's time is up (GuardedHttpServer's limits), so the pool is wide.
    server_.new_task_queue = [] { return new httplib::ThreadPool(kConnectionThreads); };
    server_.set_payload_max_length(kMaxRequestBytes);
    // SO_REUSEADDR only: the library's default adds SO_REUSEPORT, which lets a
    // second server bind a busy port and silently take half its requests.
    server_.set_socket_options([](socket_t socket) {
      const int yes = 1;
      ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    server_.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                                 {"Content-Security-Policy",
                                  "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
                                  "frame-ancestors 'none'"},
                                 {"Cache-Control", "no-store"},
                                 {"Referrer-Policy", "no-referrer"}});
    // Runs before a request's body is read.
    server_.set_pre_routing_handler([this](const httplib::Request& request, httplib::Response& response) {
      if (!host_allowed(request)) {
        send_json(response, {{"error", "this server answers only to its own address (Host header refused)"}}, 403);
        return httplib::Server::HandlerResponse::Handled;
      }
      if (!origin_allowed(request)) {
        send_json(response, {{"error", "requests that change anything must come from this server's own page "
                                       "(Origin refused)"}},
                  403);
        return httplib::Server::HandlerResponse::Handled;
      }
      // The library bounds bodies by Content-Length only; a chunked body could grow without limit.
      if (request.has_header("Transfer-Encoding")) {
        send_json(response, {{"error", "send the body with a Content-Length (chunked bodies are refused)"}}, 411);
        return httplib::Server::HandlerResponse::Handled;
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });
    server_.set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr error) {
      try {
        std::rethrow_exception(error);
      } catch (const Refusal& refusal) {
        send_json(response, {{"error", refusal.what()}}, refusal.status);
      } catch (const sim::InputError& bad) {
        send_json(response, {{"error", bad.what()}}, 400);
      } catch (const std::exception& failure) {
        send_json(response, {{"error", std::string("the server failed: ") + failure.what()}}, 500);
      } catch (...) {
        send_json(response, {{"error", "the server failed"}}, 500);
      }
    });
    server_.set_error_handler([](const httplib::Request&, httplib::Response& response) {
      if (response.body.empty())
        send_json(response, {{"error", fmt::format("HTTP {}", response.status)}}, response.status);
    });
  }

  // A page elsewhere on the web may not reach a loopback server through a
  // name that resolves to 127.0.0.1 (DNS rebinding): on loopback, only
  // loopback names are answered.
  bool host_allowed(const httplib::Request& request) const {
    const bool loopback = options_.host == "127.0.0.1" || options_.host == "localhost" || options_.host == "::1";
    if (!loopback) return true;
    const std::string host = request.get_header_value("Host");
    for (const char* name : {"127.0.0.1", "localhost", "[::1]"})
      if (host == fmt::format("{}:{}", name, port_) || host == name) return true;
    return false;
  }

  // Any web page a pupil opens can make the browser POST here (a form, or
  // fetch with a text/plain body, needs no permission): cross-site request
  // forgery. A browser names the page a request comes from (Origin, and
  // Sec-Fetch-Site), so a request that changes anything is answered only when
  // it names this server itself. Tools that are not browsers send neither.
  static bool origin_allowed(const httplib::Request& request) {
    if (request.method == "GET" || request.method == "HEAD" || request.method == "OPTIONS") return true;
    if (request.has_header("Sec-Fetch-Site")) {
      const auto site = request.get_header_value("Sec-Fetch-Site");
      if (site != "same-origin" && site != "none") return false;
    }
    if (!request.has_header("Origin")) return true;
    return request.get_header_value("Origin") == "http://" + request.get_header_value("Host");
  }

  void routes() {
    const auto page = [](std::string_view text, const char* type) {
      return [text, type](const httplib::Request&, httplib::Response& response) {
        response.set_content(std::string(text), type);
      };
    };
    server_.Get("/", page(kPageHtml, "text/html; charset=utf-8"));
    server_.Get("/app.js", page(kPageScript, "text/javascript; charset=utf-8"));
    server_.Get("/style.css", page(kPageStyle, "text/css; charset=utf-8"));
    server_.Get("/api/model", [this](const auto&, auto& response) { send_json(response, model()); });
    // The Info tab: `ppisim docs info`, built once from the ODD and the registries.
    server_.Get("/api/info", [info = info_document(odd_document())](const auto&, auto& response) {
      send_json(response, {{"markdown", info}});
    });
    server_.Post("/api/sessions", [this](const auto& request, auto& response) { open_session(request, response); });

    const std::string session = R"(/api/sessions/([0-9a-f]{32}))";
    server_.Get(session, [this](const auto& request, auto& response) {
      send_json(response, sessions_.with(request.matches[1], [](LiveSession& s) { return s.state(); }));
    });
    const auto close = [this](const httplib::Request& request, httplib::Response& response) {
      sessions_.close(request.matches[1]);
      send_json(response, {{"closed", true}});
    };
    server_.Delete(session, close);
    server_.Post(session + "/close", close);  // a closing tab's beacon can only POST
    server_.Post(session + "/advance", [this](const auto& request, auto& response) { advance(request, response); });
    server_.Post(session + "/change", [this](const auto& request, auto& response) { change(request, response); });
    server_.Post(session + "/development", [this](const auto& request, auto& response) {
      const bool on = field(parse_body(request), "on", true);
      send_json(response, sessions_.with(request.matches[1], [&](LiveSession& s) {
        s.set_development_process(on);
        return s.state();
      }));
    });
    server_.Post(session + "/reset", [this](const auto& request, auto& response) {
      // "shown" (the default): every setting the page shows; "scenario": the scenario as loaded.
      const auto settings = field(parse_body(request), "settings", std::string("shown"));
      if (settings != "shown" && settings != "scenario")
        throw Refusal{400, "'settings' must be \"shown\" (the page's settings) or \"scenario\" (as loaded)"};
      send_json(response, sessions_.with(request.matches[1], [&](LiveSession& s) {
        settings == "scenario" ? s.reset_to_scenario() : s.reset();
        return s.state();
      }));
    });
    server_.Get(session + "/world", [this](const auto& request, auto& response) {
      std::size_t nodes = 400, mothers = kDefaultMothersPerLocality;
      if (request.has_param("max_nodes")) nodes = bounded_count(request.get_param_value("max_nodes"), kMaxGraphNodes);
      if (request.has_param("mothers"))
        mothers = bounded_count(request.get_param_value("mothers"), kMaxMothersPerLocality);
      send_json(response, sessions_.with(request.matches[1], [&](LiveSession& s) { return s.world(nodes, mothers); }));
    });
    server_.Get(session + "/graph", [this](const auto& request, auto& response) {
      std::size_t nodes = 400;
      if (request.has_param("max_nodes")) nodes = bounded_count(request.get_param_value("max_nodes"), kMaxGraphNodes);
      send_json(response, sessions_.with(request.matches[1], [&](LiveSession& s) { return s.graph(nodes); }));
    });
    server_.Get(session + "/uncertainty", [this](const auto& request, auto& response) {
      const auto names = split_series(request.has_param("series") ? request.get_param_value("series") : "");
      send_json(response, sessions_.with(request.matches[1], [&](LiveSession& s) {
        std::lock_guard share(computing_);  // 20 runs: they share the cores with every session's advances
        return s.uncertainty(names);
      }));
    });
    server_.Get(session + "/scenario.yaml", [this](const auto& request, auto& response) {
      const auto [name, text] = sessions_.with(request.matches[1], [](LiveSession& s) {
        return std::pair{s.scenario_name(), s.scenario_yaml()};
      });
      attach(response, name + "_classroom.yaml");
      response.set_content(text, "application/yaml");
    });
    server_.Get(session + "/results.h5", [this](const auto& request, auto& response) { results(request, response); });
    add_participatory_routes(server_, {.load_scenario = [this](const std::string& name) { return load_scenario(name); },
                                       .default_scenario = default_scenario_,
                                       .idle = std::chrono::minutes(options_.idle_minutes)});
  }

  // "a,b,c": the series names a request asks for, within bounds.
  static std::vector<std::string> split_series(const std::string& text) {
    std::vector<std::string> names;
    for (std::size_t start = 0; start <= text.size();) {
      const auto comma = std::min(text.find(',', start), text.size());
      if (comma > start) names.push_back(text.substr(start, comma - start));
      start = comma + 1;
    }
    if (names.empty()) throw Refusal{400, "give the series to compute, e.g. ?series=any_bf_share,tension_index"};
    if (names.size() > kMaxSeriesPerRequest) throw Refusal{400, "too many series in one request"};
    return names;
  }

  static std::size_t bounded_count(const std::string& text, std::size_t most) {
    std::size_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value == 0 || value > most)
      throw Refusal{400, fmt::format("expected a whole number from 1 to {}, got '{}'", most, text)};
    return value;
  }

  // A scenario's name may hold quotes, line breaks or escape sequences: the
  // file name offered keeps only letters, digits, '-', '_' and '.'.
  static void attach(httplib::Response& response, std::string filename) {
    for (char& c : filename)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
    response.set_header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  }

  json model() const {
    json parameters = json::array(), scenarios = json::array(), series = json::array();
    for (const auto& spec : models::parameter_registry().all()) parameters.push_back(parameter_json(spec));
    for (const auto& s : scenarios_)
      scenarios.push_back({{"name", s.name}, {"description", s.description}, {"problem", s.problem}});
    for (const auto& spec : models::output_catalog().series())
      series.push_back({{"name", spec.name}, {"unit", spec.unit}, {"description", spec.description}});
    return {{"parameters", parameters},
            {"levers", models::classroom_levers()},
            {"series", series},
            {"scenarios", scenarios},
            {"default_scenario", default_scenario_},
            {"limits",
             {{"max_agents", options_.max_agents},
              {"max_days_per_request", kMaxDaysPerRequest},
              {"max_live_changes", LiveSession::kMaxLiveChanges}}}};
  }

  void open_session(const httplib::Request& request, httplib::Response& response) {
    auto scenario = load_scenario(field(parse_body(request), "scenario", default_scenario_));
    auto session = std::make_unique<LiveSession>(std::move(scenario), options_.max_agents);
    auto state = session->state();
    const auto id = sessions_.open(std::move(session));
    send_json(response, {{"id", id}, {"state", state}}, 201);
  }

  // A scenario of the served folder, by name, loaded and checked afresh.
  sim::Scenario load_scenario(const std::string& name) const {
    const auto entry = std::ranges::find(scenarios_, name, &ScenarioEntry::name);
    if (entry == scenarios_.end()) throw Refusal{404, "no scenario named '" + name + "' in the scenarios folder"};
    if (!entry->problem.empty()) throw Refusal{400, "scenario '" + name + "' cannot start: " + entry->problem};
    const fs::path file = folder_ / (name + ".yaml");
    if (!is_own_scenario_file(file))  // replaced by a link since the server started
      throw Refusal{403, "scenario '" + name + "' is no longer a file of the scenarios folder"};
    auto scenario = sim::load_scenario(file, models::parameter_registry());
    models::check_parameters(scenario.parameters, options_.max_agents);
    return scenario;
  }

  void advance(const httplib::Request& request, httplib::Response& response) {
    const auto body = parse_body(request);
    const int days = whole_number(body, "days", 1, 1, kMaxDaysPerRequest);
    const int since = whole_number(body, "since", 0, 0, std::numeric_limits<int>::max());
    const auto names = field(body, "series", std::vector<std::string>{});
    if (names.size() > kMaxSeriesPerRequest) throw Refusal{400, "too many series in one request"};
    send_json(response, sessions_.with(request.matches[1], [&](LiveSession& s) {
      {
        std::lock_guard share(computing_);
        s.advance(days);
      }
      return json{{"state", s.state()}, {"series", s.series(names, since)}};
    }));
  }

  void change(const httplib::Request& request, httplib::Response& response) {
    const auto body = parse_body(request);
    const auto path = field(body, "path", std::string{});
    const auto value = field(body, "value", std::string{});
    if (path.empty()) throw Refusal{400, "expected {\"path\": parameter, \"value\": text}"};
    send_json(response, sessions_.with(request.matches[1], [&](LiveSession& s) {
      const auto applies = s.change(path, value);
      return json{{"applies", applies == LiveSession::Applies::now ? "now" : "at_reset"}, {"state", s.state()}};
    }));
  }

  void results(const httplib::Request& request, httplib::Response& response) {
    const fs::path file = scratch_.folder / fmt::format("run-{}.h5", next_file_++);
    std::string name;
    sessions_.with(request.matches[1], [&](LiveSession& s) {
      std::lock_guard share(computing_);
      name = s.scenario_name();
      s.write_results(file);
    });
    std::ifstream in(file, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    std::error_code ignored;
    fs::remove(file, ignored);
    attach(response, name + "_classroom.h5");
    response.set_content(bytes.str(), "application/x-hdf5");
  }

  // Acquired around simulation work: a std::counting_semaphore as a lockable.
  class ComputeSlots {
   public:
    explicit ComputeSlots(unsigned slots) : slots_(slots) {}
    void lock() { slots_.acquire(); }
    void unlock() { slots_.release(); }

   private:
    std::counting_semaphore<1024> slots_;
  };

  // A private folder (mode 0700) for results files on their way to a browser.
  struct ScratchFolder {
    ScratchFolder() {
      std::string pattern = (fs::temp_directory_path() / "ppisim-serve-XXXXXX").string();
      if (!::mkdtemp(pattern.data())) throw sim::RuntimeFailure("cannot create a temporary folder in " + pattern);
      folder = pattern;
    }
    ~ScratchFolder() {
      std::error_code ignored;
      fs::remove_all(folder, ignored);
    }
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;
    fs::path folder;
  };

  ServeOptions options_;
  fs::path folder_;
  ScratchFolder scratch_;
  std::vector<ScenarioEntry> scenarios_;
  std::string default_scenario_;
  Sessions sessions_;
  ComputeSlots computing_;
  std::atomic<std::uint64_t> next_file_{0};
  GuardedHttpServer server_;
  int port_ = 0;
};

}  // namespace

int serve_command(const ServeOptions& options) {
  ClassroomServer server(options);
  return server.serve();
}

}  // namespace cli
