"""`python -m keras_classics` runs the command line."""

import sys

from keras_classics.cli import main

sys.exit(main())
