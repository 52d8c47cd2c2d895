#!/bin/sh
# The knock-out check (issue 13, D): for every mechanism the model declares,
# the science tests (tests/models/test_*science*.cpp and test_patterns.cpp)
# run with that mechanism switched off in every run they build
# (PPISIM_TEST_KNOCKOUT, tests/knockouts_from_environment.cpp); the check fails if any knock-out
# passes them all, for then no test sees that mechanism.
#
# One failing test is enough to see a knock-out, so each mechanism first runs
# only its witness, the test that saw it last time (knockout_witnesses.txt
# beside this script: "mechanism<TAB>test case name"). A mechanism whose
# witness no longer fails, or that has none, runs every science test (stopping
# at the first failure) and the script prints the line to put in the file.
# Every test run with a mechanism knocked out must first pass with every
# mechanism on, or its failure would prove nothing.
#   knockouts_are_seen.sh PPISIM PPISIM_TESTS SOURCE_DIR [MECHANISM...]
set -u
ppisim=$1 suite=$2 source_dir=$3
shift 3
names=${*:-$("$ppisim" mechanisms --format names)}
witnesses="$source_dir/tests/models/knockout_witnesses.txt"
selection=""
for file in "$source_dir"/tests/models/test_*science*.cpp "$source_dir"/tests/models/test_patterns.cpp; do
  selection="$selection${selection:+,}[#$(basename "$file" .cpp)]"
done
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# The witness test of mechanism $1, as a Catch2 test spec (its special characters escaped); empty if none.
witness_of() {
  [ -f "$witnesses" ] || return 0
  awk -F '\t' -v name="$1" '$1 == name { print $2; exit }' "$witnesses" | sed 's/[]\\,[]/\\&/g'
}

# Runs test spec $2 with mechanism $1 knocked out ("" for none) into log $3 (JUnit XML: whole test names,
# where the console reporter wraps them); its exit status in $3.status.
tests_without() {
  PPISIM_TEST_KNOCKOUT=$1 "$suite" -# "$2" --abort -r junit >"$logs/$3.log" 2>"$logs/$3.stderr"
  echo $? >"$logs/$3.status"
}
failed() { [ "$(cat "$logs/$1.status")" != 0 ] && grep -q '<failure' "$logs/$1.log"; }
# The name of the first test case with a failure, its XML entities decoded.
first_failing_test() {
  awk '/<testcase / { match($0, / name="[^"]*"/); name = substr($0, RSTART + 7, RLENGTH - 8) }
       /<failure/ { print name; exit }' "$logs/$1.log" |
    sed "s/&apos;/'/g; s/&quot;/\"/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g"
}

# Every witness, and then the whole selection if a witness is missing, must pass with all mechanisms on.
all_witnesses=""
for name in $names; do
  spec=$(witness_of "$name")
  [ -n "$spec" ] && all_witnesses="$all_witnesses${all_witnesses:+,}$spec"
done
check_all_on() {  # $1: spec, $2: what it is
  tests_without "" "$1" "none-$2"
  if [ "$(cat "$logs/none-$2.status")" != 0 ]; then
    cat "$logs/none-$2.stderr" "$logs/none-$2.log"
    echo "the $2 fail with every mechanism on: fix them first, or no knock-out can be judged"
    exit 1
  fi
}
[ -n "$all_witnesses" ] && check_all_on "$all_witnesses" "witness tests"

# A mechanism's witness first; if it passes (or there is none), the whole selection.
judge() {
  spec=$(witness_of "$1")
  if [ -n "$spec" ]; then
    tests_without "$1" "$spec" "$1"
    failed "$1" && return 0
  fi
  [ -f "$logs/none-science tests.status" ] || check_all_on "$selection" "science tests"
  echo "full" >"$logs/$1.full"
  tests_without "$1" "$selection" "$1"
}

# Two at a time (these machines have two cores), reported in the listed order.
set -- $names
while [ $# -gt 0 ]; do
  judge "$1" &
  if [ $# -gt 1 ]; then judge "$2" & fi
  wait
  shift; [ $# -gt 0 ] && shift
done

unseen="" broken="" new_witnesses=""
for name in $names; do
  if [ "$(cat "$logs/$name.status")" = 0 ]; then
    unseen="$unseen $name"
    echo "UNSEEN  $name: every science test passes without it"
  elif failed "$name"; then
    test_case=$(first_failing_test "$name")
    echo "seen    $name  (failing test: $test_case)"
    [ -f "$logs/$name.full" ] && new_witnesses="$new_witnesses$name	$test_case
"
  else
    broken="$broken $name"
    echo "ERROR   $name: the suite did not run"; cat "$logs/$name.stderr" "$logs/$name.log"
  fi
done
if [ -n "$new_witnesses" ]; then
  echo "witnesses missing or stale in $witnesses; put these lines there (they make the next check faster):"
  printf '%s' "$new_witnesses"
fi
if [ -n "$unseen$broken" ]; then
  echo "knock-outs no science test sees:${unseen:- none}; runs that failed to start:${broken:- none}"
  exit 1
fi
echo "every one of the $(echo $names | wc -w) knock-outs fails some science test"
