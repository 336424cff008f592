#include "tests/support/test_cert.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>

#include "gateway/util/hex.hpp"

namespace siao::test {

namespace {

template <class T, void (*Free)(T*)>
struct Freer {
  void operator()(T* p) const { Free(p); }
};
template <class T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Freer<T, Free>>;

std::string write_pem(const std::string& stem, const std::function<int(FILE*)>& write) {
  std::string path = "/tmp/siao-" + stem + "-XXXXXX";
  int fd = mkstemp(path.data());
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  FILE* f = fdopen(fd, "w");
  int ok = write(f);
  const bool closed = fclose(f) == 0;  // closing flushes: a full disk shows here
  if (ok != 1 || !closed) throw std::runtime_error("cannot write " + stem);
  return path;
}

}  // namespace

Certificate make_certificate(const std::string& common_name) {
  Owned<EVP_PKEY, EVP_PKEY_free> key(EVP_EC_gen("P-256"));
  if (!key) throw std::runtime_error("EC key generation failed");
  Owned<X509, X509_free> cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 7L * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()),
                             -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) throw std::runtime_error("certificate signing failed");

  Certificate out;
  out.cert_file = write_pem("cert", [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
  out.key_file = write_pem("key", [&](FILE* f) {
    return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert.get(), EVP_sha256(), digest, &len);
  out.sha256 = util::to_hex(digest, len);
  return out;
}

const Certificate& server_certificate() {
  static const Certificate cert = make_certificate("localhost");
  return cert;
}

}  // namespace siao::test
