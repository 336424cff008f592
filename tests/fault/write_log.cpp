#include "tests/fault/write_log.hpp"

#include <pthread.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <algorithm>
#include <map>
#include <random>

#include "tests/support/gateway_process.hpp"
#include "tests/support/figures.hpp"
#include "tests/support/http_client.hpp"

namespace siao::test::fault {

const char* op_name(Op op) {
  switch (op) {
    case Op::read: return "read";
    case Op::household_create: return "household-create";
    case Op::famille_create: return "famille-create";
    case Op::household_patch: return "household-patch";
    case Op::person_patch: return "person-patch";
    case Op::member_add: return "member-add";
    case Op::request_create: return "request-create";
    case Op::request_transition: return "request-transition";
  }
  return "?";
}

std::string Attempt::slug() const { return problem_slug(body); }

bool Call::creates() const {
  return op == Op::household_create || op == Op::famille_create || op == Op::member_add || op == Op::request_create;
}

const Attempt* Call::acknowledged() const {
  const auto it = std::find_if(attempts.rbegin(), attempts.rend(), [](const Attempt& a) { return a.ok(); });
  return it == attempts.rend() ? nullptr : &*it;
}

namespace {

std::string text_at(const rapidjson::Value& v, const char* member) {
  if (!v.IsObject() || !v.HasMember(member) || !v[member].IsString()) return {};
  return {v[member].GetString(), v[member].GetStringLength()};
}

int int_at(const rapidjson::Value& v, const char* member) {
  return v.IsObject() && v.HasMember(member) && v[member].IsInt() ? v[member].GetInt() : 0;
}

}  // namespace

// What one client knows of the records it made: only its own, so that its If-Match versions are its to keep.
struct WriteLoad::Client {
  struct Person {
    std::string id;
    int version = 0;  // 0: unknown, read it again before writing
  };
  struct Request {
    std::string id;
    std::string status;  // empty: unknown
    int version = 0;
  };
  struct Household {
    std::string id, territory;
    int version = 0;
    std::vector<Person> persons;
    std::vector<Request> requests;
  };

  WriteLoad* owner;
  int index;
  std::mt19937 rng;
  std::unique_ptr<HttpClient> http;
  std::vector<Household> households;
  long serial = 0;

  Client(WriteLoad* o, int i) : owner(o), index(i), rng(o->options_.seed * 7919u + static_cast<unsigned>(i)) {}

  int roll(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }
  std::string unique(const char* what) {
    return std::string(what) + owner->options_.tag + "C" + std::to_string(index) + "N" + std::to_string(++serial);
  }

  void run() {
    while (!owner->stopping_.load()) {
      Call c = next();
      if (c.method.empty()) continue;
      perform(c);
      learn(c);
      owner->record(std::move(c));
    }
  }

  Attempt send(const Call& c) {
    Attempt a;
    a.request_id = "f-" + unique("");
    std::map<std::string, std::string> headers{{"Authorization", "Bearer " + c.api_key}, {"X-Request-Id", a.request_id}};
    if (!c.content_type.empty()) headers["Content-Type"] = c.content_type;
    if (!c.if_match.empty()) headers["If-Match"] = c.if_match;
    if (!c.idempotency_key.empty()) headers["Idempotency-Key"] = c.idempotency_key;
    a.sent = Clock::now();
    try {
      if (!http) http = std::make_unique<HttpClient>(owner->options_.port, owner->options_.receive_timeout);
      auto r = http->request(c.method, c.target, c.body, headers);
      a.status = r.status;
      a.body = std::move(r.body);
      a.content_type = r.header("content-type");
      a.retry_after = r.header("retry-after");
      a.replayed = r.header("idempotent-replayed") == "true";
      if (!r.keep_alive) http.reset();
    } catch (const std::exception& e) {
      a.error = e.what();
      http.reset();
    }
    a.answered = Clock::now();
    return a;
  }

