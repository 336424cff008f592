#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "gateway/util/hex.hpp"

using siao::util::sha256_hex;
using siao::util::to_hex;

TEST_CASE("to_hex writes two lower-case digits per byte - in order") {
  const unsigned char bytes[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
  CHECK(to_hex(bytes, sizeof bytes) == "00017f80abff");
  CHECK(to_hex(bytes, 0).empty());
}

TEST_CASE("sha256_hex matches the FIPS 180-2 test vectors") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("sha256_hex hashes the whole view - embedded NUL bytes included") {
  using namespace std::string_view_literals;
  CHECK(sha256_hex("abc\0"sv) != sha256_hex("abc"));
  CHECK(sha256_hex("abc\0"sv).size() == 64);
}
