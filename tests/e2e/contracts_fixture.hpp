#pragma once
// What the contracts end-to-end tests share: contract directories of their own
// (copies of the shipped ones, plus contracts written for one test), a gateway
// on them and a database of its own, partner data with contact details, and
// clocks for the tests that measure.
#include <stdlib.h>
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <pqxx/pqxx>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "gateway/util/hex.hpp"
#include "tests/support/api_client.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/test_database.hpp"

namespace siao::test::contracts {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A directory of its own under /tmp, removed with everything in it.
class TempDir {
 public:
  explicit TempDir(const std::string& stem = "contracts-test") {
    std::string pattern = "/tmp/siao-" + stem + "-XXXXXX";
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

inline fs::path source_dir() { return fs::path(SIAO_SOURCE_DIR); }

// A contracts directory laid out as the source tree is (ROOT/contracts beside ROOT/samples and ROOT/mapping,
// so the shipped contracts' "../samples/..." and "../mapping/..." still resolve), starting as a copy of the
// shipped contracts.
class ContractsDir {
 public:
  ContractsDir() : root_("contracts-dir") {
    fs::create_directories(path());
    for (const auto& entry : fs::directory_iterator(source_dir() / "contracts"))
      if (entry.path().extension() == ".json") fs::copy_file(entry.path(), path() / entry.path().filename());
    fs::copy(source_dir() / "samples", root_.path() / "samples", fs::copy_options::recursive);
    fs::copy(source_dir() / "mapping", root_.path() / "mapping", fs::copy_options::recursive);  // rosalie's mapping
  }
  fs::path root() const { return root_.path(); }
  fs::path path() const { return root_.path() / "contracts"; }
  fs::path file(const std::string& id) const { return path() / (id + ".json"); }
  std::string text(const std::string& id) const { return read_text(file(id)); }
  std::string sha256(const std::string& id) const { return util::sha256_hex(text(id)); }
  void put(const std::string& id, const std::string& text) const { write_text(file(id), text); }
  void remove(const std::string& id) const { fs::remove(file(id)); }
  // Replaces the one occurrence of `from` in a contract file by `to`.
  void edit(const std::string& id, const std::string& from, const std::string& to) const {
    auto t = text(id);
    auto at = t.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, id << ".json has no " << from);
    REQUIRE_MESSAGE(t.find(from, at + 1) == std::string::npos, id << ".json has " << from << " twice");
    put(id, t.replace(at, from.size(), to));
  }

 private:
  TempDir root_;
};

// SIAO_KEY_<CLIENT ID>, as the shipped contracts name their key's variable.
inline std::string key_env(const std::string& id) {
  std::string out = "SIAO_KEY_";
  for (char c : id) out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The key a test gives a contract it writes (through key_env).
inline std::string test_key(const std::string& id) { return "test-" + id + "-key-0123456789"; }

// A contract written for one test; each member is JSON text.
struct ContractSpec {
  std::string id;
  std::string scopes = R"(["households:read"])";
  std::string territories = R"("*")";
  std::string credentials;  // empty: the key from key_env(id)
  std::string fields;       // a "fields" object; empty: none (every field)
  std::string quota = R"({"rate": 10000, "burst": 10000, "maxInFlight": 64})";
  std::string version = "1.0.0";
  std::string samples;      // a "samples" array; empty: none
};

inline std::string contract_text(const ContractSpec& c) {
  std::string credentials =
      c.credentials.empty() ? R"({"apiKeyFrom": {"env": ")" + key_env(c.id) + R"("}})" : c.credentials;
  std::string out = "{\n  \"id\": \"" + c.id + "\",\n  \"name\": \"Test client " + c.id + "\",\n  \"version\": \"" +
                    c.version + "\",\n  \"credentials\": " + credentials + ",\n  \"scopes\": " + c.scopes +
                    ",\n  \"territories\": " + c.territories + ",\n";
  if (!c.fields.empty()) out += "  \"fields\": " + c.fields + ",\n";
  out += R"(  "adapter": {"name": "generic", "mappingVersion": "v2"},)" "\n";
  if (!c.samples.empty()) out += "  \"samples\": " + c.samples + ",\n";
  return out + "  \"quota\": " + c.quota + "\n}\n";
}

// A gateway on a database and a contracts directory of its own: add contracts, then start.
struct ContractsGateway {
  TestDatabase db;
  ContractsDir contracts;
  std::map<std::string, std::string> env;
  std::unique_ptr<GatewayProcess> gw;

  // Writes the contract; unless it names its own credentials, its key is test_key(id), given by key_env(id).
  void add(const ContractSpec& spec) {
    contracts.put(spec.id, contract_text(spec));
    if (spec.credentials.empty()) env[key_env(spec.id)] = test_key(spec.id);
  }
  void start(bool tls = false) {
    env["GATEWAY_CONTRACTS_DIR"] = contracts.path().string();
    gw = std::make_unique<GatewayProcess>(GatewayOptions{.database_url = db.url(), .tls = tls, .env = env});
    REQUIRE(gw->wait_ready(std::chrono::seconds(15)));
  }
  int port() const { return gw->http_port(); }
  ApiClient backoffice() const { return ApiClient(port(), kBackofficeKey); }
  ApiClient sample_partner() const { return ApiClient(port(), kSamplePartnerKey); }
  ApiClient as(const std::string& id) const { return ApiClient(port(), test_key(id)); }

  long long count(const std::string& sql) const { return scalar<long long>(db.url(), sql); }

  template <class T>
  static T scalar(const std::string& url, const std::string& sql) {
    pqxx::connection c(url);
    pqxx::nontransaction t(c);
    return t.exec(sql)[0][0].as<T>();
  }
};

// Rows of a query, each as its columns' text ("" for NULL).
inline std::vector<std::vector<std::string>> rows(const std::string& url, const std::string& sql) {
  pqxx::connection c(url);
  pqxx::nontransaction t(c);
  std::vector<std::vector<std::string>> out;
  for (const auto& row : t.exec(sql)) {
    std::vector<std::string> cols;
    for (const auto& field : row) cols.push_back(field.is_null() ? std::string() : field.c_str());
    out.push_back(std::move(cols));
  }
  return out;
}

inline std::string sql_text(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// A person as the back-office records them: with the contact details and nationality partners may not see.
inline std::string contact_person(const std::string& role, const std::string& last_name, const std::string& sex,
                                  const std::string& birth_date, const std::string& first_name,
                                  const std::string& phone, const std::string& email) {
  return R"({"role":")" + role + R"(","lastName":")" + last_name + R"(","firstNames":[")" + first_name +
         R"("],"sex":")" + sex + R"(","birthDate":")" + birth_date + R"(","nationality":"FRA","phone":")" + phone +
         R"(","email":")" + email + R"("})";
}

