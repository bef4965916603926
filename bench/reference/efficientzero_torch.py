#!/usr/bin/env python3
"""The engine's benchmark network written in plain PyTorch: the reference side of `make bench BENCH=engine`.

It mirrors what libspeedyzero_engine computes for the grid family (docs/engine.md, "What the
engine computes"; native/src/conv_trunk.cpp, network.cpp, train_step.cpp): the same modules
under the same names (so the engine's exported weights load by name), the same inference
outputs and the same training step (losses, scaling, clipping, SGD with momentum and L2 weight
decay, the learning-rate schedule).

Subcommands (each prints one JSON object on stdout):
  describe            parameter count per module, every tensor's shape, multiply-adds per call
  check --dir D       loads the engine's weights and inputs written by the bench into D, runs the
                      same inference and train steps, and reports the largest differences
  time                times inference (batch 1, 16, 256; initial and recurrent) and the train step
                      (batch 256) in the variants a fair PyTorch user would pick, and the CPU's
                      float32 peak through oneDNN and OpenBLAS

The network comes from the engine's config text (--config FILE, as ModelSpec.ToNativeText writes
it); without it, the bench's reference network (EngineBench.ReferenceNetwork).
Needs Debian's python3-torch (PyTorch 1.13, the libtorch the engine links).
"""

import argparse
import ctypes
import io
import json
import os
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as error:  # the bench reports this and names the package
    print(json.dumps({"error": f"cannot import torch ({error}): install Debian's python3-torch"}))
    sys.exit(3)

# EngineBench.ReferenceNetwork() in the engine's config keys (the fields this script reads).
REFERENCE_CONFIG = {
    "observation_kind": "grid", "observation_shape": "4,10,10", "action_count": "4",
    "channels": "32", "blocks": "1", "head_channels": "16", "head_hidden": "32", "lstm_hidden": "64",
    "value_support": "300", "value_h_transform": "true", "value_prefix_support": "300",
    "projection_hidden": "256", "projection_out": "256", "predictor_hidden": "64",
    "policy_weight": "1", "value_weight": "0.25", "value_prefix_weight": "1", "consistency_weight": "2",
    "latent_grad_scale": "0.5", "grad_clip": "5", "augment": "false", "unroll": "5", "lstm_horizon": "5",
    "optimizer": "sgd", "learning_rate": "0.2", "momentum": "0.9", "weight_decay": "0.0001",
    "warmup_steps": "1000", "learning_rate_decay_steps": "100000", "learning_rate_decay_rate": "0.1",
}


class Config:
    def __init__(self, fields):
        if fields["observation_kind"] != "grid":
            raise SystemExit("efficientzero_torch.py mirrors the grid family only, got " + fields["observation_kind"])
        if fields["optimizer"] != "sgd":
            raise SystemExit("efficientzero_torch.py mirrors the SGD optimiser only, got " + fields["optimizer"])
        if fields.get("augment", "false") == "true":
            raise SystemExit("efficientzero_torch.py does not mirror augmentation (the bench's network has none)")
        self.obs_shape = [int(x) for x in fields["observation_shape"].split(",")]
        self.obs_size = self.obs_shape[0] * self.obs_shape[1] * self.obs_shape[2]
        self.actions = int(fields["action_count"])
        for key in ("channels", "blocks", "head_channels", "head_hidden", "lstm_hidden", "value_support",
                    "value_prefix_support", "projection_hidden", "projection_out", "predictor_hidden",
                    "unroll", "lstm_horizon", "warmup_steps", "learning_rate_decay_steps"):
            setattr(self, key, int(fields[key]))
        for key in ("policy_weight", "value_weight", "value_prefix_weight", "consistency_weight",
                    "latent_grad_scale", "grad_clip", "learning_rate", "momentum", "weight_decay",
                    "learning_rate_decay_rate"):
            setattr(self, key, float(fields[key]))
        self.value_h_transform = fields["value_h_transform"] == "true"
        # The engine's engine.precision: bfloat16 trains under autocast (inference at the check's batch is float32).
        self.bfloat16 = fields.get("precision", "float32") == "bfloat16"

    @staticmethod
    def load(path):
        fields = dict(REFERENCE_CONFIG)
        if path:
            fields = {}
            with open(path) as f:
                for line in f:
                    line = line.split("#", 1)[0].strip()
                    if line:
                        key, value = line.split("=", 1)
                        fields[key.strip()] = value.strip()
        return Config(fields)

    def lr(self, step):
        """The engine's schedule (optimizer.cpp scheduled_lr): linear warm-up, then step decay."""
        if self.warmup_steps > 0 and step < self.warmup_steps:
            return self.learning_rate * (step + 1) / self.warmup_steps
        if self.learning_rate_decay_steps > 0:
            return self.learning_rate * self.learning_rate_decay_rate ** (step // self.learning_rate_decay_steps)
        return self.learning_rate


# ---- Categorical support (support.cpp) ----
H_EPS = 0.001


def h_transform(x):
    return torch.sign(x) * (torch.sqrt(torch.abs(x) + 1) - 1) + H_EPS * x


def h_inverse(y):
    root = (torch.sqrt(1 + 4 * H_EPS * (torch.abs(y) + 1 + H_EPS)) - 1) / (2 * H_EPS)
    return torch.sign(y) * (root * root - 1)


def two_hot(scalars, support, transform):
    s = float(support)
    x = (h_transform(scalars) if transform else scalars).clamp(-s, s)
    low = x.floor()
    upper = x - low
    low_index = (low + s).long().unsqueeze(1)
    high_index = (low_index + 1).clamp_max(2 * support)
    out = torch.zeros(x.size(0), 2 * support + 1, dtype=x.dtype)
    out.scatter_add_(1, low_index, (1 - upper).unsqueeze(1))
    out.scatter_add_(1, high_index, upper.unsqueeze(1))
    return out


def decode(logits, support, transform):
    bins = torch.arange(-support, support + 1, dtype=logits.dtype)
    expectation = (torch.softmax(logits, 1) * bins).sum(1)
    return h_inverse(expectation) if transform else expectation


# ---- The network (layers.cpp, conv_trunk.cpp, network.cpp) ----

class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + x)


