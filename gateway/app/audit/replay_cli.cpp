// `siao-gateway audit replay --mode translate|rebuild [--from T] [--to T] [--client C]`: the report as text;
// exit 0 when every replayed exchange is identical, 1 when there is a difference, 2 when it cannot run.
#include <iostream>
#include <map>

#include "gateway/app/audit/audit_cli.hpp"
#include "gateway/audit/replay/rebuild.hpp"
#include "gateway/audit/replay/translate.hpp"

namespace siao::app {

namespace {

constexpr const char* kReplayUsage =
    "usage: siao-gateway audit replay --mode translate|rebuild [--from TIME] [--to TIME] [--client ID]\n"
    "       TIME: RFC 3339 with its zone (2026-11-03T10:00:00Z)\n";

}  // namespace

int audit_replay_command(const std::vector<std::string>& args, const config::Config& cfg,
                         const adapters::Registry& adapters) {
  std::map<std::string, std::string> opts;
  for (std::size_t i = 0; i < args.size(); i += 2) {
    const auto& name = args[i];
    if ((name != "--mode" && name != "--from" && name != "--to" && name != "--client") || i + 1 == args.size() ||
        opts.contains(name)) {
      std::cerr << "unexpected argument '" << name << "'\n" << kReplayUsage;
      return 2;
    }
    opts[name] = args[i + 1];
  }
  const auto mode = opts["--mode"];
  if (mode != "translate" && mode != "rebuild") {
    std::cerr << kReplayUsage;
    return 2;
  }
  audit::replay::Selection selection;
  for (auto [name, field] : {std::pair{"--from", &selection.from}, std::pair{"--to", &selection.to}}) {
    if (!opts.contains(name)) continue;
    if (!audit::replay::valid_time(opts[name])) {
      std::cerr << name << " " << opts[name] << ": not an RFC 3339 time with its zone\n" << kReplayUsage;
      return 2;
    }
    *field = opts[name];
  }
  if (opts.contains("--client")) selection.client = opts["--client"];
  try {
    audit::replay::Report report;
    if (mode == "rebuild") {
      report = audit::replay::rebuild(cfg, adapters, selection);
    } else {
      // The records' keys open with the configured master key: a missing one is not created here.
      auto keys = audit::KeyRing::from_file(cfg.audit.master_key_path(cfg.secrets_dir), false);
      report = audit::replay::translate(cfg, adapters, keys, selection);
    }
    std::cout << report.to_text();
    return report.different.empty() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "audit replay " << mode << " failed: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace siao::app
