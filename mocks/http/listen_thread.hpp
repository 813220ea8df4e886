// Serving a bound cpp-httplib server on a background thread: shared by the mock server and the
// reference connector's webhook receiver.
#pragma once

#include <thread>

namespace httplib {
class Server;
}

namespace syncdrill {

// Starts `listener` running svr.listen_after_bind() (REQUIRES: svr is bound) and waits until the
// server is running, so a stop() right after finds it running and stops it. false: it gave up
// instead (listener already joined).
bool listen_in_background(httplib::Server& svr, std::thread& listener);

}  // namespace syncdrill
