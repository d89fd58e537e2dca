"""python -m tools.datagen [module ...] — regenerate datasets/ (all modules by default)."""

import sys

from . import DATASETS, generate_all

if __name__ == "__main__":
    for path in generate_all(DATASETS, sys.argv[1:] or None):
        print(path.relative_to(DATASETS.parent))
