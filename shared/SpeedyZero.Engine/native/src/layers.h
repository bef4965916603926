// Building blocks shared by the network families.
#pragma once
#include <torch/torch.h>

#include <functional>
#include <vector>

#include "onednn.h"

namespace sz {

// conv3x3 - BN - ReLU - conv3x3 - BN, plus the input (strided 3x3 conv when down-sampling), ReLU.
struct ResidualBlockImpl : torch::nn::Module {
  ResidualBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, shortcut{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
};
TORCH_MODULE(ResidualBlock);

// Linear layers with ReLU (after BN, unless batch_norm is false) between them; the last layer
// optionally starts at zero so a fresh head predicts uniform categorical outputs.
struct MlpImpl : torch::nn::Module {
  MlpImpl(int64_t in, const std::vector<int64_t>& hidden, int64_t out, bool zero_last, bool batch_norm = true);
  torch::Tensor forward(torch::Tensor x);

  torch::nn::Sequential layers{nullptr};
};
TORCH_MODULE(Mlp);

// x W^T + b for a 2-D float32 CPU x outside autocast, forward and backward (x W, g^T x, column
// sums), through oneDNN's gemm on all intra-op threads; libtorch's own products go through
// OpenBLAS, which runs one thread (docs/engine-runtime.md). Anything else: torch::linear.
torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias);

// nn::Linear (same parameters, names and folding) whose forward is linear() above.
struct LinearImpl : torch::nn::LinearImpl {
  using torch::nn::LinearImpl::LinearImpl;
  torch::Tensor forward(const torch::Tensor& x) { return linear(x, weight, bias); }
};
TORCH_MODULE(Linear);

// Runs the residual blocks of a stack in order.
torch::Tensor run_blocks(torch::nn::ModuleList& blocks, torch::Tensor x);

// ---- Inference with eval-mode batch normalisation folded into the layer before it ----
// y = gamma (x - mean) / sqrt(var + eps) + beta after a conv or linear layer is the same layer
// with weight * scale and bias * scale + shift (scale = gamma / sqrt(var + eps), shift = beta -
// mean * scale), computed in double from the running statistics. Built from the modules' current
// weights; the owner rebuilds them whenever the weights change.

// Memory layout of the conv families' activations: NHWC ("channels last") lets oneDNN convolve
// without reordering its input and output on every call. The result does not depend on it.
torch::Tensor to_conv_layout(const torch::Tensor& x);
// Whether x is a 4-D tensor already in that layout: N*H*W dense rows of C channels.
bool in_conv_layout(const torch::Tensor& x);
// t with like's strides: t itself where they match, else a copy. The row kernels read a gradient
// as laid out like their saved tensor, which a flattened head's NCHW gradient is not.
torch::Tensor with_strides_of(const torch::Tensor& t, const torch::Tensor& like);

// Folded inference keeps conv activations as oneDNN tensors in oneDNN's blocked layout from the
// first conv to the last (no reorder around every conv; weights reordered once, in fuse()).
// Measured faster than channels-last at batch 256 and slower at 16 (docs/engine-runtime.md):
// from batch 64 up; smaller batches stay dense (channels-last).
constexpr int64_t mkldnn_inference_min_batch = 64;
// Inference batches above that threshold run padded up to a multiple of this many rows. A
// reanalyzer's batches take every size from 64 to 384, and each new size costs oneDNN a set of
// jitted primitives and the engine a set of conv plans: unpadded, they overflow oneDNN's
// primitive cache (1,024) and are rebuilt all run long, holding ~70 MiB more resident memory that
// creeps (docs/engine-runtime.md). Padding costs at most 15 rows of work.
constexpr int64_t inference_row_step = 16;
inline int64_t inference_rows(int64_t batch) {
  return batch <= mkldnn_inference_min_batch ? batch : (batch + inference_row_step - 1) / inference_row_step * inference_row_step;
}
torch::Tensor to_inference_layout(const torch::Tensor& x);  // x: dense [B, C, H, W]
torch::Tensor dense(const torch::Tensor& x);

struct FusedConv {
  torch::Tensor weight, bias;  // bias always defined (zero when neither the conv nor a BN has one)
  torch::Tensor mkldnn_weight;  // the weight reordered for oneDNN (undefined without oneDNN)
  std::vector<int64_t> stride, padding;
  std::shared_ptr<OnednnConvPlans> plans;  // oneDNN primitives per batch size (onednn.h)
  torch::Tensor operator()(const torch::Tensor& x) const;
};
FusedConv fuse(const torch::nn::Conv2d& conv, const torch::nn::BatchNorm2d& bn);  // bn may be null

struct FusedLinear {
  torch::Tensor weight, bias;
  std::shared_ptr<OnednnLinearPlans> plans;  // oneDNN matmul per batch size (onednn.h)
  torch::Tensor operator()(const torch::Tensor& x) const;
};
FusedLinear make_fused_linear(torch::Tensor weight, torch::Tensor bias);
FusedLinear fuse(const torch::nn::Linear& linear, const torch::nn::BatchNorm1d& bn);  // bn may be null

// conv-BN-ReLU-conv-BN + shortcut, ReLU, folded.
struct FusedResidualBlock {
  FusedConv conv1, conv2, shortcut;  // shortcut.weight undefined: identity
  torch::Tensor operator()(const torch::Tensor& x) const;
#ifdef SZ_HAVE_ONEDNN
  // The same through oneDNN: the add and the ReLU run inside conv2. Consumes x (an owned x is
  // overwritten when the shortcut is the identity).
  onednn::Act operator()(onednn::Act x) const;
#endif
};
FusedResidualBlock fuse(ResidualBlockImpl& block);
std::vector<FusedResidualBlock> fuse(torch::nn::ModuleList& blocks);
torch::Tensor run_blocks(const std::vector<FusedResidualBlock>& blocks, torch::Tensor x);
#ifdef SZ_HAVE_ONEDNN
onednn::Act run_blocks(const std::vector<FusedResidualBlock>& blocks, onednn::Act x);
#endif

// A Sequential of Conv2d / Linear (each optionally followed by its BatchNorm), ReLU (the only
// Functional this project puts in a Sequential), ResidualBlock and other modules (run as they
// are, e.g. pooling), folded into steps.
struct FusedSequential {
  std::vector<std::function<torch::Tensor(const torch::Tensor&)>> steps;
  torch::Tensor operator()(torch::Tensor x) const;
#ifdef SZ_HAVE_ONEDNN
  // The same steps through oneDNN (conv + ReLU fused); empty when a step has no oneDNN form.
  std::vector<std::function<onednn::Act(onednn::Act)>> onednn_steps;
  bool has_onednn() const { return !onednn_steps.empty(); }
  onednn::Act operator()(onednn::Act x) const;
#endif
};
FusedSequential fuse(torch::nn::Sequential& sequential);

// Eval-mode BN alone as y = x * scale + shift.
struct FusedAffine {
  torch::Tensor scale, shift;
  torch::Tensor operator()(const torch::Tensor& x) const { return torch::addcmul(shift, x, scale); }
};
FusedAffine fuse(const torch::nn::BatchNorm1d& bn);

// relu(bn(x) + residual) (residual optional) in training: one autograd function with its own
// kernels on CPU float32 rows of channels (a 2-D batch or a channels-last 4-D one), the module's
// running statistics and batch count updated as its forward would; else bn, add and ReLU as they are.
torch::Tensor batch_norm_relu(torch::nn::BatchNorm1dImpl& bn, const torch::Tensor& x, const torch::Tensor& residual = {});
torch::Tensor batch_norm_relu(torch::nn::BatchNorm2dImpl& bn, const torch::Tensor& x, const torch::Tensor& residual = {});
// A Sequential's forward with each batch norm and the ReLU after it as batch_norm_relu.
torch::Tensor run_sequential(torch::nn::Sequential& sequential, torch::Tensor x);

// Scales each latent into [0, 1] per sample (EfficientZero's state normalisation), which keeps
// the dynamics unroll from drifting in scale.
torch::Tensor min_max_normalise(const torch::Tensor& latent);
// The same over raw rows: batch rows of n floats each, src may equal dst.
void min_max_normalise_rows(const float* src, float* dst, int64_t batch, int64_t n);

}  // namespace sz
