#!/usr/bin/env bash
# Compares the fast path's float text with Swift's Float.description on all 2^32 bit patterns
# (about 10 minutes on 2 cores). Usage: scripts/check-float-text.sh [threads]
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
clang++ -std=c++17 -O2 -ISources/CTensorText/include -c Sources/CTensorText/float_text.cpp -o "$tmp/float_text.o"
swiftc -O -import-objc-header Sources/CTensorText/include/tensor_text.h scripts/check-float-text.swift "$tmp/float_text.o" -lstdc++ -o "$tmp/check"
"$tmp/check" "${1:-$(nproc)}"
