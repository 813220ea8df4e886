// DrawAhead: random draws made on a second core before the simulation asks for them.
//
// Why: a run spends about a sixth of its time turning random bits into samples (the logarithm,
// cosine and exponential of every lognormal service time, the SKUs of every basket). Many of
// those draws come from a stream that nothing else reads, always through the same function, so
// the sequence of samples is fixed by the seed alone: only the moment each is taken depends on
// the simulation. Such a sequence can be drawn ahead by another thread into a ring, and the
// simulation takes the samples in order: the same numbers, the same bytes in every report,
// whether or not the thread runs.
//
// A DrawQueue<T> is one such sequence: `draw(context, out, n)` writes its next n items in
// order, and next() hands them out one by one. A queue not handed to a DrawAhead draws its
// items itself, a chunk at a time, when its ring runs dry. A queue handed to one is filled by
// the DrawAhead's thread while it runs (start() to stop()), which sleeps while no ring has a
// chunk free and is woken when one is half empty.
//
// Invariants:
// - A queue hands out exactly the sequence `draw` writes, in order, threaded or not (tested).
// - While a queue is attached, only its DrawAhead's thread calls `draw`, and `draw` must touch
//   nothing but the state it owns (its stream, constant parameters): not the simulation.
// - One consumer thread per queue (the simulation's); add() only before start(). A queue read
//   before start() or after stop() draws for itself, continuing the same sequence.
// - ~DrawAhead stops and joins the thread; the queues must outlive their DrawAhead's thread
//   (stop() it, or destroy it, before them).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "core/engine/check.hpp"

namespace syncdrill {

class DrawAhead;

// What the drawing thread sees of a queue.
class DrawSource {
 public:
  DrawSource() = default;
  DrawSource(const DrawSource&) = delete;
  DrawSource& operator=(const DrawSource&) = delete;
  virtual ~DrawSource() = default;

 protected:
  friend class DrawAhead;
  // Drawing thread: fills the ring's free space when at least a chunk is free; true if it drew.
  virtual bool produce() = 0;
  // Drawing thread: whether a pass would draw anything now.
  virtual bool wants() const = 0;
  DrawAhead* ahead_ = nullptr;  // set by DrawAhead::add; null: the queue draws for itself
};

class DrawAhead {
 public:
  // `threaded` false: add() leaves every queue drawing for itself (one thread, same numbers).
  // Whether a core is free for the thread is the caller's to judge (app/parallel.hpp).
  explicit DrawAhead(bool threaded) : threaded_(threaded) {}
  DrawAhead(const DrawAhead&) = delete;
  DrawAhead& operator=(const DrawAhead&) = delete;
  ~DrawAhead() { stop(); }

  bool threaded() const { return threaded_; }
  // Hands `source` to the drawing thread. REQUIRES: the thread has not started; the source
  // outlives the thread.
  void add(DrawSource& source);
  // Starts the thread (once; not after stop()). Before it, and after stop(), the queues draw
  // for themselves, continuing the same sequences: nothing is lost or drawn twice.
  void start();
  // Stops and joins the thread, if it runs.
  void stop();
  bool running() const { return running_; }

  // Consumer side, from a queue running low.
  void wake_if_sleeping() {
    if (sleeping_.load(std::memory_order_seq_cst)) wake();
  }

 private:
  void wake();
  void loop();

  bool threaded_;
  bool started_ = false;
  bool running_ = false;
  std::vector<DrawSource*> sources_;
  std::atomic<bool> quit_{false};
  std::atomic<bool> sleeping_{false};
  std::atomic<uint32_t> epoch_{0};
  std::thread thread_;
};

template <typename T>
class DrawQueue final : public DrawSource {
 public:
  // Writes the next `count` items of the sequence to out[0, count), in order.
  using DrawFn = void (*)(void* context, T* out, size_t count);

  DrawQueue(DrawFn draw, void* context)
      : draw_(draw), context_(context), ring_(std::make_unique<T[]>(kCapacity)) {}

  // The next item of the sequence.
  T next() {
    if (read_ == limit_) [[unlikely]]
      refill();
    // The items were written on another core: ask for the line after next now, so reading it
    // is not a transfer waited for.
    __builtin_prefetch(&ring_[(read_ + kPrefetchItems) & kMask]);
    return ring_[read_++ & kMask];
  }

 private:
  static constexpr size_t kCapacity = 4096;  // items; a power of two
  static constexpr size_t kMask = kCapacity - 1;
  static constexpr size_t kChunk = 256;  // the consumer publishes its position once per chunk
  static constexpr size_t kPrefetchItems = sizeof(T) >= 64 ? 2 : 128 / sizeof(T);
  static_assert(kCapacity % kChunk == 0);

  // Draws positions [from, from + count) into the ring; no wrap inside (chunk-aligned).
  void draw_at(uint64_t from, size_t count) { draw_(context_, &ring_[from & kMask], count); }

  void refill() {
    if (ahead_ == nullptr || !ahead_->running()) {
      // Drawing for itself: whatever the thread drew and this queue has not handed out comes
      // first (written_ - read_ of it), then a chunk drawn here.
      const uint64_t written = written_.load(std::memory_order_acquire);
      consumed_.store(read_, std::memory_order_relaxed);
      if (written == read_) {
        const size_t count = kChunk - static_cast<size_t>(read_ % kChunk);
        draw_at(read_, count);
        written_.store(read_ + count, std::memory_order_relaxed);
        limit_ = read_ + count;
      } else {
        limit_ = written;
      }
      return;
    }
    // Hand the read slots back: published before the thread's sleep check (see loop()).
    consumed_.store(read_, std::memory_order_seq_cst);
    if (written_.load(std::memory_order_acquire) - read_ <= kCapacity / 2)
      ahead_->wake_if_sleeping();
    uint64_t written = written_.load(std::memory_order_acquire);
    for (uint32_t spins = 0; written == read_; ++spins) {
      // Empty: only at the start, or when the other core is busy elsewhere.
      if (spins < 64) {
        std::atomic_signal_fence(std::memory_order_seq_cst);
      } else {
        ahead_->wake_if_sleeping();
        std::this_thread::yield();
      }
      written = written_.load(std::memory_order_acquire);
    }
    limit_ = std::min<uint64_t>(written, read_ + kChunk);
  }

  bool wants() const override {
    const uint64_t written = written_.load(std::memory_order_relaxed);
    return kCapacity - (written - consumed_.load(std::memory_order_seq_cst)) >= kChunk;
  }

  bool produce() override {
    uint64_t written = written_.load(std::memory_order_relaxed);
    const uint64_t consumed = consumed_.load(std::memory_order_acquire);
    bool drew = false;
    while (kCapacity - (written - consumed) >= kChunk) {
      draw_at(written, kChunk);
      written += kChunk;
      written_.store(written, std::memory_order_release);
      drew = true;
    }
    return drew;
  }

  DrawFn draw_;
  void* context_;
  std::unique_ptr<T[]> ring_;
  // The consumer's own: the next position it reads and how far it may read without looking.
  alignas(64) uint64_t read_ = 0;
  uint64_t limit_ = 0;
  // Positions drawn (written by the thread, or by the queue itself when not attached).
  alignas(64) std::atomic<uint64_t> written_{0};
  // Positions the consumer has handed back, published once per chunk.
  alignas(64) std::atomic<uint64_t> consumed_{0};
};

}  // namespace syncdrill
