#pragma once
// The environment knobs of the fault tests: the quick run in scripts/test uses the defaults, the long runs
// (tests/fault/run-long.sh, tests/fault/README.md) set them.
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>

namespace siao::test::fault {

// A whole number from 1 to `max` in the variable `name`, else `fallback` when it is unset or empty.
inline int knob(const char* name, int fallback, int max = 100000) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  std::string s(v);
  if (s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos || std::stoi(s) < 1 || std::stoi(s) > max)
    throw std::invalid_argument(std::string(name) + " must be a whole number from 1 to " + std::to_string(max));
  return std::stoi(s);
}

// SIAO_FAULT_SEED replays a run's random choices (which call, when to kill); a fresh seed otherwise.
inline unsigned seed() {
  return static_cast<unsigned>(knob("SIAO_FAULT_SEED", static_cast<int>(std::random_device{}() % 1000000000u) + 1,
                                    1000000000));
}

}  // namespace siao::test::fault
