// Listening helpers: addresses as URLs write them, which hosts are loopback, and why a bind
// failed (checked on 127.0.0.1, and on an address this host does not have, which fails locally
// without a packet sent).
#include "mocks/http/listen_thread.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include <doctest/doctest.h>

namespace syncdrill {
namespace {

TEST_CASE("live: host_port brackets IPv6 addresses") {
  CHECK(host_port("127.0.0.1", 8080) == "127.0.0.1:8080");
  CHECK(host_port("::1", 8080) == "[::1]:8080");
  CHECK(host_port("localhost", 0) == "localhost:0");
}

TEST_CASE("live: loopback hosts are told from the rest") {
  for (const char* host :
       {"localhost", "127.0.0.1", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"}) {
    CAPTURE(std::string(host));
    CHECK(is_loopback_host(host));
  }
  for (const char* host : {"0.0.0.0", "::", "10.0.0.1", "8.8.8.8", "::ffff:10.0.0.1", "example.com",
                           "", "127.0.0.1.example.com"}) {
    CAPTURE(std::string(host));
    CHECK_FALSE(is_loopback_host(host));
  }
}

TEST_CASE("live: a failed bind says whether the port is taken or the address is not this host's") {
  const int taken = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(taken, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(taken, 1) == 0);
  socklen_t len = sizeof a;
  ::getsockname(taken, reinterpret_cast<sockaddr*>(&a), &len);
  const int port = ntohs(a.sin_port);
  const std::string in_use = explain_bind_failure("127.0.0.1", port);
  CHECK(in_use == "cannot listen on 127.0.0.1:" + std::to_string(port) + ": port " +
                      std::to_string(port) + " is already in use there (another drill or server?)");
  ::close(taken);
  CHECK(explain_bind_failure("8.8.8.8", 0).find("8.8.8.8 is not an address of this host") !=
        std::string::npos);
  CHECK(explain_bind_failure("::1", 1).find("cannot listen on [::1]:1") == 0);
}

}  // namespace
}  // namespace syncdrill