class Mlp(nn.Module):
    """Linear - BN - ReLU per hidden width, then a last linear layer that starts at zero."""

    def __init__(self, width, hidden, out):
        super().__init__()
        layers = []
        for h in hidden:
            layers += [nn.Linear(width, h), nn.BatchNorm1d(h), nn.ReLU()]
            width = h
        last = nn.Linear(width, out)
        nn.init.zeros_(last.weight)
        nn.init.zeros_(last.bias)
        self.layers = nn.Sequential(*layers, last)

    def forward(self, x):
        return self.layers(x)


def head_reduction(channels, head_channels):
    return nn.Sequential(nn.Conv2d(channels, head_channels, 1, bias=False), nn.BatchNorm2d(head_channels), nn.ReLU())


class Trunk(nn.Module):
    def __init__(self, c):
        super().__init__()
        ch = c.channels
        self.stem = nn.Sequential(nn.Conv2d(c.obs_shape[0], ch, 3, padding=1, bias=False), nn.BatchNorm2d(ch), nn.ReLU())
        self.representation_blocks = nn.ModuleList(ResidualBlock(ch) for _ in range(c.blocks))
        self.dynamics_conv = nn.Conv2d(ch + 1, ch, 3, padding=1, bias=False)
        self.dynamics_bn = nn.BatchNorm2d(ch)
        self.dynamics_blocks = nn.ModuleList(ResidualBlock(ch) for _ in range(c.blocks))
        self.reward_reduction = head_reduction(ch, c.head_channels)
        self.prediction_blocks = nn.ModuleList(ResidualBlock(ch) for _ in range(c.blocks))
        self.value_reduction = head_reduction(ch, c.head_channels)
        self.policy_reduction = head_reduction(ch, c.head_channels)


def min_max_normalise(latent):
    """Each latent scaled into [0, 1] per sample (layers.cpp min_max_normalise)."""
    if latent.requires_grad:  # min / max route the gradient to one element, as in the engine
        flat = latent.flatten(1)
        low = flat.min(1, keepdim=True)[0]
        high = flat.max(1, keepdim=True)[0]
    else:
        low = latent.amin((1, 2, 3), keepdim=True).flatten(1)
        high = latent.amax((1, 2, 3), keepdim=True).flatten(1)
    scale = high - low
    scale = scale + (scale < 1e-5).to(scale.dtype) * 1e-5
    return (latent - low.view(-1, 1, 1, 1)) / scale.view(-1, 1, 1, 1)


