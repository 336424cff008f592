#pragma once
// The exchange log's monthly partitions: created ahead of time, so that the
// default partition stays empty and every month can be detached on its own.
#include <pqxx/transaction_base>

namespace siao::audit {

// This month's partition and the next `months_ahead`' (idempotent).
void ensure_partitions(pqxx::transaction_base& tx, int months_ahead = 2);

}  // namespace siao::audit
