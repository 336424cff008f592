#include "gateway/http/problem.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace siao::http {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

Problem make_problem(int status, std::string slug, std::string detail) {
  Problem p;
  p.status = status;
  p.slug = std::move(slug);
  p.title = std::string(reason_phrase(status));
  p.detail = std::move(detail);
  return p;
}

Response render_problem(const Problem& p, std::string_view trace_id) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  auto str = [&w](std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  w.Key("type");
  str(p.slug.empty() ? std::string("about:blank") : "/problems/" + p.slug);
  w.Key("title");
  str(p.title.empty() ? reason_phrase(p.status) : std::string_view(p.title));
  w.Key("status");
  w.Int(p.status);
  if (!p.detail.empty()) {
    w.Key("detail");
    str(p.detail);
  }
  if (!p.errors.empty()) {
    w.Key("errors");
    w.StartArray();
    for (const auto& e : p.errors) {
      w.StartObject();
      w.Key("pointer");
      str(e.pointer);
      w.Key("message");
      str(e.message);
      w.EndObject();
    }
    w.EndArray();
  }
  if (p.allowed) {
    w.Key("allowed");
    w.StartArray();
    for (const auto& a : *p.allowed) str(a);
    w.EndArray();
  }
  w.Key("traceId");
  str(trace_id);
  w.EndObject();

  Response r;
  r.status = p.status;
  r.content_type = "application/problem+json";
  r.headers = p.headers;
  r.body.assign(out.GetString(), out.GetSize());
  return r;
}

}  // namespace siao::http
