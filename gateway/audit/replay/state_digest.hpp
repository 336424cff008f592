#pragma once
// A digest of every resource the gateway keeps, computed the same way on the
// live database and on a rebuilt one, so that two states can be proved equal
// (or the resources that differ named) without comparing them row by row.
#include <string>
#include <utility>
#include <vector>

#include <pqxx/transaction_base>

namespace siao::audit::replay {

// One resource and the SHA-256 (hex) of everything kept of it: its row, every version in its history, and for
// a partner key, its row and its changes of target. Keys: "household:ID", "person:ID", "request:ID",
// "partner_key:PARTNER/KIND/KEY", "reservation:PARTNER/ID_RESERVATION".
struct ResourceDigest {
  std::string key, sha256;
};

// Every resource's digest, in key order (byte order). Read in `tx`'s snapshot; sets the time zone to UTC for
// the transaction, so that timestamps read the same whatever the session's.
std::vector<ResourceDigest> resource_digests(pqxx::transaction_base& tx);

// The SHA-256 (hex) of the whole state: of every "key sha256\n" line, in key order.
std::string combine(const std::vector<ResourceDigest>& digests);

// combine(resource_digests(tx)).
std::string state_digest(pqxx::transaction_base& tx);

// The keys whose digests differ, with both sides ("" for a resource one side lacks), in key order.
struct DigestDifference {
  std::string key, left, right;
};
std::vector<DigestDifference> compare(const std::vector<ResourceDigest>& left, const std::vector<ResourceDigest>& right);

}  // namespace siao::audit::replay
