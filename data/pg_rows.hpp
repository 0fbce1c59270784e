#pragma once
// Many rows of one table in one statement on PostgreSQL. A one-row INSERT (`INSERT INTO t
// (a, b …) VALUES (?1, ?2 …) [ON CONFLICT …]`) is sent as `INSERT INTO t (a, b …) SELECT *
// FROM unnest($1::type[], $2::type[] …) [ON CONFLICT …]`, each column's values bound as one
// array (its text literal). The rows are bound as a pg::Query binds its parameters, so the
// records' binders (data/records.hpp) serve both. The server then parses, plans and starts
// the statement once for all the rows, not once per row: its CHECK constraints, for one,
// are read once per statement.
#include <string>
#include <string_view>
#include <vector>

#include "data/pg.hpp"

namespace gridkeeper::data::pg {

class Rows {
 public:
  Rows() = default;
  // `insert`: the one-row statement, its parameters in the order of its columns. The
  // columns' types are read from the server's catalog.
  static Result<Rows> prepare(Connection& db, std::string_view insert);

  // Starts a row and returns it for binding; a column left unbound is NULL.
  Rows& add();
  std::size_t size() const { return rows_; }
  bool empty() const { return rows_ == 0; }
  // Sends the rows as one statement (in a pipeline, without waiting: see Query::run) and
  // starts again empty, whatever the outcome.
  Status run();
  // Forgets the rows bound so far.
  void clear();

  Rows& bind(int index, std::int64_t value);
  Rows& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Rows& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value)); }
  Rows& bind(int index, double value);
  Rows& bind(int index, std::string_view text);
  Rows& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Rows& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Rows& bind(int index, const std::optional<std::int64_t>& value);
  Rows& bind_borrowed(int index, std::string_view text) { return bind(index, text); }
  Rows& bind_borrowed_code(int index, const std::string& code) { return bind_code(index, code); }
  Rows& bind_null(int index);
  Rows& bind_code(int index, const std::string& code);  // empty means NULL

 private:
  // The element's place in column `index`; null when the index is wrong or bound twice.
  std::string* element(int index);
  void end_row();

  Prepared statement_;
  std::vector<std::string> columns_;  // each the elements of an array literal, comma-separated
  std::vector<bool> bound_;           // by column: bound in the current row
  std::size_t rows_ = 0;
  Status error_;  // a binding mistake, said by run()
};

}  // namespace gridkeeper::data::pg
