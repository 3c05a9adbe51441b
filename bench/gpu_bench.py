"""polytile on CUDA against PyTorch eager and onnxruntime-gpu, side by side in
one run, on one GPU.

Workloads: MatMul 4096^3 in fp32 and in fp16 (fp16 runs on tensor cores), the
`light` ResNet-50 of the onnx package (batch 1), and a BERT-base encoder
(``bench/models.py``'s ``bert``: 12 layers, sequence 128, hidden 768) at batch
1 and 32.

Every time is the device time of one inference with inputs and weights already
in device memory: polytile's ``GpuCompiledModel.launch()`` (returns after its
stream is synchronized), onnxruntime's CUDAExecutionProvider through I/O
binding on device buffers, PyTorch eager with ``torch.cuda.synchronize()``
after the call. Each is the median of ``--repeats`` calls after ``--warmup``
calls. polytile's output is first checked against onnxruntime's (or numpy's
for the matmuls) and MISMATCH is printed instead of a time when they differ.
PyTorch runs the same computation with its own random weights (``torch.matmul``;
``torchvision``'s ResNet-50; ``nn.TransformerEncoder`` with BERT-base's shape),
only where ``torch`` (and ``torchvision`` for ResNet-50) can be imported and
sees a GPU; onnxruntime only where its CUDAExecutionProvider is available.

    python bench/gpu_bench.py [--workloads matmul_fp32 matmul_fp16 resnet50 bert_b1 bert_b32]
                              [--repeats 20] [--warmup 3] [--size 4096] [--bert-layers 12]

Without a CUDA driver it prints one line saying so and exits with status 0.
"""
from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import time
from typing import Callable, Optional

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

WORKLOADS = ("matmul_fp32", "matmul_fp16", "resnet50", "bert_b1", "bert_b32")
SEQ, HIDDEN, HEADS, FFN = 128, 768, 12, 3072


def median_time(fn: Callable[[], None], warmup: int, repeats: int, sync: Callable[[], None] = lambda: None) -> float:
    for _ in range(warmup):
        fn()
    sync()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# ----------------------------------------------------------------------------
# Workloads: (ONNX model, feeds, numpy reference or None, torch builder or None)
# ----------------------------------------------------------------------------

