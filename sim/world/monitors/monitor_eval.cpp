#include "sim/world/monitors/monitor_eval.hpp"

#include <algorithm>

#include "core/engine/check.hpp"

namespace syncdrill {

MonitorEvaluator::MonitorEvaluator(const MonitorSpec& spec, Duration eval_interval)
    : kind_(spec.kind),
      signal_(spec.signal),
      above_(spec.above),
      below_(spec.below),
      hold_(spec.hold),
      objective_(spec.objective),
      burn_rate_(spec.burn_rate),
      interval_(eval_interval) {
  SD_CHECK(eval_interval.us > 0, "a monitor needs a positive evaluation interval");
  SD_CHECK(spec.hold.us >= 0, "a monitor's `for` is not negative");
  switch (kind_) {
    case MonitorKind::threshold:
    case MonitorKind::absence:
      main_.ticks = window_ticks(spec.window);
      break;
    case MonitorKind::burn_rate:
      SD_CHECK(objective_ > 0 && objective_ < 1, "a burn-rate objective lies in (0, 1)");
      main_.ticks = window_ticks(spec.long_window);
      short_.ticks = window_ticks(spec.short_window);
      break;
    case MonitorKind::reconciliation:
      break;  // keeps the latest run's count; no window
  }
  ring_.resize(static_cast<size_t>(std::max(main_.ticks, short_.ticks)));
}

int64_t MonitorEvaluator::window_ticks(Duration w) const {
  SD_CHECK(w.us >= 0, "a monitor window is not negative");
  // ceil(w / I) without overflow, then into [1, kMaxWindowTicks].
  const int64_t n = w.us / interval_.us + (w.us % interval_.us != 0 ? 1 : 0);
  return std::clamp<int64_t>(n, 1, kMaxWindowTicks);
}

int64_t MonitorEvaluator::present(const Window& w) const {
  return std::min(seen_, w.ticks);
}

void MonitorEvaluator::push(const SignalTick& t) {
  const auto cap = static_cast<int64_t>(ring_.size());
  for (Window* w : {&main_, &short_}) {
    if (seen_ >= w->ticks) {  // the oldest tick leaves this window (read before it is overwritten)
      const SignalTick& old = ring_[static_cast<size_t>((seen_ - w->ticks) % cap)];
      w->good -= old.good;
      w->bad -= old.bad;
      w->events -= old.events;
      w->gauge_sum -= old.gauge;
    }
  }
  ring_[static_cast<size_t>(seen_ % cap)] = t;
  ++seen_;
  for (Window* w : {&main_, &short_}) {
    w->good += t.good;
    w->bad += t.bad;
    w->events += t.events;
    w->gauge_sum += t.gauge;
    if (seen_ % w->ticks == 0) {  // once per window length: drop accumulated rounding error
      w->gauge_sum = 0;
      for (int64_t k = seen_ - present(*w); k < seen_; ++k)
        w->gauge_sum += ring_[static_cast<size_t>(k % cap)].gauge;
    }
  }
}

double MonitorEvaluator::error_ratio(const Window& w) const {
  const uint64_t total = w.good + w.bad;
  return total == 0 ? 0.0 : static_cast<double>(w.bad) / static_cast<double>(total);
}

double MonitorEvaluator::threshold_value(const Window& w) const {
  switch (signal_) {
    case Signal::error_rate:
      return error_ratio(w);
    case Signal::throughput:
    case Signal::webhook_rate: {
      const Duration span = interval_ * present(w);
      return static_cast<double>(w.events) / span.seconds();
    }
    default:
      return w.gauge_sum / static_cast<double>(present(w));
  }
}

bool MonitorEvaluator::held(SimTime now, bool condition) {
  if (!condition) {
    pending_since_.reset();
    return false;
  }
  if (!pending_since_) pending_since_ = now;
  return now - *pending_since_ >= hold_;
}

bool MonitorEvaluator::tick(SimTime now, const SignalTick& t) {
  if (last_) {
    SD_CHECK(now == *last_ + interval_, "monitors are evaluated once per evaluation interval");
  } else {
    SD_CHECK(now.us >= interval_.us, "the first evaluation covers a whole interval");
  }
  last_ = now;
  push(t);

  bool fire = false;
  switch (kind_) {
    case MonitorKind::threshold: {
      value_ = threshold_value(main_);
      const bool condition = (above_ && value_ > *above_) || (below_ && value_ < *below_);
      fire = held(now, condition);
      break;
    }
    case MonitorKind::burn_rate: {
      const double budget = 1.0 - objective_;
      const double burn_long = error_ratio(main_) / budget;
      const double burn_short = error_ratio(short_) / budget;
      value_ = burn_long;
      fire = burn_long >= burn_rate_ && burn_short >= burn_rate_;
      break;
    }
    case MonitorKind::absence:
      value_ = static_cast<double>(main_.events);
      fire = seen_ >= main_.ticks && main_.events == 0;
      break;
    case MonitorKind::reconciliation:
      if (t.events > 0) reconciled_ = t.gauge;
      value_ = reconciled_;
      fire = held(now, value_ > above_.value_or(0.0));
      break;
  }

  if (fire && !firing_) {
    firings_.push_back(Firing{now, std::nullopt, value_});
  } else if (!fire && firing_) {
    firings_.back().end = now;
  }
  firing_ = fire;
  return fire;
}

}  // namespace syncdrill
