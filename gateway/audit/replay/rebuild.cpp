#include "gateway/audit/replay/rebuild.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <map>
#include <pqxx/pqxx>
#include <set>

#include "gateway/api/canonical.hpp"
#include "gateway/api/exchange_route.hpp"
#include "gateway/api/v2/routes.hpp"
#include "gateway/app/dispatcher.hpp"
#include "gateway/audit/chain.hpp"
#include "gateway/audit/exchange.hpp"
#include "gateway/audit/log_reader.hpp"
#include "gateway/audit/replay/rebuild_scratch.hpp"
#include "gateway/audit/replay/rule_loader.hpp"
#include "gateway/audit/subject_keys.hpp"
#include "gateway/auth/failure_throttle.hpp"
#include "gateway/contracts/archive.hpp"
#include "gateway/domain/dates.hpp"
#include "gateway/http/target.hpp"
#include "gateway/json/schema_set.hpp"
#include "gateway/resources/json_out.hpp"
#include "gateway/storage/idempotency_store.hpp"
#include "gateway/storage/merge_store.hpp"
#include "gateway/storage/partner_keys.hpp"
#include "gateway/storage/person_match_store.hpp"
#include "gateway/storage/resource_store.hpp"
#include "gateway/util/hex.hpp"

namespace siao::audit::replay {

namespace net = boost::asio;

namespace {

using Clock = std::chrono::steady_clock;

// The advisory lock a rebuild holds on its scratch database, for the session's life ("siao-rb" in ASCII).
constexpr std::int64_t kRebuildLock = 0x7369616f2d7262;

// Authentication, replayed: the caller is the client the record names (null for a recorded 401).
class RecordedCaller final : public auth::Authenticator {
 public:
  auth::Caller authenticate(const http::Request&) const override { return {client, nullptr, false}; }
  std::shared_ptr<const auth::Client> client;
};

// What the batch finisher learns of the exchange being replayed, and what it must keep from happening.
struct InFlight {
  bool log_shows_no_effect = false;  // the record wrote nothing: neither may its replay
  bool reached = false;              // the exchange reached its transaction
  std::string resources;             // as the log would record them
  bool undone = false;               // its writes were rolled back (the log shows none)
};

bool writes_any(const std::string& resources) {
  rapidjson::Document doc;
  doc.Parse(resources.c_str(), resources.size());
  if (!doc.IsArray()) return false;
  for (const auto& r : doc.GetArray())
    if (r.IsObject() && r.HasMember("written") && r["written"].IsBool() && r["written"].GetBool()) return true;
  return false;
}

// The slug of a problem+json body ("/problems/<slug>"), "" for anything else.
std::string problem_slug(const std::optional<std::string>& body) {
  if (!body) return {};
  rapidjson::Document doc;
  doc.Parse(body->c_str(), body->size());
  if (!doc.IsObject() || !doc.HasMember("type") || !doc["type"].IsString()) return {};
  std::string type = doc["type"].GetString();
  return type.substr(type.rfind('/') + 1);
}

// An outcome that depended on what ran beside the exchange (a lock, a key taken meanwhile, a timeout), which
// a replay, one exchange at a time, cannot reproduce. Such an exchange wrote nothing, and its replay writes
// nothing either (InFlight::log_shows_no_effect).
bool concurrent_outcome(const LoggedRecord& r, const OpenedRecord& opened) {
  if (r.status >= 500) return true;
  if (r.status != 409) return false;
  auto slug = problem_slug(opened.response_body);
  return slug == "conflict" || slug == "request-in-flight";
}

std::vector<storage::PreparedStatement> prepared_statements(const std::vector<std::unique_ptr<adapters::Adapter>>& adapters) {
  std::vector<storage::PreparedStatement> all;
  for (const auto* group : {&storage::resource_statements(), &storage::idempotency_statements(),
                            &storage::partner_key_statements(), &storage::merge_statements(),
                            &storage::person_match_statements()})
    all.insert(all.end(), group->begin(), group->end());
  for (const auto& adapter : adapters) all.insert(all.end(), adapter->statements().begin(), adapter->statements().end());
  return all;
}

// What serves requests under one schema set: the v2 routes and every adapter's, over the scratch pool, behind
// the recorded caller. Records pin the schema set they ran under; each set gets its own.
struct Stack {
  std::shared_ptr<const json::SchemaSet> schemas;
  api::CanonicalApi canonical;
  std::unique_ptr<api::ApiContext> ctx;
  std::vector<std::unique_ptr<adapters::Adapter>> adapters;
  http::Router router;
  std::unique_ptr<app::Dispatcher> dispatcher;
  std::set<std::string> routes;  // "METHOD pattern"

