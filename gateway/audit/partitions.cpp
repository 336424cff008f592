#include "gateway/audit/partitions.hpp"

#include <pqxx/pqxx>

namespace siao::audit {

void ensure_partitions(pqxx::transaction_base& tx, int months_ahead) {
  tx.exec_params(
      "SELECT audit_ensure_month((date_trunc('month', now() AT TIME ZONE 'UTC') + n * interval '1 month')::date) "
      "FROM generate_series(0, $1::int) n",
      months_ahead);
}

}  // namespace siao::audit
