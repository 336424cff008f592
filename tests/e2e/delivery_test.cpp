// Outbound delivery of the change feed (issue 9, docs/delivery.md): a real gateway sends each change to a
// loopback receiver that a test stops, slows and makes fail.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>

#include <set>

#include "tests/e2e/contracts_fixture.hpp"
#include "tests/e2e/rosalie_fixture.hpp"
#include "tests/support/test_cert.hpp"
#include "tests/support/webhook_receiver.hpp"

namespace siao::test::contracts {

namespace {

constexpr const char* kSubscriber = "hook-partner";
constexpr const char* kSecret = "test-webhook-secret-0123456789";

std::string subscriber_contract(const std::string& endpoint, const std::string& id = kSubscriber) {
  return R"({
  "id": ")" + id + R"(",
  "name": "Test subscriber",
  "version": "1.0.0",
  "credentials": {"apiKeyFrom": {"env": ")" + key_env(id) + R"("}},
  "scopes": ["households:read", "persons:read", "requests:read"],
  "territories": "*",
  "adapter": {"name": "generic", "mappingVersion": "v2"},
  "quota": {"rate": 10000, "burst": 10000, "maxInFlight": 64},
  "outbound": {"endpoint": ")" + endpoint + R"(", "secretFrom": {"env": "SIAO_KEY_HOOK_SECRET"}}
}
)";
}

// Quick retries, so that a test sees several within seconds.
void fast_delivery(std::map<std::string, std::string>& env, int max_age_seconds = 3600) {
  env["GATEWAY_DELIVERY_BASE_DELAY_MS"] = "50";
  env["GATEWAY_DELIVERY_MAX_DELAY_MS"] = "200";
  env["GATEWAY_DELIVERY_POLL_INTERVAL_MS"] = "50";
  env["GATEWAY_DELIVERY_TIMEOUT_MS"] = "2000";
  env["GATEWAY_DELIVERY_LEASE_SECONDS"] = "4";
  env["GATEWAY_DELIVERY_MAX_AGE_SECONDS"] = std::to_string(max_age_seconds);
}

struct HookGateway : ContractsGateway {
  WebhookReceiver receiver;
  explicit HookGateway(int max_age_seconds = 3600) {
    contracts.put(kSubscriber, subscriber_contract(receiver.url()));
    env["SIAO_KEY_HOOK_PARTNER"] = test_key(kSubscriber);
    env["SIAO_KEY_HOOK_SECRET"] = kSecret;
    fast_delivery(env, max_age_seconds);
  }
  std::unique_ptr<GatewayProcess> another() const {
    auto e = env;
    e["GATEWAY_CONTRACTS_DIR"] = contracts.path().string();
    auto g = std::make_unique<GatewayProcess>(GatewayOptions{.database_url = db.url(), .env = e});
    REQUIRE(g->wait_ready(std::chrono::seconds(15)));
    return g;
  }
  long long events() const { return count("SELECT count(*) FROM events"); }
  long long in_state(const std::string& state) const {
    return count("SELECT count(*) FROM deliveries WHERE subscriber = 'hook-partner' AND state = " + sql_text(state));
  }
  // The event seqs of each household, in seq order.
  std::map<std::string, std::vector<std::string>> seqs_by_household() const {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& r : rows(db.url(), "SELECT e.household_id::text, e.seq::text AS s FROM events e ORDER BY e.seq"))
      out[r[0]].push_back(r[1]);
    return out;
  }
};

std::string hmac_signature(const std::string& id, const std::string& timestamp, const std::string& body) {
  const std::string content = id + "." + timestamp + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSecret, static_cast<int>(std::strlen(kSecret)), reinterpret_cast<const unsigned char*>(content.data()),
       content.size(), mac, &len);
  std::string b64(4 * ((len + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), mac, static_cast<int>(len));
  b64.resize(static_cast<std::size_t>(n));
  return "v1," + b64;
}

std::string household_of(const ReceivedWebhook& w) {
  rapidjson::Document d;
  d.Parse(w.body.c_str());
  REQUIRE_MESSAGE(!d.HasParseError(), w.body);
  return d["data"]["householdId"].GetString();
}

// Each household's webhook-ids in arrival order, first deliveries only (a repeat is allowed, a step back is not).
std::map<std::string, std::vector<std::string>> arrival_by_household(const std::vector<ReceivedWebhook>& got) {
  std::map<std::string, std::vector<std::string>> out;
  std::set<std::string> seen;
  for (const auto& w : got)
    if (seen.insert(w.headers.at("webhook-id")).second) out[household_of(w)].push_back(w.headers.at("webhook-id"));
  return out;
}

