// pg::Query: one use of a statement its connection keeps prepared (data/pg.hpp).
#include <libpq-fe.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "data/pg.hpp"

namespace gridkeeper::data::pg {

Query::Query(Connection& db, std::string name, int parameters)
    : db_(&db), name_(std::move(name)), values_(static_cast<std::size_t>(parameters)) {}

Query::Query(Query&& other) noexcept
    : db_(other.db_),
      name_(std::move(other.name_)),
      values_(std::move(other.values_)),
      result_(other.result_),
      row_(other.row_),
      rows_(other.rows_),
      executed_(other.executed_),
      affected_(other.affected_),
      error_(std::move(other.error_)) {
  other.result_ = nullptr;
}

Query::~Query() {
  if (result_) PQclear(result_);
}

void Query::fail(Error e) {
  if (!error_) error_ = std::move(e);
}

Query& Query::set(int index, std::optional<std::string> value) {
  if (index < 1 || static_cast<std::size_t>(index) > values_.size()) {
    fail(dispatch::make_error(dispatch::ErrorCode::storage_failed,
                              "parameter " + std::to_string(index) + " is not in the statement"));
    return *this;
  }
  values_[static_cast<std::size_t>(index - 1)] = std::move(value);
  return *this;
}

Query& Query::bind(int index, std::int64_t value) { return set(index, std::to_string(value)); }

Query& Query::bind(int index, double value) {
  char buffer[32];
  const auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
  return set(index, std::string(buffer, r.ptr));
}

Query& Query::bind(int index, std::string_view text) { return set(index, std::string(text)); }

Query& Query::bind(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Query& Query::bind_null(int index) { return set(index, std::nullopt); }

Query& Query::bind_code(int index, const std::string& code) {
  return code.empty() ? bind_null(index) : bind(index, std::string_view(code));
}

Query& Query::bind_blob(int index, std::string_view bytes) {
  // Parameters travel as text: a BYTEA's text form is \x and two hex digits a byte.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 + 2 * bytes.size());
  hex += "\\x";
  for (unsigned char c : bytes) {
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  return set(index, std::move(hex));
}

bool Query::execute() {
  executed_ = true;
  if (error_) return false;
  std::vector<const char*> values(values_.size());
  for (std::size_t i = 0; i < values_.size(); ++i) values[i] = values_[i] ? values_[i]->c_str() : nullptr;
  if (db_->pipelined_) {
    // The answers of the statements before this one first, then this one's.
    db_->drain();
    if (db_->pipeline_error_) {
      fail(*db_->pipeline_error_);
      return false;
    }
    if (!PQsendQueryPrepared(db_->handle(), name_.c_str(), static_cast<int>(values.size()), values.data(), nullptr,
                             nullptr, 0) ||
        !PQsendFlushRequest(db_->handle()) || PQflush(db_->handle()) < 0) {
      fail(pg_error(db_->handle(), nullptr, "the database refused a statement"));
      return false;
    }
    result_ = db_->next_result();
  } else {
    result_ = PQexecPrepared(db_->handle(), name_.c_str(), static_cast<int>(values.size()), values.data(), nullptr,
                             nullptr, 0);
  }
  const auto status = result_ ? PQresultStatus(result_) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    fail(pg_error(db_->handle(), result_, "the database refused a statement"));
    return false;
  }
  rows_ = PQntuples(result_);
  const char* tuples = PQcmdTuples(result_);
  affected_ = tuples && *tuples ? std::strtoll(tuples, nullptr, 10) : 0;
  db_->changes_ = affected_;
  return true;
}

bool Query::next() {
  if (!executed_ && !execute()) return false;
  if (error_) return false;
  if (row_ + 1 >= rows_) return false;
  ++row_;
  return true;
}

Status Query::run() {
  if (executed_) return error_;
  if (!db_->pipelined_) {
    execute();
    return error_;
  }
  // Sent; its answer is read later (Connection::drain).
  executed_ = true;
  if (error_) return error_;
  std::vector<const char*> values(values_.size());
  for (std::size_t i = 0; i < values_.size(); ++i) values[i] = values_[i] ? values_[i]->c_str() : nullptr;
  if (!PQsendQueryPrepared(db_->handle(), name_.c_str(), static_cast<int>(values.size()), values.data(), nullptr,
                           nullptr, 0))
    fail(pg_error(db_->handle(), nullptr, "the database refused a statement"));
  else ++db_->pending_;
  return error_;
}

bool Query::is_null(int column) const { return PQgetisnull(result_, row_, column) != 0; }

std::int64_t Query::int64(int column) const {
  if (is_null(column)) return 0;
  const char* v = PQgetvalue(result_, row_, column);
  // Booleans read as 0 and 1, as SQLite's do.
  if (v[0] == 't' && v[1] == '\0') return 1;
  if (v[0] == 'f' && v[1] == '\0') return 0;
  return std::strtoll(v, nullptr, 10);
}

double Query::real(int column) const {
  return is_null(column) ? 0 : std::strtod(PQgetvalue(result_, row_, column), nullptr);
}

std::string Query::text(int column) const { return std::string(text_view(column)); }

std::string Query::blob(int column) const {
  // Read as text, a BYTEA comes in its hex form (\x…, the server's default output).
  const auto hex = text_view(column);
  if (hex.size() < 2 || hex[0] != '\\' || hex[1] != 'x') return std::string(hex);
  auto digit = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  std::string bytes;
  bytes.reserve((hex.size() - 2) / 2);
  for (std::size_t i = 2; i + 1 < hex.size(); i += 2)
    bytes += static_cast<char>(digit(hex[i]) << 4 | digit(hex[i + 1]));
  return bytes;
}

std::string_view Query::text_view(int column) const {
  if (is_null(column)) return {};
  return {PQgetvalue(result_, row_, column), static_cast<std::size_t>(PQgetlength(result_, row_, column))};
}

std::optional<std::int64_t> Query::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

// ---- Connection ----

}  // namespace gridkeeper::data::pg
