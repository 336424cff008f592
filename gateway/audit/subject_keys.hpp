#pragma once
// One random key per subject of the log ("person:ID", "period:YYYY-MM"),
// stored wrapped by the master key (AES-256-GCM, the subject as associated
// data). A subject's data in the log is readable while its key exists;
// erasing the key forgets it everywhere at once.
#include <map>
#include <string>
#include <vector>

#include <pqxx/transaction_base>

#include "gateway/storage/pool.hpp"

namespace siao::audit {

using SubjectKeys = std::map<std::string, std::string, std::less<>>;  // subject -> raw 32-byte key

class KeyRing {
 public:
  static const std::vector<storage::PreparedStatement>& statements();

  explicit KeyRing(std::string master_key);  // 32 bytes
  // Reads the master key (64 hex digits) from `path`; creates it (mode 0600) when missing and `create` is set.
  static KeyRing from_file(const std::string& path, bool create);

  // The keys of `subjects`, creating those that have none. Call with the chain head locked: appends are the only
  // creators, so none is created concurrently.
  SubjectKeys obtain(pqxx::transaction_base& tx, const std::vector<std::string>& subjects) const;
  // A new key for a subject that has none yet (a person this batch creates): the key, and its wrapped text to store
  // in audit_subject_keys with the records it seals.
  std::pair<std::string, std::string> create(const std::string& subject) const;
  // The keys that still exist among `subjects` (an erased subject is absent). Unprepared: for auditors and tools.
  SubjectKeys fetch(pqxx::transaction_base& tx, const std::vector<std::string>& subjects) const;

 private:
  std::string wrap(const std::string& subject, std::string_view key) const;
  std::string unwrap(const std::string& subject, std::string_view wrapped) const;
  std::string master_;
};

// Erases the keys of `subjects` and records each erasure under `seq`; returns how many existed.
int erase_subject_keys(pqxx::transaction_base& tx, const std::vector<std::string>& subjects, std::int64_t seq);

inline std::string person_subject(std::int64_t id) { return "person:" + std::to_string(id); }

}  // namespace siao::audit
