// Closing a request's connection from inside its handler, for the gate's "drop".
#pragma once

#include <string>

#include <httplib.h>

namespace syncdrill {

// Shuts down (both directions) the socket `req` arrived on, so the client gets no answer: its
// read ends with the connection closed (curl: "Empty reply from server"). cpp-httplib 0.11.4
// gives handlers no socket, so this finds it: the CurrentConnection of this thread when its
// addresses are the request's, else the one socket of this process whose local address and port
// and whose peer address and port are the request's (Linux only: /proc/self/fd). The socket
// stays open for its owner to close as usual (its write of the answer fails). false if not found.
bool shutdown_connection(const httplib::Request& req);

// Marks `fd` as the connection the calling thread is serving, for its lifetime (the mock
// server's workers serve one request at a time on one thread).
class CurrentConnection {
 public:
  explicit CurrentConnection(int fd);
  ~CurrentConnection();
  CurrentConnection(const CurrentConnection&) = delete;
  CurrentConnection& operator=(const CurrentConnection&) = delete;

 private:
  int previous_;
};

// A connected socket's local and peer addresses, textual as cpp-httplib writes them into
// Request::local_addr / remote_addr. false (outputs untouched) if either cannot be read.
bool socket_addresses(int fd, std::string& local_ip, int& local_port, std::string& remote_ip,
                      int& remote_port);

}  // namespace syncdrill
