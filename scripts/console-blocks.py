#!/usr/bin/env python3
"""Fills each ```console block of a Markdown file with what its `$ ` commands print.

Usage: python3 scripts/console-blocks.py docs/walkthrough.md   (after `make build`)
Commands run with bash from the repository root, with .build/release first on PATH. The output
replaces whatever followed the command in the block. WalkthroughTests checks the file stays true.
"""
import os, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
env = dict(os.environ, PATH=os.path.join(root, ".build/release") + ":" + os.environ["PATH"])
path = sys.argv[1]
lines = open(path, encoding="utf-8").read().split("\n")
out, in_block = [], False
for line in lines:
    if line.startswith("```console"):
        in_block = True
        out.append(line)
        continue
    if in_block and line.startswith("```"):
        in_block = False
        out.append(line)
        continue
    if in_block:
        if line.startswith("$ "):
            out.append(line)
            r = subprocess.run(["bash", "-c", "set -o pipefail; " + line[2:]], cwd=root, env=env, capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit(f"{line}: exit {r.returncode}: {r.stderr}")
            out.extend(r.stdout.rstrip("\n").split("\n"))
        continue
    out.append(line)
open(path, "w", encoding="utf-8").write("\n".join(out))
