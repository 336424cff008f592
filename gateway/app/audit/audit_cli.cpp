#include "gateway/app/audit/audit_cli.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <pqxx/pqxx>

#include "gateway/audit/chain.hpp"
#include "gateway/audit/crypto.hpp"
#include "gateway/audit/export.hpp"
#include "gateway/audit/verify.hpp"

namespace siao::app {

namespace {

constexpr const char* kUsage =
    "usage: siao-gateway audit verify [--file EXPORT] [--public-key PEM] [--workers N]\n"
    "       siao-gateway audit export --from TIME --to TIME [--out FILE]\n"
    "       siao-gateway audit checkpoint\n"
    "       siao-gateway audit replay --mode translate|rebuild [--from TIME] [--to TIME] [--client ID]\n";

// "--name value" pairs after the sub-command; anything else is a usage error.
std::map<std::string, std::string> options(const std::vector<std::string>& args, std::initializer_list<const char*> known) {
  std::map<std::string, std::string> out;
  for (std::size_t i = 1; i < args.size(); ++i) {
    bool ok = false;
    for (const auto* k : known) ok |= args[i] == k;
    if (!ok || i + 1 == args.size()) throw std::invalid_argument("unexpected argument '" + args[i] + "'");
    out[args[i]] = args[i + 1];
    ++i;
  }
  return out;
}

// Signatures are trusted when made by the configured signing key, or by the public key given.
std::string trusted_key(const config::Config& cfg, const std::map<std::string, std::string>& opts) {
  if (auto it = opts.find("--public-key"); it != opts.end()) return audit::crypto::ed25519_public_key_hex_of_pem(it->second);
  return audit::crypto::ed25519_public_key_hex_of_pem(cfg.audit.signing_key_path(cfg.secrets_dir));
}

int report(const audit::VerifyResult& r) {
  std::cout << r.to_json() << "\n";
  if (!r.ok) std::cerr << "audit log broken at record " << (r.first_broken ? std::to_string(*r.first_broken) : "?")
                       << ": " << r.reason << "\n";
  return r.ok ? 0 : 1;
}

int verify(const std::vector<std::string>& args, const config::Config& cfg) {
  auto opts = options(args, {"--file", "--public-key", "--workers"});
  auto trusted = trusted_key(cfg, opts);
  if (auto file = opts.find("--file"); file != opts.end()) {
    std::ifstream in(file->second);
    if (!in) throw std::runtime_error(file->second + ": cannot be read");
    return report(audit::verify_export(in, trusted));
  }
  // As many readers as the database has connections to spare for it, at most four: each is a backend's work.
  auto workers = std::clamp(cfg.database.pool_size, 1, 4);
  if (auto w = opts.find("--workers"); w != opts.end()) workers = std::clamp(std::stoi(w->second), 1, 16);
  return report(audit::verify_database(cfg.database.url, trusted, workers));
}

int export_log(const std::vector<std::string>& args, const config::Config& cfg) {
  auto opts = options(args, {"--from", "--to", "--out"});
  if (!opts.contains("--from") || !opts.contains("--to")) throw std::invalid_argument("export needs --from and --to");
  auto signer = audit::crypto::Signer::from_file(cfg.audit.signing_key_path(cfg.secrets_dir), false);
  std::ofstream file;
  if (opts.contains("--out")) {
    file.open(opts["--out"]);
    if (!file) throw std::runtime_error(opts["--out"] + ": cannot be written");
  }
  std::ostream& out = opts.contains("--out") ? file : std::cout;
  pqxx::connection c(cfg.database.url);
  pqxx::work tx(c);
  auto s = audit::export_log(tx, signer, opts["--from"], opts["--to"], out);
  tx.commit();
  out.flush();
  if (!out) throw std::runtime_error("the export could not be written");
  std::cerr << "exported records " << s.first_seq << " to " << s.last_seq << " (" << s.records << "), "
            << s.checkpoints << " checkpoints\n";
  if (!s.verified.ok) {
    std::cerr << "the exported range does not verify: record "
              << (s.verified.first_broken ? std::to_string(*s.verified.first_broken) : "?") << ": " << s.verified.reason
              << "\n";
    return 1;
  }
  return 0;
}

int checkpoint(const std::vector<std::string>& args, const config::Config& cfg) {
  options(args, {});
  auto signer = audit::crypto::Signer::from_file(cfg.audit.signing_key_path(cfg.secrets_dir), false);
  pqxx::connection c(cfg.database.url);
  pqxx::work tx(c);
  auto seq = audit::sign_chain_head(tx, signer);
  tx.commit();
  std::cout << (seq ? "chain head signed at record " + std::to_string(seq) : std::string("the log is empty")) << "\n";
  return 0;
}

}  // namespace

int audit_command(const std::vector<std::string>& args, const config::Config& cfg, const adapters::Registry& adapters) {
  try {
    if (args.empty()) throw std::invalid_argument("which audit command?");
    if (args[0] == "verify") return verify(args, cfg);
    if (args[0] == "export") return export_log(args, cfg);
    if (args[0] == "checkpoint") return checkpoint(args, cfg);
    if (args[0] == "replay") return audit_replay_command({args.begin() + 1, args.end()}, cfg, adapters);
    throw std::invalid_argument("unknown audit command '" + args[0] + "'");
  } catch (const std::invalid_argument& e) {
    std::cerr << "siao-gateway audit: " << e.what() << "\n" << kUsage;
    return 2;
  }
}

}  // namespace siao::app
