"""`python -m sync.sandbox [--host H] [--port P] [--answer-after S] [--question-rate P] [--seed N] [--token T]`."""

import sys

from sync.sandbox.cli import main

sys.exit(main(sys.argv[1:]))
