#pragma once
// The contracts in force. A reload builds a whole new set and swaps it in at
// once: requests in flight finish under the set they started with, and a
// reload that fails leaves the current set untouched.
#include <filesystem>
#include <memory>
#include <mutex>

#include "gateway/auth/authenticator.hpp"
#include "gateway/contracts/contract_loader.hpp"
#include "gateway/contracts/contract_set.hpp"

namespace siao::contracts {

class Registry final : public auth::Authenticator {
 public:
  Registry(std::filesystem::path dir, std::shared_ptr<const json::SchemaSet> schemas, LoadOptions options);

  // Loads every contract of the directory and installs them. Throws ContractError (the current set stays).
  std::shared_ptr<const ContractSet> reload();
  std::shared_ptr<const ContractSet> current() const;  // null before the first successful load

  // Bearer key, else TLS client certificate.
  auth::Caller authenticate(const http::Request& req) const override;

 private:
  std::filesystem::path dir_;
  std::shared_ptr<const json::SchemaSet> schemas_;
  LoadOptions options_;
  std::mutex reload_mutex_;  // one reload at a time
  mutable std::mutex current_mutex_;
  std::shared_ptr<const ContractSet> current_;
};

}  // namespace siao::contracts
