"""Linking, as the product links pictures, on sets from the second, independently written
generator (fixtures.linkgen2): pairwise precision, recall and F1, and as the product joins,
per base kind and per edit, on a tuning seed and the held-out seeds, at two sizes (collisions
grow with the store).

    .venv/bin/python -m bench.linkgen2 [--seeds 1 11 12] [--campaigns 12 60]

Tuning seeds (fixtures.linkgen2.TUNE_SEEDS) may be studied for why copies miss; held-out
seeds are only measured, and say so in the output.
"""

from __future__ import annotations

import argparse
import time

from bench.linking import Item, as_items, report
from fixtures.linkgen2 import HELD_OUT_SEEDS, TUNE_SEEDS, make_linkgen2


def items(seed: int, campaigns: int) -> list[Item]:
    return as_items(make_linkgen2(seed, campaigns))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[TUNE_SEEDS[0], *HELD_OUT_SEEDS])
    parser.add_argument("--campaigns", type=int, nargs="+", default=[12, 60])
    args = parser.parse_args()
    print("linking pictures of the second generator (each picture its own message)")
    for campaigns in args.campaigns:
        for seed in args.seeds:
            split = (
                "tuning"
                if seed in TUNE_SEEDS
                else "held out"
                if seed in HELD_OUT_SEEDS
                else "unused"
            )
            started = time.monotonic()
            pictures = items(seed, campaigns)
            made = time.monotonic() - started
            report(f"linkgen2 seed {seed} ({split}), {campaigns} campaigns", pictures)
            print(f"{'':44} (generated in {made:.0f} s)")


if __name__ == "__main__":
    main()
