// Grid and image observations: a conv latent [channels, h, w]. Grid keeps the board size;
// image down-samples by 16 (stride-2 conv, stride-2 residual block, two stride-2 average pools).
#include "layers.h"
#include "trunk.h"

namespace sz {
namespace {

namespace nn = torch::nn;

nn::Sequential head_reduction(int64_t channels, int64_t head_channels) {
  return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(channels, head_channels, 1).bias(false)),
                        nn::BatchNorm2d(head_channels), nn::Functional(torch::relu));
}

nn::ModuleList residual_stack(int64_t channels, int64_t blocks) {
  nn::ModuleList list;
  for (int64_t i = 0; i < blocks; i++) list->push_back(ResidualBlock(channels, channels, 1));
  return list;
}

struct ConvTrunk : Trunk {
  explicit ConvTrunk(const Config& c) : obs_shape_(c.obs_shape), actions_(c.action_count) {
    const auto in = c.obs_shape[0], ch = c.channels;
    if (c.obs_kind == ObsKind::image) {
      const auto half = std::max<int64_t>(ch / 2, 1);
      stem = register_module("stem", nn::Sequential(
          nn::Conv2d(nn::Conv2dOptions(in, half, 3).stride(2).padding(1).bias(false)),
          nn::BatchNorm2d(half), nn::Functional(torch::relu),
          ResidualBlock(half, half, 1), ResidualBlock(half, ch, 2),
          nn::AvgPool2d(nn::AvgPool2dOptions(3).stride(2).padding(1)),
          ResidualBlock(ch, ch, 1),
          nn::AvgPool2d(nn::AvgPool2dOptions(3).stride(2).padding(1))));
    } else {
      stem = register_module("stem", nn::Sequential(
          nn::Conv2d(nn::Conv2dOptions(in, ch, 3).padding(1).bias(false)),
          nn::BatchNorm2d(ch), nn::Functional(torch::relu)));
    }
    representation_blocks = register_module("representation_blocks", residual_stack(ch, c.blocks));
    dynamics_conv = register_module("dynamics_conv", nn::Conv2d(nn::Conv2dOptions(ch + 1, ch, 3).padding(1).bias(false)));
    dynamics_bn = register_module("dynamics_bn", nn::BatchNorm2d(ch));
    dynamics_blocks = register_module("dynamics_blocks", residual_stack(ch, c.blocks));
    reward_reduction = register_module("reward_reduction", head_reduction(ch, c.head_channels));
    prediction_blocks = register_module("prediction_blocks", residual_stack(ch, c.blocks));
    value_reduction = register_module("value_reduction", head_reduction(ch, c.head_channels));
    policy_reduction = register_module("policy_reduction", head_reduction(ch, c.head_channels));

    // The latent size follows from the stem; one dummy pass measures it.
    torch::NoGradGuard no_grad;
    eval();
    const auto probe = stem->forward(torch::zeros({1, in, c.obs_shape[1], c.obs_shape[2]}));
    train();
    latent_shape = {ch, probe.size(2), probe.size(3)};
    latent_size = ch * probe.size(2) * probe.size(3);
    const auto plane = probe.size(2) * probe.size(3);
    reward_feature_size = value_feature_size = policy_feature_size = c.head_channels * plane;
  }

  torch::Tensor observation_planes(const torch::Tensor& observations) const {
    return to_conv_layout(observations.view({observations.size(0), obs_shape_[0], obs_shape_[1], obs_shape_[2]}));
  }

  torch::Tensor represent(const torch::Tensor& observations) override {
    return run_blocks(representation_blocks, run_sequential(stem, observation_planes(observations)));
  }

  // The latent with the action appended as a constant plane a / |A|.
  torch::Tensor with_action_plane(const torch::Tensor& latent, const torch::Tensor& actions) const {
    const auto b = latent.size(0), c = latent.size(1), h = latent.size(2), w = latent.size(3);
    const auto plane = (actions.to(latent.dtype()) / static_cast<double>(actions_)).view({-1, 1, 1, 1}).expand({b, 1, h, w});
    auto x = torch::empty({b, c + 1, h, w}, latent.options().memory_format(torch::MemoryFormat::ChannelsLast));
    x.narrow(1, 0, c).copy_(latent);
    x.narrow(1, c, 1).copy_(plane);
    return x;
  }