class Network(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.channels_last = False
        self.trunk = Trunk(c)
        plane = c.obs_shape[1] * c.obs_shape[2]
        features = c.head_channels * plane
        latent = c.channels * plane
        self.lstm = nn.LSTMCell(features, c.lstm_hidden)
        self.value_prefix_bn = nn.BatchNorm1d(c.lstm_hidden)
        self.value_prefix_head = Mlp(c.lstm_hidden, [c.head_hidden], 2 * c.value_prefix_support + 1)
        self.value_head = Mlp(features, [c.head_hidden], 2 * c.value_support + 1)
        self.policy_head = Mlp(features, [c.head_hidden], c.actions)
        hid, out = c.projection_hidden, c.projection_out
        self.projection = nn.Sequential(
            nn.Linear(latent, hid), nn.BatchNorm1d(hid), nn.ReLU(),
            nn.Linear(hid, hid), nn.BatchNorm1d(hid), nn.ReLU(),
            nn.Linear(hid, out), nn.BatchNorm1d(out))
        self.predictor = nn.Sequential(
            nn.Linear(out, c.predictor_hidden), nn.BatchNorm1d(c.predictor_hidden), nn.ReLU(),
            nn.Linear(c.predictor_hidden, out))
        # The prediction path's batch norms (network.cpp): their running statistics follow root
        # latents only, not the unrolled ones of a train step.
        prefixes = ("value_head.", "policy_head.", "trunk.prediction_blocks.", "trunk.value_reduction.",
                    "trunk.policy_reduction.")
        self.prediction_norms = [m for name, m in self.named_modules()
                                 if name.startswith(prefixes) and isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d))]

    def use_channels_last(self):
        self.channels_last = True
        return self.to(memory_format=torch.channels_last)

    def layout(self, x):
        return x.contiguous(memory_format=torch.channels_last) if self.channels_last else x

    def represent(self, observations):
        c = self.c
        x = self.layout(observations.view(observations.size(0), *c.obs_shape))
        x = self.trunk.stem(x)
        for block in self.trunk.representation_blocks:
            x = block(x)
        return min_max_normalise(x)

    def predict(self, latent):
        x = latent
        for block in self.trunk.prediction_blocks:
            x = block(x)
        value = self.value_head(self.trunk.value_reduction(x).flatten(1))
        policy = self.policy_head(self.trunk.policy_reduction(x).flatten(1))
        return value, policy

    def dynamics(self, latent, actions, hidden, cell):
        """Next normalised latent, LSTM state and value-prefix logits (network.cpp dynamics)."""
        latent = self.layout(latent)
        b, _, h, w = latent.shape
        plane = (actions.to(latent.dtype) / float(self.c.actions)).view(-1, 1, 1, 1).expand(b, 1, h, w)
        x = self.trunk.dynamics_bn(self.trunk.dynamics_conv(self.layout(torch.cat([latent, plane], 1))))
        x = F.relu(x + latent)
        for block in self.trunk.dynamics_blocks:
            x = block(x)
        next_latent = min_max_normalise(x)
        h, c = self.lstm(self.trunk.reward_reduction(next_latent).flatten(1), (hidden, cell))
        value_prefix = self.value_prefix_head(F.relu(self.value_prefix_bn(h)))
        return next_latent, h, c, value_prefix

    def project(self, latent):
        return self.projection(latent.flatten(1))

    def track_prediction_statistics(self, on):
        for bn in self.prediction_norms:
            bn.momentum = 0.1 if on else 0.0


class InitialInference(nn.Module):
    """initial_inference: normalised latent, decoded value, policy logits."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, observations):
        latent = self.net.represent(observations)
        value, policy = self.net.predict(latent)
        c = self.net.c
        return latent, decode(value, c.value_support, c.value_h_transform), policy


class RecurrentInference(nn.Module):
    """recurrent_inference: next latent, LSTM state, decoded value prefix and value, policy logits."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, latent, actions, hidden, cell):
        next_latent, h, c, value_prefix = self.net.dynamics(latent, actions, hidden, cell)
        value, policy = self.net.predict(next_latent)
        cfg = self.net.c
        return (next_latent, h, c, decode(value_prefix, cfg.value_prefix_support, True),
                decode(value, cfg.value_support, cfg.value_h_transform), policy)


def scale_gradient(x, scale):
    return x * scale + x.detach() * (1 - scale)


def cross_entropy(logits, target):
    # Logits in float32 under autocast too, as train_step.cpp casts them (a no-op in float32).
    return -(target * torch.log_softmax(logits.float(), 1)).sum(1)


