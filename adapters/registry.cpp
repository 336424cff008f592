#include "adapters/registry.hpp"

#include <stdexcept>

namespace siao::adapters {

void Registry::add(std::string name, Factory factory) {
  if (factories_.contains(name)) throw std::logic_error("two adapters named " + name);
  factories_.emplace(std::move(name), std::move(factory));
}

bool Registry::has(std::string_view name) const { return factories_.find(name) != factories_.end(); }

std::vector<std::string> Registry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, factory] : factories_) out.push_back(name);
  return out;
}

std::vector<std::string> Registry::check(const auth::Client& client) const {
  auto it = factories_.find(client.adapter);
  if (it == factories_.end()) return {};
  return it->second()->check(client);
}

std::vector<std::unique_ptr<Adapter>> Registry::make_all() const {
  std::vector<std::unique_ptr<Adapter>> out;
  for (const auto& [name, factory] : factories_) out.push_back(factory());
  return out;
}

}  // namespace siao::adapters
