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

// Sets flush-to-zero and denormals-are-zero once on the calling thread (runtime.cpp says why).
// OpenMP workers are created by the thread that first opens a parallel region and inherit its
// floating-point control word, so setting it before any work covers them too.
void flush_denormals_on_this_thread();

template <typename F>
int32_t guarded(F&& body) noexcept {
  try {
    flush_denormals_on_this_thread();
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
