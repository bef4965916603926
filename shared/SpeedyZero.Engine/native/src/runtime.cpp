// Process-wide runtime hygiene: thread counts for libtorch and OpenBLAS, denormals flushed.
#include <dlfcn.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <limits>

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

namespace sz {

// Denormal floats appear in a network after hours of training (tiny gradients and momenta of dead
// units) and each operation on one costs Intel cores a microcode assist: on an Emerald Rapids Xeon
// a float32 MinAtar run's learner fell from ~4 to 1.3 steps/s by its first hour, and the same
// checkpoint ran at 3.5 steps/s with them flushed. Values below 1.2e-38 carry nothing for learning.
void flush_denormals_on_this_thread() {
  thread_local bool flushed = false;
  if (flushed) return;
  flushed = true;
  at::globalContext().setFlushDenormal(true);
}

}  // namespace sz

extern "C" SZ_EXPORT int32_t sz_abi_version(void) { return 7; }

extern "C" SZ_EXPORT int32_t sz_noop(void) { return SZ_OK; }

extern "C" SZ_EXPORT int32_t sz_onednn_reference_convolutions(int64_t* count) {
  return sz::guarded([&] {
    if (count == nullptr) throw sz::invalid_argument("count is null");
    *count = sz::onednn_reference_convolutions();
  });
}

extern "C" SZ_EXPORT int32_t sz_onednn_conv_plans_built(int64_t* count) {
  return sz::guarded([&] {
    if (count == nullptr) throw sz::invalid_argument("count is null");
    *count = sz::onednn_conv_plans_built();
  });
}

extern "C" SZ_EXPORT int32_t sz_cuda_available(int32_t* available) {
  return sz::guarded([&] {
    if (available == nullptr) throw sz::invalid_argument("available is null");
    *available = torch::cuda::is_available() ? 1 : 0;
  });
}

// AVX512_BF16 alone does not make bfloat16 faster: on Intel cores without AMX (or with AMX hidden
// by a VM) its dot products issue at half the rate of float32 FMAs, and a bfloat16 convolution is
// slower than a float32 one (0.5-0.75x on an Emerald Rapids Xeon showing no AMX), where on AMD
// Zen 4 it is 1.5x faster. So precision 'auto' times one convolution of the engine's kind both
// ways before it chooses. Alternated rounds, best of each, so a noisy neighbour slows both;
// constant inputs leave libtorch's RNG alone.
extern "C" SZ_EXPORT int32_t sz_bfloat16_conv_speedup(double* speedup) {
  return sz::guarded([&] {
    if (speedup == nullptr) throw sz::invalid_argument("speedup is null");
    *speedup = 0;
    if (!sz::cpu_has_bfloat16()) return;
    torch::NoGradGuard no_grad;
    const auto x = torch::full({128, 64, 10, 10}, 0.5f);
    const auto w = torch::full({64, 64, 3, 3}, 0.01f);
    const auto xb = x.to(torch::kBFloat16);
    const auto wb = w.to(torch::kBFloat16);
    const auto seconds = [](const torch::Tensor& input, const torch::Tensor& weight) {
      const auto start = std::chrono::steady_clock::now();
      torch::conv2d(input, weight, {}, 1, 1);
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    auto float32 = std::numeric_limits<double>::infinity();
    auto bfloat16 = float32;
    for (int round = 0; round < 6; ++round) {  // the first builds the primitives
      float32 = std::min(float32, seconds(x, w));
      bfloat16 = std::min(bfloat16, seconds(xb, wb));
    }
    *speedup = float32 / bfloat16;
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
