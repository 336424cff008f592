#pragma once
// Standard Webhooks signatures: webhook-signature is "v1,<base64 of HMAC-SHA256(secret, id.timestamp.body)>".
// A secret written whsec_<base64> is that base64's bytes (the convention); any other is used as its bytes.
#include <cstdint>
#include <string>
#include <string_view>

namespace siao::delivery {

std::string signing_key(std::string_view secret);
std::string sign(std::string_view secret, std::string_view id, std::int64_t timestamp, std::string_view body);

}  // namespace siao::delivery
