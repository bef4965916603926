#include "onednn.h"

#include <atomic>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <ATen/Parallel.h>

#include "layers.h"

namespace sz {

namespace {
std::atomic<int64_t> reference_convolutions{0};
std::atomic<int64_t> conv_plans_built{0};
thread_local bool bfloat16_plans = false;
}  // namespace

BFloat16ConvPlansScope::BFloat16ConvPlansScope(bool on) : previous_(bfloat16_plans) { bfloat16_plans = on; }
BFloat16ConvPlansScope::~BFloat16ConvPlansScope() { bfloat16_plans = previous_; }

int64_t onednn_reference_convolutions() { return reference_convolutions.load(); }
int64_t onednn_conv_plans_built() { return conv_plans_built.load(); }

#ifdef SZ_HAVE_ONEDNN
bool onednn_compiled() { return true; }
bool cpu_has_bfloat16() {
  // cpu_isa values are bit masks, each one containing the ISAs below it.
  const auto isa = static_cast<unsigned>(dnnl::get_effective_cpu_isa());
  const auto bf16 = static_cast<unsigned>(dnnl::cpu_isa::avx512_core_bf16);
  return (isa & bf16) == bf16;
}
#else
bool onednn_compiled() { return false; }
bool cpu_has_bfloat16() { return false; }
std::shared_ptr<OnednnConvPlans> make_onednn_conv_plans() { return nullptr; }
std::shared_ptr<OnednnLinearPlans> make_onednn_linear_plans() { return nullptr; }
#endif

bool use_onednn(const torch::Tensor& x) {
  return onednn_compiled() && x.dim() == 4 && x.size(0) >= mkldnn_inference_min_batch && x.device().is_cpu() &&
         x.scalar_type() == torch::kFloat32;
}

#ifdef SZ_HAVE_ONEDNN

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

// What a conv primitive does after the convolution: nothing, ReLU, or add the destination's
// contents (the residual) and then ReLU.
enum class PostOps { none, relu, add_relu };

struct OnednnConvPlans {
  struct Plan {
    int64_t batch, height, width;
    PostOps post_ops;
    dnnl::convolution_forward::primitive_desc pd;
    dnnl::convolution_forward prim;
    memory weights, bias;
    torch::Tensor weights_storage, bias_storage;
  };
  bool bfloat16 = false;  // inputs and weights in bfloat16 (engine.precision), outputs float32
  std::mutex mutex;
  std::vector<Plan> plans;  // a handful: one per (batch size, post-ops) seen
};

std::shared_ptr<OnednnConvPlans> make_onednn_conv_plans() {
  auto plans = std::make_shared<OnednnConvPlans>();
  plans->bfloat16 = bfloat16_plans;
  return plans;
}

struct OnednnLinearPlans {
  struct Plan {
    int64_t rows;
    dnnl::matmul::primitive_desc pd;
    dnnl::matmul prim;
    memory weights, bias;
    torch::Tensor weights_storage, bias_storage;
  };
  std::mutex mutex;
  std::vector<Plan> plans;
};

std::shared_ptr<OnednnLinearPlans> make_onednn_linear_plans() { return std::make_shared<OnednnLinearPlans>(); }

namespace onednn {
namespace {

const dnnl::engine& engine() {
  static const dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

dnnl::stream& stream() {
  thread_local dnnl::stream s(engine());
  return s;
}

// The channel block of oneDNN's direct jit convs on this CPU: 16 floats (a zmm register) with
// AVX-512, 8 (a ymm or two xmm) below it. A block the CPU's kernels do not take leaves only the
// reference conv, over 1000x slower (6.6 s against 4.8 ms for a batch-256 3x3 conv on an AVX2 machine).
int64_t channel_block() {
  static const int64_t block = [] {
    const auto isa = static_cast<unsigned>(dnnl::get_effective_cpu_isa());
    const auto avx512 = static_cast<unsigned>(dnnl::cpu_isa::avx512_core);
    return (isa & avx512) == avx512 ? int64_t{16} : int64_t{8};
  }();
  return block;
}

// Activation layout: oneDNN's blocked nChw16c on AVX-512, nChw8c below (plain NCHW for channel
// counts the block does not divide). With format "any", oneDNN 2.6 picks NHWC and its brgconv
// kernels on AVX-512, measured slower than the blocked jit kernels (docs/engine-runtime.md).
tag activation_tag(int64_t channels) {
  if (channel_block() == 16 && channels % 16 == 0) return tag::aBcd16b;
  return channels % 8 == 0 ? tag::aBcd8b : tag::abcd;
}

bool is_reference(const dnnl::primitive_desc_base& pd) { return std::string(pd.impl_info_str()).rfind("ref", 0) == 0; }

memory::dims dims4(int64_t b, int64_t c, int64_t h, int64_t w) { return {b, c, h, w}; }

// Float storage for a oneDNN memory of this many bytes (a bfloat16 one may hold an odd number of halves).
torch::Tensor storage_for(size_t bytes) {
  return torch::empty({static_cast<int64_t>((bytes + sizeof(float) - 1) / sizeof(float))}, torch::kFloat32);
}

// New owned activation in this layout, its bytes from torch's allocator.
Act allocate(const memory::desc& desc) {
  Act a;
  a.storage = storage_for(desc.get_size());
  a.mem = memory(desc, engine(), a.storage.data_ptr());
  a.owned = true;
  return a;
}

// Reorder primitives, cached by (source, destination) layout.
void reorder(const memory& from, const memory& to) {
  static std::mutex mutex;
  static std::vector<std::pair<std::pair<memory::desc, memory::desc>, dnnl::reorder>> cache;
  dnnl::reorder r;
  {
    std::lock_guard<std::mutex> lock(mutex);
    const auto src = from.get_desc(), dst = to.get_desc();
    for (const auto& entry : cache) {
      if (entry.first.first == src && entry.first.second == dst) {
        r = entry.second;
        break;
      }
    }
    if (!r) {
      r = dnnl::reorder(dnnl::reorder::primitive_desc(engine(), src, engine(), dst));
      if (cache.size() >= 64) cache.erase(cache.begin());
      cache.push_back({{src, dst}, r});
    }
  }
  r.execute(stream(), const_cast<memory&>(from), const_cast<memory&>(to));
  stream().wait();
}

Act in_layout(const Act& x, const memory::desc& desc) {
  if (x.mem.get_desc() == desc) return x;
  auto out = allocate(desc);
  reorder(x.mem, out.mem);
  return out;
}

const OnednnConvPlans::Plan& plan(const FusedConv& c, const Act& x, PostOps post_ops) {
  auto& plans = *c.plans;
  const auto b = x.dim(0), h = x.dim(2), w = x.dim(3);
  std::lock_guard<std::mutex> lock(plans.mutex);
  for (const auto& p : plans.plans) {
    if (p.batch == b && p.height == h && p.width == w && p.post_ops == post_ops) return p;
  }
  const auto weight = c.weight.contiguous();
  const auto out_c = weight.size(0), in_c = weight.size(1), kh = weight.size(2), kw = weight.size(3);
  if (x.dim(1) != in_c) throw std::logic_error("onednn conv: input channels do not match the weights");
  const int64_t sh = c.stride[0], sw = c.stride[1], ph = c.padding[0], pw = c.padding[1];
  const auto oh = (h + 2 * ph - kh) / sh + 1, ow = (w + 2 * pw - kw) / sw + 1;
  const auto input_type = plans.bfloat16 ? dt::bf16 : dt::f32;
  const memory::desc w_any(dims4(out_c, in_c, kh, kw), input_type, tag::any);
  const memory::desc bias_md({out_c}, dt::f32, tag::x);
  dnnl::post_ops ops;
  if (post_ops == PostOps::add_relu) ops.append_sum(1.f);
  if (post_ops != PostOps::none) ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  const auto describe = [&](tag src, tag dst) {
    const dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                            memory::desc(dims4(b, in_c, h, w), input_type, src), w_any, bias_md,
                                            memory::desc(dims4(b, out_c, oh, ow), dt::f32, dst), {sh, sw}, {ph, pw}, {ph, pw});
    return dnnl::convolution_forward::primitive_desc(d, attr, engine());
  };
  auto pd = describe(activation_tag(in_c), activation_tag(out_c));
  // No jit kernel takes the fixed layout on this CPU: let oneDNN choose the activations' layout
  // (in_layout reorders between convs that disagree).
  if (is_reference(pd)) pd = describe(tag::any, tag::any);
  if (is_reference(pd)) reference_convolutions++;
  conv_plans_built++;
  OnednnConvPlans::Plan p{b, h, w, post_ops, pd, {}, {}, {}, {}, {}};
  p.prim = dnnl::convolution_forward(p.pd);
  // Weights reordered once into the primitive's layout; bias used as it is.
  const memory plain_w({dims4(out_c, in_c, kh, kw), dt::f32, tag::oihw}, engine(), weight.data_ptr());
  p.weights_storage = storage_for(p.pd.weights_desc().get_size());
  p.weights = memory(p.pd.weights_desc(), engine(), p.weights_storage.data_ptr());
  reorder(plain_w, p.weights);
  p.bias_storage = c.bias.contiguous();
  p.bias = memory(bias_md, engine(), p.bias_storage.data_ptr());
  if (plans.plans.size() >= 16) plans.plans.erase(plans.plans.begin());
  plans.plans.push_back(std::move(p));
  return plans.plans.back();
}

void run(const OnednnConvPlans::Plan& p, const Act& src, const Act& dst) {
  const_cast<dnnl::convolution_forward&>(p.prim).execute(stream(), {{DNNL_ARG_SRC, src.mem},
                                                                     {DNNL_ARG_WEIGHTS, p.weights},
                                                                     {DNNL_ARG_BIAS, p.bias},
                                                                     {DNNL_ARG_DST, dst.mem}});
  stream().wait();
}

}  // namespace

Act wrap(const torch::Tensor& x, bool owned) {
  if (!x.is_contiguous() || x.dim() != 4 || x.scalar_type() != torch::kFloat32) {
    throw std::logic_error("onednn wrap: expects a contiguous NCHW float tensor");
  }
  Act a;
  a.storage = x;
  a.mem = memory({dims4(x.size(0), x.size(1), x.size(2), x.size(3)), dt::f32, tag::nchw}, engine(), x.data_ptr());
  a.owned = owned;
  return a;
}

torch::Tensor to_dense(const Act& x) {
  const auto b = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
  const memory::desc plain(dims4(b, c, h, w), dt::f32, tag::nchw);
  if (x.mem.get_desc() == plain && x.storage.numel() == b * c * h * w) return x.storage.view({b, c, h, w});
  auto out = torch::empty({b, c, h, w}, torch::kFloat32);
  const memory dst(plain, engine(), out.data_ptr());
  reorder(x.mem, dst);
  return out;
}

Act prepare(const FusedConv& c, const Act& x) {
  const auto src = plan(c, x, PostOps::relu).pd.src_desc();
  if (src.data_type() == dt::f32) return in_layout(x, src);
  // A bfloat16 conv reads a bfloat16 copy made per call; its other consumers (add_scaled, the
  // residual) get x in float32, in the activations' layout.
  return in_layout(x, memory::desc(src.dims(), dt::f32, activation_tag(x.dim(1))));
}

Act conv(const FusedConv& c, const Act& x, bool relu) {
  const auto& p = plan(c, x, relu ? PostOps::relu : PostOps::none);
  const auto src = in_layout(x, p.pd.src_desc());
  auto dst = allocate(p.pd.dst_desc());
  run(p, src, dst);
  return dst;
}

Act conv_add_relu(const FusedConv& c, const Act& x, Act acc) {
  const auto& p = plan(c, x, PostOps::add_relu);
  const auto src = in_layout(x, p.pd.src_desc());
  if (!acc.owned || acc.mem.get_desc() != p.pd.dst_desc()) {
    auto copy = allocate(p.pd.dst_desc());
    reorder(acc.mem, copy.mem);
    acc = std::move(copy);
  }
  run(p, src, acc);
  return acc;
}

torch::Tensor linear(OnednnLinearPlans& plans, const torch::Tensor& x, const torch::Tensor& weight,
                     const torch::Tensor& bias) {
  const int64_t m = x.size(0), k = x.size(1), n = weight.size(0);
  const OnednnLinearPlans::Plan* p = nullptr;
  {
    std::lock_guard<std::mutex> lock(plans.mutex);
    for (const auto& candidate : plans.plans) {
      if (candidate.rows == m) p = &candidate;
    }
    if (p == nullptr) {
      const memory::desc src_md({m, k}, dt::f32, tag::ab), w_any({k, n}, dt::f32, tag::any),
          bias_md({1, n}, dt::f32, tag::ab), dst_md({m, n}, dt::f32, tag::ab);
      OnednnLinearPlans::Plan plan{m, dnnl::matmul::primitive_desc(dnnl::matmul::desc(src_md, w_any, bias_md, dst_md), engine()),
                                   {}, {}, {}, {}, {}};
      plan.prim = dnnl::matmul(plan.pd);
      const auto w = weight.contiguous();
      const memory plain_w({{k, n}, dt::f32, tag::ba}, engine(), w.data_ptr());  // W [N, K] row-major is W^T "ba"
      plan.weights_storage = torch::empty({static_cast<int64_t>(plan.pd.weights_desc().get_size() / sizeof(float))}, torch::kFloat32);
      plan.weights = memory(plan.pd.weights_desc(), engine(), plan.weights_storage.data_ptr());
      reorder(plain_w, plan.weights);
      plan.bias_storage = bias.contiguous();
      plan.bias = memory(bias_md, engine(), plan.bias_storage.data_ptr());
      if (plans.plans.size() >= 16) plans.plans.erase(plans.plans.begin());
      plans.plans.push_back(std::move(plan));
      p = &plans.plans.back();
    }
  }
  const auto input = x.contiguous();
  auto out = torch::empty({m, n}, torch::kFloat32);
  const memory src(p->pd.src_desc(), engine(), input.data_ptr()), dst(p->pd.dst_desc(), engine(), out.data_ptr());
  const_cast<dnnl::matmul&>(p->prim).execute(stream(), {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, p->weights},
                                                        {DNNL_ARG_BIAS, p->bias}, {DNNL_ARG_DST, dst}});
  stream().wait();
  return out;
}

// Whether x is in activation_tag's layout without padding: every sample then is one contiguous
// run of C*H*W floats, laid out alike.
bool samples_contiguous(const Act& x) {
  const auto b = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
  const auto desc = x.mem.get_desc();
  return desc == memory::desc(dims4(b, c, h, w), dt::f32, activation_tag(c)) &&
         desc.get_size() == static_cast<size_t>(b * c * h * w) * sizeof(float);
}

Act min_max_normalise(Act x) {
  if (!samples_contiguous(x)) return wrap(sz::min_max_normalise(to_dense(x)), /*owned=*/true);
  if (!x.owned) {
    auto copy = allocate(x.mem.get_desc());
    reorder(x.mem, copy.mem);
    x = std::move(copy);
  }
  auto* data = static_cast<float*>(x.mem.get_data_handle());
  const auto b = x.dim(0);
  min_max_normalise_rows(data, data, b, x.dim(1) * x.dim(2) * x.dim(3));
  return x;
}

Act add_scaled(const Act& x, const torch::Tensor& scale, const torch::Tensor& m) {
  const auto b = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
  const auto per_sample = c * h * w;
  const auto t = activation_tag(c);
  const auto s = scale.to(torch::kFloat32).contiguous();
  if (!samples_contiguous(x)) {
    auto y = torch::addcmul(to_dense(x), s.view({b, 1, 1, 1}), m);
    return wrap(y, /*owned=*/true);
  }
  // Samples are contiguous and laid out alike: m reordered once into one sample's layout.
  auto m_layout = allocate(memory::desc(dims4(1, c, h, w), dt::f32, t));
  reorder(wrap(m.contiguous()).mem, m_layout.mem);
  auto out = allocate(x.mem.get_desc());
  const auto* src = static_cast<const float*>(x.mem.get_data_handle());
  const auto* mv = static_cast<const float*>(m_layout.mem.get_data_handle());
  const auto* sv = s.data_ptr<float>();
  auto* dst = static_cast<float*>(out.mem.get_data_handle());
  at::parallel_for(0, b, 8, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i++) {
      const float k = sv[i];
      const float* xi = src + i * per_sample;
      float* yi = dst + i * per_sample;
      for (int64_t j = 0; j < per_sample; j++) yi[j] = xi[j] + k * mv[j];
    }
  });
  return out;
}

