// Serving a bound cpp-httplib server on a background thread: shared by the mock server and the
// reference connector's webhook receiver.
#pragma once

#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace syncdrill {

// Starts `listener` running svr.listen_after_bind() (REQUIRES: svr is bound) and waits until the
// server is running, so a stop() right after finds it running and stops it. false: it gave up
// instead (listener already joined).
bool listen_in_background(httplib::Server& svr, std::thread& listener);

// "127.0.0.1:8080", "[::1]:8080": an address as a URL writes it (IPv6 in brackets).
std::string host_port(const std::string& host, int port);

// Whether listening on `host` serves this machine only: localhost, 127.0.0.0/8, ::1 or an
// IPv4-mapped 127.x address (::ffff:127.0.0.1), in any spelling inet_pton reads.
bool is_loopback_host(const std::string& host);

// Why host:port cannot be listened on, found by trying to bind it again (cpp-httplib's bind
// reports only that it failed): "port 8080 on 127.0.0.1 is already in use", "8.8.8.8 is not an
// address of this host", "permission denied: ports below 1024 need privileges", "cannot resolve
// host ...".
std::string explain_bind_failure(const std::string& host, int port);

}  // namespace syncdrill
