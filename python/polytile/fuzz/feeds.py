"""Feed mutations: what a compiled model's ``run`` is handed.

The parent draws a list of mutation descriptors (:func:`draw`, JSON-able:
``{"kind": ..., "input": name, "seed": n, ...}``) for a seed model; the child
compiles the seed, draws correct random feeds and applies the descriptors
(:func:`apply`). Kinds: wrong shapes (extra/missing/changed dims, empty), wrong
dtypes (float64, float16, ints, bool, complex, byte-swapped, object), missing
and extra names, keys that are not strings, NaN/Inf/extreme values, empty
arrays, views that are not contiguous (steps, transposes, negative strides,
broadcast zero strides, Fortran order, misaligned data), 0-d arrays, Python
lists and scalars, object arrays, strings, None, a list instead of a dict,
read-only and subclassed arrays, ``output_names`` (valid, repeated, unknown).

:func:`apply` also says whether the result is *invalid*: whether polytile must
refuse it with an InputError (after ``np.asarray``, a dtype or shape that is
not the input's, a missing or unknown name, feeds that are not a dict, an
unknown output name); valid feeds must give onnxruntime's answer.
"""
from __future__ import annotations

import random
from typing import Optional

import numpy as np

KINDS = {
    # kind: weight
    "shape": 3, "dtype": 3, "missing": 1, "extra": 1, "key": 0.5, "special": 4, "empty": 1,
    "view": 5, "zerod": 1, "pylist": 1.5, "scalar": 0.5, "object": 1, "string": 0.5, "none": 0.3,
    "container": 0.5, "readonly": 0.5, "subclass": 0.7, "output_names": 1.5,
}


def draw(rng: random.Random, input_names: list[str], output_names: list[str]) -> list[dict]:
    """1-3 mutation descriptors for a model with these inputs and outputs."""
    count = rng.choice([1, 1, 1, 2, 2, 3])
    kinds = list(KINDS)
    weights = [KINDS[k] for k in kinds]
    out = []
    for _ in range(count):
        kind = rng.choices(kinds, weights)[0]
        m = {"kind": kind, "input": rng.choice(input_names) if input_names else "", "seed": rng.randrange(1 << 30)}
        if kind == "output_names":
            m["outputs"] = list(output_names)
        out.append(m)
    return out


_DTYPES = ["float64", "float16", "float32", "int32", "int64", "int8", "uint8", "bool", "complex64",
           ">f4", ">i8", "object"]


