// Simulated time: an integer count of microseconds.
//
// SimTime is an instant since the start of a run; Duration is a span between instants. Both are
// plain int64_t wrappers so arithmetic is exact and runs replay bit for bit on any machine.
// 2^63 microseconds is about 292,000 years, far beyond any scenario limit.
#pragma once

#include <compare>
#include <cstdint>

namespace syncdrill {

struct Duration {
  int64_t us = 0;

  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration o) const { return {us + o.us}; }
  constexpr Duration operator-(Duration o) const { return {us - o.us}; }
  constexpr Duration operator*(int64_t k) const { return {us * k}; }
  constexpr Duration operator/(int64_t k) const { return {us / k}; }
  constexpr Duration& operator+=(Duration o) {
    us += o.us;
    return *this;
  }
  constexpr double seconds() const { return static_cast<double>(us) / 1e6; }
  constexpr double milliseconds() const { return static_cast<double>(us) / 1e3; }
};

constexpr Duration microseconds(int64_t n) {
  return {n};
}
constexpr Duration milliseconds(int64_t n) {
  return {n * 1000};
}
constexpr Duration seconds(int64_t n) {
  return {n * 1000 * 1000};
}
constexpr Duration minutes(int64_t n) {
  return seconds(n * 60);
}
constexpr Duration hours(int64_t n) {
  return minutes(n * 60);
}
constexpr Duration days(int64_t n) {
  return hours(n * 24);
}

struct SimTime {
  int64_t us = 0;

  constexpr auto operator<=>(const SimTime&) const = default;
  constexpr SimTime operator+(Duration d) const { return {us + d.us}; }
  constexpr SimTime operator-(Duration d) const { return {us - d.us}; }
  constexpr Duration operator-(SimTime o) const { return {us - o.us}; }
  constexpr SimTime& operator+=(Duration d) {
    us += d.us;
    return *this;
  }
  constexpr double seconds() const { return static_cast<double>(us) / 1e6; }
};

}  // namespace syncdrill
