#include "adapters/generic/generic_adapter.hpp"

namespace siao::adapters::generic {

namespace {

class GenericAdapter final : public Adapter {
 public:
  std::string_view name() const override { return "generic"; }
  void register_routes(http::Router&, const AdapterContext&) override {}
};

}  // namespace

std::unique_ptr<Adapter> make_generic_adapter() { return std::make_unique<GenericAdapter>(); }

}  // namespace siao::adapters::generic
