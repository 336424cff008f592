#include "gateway/delivery/signature.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

#include "gateway/audit/crypto.hpp"
#include "gateway/util/text.hpp"

namespace siao::delivery {

std::string signing_key(std::string_view secret) {
  constexpr std::string_view prefix = "whsec_";
  if (secret.substr(0, prefix.size()) != prefix) return std::string(secret);
  auto key = audit::crypto::unbase64(secret.substr(prefix.size()));
  if (!key) throw std::invalid_argument("a whsec_ secret is not valid base64");
  return *key;
}

std::string sign(std::string_view secret, std::string_view id, std::int64_t timestamp, std::string_view body) {
  const auto key = signing_key(secret);
  std::string content;
  content.reserve(id.size() + body.size() + 24);
  content.append(id).append(".").append(std::to_string(timestamp)).append(".").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(content.data()),
            content.size(), mac, &len))
    throw std::runtime_error("HMAC-SHA256 failed");
  return "v1," + util::base64(std::string_view(reinterpret_cast<const char*>(mac), len));
}

}  // namespace siao::delivery
