// shutdown_connection: find a request's socket by its address pair and shut it down.
#include "mocks/http/server_connection.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <string>
#include <utility>

namespace syncdrill {

namespace {

// The textual address and port of a socket address (IPv4 or IPv6), as cpp-httplib writes
// Request::remote_addr / local_addr.
bool address_of(const sockaddr_storage& a, std::string& host, int& port) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (a.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(a);
    if (inet_ntop(AF_INET, &in.sin_addr, buf, sizeof buf) == nullptr) return false;
    port = ntohs(in.sin_port);
  } else if (a.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(a);
    if (inet_ntop(AF_INET6, &in6.sin6_addr, buf, sizeof buf) == nullptr) return false;
    port = ntohs(in6.sin6_port);
  } else {
    return false;
  }
  host = buf;
  return true;
}

thread_local int t_current_fd = -1;

bool is_connection(int fd, const httplib::Request& req) {
  sockaddr_storage local{}, peer{};
  socklen_t local_len = sizeof local, peer_len = sizeof peer;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0) return false;
  std::string host;
  int port = 0;
  if (!address_of(local, host, port) || port != req.local_port) return false;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) return false;
  return address_of(peer, host, port) && port == req.remote_port && host == req.remote_addr;
}

}  // namespace

CurrentConnection::CurrentConnection(int fd) : previous_(t_current_fd) {
  t_current_fd = fd;
}

CurrentConnection::~CurrentConnection() {
  t_current_fd = previous_;
}

bool socket_addresses(int fd, std::string& local_ip, int& local_port, std::string& remote_ip,
                      int& remote_port) {
  sockaddr_storage local{}, peer{};
  socklen_t local_len = sizeof local, peer_len = sizeof peer;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0 ||
      getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) {
    return false;
  }
  std::string lhost, rhost;
  int lport = 0, rport = 0;
  if (!address_of(local, lhost, lport) || !address_of(peer, rhost, rport)) return false;
  local_ip = std::move(lhost);
  local_port = lport;
  remote_ip = std::move(rhost);
  remote_port = rport;
  return true;
}

bool shutdown_connection(const httplib::Request& req) {
  if (t_current_fd >= 0 && is_connection(t_current_fd, req)) {
    return ::shutdown(t_current_fd, SHUT_RDWR) == 0;
  }
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return false;
  bool found = false;
  // The connection is owned by the calling thread until the handler returns, so the socket
  // matched here cannot be closed and reused under us.
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    const int fd = std::atoi(entry->d_name);
    if (fd == dirfd(dir) || !is_connection(fd, req)) continue;
    found = ::shutdown(fd, SHUT_RDWR) == 0;
    break;
  }
  closedir(dir);
  return found;
}

}  // namespace syncdrill