  Stack(std::shared_ptr<const json::SchemaSet> set, storage::Pool& pool, const auth::Authenticator& caller,
        auth::FailureThrottle& throttle, const config::Config& cfg, const adapters::Registry& registry)
      : schemas(std::move(set)), adapters(registry.make_all()) {
    ctx = std::make_unique<api::ApiContext>(api::ApiContext{pool, caller, *schemas, throttle, &canonical, cfg.matching});
    api::v2::register_routes(router, *ctx);
    for (auto& adapter : adapters) adapter->register_routes(router, {*ctx, canonical});
    dispatcher = std::make_unique<app::Dispatcher>(router);
    for (const auto& route : router.routes())
      routes.insert(std::string(http::method_name(route.method)) + " " + route.pattern);
  }
};

std::optional<std::chrono::system_clock::time_point> time_of(const std::optional<std::string>& text, const char* name) {
  if (!text) return std::nullopt;
  auto t = domain::parse_rfc3339(*text);
  if (!t) throw std::invalid_argument(std::string(name) + " is not an RFC 3339 time");
  return t;
}

// Which replayed exchanges the report covers.
struct Window {
  std::optional<std::chrono::system_clock::time_point> from, to;
  std::optional<std::string> client;
  explicit Window(const Selection& s) : from(time_of(s.from, "from")), to(time_of(s.to, "to")), client(s.client) {}
  bool selects(const LoggedRecord& r) const {
    if (client && r.client_id != *client) return false;
    if (!from && !to) return true;
    auto at = domain::parse_rfc3339(r.at);
    return at && (!from || *at >= *from) && (!to || *at <= *to);
  }
};

// The request as received, rebuilt from the record: method, path and query, the headers kept, the body.
std::optional<http::Request> request_of(const LoggedRecord& r, const OpenedRecord& opened) {
  http::Request req;
  req.method = http::parse_method(r.method);
  req.target = opened.target(r);
  if (!http::parse_target(req)) return std::nullopt;
  if (opened.headers) {
    rapidjson::Document h;
    h.Parse(opened.headers->c_str(), opened.headers->size());
    if (h.IsObject())
      for (const auto& m : h.GetObject())
        if (m.value.IsString()) req.headers.emplace_back(m.name.GetString(), m.value.GetString());
  } else if (!r.headers && opened.request_body && !opened.request_body->empty()) {
    // Recorded before headers were: the media type its route requires, which it was served with if it succeeded.
    req.headers.emplace_back("content-type", req.method == http::Method::patch ? "application/merge-patch+json"
                                                                               : "application/json");
  }
  req.body = opened.request_body.value_or("");
  req.remote_address = "replay";
  req.request_id = r.request_id;
  req.trace_id = r.trace_id;
  req.replayed_at = domain::parse_rfc3339(r.at);
  return req;
}

// Notes that name records: the first few seqs, then how many.
class SeqList {
 public:
  void add(std::int64_t seq) {
    if (seqs_.size() < 20) seqs_.push_back(seq);
    ++count_;
  }
  std::int64_t count() const { return count_; }
  std::string text() const {
    std::string out;
    for (auto s : seqs_) out += (out.empty() ? "" : ", ") + std::to_string(s);
    if (count_ > static_cast<std::int64_t>(seqs_.size())) out += ", ... (" + std::to_string(count_) + " in all)";
    return out;
  }

