// `/inbox` and `/instances/{id}/tasks/{task}` (pages.hpp): what waits for the person signed in,
// and one task to take, give back or complete. The tasks are the API's inbox (the caller's own,
// their roles', and no one's, unless someone else took them); the checklists are those waiting
// with an item the person may answer.
#include "engine/checklist_items.hpp"
#include "http/request_body.hpp"
#include "http/roles.hpp"
#include "http/router.hpp"
#include "http/web/page.hpp"
#include "http/web/pages.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

namespace ablauf::http::detail::web {
namespace json = boost::json;
namespace {

// Entries on one page of the inbox.
constexpr std::size_t inbox_page_size = 25;

// One line of the inbox.
struct Entry {
  std::optional<Time> due;
  json::object shown;
};

// The caller's open tasks, as the API's inbox gives them, page after page.
tl::expected<std::vector<json::object>, ApiAnswer> open_tasks(const Page& page) {
  std::vector<json::object> tasks;
  std::string cursor;
  const std::string limit = std::to_string(page.api().options.max_page_size);
  for (;;) {
    auto answer = page.call("GET", "/api/v1/tasks?limit=" + limit +
                                       (cursor.empty() ? "" : "&cursor=" + path_segment(cursor)));
    if (!answer.ok() || !answer.body.is_object()) return tl::make_unexpected(std::move(answer));
    auto& body = answer.body.get_object();
    for (auto& task : body["tasks"].as_array()) tasks.push_back(std::move(task.as_object()));
    const auto* next = body.if_contains("next_cursor");
    if (!next || !next->is_string()) return tasks;
    cursor = std::string(next->get_string());
  }
}

// A checklist step the caller may answer an item of, for each instance waiting at one.
tl::expected<std::vector<Entry>, Error> open_checklists(const Page& page, const User& user,
                                                        const std::string& workflow_filter) {
  Engine& engine = page.api().engine;
  InstanceFilter filter;
  filter.workflow = workflow_filter;
  filter.status = InstanceStatus::waiting;
  auto waiting = engine.list(filter);
  if (!waiting) return tl::make_unexpected(std::move(waiting.error()));
  std::map<std::pair<std::string, std::uint32_t>, std::optional<Workflow>> workflows;
  std::vector<Entry> entries;
  for (const auto& state : *waiting) {
    auto& workflow = workflows[{state.workflow_id, state.version}];
    if (!workflow)
      if (auto loaded = engine.workflow(state.workflow_id, state.version)) workflow = *loaded;
    if (!workflow) continue;
    for (const auto& token : state.tokens) {
      if (token.state != Token::State::waiting || token.waiting_for != WaitingFor::checklist)
        continue;
      const StepDefinition* step = workflow->find_step(token.step);
      if (!step || !step->checklist) continue;
      bool mine = false;
      for (const auto& section : step->checklist->sections)
        for (const auto& item : section.items)
          mine = mine || may_answer(user, *step, section, item);
      if (!mine) continue;
      const auto& definition = workflow->definition();
      const auto title = step_text(*step, "title", state.data, page.language(), definition);
      json::object shown{{"checklist", true},
                         {"title", title.empty() ? step->id : title},
                         {"workflow", state.workflow_id},
                         {"instance", state.id},
                         {"href", instance_page(state.id) + "/steps/" + path_segment(step->id)}};
      if (!state.business_key.empty()) shown["business_key"] = state.business_key;
      if (const auto* assignee = step->parameters.if_contains("assignee");
          assignee && assignee->is_string())
        shown["assignee"] = *assignee;
      entries.push_back({std::nullopt, std::move(shown)});
    }
  }
  return entries;
}

// `?page=N` (1 and up); 1 when absent or not a number.
std::size_t page_number(const Request& request) {
  const auto given = request.query.find("page");
  if (given == request.query.end()) return 1;
  std::size_t number = 0;
  const auto& text = given->second;
  const auto [end, failed] = std::from_chars(text.data(), text.data() + text.size(), number);
  return failed == std::errc() && end == text.data() + text.size() && number > 0 ? number : 1;
}

std::string query_value(const Request& request, std::string_view name) {
  const auto found = request.query.find(name);
  return found == request.query.end() ? std::string() : found->second;
}

Response inbox(const Page& page) {
  const auto& request = page.request();
  const auto& user = *request.user;
  const std::string workflow = query_value(request, "workflow");
  const std::string kind = query_value(request, "kind");  // "task", "checklist" or all
  const bool overdue_only = query_value(request, "overdue") == "1";
  const auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());

