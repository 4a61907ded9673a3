# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# Checks of an example's command line, for the tests to source: --help, and
# the exit status 2 with a message on stderr for a bad option or value. Each
# function prints what it checked, and on a failure prints why and returns 1
# (which ends a `set -e` script).

# check_help PROG OPTION...: `PROG --help` exits 0, prints a usage on stdout
# and nothing on stderr, and names every OPTION (e.g. --records) with its
# short form, and says "default" at least once.
check_help() {
  local prog=$1 name out err code=0 option options
  shift
  name=$(basename "$prog")
  options=("$@")
  [[ " $* " == *" --help "* ]] || options+=(--help)
  out=$("$prog" --help 2>"${TEST_TMPDIR:-/tmp}/help.err") || code=$?
  err=$(cat "${TEST_TMPDIR:-/tmp}/help.err")
  if ((code != 0)); then
    echo "FAIL: $name --help exited $code, not 0: $err"
    return 1
  fi
  if [[ -n "$err" ]]; then
    echo "FAIL: $name --help wrote to stderr: $err"
    return 1
  fi
  if ! grep -q '^usage: ' <<<"$out"; then
    echo "FAIL: $name --help prints no 'usage: ' line:"
    echo "$out"
    return 1
  fi
  for option in "${options[@]}"; do
    # "  -r, --records N ...": the short and the long form on one line.
    if ! grep -Eq "^  -[a-zA-Z], $option( |\$)" <<<"$out"; then
      echo "FAIL: $name --help does not list '-X, $option':"
      echo "$out"
      return 1
    fi
  done
  if ! grep -q 'default' <<<"$out"; then
    echo "FAIL: $name --help gives no defaults:"
    echo "$out"
    return 1
  fi
  echo "ok: $name --help lists ${options[*]}"
}

# check_usage_error REGEX PROG ARG...: `PROG ARG...` exits 2, prints nothing
# on stdout, and on stderr a line matching REGEX and a pointer to --help.
check_usage_error() {
  local regex=$1 prog=$2 name out err code=0
  shift 2
  name=$(basename "$prog")
  out=$("$prog" "$@" 2>"${TEST_TMPDIR:-/tmp}/usage.err") || code=$?
  err=$(cat "${TEST_TMPDIR:-/tmp}/usage.err")
  if ((code != 2)); then
    echo "FAIL: $name $* exited $code, not 2; stdout: $out; stderr: $err"
    return 1
  fi
  if [[ -n "$out" ]]; then
    echo "FAIL: $name $* wrote to stdout: $out"
    return 1
  fi
  if ! grep -Eq -- "$regex" <<<"$err"; then
    echo "FAIL: $name $*: no line /$regex/ on stderr: $err"
    return 1
  fi
  if ! grep -q -- "--help' for the options\.\$" <<<"$err"; then
    echo "FAIL: $name $*: stderr does not point to --help: $err"
    return 1
  fi
  echo "ok: $name $* -> 2: $(head -n 1 <<<"$err")"
}
