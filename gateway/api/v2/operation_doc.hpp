#pragma once
// The OpenAPI operation object of a v2 route, with its schemas referenced from
// the same files that validate requests.
#include <string>
#include <vector>

namespace siao::api::v2 {

struct OperationDoc {
  std::string summary;
  std::string tag;
  std::string scope;
  std::vector<std::string> path_params;   // each an 8-digit id
  std::vector<std::string> query_params;  // strings
  std::string request_schema;             // empty: no body
  bool merge_patch = false;               // body is application/merge-patch+json, If-Match required
  bool idempotent_post = false;           // accepts Idempotency-Key
  int status = 200;
  std::string response_schema;            // a schema name; "list:NAME" for {"items":[NAME],"next"}
  std::vector<int> problems;              // the problem statuses it may answer
};

std::string operation_json(const OperationDoc& doc);

}  // namespace siao::api::v2
