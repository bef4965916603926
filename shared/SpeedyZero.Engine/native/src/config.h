// Model configuration: parsed strictly from "key=value" lines, so an unknown or malformed
// field is an error that names it instead of a silently ignored setting.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace sz {

enum class ObsKind { vector, grid, image };
enum class OptimizerKind { sgd, adam, lars };

struct Config {
  // Network shape.
  ObsKind obs_kind = ObsKind::vector;
  std::vector<int64_t> obs_shape;  // vector: {size}; grid / image: {channels, height, width}
  int64_t action_count = 0;
  int64_t channels = 32;        // conv families: latent channels
  int64_t blocks = 1;           // residual blocks in each of representation, dynamics, prediction
  int64_t hidden = 64;          // vector family: MLP width
  int64_t latent = 64;          // vector family: latent size
  int64_t head_channels = 16;   // conv families: 1x1 reduction before each head
  int64_t head_hidden = 32;     // hidden width of the value, value-prefix and policy heads
  int64_t lstm_hidden = 64;
  int64_t value_support = 300;         // value bins: [-S, S]
  bool value_h_transform = true;       // bins over h(value); false: over the value itself
  int64_t value_prefix_support = 300;  // value-prefix bins: [-S, S]
  int64_t projection_hidden = 256;
  int64_t projection_out = 256;
  int64_t predictor_hidden = 64;

  // Loss.
  int64_t unroll = 5;
  int64_t lstm_horizon = 5;  // the training unroll resets the LSTM after this many steps
  double policy_weight = 1.0;
  double value_weight = 0.25;
  double value_prefix_weight = 1.0;
  double consistency_weight = 2.0;
  double latent_grad_scale = 0.5;
  double grad_clip = 5.0;  // <= 0: no clipping
  bool augment = false;
  int64_t augment_shift = 4;
  double augment_intensity = 0.05;
  bool reject_nan = false;
  // Inference folds eval-mode batch normalisation into the layers before it (same function,
  // rounding aside); false runs the modules as trained, for comparison.
  bool fused_inference = true;

  // Optimiser and schedule.
  OptimizerKind optimizer = OptimizerKind::sgd;
  double lr = 0.2;
  double momentum = 0.9;
  double weight_decay = 1e-4;
  double adam_beta1 = 0.9;
  double adam_beta2 = 0.999;
  double adam_eps = 1e-8;
  double lars_eta = 0.001;
  double lars_min = 0.0;
  double lars_max = 1.0;
  double lars_eps = 1e-8;
  int64_t warmup_steps = 0;
  int64_t lr_decay_steps = 0;  // 0: no step decay
  double lr_decay_rate = 0.1;

  // Runtime.
  std::string device = "cpu";
  uint64_t seed = 0;

  int64_t obs_size() const;
};

// Throws sz::invalid_argument naming the offending field.
Config parse_config(const std::string& text);

}  // namespace sz
