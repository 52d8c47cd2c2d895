#pragma once
// Debian's cpp-httplib (0.11) reads a request's head with no limit on its
// total size or the number of header lines, restarts its read timeout at
// every byte (a client sending one byte every 3 s holds a thread forever:
// slowloris), and keeps the first of two Host or Content-Length headers.
// Its limits are compile-time macros of the shared library, out of reach, so
// this server reads each request's head itself, under a total size and a
// total time, checks it, and hands it to the library only if it is sound.
#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cli {

struct HttpLimits {
  std::size_t max_head_bytes = 16 * 1024;         // request line and headers together
  std::size_t max_header_lines = 100;
  std::chrono::milliseconds head_time{5000};      // from the connection's first moment to the end of the head
  std::chrono::milliseconds request_time{15000};  // to the end of the body
};

// Why a request head is refused (status and message), or nothing if it is sound:
// too many lines, or more than one of a header that must be single (Host,
// Content-Length, Transfer-Encoding, Origin, Content-Type, Sec-Fetch-Site).
struct HeadRefusal {
  int status;
  std::string message;
};
std::optional<HeadRefusal> check_request_head(std::string_view head, const HttpLimits& limits);

class GuardedHttpServer : public httplib::Server {
 public:
  explicit GuardedHttpServer(HttpLimits limits = {}) : limits_(limits) {}

  // Debian's library listens with a backlog of 5 connections: a classroom
  // opening the page at once overflows it. Listening again widens the queue.
  void widen_listen_backlog(int connections);

 private:
  // One request per connection (no keep-alive), its head read here.
  bool process_and_close_socket(socket_t socket) override;

  HttpLimits limits_;
};

}  // namespace cli
