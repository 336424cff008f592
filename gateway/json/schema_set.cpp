#include "gateway/json/schema_set.hpp"

// With VALIJSON_USE_EXCEPTIONS the adapter redefines RAPIDJSON_ASSERT to throw, unless RapidJSON came
// first (always, with siao_core's precompiled header), and then it #warns, an error under -Werror. Every
// translation unit keeping RapidJSON's own assert is what we want anyway: two definitions of RapidJSON's
// inline functions would break the one-definition rule. exceptions.hpp, the only other header reading
// the macro, is included first so that valijson's own errors still throw.
#include <valijson/exceptions.hpp>
#pragma push_macro("VALIJSON_USE_EXCEPTIONS")
#undef VALIJSON_USE_EXCEPTIONS
#include <valijson/adapters/rapidjson_adapter.hpp>
#pragma pop_macro("VALIJSON_USE_EXCEPTIONS")
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <stdexcept>

#include "gateway/json/body.hpp"
#include "gateway/json/schema_bundle.hpp"
#include "gateway/json/schema_explain.hpp"
#include "gateway/json/schema_lint.hpp"
#include "gateway/json/string_check.hpp"
#include "gateway/json/valijson_errors.hpp"

namespace siao::json {
namespace {

constexpr std::string_view kSuffix = ".schema.json";
constexpr std::uintmax_t kMaxSchemaFile = 1 << 20;

struct Compiled {
  SchemaBundle bundle;
  std::unique_ptr<valijson::Schema> schema;
};

// valijson's Validator caches compiled patterns in a map it mutates: one per thread.
valijson::Validator& validator() {
  thread_local valijson::Validator instance;
  return instance;
}

std::string read_file(const std::filesystem::path& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) throw std::runtime_error(path.filename().string() + ": " + ec.message());
  if (size > kMaxSchemaFile) throw std::runtime_error(path.filename().string() + ": larger than 1 MiB");
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) throw std::runtime_error(path.filename().string() + ": cannot be read");
  return text;
}

}  // namespace

struct SchemaSet::Impl {
  SchemaFiles files;
  RegexMap regexes;
  std::map<std::string, Compiled, std::less<>> schemas;  // by schema name

  const Compiled& compiled(std::string_view name) const {
    const auto found = schemas.find(name);
    if (found == schemas.end()) throw std::invalid_argument("no schema named " + std::string(name));
    return found->second;
  }
};

SchemaSet::SchemaSet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SchemaSet::~SchemaSet() = default;

std::shared_ptr<const SchemaSet> SchemaSet::load(const std::filesystem::path& dir) {
  auto impl = std::make_unique<Impl>();
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string file = entry.path().filename().string();
    if (file.size() <= kSuffix.size() || file.substr(file.size() - kSuffix.size()) != kSuffix) continue;
    try {
      impl->files.emplace(file, parse_body(read_file(entry.path())));
    } catch (const http::HttpError& e) {
      throw std::runtime_error(file + ": " + e.what());
    }
  }
  if (ec) throw std::runtime_error("schema directory " + dir.string() + ": " + ec.message());
  if (impl->files.empty()) throw std::runtime_error("schema directory " + dir.string() + " has no *.schema.json");

  for (const auto& [file, doc] : impl->files) lint_schema(file, impl->files, impl->regexes);
  for (const auto& [file, doc] : impl->files) {
    Compiled compiled{bundle_schema(file, impl->files), std::make_unique<valijson::Schema>()};
    try {
      valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
      parser.populateSchema(valijson::adapters::RapidJsonAdapter(*compiled.bundle.doc), *compiled.schema);
    } catch (const std::exception& e) {
      throw std::runtime_error(file + ": valijson refuses the schema: " + e.what());
    }
    impl->schemas.emplace(file.substr(0, file.size() - kSuffix.size()), std::move(compiled));
  }
  return std::shared_ptr<const SchemaSet>(new SchemaSet(std::move(impl)));
}

bool SchemaSet::has(std::string_view name) const { return impl_->schemas.find(name) != impl_->schemas.end(); }

std::vector<http::FieldError> SchemaSet::validate(std::string_view schema_name, const rapidjson::Value& doc) const {
  const Compiled& compiled = impl_->compiled(schema_name);
  const valijson::adapters::RapidJsonAdapter target(doc);
  // valijson counts a string's length up to its first NUL, so a pattern would run on the rest unbounded.
  const bool valijson_safe = !has_problem_string(doc);
  if (valijson_safe) {
    try {
      // Without a results object valijson stops at the first failure, and checks maxLength before pattern.
      if (validator().validate(*compiled.schema, target, nullptr)) return {};
    } catch (const std::exception&) {
      // Counted as invalid: the explanation below says why.
    }
  }
  std::vector<http::FieldError> errors =
      explain_violations(*compiled.bundle.doc, doc, SchemaContext{compiled.bundle.refs, impl_->regexes});
  if (errors.empty() && valijson_safe) {
    valijson::ValidationResults results;
    try {
      validator().validate(*compiled.schema, target, &results);
    } catch (const std::exception&) {
    }
    errors = from_valijson(results, doc);
  }
  if (errors.empty()) errors.push_back({"", "does not match the schema"});
  return errors;
}

const rapidjson::Value& SchemaSet::document(std::string_view name) const {
  impl_->compiled(name);
  return impl_->files.find(std::string(name) + std::string(kSuffix))->second;
}

std::vector<std::string> SchemaSet::names() const {
  std::vector<std::string> out;
  for (const auto& [name, compiled] : impl_->schemas) out.push_back(name);
  return out;
}

}  // namespace siao::json
