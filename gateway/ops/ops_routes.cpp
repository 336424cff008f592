#include "gateway/ops/ops_routes.hpp"

#include <pqxx/pqxx>

#include "gateway/http/problem.hpp"
#include "gateway/ops/metrics.hpp"
#include "gateway/ops/readiness.hpp"
#include "gateway/storage/pool.hpp"

namespace siao::ops {

namespace net = boost::asio;
using http::Method;
using http::Request;
using http::Response;

namespace {

Response json(std::string body) {
  Response r;
  r.body = std::move(body);
  return r;
}

http::HttpError not_ready(std::string detail) {
  auto p = http::make_problem(503, "not-ready", std::move(detail));
  p.headers.emplace_back("Retry-After", "2");
  return http::HttpError(std::move(p));
}

net::awaitable<Response> ready(const OpsContext& ctx) {
  if (auto error = ctx.readiness.schema_error(); !error.empty())
    throw not_ready("The database schema cannot be brought up to date: " + error);
  int schema = ctx.readiness.schema_version();
  if (schema == 0) throw not_ready("The database schema is not migrated yet.");
  int contracts = ctx.readiness.contracts();
  if (contracts == 0) throw not_ready("No contract is loaded.");
  try {
    co_await ctx.pool.run([](pqxx::connection& c) {
      pqxx::nontransaction t(c);
      t.exec_prepared("ping");
    });
  } catch (const storage::Unavailable& e) {
    throw not_ready(std::string("The database is unreachable: ") + e.what());
  }
  co_return json(R"({"status":"ready","database":"ok","schemaVersion":)" + std::to_string(schema) +
                 R"(,"contracts":)" + std::to_string(contracts) + "}");
}

const char* const kHealthDoc = R"({"summary":"The process is up","tags":["operations"],"security":[],
 "responses":{"200":{"description":"Up","content":{"application/json":{"schema":{"type":"object",
 "properties":{"status":{"const":"ok"}}}}}}}})";
const char* const kReadyDoc = R"({"summary":"The gateway can serve: database reachable, schema migrated","tags":["operations"],
 "security":[],"responses":{"200":{"description":"Ready","content":{"application/json":{"schema":{"type":"object",
 "properties":{"status":{"const":"ready"},"database":{"const":"ok"},"schemaVersion":{"type":"integer"},"contracts":{"type":"integer"}}}}}},
 "503":{"$ref":"#/components/responses/Unavailable"}}})";
const char* const kMetricsDoc = R"({"summary":"Prometheus metrics","tags":["operations"],"security":[],
 "responses":{"200":{"description":"Prometheus text exposition format 0.0.4",
 "content":{"text/plain":{"schema":{"type":"string"}}}}}})";
const char* const kOpenApiDoc = R"({"summary":"This document","tags":["operations"],"security":[],
 "responses":{"200":{"description":"OpenAPI 3.1 description of every route","content":{"application/json":{}}}}})";

}  // namespace

void register_ops_routes(http::Router& router, const OpsContext& ctx) {
  router.add(Method::get, "/health", [](Request&) -> net::awaitable<Response> { co_return json(R"({"status":"ok"})"); },
             kHealthDoc);
  router.add(Method::get, "/ready", [&ctx](Request&) { return ready(ctx); }, kReadyDoc);
  router.add(
      Method::get, "/metrics",
      [&ctx](Request&) -> net::awaitable<Response> {
        Response r;
        r.content_type = "text/plain; version=0.0.4; charset=utf-8";
        r.body = ctx.metrics.render();
        co_return r;
      },
      kMetricsDoc);
  router.add(Method::get, "/openapi.json",
             [&ctx](Request&) -> net::awaitable<Response> { co_return json(ctx.openapi); }, kOpenApiDoc);
}

}  // namespace siao::ops
