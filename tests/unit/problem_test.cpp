#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <string>

#include "gateway/http/problem.hpp"

using siao::http::make_problem;
using siao::http::Problem;
using siao::http::render_problem;

namespace {

rapidjson::Document parse(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  REQUIRE_FALSE(doc.HasParseError());
  REQUIRE(doc.IsObject());
  return doc;
}

std::string text(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

}  // namespace

TEST_CASE("a problem renders as application/problem+json with type - title - status - detail and traceId") {
  auto r = render_problem(make_problem(404, "not-found", "No resource at this path."), "4bf92f35");
  CHECK(r.status == 404);
  CHECK(r.content_type == "application/problem+json");
  auto doc = parse(r.body);
  CHECK(text(doc["type"]) == "/problems/not-found");
  CHECK(text(doc["title"]) == "Not Found");
  CHECK(doc["status"].GetInt() == 404);
  CHECK(text(doc["detail"]) == "No resource at this path.");
  CHECK(text(doc["traceId"]) == "4bf92f35");
  CHECK_FALSE(doc.HasMember("errors"));
  CHECK_FALSE(doc.HasMember("allowed"));
}

TEST_CASE("field errors render with their pointer and message only") {
  auto p = make_problem(422, "invalid-body");
  p.errors = {{"/person/birthDate", "not a date"}, {"/household/0", "required"}};
  auto doc = parse(render_problem(p, "t").body);
  REQUIRE(doc["errors"].IsArray());
  REQUIRE(doc["errors"].Size() == 2);
  const auto& first = doc["errors"][0];
  CHECK(first.MemberCount() == 2);
  CHECK(text(first["pointer"]) == "/person/birthDate");
  CHECK(text(first["message"]) == "not a date");
  CHECK(text(doc["errors"][1]["pointer"]) == "/household/0");
  CHECK_FALSE(doc.HasMember("detail"));  // empty detail is left out
}

TEST_CASE("allowed statuses render as an array of strings") {
  auto p = make_problem(409, "transition-refused", "Closed requests cannot be reopened.");
  p.allowed = std::vector<std::string>{"archived", "closed"};
  auto doc = parse(render_problem(p, "t").body);
  REQUIRE(doc["allowed"].IsArray());
  REQUIRE(doc["allowed"].Size() == 2);
  CHECK(text(doc["allowed"][0]) == "archived");
  CHECK(text(doc["allowed"][1]) == "closed");
}

TEST_CASE("the problem's headers are carried over to the response") {
  auto p = make_problem(503, "unavailable");
  p.headers = {{"Retry-After", "5"}, {"WWW-Authenticate", "Bearer"}};
  auto r = render_problem(p, "t");
  CHECK(r.status == 503);
  CHECK(r.headers == p.headers);
}

TEST_CASE("an empty slug gives about:blank and an empty title the reason phrase") {
  Problem p;
  p.status = 429;
  auto doc = parse(render_problem(p, "t").body);
  CHECK(text(doc["type"]) == "about:blank");
  CHECK(text(doc["title"]) == "Too Many Requests");
}

TEST_CASE("quotes - backslashes and control characters are escaped into valid JSON") {
  const std::string nasty = std::string("say \"hi\" \\ path\nnext\ttab ") + '\x01' + '\x1f';
  auto p = make_problem(400, "bad", nasty);
  p.errors = {{"/a\"b", nasty}};
  auto r = render_problem(p, "trace\"id");
  CHECK(std::none_of(r.body.begin(), r.body.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }));
  auto doc = parse(r.body);
  CHECK(text(doc["detail"]) == nasty);
  CHECK(text(doc["errors"][0]["pointer"]) == "/a\"b");
  CHECK(text(doc["errors"][0]["message"]) == nasty);
  CHECK(text(doc["traceId"]) == "trace\"id");
}

TEST_CASE("HttpError's message is the detail - or the title without one") {
  CHECK(std::string(siao::http::HttpError(make_problem(404, "x", "gone")).what()) == "gone");
  CHECK(std::string(siao::http::HttpError(make_problem(404, "x")).what()) == "Not Found");
}

TEST_CASE("an empty list of allowed statuses is still rendered: nowhere to go is an answer") {
  auto p = siao::http::make_problem(409, "transition-not-allowed", "closed is final");
  p.allowed.emplace();
  rapidjson::Document doc;
  doc.Parse(siao::http::render_problem(p, "t").body.c_str());
  REQUIRE(doc.HasMember("allowed"));
  CHECK(doc["allowed"].Size() == 0);
}
