#include "config.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>
#include <utility>

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

// One entry per field: its key, how the text sets it and how it is written back.
struct Field {
  std::string key;
  std::function<void(Config&, const std::string& key, const std::string& value)> set;
  std::function<std::string(const Config&)> get;
};

std::string format_double(double v) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), v);
  return std::string(buffer, result.ptr);
}

Field int_field(const char* key, int64_t Config::*field) {
  return {key, [field](Config& c, const std::string& k, const std::string& v) { c.*field = to_int(k, v); },
          [field](const Config& c) { return std::to_string(c.*field); }};
}
Field double_field(const char* key, double Config::*field) {
  return {key, [field](Config& c, const std::string& k, const std::string& v) { c.*field = to_double(k, v); },
          [field](const Config& c) { return format_double(c.*field); }};
}
Field bool_field(const char* key, bool Config::*field) {
  return {key, [field](Config& c, const std::string& k, const std::string& v) { c.*field = to_bool(k, v); },
          [field](const Config& c) { return std::string(c.*field ? "true" : "false"); }};
}
// A field that takes one of a few names, each standing for one value.
template <typename E>
Field enum_field(const char* key, E Config::*field, std::vector<std::pair<std::string, E>> names) {
  std::string expected = "expected ";
  for (size_t i = 0; i < names.size(); i++) {
    expected += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i].first;
  }
  return {key,
          [field, names, expected](Config& c, const std::string& k, const std::string& v) {
            for (const auto& [name, value] : names) {
              if (name == v) {
                c.*field = value;
                return;
              }
            }
            bad(k, v, expected);
          },
          [field, names](const Config& c) {
            for (const auto& [name, value] : names) {
              if (c.*field == value) return name;
            }
            throw std::logic_error("config field without a name for its value");
          }};
}

