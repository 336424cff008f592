#pragma once
// The audit trail's cryptography, through OpenSSL: AES-256-GCM to seal
// personal data, HKDF-SHA256 to derive one record's key from its subjects'
// keys, Ed25519 to sign chain heads. Byte strings are std::string.
#include <optional>
#include <string>
#include <string_view>

namespace siao::audit::crypto {

std::string random_bytes(std::size_t n);

// nonce (12) | ciphertext | tag (16). `key` is 32 bytes.
std::string aes_gcm_seal(std::string_view key, std::string_view plaintext, std::string_view aad);
// nullopt: wrong key, or altered bytes.
std::optional<std::string> aes_gcm_open(std::string_view key, std::string_view sealed, std::string_view aad);

std::string hkdf_sha256(std::string_view ikm, std::string_view salt, std::string_view info, std::size_t length);

std::string base64(std::string_view bytes);
std::optional<std::string> unbase64(std::string_view text);
std::optional<std::string> unhex(std::string_view text);

// An Ed25519 private key, from a PEM file.
class Signer {
 public:
  // Reads the PEM file; creates it (mode 0600) with a new key when missing and `create` is set.
  static Signer from_file(const std::string& path, bool create);
  Signer(Signer&&) noexcept;
  Signer& operator=(Signer&&) noexcept;
  Signer(const Signer&) = delete;  // one owner frees the key
  Signer& operator=(const Signer&) = delete;
  ~Signer();

  std::string public_key_hex() const;  // the raw 32 bytes, in hex
  std::string sign_hex(std::string_view message) const;

 private:
  explicit Signer(void* pkey) : pkey_(pkey) {}
  void* pkey_;  // EVP_PKEY*
};

bool ed25519_verify(std::string_view public_key_hex, std::string_view message, std::string_view signature_hex);
// The raw public key (hex) of a PEM file holding an Ed25519 public or private key.
std::string ed25519_public_key_hex_of_pem(const std::string& path);

}  // namespace siao::audit::crypto