 private:
  std::vector<std::int64_t> seqs_;
  std::int64_t count_ = 0;
};

struct Tally {
  std::int64_t records = 0, writes = 0, replayed = 0;
  std::map<std::string, SeqList> not_replayed;  // why -> which
  std::map<std::string, SeqList> concurrent;    // recorded status -> which
  SeqList undone;                               // replays whose writes were rolled back: the log shows none
};

struct Replayer {
  const config::Config& cfg;
  const adapters::Registry& registry;
  const Window& window;
  const KeyRing& keys;
  RuleLoader& rules;
  RecordedCaller& caller;
  auth::FailureThrottle& throttle;
  InFlight& in_flight;
  storage::Pool& pool;
  Stack& in_force;
  std::string in_force_sha256;
  std::map<std::string, std::unique_ptr<Stack>> stacks;  // by schema set digest, besides the one in force
  std::map<std::string, std::string> unavailable;       // rules that did not load, by key: why
  pqxx::connection& live;
  pqxx::connection& scratch;
  std::int64_t head;
  Report& report;
  Tally& tally;

  net::awaitable<void> run() {
    constexpr std::size_t kChunk = 2000;
    std::int64_t next = 1;
    while (next <= head) {
      std::vector<LoggedRecord> records;
      {
        pqxx::read_transaction tx(live);
        for_each_record(tx, next, head, [&](LoggedRecord&& r) {
          next = r.seq + 1;
          ++tally.records;
          if (r.method != "GET" && r.method != "HEAD") records.push_back(std::move(r));
          return records.size() < kChunk;
        });
      }
      if (records.empty()) break;
      for (const auto& r : records) co_await replay(r);
    }
  }

  // The stack of the schema set the record pins (the one in force for records that pin none); null when the
  // archive cannot give it back.
  Stack* stack_for(pqxx::transaction_base& tx, const LoggedRecord& r) {
    if (!r.schemas_sha256 || *r.schemas_sha256 == in_force_sha256) return &in_force;
    if (auto it = stacks.find(*r.schemas_sha256); it != stacks.end()) return it->second.get();
    auto key = "schemas " + *r.schemas_sha256;
    if (unavailable.contains(key)) return nullptr;
    try {
      auto set = rules.schemas(tx, r.schemas_sha256);
      auto stack = std::make_unique<Stack>(set, pool, caller, throttle, cfg, registry);
      return stacks.emplace(*r.schemas_sha256, std::move(stack)).first->second.get();
    } catch (const RulesUnavailable& e) {
      unavailable.emplace(key, e.what());
      return nullptr;
    }
  }

  // The recorded client: its contract version, with the mapping bundle it ran under. Null when unavailable.
  std::shared_ptr<const auth::Client> client_for(pqxx::transaction_base& tx, const LoggedRecord& r, const Stack& stack) {
    auto key = *r.contract_sha256 + "|" + r.mapping_sha256.value_or("-") + "|" + r.schemas_sha256.value_or("-");
    if (unavailable.contains(key)) return nullptr;
    try {
      auto contract = rules.contract(tx, *r.contract_sha256, r.mapping_sha256, *stack.schemas,
                                     r.schemas_sha256.value_or("in force"));
      return std::shared_ptr<const auth::Client>(contract, &contract->client);
    } catch (const RulesUnavailable& e) {
      unavailable.emplace(key, e.what());
      return nullptr;
    }
  }