std::string text_of(const std::map<std::string, std::vector<std::string>>& m) {
  std::string out;
  for (const auto& [k, v] : m) {
    out += k + ":";
    for (const auto& s : v) out += " " + s;
    out += "\n";
  }
  return out;
}

// Each household's events arrive in seq order (first deliveries).
void check_order(const std::vector<ReceivedWebhook>& got, const std::map<std::string, std::vector<std::string>>& expected) {
  auto arrived = arrival_by_household(got);
  INFO("arrived:\n" << text_of(arrived) << "expected:\n" << text_of(expected));
  CHECK(arrived == expected);
}

std::set<std::string> ids_of(const std::vector<ReceivedWebhook>& got) {
  std::set<std::string> out;
  for (const auto& w : got) out.insert(w.headers.at("webhook-id"));
  return out;
}

// A household with two members and a request, then its territory changed twice: six or more events about it.
void busy_household(ApiClient& api, const std::string& territory) {
  auto s = seed(api, territory);
  auto url = "/api/v2/households/" + s.household;
  auto first = api.patch(url, R"({"territory":"93"})", "\"1\"");
  REQUIRE_MESSAGE(first.status == 200, first.body);
  auto second = api.patch(url, R"({"territory":"94"})", "\"2\"");
  REQUIRE_MESSAGE(second.status == 200, second.body);
}

}  // namespace

}  // namespace siao::test::contracts

// At file scope: cppcheck 2.10 cannot parse doctest's TEST_CASE inside a namespace.
using namespace siao::test;
using namespace siao::test::contracts;

TEST_CASE("delivery sends every change once and in order per household with a signature that verifies") {
  HookGateway g;
  g.start();
  auto api = g.backoffice();
  for (int i = 0; i < 3; ++i) busy_household(api, "75");
  const auto events = g.events();
  REQUIRE(events >= 18);
  REQUIRE(eventually([&] { return g.in_state("delivered") == events; }, 20s));

  auto got = g.receiver.received();
  CHECK(got.size() == static_cast<std::size_t>(events));  // once each, none repeated
  CHECK(ids_of(got).size() == static_cast<std::size_t>(events));
  check_order(got, g.seqs_by_household());
  for (const auto& w : got) {
    CHECK(w.headers.at("content-type") == "application/json");
    CHECK(w.headers.at("webhook-signature") ==
          hmac_signature(w.headers.at("webhook-id"), w.headers.at("webhook-timestamp"), w.body));
    rapidjson::Document d;
    d.Parse(w.body.c_str());
    CHECK(std::string(d["data"]["seq"].GetString()) == w.headers.at("webhook-id"));
    // The generic adapter sends the v2 resource itself.
    CHECK(std::string(d["data"]["object"]["id"].GetString()) == d["data"]["id"].GetString());
  }
  auto metrics = HttpClient(g.port()).get("/metrics").body;
  CHECK(contains(metrics, "siao_delivery_attempts_total{subscriber=\"hook-partner\"} " + std::to_string(events) + "\n"));
  CHECK(contains(metrics, "siao_delivery_delivered_total{subscriber=\"hook-partner\"} " + std::to_string(events) + "\n"));
  CHECK(contains(metrics, "siao_delivery_failures_total{subscriber=\"hook-partner\"} 0\n"));
  // A tampered body does not verify.
  CHECK(hmac_signature(got[0].headers.at("webhook-id"), got[0].headers.at("webhook-timestamp"), got[0].body + " ") !=
        got[0].headers.at("webhook-signature"));
  // Every attempt is an audited exchange of the subscriber.
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE client_id = 'hook-partner' AND route = 'outbound delivery'") ==
        events);
}

TEST_CASE("delivery to a receiver down for a while resumes with everything in order") {
  HookGateway g;
  g.receiver.stop();
  g.start();
  auto api = g.backoffice();
  for (int i = 0; i < 2; ++i) busy_household(api, "75");
  const auto events = g.events();
  // Several failed attempts, none delivered.
  REQUIRE(eventually([&] { return g.count("SELECT coalesce(sum(attempts), 0) FROM deliveries") >= 4; }, 10s));
  CHECK(g.in_state("delivered") == 0);
  g.receiver.start();
  REQUIRE(eventually([&] { return g.in_state("delivered") == events; }, 20s));
  auto got = g.receiver.accepted();
  CHECK(ids_of(got).size() == static_cast<std::size_t>(events));
  check_order(got, g.seqs_by_household());
}

