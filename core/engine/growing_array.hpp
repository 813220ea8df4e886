// GrowingArray<T>: a vector of trivially copyable records for stores that only grow, such as a
// mock's per-order tables (millions of entries in a 24-hour campaign).
//
// Why not std::vector: growing a vector allocates a new buffer and copies into it, so for a
// moment the old and the new buffer are both resident (the peak of a run is often one of those
// moments), and the freed buffers of a dozen vectors growing side by side fragment the heap:
// in the Black Friday campaign that cost about 60 MB of resident memory that held nothing.
// Here a large array (kMapBytes and up) is its own memory mapping on Linux, and growing it remaps
// the pages (mremap) instead of copying them: no copy, no moment with two buffers, nothing left
// behind in the heap, and the doubled capacity is address space, not resident memory, until it
// is written. Small arrays, and every array elsewhere, use malloc and realloc.
//
// Invariants: size() <= capacity(); data() is null only while capacity() is 0. Like std::vector,
// pointers, references and spans into the array are invalidated by any call that grows it.
// Allocation failure throws std::bad_alloc. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstring>
#include <span>
#include <type_traits>
#include <utility>

#include "core/engine/check.hpp"

namespace syncdrill {

namespace growing_array_detail {
// Storage of `new_bytes` holding the first `used_bytes` of `old` (of `old_bytes`, freed).
// `old` may be null (old_bytes 0). Throws std::bad_alloc.
void* regrow(void* old, size_t old_bytes, size_t used_bytes, size_t new_bytes);
void release(void* p, size_t bytes);
}  // namespace growing_array_detail

template <typename T>
class GrowingArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "a GrowingArray holds plain records");
  static_assert(alignof(T) <= alignof(std::max_align_t), "malloc's alignment must do for T");

 public:
  GrowingArray() = default;
  ~GrowingArray() { growing_array_detail::release(data_, capacity_ * sizeof(T)); }
  GrowingArray(const GrowingArray& other) { append(std::span<const T>(other.data_, other.size_)); }
  GrowingArray& operator=(const GrowingArray& other) {
    if (this != &other) {
      size_ = 0;
      append(std::span<const T>(other.data_, other.size_));
    }
    return *this;
  }
  GrowingArray(GrowingArray&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {}
  GrowingArray& operator=(GrowingArray&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return capacity_; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T& back() {
    SD_CHECK(size_ > 0, "back() of an empty array");
    return data_[size_ - 1];
  }
  const T& back() const {
    SD_CHECK(size_ > 0, "back() of an empty array");
    return data_[size_ - 1];
  }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }

  void push_back(const T& value) {
    if (size_ == capacity_) grow(size_ + 1);
    data_[size_++] = value;
  }
  // Appends an entry holding whatever the memory held, for the caller to fill in place (a
  // record built on the stack and then copied is read back in wider loads than it was written
  // with, which stalls store forwarding on a hot path).
  T& push_back_unset() {
    if (size_ == capacity_) grow(size_ + 1);
    return data_[size_++];
  }
  // Appends `values`, which must not point into this array.
  void append(std::span<const T> values) {
    if (values.empty()) return;
    if (size_ + values.size() > capacity_) grow(size_ + values.size());
    std::memcpy(static_cast<void*>(data_ + size_), values.data(), values.size() * sizeof(T));
    size_ += values.size();
  }
  // Grows to n entries filled with `value`, or drops the entries from n on.
  void resize(size_t n, const T& value) {
    if (n > capacity_) grow(n);
    for (size_t i = size_; i < n; ++i)
      data_[i] = value;
    size_ = n;
  }
  void reserve(size_t n) {
    if (n > capacity_) grow_exact(n);
  }

 private:
  // Doubling, so appends cost amortized O(1).
  void grow(size_t at_least) {
    size_t n = capacity_ < 16 ? 16 : capacity_ * 2;
    if (n < at_least) n = at_least;
    grow_exact(n);
  }
  void grow_exact(size_t n) {
    SD_CHECK(n <= static_cast<size_t>(-1) / sizeof(T), "array size overflows");
    data_ = static_cast<T*>(growing_array_detail::regrow(data_, capacity_ * sizeof(T),
                                                         size_ * sizeof(T), n * sizeof(T)));
    capacity_ = n;
  }

  T* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace syncdrill
