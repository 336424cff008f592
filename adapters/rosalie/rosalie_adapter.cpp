#include "adapters/rosalie/rosalie_adapter.hpp"

#include "adapters/rosalie/rosalie_store.hpp"
#include "adapters/rosalie/routes.hpp"

namespace siao::adapters::rosalie {

namespace {

class RosalieAdapter final : public Adapter {
 public:
  std::string_view name() const override { return "rosalie"; }
  void register_routes(http::Router& router, const AdapterContext& ctx) override {
    rosalie::register_routes(router, ctx.api, std::make_shared<const Services>(Services{ctx.api.schemas, ctx.canonical}));
  }
  const std::vector<storage::PreparedStatement>& statements() const override { return store_statements(); }
};

}  // namespace

std::unique_ptr<Adapter> make_rosalie_adapter() { return std::make_unique<RosalieAdapter>(); }

}  // namespace siao::adapters::rosalie