TEST_CASE("delivery that always fails lands in the dead letters and a redrive delivers them") {
  HookGateway g(1);  // retried for one second only
  g.receiver.answer_with(500);
  g.start();
  auto api = g.backoffice();
  seed(api, "75");
  const auto events = g.events();
  REQUIRE(eventually([&] { return g.in_state("dead") == events; }, 20s));
  CHECK(g.receiver.accepted().empty());
  CHECK(g.receiver.received().size() >= static_cast<std::size_t>(events));
  CHECK(eventually([&] {
    auto metrics = HttpClient(g.port()).get("/metrics").body;
    return contains(metrics, "siao_delivery_dead_letters{subscriber=\"hook-partner\"} " + std::to_string(events) + "\n") &&
           contains(metrics, "siao_delivery_pending{subscriber=\"hook-partner\"} 0\n");
  }, 10s));

  auto dead = api.get("/api/v2/admin/deliveries?state=dead");
  REQUIRE_MESSAGE(dead.status == 200, dead.body);
  REQUIRE(dead.at("/items")->Size() == static_cast<rapidjson::SizeType>(events));
  CHECK(dead.str("/items/0/state") == "dead");
  CHECK(dead.str("/items/0/subscriber") == kSubscriber);
  CHECK(dead.integer("/items/0/lastStatus") == 500);
  // Without admin:deliveries: refused.
  CHECK(g.sample_partner().get("/api/v2/admin/deliveries?state=dead").status == 403);

  g.receiver.answer_with(200);
  // One by id, then the rest of the subscriber's.
  auto one = api.post("/api/v2/admin/deliveries/" + dead.str("/items/0/id") + "/redrive", "");
  REQUIRE_MESSAGE(one.status == 200, one.body);
  REQUIRE(eventually([&] { return g.in_state("delivered") == 1; }, 10s));
  CHECK(api.post("/api/v2/admin/deliveries/" + dead.str("/items/0/id") + "/redrive", "").status == 409);
  auto rest = api.post("/api/v2/admin/deliveries/redrive?subscriber=hook-partner", "");
  REQUIRE_MESSAGE(rest.status == 200, rest.body);
  CHECK(rest.at("/redriven")->Size() == static_cast<rapidjson::SizeType>(events - 1));
  REQUIRE(eventually([&] { return g.in_state("delivered") == events; }, 10s));
  CHECK(ids_of(g.receiver.accepted()).size() == static_cast<std::size_t>(events));
}

TEST_CASE("delivery CLI lists the dead letters and redrives one") {
  HookGateway g(1);
  g.receiver.answer_with(503);
  g.start();
  auto api = g.backoffice();
  seed(api, "75");
  const auto events = g.events();
  REQUIRE(eventually([&] { return g.in_state("dead") == events; }, 20s));
  std::map<std::string, std::string> env{{"DATABASE_URL", g.db.url()}};
  auto listed = run_gateway({"delivery", "list", "--state", "dead"}, env);
  REQUIRE_MESSAGE(listed.exit_code == 0, listed.output);
  CHECK(std::count(listed.output.begin(), listed.output.end(), '\n') == events);
  CHECK(contains(listed.output, "\"state\":\"dead\""));
  g.receiver.answer_with(200);
  auto id = rows(g.db.url(), "SELECT min(id)::text FROM deliveries")[0][0];
  auto redriven = run_gateway({"delivery", "redrive", id}, env);
  REQUIRE_MESSAGE(redriven.exit_code == 0, redriven.output);
  CHECK(eventually([&] { return g.in_state("delivered") == 1; }, 10s));
  CHECK(run_gateway({"delivery", "redrive", id}, env).exit_code == 1);  // not dead any more
  // Each redrive is an audited exchange, as over HTTP.
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE client_id = 'siao-cli' AND route = 'delivery redrive'") == 2);
}