def train_step(net, optimizer, batch, step):
    """One optimiser step, as train_step.cpp computes it. Returns the figures TrainResult carries."""
    c = net.c
    obs, actions, masks = batch["observations"], batch["actions"], batch["masks"]
    b, k_steps = actions.shape
    net.train()
    first = obs[:, 0]
    later = obs[:, 1:].reshape(b * k_steps, c.obs_size)
    with torch.no_grad():
        target_projection = net.project(net.represent(later)).view(b, k_steps, -1)
    # Under autocast, weight casts cached without gradient would be reused below and give the
    # representation and projection no gradient (PyTorch 1.13); the engine clears them too.
    torch.clear_autocast_cache()
    value_targets = two_hot(batch["target_value"].reshape(-1), c.value_support, c.value_h_transform).view(b, k_steps + 1, -1)
    prefix_targets = two_hot(batch["target_value_prefix"].reshape(-1), c.value_prefix_support, True).view(b, k_steps, -1)
    policy_targets = batch["target_policy"]

    latent = net.represent(first)
    value_logits, policy_logits = net.predict(latent)
    mask0 = masks[:, 0]
    value_loss = cross_entropy(value_logits, value_targets[:, 0]) * mask0
    policy_loss = cross_entropy(policy_logits, policy_targets[:, 0]) * mask0
    prefix_loss = torch.zeros(b)
    consistency_loss = torch.zeros(b)
    with torch.no_grad():
        priorities = (decode(value_logits.float(), c.value_support, c.value_h_transform) - batch["target_value"][:, 0]).abs() + 1e-6

    net.track_prediction_statistics(False)
    zeros = torch.zeros(b, c.lstm_hidden)
    hidden = cell = zeros
    for k in range(1, k_steps + 1):
        if k > 1 and (k - 1) % c.lstm_horizon == 0:
            hidden = cell = zeros
        next_latent, hidden, cell, prefix_logits = net.dynamics(latent, actions[:, k - 1], hidden, cell)
        latent = scale_gradient(next_latent, c.latent_grad_scale)
        value_logits, policy_logits = net.predict(latent)
        mask = masks[:, k]
        value_loss = value_loss + cross_entropy(value_logits, value_targets[:, k]) * mask
        policy_loss = policy_loss + cross_entropy(policy_logits, policy_targets[:, k]) * mask
        prefix_loss = prefix_loss + cross_entropy(prefix_logits, prefix_targets[:, k - 1]) * masks[:, k - 1]
        online = net.predictor(net.project(latent))
        similarity = F.cosine_similarity(online.float(), target_projection[:, k - 1].float(), dim=1, eps=1e-5)
        consistency_loss = consistency_loss - similarity * mask
    net.track_prediction_statistics(True)

    per_sample = (c.policy_weight * policy_loss + c.value_weight * value_loss +
                  c.value_prefix_weight * prefix_loss + c.consistency_weight * consistency_loss)
    weighted = (per_sample * batch["weights"]).mean()
    optimizer.zero_grad(set_to_none=True)
    (weighted / k_steps).backward()
    clip = c.grad_clip if c.grad_clip > 0 else float("inf")
    grad_norm = torch.nn.utils.clip_grad_norm_(net.parameters(), clip)
    lr = c.lr(step)
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return {
        "total": weighted.item(), "policy": policy_loss.mean().item(), "value": value_loss.mean().item(),
        "value_prefix": prefix_loss.mean().item(), "consistency": consistency_loss.mean().item(),
        "grad_norm": float(grad_norm), "lr": lr, "priorities": priorities,
    }


def make_optimizer(net, c, foreach):
    # The engine's SGD: momentum, L2 weight decay on every parameter (optimizer.cpp).
    return torch.optim.SGD(net.parameters(), lr=c.lr(0), momentum=c.momentum, weight_decay=c.weight_decay,
                           foreach=foreach)


# ---- Multiply-adds, counted on one pass (convs, linear layers, LSTM gemms; elementwise work is not counted) ----