  torch::Tensor dynamics(const torch::Tensor& latent_in, const torch::Tensor& actions) override {
    const auto latent = to_conv_layout(latent_in);
    return run_blocks(dynamics_blocks, batch_norm_relu(*dynamics_bn, dynamics_conv(with_action_plane(latent, actions)), latent));
  }

  void fuse() override {
    stem_f = sz::fuse(stem);
    representation_f = sz::fuse(representation_blocks);
    dynamics_f = sz::fuse(dynamics_conv, dynamics_bn);
    dynamics_blocks_f = sz::fuse(dynamics_blocks);
    reward_f = sz::fuse(reward_reduction);
    prediction_blocks_f = sz::fuse(prediction_blocks);
    value_f = sz::fuse(value_reduction);
    policy_f = sz::fuse(policy_reduction);
    // The dynamics conv over [latent, a/|A| plane] is a conv over the latent plus a/|A| times the
    // action channel's response to a plane of ones (border-aware: the zero padding), precomputed.
    torch::NoGradGuard no_grad;
    const auto ch = latent_shape[0];
    dynamics_latent_f = dynamics_f;
    dynamics_latent_f.weight = dynamics_f.weight.narrow(1, 0, ch).contiguous();
    dynamics_latent_f.plans = make_onednn_conv_plans();
    action_response_ = torch::conv2d(torch::ones({1, 1, latent_shape[1], latent_shape[2]}, dynamics_f.weight.options()),
                                     dynamics_f.weight.narrow(1, ch, 1).contiguous(), {}, dynamics_f.stride,
                                     dynamics_f.padding);
#ifdef SZ_HAVE_ONEDNN
    const auto blocks_ready = [](const std::vector<FusedResidualBlock>& blocks) {
      for (const auto& b : blocks) {
        if (!b.conv1.plans || !b.conv2.plans || (b.shortcut.weight.defined() && !b.shortcut.plans)) return false;
      }
      return true;
    };
    onednn_ready_ = stem_f.has_onednn() && reward_f.has_onednn() && value_f.has_onednn() && policy_f.has_onednn() &&
                    dynamics_latent_f.plans && blocks_ready(representation_f) && blocks_ready(dynamics_blocks_f) &&
                    blocks_ready(prediction_blocks_f);
#endif
  }

  bool onednn_path(const torch::Tensor& x) const { return onednn_ready_ && use_onednn(x); }

  // The folded path: activations in the inference layout (layers.h) between the first conv and
  // the last; latents and head features come back dense.
  torch::Tensor represent_fused(const torch::Tensor& observations) override {
    const auto x = observations.view({observations.size(0), obs_shape_[0], obs_shape_[1], obs_shape_[2]});
#ifdef SZ_HAVE_ONEDNN
    if (onednn_path(x)) return onednn::to_dense(run_blocks(representation_f, stem_f(onednn::wrap(x.contiguous()))));
#endif
    return dense(run_blocks(representation_f, stem_f(to_inference_layout(x))));
  }

  torch::Tensor dynamics_fused(const torch::Tensor& latent_in, const torch::Tensor& actions) override {
    const auto b = latent_in.size(0), h = latent_in.size(2), w = latent_in.size(3);
    const auto scaled_actions = (actions.to(latent_in.dtype()) / static_cast<double>(actions_)).view({-1, 1, 1, 1});
#ifdef SZ_HAVE_ONEDNN
    if (onednn_path(latent_in)) return onednn::to_dense(onednn_dynamics(latent_in, actions));
#endif
    const auto plane = scaled_actions.expand({b, 1, h, w});
    const auto latent = to_inference_layout(latent_in.contiguous());
    auto x = dynamics_f(to_inference_layout(torch::cat({latent_in, plane}, 1)));
    x.add_(latent).relu_();
    return dense(run_blocks(dynamics_blocks_f, x));
  }

#ifdef SZ_HAVE_ONEDNN
  // relu(conv(latent) + a/|A| * action response + latent): the conv accumulates into the
  // residual (plus the action term) and applies the ReLU; then the dynamics blocks.
  onednn::Act onednn_dynamics(const torch::Tensor& latent_in, const torch::Tensor& actions) const {
    const auto scaled_actions = actions.to(torch::kFloat32) / static_cast<double>(actions_);
    const auto latent = onednn::prepare(dynamics_latent_f, onednn::wrap(latent_in.contiguous()));
    auto acc = onednn::add_scaled(latent, scaled_actions, action_response_);
    return run_blocks(dynamics_blocks_f, onednn::conv_add_relu(dynamics_latent_f, latent, std::move(acc)));
  }

