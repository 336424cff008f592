#pragma once
// Prometheus text exposition format 0.0.4: the few calls the gateway needs.
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace siao::ops {

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

class PromText {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, Labels labels, double value);
  void sample(std::string_view name, Labels labels, std::uint64_t value);
  std::string take() { return std::move(out_); }

 private:
  void series(std::string_view name, Labels labels);
  std::string out_;
};

}  // namespace siao::ops
