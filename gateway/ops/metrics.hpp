#pragma once
// The gateway's own counters; other parts (the database pool...) add theirs as collectors.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/ops/prometheus.hpp"

namespace siao::ops {

// Fixed latency buckets, in seconds.
inline constexpr std::array<double, 14> kLatencyBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                        0.1,    0.25,  0.5,    1,     2.5,   5,     10};

class Histogram {
 public:
  void observe(double seconds);
  void render(PromText& out, std::string_view name, std::string_view label_key, std::string_view label) const;

 private:
  std::array<std::atomic<std::uint64_t>, kLatencyBuckets.size()> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micros_{0};
};

class Metrics {
 public:
  // Routes are registered while the gateway is assembled, before it serves.
  void register_route(std::string_view pattern);
  void request_finished(std::string_view route, int status, double seconds);

  std::atomic<std::int64_t> open_connections{0};
  std::atomic<std::int64_t> in_flight{0};
  std::atomic<std::uint64_t> refused_connections{0};

  void add_collector(std::function<void(PromText&)> collector);
  std::string render() const;

 private:
  struct RouteStats {
    std::string pattern;
    mutable std::mutex mutex;
    std::map<int, std::uint64_t> by_status;
    Histogram latency;
  };
  RouteStats& stats_for(std::string_view route);

  std::vector<std::unique_ptr<RouteStats>> routes_;
  std::unordered_map<std::string_view, RouteStats*> index_;
  RouteStats unmatched_{"(unmatched)", {}, {}, {}};
  std::vector<std::function<void(PromText&)>> collectors_;
};

}  // namespace siao::ops
