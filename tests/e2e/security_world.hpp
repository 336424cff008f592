#pragma once
// The data the security boundary tests probe: for every territory a contract names, and one no contract names,
// a household with two members and two requests with every field filled; households that moved out of each
// named territory; merged households and persons outside them all; and, for every contract using the rosalie
// adapter, families, requests and bookings under its own keys in every territory. Each resource carries values
// no other holds (its markers), so that an answer carrying one is caught wherever it shows it.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/e2e/security_fixture.hpp"

namespace siao::test::security {

struct Resource {
  std::string kind;       // household, person, request
  std::string id;
  std::string territory;  // where it is now (a person: their household's)
  std::string was;        // where it was before it moved ("" if it never moved)
  bool absorbed = false;  // merged into another record: reads answer 301
  // (field, JSON text of a value only this resource holds), as v2 and v1.1 write it.
  std::vector<std::pair<std::string, std::string>> markers;
};

// Rosalie's keys of one family a rosalie-adapter contract made, in one territory.
struct RosalieFamily {
  std::string territory, famille, personne, demande, reservation;
};

// A POST the seeder made with an Idempotency-Key, to replay as another contract.
struct KeyedPost {
  std::string target, key, body, territory;
};

struct World {
  std::vector<std::string> territories;  // seeded, in order
  std::string outside;                    // named by no contract
  std::vector<Resource> resources;
  std::map<std::string, std::vector<RosalieFamily>> families;  // per rosalie-adapter contract
  std::vector<KeyedPost> keyed_posts;

  const Resource* find(const std::string& id) const {
    for (const auto& r : resources)
      if (r.id == id) return &r;
    return nullptr;
  }
  std::vector<const Resource*> of_kind(const std::string& kind) const {
    std::vector<const Resource*> out;
    for (const auto& r : resources)
      if (r.kind == kind) out.push_back(&r);
    return out;
  }
};

// Ids of each kind no resource has (the first digit says the kind).
inline std::string never_minted(const std::string& kind) {
  return kind == "household" ? "98999999" : kind == "person" ? "48999999" : "78999999";
}

// Values only one resource holds, numbered.
class Markers {
 public:
  int next() { return ++serial_; }
  static std::string phone(int n) { return "+336" + pad(n, 4) + "1234"; }
  static std::string national_phone(int n) { return "06" + pad(n, 4) + "1234"; }  // as Rosalie writes it
  static std::string email(int n) { return "sec" + std::to_string(n) + "@boundary.example"; }
  static std::string birth_name(int n) {  // letters only: a name
    std::string s = "ORIG";
    for (int i = 0, v = n; i < 3; ++i, v /= 26) s += static_cast<char>('A' + v % 26);
    return s;
  }
  static std::string quoted(const std::string& s) { return "\"" + s + "\""; }

 private:
  static std::string pad(int n, int width) {
    auto s = std::to_string(n);
    return std::string(static_cast<std::size_t>(std::max(0, width - static_cast<int>(s.size()))), '0') + s;
  }
  int serial_ = 0;
};

// Seeds the world through `seeder`, a client with every scope on every territory.
class Seeder {
 public:
  Seeder(ApiClient& seeder, World& world) : api_(seeder), world_(world) {}

  // A household in `territory` with a head and a child, every person field filled; returns its index.
  std::size_t household(const std::string& territory, bool with_child = true) {
    std::vector<std::string> members = {person("head", "Marie", "female", "1985-03-14")};
    if (with_child) members.push_back(person("child", "Paul", "male", "2015-06-01"));
    auto key = "seed-household-" + std::to_string(markers_.next());
    auto body = household_body(territory, members);
    auto r = api_.post("/api/v2/households", body, {{"Idempotency-Key", key}});
    REQUIRE_MESSAGE(r.status == 201, r.body);
    world_.keyed_posts.push_back({"/api/v2/households", key, body, territory});
    world_.resources.push_back({"household", r.str("/id"), territory, "", false, {}});
    std::size_t at = world_.resources.size() - 1;
    for (std::size_t m = 0; m < members.size(); ++m) {
      auto pointer = "/members/" + std::to_string(m) + "/id";
      world_.resources.push_back({"person", r.str(pointer.c_str()), territory, "", false, pending_[m]});
    }
    pending_.clear();
    return at;
  }

