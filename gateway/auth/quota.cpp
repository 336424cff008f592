#include "gateway/auth/quota.hpp"

#include <algorithm>
#include <cmath>

namespace siao::auth {

namespace {

bool rate_limited(const QuotaLimits& l) { return l.rate > 0; }

// A bucket smaller than one token could never admit anything.
double capacity(const QuotaLimits& l) { return std::max(l.burst, 1.0); }

}  // namespace

Quota::Quota(QuotaLimits limits) : limits_(limits), tokens_(capacity(limits)) {}

Quota::Ticket& Quota::Ticket::operator=(Ticket&& o) noexcept {
  if (this != &o) {
    if (quota_) quota_->release();
    quota_ = o.quota_;
    o.quota_ = nullptr;
  }
  return *this;
}

Quota::Ticket::~Ticket() {
  if (quota_) quota_->release();
}

Quota::Admission Quota::admit(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  // A clock read before another thread's later one may arrive second: never refill backwards.
  if (now > refilled_) {
    if (rate_limited(limits_)) {
      double elapsed = std::chrono::duration<double>(now - refilled_).count();
      tokens_ = std::min(capacity(limits_), tokens_ + elapsed * limits_.rate);
    }
    refilled_ = now;
  }

  if (limits_.max_in_flight > 0 && in_flight_ >= limits_.max_in_flight) {
    ++refused_;
    return {std::nullopt, Refusal{Refusal::Reason::in_flight, std::chrono::seconds{1}}};
  }
  if (rate_limited(limits_)) {
    if (tokens_ < 1) {
      ++refused_;
      // Capped at a day so that an absurdly small rate cannot overflow the conversion.
      double wait = std::min((1 - tokens_) / limits_.rate, 86400.0);
      auto retry = std::max<long long>(1, static_cast<long long>(std::ceil(wait)));
      return {std::nullopt, Refusal{Refusal::Reason::rate, std::chrono::seconds{retry}}};
    }
    tokens_ -= 1;
  }
  ++in_flight_;
  return {Ticket(this), std::nullopt};
}

void Quota::reconfigure(QuotaLimits limits) {
  std::lock_guard lock(mutex_);
  // Tokens are not tracked while the rate is unlimited: a newly limited client starts with a full bucket.
  if (!rate_limited(limits_)) tokens_ = capacity(limits);
  tokens_ = std::min(tokens_, capacity(limits));
  limits_ = limits;
}

QuotaLimits Quota::limits() const {
  std::lock_guard lock(mutex_);
  return limits_;
}

int Quota::in_flight() const {
  std::lock_guard lock(mutex_);
  return in_flight_;
}

std::uint64_t Quota::refused_total() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

void Quota::release() {
  std::lock_guard lock(mutex_);
  --in_flight_;
}

}  // namespace siao::auth
