#include "adapters/rosalie/rosalie_adapter.hpp"

#include "adapters/rosalie/outbound.hpp"
#include "adapters/rosalie/rosalie_store.hpp"
#include "adapters/rosalie/routes.hpp"

namespace siao::adapters::rosalie {

namespace {

class RosalieAdapter final : public Adapter {
 public:
  std::string_view name() const override { return "rosalie"; }
  void register_routes(http::Router& router, const AdapterContext& ctx) override {
    services_ = std::make_shared<const Services>(Services{ctx.api.schemas, ctx.canonical});
    rosalie::register_routes(router, ctx.api, services_);
  }
  OutboundRendering render_outbound(pqxx::transaction_base& tx, audit::Exchange& ex,
                                    const OutboundEvent& e) const override {
    if (!services_) return {};
    return rosalie::render_outbound(*services_, tx, ex, e);
  }
  const std::vector<storage::PreparedStatement>& statements() const override { return store_statements(); }

 private:
  std::shared_ptr<const Services> services_;  // set when the routes are registered, before serving
};

}  // namespace

std::unique_ptr<Adapter> make_rosalie_adapter() { return std::make_unique<RosalieAdapter>(); }

}  // namespace siao::adapters::rosalie