const std::vector<Field>& fields() {
  static const std::vector<Field> table = {
      enum_field("observation_kind", &Config::obs_kind,
                 {{"vector", ObsKind::vector}, {"grid", ObsKind::grid}, {"image", ObsKind::image}}),
      {"observation_shape", [](Config& c, const std::string& k, const std::string& v) { c.obs_shape = to_shape(k, v); },
       [](const Config& c) {
         std::string text;
         for (size_t i = 0; i < c.obs_shape.size(); i++) text += (i > 0 ? "," : "") + std::to_string(c.obs_shape[i]);
         return text;
       }},
      int_field("action_count", &Config::action_count),
      int_field("channels", &Config::channels),
      int_field("blocks", &Config::blocks),
      int_field("hidden", &Config::hidden),
      int_field("latent", &Config::latent),
      int_field("head_channels", &Config::head_channels),
      int_field("head_hidden", &Config::head_hidden),
      int_field("lstm_hidden", &Config::lstm_hidden),
      int_field("value_support", &Config::value_support),
      bool_field("value_h_transform", &Config::value_h_transform),
      int_field("value_prefix_support", &Config::value_prefix_support),
      int_field("projection_hidden", &Config::projection_hidden),
      int_field("projection_out", &Config::projection_out),
      int_field("predictor_hidden", &Config::predictor_hidden),
      double_field("policy_weight", &Config::policy_weight),
      double_field("value_weight", &Config::value_weight),
      double_field("value_prefix_weight", &Config::value_prefix_weight),
      double_field("consistency_weight", &Config::consistency_weight),
      double_field("latent_grad_scale", &Config::latent_grad_scale),
      double_field("grad_clip", &Config::grad_clip),
      bool_field("augment", &Config::augment),
      int_field("augment_shift", &Config::augment_shift),
      double_field("augment_intensity", &Config::augment_intensity),
      int_field("unroll", &Config::unroll),
      int_field("lstm_horizon", &Config::lstm_horizon),
      enum_field("optimizer", &Config::optimizer,
                 {{"sgd", OptimizerKind::sgd}, {"adam", OptimizerKind::adam}, {"lars", OptimizerKind::lars}}),
      double_field("learning_rate", &Config::lr),
      double_field("momentum", &Config::momentum),
      double_field("weight_decay", &Config::weight_decay),
      double_field("adam_beta1", &Config::adam_beta1),
      double_field("adam_beta2", &Config::adam_beta2),
      double_field("adam_eps", &Config::adam_eps),
      double_field("lars_eta", &Config::lars_eta),
      double_field("lars_min", &Config::lars_min),
      double_field("lars_max", &Config::lars_max),
      double_field("lars_eps", &Config::lars_eps),
      int_field("warmup_steps", &Config::warmup_steps),
      int_field("learning_rate_decay_steps", &Config::lr_decay_steps),
      double_field("learning_rate_decay_rate", &Config::lr_decay_rate),
      {"device",
       [](Config& c, const std::string& k, const std::string& v) {
         if (v != "cpu" && v != "cuda") bad(k, v, "expected cpu or cuda");
         c.device = v;
       },
       [](const Config& c) { return c.device; }},
      enum_field("precision", &Config::precision, {{"float32", Precision::float32}, {"bfloat16", Precision::bfloat16}}),
      {"seed",
       [](Config& c, const std::string& k, const std::string& v) {
         const int64_t s = to_int(k, v);
         if (s < 0) bad(k, v, "must be >= 0");
         c.seed = static_cast<uint64_t>(s);
       },
       [](const Config& c) { return std::to_string(c.seed); }},
      bool_field("reject_nan", &Config::reject_nan),
      bool_field("fused_inference", &Config::fused_inference),
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
  require(c.policy_weight >= 0 && c.value_weight >= 0 && c.value_prefix_weight >= 0 && c.consistency_weight >= 0,
          "policy_weight", "loss weights must be >= 0");
  require(c.latent_grad_scale >= 0 && c.latent_grad_scale <= 1, "latent_grad_scale", "must be in [0, 1]");
  require(c.grad_clip >= 0, "grad_clip", "must be >= 0 (0: no clipping)");
  require(c.augment_shift >= 0, "augment_shift", "must be >= 0");
  require(c.augment_intensity >= 0, "augment_intensity", "must be >= 0");
  require(!c.augment || c.obs_kind != ObsKind::vector, "augment", "needs grid or image observations");
  require(c.lr > 0, "learning_rate", "must be positive");
  require(c.momentum >= 0 && c.momentum < 1, "momentum", "must be in [0, 1)");
  require(c.weight_decay >= 0, "weight_decay", "must be >= 0");
  require(c.lars_eta > 0, "lars_eta", "must be positive");
  require(c.lars_min >= 0 && c.lars_min <= c.lars_max, "lars_min", "must be in [0, lars_max]");
  require(c.warmup_steps >= 0, "warmup_steps", "must be >= 0");
  require(c.lr_decay_steps >= 0, "learning_rate_decay_steps", "must be >= 0");
  require(c.lr_decay_rate > 0, "learning_rate_decay_rate", "must be positive");
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
  const auto& table = fields();
  while (std::getline(lines, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos) throw invalid_argument("config line '" + line + "' is not key=value");
    const auto key = trim(line.substr(0, eq));
    const auto value = trim(line.substr(eq + 1));
    const auto field = std::find_if(table.begin(), table.end(), [&](const Field& f) { return f.key == key; });
    if (field == table.end()) throw invalid_argument("unknown config field '" + key + "'");
    if (seen[key]) throw invalid_argument("config field '" + key + "' given twice");
    seen[key] = true;
    field->set(config, key, value);
  }
  for (const auto& field : table) require(seen[field.key], field.key, "is required");
  validate(config);
  return config;
}

std::string format_config(const Config& config) {
  std::string text;
  for (const auto& field : fields()) text += field.key + "=" + field.get(config) + "\n";
  return text;
}

}  // namespace sz
