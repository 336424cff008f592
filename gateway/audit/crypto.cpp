#include "gateway/audit/crypto.hpp"

#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

#include "gateway/util/hex.hpp"
#include "gateway/util/text.hpp"

namespace siao::audit::crypto {

namespace {

constexpr std::size_t kNonce = 12, kTag = 16;

struct CipherCtx {
  EVP_CIPHER_CTX* p = EVP_CIPHER_CTX_new();
  CipherCtx() = default;
  CipherCtx(const CipherCtx&) = delete;  // one owner frees it
  CipherCtx& operator=(const CipherCtx&) = delete;
  ~CipherCtx() { EVP_CIPHER_CTX_free(p); }
};

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

void need(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("openssl: ") + what);
}

// Fetched once: an implicit fetch at every use takes OpenSSL's provider locks, a cost per sealed field.
const EVP_CIPHER* aes_256_gcm() {
  static const EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  need(cipher != nullptr, "AES-256-GCM unavailable");
  return cipher;
}

EVP_KDF* hkdf() {
  static EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  need(kdf != nullptr, "HKDF unavailable");
  return kdf;
}

}  // namespace

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  need(RAND_bytes(bytes(out), static_cast<int>(n)) == 1, "RAND_bytes");
  return out;
}

std::string aes_gcm_seal(std::string_view key, std::string_view plaintext, std::string_view aad) {
  if (key.size() != 32) throw std::invalid_argument("AES-256-GCM needs a 32-byte key");
  std::string out = random_bytes(kNonce);
  out.resize(kNonce + plaintext.size() + kTag);
  CipherCtx ctx;
  int len = 0;
  need(EVP_EncryptInit_ex(ctx.p, aes_256_gcm(), nullptr, bytes(key), bytes(out)) == 1, "seal init");
  if (!aad.empty()) need(EVP_EncryptUpdate(ctx.p, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) == 1, "aad");
  need(EVP_EncryptUpdate(ctx.p, bytes(out) + kNonce, &len, bytes(plaintext), static_cast<int>(plaintext.size())) == 1,
       "seal");
  int tail = 0;
  need(EVP_EncryptFinal_ex(ctx.p, bytes(out) + kNonce + len, &tail) == 1, "seal final");
  need(EVP_CIPHER_CTX_ctrl(ctx.p, EVP_CTRL_GCM_GET_TAG, kTag, bytes(out) + kNonce + plaintext.size()) == 1, "tag");
  return out;
}

std::optional<std::string> aes_gcm_open(std::string_view key, std::string_view sealed, std::string_view aad) {
  if (key.size() != 32 || sealed.size() < kNonce + kTag) return std::nullopt;
  auto body = sealed.substr(kNonce, sealed.size() - kNonce - kTag);
  std::string tag(sealed.substr(sealed.size() - kTag));
  std::string out(body.size(), '\0');
  CipherCtx ctx;
  int len = 0;
  if (EVP_DecryptInit_ex(ctx.p, aes_256_gcm(), nullptr, bytes(key), bytes(sealed)) != 1) return std::nullopt;
  if (!aad.empty() && EVP_DecryptUpdate(ctx.p, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) != 1)
    return std::nullopt;
  if (EVP_DecryptUpdate(ctx.p, bytes(out), &len, bytes(body), static_cast<int>(body.size())) != 1) return std::nullopt;
  if (EVP_CIPHER_CTX_ctrl(ctx.p, EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) != 1) return std::nullopt;
  int tail = 0;
  if (EVP_DecryptFinal_ex(ctx.p, bytes(out) + len, &tail) != 1) return std::nullopt;
  return out;
}

std::string hkdf_sha256(std::string_view ikm, std::string_view salt, std::string_view info, std::size_t length) {
  std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(EVP_KDF_CTX_new(hkdf()), EVP_KDF_CTX_free);
  need(ctx != nullptr, "hkdf context");
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<char*>(ikm.data()), ikm.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()), salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()), info.size()),
      OSSL_PARAM_construct_end()};
  std::string out(length, '\0');
  need(EVP_KDF_derive(ctx.get(), bytes(out), length, params) == 1, "hkdf derive");
  return out;
}

std::string base64(std::string_view bytes) { return util::base64(bytes); }

std::optional<std::string> unbase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(bytes(out), bytes(text), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as bytes.
  std::size_t pad = 0;
  if (!text.empty() && text.back() == '=') ++pad;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

std::optional<std::string> unhex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out(text.size() / 2, '\0');
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = digit(text[2 * i]), lo = digit(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

Signer Signer::from_file(const std::string& path, bool create) {
  if (FILE* f = std::fopen(path.c_str(), "r")) {
    EVP_PKEY* key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
    (void)std::fclose(f);  // read only: nothing is lost when closing fails
    if (!key || EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
      EVP_PKEY_free(key);
      throw std::runtime_error(path + ": not an Ed25519 private key in PEM");
    }
    return Signer(key);
  }
  if (!create) throw std::runtime_error(path + ": cannot be read");
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  need(key != nullptr, "Ed25519 keygen");
  Signer signer(key);
  auto old = ::umask(077);
  FILE* f = std::fopen(path.c_str(), "wx");
  ::umask(old);
  if (!f) throw std::runtime_error(path + ": cannot be created");
  bool ok = PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  ok = std::fclose(f) == 0 && ok;  // closing flushes: a full disk shows here
  if (!ok) throw std::runtime_error(path + ": cannot be written");
  return signer;
}

Signer::Signer(Signer&& o) noexcept : pkey_(o.pkey_) { o.pkey_ = nullptr; }
Signer& Signer::operator=(Signer&& o) noexcept {
  std::swap(pkey_, o.pkey_);
  return *this;
}
Signer::~Signer() { EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey_)); }

std::string Signer::public_key_hex() const {
  unsigned char raw[32];
  std::size_t n = sizeof raw;
  need(EVP_PKEY_get_raw_public_key(static_cast<EVP_PKEY*>(pkey_), raw, &n) == 1, "raw public key");
  return util::to_hex(raw, n);
}

std::string Signer::sign_hex(std::string_view message) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  need(EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, static_cast<EVP_PKEY*>(pkey_)) == 1, "sign init");
  unsigned char sig[64];
  std::size_t n = sizeof sig;
  need(EVP_DigestSign(ctx.get(), sig, &n, bytes(message), message.size()) == 1, "sign");
  return util::to_hex(sig, n);
}

bool ed25519_verify(std::string_view public_key_hex, std::string_view message, std::string_view signature_hex) {
  const auto raw = unhex(public_key_hex);
  const auto sig = unhex(signature_hex);
  if (!raw || raw->size() != 32 || !sig || sig->size() != 64) return false;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(*raw), raw->size()), EVP_PKEY_free);
  if (!key) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), bytes(*sig), sig->size(), bytes(message), message.size()) == 1;
}

std::string ed25519_public_key_hex_of_pem(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) throw std::runtime_error(path + ": cannot be read");
  EVP_PKEY* key = PEM_read_PUBKEY(f, nullptr, nullptr, nullptr);
  if (!key) {
    std::rewind(f);
    key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  }
  (void)std::fclose(f);  // read only: nothing is lost when closing fails
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> owned(key, EVP_PKEY_free);
  if (!key || EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) throw std::runtime_error(path + ": not an Ed25519 key in PEM");
  unsigned char raw[32];
  std::size_t n = sizeof raw;
  need(EVP_PKEY_get_raw_public_key(key, raw, &n) == 1, "raw public key");
  return util::to_hex(raw, n);
}

}  // namespace siao::audit::crypto
