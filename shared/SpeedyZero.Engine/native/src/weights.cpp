// Weights as a versioned byte buffer (broadcast to actors and reanalyzers) and checkpoints
// (weights + optimiser + step + generator) as files written atomically.
//
// Layout of both: 4-byte magic, uint32 format version, uint64 architecture fingerprint (names
// and shapes of every parameter and buffer), then a libtorch archive.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "errors.h"
#include "model.h"

namespace sz {
namespace {

constexpr char kWeightsMagic[4] = {'S', 'Z', 'W', 'T'};
constexpr char kCheckpointMagic[4] = {'S', 'Z', 'C', 'K'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kHeaderSize = 16;

std::string header(const char (&magic)[4], uint64_t fingerprint) {
  std::string h(kHeaderSize, '\0');
  std::memcpy(&h[0], magic, 4);
  std::memcpy(&h[4], &kFormatVersion, 4);
  std::memcpy(&h[8], &fingerprint, 8);
  return h;
}

void check_header(const char* what, const char (&magic)[4], const uint8_t* data, size_t length, uint64_t fingerprint) {
  if (length < kHeaderSize || std::memcmp(data, magic, 4) != 0) {
    throw invalid_argument(std::string(what) + ": not a SpeedyZero " + what + " (bad magic)");
  }
  uint32_t version;
  uint64_t found;
  std::memcpy(&version, data + 4, 4);
  std::memcpy(&found, data + 8, 8);
  if (version != kFormatVersion) {
    throw invalid_argument(std::string(what) + ": format version " + std::to_string(version) + ", this engine reads " +
                           std::to_string(kFormatVersion));
  }
  if (found != fingerprint) throw invalid_argument(std::string(what) + ": made by a network of another architecture");
}

std::string archive_bytes(torch::serialize::OutputArchive& archive) {
  std::ostringstream stream;
  archive.save_to(stream);
  return stream.str();
}

}  // namespace

uint64_t Model::fingerprint() {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  const auto mix = [&h](const void* p, size_t n) {
    for (size_t i = 0; i < n; i++) h = (h ^ static_cast<const uint8_t*>(p)[i]) * 1099511628211ull;
  };
  const auto add = [&](const std::string& name, const torch::Tensor& t) {
    mix(name.data(), name.size());
    for (auto d : t.sizes()) mix(&d, sizeof d);
  };
  for (const auto& p : network_->named_parameters()) add(p.key(), p.value());
  for (const auto& b : network_->named_buffers()) add(b.key(), b.value());
  return h;
}

void Model::write_weights(torch::serialize::OutputArchive& archive) {
  for (const auto& p : network_->named_parameters()) archive.write(p.key(), p.value());
  for (const auto& b : network_->named_buffers()) archive.write(b.key(), b.value(), /*is_buffer=*/true);
}

void Model::read_weights(torch::serialize::InputArchive& archive) {
  torch::NoGradGuard no_grad;
  weights_changed();
  const auto read = [&archive](const std::string& name, torch::Tensor& target, bool is_buffer) {
    torch::Tensor loaded;
    archive.read(name, loaded, is_buffer);
    if (!loaded.sizes().equals(target.sizes()) || loaded.scalar_type() != target.scalar_type()) {
      throw invalid_argument("weights: tensor '" + name + "' has another shape or type");
    }
    target.copy_(loaded);
  };
  for (auto& p : network_->named_parameters()) read(p.key(), p.value(), false);
  for (auto& b : network_->named_buffers()) read(b.key(), b.value(), true);
}

const std::string& Model::export_weights() {
  torch::serialize::OutputArchive archive;
  write_weights(archive);
  exported_ = header(kWeightsMagic, fingerprint()) + archive_bytes(archive);
  return exported_;
}

void Model::import_weights(const uint8_t* data, int64_t length) {
  if (data == nullptr || length < 0) throw invalid_argument("weights: null buffer");
  check_header("weights", kWeightsMagic, data, static_cast<size_t>(length), fingerprint());
  torch::serialize::InputArchive archive;
  archive.load_from(reinterpret_cast<const char*>(data) + kHeaderSize, static_cast<size_t>(length) - kHeaderSize, device_);
  read_weights(archive);
}

void Model::save_checkpoint(const std::string& path) {
  torch::serialize::OutputArchive root, weights, optimizer;
  write_weights(weights);
  optimizer_->save(optimizer);
  root.write("weights", weights);
  root.write("optimizer", optimizer);
  root.write("step", torch::tensor(step_, torch::kLong));
  {
    std::lock_guard<std::mutex> lock(generator_.mutex());
    root.write("generator", generator_.get_state());
  }
  const auto bytes = header(kCheckpointMagic, fingerprint()) + archive_bytes(root);
  const auto temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("checkpoint: cannot write " + temp);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) throw std::runtime_error("checkpoint: write to " + temp + " failed");
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) throw std::runtime_error("checkpoint: cannot rename " + temp + " to " + path);
}

void Model::load_checkpoint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw invalid_argument("checkpoint: cannot read " + path);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  check_header("checkpoint", kCheckpointMagic, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), fingerprint());
  torch::serialize::InputArchive root, weights, optimizer;
  root.load_from(bytes.data() + kHeaderSize, bytes.size() - kHeaderSize, device_);
  root.read("weights", weights);
  root.read("optimizer", optimizer);
  torch::Tensor step, generator;
  root.read("step", step);
  root.read("generator", generator);
  read_weights(weights);
  optimizer_->load(optimizer);
  step_ = step.item<int64_t>();
  std::lock_guard<std::mutex> lock(generator_.mutex());
  generator_.set_state(generator.cpu());
}

}  // namespace sz
