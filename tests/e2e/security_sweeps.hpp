#pragma once
// What each route must answer a contract, swept over every resource of the world: inside its territories, what
// it may read and nothing else; outside, exactly what an id never minted gets; without the scope (or the
// adapter), 403 whatever the id. Each sweep adds findings to the probe; the tests assert there are none.
#include <set>
#include <string>
#include <vector>

#include "tests/e2e/security_probe.hpp"

namespace siao::test::security {

inline constexpr const char* kSeeder = "boundary-seeder";

// A gateway whose clients are every contract of contracts/ (and the test's own), on a world seeded by a client
// of its own. Contracts using the rosalie adapter seed their families with every territory, then lose the ones
// their file does not name (a reload): what a contract once reached and no longer does is probed too.
class BoundaryGateway {
 public:
  explicit BoundaryGateway(const std::map<std::string, std::string>& extra = {}, bool seeded = true) {
    auto all = shipped_contracts();
    for (const auto& [id, text] : extra) all[id] = text;
    for (const auto& [id, text] : all) {
      views.push_back(view_of(text));
      texts_[id] = for_test(text);
      const bool widen = seeded && views.back().adapter == "rosalie" && views.back().territories;
      g.contracts.put(id, widen ? for_test(text, R"("*")") : texts_[id]);
      g.env[contracts::key_env(id)] = contracts::test_key(id);
    }
    g.add({.id = kSeeder, .scopes = R"(["*"])", .quota = R"({"rate": 100000, "burst": 100000, "maxInFlight": 256})"});
    g.start();
    if (seeded) seed();
  }

  int port() const { return g.port(); }
  ApiClient seeder() const { return ApiClient(g.port(), contracts::test_key(kSeeder)); }
  // Rows of what an exchange may write: a refused one leaves them unchanged.
  long long written() const {
    return g.count(
        "SELECT (SELECT count(*) FROM resource_versions) + (SELECT count(*) FROM partner_keys) "
        "+ (SELECT count(*) FROM rosalie_reservations)");
  }

  contracts::ContractsGateway g;
  std::vector<ContractView> views;
  World world;

