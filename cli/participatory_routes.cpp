// Routes of the participatory mode. A teacher's session is named by a secret
// token (its page holds it); students join with a short code the teacher
// shows, and each gets a secret token of her own, so nobody can decide for
// another student or steer the teacher's session by guessing.
#include "cli/participatory_routes.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <sys/random.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "cli/participatory_session.hpp"
#include "sim/errors.hpp"

namespace cli {

// The pages' files, compiled in from web/play and web/class (cmake/embed_text.cmake).
extern const std::string_view kPlayHtml, kPlayScript, kPlayStyle, kPlayCommon, kClassHtml, kClassScript;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxNameBytes = 40;
constexpr std::int64_t kMaxWeeksPerAdvance = 52;  // the teacher may skip ahead a year at most per request

// A refusal with its HTTP status, answered by the route itself.
struct Refused : std::runtime_error {
  Refused(int code, const std::string& text) : std::runtime_error(text), status(code) {}
  int status;
};

void send_json(httplib::Response& response, const json& body, int status = 200) {
  response.status = status;
  response.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

json parse_body(const httplib::Request& request) {
  if (request.body.empty()) return json::object();
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) throw Refused{400, "the request body must be a JSON object"};
  return body;
}

std::string text_field(const json& body, const char* name, const std::string& fallback = {}) {
  if (!body.contains(name)) return fallback;
  if (!body[name].is_string()) throw Refused{400, fmt::format("'{}' must be text", name)};
  return body[name].get<std::string>();
}

void random_bytes(void* into, std::size_t size) {
  auto* bytes = static_cast<char*>(into);
  for (std::size_t got = 0; got < size;) {
    const ssize_t n = ::getrandom(bytes + got, size - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw sim::RuntimeFailure(std::string("cannot draw a token: ") + std::strerror(errno));
    got += static_cast<std::size_t>(n);
  }
}

// 128 bits from the kernel's cryptographic generator.
std::string new_token() {
  std::array<std::uint64_t, 2> words{};
  random_bytes(words.data(), sizeof words);
  return fmt::format("{:016x}{:016x}", words[0], words[1]);
}

// Six characters without look-alikes (no 0/O, 1/I/L): easy to read off a projector.
std::string new_code() {
  static constexpr std::string_view kAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
  std::array<std::uint8_t, 6> bytes{};
  random_bytes(bytes.data(), bytes.size());
  std::string code;
  for (const auto b : bytes) code += kAlphabet[b % kAlphabet.size()];
  return code;
}

// A display name: 1-40 bytes of printable text (the pages show it as text, never as markup).
std::string checked_name(std::string name) {
  const auto first = name.find_first_not_of(' ');
  name = first == std::string::npos ? "" : name.substr(first, name.find_last_not_of(' ') - first + 1);
  if (name.empty() || name.size() > kMaxNameBytes)
    throw Refused{400, fmt::format("a name of 1 to {} characters, please", kMaxNameBytes)};
  for (const unsigned char c : name)
    if (c < 0x20 || c == 0x7f) throw Refused{400, "the name may not hold control characters"};
  return name;
}

class Registry {
 private:
  struct Entry {
    Entry(std::unique_ptr<ParticipatorySession> s, std::string c)
        : session(std::move(s)), code(std::move(c)), last_used(Clock::now()) {}
    std::mutex mutex;
    std::unique_ptr<ParticipatorySession> session;
    std::string code;
    Clock::time_point last_used;
  };

  template <typename Use>
  static auto use(Entry& entry, Use&& work) {
    std::lock_guard hold(entry.mutex);
    entry.last_used = Clock::now();
    return work(*entry.session);
  }

 public:
  explicit Registry(ParticipatoryOptions options) : options_(std::move(options)) {}

  json open(const json& body) {
    const auto name = text_field(body, "scenario", options_.default_scenario);
    auto session = std::make_unique<ParticipatorySession>(options_.load_scenario(name));
    std::lock_guard lock(mutex_);
    expire_idle();
    if (sessions_.size() >= options_.max_sessions)
      throw Refused{503, fmt::format("the server already runs {} participatory sessions; close one, or wait for an "
                                     "idle one to expire",
                                     options_.max_sessions)};
    auto token = new_token();
    std::string code;
    do code = new_code();
    while (codes_.contains(code));
    auto entry = std::make_shared<Entry>(std::move(session), code);
    const auto view = entry->session->teacher_view();
    sessions_.emplace(token, entry);
    codes_.emplace(code, token);
    return {{"teacher", token}, {"code", code}, {"view", view}};
  }

  json join(const json& body) {
    auto code = text_field(body, "code");
    for (auto& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto name = checked_name(text_field(body, "name"));
    const auto role = student_role(text_field(body, "role"));
    std::shared_ptr<Entry> entry;
    std::string teacher;
    {
      std::lock_guard lock(mutex_);
      expire_idle();
      const auto found = codes_.find(code);
      if (found == codes_.end()) throw Refused{404, "no session with this code; check it on the teacher's screen"};
      teacher = found->second;
      entry = sessions_.at(teacher);
    }
    const auto student = use(*entry, [&](ParticipatorySession& s) { return s.join(name, role); });
    auto token = new_token();
    {
      std::lock_guard lock(mutex_);
      students_.emplace(token, std::pair{teacher, student});
    }
    return {{"student", token}, {"view", use(*entry, [&](ParticipatorySession& s) { return s.student_view(student); })}};
  }

  template <typename Use>
  auto teacher(const std::string& token, Use&& work) {
    return use(*find(token), std::forward<Use>(work));
  }

  json teacher_view(const std::string& token) {
    auto entry = find(token);
    auto view = use(*entry, [](ParticipatorySession& s) { return s.teacher_view(); });
    view["code"] = entry->code;
    return view;
  }

  template <typename Use>
  auto student(const std::string& token, Use&& work) {
    std::shared_ptr<Entry> entry;
    std::size_t index = 0;
    {
      std::lock_guard lock(mutex_);
      const auto found = students_.find(token);
      if (found == students_.end() || !sessions_.contains(found->second.first))
        throw Refused{404, "this session has ended (or expired after being idle); join again with the teacher's code"};
      entry = sessions_.at(found->second.first);
      index = found->second.second;
    }
    return use(*entry, [&](ParticipatorySession& s) { return work(s, index); });
  }

  void close(const std::string& token) {
    std::lock_guard lock(mutex_);
    drop(token);
  }

 private:

  std::shared_ptr<Entry> find(const std::string& token) {
    std::lock_guard lock(mutex_);
    const auto found = sessions_.find(token);
    if (found == sessions_.end()) throw Refused{404, "no such participatory session (it may have expired); start a new one"};
    return found->second;
  }

  void drop(const std::string& token) {
    const auto found = sessions_.find(token);
    if (found == sessions_.end()) return;
    codes_.erase(found->second->code);
    std::erase_if(students_, [&](const auto& item) { return item.second.first == token; });
    sessions_.erase(found);
  }

  void expire_idle() {
    std::vector<std::string> idle;
    for (const auto& [token, entry] : sessions_) {
      std::unique_lock hold(entry->mutex, std::try_to_lock);  // one in use is not idle
      if (hold.owns_lock() && Clock::now() - entry->last_used > options_.idle) idle.push_back(token);
    }
    for (const auto& token : idle) drop(token);
  }

  ParticipatoryOptions options_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Entry>> sessions_;         // by the teacher's token
  std::map<std::string, std::string> codes_;                       // join code -> teacher's token
  std::map<std::string, std::pair<std::string, std::size_t>> students_;  // student token -> (teacher's token, index)
};

// Answers the route's own refusals with their status; anything else goes to the server's handler.
template <typename Handler>
auto guarded(Handler handler) {
  return [handler](const httplib::Request& request, httplib::Response& response) {
    try {
      handler(request, response);
    } catch (const Refused& refusal) {
      send_json(response, {{"error", refusal.what()}}, refusal.status);
    }
  };
}

void send_results(Registry& registry, const std::string& token, httplib::Response& response) {
  std::string folder = (fs::temp_directory_path() / "ppisim-class-XXXXXX").string();
  if (!::mkdtemp(folder.data())) throw sim::RuntimeFailure("cannot create a temporary folder in " + folder);
  const fs::path file = fs::path(folder) / "class.h5";
  std::string name;
  try {
    registry.teacher(token, [&](ParticipatorySession& s) {
      name = s.scenario_name();
      s.write_results(file);
      return 0;
    });
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(folder, ignored);
    throw;
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::error_code ignored;
  fs::remove_all(folder, ignored);
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  response.set_header("Content-Disposition", "attachment; filename=\"" + name + "_participatory.h5\"");
  response.set_content(bytes.str(), "application/x-hdf5");
}

}  // namespace

void add_participatory_routes(httplib::Server& server, ParticipatoryOptions options) {
  auto registry = std::make_shared<Registry>(std::move(options));
  const auto page = [](std::string_view text, const char* type) {
    return [text, type](const httplib::Request&, httplib::Response& response) {
      response.set_content(std::string(text), type);
    };
  };
  server.Get("/play", page(kPlayHtml, "text/html; charset=utf-8"));
  server.Get("/play/play.js", page(kPlayScript, "text/javascript; charset=utf-8"));
  server.Get("/play/play.css", page(kPlayStyle, "text/css; charset=utf-8"));
  server.Get("/play/common.js", page(kPlayCommon, "text/javascript; charset=utf-8"));
  server.Get("/class", page(kClassHtml, "text/html; charset=utf-8"));
  server.Get("/class/class.js", page(kClassScript, "text/javascript; charset=utf-8"));

  server.Post("/api/participatory", guarded([registry](const auto& request, auto& response) {
                send_json(response, registry->open(parse_body(request)), 201);
              }));
  server.Post("/api/participatory/join", guarded([registry](const auto& request, auto& response) {
                send_json(response, registry->join(parse_body(request)), 201);
              }));

  const std::string teacher = R"(/api/participatory/teacher/([0-9a-f]{32}))";
  server.Get(teacher, guarded([registry](const auto& request, auto& response) {
               send_json(response, registry->teacher_view(request.matches[1]));
             }));
  server.Post(teacher + "/advance", guarded([registry](const auto& request, auto& response) {
                const auto body = parse_body(request);
                std::int64_t weeks = 1;
                if (body.contains("weeks")) {
                  if (!body["weeks"].is_number_integer() || body["weeks"].template get<std::int64_t>() < 1 ||
                      body["weeks"].template get<std::int64_t>() > kMaxWeeksPerAdvance)
                    throw Refused{400, fmt::format("'weeks' must be a whole number from 1 to {}", kMaxWeeksPerAdvance)};
                  weeks = body["weeks"].template get<std::int64_t>();
                }
                registry->teacher(request.matches[1], [&](ParticipatorySession& s) {
                  for (std::int64_t w = 0; w < weeks; ++w) s.advance_week();
                  return 0;
                });
                send_json(response, registry->teacher_view(request.matches[1]));
              }));
  server.Post(teacher + "/pause", guarded([registry](const auto& request, auto& response) {
                const auto body = parse_body(request);
                if (!body.contains("paused") || !body["paused"].is_boolean())
                  throw Refused{400, "expected {\"paused\": true or false}"};
                registry->teacher(request.matches[1], [&](ParticipatorySession& s) {
                  s.set_paused(body["paused"].template get<bool>());
                  return 0;
                });
                send_json(response, registry->teacher_view(request.matches[1]));
              }));
  server.Get(teacher + "/debrief", guarded([registry](const auto& request, auto& response) {
               send_json(response, registry->teacher(request.matches[1], [](ParticipatorySession& s) { return s.debrief(); }));
             }));
  server.Get(teacher + "/results.h5", guarded([registry](const auto& request, auto& response) {
               send_results(*registry, request.matches[1], response);
             }));
  server.Post(teacher + "/close", guarded([registry](const auto& request, auto& response) {
                registry->close(request.matches[1]);
                send_json(response, {{"closed", true}});
              }));

  const std::string student = R"(/api/participatory/student/([0-9a-f]{32}))";
  server.Get(student, guarded([registry](const auto& request, auto& response) {
               send_json(response, registry->student(request.matches[1], [](ParticipatorySession& s, std::size_t i) {
                 return s.student_view(i);
               }));
             }));
  server.Post(student + "/decide", guarded([registry](const auto& request, auto& response) {
                const auto body = parse_body(request);
                if (!body.contains("day") || !body["day"].is_number_integer() || !body.contains("decisions"))
                  throw Refused{400, "expected {\"day\": the week's first day, \"decisions\": [...]}"};
                const auto day = body["day"].template get<std::int64_t>();
                if (day < 0 || day > 1'000'000) throw Refused{400, "'day' is out of range"};
                send_json(response, registry->student(request.matches[1], [&](ParticipatorySession& s, std::size_t i) {
                  s.decide(i, static_cast<int>(day), body["decisions"]);
                  return s.student_view(i);
                }));
              }));
}

}  // namespace cli
