#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "gateway/http/problem.hpp"
#include "gateway/json/body.hpp"
#include "gateway/json/pointer.hpp"

using siao::json::parse_body;
using siao::json::pointer_append;

namespace {

// The problem parse_body throws for `body`; fails the test when it does not throw.
siao::http::Problem refusal(std::string_view body) {
  try {
    parse_body(body);
  } catch (const siao::http::HttpError& e) {
    return e.problem();
  }
  FAIL("parse_body accepted the body");
  return {};
}

std::string nested(std::size_t arrays) {
  return "{\"a\":" + std::string(arrays, '[') + std::string(arrays, ']') + "}";
}

}  // namespace

TEST_CASE("json pointer: tokens are escaped as RFC 6901 says") {
  CHECK(pointer_append("", "members") == "/members");
  CHECK(pointer_append("/members", std::size_t{0}) == "/members/0");
  CHECK(pointer_append("", "a/b") == "/a~1b");
  CHECK(pointer_append("", "m~n") == "/m~0n");
  CHECK(pointer_append("", "~/") == "/~0~1");
  CHECK(pointer_append("/x", "") == "/x/");
}

TEST_CASE("json body: an object parses - and so does a view into a larger buffer") {
  auto doc = parse_body(R"({"territory":"75","members":[{"lastName":"DUPONT"}],"n":1.5,"ok":true,"none":null})");
  REQUIRE(doc.IsObject());
  CHECK(std::string(doc["territory"].GetString()) == "75");
  CHECK(doc["members"][0]["lastName"].GetStringLength() == 6);

  const std::string buffer = R"({"a":1}garbage that is not part of the view)";
  CHECK(parse_body(std::string_view(buffer).substr(0, 7))["a"].GetInt() == 1);
}

TEST_CASE("json body: empty - malformed - trailing content and non-objects are 400 malformed-json") {
  for (std::string_view body : {"", "   \n", "{", R"({"a":1,})", R"({"a" 1})", "{'a':1}", R"({"a":tru})",
                                R"({"a":1} x)", "{} {}", R"({"a":1}})", "[]", "[1,2]", R"("text")", "42", "null"}) {
    CAPTURE(body);
    const auto p = refusal(body);
    CHECK(p.status == 400);
    CHECK(p.slug == "malformed-json");
  }
}

TEST_CASE("json body: a syntax error's detail says where - with RapidJSON's words") {
  const auto p = refusal(R"({"a":1,,})");
  CHECK(p.detail.find("byte 7") != std::string::npos);
  CHECK(p.detail.find("Missing a name for object member") != std::string::npos);
  CHECK(refusal(R"({"a":1} x)").detail.find("must not be followed by other values") != std::string::npos);
  CHECK(refusal("[1]").detail == "The body must be a JSON object.");
}

