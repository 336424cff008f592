#include "gateway/http/tls_context.hpp"

#include "gateway/util/hex.hpp"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl/context.hpp>
#include <stdexcept>

namespace siao::http {

namespace ssl = boost::asio::ssl;

std::unique_ptr<ssl::context> make_server_tls(const std::string& cert_file, const std::string& key_file) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_compression | ssl::context::single_dh_use);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(native,
                              "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                              "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
                              "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256") != 1)
    throw std::runtime_error("TLS: no usable cipher");
  try {
    ctx->use_certificate_chain_file(cert_file);
  } catch (const std::exception& e) {
    throw std::runtime_error("tls.cert: cannot load " + cert_file + ": " + e.what());
  }
  try {
    ctx->use_private_key_file(key_file, ssl::context::pem);
  } catch (const std::exception& e) {
    throw std::runtime_error("tls.key: cannot load " + key_file + ": " + e.what());
  }
  // Ask for a client certificate; accept any: authentication compares its
  // fingerprint with the contracts, not its chain.
  ctx->set_verify_mode(ssl::verify_peer);
  ctx->set_verify_callback([](bool, ssl::verify_context&) { return true; });
  static const unsigned char kSessionContext[] = "siao-gateway";
  SSL_CTX_set_session_id_context(native, kSessionContext, sizeof kSessionContext - 1);
  return ctx;
}

std::string peer_certificate_sha256(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return {};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  int ok = X509_digest(cert, EVP_sha256(), digest, &len);
  X509_free(cert);
  if (ok != 1) return {};
  return util::to_hex(digest, len);
}

}  // namespace siao::http
