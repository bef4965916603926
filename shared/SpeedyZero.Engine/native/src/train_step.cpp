// The EfficientZero training step (ALGORITHM.md section 2), top to bottom in one place.
#include <ATen/autocast_mode.h>

#include <limits>
#include <optional>

#include "errors.h"
#include "model.h"
#include "support.h"

namespace sz {
namespace {

// Losses are computed in float32 whatever precision the layers ran in.
torch::Tensor cross_entropy(const torch::Tensor& logits, const torch::Tensor& target) {
  return -(target * torch::log_softmax(logits.to(torch::kFloat32), 1)).sum(1);
}

// bfloat16 training: libtorch's CPU autocast runs convolutions and matrix products in bfloat16
// for the forward pass (and so the backward pass); parameters and their gradients stay float32.
class BFloat16Autocast {
 public:
  BFloat16Autocast() : previous_enabled_(at::autocast::is_cpu_enabled()), previous_dtype_(at::autocast::get_autocast_cpu_dtype()) {
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    at::autocast::set_cpu_enabled(true);
    at::autocast::increment_nesting();
  }
  ~BFloat16Autocast() {
    // The weights cast to bfloat16 are cached for one step only: they change with every step.
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    at::autocast::set_cpu_enabled(previous_enabled_);
    at::autocast::set_autocast_cpu_dtype(previous_dtype_);
  }
  BFloat16Autocast(const BFloat16Autocast&) = delete;
  BFloat16Autocast& operator=(const BFloat16Autocast&) = delete;

 private:
  bool previous_enabled_;
  at::ScalarType previous_dtype_;
};

// Forward: x itself (a view, no pass over it); backward: the gradient times `scale`. The
// tensor-op form x * scale + x.detach() * (1 - scale) makes three passes forward.
struct ScaleGradient : torch::autograd::Function<ScaleGradient> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, double scale) {
    ctx->saved_data["scale"] = scale;
    return x.view_as(x);
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    return {grads[0] * ctx->saved_data["scale"].toDouble(), torch::Tensor()};
  }
};

torch::Tensor scale_gradient(const torch::Tensor& x, double scale) { return ScaleGradient::apply(x, scale); }

}  // namespace

