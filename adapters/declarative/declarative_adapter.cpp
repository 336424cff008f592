#include "adapters/declarative/declarative_adapter.hpp"

#include "adapters/declarative/call.hpp"
#include "adapters/declarative/route_cache.hpp"
#include "gateway/resources/json_out.hpp"

namespace siao::adapters::declarative {

namespace {

// The partner's paths are its mapping's, known per call: these patterns take any of 1 to 4 segments.
constexpr const char* kPatterns[] = {"/api/partner/{a}", "/api/partner/{a}/{b}", "/api/partner/{a}/{b}/{c}",
                                     "/api/partner/{a}/{b}/{c}/{d}"};
constexpr http::Method kMethods[] = {http::Method::get, http::Method::post, http::Method::put, http::Method::patch};

std::string operation_json(std::string_view pattern) {
  using resources::put;
  return resources::json_text([&](resources::JsonWriter& w) {
    w.StartObject();
    put(w, "summary", "A call of a partner with its own format, as its mapping's routes say");
    put(w, "tags");
    w.StartArray();
    put(w, "partner (declarative)");
    w.EndArray();
    put(w, "description",
        "For contracts of the declarative adapter only. The caller's mapping says which paths and methods exist, "
        "the v2 operation each becomes (with its scope) and the bodies both ways (docs/mapping.md, \"Routes\").");
    put(w, "parameters");
    w.StartArray();
    for (std::size_t at = pattern.find('{'); at != std::string_view::npos; at = pattern.find('{', at + 1)) {
      w.StartObject();
      put(w, "name", pattern.substr(at + 1, pattern.find('}', at) - at - 1));
      put(w, "in", "path");
      put(w, "required");
      w.Bool(true);
      put(w, "schema");
      w.StartObject();
      put(w, "type", "string");
      w.EndObject();
      w.EndObject();
    }
    w.EndArray();
    put(w, "responses");
    w.StartObject();
    put(w, "default");
    w.StartObject();
    put(w, "description", "The v2 operation's status; the body in the partner's format, problems included");
    w.EndObject();
    w.EndObject();
    w.EndObject();
  });
}

class DeclarativeAdapter final : public Adapter {
 public:
  std::string_view name() const override { return "declarative"; }

  void register_routes(http::Router& router, const AdapterContext& ctx) override {
    const api::CanonicalApi* canonical = &ctx.canonical;
    auto cache = cache_;
    for (const auto method : kMethods)
      for (const char* pattern : kPatterns)
        // No scope here: each canonical command checks its own.
        api::add_adapter_route(
            router, ctx.api, "declarative", method, pattern, "",
            [canonical, cache](pqxx::transaction_base& tx, audit::Exchange& ex) {
              return serve_call(tx, ex, *canonical, *cache->of(ex.client().mapping));
            },
            operation_json(pattern));
  }

  // The routes compiled as a call would compile them: a contract they cannot serve is refused at load.
  std::vector<std::string> check(const auth::Client& client) const override {
    if (!client.mapping) return {"/adapter/mapping: the declarative adapter serves what a mapping's routes say: name one"};
    return compile_routes(*client.mapping).problems;
  }

 private:
  std::shared_ptr<RouteCache> cache_ = std::make_shared<RouteCache>();
};

}  // namespace

std::unique_ptr<Adapter> make_declarative_adapter() { return std::make_unique<DeclarativeAdapter>(); }

}  // namespace siao::adapters::declarative
