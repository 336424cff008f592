#include "gateway/matching/particles.hpp"

#include <algorithm>
#include <array>

namespace siao::matching {
namespace {

// Sorted, for binary search.
constexpr std::array<std::string_view, 31> kParticles = {
    "al",  "ben", "bin", "d",   "da",    "das", "de",  "degli", "dei", "del", "della",
    "den", "der", "des", "di",  "do",    "dos", "du",  "el",    "ibn", "l",   "la",
    "las", "le",  "les", "lo",  "o",     "ten", "ter", "van",   "von",
};

}  // namespace

bool is_particle(std::string_view token) {
  return std::binary_search(kParticles.begin(), kParticles.end(), token);
}

void drop_particles(std::vector<std::string>& tokens) {
  if (std::all_of(tokens.begin(), tokens.end(), [](const std::string& t) { return is_particle(t); })) return;
  std::erase_if(tokens, [](const std::string& t) { return is_particle(t); });
}

}  // namespace siao::matching