sz_train_result Model::train_step(const sz_train_batch& b, float* priorities, int64_t priorities_length) {
  const int64_t batch = b.batch, k_steps = config_.unroll, actions_n = config_.action_count, obs_n = config_.obs_size();
  if (batch < 2) throw invalid_argument("a training batch needs at least 2 samples (batch normalisation), got " + std::to_string(batch));

  // Inputs: views of the caller's buffers, lengths checked.
  const auto obs = input(b.observations, b.observations_length, batch, (k_steps + 1) * obs_n, "observations")
                       .view({batch, k_steps + 1, obs_n});
  if (b.actions == nullptr) throw invalid_argument("actions is null");
  check_length("actions", b.actions_length, batch * k_steps);
  for (int64_t i = 0; i < batch * k_steps; i++) {
    if (b.actions[i] < 0 || b.actions[i] >= actions_n) {
      throw invalid_argument("action " + std::to_string(b.actions[i]) + " at " + std::to_string(i) + " is outside [0, " +
                             std::to_string(actions_n) + ")");
    }
  }
  const auto actions = torch::from_blob(const_cast<int32_t*>(b.actions), {batch, k_steps}, torch::kInt32).to(device_, torch::kLong);
  const auto masks = input(b.masks, b.masks_length, batch, k_steps + 1, "masks");
  const auto target_value_prefix = input(b.target_value_prefix, b.target_value_prefix_length, batch, k_steps, "target value prefix");
  const auto target_value = input(b.target_value, b.target_value_length, batch, k_steps + 1, "target value");
  const auto target_policy = input(b.target_policy, b.target_policy_length, batch, (k_steps + 1) * actions_n, "target policy")
                                 .view({batch, k_steps + 1, actions_n});
  const auto weights = input(b.weights, b.weights_length, batch, 1, "weights").view({batch});
  if (priorities == nullptr) throw invalid_argument("priorities is null");
  check_length("priorities", priorities_length, batch);

  set_training(true);
  weights_changed();
  std::optional<BFloat16Autocast> autocast;  // the forward pass and the losses; not the backward pass
  if (config_.precision == Precision::bfloat16) autocast.emplace();
  auto first = obs.select(1, 0);
  auto later = obs.narrow(1, 1, k_steps).reshape({batch * k_steps, obs_n});
  if (config_.augment) {
    first = augment(first);
    later = augment(later);
  }

  // Consistency targets: projections of the real later observations, without gradient.
  torch::Tensor target_projection;
  {
    torch::NoGradGuard no_grad;
    target_projection = network_->project(network_->represent(later)).view({batch, k_steps, -1});
  }
  // Autocast caches each weight's bfloat16 cast for the step; a cast made without gradient has no
  // autograd history, and the forward below would reuse it: the representation and projection
  // weights would get no gradient at all. So the casts made for the targets go.
  if (autocast) at::autocast::clear_cache();

  const auto value_targets = two_hot(target_value.reshape({-1}), config_.value_support, config_.value_h_transform).view({batch, k_steps + 1, -1});
  const auto value_prefix_targets =
      two_hot(target_value_prefix.reshape({-1}), config_.value_prefix_support).view({batch, k_steps, -1});

  // Step 0: representation and prediction.
  const auto initial = network_->initial(first);
  const auto mask0 = masks.select(1, 0);
  auto value_loss = cross_entropy(initial.value_logits, value_targets.select(1, 0)) * mask0;
  auto policy_loss = cross_entropy(initial.policy_logits, target_policy.select(1, 0)) * mask0;
  auto value_prefix_loss = torch::zeros({batch}, value_loss.options());
  auto consistency_loss = torch::zeros({batch}, value_loss.options());
  {
    torch::NoGradGuard no_grad;
    const auto predicted = decode_logits(initial.value_logits.to(torch::kFloat32), config_.value_support, config_.value_h_transform);
    const auto p = (predicted - target_value.select(1, 0)).abs() + 1e-6;
    torch::from_blob(priorities, {batch}, torch::kFloat32).copy_(p);
  }

  // Steps 1..K: dynamics unroll; the LSTM restarts every lstm_horizon steps. The prediction
  // heads' running statistics stay those of root latents (network.h).
  network_->track_prediction_statistics(false);
  auto latent = initial.latent;
  const auto zeros = torch::zeros({batch, config_.lstm_hidden}, value_loss.options());
  auto hidden = zeros, cell = zeros;
  for (int64_t k = 1; k <= k_steps; k++) {
    if (k > 1 && (k - 1) % config_.lstm_horizon == 0) hidden = cell = zeros;
    auto step = network_->dynamics(latent, actions.select(1, k - 1), hidden, cell);
    hidden = step.hidden;
    cell = step.cell;
    latent = scale_gradient(step.latent, config_.latent_grad_scale);
    const auto [value_logits, policy_logits] = network_->predict(latent);
    const auto mask = masks.select(1, k);
    value_loss = value_loss + cross_entropy(value_logits, value_targets.select(1, k)) * mask;
    policy_loss = policy_loss + cross_entropy(policy_logits, target_policy.select(1, k)) * mask;
    // The value prefix at step k sums rewards up to transition k-1, so it counts wherever step
    // k-1 has targets, including the last transition of an episode.
    value_prefix_loss = value_prefix_loss +
                        cross_entropy(step.value_prefix_logits, value_prefix_targets.select(1, k - 1)) * masks.select(1, k - 1);
    const auto online = network_->project_and_predict(latent).to(torch::kFloat32);
    const auto similarity = torch::nn::functional::cosine_similarity(
        online, target_projection.select(1, k - 1).to(torch::kFloat32), torch::nn::functional::CosineSimilarityFuncOptions().dim(1).eps(1e-5));
    consistency_loss = consistency_loss - similarity * mask;
  }

  network_->track_prediction_statistics(true);
  const auto per_sample = config_.policy_weight * policy_loss + config_.value_weight * value_loss +
                          config_.value_prefix_weight * value_prefix_loss + config_.consistency_weight * consistency_loss;
  const auto weighted = (per_sample * weights).mean();
  autocast.reset();

  network_->zero_grad();
  (weighted / static_cast<double>(k_steps)).backward();
  const double clip = config_.grad_clip > 0 ? config_.grad_clip : std::numeric_limits<double>::infinity();
  const double grad_norm = torch::nn::utils::clip_grad_norm_(network_->parameters(), clip);
  const double lr = scheduled_lr(config_, step_);
  optimizer_->step(lr);
  step_++;

  sz_train_result r{};
  r.total = weighted.item<double>();
  r.policy = policy_loss.mean().item<double>();
  r.value = value_loss.mean().item<double>();
  r.value_prefix = value_prefix_loss.mean().item<double>();
  r.consistency = consistency_loss.mean().item<double>();
  r.grad_norm = grad_norm;
  r.lr = lr;
  r.step = step_;
  return r;
}

}  // namespace sz