  std::vector<Entry> entries;
  std::set<std::string> workflows;  // for the filter's choices
  if (kind != "checklist") {
    auto tasks = open_tasks(page);
    if (!tasks) return page.error(tasks.error());
    for (auto& task : *tasks) {
      const std::string task_workflow(task.at("workflow").as_string());
      workflows.insert(task_workflow);
      if (!workflow.empty() && task_workflow != workflow) continue;
      Entry entry;
      if (const auto* due = task.if_contains("due"))
        if (auto at = parse_rfc3339(std::string(due->as_string()))) entry.due = *at;
      json::object shown{{"task", true},
                         {"title", task.at("title")},
                         {"workflow", task_workflow},
                         {"instance", task.at("instance")},
                         {"href", instance_page(std::string(task.at("instance").as_string())) +
                                      "/tasks/" + path_segment(task.at("id").as_string())}};
      for (const auto* name : {"business_key", "assignee", "claimed_by"})
        if (const auto* value = task.if_contains(name)) shown[name] = *value;
      entry.shown = std::move(shown);
      entries.push_back(std::move(entry));
    }
  }
  if (kind != "task") {
    auto checklists = open_checklists(page, user, workflow);
    if (!checklists) return page.error(500, checklists.error().message);
    for (auto& entry : *checklists) {
      workflows.insert(std::string(entry.shown.at("workflow").as_string()));
      entries.push_back(std::move(entry));
    }
  }
  for (auto& entry : entries) {
    if (entry.due) {
      entry.shown["due"] = readable_time(*entry.due, page.language());
      entry.shown["overdue"] = *entry.due < now;
    }
    close_names(entry.shown,
                {"business_key", "assignee", "claimed_by", "due", "overdue", "task", "checklist"});
  }
  if (overdue_only)
    std::erase_if(entries, [&](const Entry& entry) { return !entry.due || *entry.due >= now; });
  // The most pressing first: what is due soonest, then what has no date, as it came.
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.due && b.due) return *a.due < *b.due;
    return a.due.has_value() && !b.due.has_value();
  });

  const std::size_t number = page_number(request);
  const std::size_t first = (number - 1) * inbox_page_size;
  json::array shown;
  for (std::size_t i = first; i < entries.size() && i < first + inbox_page_size; ++i)
    shown.push_back(std::move(entries[i].shown));
  const auto link = [&](std::size_t to) {
    std::string href = "/inbox?page=" + std::to_string(to);
    if (!workflow.empty()) href += "&workflow=" + path_segment(workflow);
    if (!kind.empty()) href += "&kind=" + path_segment(kind);
    if (overdue_only) href += "&overdue=1";
    return href;
  };
  for (const auto& deployed : page.api().engine.workflows())
    workflows.insert(deployed.definition().id);
  json::array choices;
  for (const auto& id : workflows)
    choices.push_back(json::object{{"id", id}, {"selected", id == workflow}});
  json::object view{{"entries", std::move(shown)},
                    {"count", entries.size()},
                    {"workflows", std::move(choices)},
                    {"kind_task", kind == "task"},
                    {"kind_checklist", kind == "checklist"},
                    {"overdue_only", overdue_only},
                    {"page_number", number}};
  if (number > 1) view["previous_href"] = link(number - 1);
  if (first + inbox_page_size < entries.size()) view["next_href"] = link(number + 1);
  return page.render("inbox", std::move(view));
}

// The task the request names, with its instance and its step's definition.
struct TaskRead {
  InstanceState state;
  Task task;
  std::optional<Workflow> workflow;
};
tl::expected<TaskRead, Response> read_task(const Page& page) {
  const auto& parameters = page.request().parameters;
  auto state = page.api().engine.get(parameters.at("id"));
  if (!state) return tl::make_unexpected(page.error(404, state.error().message));
  const auto task = std::find_if(state->tasks.begin(), state->tasks.end(),
                                 [&](const Task& t) { return t.id == parameters.at("task"); });
  if (task == state->tasks.end())
    return tl::make_unexpected(
        page.error(404, page.text("error_no_task") + " '" + parameters.at("task") + "'"));
  TaskRead read{*state, *task, std::nullopt};
  if (auto workflow = page.api().engine.workflow(state->workflow_id, state->version))
    read.workflow = std::move(*workflow);
  return read;
}

std::string task_api(const Page& page) {
  const auto& parameters = page.request().parameters;
  return "/api/v1/instances/" + path_segment(parameters.at("id")) + "/tasks/" +
         path_segment(parameters.at("task"));
}

std::string task_page(const Page& page) {
  const auto& parameters = page.request().parameters;
  return instance_page(parameters.at("id")) + "/tasks/" + path_segment(parameters.at("task"));
}

// What a corrective action shows beside a task's facts: the item and answer that raised it,
// its priority, who verifies it, and whether the caller may now.
void add_action(const Page& page, const InstanceState& state, const Task& task,
                const std::optional<Workflow>& workflow, json::object& shown) {
  std::string item = task.item;
  if (workflow)
    if (const auto* step = workflow->find_step(task.step); step && step->checklist)
      if (const auto* found = ablauf::detail::find_item(*step, task.item)) {
        auto label =
            std::string(found->label.get(page.language(), workflow->definition().default_language));
        if (!label.empty()) item = std::move(label);
      }
  shown["raised_by"] = item + " (" + page.text("raised_" + task.raised_by) + ")";
  shown["priority"] = page.text("priority_" + std::string(to_string(task.priority)));
  if (!task.verify_by.empty()) shown["verify_by"] = task.verify_by;
  if (!task.verified_by.empty()) shown["verified_by"] = task.verified_by;
  const User& user = *page.request().user;
  shown["may_verify"] = task.completed && !task.closed() && !state.finished() &&
                        may_verify(user, task) && user.name != task.completed_by;
}

