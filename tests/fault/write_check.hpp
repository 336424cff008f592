#pragma once
// Checks a load's log (write_log.hpp) against the database, once the load has stopped:
// - every write answered 2xx is there, as answered (resource, version, value), with its audit record;
// - every write answered otherwise, or not answered, left nothing or one whole, recorded effect;
// - a POST retried with its Idempotency-Key had exactly one effect, the one every 2xx attempt answered;
// and, whatever the log says, that the database holds no half effect: each current row has all its versions,
// each version one event and one 2xx audit record naming it, each household its members.
#include <string>
#include <vector>

#include "tests/fault/write_log.hpp"

namespace siao::test::fault {

struct CheckResult {
  long writes = 0;        // write calls made
  long acknowledged = 0;  // write calls answered 2xx
  long unanswered = 0;    // write calls never answered, or answered only 503
  long cut_short = 0;     // write calls with an attempt sent on an open connection and never answered
  long refused = 0;       // write calls answered 4xx
  long retried = 0;       // keyed POSTs that took more than one attempt
  long replayed = 0;      // of which answered as a replay of an earlier attempt
  long effects_unanswered = 0;  // unanswered writes whose effect committed (whole, as checked)
  long lost = 0;          // acknowledged writes missing or different in the database (must be 0)
  std::vector<std::string> problems;
  std::vector<std::string> cut;  // the calls cut short: what the client saw, for the log of the run

  std::string summary() const;
};

CheckResult check_writes(const std::string& database_url, const std::vector<Call>& calls);

// Runs `siao-gateway audit verify` on the database: "" when the chain verifies, else what it printed.
std::string audit_verify_failure(const std::string& database_url);

}  // namespace siao::test::fault
