// status: the outcome of a fallible call, and result<T>: a value or a status.
//
// Every fallible call in Vigie returns one of these instead of throwing across a module
// boundary. A status is either ok() or carries a code and a human-readable message; parsers
// put the position of the error in the message.
//
//   vigie::result<int> parse_port(std::string_view s);
//   auto port = parse_port("80x");
//   if (!port.ok()) log(port.status().message());   // "invalid port '80x' at column 3"
//
// Thread safety: values; const methods may be called concurrently.

#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace vigie {

enum class status_code {
  ok = 0,
  invalid_argument,   // the caller's input is wrong; the message says where
  not_found,
  already_exists,
  resource_exhausted, // a bound was hit (queue full, body too large); retry later or send less
  unavailable,        // shutting down or not ready
  corruption,         // stored data does not decode
  io_error,
  internal,
};

std::string_view to_string(status_code code) noexcept;

class [[nodiscard]] status {
 public:
  status() noexcept = default;
  status(status_code code, std::string message) : code_(code), message_(std::move(message)) {}

  static status ok_status() noexcept { return status(); }

  bool ok() const noexcept { return code_ == status_code::ok; }
  status_code code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }

  // "invalid_argument: line 3: missing field 'id'"
  std::string to_string() const;

 private:
  status_code code_ = status_code::ok;
  std::string message_;
};

inline status invalid_argument(std::string message) {
  return status(status_code::invalid_argument, std::move(message));
}
inline status not_found(std::string message) {
  return status(status_code::not_found, std::move(message));
}
inline status corruption(std::string message) {
  return status(status_code::corruption, std::move(message));
}
inline status io_error(std::string message) {
  return status(status_code::io_error, std::move(message));
}
inline status internal_error(std::string message) {
  return status(status_code::internal, std::move(message));
}

// A value of type T, or the status that explains why there is none.
template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : v_(std::move(value)) {}
  result(vigie::status s) : v_(std::move(s)) { assert(!std::get<vigie::status>(v_).ok()); }

  bool ok() const noexcept { return v_.index() == 0; }
  const vigie::status& status() const {
    static const vigie::status ok_value;
    return ok() ? ok_value : std::get<vigie::status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, vigie::status> v_;
};

inline std::string_view to_string(status_code code) noexcept {
  switch (code) {
    case status_code::ok: return "ok";
    case status_code::invalid_argument: return "invalid_argument";
    case status_code::not_found: return "not_found";
    case status_code::already_exists: return "already_exists";
    case status_code::resource_exhausted: return "resource_exhausted";
    case status_code::unavailable: return "unavailable";
    case status_code::corruption: return "corruption";
    case status_code::io_error: return "io_error";
    case status_code::internal: return "internal";
  }
  return "unknown";
}

inline std::string status::to_string() const {
  if (ok()) return "ok";
  std::string s(vigie::to_string(code_));
  s += ": ";
  s += message_;
  return s;
}

}  // namespace vigie
