// NotificationQueue: SQS standard-queue semantics in simulated time.
#include "mocks/http/notification_queue.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/engine/check.hpp"
#include "core/engine/fnv1a.hpp"

namespace syncdrill {

namespace {

std::string md5_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const bool ok = EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr) == 1;
  SD_CHECK(ok && len == 16, "MD5 failed inside OpenSSL");
  std::string out;
  out.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i)
    out += fmt::format("{:02x}", digest[i]);
  return out;
}

uint64_t handle_check(std::string_view name, uint64_t seq, uint32_t generation) {
  return fnv1a64(fmt::format("{}/{}/{}", name, seq, generation));
}

template <typename T>
bool parse_decimal(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

NotificationQueue::NotificationQueue(std::string name) : name_(std::move(name)) {}

bool NotificationQueue::enqueue(std::string body, SimTime now, Duration delay) {
  {
    std::lock_guard lock(mu_);
    expire(now);
    if (messages_.size() >= kMessagesMax) {
      ++stats_.refused_full;
      return false;
    }
    const uint64_t seq = next_seq_++;
    const uint64_t h = fnv1a64(name_);
    // A UUID-shaped id (version 4 layout), unique per queue and sequence number.
    Message m;
    m.message_id = fmt::format("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", h >> 32, (h >> 16) & 0xffff,
                               (seq >> 48) & 0xfff, (seq >> 36) & 0xfff, seq & 0xffffffffffff);
    m.md5 = md5_hex(body);
    m.body = std::move(body);
    m.sent_at = now;
    m.visible_at = now + std::max(delay, Duration{});
    messages_.emplace(seq, std::move(m));
    ++stats_.enqueued;
  }
  arrived_.notify_all();
  return true;
}

void NotificationQueue::expire(SimTime now) {
  // Sequence order is sent order, so the expired messages are the first ones.
  while (!messages_.empty() && now - messages_.begin()->second.sent_at >= kRetention) {
    messages_.erase(messages_.begin());
    ++stats_.expired;
  }
}

std::vector<ReceivedMessage> NotificationQueue::receive(uint32_t max, Duration visibility,
                                                        SimTime now) {
  SD_CHECK(max >= 1 && max <= kReceiveMax, "receive: 1..10 messages");
  SD_CHECK(visibility.us >= 0 && visibility.us <= kVisibilityTimeoutMax.us,
           "receive: visibility timeout out of range");
  std::lock_guard lock(mu_);
  expire(now);
  std::vector<ReceivedMessage> out;
  for (auto& [seq, m] : messages_) {
    if (out.size() == max) break;
    if (m.visible_at > now) continue;
    if (m.receive_count == 0) {
      m.first_received_at = now;
    } else {
      ++stats_.redelivered;
    }
    ++m.receive_count;
    m.visible_at = now + visibility;
    ++stats_.received;
    out.push_back(ReceivedMessage{m.message_id, make_handle(seq, m.receive_count), m.md5, m.body,
                                  m.sent_at, m.first_received_at, m.receive_count});
  }
  return out;
}

std::string NotificationQueue::make_handle(uint64_t seq, uint32_t generation) const {
  return fmt::format("{}.{}.{:016x}", seq, generation, handle_check(name_, seq, generation));
}

bool NotificationQueue::parse_handle(std::string_view text, Handle& out) const {
  const size_t a = text.find('.');
  const size_t b = a == std::string_view::npos ? a : text.find('.', a + 1);
  if (b == std::string_view::npos) return false;
  uint64_t check = 0;
  const std::string_view check_text = text.substr(b + 1);
  const auto [end, ec] =
      std::from_chars(check_text.data(), check_text.data() + check_text.size(), check, 16);
  if (ec != std::errc() || end != check_text.data() + check_text.size() ||
      check_text.size() != 16) {
    return false;
  }
  if (!parse_decimal(text.substr(0, a), out.seq) ||
      !parse_decimal(text.substr(a + 1, b - a - 1), out.generation)) {
    return false;
  }
  return out.generation >= 1 && check == handle_check(name_, out.seq, out.generation) &&
         out.seq < next_seq_;
}

NotificationQueue::HandleResult NotificationQueue::remove(std::string_view receipt_handle,
                                                          SimTime now) {
  std::lock_guard lock(mu_);
  Handle h;
  if (!parse_handle(receipt_handle, h)) return HandleResult::invalid;
  expire(now);
  const auto it = messages_.find(h.seq);
  if (it == messages_.end()) return HandleResult::ok;  // already deleted or expired
  if (h.generation != it->second.receive_count) return HandleResult::stale;
  messages_.erase(it);
  ++stats_.deleted;
  return HandleResult::ok;
}

NotificationQueue::HandleResult NotificationQueue::change_visibility(
    std::string_view receipt_handle, Duration visibility, SimTime now) {
  SD_CHECK(visibility.us >= 0 && visibility.us <= kVisibilityTimeoutMax.us,
           "change_visibility: visibility timeout out of range");
  std::lock_guard lock(mu_);
  Handle h;
  if (!parse_handle(receipt_handle, h)) return HandleResult::invalid;
  expire(now);
  const auto it = messages_.find(h.seq);
  if (it == messages_.end() || it->second.visible_at <= now) return HandleResult::not_in_flight;
  if (h.generation != it->second.receive_count) return HandleResult::stale;
  it->second.visible_at = now + visibility;
  return HandleResult::ok;
}

void NotificationQueue::wait_for_message(std::chrono::nanoseconds wall) {
  std::unique_lock lock(mu_);
  arrived_.wait_for(lock, wall);
}

NotificationQueueStats NotificationQueue::stats(SimTime now) {
  std::lock_guard lock(mu_);
  expire(now);
  NotificationQueueStats out = stats_;
  out.held = messages_.size();
  out.in_flight = static_cast<uint64_t>(
      std::count_if(messages_.begin(), messages_.end(), [&](const auto& entry) {
        return entry.second.receive_count > 0 && entry.second.visible_at > now;
      }));
  return out;
}

}  // namespace syncdrill
