"""Export the test/benchmark models with PyTorch (random weights, eval mode).

PyTorch is needed only here, never to run polytile. Run it in an environment
with torch and torchvision installed:

    python scripts/export_models.py --out test/models            # the small ones kept in the repo
    python scripts/export_models.py --out ~/.cache/polytile --large   # + ResNet-50 (~100 MB)
    python scripts/export_models.py --bench        # the six models of bench_models.py's default set
    python scripts/export_models.py --wide         # the wider set (bench_models.py --set wide), ~3 GB
    python scripts/export_models.py --bench --wide --only deit_tiny swin_t   # some of them

Models:
  mobilenet_v2.onnx   torchvision MobileNet-v2 (width 1.0), 1x3x224x224, ~14 MB,
                      BatchNorm statistics calibrated on random batches
  bert_encoder.onnx   a BERT-style encoder (2 layers, hidden 128, 4 heads, seq 128,
                      token embeddings, LayerNorm, GELU(erf)), int64 input_ids
  resnet50.onnx       torchvision ResNet-50, 1x3x224x224 (--large only)

--bench and --wide export image classifiers (torchvision, and timm where it is
installed) with random weights, eval mode, BatchNorm statistics calibrated on
random batches like mobilenet_v2, input "input" 1x3xSxS (S = 224, 299 for
inception_v3), output "logits", opset 17 with the TorchScript exporter. They go
to ``--out``, by default $POLYTILE_MODEL_DIR or ~/.cache/polytile/models (not the
repository: they are big), as <name>.onnx, which is where bench/models.py looks.
A model that fails to export is skipped, and listed at the end with its error.
Weight matrices that the model's own init leaves at zero (e.g. ViT heads) are
drawn at random, so that the logits are not all zero.
"""
from __future__ import annotations

import argparse
import math
import os

import torch
from torch import nn


