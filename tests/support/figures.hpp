#pragma once
// Small readings of answers the load tools share: a latency percentile, a problem's slug. Header-only.
#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

namespace siao::test {

// The p-th (0..1) value of `v`, nearest rank; 0 when there is none.
inline double nearest_rank(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(std::llround(p * static_cast<double>(v.size() - 1)));
  return v[std::min(rank, v.size() - 1)];
}

// The <slug> of "type":"/problems/<slug>" in a problem body, without parsing the JSON (cheap enough for
// thousands a second); empty when there is none.
inline std::string problem_slug(std::string_view body) {
  constexpr std::string_view kType = "\"type\":\"/problems/";
  auto at = body.find(kType);
  if (at == std::string_view::npos) return {};
  at += kType.size();
  return std::string(body.substr(at, body.find('"', at) - at));
}

}  // namespace siao::test
