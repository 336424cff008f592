#pragma once
// One client's quota: a token bucket (a rate per second with a burst) and a
// maximum of requests in flight. Refusals need no database, so a flooding
// client costs others nothing but a few atomic operations. Thread-safe.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

namespace siao::auth {

struct QuotaLimits {
  double rate = 0;        // requests per second; 0: unlimited
  double burst = 0;       // bucket size; at least 1 when rate > 0
  int max_in_flight = 0;  // 0: unlimited
};

class Quota {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Quota(QuotaLimits limits);

  // Held while a request is in flight; releases its slot when destroyed.
  class Ticket {
   public:
    Ticket() = default;
    explicit Ticket(Quota* q) : quota_(q) {}
    Ticket(Ticket&& o) noexcept : quota_(o.quota_) { o.quota_ = nullptr; }
    Ticket& operator=(Ticket&& o) noexcept;
    Ticket(const Ticket&) = delete;  // one ticket, one slot released
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket();

   private:
    Quota* quota_ = nullptr;
  };

  struct Refusal {
    enum class Reason { rate, in_flight } reason;
    std::chrono::seconds retry_after;  // at least 1 s
  };
  struct Admission {
    std::optional<Ticket> ticket;    // set when admitted
    std::optional<Refusal> refusal;  // set when refused
  };
  Admission admit(Clock::time_point now = Clock::now());

  // New limits (a contract reload); tokens and requests in flight carry over.
  void reconfigure(QuotaLimits limits);
  QuotaLimits limits() const;
  int in_flight() const;
  std::uint64_t refused_total() const;

 private:
  void release();
  mutable std::mutex mutex_;
  QuotaLimits limits_;
  double tokens_;
  Clock::time_point refilled_{};
  int in_flight_ = 0;
  std::uint64_t refused_ = 0;
};

}  // namespace siao::auth
