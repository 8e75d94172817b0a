#include "ablauf/record_source.hpp"

#include "ablauf/services.hpp"
#include "failure.hpp"

namespace ablauf {

tl::expected<std::vector<StoredRecord>, Error> RecordSource::records(
    std::string_view collection) const {
  return detail::error(ErrorCode::store_error,
                       "this store cannot list the records of '" + std::string(collection) + "'");
}

tl::expected<std::optional<boost::json::object>, Error> RecordStore::find_record(
    std::string_view collection, std::string_view key) const {
  return find(std::string(collection), std::string(key));
}

}  // namespace ablauf
