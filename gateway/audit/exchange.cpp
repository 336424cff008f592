#include "gateway/audit/exchange.hpp"


#include <pqxx/pqxx>

#include "gateway/domain/dates.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/log/log.hpp"
#include "gateway/resources/json_out.hpp"
#include "gateway/storage/idempotency_store.hpp"
#include "gateway/util/hex.hpp"
#include "gateway/util/text.hpp"

namespace siao::audit {

namespace {

http::Problem problem_of(std::exception_ptr error, const http::Request& req) {
  try {
    std::rethrow_exception(std::move(error));
  } catch (const http::HttpError& e) {
    return e.problem();
  } catch (const storage::Unavailable& e) {
    auto p = http::make_problem(503, "database-unavailable", e.what());
    p.headers.emplace_back("Retry-After", "2");
    return p;
  } catch (const pqxx::sql_error& e) {
    // Lock contention that PostgreSQL resolved by failing one side: the caller may retry.
    if (e.sqlstate() == "57014" || e.sqlstate().rfind("57P", 0) == 0) {
      auto p = http::make_problem(503, "database-unavailable", "The database answered too slowly or is restarting.");
      p.headers.emplace_back("Retry-After", "2");
      return p;
    }
    // A unique key taken by a concurrent exchange between our check and our insert.
    if (e.sqlstate() == "23505")
      return http::make_problem(409, "conflict", "A concurrent request wrote the same key; read it again.");
    if (e.sqlstate() == "40P01" || e.sqlstate() == "40001" || e.sqlstate() == "55P03") {
      auto p = http::make_problem(503, "contention", "A concurrent change got in the way; retry.");
      p.headers.emplace_back("Retry-After", "1");
      return p;
    }
    log::event(log::Level::error, "exchange failed",
               {{"traceId", std::string_view(req.trace_id)}, {"sqlstate", std::string_view(e.sqlstate())}});
  } catch (const std::exception& e) {
    log::event(log::Level::error, "exchange failed",
               {{"traceId", std::string_view(req.trace_id)}, {"error", std::string_view(e.what())}});
  }
  return http::make_problem(500, "internal-error", "The gateway could not complete the request.");
}

}  // namespace

Exchange::Exchange(const http::Request& request, const auth::Client* client, Work work)
    : received_(request),
      request_(&request),
      client_(client),
      work_(std::move(work)),
      started_(std::chrono::steady_clock::now()) {
  read_clock();
}

void Exchange::read_clock() {
  // A rebuild replays an exchange at the time it was recorded: what it writes carries that time, as live.
  now_at_ = received_.replayed_at.value_or(std::chrono::system_clock::now());
  now_ = domain::rfc3339_utc(now_at_);
}

void Exchange::add_version(std::string_view kind, std::int64_t id, storage::VersionRecord record,
                           storage::VersionFacts facts) {
  versions_.push_back({kind, id, std::move(record), std::move(facts)});
}

void Exchange::add_partner_keys(std::string partner, std::vector<storage::NewPartnerKey> keys, KeyTaken taken) {
  if (!keys_.empty()) throw std::logic_error("an exchange records one set of partner keys");
  keys_partner_ = std::move(partner);
  keys_ = std::move(keys);
  key_taken_ = std::move(taken);
}

void Exchange::record_canonical(const http::Request& canonical) {
  canonical_.push_back(resources::json_text([&](resources::JsonWriter& w) {
    w.StartObject();
    resources::put(w, "method", http::method_name(canonical.method));
    resources::put(w, "target", canonical.target);
    bool any_header = false;
    for (const auto& [name, value] : canonical.headers) {
      if (name == "content-type") continue;  // implied by the method
      if (!any_header) {
        resources::put(w, "headers");
        w.StartObject();
        any_header = true;
      }
      resources::put(w, name, value);
    }
    if (any_header) w.EndObject();
    if (!canonical.body.empty()) resources::put(w, "body", canonical.body);
    w.EndObject();
  }));
}

void Exchange::touched(std::string_view kind, std::int64_t id, int version, bool written) {
  resources_.push_back({kind, id, version, written});
}

bool Exchange::writes() const { return received_.method != http::Method::get && received_.method != http::Method::head; }

std::int64_t Exchange::duration_us() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(finished_ - started_).count();
}

void Exchange::step(pqxx::transaction_base& tx) {
  // The batch may have waited: the exchange's time is when its work runs.
  read_clock();
  resources_.clear();
  versions_.clear();
  canonical_.clear();
  auto key = received_.header("idempotency-key");
  if (key && received_.method == http::Method::post && client_) run_with_idempotency(tx, *key);
  else run_work(tx);
  finished_ = std::chrono::steady_clock::now();
}

void Exchange::run_with_idempotency(pqxx::transaction_base& tx, std::string_view key) {
  // The key is an SQL parameter: PostgreSQL refuses invalid UTF-8 in it (a 500), and a NUL would cut it short.
  if (key.empty() || key.size() > 255 || !util::is_storable_text(key))
    throw http::HttpError(http::make_problem(400, "bad-idempotency-key",
                                             "Idempotency-Key must be 1 to 255 characters of UTF-8 text."));
  std::string k(key);
  auto fingerprint = util::sha256_hex(std::string(http::method_name(received_.method)) + " " + received_.target + "\n" +
                                      received_.body);
  // Held until the batch commits: a second call with this key, from any instance, sees it as in flight.
  if (!storage::lock_idempotency_key(tx, client_->id, k))
    throw http::HttpError(http::make_problem(409, "request-in-flight",
                                             "A request with this Idempotency-Key is still being processed."));
  if (auto stored = storage::find_idempotency_key(tx, client_->id, k)) {
    if (stored->request_sha256 != fingerprint)
      throw http::HttpError(http::make_problem(
          422, "idempotency-key-reused", "This Idempotency-Key was used for a different request."));
    response_ = std::move(stored->response);
    response_.set("Idempotent-Replayed", "true");
    return;
  }
  run_work(tx);
  storage::store_idempotency_key(tx, client_->id, k, fingerprint, response_);
}

void Exchange::run_work(pqxx::transaction_base& tx) {
  keys_.clear();
  response_ = work_(tx, *this);
  // Minimised here, before it is kept for Idempotency-Key replays or hashed into the log: what the client
  // may not read never leaves, and the log records what was sent.
  if (client_ && client_->fields.restricts_reads() && response_.content_type == "application/json")
    response_.body = client_->fields.minimise(std::move(response_.body));
  if (!keys_.empty()) {
    if (auto taken = storage::add_partner_keys(tx, versions_, keys_partner_, keys_, now_, client_->id))
      key_taken_(taken->first, taken->second);
  } else if (!versions_.empty()) {
    storage::insert_versions(tx, versions_);
  }
}

void Exchange::step_failed(std::exception_ptr error) noexcept {
  finished_ = std::chrono::steady_clock::now();
  resources_.clear();  // rolled back: it changed nothing
  versions_.clear();
  try {
    response_ = http::render_problem(problem_of(error, received_), received_.trace_id);
  } catch (...) {
    response_ = http::Response{};
    response_.status = 500;
  }
}

}  // namespace siao::audit
