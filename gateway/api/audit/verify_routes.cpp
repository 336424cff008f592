#include "gateway/api/audit/verify_routes.hpp"

#include <pqxx/pqxx>

#include "gateway/api/v2/operation_doc.hpp"
#include "gateway/audit/verify.hpp"

namespace siao::api::audit_routes {

void register_audit_verify_routes(http::Router& router, const ApiContext& ctx, const audit::AuditServices& services) {
  v2::OperationDoc doc;
  doc.summary = "Verify the whole exchange log: links, hashes, sequence, signed checkpoints; names the first broken record";
  doc.tag = "Audit";
  doc.scope = "audit:read";
  doc.response_schema = "audit-verify-result";
  doc.problems = {401, 403};
  // The trusted key is the configured signer's: a checkpoint signed by any other key is a broken one.
  add_exchange_route(
      router, ctx, http::Method::post, "/api/v2/audit/verify", doc.scope,
      [trusted = services.signer.public_key_hex()](pqxx::transaction_base& tx, audit::Exchange&) {
        http::Response r;
        r.body = audit::verify_database(tx, trusted).to_json();
        return r;
      },
      v2::operation_json(doc));
}

}  // namespace siao::api::audit_routes
