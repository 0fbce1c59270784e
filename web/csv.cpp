#include "web/csv.hpp"

#include <cmath>
#include <cstdio>

namespace gridkeeper::web {

void CsvWriter::separate() {
  if (row_started_) out_ += ',';
  row_started_ = true;
}

CsvWriter& CsvWriter::text(std::string_view value) {
  separate();
  const bool formula = !value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' ||
                                          value[0] == '\t' || value[0] == '\r');
  const bool quote = formula || value.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out_ += value;
    return *this;
  }
  out_ += '"';
  if (formula) out_ += '\'';
  for (char c : value) {
    if (c == '"') out_ += '"';
    out_ += c;
  }
  out_ += '"';
  return *this;
}

CsvWriter& CsvWriter::number(std::int64_t value) {
  separate();
  out_ += std::to_string(value);
  return *this;
}

CsvWriter& CsvWriter::number(double value, int decimals) {
  separate();
  if (!std::isfinite(value)) return *this;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  out_ += s;
  return *this;
}

CsvWriter& CsvWriter::number(const std::optional<double>& value, int decimals) {
  if (!value) return empty();
  return number(*value, decimals);
}

CsvWriter& CsvWriter::empty() {
  separate();
  return *this;
}

void CsvWriter::end_row() {
  out_ += "\r\n";
  row_started_ = false;
}

Response csv_response(std::string body, const std::string& filename) {
  Response r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = std::move(body);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace gridkeeper::web