def matmul(size: int, dtype):
    import onnx
    from onnx import helper

    elem = helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
    info = lambda n: helper.make_tensor_value_info(n, elem, [size, size])  # noqa: E731
    graph = helper.make_graph([helper.make_node("MatMul", ["A", "B"], ["C"])], "matmul",
                              [info("A"), info("B")], [info("C")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model)
    rng = np.random.default_rng(0)
    feeds = {n: rng.standard_normal((size, size)).astype(dtype) for n in ("A", "B")}
    reference = (feeds["A"].astype(np.float32) @ feeds["B"].astype(np.float32)).astype(dtype)

    def torch_fn(torch):
        tdtype = torch.float16 if dtype == np.float16 else torch.float32
        a, b = (torch.from_numpy(feeds[n]).to("cuda", tdtype) for n in ("A", "B"))
        return lambda: torch.matmul(a, b)

    return model, feeds, reference, torch_fn, 2.0 * size ** 3


def resnet50():
    import models

    model, feeds = models.resnet50()

    def torch_fn(torch):
        import torchvision

        net = torchvision.models.resnet50().eval().to("cuda")
        x = torch.from_numpy(next(iter(feeds.values()))).to("cuda")

        def run():
            with torch.no_grad():
                net(x)
        return run

    return model, feeds, None, torch_fn, None


def bert(batch: int, layers: int):
    """models.bert at batch 1, re-shaped to ``batch`` (its Reshape targets and
    the input/output dims name the batch explicitly)."""
    import models
    from onnx import numpy_helper

    model, _ = models.bert(bert_layers=layers, seq=SEQ, hidden=HIDDEN, heads=HEADS, ffn=FFN)
    model = copy.deepcopy(model)
    for init in model.graph.initializer:
        if init.name.endswith(("split_heads_shape", "merge_heads_shape")):
            shape = numpy_helper.to_array(init).copy()
            shape[0] = batch
            init.CopyFrom(numpy_helper.from_array(shape, init.name))
    for value in list(model.graph.input) + list(model.graph.output):
        value.type.tensor_type.shape.dim[0].dim_value = batch
    rng = np.random.default_rng(0)
    feeds = {model.graph.input[0].name: rng.standard_normal((batch, SEQ, HIDDEN)).astype(np.float32)}

    def torch_fn(torch):
        layer = torch.nn.TransformerEncoderLayer(HIDDEN, HEADS, FFN, dropout=0.0, activation="gelu",
                                                 layer_norm_eps=1e-12, batch_first=True)
        net = torch.nn.TransformerEncoder(layer, layers, enable_nested_tensor=False).eval().to("cuda")
        x = torch.from_numpy(next(iter(feeds.values()))).to("cuda")

        def run():
            with torch.no_grad():
                net(x)
        return run

    return model, feeds, None, torch_fn, None


def build(name: str, args):
    if name == "matmul_fp32":
        return matmul(args.size, np.float32)
    if name == "matmul_fp16":
        return matmul(args.size, np.float16)
    if name == "resnet50":
        return resnet50()
    return bert(1 if name == "bert_b1" else 32, args.bert_layers)


# ----------------------------------------------------------------------------
# The three runtimes
# ----------------------------------------------------------------------------

def ort_cuda_session(model):
    """An onnxruntime session on the CUDAExecutionProvider, or None (with why)."""
    try:
        import onnxruntime as ort
    except ImportError:
        return None, "onnxruntime not installed"
    if "CUDAExecutionProvider" not in ort.get_available_providers():
        return None, "no CUDAExecutionProvider (onnxruntime-gpu not installed)"
    session = ort.InferenceSession(model.SerializeToString(),
                                   providers=["CUDAExecutionProvider", "CPUExecutionProvider"])
    return session, ""


def time_ort(session, feeds: dict, warmup: int, repeats: int):
    """(median seconds, outputs) with inputs and outputs bound on the device."""
    import onnxruntime as ort

    binding = session.io_binding()
    for name, value in feeds.items():
        binding.bind_ortvalue_input(name, ort.OrtValue.ortvalue_from_numpy(value, "cuda", 0))
    for output in session.get_outputs():
        binding.bind_output(output.name, "cuda")
    seconds = median_time(lambda: session.run_with_iobinding(binding), warmup, repeats)
    return seconds, [o.numpy() for o in binding.get_outputs()]


def torch_module():
    try:
        import torch
    except ImportError:
        return None, "torch not installed"
    if not torch.cuda.is_available():
        return None, "torch sees no GPU"
    return torch, ""


def close(got: np.ndarray, want: np.ndarray) -> bool:
    loose = got.dtype == np.float16 or want.size > 1e6  # fp16, or long fp32 sums
    got, want = got.astype(np.float32), want.astype(np.float32)
    scale = float(np.max(np.abs(want))) or 1.0
    tolerance = (2e-2 if loose else 1e-3) * scale
    return got.shape == want.shape and float(np.max(np.abs(got - want))) <= tolerance


def fmt(seconds: Optional[float]) -> str:
    return f"{seconds * 1e3:10.3f}" if seconds is not None else f"{'-':>10}"


def ratio(a: Optional[float], b: Optional[float]) -> str:
    return f"{a / b:8.2f}" if a is not None and b is not None else f"{'-':>8}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workloads", nargs="+", default=list(WORKLOADS), choices=WORKLOADS)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--bert-layers", type=int, default=12)
    args = parser.parse_args(argv)

    from polytile.gpu.runtime import CUDA_DRIVER, cuda_driver_available

    if not cuda_driver_available():
        print(f"gpu_bench: no CUDA driver ({CUDA_DRIVER}) on this machine, so there is no GPU to measure; exiting")
        return 0

    import polytile

    torch, torch_why = torch_module()
    notes = [f"PyTorch: {torch_why}"] if torch is None else []
    print(f"{'workload':<13} {'polytile ms':>11} {'torch ms':>10} {'ORT ms':>10} {'pt/torch':>8} {'pt/ORT':>8}"
          f" {'compile s':>9}  notes")
    for name in args.workloads:
        row_notes = []
        try:
            model, feeds, reference, torch_fn, flops = build(name, args)
        except Exception as e:  # e.g. bench/models.py missing
            print(f"{name:<13} cannot build: {e}")
            continue
        start = time.perf_counter()
        compiled = polytile.compile(model, target="cuda")
        compile_s = time.perf_counter() - start
        outputs = compiled.run(feeds)  # uploads the inputs; also the result checked

        session, why = ort_cuda_session(model)
        ort_s = None
        if session is None:
            row_notes.append(f"ORT: {why}")
        else:
            ort_s, ort_outputs = time_ort(session, feeds, args.warmup, args.repeats)
            reference = ort_outputs[0] if reference is None else reference
        if reference is not None and not close(outputs[0], reference):
            print(f"{name:<13} MISMATCH: polytile's output differs from "
                  f"{'numpy' if name.startswith('matmul') else 'onnxruntime'}")
            continue
        if reference is None:
            row_notes.append("output unchecked")
        polytile_s = median_time(compiled.launch, args.warmup, args.repeats)

        torch_s = None
        if torch is not None:
            try:
                fn = torch_fn(torch)
                torch_s = median_time(fn, args.warmup, args.repeats, torch.cuda.synchronize)
            except ImportError as e:
                row_notes.append(f"PyTorch: {e}")
        if flops:
            row_notes.append(f"polytile {flops / polytile_s / 1e12:.1f} TFLOP/s")
        print(f"{name:<13} {fmt(polytile_s):>11} {fmt(torch_s)} {fmt(ort_s)} {ratio(polytile_s, torch_s)} "
              f"{ratio(polytile_s, ort_s)} {compile_s:9.1f}  {'; '.join(row_notes)}", flush=True)
        del compiled
    for note in notes:
        print(note)
    print("ratios: polytile time / other time (lower is better); device-resident inputs, median of "
          f"{args.repeats} after {args.warmup} warm-up calls")
    return 0


if __name__ == "__main__":
    sys.exit(main())