  // Keyed POSTs are retried with the same key and body until the answer is definitive; others go once.
  void perform(Call& c) {
    for (;;) {
      c.attempts.push_back(send(c));
      const auto& a = c.attempts.back();
      if (a.ok() && c.writes()) owner->acknowledged_.fetch_add(1);
      bool definitive = a.status != 0 && a.status != 503 && !(a.status == 409 && a.slug() == "request-in-flight");
      if (definitive) return;
      if (c.idempotency_key.empty() || c.method != "POST" ||
          (owner->stopping_.load() && Clock::now() > owner->settle_deadline_)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // no answer, or 503: not a busy loop
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  Call base(Op op, const std::string& method, const std::string& target) const {
    Call c;
    c.op = op;
    c.client = index;
    c.method = method;
    c.target = target;
    c.api_key = kBackofficeKey;
    return c;
  }
  void maybe_keyed(Call& c) {
    if (roll(100) < owner->options_.keyed_percent) c.idempotency_key = unique("k");
  }

  Call next() {
    if (!households.empty() && roll(100) < owner->options_.read_percent) return read(pick());
    int r = households.empty() ? 0 : roll(100);
    if (r < 20) return household_create();
    if (r < 30) return famille_create();
    auto& h = pick();
    if (r < 45) return h.version ? household_patch(h) : read(h);
    if (r < 60) {
      auto& p = h.persons[static_cast<std::size_t>(roll(static_cast<int>(h.persons.size())))];
      return p.version ? person_patch(h, p) : read(h);
    }
    if (r < 70) return member_add(h);
    auto open = std::find_if(h.requests.begin(), h.requests.end(),
                             [](const Request& q) { return q.status != "closed"; });
    if (r < 85 || open == h.requests.end()) return request_create(h);
    return open->status.empty() ? read_request(*open) : request_transition(*open);
  }

  Household& pick() { return households[static_cast<std::size_t>(roll(static_cast<int>(households.size())))]; }

  Call read(const Household& h) const { return base(Op::read, "GET", "/api/v2/households/" + h.id); }
  Call read_request(const Request& q) const { return base(Op::read, "GET", "/api/v2/requests/" + q.id); }

  static std::string person(const std::string& role, const std::string& name, const std::string& first,
                            const std::string& sex, const std::string& born) {
    return R"({"role":")" + role + R"(","lastName":")" + name + R"(","firstNames":[")" + first + R"("],"sex":")" +
           sex + R"(","birthDate":")" + born + "\"}";
  }

  Call household_create() {
    auto c = base(Op::household_create, "POST", "/api/v2/households");
    c.content_type = "application/json";
    c.kind = "household";
    c.marker = unique("HH");
    c.persons = 1 + roll(3);
    const char* territories[] = {"75", "92", "93", "94"};
    c.body = std::string(R"({"territory":")") + territories[roll(4)] + R"(","members":[)" +
             person("head", c.marker, "Marie", "female", "1985-03-14");
    if (c.persons > 1) c.body += "," + person("child", c.marker, "Paul", "male", "2015-06-01");
    if (c.persons > 2) c.body += "," + person("spouse", c.marker, "Jean", "male", "1983-11-02");
    c.body += "]}";
    maybe_keyed(c);
    return c;
  }

  Call famille_create() {
    auto c = base(Op::famille_create, "POST", "/api/v1.1/familles");
    c.api_key = kRosalieKey;
    c.content_type = "application/json";
    c.kind = "household";
    c.marker = unique("FA");
    c.persons = 1 + roll(3);
    auto cle = unique("F-");
    c.body = R"({"cleFamille":")" + cle + R"(","departement":"93","personnes":[)";
    for (int i = 0; i < c.persons; ++i) {
      bool head = i == 0;
      c.body += std::string(i ? "," : "") + R"({"idPersonneRosalie":")" + cle + "-" + std::to_string(i) +
                R"(","nom":")" + c.marker + R"(","prenoms":")" + (head ? "AMINATA" : "ISSA") + R"(","sexe":")" +
                (head ? "F" : "M") + R"(","dateNaissance":")" + (head ? "00/04/1992" : "00/00/2019") +
                R"(","lienParente":")" + (head ? "DEM" : "ENF") + "\"}";
    }
    c.body += "]}";
    maybe_keyed(c);
    return c;
  }

  Call household_patch(const Household& h) {
    auto c = base(Op::household_patch, "PATCH", "/api/v2/households/" + h.id);
    c.content_type = "application/merge-patch+json";
    c.if_match = "\"" + std::to_string(h.version) + "\"";
    c.kind = "household";
    c.id = h.id;
    const char* territories[] = {"75", "92", "93", "94"};
    do c.value = territories[roll(4)];
    while (c.value == h.territory);
    c.pointer = "/territory";
    c.body = R"({"territory":")" + c.value + "\"}";
    return c;
  }

  Call person_patch(const Household&, const Person& p) {
    auto c = base(Op::person_patch, "PATCH", "/api/v2/persons/" + p.id);
    c.content_type = "application/merge-patch+json";
    c.if_match = "\"" + std::to_string(p.version) + "\"";
    c.kind = "person";
    c.id = p.id;
    c.pointer = "/phone";
    c.value = "+3361" + std::to_string(1000000 + roll(8999999));
    c.body = R"({"phone":")" + c.value + "\"}";
    return c;
  }

