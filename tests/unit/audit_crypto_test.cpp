// The audit trail's cryptography: what it must refuse matters as much as what it must accept.
#include <doctest/doctest.h>

#include "gateway/audit/crypto.hpp"
#include "gateway/audit/sealing.hpp"
#include "gateway/util/hex.hpp"
#include "gateway/util/scratch_dir.hpp"

using namespace siao::audit;

namespace {

std::string hex(const std::string& bytes) {
  return siao::util::to_hex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

}  // namespace

TEST_CASE("HKDF-SHA256 gives RFC 5869's test case 1") {
  auto ikm = *crypto::unhex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
  auto salt = *crypto::unhex("000102030405060708090a0b0c");
  auto info = *crypto::unhex("f0f1f2f3f4f5f6f7f8f9");
  CHECK(hex(crypto::hkdf_sha256(ikm, salt, info, 42)) ==
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST_CASE("AES-256-GCM opens what it sealed - and nothing altered or under another key") {
  auto key = crypto::random_bytes(32);
  auto sealed = crypto::aes_gcm_seal(key, "Marie DUPONT", "aad");
  CHECK(sealed.size() == 12 + 12 + 16);
  CHECK(crypto::aes_gcm_open(key, sealed, "aad") == std::optional<std::string>("Marie DUPONT"));
  CHECK_FALSE(crypto::aes_gcm_open(key, sealed, "other aad"));
  CHECK_FALSE(crypto::aes_gcm_open(crypto::random_bytes(32), sealed, "aad"));
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    auto altered = sealed;
    altered[i] = static_cast<char>(altered[i] ^ 1);
    CHECK_FALSE(crypto::aes_gcm_open(key, altered, "aad"));
  }
  CHECK_FALSE(crypto::aes_gcm_open(key, sealed.substr(0, 20), "aad"));
  // A fresh nonce each time: the same text never seals the same way twice.
  CHECK(crypto::aes_gcm_seal(key, "x", "") != crypto::aes_gcm_seal(key, "x", ""));
}

TEST_CASE("base64 and hex round trips - bad input refused") {
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)})
    CHECK(crypto::unbase64(crypto::base64(s)) == std::optional<std::string>(s));
  CHECK_FALSE(crypto::unbase64("abc"));
  CHECK_FALSE(crypto::unbase64("ab!="));
  CHECK(crypto::unhex("00ff") == std::optional<std::string>(std::string("\0\xff", 2)));
  CHECK_FALSE(crypto::unhex("0g"));
  CHECK_FALSE(crypto::unhex("abc"));
}

TEST_CASE("Ed25519 signatures verify only for their message and key") {
  const siao::util::ScratchDir dir("siao-crypto-test");
  const auto path = (dir.path() / "signer.pem").string();
  auto signer = crypto::Signer::from_file(path, true);
  auto again = crypto::Signer::from_file(path, false);  // the key it wrote reads back
  CHECK(again.public_key_hex() == signer.public_key_hex());
  CHECK(crypto::ed25519_public_key_hex_of_pem(path) == signer.public_key_hex());
  auto sig = signer.sign_hex("checkpoint 10");
  CHECK(sig.size() == 128);
  CHECK(crypto::ed25519_verify(signer.public_key_hex(), "checkpoint 10", sig));
  CHECK_FALSE(crypto::ed25519_verify(signer.public_key_hex(), "checkpoint 11", sig));
  auto other = crypto::Signer::from_file((dir.path() / "other.pem").string(), true);
  CHECK_FALSE(crypto::ed25519_verify(other.public_key_hex(), "checkpoint 10", sig));
  CHECK_FALSE(crypto::ed25519_verify(signer.public_key_hex(), "checkpoint 10", "00"));
  CHECK_THROWS(crypto::Signer::from_file("/nonexistent/dir/key.pem", false));
}

TEST_CASE("a sealed field opens with every subject's key - not with one missing") {
  SubjectKeys keys{{"person:1", crypto::random_bytes(32)}, {"person:2", crypto::random_bytes(32)}};
  std::vector<std::string> both{"person:1", "person:2"};
  Sealer sealer(both, keys);
  auto sealed = sealer.seal(R"({"lastName":"DUPONT"})");
  CHECK(is_sealed(sealed));
  CHECK(sealed.find("DUPONT") == std::string::npos);
  auto opener = Opener::make(both, keys);
  REQUIRE(opener);
  CHECK(opener->open(sealed) == std::optional<std::string>(R"({"lastName":"DUPONT"})"));
  auto one_erased = keys;
  one_erased.erase("person:2");
  CHECK_FALSE(Opener::make(both, one_erased));
  // Another key under the same name opens nothing.
  auto replaced = keys;
  replaced["person:2"] = crypto::random_bytes(32);
  CHECK_FALSE(Opener::make(both, replaced)->open(sealed));
  CHECK(parse_subjects(subjects_json(both)) == both);
}
