"""`polytile-run`: see polytile.run_main."""
import sys

from polytile.run_main import main

if __name__ == "__main__":
    sys.exit(main())
