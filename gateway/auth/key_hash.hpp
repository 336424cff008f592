#pragma once
// API keys: generated from the OS's random source, kept only as salted hashes.
// Keys are 256-bit random strings, not passwords: one HMAC-SHA256 under a
// per-key salt is enough to make a stolen contract file useless, and cheap
// enough to check on every request.
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace siao::auth {

// A new key: 32 random bytes, base64url without padding, prefixed "siao_" (48 characters).
std::string new_api_key();

class KeyHash {
 public:
  // A fresh random salt and the key's digest under it.
  static KeyHash of(std::string_view key);
  // "hmac-sha256$<salt, 32 hex>$<digest, 64 hex>", as contracts store it; nullopt for anything else.
  static std::optional<KeyHash> parse(std::string_view text);

  std::string text() const;
  // Constant time in the key's content: the digest comparison never stops early.
  bool matches(std::string_view key) const;

 private:
  std::array<unsigned char, 16> salt_{};
  std::array<unsigned char, 32> digest_{};
};

// Constant-time comparison of two secrets of any length.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace siao::auth
