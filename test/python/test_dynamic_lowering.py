"""convert-tg-to-linalg with dynamic dims (``?``): tg functions written as MLIR text, lowered
through the real tg -> linalg passes (without schedules), bufferized across function
boundaries and JIT-compiled once each, then run at several sizes of each ``?`` (1, 2, 7 and
33, so that vector remainders are hit) against numpy or onnxruntime.

The route (until the importer and the pipeline take dynamic shapes): the passes of
``pipelines.sched_to_linalg()`` without ``sched-apply``, ``linalg-fold-constant-layouts``
and ``func-add-memref-entry``; then ``one-shot-bufferize{bufferize-function-boundaries=true}``
and ``pipelines.affine_to_llvm(1)``. A wrapper ``@main`` takes the inputs and one
caller-made output buffer per result (``bufferization.materialize_in_destination``).
"""
from __future__ import annotations

import ctypes
import math
from typing import Callable, Optional, Sequence

import numpy as np
import pytest
from hypothesis import given, strategies as st
from mlir import execution_engine, ir
from mlir.runtime import np_to_memref
from onnx import helper

from onnx_check import make_model, run_onnxruntime
from polytile import pipelines
from polytile.context import create_context
from polytile.runtime.jit import numpy_dtype, runtime_libraries
from polytile.targets.driver import run_passes
from polytile.testing import compare_arrays

SIZES = (1, 2, 7, 33)
INT64_MAX = (1 << 63) - 1
INT64_MIN = -(1 << 63)


# ---------------------------------------------------------------------------
# Compiling and running a tg function @f
# ---------------------------------------------------------------------------

def lowering_passes() -> list[str]:
    skipped = ("sched-apply", "linalg-fold-constant-layouts")
    tg = [p for p in pipelines.sched_to_linalg()
          if p not in skipped and not p.startswith("func-add-memref-entry")]
    return tg + ["eliminate-empty-tensors", "one-shot-bufferize{bufferize-function-boundaries=true}",
                 "canonicalize", "cse", "func.func(convert-linalg-to-affine-loops)",
                 "convert-bufferization-to-memref", "canonicalize"] + pipelines.affine_to_llvm(1)


def _memref(tensor_type: str) -> str:
    return "memref<" + tensor_type[len("tensor<"):]


def _signature(text: str) -> tuple[list[str], list[str]]:
    with create_context(), ir.Location.unknown():
        module = ir.Module.parse(text)
        fn = next(op for op in module.body.operations if op.operation.name == "func.func")
        ftype = ir.FunctionType(ir.TypeAttr(fn.attributes["function_type"]).value)
        return [str(t) for t in ftype.inputs], [str(t) for t in ftype.results]


def _with_main(text: str, ins: list[str], outs: list[str]) -> str:
    args = [f"%a{i}: {_memref(t)}" for i, t in enumerate(ins)] + \
        [f"%o{i}: {_memref(t)}" for i, t in enumerate(outs)]
    lines = [f"func.func @main({', '.join(args)}) attributes {{llvm.emit_c_interface}} {{"]
    lines += [f"  %t{i} = bufferization.to_tensor %a{i} restrict : {_memref(t)} to {t}"
              for i, t in enumerate(ins)]
    results = ", ".join(f"%r{i}" for i in range(len(outs)))
    lines.append(f"  {results} = func.call @f({', '.join(f'%t{i}' for i in range(len(ins)))}) : "
                 f"({', '.join(ins)}) -> ({', '.join(outs)})")
    lines += [f"  bufferization.materialize_in_destination %r{i} in restrict writable %o{i} : "
              f"({t}, {_memref(t)}) -> ()" for i, t in enumerate(outs)]
    return text + "\n" + "\n".join(lines + ["  return", "}"]) + "\n"


def _element_type(tensor_type: str) -> str:
    return tensor_type[len("tensor<"):-1].split("x")[-1]


class Compiled:
    """``@f`` of ``text`` compiled for the CPU; call with numpy inputs and the output shapes."""

    def __init__(self, text: str):
        self.ins, self.outs = _signature(text)
        self.context = create_context()
        with self.context, ir.Location.unknown():
            self.module = ir.Module.parse(_with_main(text, self.ins, self.outs))
            run_passes(self.module, lowering_passes())
            self.engine = execution_engine.ExecutionEngine(self.module, opt_level=2,
                                                           shared_libs=runtime_libraries())

    def __call__(self, inputs: Sequence[np.ndarray], out_shapes: Sequence[tuple]) -> list[np.ndarray]:
        outs = []
        for t, shape in zip(self.outs, out_shapes):
            et = _element_type(t)
            with self.context:
                dtype = np.int8 if et == "i1" else numpy_dtype(ir.Type.parse(et))
            outs.append(np.zeros(shape, dtype=dtype))
        arrays = [np.ascontiguousarray(a.view(np.int8) if a.dtype == np.bool_ else a) for a in inputs]
        descriptors = [np_to_memref.get_ranked_memref_descriptor(a) for a in arrays + outs]
        self.engine.invoke("main", *[ctypes.pointer(ctypes.pointer(d)) for d in descriptors])
        return [o.view(np.bool_) if _element_type(t) == "i1" else o for o, t in zip(outs, self.outs)]


_COMPILED: dict[str, Compiled] = {}


def compiled(text: str) -> Compiled:
    if text not in _COMPILED:
        _COMPILED[text] = Compiled(text)
    return _COMPILED[text]


def run_and_compare(text: str, inputs: Sequence[np.ndarray], expected: Sequence[np.ndarray],
                    rtol: float, atol: float, what: str = "") -> None:
    actual = compiled(text)(inputs, [e.shape for e in expected])
    for i, (a, e) in enumerate(zip(actual, expected)):
        e = np.asarray(e)
        if e.dtype.kind == "f" and a.dtype.kind == "f":  # references may compute in f64
            e = e.astype(a.dtype)
        result = compare_arrays(a, e, rtol, atol)
        assert result.ok, f"{what} result #{i}: {result.reason} (max abs {result.max_abs}, max rel {result.max_rel})"


