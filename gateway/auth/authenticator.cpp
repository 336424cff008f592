#include "gateway/auth/authenticator.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace siao::auth {

namespace {

std::optional<std::string_view> bearer_token(const http::Request& req) {
  auto h = req.header("authorization");
  if (!h) return std::nullopt;
  constexpr std::string_view kScheme = "Bearer ";
  if (h->size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>((*h)[i])) != std::tolower(static_cast<unsigned char>(kScheme[i])))
      return std::nullopt;
  return h->substr(kScheme.size());
}

class DevelopmentAuthenticator final : public Authenticator {
 public:
  explicit DevelopmentAuthenticator(std::string key) : key_(std::move(key)) {
    client_.id = "siao-backoffice";
    client_.scopes = {"*"};
  }
  const Client* authenticate(const http::Request& req) const override {
    auto token = bearer_token(req);
    if (!token || key_.empty() || !same_secret(*token, key_)) return nullptr;
    return &client_;
  }

 private:
  std::string key_;
  Client client_;
};

}  // namespace

bool same_secret(std::string_view a, std::string_view b) {
  // Hashing first makes the comparison independent of the lengths.
  unsigned char da[EVP_MAX_MD_SIZE], db[EVP_MAX_MD_SIZE];
  unsigned int la = 0, lb = 0;
  EVP_Digest(a.data(), a.size(), da, &la, EVP_sha256(), nullptr);
  EVP_Digest(b.data(), b.size(), db, &lb, EVP_sha256(), nullptr);
  return la == lb && CRYPTO_memcmp(da, db, la) == 0;
}

std::unique_ptr<Authenticator> development_authenticator(std::string backoffice_key) {
  return std::make_unique<DevelopmentAuthenticator>(std::move(backoffice_key));
}

}  // namespace siao::auth
