"""The model half of an ahead-of-time build: ONNX -> an LLVM-dialect module ready
for ``mlir-translate``, its weights taken out as one byte blob, and what the C
wrapper needs to know (inputs, outputs, workspace, dynamic result dims, threads).

The CPU target's own stage pipelines run unchanged up to the ``affine`` stage
(the schedules are made for ``threads`` threads, as for the JIT). The step
``affine -> llvm`` is the JIT's (``polytile.pipelines.affine_to_llvm``) with one
difference: OpenMP parallel regions get no ``num_threads`` clause, so that a
library session bounds its threads at run time (the C wrapper calls
``omp_set_num_threads`` on the calling thread before each run; that value is
per calling thread, so sessions on other threads keep theirs).

Weights: every constant ``llvm.mlir.global`` whose value is a dense, non-splat array of
whole bytes per element (f16, f32, f64, i8..i64; not i1, bf16 or the float8
types, which stay in the IR) becomes an external declaration; its bytes go to
:attr:`Lowered.weights` at an aligned offset, and the C side defines the symbol
(``.incbin`` of the blob, or a zeroed buffer filled from ``--weights=FILE``).
This also keeps big models quick to translate: the LLVM IR holds no weights.

Does not yet: cross-target schedules (the default scheduler sizes vectors and
tiles from the *host* CPU even for ``--target-triple``; the code is correct on the
target, not tuned for it), or resuming from the IR of a stage (``--from``).
"""
from __future__ import annotations

import dataclasses
from typing import Optional

import numpy as np

from polytile.diagnostics import PolytileError

MIN_WEIGHT_BYTES = 64  # smaller constants stay in the IR
WEIGHT_ALIGNMENT = 64


@dataclasses.dataclass
class Weight:
    symbol: str
    offset: int
    nbytes: int
    alignment: int


@dataclasses.dataclass
class Lowered:
    """An LLVM-dialect module (bytecode) and what the C wrapper needs."""

    bytecode: bytes
    inputs: list  # TensorInfo
    outputs: list
    threads: int  # threads the kernels were scheduled for (1: serial code, no OpenMP)
    workspace_bytes: int  # 0 with workspace_argument False
    workspace_alignment: int
    workspace_argument: bool
    dynamic_result_dims: list  # (result, dim) pairs computed by <entry>_shapes
    weights: bytes
    weight_symbols: list  # Weight
    dim_bounds: dict


def aot_affine_to_llvm(threads: int) -> list[str]:
    """The JIT's ``affine -> llvm`` passes, with OpenMP regions left without a
    ``num_threads`` clause (the session sets the count at run time)."""
    from polytile import pipelines
    return ["convert-scf-to-openmp" if p.startswith("convert-scf-to-openmp") else p
            for p in pipelines.affine_to_llvm(threads)]


