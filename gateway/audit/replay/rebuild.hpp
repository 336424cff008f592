#pragma once
// `replay rebuild`: every logged write exchange (methods other than GET and
// HEAD), applied in seq order through the real router, adapters and storage
// to an emptied scratch database, then the state reached compared with the
// live one by a digest of every resource (state_digest.hpp). The live
// database is only read.
#include <pqxx/transaction_base>
#include <string>

#include "adapters/registry.hpp"
#include "gateway/audit/replay/report.hpp"
#include "gateway/audit/replay/state_digest.hpp"
#include "gateway/config/config.hpp"

namespace siao::audit::replay {

// Replays the log of cfg.database.url, up to its chain head when the rebuild starts, into
// cfg.audit.replay_database_url (emptied and migrated first; refused when it is the live database: throws
// ScratchRefused, rebuild_scratch.hpp). Each replayed exchange runs as its recorded client and contract version,
// at its recorded time, with its recorded headers and body, minting its recorded ids.
//
// The report: `checked` counts the replayed exchanges that `selection` selects (a rebuild replays the whole log
// whatever the selection: the state depends on every write; the selection narrows what is reported), each
// compared with its record by status, by the resources it wrote and by the SHA-256 of its answer; then the
// state: a difference "digest" (seq 0) when the digests differ, followed by one per resource that differs
// ("household:90000012", recorded: the live digest, replayed: the rebuilt one, "" for a resource one side lacks).
Report rebuild(const config::Config& cfg, const adapters::Registry& adapter_registry, const Selection& selection);

}  // namespace siao::audit::replay