  // The latent reordered once into the convs' layout, read by the reward and prediction convs.
  onednn::Act onednn_latent(const torch::Tensor& latent) const {
    const auto x = onednn::wrap(latent.contiguous());
    return prediction_blocks_f.empty() ? x : onednn::prepare(prediction_blocks_f.front().conv1, x);
  }

  std::pair<torch::Tensor, torch::Tensor> onednn_prediction(onednn::Act x) const {
    x = run_blocks(prediction_blocks_f, std::move(x));
    return {onednn::to_dense(value_f(x)).flatten(1), onednn::to_dense(policy_f(x)).flatten(1)};
  }
#endif

  // On the oneDNN path the latent is normalised in the convs' layout, copied out once (the
  // latent output) and read by the heads' convs as it is.
  std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> initial_features_fused(const torch::Tensor& observations) override {
#ifdef SZ_HAVE_ONEDNN
    const auto x = observations.view({observations.size(0), obs_shape_[0], obs_shape_[1], obs_shape_[2]});
    if (onednn_path(x)) {
      auto latent = onednn::min_max_normalise(run_blocks(representation_f, stem_f(onednn::wrap(x.contiguous()))));
      auto dense_latent = onednn::to_dense(latent);
      auto [value, policy] = onednn_prediction(std::move(latent));
      return {dense_latent, value, policy};
    }
#endif
    return Trunk::initial_features_fused(observations);
  }

  std::tuple<torch::Tensor, torch::Tensor, torch::Tensor, torch::Tensor> recurrent_features_fused(
      const torch::Tensor& latent, const torch::Tensor& actions) override {
#ifdef SZ_HAVE_ONEDNN
    if (onednn_path(latent)) {
      auto next = onednn::min_max_normalise(onednn_dynamics(latent, actions));
      auto dense_next = onednn::to_dense(next);
      auto reward = onednn::to_dense(reward_f(next)).flatten(1);  // before the blocks overwrite next
      auto [value, policy] = onednn_prediction(std::move(next));
      return {dense_next, reward, value, policy};
    }
#endif
    return Trunk::recurrent_features_fused(latent, actions);
  }

  torch::Tensor reward_features_fused(const torch::Tensor& latent) override {
    return dense(reward_f(to_inference_layout(latent))).flatten(1);
  }

  std::pair<torch::Tensor, torch::Tensor> prediction_features_fused(const torch::Tensor& latent) override {
#ifdef SZ_HAVE_ONEDNN
    if (onednn_path(latent)) return onednn_prediction(onednn_latent(latent));
#endif
    const auto x = run_blocks(prediction_blocks_f, to_inference_layout(latent));
    return {dense(value_f(x)).flatten(1), dense(policy_f(x)).flatten(1)};
  }

  torch::Tensor reward_features(const torch::Tensor& latent) override {
    return run_sequential(reward_reduction, latent).flatten(1);
  }

  std::pair<torch::Tensor, torch::Tensor> prediction_features(const torch::Tensor& latent) override {
    const auto x = run_blocks(prediction_blocks, latent);
    return {run_sequential(value_reduction, x).flatten(1), run_sequential(policy_reduction, x).flatten(1)};
  }

  std::vector<int64_t> obs_shape_;
  int64_t actions_;
  nn::Sequential stem{nullptr}, reward_reduction{nullptr}, value_reduction{nullptr}, policy_reduction{nullptr};
  nn::ModuleList representation_blocks{nullptr}, dynamics_blocks{nullptr}, prediction_blocks{nullptr};
  nn::Conv2d dynamics_conv{nullptr};
  nn::BatchNorm2d dynamics_bn{nullptr};

  // The folded inference path (fuse()).
  FusedSequential stem_f, reward_f, value_f, policy_f;
  std::vector<FusedResidualBlock> representation_f, dynamics_blocks_f, prediction_blocks_f;
  FusedConv dynamics_f;
  // The oneDNN path (onednn.h): the dynamics conv over the latent channels only, and the action
  // channel's response to a plane of ones [1, C, H, W].
  FusedConv dynamics_latent_f;
  torch::Tensor action_response_;
  bool onednn_ready_ = false;
};

}  // namespace

std::shared_ptr<Trunk> make_conv_trunk(const Config& config) { return std::make_shared<ConvTrunk>(config); }

}  // namespace sz
