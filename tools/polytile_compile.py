"""`polytile-compile`: see polytile.compile_main."""
import sys

from polytile.compile_main import main

if __name__ == "__main__":
    sys.exit(main())
