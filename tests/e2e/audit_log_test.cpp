// The exchange log as an auditor relies on it: sealed personal data, monthly partitions, append-only rows,
// signed checkpoints, and verification that names the first broken record, in the database and in an export.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>

#include "gateway/audit/chain.hpp"
#include "gateway/audit/crypto.hpp"
#include "gateway/audit/export.hpp"
#include "gateway/audit/log_reader.hpp"
#include "gateway/audit/verify.hpp"
#include "gateway/util/scratch_dir.hpp"
#include "tests/e2e/v2_fixture.hpp"

using namespace siao::test;

namespace {

// A gateway that signs a checkpoint every 5 records, with some traffic: creates, reads, a patch, a refusal.
struct AuditedGateway {
  TestDatabase db;
  GatewayProcess gw;
  std::vector<std::string> households;
  AuditedGateway()
      : gw({.database_url = db.url(), .env = {{"GATEWAY_AUDIT_CHECKPOINT_EVERY", "5"}}}) {
    REQUIRE(gw.wait_ready(std::chrono::seconds(15)));
    ApiClient api(gw.http_port());
    for (const char* name : {"QUENTAL", "ORVALLE", "BRISSEAU"}) {
      auto r = api.post("/api/v2/households", household_body("75", {person_json("head", name, "female", "1985-03-14")}));
      REQUIRE(r.status == 201);
      households.push_back(r.str("/id"));
    }
    api.get("/api/v2/households/" + households[0]);
    api.get("/api/v2/households?lastName=QUENTAL");
    api.patch("/api/v2/households/" + households[1], R"({"territory":"93"})", "\"1\"");
    api.post("/api/v2/households", R"({"territory":"75","members":[{"lastName":"REFUSEDNAME"}]})");
  }
  long long count(const std::string& sql) const {
    pqxx::connection c(db.url());
    pqxx::nontransaction t(c);
    return t.exec(sql)[0][0].as<long long>();
  }
  void exec(const std::string& sql) const {
    pqxx::connection c(db.url());
    pqxx::nontransaction t(c);
    t.exec(sql);
  }
  siao::audit::VerifyResult verify() const {
    pqxx::connection c(db.url());
    pqxx::read_transaction t(c);
    return siao::audit::verify_database(t, siao::audit::crypto::ed25519_public_key_hex_of_pem(kAuditSigningKeyFile));
  }
  // As the database's owner, past the append-only trigger (what an intruder with the owner's password could
  // do), then verified in the same transaction, which is rolled back: each check starts from the intact log.
  siao::audit::VerifyResult tampered(const std::string& sql) const {
    pqxx::connection c(db.url());
    pqxx::work t(c);
    t.exec("ALTER TABLE audit_exchanges DISABLE TRIGGER audit_exchanges_append_only");
    t.exec(sql);
    return siao::audit::verify_database(t, siao::audit::crypto::ed25519_public_key_hex_of_pem(kAuditSigningKeyFile));
  }
  RunResult cli(const std::vector<std::string>& args) const {
    return run_gateway(args, {{"DATABASE_URL", db.url()}});
  }
};

}  // namespace

