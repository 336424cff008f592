#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include <thread>
#include <vector>

#include "tests/support/gateway_process.hpp"
#include "tests/support/http_client.hpp"

using namespace siao::test;
using namespace std::chrono_literals;

namespace {
std::string problem_type(const HttpResult& r) {
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  return d.HasParseError() || !d.HasMember("type") ? "" : d["type"].GetString();
}
}  // namespace

TEST_CASE("malformed HTTP gets 400 and the connection is closed") {
  GatewayProcess gw({});
  HttpClient client(gw.http_port());
  client.send_raw("THIS IS NOT HTTP\r\n\r\n");
  auto r = client.read_response();
  CHECK(r.status == 400);
  CHECK(r.header("content-type") == "application/problem+json");
  CHECK(problem_type(r) == "/problems/malformed-request");
  CHECK_FALSE(r.keep_alive);
  CHECK(client.closed_by_peer(2s));
}

TEST_CASE("headers over the limit get 431") {
  GatewayProcess gw({});
  HttpClient client(gw.http_port());
  client.send_raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(std::size_t{20} * 1024, 'a') + "\r\n\r\n");
  auto r = client.read_response();
  CHECK(r.status == 431);
  CHECK(problem_type(r) == "/problems/headers-too-large");
}

TEST_CASE("a body over the limit gets 413 - announced or chunked") {
  GatewayProcess gw({.env = {{"GATEWAY_BODY_LIMIT", "4096"}}});
  {
    HttpClient client(gw.http_port());
    client.send_raw("POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n");
    auto r = client.read_response();
    CHECK(r.status == 413);
    CHECK(problem_type(r) == "/problems/body-too-large");
  }
  {
    HttpClient client(gw.http_port());
    std::string chunk(3000, 'x');
    client.send_raw("POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "bb8\r\n" + chunk + "\r\nbb8\r\n" + chunk + "\r\n0\r\n\r\n");
    CHECK(client.read_response().status == 413);
  }
  {
    HttpClient client(gw.http_port());  // under the limit: reaches the router (405 here)
    CHECK(client.request("POST", "/health", std::string(4000, 'x')).status == 405);
  }
}

TEST_CASE("a client sending too slowly is cut off while others are served") {
  GatewayProcess gw({.env = {{"GATEWAY_READ_TIMEOUT_MS", "500"}}});
  HttpClient slow(gw.http_port());
  slow.send_raw("GET /health HTTP/1.1\r\nHost: x\r\n");  // and never the end of the headers
  HttpClient other(gw.http_port());
  CHECK(other.get("/health").status == 200);
  auto started = std::chrono::steady_clock::now();
  CHECK(slow.closed_by_peer(3s));
  CHECK(std::chrono::steady_clock::now() - started < 2s);
  CHECK(other.get("/health").status == 200);
}

TEST_CASE("an idle keep-alive connection is closed after the idle timeout") {
  GatewayProcess gw({.env = {{"GATEWAY_IDLE_TIMEOUT_MS", "400"}}});
  HttpClient client(gw.http_port());
  auto r = client.get("/health");
  CHECK(r.status == 200);
  CHECK(r.keep_alive);
  std::this_thread::sleep_for(100ms);
  CHECK(client.get("/health").status == 200);  // within the timeout: reused
  CHECK(client.closed_by_peer(2s));
}

TEST_CASE("connections over the maximum get 503 while the others are served") {
  GatewayProcess gw({.env = {{"GATEWAY_MAX_CONNECTIONS", "3"}}});
  std::vector<std::unique_ptr<HttpClient>> held;
  std::this_thread::sleep_for(200ms);  // the start-up probe's connection is closing
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<HttpClient>(gw.http_port()));
    REQUIRE(held.back()->get("/health").status == 200);
  }
  HttpClient extra(gw.http_port());
  auto r = extra.read_response();
  CHECK(r.status == 503);
  CHECK(r.header("retry-after") == "1");
  CHECK(problem_type(r) == "/problems/too-many-connections");
  for (auto& c : held) CHECK(c->get("/health").status == 200);
  held.pop_back();
  std::this_thread::sleep_for(200ms);
  HttpClient again(gw.http_port());
  CHECK(again.get("/health").status == 200);
}
