#include "gateway/matching/jaro_winkler.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>

namespace siao::matching {

double jaro_winkler(std::string_view a, std::string_view b) {
  constexpr std::size_t kMaxLength = 64;
  a = a.substr(0, std::min(a.size(), kMaxLength));
  b = b.substr(0, std::min(b.size(), kMaxLength));
  if (a == b) return 1.0;
  if (a.empty() || b.empty()) return 0.0;

  // Characters match when equal and no further apart than half the longer length, minus one.
  const std::size_t longest = std::max(a.size(), b.size());
  const std::size_t window = longest / 2 > 0 ? longest / 2 - 1 : 0;
  std::array<bool, kMaxLength> a_matched{};
  std::array<bool, kMaxLength> b_matched{};
  std::size_t matches = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::size_t from = i > window ? i - window : 0;
    const std::size_t to = std::min(b.size(), i + window + 1);
    for (std::size_t j = from; j < to; ++j) {
      if (!b_matched[j] && a[i] == b[j]) {
        a_matched[i] = b_matched[j] = true;
        ++matches;
        break;
      }
    }
  }
  if (matches == 0) return 0.0;

  // Matched characters met in a different order: half-transpositions.
  std::size_t out_of_order = 0;
  for (std::size_t i = 0, j = 0; i < a.size(); ++i) {
    if (!a_matched[i]) continue;
    while (!b_matched[j]) ++j;
    if (a[i] != b[j]) ++out_of_order;
    ++j;
  }
  const double m = static_cast<double>(matches);
  const double jaro = (m / static_cast<double>(a.size()) + m / static_cast<double>(b.size()) +
                       (m - static_cast<double>(out_of_order) / 2.0) / m) / 3.0;
  if (jaro <= 0.7) return jaro;

  std::size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  return jaro + static_cast<double>(prefix) * 0.1 * (1.0 - jaro);
}

bool one_typo_apart(std::string_view a, std::string_view b) {
  if (a == b) return false;
  if (a.size() < b.size()) std::swap(a, b);  // a is the longer (or equal) one
  if (a.size() - b.size() > 1) return false;
  std::size_t i = 0;
  while (i < b.size() && a[i] == b[i]) ++i;
  if (a.size() != b.size()) return a.substr(i + 1) == b.substr(i);  // one letter added or doubled
  if (a.substr(i + 1) == b.substr(i + 1)) return true;               // one letter changed
  return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&  // two neighbours swapped
         a.substr(i + 2) == b.substr(i + 2);
}

}  // namespace siao::matching
