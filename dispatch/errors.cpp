#include "dispatch/errors.hpp"

namespace gridkeeper::dispatch {

namespace {
struct Entry {
  ErrorCode code;
  std::string_view name;
  int status;
};
// The catalogue: contract name and HTTP status of every error code.
constexpr Entry kCatalogue[] = {
    {ErrorCode::bad_request, "bad_request", 400},
    {ErrorCode::unauthenticated, "unauthenticated", 401},
    {ErrorCode::forbidden, "forbidden", 403},
    {ErrorCode::not_found, "not_found", 404},
    {ErrorCode::not_in_any_grid, "not_in_any_grid", 404},
    {ErrorCode::stale_version, "stale_version", 409},
    {ErrorCode::illegal_transition, "illegal_transition", 409},
    {ErrorCode::conflict, "conflict", 409},
    {ErrorCode::too_large, "too_large", 413},
    {ErrorCode::invalid_value, "invalid_value", 422},
    {ErrorCode::too_many_requests, "too_many_requests", 429},
    {ErrorCode::overloaded, "overloaded", 503},
    {ErrorCode::storage_failed, "storage_failed", 500},
    {ErrorCode::storage_unavailable, "storage_unavailable", 503},
    {ErrorCode::password_change_required, "password_change_required", 403},
    {ErrorCode::account_disabled, "account_disabled", 403},
    {ErrorCode::standby, "standby", 503},
};

const Entry& entry(ErrorCode code) {
  for (const auto& e : kCatalogue)
    if (e.code == code) return e;
  return kCatalogue[0];
}
}  // namespace

std::string_view code_name(ErrorCode code) { return entry(code).name; }
int http_status(ErrorCode code) { return entry(code).status; }

Error for_client(const Error& e) {
  switch (e.code) {
    case ErrorCode::storage_failed:
      return make_error(e.code, "internal error; the request was not completed");
    case ErrorCode::storage_unavailable:
      return make_error(e.code,
                        "the server cannot store anything at the moment (its disk may be full); nothing was changed, "
                        "try again in a few minutes");
    default:
      return e;
  }
}

}  // namespace gridkeeper::dispatch
