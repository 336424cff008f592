#pragma once
// One JSON object per line on stdout. Callers pass only what is safe to log:
// never a body, a key, or a personal field.
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <variant>

namespace siao::log {

enum class Level { debug, info, warn, error };

struct Field {
  std::string_view key;
  std::variant<std::string_view, std::int64_t, double> value;
};

// Installs the asynchronous JSON-lines logger; `level` is trace|debug|info|warn|error|off.
void init(std::string_view level);
void flush();

void event(Level level, std::string_view message, std::initializer_list<Field> fields = {});

struct Access {
  std::string_view request_id, trace_id, client, method, route, remote;
  int status;
  double duration_ms;
};
void access(const Access& a);

}  // namespace siao::log
