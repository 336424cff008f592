#include "gateway/app/contract_check.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "gateway/http/problem.hpp"
#include "gateway/http/target.hpp"
#include "gateway/json/body.hpp"
#include "gateway/json/schema_set.hpp"
#include "gateway/resources/json_out.hpp"

namespace siao::app {

namespace {

std::string text_of(const rapidjson::Value& v) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  v.Accept(w);
  return {out.GetString(), out.GetSize()};
}

// What the gateway would answer before touching the database: a status and the pointers of its errors.
struct Verdict {
  std::string status = "accepted";
  std::vector<std::string> pointers;

  std::string text() const {
    std::string out = status;
    for (const auto& p : pointers) out += " " + (p.empty() ? std::string("/") : p);
    return out;
  }
};

Verdict refused(const http::Problem& p) {
  Verdict v{std::to_string(p.status), {}};
  for (const auto& e : p.errors) v.pointers.push_back(e.pointer);
  return v;
}

std::string operation_string(const http::Route& route, const char* key) {
  rapidjson::Document op;
  op.Parse(route.operation.c_str());
  if (!op.IsObject() || !op.HasMember(key)) return {};
  return op[key].GetString();
}

Verdict judge_inbound(const contracts::Contract& contract, const json::SchemaSet& schemas, const http::Router& router,
                      const rapidjson::Value& request) {
  const auto& client = contract.client;
  http::Request req;
  req.method = http::parse_method(request["method"].GetString());
  req.target = request["path"].GetString();
  if (!http::parse_target(req)) return {"400", {}};
  try {
    const auto& route = router.resolve(req);
    auto scope = operation_string(route, "x-scope");
    if (!scope.empty() && !client.has_scope(scope)) return {"403", {}};
    auto schema = operation_string(route, "x-requestSchema");
    if (schema.empty()) return {};
    if (!request.HasMember("body")) return {"400", {}};
    auto body = json::parse_body(text_of(request["body"]));
    auto violations = schemas.validate(schema, body);
    if (!violations.empty()) {
      Verdict v{"422", {}};
      for (const auto& e : violations) v.pointers.push_back(e.pointer);
      return v;
    }
    if (req.method == http::Method::post && body.HasMember("territory") && body["territory"].IsString() &&
        !client.in_territory(body["territory"].GetString()))
      return {"403", {}};
    auto denied = client.fields.unwritable(schema, body);
    if (!denied.empty()) {
      Verdict v{"403", {}};
      for (const auto& e : denied) v.pointers.push_back(e.pointer);
      return v;
    }
    return {};
  } catch (const http::HttpError& e) {
    return refused(e.problem());
  }
}

Verdict expected_verdict(const rapidjson::Value& expect) {
  Verdict v;
  const auto& status = expect["status"];
  v.status = status.IsString() ? status.GetString() : std::to_string(status.GetInt());
  if (expect.HasMember("errors"))
    for (const auto& p : expect["errors"].GetArray()) v.pointers.emplace_back(p.GetString());
  return v;
}

SampleResult run_sample(const std::filesystem::path& file, const contracts::Contract& contract,
                        const json::SchemaSet& schemas, const http::Router& router) {
  SampleResult result;
  result.name = file.filename().string();
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    result.actual = "no such file: " + file.string();
    return result;
  }
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document sample;
  try {
    sample = json::parse_body(text.str());
  } catch (const http::HttpError& e) {
    result.actual = "not a sample: " + e.problem().detail;
    return result;
  }
  if (sample.HasMember("name") && sample["name"].IsString()) result.name = sample["name"].GetString();
  if (!sample.HasMember("expect") || !sample["expect"].IsObject()) {
    result.actual = "not a sample: no \"expect\" object";
    return result;
  }
  const auto& expect = sample["expect"];
  if (sample.HasMember("request") && sample["request"].IsObject() && expect.HasMember("status")) {
    auto want = expected_verdict(expect);
    auto got = judge_inbound(contract, schemas, router, sample["request"]);
    std::sort(want.pointers.begin(), want.pointers.end());
    std::sort(got.pointers.begin(), got.pointers.end());
    result.passed = want.status == got.status && (!expect.HasMember("errors") || want.pointers == got.pointers);
    result.expected = want.text();
    result.actual = got.text();
  } else if (sample.HasMember("resource") && expect.HasMember("body")) {
    auto sent = contract.client.fields.minimise(text_of(sample["resource"]));
    rapidjson::Document got;
    got.Parse(sent.c_str());
    result.passed = got == expect["body"];
    result.expected = text_of(expect["body"]);
    result.actual = sent;
  } else {
    result.actual = "not a sample: needs request + expect.status, or resource + expect.body";
  }
  return result;
}

}  // namespace

std::vector<SampleResult> run_samples(const contracts::Contract& contract, const json::SchemaSet& schemas,
                                      const http::Router& router) {
  std::vector<SampleResult> results;
  for (const auto& file : contract.samples) results.push_back(run_sample(file, contract, schemas, router));
  return results;
}

}  // namespace siao::app
