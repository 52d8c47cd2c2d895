#include "cli/guarded_http_server.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <map>

namespace cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kWriteTime{30'000};

// Headers whose second copy would be read one way here and another way by a
// proxy or the library (which keeps the first): request smuggling, a Host
// check passed by one copy and routing by the other.
constexpr std::array<std::string_view, 6> kSingleHeaders{"host",   "content-length", "transfer-encoding",
                                                         "origin", "content-type",   "sec-fetch-site"};

std::string lowercase(std::string_view text) {
  std::string lower(text);
  std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

int milliseconds_until(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 1'000'000));
}

bool wait_for(socket_t socket, short events, Clock::time_point deadline) {
  pollfd watched{socket, events, 0};
  for (;;) {
    const int ready = ::poll(&watched, 1, milliseconds_until(deadline));
    if (ready < 0 && errno == EINTR) continue;
    return ready > 0;
  }
}

std::string address_text(const sockaddr_storage& address, int& port) {
  char text[INET6_ADDRSTRLEN] = "";
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    port = ntohs(v4.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    port = ntohs(v6.sin6_port);
  }
  return text;
}

// The connection after its head has been read and checked: the head (and
// any body bytes that came with it) replayed first, then the socket, every
// read bounded by the request's total deadline rather than per byte.
class GuardedStream : public httplib::Stream {
 public:
  GuardedStream(socket_t socket, std::string received, Clock::time_point deadline)
      : socket_(socket), received_(std::move(received)), deadline_(deadline) {}

  bool is_readable() const override {
    return position_ < received_.size() || wait_for(socket_, POLLIN, deadline_);
  }
  bool is_writable() const override { return wait_for(socket_, POLLOUT, Clock::now() + kWriteTime); }

  ssize_t read(char* into, size_t size) override {
    if (position_ < received_.size()) {
      const std::size_t count = std::min(size, received_.size() - position_);
      std::copy_n(received_.data() + position_, count, into);
      position_ += count;
      return static_cast<ssize_t>(count);
    }
    if (!wait_for(socket_, POLLIN, deadline_)) return -1;  // too slow: the request is dropped
    return ::recv(socket_, into, size, 0);
  }

  ssize_t write(const char* from, size_t size) override {
    if (!is_writable()) return -1;
    return ::send(socket_, from, size, MSG_NOSIGNAL);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getpeername(socket_, reinterpret_cast<sockaddr*>(&address), &length) == 0) ip = address_text(address, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length) == 0) ip = address_text(address, port);
  }
  socket_t socket() const override { return socket_; }

 private:
  socket_t socket_;
  std::string received_;
  std::size_t position_ = 0;
  Clock::time_point deadline_;
};

void send_refusal(socket_t socket, const HeadRefusal& refusal) {
  const std::string body = fmt::format("{{\"error\": \"{}\"}}", refusal.message);  // messages are plain ASCII
  const std::string response = fmt::format(
      "HTTP/1.1 {} Refused\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n"
      "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n\r\n{}",
      refusal.status, body.size(), body);
  std::size_t sent = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(2);
  while (sent < response.size() && wait_for(socket, POLLOUT, deadline)) {
    const ssize_t n = ::send(socket, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
}

// Where the head ends (just past its blank line), if it has.
std::optional<std::size_t> end_of_head(const std::string& received) {
  const auto crlf = received.find("\r\n\r\n");
  const auto lf = received.find("\n\n");
  if (crlf == std::string::npos && lf == std::string::npos) return std::nullopt;
  return crlf < lf ? crlf + 4 : lf + 2;
}

}  // namespace

std::optional<HeadRefusal> check_request_head(std::string_view head, const HttpLimits& limits) {
  std::map<std::string, int> seen;
  std::size_t lines = 0;
  std::size_t start = head.find('\n');  // past the request line
  while (start != std::string_view::npos && start + 1 < head.size()) {
    ++start;
    const std::size_t end = head.find('\n', start);
    std::string_view line = head.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    start = end;
    if (line.empty()) break;  // the blank line: end of the head
    if (++lines > limits.max_header_lines)
      return HeadRefusal{431, fmt::format("more than {} header lines", limits.max_header_lines)};
    if (line.front() == ' ' || line.front() == '\t')
      return HeadRefusal{400, "a header line continues the one before (obsolete line folding is refused)"};
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return HeadRefusal{400, "a header line has no name"};
    const std::string name = lowercase(line.substr(0, colon));
    if (std::ranges::find(kSingleHeaders, name) != kSingleHeaders.end() && ++seen[name] > 1)
      return HeadRefusal{400, "the " + name + " header appears twice; send it once"};
  }
  return std::nullopt;
}

void GuardedHttpServer::widen_listen_backlog(int connections) { ::listen(svr_sock_, connections); }

bool GuardedHttpServer::process_and_close_socket(socket_t socket) {
  const auto accepted = Clock::now();
  const auto head_deadline = accepted + limits_.head_time;
  std::string received;
  std::optional<HeadRefusal> refusal;
  std::optional<std::size_t> head_end;
  char buffer[4096];
  while (!(head_end = end_of_head(received))) {
    if (received.size() > limits_.max_head_bytes) {
      refusal = HeadRefusal{431, fmt::format("the request head is over {} bytes", limits_.max_head_bytes)};
      break;
    }
    if (!wait_for(socket, POLLIN, head_deadline)) {
      // A client that sent nothing (a browser's spare connection) is closed quietly.
      if (!received.empty())
        refusal = HeadRefusal{408, fmt::format("the request head took longer than {} s",
                                               std::chrono::duration<double>(limits_.head_time).count())};
      break;
    }
    const ssize_t got = ::recv(socket, buffer, sizeof buffer, 0);
    if (got <= 0) break;  // the client went away
    received.append(buffer, static_cast<std::size_t>(got));
  }
  if (head_end && *head_end > limits_.max_head_bytes)
    refusal = HeadRefusal{431, fmt::format("the request head is over {} bytes", limits_.max_head_bytes)};
  if (head_end && !refusal) refusal = check_request_head(std::string_view(received).substr(0, *head_end), limits_);
  if (refusal) {
    send_refusal(socket, *refusal);
  } else if (head_end) {
    GuardedStream stream(socket, std::move(received), accepted + limits_.request_time);
    bool closed = false;
    process_request(stream, /*close_connection=*/true, closed, nullptr);
  }
  ::shutdown(socket, SHUT_RDWR);
  ::close(socket);
  return true;
}

}  // namespace cli
