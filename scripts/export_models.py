"""Export the test/benchmark models with PyTorch (random weights, eval mode).

PyTorch is needed only here, never to run polytile. Run it in an environment
with torch and torchvision installed:

    python scripts/export_models.py --out test/models            # the small ones kept in the repo
    python scripts/export_models.py --out ~/.cache/polytile --large   # + ResNet-50 (~100 MB)

Models:
  mobilenet_v2.onnx   torchvision MobileNet-v2 (width 1.0), 1x3x224x224, ~14 MB,
                      BatchNorm statistics calibrated on random batches
  bert_encoder.onnx   a BERT-style encoder (2 layers, hidden 128, 4 heads, seq 128,
                      token embeddings, LayerNorm, GELU(erf)), int64 input_ids
  resnet50.onnx       torchvision ResNet-50, 1x3x224x224 (--large only)
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


def calibrated(model: nn.Module) -> nn.Module:
    """Set BatchNorm running statistics from random batches, so that a randomly
    initialized network's activations (and logits) stay of order one instead of
    vanishing through the layers."""
    model.train()
    with torch.no_grad():
        for momentum_free_pass in range(4):
            for m in model.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.momentum = None  # cumulative average
            model(torch.randn(8, 3, 224, 224))
    return model


def export(model: nn.Module, args, path: str, input_names, output_names) -> None:
    model.eval()
    with torch.no_grad():
        torch.onnx.export(model, args, path, input_names=input_names, output_names=output_names,
                          opset_version=17, dynamo=False)
    print(f"wrote {path} ({os.path.getsize(path) / 1e6:.1f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="test/models")
    parser.add_argument("--large", action="store_true", help="also export ResNet-50")
    args = parser.parse_args()
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
