#include "core/engine/draw_ahead.hpp"

namespace syncdrill {

void DrawAhead::add(DrawSource& source) {
  SD_CHECK(!started_, "a queue joins the drawing thread before it starts");
  SD_CHECK(source.ahead_ == nullptr, "a queue has one drawing thread");
  if (!threaded_) return;
  source.ahead_ = this;
  sources_.push_back(&source);
}

void DrawAhead::start() {
  if (started_) return;
  started_ = true;
  if (sources_.empty()) return;
  thread_ = std::thread([this] { loop(); });
  running_ = true;
}

void DrawAhead::wake() {
  epoch_.fetch_add(1, std::memory_order_seq_cst);
  epoch_.notify_one();
}

void DrawAhead::stop() {
  started_ = true;  // a stopped DrawAhead never starts
  running_ = false;
  if (!thread_.joinable()) return;
  quit_.store(true, std::memory_order_seq_cst);
  wake();
  thread_.join();
}

void DrawAhead::loop() {
  while (!quit_.load(std::memory_order_acquire)) {
    bool drew = false;
    for (DrawSource* s : sources_)
      drew = s->produce() || drew;
    if (drew) continue;
    // Every ring is nearly full. Announce the sleep, then look again: a consumer that handed
    // slots back before seeing `sleeping_` is seen here (both sides are sequentially
    // consistent), and one that hands them back later sees `sleeping_` and wakes us.
    const uint32_t epoch = epoch_.load(std::memory_order_seq_cst);
    sleeping_.store(true, std::memory_order_seq_cst);
    bool wanted = false;
    for (const DrawSource* s : sources_)
      wanted = wanted || s->wants();
    if (!wanted && !quit_.load(std::memory_order_seq_cst)) epoch_.wait(epoch);
    sleeping_.store(false, std::memory_order_seq_cst);
  }
}

}  // namespace syncdrill
