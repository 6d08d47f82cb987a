"""SwinBench's own PyTorch SwinIR for inference: the peer the C# port is measured against.

Written from SwinBench's TorchSharp port (harness/Model/SwinIR.cs, Layers.cs, WindowOps.cs, MaskProvider.cs), with the
same decomposition and names: shallow conv -> RSTB stages of Swin blocks -> norm -> conv_after_body (+ long skip) ->
reconstruction head (pixelshuffle, pixelshuffledirect, nearest+conv, or none with the global residual). Module and
parameter names are the official state_dict keys, including the release files' buffers (relative_position_index and,
for shifted blocks, attn_mask at the training resolution), so a release file loads with load_state_dict(strict=True).

Variants are constructor options, as in ModelOptions: mask="perblock" (every shifted block builds its mask from the
current H/W on the host each forward, the official behaviour), "hoisted" (one mask per size, built once and shared
by all blocks) or "traced" (for torch.compile with dynamic shapes: each forward builds one mask per window/shift on the
device with tensor ops from the padded size, shared by all blocks, and always pads, so the forward pass takes no
branch that depends on H or W); the precision is the dtype the caller moves the model to (model.half()).

Only torch is needed (no numpy): golden .npy files are read by read_npy.
"""

import ast
import json
import math
import os
import struct

import torch
import torch.nn.functional as F
from torch import nn

UPSAMPLERS = ("pixelshuffle", "pixelshuffledirect", "nearest+conv", "")
RESI_CONNECTIONS = ("1conv", "3conv")
NUM_FEAT = 64
RGB_MEAN = (0.4488, 0.4371, 0.4040)
CONFIG_KEYS = ("upscale", "in_chans", "img_size", "window_size", "img_range", "depths", "embed_dim", "num_heads",
               "mlp_ratio", "upsampler", "resi_connection")
MASK_MODES = ("perblock", "hoisted", "traced")


class ConfigError(ValueError):
    """A bad model configuration; the message names the key."""


def validate_config(cfg):
    """Checks a config dict with the official keys (SwinIRConfig.Validate); returns it with defaults filled in."""
    if not isinstance(cfg, dict):
        raise ConfigError(f"config must be a JSON object, got {type(cfg).__name__}")
    unknown = sorted(set(cfg) - set(CONFIG_KEYS))
    if unknown:
        raise ConfigError(f"unknown config key(s): {', '.join(unknown)}; known keys: {', '.join(CONFIG_KEYS)}")
    c = dict(upscale=2, in_chans=3, img_size=64, window_size=8, img_range=1.0, depths=[6, 6, 6, 6], embed_dim=60,
             num_heads=[6, 6, 6, 6], mlp_ratio=2.0, upsampler="", resi_connection="1conv")
    c.update(cfg)
    for key in ("upscale", "in_chans", "img_size", "window_size", "embed_dim"):
        if not isinstance(c[key], int) or c[key] < 1:
            raise ConfigError(f"{key} must be an integer >= 1, got {c[key]!r}")
    if not isinstance(c["img_range"], (int, float)) or not (0 < c["img_range"] < math.inf):
        raise ConfigError(f"img_range must be a positive number, got {c['img_range']!r}")
    if not isinstance(c["depths"], list) or not c["depths"] or any(not isinstance(d, int) or d < 1 for d in c["depths"]):
        raise ConfigError(f"depths must be a non-empty list of integers >= 1, got {c['depths']!r}")
    if not isinstance(c["num_heads"], list) or len(c["num_heads"]) != len(c["depths"]):
        raise ConfigError(f"num_heads must have one entry per stage ({len(c['depths'])}), got {c['num_heads']!r}")
    for h in c["num_heads"]:
        if not isinstance(h, int) or h < 1 or c["embed_dim"] % h != 0:
            raise ConfigError(f"embed_dim {c['embed_dim']} must be divisible by every num_heads entry, got {h!r}")
    if not isinstance(c["mlp_ratio"], (int, float)) or not c["mlp_ratio"] > 0:
        raise ConfigError(f"mlp_ratio must be > 0, got {c['mlp_ratio']!r}")
    if c["upsampler"] not in UPSAMPLERS:
        raise ConfigError(f"upsampler {c['upsampler']!r} is not one of: pixelshuffle, pixelshuffledirect, nearest+conv, \"\" (none)")
    if c["resi_connection"] not in RESI_CONNECTIONS:
        raise ConfigError(f"resi_connection {c['resi_connection']!r} is not one of: 1conv, 3conv")
    if c["resi_connection"] == "3conv" and c["embed_dim"] % 4 != 0:
        raise ConfigError(f"resi_connection 3conv needs embed_dim divisible by 4, got {c['embed_dim']}")
    s = c["upscale"]
    if c["upsampler"] == "pixelshuffle" and not (s & (s - 1) == 0 or s == 3):
        raise ConfigError(f"upscale {s} is not supported by pixelshuffle (2^n or 3)")
    if c["upsampler"] == "nearest+conv" and s != 4:
        raise ConfigError(f"upscale {s} is not supported by nearest+conv (x4 only)")
    return c


