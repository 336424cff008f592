#pragma once
// The OpenAPI 3.1 document, assembled from the router: every registered route
// carries its own operation object, so the document cannot drift from the routes.
#include <string>

#include "gateway/http/router.hpp"

namespace siao::ops {

std::string build_openapi(const http::Router& router, std::string_view version);

}  // namespace siao::ops
