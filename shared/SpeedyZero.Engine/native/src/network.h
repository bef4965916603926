// The EfficientZero network: a family trunk plus the shared parts (value-prefix LSTM, value,
// value-prefix and policy heads, SimSiam projection and predictor).
#pragma once
#include <torch/torch.h>

#include "config.h"
#include "layers.h"
#include "trunk.h"

namespace sz {

struct InitialOutput {
  torch::Tensor latent;  // normalised, [B, latent_shape...]
  torch::Tensor value_logits;
  torch::Tensor policy_logits;
};

struct RecurrentOutput {
  torch::Tensor latent;
  torch::Tensor hidden, cell;  // LSTM state after this step
  torch::Tensor value_prefix_logits;
  torch::Tensor value_logits;
  torch::Tensor policy_logits;
};

// LSTMCell inference with the input and hidden biases summed once (fuse()).
struct FusedLstmCell {
  FusedLinear input;               // W_ih, b_ih + b_hh
  torch::Tensor hidden_weight_t;   // W_hh^T
  std::pair<torch::Tensor, torch::Tensor> operator()(const torch::Tensor& x, const torch::Tensor& h,
                                                     const torch::Tensor& c) const;
};

struct NetworkImpl : torch::nn::Module {
  explicit NetworkImpl(const Config& config);

  torch::Tensor represent(const torch::Tensor& observations);
  std::pair<torch::Tensor, torch::Tensor> predict(const torch::Tensor& latent);
  // Whether the prediction path's batch normalisation (conv families; the vector family has
  // none) updates its running statistics. The train step turns it off for unrolled latents:
  // inference normalises with running statistics, and with them mixed over K unrolled steps per
  // root the root's value and policy (every search root, every bootstrap target) drifted away
  // from what training fits.
  void track_prediction_statistics(bool on);
  InitialOutput initial(const torch::Tensor& observations);
  // g(s, a, lstm) without the prediction: next latent, LSTM state, value-prefix logits.
  RecurrentOutput dynamics(const torch::Tensor& latent, const torch::Tensor& actions,
                           const torch::Tensor& hidden, const torch::Tensor& cell);
  RecurrentOutput recurrent(const torch::Tensor& latent, const torch::Tensor& actions,
                            const torch::Tensor& hidden, const torch::Tensor& cell);
  // Projection of a latent (the SimSiam target side).
  torch::Tensor project(const torch::Tensor& latent);
  // Predictor over the projection (the SimSiam online side).
  torch::Tensor project_and_predict(const torch::Tensor& latent);

  // Eval-mode inference with batch normalisation folded into the layers before it (layers.h).
  // fuse() snapshots the current weights; call it again after they change.
  void fuse();
  InitialOutput initial_fused(const torch::Tensor& observations);
  RecurrentOutput recurrent_fused(const torch::Tensor& latent, const torch::Tensor& actions,
                                  const torch::Tensor& hidden, const torch::Tensor& cell);

  std::shared_ptr<Trunk> trunk;
  torch::nn::LSTMCell lstm{nullptr};
  torch::nn::BatchNorm1d value_prefix_bn{nullptr};
  Mlp value_prefix_head{nullptr}, value_head{nullptr}, policy_head{nullptr};
  torch::nn::Sequential projection{nullptr}, predictor{nullptr};

 private:
  // Options of every batch norm in the prediction path, found once at construction.
  std::vector<torch::nn::BatchNormOptions*> prediction_norms_;
  FusedAffine value_prefix_bn_f;
  FusedLstmCell lstm_f;
  FusedSequential value_prefix_head_f, value_head_f, policy_head_f;
};
TORCH_MODULE(Network);

}  // namespace sz