class MacCounter:
    def __init__(self, net):
        self.forward = self.weight_grad = self.input_grad = 0
        self.handles = [m.register_forward_hook(self.hook) for m in net.modules()
                        if isinstance(m, (nn.Conv2d, nn.Linear, nn.LSTMCell))]

    def hook(self, module, inputs, output):
        x = inputs[0]
        grad = torch.is_grad_enabled()
        if isinstance(module, nn.Conv2d):
            kh, kw = module.kernel_size
            parts = [(output.numel() * module.in_channels // module.groups * kh * kw, x.requires_grad)]
        elif isinstance(module, nn.Linear):
            parts = [(output.numel() * module.in_features, x.requires_grad)]
        else:
            h = inputs[1][0]
            gates = x.size(0) * 4 * module.hidden_size
            parts = [(gates * module.input_size, x.requires_grad), (gates * module.hidden_size, h.requires_grad)]
        for macs, input_needs_grad in parts:
            self.forward += macs
            if grad:
                self.weight_grad += macs
                if input_needs_grad:
                    self.input_grad += macs

    def total(self):
        return self.forward + self.weight_grad + self.input_grad

    def close(self):
        for h in self.handles:
            h.remove()


def random_batch(c, b, generator):
    k = c.unroll
    return {
        "observations": torch.rand(b, k + 1, c.obs_size, generator=generator),
        "actions": torch.randint(0, c.actions, (b, k), generator=generator),
        "masks": torch.ones(b, k + 1),
        "target_value_prefix": -3 + 6 * torch.rand(b, k, generator=generator),
        "target_value": -10 + 20 * torch.rand(b, k + 1, generator=generator),
        "target_policy": torch.full((b, k + 1, c.actions), 1.0 / c.actions),
        "weights": 0.5 + 0.5 * torch.rand(b, generator=generator),
    }


def count_macs(c, batches, train_batch):
    """Multiply-adds per call: forward for inference; forward + backward (weight and input gradients) for training."""
    net = Network(c)
    generator = torch.Generator().manual_seed(0)
    result = {"initial": {}, "recurrent": {}}
    net.eval()
    with torch.no_grad():
        for b in batches:
            counter = MacCounter(net)
            InitialInference(net)(torch.rand(b, c.obs_size, generator=generator))
            result["initial"][str(b)] = counter.total()
            counter.close()
            counter = MacCounter(net)
            latent = torch.rand(b, c.channels, *c.obs_shape[1:], generator=generator)
            zeros = torch.zeros(b, c.lstm_hidden)
            RecurrentInference(net)(latent, torch.zeros(b, dtype=torch.long), zeros, zeros)
            result["recurrent"][str(b)] = counter.total()
            counter.close()
    counter = MacCounter(net)
    train_step(net, make_optimizer(net, c, False), random_batch(c, train_batch, generator), 0)
    result["train"] = {str(train_batch): counter.total(), "forward": counter.forward,
                       "weight_grad": counter.weight_grad, "input_grad": counter.input_grad}
    counter.close()
    return result


# ---- describe ----

def module_of(name):
    parts = name.split(".")
    return ".".join(parts[:2]) if parts[0] == "trunk" else parts[0]


def describe(c):
    net = Network(c)
    modules = {}
    for name, p in net.named_parameters():
        modules[module_of(name)] = modules.get(module_of(name), 0) + p.numel()
    return {
        "parameters": sum(p.numel() for p in net.parameters()),
        "parameters_per_module": modules,
        "shapes": {name: list(t.shape) for name, t in list(net.named_parameters()) + list(net.named_buffers())},
        "macs": count_macs(c, [1, 16, 256], 256),
    }


# ---- check: the engine's weights and outputs against this network ----

def read_array(directory, entry):
    import numpy as np
    dtype = {"f32": np.float32, "i32": np.int32}[entry["dtype"]]
    data = np.fromfile(os.path.join(directory, entry["file"]), dtype=dtype).reshape(entry["shape"])
    return torch.from_numpy(data.copy())


def engine_archive(path, with_archive=False):
    """The engine's ExportWeights bytes: 'SZWT', version, architecture fingerprint (16 bytes), then a
    libtorch archive, which torch.jit.load reads as a module holding every parameter and buffer by name."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"SZWT":
        raise SystemExit(f"{path}: not engine weights (magic {data[:4]!r})")
    archive = torch.jit.load(io.BytesIO(data[16:]), map_location="cpu")
    tensors = dict(archive.named_parameters())
    tensors.update(dict(archive.named_buffers()))
    return (tensors, archive) if with_archive else tensors


def load_engine_weights(net, path):
    engine, archive = engine_archive(path, with_archive=True)
    ours = dict(net.named_parameters())
    ours.update(dict(net.named_buffers()))
    problems = []
    for name in sorted(set(engine) | set(ours)):
        if name not in ours:
            problems.append(f"{name}: only in the engine")
        elif name not in engine:
            problems.append(f"{name}: only in PyTorch")
        elif list(engine[name].shape) != list(ours[name].shape):
            problems.append(f"{name}: engine {list(engine[name].shape)}, PyTorch {list(ours[name].shape)}")
    parameters = {name: t.numel() for name, t in archive.named_parameters()}
    if not problems:
        with torch.no_grad():
            for name, tensor in ours.items():
                tensor.copy_(engine[name])
    return problems, engine, parameters


def difference(ours, theirs):
    """Largest absolute difference, relative to the larger magnitude of the two (at least 1)."""
    ours = ours.double().reshape(-1)
    theirs = theirs.double().reshape(-1)
    scale = max(1.0, float(theirs.abs().max()), float(ours.abs().max())) if theirs.numel() else 1.0
    return float((ours - theirs).abs().max()) / scale if theirs.numel() else 0.0


def check(c, directory):
    with open(os.path.join(directory, "check.json")) as f:
        manifest = json.load(f)
    arrays = {name: read_array(directory, entry) for name, entry in manifest["arrays"].items()}
    net = Network(c)
    problems, engine_weights, engine_parameters = load_engine_weights(net, os.path.join(directory, manifest["weights_before"]))
    per_module, engine_per_module = {}, {}
    for name, p in net.named_parameters():
        per_module[module_of(name)] = per_module.get(module_of(name), 0) + p.numel()
    for name, n in engine_parameters.items():
        engine_per_module[module_of(name)] = engine_per_module.get(module_of(name), 0) + n
    if per_module != engine_per_module:
        problems.append("parameter counts per module differ")
    result = {"tensors": len(engine_weights), "shape_problems": problems,
              "parameters": sum(p.numel() for p in net.parameters()),
              "parameters_per_module": per_module, "engine_parameters_per_module": engine_per_module}
    if problems:
        result["equal"] = False
        return result

    # The engine trains in channels-last layout; so does this side here, with the same threads, so
    # that even float rounding mostly agrees (a train step is only piecewise smooth: min / max of
    # the latent and ReLU pick elements, and rounding can flip a pick).
    net.use_channels_last()
    diffs = {}
    net.eval()
    with torch.inference_mode():
        latent, value, policy = InitialInference(net)(arrays["observations"])
        diffs["initial latent"] = difference(latent, arrays["initial_latent"])
        diffs["initial value"] = difference(value, arrays["initial_value"])
        diffs["initial policy"] = difference(policy, arrays["initial_policy"])
        out = RecurrentInference(net)(arrays["latent"].view(-1, c.channels, *c.obs_shape[1:]),
                                      arrays["actions"].long(), arrays["hidden"], arrays["cell"])
        for name, tensor in zip(("latent", "hidden", "cell", "value prefix", "value", "policy"), out):
            diffs["recurrent " + name] = difference(tensor, arrays["recurrent_" + name.replace(" ", "_")])
    traced = trace_inference(net, arrays["observations"].shape[0], True)
    with torch.no_grad():
        t_latent, t_value, t_policy = traced["initial"](arrays["observations"])
        diffs["initial latent, jit freeze"] = difference(t_latent, arrays["initial_latent"])
        diffs["initial value, jit freeze"] = difference(t_value, arrays["initial_value"])

    # Train steps from the same weights with a fresh optimiser, batch by batch.
    optimizer = make_optimizer(net, c, False)
    for i in range(manifest["train_steps"]):
        batch = {key: arrays[f"train{i}_{key}"] for key in
                 ("observations", "masks", "target_value_prefix", "target_value", "target_policy", "weights")}
        batch["actions"] = arrays[f"train{i}_actions"].long()
        b = batch["actions"].shape[0]
        batch["observations"] = batch["observations"].view(b, c.unroll + 1, c.obs_size)
        batch["target_policy"] = batch["target_policy"].view(b, c.unroll + 1, c.actions)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=c.bfloat16):
            r = train_step(net, optimizer, batch, i)
        engine = manifest["train_results"][i]
        for key in ("total", "policy", "value", "value_prefix", "consistency", "grad_norm", "lr"):
            diffs[f"train {i + 1} {key}"] = abs(r[key] - engine[key]) / max(1.0, abs(engine[key]))
        diffs[f"train {i + 1} priorities"] = difference(r["priorities"], arrays[f"train{i}_priorities"])
        after = engine_archive(os.path.join(directory, f"weights_after{i}.bin"))
        ours = dict(net.named_parameters())
        ours.update(dict(net.named_buffers()))
        worst = max(ours, key=lambda n: difference(ours[n].detach(), after[n]))
        diffs[f"train {i + 1} weights after"] = difference(ours[worst].detach(), after[worst])
        result[f"train {i + 1} weights: largest difference in"] = worst
        # The next step starts from the engine's weights (this side keeps its own momentum): each
        # step is compared on its own. Chained, a step is only piecewise smooth (min / max picks,
        # ReLU), so the next one can amplify this step's rounding far beyond what either computes.
        with torch.no_grad():
            for name, tensor in ours.items():
                tensor.copy_(after[name])
    result["weights moved by training"] = max(difference(ours[n].detach(), engine_weights[n])
                                              for n in ours if ours[n].is_floating_point())
    result["differences"] = diffs
    # How large the compared engine outputs are (a difference relative to 1 says little about tiny ones).
    result["magnitudes"] = {name: float(arrays[name].abs().max()) for name in arrays
                            if name.startswith(("initial_", "recurrent_"))}
    tolerance = manifest.get("tolerance", 1e-3)
    result["tolerance"] = tolerance
    result["equal"] = all(v <= tolerance for v in diffs.values())
    return result


# ---- time ----

def seconds_per_call(action, budget, warmup):
    """Mean seconds per call after warm-up calls, over a time budget (bench Measure.SecondsPerCall)."""
    for _ in range(warmup):
        action()
    calls = 0
    batch = 1
    start = time.perf_counter()
    while time.perf_counter() - start < budget:
        for _ in range(batch):
            action()
        calls += batch
        if time.perf_counter() - start < budget / 100:
            batch *= 2
    return (time.perf_counter() - start) / calls


def trace_inference(net, b, channels_last):
    """torch.jit.trace + torch.jit.freeze (folds batch norm into the convs) of both inference calls."""
    c = net.c
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    obs = torch.rand(b, c.obs_size)
    latent = torch.rand(b, c.channels, *c.obs_shape[1:]).contiguous(memory_format=fmt)
    actions = torch.zeros(b, dtype=torch.long)
    h = torch.zeros(b, c.lstm_hidden)
    with torch.no_grad():
        initial = torch.jit.freeze(torch.jit.trace(InitialInference(net).eval(), (obs,)))
        recurrent = torch.jit.freeze(torch.jit.trace(RecurrentInference(net).eval(), (latent, actions, h, h)))
    return {"initial": initial, "recurrent": recurrent}


def measure_peak():
    """The CPU's float32 rate with the intra-op threads set, through the kernels libtorch has: oneDNN's
    inner product (torch.utils.mkldnn) and 3x3 convolution on large operands, OpenBLAS' gemm. GFLOP/s each."""
    from torch.utils import mkldnn
    rates = {}
    with torch.no_grad():
        for n in (1024, 2048):
            linear = mkldnn.to_mkldnn(nn.Linear(n, n, bias=False).eval())
            x = torch.rand(n, n).to_mkldnn()
            rates[f"oneDNN matmul {n}"] = 2 * n ** 3 / seconds_per_call(lambda: linear(x), 1.0, 3) / 1e9
        conv = mkldnn.to_mkldnn(nn.Conv2d(256, 256, 3, padding=1, bias=False).eval())
        x = torch.rand(64, 256, 10, 10).to_mkldnn()
        rates["oneDNN conv 3x3 256ch b=64 10x10"] = 2 * 64 * 100 * 256 * 256 * 9 / seconds_per_call(lambda: conv(x), 1.0, 3) / 1e9
        a, b = torch.rand(1024, 1024), torch.rand(1024, 1024)
        rates["OpenBLAS matmul 1024"] = 2 * 1024 ** 3 / seconds_per_call(lambda: torch.mm(a, b), 1.0, 3) / 1e9
    return rates


def measure_peak_bf16():
    """The CPU's bfloat16 rate through oneDNN (the kernels autocast reaches): GFLOP/s each."""
    rates = {}
    with torch.no_grad():
        for n in (1024, 2048):
            a, b = torch.rand(n, n).bfloat16(), torch.rand(n, n).bfloat16()
            rates[f"oneDNN bf16 matmul {n}"] = 2 * n ** 3 / seconds_per_call(lambda: torch.mm(a, b), 1.0, 3) / 1e9
    return rates


INFERENCE_VARIANTS = ("eager", "channels_last", "jit_freeze", "jit_freeze_channels_last")
TRAIN_VARIANTS = ("eager", "foreach", "foreach_channels_last")
# The engine's engine.precision bfloat16 counterpart: CPU autocast to bfloat16 (timed as "train_bf16").
TRAIN_BF16_VARIANTS = ("foreach_autocast_bf16", "foreach_channels_last_autocast_bf16")


def time_inference(c, batches, budget_scale, variants):
    figures = []
    for variant in variants:
        net = Network(c)
        if "channels_last" in variant:
            net.use_channels_last()
        net.eval()
        fmt = torch.channels_last if "channels_last" in variant else torch.contiguous_format
        for b in batches:
            generator = torch.Generator().manual_seed(b)
            obs = torch.rand(b, c.obs_size, generator=generator)
            latent = torch.rand(b, c.channels, *c.obs_shape[1:], generator=generator).contiguous(memory_format=fmt)
            actions = torch.randint(0, c.actions, (b,), generator=generator)
            hidden = torch.rand(b, c.lstm_hidden, generator=generator)
            cell = torch.rand(b, c.lstm_hidden, generator=generator)
            if variant.startswith("jit"):
                traced = trace_inference(net, b, "channels_last" in variant)
                initial, recurrent, context, warmup = traced["initial"], traced["recurrent"], torch.no_grad, 5
            else:
                initial, recurrent, context, warmup = InitialInference(net), RecurrentInference(net), torch.inference_mode, 3
            budget = (2.0 if b == 256 else 1.0) * budget_scale
            with context():
                t_initial = seconds_per_call(lambda: initial(obs), budget, warmup)
                t_recurrent = seconds_per_call(lambda: recurrent(latent, actions, hidden, cell), budget, warmup)
            figures.append({"call": "initial", "batch": b, "variant": variant, "seconds": t_initial})
            figures.append({"call": "recurrent", "batch": b, "variant": variant, "seconds": t_recurrent})
    return figures


def time_train(c, b, budget_scale, variants):
    figures = []
    for variant in variants:
        torch.manual_seed(0)
        net = Network(c)
        if "channels_last" in variant:
            net.use_channels_last()
        optimizer = make_optimizer(net, c, "foreach" in variant)
        batch = random_batch(c, b, torch.Generator().manual_seed(42))
        step = [0]

        bf16 = variant.endswith("autocast_bf16")

        def once():
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                train_step(net, optimizer, batch, step[0])
            step[0] += 1

        seconds = seconds_per_call(once, 8.0 * budget_scale, 2)
        figures.append({"call": "train_bf16" if bf16 else "train", "batch": b, "variant": variant, "seconds": seconds})
    return figures


def openblas_core():
    """OpenBLAS's kernels in this process (torch's libblas.so.3, the engine's too), or None for another BLAS."""
    try:
        corename = ctypes.CDLL("libblas.so.3").openblas_get_corename
    except (OSError, AttributeError):
        return None
    corename.restype = ctypes.c_char_p
    return corename().decode()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("describe", "check", "time"))
    parser.add_argument("--config", help="the engine's config text (default: the bench's reference network)")
    parser.add_argument("--threads", type=int, default=2, help="intra-op threads (default 2, the bench's)")
    parser.add_argument("--dir", help="check: the directory the bench wrote")
    parser.add_argument("--budget-scale", type=float, default=1.0, help="time: multiplies every time budget")
    parser.add_argument("--skip", default="", help="time: comma-separated parts to leave out (inference, train, train_bf16, peak)")
    parser.add_argument("--variants", default="", help="time: comma-separated variants to time (default: all)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    c = Config.load(args.config)
    if args.command == "describe":
        out = describe(c)
    elif args.command == "check":
        if not args.dir:
            raise SystemExit("check needs --dir")
        torch.manual_seed(0)
        out = check(c, args.dir)
    else:
        chosen = set(filter(None, args.variants.split(",")))
        skip = set(filter(None, args.skip.split(",")))
        figures = []
        if "inference" not in skip:
            figures += time_inference(c, [1, 16, 256], args.budget_scale,
                                      [v for v in INFERENCE_VARIANTS if not chosen or v in chosen])
        if "train" not in skip:
            figures += time_train(c, 256, args.budget_scale, [v for v in TRAIN_VARIANTS if not chosen or v in chosen])
        if "train_bf16" not in skip:
            figures += time_train(c, 256, args.budget_scale, [v for v in TRAIN_BF16_VARIANTS if not chosen or v in chosen])
        out = {"figures": figures}
        if "peak" not in skip:
            out["peak"] = measure_peak()
            if "train_bf16" not in skip:
                out["peak_bf16"] = measure_peak_bf16()
    out["torch"] = torch.__version__
    out["blas"] = openblas_core()
    out["threads"] = torch.get_num_threads()
    out["mkldnn"] = torch.backends.mkldnn.is_available()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
