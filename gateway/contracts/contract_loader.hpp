#pragma once
// Reading contract files: each validated against schemas/contract.schema.json,
// its keys read from the environment or the secrets directory and hashed at once.
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "gateway/contracts/contract.hpp"

namespace siao::json {
class SchemaSet;
}

namespace siao::contracts {

// Every problem found, each "FILE: /pointer: message"; nothing is loaded when there is one.
class ContractError : public std::runtime_error {
 public:
  explicit ContractError(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const noexcept { return problems_; }

 private:
  std::vector<std::string> problems_;
};

struct LoadOptions {
  std::filesystem::path secrets_dir;  // where `apiKeyFrom.file` names are looked up
  std::function<const char*(const char*)> getenv = [](const char* n) { return std::getenv(n); };
  std::vector<std::string> adapters;  // the adapters a contract may name; empty: not checked
  // The named adapter's own problems with a contract (its mapping's routes...), each "/pointer: message" into
  // the contract's mapping file, or into the contract when it names none.
  std::function<std::vector<std::string>(const auth::Client&)> check_adapter;
};

// One file. Throws ContractError.
Contract load_contract(const std::filesystem::path& file, const json::SchemaSet& schemas, const LoadOptions& options);

// Every `*.json` of `dir`, sorted by name. Throws ContractError with the problems of every file, and
// for two contracts sharing an id, a key or a certificate.
std::vector<Contract> load_contract_dir(const std::filesystem::path& dir, const json::SchemaSet& schemas,
                                        const LoadOptions& options);

}  // namespace siao::contracts
