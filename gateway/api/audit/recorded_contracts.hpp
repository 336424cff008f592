#pragma once
// The field rules of a contract as it was when an exchange ran: read from the
// version the record pins (contract_versions.source) and parsed by the contract
// loader, so that the disclosure ledger judges each exchange by the rules then in
// force, not today's.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <pqxx/transaction_base>

#include "gateway/auth/field_policy.hpp"

namespace siao::json {
class SchemaSet;
}

namespace siao::api::audit_routes {

class RecordedContracts {
 public:
  explicit RecordedContracts(const json::SchemaSet& schemas) : schemas_(schemas) {}

  // The field policy of the contract version whose file hashed to `sha256`. A version the database lacks,
  // or that today's loader refuses, reads as every field: a ledger may over-state a disclosure, never hide one.
  std::shared_ptr<const auth::FieldPolicy> fields(pqxx::transaction_base& tx, const std::string& sha256) const;

 private:
  std::shared_ptr<const auth::FieldPolicy> parse(const std::string& client_id, const std::string& source) const;

  const json::SchemaSet& schemas_;
  mutable std::mutex mutex_;
  // A version's bytes never change under its hash: parsed once, kept for the process's life.
  mutable std::map<std::string, std::shared_ptr<const auth::FieldPolicy>, std::less<>> parsed_;
};

}  // namespace siao::api::audit_routes
