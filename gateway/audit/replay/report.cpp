#include "gateway/audit/replay/report.hpp"

#include "gateway/resources/json_out.hpp"

namespace siao::audit::replay {

std::string Report::to_json() const {
  return resources::json_text([&](resources::JsonWriter& w) {
    w.StartObject();
    resources::put(w, "mode", mode);
    resources::put(w, "checked");
    w.Int64(checked);
    resources::put(w, "identical");
    w.Int64(identical);
    resources::put(w, "different");
    w.StartArray();
    for (const auto& d : different) {
      w.StartObject();
      resources::put(w, "exchange");
      if (d.seq == 0) w.Null();
      else resources::put(w, std::to_string(d.seq));  // an exchange id, a string as every id of the API
      resources::put(w, "field", d.field);
      resources::put(w, "recorded", d.recorded);
      resources::put(w, "replayed", d.replayed);
      w.EndObject();
    }
    w.EndArray();
    resources::put(w, "notes", notes);
    w.EndObject();
  });
}

std::string Report::to_text() const {
  std::string out = "replay " + mode + ": " + std::to_string(checked) + " checked, " + std::to_string(identical) +
                    " identical, " + std::to_string(different.size()) + " difference" +
                    (different.size() == 1 ? "" : "s") + "\n";
  for (const auto& d : different)
    out += "  " + (d.seq == 0 ? std::string("state") : "exchange " + std::to_string(d.seq)) + " " +
           (d.field.empty() ? std::string("/") : d.field) + ": recorded " + d.recorded + ", replayed " + d.replayed +
           "\n";
  for (const auto& n : notes) out += "  note: " + n + "\n";
  return out;
}

}  // namespace siao::audit::replay