  Call member_add(const Household& h) {
    auto c = base(Op::member_add, "POST", "/api/v2/households/" + h.id + "/members");
    c.content_type = "application/json";
    c.kind = "person";
    c.marker = unique("MB");
    c.persons = 1;
    c.pointer = "/householdId";
    c.value = h.id;
    c.body = person("other_adult", c.marker, "Luc", "male", "1960");
    maybe_keyed(c);
    return c;
  }

  Call request_create(const Household& h) {
    auto c = base(Op::request_create, "POST", "/api/v2/requests");
    c.content_type = "application/json";
    c.kind = "request";
    c.pointer = "/householdId";
    c.value = h.id;
    c.body = R"({"householdId":")" + h.id + R"(","kind":"emergency","requestedServices":["CHU","HOTEL"]})";
    maybe_keyed(c);
    return c;
  }

  Call request_transition(const Request& q) {
    auto c = base(Op::request_transition, "POST", "/api/v2/requests/" + q.id + "/transitions");
    c.content_type = "application/json";
    c.kind = "request";
    c.id = q.id;
    c.pointer = "/status";
    if (q.version) c.if_match = "\"" + std::to_string(q.version) + "\"";
    if (q.status == "received") {
      c.value = "provided";
      c.body = R"({"to":"provided","placement":{"structure":"Hotel du Nord","startDate":"2026-01-15","endDate":"2026-01-16"}})";
    } else {
      c.value = "closed";
      c.body = R"({"to":"closed"})";
    }
    maybe_keyed(c);
    return c;
  }

  Household* find(const std::string& id) {
    for (auto& h : households)
      if (h.id == id) return &h;
    return nullptr;
  }
  Request* find_request(const std::string& id) {
    // cppcheck-suppress constVariable ; the request found is handed out to be changed
    for (auto& h : households)
      for (auto& q : h.requests)
        if (q.id == id) return &q;
    return nullptr;
  }

  static void learn_household(Household& h, const rapidjson::Value& v) {
    h.version = int_at(v, "version");
    h.territory = text_at(v, "territory");
    if (!v.HasMember("members") || !v["members"].IsArray()) return;
    std::vector<Person> persons;
    for (const auto& m : v["members"].GetArray()) persons.push_back({text_at(m, "id"), int_at(m, "version")});
    h.persons = std::move(persons);
  }

