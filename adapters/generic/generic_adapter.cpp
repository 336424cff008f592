#include "adapters/generic/generic_adapter.hpp"

#include "gateway/http/problem.hpp"

namespace siao::adapters::generic {

namespace {

class GenericAdapter final : public Adapter {
 public:
  std::string_view name() const override { return "generic"; }
  void register_routes(http::Router&, const AdapterContext& ctx) override { canonical_ = &ctx.canonical; }

  // The v2 JSON of the resource as GET /api/v2/{resource}s/{id} answers the subscriber (its field rules applied).
  // A resource it may no longer read (merged away: 301, out of its territories: 404, a scope it lacks: 403) is
  // sent as the event alone: the partner still learns that it changed.
  OutboundRendering render_outbound(pqxx::transaction_base& tx, audit::Exchange& ex,
                                    const OutboundEvent& e) const override {
    if (!canonical_) return {};
    try {
      auto answer = canonical_->execute(tx, ex, {http::Method::get, "/api/v2/" + e.resource + "s/" + std::to_string(e.id), {}, {}});
      return {true, "object", std::move(answer.body)};
    } catch (const http::HttpError&) {
      return {};
    }
  }

 private:
  const api::CanonicalApi* canonical_ = nullptr;  // set when the routes are registered, before serving
};

}  // namespace

std::unique_ptr<Adapter> make_generic_adapter() { return std::make_unique<GenericAdapter>(); }

}  // namespace siao::adapters::generic
