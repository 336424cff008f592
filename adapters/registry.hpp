#pragma once
// Adapters by name. Built-ins are added from one explicit list (builtin.cpp),
// never by static registration, which a static library can silently drop.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/adapter.hpp"

namespace siao::adapters {

using Factory = std::function<std::unique_ptr<Adapter>()>;

class Registry {
 public:
  void add(std::string name, Factory factory);  // throws std::logic_error for a name already taken
  bool has(std::string_view name) const;
  std::vector<std::string> names() const;
  // The problems the adapter `client` names finds with its contract (Adapter::check); none for an unknown name.
  std::vector<std::string> check(const auth::Client& client) const;
  // One instance of every adapter, in name order.
  std::vector<std::unique_ptr<Adapter>> make_all() const;

 private:
  std::map<std::string, Factory, std::less<>> factories_;
};

// generic, rosalie, declarative...
void add_builtin_adapters(Registry& registry);

}  // namespace siao::adapters
