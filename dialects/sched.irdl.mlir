// The sched (schedule) dialect: how to compile one kernel function (a func with
// a `tg.kernel` attribute, made by tg-fuse-kernels). A schedule is flat and
// handle-based, like the transform dialect: `sched.kernel` names the kernel
// function and yields a `!sched.handle`; every following step op takes that
// handle and adds one decision (a tile level, an interchange, ...). Schedules
// sit at module top level next to the functions; their order is the order of
// the steps. IRDL ops cannot be terminators, hence no regions.
//
// This file is the single source of truth for the ops and their attribute
// kinds; it is loaded into polytile's context and by upstream
// `mlir-opt --irdl-file=`. What IRDL cannot say (dense array element types,
// legality against the kernel's loops) is checked in dialects/sched.py and
// dialects/sched_rules.py. Every attribute listed is required. The type is
// `!sched.handle` because an IRDL type and op cannot share the name `kernel`.

irdl.dialect @sched {
  // A handle on one kernel function; produced by sched.kernel only.
  irdl.type @handle

  // Names the kernel function (`name`, a func.func with tg.kernel) that the
  // steps using the result apply to. One sched.kernel per kernel function.
  irdl.operation @kernel {
    %handle_t = irdl.parametric @sched::@handle<>
    %attr_name = irdl.base "#builtin.string"
    irdl.results(handle: %handle_t)
    irdl.attributes {"name" = %attr_name}
  }

  // One tile level over the kernel's loops (one size per loop, 0: loop not
  // tiled). Repeated sched.tile ops are successive levels, outermost first.
  irdl.operation @tile {
    %target = irdl.parametric @sched::@handle<>
    %attr_sizes = irdl.base "#builtin.dense_array"
    irdl.operands(target: %target)
    irdl.attributes {"sizes" = %attr_sizes}
  }

  // The order of the kernel's loops (outermost first) for the tile loops of the
  // register tiles: entry i is the loop placed at depth i; reduction loops keep their
  // place (docs/Schedules.md).
  irdl.operation @interchange {
    %target = irdl.parametric @sched::@handle<>
    %attr_permutation = irdl.base "#builtin.dense_array"
    irdl.operands(target: %target)
    irdl.attributes {"permutation" = %attr_permutation}
  }

  // Fuse the kernel's element-wise consumers (its epilogue, `consumers`) and the
  // producers of the listed anchor operands (`producers`) into the outermost tile loop.
  irdl.operation @fuse {
    %target = irdl.parametric @sched::@handle<>
    %true = irdl.is true
    %false = irdl.is false
    %attr_consumers = irdl.any_of(%true, %false)
    %attr_producers = irdl.base "#builtin.dense_array"
    irdl.operands(target: %target)
    irdl.attributes {"consumers" = %attr_consumers, "producers" = %attr_producers}
  }

  // Pack anchor operand #`operand` into tiles of its trailing dims (matmul B
  // [K, N] with tiles [32] -> [N/32][K][32]); constants are packed at compile time.
  irdl.operation @pack {
    %target = irdl.parametric @sched::@handle<>
    %attr_operand = irdl.base "#builtin.integer"
    %attr_tiles = irdl.base "#builtin.dense_array"
    irdl.operands(target: %target)
    irdl.attributes {"operand" = %attr_operand, "tiles" = %attr_tiles}
  }

  // Vectorize the innermost tile with vectors of `width` elements.
  irdl.operation @vectorize {
    %target = irdl.parametric @sched::@handle<>
    %attr_width = irdl.base "#builtin.integer"
    irdl.operands(target: %target)
    irdl.attributes {"width" = %attr_width}
  }

  // Unroll the innermost reduction step loop of a packed contraction by `factor`.
  irdl.operation @unroll {
    %target = irdl.parametric @sched::@handle<>
    %attr_factor = irdl.base "#builtin.integer"
    irdl.operands(target: %target)
    irdl.attributes {"factor" = %attr_factor}
  }

  // The loops `dims` of the preceding tile level run in parallel on `threads`
  // threads (0: all cores).
  irdl.operation @parallel {
    %target = irdl.parametric @sched::@handle<>
    %attr_dims = irdl.base "#builtin.dense_array"
    %attr_threads = irdl.base "#builtin.integer"
    irdl.operands(target: %target)
    irdl.attributes {"dims" = %attr_dims, "threads" = %attr_threads}
  }

  // GPU mapping (target cuda): grid (`blocks`) and block (`threads`) sizes, 1-3 dims
  // each, over the innermost parallel loops of the anchor (x innermost).
  irdl.operation @gpu_map {
    %target = irdl.parametric @sched::@handle<>
    %attr_blocks = irdl.base "#builtin.dense_array"
    %attr_threads = irdl.base "#builtin.dense_array"
    irdl.operands(target: %target)
    irdl.attributes {"blocks" = %attr_blocks, "threads" = %attr_threads}
  }

  // Hand the kernel's loop nests to affine-polyhedral-schedule with `options`
  // (that pass's option text, e.g. "fusion=smart tile-sizes=32").
  irdl.operation @polyhedral {
    %target = irdl.parametric @sched::@handle<>
    %attr_options = irdl.base "#builtin.string"
    irdl.operands(target: %target)
    irdl.attributes {"options" = %attr_options}
  }
}
