// The floor: the order process as a hand-written switch over its states, calling the same
// no-op service, with nothing an engine adds (no history, no store, no definitions). In the
// human scenario the state is written to a string at the approval and read back, as the other
// engines persist and restore theirs.
#include "measure.hpp"

#include <charconv>
#include <string>

namespace {

enum class State { s1, s2, s3, s4, approve, approved, s5, s6, s7, s8, s9, done, rejected };

struct Order {
  State state = State::s1;
  int amount = 0;
  bool human = false;
};

// Called through a pointer the compiler cannot see through, as an engine calls an adapter.
void service() {
  ++compare::service_calls();
}
void (*volatile service_call)() = &service;

// Runs the order until it ends or waits for the approval.
void advance(Order& order) {
  for (;;) {
    switch (order.state) {
      case State::s1:
        service_call();
        order.state = State::s2;
        break;
      case State::s2:
        service_call();
        order.state = State::s3;
        break;
      case State::s3:
        service_call();
        order.state = State::s4;
        break;
      case State::s4:
        service_call();
        order.state = order.human ? State::approve : State::approved;
        break;
      case State::approve: return;
      case State::approved: order.state = order.amount >= 100 ? State::s5 : State::rejected; break;
      case State::s5:
        service_call();
        order.state = State::s6;
        break;
      case State::s6:
        service_call();
        order.state = State::s7;
        break;
      case State::s7:
        service_call();
        order.state = State::s8;
        break;
      case State::s8:
        service_call();
        order.state = State::s9;
        break;
      case State::s9:
        service_call();
        order.state = State::done;
        break;
      case State::done:
      case State::rejected: return;
    }
  }
}

std::string persist(const Order& order) {
  return "{\"state\":" + std::to_string(static_cast<int>(order.state)) +
         ",\"amount\":" + std::to_string(order.amount) + "}";
}

Order restore(const std::string& text) {
  Order order{.human = true};
  int state = 0;
  const char* at = text.data() + text.find(':') + 1;
  at = std::from_chars(at, text.data() + text.size(), state).ptr;
  std::from_chars(text.data() + text.rfind(':') + 1, text.data() + text.size(), order.amount);
  order.state = static_cast<State>(state);
  return order;
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = compare::parse_options(argc, argv);
  const bool human = options.scenario == "human";
  return compare::measure({.name = "c++ switch",
                           .version = "-",
                           .batch = 1000,
                           .run = [human](std::size_t batch) -> std::string {
                             for (std::size_t i = 0; i < batch; ++i) {
                               Order order{.amount = compare::amount, .human = human};
                               advance(order);
                               if (human) {
                                 if (order.state != State::approve)
                                   return "the order did not wait for approval";
                                 order = restore(persist(order));
                                 order.state = State::approved;  // the approval
                                 advance(order);
                               }
                               if (order.state != State::done)
                                 return "an order did not end at done";
                             }
                             return {};
                           }},
                          options);
}
