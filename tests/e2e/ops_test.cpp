#include <doctest/doctest.h>

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include <functional>
#include <regex>
#include <set>
#include <string>
#include <utility>

#include "tests/fuzz/support/route_table.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/test_database.hpp"

using namespace siao::test;

namespace {
rapidjson::Document parse(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

using Route = std::pair<std::string, std::string>;  // method as on the request line, path pattern

// Every operation an OpenAPI document lists.
std::set<Route> operations_of(const rapidjson::Document& doc) {
  std::set<Route> out;
  for (const auto& path : doc["paths"].GetObject())
    for (const auto& op : path.value.GetObject()) {
      std::string method = op.name.GetString();
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.emplace(std::move(method), path.name.GetString());
    }
  return out;
}
}  // namespace

TEST_CASE("health - ready and metrics answer - and metrics count the requests made") {
  TestDatabase db;
  GatewayProcess gw({.database_url = db.url()});
  REQUIRE(gw.wait_ready(std::chrono::seconds(10)));
  HttpClient client(gw.http_port());
  for (int i = 0; i < 5; ++i) CHECK(client.get("/health").status == 200);
  auto ready = client.get("/ready");
  CHECK(ready.status == 200);
  CHECK(parse(ready.body)["schemaVersion"].GetInt() >= 1);
  auto metrics = client.get("/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.header("content-type").find("text/plain") == 0);
  // The readiness probe above made some /health calls too: at least our five.
  std::smatch m;
  REQUIRE(std::regex_search(metrics.body, m, std::regex(R"re(siao_http_requests_total\{route="/health",status="200"\} (\d+))re")));
  CHECK(std::stoi(m[1]) >= 5);
  CHECK(metrics.body.find("siao_http_open_connections") != std::string::npos);
  CHECK(metrics.body.find("siao_db_pool_connections{state=\"open\"}") != std::string::npos);
  CHECK(metrics.body.find("siao_http_request_duration_seconds_bucket{route=\"/ready\"") != std::string::npos);
}

TEST_CASE("unknown routes are 404 and wrong methods 405 with Allow - as problem+json") {
  GatewayProcess gw({});
  HttpClient client(gw.http_port());
  auto missing = client.get("/no/such/thing");
  CHECK(missing.status == 404);
  CHECK(missing.header("content-type") == "application/problem+json");
  auto p = parse(missing.body);
  CHECK(std::string(p["type"].GetString()) == "/problems/not-found");
  CHECK(p["status"].GetInt() == 404);
  CHECK(p.HasMember("title"));
  CHECK(std::string(p["traceId"].GetString()).size() == 32);

  auto wrong = client.request("DELETE", "/health");
  CHECK(wrong.status == 405);
  CHECK(wrong.header("allow") == "GET, HEAD");
  CHECK(parse(wrong.body)["status"].GetInt() == 405);
}

TEST_CASE("HEAD answers like GET without a body") {
  GatewayProcess gw({});
  HttpClient client(gw.http_port());
  auto head = client.request("HEAD", "/health");
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.header("content-length") == "15");
  CHECK(client.get("/health").status == 200);  // the connection is still in step
}

TEST_CASE("X-Request-Id is echoed and traceparent's trace id reaches the problem") {
  GatewayProcess gw({});
  HttpClient client(gw.http_port());
  auto r = client.get("/nowhere", {{"X-Request-Id", "abc-123"},
                                  {"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}});
  CHECK(r.header("x-request-id") == "abc-123");
  CHECK(std::string(parse(r.body)["traceId"].GetString()) == "4bf92f3577b34da6a3ce929d0e0e4736");
  auto made = client.get("/nowhere", {{"X-Request-Id", std::string(300, 'x')}});
  CHECK(made.header("x-request-id").size() == 16);  // too long to echo: one of ours
}

TEST_CASE("the OpenAPI document describes exactly the routes served") {
  GatewayProcess gw({});
  HttpClient client(gw.http_port());
  auto doc = parse(client.get("/openapi.json").body);
  CHECK(std::string(doc["openapi"].GetString()) == "3.1.0");
  const auto& paths = doc["paths"];
  for (const char* p : {"/health", "/ready", "/metrics", "/openapi.json"}) {
    REQUIRE(paths.HasMember(p));
    CHECK(paths[p].HasMember("get"));
    CHECK(client.get(p).status != 404);
  }
  // Every documented operation is served (not 404/405).
  for (const auto& [method, path] : operations_of(doc)) {
    if (path.find('{') != std::string::npos) continue;
    auto status = client.request(method, path).status;
    const std::string& where = path;  // clang 14 cannot capture a structured binding in doctest's lambdas
    CHECK_MESSAGE(status != 404, where);
    CHECK_MESSAGE(status != 405, where);
  }
}

// The `target` fuzz target routes requests through its own copy of the route table (it cannot start the server):
// that copy must be every route the gateway serves, no more, or the fuzzing misses the routes added since.
TEST_CASE("the route table of the target fuzz target is the routes the gateway describes") {
  GatewayProcess gw({});
  HttpClient client(gw.http_port());
  auto doc = parse(client.get("/openapi.json").body);
  const auto served = operations_of(doc);
  std::set<Route> fuzzed;
  for (const auto& r : siao::fuzz::kGatewayRoutes) fuzzed.emplace(r.method, r.pattern);
  for (const char* method : siao::fuzz::kPartnerMethods)
    for (const char* pattern : siao::fuzz::kPartnerPatterns) fuzzed.emplace(method, pattern);
  REQUIRE(served.size() > 30);
  for (const auto& r : served) CHECK_MESSAGE(fuzzed.contains(r), r.first << " " << r.second << " is not fuzzed");
  for (const auto& r : fuzzed) CHECK_MESSAGE(served.contains(r), r.first << " " << r.second << " is not served");
}

TEST_CASE("the OpenAPI document carries the v2 schemas and every reference in it resolves") {
  GatewayProcess gw({});
  HttpClient client(gw.http_port());
  auto doc = parse(client.get("/openapi.json").body);
  const auto& schemas = doc["components"]["schemas"];
  for (const char* name : {"household-create", "household", "person", "request", "request-transition", "common"})
    CHECK_MESSAGE(schemas.HasMember(name), name);
  CHECK(doc["paths"].HasMember("/api/v2/households/{id}"));
  CHECK(doc["paths"]["/api/v2/households/{id}"].HasMember("patch"));
  std::vector<std::string> refs;
  std::function<void(const rapidjson::Value&)> walk = [&](const rapidjson::Value& v) {
    if (v.IsObject()) {
      for (const auto& m : v.GetObject()) {
        if (std::string_view(m.name.GetString()) == "$ref" && m.value.IsString()) refs.emplace_back(m.value.GetString());
        else walk(m.value);
      }
    } else if (v.IsArray()) {
      for (const auto& item : v.GetArray()) walk(item);
    }
  };
  walk(doc);
  CHECK(refs.size() > 20);
  for (const auto& ref : refs) {
    REQUIRE(ref.rfind("#/", 0) == 0);
    CHECK_MESSAGE(rapidjson::Pointer(ref.substr(1).c_str()).Get(doc) != nullptr, ref);
  }
}
