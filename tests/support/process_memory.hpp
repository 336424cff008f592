#pragma once
// What another process holds, read from /proc (Linux): its resident memory and its open descriptors, for the
// fault tests that check a gateway under hostile load stays bounded. Header-only.
#include <sys/types.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>

namespace siao::test {

// The process's resident set (VmRSS) in KiB; 0 when it cannot be read (the process is gone).
inline long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));  // "VmRSS:   123456 kB"
  return 0;
}

// The process's open file descriptors (sockets included); 0 when they cannot be listed.
inline long open_fds(pid_t pid) {
  std::error_code ec;
  long n = 0;
  for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end; !ec && it != end;
       it.increment(ec))
    ++n;
  return n;
}

// For a child built with AddressSanitizer (the test build): freed memory waits in a quarantine (256 MiB by
// default) that counts in the RSS, so a small one lets the RSS show what the process really holds. Appended to
// the ASAN_OPTIONS the child would inherit; a build without the sanitizer ignores it.
inline void with_small_asan_quarantine(std::map<std::string, std::string>& env, int mib = 16) {
  const char* inherited = std::getenv("ASAN_OPTIONS");
  std::string options = inherited ? inherited : "";
  env["ASAN_OPTIONS"] = options + (options.empty() ? "" : ":") + "quarantine_size_mb=" + std::to_string(mib);
}

// Samples a process's RSS on a thread of its own until destroyed; keeps the peak.
class RssSampler {
 public:
  explicit RssSampler(pid_t pid, std::chrono::milliseconds every = std::chrono::milliseconds(100))
      : pid_(pid), thread_([this, every] {
          while (!stop_) {
            peak_ = std::max(peak_.load(), rss_kib(pid_));
            std::this_thread::sleep_for(every);
          }
        }) {}
  ~RssSampler() {
    stop_ = true;
    thread_.join();
  }
  RssSampler(const RssSampler&) = delete;
  RssSampler& operator=(const RssSampler&) = delete;

  long peak_kib() const { return std::max(peak_.load(), rss_kib(pid_)); }

 private:
  pid_t pid_;
  std::atomic<bool> stop_{false};
  std::atomic<long> peak_{0};
  std::thread thread_;
};

}  // namespace siao::test
