#pragma once
// What a replay found: counts, then each difference with the record, the field and both values.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace siao::audit::replay {

// Which logged exchanges to replay (times RFC 3339, inclusive; client: its id).
struct Selection {
  std::optional<std::string> from, to, client;
};

struct Difference {
  std::int64_t seq = 0;  // the record (0: the state as a whole, for rebuild's digest)
  std::string field;     // a JSON pointer into what was compared, or a name ("status", "digest", "household:123")
  std::string recorded, replayed;
};

struct Report {
  std::string mode;  // translate | rebuild
  std::int64_t checked = 0, identical = 0;
  std::vector<Difference> different;
  std::vector<std::string> notes;  // what could not be replayed and why (erased keys, ...)

  std::string to_json() const;   // {"mode","checked","identical","different":[{"exchange","field","recorded","replayed"}],"notes"}
  std::string to_text() const;   // for the CLI: counts, then one line per difference
};

}  // namespace siao::audit::replay
