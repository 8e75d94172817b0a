#include "steps/records.hpp"

#include "engine/engine_impl.hpp"

namespace ablauf::detail {

tl::expected<bool, Error> record_exists(const EngineParts& engine, const Run& run,
                                        const std::string& collection, const std::string& key) {
  for (const auto& write : run.records)
    if (write.collection == collection && write.key == key) return true;
  auto found = engine.store.find_record(collection, key);
  if (!found) return tl::make_unexpected(std::move(found.error()));
  return found->has_value();
}

}  // namespace ablauf::detail