# ---------------------------------------------------------------------------------------------------------------------
# window operations (WindowOps.cs)

def window_partition(x, ws):
    """(B, H, W, C) -> (B*nW, ws, ws, C)."""
    b, h, w, c = x.shape
    return x.view(b, h // ws, ws, w // ws, ws, c).permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, ws, ws, c)


def window_reverse(windows, ws, h, w):
    """(B*nW, ws, ws, C) -> (B, H, W, C)."""
    b = windows.shape[0] // (h * w // ws // ws)
    return windows.view(b, h // ws, w // ws, ws, ws, -1).permute(0, 1, 3, 2, 4, 5).contiguous().view(b, h, w, -1)


def _regions(n, ws, shift):
    """The three [start, end) ranges that split one side of the rolled map: 0:-ws, -ws:-shift, -shift:."""
    return ((0, max(0, n - ws)), (max(0, n - ws), max(0, n - shift)), (max(0, n - shift), n))


def shifted_window_mask(h, w, ws, shift):
    """(nW, N, N) float32 on the CPU: 0 where two tokens of a window come from the same region, -100 elsewhere."""
    ids = torch.zeros(1, h, w, 1)
    region = 0
    for h0, h1 in _regions(h, ws, shift):
        for w0, w1 in _regions(w, ws, shift):
            ids[:, h0:h1, w0:w1, :] = region
            region += 1
    mw = window_partition(ids, ws).view(-1, ws * ws)
    diff = mw.unsqueeze(1) - mw.unsqueeze(2)
    return diff.ne(0).float() * -100.0


def _side_regions(n, ws, shift, device):
    """(n,) int64: the region (0, 1, 2) of each position along one side of the rolled map, as _regions splits it."""
    i = torch.arange(n, device=device)
    return (i >= n - ws).long() + (i >= n - shift).long()


def traced_window_mask(h, w, ws, shift, dtype, device):
    """shifted_window_mask built on the device with tensor ops only (same values, in dtype), so h and w may be
    symbolic sizes of a torch.compile graph with dynamic shapes."""
    ids = (_side_regions(h, ws, shift, device)[:, None] * 3 + _side_regions(w, ws, shift, device)[None, :]).view(1, h, w, 1)
    mw = window_partition(ids, ws).view(-1, ws * ws)
    return (mw.unsqueeze(1) - mw.unsqueeze(2)).ne(0).to(dtype) * -100.0


def relative_position_index(ws):
    """(N, N) int64: entry (i, j) is the bias-table row of the offset between tokens i and j of a ws x ws window."""
    coords = torch.stack(torch.meshgrid(torch.arange(ws), torch.arange(ws), indexing="ij")).flatten(1)  # (2, N)
    rel = coords[:, :, None] - coords[:, None, :] + (ws - 1)  # (2, N, N): dy, dx shifted to >= 0
    return rel[0] * (2 * ws - 1) + rel[1]


class MaskProvider(nn.Module):
    """Gives each shifted block its mask: "perblock" builds one per call on the host (official), "hoisted" keeps one per
    (H, W, window, shift) as a non-persistent buffer (not in the state_dict; moves and casts with the model). In
    "traced" mode SwinIR.forward_features builds the masks itself (forward_masks) and passes them to the blocks."""

    def __init__(self, mode):
        super().__init__()
        if mode not in MASK_MODES:
            raise ConfigError(f"mask mode {mode!r} is not one of: {', '.join(MASK_MODES)}")
        self.mode = mode
        self.masks_built = 0

    def get(self, h, w, ws, shift, dtype, device):
        if self.mode == "traced":
            return traced_window_mask(h, w, ws, shift, dtype, device)
        if self.mode == "perblock":
            self.masks_built += 1
            return shifted_window_mask(h, w, ws, shift).to(dtype=dtype, device=device)
        name = f"mask_{h}_{w}_{ws}_{shift}"
        cached = getattr(self, name, None)
        if cached is None or cached.dtype != dtype or cached.device != device:
            cached = shifted_window_mask(h, w, ws, shift).to(dtype=dtype, device=device)
            self.register_buffer(name, cached, persistent=False)
            self.masks_built += 1
        return cached


# ---------------------------------------------------------------------------------------------------------------------
# layers (Layers.cs)

class Mlp(nn.Module):
    """fc1 -> GELU -> fc2."""

    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class WindowAttention(nn.Module):
    """Window multi-head self-attention with a learned relative position bias. x: (B*nW, N, C); mask: (nW, N, N) or None."""

    def __init__(self, dim, window_size, heads):
        super().__init__()
        self.window_size = window_size
        self.num_heads = heads
        self.scale = (dim // heads) ** -0.5
        self.relative_position_bias_table = nn.Parameter(torch.zeros((2 * window_size - 1) ** 2, heads))
        self.register_buffer("relative_position_index", relative_position_index(window_size))
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, mask=None):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.num_heads, c // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0] * self.scale, qkv[1], qkv[2]
        scores = q @ k.transpose(-2, -1)
        bias = self.relative_position_bias_table[self.relative_position_index.view(-1)].view(n, n, -1)
        scores = scores + bias.permute(2, 0, 1).contiguous().unsqueeze(0)
        if mask is not None:
            nw = mask.shape[0]
            scores = (scores.view(b // nw, nw, self.num_heads, n, n) + mask.unsqueeze(1).unsqueeze(0)).view(-1, self.num_heads, n, n)
        attn = scores.softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))


class SwinTransformerBlock(nn.Module):
    """(Shifted) window attention and MLP, each with pre-LayerNorm and a residual. A window not smaller than the
    training resolution shrinks to it and stops shifting; shifted blocks carry the release files' attn_mask buffer
    (the mask at the training resolution), which the forward pass never reads: masks come from the MaskProvider."""

    def __init__(self, dim, input_resolution, heads, window_size, shift_size, mlp_ratio):
        super().__init__()
        if input_resolution <= window_size:
            shift_size = 0
            window_size = input_resolution
        self.window_size = window_size
        self.shift_size = shift_size
        self.norm1 = nn.LayerNorm(dim)
        self.attn = WindowAttention(dim, window_size, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))
        mask = shifted_window_mask(input_resolution, input_resolution, window_size, shift_size) if shift_size > 0 else None
        self.register_buffer("attn_mask", mask)

    def forward(self, x, h, w, masks):
        b, _, c = x.shape
        ws, shift = self.window_size, self.shift_size
        y = self.norm1(x).view(b, h, w, c)
        if shift > 0:
            y = torch.roll(y, shifts=(-shift, -shift), dims=(1, 2))
        windows = window_partition(y, ws).view(-1, ws * ws, c)
        mask = None
        if shift > 0:
            mask = masks[(ws, shift)] if isinstance(masks, dict) else masks.get(h, w, ws, shift, x.dtype, x.device)
        back = window_reverse(self.attn(windows, mask).view(-1, ws, ws, c), ws, h, w)
        if shift > 0:
            back = torch.roll(back, shifts=(shift, shift), dims=(1, 2))
        x = x + back.view(b, h * w, c)
        return x + self.mlp(self.norm2(x))


class BasicLayer(nn.Module):
    """The blocks of one stage; odd blocks are shifted by half a window."""

    def __init__(self, dim, input_resolution, depth, heads, window_size, mlp_ratio):
        super().__init__()
        self.blocks = nn.ModuleList(
            SwinTransformerBlock(dim, input_resolution, heads, window_size, 0 if i % 2 == 0 else window_size // 2, mlp_ratio)
            for i in range(depth))

    def forward(self, x, h, w, masks):
        for block in self.blocks:
            x = block(x, h, w, masks)
        return x


def tokens_from_image(x):
    """(B, C, H, W) -> (B, H*W, C)."""
    return x.flatten(2).transpose(1, 2)


def tokens_to_image(x, h, w):
    """(B, H*W, C) -> (B, C, H, W)."""
    return x.transpose(1, 2).view(x.shape[0], x.shape[2], h, w)


def residual_conv(dim, resi_connection):
    """The conv closing a stage and the body: one 3x3 conv, or 3x3 -> 1x1 -> 3x3 through dim/4 channels."""
    if resi_connection == "1conv":
        return nn.Conv2d(dim, dim, 3, 1, 1)
    return nn.Sequential(
        nn.Conv2d(dim, dim // 4, 3, 1, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(dim // 4, dim // 4, 1, 1, 0), nn.LeakyReLU(0.2),
        nn.Conv2d(dim // 4, dim, 3, 1, 1))


class RSTB(nn.Module):
    """Residual Swin Transformer Block: a stage of Swin blocks, a conv, and a long residual. x: (B, H*W, C)."""

    def __init__(self, dim, input_resolution, depth, heads, window_size, mlp_ratio, resi_connection):
        super().__init__()
        self.residual_group = BasicLayer(dim, input_resolution, depth, heads, window_size, mlp_ratio)
        self.conv = residual_conv(dim, resi_connection)

    def forward(self, x, h, w, masks):
        y = self.residual_group(x, h, w, masks)
        return tokens_from_image(self.conv(tokens_to_image(y, h, w))) + x


class PatchEmbed(nn.Module):
    """Patch size 1: (B, C, H, W) -> LayerNorm over the (B, H*W, C) tokens."""

    def __init__(self, dim):
        super().__init__()
        self.norm = nn.LayerNorm(dim)

    def forward(self, x):
        return self.norm(tokens_from_image(x))


def pixelshuffle_head(scale, feat):
    """log2(scale) x (conv to 4*feat, PixelShuffle(2)), or conv to 9*feat + PixelShuffle(3)."""
    mods = []
    if scale == 3:
        mods += [nn.Conv2d(feat, 9 * feat, 3, 1, 1), nn.PixelShuffle(3)]
    else:
        s = scale
        while s > 1:
            mods += [nn.Conv2d(feat, 4 * feat, 3, 1, 1), nn.PixelShuffle(2)]
            s //= 2
    return nn.Sequential(*mods)


class SwinIR(nn.Module):
    """SwinIR for inference. Input (N, in_chans, H, W) in [0, 1] of the model's dtype; output (N, in_chans, H*s, W*s)."""

    def __init__(self, config, mask="perblock"):
        super().__init__()
        c = validate_config(config)
        self.config = c
        dim = c["embed_dim"]
        self.window_size = c["window_size"]
        self.img_range = float(c["img_range"])
        self.upsampler = c["upsampler"]
        self.scale = c["upscale"] if c["upsampler"] else 1
        self.masks = MaskProvider(mask)
        mean = RGB_MEAN if c["in_chans"] == 3 else (0.0,) * c["in_chans"]
        self.register_buffer("mean", torch.tensor(mean).view(1, c["in_chans"], 1, 1), persistent=False)

        self.conv_first = nn.Conv2d(c["in_chans"], dim, 3, 1, 1)
        self.patch_embed = PatchEmbed(dim)
        self.layers = nn.ModuleList(
            RSTB(dim, c["img_size"], d, heads, c["window_size"], c["mlp_ratio"], c["resi_connection"])
            for d, heads in zip(c["depths"], c["num_heads"]))
        self.norm = nn.LayerNorm(dim)
        self.conv_after_body = residual_conv(dim, c["resi_connection"])

        if self.upsampler == "pixelshuffle":
            self.conv_before_upsample = nn.Sequential(nn.Conv2d(dim, NUM_FEAT, 3, 1, 1), nn.LeakyReLU(0.01))
            self.upsample = pixelshuffle_head(c["upscale"], NUM_FEAT)
            self.conv_last = nn.Conv2d(NUM_FEAT, c["in_chans"], 3, 1, 1)
        elif self.upsampler == "pixelshuffledirect":
            s = c["upscale"]
            self.upsample = nn.Sequential(nn.Conv2d(dim, s * s * c["in_chans"], 3, 1, 1), nn.PixelShuffle(s))
        elif self.upsampler == "nearest+conv":
            self.conv_before_upsample = nn.Sequential(nn.Conv2d(dim, NUM_FEAT, 3, 1, 1), nn.LeakyReLU(0.01))
            self.conv_up1 = nn.Conv2d(NUM_FEAT, NUM_FEAT, 3, 1, 1)
            self.conv_up2 = nn.Conv2d(NUM_FEAT, NUM_FEAT, 3, 1, 1)
            self.conv_hr = nn.Conv2d(NUM_FEAT, NUM_FEAT, 3, 1, 1)
            self.conv_last = nn.Conv2d(NUM_FEAT, c["in_chans"], 3, 1, 1)
        else:
            self.conv_last = nn.Conv2d(dim, c["in_chans"], 3, 1, 1)
        self._shifted_windows = tuple(self.shifted_windows)

    @property
    def min_input_side(self):
        """Smallest side the reflect padding to a window multiple accepts."""
        return self.window_size // 2 + 1

    @property
    def shifted_windows(self):
        """The distinct (window, shift) pairs of the shifted blocks."""
        return sorted({(b.window_size, b.shift_size) for layer in self.layers for b in layer.residual_group.blocks
                       if b.shift_size > 0})

    def forward_masks(self, h, w, dtype, device):
        """What the blocks get their masks from: the MaskProvider, or in "traced" mode a dict of one mask per
        (window, shift) built for this forward pass."""
        if self.masks.mode != "traced":
            return self.masks
        masks = {}
        for ws, shift in self._shifted_windows:
            masks[(ws, shift)] = traced_window_mask(h, w, ws, shift, dtype, device)
        return masks

    def forward_features(self, x):
        h, w = x.shape[2], x.shape[3]
        t = self.patch_embed(x)
        masks = self.forward_masks(h, w, t.dtype, t.device)
        for layer in self.layers:
            t = layer(t, h, w, masks)
        return tokens_to_image(self.norm(t), h, w)

    def forward(self, x):
        if x.dim() != 4:
            raise ValueError(f"input must be 4-D (N, C, H, W), got shape {list(x.shape)}")
        if x.shape[1] != self.config["in_chans"]:
            raise ValueError(f"input has {x.shape[1]} channels, the model expects in_chans = {self.config['in_chans']}")
        h, w = x.shape[2], x.shape[3]
        ws = self.window_size
        pad_h, pad_w = (ws - h % ws) % ws, (ws - w % ws) % ws
        if pad_h >= h or pad_w >= w:
            raise ValueError(f"input {h}x{w} is too small: reflect padding to a multiple of window {ws} needs each side >= {self.min_input_side}")
        if self.masks.mode == "traced" or pad_h or pad_w:  # traced: no branch on H or W (a zero pad is a copy)
            x = F.pad(x, (0, pad_w, 0, pad_h), mode="reflect")
        mean = self.mean.to(x.dtype)
        x = (x - mean) * self.img_range

        if self.upsampler == "pixelshuffle":
            f = self.conv_first(x)
            f = self.conv_after_body(self.forward_features(f)) + f
            y = self.conv_last(self.upsample(self.conv_before_upsample(f)))
        elif self.upsampler == "pixelshuffledirect":
            f = self.conv_first(x)
            f = self.conv_after_body(self.forward_features(f)) + f
            y = self.upsample(f)
        elif self.upsampler == "nearest+conv":
            f = self.conv_first(x)
            f = self.conv_after_body(self.forward_features(f)) + f
            f = self.conv_before_upsample(f)
            f = F.leaky_relu(self.conv_up1(F.interpolate(f, scale_factor=2, mode="nearest")), 0.2)
            f = F.leaky_relu(self.conv_up2(F.interpolate(f, scale_factor=2, mode="nearest")), 0.2)
            y = self.conv_last(F.leaky_relu(self.conv_hr(f), 0.2))
        else:
            first = self.conv_first(x)
            res = self.conv_after_body(self.forward_features(first)) + first
            y = x + self.conv_last(res)
        y = y / self.img_range + mean
        return y[:, :, :h * self.scale, :w * self.scale]


# ---------------------------------------------------------------------------------------------------------------------
# weights

WRAP_KEYS = ("params", "params_ema", "state_dict")


def seeded_init(model, seed):
    """The official initialization scheme, seeded (as ModelFactory.CreateRandom): convolutions PyTorch's default, Linear
    weights and relative position bias tables ~ truncated N(0, 0.02), Linear biases 0, LayerNorm 1/0. The same
    distributions as the C# port's seeded init, not the same values (the draws come in another order)."""
    gen_state = torch.random.get_rng_state()
    try:
        torch.manual_seed(seed)
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, nn.Linear):
                    nn.init.trunc_normal_(m.weight, std=0.02)
                    nn.init.zeros_(m.bias)
                elif isinstance(m, (nn.Conv2d, nn.LayerNorm)):
                    m.reset_parameters()
            for name, p in model.named_parameters():
                if name.endswith("relative_position_bias_table"):
                    nn.init.trunc_normal_(p, std=0.02)
    finally:
        torch.random.set_rng_state(gen_state)
    return model


def load_checkpoint(model, path, wrap_key=None):
    """Loads an official release file strictly. wrap_key: 'params', 'params_ema', 'state_dict', '' (none) or None
    (detect). Raises ValueError naming the file and the missing/unexpected keys."""
    if not os.path.isfile(path):
        raise ValueError(f"weights file not found: {path}")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except TypeError:  # torch without weights_only
        obj = torch.load(path, map_location="cpu")
    except Exception as e:  # noqa: BLE001 - any unpickling failure is reported with the file name
        raise ValueError(f"{path}: cannot be read as a torch checkpoint: {e}") from None
    if not isinstance(obj, dict):
        raise ValueError(f"{path}: expected a dict of tensors, got {type(obj).__name__}")
    if wrap_key is None:
        wrap_key = next((k for k in WRAP_KEYS if isinstance(obj.get(k), dict)), "")
    if wrap_key:
        if not isinstance(obj.get(wrap_key), dict):
            raise ValueError(f"{path}: wrap key '{wrap_key}' not found; top-level keys: {', '.join(sorted(map(str, obj)))[:300]}")
        obj = obj[wrap_key]
    result = model.load_state_dict(obj, strict=False)
    problems = []
    if result.missing_keys:
        problems.append(f"missing keys: {', '.join(result.missing_keys[:10])}" + (" ..." if len(result.missing_keys) > 10 else ""))
    if result.unexpected_keys:
        problems.append(f"unexpected keys: {', '.join(result.unexpected_keys[:10])}" + (" ..." if len(result.unexpected_keys) > 10 else ""))
    if problems:
        raise ValueError(f"{path}: state_dict does not match the config: {'; '.join(problems)}")
    return model


# ---------------------------------------------------------------------------------------------------------------------
# .npy (float32/float64, C order) without numpy

_NPY_DTYPES = {"<f4": (torch.float32, 4), "<f8": (torch.float64, 8)}


def read_npy(path):
    """Reads a little-endian float32/float64 C-order .npy file into a float32 tensor."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x93NUMPY":
        raise ValueError(f"{path}: not a .npy file")
    major = data[6]
    if major == 1:
        (hlen,), start = struct.unpack("<H", data[8:10]), 10
    elif major in (2, 3):
        (hlen,), start = struct.unpack("<I", data[8:12]), 12
    else:
        raise ValueError(f"{path}: unsupported .npy version {major}")
    header = ast.literal_eval(data[start:start + hlen].decode("latin1"))
    descr, fortran, shape = header.get("descr"), header.get("fortran_order"), tuple(header.get("shape", ()))
    if descr not in _NPY_DTYPES or fortran:
        raise ValueError(f"{path}: unsupported .npy layout (dtype {descr}, fortran_order {fortran}); need <f4/<f8, C order")
    dtype, size = _NPY_DTYPES[descr]
    count = math.prod(shape)
    payload = data[start + hlen:]
    if len(payload) != count * size:
        raise ValueError(f"{path}: {len(payload)} data bytes, shape {list(shape)} needs {count * size}")
    t = torch.frombuffer(bytearray(payload), dtype=dtype) if count else torch.zeros(0, dtype=dtype)
    return t.reshape(shape).float()


def write_npy(path, tensor):
    """Writes a tensor as a little-endian float32 C-order .npy file (version 1.0)."""
    t = tensor.detach().to(torch.float32).contiguous().cpu()
    shape = tuple(t.shape)
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }" % (shape,)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    payload = t.numpy().tobytes() if hasattr(t, "numpy") and _has_numpy() else _float32_bytes(t)
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + payload)


def _has_numpy():
    try:
        import numpy  # noqa: F401
        return True
    except ImportError:
        return False


def _float32_bytes(t):
    return struct.pack(f"<{t.numel()}f", *t.flatten().tolist())


# Tiny configs of the architectures the official golden fixtures do not cover: real-SR nearest+conv with 3conv,
# grayscale denoising, JPEG (window 7, img_range 255), pixelshuffle x3 and x8.
PEER_FIXTURES = {
    "peer_realsr_x4_3conv": (dict(upscale=4, in_chans=3, img_size=16, window_size=8, img_range=1.0, depths=[2], embed_dim=24,
                                  num_heads=[6], mlp_ratio=2, upsampler="nearest+conv", resi_connection="3conv"), [(12, 20)]),
    "peer_gray_dn": (dict(upscale=1, in_chans=1, img_size=32, window_size=8, img_range=1.0, depths=[2, 2], embed_dim=24,
                          num_heads=[6, 6], mlp_ratio=2, upsampler="", resi_connection="1conv"), [(19, 27)]),
    "peer_color_jpeg": (dict(upscale=1, in_chans=3, img_size=14, window_size=7, img_range=255.0, depths=[2], embed_dim=24,
                             num_heads=[6], mlp_ratio=2, upsampler="", resi_connection="1conv"), [(21, 25)]),
    "peer_classical_x3": (dict(upscale=3, in_chans=3, img_size=16, window_size=8, img_range=1.0, depths=[2], embed_dim=24,
                               num_heads=[6], mlp_ratio=2, upsampler="pixelshuffle", resi_connection="1conv"), [(16, 13)]),
    "peer_classical_x8": (dict(upscale=8, in_chans=3, img_size=16, window_size=8, img_range=1.0, depths=[2], embed_dim=24,
                               num_heads=[6], mlp_ratio=2, upsampler="pixelshuffle", resi_connection="1conv"), [(9, 16)]),
}


def export_fixtures(out_dir, seed=0):
    """Writes PEER_FIXTURES as a fixture folder in the golden format (index.json, <name>.pth with the weights under
    'params', <name>_<H>x<W>_in/out.npy): this model's FP32 CPU outputs for a seeded init with every parameter
    perturbed, for the C# port to match."""
    os.makedirs(out_dir, exist_ok=True)
    set_tf32(False)
    index = {"_about": "Outputs of SwinBench's PyTorch SwinIR (peers/swinir_torch.py) on CPU in float32, seeded perturbed weights."}
    for i, (name, (cfg, sizes)) in enumerate(PEER_FIXTURES.items()):
        model = seeded_init(SwinIR(cfg, mask="perblock"), seed + i).eval()
        gen = torch.Generator().manual_seed(seed + 100 + i)
        with torch.no_grad():  # every parameter perturbed (biases, LayerNorms), so each one matters to the outputs
            for p in model.parameters():
                p.add_(torch.randn(p.shape, generator=gen) * 0.02)
        torch.save({"params": model.state_dict()}, os.path.join(out_dir, name + ".pth"))
        cases = []
        for h, w in sizes:
            x = torch.rand(1, cfg["in_chans"], h, w, generator=gen)
            with torch.no_grad():
                y = model(x)
            stem = f"{name}_{h}x{w}"
            write_npy(os.path.join(out_dir, stem + "_in.npy"), x)
            write_npy(os.path.join(out_dir, stem + "_out.npy"), y)
            cases.append(dict(input=stem + "_in.npy", output=stem + "_out.npy", H=h, W=w, out_shape=list(y.shape)))
        index[name] = dict(config=cfg, wrap_key="params", cases=cases)
    with open(os.path.join(out_dir, "index.json"), "w", encoding="utf-8") as f:
        json.dump(index, f, indent=1)
    return index


# ---------------------------------------------------------------------------------------------------------------------
# golden check

GOLDEN_TOLERANCE = 1e-4


def default_golden_dir():
    """tests/fixtures/golden of the checkout if present, else ../shared/fixtures/golden (or $SWINBENCH_SHARED)."""
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    local = os.path.join(repo, "tests", "fixtures", "golden")
    if os.path.isfile(os.path.join(local, "index.json")):
        return local
    shared = os.environ.get("SWINBENCH_SHARED") or os.path.join(os.path.dirname(repo), "shared")
    return os.path.join(shared, "fixtures", "golden")


def golden_check(golden_dir=None, masks=MASK_MODES, device="cpu", tolerance=GOLDEN_TOLERANCE):
    """Runs every golden fixture in FP32 (TF32 off) in each mask mode; returns a list of
    {"model", "case", "mask", "max_abs_diff", "ok"} and raises ValueError when the fixtures cannot be read."""
    golden_dir = golden_dir or default_golden_dir()
    index_path = os.path.join(golden_dir, "index.json")
    if not os.path.isfile(index_path):
        raise ValueError(f"golden fixtures not found: {index_path}")
    with open(index_path, encoding="utf-8") as f:
        index = json.load(f)
    set_tf32(False)
    results = []
    for name, entry in index.items():
        if not isinstance(entry, dict):
            continue  # comments such as "_about"
        for mode in masks:
            model = SwinIR(entry["config"], mask=mode)
            load_checkpoint(model, os.path.join(golden_dir, name + ".pth"), entry.get("wrap_key") or "")
            model = model.to(device).eval()
            for case in entry["cases"]:
                x = read_npy(os.path.join(golden_dir, case["input"]))
                ref = read_npy(os.path.join(golden_dir, case["output"]))
                if x.dim() == 3:
                    x, ref = x.unsqueeze(0), ref.unsqueeze(0)
                with torch.no_grad():
                    y = model(x.to(device)).float().cpu()
                if tuple(y.shape) != tuple(ref.shape):
                    raise ValueError(f"{name} {case['input']}: output shape {list(y.shape)} but the fixture has {list(ref.shape)}")
                diff = (y - ref).abs().max().item()
                results.append(dict(model=name, case=case["input"], mask=mode, max_abs_diff=diff,
                                    ok=bool(diff <= tolerance)))
    return results


def set_tf32(enabled):
    """TF32 for matmuls and convolutions on or off (no effect without CUDA)."""
    torch.backends.cuda.matmul.allow_tf32 = enabled
    torch.backends.cudnn.allow_tf32 = enabled


def _main():
    import argparse
    p = argparse.ArgumentParser(description="golden check of SwinBench's PyTorch SwinIR")
    p.add_argument("--golden", default=None, help="fixture folder (default: tests/fixtures/golden or ../shared/fixtures/golden)")
    p.add_argument("--device", default="cpu")
    p.add_argument("--export", metavar="DIR", help="instead: write the peer fixtures (architectures the official ones lack) to DIR")
    a = p.parse_args()
    if a.export:
        export_fixtures(a.export)
        print(f"peer fixtures written to {a.export}")
        return 0
    results = golden_check(a.golden, device=a.device)
    for r in results:
        print(f"{'ok  ' if r['ok'] else 'FAIL'} {r['model']:<26} {r['case']:<40} {r['mask']:<9} max|d| = {r['max_abs_diff']:.3e}")
    failed = [r for r in results if not r["ok"]]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(_main())
