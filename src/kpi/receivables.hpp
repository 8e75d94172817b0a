// Receivables from invoice records (internal): what is invoiced, collected and outstanding, days
// sales outstanding, days to pay and the monthly payment trend. docs/kpi.md has the formulas.
#pragma once

#include "ablauf/kpi.hpp"

#include <optional>
#include <set>
#include <span>
#include <string>

namespace ablauf::detail {

// `invoices`: the collection's records; only those whose key is in `keys` count. `from` is the
// start of the period, or none to start at the first invoice's issue date.
std::optional<ReceivablesKpi> receivables(std::span<const StoredRecord> invoices,
                                          const std::set<std::string, std::less<>>& keys,
                                          std::optional<Time> from, Time at);

}  // namespace ablauf::detail
