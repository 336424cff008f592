#pragma once
// The OpenAPI 3.1 document, assembled from the router: every registered route
// carries its own operation object, so the document cannot drift from the routes.
#include <rapidjson/document.h>

#include <string>
#include <utility>
#include <vector>

#include "gateway/http/router.hpp"

namespace siao::ops {

// `schemas` become components/schemas under their names; a `$ref` to
// "NAME.schema.json#/x" is rewritten to "#/components/schemas/NAME/x".
using NamedSchemas = std::vector<std::pair<std::string, const rapidjson::Value*>>;
std::string build_openapi(const http::Router& router, std::string_view version, const NamedSchemas& schemas = {});

}  // namespace siao::ops
