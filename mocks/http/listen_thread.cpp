#include "mocks/http/listen_thread.hpp"

#include <atomic>
#include <chrono>
#include <memory>

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

}  // namespace syncdrill
