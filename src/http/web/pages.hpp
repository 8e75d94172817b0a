// The pages people use in a browser, served beside the API (internal; docs/web.md). Each group
// of pages is in its own file; every change a page makes goes through the API in-process, so
// that a page may do exactly what the API lets its user do.
#pragma once

#include "http/api_v1.hpp"
#include "http/router.hpp"

namespace ablauf::http::detail {

// Every page below, the static files they use (`/static/…`), `/` (the inbox) and
// `/language/{code}` (the language a person chooses).
void add_pages(Router& router, const Api& api);

namespace web {

// `/sign-in`, `/sign-out`.
void add_sign_in_pages(Router& router, const Api& api);
// `/inbox`: the tasks and checklists the user may act on; `/instances/{id}/tasks/{task}`: one
// task, to take, give back or complete.
void add_inbox_pages(Router& router, const Api& api);
// `/instances/{id}/steps/{step}`: a checklist step's form, to fill and sign.
void add_checklist_page(Router& router, const Api& api);
// `/instances`, `/instances/{id}` (timeline, path, filled forms, cancel).
void add_instance_pages(Router& router, const Api& api);
// `/start`, `/start/{workflow}`: a new instance, its input asked for by a form made from what
// the workflow declares.
void add_start_pages(Router& router, const Api& api);
// `/kpi`: the key figures of a workflow and period.
void add_kpi_page(Router& router, const Api& api);
// `/definitions`, `/definitions/{id}`: what is deployed, and a new version checked.
void add_definition_pages(Router& router, const Api& api);

}  // namespace web
}  // namespace ablauf::http::detail
