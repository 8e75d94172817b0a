// Fuzzes the decoders of what stores keep: any bytes as JSON, read as a stored event, as a
// history (an array of events, folded into a state), and as a state snapshot. A damaged store
// must give errors, never a crash.
#include <ablauf/event.hpp>
#include <ablauf/instance.hpp>

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  boost::system::error_code error;
  const auto json =
      boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), error);
  if (error) return 0;
  if (auto event = ablauf::event_from_json(json)) {
    (void)ablauf::to_json(*event);
    ablauf::InstanceState state;
    (void)state.apply(*event);
  }
  if (const auto* list = json.if_array()) {
    std::vector<ablauf::Event> history;
    for (const auto& element : *list)
      if (auto event = ablauf::event_from_json(element)) history.push_back(std::move(*event));
    if (auto state = ablauf::fold("i-fuzz", history)) (void)ablauf::to_json(*state);
  }
  if (auto state = ablauf::state_from_json("i-fuzz", json)) (void)ablauf::to_json(*state);
  return 0;
}
