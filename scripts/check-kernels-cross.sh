#!/usr/bin/env bash
# The kernels' bits across machines: builds scripts/kernel-hash.c natively (clang) and for arm64
# (gcc-aarch64-linux-gnu, run under qemu-user), runs every variant each can run, and checks that
# all print the same hash. Needs: apt-get install -y gcc-aarch64-linux-gnu qemu-user (installed
# here when root). Not part of make test (a cross compiler is a large download); make check-arm.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
k=$here/Sources/CKernels
if ! command -v aarch64-linux-gnu-gcc >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq gcc-aarch64-linux-gnu qemu-user >&2
  else echo "check-kernels-cross: run: sudo apt-get install -y gcc-aarch64-linux-gnu qemu-user" >&2; exit 1; fi
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cc=$(command -v clang || echo /opt/swift/usr/bin/clang)
"$cc" -O2 -ffp-contract=off -I"$k/include" -I"$k" "$here/scripts/kernel-hash.c" "$k"/*.c -o "$work/x86" -lpthread -lm
aarch64-linux-gnu-gcc -O2 -ffp-contract=off -static -I"$k/include" -I"$k" "$here/scripts/kernel-hash.c" "$k"/*.c \
  -o "$work/arm" -lpthread -lm 2>/dev/null
{
  "$work/x86"; VAMOS_ISA=scalar "$work/x86"
  qemu-aarch64 "$work/arm"; VAMOS_ISA=scalar qemu-aarch64 "$work/arm"
} | tee "$work/out" >&2
n=$(awk '{print $4}' "$work/out" | sort -u | wc -l)
[ "$n" -eq 1 ] && echo "check-kernels-cross: the same bits on every variant and machine" || { echo "check-kernels-cross: DIFFERENT" >&2; exit 1; }
