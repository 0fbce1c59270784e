#pragma once
// Errors are values on every path that handles outside input. One catalogue gives each
// code its name in the contract and its HTTP status.
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace gridkeeper::dispatch {

enum class ErrorCode {
  bad_request,               // 400 malformed input
  unauthenticated,           // 401
  forbidden,                 // 403 the role or scope does not allow it
  not_found,                 // 404
  not_in_any_grid,           // 404/422 a location no grid contains
  stale_version,             // 409 the case changed since the client read it
  illegal_transition,        // 409 the action does not apply in the case's state
  conflict,                  // 409 other conflicts (duplicates)
  too_large,                 // 413
  invalid_value,             // 422 well-formed but out of range or unknown
  too_many_requests,         // 429
  overloaded,                // 503
  storage_failed,            // 500 the database refused a write
  storage_unavailable,       // 503 the database cannot store now (disk full, I/O error); nothing was changed
  password_change_required,  // 403 the user must change its password (after a reset or an import) first
  account_disabled,          // 403 the account is disabled: its login is refused
  standby,                   // 503 this server stands by: another one serves the database
};

std::string_view code_name(ErrorCode code);
int http_status(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::bad_request;
  std::string message;
  std::string field;
};

inline Error make_error(ErrorCode code, std::string message, std::string field = {}) {
  return Error{code, std::move(message), std::move(field)};
}

// What a client may be told of an error. Storage errors carry the database's own words
// (file names, "database is locked"): those are replaced by the catalogue's message for
// the code; every other error is returned as it is.
Error for_client(const Error& e);

// An error thrown where a signature has no error channel (the ports' reads). The server's
// one catch answers it as its error.
struct Failure : std::runtime_error {
  explicit Failure(Error e) : std::runtime_error(e.message), error(std::move(e)) {}
  Error error;
};

// A value or an error.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Success or an error.
using Status = std::optional<Error>;

}  // namespace gridkeeper::dispatch