# ---------------------------------------------------------------------------
# Cases: a tg function, its inputs for the sizes of its ``?`` dims, the expected results
# ---------------------------------------------------------------------------

class Case:
    def __init__(self, name: str, text: str, dynamic: int, make: Callable, ref: Callable,
                 rtol: float = 1e-5, atol: float = 1e-5):
        self.name, self.text, self.dynamic, self.make, self.ref = name, text, dynamic, make, ref
        self.rtol, self.atol = rtol, atol


def T(shape: str, et: str = "f32") -> str:
    return f"tensor<{shape}x{et}>" if shape else f"tensor<{et}>"


def func(args: Sequence[tuple[str, str]], results: Sequence[str], body: Sequence[str]) -> str:
    """``func.func @f`` with ``args`` (name, type), returning the values ``results`` (names)
    whose types are given by ``%name : type`` annotations in ``body`` lines ("%r = ... -> T")."""
    types = {}
    for line in body:
        name, _, rest = line.partition(" = ")
        result_type = rest.rsplit("-> ", 1)[1]
        if ":" in name:  # multi-result op "%r:2 = ... -> (T1, T2)": results %r#0, %r#1
            base, _ = name.strip().split(":")
            parts = [p.strip() for p in result_type.strip("()").split(", ")]
            for j, p in enumerate(parts):
                types[f"{base}#{j}"] = p
        else:
            types[name.strip()] = result_type.strip()
    signature = ", ".join(f"{n}: {t}" for n, t in args)
    result_types = [types[r] for r in results]
    lines = [f"func.func @f({signature}) -> ({', '.join(result_types)}) {{"]
    lines += ["  " + line for line in body]
    lines.append(f"  return {', '.join(results)} : {', '.join(result_types)}")
    return "\n".join(lines + ["}"])


def rand(rng, *shape, low=-2.0, high=2.0, dtype=np.float32):
    return rng.uniform(low, high, size=shape).astype(dtype)


def ints(rng, *shape, low=-20, high=20, dtype=np.int32):
    return rng.integers(low, high, size=shape).astype(dtype)


def erf(x):
    return np.vectorize(math.erf)(x.astype(np.float64)).astype(x.dtype)


def ort(op_type: str, inputs: dict, attrs: Optional[dict] = None, outputs: int = 1, opset: int = 22,
        initializers: Optional[dict] = None) -> list[np.ndarray]:
    """The results of one ONNX node run by onnxruntime on ``inputs`` (name -> array)."""
    names = [f"y{i}" for i in range(outputs)]
    node = helper.make_node(op_type, list(inputs) + list(initializers or {}), names, **(attrs or {}))
    model = make_model([node], inputs, names, initializers=initializers, opset=opset)
    return run_onnxruntime(model, inputs)


CASES: list[Case] = []


def case(*args, **kwargs) -> None:
    CASES.append(Case(*args, **kwargs))


# --- element-wise binary ops -------------------------------------------------

case("binary_float", func(
    [("%a", T("?x5")), ("%b", T("5")), ("%c", T("?x1"))],
    ["%0", "%1", "%2", "%3", "%4", "%5", "%6", "%7", "%8"],
    ['%0 = "tg.add"(%a, %b) : (tensor<?x5xf32>, tensor<5xf32>) -> tensor<?x5xf32>',
     '%1 = "tg.sub"(%a, %c) : (tensor<?x5xf32>, tensor<?x1xf32>) -> tensor<?x5xf32>',
     '%2 = "tg.mul"(%c, %b) : (tensor<?x1xf32>, tensor<5xf32>) -> tensor<?x5xf32>',
     '%3 = "tg.div"(%a, %b) : (tensor<?x5xf32>, tensor<5xf32>) -> tensor<?x5xf32>',
     '%4 = "tg.max"(%a, %c) : (tensor<?x5xf32>, tensor<?x1xf32>) -> tensor<?x5xf32>',
     '%5 = "tg.min"(%b, %a) : (tensor<5xf32>, tensor<?x5xf32>) -> tensor<?x5xf32>',
     '%6 = "tg.pow"(%a, %c) : (tensor<?x5xf32>, tensor<?x1xf32>) -> tensor<?x5xf32>',
     '%7 = "tg.greater"(%a, %c) : (tensor<?x5xf32>, tensor<?x1xf32>) -> tensor<?x5xi1>',
     '%8 = "tg.where"(%7, %b, %c) : (tensor<?x5xi1>, tensor<5xf32>, tensor<?x1xf32>) -> tensor<?x5xf32>']),
    1, lambda n, rng: [rand(rng, n, 5, low=0.5), rand(rng, 5, low=0.5), rand(rng, n, 1, low=0.5)],
    lambda a, b, c: [a + b, a - c, c * b, a / b, np.maximum(a, c), np.minimum(b, a), a ** c, a > c,
                     np.where(a > c, b, c)], rtol=1e-5)

case("binary_two_dynamic_dims", func(
    [("%a", T("?x1")), ("%b", T("1x?")), ("%d", T("?x?"))], ["%0", "%1", "%2"],
    ['%0 = "tg.add"(%a, %b) : (tensor<?x1xf32>, tensor<1x?xf32>) -> tensor<?x?xf32>',
     '%1 = "tg.mul"(%0, %d) : (tensor<?x?xf32>, tensor<?x?xf32>) -> tensor<?x?xf32>',
     '%2 = "tg.less_or_equal"(%d, %b) : (tensor<?x?xf32>, tensor<1x?xf32>) -> tensor<?x?xi1>']),
    2, lambda m, n, rng: [rand(rng, m, 1), rand(rng, 1, n), rand(rng, m, n)],
    lambda a, b, d: [a + b, (a + b) * d, d <= b])