// A household in `territory` created by the back-office (a head and a child, both with contact details), with
// one emergency request.
struct Seeded {
  std::string household, head, child, request;
};

inline Seeded seed(ApiClient& backoffice, const std::string& territory, const std::string& last_name = "DUPONT") {
  auto h = backoffice.post(
      "/api/v2/households",
      household_body(territory, {contact_person("head", last_name, "female", "1985-03-14", "Marie", "+33612345678",
                                                "marie@example.org"),
                                 contact_person("child", last_name, "male", "2015-06-01", "Paul", "+33698765432",
                                                "paul@example.org")}));
  REQUIRE_MESSAGE(h.status == 201, h.body);
  Seeded s{h.str("/id"), h.str("/members/0/id"), h.str("/members/1/id"), ""};
  auto r = backoffice.post("/api/v2/requests", R"({"householdId":")" + s.household +
                                                   R"(","kind":"emergency","requestedServices":["CHU"]})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  s.request = r.str("/id");
  return s;
}

inline bool has(const ApiResult& r, const char* pointer) { return r.at(pointer) != nullptr; }

// The problem's type ends with its slug: "/problems/<slug>".
inline std::string slug(const ApiResult& r) {
  auto type = r.str("/type");
  auto slash = type.rfind('/');
  return slash == std::string::npos ? type : type.substr(slash + 1);
}

// Every errors[].message of a problem.
inline std::vector<std::string> error_messages(const ApiResult& r) {
  std::vector<std::string> out;
  const auto* errors = r.at("/errors");
  if (!errors || !errors->IsArray()) return out;
  for (const auto& e : errors->GetArray())
    if (e.HasMember("message") && e["message"].IsString()) out.emplace_back(e["message"].GetString());
  return out;
}

// Threads joined however the test ends (a failed REQUIRE throws past them): `stop` is set first.
class Crowd {
 public:
  explicit Crowd(std::atomic<bool>& stop) : stop_(stop) {}
  ~Crowd() {
    stop_ = true;
    join();
  }
  Crowd(const Crowd&) = delete;
  Crowd& operator=(const Crowd&) = delete;
  template <class F>
  void add(F&& f) {
    threads_.emplace_back(std::forward<F>(f));
  }
  void join() {
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }

 private:
  std::atomic<bool>& stop_;
  std::vector<std::thread> threads_;
};

using Clock = std::chrono::steady_clock;

inline double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

template <class F>
double timed_ms(F&& f) {
  auto start = Clock::now();
  f();
  return ms_between(start, Clock::now());
}

// The p-th percentile (0..1) of `values`, nearest rank.
inline double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto rank = static_cast<std::size_t>(std::llround(p * static_cast<double>(values.size() - 1)));
  return values[std::min(rank, values.size() - 1)];
}

}  // namespace siao::test::contracts