 private:
  void seed() {
    std::set<std::string> named;
    for (const auto& v : views)
      if (v.territories) named.insert(v.territories->begin(), v.territories->end());
    for (const char* code : {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10"})
      if (!named.contains(code)) {
        world.outside = code;
        break;
      }
    REQUIRE(!world.outside.empty());
    world.territories.assign(named.begin(), named.end());
    world.territories.push_back(world.outside);

    auto api = seeder();
    Seeder s(api, world);
    for (const auto& t : world.territories) s.requests(world.resources[s.household(t)].id, t);
    for (const auto& t : named) s.moved(t, world.outside);
    s.merges(world.outside);

    int n = 0;
    bool narrowed = false;
    for (const auto& v : views) {
      if (v.adapter != "rosalie") continue;
      ApiClient rosalie(g.port(), contracts::test_key(v.id));
      for (const auto& t : world.territories) world.families[v.id].push_back(seed_rosalie(rosalie, world, t, ++n));
      if (v.territories) {
        g.contracts.put(v.id, texts_.at(v.id));
        narrowed = true;
      }
    }
    if (narrowed) {
      auto r = api.post("/api/v2/admin/contracts/reload", "");
      REQUIRE_MESSAGE(r.status == 200, r.body);
    }
  }

  std::map<std::string, std::string> texts_;
};

inline std::string base_of(const std::string& kind) {
  return kind == "household" ? "/api/v2/households/" : kind == "person" ? "/api/v2/persons/" : "/api/v2/requests/";
}

// Still to see for the contract: where the resource is now.
inline bool visible(const ContractView& v, const Resource& r) { return v.sees(r.territory); }

// Expects `out` (about `asked`) to be answered as `never` (about an id never minted) is.
inline void expect_as_never(Probe& p, const std::string& where, const ApiResult& out, const std::string& asked,
                            const ApiResult& never, const std::string& never_id) {
  if (shape(out, asked) != shape(never, never_id))
    p.finding(where, "answers otherwise than for an id never minted: " + shape(out, asked).substr(0, 300) +
                         " | never minted: " + shape(never, never_id).substr(0, 300));
}

// Reads by id: the resource, its history, its requests, its duplicates, its disclosures.
inline void sweep_reads(Probe& p, const World& w) {
  struct Route {
    const char* kind;
    const char* suffix;
    const char* scope;
  };
  const Route routes[] = {
      {"household", "", "households:read"}, {"household", "/history", "households:read"},
      {"household", "/requests", "requests:read"}, {"person", "", "persons:read"},
      {"person", "/history", "persons:read"},      {"person", "/duplicates", "persons:match"},
      {"person", "/disclosures", "audit:read"},    {"request", "", "requests:read"},
  };
  const auto& v = p.view();
  for (const auto& route : routes) {
    const std::string kind = route.kind, suffix = route.suffix, scope = route.scope;
    const auto never_id = never_minted(kind);
    const auto never = p.call("GET", base_of(kind) + never_id + suffix);
    for (const auto* r : w.of_kind(kind)) {
      const auto target = base_of(kind) + r->id + suffix;
      const auto got = p.call("GET", target);
      const bool refused = !v.has(scope) || (global_scope(scope) && v.restricted());
      if (refused) {
        if (got.status != 403) p.finding("GET " + target, "is not refused (" + std::to_string(got.status) + ")");
        expect_as_never(p, "GET " + target, got, r->id, never, never_id);
      } else if (global_scope(scope)) {
        if (got.status != 200) p.finding("GET " + target, "answers " + std::to_string(got.status));
      } else if (!visible(v, *r)) {
        expect_as_never(p, "GET " + target, got, r->id, never, never_id);
      } else if (r->absorbed && suffix != "/history" && got.status == 301) {
        // A merged record points to its survivor (the merge test probes what that discloses).
      } else if (got.status != 200) {
        p.finding("GET " + target, "answers " + std::to_string(got.status) + " inside its territories");
      } else if (suffix.empty()) {
        p.check_fields(kind, got.json, "GET " + target);
      } else if (suffix == "/history") {
        p.check_items(kind, got, "GET " + target, true);
      } else if (suffix == "/requests") {
        p.check_items("request", got, "GET " + target);
      } else if (suffix == "/duplicates") {
        for (const auto& item : got.at("/items")->GetArray())
          for (const auto& f : item["matched"].GetArray())
            if (!v.reads("person", f.GetString()))
              p.finding("GET " + target, std::string("matched on person.") + f.GetString() + ", which it may not read");
      }
    }
  }
}

// Every id a page names must be one the contract sees now; `expected` must all be there.
inline void check_page(Probe& p, const World& w, const std::string& where, const ApiResult& r, const char* id_member,
                       const std::vector<std::string>& expected) {
  std::set<std::string> got;
  for (const auto& item : r.at("/items")->GetArray()) {
    const std::string id = item[id_member].GetString();
    got.insert(id);
    const auto* known = w.find(id);
    if (!known) p.finding(where, "answers " + id + ", which the test did not make");
    else if (!visible(p.view(), *known)) p.finding(where, "answers " + id + ", now in " + known->territory);
  }
  for (const auto& id : expected)
    if (!got.contains(id)) p.finding(where, "leaves out " + id + ", which it may see");
}

// Searches and lists: households by every criterion, persons by match.
inline void sweep_lists(Probe& p, const World& w) {
  const auto& v = p.view();
  std::vector<std::string> households;  // every household it may see
  for (const auto* h : w.of_kind("household"))
    if (visible(v, *h) && !h->absorbed) households.push_back(h->id);

  struct Query {
    std::string text, field_kind, field;
  };
  std::vector<Query> queries = {{"", "", ""},
                                {"lastName=BOUNDARY", "person", "lastName"},
                                {"birthDate=1985-03-14", "person", "birthDate"}};
  for (const auto& t : w.territories) queries.push_back({"territory=" + t, "household", "territory"});
  for (const auto& q : queries) {
    const auto target = "/api/v2/households?limit=500" + (q.text.empty() ? "" : "&" + q.text);
    const auto r = p.call("GET", target);
    if (!v.has("households:read")) {
      if (r.status != 403) p.finding("GET " + target, "is not refused");
    } else if (!q.field.empty() && !v.reads(q.field_kind, q.field)) {
      if (r.status != 403 || contracts::slug(r) != "field-forbidden")
        p.finding("GET " + target, "searches by a field it may not read: " + std::to_string(r.status));
    } else if (r.status != 200) {
      p.finding("GET " + target, "answers " + std::to_string(r.status));
    } else {
      p.check_items("household", r, "GET " + target);
      check_page(p, w, "GET " + target, r, "id", q.text.empty() ? households : std::vector<std::string>{});
    }
  }

  std::string criteria;  // only what it may read: another criterion is refused (sweep_lists' field check)
  auto criterion = [&](const char* field, const std::string& json) {
    if (v.reads("person", field)) criteria += (criteria.empty() ? "" : ",") + json;
  };
  criterion("lastName", R"("lastName":"BOUNDARY")");
  criterion("firstNames", R"("firstNames":["Marie"])");
  criterion("birthDate", R"("birthDate":"1985-03-14")");
  if (criteria.empty()) return;
  const auto r = p.call("POST", "/api/v2/persons/match?limit=500", "{" + criteria + "}");
  if (!v.has("persons:match")) {
    if (r.status != 403) p.finding("POST /api/v2/persons/match", "is not refused");
    return;
  }
  if (r.status != 200) return p.finding("POST /api/v2/persons/match", "answers " + std::to_string(r.status));
  check_page(p, w, "POST /api/v2/persons/match", r, "personId", {});
  check_page(p, w, "POST /api/v2/persons/match", r, "householdId", {});
  if (r.at("/items")->Size() == 0 && !households.empty())
    p.finding("POST /api/v2/persons/match", "finds nobody, though it sees persons of that name");
}

// The change feed: nothing of what it never saw, nothing of what left its territories after it left.
inline void sweep_events(Probe& p, const World& w) {
  const auto& v = p.view();
  std::set<std::string> created;
  std::string after;
  for (int page = 0; page < 100; ++page) {
    const auto target = "/api/v2/events?limit=500" + (after.empty() ? "" : "&after=" + after);
    const auto r = p.call("GET", target);
    if (!v.has("events:read")) {
      if (r.status != 403) p.finding("GET " + target, "is not refused");
      return;
    }
    if (r.status != 200) return p.finding("GET " + target, "answers " + std::to_string(r.status));
    const auto& items = *r.at("/items");
    for (const auto& e : items.GetArray()) {
      const std::string id = e["id"].GetString(), type = e["type"].GetString();
      const auto* known = w.find(id);
      if (!known) continue;
      if (type == "household.created") created.insert(id);
      // A household that moved out: its move (version 2) and what follows happened outside.
      if (!visible(v, *known) && e["version"].GetInt() > 1 && known->kind == "household")
        p.finding("GET " + target, "shows " + type + " of " + id + " version " + std::to_string(e["version"].GetInt()) +
                                       ", after it left for " + known->territory);
    }
    if (items.Size() == 0) break;
    after = r.str("/next");
  }
  for (const auto* h : w.of_kind("household")) {
    const bool born_visible = v.sees(h->was.empty() ? h->territory : h->was);
    if (born_visible && !created.contains(h->id)) p.finding("GET /api/v2/events", "leaves out the creation of " + h->id);
  }
}

// Writes aimed outside the territories, and replays of the seeder's keyed posts: each answered as for an id
// never minted (or, for a replay, as the same body with a fresh key), and nothing written.
inline void sweep_writes(Probe& p, const World& w, const BoundaryGateway& gw) {
  const auto& v = p.view();
  const auto before = gw.written();
  const auto* inside = [&]() -> const Resource* {
    for (const auto* h : w.of_kind("household"))
      if (visible(v, *h) && !h->absorbed) return h;
    return nullptr;
  }();
  const std::string territory = v.territories ? *v.territories->begin() : w.outside;
  std::map<std::string, ApiResult> nevers;  // the same call about an id never minted, made once
  auto as_never = [&](const std::string& method, const std::string& target, const std::string& never_target,
                      const std::string& body, const std::string& never_body, const std::string& asked,
                      const std::string& never_id, const std::map<std::string, std::string>& headers = {}) {
    const auto got = p.call(method, target, body, headers);
    auto key = method + " " + never_target + " " + never_body;
    for (const auto& [name, value] : headers) key += " " + name + ": " + value;
    if (!nevers.contains(key)) nevers.emplace(key, p.call(method, never_target, never_body, headers));
    expect_as_never(p, method + " " + target + " " + body, got, asked, nevers.at(key), never_id);
  };
  for (const auto& r : w.resources) {
    if (visible(v, r)) continue;
    const auto never = never_minted(r.kind);
    const auto path = base_of(r.kind) + r.id, never_path = base_of(r.kind) + never;
    if (r.kind == "household") {
      for (const char* version : {"\"1\"", "\"99\""})
        as_never("PATCH", path, never_path, R"({"territory":")" + territory + R"("})",
                 R"({"territory":")" + territory + R"("})", r.id, never, {{"If-Match", version}});
      const auto member = person_json("other_adult", "BOUNDARY", "male", "1970");
      as_never("POST", path + "/members", never_path + "/members", member, member, r.id, never);
      const auto merge = R"({"householdId":")" + never_minted("household") + R"("})";
      as_never("POST", path + "/merge", never_path + "/merge", merge, merge, r.id, never);
      const auto request = [](const std::string& h) {
        return R"({"householdId":")" + h + R"(","kind":"emergency","requestedServices":["CHU"]})";
      };
      as_never("POST", "/api/v2/requests", "/api/v2/requests", request(r.id), request(never), r.id, never);
      if (inside) {
        const auto survivor = base_of("household") + inside->id + "/merge";
        as_never("POST", survivor, survivor, R"({"householdId":")" + r.id + R"("})",
                 R"({"householdId":")" + never + R"("})", r.id, never);
      }
    } else if (r.kind == "person") {
      for (const char* version : {"\"1\"", "\"99\""})
        as_never("PATCH", path, never_path, R"({"phone":"+33600000000"})", R"({"phone":"+33600000000"})", r.id,
                 never, {{"If-Match", version}});
      const auto merge = R"({"duplicateId":")" + never_minted("person") + R"("})";
      as_never("POST", path + "/merge", never_path + "/merge", merge, merge, r.id, never);
      if (inside) {
        const auto members = base_of("household") + inside->id + "/members";
        as_never("POST", members, members, R"({"personId":")" + r.id + R"(","role":"other_adult"})",
                 R"({"personId":")" + never + R"(","role":"other_adult"})", r.id, never);
      }
    } else {
      const auto cancel = std::string(R"({"to":"cancelled","reason":"probe"})");
      as_never("POST", path + "/transitions", never_path + "/transitions", cancel, cancel, r.id, never);
      as_never("POST", path + "/transitions", never_path + "/transitions", cancel, cancel, r.id, never,
               {{"If-Match", "\"99\""}});
    }
  }
  // An Idempotency-Key names a client's own request: another's key replays nothing to it.
  int fresh = 0;
  for (const auto& post : w.keyed_posts) {
    if (v.sees(post.territory)) continue;
    const auto replayed = p.call("POST", post.target, post.body, {{"Idempotency-Key", post.key}});
    const auto anew = p.call("POST", post.target, post.body,
                             {{"Idempotency-Key", "probe-" + v.id + "-" + std::to_string(++fresh)}});
    if (shape(replayed) != shape(anew))
      p.finding("POST " + post.target + " with the seeder's key " + post.key,
                "answers otherwise than with a fresh key: " + shape(replayed).substr(0, 300));
  }
  if (gw.written() != before) p.finding("writes outside its territories", "changed the database");
}

// Rosalie v1.1, for a contract using the rosalie adapter: its own keys outside its territories are unknown keys.
inline void sweep_rosalie(Probe& p, const World& w, const BoundaryGateway& gw) {
  const auto& v = p.view();
  if (v.adapter != "rosalie") return;
  const auto before = gw.written();
  const std::string never_f = "SEC-F-NEVER", never_d = "SEC-D-NEVER", never_b = "SEC-B-NEVER";
  auto family = [](const std::string& cle, const std::string& territory) {
    return R"({"cleFamille":")" + cle + R"(","departement":")" + territory +
           R"(","personnes":[{"idPersonneRosalie":"SEC-P-PROBE","nom":"BOUNDARY","prenoms":"MARIE","sexe":"F",)"
           R"("lienParente":"DEM"}]})";
  };
  auto demande = [](const std::string& cle, const std::string& territory) {
    return R"({"idDemandeRosalie":"SEC-D-PROBE","cleFamille":")" + cle +
           R"(","typeDemande":"URG","dateDemande":"15/11/2024 10:00","departement":")" + territory +
           R"(","typesDispositifs":["HOT"]})";
  };
  auto booking = [](const std::string& demande_id) {
    return R"({"idReservation":"SEC-B-PROBE","idDemandeRosalie":")" + demande_id +
           R"(","hotel":"PROBE","dateDebut":"16/11/2024","dateFin":"17/11/2024"})";
  };
  const std::string status = R"({"statutDemande":"ANN","date":"15/11/2024","motif":"probe"})";
  const std::string end = R"({"dateFin":"16/11/2024","motif":"probe"})";
  auto pair = [&](const std::string& method, const std::string& target, const std::string& never_target,
                  const std::string& body, const std::string& never_body, const std::string& asked,
                  const std::string& never) {
    const auto got = p.call(method, target, body);
    const auto none = p.call(method, never_target, never_body);
    expect_as_never(p, method + " " + target, got, asked, none, never);
  };
  const std::string F = "/api/v1.1/familles/", D = "/api/v1.1/demandes/", R = "/api/v1.1/reservations";
  for (const auto& f : w.families.at(v.id)) {
    if (v.sees(f.territory)) {
      for (const auto& target : {F + f.famille, D + f.demande}) {
        const auto got = p.call("GET", target);
        if (got.status != 200) p.finding("GET " + target, "answers " + std::to_string(got.status) + " inside");
      }
      continue;
    }
    pair("GET", F + f.famille, F + never_f, "", "", f.famille, never_f);
    pair("GET", D + f.demande, D + never_d, "", "", f.demande, never_d);
    pair("PUT", F + f.famille, F + never_f, family(f.famille, f.territory), family(never_f, f.territory), f.famille,
         never_f);
    pair("POST", "/api/v1.1/demandes", "/api/v1.1/demandes", demande(f.famille, f.territory),
         demande(never_f, f.territory), f.famille, never_f);
    pair("POST", D + f.demande + "/statut", D + never_d + "/statut", status, status, f.demande, never_d);
    pair("POST", R, R, booking(f.demande), booking(never_d), f.demande, never_d);
    pair("POST", R + "/" + f.reservation + "/fin", R + "/" + never_b + "/fin", end, end, f.reservation, never_b);
  }
  if (gw.written() != before) p.finding("v1.1 writes outside its territories", "changed the database");

  // Inside: a PUT at odds with what SIAO holds may be refused as an identity conflict, whose errors quote the
  // values SIAO holds. The scan above every answer catches one the contract may not read (its birth name, say).
  for (const auto& f : w.families.at(v.id)) {
    if (!v.sees(f.territory)) continue;
    p.call("PUT", F + f.famille,
           R"({"cleFamille":")" + f.famille + R"(","departement":")" + f.territory +
               R"(","personnes":[{"idPersonneRosalie":")" + f.personne +
               R"(","nom":"BOUNDARY","nomNaissance":"AUTRENOM","prenoms":"JEANNE","sexe":"M",)"
               R"("dateNaissance":"01/01/1970","lienParente":"DEM"}]})");
  }
}

