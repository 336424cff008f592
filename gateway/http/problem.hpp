#pragma once
// RFC 9457 problem details, the one error format of every API the gateway serves.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "gateway/http/message.hpp"

namespace siao::http {

struct FieldError {
  std::string pointer;  // RFC 6901 pointer into the body as the client sent it
  std::string message;
};

struct Problem {
  int status = 500;
  std::string slug;  // stable machine name: the `type` is /problems/<slug>
  std::string title;
  std::string detail;
  std::vector<FieldError> errors;
  std::optional<std::vector<std::string>> allowed;  // reachable statuses, for refused transitions (may be empty)
  Headers headers;                   // Allow, Retry-After, WWW-Authenticate...
};

// Thrown anywhere below a handler; the dispatcher renders it.
class HttpError : public std::runtime_error {
 public:
  explicit HttpError(Problem p) : std::runtime_error(p.detail.empty() ? p.title : p.detail), problem_(std::move(p)) {}
  const Problem& problem() const noexcept { return problem_; }

 private:
  Problem problem_;
};

Problem make_problem(int status, std::string slug, std::string detail = {});
std::string_view reason_phrase(int status);
Response render_problem(const Problem& p, std::string_view trace_id);

}  // namespace siao::http
