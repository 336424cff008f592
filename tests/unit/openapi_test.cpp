#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <stdexcept>
#include <string>

#include "gateway/ops/openapi.hpp"

using siao::http::Method;
using siao::http::Request;
using siao::http::Response;
using siao::http::Router;
using siao::ops::build_openapi;

namespace {

siao::http::Handler handler() {
  return [](Request&) -> boost::asio::awaitable<Response> { co_return Response{}; };
}

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  REQUIRE_FALSE(doc.HasParseError());
  REQUIRE(doc.IsObject());
  return doc;
}

std::string text(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

const char* kHealthOp = R"({"summary":"Liveness","responses":{"200":{"description":"alive"}}})";
const char* kGetItemOp = R"({"operationId":"getItem","parameters":[{"name":"id","in":"path","required":true}]})";

}  // namespace

TEST_CASE("the document is OpenAPI 3.1.0 JSON with the given version") {
  Router router;
  auto doc = parse(build_openapi(router, "1.2.3-rc1"));
  CHECK(text(doc["openapi"]) == "3.1.0");
  CHECK(text(doc["info"]["version"]) == "1.2.3-rc1");
  CHECK(text(doc["info"]["title"]) == "siao-gateway");
  REQUIRE(doc["paths"].IsObject());
  CHECK(doc["paths"].MemberCount() == 0);
}

TEST_CASE("one path per pattern - one lower-case method key per route - operations carried as given") {
  Router router;
  router.add(Method::get, "/health", handler(), kHealthOp);
  router.add(Method::get, "/items/{id}", handler(), kGetItemOp);
  router.add(Method::put, "/items/{id}", handler(), R"({"operationId":"putItem"})");
  router.add(Method::del, "/items/{id}", handler(), R"({"operationId":"deleteItem"})");

  auto doc = parse(build_openapi(router, "2.0.0"));
  const auto& paths = doc["paths"];
  CHECK(paths.MemberCount() == 2);
  REQUIRE(paths.HasMember("/health"));
  REQUIRE(paths.HasMember("/items/{id}"));
  CHECK(paths["/health"].MemberCount() == 1);

  const auto& item = paths["/items/{id}"];
  CHECK(item.MemberCount() == 3);
  CHECK(item.HasMember("get"));
  CHECK(item.HasMember("put"));
  CHECK(item.HasMember("delete"));
  CHECK_FALSE(item.HasMember("GET"));

  rapidjson::Document health_op, item_op;
  health_op.Parse(kHealthOp);
  item_op.Parse(kGetItemOp);
  CHECK(paths["/health"]["get"] == health_op);
  CHECK(item["get"] == item_op);
  CHECK(text(item["delete"]["operationId"]) == "deleteItem");
}

TEST_CASE("a route whose operation is not a JSON object is a logic error") {
  for (const char* op : {"[1,2]", "\"text\"", "not json", "", "{\"a\":"}) {
    CAPTURE(op);
    Router router;
    router.add(Method::get, "/health", handler(), kHealthOp);
    router.add(Method::post, "/broken", handler(), op);
    CHECK_THROWS_WITH_AS(build_openapi(router, "1"), doctest::Contains("/broken"), std::logic_error);
  }
}
