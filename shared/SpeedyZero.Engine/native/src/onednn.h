// Folded conv inference through oneDNN directly (built when CMake finds oneDNN's headers, which
// defines SZ_HAVE_ONEDNN). ATen's mkldnn_convolution spends ~0.3 ms per call building the
// primitive again; here each folded conv keeps its primitives and reordered weights per batch
// size, and the residual add and ReLU run as the conv's post-ops. Activations stay in oneDNN's
// blocked layout (nChw16c, or nChw8c / plain when 16 does not divide the channels) between the
// first conv and the last; fixed rather than "any", which picked slower NHWC kernels here.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <memory>

#ifdef SZ_HAVE_ONEDNN
#include <oneapi/dnnl/dnnl.hpp>
#endif

namespace sz {

struct FusedConv;
struct OnednnConvPlans;  // per-batch primitives of one folded conv (opaque without oneDNN)
std::shared_ptr<OnednnConvPlans> make_onednn_conv_plans();  // null without oneDNN
struct OnednnLinearPlans;  // per-batch matmul primitives of one folded linear layer
std::shared_ptr<OnednnLinearPlans> make_onednn_linear_plans();  // null without oneDNN

// Whether this build has the oneDNN path (always taken when built, for the batches use_onednn says).
bool onednn_compiled();
// While one is alive on this thread, the conv plans made (make_onednn_conv_plans) compute in
// bfloat16: inputs and weights in bfloat16, outputs and everything between convs float32.
// Model::ensure_fused opens one for engine.precision bfloat16 around folding the network.
class BFloat16ConvPlansScope {
 public:
  explicit BFloat16ConvPlansScope(bool on);
  ~BFloat16ConvPlansScope();
  BFloat16ConvPlansScope(const BFloat16ConvPlansScope&) = delete;
  BFloat16ConvPlansScope& operator=(const BFloat16ConvPlansScope&) = delete;

 private:
  bool previous_;
};

// Whether this CPU has bfloat16 arithmetic (AVX512_BF16 or AMX) by oneDNN's reading; false without oneDNN.
bool cpu_has_bfloat16();
// Conv primitives built on oneDNN's reference kernel in this process (0 when the layouts reach jit).
int64_t onednn_reference_convolutions();
// Conv plans (a primitive and its reordered weights, per layer and batch size) built in this process.
int64_t onednn_conv_plans_built();
// Whether a batch of this dense tensor takes the oneDNN path (CPU float32, batch at or above
// mkldnn_inference_min_batch, oneDNN compiled in).
bool use_onednn(const torch::Tensor& x);

#ifdef SZ_HAVE_ONEDNN
namespace onednn {

// An activation [B, C, H, W] in any oneDNN layout, with the torch storage that owns its bytes.
struct Act {
  dnnl::memory mem;
  torch::Tensor storage;
  bool owned = false;  // the bytes belong to this activation alone and may be overwritten
  int64_t dim(int i) const { return mem.get_desc().dims()[i]; }
};

// A contiguous NCHW float tensor, not copied; owned says whether it may be overwritten.
Act wrap(const torch::Tensor& x, bool owned = false);
torch::Tensor to_dense(const Act& x);  // a new contiguous NCHW tensor (or x's own, when it is one)
// x in the layout the conv reads (with ReLU post-op), reordered once for several consumers.
Act prepare(const FusedConv& c, const Act& x);

Act conv(const FusedConv& c, const Act& x, bool relu);
// acc = relu(conv(x) + acc): the residual add and ReLU as the conv's post-ops, in place when acc
// is owned and already in the conv's output layout.
Act conv_add_relu(const FusedConv& c, const Act& x, Act acc);
// A new owned activation in x's layout: out[b] = x[b] + scale[b] * m, m dense [1, C, H, W],
// scale float [B] (the dynamics conv's action term plus its residual).
Act add_scaled(const Act& x, const torch::Tensor& scale, const torch::Tensor& m);
// x [M, K] W^T + bias through oneDNN's matmul (weights packed once per batch size); x contiguous
// float CPU, weight [N, K] contiguous.
torch::Tensor linear(OnednnLinearPlans& plans, const torch::Tensor& x, const torch::Tensor& weight,
                     const torch::Tensor& bias);
// min_max_normalise (layers.h) per sample, in place when x is owned.
Act min_max_normalise(Act x);
// AvgPool2d(kernel, stride, padding), count_include_pad, floor mode.
Act avg_pool(const Act& x, int64_t kernel, int64_t stride, int64_t padding);

}  // namespace onednn
#endif

}  // namespace sz
