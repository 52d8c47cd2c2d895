#!/bin/sh
# The knock-out check (issue 13, D): for every mechanism the model declares,
# the science tests (tests/models/test_*science*.cpp and test_patterns.cpp)
# run with that mechanism switched off in every run they build
# (PPISIM_TEST_KNOCKOUT, tests/main.cpp); the check fails if any knock-out
# passes them all, for then no test sees that mechanism.
#   knockouts_are_seen.sh PPISIM PPISIM_TESTS SOURCE_DIR [MECHANISM...]
set -u
ppisim=$1 suite=$2 source_dir=$3
shift 3
names=${*:-$("$ppisim" mechanisms --format names)}
selection=""
for file in "$source_dir"/tests/models/test_*science*.cpp "$source_dir"/tests/models/test_patterns.cpp; do
  selection="$selection${selection:+,}[#$(basename "$file" .cpp)]"
done
log=$(mktemp)
trap 'rm -f "$log"' EXIT
unseen="" broken=""
for name in $names; do
  if PPISIM_TEST_KNOCKOUT=$name "$suite" -# "$selection" --abort --reporter compact >"$log" 2>&1; then
    unseen="$unseen $name"
    echo "UNSEEN  $name: every science test passes without it"
  elif first=$(grep -m1 -E ': failed: ' "$log"); then
    echo "seen    $name  (first failure: ${first%%: failed*})"
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
