// A host that uses every component through ablauf::ablauf: compiles one definition, deploys it
// on an in-memory SQLite store, prints its form, takes the key figures of the empty store, and
// sees the PostgreSQL store refuse a server that is not there. Exits 0 when all of that holds.
// Usage: consumer DEFINITION
#include <ablauf/ablauf.hpp>

#include <iostream>
#include <string_view>

namespace {

int fail(std::string_view what) {
  std::cerr << "consumer: " << what << '\n';
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return fail("usage: consumer DEFINITION");
  auto definition = ablauf::load_definition_file(argv[1]);
  if (!definition) {
    std::cerr << definition.error();
    return 1;
  }
  auto workflow = ablauf::Workflow::compile(std::move(*definition));
  if (!workflow) {
    std::cerr << workflow.error();
    return 1;
  }
  const std::string form = ablauf::to_html_form(workflow->definition());  // ablauf::print
  std::cout << workflow->definition().id << ": " << workflow->step_count() << " steps\n";

  auto store = ablauf::SqliteStore::open(":memory:");  // ablauf::sqlite
  if (!store) return fail(store.error().message);
  ablauf::Engine engine({.store = store->get()});
  if (auto deployed = engine.deploy(std::move(*workflow)); !deployed)
    return fail(deployed.error().message);
  auto figures = ablauf::compute_kpis(**store);  // ablauf::kpi
  if (!figures || figures->started != 0) return fail("the key figures of an empty store");

  // ablauf::postgres: no server listens in a folder that does not exist.
  if (ablauf::PostgresStore::open("host=/nonexistent/ablauf dbname=none connect_timeout=2"))
    return fail("a PostgreSQL store opened without a server");
  return form.find("<html") != std::string::npos ? 0 : fail("the form is not HTML");
}