case("binary_int", func(
    [("%a", T("?x4", "i32")), ("%b", T("4", "i32")), ("%s", T("?x4", "i32"))],
    ["%0", "%1", "%2", "%3", "%4", "%5", "%8", "%9"],
    ['%0 = "tg.div"(%a, %b) : (tensor<?x4xi32>, tensor<4xi32>) -> tensor<?x4xi32>',
     '%1 = "tg.mod"(%a, %b) {fmod = 0 : i64} : (tensor<?x4xi32>, tensor<4xi32>) -> tensor<?x4xi32>',
     '%2 = "tg.mod"(%a, %b) {fmod = 1 : i64} : (tensor<?x4xi32>, tensor<4xi32>) -> tensor<?x4xi32>',
     '%3 = "tg.max"(%a, %b) : (tensor<?x4xi32>, tensor<4xi32>) -> tensor<?x4xi32>',
     '%4 = "tg.bitwise_and"(%a, %b) : (tensor<?x4xi32>, tensor<4xi32>) -> tensor<?x4xi32>',
     '%5 = "tg.equal"(%3, %b) : (tensor<?x4xi32>, tensor<4xi32>) -> tensor<?x4xi1>',
     '%6 = "tg.cast"(%a) {to = ui32} : (tensor<?x4xi32>) -> tensor<?x4xui32>',
     '%7 = "tg.cast"(%s) {to = ui32} : (tensor<?x4xi32>) -> tensor<?x4xui32>',
     '%10 = "tg.bit_shift"(%6, %7) {direction = "LEFT"} : (tensor<?x4xui32>, tensor<?x4xui32>) -> tensor<?x4xui32>',
     '%8 = "tg.cast"(%10) {to = i32} : (tensor<?x4xui32>) -> tensor<?x4xi32>',
     '%9 = "tg.sub"(%a, %s) : (tensor<?x4xi32>, tensor<?x4xi32>) -> tensor<?x4xi32>']),
    1, lambda n, rng: [ints(rng, n, 4), np.array([3, -5, 7, 2], np.int32), ints(rng, n, 4, low=0, high=8)],
    lambda a, b, s: [np.sign(a) * np.sign(b) * (np.abs(a) // np.abs(b)), np.mod(a, b), np.fmod(a, b),
                     np.maximum(a, b), a & b, np.maximum(a, b) == b,
                     (a.astype(np.int64) << s).astype(np.uint32).astype(np.int32), a - s])

case("logical_and_prelu", func(
    [("%x", T("?x3x?")), ("%slope", T("3x1"))], ["%4", "%5"],
    ['%0 = "tg.greater"(%x, %slope) : (tensor<?x3x?xf32>, tensor<3x1xf32>) -> tensor<?x3x?xi1>',
     '%1 = "tg.less"(%x, %slope) : (tensor<?x3x?xf32>, tensor<3x1xf32>) -> tensor<?x3x?xi1>',
     '%2 = "tg.or"(%0, %1) : (tensor<?x3x?xi1>, tensor<?x3x?xi1>) -> tensor<?x3x?xi1>',
     '%3 = "tg.xor"(%2, %0) : (tensor<?x3x?xi1>, tensor<?x3x?xi1>) -> tensor<?x3x?xi1>',
     '%4 = "tg.not"(%3) : (tensor<?x3x?xi1>) -> tensor<?x3x?xi1>',
     '%5 = "tg.prelu"(%x, %slope) : (tensor<?x3x?xf32>, tensor<3x1xf32>) -> tensor<?x3x?xf32>']),
    2, lambda m, n, rng: [rand(rng, m, 3, n), rand(rng, 3, 1)],
    lambda x, s: [~(((x > s) | (x < s)) ^ (x > s)), np.where(x < 0, s * x, x)])

# --- unary ops -----------------------------------------------------------------

case("unary", func(
    [("%x", T("?x?")), ("%lo", T("")), ("%hi", T(""))],
    ["%0", "%1", "%2", "%3", "%4", "%5", "%6", "%7", "%9", "%10", "%11", "%12"],
    ['%0 = "tg.exp"(%x) : (tensor<?x?xf32>) -> tensor<?x?xf32>',
     '%1 = "tg.tanh"(%x) : (tensor<?x?xf32>) -> tensor<?x?xf32>',
     '%2 = "tg.sigmoid"(%x) : (tensor<?x?xf32>) -> tensor<?x?xf32>',
     '%3 = "tg.gelu"(%x) {approximate = "none"} : (tensor<?x?xf32>) -> tensor<?x?xf32>',
     '%4 = "tg.gelu"(%x) {approximate = "tanh"} : (tensor<?x?xf32>) -> tensor<?x?xf32>',
     '%5 = "tg.erf"(%x) : (tensor<?x?xf32>) -> tensor<?x?xf32>',
     '%6 = "tg.relu"(%x) : (tensor<?x?xf32>) -> tensor<?x?xf32>',
     '%7 = "tg.leaky_relu"(%x) {alpha = 1.0e-01 : f32} : (tensor<?x?xf32>) -> tensor<?x?xf32>',
     '%8 = "tg.clip"(%x, %lo, %hi) : (tensor<?x?xf32>, tensor<f32>, tensor<f32>) -> tensor<?x?xf32>',
     '%9 = "tg.cast"(%8) {to = i32} : (tensor<?x?xf32>) -> tensor<?x?xi32>',
     '%10 = "tg.softplus"(%x) : (tensor<?x?xf32>) -> tensor<?x?xf32>',
     '%13 = "tg.abs"(%x) : (tensor<?x?xf32>) -> tensor<?x?xf32>',
     '%14 = "tg.identity"(%13) : (tensor<?x?xf32>) -> tensor<?x?xf32>',
     '%11 = "tg.sqrt"(%14) : (tensor<?x?xf32>) -> tensor<?x?xf32>',
     '%15 = "tg.dropout"(%x) : (tensor<?x?xf32>) -> tensor<?x?xf32>',
     '%12 = "tg.neg"(%15) : (tensor<?x?xf32>) -> tensor<?x?xf32>']),
    2, lambda m, n, rng: [rand(rng, m, n, low=-4, high=4), np.array(-1.5, np.float32),
                          np.array(2.5, np.float32)],
    lambda x, lo, hi: [np.exp(x), np.tanh(x), 1 / (1 + np.exp(-x)), 0.5 * x * (1 + erf(x / np.sqrt(2))),
                       0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3))), erf(x),
                       np.maximum(x, 0), np.where(x >= 0, x, 0.1 * x),
                       np.clip(x, lo, hi).astype(np.int32), np.log1p(np.exp(x)), np.sqrt(np.abs(x)), -x],
    rtol=2e-5, atol=2e-6)

