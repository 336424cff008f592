#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <string_view>

#include "gateway/auth/key_hash.hpp"

using siao::auth::KeyHash;
using siao::auth::new_api_key;
using siao::auth::same_secret;

namespace {

constexpr std::string_view kScheme = "hmac-sha256$";

// HMAC-SHA256(key = bytes 00..0f, message = "siao_test-key"), computed independently with Python's hmac module.
constexpr std::string_view kKnownSalt = "000102030405060708090a0b0c0d0e0f";
constexpr std::string_view kKnownDigest = "95c2946eded6d08298e7ea988546042af4919f057d12c130b5328d22064697b0";
constexpr std::string_view kKnownKey = "siao_test-key";

std::string known_text() { return std::string(kScheme) + std::string(kKnownSalt) + "$" + std::string(kKnownDigest); }

bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool is_base64url(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

TEST_CASE("new_api_key is siao_ and 43 base64url characters") {
  bool saw_dash = false, saw_underscore = false;
  for (int i = 0; i < 500; ++i) {
    auto key = new_api_key();
    REQUIRE(key.size() == 48);
    CHECK(key.starts_with("siao_"));
    auto body = std::string_view(key).substr(5);
    CHECK(std::all_of(body.begin(), body.end(), is_base64url));
    saw_dash |= body.find('-') != std::string_view::npos;
    saw_underscore |= body.find('_') != std::string_view::npos;
  }
  // Over 500 keys each of the two translated characters is all but certain to appear: proof that + and / were mapped.
  CHECK(saw_dash);
  CHECK(saw_underscore);
}

TEST_CASE("new_api_key never repeats") {
  std::set<std::string> keys;
  for (int i = 0; i < 1000; ++i) keys.insert(new_api_key());
  CHECK(keys.size() == 1000);
}

TEST_CASE("KeyHash text has the stored format") {
  auto text = KeyHash::of(new_api_key()).text();
  REQUIRE(text.size() == kScheme.size() + 32 + 1 + 64);
  CHECK(text.starts_with(kScheme));
  CHECK(text[kScheme.size() + 32] == '$');
  CHECK(is_lower_hex(std::string_view(text).substr(kScheme.size(), 32)));
  CHECK(is_lower_hex(std::string_view(text).substr(kScheme.size() + 33)));
}

TEST_CASE("KeyHash round-trips through text and parse and matches only its key") {
  auto key = new_api_key();
  auto hash = KeyHash::of(key);
  CHECK(hash.matches(key));

  auto parsed = KeyHash::parse(hash.text());
  REQUIRE(parsed);
  CHECK(parsed->text() == hash.text());
  CHECK(parsed->matches(key));
  CHECK_FALSE(parsed->matches(new_api_key()));
  CHECK_FALSE(parsed->matches(""));
  CHECK_FALSE(parsed->matches(key.substr(0, key.size() - 1)));
  CHECK_FALSE(parsed->matches(key + "x"));
  auto flipped = key;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  CHECK_FALSE(parsed->matches(flipped));
}

TEST_CASE("KeyHash digest is HMAC-SHA256 keyed by the salt over the key") {
  auto hash = KeyHash::parse(known_text());
  REQUIRE(hash);
  CHECK(hash->matches(kKnownKey));
  CHECK_FALSE(hash->matches("siao_test-kez"));
  CHECK(hash->text() == known_text());
}

TEST_CASE("KeyHash of the same key twice differs by its salt") {
  auto key = new_api_key();
  auto a = KeyHash::of(key), b = KeyHash::of(key);
  CHECK(a.text() != b.text());
  CHECK(a.text().substr(0, kScheme.size() + 32) != b.text().substr(0, kScheme.size() + 32));
  CHECK(a.matches(key));
  CHECK(b.matches(key));
}

TEST_CASE("KeyHash parse accepts upper-case hex and writes it back in lower case") {
  auto text = std::string(kScheme) + upper(std::string(kKnownSalt)) + "$" + upper(std::string(kKnownDigest));
  auto hash = KeyHash::parse(text);
  REQUIRE(hash);
  CHECK(hash->matches(kKnownKey));
  CHECK(hash->text() == known_text());
}

TEST_CASE("KeyHash parse refuses malformed texts") {
  const std::string salt(kKnownSalt), digest(kKnownDigest);
  const std::string bad[] = {
      "",
      "hmac-sha256$",
      "hmac-sha256$$",
      salt + "$" + digest,                   // no scheme
      "HMAC-SHA256$" + salt + "$" + digest,  // the scheme is exact
      "hmac-sha512$" + salt + "$" + digest,
      "sha256$" + salt + "$" + digest,
      "hmac-sha256" + salt + "$" + digest,  // no first separator
      "hmac-sha256$" + salt + digest,       // no second separator
      "hmac-sha256$" + salt + "$" + digest + "$",
      "hmac-sha256$" + salt + "$" + digest + "00",               // digest too long
      "hmac-sha256$" + salt + "$" + digest.substr(1),            // digest too short
      "hmac-sha256$" + salt + "0$" + digest,                     // salt too long
      "hmac-sha256$" + salt.substr(2) + "$" + digest,            // salt too short
      "hmac-sha256$" + salt + "$" + digest.substr(0, 63) + "g",  // not hex
      "hmac-sha256$" + salt.substr(0, 31) + " $" + digest,
      "hmac-sha256$" + salt + "$ " + digest.substr(1),
      "hmac-sha256$-" + salt.substr(1) + "$" + digest,
      " " + known_text(),
      known_text() + " ",
      known_text() + "\n",
      "hmac-sha256$" + salt + "$" + digest.substr(0, 32) + "$" + digest.substr(32),
  };
  for (const auto& text : bad) {
    CAPTURE(text);
    CHECK_FALSE(KeyHash::parse(text));
  }
  // Texts come from files: an embedded NUL must not end the parse early.
  CHECK_FALSE(KeyHash::parse(known_text().insert(60, 1, '\0')));
  auto with_nul = known_text();
  with_nul[kScheme.size() + 4] = '\0';
  CHECK_FALSE(KeyHash::parse(with_nul));
}

TEST_CASE("same_secret is true only for equal secrets") {
  using namespace std::string_view_literals;
  CHECK(same_secret("", ""));
  CHECK(same_secret("secret", "secret"));
  auto key = new_api_key();
  CHECK(same_secret(key, std::string(key)));
  CHECK_FALSE(same_secret("secret", "secreT"));
  CHECK_FALSE(same_secret("secret", "secret "));
  CHECK_FALSE(same_secret("secret", "secre"));
  CHECK_FALSE(same_secret("", "x"));
  CHECK_FALSE(same_secret("abc\0"sv, "abc"));
  CHECK(same_secret("a\0b"sv, "a\0b"sv));
}
