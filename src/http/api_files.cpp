// Files answered on checklists, over HTTP: a file is uploaded for an item of a waiting step
// (`POST /api/v1/instances/{id}/steps/{step}/items/{item}/files`, the body the file itself) and
// answered with the reference the upload returns; the files an instance's answers refer to are
// read back by hash (`GET /api/v1/instances/{id}/files/{sha256}`).
#include "http/api_v1.hpp"
#include "http/authentication.hpp"
#include "http/roles.hpp"
#include "http/router.hpp"

#include <ablauf/file_answers.hpp>
#include <ablauf/file_reference.hpp>

#include <algorithm>
#include <cctype>

namespace ablauf::http::detail {
namespace json = boost::json;
namespace {

// The media type a request's Content-Type names, without its parameters, in lower case; "" for
// none or application/octet-stream, which leave it to the content.
std::string media_type_of(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && content_type.back() == ' ') content_type.remove_suffix(1);
  std::string type(content_type);
  for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type == "application/octet-stream" ? std::string() : type;
}

Response upload(const Api& api, const Request& request) {
  const User& user = caller(request);
  const auto& id = request.parameters.at("id");
  const auto& step_id = request.parameters.at("step");
  const auto& item_id = request.parameters.at("item");
  // Who may answer the item may give its files; the engine checks the rest.
  if (const auto state = api.engine.get(id)) {
    if (auto workflow = api.engine.workflow(state->workflow_id, state->version))
      if (const StepDefinition* step = workflow->find_step(step_id); step && step->checklist)
        for (const auto& section : step->checklist->sections)
          for (const auto& item : section.items)
            if (item.id == item_id && !may_answer(user, *step, section, item))
              return forbidden(user.name + " may not answer '" + item_id + "'");
  }
  const auto name = request.query.find("name");
  if (name == request.query.end() || name->second.empty())
    return Response::problem(400, "The file has no name",
                             "give the file's name as ?name=, such as ?name=vertrag.pdf");
  FileUpload file{.content = request.body,
                  .name = name->second,
                  .media_type = media_type_of(request.header("Content-Type")),
                  .taken_at = {}};
  if (const auto taken_at = request.query.find("taken_at"); taken_at != request.query.end())
    file.taken_at = taken_at->second;
  auto kept = api.engine.keep_file(id, step_id, item_id, std::move(file));
  if (!kept) return Response::problem(kept.error());
  auto answer = Response::json(201, to_json(*kept));
  answer.headers.emplace_back("Location",
                              "/api/v1/instances/" + path_segment(id) + "/files/" + kept->sha256);
  return answer;
}

// A file is sent as the bytes it was kept as, never run: a JPEG or PNG may be shown in a page
// (an <img>), anything else is a download, and a sandbox forbids scripts whatever a browser
// makes of it.
Response download(const Api& api, const Request& request) {
  const auto& id = request.parameters.at("id");
  const auto& sha256 = request.parameters.at("sha256");
  auto history = api.engine.history(id);
  if (!history) return Response::problem(history.error());
  const auto answered = answered_files(*history);
  const auto file = std::find_if(answered.begin(), answered.end(),
                                 [&](const AnsweredFile& a) { return a.file.sha256 == sha256; });
  if (file == answered.end())
    return Response::problem(404, "No such file",
                             "no answer of instance '" + id + "' refers to the file " + sha256);
  auto content = api.engine.file_content(id, sha256);
  if (!content) return Response::problem(content.error());
  const auto& type = file->file.media_type;
  const bool picture = type == "image/jpeg" || type == "image/png";
  Response answer{.status = 200,
                  .content_type = picture ? type : "application/octet-stream",
                  .body = std::move(*content),
                  .headers = {}};
  // RFC 6266 with RFC 8187: the name as written, umlauts included, percent-encoded.
  std::string encoded;
  static constexpr char hex[] = "0123456789ABCDEF";
  for (const unsigned char c : file->file.name) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += hex[c >> 4];
      encoded += hex[c & 0x0F];
    }
  }
  answer.headers.emplace_back(
      "Content-Disposition",
      std::string(picture ? "inline" : "attachment") + "; filename*=UTF-8''" + encoded);
  answer.headers.emplace_back("Content-Security-Policy", "sandbox; default-src 'none'");
  answer.headers.emplace_back("X-Content-Type-Options", "nosniff");
  // The content never changes under its hash.
  answer.headers.emplace_back("Cache-Control", "private, max-age=31536000, immutable");
  return answer;
}

}  // namespace

void add_file_routes(Router& router, const Api& api) {
  router.add("POST", "/api/v1/instances/{id}/steps/{step}/items/{item}/files",
             [api](const Request& request) { return upload(api, request); });
  router.add("GET", "/api/v1/instances/{id}/files/{sha256}",
             [api](const Request& request) { return download(api, request); });
}

}  // namespace ablauf::http::detail
