#include "config.h"

#include <functional>
#include <map>
#include <sstream>

#include "errors.h"

namespace sz {
namespace {

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  const auto end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

[[noreturn]] void bad(const std::string& key, const std::string& value, const std::string& why) {
  throw invalid_argument("config field '" + key + "' = '" + value + "': " + why);
}

int64_t to_int(const std::string& key, const std::string& value) {
  try {
    size_t used = 0;
    const long long v = std::stoll(value, &used);
    if (used != value.size()) bad(key, value, "not an integer");
    return v;
  } catch (const std::logic_error&) {
    bad(key, value, "not an integer");
  }
}

double to_double(const std::string& key, const std::string& value) {
  try {
    size_t used = 0;
    const double v = std::stod(value, &used);
    if (used != value.size()) bad(key, value, "not a number");
    return v;
  } catch (const std::logic_error&) {
    bad(key, value, "not a number");
  }
}

bool to_bool(const std::string& key, const std::string& value) {
  if (value == "true" || value == "1") return true;
  if (value == "false" || value == "0") return false;
  bad(key, value, "expected true or false");
}

std::vector<int64_t> to_shape(const std::string& key, const std::string& value) {
  std::vector<int64_t> shape;
  std::stringstream parts(value);
  std::string part;
  while (std::getline(parts, part, ',')) shape.push_back(to_int(key, trim(part)));
  if (shape.empty()) bad(key, value, "empty shape");
  return shape;
}

using Setter = std::function<void(Config&, const std::string& key, const std::string& value)>;

Setter int_field(int64_t Config::*field) {
  return [field](Config& c, const std::string& k, const std::string& v) { c.*field = to_int(k, v); };
}
Setter double_field(double Config::*field) {
  return [field](Config& c, const std::string& k, const std::string& v) { c.*field = to_double(k, v); };
}
Setter bool_field(bool Config::*field) {
  return [field](Config& c, const std::string& k, const std::string& v) { c.*field = to_bool(k, v); };
}

const std::map<std::string, Setter>& setters() {
  static const std::map<std::string, Setter> table = {
      {"observation_kind",
       [](Config& c, const std::string& k, const std::string& v) {
         if (v == "vector") c.obs_kind = ObsKind::vector;
         else if (v == "grid") c.obs_kind = ObsKind::grid;
         else if (v == "image") c.obs_kind = ObsKind::image;
         else bad(k, v, "expected vector, grid or image");
       }},
      {"observation_shape", [](Config& c, const std::string& k, const std::string& v) { c.obs_shape = to_shape(k, v); }},
      {"action_count", int_field(&Config::action_count)},
      {"channels", int_field(&Config::channels)},
      {"blocks", int_field(&Config::blocks)},
      {"hidden", int_field(&Config::hidden)},
      {"latent", int_field(&Config::latent)},
      {"head_channels", int_field(&Config::head_channels)},
      {"head_hidden", int_field(&Config::head_hidden)},
      {"lstm_hidden", int_field(&Config::lstm_hidden)},
      {"value_support", int_field(&Config::value_support)},
      {"value_prefix_support", int_field(&Config::value_prefix_support)},
      {"projection_hidden", int_field(&Config::projection_hidden)},
      {"projection_out", int_field(&Config::projection_out)},
      {"predictor_hidden", int_field(&Config::predictor_hidden)},
      {"unroll", int_field(&Config::unroll)},
      {"lstm_horizon", int_field(&Config::lstm_horizon)},
      {"policy_weight", double_field(&Config::policy_weight)},
      {"value_weight", double_field(&Config::value_weight)},
      {"value_prefix_weight", double_field(&Config::value_prefix_weight)},
      {"consistency_weight", double_field(&Config::consistency_weight)},
      {"latent_grad_scale", double_field(&Config::latent_grad_scale)},
      {"grad_clip", double_field(&Config::grad_clip)},
      {"value_h_transform", bool_field(&Config::value_h_transform)},
      {"augment", bool_field(&Config::augment)},
      {"augment_shift", int_field(&Config::augment_shift)},
      {"augment_intensity", double_field(&Config::augment_intensity)},
      {"reject_nan", bool_field(&Config::reject_nan)},
      {"fused_inference", bool_field(&Config::fused_inference)},
      {"optimizer",
       [](Config& c, const std::string& k, const std::string& v) {
         if (v == "sgd") c.optimizer = OptimizerKind::sgd;
         else if (v == "adam") c.optimizer = OptimizerKind::adam;
         else if (v == "lars") c.optimizer = OptimizerKind::lars;
         else bad(k, v, "expected sgd, adam or lars");
       }},
      {"lr", double_field(&Config::lr)},
      {"momentum", double_field(&Config::momentum)},
      {"weight_decay", double_field(&Config::weight_decay)},
      {"adam_beta1", double_field(&Config::adam_beta1)},
      {"adam_beta2", double_field(&Config::adam_beta2)},
      {"adam_eps", double_field(&Config::adam_eps)},
      {"lars_eta", double_field(&Config::lars_eta)},
      {"lars_min", double_field(&Config::lars_min)},
      {"lars_max", double_field(&Config::lars_max)},
      {"lars_eps", double_field(&Config::lars_eps)},
      {"warmup_steps", int_field(&Config::warmup_steps)},
      {"lr_decay_steps", int_field(&Config::lr_decay_steps)},
      {"lr_decay_rate", double_field(&Config::lr_decay_rate)},
      {"device",
       [](Config& c, const std::string& k, const std::string& v) {
         if (v != "cpu" && v != "cuda") bad(k, v, "expected cpu or cuda");
         c.device = v;
       }},
      {"seed",
       [](Config& c, const std::string& k, const std::string& v) {
         const int64_t s = to_int(k, v);
         if (s < 0) bad(k, v, "must be >= 0");
         c.seed = static_cast<uint64_t>(s);
       }},
  };
  return table;
}

void require(bool ok, const std::string& key, const std::string& why) {
  if (!ok) throw invalid_argument("config field '" + key + "': " + why);
}

void validate(const Config& c) {
  if (c.obs_kind == ObsKind::vector) {
    require(c.obs_shape.size() == 1, "observation_shape", "a vector observation has one size");
  } else {
    require(c.obs_shape.size() == 3, "observation_shape", "grid and image observations are channels,height,width");
  }
  for (auto d : c.obs_shape) require(d > 0, "observation_shape", "sizes must be positive");
  require(c.action_count > 0, "action_count", "must be positive");
  require(c.channels > 0, "channels", "must be positive");
  require(c.blocks >= 0, "blocks", "must be >= 0");
  require(c.hidden > 0, "hidden", "must be positive");
  require(c.latent > 0, "latent", "must be positive");
  require(c.head_channels > 0, "head_channels", "must be positive");
  require(c.head_hidden > 0, "head_hidden", "must be positive");
  require(c.lstm_hidden > 0, "lstm_hidden", "must be positive");
  require(c.value_support > 0, "value_support", "must be positive");
  require(c.value_prefix_support > 0, "value_prefix_support", "must be positive");
  require(c.projection_hidden > 0, "projection_hidden", "must be positive");
  require(c.projection_out > 0, "projection_out", "must be positive");
  require(c.predictor_hidden > 0, "predictor_hidden", "must be positive");
  require(c.unroll > 0, "unroll", "must be positive");
  require(c.lstm_horizon > 0, "lstm_horizon", "must be positive");
  require(c.latent_grad_scale >= 0 && c.latent_grad_scale <= 1, "latent_grad_scale", "must be in [0, 1]");
  require(c.augment_shift >= 0, "augment_shift", "must be >= 0");
  require(c.augment_intensity >= 0, "augment_intensity", "must be >= 0");
  require(!c.augment || c.obs_kind != ObsKind::vector, "augment", "needs grid or image observations");
  require(c.lr > 0, "lr", "must be positive");
  require(c.momentum >= 0 && c.momentum < 1, "momentum", "must be in [0, 1)");
  require(c.weight_decay >= 0, "weight_decay", "must be >= 0");
  require(c.lars_eta > 0, "lars_eta", "must be positive");
  require(c.lars_min >= 0 && c.lars_min <= c.lars_max, "lars_min", "must be in [0, lars_max]");
  require(c.warmup_steps >= 0, "warmup_steps", "must be >= 0");
  require(c.lr_decay_steps >= 0, "lr_decay_steps", "must be >= 0");
  require(c.lr_decay_rate > 0, "lr_decay_rate", "must be positive");
}

}  // namespace

int64_t Config::obs_size() const {
  int64_t n = 1;
  for (auto d : obs_shape) n *= d;
  return n;
}

Config parse_config(const std::string& text) {
  Config config;
  std::stringstream lines(text);
  std::string line;
  std::map<std::string, bool> seen;
  while (std::getline(lines, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos) throw invalid_argument("config line '" + line + "' is not key=value");
    const auto key = trim(line.substr(0, eq));
    const auto value = trim(line.substr(eq + 1));
    const auto& table = setters();
    const auto setter = table.find(key);
    if (setter == table.end()) throw invalid_argument("unknown config field '" + key + "'");
    if (seen[key]) throw invalid_argument("config field '" + key + "' given twice");
    seen[key] = true;
    setter->second(config, key, value);
  }
  require(seen["observation_kind"], "observation_kind", "is required");
  require(seen["observation_shape"], "observation_shape", "is required");
  require(seen["action_count"], "action_count", "is required");
  validate(config);
  return config;
}

}  // namespace sz
