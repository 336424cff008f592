#pragma once
#include "gateway/http/message.hpp"

namespace siao::http {

// Fills req.segments and req.query (percent-decoded) from req.target, an origin-form target
// ("/api/v2/households?territory=93"). False when it is not one, or when a decoded segment or parameter is not
// UTF-8 text without NUL ("%FF", "%00").
bool parse_target(Request& req);

}  // namespace siao::http
