// NotificationQueue: the pull queue an SP-API channel's notifications wait in, with Amazon SQS's
// standard-queue semantics (docs/dialect-sp-api.md). SP-API does not push: it sends ORDER_CHANGE
// notifications to an SQS queue the seller polls, receives, and deletes.
//
// - A message is visible from its enqueue (plus its delay) until a receive hands it out; it is
//   then in flight and invisible for the receive's visibility timeout (default 30 s), after which
//   it is visible again and a later receive redelivers it with ApproximateReceiveCount one
//   higher and a new receipt handle. DeleteMessage with the latest handle removes it for good.
// - A message older than the retention period (4 days) is removed, received or not.
// - At most kMessagesMax messages are held; an enqueue beyond that is refused and counted.
//
// Receipt handles are "SEQ.GENERATION.CHECK": the message's sequence number, the receive that
// produced it and a checksum over both and the queue's salt, so a forged or garbled handle is
// told from a stale one (a handle of an earlier receive of the same message).
//
// Times are SIMULATED (the live clock's SimTime), so --time-scale scales visibility timeouts,
// delays and retention as it scales everything else in a drill. Callers pass `now`.
//
// Thread-safe: one mutex; wait_for_message() blocks outside it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine/time.hpp"

namespace syncdrill {

struct ReceivedMessage {
  std::string message_id;
  std::string receipt_handle;
  std::string md5_of_body;  // lower-case hex MD5 of body, as SQS's MD5OfBody
  std::string body;
  SimTime sent_at{};
  SimTime first_received_at{};
  uint32_t receive_count = 0;  // ApproximateReceiveCount, this receive included
};

struct NotificationQueueStats {
  uint64_t enqueued = 0;
  uint64_t refused_full = 0;  // enqueues refused: kMessagesMax messages were held
  uint64_t received = 0;      // messages handed out, redeliveries included
  uint64_t redelivered = 0;   // handed out again after a visibility timeout ran out
  uint64_t deleted = 0;
  uint64_t expired = 0;    // removed by retention
  uint64_t held = 0;       // messages in the queue now, in flight included
  uint64_t in_flight = 0;  // received and still invisible now
};

class NotificationQueue {
 public:
  static constexpr Duration kVisibilityTimeoutDefault = seconds(30);
  static constexpr Duration kVisibilityTimeoutMax = hours(12);
  static constexpr Duration kRetention = days(4);
  static constexpr size_t kMessagesMax = 100'000;
  static constexpr uint32_t kReceiveMax = 10;  // messages one receive hands out

  // `name` makes the message ids and the handles' checksum differ between queues.
  explicit NotificationQueue(std::string name);

  // Adds a message, visible from now + delay. False (counted) when the queue is full.
  bool enqueue(std::string body, SimTime now, Duration delay = {});

  // Up to `max` (1..kReceiveMax) visible messages, oldest first, each then invisible until
  // now + visibility (0..kVisibilityTimeoutMax).
  std::vector<ReceivedMessage> receive(uint32_t max, Duration visibility, SimTime now);

  enum class HandleResult : uint8_t {
    ok,            // done (DeleteMessage of a message already gone is ok too, as SQS answers)
    stale,         // a handle of an earlier receive: DeleteMessage succeeds but keeps the message
    invalid,       // not a handle this queue gave out (ReceiptHandleIsInvalid)
    not_in_flight  // ChangeMessageVisibility on a message that is visible (MessageNotInflight)
  };
  HandleResult remove(std::string_view receipt_handle, SimTime now);
  // Sets an in-flight message's remaining invisibility to `visibility` from now.
  HandleResult change_visibility(std::string_view receipt_handle, Duration visibility, SimTime now);

  // Blocks until an enqueue (or `wall` passes, or a spurious wake-up); callers re-check.
  void wait_for_message(std::chrono::nanoseconds wall);

  NotificationQueueStats stats(SimTime now);

 private:
  struct Message {
    std::string message_id;
    std::string md5;
    std::string body;
    SimTime sent_at{};
    SimTime visible_at{};
    SimTime first_received_at{};
    uint32_t receive_count = 0;  // also the generation of the latest handle
  };
  struct Handle {
    uint64_t seq = 0;
    uint32_t generation = 0;
  };

  void expire(SimTime now);
  std::string make_handle(uint64_t seq, uint32_t generation) const;
  bool parse_handle(std::string_view text, Handle& out) const;

  const std::string name_;
  std::mutex mu_;
  std::condition_variable arrived_;
  std::map<uint64_t, Message> messages_;  // by sequence number: sent order
  uint64_t next_seq_ = 0;
  NotificationQueueStats stats_;
};

}  // namespace syncdrill
