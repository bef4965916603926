// Error plumbing for the C ABI: a per-thread last-error message and a guard that turns any
// C++ exception into a status code.
#pragma once
#include <string>
#include <stdexcept>
#include "speedyzero_engine.h"

namespace sz {

void set_last_error(const std::string& message);
const std::string& last_error_message();

struct invalid_argument : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Throws invalid_argument unless a buffer's `length` equals `expected`; names the buffer.
void check_length(const char* name, int64_t length, int64_t expected);

template <typename F>
int32_t guarded(F&& body) noexcept {
  try {
    body();
    return SZ_OK;
  } catch (const invalid_argument& e) {
    set_last_error(e.what());
    return SZ_ERR_INVALID_ARGUMENT;
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return SZ_ERR_RUNTIME;
  } catch (...) {
    set_last_error("unknown native exception");
    return SZ_ERR_UNKNOWN;
  }
}

}  // namespace sz
