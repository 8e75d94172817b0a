/// @file
/// ablauf: an embeddable workflow and checklist engine. Including this header brings in the
/// whole public API; each concept also has a header of its own.
#pragma once

#include <ablauf/adapter.hpp>
#include <ablauf/answer.hpp>
#include <ablauf/attachment_renderer.hpp>
#include <ablauf/blob_store.hpp>
#include <ablauf/business_calendar.hpp>
#include <ablauf/checklist_score.hpp>
#include <ablauf/clock.hpp>
#include <ablauf/data_schema.hpp>
#include <ablauf/definition.hpp>
#include <ablauf/definition_archive.hpp>
#include <ablauf/definition_schema.hpp>
#include <ablauf/document_number.hpp>
#include <ablauf/duration.hpp>
#include <ablauf/dynamic_value.hpp>
#include <ablauf/engine.hpp>
#include <ablauf/error.hpp>
#include <ablauf/event.hpp>
#include <ablauf/event_log.hpp>
#include <ablauf/executor.hpp>
#include <ablauf/expression.hpp>
#include <ablauf/file_answers.hpp>
#include <ablauf/file_reference.hpp>
#include <ablauf/graph_svg.hpp>
#include <ablauf/history.hpp>
#include <ablauf/instance.hpp>
#include <ablauf/json.hpp>
#include <ablauf/kpi.hpp>
#include <ablauf/locale_format.hpp>
#include <ablauf/localized_text.hpp>
#include <ablauf/mail_queue.hpp>
#include <ablauf/postgres_store.hpp>
#include <ablauf/printable.hpp>
#include <ablauf/priority.hpp>
#include <ablauf/record_source.hpp>
#include <ablauf/schedule.hpp>
#include <ablauf/services.hpp>
#include <ablauf/source.hpp>
#include <ablauf/sqlite_store.hpp>
#include <ablauf/step_type.hpp>
#include <ablauf/step_type_manifest.hpp>
#include <ablauf/store.hpp>
#include <ablauf/template.hpp>
#include <ablauf/timeline.hpp>
#include <ablauf/translations.hpp>
#include <ablauf/work_queue.hpp>
#include <ablauf/workflow.hpp>

/// Everything of the ablauf library lives here. `#include <ablauf/ablauf.hpp>` for all of it.
namespace ablauf {}
