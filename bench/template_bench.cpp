// Compiling and rendering the templates of a typical mail: a plain-text subject and an HTML
// body that greets the customer by name and lists the open invoices with their amounts.
#include <ablauf/template.hpp>

#include <benchmark/benchmark.h>
#include <boost/json/parse.hpp>

#include <string>
#include <string_view>

namespace {

constexpr std::string_view subject_text =
    "Zahlungserinnerung {{reminder.number}} für {{customer.name}}";

constexpr std::string_view body_text =
    R"(<p>Guten Tag {{customer.salutation}} {{customer.name}},</p>
<p>bei der Durchsicht unserer Konten ist uns aufgefallen, dass die folgenden Rechnungen
noch offen sind:</p>
<table>
  {{#invoices}}
  <tr><td>{{number}}</td><td>{{date}}</td><td>{{amount}} {{currency}}</td></tr>
  {{/invoices}}
</table>
<p>Offen sind insgesamt <b>{{total}} {{currency}}</b>.{{#overdue}} Die älteste Rechnung ist
seit {{overdue}} Tagen fällig.{{/overdue}}</p>
<p>Bitte überweisen Sie den Betrag bis zum {{due_date}} auf das Konto {{account.iban}}.
{{^account.direct_debit}}Gern buchen wir künftig per Lastschrift ab.{{/account.direct_debit}}</p>
<p>Mit freundlichen Grüßen<br>{{sender.name}}<br>{{sender.company}}</p>
)";

constexpr std::string_view data_text = R"({
  "customer": {"salutation": "Frau", "name": "Müller & Söhne"},
  "reminder": {"number": "M-2024-0815"},
  "invoices": [
    {"number": "R-1001", "date": "2024-01-15", "amount": 1190.5},
    {"number": "R-1002", "date": "2024-02-15", "amount": 85000},
    {"number": "R-1003", "date": "2024-03-15", "amount": 1.21},
    {"number": "R-1004", "date": "2024-04-15", "amount": 299.99},
    {"number": "R-1005", "date": "2024-05-15", "amount": 42}
  ],
  "currency": "EUR",
  "total": 86534.7,
  "overdue": 120,
  "due_date": "2024-06-30",
  "account": {"iban": "DE02 1203 0000 0000 2020 51", "direct_debit": false},
  "sender": {"name": "Erika Mustermann", "company": "Beispiel GmbH"}
})";

constexpr std::string_view expected_subject = "Zahlungserinnerung M-2024-0815 für Müller & Söhne";

constexpr std::string_view expected_body = R"(<p>Guten Tag Frau Müller &amp; Söhne,</p>
<p>bei der Durchsicht unserer Konten ist uns aufgefallen, dass die folgenden Rechnungen
noch offen sind:</p>
<table>
  <tr><td>R-1001</td><td>2024-01-15</td><td>1190.5 EUR</td></tr>
  <tr><td>R-1002</td><td>2024-02-15</td><td>85000 EUR</td></tr>
  <tr><td>R-1003</td><td>2024-03-15</td><td>1.21 EUR</td></tr>
  <tr><td>R-1004</td><td>2024-04-15</td><td>299.99 EUR</td></tr>
  <tr><td>R-1005</td><td>2024-05-15</td><td>42 EUR</td></tr>
</table>
<p>Offen sind insgesamt <b>86534.7 EUR</b>. Die älteste Rechnung ist
seit 120 Tagen fällig.</p>
<p>Bitte überweisen Sie den Betrag bis zum 2024-06-30 auf das Konto DE02 1203 0000 0000 2020 51.
Gern buchen wir künftig per Lastschrift ab.</p>
<p>Mit freundlichen Grüßen<br>Erika Mustermann<br>Beispiel GmbH</p>
)";

// Subject and body into one reused buffer, as a mailer step would.
void template_render_customer_email(benchmark::State& state) {
  const auto subject = ablauf::Template::compile(subject_text);
  const auto body = ablauf::Template::compile(body_text);
  if (!subject || !body) {
    state.SkipWithError("the mail templates did not compile");
    return;
  }
  const boost::json::value data = boost::json::parse(data_text);
  const std::string expected = std::string(expected_subject) + std::string(expected_body);
  std::string out;
  for (auto _ : state) {
    out.clear();
    const bool ok = ablauf::render(*subject, data, out, {.escape = ablauf::Escape::none}) &&
                    ablauf::render(*body, data, out).has_value();
    if (!ok || out.size() != expected.size()) {
      state.SkipWithError("the mail did not render to the expected length");
      return;
    }
    benchmark::DoNotOptimize(out.data());
  }
  if (out != expected) state.SkipWithError("the mail did not render to the expected text");
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * expected.size()));
}
BENCHMARK(template_render_customer_email);

// The utility-billing seed's invoice mail, its amount and date written in German by ICU: what a
// format tag costs beside plain values.
void template_render_formatted_mail(benchmark::State& state) {
  const auto body = ablauf::Template::compile(
      "Guten Tag {{name}},\n\nIhre Rechnung Nr. {{number}} über {{total | currency EUR}} steht "
      "bereit. Bitte begleichen Sie den Betrag bis zum {{due | date}}.");
  if (!body) {
    state.SkipWithError("the mail template did not compile");
    return;
  }
  const boost::json::value data = boost::json::parse(
      R"({"name": "Sabine Hoffmann", "number": "VA-2026-118204", "total": 2915.5,
          "due": "2026-12-21"})");
  const std::string expected =
      "Guten Tag Sabine Hoffmann,\n\nIhre Rechnung Nr. VA-2026-118204 über 2.915,50\u00a0€ steht "
      "bereit. Bitte begleichen Sie den Betrag bis zum 21.12.2026.";
  ablauf::RenderOptions options{.escape = ablauf::Escape::none};
  options.locale = {"de", "Europe/Berlin"};
  std::string out;
  for (auto _ : state) {
    out.clear();
    if (!ablauf::render(*body, data, out, options) || out.size() != expected.size()) {
      state.SkipWithError("the mail did not render to the expected length");
      return;
    }
    benchmark::DoNotOptimize(out.data());
  }
  if (out != expected) state.SkipWithError("the mail did not render to the expected text");
}
BENCHMARK(template_render_formatted_mail);

void template_compile_customer_email(benchmark::State& state) {
  for (auto _ : state) {
    auto subject = ablauf::Template::compile(subject_text);
    auto body = ablauf::Template::compile(body_text);
    if (!subject || !body || body->names().size() != 11) {
      state.SkipWithError("the mail templates did not compile with their 11 names");
      return;
    }
    benchmark::DoNotOptimize(body);
  }
  state.SetBytesProcessed(
      static_cast<std::int64_t>(state.iterations() * (subject_text.size() + body_text.size())));
}
BENCHMARK(template_compile_customer_email);

}  // namespace
