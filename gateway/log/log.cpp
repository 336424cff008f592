#include "gateway/log/log.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace siao::log {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

void put(Writer& w, const Field& f) {
  put(w, f.key);
  std::visit(
      [&w](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string_view>) put(w, v);
        else if constexpr (std::is_same_v<T, std::int64_t>) w.Int64(v);
        else w.Double(v);
      },
      f.value);
}

spdlog::level::level_enum to_spdlog(Level l) {
  switch (l) {
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

// The members after "time" and "level": the pattern wraps them into one object.
template <class Fill>
void emit(spdlog::level::level_enum level, Fill&& fill) {
  auto* logger = spdlog::default_logger_raw();
  if (!logger->should_log(level)) return;
  thread_local rapidjson::StringBuffer buffer;
  buffer.Clear();
  Writer w(buffer);
  w.StartObject();
  fill(w);
  w.EndObject();
  // Strip the outer braces: the pattern supplies them around time and level.
  std::string_view json(buffer.GetString(), buffer.GetSize());
  logger->log(level, "{}", json.substr(1, json.size() - 2));
}

}  // namespace

void init(std::string_view level) {
  spdlog::init_thread_pool(8192, 1);
  auto sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  auto logger = std::make_shared<spdlog::async_logger>("gateway", sink, spdlog::thread_pool(),
                                                       spdlog::async_overflow_policy::overrun_oldest);
  logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

void flush() { spdlog::default_logger_raw()->flush(); }

void event(Level level, std::string_view message, std::initializer_list<Field> fields) {
  emit(to_spdlog(level), [&](Writer& w) {
    put(w, "msg");
    put(w, message);
    for (const auto& f : fields) put(w, f);
  });
}

void access(const Access& a) {
  emit(spdlog::level::info, [&](Writer& w) {
    put(w, "msg");
    put(w, "request");
    put(w, Field{"requestId", a.request_id});
    put(w, Field{"traceId", a.trace_id});
    put(w, Field{"client", a.client});
    put(w, Field{"remote", a.remote});
    put(w, Field{"method", a.method});
    put(w, Field{"route", a.route});
    put(w, Field{"status", std::int64_t{a.status}});
    put(w, Field{"durationMs", a.duration_ms});
  });
}

}  // namespace siao::log
