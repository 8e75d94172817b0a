// save_record: writes a new record ("record") under a key into a collection. Without a host's
// RecordStore the record goes into the store, in the same append as the step's outcome, so it
// is written exactly once; with one, an adapter writes through it (make_save_record), under the
// attempt's idempotency key.
#include "engine/engine_impl.hpp"
#include "steps/parameters.hpp"
#include "steps/records.hpp"
#include "steps/step_behavior.hpp"

namespace ablauf::detail {
namespace json = boost::json;
namespace {

class SaveRecord final : public StepBehavior {
 public:
  bool replaceable() const override { return true; }

  tl::expected<void, Error> run(EngineParts& engine, StepCall& call) const override {
    const auto& parameters = call.parameters;
    const auto failed = [&](std::string why) {
      return engine.fail(call.run, call.token, call.step, call.attempt, std::move(why), false);
    };
    const auto* record = parameters.if_contains("record");
    if (!record || !record->is_object()) return failed("'record' did not render to an object");
    const std::string collection = text_parameter(parameters, "collection");
    std::string key = text_parameter(parameters, "key");
    // The attempt's key: unique, and it names where the record came from.
    if (key.empty()) key = call.key;
    auto taken = record_exists(engine, call.run, collection, key);
    if (!taken) return tl::make_unexpected(std::move(taken.error()));
    if (*taken) return failed("a record '" + key + "' already exists in '" + collection + "'");
    call.run.records.push_back({collection, key, record->get_object(), false});
    return engine.complete(call.run, call.token, call.step, json::object{{"key", key}});
  }
};

// The same through a host's RecordStore, which keeps the records itself.
class SaveRecordAdapter final : public Adapter {
 public:
  explicit SaveRecordAdapter(RecordStore& records) : records_(records) {}

  StepResult execute(const StepContext& context) override {
    const auto& p = context.parameters;
    const auto* record = p.if_contains("record");
    if (!record || !record->is_object())
      return StepResult::failed("'record' did not render to an object", false);
    auto key = records_.save(text_parameter(p, "collection"), text_parameter(p, "key"),
                             record->get_object(), context.idempotency_key);
    if (!key) return StepResult::failed(std::move(key.error()), false);
    return StepResult::completed(json::object{{"key", *key}});
  }

 private:
  RecordStore& records_;
};

}  // namespace

std::shared_ptr<Adapter> make_save_record(RecordStore& records) {
  return std::make_shared<SaveRecordAdapter>(records);
}

StepTypeSpec save_record_step() {
  using T = ParameterType;
  static const SaveRecord behavior;
  return {.name = "save_record",
          .parameters = {param("collection", T::string, required),
                         param("record", T::object, required), param("key", T::string)},
          .output = declared_output(R"({
            "type": "object",
            "properties": {"key": {"type": "string"}},
            "required": ["key"],
            "additionalProperties": false
          })"),
          .shape = StepShape::record,
          .behavior = &behavior};
}

}  // namespace ablauf::detail
