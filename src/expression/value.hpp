// Values during evaluation: borrowed from the instance data where possible, owned when computed.
#pragma once

#include "value_text.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <utility>

namespace ablauf::detail {

class Val {
 public:
  Val() = default;
  Val(boost::json::value owned) : owned_(std::move(owned)) {}
  static Val borrow(const boost::json::value& value) {
    Val v;
    v.borrowed_ = &value;
    return v;
  }

  const boost::json::value& get() const noexcept { return borrowed_ ? *borrowed_ : owned_; }
  const boost::json::value* operator->() const noexcept { return &get(); }
  bool borrowed() const noexcept { return borrowed_ != nullptr; }

  // The value to keep: moved out when owned, copied when borrowed.
  boost::json::value take() && {
    return borrowed_ ? boost::json::value(*borrowed_) : std::move(owned_);
  }

 private:
  const boost::json::value* borrowed_ = nullptr;
  boost::json::value owned_;
};

// Why an operation failed, before the evaluator adds where.
struct Failure {
  std::string type;
  std::string message;
};

inline Failure type_mismatch(std::string message) {
  return {"type_mismatch", std::move(message)};
}

// A number as double, whatever its JSON kind. REQUIRES: value.is_number().
double as_double(const boost::json::value& value) noexcept;

// Whole doubles within ±2^53 become integers, so 4 / 2 reads 2 and compares like one.
boost::json::value number_value(double number);

bool is_truthy(const boost::json::value& value) noexcept;

// Structural equality; numbers compare by value whatever their kind (1 == 1.0).
bool strictly_equal(const boost::json::value& a, const boost::json::value& b) noexcept;

}  // namespace ablauf::detail
