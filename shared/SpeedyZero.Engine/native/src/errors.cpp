#include "errors.h"

#include <algorithm>
#include <cstring>

namespace sz {
namespace {
thread_local std::string last_error;
}

void set_last_error(const std::string& message) { last_error = message; }
const std::string& last_error_message() { return last_error; }

void check_length(const char* name, int64_t length, int64_t expected) {
  if (length != expected) {
    throw invalid_argument(std::string(name) + " holds " + std::to_string(length) + " elements, expected " +
                           std::to_string(expected));
  }
}

}  // namespace sz

extern "C" SZ_EXPORT int32_t sz_last_error(char* buffer, int32_t capacity) {
  const std::string& message = sz::last_error_message();
  if (buffer != nullptr && capacity > 0) {
    const size_t n = std::min(message.size(), static_cast<size_t>(capacity - 1));
    std::memcpy(buffer, message.data(), n);
    buffer[n] = '\0';
  }
  return static_cast<int32_t>(message.size());
}
