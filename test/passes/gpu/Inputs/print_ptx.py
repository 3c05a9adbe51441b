"""Print the PTX of every gpu.binary in the MLIR module read from stdin; with
an argument PREFIX also write kernel module i to PREFIX.i.ptx (ptxas takes one
module per file)."""
import sys

from mlir import ir

from polytile.context import create_context
from polytile.gpu.compiler import ptx_text

with create_context():
    text = ptx_text(ir.Module.parse(sys.stdin.read()))
print(text)
if len(sys.argv) > 1:
    kernels = [k.split("\n", 1)[1] for k in text.split("// gpu.binary @") if k.strip()]
    for i, kernel in enumerate(kernels):
        with open(f"{sys.argv[1]}.{i}.ptx", "w") as f:
            f.write(kernel)
