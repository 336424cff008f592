#include "gateway/ops/metrics.hpp"

namespace siao::ops {

void Histogram::observe(double seconds) {
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i)
    if (seconds <= kLatencyBuckets[i]) {
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void Histogram::render(PromText& out, std::string_view name, std::string_view label_key,
                       std::string_view label) const {
  std::string bucket = std::string(name) + "_bucket";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    auto le = std::to_string(kLatencyBuckets[i]);
    le.erase(le.find_last_not_of('0') + 1);
    if (le.back() == '.') le.pop_back();
    if (label_key.empty()) out.sample(bucket, {{"le", le}}, cumulative);
    else out.sample(bucket, {{label_key, label}, {"le", le}}, cumulative);
  }
  auto count = count_.load(std::memory_order_relaxed);
  auto sum = static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6;
  if (label_key.empty()) {
    out.sample(bucket, {{"le", "+Inf"}}, count);
    out.sample(std::string(name) + "_sum", {}, sum);
    out.sample(std::string(name) + "_count", {}, count);
  } else {
    out.sample(bucket, {{label_key, label}, {"le", "+Inf"}}, count);
    out.sample(std::string(name) + "_sum", {{label_key, label}}, sum);
    out.sample(std::string(name) + "_count", {{label_key, label}}, count);
  }
}

void Metrics::register_route(std::string_view pattern) {
  if (index_.contains(pattern)) return;
  auto stats = std::make_unique<RouteStats>();
  stats->pattern = std::string(pattern);
  index_.emplace(stats->pattern, stats.get());
  routes_.push_back(std::move(stats));
}

Metrics::RouteStats& Metrics::stats_for(std::string_view route) {
  auto it = index_.find(route);
  return it == index_.end() ? unmatched_ : *it->second;
}

void Metrics::request_finished(std::string_view route, int status, double seconds) {
  auto& s = stats_for(route);
  {
    std::lock_guard lock(s.mutex);
    ++s.by_status[status];
  }
  s.latency.observe(seconds);
}

void Metrics::add_collector(std::function<void(PromText&)> collector) { collectors_.push_back(std::move(collector)); }

std::string Metrics::render() const {
  PromText out;
  std::vector<const RouteStats*> all;
  for (const auto& r : routes_) all.push_back(r.get());
  all.push_back(&unmatched_);

  out.family("siao_http_requests_total", "counter", "Requests answered, by route pattern and status.");
  for (const auto* r : all) {
    std::lock_guard lock(r->mutex);
    for (const auto& [status, n] : r->by_status)
      out.sample("siao_http_requests_total", {{"route", r->pattern}, {"status", std::to_string(status)}}, n);
  }
  out.family("siao_http_request_duration_seconds", "histogram", "Time from request read to response written.");
  for (const auto* r : all) r->latency.render(out, "siao_http_request_duration_seconds", "route", r->pattern);

  out.family("siao_http_requests_in_flight", "gauge", "Requests being handled.");
  out.sample("siao_http_requests_in_flight", {}, static_cast<double>(in_flight.load()));
  out.family("siao_http_open_connections", "gauge", "Open client connections.");
  out.sample("siao_http_open_connections", {}, static_cast<double>(open_connections.load()));
  out.family("siao_http_refused_connections_total", "counter", "Connections refused over the connection limit.");
  out.sample("siao_http_refused_connections_total", {}, refused_connections.load());
  for (const auto& c : collectors_) c(out);
  return out.take();
}

}  // namespace siao::ops
