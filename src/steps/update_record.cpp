// update_record: sets fields ("set") of an existing record, or creates it with "upsert". Like
// save_record, into the store with the step's outcome, or through a host's RecordStore.
#include "engine/engine_impl.hpp"
#include "steps/parameters.hpp"
#include "steps/records.hpp"
#include "steps/step_behavior.hpp"

namespace ablauf::detail {
namespace json = boost::json;
namespace {

class UpdateRecord final : public StepBehavior {
 public:
  bool replaceable() const override { return true; }

  tl::expected<void, Error> run(EngineParts& engine, StepCall& call) const override {
    const auto& parameters = call.parameters;
    const auto failed = [&](std::string why) {
      return engine.fail(call.run, call.token, call.step, call.attempt, std::move(why), false);
    };
    const auto* fields = parameters.if_contains("set");
    if (!fields || !fields->is_object()) return failed("'set' did not render to an object");
    const std::string collection = text_parameter(parameters, "collection");
    const std::string key = text_parameter(parameters, "key");
    if (!flag_parameter(parameters, "upsert")) {
      auto found = record_exists(engine, call.run, collection, key);
      if (!found) return tl::make_unexpected(std::move(found.error()));
      if (!*found) return failed("there is no record '" + key + "' in '" + collection + "'");
    }
    call.run.records.push_back({collection, key, fields->get_object(), true});
    return engine.complete(call.run, call.token, call.step, json::object{{"key", key}});
  }
};

// The same through a host's RecordStore, which keeps the records itself.
class UpdateRecordAdapter final : public Adapter {
 public:
  explicit UpdateRecordAdapter(RecordStore& records) : records_(records) {}

  StepResult execute(const StepContext& context) override {
    const auto& p = context.parameters;
    const auto* fields = p.if_contains("set");
    if (!fields || !fields->is_object())
      return StepResult::failed("'set' did not render to an object", false);
    const std::string key = text_parameter(p, "key");
    auto updated = records_.update(text_parameter(p, "collection"), key, fields->get_object(),
                                   flag_parameter(p, "upsert"));
    if (!updated) return StepResult::failed(std::move(updated.error()), false);
    return StepResult::completed(json::object{{"key", key}});
  }

 private:
  RecordStore& records_;
};

}  // namespace

std::shared_ptr<Adapter> make_update_record(RecordStore& records) {
  return std::make_shared<UpdateRecordAdapter>(records);
}

StepTypeSpec update_record_step() {
  using T = ParameterType;
  static const UpdateRecord behavior;
  return {.name = "update_record",
          .parameters = {param("collection", T::string, required),
                         param("key", T::string, required), param("set", T::object, required),
                         // Create the record when it does not exist yet.
                         param("upsert", T::boolean)},
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