TEST_CASE("json body: bytes that are not UTF-8 are 400 invalid-utf8") {
  for (std::string_view body : {"{\"a\":\"\xFF\"}", "{\"a\":\"\xC0\xAF\"}", "{\"a\":\"\x80\"}", "{\"a\":\"\xE2\x82\"}",
                                "{\"\xFE\":1}", "{\"a\":\"\xF5\x80\x80\x80\"}"}) {
    CAPTURE(body);
    const auto p = refusal(body);
    CHECK(p.status == 400);
    CHECK(p.slug == "invalid-utf8");
    CHECK(p.detail.find("byte") != std::string::npos);
  }
  CHECK(parse_body("{\"a\":\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"}")["a"].GetStringLength() == 9);
}

TEST_CASE("json body: an escaped lone surrogate is 400 malformed-json - in a value or a name - a pair is a character") {
  // Lone low surrogates decode to bytes that are not UTF-8 (ED B0 82): they would reach schemas, SQL and the
  // pointers of problems.
  for (std::string_view body : {R"({"a":"\uD800"})", R"({"a":"\uDC02"})", R"({"a":"x\uDFFFy"})",
                                R"({"\uDC02\uD600":1})", R"({"a":["ok","\uDC00\uD800"]})"}) {
    CAPTURE(body);
    const auto p = refusal(body);
    CHECK(p.status == 400);
    CHECK(p.slug == "malformed-json");
    CHECK(p.detail.find("surrogate") != std::string::npos);
  }
  CHECK(std::string(parse_body(R"({"a":"\uD83D\uDE00"})")["a"].GetString()) == "\xF0\x9F\x98\x80");
  CHECK(std::string(parse_body(R"({"a":"\uD7FF\uE000"})")["a"].GetString()) == "\xED\x9F\xBF\xEE\x80\x80");
}

TEST_CASE("json body: a number past the double range is 400 malformed-json - even one RapidJSON reads as infinity") {
  // "2e308" came back from RapidJSON 1.1 as infinity, which no writer can give back: a fuzzed Rosalie body put it
  // in a translation that could not be written as JSON.
  for (std::string_view body : {R"({"a":2e308})", R"({"a":[1,-2e308]})", R"({"a":1e400})", R"({"a":{"b":9.9e999}})"}) {
    CAPTURE(body);
    const auto p = refusal(body);
    CHECK(p.status == 400);
    CHECK(p.slug == "malformed-json");
    CHECK(p.detail.find("Number too big") != std::string::npos);
  }
  CHECK(parse_body(R"({"a":1.7e308})")["a"].GetDouble() == 1.7e308);
}

TEST_CASE("json body: 32 levels of nesting are fine - 33 are 400 too-deep") {
  CHECK(parse_body(nested(31)).IsObject());  // the outer object is level 1
  const auto p = refusal(nested(32));
  CHECK(p.status == 400);
  CHECK(p.slug == "too-deep");

  std::string objects;
  for (int i = 0; i < 32; ++i) objects += "{\"a\":";
  objects += "1" + std::string(32, '}');
  CHECK(parse_body(objects).IsObject());
  CHECK(refusal("{\"a\":" + objects + "}").slug == "too-deep");
}

TEST_CASE("json body: 100 000 levels of nesting are refused without crashing") {
  CHECK(refusal(nested(100000)).slug == "too-deep");
  CHECK(refusal("{\"a\":" + std::string(100000, '[')).slug == "too-deep");  // unterminated, too
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  CHECK(refusal(objects).slug == "too-deep");
  CHECK(refusal(std::string(100000, '[')).slug == "malformed-json");  // not an object, first
}

TEST_CASE("json body: a member name repeated in one object is 400 duplicate-member - with its pointer") {
  auto p = refusal(R"({"a":1,"b":2,"a":3})");
  CHECK(p.status == 400);
  CHECK(p.slug == "duplicate-member");
  CHECK(p.detail.find("/a") != std::string::npos);
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].pointer == "/a");

  p = refusal(R"({"members":[{"x":1},{"y":[1,{"x":1}],"x":1,"x":2}]})");
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].pointer == "/members/1/x");
  CHECK(refusal(R"({"a/b":1,"a\/b":2})").errors.at(0).pointer == "/a~1b");  // escapes compare unescaped
  CHECK(refusal(R"({"o":{"a":1,"\u0061":2}})").errors.at(0).pointer == "/o/a");

  CHECK(parse_body(R"({"a":{"a":1},"b":[{"a":1},{"a":2}]})").IsObject());  // same name, other objects
}

TEST_CASE("json body: a repeated name in a large object is found - the first one a reader meets") {
  std::string body = "{";
  for (int i = 0; i < 40; ++i) body += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  CHECK(parse_body(body.substr(0, body.size() - 1) + "}").MemberCount() == 40);
  // k30 repeats after k7 does: k7's repeat comes first in the text.
  auto p = refusal(body + R"("k7":0,"k30":0})");
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].pointer == "/k7");
  // A repeat inside a member's value is met before a repeat of a later member's name.
  p = refusal(R"({"a":{"x":1,"x":2},"a":3})");
  CHECK(p.errors.at(0).pointer == "/a/x");
  p = refusal(R"({"a":1,"a":{"x":1,"x":2}})");
  CHECK(p.errors.at(0).pointer == "/a");
}

TEST_CASE("json body: numbers beyond a double are refused - other large numbers parse") {
  for (std::string_view body : {R"({"n":1e400})", R"({"n":-1e400})", R"({"n":1e99999999999999999999})"}) {
    CAPTURE(body);
    CHECK(refusal(body).slug == "malformed-json");
  }
  CHECK(refusal("{\"n\":" + std::string(10000, '9') + "}").slug == "malformed-json");
  CHECK(parse_body(R"({"n":18446744073709551616})")["n"].IsDouble());
  CHECK(parse_body(R"({"n":-9223372036854775809})")["n"].IsDouble());
  CHECK(parse_body(R"({"n":18446744073709551615})")["n"].IsUint64());
  CHECK(parse_body(R"({"n":1e-400})")["n"].GetDouble() == 0.0);
  CHECK(parse_body("{\"n\":0." + std::string(10000, '0') + "1}")["n"].IsDouble());
  CHECK(parse_body(R"({"n":1e-99999999999999999999})")["n"].IsDouble());
}

TEST_CASE("json body: an escaped NUL passes the parser (the schemas refuse it) - a raw one does not") {
  auto doc = parse_body(R"({"a":"x\u0000y"})");
  CHECK(doc["a"].GetStringLength() == 3);
  CHECK(refusal(std::string_view("{\"a\":\"x\0y\"}", 11)).status == 400);
  CHECK(refusal(std::string_view("{\"a\":1}\0", 8)).slug == "malformed-json");
  // RapidJSON takes a NUL byte for the end of its input: trailing content after one is refused all the same.
  CHECK(refusal(std::string_view("{\"a\":1}\0{\"b\":2}", 15)).detail.find("byte 7") != std::string::npos);
}

TEST_CASE("json body: a UTF-8 byte order mark is skipped - as RFC 8259 allows") {
  CHECK(parse_body("\xEF\xBB\xBF{\"a\":1}")["a"].GetInt() == 1);
}
