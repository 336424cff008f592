#pragma once
// Self-signed certificates made at test time (never kept in the repository).
#include <string>

namespace siao::test {

struct Certificate {
  std::string cert_file;  // PEM
  std::string key_file;   // PEM
  std::string sha256;     // fingerprint of the DER certificate, lower-case hex
};

Certificate make_certificate(const std::string& common_name);
const Certificate& server_certificate();  // made once per test binary

}  // namespace siao::test
