#include "mocks/http/listen_thread.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <httplib.h>

namespace syncdrill {

bool listen_in_background(httplib::Server& svr, std::thread& listener) {
  auto listening_done = std::make_shared<std::atomic<bool>>(false);
  listener = std::thread([&svr, listening_done] {
    svr.listen_after_bind();
    listening_done->store(true);
  });
  while (!svr.is_running() && !listening_done->load())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (svr.is_running()) return true;
  listener.join();
  return false;
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

std::string host_port(const std::string& host, int port) {
  return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port)
                                             : fmt::format("{}:{}", host, port);
}

std::string explain_bind_failure(const std::string& host, int port) {
  const std::string where = host_port(host, port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return fmt::format("cannot listen on {}: cannot resolve host '{}' ({})", where, host,
                       ::gai_strerror(rc));
  }
  int failure = 0;
  for (const addrinfo* a = found; a != nullptr && failure == 0; a = a->ai_next) {
    const int sock = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (sock < 0) {
      failure = errno;
      break;
    }
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(sock, a->ai_addr, a->ai_addrlen) != 0) failure = errno;
    ::close(sock);
  }
  ::freeaddrinfo(found);
  switch (failure) {
    case EADDRINUSE:
      return fmt::format(
          "cannot listen on {}: port {} is already in use there (another drill or "
          "server?)",
          where, port);
    case EADDRNOTAVAIL:
      return fmt::format(
          "cannot listen on {}: {} is not an address of this host (use 127.0.0.1, "
          "::1, 0.0.0.0 or an address of one of its interfaces)",
          where, host);
    case EACCES:
      return fmt::format(
          "cannot listen on {}: permission denied (ports below 1024 need "
          "privileges)",
          where);
    case 0:
      return fmt::format("cannot listen on {}", where);
    default:
      return fmt::format("cannot listen on {}: {}", where, std::strerror(failure));
  }
}

}  // namespace syncdrill
