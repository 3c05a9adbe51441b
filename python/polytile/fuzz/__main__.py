import sys

from polytile.fuzz.cli import main

sys.exit(main())
