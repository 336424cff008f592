#pragma once
// An audit record's metadata as auditors read it: what every record shows, to
// any contract with audit:read, whether or not it may see personal data.
#include <string>
#include <string_view>

#include <pqxx/row>

#include "gateway/audit/log_reader.hpp"
#include "gateway/resources/json_out.hpp"

namespace siao::api::audit_routes {

// The select list metadata_from_row reads: every column but the bodies, query and canonical commands.
extern const char* const kMetadataColumns;
// A record with its metadata only (bodies, query, canonical and subjects left empty).
siao::audit::LoggedRecord metadata_from_row(const pqxx::row& row);

// The members (inside an object the caller opened): id, at, client, contract and mapping versions and hashes,
// adapter, schemas hash, gateway version, method, route, target (its path), status, requestId, traceId,
// durationUs, resources, prevHash, hash.
void put_metadata(resources::JsonWriter& w, const siao::audit::LoggedRecord& record);

// A target without its query: records written before sealing kept the query in `target`, in clear.
std::string_view path_of(std::string_view target);

}  // namespace siao::api::audit_routes
