// Closing a request's connection from inside its handler, for the gate's "drop".
#pragma once

#include <httplib.h>

namespace syncdrill {

// Shuts down (both directions) the socket `req` arrived on, so the client gets no answer: its
// read ends with the connection closed (curl: "Empty reply from server"). cpp-httplib 0.11.4
// gives handlers no socket, so this finds it: the one socket of this process whose local
// address and port and whose peer address and port are the request's. The socket stays open
// for cpp-httplib to close as usual (its write of the answer fails). false if not found.
// Linux only (/proc/self/fd).
bool shutdown_connection(const httplib::Request& req);

}  // namespace syncdrill