TEST_CASE("audit log: personal data is sealed - names appear nowhere in clear") {
  AuditedGateway g;
  REQUIRE(g.count("SELECT count(*) FROM audit_exchanges") == 7);
  for (const char* name : {"QUENTAL", "ORVALLE", "BRISSEAU", "REFUSEDNAME"})
    CHECK_MESSAGE(g.count(std::string("SELECT count(*) FROM audit_exchanges a WHERE a::text ILIKE '%") + name + "%'") == 0,
                  name);
  // The search's query string is sealed too; its path stays readable for auditors' searches.
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE target = '/api/v2/households' AND method = 'GET' "
                "AND query LIKE 's1.%'") == 1);
  // One key per person; the month's key for what names no person (the refusal, the search without results).
  CHECK(g.count("SELECT count(*) FROM audit_subject_keys WHERE subject LIKE 'person:%'") == 3);
  CHECK(g.count("SELECT count(*) FROM audit_subject_keys WHERE subject LIKE 'period:%'") == 1);
  CHECK(g.count("SELECT count(*) FROM audit_subject_keys WHERE wrapped ~ '^[A-Za-z0-9+/=]+$'") == 4);

  // A read without a query keeps nothing personal: its headers stay in clear and it seals nothing.
  ApiClient(g.gw.http_port()).get("/api/v2/households/" + g.households[2], {{"User-Agent", "audit-test/1.0"}});
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE seq = 8 AND headers = '{\"user-agent\":\"audit-test/1.0\"}' "
                "AND request_body IS NULL AND query IS NULL AND canonical IS NULL") == 1);
  CHECK(g.count("SELECT count(*) FROM audit_subject_keys") == 4);
}

TEST_CASE("audit log: erasing a person's key makes their records unreadable - the chain still verifies") {
  AuditedGateway g;
  pqxx::connection c(g.db.url());
  pqxx::work t(c);
  auto keys = siao::audit::KeyRing::from_file(kAuditMasterKeyFile, false);
  auto first = siao::audit::load_record(t, 1);
  REQUIRE(first);
  auto opened = siao::audit::open_record(t, keys, *first);
  REQUIRE(opened.request_body);
  CHECK(opened.request_body->find("QUENTAL") != std::string::npos);
  CHECK_FALSE(opened.erased);

  auto subjects = *first->subjects;
  REQUIRE(subjects.rfind("[\"person:", 0) == 0);
  auto subject = subjects.substr(2, subjects.size() - 4);
  CHECK(siao::audit::erase_subject_keys(t, {subject}, 0) == 1);
  auto after = siao::audit::open_record(t, keys, *first);
  CHECK(after.erased);
  CHECK_FALSE(after.request_body);
  // The other households' records still open.
  auto second = siao::audit::open_record(t, keys, *siao::audit::load_record(t, 2));
  CHECK(second.request_body->find("ORVALLE") != std::string::npos);
  t.commit();
  CHECK(g.verify().ok);
  CHECK(g.count("SELECT count(*) FROM audit_erasures WHERE subject = '" + subject + "'") == 1);
}

TEST_CASE("audit log: rows live in their month's partition and cannot be changed or removed") {
  AuditedGateway g;
  CHECK(g.count("SELECT count(*) FROM audit_exchanges_default") == 0);
  CHECK(g.count("SELECT count(DISTINCT tableoid) FROM audit_exchanges") == 1);
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE tableoid::regclass::text = "
                "'audit_exchanges_y' || to_char(at AT TIME ZONE 'UTC', 'YYYY') || 'm' || to_char(at AT TIME ZONE 'UTC', 'MM')") == 7);
  // Partitions for the next months exist already.
  CHECK(g.count("SELECT count(*) FROM pg_inherits WHERE inhparent = 'audit_exchanges'::regclass") >= 4);
  auto partition = [&] {
    pqxx::connection c(g.db.url());
    pqxx::nontransaction t(c);
    return t.exec("SELECT tableoid::regclass::text FROM audit_exchanges LIMIT 1")[0][0].as<std::string>();
  }();
  for (const std::string& sql :
       {std::string("UPDATE audit_exchanges SET status = 200"), std::string("DELETE FROM audit_exchanges WHERE seq = 3"),
        std::string("TRUNCATE audit_exchanges"), "UPDATE " + partition + " SET status = 200",
        "DELETE FROM " + partition, "TRUNCATE " + partition}) {
    CHECK_THROWS_WITH_AS(g.exec(sql), doctest::Contains("append-only"), pqxx::sql_error);
  }
  CHECK(g.count("SELECT count(*) FROM audit_exchanges") == 7);
  CHECK(g.verify().ok);
}