// Every route /openapi.json lists with a scope (or under an adapter's base path): refused to a contract
// without that scope or adapter, and a route of a global scope refused to a contract bounded in territories
// or fields.
inline void sweep_gates(Probe& p, int port) {
  const auto& v = p.view();
  ApiClient anonymous(port, "");
  const auto doc = anonymous.get("/openapi.json");
  REQUIRE(doc.status == 200);
  int gated = 0;
  for (const auto& path : (*doc.at("/paths")).GetObject()) {
    const std::string pattern = path.name.GetString();
    const std::string adapter = pattern.rfind("/api/v1.1/", 0) == 0     ? "rosalie"
                                : pattern.rfind("/api/partner/", 0) == 0 ? "declarative"
                                                                         : "";
    for (const auto& op : path.value.GetObject()) {
      if (!op.value.IsObject()) continue;
      std::string method = op.name.GetString();
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      const std::string scope = op.value.HasMember("x-scope") && op.value["x-scope"].IsString()
                                    ? op.value["x-scope"].GetString()
                                    : "";
      // Every v2 route is scoped: one listed without a scope would escape this sweep (say, were `x-scope` renamed).
      if (scope.empty() && pattern.rfind("/api/v2/", 0) == 0)
        p.finding(method + " " + pattern, "lists no x-scope in /openapi.json: the sweep cannot check it");
      if (scope.empty() && adapter.empty()) continue;  // the operations routes: public
      std::string why;
      if (!adapter.empty() && v.adapter != adapter) why = "without the " + adapter + " adapter";
      else if (!scope.empty() && !v.has(scope)) why = "without " + scope;
      else if (!scope.empty() && global_scope(scope) && v.restricted()) why = "bounded in territories or fields";
      if (why.empty()) continue;
      std::string target = pattern;
      for (auto open = target.find('{'); open != std::string::npos; open = target.find('{'))
        target.replace(open, target.find('}', open) - open + 1, "1");
      std::map<std::string, std::string> headers;
      if (method == "PATCH") headers["If-Match"] = "\"1\"";
      const auto r = p.call(method, target, method == "GET" ? "" : "{}", headers);
      ++gated;
      if (r.status != 403 || contracts::slug(r) != "forbidden")
        p.finding(method + " " + target, "answers " + std::to_string(r.status) + " " + why + ": " +
                                             r.body.substr(0, 200));
    }
  }
  MESSAGE(v.id << ": " << gated << " routes refused as they should be");
}

}  // namespace siao::test::security
