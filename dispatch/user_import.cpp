#include "dispatch/user_import.hpp"

#include <array>
#include <unordered_map>

#include "dispatch/access.hpp"
#include "dispatch/text_rules.hpp"

namespace gridkeeper::dispatch {

namespace {
constexpr std::array<std::string_view, 5> kHeader{"username", "display_name", "role", "scope", "worker_id"};

struct Record {
  int line = 0;
  std::vector<std::string> cells;
};

Error bad(int line, std::string_view column, std::string message) {
  return make_error(ErrorCode::invalid_value, "line " + std::to_string(line) + ": " + message,
                    line_field(line, column));
}

// RFC 4180 records; a quoted cell may hold commas, doubled quotes and line ends.
Result<std::vector<Record>> records_of(std::string_view text) {
  std::vector<Record> out;
  std::size_t i = 0;
  int line = 1;
  while (i < text.size()) {
    Record r;
    r.line = line;
    std::string cell;
    bool end_of_record = false;
    while (!end_of_record) {
      cell.clear();
      if (i < text.size() && text[i] == '"') {
        ++i;
        while (true) {
          if (i >= text.size()) return bad(r.line, "file", "a quoted cell is not closed");
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              cell += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (text[i] == '\n') ++line;
          cell += text[i++];
        }
        if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
          return bad(line, "file", "text after a quoted cell");
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          if (text[i] == '"') return bad(line, "file", "a quote inside an unquoted cell");
          cell += text[i++];
        }
      }
      r.cells.push_back(cell);
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      if (i < text.size() && text[i] == '\r') ++i;
      if (i < text.size() && text[i] == '\n') ++i;
      ++line;
      end_of_record = true;
    }
    const bool blank = r.cells.size() == 1 && r.cells[0].empty();
    if (!blank) out.push_back(std::move(r));
    if (out.size() > kMaxImportRows + 1)
      return make_error(ErrorCode::too_large,
                        "the file has more than " + std::to_string(kMaxImportRows) + " accounts; split it");
  }
  return out;
}

Status check_cell(int line, std::string_view column, const std::string& value, std::size_t max_bytes) {
  if (auto e = check_text(value, max_bytes, column)) return bad(line, column, e->message);
  if (looks_like_formula(value))
    return bad(line, column, std::string(column) + " begins like a spreadsheet formula (= + - @)");
  return std::nullopt;
}
}  // namespace

std::string line_field(int line, std::string_view column) {
  return "line " + std::to_string(line) + ": " + std::string(column);
}

bool looks_like_formula(std::string_view cell) {
  if (cell.empty()) return false;
  const char c = cell.front();
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

Status check_username(std::string_view username, std::string_view field) {
  if (!valid_identifier(username) || username.front() == '-')
    return make_error(ErrorCode::invalid_value,
                      "a username is " + std::string(kIdentifierRule) + ", not beginning with -", std::string(field));
  return std::nullopt;
}

Result<std::vector<ImportRow>> parse_user_csv(std::string_view text) {
  if (text.size() > kMaxImportBytes) return make_error(ErrorCode::too_large, "the file is larger than 1 MiB; split it");
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  auto records = records_of(text);
  if (!records) return records.error();
  if (records->empty()) return bad(1, "header", "the file is empty; its first line must be the header");
  const auto& header = records->front();
  bool header_ok = header.cells.size() == kHeader.size();
  for (std::size_t k = 0; header_ok && k < kHeader.size(); ++k) header_ok = header.cells[k] == kHeader[k];
  if (!header_ok)
    return bad(header.line, "header", "the first line must be username,display_name,role,scope,worker_id");
  if (records->size() == 1) return bad(header.line, "header", "the file has no accounts after its header");

  std::vector<ImportRow> rows;
  std::unordered_map<std::string, int> seen;
  for (std::size_t n = 1; n < records->size(); ++n) {
    const auto& r = (*records)[n];
    if (r.cells.size() != kHeader.size())
      return bad(
          r.line, "file",
          "the row has " + std::to_string(r.cells.size()) + " cells instead of " + std::to_string(kHeader.size()));
    ImportRow row;
    row.line = r.line;
    row.username = r.cells[0];
    row.display_name = r.cells[1];
    row.scope = r.cells[3];
    row.worker_id = r.cells[4];
    if (auto e = check_username(row.username)) return bad(r.line, "username", e->message);
    if (auto e = check_cell(r.line, "display_name", row.display_name, kMaxDisplayNameBytes)) return *e;
    const auto role = role_from(r.cells[2]);
    if (!role) return bad(r.line, "role", "role must be admin, operator, supervisor or worker");
    row.role = *role;
    if (!row.scope.empty() && !valid_identifier(row.scope))
      return bad(r.line, "scope", "a scope is " + std::string(kIdentifierRule));
    if (!row.worker_id.empty() && !valid_identifier(row.worker_id))
      return bad(r.line, "worker_id", "a worker id is " + std::string(kIdentifierRule));
    if (auto e = check_account_worker(row.role, row.worker_id)) return bad(r.line, "worker_id", e->message);
    if (auto [it, fresh] = seen.emplace(row.username, r.line); !fresh)
      return bad(r.line, "username",
                 "username " + row.username + " is already on line " + std::to_string(it->second) + " of the file");
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace gridkeeper::dispatch