TEST_CASE("audit log: checkpoints are signed every N records and verify") {
  AuditedGateway g;
  CHECK(g.count("SELECT count(*) FROM audit_checkpoints") == 1);  // at record 5 of 7
  CHECK(g.count("SELECT count(*) FROM audit_checkpoints c JOIN audit_exchanges a ON a.seq = c.seq AND a.hash = c.hash") == 1);
  auto r = g.verify();
  CHECK(r.ok);
  CHECK(r.checked == 7);
  CHECK(r.checkpoints == 1);
  // A checkpoint signed by another key is not trusted.
  const siao::util::ScratchDir dir("siao-audit-test");
  auto other = siao::audit::crypto::Signer::from_file((dir.path() / "other.pem").string(), true);
  auto hash = [&] {
    pqxx::connection c(g.db.url());
    pqxx::nontransaction t(c);
    return t.exec("SELECT hash FROM audit_exchanges WHERE seq = 6")[0][0].as<std::string>();
  }();
  auto forged = g.tampered("INSERT INTO audit_checkpoints VALUES (6, '" + hash + "', now(), '" + other.public_key_hex() +
                           "', '" + other.sign_hex(siao::audit::checkpoint_message(6, hash)) + "')");
  CHECK_FALSE(forged.ok);
  CHECK(forged.first_broken == std::optional<std::int64_t>(6));
  CHECK(forged.reason.find("trusted key") != std::string::npos);
}

TEST_CASE("audit verify: a changed byte in any column names its record - a removed one too") {
  AuditedGateway g;
  REQUIRE(g.verify().ok);
  for (std::string change : {"status = status + 1", "at = at + interval '1 millisecond'", "client_id = 'someone-else'",
                             "method = 'PUT'", "route = route || 'x'", "target = target || 'x'", "request_id = 'r'",
                             "trace_id = 't'", "duration_us = duration_us + 1",
                             "request_body = overlay(request_body placing 'A' from 10 for 1)",
                             "response_sha256 = repeat('0', 64)",
                             "response_body = overlay(response_body placing 'A' from 10 for 1)",
                             "resources = '[]'", "contract_version = '9.9.9'", "contract_sha256 = repeat('0', 64)",
                             "adapter = 'other'", "subjects = '[\"period:2000-01\"]'", "headers = NULL",
                             "canonical = 's1.AAAA'", "schemas_sha256 = NULL", "gateway_version = '0.0.0'",
                             "hash = repeat('a', 64)"}) {
    CAPTURE(change);
    auto r = g.tampered("UPDATE audit_exchanges SET " + change + " WHERE seq = 2");
    CHECK_FALSE(r.ok);
    CHECK(r.first_broken == std::optional<std::int64_t>(2));
  }
  // The previous hash named by the next record: the link breaks there.
  auto relinked = g.tampered("UPDATE audit_exchanges SET prev_hash = repeat('b', 64) WHERE seq = 4");
  CHECK(relinked.first_broken == std::optional<std::int64_t>(4));
  auto removed = g.tampered("DELETE FROM audit_exchanges WHERE seq = 3");
  CHECK(removed.first_broken == std::optional<std::int64_t>(3));
  CHECK(removed.reason.find("missing") != std::string::npos);
  // The last record removed: the chain head still names it.
  auto cut = g.tampered("DELETE FROM audit_exchanges WHERE seq = 7");
  CHECK(cut.first_broken == std::optional<std::int64_t>(7));
  // The first one: the log no longer starts the chain.
  auto first = g.tampered("DELETE FROM audit_exchanges WHERE seq = 1");
  CHECK(first.first_broken == std::optional<std::int64_t>(1));
  CHECK(g.verify().ok);  // each change above was rolled back
}

