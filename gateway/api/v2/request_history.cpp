#include "gateway/api/v2/request_history.hpp"

#include "gateway/resources/json_out.hpp"

namespace siao::api::v2 {

std::string with_history_entry(const std::string& history, std::string_view status, const audit::Exchange& ex,
                               const std::optional<std::string>& reason) {
  const std::string entry = resources::json_text([&](resources::JsonWriter& w) {
    w.StartObject();
    resources::put(w, "status", status);
    resources::put(w, "at", ex.now());
    resources::put(w, "by", ex.client_id());
    resources::put_nullable(w, "reason", reason);
    w.EndObject();
  });
  const auto close = history.rfind(']');
  const bool empty = history.find('{') == std::string::npos;
  return history.substr(0, close) + (empty ? "" : ",") + entry + "]";
}

}  // namespace siao::api::v2
