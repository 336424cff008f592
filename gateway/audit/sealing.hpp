#pragma once
// Personal data in an audit record (request and response bodies, query,
// canonical commands) is sealed with AES-256-GCM under a key derived from the
// keys of all the record's subjects: erasing any one of them makes the field
// unreadable, and the chain, which covers the sealed text, still verifies.
// A sealed field is text: "s1." + base64(salt 16 | nonce 12 | ciphertext | tag 16).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/audit/subject_keys.hpp"

namespace siao::audit {

// Subjects of a record, in a stable order, as stored in its `subjects` column (a JSON array).
std::string subjects_json(const std::vector<std::string>& subjects);
std::vector<std::string> parse_subjects(std::string_view json);

// One record's fields share a salt, and so one derived key; each has its own random nonce.
class Sealer {
 public:
  // `keys` must hold every subject's key.
  Sealer(const std::vector<std::string>& subjects, const SubjectKeys& keys);
  std::string seal(std::string_view plaintext) const;

 private:
  std::string salt_, key_;
};

class Opener {
 public:
  // nullopt when a subject's key is missing (erased).
  static std::optional<Opener> make(const std::vector<std::string>& subjects, const SubjectKeys& keys);
  // nullopt: not a sealed field, or altered.
  std::optional<std::string> open(std::string_view sealed) const;

 private:
  explicit Opener(std::string ikm) : ikm_(std::move(ikm)) {}
  std::string ikm_;
  mutable std::string salt_, key_;  // the last field's: a record's fields share them
};

bool is_sealed(std::string_view field);

}  // namespace siao::audit
