#pragma once
// A record's columns as the members of one JSON object, named as the table's: what the append statement's
// json_to_recordset reads, and what an export line holds (with its "type"). One writer for both, so that an
// export can never name or drop a column differently from the log.
#include <string_view>

#include "gateway/audit/chain.hpp"
#include "gateway/resources/json_out.hpp"

namespace siao::audit {

void put_record_columns(resources::JsonWriter& w, const RecordFields& f, std::string_view prev_hash,
                        std::string_view hash);

}  // namespace siao::audit
