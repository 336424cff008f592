#include <doctest/doctest.h>

#include <openssl/ssl.h>

#include "tests/support/gateway_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/test_cert.hpp"

using namespace siao::test;

TEST_CASE("TLS 1.2 and 1.3 are served - older versions refused") {
  GatewayProcess gw({.tls = true});
  {
    HttpClient c(gw.https_port(), TlsClientOptions{.max_version = TLS1_3_VERSION, .min_version = TLS1_3_VERSION});
    CHECK(c.get("/health").status == 200);
    CHECK(c.get("/health").status == 200);  // keep-alive over TLS
  }
  {
    HttpClient c(gw.https_port(), TlsClientOptions{.max_version = TLS1_2_VERSION, .min_version = TLS1_2_VERSION});
    CHECK(c.get("/health").status == 200);
  }
  CHECK_THROWS(HttpClient(gw.https_port(), TlsClientOptions{.max_version = TLS1_1_VERSION}));
  HttpClient plain(gw.http_port());
  CHECK(plain.get("/health").status == 200);  // both listeners at once
}

TEST_CASE("a client certificate is accepted over TLS") {
  GatewayProcess gw({.tls = true});
  auto client_cert = make_certificate("rosalie-test");
  HttpClient c(gw.https_port(), TlsClientOptions{.cert_file = client_cert.cert_file, .key_file = client_cert.key_file});
  CHECK(c.get("/health").status == 200);
}

TEST_CASE("plain HTTP sent to the TLS port does not bring anything down") {
  GatewayProcess gw({.tls = true});
  HttpClient wrong(gw.https_port());
  wrong.send_raw("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(wrong.closed_by_peer(std::chrono::seconds(3)));
  HttpClient c(gw.https_port(), TlsClientOptions{});
  CHECK(c.get("/health").status == 200);
}
