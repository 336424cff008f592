#pragma once
// The scratch database of `replay rebuild`: emptied and migrated before each
// rebuild, with a `replay` schema whose nextval() hands the storage code the
// ids the log recorded, so that a replay mints the same ids as the live run
// did, whatever order concurrent exchanges drew them in.
#include <stdexcept>
#include <string>

#include <pqxx/transaction_base>

namespace siao::audit::replay {

// The scratch database cannot be used (it is the live one, it holds a log, it cannot be emptied...).
class ScratchRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Refuses a scratch database that is the live one (same URL, or same server and database name) or holds
// exchange records (a live database, whatever its URL); then drops every object (schemas public and replay),
// applies every migration, and creates the replay schema. Throws ScratchRefused.
void prepare_scratch(const std::string& scratch_url, const std::string& live_url);

// `url` with search_path "replay, pg_catalog, public": replay.nextval() shadows the built-in for every
// statement that names nextval unqualified, prepared ones included (resolved when prepared).
std::string shadowing_url(const std::string& url);

// Proves, on a connection to `replay_url`, that a prepared nextval() takes the expected id; throws ScratchRefused
// when it does not (the search_path did not reach the session).
void check_shadowing(const std::string& replay_url);

// Before an exchange is replayed: the ids it minted live, that is every resource it wrote that does not exist
// yet, queued per sequence in increasing order (one exchange draws ids from a sequence in increasing order).
// Returns how many were queued.
int expect_ids(pqxx::transaction_base& tx, const std::string& resources_json);

}  // namespace siao::audit::replay
