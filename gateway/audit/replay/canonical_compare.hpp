#pragma once
// The canonical commands an adapter recorded, compared with the partner's body translated again by the mapping
// the record pins. A command's body is set against the translated document (or the element of one of its
// top-level arrays: a person of a family) that it agrees with most; every value in it that the mapping writes
// from the partner's body (Mapping::source_pointer) is compared, the last command writing a field deciding
// (a person joins as other_adult and is made head by the next command). Values the mapping does not write
// (ids read from the data, statuses and placements the adapter builds) are the data's, not the translation's:
// `rebuild` checks those.
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "gateway/audit/replay/report.hpp"
#include "gateway/mapping/mapping.hpp"

namespace siao::audit::replay {

struct CommandComparison {
  std::vector<Difference> differences;  // field: a pointer into the canonical array, the body parsed ("/0/body/x")
  int compared = 0;                     // values compared
};

// `commands`: the recorded canonical array; `partner_body`: the request body as received.
CommandComparison compare_commands(std::int64_t seq, const mapping::Mapping& mapping,
                                   const rapidjson::Value& partner_body, const rapidjson::Value& commands);

}  // namespace siao::audit::replay
