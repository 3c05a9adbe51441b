"""polytile's passes. Importing this package registers every pass: one line per
pass module below (the registry), each module holding one pass.
"""
from . import tg_canonicalize  # noqa: F401  tg-canonicalize
from . import tg_dce  # noqa: F401  tg-dce
from . import func_add_memref_entry  # noqa: F401  func-add-memref-entry
from .conversion import tg_to_linalg  # noqa: F401  convert-tg-to-linalg
from . import tg_remove_identity  # noqa: F401  tg-remove-identity
from . import tg_fold_constants  # noqa: F401  tg-fold-constants
from . import tg_fold_batchnorm_into_conv  # noqa: F401  tg-fold-batchnorm-into-conv
from . import tg_cse  # noqa: F401  tg-cse
from . import linalg_interchange_for_locality  # noqa: F401  linalg-interchange-for-locality
from . import func_outline_loop_nests  # noqa: F401  func-outline-loop-nests
from . import linalg_widen_bool_tensors  # noqa: F401  linalg-widen-bool-tensors
from . import arith_flatten_tensor_constants  # noqa: F401  arith-flatten-tensor-constants
from . import gpu_interchange_parallel_outer  # noqa: F401  gpu-interchange-parallel-outer
from . import gpu_memref_copy_to_linalg  # noqa: F401  gpu-memref-copy-to-linalg
from . import gpu_hoist_buffers  # noqa: F401  gpu-hoist-buffers
from . import gpu_launch_parallel_loops  # noqa: F401  gpu-launch-parallel-loops
from . import gpu_emulate_launch_on_cpu  # noqa: F401  gpu-emulate-launch-on-cpu
from . import affine_polyhedral_deps  # noqa: F401  affine-polyhedral-deps
from . import affine_polyhedral_schedule  # noqa: F401  affine-polyhedral-schedule
from . import tg_fuse_kernels  # noqa: F401  tg-fuse-kernels
from . import sched_verify  # noqa: F401  sched-verify
from . import linalg_fold_constant_layouts  # noqa: F401  linalg-fold-constant-layouts
from . import sched_default  # noqa: F401  sched-default
from . import sched_apply  # noqa: F401  sched-apply, sched-lower-vectors
from . import gpu_matmul_shared_tiles  # noqa: F401  gpu-matmul-shared-tiles
from . import gpu_matmul_mma_sync  # noqa: F401  gpu-matmul-mma-sync
from . import func_profile_calls  # noqa: F401  func-profile-calls
from . import memref_allocs_to_workspace  # noqa: F401  memref-allocs-to-workspace
from . import math_approximate_f32  # noqa: F401  math-approximate-f32