class SelfAttention(nn.Module):
    def __init__(self, hidden: int, heads: int):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.out = nn.Linear(hidden, hidden)

    def forward(self, x, mask):
        b, s, h = x.shape
        q, k, v = self.qkv(x).split(h, dim=-1)

        def heads(t):
            return t.reshape(b, s, self.heads, h // self.heads).transpose(1, 2)

        q, k, v = heads(q), heads(k), heads(v)
        scores = q @ k.transpose(-1, -2) / math.sqrt(h // self.heads) + mask
        context = torch.softmax(scores, dim=-1) @ v
        return self.out(context.transpose(1, 2).reshape(b, s, h))


class EncoderLayer(nn.Module):
    def __init__(self, hidden: int, heads: int, ffn: int):
        super().__init__()
        self.attention = SelfAttention(hidden, heads)
        self.norm1 = nn.LayerNorm(hidden)
        self.ffn = nn.Sequential(nn.Linear(hidden, ffn), nn.GELU(), nn.Linear(ffn, hidden))
        self.norm2 = nn.LayerNorm(hidden)

    def forward(self, x, mask):
        x = self.norm1(x + self.attention(x, mask))
        return self.norm2(x + self.ffn(x))


class BertEncoder(nn.Module):
    def __init__(self, vocab=1000, hidden=128, heads=4, ffn=512, layers=2, max_len=128):
        super().__init__()
        self.tokens = nn.Embedding(vocab, hidden)
        self.positions = nn.Embedding(max_len, hidden)
        self.norm = nn.LayerNorm(hidden)
        self.layers = nn.ModuleList(EncoderLayer(hidden, heads, ffn) for _ in range(layers))

    def forward(self, input_ids, attention_mask):
        positions = torch.arange(input_ids.shape[1]).unsqueeze(0)
        x = self.norm(self.tokens(input_ids) + self.positions(positions))
        mask = (1.0 - attention_mask[:, None, None, :].float()) * -10000.0
        for layer in self.layers:
            x = layer(x, mask)
        return x


def calibrated(model: nn.Module, size: int = 224) -> nn.Module:
    """Set BatchNorm running statistics from random batches, so that a randomly
    initialized network's activations (and logits) stay of order one instead of
    vanishing through the layers."""
    model.train()
    with torch.no_grad():
        for momentum_free_pass in range(4):
            for m in model.modules():
                if isinstance(m, nn.modules.batchnorm._BatchNorm):
                    m.momentum = None  # cumulative average
            model(torch.randn(8, 3, size, size))
    return model


def export(model: nn.Module, args, path: str, input_names, output_names) -> None:
    model.eval()
    with torch.no_grad():
        torch.onnx.export(model, args, path, input_names=input_names, output_names=output_names,
                          opset_version=17, dynamo=False)
    print(f"wrote {path} ({os.path.getsize(path) / 1e6:.1f} MB)")


# name -> (library, constructor name, keyword arguments, input size)
BENCH_SET = {
    "shufflenet_v2_x1_0": ("torchvision", "shufflenet_v2_x1_0", {}, 224),
    "squeezenet1_1": ("torchvision", "squeezenet1_1", {}, 224),
    "efficientnet_b0": ("torchvision", "efficientnet_b0", {}, 224),
    "regnet_y_400mf": ("torchvision", "regnet_y_400mf", {}, 224),
    "convnext_tiny": ("torchvision", "convnext_tiny", {}, 224),
    # timm's DeiT-tiny; without timm, torchvision's VisionTransformer with its config
    "deit_tiny": ("timm", "deit_tiny_patch16_224", {}, 224),
}

WIDE_SET = {
    "resnet18": ("torchvision", "resnet18", {}, 224),
    "resnet50": ("torchvision", "resnet50", {}, 224),
    "alexnet": ("torchvision", "alexnet", {}, 224),
    "vgg11": ("torchvision", "vgg11", {}, 224),
    "densenet121": ("torchvision", "densenet121", {}, 224),
    "googlenet": ("torchvision", "googlenet", {"aux_logits": False, "init_weights": True}, 224),
    "inception_v3": ("torchvision", "inception_v3", {"aux_logits": False, "init_weights": True}, 299),
    "mnasnet1_0": ("torchvision", "mnasnet1_0", {}, 224),
    "mobilenet_v3_small": ("torchvision", "mobilenet_v3_small", {}, 224),
    "mobilenet_v3_large": ("torchvision", "mobilenet_v3_large", {}, 224),
    "resnext50_32x4d": ("torchvision", "resnext50_32x4d", {}, 224),
    "wide_resnet50_2": ("torchvision", "wide_resnet50_2", {}, 224),
    "efficientnet_b1": ("torchvision", "efficientnet_b1", {}, 224),
    "regnet_x_400mf": ("torchvision", "regnet_x_400mf", {}, 224),
    "shufflenet_v2_x0_5": ("torchvision", "shufflenet_v2_x0_5", {}, 224),
    "squeezenet1_0": ("torchvision", "squeezenet1_0", {}, 224),
    "vit_b_16": ("torchvision", "vit_b_16", {}, 224),
    "swin_t": ("torchvision", "swin_t", {}, 224),
    "maxvit_t": ("torchvision", "maxvit_t", {}, 224),
    "mobilevit_s": ("timm", "mobilevit_s", {}, 256),
    "efficientformer_l1": ("timm", "efficientformer_l1", {}, 224),
    "levit_128s": ("timm", "levit_128s", {}, 224),
    "ghostnet_100": ("timm", "ghostnet_100", {}, 224),
    "mixnet_s": ("timm", "mixnet_s", {}, 224),
    "resnet18d": ("timm", "resnet18d", {}, 224),
    "convnext_atto": ("timm", "convnext_atto", {}, 224),
    "efficientvit_b0": ("timm", "efficientvit_b0", {}, 224),
    "fastvit_t8": ("timm", "fastvit_t8", {}, 256),
}


def default_model_dir() -> str:
    """Where --bench/--wide write and bench/models.py reads: $POLYTILE_MODEL_DIR
    or ~/.cache/polytile/models."""
    return os.environ.get("POLYTILE_MODEL_DIR") or os.path.join(os.path.expanduser("~"), ".cache",
                                                                 "polytile", "models")


def _deit_tiny_torchvision() -> nn.Module:
    """DeiT-tiny's configuration in torchvision's VisionTransformer (no timm)."""
    from torchvision.models.vision_transformer import VisionTransformer

    return VisionTransformer(image_size=224, patch_size=16, num_layers=12, num_heads=3, hidden_dim=192,
                             mlp_dim=768, num_classes=1000)


def construct(library: str, name: str, kwargs: dict) -> nn.Module:
    if library == "timm":
        try:
            import timm
        except ImportError:
            if name == "deit_tiny_patch16_224":
                return _deit_tiny_torchvision()
            raise
        try:  # plain softmax attention rather than F.scaled_dot_product_attention
            timm.layers.set_fused_attn(False)
        except AttributeError:
            pass
        return timm.create_model(name, pretrained=False, **kwargs)
    import torchvision

    return getattr(torchvision.models, name)(weights=None, **kwargs)


def randomize_zero_weights(model: nn.Module) -> nn.Module:
    """Draw weight matrices that are all zero (zero-initialized heads) at random."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() >= 2 and not torch.any(p):
                fan_in = p[0].numel()
                p.normal_(0.0, 1.0 / math.sqrt(fan_in))
    return model


def export_set(specs: dict, out: str, only=None, skip_existing: bool = False) -> tuple[list, list]:
    """Export each model of ``specs`` to out/<name>.onnx; ``(exported, [(name, error)])``."""
    exported, failed = [], []
    if hasattr(torch.backends, "mha"):  # nn.MultiheadAttention's fused kernel has no ONNX export
        torch.backends.mha.set_fastpath_enabled(False)
    for name, (library, ctor, kwargs, size) in specs.items():
        if only and name not in only:
            continue
        path = os.path.join(out, f"{name}.onnx")
        if skip_existing and os.path.exists(path):
            print(f"kept {path}")
            exported.append(name)
            continue
        torch.manual_seed(0)
        try:
            model = calibrated(randomize_zero_weights(construct(library, ctor, kwargs)), size)
            x = torch.randn(1, 3, size, size)
            export(model, (x,), path, ["input"], ["logits"])
            with torch.no_grad():
                logits = model(x)
            print(f"  {name}: {library} {ctor}, input 1x3x{size}x{size}, logits std {float(logits.std()):.3g}")
            exported.append(name)
        except Exception as e:  # list it and go on
            message = f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"
            print(f"FAILED {name}: {message}", flush=True)
            failed.append((name, message))
            if os.path.exists(path):
                os.remove(path)
    return exported, failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=None,
                        help="output folder (default: test/models; with --bench/--wide: "
                             "$POLYTILE_MODEL_DIR or ~/.cache/polytile/models)")
    parser.add_argument("--large", action="store_true", help="also export ResNet-50")
    parser.add_argument("--bench", action="store_true",
                        help=f"export the benchmark set ({', '.join(BENCH_SET)}) instead of the test models")
    parser.add_argument("--wide", action="store_true",
                        help="export the wide set (torchvision and timm classifiers) instead of the test models")
    parser.add_argument("--only", nargs="+", help="with --bench/--wide: only these models")
    parser.add_argument("--skip-existing", action="store_true", help="with --bench/--wide: keep files already there")
    args = parser.parse_args()
    if args.bench or args.wide:
        out = os.path.expanduser(args.out or default_model_dir())
        os.makedirs(out, exist_ok=True)
        specs = {**(BENCH_SET if args.bench else {}), **(WIDE_SET if args.wide else {})}
        unknown = set(args.only or ()) - set(specs)
        if unknown:
            parser.error(f"--only: unknown model(s) {', '.join(sorted(unknown))} (known: {', '.join(specs)})")
        exported, failed = export_set(specs, out, args.only, args.skip_existing)
        print(f"\n{len(exported)} exported to {out}: {', '.join(exported)}")
        if failed:
            print(f"{len(failed)} failed to export:")
            for name, message in failed:
                print(f"  {name}: {message}")
        if args.large:
            torch.manual_seed(0)
            import torchvision

            export(torchvision.models.resnet50(weights=None), (torch.randn(1, 3, 224, 224),),
                   os.path.join(out, "resnet50.onnx"), ["input"], ["logits"])
        return
    args.out = args.out or "test/models"
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)
    import torchvision

    export(calibrated(torchvision.models.mobilenet_v2(weights=None)), (torch.randn(1, 3, 224, 224),),
           os.path.join(args.out, "mobilenet_v2.onnx"), ["input"], ["logits"])
    ids = torch.randint(0, 1000, (1, 128))
    mask = torch.ones(1, 128, dtype=torch.int64)
    export(BertEncoder(), (ids, mask), os.path.join(args.out, "bert_encoder.onnx"),
           ["input_ids", "attention_mask"], ["hidden_states"])
    if args.large:
        export(torchvision.models.resnet50(weights=None), (torch.randn(1, 3, 224, 224),),
               os.path.join(args.out, "resnet50.onnx"), ["input"], ["logits"])


if __name__ == "__main__":
    main()