# --- contractions --------------------------------------------------------------

case("matmul_2d", func(
    [("%a", T("?x8")), ("%b", T("8x16"))], ["%0"],
    ['%0 = "tg.matmul"(%a, %b) : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>']),
    1, lambda n, rng: [rand(rng, n, 8), rand(rng, 8, 16)], lambda a, b: [a @ b], rtol=1e-4)

case("matmul_dynamic_k", func(
    [("%a", T("?x?")), ("%b", T("?x5"))], ["%0"],
    ['%0 = "tg.matmul"(%a, %b) : (tensor<?x?xf32>, tensor<?x5xf32>) -> tensor<?x5xf32>']),
    2, lambda m, k, rng: [rand(rng, m, k), rand(rng, k, 5)], lambda a, b: [a @ b], rtol=1e-4, atol=1e-4)

case("matmul_batch_broadcast", func(
    [("%a", T("?x1x?x8")), ("%b", T("3x8x5"))], ["%0"],
    ['%0 = "tg.matmul"(%a, %b) : (tensor<?x1x?x8xf32>, tensor<3x8x5xf32>) -> tensor<?x3x?x5xf32>']),
    2, lambda n, m, rng: [rand(rng, n, 1, m, 8), rand(rng, 3, 8, 5)], lambda a, b: [a @ b], rtol=1e-4)

case("matmul_vectors", func(
    [("%v", T("8")), ("%b", T("?x8x4")), ("%a", T("?x8"))], ["%0", "%1"],
    ['%0 = "tg.matmul"(%v, %b) : (tensor<8xf32>, tensor<?x8x4xf32>) -> tensor<?x4xf32>',
     '%1 = "tg.matmul"(%a, %v) : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?xf32>']),
    1, lambda n, rng: [rand(rng, 8), rand(rng, n, 8, 4), rand(rng, n, 8)],
    lambda v, b, a: [v @ b, a @ v], rtol=1e-4)

case("matmul_int", func(
    [("%a", T("?x4", "i32")), ("%b", T("4x?", "i32"))], ["%0"],
    ['%0 = "tg.matmul"(%a, %b) : (tensor<?x4xi32>, tensor<4x?xi32>) -> tensor<?x?xi32>']),
    2, lambda m, n, rng: [ints(rng, m, 4), ints(rng, 4, n)], lambda a, b: [a @ b])

case("gemm", func(
    [("%a", T("?x8")), ("%b", T("6x8")), ("%c", T("6")), ("%at", T("8x?")), ("%b2", T("8x?"))],
    ["%0", "%1"],
    ['%0 = "tg.gemm"(%a, %b, %c) {alpha = 5.0e-01 : f32, beta = 2.0 : f32, transA = 0 : i64, transB = 1 : i64} : (tensor<?x8xf32>, tensor<6x8xf32>, tensor<6xf32>) -> tensor<?x6xf32>',
     '%1 = "tg.gemm"(%at, %b2) {alpha = 1.0 : f32, beta = 1.0 : f32, transA = 1 : i64, transB = 0 : i64} : (tensor<8x?xf32>, tensor<8x?xf32>) -> tensor<?x?xf32>']),
    2, lambda m, n, rng: [rand(rng, m, 8), rand(rng, 6, 8), rand(rng, 6), rand(rng, 8, m), rand(rng, 8, n)],
    lambda a, b, c, at, b2: [0.5 * a @ b.T + 2 * c, at.T @ b2], rtol=1e-4, atol=1e-5)

# --- reductions, softmax --------------------------------------------------------

case("reduce", func(
    [("%x", T("?x?x4"))], ["%0", "%1", "%2", "%3", "%4", "%5", "%6", "%7", "%8", "%9"],
    ['%0 = "tg.reduce_sum"(%x) {axes = array<i64: 0>, keepdims = 1 : i64} : (tensor<?x?x4xf32>) -> tensor<1x?x4xf32>',
     '%1 = "tg.reduce_mean"(%x) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<?x?x4xf32>) -> tensor<?x4xf32>',
     '%2 = "tg.reduce_max"(%x) {axes = array<i64: 0, 2>, keepdims = 1 : i64} : (tensor<?x?x4xf32>) -> tensor<1x?x1xf32>',
     '%3 = "tg.reduce_l2"(%x) {axes = array<i64: 2>, keepdims = 0 : i64} : (tensor<?x?x4xf32>) -> tensor<?x?xf32>',
     '%4 = "tg.reduce_log_sum_exp"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<?x?x4xf32>) -> tensor<?x1x4xf32>',
     '%5 = "tg.reduce_prod"(%x) {axes = array<i64: 2>, keepdims = 0 : i64} : (tensor<?x?x4xf32>) -> tensor<?x?xf32>',
     '%6 = "tg.reduce_mean"(%x) {axes = array<i64: 0, 1>, keepdims = 0 : i64} : (tensor<?x?x4xf32>) -> tensor<4xf32>',
     '%7 = "tg.reduce_min"(%x) {axes = array<i64: 1>, keepdims = 1 : i64} : (tensor<?x?x4xf32>) -> tensor<?x1x4xf32>',
     '%8 = "tg.reduce_l1"(%x) {axes = array<i64: 0>, keepdims = 0 : i64} : (tensor<?x?x4xf32>) -> tensor<?x4xf32>',
     '%9 = "tg.reduce_sum_square"(%x) {axes = array<i64: 1, 2>, keepdims = 0 : i64} : (tensor<?x?x4xf32>) -> tensor<?xf32>']),
    2, lambda m, n, rng: [rand(rng, m, n, 4)],
    lambda x: [x.sum(0, keepdims=True), x.mean(1), x.max((0, 2), keepdims=True),
               np.sqrt((x * x).sum(2)), np.log(np.exp(x).sum(1, keepdims=True)), x.prod(2), x.mean((0, 1)),
               x.min(1, keepdims=True), np.abs(x).sum(0), (x * x).sum((1, 2))],
    rtol=1e-4, atol=1e-5)