  // Brings the client's picture up to date with the call's outcome; an unknown outcome makes versions unknown.
  void learn(Call& c) {
    const Attempt* ack = c.acknowledged();
    rapidjson::Document d;
    if (ack) d.Parse(ack->body.c_str());
    bool parsed = ack && !d.HasParseError() && d.IsObject();
    switch (c.op) {
      case Op::read:
        if (!parsed) return;
        if (c.target.find("/requests/") != std::string::npos) {
          if (auto* q = find_request(text_at(d, "id"))) {
            q->status = text_at(d, "status");
            q->version = int_at(d, "version");
          }
        } else if (auto* h = find(text_at(d, "id"))) {
          learn_household(*h, d);
        }
        return;
      case Op::household_create:
        if (!parsed) return;
        c.id = text_at(d, "id");
        households.push_back({c.id, {}, 0, {}, {}});
        learn_household(households.back(), d);
        break;
      case Op::famille_create: {
        if (!parsed) return;
        c.id = text_at(d, "idMenageSiao");
        Household h{c.id, "93", 0, {}, {}};
        if (d.HasMember("personnes") && d["personnes"].IsArray())
          for (const auto& p : d["personnes"].GetArray()) h.persons.push_back({text_at(p, "idPersonneSiao"), 0});
        households.push_back(std::move(h));
        break;
      }
      case Op::household_patch:
        if (auto* h = find(c.id)) {
          if (parsed) learn_household(*h, d);
          else h->version = 0;
        }
        return;
      case Op::person_patch:
        for (auto& h : households)
          for (auto& p : h.persons)
            if (p.id == c.id) {
              p.version = parsed ? int_at(d, "version") : 0;
              h.version = 0;  // a person's change versions its household too
            }
        return;
      case Op::member_add: {
        auto* h = find(c.value);
        if (!h) return;
        h->version = 0;
        if (!parsed) return;
        c.id = text_at(d, "id");
        h->persons.push_back({c.id, int_at(d, "version")});
        return;
      }
      case Op::request_create: {
        if (!parsed) return;
        c.id = text_at(d, "id");
        if (auto* h = find(c.value)) h->requests.push_back({c.id, text_at(d, "status"), int_at(d, "version")});
        return;
      }
      case Op::request_transition:
        if (auto* q = find_request(c.id)) {
          q->status = parsed ? text_at(d, "status") : "";
          q->version = parsed ? int_at(d, "version") : 0;
        }
        return;
    }
    // A new household: keep a handful per client, so that updates pile up on the same records.
    if (households.size() > 8) households.erase(households.begin());
  }
};

namespace {

// The test process gets SIGCHLD as gateways and pg_ctl end: handled on a client thread, it would cut a blocking
// read short (EINTR) and a call would count as unanswered for the harness's sake. Client threads take none of
// the asynchronous signals; the kernel hands them to another thread.
void block_async_signals() {
  sigset_t set;
  sigfillset(&set);
  for (int sync : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP}) sigdelset(&set, sync);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace

WriteLoad::WriteLoad(LoadOptions options) : options_(std::move(options)) {
  for (int i = 0; i < options_.clients; ++i) clients_.push_back(std::make_unique<Client>(this, i));
  for (auto& c : clients_)
    threads_.emplace_back([client = c.get()] {
      block_async_signals();
      client->run();
    });
}

WriteLoad::~WriteLoad() { stop(); }

std::vector<Call> WriteLoad::stop() {
  if (!stopped_) {
    settle_deadline_ = Clock::now() + options_.settle_timeout;
    stopping_.store(true);
    for (auto& t : threads_) t.join();
    stopped_ = true;
  }
  std::lock_guard lock(mutex_);
  return calls_;
}

bool WriteLoad::wait_acknowledged(long n, std::chrono::milliseconds timeout) const {
  auto target = acknowledged_.load() + n;
  auto deadline = Clock::now() + timeout;
  while (acknowledged_.load() < target) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

void WriteLoad::record(Call call) {
  std::lock_guard lock(mutex_);
  calls_.push_back(std::move(call));
}

}  // namespace siao::test::fault
