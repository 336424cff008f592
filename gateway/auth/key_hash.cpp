#include "gateway/auth/key_hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "gateway/util/hex.hpp"

namespace siao::auth {

namespace {

constexpr std::string_view kScheme = "hmac-sha256$";
constexpr std::string_view kKeyPrefix = "siao_";

void random_bytes(unsigned char* out, std::size_t size) {
  // A predictable key or salt would be worse than none: never fall back to a weaker source.
  if (RAND_bytes(out, static_cast<int>(size)) != 1) throw std::runtime_error("RAND_bytes failed");
}

std::string base64url(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');  // EVP_EncodeBlock writes a terminating NUL
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(len));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

template <std::size_t N>
bool from_hex(std::string_view text, std::array<unsigned char, N>& out) {
  if (text.size() != 2 * N) return false;
  for (std::size_t i = 0; i < N; ++i) {
    int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return true;
}

std::array<unsigned char, 32> hmac_sha256(const std::array<unsigned char, 16>& salt, std::string_view key) {
  std::array<unsigned char, 32> digest{};
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), salt.data(), static_cast<int>(salt.size()),
            reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest.data(), &len) ||
      len != digest.size())
    throw std::runtime_error("HMAC-SHA256 failed");
  return digest;
}

std::array<unsigned char, 32> sha256(std::string_view data) {
  std::array<unsigned char, 32> digest{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &len, EVP_sha256(), nullptr) != 1 || len != digest.size())
    throw std::runtime_error("SHA-256 failed");
  return digest;
}

}  // namespace

std::string new_api_key() {
  unsigned char bytes[32];
  random_bytes(bytes, sizeof bytes);
  auto key = std::string(kKeyPrefix) + base64url(bytes, sizeof bytes);
  OPENSSL_cleanse(bytes, sizeof bytes);
  return key;
}

KeyHash KeyHash::of(std::string_view key) {
  KeyHash h;
  random_bytes(h.salt_.data(), h.salt_.size());
  h.digest_ = hmac_sha256(h.salt_, key);
  return h;
}

std::optional<KeyHash> KeyHash::parse(std::string_view text) {
  if (!text.starts_with(kScheme)) return std::nullopt;
  text.remove_prefix(kScheme.size());
  auto dollar = text.find('$');
  if (dollar == std::string_view::npos) return std::nullopt;
  KeyHash h;
  if (!from_hex(text.substr(0, dollar), h.salt_) || !from_hex(text.substr(dollar + 1), h.digest_)) return std::nullopt;
  return h;
}

std::string KeyHash::text() const {
  return std::string(kScheme) + util::to_hex(salt_.data(), salt_.size()) + "$" +
         util::to_hex(digest_.data(), digest_.size());
}

bool KeyHash::matches(std::string_view key) const {
  auto digest = hmac_sha256(salt_, key);
  return CRYPTO_memcmp(digest.data(), digest_.data(), digest.size()) == 0;
}


bool same_secret(std::string_view a, std::string_view b) {
  // Hashing first gives two equal-length inputs, so neither length nor content leaks through the timing.
  auto da = sha256(a), db = sha256(b);
  return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

}  // namespace siao::auth
