#pragma once
// Partners' own keys for SIAO records, resolved and written in the caller's
// transaction, so that a key and the write it names commit together.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/transaction>

#include "gateway/resources/household.hpp"
#include "gateway/storage/pool.hpp"
#include "gateway/storage/resource_store.hpp"

namespace siao::storage {

const std::vector<PreparedStatement>& partner_key_statements();

// The SIAO id `key` of `partner` names for `kind` ("household", "person", "request"), if any.
std::optional<std::int64_t> resolve_partner_key(pqxx::transaction_base& tx, std::string_view partner,
                                                std::string_view kind, std::string_view key);

struct NewPartnerKey {
  std::string kind, key;
  std::int64_t siao_id;
};
// Records an exchange's new versions (may be none) and keys of `partner`, in one statement (one round trip), inside
// a batch step (see begin_step). When a key is taken, the step is rolled back to its savepoint (nothing it wrote
// stays) and the key comes back with the SIAO id it names: the caller refuses the exchange. nullopt when all
// were added. A key that a concurrent exchange holds uncommitted waits for it, then fails as a
// pqxx::unique_violation if no committed record explains it.
std::optional<std::pair<std::string, std::int64_t>> add_partner_keys(
    pqxx::transaction_base& tx, const std::vector<VersionRow>& versions, std::string_view partner,
    const std::vector<NewPartnerKey>& keys, std::string_view at, std::string_view by);

// Every key of every partner naming the record, ordered by partner then key.
std::vector<resources::PartnerKey> partner_keys_of(pqxx::transaction_base& tx, std::string_view kind,
                                                   std::int64_t siao_id);

}  // namespace siao::storage
