#include "gateway/api/audit/replay_routes.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <thread>

#include <pqxx/pqxx>

#include "gateway/api/v2/operation_doc.hpp"
#include "gateway/audit/replay/rebuild.hpp"
#include "gateway/audit/replay/translate.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/json/body.hpp"
#include "gateway/json/schema_set.hpp"

namespace siao::api::audit_routes {

namespace net = boost::asio;

namespace {

constexpr const char* kScope = "audit:replay";
constexpr const char* kPattern = "/api/v2/audit/replay";

struct Spec {
  const ApiContext& ctx;
  const audit::AuditServices& services;
  const adapters::Registry& adapters;
  ApiContext plain;       // ctx, but no canonical command: an audit route is none for adapters
  http::Router refusals;  // the same route as a plain exchange route: it answers and records 401 and 403
};

struct Asked {
  std::string mode;
  audit::replay::Selection selection;
};

[[noreturn]] void bad_body(std::string pointer, std::string message) {
  auto p = http::make_problem(400, "bad-request", "The body must be {\"mode\",\"from\",\"to\",\"client\"?}.");
  p.errors.push_back({std::move(pointer), std::move(message)});
  throw http::HttpError(std::move(p));
}

Asked asked_in(const http::Request& req) {
  auto body = json::parse_body(req.body);  // 400 when not JSON
  if (!body.IsObject()) bad_body("", "must be an object");
  Asked a;
  auto string_member = [&](const char* name, bool required) -> std::optional<std::string> {
    auto it = body.FindMember(name);
    if (it == body.MemberEnd() || it->value.IsNull()) {
      if (required) bad_body(std::string("/") + name, "is required");
      return std::nullopt;
    }
    if (!it->value.IsString()) bad_body(std::string("/") + name, "must be a string");
    return std::string(it->value.GetString(), it->value.GetStringLength());
  };
  a.mode = *string_member("mode", true);
  if (a.mode != "translate" && a.mode != "rebuild") bad_body("/mode", "must be \"translate\" or \"rebuild\"");
  a.selection.from = string_member("from", true);
  a.selection.to = string_member("to", true);
  a.selection.client = string_member("client", false);
  for (const char* name : {"from", "to"})
    if (!audit::replay::valid_time(*string_member(name, true)))
      bad_body(std::string("/") + name, "must be an RFC 3339 time with its zone (2026-11-03T10:00:00Z)");
  for (const auto& m : body.GetObject()) {
    std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (name != "mode" && name != "from" && name != "to" && name != "client")
      bad_body("/" + std::string(name), "is not a member of a replay request");
  }
  return a;
}

std::string run_replay(const Spec& spec, const Asked& asked);

// run_replay on a thread of its own; the coroutine resumes on its own executor with the report, or the exception.
// Only pointers cross into the thread (and into this coroutine's frame): both point into the caller's frame,
// alive until it resumes.
net::awaitable<std::string> off_thread(const Spec* spec, const Asked* asked) {
  co_return co_await net::async_initiate<decltype(net::use_awaitable), void(std::exception_ptr, std::string)>(
      [spec, asked](auto handler) {
        auto work = net::make_work_guard(handler);
        std::thread([handler = std::move(handler), work = std::move(work), spec, asked]() mutable {
          std::exception_ptr error;
          std::string result;
          try {
            result = run_replay(*spec, *asked);
          } catch (...) {
            error = std::current_exception();
          }
          auto executor = work.get_executor();
          net::dispatch(executor, [handler = std::move(handler), error, result = std::move(result)]() mutable {
            std::move(handler)(error, std::move(result));
          });
        }).detach();
      },
      net::use_awaitable);
}

std::string run_replay(const Spec& spec, const Asked& asked) {
  const auto& cfg = spec.services.cfg;
  if (asked.mode == "rebuild") return audit::replay::rebuild(cfg, spec.adapters, asked.selection).to_json();
  // The schema set in force is the server's own: it outlives every request.
  std::shared_ptr<const json::SchemaSet> in_force(std::shared_ptr<void>(), &spec.ctx.schemas);
  audit::replay::Translator translator(in_force, spec.adapters);
  pqxx::connection c(cfg.database.url);
  pqxx::read_transaction tx(c);
  return translator.run(tx, spec.services.keys, asked.selection).to_json();
}


net::awaitable<http::Response> replay(const Spec& spec, http::Request& req) {
  // Holds the caller's contract set until the exchange is recorded.
  auth::Caller caller = spec.ctx.auth.authenticate(req);
  const auth::Client* client = caller.client.get();
  if (!client || !client->has_scope(kScope)) {
    http::Request copy = req;
    co_return co_await spec.refusals.resolve(copy).handler(copy);
  }
  // cppcheck-suppress nullPointerRedundantCheck ; a null client co_returned above (cppcheck 2.10 reads past co_return)
  req.client_id = client->id;
  std::optional<auth::Quota::Ticket> ticket;
  if (caller.quota) {
    auto admission = caller.quota->admit();
    if (admission.refusal) throw http::HttpError(quota_refusal(*admission.refusal, *client));
    ticket = std::move(admission.ticket);
  }
  audit::Exchange::Work work;
  try {
    auto asked = asked_in(req);
    if (asked.mode == "rebuild" && spec.services.cfg.audit.replay_database_url.empty())
      throw http::HttpError(http::make_problem(409, "replay-unavailable",
                                               "No scratch database is configured (audit.replay_database_url): "
                                               "rebuild runs from the command line only."));
    std::exception_ptr failed;
    std::string answer;
    try {
      answer = co_await off_thread(&spec, &asked);
    } catch (...) {
      failed = std::current_exception();
    }
    work = [failed, answer = std::move(answer)](pqxx::transaction_base&, audit::Exchange&) {
      if (failed) std::rethrow_exception(failed);  // recorded, then answered as the dispatcher says
      http::Response r;
      r.body = answer;
      return r;
    };
  } catch (const http::HttpError& e) {
    work = [problem = e.problem()](pqxx::transaction_base&, audit::Exchange&) -> http::Response {
      throw http::HttpError(problem);
    };
  }
  audit::Exchange exchange(req, client, std::move(work));
  co_await spec.ctx.pool.run_batched(exchange);
  co_return std::move(exchange.response());
}

}  // namespace

void register_audit_replay_routes(http::Router& router, const ApiContext& ctx, const audit::AuditServices& services,
                                  const adapters::Registry& adapters) {
  v2::OperationDoc doc;
  doc.summary =
      "Replay logged exchanges (translate: judged and translated again under their recorded rules; rebuild: "
      "every write applied to a scratch database) and report every difference";
  doc.tag = "Audit";
  doc.scope = kScope;
  doc.problems = {400, 401, 403, 409};
  doc.request_schema = "audit-replay-request";
  doc.response_schema = "audit-replay-report";
  auto spec = std::make_shared<Spec>(Spec{ctx, services, adapters, ctx, {}});
  spec->plain.canonical = nullptr;
  add_exchange_route(
      spec->refusals, spec->plain, http::Method::post, kPattern, kScope,
      [](pqxx::transaction_base&, audit::Exchange&) -> http::Response {
        throw std::logic_error("the replay route's refusals route ran for a caller it should not have");
      },
      "{}");
  router.add(
      http::Method::post, kPattern, [spec](http::Request& req) { return replay(*spec, req); },
      v2::operation_json(doc));
}

}  // namespace siao::api::audit_routes