TEST_CASE("audit verify over HTTP and from the command line") {
  AuditedGateway g;
  ApiClient auditor(g.gw.http_port(), kAuditorKey);
  auto r = auditor.post("/api/v2/audit/verify", "");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.at("/ok")->GetBool());
  CHECK(r.integer("/checked") == 7);
  CHECK(r.at("/firstBroken")->IsNull());
  CHECK(ApiClient(g.gw.http_port(), kSamplePartnerKey).post("/api/v2/audit/verify", "").status == 403);

  auto ok = g.cli({"audit", "verify"});
  CHECK_MESSAGE(ok.exit_code == 0, ok.output);
  CHECK(ok.output.find("\"ok\":true") != std::string::npos);
  {
    pqxx::connection c(g.db.url());
    pqxx::work t(c);
    t.exec("ALTER TABLE audit_exchanges DISABLE TRIGGER audit_exchanges_append_only");
    t.exec("UPDATE audit_exchanges SET status = 500 WHERE seq = 4");
    t.exec("ALTER TABLE audit_exchanges ENABLE TRIGGER audit_exchanges_append_only");
    t.commit();
  }
  auto broken = g.cli({"audit", "verify"});
  CHECK(broken.exit_code == 1);
  CHECK(broken.output.find("\"firstBroken\":\"4\"") != std::string::npos);
  CHECK(broken.output.find("broken at record 4") != std::string::npos);
  auto over_http = auditor.post("/api/v2/audit/verify", "");
  CHECK_FALSE(over_http.at("/ok")->GetBool());
  CHECK(over_http.str("/firstBroken") == "4");
}

TEST_CASE("audit export: verifies on its own - a changed byte or a removed record is found") {
  AuditedGateway g;
  const siao::util::ScratchDir dir("siao-audit-test");
  const auto file = (dir.path() / "export.ndjson").string();
  auto exported = g.cli({"audit", "export", "--from", "2000-01-01T00:00:00Z", "--to", "2100-01-01T00:00:00Z", "--out", file});
  REQUIRE_MESSAGE(exported.exit_code == 0, exported.output);
  auto text = read_file(file);
  CHECK(text.find("QUENTAL") == std::string::npos);
  // Header, the checkpoint at 5, seven records, the checkpoint signed for the last one.
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  REQUIRE(lines.size() == 10);
  auto key = siao::audit::crypto::ed25519_public_key_hex_of_pem(kAuditSigningKeyFile);
  auto verify = [&](const std::vector<std::string>& ls) {
    std::string joined;
    for (const auto& l : ls) joined += l + "\n";
    std::istringstream s(joined);
    return siao::audit::verify_export(s, key);
  };
  auto whole = verify(lines);
  CHECK_MESSAGE(whole.ok, whole.reason);
  CHECK(whole.checked == 7);
  CHECK(whole.checkpoints == 2);
  CHECK(whole.anchored);
  // Through the command line too, with the public key given.
  const auto pem = (dir.path() / "copy.ndjson").string();
  {
    std::ofstream out(pem);
    out << text;
  }
  auto offline = run_gateway({"audit", "verify", "--file", pem, "--public-key", kAuditSigningKeyFile}, {});
  CHECK_MESSAGE(offline.exit_code == 0, offline.output);

  auto changed = lines;
  auto& line = changed[4];  // record 3
  REQUIRE(line.find("\"seq\":3") != std::string::npos);
  auto at = line.find("\"status\":") + 10;
  line[at] = line[at] == '2' ? '4' : '2';
  auto r = verify(changed);
  CHECK_FALSE(r.ok);
  CHECK(r.first_broken == std::optional<std::int64_t>(3));

  auto removed = lines;
  removed.erase(removed.begin() + 4);
  auto m = verify(removed);
  CHECK(m.first_broken == std::optional<std::int64_t>(3));
  // The record the closing checkpoint signed, changed: found even though it is the last.
  auto last = lines;
  auto& l = last[8];
  REQUIRE(l.find("\"seq\":7") != std::string::npos);
  l.replace(l.find("\"status\":") + 10, 1, "5");
  CHECK(verify(last).first_broken == std::optional<std::int64_t>(7));
}
