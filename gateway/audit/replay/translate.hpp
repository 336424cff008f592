#pragma once
// `replay translate`: each selected inbound exchange judged and translated again under the contract, mapping
// and schema versions its record pins (loaded back from the archive), and compared with what was recorded:
// - an adapter's exchange (its record holds canonical commands): the request judged again (route, scope,
//   content type, request schema), then the partner's body translated again and set against the recorded
//   commands, value by value (canonical_compare.hpp);
// - a v2 write: judged again; a recorded success must be accepted, a recorded 400, 415 or 422 refused again.
// Records whose subjects' keys were erased cannot be opened: counted in a note, not reported as differences.
// Nothing is written anywhere: the log is read in a read-only transaction.
#include <memory>

#include <pqxx/transaction_base>

#include "adapters/registry.hpp"
#include "gateway/audit/replay/report.hpp"
#include "gateway/audit/subject_keys.hpp"
#include "gateway/config/config.hpp"

namespace siao::json {
class SchemaSet;
}

namespace siao::audit::replay {

class Judge;
class RuleLoader;

class Translator {
 public:
  // `in_force`: the schema set of records that pin none.
  Translator(std::shared_ptr<const json::SchemaSet> in_force, const adapters::Registry& adapters);
  ~Translator();
  Translator(const Translator&) = delete;
  Translator& operator=(const Translator&) = delete;

  Report run(pqxx::transaction_base& tx, const KeyRing& keys, const Selection& selection);

 private:
  std::unique_ptr<Judge> judge_;
  std::unique_ptr<RuleLoader> rules_;
};

// Opens its own connection to cfg.database.url (read only) and the key ring of the configuration.
Report translate(const config::Config& cfg, const adapters::Registry& adapters, const KeyRing& keys,
                 const Selection& selection);

// RFC 3339 with a time zone ("2026-11-03T10:00:00Z", "...T10:00:00.125+01:00"): what `from` and `to` accept.
bool valid_time(std::string_view text);

}  // namespace siao::audit::replay
