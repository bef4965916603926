// The family-specific part of the network: how observations become latents, how an action
// moves a latent, and which features the heads read. The heads, the LSTM and the SimSiam
// projection are shared (network.h).
#pragma once
#include <torch/torch.h>

#include <memory>

#include "config.h"
#include "layers.h"

namespace sz {

struct Trunk : torch::nn::Module {
  // Observations [B, obs_size] -> latent [B, latent_shape...] (before normalisation).
  virtual torch::Tensor represent(const torch::Tensor& observations) = 0;
  // Latent and actions [B] (int64) -> next latent (before normalisation).
  virtual torch::Tensor dynamics(const torch::Tensor& latent, const torch::Tensor& actions) = 0;
  // Latent -> flat input of the value-prefix LSTM.
  virtual torch::Tensor reward_features(const torch::Tensor& latent) = 0;
  // Latent -> flat inputs of the value head and of the policy head.
  virtual std::pair<torch::Tensor, torch::Tensor> prediction_features(const torch::Tensor& latent) = 0;

  // Inference with eval-mode batch normalisation folded into the layers (layers.h): fuse()
  // snapshots the current weights, then the *_fused functions compute what the functions above
  // compute in eval mode. By default they run the modules themselves.
  virtual void fuse() {}
  virtual torch::Tensor represent_fused(const torch::Tensor& observations) { return represent(observations); }
  virtual torch::Tensor dynamics_fused(const torch::Tensor& latent, const torch::Tensor& actions) {
    return dynamics(latent, actions);
  }
  virtual torch::Tensor reward_features_fused(const torch::Tensor& latent) { return reward_features(latent); }
  virtual std::pair<torch::Tensor, torch::Tensor> prediction_features_fused(const torch::Tensor& latent) {
    return prediction_features(latent);
  }
  // Whole folded inference steps, the latent normalisation (min_max_normalise) included, so a
  // trunk can keep the latent in its own layout from the last conv to the heads' convs.
  // Initial: normalised latent, value and policy features.
  virtual std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> initial_features_fused(const torch::Tensor& observations) {
    auto latent = min_max_normalise(represent_fused(observations));
    auto [value, policy] = prediction_features_fused(latent);
    return {latent, value, policy};
  }
  // Recurrent: next normalised latent, reward, value and policy features.
  virtual std::tuple<torch::Tensor, torch::Tensor, torch::Tensor, torch::Tensor> recurrent_features_fused(
      const torch::Tensor& latent, const torch::Tensor& actions) {
    auto next = min_max_normalise(dynamics_fused(latent, actions));
    auto [value, policy] = prediction_features_fused(next);
    return {next, reward_features_fused(next), value, policy};
  }

  std::vector<int64_t> latent_shape;  // per item, without the batch dimension
  int64_t latent_size = 0;
  int64_t reward_feature_size = 0;
  int64_t value_feature_size = 0;
  int64_t policy_feature_size = 0;
  // Whether the value and policy heads behind this trunk use batch norm (vector_trunk.cpp says
  // why the vector family's do not).
  bool head_batch_norm = true;
};

// MLP family for vector observations (CartPole).
std::shared_ptr<Trunk> make_vector_trunk(const Config& config);
// Conv family: grid (no down-sampling) or image (down-sampling ResNet stem).
std::shared_ptr<Trunk> make_conv_trunk(const Config& config);

}  // namespace sz
