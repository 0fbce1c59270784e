#pragma once
// The strict reader of request bodies: typed fields of one JSON object, required or
// optional (null counts as absent), unknown fields refused. It keeps the first error, which
// names the field with its path (reporter.name): wrong types and unknown or missing fields
// are bad_request, values out of range invalid_value.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "dispatch/errors.hpp"

namespace gridkeeper::web {

class JsonReader {
 public:
  explicit JsonReader(const boost::json::object& o, std::string prefix = {}) : o_(o), prefix_(std::move(prefix)) {}

  std::optional<dispatch::Error> error;

  void only(std::initializer_list<std::string_view> allowed) { only_of(allowed); }

  // The fields a table names (any range of std::string_view).
  template <class Names>
  void only_of(const Names& allowed) {
    if (error) return;
    for (const auto& kv : o_) {
      bool known = false;
      for (std::string_view a : allowed) known |= kv.key() == a;
      if (!known) {
        const std::string name = path(kv.key());
        error = dispatch::make_error(dispatch::ErrorCode::bad_request, "unknown field " + name, name);
        return;
      }
    }
  }

  const boost::json::value* get(std::string_view key, bool required) {
    if (error) return nullptr;
    const auto* v = o_.if_contains(key);
    if (v && v->is_null()) v = nullptr;
    if (!v && required) fail(dispatch::ErrorCode::bad_request, key, " is required");
    return v;
  }

  std::optional<std::string> text(std::string_view key, bool required = false) {
    const auto* v = get(key, required);
    if (!v) return std::nullopt;
    if (!v->is_string()) return fail(dispatch::ErrorCode::bad_request, key, " must be a string"), std::nullopt;
    return std::string(v->as_string());
  }

  std::optional<double> number(std::string_view key, bool required = false) {
    const auto* v = get(key, required);
    if (!v) return std::nullopt;
    double d;
    if (v->is_double()) d = v->as_double();
    else if (v->is_int64()) d = static_cast<double>(v->as_int64());
    else if (v->is_uint64()) d = static_cast<double>(v->as_uint64());
    else return fail(dispatch::ErrorCode::bad_request, key, " must be a number"), std::nullopt;
    if (!std::isfinite(d))
      return fail(dispatch::ErrorCode::invalid_value, key, " must be a finite number"), std::nullopt;
    return d;
  }

  std::optional<std::int64_t> integer(std::string_view key, bool required = false) {
    const auto* v = get(key, required);
    if (!v) return std::nullopt;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64()) return fail(dispatch::ErrorCode::invalid_value, key, " is out of range"), std::nullopt;
    return fail(dispatch::ErrorCode::bad_request, key, " must be an integer"), std::nullopt;
  }

  std::optional<bool> boolean(std::string_view key, bool required = false) {
    const auto* v = get(key, required);
    if (!v) return std::nullopt;
    if (!v->is_bool()) return fail(dispatch::ErrorCode::bad_request, key, " must be true or false"), std::nullopt;
    return v->as_bool();
  }

  const boost::json::object* object(std::string_view key, bool required = false) {
    const auto* v = get(key, required);
    if (!v) return nullptr;
    if (!v->is_object()) return fail(dispatch::ErrorCode::bad_request, key, " must be an object"), nullptr;
    return &v->as_object();
  }

  std::string path(std::string_view key) const {
    return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
  }

  void fail(dispatch::ErrorCode code, std::string_view key, std::string_view what) {
    if (error) return;
    const std::string name = path(key);
    error = dispatch::make_error(code, name + std::string(what), name);
  }
  void invalid(std::string_view key, std::string message) {
    if (!error) error = dispatch::make_error(dispatch::ErrorCode::invalid_value, std::move(message), path(key));
  }

 private:
  const boost::json::object& o_;
  std::string prefix_;
};

}  // namespace gridkeeper::web