case("reduce_int_and_arg", func(
    [("%x", T("?x?", "i32")), ("%y", T("?x?"))], ["%0", "%1", "%2"],
    ['%0 = "tg.reduce_mean"(%x) {axes = array<i64: 1>, keepdims = 0 : i64} : (tensor<?x?xi32>) -> tensor<?xi32>',
     '%1 = "tg.arg_max"(%y) {axis = 1 : i64, keepdims = 0 : i64, select_last_index = 0 : i64} : (tensor<?x?xf32>) -> tensor<?xi64>',
     '%2 = "tg.arg_min"(%y) {axis = 0 : i64, keepdims = 1 : i64, select_last_index = 0 : i64} : (tensor<?x?xf32>) -> tensor<1x?xi64>']),
    2, lambda m, n, rng: [ints(rng, m, n), rand(rng, m, n)],
    lambda x, y: [(np.sign(x.sum(1)) * (np.abs(x.sum(1)) // x.shape[1])).astype(np.int32),
                  y.argmax(1), y.argmin(0)[None, :]])


def _softmax(x, axis):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def _hardmax(x, axis):
    out = np.zeros_like(x)
    np.put_along_axis(out, np.expand_dims(x.argmax(axis), axis), 1.0, axis)
    return out


case("softmax", func(
    [("%x", T("?x?")), ("%y", T("?x3x?"))], ["%0", "%1", "%2"],
    ['%0 = "tg.softmax"(%x) {axes = array<i64: 1>} : (tensor<?x?xf32>) -> tensor<?x?xf32>',
     '%1 = "tg.log_softmax"(%y) {axes = array<i64: 2>} : (tensor<?x3x?xf32>) -> tensor<?x3x?xf32>',
     '%2 = "tg.hardmax"(%x) {axes = array<i64: 1>} : (tensor<?x?xf32>) -> tensor<?x?xf32>']),
    2, lambda m, n, rng: [rand(rng, m, n), rand(rng, m, 3, n)],
    lambda x, y: [_softmax(x, 1), np.log(_softmax(y, 2)), _hardmax(x, 1)], rtol=1e-5, atol=1e-6)

case("scan_and_top_k", func(
    [("%x", T("?x?")), ("%y", T("?x6"))], ["%0", "%1#0", "%1#1"],
    ['%0 = "tg.cum_sum"(%x) {axis = 1 : i64, exclusive = 0 : i64, reverse = 0 : i64} : (tensor<?x?xf32>) -> tensor<?x?xf32>',
     '%1:2 = "tg.top_k"(%y) {axis = 1 : i64, k = 3 : i64, largest = 1 : i64, sorted = 1 : i64} : (tensor<?x6xf32>) -> (tensor<?x3xf32>, tensor<?x3xi64>)']),
    2, lambda m, n, rng: [rand(rng, m, n), rand(rng, m, 6)],
    lambda x, y: [np.cumsum(x, 1), -np.sort(-y, 1)[:, :3], np.argsort(-y, 1, kind="stable")[:, :3]],
    rtol=1e-5, atol=1e-5)

# --- normalizations --------------------------------------------------------------


def _layer_norm(x, scale, bias, axis, eps=1e-5):
    axes = tuple(range(axis, x.ndim))
    mean = x.mean(axes, keepdims=True)
    inv = 1 / np.sqrt(((x - mean) ** 2).mean(axes, keepdims=True) + eps)
    return [(x - mean) * inv * scale + bias, mean, inv]


case("layer_normalization", func(
    [("%x", T("?x?x16")), ("%s", T("16")), ("%b", T("16")), ("%y", T("?x?")), ("%t", T("?"))],
    ["%0#0", "%0#1", "%0#2", "%1#0"],
    ['%0:3 = "tg.layer_normalization"(%x, %s, %b) {axis = 2 : i64, epsilon = 1.0e-05 : f32, stash_type = 1 : i64} : (tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x1xf32>, tensor<?x?x1xf32>)',
     '%1:3 = "tg.layer_normalization"(%y, %t, %t) {axis = 1 : i64, epsilon = 1.0e-05 : f32, stash_type = 1 : i64} : (tensor<?x?xf32>, tensor<?xf32>, tensor<?xf32>) -> (tensor<?x?xf32>, tensor<?x1xf32>, tensor<?x1xf32>)']),
    2, lambda m, n, rng: [rand(rng, m, n, 16), rand(rng, 16), rand(rng, 16), rand(rng, m, n), rand(rng, n)],
    lambda x, s, b, y, t: _layer_norm(x, s, b, 2) + _layer_norm(y, t, t, 1)[:1], rtol=1e-4, atol=1e-4)

case("rms_normalization", func(
    [("%x", T("?x8")), ("%s", T("8")), ("%y", T("?x?")), ("%t", T("?"))], ["%0", "%1"],
    ['%0 = "tg.rms_normalization"(%x, %s) {axis = 1 : i64, epsilon = 1.0e-05 : f32, stash_type = 1 : i64} : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>',
     '%1 = "tg.rms_normalization"(%y, %t) {axis = 1 : i64, epsilon = 1.0e-05 : f32, stash_type = 1 : i64} : (tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?xf32>']),
    2, lambda m, n, rng: [rand(rng, m, 8), rand(rng, 8), rand(rng, m, n), rand(rng, n)],
    lambda x, s, y, t: [x / np.sqrt((x * x).mean(1, keepdims=True) + 1e-5) * s,
                        y / np.sqrt((y * y).mean(1, keepdims=True) + 1e-5) * t], rtol=1e-4, atol=1e-5)


def _norms_reference(x, s, b, m, v, xi, xg, gs):
    eps = 1e-5
    batch = ort("BatchNormalization", {"x": x, "s": s, "b": b, "m": m, "v": v}, {"epsilon": eps})[0]
    instance = ort("InstanceNormalization", {"x": xi, "s": s, "b": b}, {"epsilon": eps})[0]
    n, c, length = xg.shape
    g = xg.reshape(n, 2, -1)
    g = (g - g.mean(2, keepdims=True)) / np.sqrt(g.var(2, keepdims=True) + eps)
    group = g.reshape(n, c, length) * gs[None, :, None] + gs[None, :, None]
    lp = xi / np.sqrt((xi * xi).sum(1, keepdims=True))
    mvn = ort("MeanVarianceNormalization", {"x": xi}, {"axes": [0, 2]})[0]
    squares = np.pad(xg.astype(np.float64) ** 2, [(0, 0), (1, 1), (0, 0)])
    window = squares[:, :-2] + squares[:, 1:-1] + squares[:, 2:]
    lrn = xg / (1.0 + 1e-4 / 3 * window) ** 0.75
    return [batch, instance, group, lp, mvn, lrn]


case("normalizations", func(
    [("%x", T("?x3x?x?")), ("%s", T("3")), ("%b", T("3")), ("%m", T("3")), ("%v", T("3")),
     ("%xi", T("?x3x?")), ("%xg", T("?x4x?")), ("%gs", T("4"))],
    ["%0", "%1", "%2", "%3", "%4", "%5"],
    ['%0 = "tg.batch_normalization"(%x, %s, %b, %m, %v) {epsilon = 1.0e-05 : f32} : (tensor<?x3x?x?xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3x?x?xf32>',
     '%1 = "tg.instance_normalization"(%xi, %s, %b) {epsilon = 1.0e-05 : f32} : (tensor<?x3x?xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3x?xf32>',
     '%2 = "tg.group_normalization"(%xg, %gs, %gs) {epsilon = 1.0e-05 : f32, num_groups = 2 : i64, stash_type = 1 : i64} : (tensor<?x4x?xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x?xf32>',
     '%3 = "tg.lp_normalization"(%xi) {axis = 1 : i64, p = 2 : i64} : (tensor<?x3x?xf32>) -> tensor<?x3x?xf32>',
     '%4 = "tg.mean_variance_normalization"(%xi) {axes = array<i64: 0, 2>} : (tensor<?x3x?xf32>) -> tensor<?x3x?xf32>',
     '%5 = "tg.lrn"(%xg) {alpha = 1.0e-04 : f32, beta = 7.5e-01 : f32, bias = 1.0 : f32, size = 3 : i64} : (tensor<?x4x?xf32>) -> tensor<?x4x?xf32>']),
    2, lambda n, h, rng: [rand(rng, n, 3, h, 2), rand(rng, 3), rand(rng, 3), rand(rng, 3), rand(rng, 3, low=0.5),
                          rand(rng, n, 3, h), rand(rng, n, 4, h), rand(rng, 4)],
    _norms_reference, rtol=1e-4, atol=1e-4)

# --- data movement ---------------------------------------------------------------

case("transpose_reshape_flatten", func(
    [("%x", T("?x3x?")), ("%y", T("?x?x12")), ("%z", T("?x6")), ("%w", T("?x3x4"))],
    ["%0", "%1", "%2", "%3", "%4", "%5", "%6", "%7", "%8"],
    ['%0 = "tg.transpose"(%x) {perm = array<i64: 2, 0, 1>} : (tensor<?x3x?xf32>) -> tensor<?x?x3xf32>',
     '%1 = "tg.reshape"(%y) {shape = array<i64: -1, -1, 3, 4>} : (tensor<?x?x12xf32>) -> tensor<?x?x3x4xf32>',
     '%2 = "tg.reshape"(%1) {shape = array<i64: -1, -1, 12>} : (tensor<?x?x3x4xf32>) -> tensor<?x?x12xf32>',
     '%3 = "tg.reshape"(%z) {shape = array<i64: -1, 3>} : (tensor<?x6xf32>) -> tensor<?x3xf32>',
     '%4 = "tg.reshape"(%z) {shape = array<i64: -1>} : (tensor<?x6xf32>) -> tensor<?xf32>',
     '%5 = "tg.flatten"(%w) {axis = 1 : i64} : (tensor<?x3x4xf32>) -> tensor<?x12xf32>',
     '%6 = "tg.flatten"(%y) {axis = 2 : i64} : (tensor<?x?x12xf32>) -> tensor<?x12xf32>',
     '%7 = "tg.flatten"(%w) {axis = 0 : i64} : (tensor<?x3x4xf32>) -> tensor<1x?xf32>',
     '%8 = "tg.reshape"(%y) {shape = array<i64: 2, -1>} : (tensor<?x?x12xf32>) -> tensor<2x?xf32>']),
    2, lambda m, n, rng: [rand(rng, m, 3, n), rand(rng, m, n, 12), rand(rng, m, 6), rand(rng, m, 3, 4)],
    lambda x, y, z, w: [x.transpose(2, 0, 1), y.reshape(y.shape[0], y.shape[1], 3, 4), y,
                        z.reshape(-1, 3), z.reshape(-1), w.reshape(w.shape[0], 12), y.reshape(-1, 12),
                        w.reshape(1, -1), y.reshape(2, -1)])

case("concat_slice", func(
    [("%a", T("?x?")), ("%b", T("?x2")), ("%c", T("?x?")), ("%x", T("?x10"))],
    ["%0", "%1", "%2", "%3", "%4", "%5"],
    ['%0 = "tg.concat"(%a, %b) {axis = 1 : i64} : (tensor<?x?xf32>, tensor<?x2xf32>) -> tensor<?x?xf32>',
     '%1 = "tg.concat"(%a, %c) {axis = 0 : i64} : (tensor<?x?xf32>, tensor<?x?xf32>) -> tensor<?x?xf32>',
     '%6 = "tg.concat"(%b, %b) {axis = -1 : i64} : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x4xf32>',
     '%2 = "tg.concat"(%6, %b) {axis = 1 : i64} : (tensor<?x4xf32>, tensor<?x2xf32>) -> tensor<?x6xf32>',
     '%3 = "tg.slice"(%x) {axes = array<i64: 1>, ends = array<i64: 8>, starts = array<i64: 2>, steps = array<i64: 2>} : (tensor<?x10xf32>) -> tensor<?x3xf32>',
     f'%4 = "tg.slice"(%x) {{axes = array<i64: -1, 0>, ends = array<i64: {INT64_MIN}, {INT64_MAX}>, starts = array<i64: -2, 0>, steps = array<i64: -3, 1>}} : (tensor<?x10xf32>) -> tensor<?x3xf32>',
     f'%5 = "tg.slice"(%a) {{axes = array<i64: 0, 1>, ends = array<i64: {INT64_MAX}, 2147483647>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>}} : (tensor<?x?xf32>) -> tensor<?x?xf32>']),
    2, lambda m, n, rng: [rand(rng, m, n), rand(rng, m, 2), rand(rng, n, n)[:1].repeat(3, 0), rand(rng, m, 10)],
    lambda a, b, c, x: [np.concatenate([a, b], 1), np.concatenate([a, c], 0), np.concatenate([b, b, b], 1),
                        x[:, 2:8:2], x[:, -2::-3], a])

case("gather_expand_trilu", func(
    [("%emb", T("10x?")), ("%ids", T("?x?", "i64")), ("%d", T("?x6")), ("%i3", T("3", "i64")),
     ("%e", T("?x1")), ("%v", T("?")), ("%t", T("?x?")), ("%i2", T("3", "i64"))],
    ["%0", "%1", "%2", "%3", "%4", "%5", "%6"],
    ['%0 = "tg.gather"(%emb, %ids) {axis = 0 : i64} : (tensor<10x?xf32>, tensor<?x?xi64>) -> tensor<?x?x?xf32>',
     '%1 = "tg.gather"(%d, %i3) {axis = 1 : i64} : (tensor<?x6xf32>, tensor<3xi64>) -> tensor<?x3xf32>',
     '%2 = "tg.gather"(%t, %i2) {axis = 0 : i64} : (tensor<?x?xf32>, tensor<3xi64>) -> tensor<3x?xf32>',
     '%3 = "tg.expand"(%e) {shape = array<i64: 1, 5>} : (tensor<?x1xf32>) -> tensor<?x5xf32>',
     '%4 = "tg.expand"(%v) {shape = array<i64: 3, 1>} : (tensor<?xf32>) -> tensor<3x?xf32>',
     '%5 = "tg.trilu"(%t) {k = 0 : i64, upper = 1 : i64} : (tensor<?x?xf32>) -> tensor<?x?xf32>',
     '%6 = "tg.trilu"(%t) {k = 1 : i64, upper = 0 : i64} : (tensor<?x?xf32>) -> tensor<?x?xf32>']),
    2, lambda m, n, rng: [rand(rng, 10, n), rng.integers(-10, 10, size=(m, n)), rand(rng, m, 6),
                          np.array([5, -1, 0], np.int64), rand(rng, m, 1), rand(rng, n), rand(rng, m, n),
                          np.array([0, -1, 0], np.int64)],
    lambda emb, ids, d, i3, e, v, t, i2: [emb[ids], d[:, i3], t[i2],
                                      np.broadcast_to(e, (e.shape[0], 5)), np.broadcast_to(v, (3, v.shape[0])),
                                      np.triu(t), np.tril(t, 1)])

# --- convolutions and pools --------------------------------------------------------


def _conv_reference(x, w, b, x2, w2, x3, w3):
    return [ort("Conv", {"x": x}, {"pads": [1, 1, 1, 1]}, initializers={"w": w, "b": b})[0],
            ort("Conv", {"x": x2}, {"pads": [1, 1, 1, 1], "strides": [2, 2]}, initializers={"w": w2})[0],
            ort("Conv", {"x": x3}, {"pads": [2, 2], "dilations": [2], "group": 2}, initializers={"w": w3})[0]]


case("conv", func(
    [("%x", T("?x3x8x8")), ("%w", T("4x3x3x3")), ("%b", T("4")), ("%x2", T("?x2x?x?")), ("%w2", T("4x2x3x3")),
     ("%x3", T("?x4x?")), ("%w3", T("6x2x3"))],
    ["%0", "%1", "%2"],
    ['%0 = "tg.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<?x4x8x8xf32>',
     '%1 = "tg.conv"(%x2, %w2) {dilations = array<i64: 1, 1>, group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<?x2x?x?xf32>, tensor<4x2x3x3xf32>) -> tensor<?x4x?x?xf32>',
     '%2 = "tg.conv"(%x3, %w3) {dilations = array<i64: 2>, group = 2 : i64, kernel_shape = array<i64: 3>, pads = array<i64: 2, 2>, strides = array<i64: 1>} : (tensor<?x4x?xf32>, tensor<6x2x3xf32>) -> tensor<?x6x?xf32>']),
    2, lambda n, h, rng: [rand(rng, n, 3, 8, 8), rand(rng, 4, 3, 3, 3), rand(rng, 4), rand(rng, n, 2, h, h + 1),
                          rand(rng, 4, 2, 3, 3), rand(rng, n, 4, h), rand(rng, 6, 2, 3)],
    _conv_reference, rtol=1e-4, atol=1e-4)


def _pool_reference(x, y):
    pool = {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]}
    return [ort("MaxPool", {"x": x}, pool)[0],
            ort("AveragePool", {"x": x}, {"kernel_shape": [2, 2], "strides": [2, 2], "pads": [1, 1, 1, 1],
                                          "count_include_pad": 1})[0],
            ort("AveragePool", {"y": y}, {**pool, "count_include_pad": 0})[0],
            ort("MaxPool", {"y": y}, {"kernel_shape": [2, 2], "strides": [2, 2], "ceil_mode": 1})[0],
            ort("GlobalAveragePool", {"x": x})[0], ort("GlobalMaxPool", {"x": x})[0],
            ort("LpPool", {"x": x}, {"kernel_shape": [2, 2], "p": 2})[0],
            *ort("MaxPool", {"y": y}, {"kernel_shape": [2, 2], "strides": [2, 2]}, outputs=2)]


case("pools", func(
    [("%x", T("?x2x?x?")), ("%y", T("?x2x5x5"))], ["%0", "%1", "%2", "%3", "%4", "%5", "%6", "%7#0", "%7#1"],
    ['%0 = "tg.max_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<?x2x?x?xf32>) -> tensor<?x2x?x?xf32>',
     '%1 = "tg.average_pool"(%x) {ceil_mode = 0 : i64, count_include_pad = 1 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<?x2x?x?xf32>) -> tensor<?x2x?x?xf32>',
     '%2 = "tg.average_pool"(%y) {ceil_mode = 0 : i64, count_include_pad = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<?x2x5x5xf32>) -> tensor<?x2x3x3xf32>',
     '%3 = "tg.max_pool"(%y) {ceil_mode = 1 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<?x2x5x5xf32>) -> tensor<?x2x3x3xf32>',
     '%4 = "tg.global_average_pool"(%x) : (tensor<?x2x?x?xf32>) -> tensor<?x2x1x1xf32>',
     '%5 = "tg.global_max_pool"(%x) : (tensor<?x2x?x?xf32>) -> tensor<?x2x1x1xf32>',
     '%6 = "tg.lp_pool"(%x) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, p = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x2x?x?xf32>) -> tensor<?x2x?x?xf32>',
     '%7:2 = "tg.max_pool_with_indices"(%y) {ceil_mode = 0 : i64, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<?x2x5x5xf32>) -> (tensor<?x2x2x2xf32>, tensor<?x2x2x2xi64>)']),
    2, lambda n, h, rng: [rand(rng, n, 2, h + 1, h + 2), rand(rng, n, 2, 5, 5)],
    _pool_reference, rtol=1e-4, atol=1e-5)

# --- attention --------------------------------------------------------------------


def _attention_reference(q, k, v):
    b, s, _ = q.shape
    heads = lambda t: t.reshape(b, t.shape[1], 2, 8).transpose(0, 2, 1, 3)  # noqa: E731
    qh, kh, vh = heads(q), heads(k), heads(v)
    scores = qh @ kh.transpose(0, 1, 3, 2) * 0.25
    causal = np.triu(np.ones((s, k.shape[1]), bool), 1)
    scores = np.where(causal, -np.inf, scores)
    y = _softmax(scores, -1) @ vh
    return [y.transpose(0, 2, 1, 3).reshape(b, s, 16)]


case("attention", func(
    [("%q", T("?x?x16")), ("%k", T("?x?x16")), ("%v", T("?x?x16"))], ["%0#0"],
    ['%0:4 = "tg.attention"(%q, %k, %v) {is_causal = 1 : i64, kv_num_heads = 2 : i64, q_num_heads = 2 : i64, qk_matmul_output_mode = 0 : i64, scale = 2.500000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32>, tensor<?x2x?x?xf32>)']),
    2, lambda b, s, rng: [rand(rng, b, s, 16), rand(rng, b, s, 16), rand(rng, b, s, 16)],
    _attention_reference, rtol=1e-4, atol=1e-5)



def _attention_with_past_reference(q, k, v, pk, pv):
    b, s, _ = q.shape
    heads = lambda t: t.reshape(b, t.shape[1], 2, 8).transpose(0, 2, 1, 3)  # noqa: E731
    kh, vh = np.concatenate([pk, heads(k)], 2), np.concatenate([pv, heads(v)], 2)
    scores = heads(q) @ kh.transpose(0, 1, 3, 2) * 0.25
    past = pk.shape[2]
    causal = np.arange(kh.shape[2])[None, :] > np.arange(s)[:, None] + past
    y = _softmax(np.where(causal, -np.inf, scores), -1) @ vh
    return [y.transpose(0, 2, 1, 3).reshape(b, s, 16), kh]


case("attention_with_past", func(
    [("%q", T("?x?x16")), ("%k", T("?x?x16")), ("%v", T("?x?x16")), ("%pk", T("?x2x?x8")), ("%pv", T("?x2x?x8"))],
    ["%0#0", "%0#1"],
    ['%0:4 = "tg.attention_with_past"(%q, %k, %v, %pk, %pv) {is_causal = 1 : i64, kv_num_heads = 2 : i64, q_num_heads = 2 : i64, qk_matmul_output_mode = 0 : i64, scale = 2.500000e-01 : f32, softcap = 0.000000e+00 : f32, softmax_precision = 1 : i64} : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x?x8xf32>, tensor<?x2x?x8xf32>, tensor<?x2x?x?xf32>)']),
    3, lambda b, s, p, rng: [rand(rng, b, s, 16), rand(rng, b, s, 16), rand(rng, b, s, 16),
                             rand(rng, b, 2, p, 8), rand(rng, b, 2, p, 8)],
    _attention_with_past_reference, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------

def size_rotations(count: int) -> list[tuple[int, ...]]:
    """Sizes for ``count`` dynamic dims: each takes 1, 2, 7 and 33 once, in different pairings."""
    return [tuple(SIZES[(k + i) % len(SIZES)] for i in range(count)) for k in range(len(SIZES))]


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_dynamic_lowering(c: Case):
    rng = np.random.default_rng(0)
    for sizes in size_rotations(c.dynamic):
        inputs = c.make(*sizes, rng)
        run_and_compare(c.text, inputs, c.ref(*inputs), c.rtol, c.atol, f"sizes {sizes}:")


_BY_NAME = {c.name: c for c in CASES}


@given(m=st.integers(1, 40), n=st.integers(1, 40))
def test_elementwise_sizes(m, n):
    c = _BY_NAME["binary_two_dynamic_dims"]
    inputs = c.make(m, n, np.random.default_rng(m * 41 + n))
    run_and_compare(c.text, inputs, c.ref(*inputs), c.rtol, c.atol)


@given(m=st.integers(1, 40), k=st.integers(1, 40))
def test_matmul_sizes(m, k):
    c = _BY_NAME["matmul_dynamic_k"]
    inputs = c.make(m, k, np.random.default_rng(m * 41 + k))
    run_and_compare(c.text, inputs, c.ref(*inputs), c.rtol, c.atol)


@given(n=st.integers(1, 4), h=st.integers(1, 20))
def test_pool_sizes(n, h):
    c = _BY_NAME["pools"]
    inputs = c.make(n, h, np.random.default_rng(n * 41 + h))
    run_and_compare(c.text, inputs, c.ref(*inputs), c.rtol, c.atol)
