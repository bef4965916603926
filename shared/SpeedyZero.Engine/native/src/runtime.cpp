// Process-wide runtime hygiene: thread counts for libtorch and OpenBLAS.
#include <dlfcn.h>
#include <torch/torch.h>

#include "errors.h"
#include "onednn.h"

namespace {

// OpenBLAS keeps its own spinning thread pool; libtorch already parallelises around it, so
// two pools oversubscribe the cores. Pin OpenBLAS to one thread as soon as the library loads.
// (Looked up dynamically: the BLAS behind libtorch may not be OpenBLAS.)
__attribute__((constructor)) void pin_openblas_threads() {
  using set_threads_fn = void (*)(int);
  if (auto fn = reinterpret_cast<set_threads_fn>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    fn(1);
  }
}

}  // namespace

extern "C" SZ_EXPORT int32_t sz_abi_version(void) { return 5; }

extern "C" SZ_EXPORT int32_t sz_noop(void) { return SZ_OK; }

extern "C" SZ_EXPORT int32_t sz_onednn_reference_convolutions(int64_t* count) {
  return sz::guarded([&] {
    if (count == nullptr) throw sz::invalid_argument("count is null");
    *count = sz::onednn_reference_convolutions();
  });
}

extern "C" SZ_EXPORT int32_t sz_cuda_available(int32_t* available) {
  return sz::guarded([&] {
    if (available == nullptr) throw sz::invalid_argument("available is null");
    *available = torch::cuda::is_available() ? 1 : 0;
  });
}

extern "C" SZ_EXPORT int32_t sz_cpu_bfloat16_available(int32_t* available) {
  return sz::guarded([&] {
    if (available == nullptr) throw sz::invalid_argument("available is null");
    *available = sz::cpu_has_bfloat16() ? 1 : 0;
  });
}

extern "C" SZ_EXPORT int32_t sz_set_num_threads(int32_t threads) {
  return sz::guarded([&] {
    if (threads < 1) throw sz::invalid_argument("threads must be >= 1, got " + std::to_string(threads));
    torch::set_num_threads(threads);
  });
}

extern "C" SZ_EXPORT int32_t sz_get_num_threads(int32_t* threads) {
  return sz::guarded([&] {
    if (threads == nullptr) throw sz::invalid_argument("threads is null");
    *threads = torch::get_num_threads();
  });
}
