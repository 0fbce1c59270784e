#pragma once
// The rows of a CSV answer, for tests: the byte order mark dropped, lines ended by CRLF,
// cells split at commas (the answers tested hold no quoted cells).
#include <sstream>
#include <string>
#include <vector>

#include "web/csv.hpp"

namespace gridkeeper::testing {

inline std::vector<std::string> csv_cells(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream s(line);
  std::string cell;
  while (std::getline(s, cell, ',')) out.push_back(cell);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

inline std::vector<std::vector<std::string>> csv_rows(const std::string& csv) {
  std::vector<std::vector<std::string>> out;
  const std::string body = csv.rfind(web::kUtf8Bom, 0) == 0 ? csv.substr(web::kUtf8Bom.size()) : csv;
  for (std::size_t at = 0; at < body.size();) {
    const auto end = body.find("\r\n", at);
    out.push_back(csv_cells(body.substr(at, end - at)));
    if (end == std::string::npos) break;
    at = end + 2;
  }
  return out;
}

}  // namespace gridkeeper::testing