def _weight_bytes(attr, ir) -> Optional[bytes]:
    """The little-endian bytes of a dense constant, or None for the kinds left in the IR."""
    if not isinstance(attr, ir.DenseElementsAttr):
        return None
    t = ir.ShapedType(attr.type)
    et = t.element_type
    dtypes = {"f16": np.float16, "f32": np.float32, "f64": np.float64,
              "i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64}
    name = str(et)
    if name not in dtypes:
        return None
    dtype = np.dtype(dtypes[name])
    count = int(np.prod(t.shape)) if t.rank else 1
    if count * dtype.itemsize < MIN_WEIGHT_BYTES:
        return None
    if attr.is_splat:  # one value: LLVM keeps it small (zeros go to .bss)
        return None
    array = np.asarray(attr)
    if array.dtype != dtype or array.size != count:
        return None
    return np.ascontiguousarray(array, dtype=dtype.newbyteorder("<")).tobytes()


def extract_weights(module) -> tuple[bytes, list[Weight]]:
    """Turn the big dense constant globals of an LLVM-dialect ``module`` into
    external declarations (in place); returns their bytes and where each lies."""
    from mlir import ir
    blob = bytearray()
    symbols: list[Weight] = []
    for op in module.body.operations:
        op = op.operation
        if op.name == "llvm.mlir.global" and "constant" not in op.attributes:
            # shared mutable state: two sessions running at once would race on it
            raise PolytileError(f"the compiled model keeps state in the mutable global "
                                f"@{ir.StringAttr(op.attributes['sym_name']).value}, so a library of it would not "
                                f"be reentrant (this is a bug in polytile)")
        if op.name != "llvm.mlir.global" or "constant" not in op.attributes or "value" not in op.attributes:
            continue
        data = _weight_bytes(op.attributes["value"], ir)
        if data is None:
            continue
        alignment = WEIGHT_ALIGNMENT
        if "alignment" in op.attributes:
            alignment = max(alignment, ir.IntegerAttr(op.attributes["alignment"]).value)
        offset = -len(blob) % alignment
        blob.extend(b"\0" * offset)
        symbol = ir.StringAttr(op.attributes["sym_name"]).value
        symbols.append(Weight(symbol, len(blob), len(data), alignment))
        blob.extend(data)
        del op.attributes["value"]
        op.attributes["linkage"] = ir.Attribute.parse("#llvm.linkage<external>")
        op.attributes["dso_local"] = ir.UnitAttr.get()
    return bytes(blob), symbols


def _int_attr(module, name: str, default: int) -> int:
    from mlir import ir
    attributes = module.operation.attributes
    return ir.IntegerAttr(attributes[name]).value if name in attributes else default


def _lower_in_process(model, options, input_shapes) -> Lowered:
    from mlir import ir
    from polytile.context import create_context
    from polytile.dialects.irdl_spec import release_dialects
    from polytile.runtime import jit
    from polytile.targets import driver
    from polytile.targets.cpu import THREADS_ATTR
    from polytile.targets.base import get_target

    target = get_target("cpu")
    driver.check_request(target, options, None, "llvm")
    context = create_context()
    try:
        compilation = driver.import_model(context, model, input_shapes, target, options, loading=True)
        driver.lower(compilation, "affine")
        inputs, outputs = compilation.require_io()
        with context, ir.Location.unknown():
            target.before_step(compilation, "affine")  # the memory check; the threads attribute
            module = compilation.module
            threads = _int_attr(module, THREADS_ATTR, 1)
            driver.run_passes(module, aot_affine_to_llvm(threads))
            weights, symbols = extract_weights(module)
            attributes = module.operation.attributes
            flat = list(ir.DenseI64ArrayAttr(attributes[jit.DYNAMIC_RESULT_DIMS_ATTR])) \
                if jit.DYNAMIC_RESULT_DIMS_ATTR in attributes else []
            from polytile.isolation import module_bytecode
            return Lowered(
                bytecode=module_bytecode(module), inputs=list(inputs), outputs=list(outputs), threads=threads,
                workspace_bytes=_int_attr(module, jit.WORKSPACE_BYTES_ATTR, 0),
                workspace_alignment=_int_attr(module, jit.WORKSPACE_ALIGNMENT_ATTR, 64),
                workspace_argument=jit.WORKSPACE_ARGUMENT_ATTR in attributes,
                dynamic_result_dims=list(zip(flat[::2], flat[1::2])),
                weights=weights, weight_symbols=symbols, dim_bounds=dict(options.dim_bounds or {}))
    finally:
        release_dialects(context)


def lower_model(model, *, options=None, input_shapes: Optional[dict] = None, isolate: bool = True,
                crash_reproducer: Optional[str] = None) -> Lowered:
    """Compile ``model`` (path, bytes or ModelProto) with the CPU target's
    ``options`` (:class:`polytile.targets.CpuOptions`) to an LLVM-dialect module for
    a library. ``isolate`` runs it in a forked child (a compiler crash becomes
    :class:`polytile.CompilerCrash`)."""
    from polytile.targets.base import get_target
    options = get_target("cpu").make_options(options)
    if not isolate:
        return _lower_in_process(model, options, input_shapes)
    from polytile import isolation
    isolation._preload()

    def body():
        isolation.report_stage("importing the ONNX model")
        return _lower_in_process(model, options, input_shapes)

    outcome = isolation.run_in_child(body)
    if outcome.error is not None:
        isolation.raise_child_error(outcome)
    if outcome.crashed:
        raise isolation.diagnose(outcome, body, reproducer=crash_reproducer)
    if not isinstance(outcome.value, Lowered):
        raise PolytileError("the compile child returned no module (this is a bug in polytile)")
    return outcome.value
