#include "gateway/audit/subject_keys.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <stdexcept>

#include "gateway/audit/crypto.hpp"
#include "gateway/storage/resource_store.hpp"
#include "gateway/util/hex.hpp"

namespace siao::audit {

namespace {

constexpr std::string_view kWrapAad = "siao-gateway audit subject key:";

// Candidate keys for every subject go in; those that already existed keep theirs (ON CONFLICT), and every key
// comes back: the new ones from RETURNING, the others from the table (the chain head lock rules out a concurrent
// creator, so the statement's snapshot holds them all).
constexpr const char* kObtainSql =
    "WITH candidate AS (SELECT * FROM json_to_recordset($1::json) AS c(subject text, wrapped text)), "
    "created AS (INSERT INTO audit_subject_keys (subject, wrapped) SELECT subject, wrapped FROM candidate "
    "ON CONFLICT (subject) DO NOTHING RETURNING subject, wrapped) "
    "SELECT subject, wrapped FROM created "
    "UNION ALL SELECT k.subject, k.wrapped FROM audit_subject_keys k JOIN candidate c ON c.subject = k.subject";

std::string read_master(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  auto s = text.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  auto raw = crypto::unhex(s);
  if (!raw || raw->size() != 32) throw std::runtime_error(path + ": must hold 64 hex digits (a 256-bit key)");
  return *raw;
}

}  // namespace

const std::vector<storage::PreparedStatement>& KeyRing::statements() {
  static const std::vector<storage::PreparedStatement> all = {{"audit_obtain_keys", kObtainSql}};
  return all;
}

KeyRing::KeyRing(std::string master_key) : master_(std::move(master_key)) {
  if (master_.size() != 32) throw std::invalid_argument("the audit master key must be 32 bytes");
}

KeyRing KeyRing::from_file(const std::string& path, bool create) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 || !create) return KeyRing(read_master(path));
  auto key = crypto::random_bytes(32);
  auto old = ::umask(077);
  FILE* f = std::fopen(path.c_str(), "wx");
  ::umask(old);
  if (!f) throw std::runtime_error(path + ": cannot be created");
  auto hex = util::to_hex(reinterpret_cast<const unsigned char*>(key.data()), key.size()) + "\n";
  bool ok = std::fwrite(hex.data(), 1, hex.size(), f) == hex.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok) throw std::runtime_error(path + ": cannot be written");
  return KeyRing(std::move(key));
}

std::string KeyRing::wrap(const std::string& subject, std::string_view key) const {
  return crypto::base64(crypto::aes_gcm_seal(master_, key, std::string(kWrapAad) + subject));
}

std::string KeyRing::unwrap(const std::string& subject, std::string_view wrapped) const {
  auto raw = crypto::unbase64(wrapped);
  std::optional<std::string> key;
  if (raw) key = crypto::aes_gcm_open(master_, *raw, std::string(kWrapAad) + subject);
  if (!key || key->size() != 32)
    throw std::runtime_error("audit key of " + subject + " does not open with the configured master key");
  return *key;
}

std::pair<std::string, std::string> KeyRing::create(const std::string& subject) const {
  auto key = crypto::random_bytes(32);
  auto wrapped = wrap(subject, key);
  return {std::move(key), std::move(wrapped)};
}

SubjectKeys KeyRing::obtain(pqxx::transaction_base& tx, const std::vector<std::string>& subjects) const {
  SubjectKeys out;
  if (subjects.empty()) return out;
  std::string json = "[";
  for (const auto& s : subjects) {
    if (json.size() > 1) json += ',';
    // Subjects are "kind:digits" or "period:YYYY-MM": nothing to escape.
    json += "{\"subject\":\"" + s + "\",\"wrapped\":\"" + wrap(s, crypto::random_bytes(32)) + "\"}";
  }
  json += ']';
  for (const auto& row : tx.exec_prepared("audit_obtain_keys", json)) {
    auto subject = row[0].as<std::string>();
    auto key = unwrap(subject, std::string_view(row[1].c_str(), row[1].size()));
    out.emplace(std::move(subject), std::move(key));
  }
  for (const auto& s : subjects)
    if (!out.contains(s)) throw std::runtime_error("audit key of " + s + " could not be obtained");
  return out;
}

SubjectKeys KeyRing::fetch(pqxx::transaction_base& tx, const std::vector<std::string>& subjects) const {
  SubjectKeys out;
  if (subjects.empty()) return out;
  for (const auto& row : tx.exec_params("SELECT subject, wrapped FROM audit_subject_keys "
                                        "WHERE subject IN (SELECT json_array_elements_text($1::json))",
                                        storage::json_string_array(subjects))) {
    auto subject = row[0].as<std::string>();
    auto key = unwrap(subject, std::string_view(row[1].c_str(), row[1].size()));
    out.emplace(std::move(subject), std::move(key));
  }
  return out;
}

int erase_subject_keys(pqxx::transaction_base& tx, const std::vector<std::string>& subjects, std::int64_t seq) {
  if (subjects.empty()) return 0;
  auto erased = tx.exec_params(
      "WITH gone AS (DELETE FROM audit_subject_keys WHERE subject IN (SELECT json_array_elements_text($1::json)) "
      "RETURNING subject) INSERT INTO audit_erasures (subject, erased_at, seq) SELECT subject, now(), $2 FROM gone "
      "RETURNING subject",
      storage::json_string_array(subjects), seq);
  return static_cast<int>(erased.size());
}

}  // namespace siao::audit
