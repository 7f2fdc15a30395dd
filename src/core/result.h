// Result<T>: the core's way of returning a value or a typed error without throwing.
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace openkap {

// A typed error: a stable code (maps to a problem type), a human message, and the
// offending input field when there is one.
struct Error {
  std::string code;     // e.g. "validation", "not_found", "conflict"
  std::string message;  // human-readable, never contains patient data beyond the field name
  std::string field;    // JSON field path, empty when not about one field
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}      // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  const Error& error() const { return std::get<1>(v_); }
  T* operator->() { return &value(); }
  T& operator*() { return value(); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace openkap
