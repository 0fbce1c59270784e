#include "data/pg_rows.hpp"

#include <charconv>

namespace gridkeeper::data::pg {

namespace {

Error misuse(std::string message) {
  return dispatch::make_error(dispatch::ErrorCode::storage_failed, std::move(message));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// The parts of `INSERT INTO table (columns) VALUES (?1, ?2 …) tail`.
struct OneRow {
  std::string_view table, columns, tail;
  std::size_t count = 0;
};

Result<OneRow> parse(std::string_view sql) {
  const auto bad = [&] { return misuse("not a one-row INSERT: " + std::string(sql.substr(0, 80))); };
  constexpr std::string_view kInsert = "INSERT INTO ";
  if (!sql.starts_with(kInsert)) return bad();
  OneRow r;
  const auto open = sql.find('(');
  const auto close = sql.find(')', open);
  const auto values = sql.find("VALUES (", close);
  if (open == std::string_view::npos || close == std::string_view::npos || values == std::string_view::npos)
    return bad();
  const auto values_close = sql.find(')', values);
  if (values_close == std::string_view::npos) return bad();
  r.table = trim(sql.substr(kInsert.size(), open - kInsert.size()));
  r.columns = sql.substr(open + 1, close - open - 1);
  r.tail = sql.substr(values_close + 1);
  // The parameters must be ?1, ?2 … in the columns' order.
  std::string_view parameters = sql.substr(values + 8, values_close - values - 8);
  for (std::size_t from = 0; from <= parameters.size();) {
    const auto comma = std::min(parameters.find(',', from), parameters.size());
    const auto parameter = trim(parameters.substr(from, comma - from));
    if (!parameter.starts_with('?') || parameter.substr(1) != std::to_string(++r.count)) return bad();
    from = comma + 1;
  }
  return r;
}

}  // namespace

Result<Rows> Rows::prepare(Connection& db, std::string_view insert) {
  auto one = parse(insert);
  if (!one) return one.error();
  // The columns' types, in the columns' order.
  auto types = db.query(
      "SELECT format_type(a.atttypid, a.atttypmod) FROM unnest(string_to_array(?2, ',')) WITH ORDINALITY AS c(name, i) "
      "JOIN pg_attribute a ON a.attrelid = ?1::regclass AND a.attname = trim(c.name) ORDER BY c.i");
  if (!types) return types.error();
  types->bind(1, one->table).bind(2, one->columns);
  std::string sql =
      "INSERT INTO " + std::string(one->table) + " (" + std::string(one->columns) + ") SELECT * FROM unnest(";
  std::size_t count = 0;
  while (types->next()) {
    if (count) sql += ", ";
    sql += '?';
    sql += std::to_string(++count);
    sql += "::";
    sql += types->text_view(0);
    sql += "[]";
  }
  if (auto e = types->status()) return *e;
  if (count != one->count) return misuse("the columns of " + std::string(one->table) + " are not all in its table");
  sql += ")";
  sql += one->tail;
  auto statement = db.prepare(sql);
  if (!statement) return statement.error();
  Rows rows;
  rows.statement_ = *statement;
  rows.columns_.resize(count);
  rows.bound_.resize(count);
  rows.clear();
  return rows;
}

void Rows::clear() {
  for (auto& c : columns_) c.assign(1, '{');
  std::fill(bound_.begin(), bound_.end(), false);
  rows_ = 0;
  error_.reset();
}

void Rows::end_row() {
  if (rows_ == 0) return;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (bound_[i]) continue;
    if (rows_ > 1) columns_[i] += ',';
    columns_[i] += "NULL";
  }
}

Rows& Rows::add() {
  end_row();
  ++rows_;
  std::fill(bound_.begin(), bound_.end(), false);
  return *this;
}

std::string* Rows::element(int index) {
  const auto i = static_cast<std::size_t>(index - 1);
  if (rows_ == 0 || index < 1 || i >= columns_.size() || bound_[i]) {
    if (!error_) error_ = misuse("parameter " + std::to_string(index) + " is not in the row or bound twice");
    return nullptr;
  }
  bound_[i] = true;
  std::string& c = columns_[i];
  if (rows_ > 1) c += ',';
  return &c;
}

Rows& Rows::bind(int index, std::int64_t value) {
  if (auto* c = element(index)) {
    char buffer[24];
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
    c->append(buffer, r.ptr);
  }
  return *this;
}

Rows& Rows::bind(int index, double value) {
  if (auto* c = element(index)) {
    char buffer[32];
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
    c->append(buffer, r.ptr);
  }
  return *this;
}

Rows& Rows::bind(int index, std::string_view text) {
  if (auto* c = element(index)) {
    // Quoted, so that no text reads as NULL or splits the array.
    c->reserve(c->size() + text.size() + 2);
    *c += '"';
    for (const char ch : text) {
      if (ch == '"' || ch == '\\') *c += '\\';
      *c += ch;
    }
    *c += '"';
  }
  return *this;
}

Rows& Rows::bind(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Rows& Rows::bind_null(int index) {
  if (auto* c = element(index)) *c += "NULL";
  return *this;
}

Rows& Rows::bind_code(int index, const std::string& code) {
  return code.empty() ? bind_null(index) : bind(index, std::string_view(code));
}

Status Rows::run() {
  end_row();
  Status out = error_;
  if (!out && rows_ > 0) {
    auto q = statement_.use();
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      columns_[i] += '}';
      q.bind(static_cast<int>(i + 1), std::string_view(columns_[i]));
    }
    out = q.run();
  }
  clear();
  return out;
}

}  // namespace gridkeeper::data::pg
