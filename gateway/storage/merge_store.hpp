#pragma once
// What a merge writes or locks beyond the resources' own rows (resource_store), in the caller's transaction,
// with prepared statements only: the locks a merge takes in the writers' order (households, then persons, then
// requests), and the partner keys of the absorbed record moved to the survivor with their history.
#include <cstdint>
#include <pqxx/transaction>
#include <string_view>
#include <vector>

#include "gateway/resources/household.hpp"
#include "gateway/storage/pool.hpp"

namespace siao::storage {

// Prepared on every pooled connection, beside the other groups (app/serve.cpp).
const std::vector<PreparedStatement>& merge_statements();

// Locks the persons `a` and `b` (the same one when equal), in id order. Callers hold their households first.
void lock_persons(pqxx::transaction_base& tx, std::int64_t a, std::int64_t b);
// Locks the active members of the households `a` and `b`, all in id order. Callers hold the households first.
void lock_members(pqxx::transaction_base& tx, std::int64_t a, std::int64_t b);
// Locks every request of the households `a` and `b`, in id order. Callers hold the households (and their
// members) first.
void lock_requests(pqxx::transaction_base& tx, std::int64_t a, std::int64_t b);

// Every partner's keys naming the record `from` of `kind` ("household", "person") now name `to`, each move kept
// in partner_key_history (change "merged", at `at`, by `by`), in one statement. The keys moved, ordered by
// partner then key (byte order, as partner_keys compares them).
std::vector<resources::PartnerKey> move_partner_keys(pqxx::transaction_base& tx, std::string_view kind,
                                                     std::int64_t from, std::int64_t to, std::string_view at,
                                                     std::string_view by);

}  // namespace siao::storage