def _mutate_value(kind: str, value: np.ndarray, r: random.Random, nr: np.random.Generator):
    if kind == "shape":
        shape = list(value.shape)
        choice = r.randrange(6)
        if choice == 0 or not shape:
            shape.append(r.choice([1, 2, 3]))
        elif choice == 1:
            shape.pop(r.randrange(len(shape)))
        elif choice == 2:
            i = r.randrange(len(shape))
            shape[i] = max(0, shape[i] + r.choice([-1, 1, 2, 5]))
        elif choice == 3:
            shape = shape[::-1]
        elif choice == 4:
            shape.insert(0, 1)
        else:
            shape = [int(np.prod(shape))]
        size = int(np.prod(shape)) if shape else 1
        flat = np.resize(value.reshape(-1), size) if value.size else np.zeros(size, value.dtype)
        return flat.reshape(shape)
    if kind == "dtype":
        dtype = np.dtype(r.choice(_DTYPES))
        with np.errstate(all="ignore"):
            return value.astype(dtype)
    if kind == "special":
        out = value.copy()
        if out.size == 0:
            return out
        flat = out.reshape(-1)
        count = max(1, int(flat.size * r.choice([0.1, 0.5, 1.0])))
        where = nr.choice(flat.size, size=min(count, flat.size), replace=False)
        if np.issubdtype(out.dtype, np.floating):
            info = np.finfo(out.dtype)
            specials = [np.nan, np.inf, -np.inf, info.max, -info.max, info.tiny / 4, 0.0, -0.0, 1e20, -1e-30]
        elif np.issubdtype(out.dtype, np.integer):
            info = np.iinfo(out.dtype)
            specials = [info.max, info.min, 0, -1, 1, info.max // 2]
        else:
            specials = [True, False]
        picked = [r.choice(specials) for _ in where]
        with np.errstate(all="ignore"):
            flat[where] = np.array(picked, dtype=np.float64 if np.issubdtype(out.dtype, np.floating)
                                   else out.dtype).astype(out.dtype)
        return out
    if kind == "empty":
        if r.random() < 0.5:
            return np.array([], dtype=value.dtype)
        shape = list(value.shape) or [0]
        shape[r.randrange(len(shape))] = 0
        return np.zeros(shape, value.dtype)
    if kind == "view":
        return _view(value, r)
    if kind == "zerod":
        return np.array(value.reshape(-1)[0] if value.size else 0, dtype=value.dtype)
    if kind == "pylist":
        return value.tolist()
    if kind == "scalar":
        return value.reshape(-1)[0].item() if value.size else 0.0
    if kind == "object":
        return value.astype(object)
    if kind == "string":
        return r.choice(["abc", b"\x00\x01", np.array(["a", "b"]), np.array(value.astype(str))])
    if kind == "none":
        return None
    if kind == "readonly":
        out = value.copy()
        out.setflags(write=False)
        return out
    if kind == "subclass":
        choice = r.randrange(3)
        if choice == 0 and value.ndim == 2:
            return np.asmatrix(value)
        if choice == 1:
            return np.ma.masked_array(value, mask=np.zeros(value.shape, bool))
        class Sub(np.ndarray):
            pass
        return value.view(Sub)
    return value


def _view(value: np.ndarray, r: random.Random) -> np.ndarray:
    """The same values as a view that is not a plain C-contiguous array."""
    choice = r.randrange(7)
    if choice == 0:  # every second element of a bigger array
        big = np.repeat(value, 2, axis=-1) if value.ndim else value
        return big[..., ::2] if value.ndim else big
    if choice == 1:  # transposed storage
        return np.ascontiguousarray(value.T).T
    if choice == 2:
        return np.asfortranarray(value)
    if choice == 3 and value.ndim:  # negative strides
        flipped = np.ascontiguousarray(value[..., ::-1])
        return flipped[..., ::-1]
    if choice == 4 and value.ndim and value.size:  # zero strides
        if np.all(value == value.reshape(-1)[0]):
            return np.broadcast_to(value.reshape(-1)[:1].reshape((1,) * value.ndim), value.shape)
        same = np.broadcast_to(value.reshape(-1)[:1].reshape((1,) * value.ndim), value.shape)
        return same
    if choice == 5 and value.size:  # misaligned data
        raw = np.zeros(value.nbytes + 1, np.uint8)
        view = raw[1:].view(value.dtype) if value.dtype.itemsize == 1 else None
        if view is None:
            view = np.frombuffer(raw.data, dtype=value.dtype, count=value.size, offset=1)
            view = view.copy() if view.flags.aligned else view
            if not view.flags.writeable:
                buf = bytearray(value.nbytes + 1)
                view = np.frombuffer(buf, dtype=value.dtype, count=value.size, offset=1)
        view = view.reshape(value.shape)
        view[...] = value
        return view
    # an offset slice of a bigger buffer
    big = np.concatenate([value.reshape(-1), value.reshape(-1)])
    return big[value.size:].reshape(value.shape)


def apply(mutations: list[dict], base: dict, compiled):
    """(feeds for polytile, contiguous feeds for onnxruntime, output_names or
    None, why the feeds are invalid or None)."""
    feeds = dict(base)
    output_names: Optional[list] = None
    container = None
    for m in mutations:
        r = random.Random(m["seed"])
        nr = np.random.default_rng(m["seed"])
        kind, name = m["kind"], m.get("input")
        if kind == "missing":
            feeds.pop(name, None)
        elif kind == "extra":
            feeds[r.choice(["bogus", name + "_", "", " " + name])] = np.zeros(2, np.float32)
        elif kind == "key":
            value = feeds.pop(name, None)
            feeds[r.choice([0, None, b"x", ("x",), name.encode() if name else 1.5])] = value
        elif kind == "container":
            container = r.choice(["list", "tuple", "none", "items"])
        elif kind == "output_names":
            outs = list(m.get("outputs") or [])
            choice = r.randrange(4)
            if choice == 0 and outs:
                output_names = r.sample(outs, r.randint(1, len(outs)))
            elif choice == 1 and outs:
                output_names = [outs[0], outs[0]]
            elif choice == 2:
                output_names = ["no_such_output"] + outs[:1]
            else:
                output_names = []
        elif name in feeds and isinstance(feeds[name], np.ndarray) and feeds[name].dtype != object:
            try:
                feeds[name] = _mutate_value(kind, feeds[name], r, nr)
            except Exception:  # noqa: BLE001 - e.g. NaN into an array of strings: does not apply
                pass
    infos = {i.name: i for i in compiled.inputs}
    invalid = None
    ref = {}
    if container is not None:
        invalid = f"feeds given as {container}"
        fed = {"list": list(feeds.values()), "tuple": tuple(feeds.values()), "none": None,
               "items": list(feeds.items())}[container]
        return fed, ref, output_names, invalid
    keys = list(feeds)
    unknown = [k for k in keys if k not in infos]
    missing = [n for n in infos if n not in feeds]
    if unknown:
        invalid = f"unknown names {unknown!r}"
    elif missing:
        invalid = f"missing inputs {missing!r}"
    else:
        for n, info in infos.items():
            try:
                array = feeds[n] if isinstance(feeds[n], np.ndarray) else np.asarray(feeds[n])
            except Exception as e:  # noqa: BLE001 - e.g. ragged lists
                invalid = f"input '{n}' is not an array ({type(e).__name__})"
                break
            if array.dtype != info.dtype:
                invalid = f"input '{n}' has dtype {array.dtype}"
                break
            if tuple(array.shape) != tuple(info.shape):
                invalid = f"input '{n}' has shape {tuple(array.shape)}"
                break
            ref[n] = np.array(array, order="C", copy=True)  # (ascontiguousarray makes 0-d arrays 1-d)
    if invalid is None and output_names is not None:
        outs = set(compiled.output_names)
        bad = [n for n in output_names if n not in outs]
        if bad:
            invalid = f"unknown output names {bad!r}"
    return feeds, ref, output_names, invalid
