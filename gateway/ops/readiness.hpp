#pragma once
// What /ready reports beyond the database: set by start-up work as it completes.
#include <atomic>
#include <mutex>
#include <string>

namespace siao::ops {

class Readiness {
 public:
  void set_schema(int version) {
    schema_version_.store(version);
    std::lock_guard lock(mutex_);
    schema_error_.clear();
  }
  void set_schema_error(std::string error) {
    std::lock_guard lock(mutex_);
    schema_error_ = std::move(error);
  }
  int schema_version() const { return schema_version_.load(); }  // 0: not migrated yet
  void set_contracts(int count) { contracts_.store(count); }
  int contracts() const { return contracts_.load(); }  // 0: none loaded
  std::string schema_error() const {
    std::lock_guard lock(mutex_);
    return schema_error_;
  }

 private:
  std::atomic<int> schema_version_{0};
  std::atomic<int> contracts_{0};
  mutable std::mutex mutex_;
  std::string schema_error_;
};

}  // namespace siao::ops
