#pragma once
// Accounts from a CSV file (POST /users/import, `gridkeeper user import`): UTF-8 text with
// the header `username,display_name,role,scope,worker_id`, one account a row. The file is
// read whole or refused whole: the first bad row is an error naming its line
// (`field`: "line 7: role"). What a row may hold is checked here; whether its scope and
// worker exist, and whether its username is taken, by the caller (the server or the command).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "dispatch/errors.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

inline constexpr std::size_t kMaxImportBytes = 1u << 20;  // 1 MiB
inline constexpr std::size_t kMaxImportRows = 5000;
inline constexpr std::size_t kMaxDisplayNameBytes = 200;

struct ImportRow {
  int line = 0;  // of the file, the header being line 1
  std::string username;
  std::string display_name;
  Role role = Role::operator_;
  std::string scope;
  std::string worker_id;
};

// A username a person may choose: an identifier (dispatch/text_rules.hpp) not beginning
// with '-'. invalid_value naming `field` when not.
Status check_username(std::string_view username, std::string_view field = "username");
// Whether a cell would be taken for a formula by a spreadsheet that opens the file
// (= + - @, a tab or a carriage return first).
bool looks_like_formula(std::string_view cell);

// The rows of `text` (a UTF-8 BOM and CRLF line ends allowed, cells quoted as RFC 4180
// says). too_large beyond kMaxImportBytes or kMaxImportRows; invalid_value with the line
// for a malformed file, a wrong header, a bad cell (role unknown, a worker without a
// worker_id or a worker_id for another role, a formula-looking cell, control characters),
// or a username twice in the file.
Result<std::vector<ImportRow>> parse_user_csv(std::string_view text);

// "line N: column": the field of an error about a row's cell.
std::string line_field(int line, std::string_view column);

}  // namespace gridkeeper::dispatch