TEST_CASE("delivery by two instances on one database sends no event twice") {
  HookGateway g;
  g.start();
  auto second = g.another();
  auto api = g.backoffice();
  ApiClient api2(second->http_port(), kBackofficeKey);
  for (int i = 0; i < 4; ++i) busy_household(i % 2 ? api2 : api, "75");
  const auto events = g.events();
  REQUIRE(eventually([&] { return g.in_state("delivered") == events; }, 30s));
  auto got = g.receiver.received();
  CHECK(got.size() == static_cast<std::size_t>(events));
  CHECK(ids_of(got).size() == static_cast<std::size_t>(events));
  check_order(got, g.seqs_by_household());
  CHECK(g.count("SELECT count(*) FROM deliveries WHERE locked_by IS NOT NULL") == 0);  // every lease given back
}

TEST_CASE("delivery loses nothing when the gateway is killed mid-delivery") {
  HookGateway g;
  g.receiver.delay(300ms);  // deliveries are in flight when the kill comes
  g.start();
  auto api = g.backoffice();
  for (int i = 0; i < 3; ++i) busy_household(api, "75");
  const auto events = g.events();
  REQUIRE(eventually([&] { return !g.receiver.received().empty(); }, 10s));
  g.gw->signal(SIGKILL);
  g.gw->wait_exit(5s);
  REQUIRE(g.in_state("delivered") < events);
  g.receiver.delay(0ms);
  auto restarted = g.another();
  // The crashed instance's leases run out (4 s), then its deliveries are taken over.
  REQUIRE(eventually([&] { return g.in_state("delivered") == events; }, 30s));
  auto got = g.receiver.accepted();
  CHECK(ids_of(got).size() == static_cast<std::size_t>(events));
  check_order(got, g.seqs_by_household());
}

TEST_CASE("delivery to Rosalie sends its families and requests in the v1.1 format") {
  ContractsGateway g;
  WebhookReceiver receiver;
  g.contracts.edit("rosalie", R"("quota": {)",
                   R"("outbound": {"endpoint": ")" + receiver.url() +
                       R"(", "secretFrom": {"env": "SIAO_KEY_ROSALIE_HOOK"}},
  "quota": {)");
  g.env["SIAO_KEY_ROSALIE_HOOK"] = kSecret;
  fast_delivery(g.env);
  g.start();
  ApiClient rosalie_api(g.port(), kRosalieKey);
  auto api = g.backoffice();
  seed(api, "75");  // a household Rosalie holds no key for: nothing to tell it
  REQUIRE(rosalie_api.post(rosalie::kFamilles, rosalie::famille("F-1", "75", rosalie::dupont())).status == 201);
  auto created = rosalie_api.post(rosalie::kDemandes, rosalie::demande("D-1", "F-1", "URG", "15/01/2026 21:40", "75",
                                                                       R"(["HOT","CHU"])"));
  REQUIRE_MESSAGE(created.status == 201, created.body);
  const auto events = g.count("SELECT count(*) FROM events");
  REQUIRE(eventually([&] {
    return g.count("SELECT count(*) FROM deliveries WHERE subscriber = 'rosalie' AND state IN ('delivered', 'skipped')") ==
           events;
  }, 20s));
  const auto skipped = g.count("SELECT count(*) FROM deliveries WHERE subscriber = 'rosalie' AND state = 'skipped'");
  CHECK(skipped >= 4);  // the back-office's household, its two persons and its request
  auto got = receiver.received();
  REQUIRE(got.size() == static_cast<std::size_t>(events - skipped));

  auto family_now = rosalie_api.get(rosalie::family_url("F-1"));
  auto request_now = rosalie_api.get(rosalie::request_url("D-1"));
  REQUIRE(family_now.status == 200);
  REQUIRE(request_now.status == 200);
  std::string last_famille, last_demande;
  long long familles = 0;
  for (const auto& w : got) {
    CHECK(w.headers.at("webhook-signature") ==
          hmac_signature(w.headers.at("webhook-id"), w.headers.at("webhook-timestamp"), w.body));
    rapidjson::Document d;
    d.Parse(w.body.c_str());
    const auto& data = d["data"];
    const bool about_request = std::string(data["resource"].GetString()) == "request";
    const char* member = about_request ? "demande" : "famille";
    REQUIRE(data.HasMember(member));
    if (about_request) CHECK(std::string(data["demande"]["idDemandeRosalie"].GetString()) == "D-1");
    else CHECK(std::string(data["famille"]["cleFamille"].GetString()) == "F-1");
    familles += about_request ? 0 : 1;
    rapidjson::StringBuffer text;
    rapidjson::Writer<rapidjson::StringBuffer> writer(text);
    data[member].Accept(writer);
    (about_request ? last_demande : last_famille) = text.GetString();
  }
  // What Rosalie receives is what it reads on its own API (compared as JSON values).
  auto same_json = [](const std::string& a, const std::string& b) {
    rapidjson::Document x, y;
    x.Parse(a.c_str());
    y.Parse(b.c_str());
    return !x.HasParseError() && !y.HasParseError() && x == y;
  };
  CHECK(same_json(last_famille, family_now.body));
  CHECK(same_json(last_demande, request_now.body));
  // A famille sent names its persons: its audit record is sealed under their keys, so forgetting them erases it.
  REQUIRE(familles > 0);
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE client_id = 'rosalie' AND route = 'outbound delivery' "
                "AND status < 300 AND subjects LIKE '%person:%'") >= familles);
}