  // An emergency request with a placement and an insertion request with an orientation and a proposal.
  // By value: the caller's strings may live in `world_.resources`, which grows below (a reference would dangle).
  void requests(std::string household, std::string territory) {  // NOLINT(performance-unnecessary-value-param)
    int n = markers_.next();
    auto hotel = "HOTEL-BOUNDARY-" + std::to_string(n);
    auto e = request(household, territory, "emergency", "HOTEL");
    transition(e, R"({"to":"provided","placement":{"structure":")" + hotel +
                      R"(","startDate":"2026-01-15","endDate":"2026-01-20"}})");
    world_.resources.push_back({"request", e, territory, "", false, {{"placement", Markers::quoted(hotel)}}});
    auto chrs = "CHRS-BOUNDARY-" + std::to_string(n);
    auto i = request(household, territory, "insertion", "CHRS");
    transition(i, R"({"to":"oriented","orientation":{"service":"CHRS"}})");
    transition(i, R"({"to":"proposed","proposal":{"structure":")" + chrs + R"("}})");
    world_.resources.push_back({"request", i, territory, "", false, {{"proposal", Markers::quoted(chrs)}}});
  }

  // A household made in `from`, then moved to `to` by the back-office.
  void moved(const std::string& from, const std::string& to) {
    auto at = household(from, false);
    const auto& h = world_.resources[at];
    auto r = api_.patch("/api/v2/households/" + h.id, R"({"territory":")" + to + R"("})", "\"1\"");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    for (std::size_t i = at; i < world_.resources.size(); ++i) {
      world_.resources[i].was = from;
      world_.resources[i].territory = to;
    }
  }

  // Two households merged, and two persons merged, all in `territory`.
  void merges(const std::string& territory) {
    auto a = world_.resources[household(territory, false)].id;
    auto b_at = household(territory, false);
    const auto b = world_.resources[b_at].id;
    auto r = api_.post("/api/v2/households/" + a + "/merge", R"({"householdId":")" + b + R"("})");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    world_.resources[b_at].absorbed = true;
    auto c_at = household(territory, false);
    auto d_at = household(territory, false);
    auto c_head = world_.resources[c_at + 1].id;
    auto d_head = world_.resources[d_at + 1].id;
    r = api_.post("/api/v2/persons/" + c_head + "/merge", R"({"duplicateId":")" + d_head + R"("})");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    world_.resources[d_at + 1].absorbed = true;
  }

 private:
  std::string person(const std::string& role, const std::string& first, const std::string& sex,
                     const std::string& birth) {
    int n = markers_.next();
    pending_.push_back({{"phone", Markers::quoted(Markers::phone(n))},
                        {"phone", Markers::quoted(Markers::national_phone(n))},
                        {"email", Markers::quoted(Markers::email(n))},
                        {"birthName", Markers::quoted(Markers::birth_name(n))}});
    return R"({"role":")" + role + R"(","lastName":"BOUNDARY","birthName":")" + Markers::birth_name(n) +
           R"(","firstNames":[")" + first + R"("],"sex":")" + sex + R"(","birthDate":")" + birth +
           R"(","nationality":"ISL","phone":")" + Markers::phone(n) + R"(","email":")" + Markers::email(n) + "\"}";
  }

  std::string request(const std::string& household, const std::string& territory, const std::string& kind,
                      const std::string& service) {
    auto key = "seed-request-" + std::to_string(markers_.next());
    auto body = R"({"householdId":")" + household + R"(","kind":")" + kind + R"(","requestedServices":[")" +
                service + "\"]}";
    auto r = api_.post("/api/v2/requests", body, {{"Idempotency-Key", key}});
    REQUIRE_MESSAGE(r.status == 201, r.body);
    world_.keyed_posts.push_back({"/api/v2/requests", key, body, territory});
    return r.str("/id");
  }

  void transition(const std::string& request, const std::string& body) {
    auto r = api_.post("/api/v2/requests/" + request + "/transitions", body);
    REQUIRE_MESSAGE(r.status == 200, r.body);
  }

  ApiClient& api_;
  World& world_;
  Markers markers_;
  std::vector<std::vector<std::pair<std::string, std::string>>> pending_;  // markers of the members being made
};

// The family, request and booking a rosalie-adapter contract makes in `territory`, under its own keys.
inline RosalieFamily seed_rosalie(ApiClient& rosalie, World& world, const std::string& territory, int n) {
  const auto suffix = std::to_string(n) + "-" + territory;
  RosalieFamily f{territory, "SEC-F-" + suffix, "SEC-P-" + suffix, "SEC-D-" + suffix, "SEC-B-" + suffix};
  const auto phone = Markers::national_phone(9000 + n);
  const auto birth = Markers::birth_name(9000 + n);
  const auto hotel = "HOTELSEC" + std::to_string(n);
  auto created = rosalie.post("/api/v1.1/familles",
                              R"({"cleFamille":")" + f.famille + R"(","departement":")" + territory +
                                  R"(","personnes":[{"idPersonneRosalie":")" + f.personne +
                                  R"(","nom":"BOUNDARY","nomNaissance":")" + birth +
                                  R"(","prenoms":"MARIE","sexe":"F","dateNaissance":"14/03/1985","nationalite":"IS",)"
                                  R"("lienParente":"DEM","telephone":")" + phone + R"("}]})");
  REQUIRE_MESSAGE(created.status == 201, created.body);
  world.resources.push_back({"household", created.str("/idMenageSiao"), territory, "", false, {}});
  world.resources.push_back({"person", created.str("/personnes/0/idPersonneSiao"), territory, "", false,
                             {{"phone", Markers::quoted(Markers::phone(9000 + n))},
                              {"phone", Markers::quoted(phone)},
                              {"birthName", Markers::quoted(birth)}}});
  auto asked = rosalie.post("/api/v1.1/demandes",
                            R"({"idDemandeRosalie":")" + f.demande + R"(","cleFamille":")" + f.famille +
                                R"(","typeDemande":"URG","dateDemande":"14/11/2024 22:47","departement":")" +
                                territory + R"(","typesDispositifs":["HOT"]})");
  REQUIRE_MESSAGE(asked.status == 201, asked.body);
  auto booked = rosalie.post("/api/v1.1/reservations",
                             R"({"idReservation":")" + f.reservation + R"(","idDemandeRosalie":")" + f.demande +
                                 R"(","hotel":")" + hotel + R"(","dateDebut":"14/11/2024","dateFin":"16/11/2024"})");
  REQUIRE_MESSAGE(booked.status == 201, booked.body);
  world.resources.push_back({"request", asked.str("/idDemandeSiao"), territory, "", false,
                             {{"placement", Markers::quoted("HOTEL:" + hotel)},
                              {"placement", Markers::quoted(hotel)}}});
  return f;
}

}  // namespace siao::test::security
