#pragma once
// The TLS server context: TLS 1.2 and 1.3 only, forward-secret AEAD ciphers,
// and client certificates requested but not required (contracts pin them by
// fingerprint, so the certificate's issuer is not what authenticates).
#include <memory>
#include <string>

using SSL = struct ssl_st;

namespace boost::asio::ssl {
class context;
}

namespace siao::http {

std::unique_ptr<boost::asio::ssl::context> make_server_tls(const std::string& cert_file, const std::string& key_file);

// SHA-256 of the peer's DER certificate, lower-case hex; empty without one.
std::string peer_certificate_sha256(SSL* ssl);

}  // namespace siao::http
