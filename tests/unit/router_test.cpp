#include <doctest/doctest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "gateway/http/problem.hpp"
#include "gateway/http/router.hpp"

using siao::http::HttpError;
using siao::http::Method;
using siao::http::Problem;
using siao::http::Request;
using siao::http::Response;
using siao::http::Router;

namespace {

siao::http::Handler handler() {
  return [](Request&) -> boost::asio::awaitable<Response> { co_return Response{}; };
}

Request request(Method method, std::vector<std::string> segments) {
  Request req;
  req.method = method;
  req.segments = std::move(segments);
  return req;
}

// The problem resolve throws, or nothing when it finds a route.
std::optional<Problem> problem_of(const Router& router, Request req) {
  try {
    router.resolve(req);
  } catch (const HttpError& e) {
    return e.problem();
  }
  return std::nullopt;
}

std::string header(const Problem& p, const std::string& name) {
  for (const auto& [key, value] : p.headers)
    if (key == name) return value;
  return "(absent)";
}

}  // namespace

TEST_CASE("a literal pattern matches its own path and fills req.route") {
  Router router;
  router.add(Method::get, "/health", handler(), "{}");
  router.add(Method::get, "/ready", handler(), "{}");
  auto req = request(Method::get, {"ready"});
  CHECK(&router.resolve(req).handler == &router.routes()[1].handler);
  CHECK(req.route == "/ready");
  CHECK(req.path_params.empty());
}

TEST_CASE("{param} segments match any value and fill path_params") {
  Router router;
  router.add(Method::get, "/api/v2/households/{id}/members/{member}", handler(), "{}");
  auto req = request(Method::get, {"api", "v2", "households", "h-1", "members", "m 2"});
  router.resolve(req);
  CHECK(req.route == "/api/v2/households/{id}/members/{member}");
  REQUIRE(req.path_params.size() == 2);
  CHECK(req.path_param("id") == "h-1");
  CHECK(req.path_param("member") == "m 2");
  CHECK(req.path_param("absent").empty());

  // Resolving the same request again does not pile up parameters.
  router.resolve(req);
  CHECK(req.path_params.size() == 2);
}

TEST_CASE("literal segments must match exactly and the segment count must agree") {
  Router router;
  router.add(Method::get, "/api/v2/x", handler(), "{}");
  CHECK_FALSE(problem_of(router, request(Method::get, {"api", "v2", "x"})).has_value());
  CHECK(problem_of(router, request(Method::get, {"api", "v3", "x"}))->status == 404);
  CHECK(problem_of(router, request(Method::get, {"api", "v2"}))->status == 404);
  CHECK(problem_of(router, request(Method::get, {"api", "v2", "x", "y"}))->status == 404);
}

TEST_CASE("an unknown path is a 404 problem") {
  Router router;
  router.add(Method::get, "/health", handler(), "{}");
  auto req = request(Method::get, {"nothing"});
  CHECK_THROWS_AS(router.resolve(req), HttpError);
  auto p = problem_of(router, req);
  REQUIRE(p.has_value());
  CHECK(p->status == 404);
  CHECK(p->slug == "not-found");
}

TEST_CASE("a known path with another method is a 405 listing the allowed methods") {
  Router router;
  router.add(Method::post, "/items/{id}", handler(), "{}");
  router.add(Method::get, "/items/{id}", handler(), "{}");
  router.add(Method::post, "/orders", handler(), "{}");

  auto p = problem_of(router, request(Method::del, {"items", "7"}));
  REQUIRE(p.has_value());
  CHECK(p->status == 405);
  CHECK(p->slug == "method-not-allowed");
  CHECK(header(*p, "Allow") == "GET, HEAD, POST");

  auto only_post = problem_of(router, request(Method::get, {"orders"}));
  REQUIRE(only_post.has_value());
  CHECK(only_post->status == 405);
  CHECK(header(*only_post, "Allow") == "POST");
}

TEST_CASE("HEAD is served by the GET route - unless a HEAD route exists") {
  Router router;
  router.add(Method::get, "/a", handler(), "{}");
  router.add(Method::get, "/b/{id}", handler(), "{}");
  router.add(Method::head, "/b/{id}", handler(), "{}");

  auto head_a = request(Method::head, {"a"});
  CHECK(&router.resolve(head_a).handler == &router.routes()[0].handler);
  CHECK(head_a.route == "/a");

  auto head_b = request(Method::head, {"b", "9"});
  CHECK(&router.resolve(head_b).handler == &router.routes()[2].handler);
  CHECK(head_b.path_param("id") == "9");
}

TEST_CASE("registering the same method and pattern twice is a logic error") {
  Router router;
  router.add(Method::get, "/a/{id}", handler(), "{}");
  CHECK_THROWS_AS(router.add(Method::get, "/a/{id}", handler(), "{}"), std::logic_error);
  CHECK_NOTHROW(router.add(Method::post, "/a/{id}", handler(), "{}"));
  CHECK(router.routes().size() == 2);
}

TEST_CASE("a pattern not starting with / is refused") {
  Router router;
  CHECK_THROWS_AS(router.add(Method::get, "health", handler(), "{}"), std::invalid_argument);
  CHECK_THROWS_AS(router.add(Method::get, "", handler(), "{}"), std::invalid_argument);
}

TEST_CASE("a route at / serves the request for /") {
  // Boost.URL gives the path "/" no segment at all.
  Router router;
  router.add(Method::get, "/", handler(), "{}");
  auto req = request(Method::get, {});
  CHECK_FALSE(problem_of(router, req).has_value());
}

TEST_CASE("a {param} does not match an empty segment") {
  Router router;
  router.add(Method::get, "/households/{id}", handler(), "{}");
  auto p = problem_of(router, request(Method::get, {"households", ""}));
  REQUIRE(p.has_value());
  CHECK(p->status == 404);
}

TEST_CASE("two patterns that differ only by parameter names are the same route") {
  Router router;
  router.add(Method::get, "/a/{id}", handler(), "{}");
  CHECK_THROWS_AS(router.add(Method::get, "/a/{key}", handler(), "{}"), std::logic_error);
}