  net::awaitable<void> replay(const LoggedRecord& r) {
    ++tally.writes;
    if (!in_force.routes.contains(r.method + " " + r.route)) {
      tally.not_replayed["on routes that are not the resource API (" + r.method + " " + r.route + ")"].add(r.seq);
      co_return;
    }
    std::optional<OpenedRecord> opened;
    std::shared_ptr<const auth::Client> client;
    Stack* stack = nullptr;
    {
      pqxx::read_transaction tx(live);
      opened = open_record(tx, keys, r);
      stack = stack_for(tx, r);
      if (stack && r.contract_sha256) client = client_for(tx, r, *stack);
    }
    if (opened->erased) {
      tally.not_replayed["whose subjects' keys are erased (their bodies are unreadable)"].add(r.seq);
      co_return;
    }
    if (!stack || (r.contract_sha256 && !client)) {
      tally.not_replayed["whose rules cannot be loaded from the archive"].add(r.seq);
      co_return;
    }
    auto req = request_of(r, *opened);
    if (!req) {
      tally.not_replayed["whose target does not parse"].add(r.seq);
      co_return;
    }
    {
      pqxx::work tx(scratch);
      expect_ids(tx, r.resources);
      tx.commit();
    }
    caller.client = client;
    in_flight = InFlight{};
    bool concurrent = concurrent_outcome(r, *opened);
    in_flight.log_shows_no_effect = r.status >= 400 || concurrent || !writes_any(r.resources);
    auto response = co_await stack->dispatcher->handle(*req);
    ++tally.replayed;
    if (in_flight.undone) tally.undone.add(r.seq);

    if (!window.selects(r)) co_return;
    ++report.checked;
    auto before = report.different.size();
    if (response.status != r.status) {
      if (concurrent) {
        tally.concurrent["recorded " + std::to_string(r.status) + ", replayed " + std::to_string(response.status)]
            .add(r.seq);
        ++report.identical;  // as far as a replay one exchange at a time can say
        co_return;
      }
      report.different.push_back({r.seq, "status", std::to_string(r.status), std::to_string(response.status)});
    }
    if (in_flight.reached && in_flight.resources != r.resources)
      report.different.push_back({r.seq, "resources", r.resources, in_flight.resources});
    // Bodies may hold personal data: their digests only.
    if (auto sha = util::sha256_hex(response.body); sha != r.response_sha256)
      report.different.push_back({r.seq, "response", r.response_sha256, sha});
    if (report.different.size() == before) ++report.identical;
  }
};

}  // namespace

Report rebuild(const config::Config& cfg, const adapters::Registry& adapter_registry, const Selection& selection) {
  Report report;
  report.mode = "rebuild";
  Window window(selection);
  const auto started = Clock::now();

  if (cfg.audit.replay_database_url.empty())
    throw ScratchRefused("no scratch database is configured (audit.replay_database_url)");
  // One rebuild at a time per scratch database, whichever process runs it (the CLI, an auditor's request).
  pqxx::connection scratch(cfg.audit.replay_database_url);
  {
    pqxx::nontransaction tx(scratch);
    if (!tx.exec_params1("SELECT pg_try_advisory_lock($1)", kRebuildLock)[0].as<bool>())
      throw ScratchRefused("another rebuild is running on the scratch database");
  }
  prepare_scratch(cfg.audit.replay_database_url, cfg.database.url);
  const auto replay_url = shadowing_url(cfg.audit.replay_database_url);
  check_shadowing(replay_url);

  // The live state and the log's head, in one snapshot: every effect is committed with its record, so this state
  // is exactly that of the records up to `head`. Read first: the live database goes on serving meanwhile.
  pqxx::connection live(cfg.database.url);
  std::int64_t head = 0;
  std::vector<ResourceDigest> live_digests;
  {
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(live);
    head = tx.exec1("SELECT seq FROM audit_chain_head WHERE id = 1")[0].as<std::int64_t>();
    live_digests = resource_digests(tx);
  }

  auto schemas = json::SchemaSet::load(cfg.schemas_dir);
  auto keys = KeyRing::from_file(cfg.audit.master_key_path(cfg.secrets_dir), false);
  RuleLoader rules(schemas);
  RecordedCaller caller;
  auth::FailureThrottle throttle;
  InFlight in_flight;

  // One connection, one exchange per transaction: the replay runs them in seq order, one at a time.
  storage::PoolOptions options{replay_url, 1, 16, std::max<config::Millis>(cfg.database.statement_timeout, std::chrono::seconds(60)),
                               cfg.database.connect_timeout, cfg.database.reconnect_interval, 1};
  // No audit record is written in the scratch database. An exchange the log shows changing nothing changes
  // nothing in the replay either: a refusal that the replay does not reproduce (a conflict between concurrent
  // exchanges, a header the log lacks) must not make the rebuilt state diverge; the report says it differed.
  storage::Pool pool(options, prepared_statements(adapter_registry.make_all()),
                     [&in_flight](pqxx::transaction_base& tx, const std::vector<storage::BatchStep*>& steps) {
                       for (auto* step : steps) {
                         auto* ex = dynamic_cast<Exchange*>(step);
                         if (!ex) continue;
                         in_flight.reached = true;
                         in_flight.resources = resources_json(*ex);
                         bool wrote = std::any_of(ex->resources().begin(), ex->resources().end(),
                                                  [](const ResourceRef& r) { return r.written; });
                         if (in_flight.log_shows_no_effect && wrote) {
                           storage::rollback_step(tx);
                           in_flight.undone = true;
                         }
                       }
                     });
  Stack in_force(schemas, pool, caller, throttle, cfg, adapter_registry);

  Tally tally;
  Replayer replayer{cfg,      adapter_registry, window, keys,    rules, caller, throttle, in_flight, pool,
                    in_force, contracts::schema_set_sha256(*schemas), {},     {},    live,  scratch,  head,
                    report,   tally};
  const auto replay_started = Clock::now();
  net::io_context ioc;
  std::exception_ptr failure;
  net::co_spawn(ioc, replayer.run(), [&failure](std::exception_ptr e) { failure = std::move(e); });
  ioc.run();
  pool.stop();
  if (failure) std::rethrow_exception(failure);
  const auto replayed_at = Clock::now();

  std::vector<ResourceDigest> rebuilt;
  {
    pqxx::read_transaction tx(scratch);
    rebuilt = resource_digests(tx);
  }
  auto live_digest = combine(live_digests), rebuilt_digest = combine(rebuilt);
  if (live_digest != rebuilt_digest) {
    report.different.push_back({0, "digest", live_digest, rebuilt_digest});
    for (auto& d : compare(live_digests, rebuilt)) report.different.push_back({0, d.key, d.left, d.right});
  }

  const auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
  const double replaying = seconds(replayed_at - replay_started);
  char timing[160];
  // A note cut short by the buffer is still a note.
  (void)std::snprintf(timing, sizeof timing, "%.2f s (%.0f exchanges/s); %.2f s before (scratch emptied and migrated, "
                      "live digest), %.2f s after (digests compared)", replaying,
                      replaying > 0 ? static_cast<double>(tally.replayed) / replaying : 0.0,
                      seconds(replay_started - started), seconds(Clock::now() - replayed_at));
  report.notes.push_back("log read up to record " + std::to_string(head) + ": " + std::to_string(tally.records) +
                         " records, " + std::to_string(tally.writes) + " writes, " + std::to_string(tally.replayed) +
                         " replayed in " + timing);
  report.notes.push_back("state digest: live " + live_digest + ", rebuilt " + rebuilt_digest + " (" +
                         std::to_string(live_digests.size()) + " and " + std::to_string(rebuilt.size()) + " resources)");
  if (selection.from || selection.to || selection.client)
    report.notes.emplace_back("the whole log was replayed (the state depends on every write); from, to and client "
                              "narrow the exchanges reported");
  for (const auto& [why, seqs] : tally.not_replayed)
    report.notes.push_back(std::to_string(seqs.count()) + " write exchanges not replayed, " + why + ": " + seqs.text());
  for (const auto& [what, seqs] : tally.concurrent)
    report.notes.push_back(std::to_string(seqs.count()) + " exchanges refused under concurrency (" + what +
                           "), not reproducible one at a time; their replay changed nothing: " + seqs.text());
  if (tally.undone.count())
    report.notes.push_back(std::to_string(tally.undone.count()) +
                           " replayed exchanges wrote what their record shows unwritten; rolled back: " +
                           tally.undone.text());
  for (const auto& [key, why] : replayer.unavailable) report.notes.push_back("not loaded from the archive: " + why);
  return report;
}

}  // namespace siao::audit::replay
