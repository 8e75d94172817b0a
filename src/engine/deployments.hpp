// What an engine has deployed (internal): its workflows by id and version, and the adapters
// registered for step types.
//
// The registry is replaced whole when something is deployed or registered, so that a call reads
// one consistent snapshot and a step looks up its adapter without taking a lock.
#pragma once

#include "ablauf/adapter.hpp"
#include "ablauf/workflow.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace ablauf::detail {

struct Registry {
  std::map<std::string, std::map<std::uint32_t, std::shared_ptr<const Workflow>>, std::less<>>
      workflows;
  std::map<std::string, std::shared_ptr<Adapter>, std::less<>> adapters;

  // The version asked for, or the newest when `version` is 0; null if not deployed.
  std::shared_ptr<const Workflow> find(std::string_view workflow, std::uint32_t version) const;
};

class Deployments {
 public:
  explicit Deployments(Registry initial)
      : current_(std::make_shared<const Registry>(std::move(initial))) {}

  // The registry as it is now; it never changes under its holder.
  std::shared_ptr<const Registry> current() const {
    std::lock_guard lock(mutex_);
    return current_;
  }

  // Changes a copy of the registry with `edit` (which may fail, leaving the registry as it was)
  // and puts it in place; returns what `edit` returned. Edits happen one at a time.
  template <class Edit>
  auto edit(Edit&& edit) {
    std::lock_guard edits(edit_mutex_);
    auto copy = std::make_shared<Registry>(*current());
    auto result = edit(*copy);
    if (result) {
      std::lock_guard lock(mutex_);
      current_ = std::move(copy);
    }
    return result;
  }

 private:
  std::mutex edit_mutex_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Registry> current_;
};

}  // namespace ablauf::detail
