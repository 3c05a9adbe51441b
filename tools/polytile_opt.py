"""`polytile-opt`: run passes over MLIR files, like mlir-opt (see polytile.opt_main)."""
import sys

from polytile.opt_main import main

if __name__ == "__main__":
    sys.exit(main())
