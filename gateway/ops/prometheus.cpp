#include "gateway/ops/prometheus.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace siao::ops {

void PromText::family(std::string_view name, std::string_view type, std::string_view help) {
  out_.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void PromText::series(std::string_view name, Labels labels) {
  out_.append(name);
  if (labels.size() == 0) return;
  out_.push_back('{');
  bool first = true;
  for (const auto& [key, value] : labels) {
    if (!first) out_.push_back(',');
    first = false;
    out_.append(key).append("=\"");
    for (char c : value) {
      if (c == '\\') out_.append("\\\\");
      else if (c == '"') out_.append("\\\"");
      else if (c == '\n') out_.append("\\n");
      else out_.push_back(c);
    }
    out_.push_back('"');
  }
  out_.push_back('}');
}

void PromText::sample(std::string_view name, Labels labels, double value) {
  series(name, labels);
  out_.push_back(' ');
  if (std::isinf(value)) {
    out_.append(value > 0 ? "+Inf" : "-Inf");
  } else {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    out_.append(buf, ec == std::errc() ? end : buf);
  }
  out_.push_back('\n');
}

void PromText::sample(std::string_view name, Labels labels, std::uint64_t value) {
  series(name, labels);
  out_.push_back(' ');
  out_.append(std::to_string(value));
  out_.push_back('\n');
}

}  // namespace siao::ops
