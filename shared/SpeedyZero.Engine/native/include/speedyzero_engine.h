/* The C ABI of the SpeedyZero native engine.
 * Every function returns an int status (SZ_OK or an error code); the message of the last
 * error on the calling thread is copied out with sz_last_error. No C++ exception crosses here. */
#ifndef SPEEDYZERO_ENGINE_H
#define SPEEDYZERO_ENGINE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SZ_EXPORT __attribute__((visibility("default")))

enum sz_status {
  SZ_OK = 0,
  SZ_ERR_INVALID_ARGUMENT = 1,
  SZ_ERR_RUNTIME = 2,
  SZ_ERR_UNKNOWN = 3
};

/* ABI version; the C# bindings refuse a library whose version differs from theirs. */
SZ_EXPORT int32_t sz_abi_version(void);

/* Copies the last error message of the calling thread (NUL-terminated, truncated to capacity).
 * Returns the full message length in bytes, without the NUL. */
SZ_EXPORT int32_t sz_last_error(char* buffer, int32_t capacity);

/* Intra-op threads of libtorch for this process; OpenBLAS is pinned to one thread on load. */
SZ_EXPORT int32_t sz_set_num_threads(int32_t threads);
SZ_EXPORT int32_t sz_get_num_threads(int32_t* threads);

/* Toolchain probe: out[m x n] = a[m x k] @ b[k x n] computed by libtorch. */
SZ_EXPORT int32_t sz_probe_matmul(const float* a, const float* b, float* out,
                                  int32_t m, int32_t k, int32_t n);

#ifdef __cplusplus
}
#endif
#endif
