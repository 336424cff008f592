#include "gateway/delivery/cli.hpp"

#include <iostream>
#include <optional>
#include <pqxx/pqxx>

#include "gateway/audit/offline_exchange.hpp"
#include "gateway/delivery/store.hpp"
#include "gateway/resources/json_out.hpp"

namespace siao::delivery {

namespace {

constexpr const char* kUsage =
    "usage: siao-gateway delivery list [--state pending|delivered|dead|skipped] [--subscriber C] [--limit N]\n"
    "       siao-gateway delivery redrive ID | --subscriber C\n";

// How a redrive from the command line appears in the audit log: as the HTTP one does, an exchange.
constexpr std::string_view kClientId = "siao-cli";
constexpr std::string_view kRoute = "delivery redrive";

// The redrive as an audited exchange (audit::run_offline_exchange), as the HTTP one is.
std::vector<std::int64_t> audited_redrive(const config::Config& cfg, std::optional<std::int64_t> id,
                                          const std::optional<std::string>& subscriber) {
  auto body = resources::json_text([&](resources::JsonWriter& w) {
    w.StartObject();
    if (id) resources::put_id(w, "id", *id);
    if (subscriber) resources::put(w, "subscriber", *subscriber);
    w.EndObject();
  });
  std::vector<std::int64_t> ids;
  auto response = audit::run_offline_exchange(
      cfg, {std::string(kClientId), std::string(kRoute), std::move(body)},
      [&](pqxx::transaction_base& tx, audit::Exchange&) {
        ids = redrive(tx, id, subscriber);
        http::Response r;
        r.body = resources::json_text([&](resources::JsonWriter& w) {
          w.StartObject();
          resources::put(w, "redriven");
          w.StartArray();
          for (auto i : ids) w.String(std::to_string(i));
          w.EndArray();
          w.EndObject();
        });
        return r;
      });
  if (response.status != 200)
    throw std::runtime_error("delivery redrive failed (" + std::to_string(response.status) + "); nothing was changed");
  return ids;
}

int usage(const std::string& why) {
  std::cerr << "siao-gateway: delivery: " << why << "\n" << kUsage;
  return 2;
}

}  // namespace

int delivery_command(const std::vector<std::string>& args, const config::Config& cfg) {
  if (args.empty()) return usage("a command is needed");
  std::optional<std::string> state, subscriber;
  std::optional<std::int64_t> id;
  int limit = 500;
  for (std::size_t i = 1; i < args.size(); ++i) {
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 == args.size()) return std::nullopt;
      return args[++i];
    };
    if (args[i] == "--state") state = value();
    else if (args[i] == "--subscriber") subscriber = value();
    else if (args[i] == "--limit") limit = std::stoi(value().value_or("500"));
    else if (args[0] == "redrive" && !id && args[i].find_first_not_of("0123456789") == std::string::npos)
      id = std::stoll(args[i]);
    else return usage("unexpected argument '" + args[i] + "'");
  }
  if (args[0] == "list") {
    pqxx::connection c(cfg.database.url);
    pqxx::read_transaction tx(c);
    for (const auto& r : list(tx, state, subscriber, 0, limit)) std::cout << to_json(r) << "\n";
    return 0;
  }
  if (args[0] == "redrive") {
    if (!id && !subscriber) return usage("redrive needs a delivery id or --subscriber");
    auto ids = audited_redrive(cfg, id, subscriber);
    for (auto i : ids) std::cout << "redriven " << i << "\n";
    if (id && ids.empty()) {
      std::cerr << "siao-gateway: delivery " << *id << " is not a dead delivery\n";
      return 1;
    }
    return 0;
  }
  return usage("unknown command '" + args[0] + "'");
}

}  // namespace siao::delivery