Response show_task(const Page& page, unsigned status = 200, std::string problem = {}) {
  auto read = read_task(page);
  if (!read) return std::move(read.error());
  const auto& [state, task, workflow] = *read;
  const User& user = *page.request().user;
  json::object shown{{"id", task.id},
                     {"title", task.title.empty() ? task.step : task.title},
                     {"workflow", state.workflow_id},
                     {"instance", state.id},
                     {"instance_href", instance_page(state.id)},
                     {"completed", task.completed}};
  if (!state.business_key.empty()) shown["business_key"] = state.business_key;
  if (!task.assignee.empty()) shown["assignee"] = task.assignee;
  if (task.due) {
    shown["due"] = readable_time(*task.due, page.language());
    shown["overdue"] = *task.due < std::chrono::system_clock::now();
  }
  if (!task.claimed_by.empty()) shown["claimed_by"] = task.claimed_by;
  if (task.completed) {
    shown["completed_by"] = task.completed_by;
    if (!task.outcome.empty()) shown["outcome"] = task.outcome;
  }
  const bool open = !task.completed && !state.finished();
  const bool may_take = may_claim(user, task);
  shown["may_claim"] = open && may_take && task.claimed_by.empty();
  shown["may_release"] = open && !task.claimed_by.empty() &&
                         (task.claimed_by == user.name || user.has_role(admin_role));
  shown["may_complete"] = open && may_complete(user, task);
  shown["not_theirs"] = open && !may_take;
  if (task.is_action()) add_action(page, state, task, workflow, shown);
  if (workflow && !task.is_action())
    if (const auto* step = workflow->find_step(task.step)) {
      if (auto text =
              step_text(*step, "description", state.data, page.language(), workflow->definition());
          !text.empty())
        shown["description"] = std::move(text);
      if (const auto* outcomes = step->parameters.if_contains("outcomes");
          outcomes && outcomes->is_array()) {
        json::array choices;
        for (std::size_t i = 0; i < outcomes->get_array().size(); ++i)
          choices.push_back(json::object{{"value", outcomes->get_array()[i]},
                                         {"dom_id", "outcome-" + std::to_string(i)}});
        shown["outcomes"] = std::move(choices);
      }
    }
  close_names(shown, {"description", "business_key", "assignee", "due", "overdue", "claimed_by",
                      "completed_by", "outcome", "outcomes", "raised_by", "priority", "verify_by",
                      "verified_by"});
  json::object view{{"task", std::move(shown)}};
  if (!problem.empty()) view["problem"] = problem;
  return page.render("task", std::move(view), status);
}

// A change to the task through the API: `what` its path after the task's, with `body`.
Response change_task(const Page& page, std::string_view method, std::string_view what,
                     const json::object& body) {
  const auto fields = form_fields(page.request().body);
  if (!fields) return page.error(400, page.text("error_bad_form"));
  const auto key = form_field(*fields, key_field).value_or("");
  const auto answer = page.call(method, task_api(page) + std::string(what), body, key);
  if (!answer.ok()) return show_task(page, answer.status, answer.detail());
  return redirect(task_page(page));
}

Response complete(const Page& page) {
  const auto fields = form_fields(page.request().body);
  if (!fields) return page.error(400, page.text("error_bad_form"));
  json::object body;
  if (const auto outcome = form_field(*fields, "outcome"); outcome && !outcome->empty())
    body["outcome"] = *outcome;
  if (const auto note = form_field(*fields, "note"); note && !note->empty())
    body["data"] = json::object{{"note", *note}};
  const auto key = form_field(*fields, key_field).value_or("");
  const auto answer = page.call("POST", task_api(page) + "/complete", body, key);
  if (!answer.ok()) return show_task(page, answer.status, answer.detail());
  return redirect(instance_page(page.request().parameters.at("id")));
}

}  // namespace

void add_inbox_pages(Router& router, const Api& api) {
  add_page(router, api, "GET", "/inbox", inbox);
  add_page(router, api, "GET", "/instances/{id}/tasks/{task}",
           [](const Page& page) { return show_task(page); });
  add_page(router, api, "POST", "/instances/{id}/tasks/{task}/claim",
           [](const Page& page) { return change_task(page, "POST", "/claim", json::object()); });
  add_page(router, api, "POST", "/instances/{id}/tasks/{task}/release",
           [](const Page& page) { return change_task(page, "DELETE", "/claim", json::object()); });
  add_page(router, api, "POST", "/instances/{id}/tasks/{task}/complete", complete);
  add_page(router, api, "POST", "/instances/{id}/tasks/{task}/verify",
           [](const Page& page) { return change_task(page, "POST", "/verify", json::object()); });
}

}  // namespace ablauf::http::detail::web
