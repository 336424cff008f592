#include <doctest/doctest.h>

#include "gateway/delivery/endpoint.hpp"
#include "gateway/delivery/signature.hpp"

using namespace siao::delivery;

TEST_CASE("delivery signature matches the Standard Webhooks reference example") {
  // The example of the Standard Webhooks reference libraries: a whsec_ secret is its base64's bytes.
  CHECK(sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
             R"({"test": 2432232314})") == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST_CASE("delivery signature changes with the body and the timestamp") {
  auto s = sign("plain-secret-0123456789", "42", 1700000000, "{}");
  CHECK(s.rfind("v1,", 0) == 0);
  CHECK(sign("plain-secret-0123456789", "42", 1700000000, "{} ") != s);
  CHECK(sign("plain-secret-0123456789", "42", 1700000001, "{}") != s);
  CHECK(sign("plain-secret-0123456789", "43", 1700000000, "{}") != s);
}

TEST_CASE("delivery endpoints are https or loopback http") {
  std::string why;
  auto https = parse_endpoint("https://partner.example.org/hooks?x=1", why);
  REQUIRE(https);
  CHECK(https->tls);
  CHECK(https->port == "443");
  CHECK(https->target == "/hooks?x=1");
  auto local = parse_endpoint("http://127.0.0.1:8099", why);
  REQUIRE(local);
  CHECK(!local->tls);
  CHECK(local->port == "8099");
  CHECK(local->target == "/");
  CHECK(parse_endpoint("http://localhost/x", why));
  CHECK(!parse_endpoint("http://partner.example.org/hooks", why));
  CHECK(why.find("loopback") != std::string::npos);
  CHECK(!parse_endpoint("http://127.0.0.1.example.org/", why));
  CHECK(!parse_endpoint("ftp://partner.example.org/", why));
  CHECK(!parse_endpoint("https://user:pw@partner.example.org/", why));
  CHECK(!parse_endpoint("not a url", why));
}
