#!/bin/sh
# The knock-out check (issue 13, D): for every mechanism the model declares,
# the science tests (tests/models/test_*science*.cpp and test_patterns.cpp)
# run with that mechanism switched off in every run they build
# (PPISIM_TEST_KNOCKOUT, tests/main.cpp); the check fails if any knock-out
# passes them all, for then no test sees that mechanism. They must first
# pass with every mechanism on, or a failure would prove nothing.
#   knockouts_are_seen.sh PPISIM PPISIM_TESTS SOURCE_DIR [MECHANISM...]
set -u
ppisim=$1 suite=$2 source_dir=$3
shift 3
names=${*:-$("$ppisim" mechanisms --format names)}
selection=""
for file in "$source_dir"/tests/models/test_*science*.cpp "$source_dir"/tests/models/test_patterns.cpp; do
  selection="$selection${selection:+,}[#$(basename "$file" .cpp)]"
done
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# Runs the science tests with mechanism $1 knocked out ("" for none); the exit status is the suite's.
science() {
  PPISIM_TEST_KNOCKOUT=$1 "$suite" -# "$selection" --abort >"$logs/${1:-none}.log" 2>&1
  echo $? >"$logs/${1:-none}.status"
}

science ""
if [ "$(cat "$logs/none.status")" != 0 ]; then
  cat "$logs/none.log"
  echo "the science tests fail with every mechanism on: fix them first, or no knock-out can be judged"
  exit 1
fi

# Two at a time (these machines have two cores), reported in the listed order.
set -- $names
while [ $# -gt 0 ]; do
  science "$1" &
  if [ $# -gt 1 ]; then science "$2" & fi
  wait
  shift; [ $# -gt 0 ] && shift
done

unseen="" broken=""
for name in $names; do
  log="$logs/$name.log"
  if [ "$(cat "$logs/$name.status")" = 0 ]; then
    unseen="$unseen $name"
    echo "UNSEEN  $name: every science test passes without it"
  elif grep -q 'FAILED:' "$log"; then
    # The console reporter names the failing test case between two dashed lines.
    test_case=$(awk '/^--------------------/ { if (++rules == 1) { getline; print; exit } }' "$log")
    echo "seen    $name  (first failing test: $test_case)"
  else
    broken="$broken $name"
    echo "ERROR   $name: the suite did not run"; cat "$log"
  fi
done
if [ -n "$unseen$broken" ]; then
  echo "knock-outs no science test sees:${unseen:- none}; runs that failed to start:${broken:- none}"
  exit 1
fi
echo "every one of the $(echo $names | wc -w) knock-outs fails some science test"