TEST_CASE("delivery to a partner that is down delays no other partner") {
  HookGateway g;
  WebhookReceiver other;
  g.contracts.put("hook-other", subscriber_contract(other.url(), "hook-other"));
  g.env[key_env("hook-other")] = test_key("hook-other");
  g.receiver.stop();  // hook-partner is down throughout
  g.start();
  auto api = g.backoffice();
  for (int i = 0; i < 2; ++i) busy_household(api, "75");
  const auto events = g.events();
  REQUIRE(eventually([&] {
    return g.count("SELECT count(*) FROM deliveries WHERE subscriber = 'hook-other' AND state = 'delivered'") == events;
  }, 20s));
  CHECK(ids_of(other.accepted()).size() == static_cast<std::size_t>(events));
  check_order(other.accepted(), g.seqs_by_household());
  CHECK(g.in_state("delivered") == 0);
  CHECK(g.in_state("pending") == events);
}

TEST_CASE("delivery over TLS checks the partner certificate against the configured CA") {
  const auto& cert = server_certificate();  // CN=localhost, self-signed
  WebhookReceiver tls_receiver(cert.cert_file, cert.key_file);
  ContractsGateway g;
  g.contracts.put(kSubscriber, subscriber_contract(tls_receiver.url()));
  g.env[key_env(kSubscriber)] = test_key(kSubscriber);
  g.env["SIAO_KEY_HOOK_SECRET"] = kSecret;
  fast_delivery(g.env);
  // Trusting the system store only: the self-signed certificate is refused, nothing is delivered.
  g.start();
  auto api = g.backoffice();
  seed(api, "75");
  const auto events = g.count("SELECT count(*) FROM events");
  REQUIRE(eventually([&] {
    return g.count("SELECT count(*) FROM deliveries WHERE last_error LIKE 'TLS%' AND attempts >= 2") > 0;
  }, 15s));
  CHECK(tls_receiver.received().empty());
  // Stopping with deliveries being retried is a clean exit.
  g.gw->signal(SIGTERM);
  CHECK(g.gw->wait_exit(15s) == std::optional<int>(0));
  // Trusting it: everything arrives, signed.
  g.env["GATEWAY_DELIVERY_CA_FILE"] = cert.cert_file;
  g.start();
  REQUIRE(eventually([&] {
    return g.count("SELECT count(*) FROM deliveries WHERE state = 'delivered'") == events;
  }, 20s));
  auto got = tls_receiver.accepted();
  CHECK(ids_of(got).size() == static_cast<std::size_t>(events));
  for (const auto& w : got)
    CHECK(w.headers.at("webhook-signature") ==
          hmac_signature(w.headers.at("webhook-id"), w.headers.at("webhook-timestamp"), w.body));
}

TEST_CASE("delivery to a slow receiver past the timeout is retried until it answers in time") {
  HookGateway g;
  g.env["GATEWAY_DELIVERY_TIMEOUT_MS"] = "300";
  g.env["GATEWAY_DELIVERY_LEASE_SECONDS"] = "2";
  g.receiver.delay(1000ms);
  g.start();
  auto api = g.backoffice();
  seed(api, "75");
  const auto events = g.events();
  REQUIRE(eventually([&] {
    return g.count("SELECT count(*) FROM deliveries WHERE last_error IS NOT NULL AND attempts >= 1") > 0;
  }, 15s));
  CHECK(g.in_state("delivered") == 0);
  g.receiver.delay(0ms);
  REQUIRE(eventually([&] { return g.in_state("delivered") == events; }, 20s));
  check_order(g.receiver.accepted(), g.seqs_by_household());
}