Act avg_pool(const Act& x, int64_t kernel, int64_t stride, int64_t padding) {
  const auto b = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
  const auto oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1;
  const auto rh = (oh - 1) * stride + kernel - h - padding, rw = (ow - 1) * stride + kernel - w - padding;
  if (rh < 0 || rw < 0 || rh > padding || rw > padding) {
    // Windows that oneDNN would count differently from PyTorch: run PyTorch's.
    const auto y = torch::avg_pool2d(to_dense(x), {kernel, kernel}, {stride, stride}, {padding, padding}, false, true);
    return wrap(y.contiguous());
  }
  // Few shapes per model: the primitive is rebuilt per call (pooling is cheap next to convs).
  const dnnl::pooling_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::pooling_avg_include_padding,
                                      x.mem.get_desc(), memory::desc(dims4(b, c, oh, ow), dt::f32, tag::any),
                                      {stride, stride}, {kernel, kernel}, {padding, padding}, {rh, rw});
  const dnnl::pooling_forward::primitive_desc pd(d, engine());
  auto dst = allocate(pd.dst_desc());
  dnnl::pooling_forward(pd).execute(stream(), {{DNNL_ARG_SRC, x.mem}, {DNNL_ARG_DST, dst.mem}});
  stream().wait();
  return dst;
}

}  // namespace onednn

#endif

}  // namespace sz
