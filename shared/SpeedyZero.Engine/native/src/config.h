// Model configuration: parsed strictly from "key=value" lines, so an unknown, missing or
// malformed field is an error that names it instead of a silently ignored setting.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace sz {

enum class ObsKind { vector, grid, image };
enum class OptimizerKind { sgd, adam, lars };
enum class Precision { float32, bfloat16 };

struct Config {
  // Network shape (from the environment).
  ObsKind obs_kind = ObsKind::vector;
  std::vector<int64_t> obs_shape;  // vector: {size}; grid / image: {channels, height, width}
  int64_t action_count = 0;

  // Sizes and loss (C#: ModelConfig, the model: section; its doc comments describe each field).
  int64_t channels = 0;
  int64_t blocks = 0;
  int64_t hidden = 0;
  int64_t latent = 0;
  int64_t head_channels = 0;
  int64_t head_hidden = 0;
  int64_t lstm_hidden = 0;
  int64_t value_support = 0;         // value bins: [-S, S]
  bool value_h_transform = false;    // bins over h(value); false: over the value itself
  int64_t value_prefix_support = 0;  // value-prefix bins: [-S, S]
  int64_t projection_hidden = 0;
  int64_t projection_out = 0;
  int64_t predictor_hidden = 0;
  double policy_weight = 0;
  double value_weight = 0;
  double value_prefix_weight = 0;
  double consistency_weight = 0;
  double latent_grad_scale = 0;
  double grad_clip = 0;  // 0: no clipping
  bool augment = false;
  int64_t augment_shift = 0;
  double augment_intensity = 0;

  // Training unroll (C#: ModelSpec).
  int64_t unroll = 0;
  int64_t lstm_horizon = 0;  // the training unroll resets the LSTM after this many steps

  // Optimiser and schedule (C#: OptimizerConfig, the optimizer: section).
  OptimizerKind optimizer = OptimizerKind::sgd;
  double lr = 0;
  double momentum = 0;
  double weight_decay = 0;
  double adam_beta1 = 0;
  double adam_beta2 = 0;
  double adam_eps = 0;
  double lars_eta = 0;
  double lars_min = 0;
  double lars_max = 0;
  double lars_eps = 0;
  int64_t warmup_steps = 0;
  int64_t lr_decay_steps = 0;  // 0: no step decay
  double lr_decay_rate = 0;

  // Runtime (C#: ModelSpec).
  std::string device = "cpu";
  // float32, or bfloat16 for the train step's forward pass (libtorch's CPU autocast) and for the
  // convolutions of large-batch inference (onednn.h); weights, optimiser state and losses stay float32.
  Precision precision = Precision::float32;
  uint64_t seed = 0;
  bool reject_nan = false;
  // Inference folds eval-mode batch normalisation into the layers before it (same function,
  // rounding aside); false runs the modules as trained, for comparison.
  bool fused_inference = true;

  int64_t obs_size() const;
};

// Throws sz::invalid_argument naming the offending field. Every field is required: the text is
// what ModelSpec.ToNativeText writes, so the engine keeps no defaults of its own.
Config parse_config(const std::string& text);

// The same "key=value" lines back, every field (doubles in their shortest round-trip form).
std::string format_config(const Config& config);

}  // namespace sz
