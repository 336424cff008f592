#pragma once
// A well-behaved client beside a hostile load: it sends one request every `every` on a thread of its own, and
// keeps how long each took (a failed one: the time until it failed, up to the client's timeout) and how many
// failed. The fault tests use it to show that other clients are served promptly meanwhile. Header-only.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/figures.hpp"
#include "tests/support/http_client.hpp"

namespace siao::test {

struct ProbeTarget {
  int port = 0;
  std::string path = "/health";
  std::map<std::string, std::string> headers;
  int expected_status = 200;
  std::chrono::milliseconds every{100};
  std::chrono::milliseconds timeout{10000};
  // Every `fresh_every`-th probe opens a new connection (the accept path too); the others reuse one.
  int fresh_every = 5;
};

class LatencyProbe {
 public:
  explicit LatencyProbe(ProbeTarget target) : target_(std::move(target)), thread_([this] { run(); }) {}
  ~LatencyProbe() { stop(); }
  LatencyProbe(const LatencyProbe&) = delete;
  LatencyProbe& operator=(const LatencyProbe&) = delete;

  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  long probes() const {
    std::lock_guard lock(mutex_);
    return static_cast<long>(ms_.size());
  }
  long failures() const {
    std::lock_guard lock(mutex_);
    return failures_;
  }
  double worst_ms() const { return percentile_ms(1); }
  double percentile_ms(double p) const {
    std::vector<double> v;
    {
      std::lock_guard lock(mutex_);
      v = ms_;
    }
    return nearest_rank(std::move(v), p);
  }
  std::string summary() const {
    return std::to_string(probes()) + " probes of " + target_.path + ": median " + std::to_string(percentile_ms(0.5)) +
           " ms - p99 " + std::to_string(percentile_ms(0.99)) + " ms - worst " + std::to_string(worst_ms()) + " ms - " +
           std::to_string(failures()) + " failed";
  }

 private:
  void run() {
    using Clock = std::chrono::steady_clock;
    std::unique_ptr<HttpClient> client;
    for (long n = 0; !stop_; ++n) {
      const auto start = Clock::now();
      bool ok = false;
      try {
        if (!client || n % target_.fresh_every == 0)
          client = std::make_unique<HttpClient>(target_.port, target_.timeout);
        auto r = client->get(target_.path, target_.headers);
        ok = r.status == target_.expected_status;
        if (!r.keep_alive) client.reset();
      } catch (const std::exception&) {
        client.reset();
      }
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      {
        std::lock_guard lock(mutex_);
        ms_.push_back(ms);
        if (!ok) ++failures_;
      }
      std::this_thread::sleep_until(start + target_.every);
    }
  }

  ProbeTarget target_;
  mutable std::mutex mutex_;
  std::vector<double> ms_;
  long failures_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace siao::test
