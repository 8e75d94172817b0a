/// @file
/// Records: what save_record and update_record write, and the one interface that reads them.
///
/// A record lives in one place. By default the built-in steps write it into the store, committed
/// with the step's outcome (Commit::records), and the store reads it back. A host that keeps its
/// records in a system of its own gives the engine a RecordStore (services.hpp) instead; the
/// steps then write through it, and it reads them back. Both are a RecordSource, so whoever
/// reads records (Engine::record(), the KPIs) asks one interface and never both.
///
/// Thread-safety: every RecordSource may be called from several threads at once.
#pragma once

#include <ablauf/error.hpp>

#include <boost/json/object.hpp>
#include <tl/expected.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

/// A record that save_record or update_record writes, committed with the step's outcome.
struct RecordWrite {
  std::string collection;  ///< the collection it goes into, e.g. "orders"
  /// Its key within the collection. save_record's must be free: if it is taken, the whole
  /// commit is refused with duplicate_key.
  std::string key;
  boost::json::object fields;  ///< the fields to write
  bool merge = false;          ///< update_record: set these fields (making the record if need be);
                               ///< save_record: the whole record
};

/// A record the built-in steps wrote, with its key in its collection.
struct StoredRecord {
  std::string key;             ///< its key within the collection
  boost::json::object record;  ///< its fields

  /// Compares every field.
  friend bool operator==(const StoredRecord&, const StoredRecord&) = default;
};

/// Where the records the built-in steps wrote are read: a Store, or a host's RecordStore.
class RecordSource {
 public:
  virtual ~RecordSource() = default;

  /// The record under `key` in `collection`, if there is one.
  virtual tl::expected<std::optional<boost::json::object>, Error> find_record(
      std::string_view collection, std::string_view key) const = 0;

  /// Every record of a collection, by key: for reports such as the KPIs (kpi.hpp). A source
  /// that cannot list them (the default) fails with store_error.
  virtual tl::expected<std::vector<StoredRecord>, Error> records(std::string_view collection) const;
};

}  // namespace ablauf
