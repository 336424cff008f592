#pragma once
// Waiting for a condition another process brings about. Header-only.
#include <chrono>
#include <thread>

namespace siao::test {

// True once `ok()` is, polling every 50 ms, within `within`.
template <class F>
bool eventually(F&& ok, std::chrono::milliseconds within = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  for (;;) {
    if (ok()) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace siao::test
