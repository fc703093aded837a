#!/usr/bin/env bash
# Installs the system packages Vamos builds against, when they are missing:
# json-c (all JSON) and SentencePiece (opus-mt's source.spm / target.spm), found through
# pkg-config; GNU parallel for pipelines/translate-parallel.sh.
set -euo pipefail
packages=(pkg-config libjson-c-dev libsentencepiece-dev parallel)
missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
pkg-config --exists json-c 2>/dev/null || missing+=(libjson-c-dev)
pkg-config --exists sentencepiece 2>/dev/null || missing+=(libsentencepiece-dev)
command -v parallel >/dev/null 2>&1 || missing+=(parallel)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${packages[@]}" >&2
else
  echo "install-deps: missing ${missing[*]}; run: sudo apt-get install -y ${packages[*]}" >&2
  # GNU parallel is only for pipelines/translate-parallel.sh (its test skips without it).
  required=("${missing[@]/parallel}")
  [ -z "${required[*]// /}" ] || exit 1
fi
