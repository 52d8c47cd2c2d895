#!/usr/bin/env bash
# Sweep and calibration throughput at town scale, runs per second at 1 and 2
# threads, for one or more ppisim binaries taking turns (for BENCHMARKS.md):
#  - a summary-only LHS sweep of breastfriends.yaml (POINTS points x 2 replicates);
#  - one ABC-SMC generation (generation 0: every particle accepted) of
#    scenarios/calibration/example_support_effect.yaml with its towns at the
#    ladder's town size (3,000 births a year, 3 years) and PARTICLES particles
#    (each 2 scenarios x 2 replicates = 4 runs), timed as the whole command:
#    its replicate-noise estimate and posterior predictive check run more
#    simulations, so its rate is given in particles per second, not runs.
#
#   bench/throughput.sh POINTS PARTICLES BINARY...
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -lt 3 ]]; then
  echo "usage: bench/throughput.sh POINTS PARTICLES BINARY..." >&2
  exit 2
fi
points=$1 particles=$2
shift 2
work=$(mktemp -d /tmp/ppisim_throughput.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat >"$work/sweep.yaml" <<YAML
name: throughput
base: $PWD/scenarios/breastfriends.yaml
factors:
  professionals.referral_probability: { uniform: [0.2, 0.9] }
  concern.jump: { uniform: [0.05, 0.4] }
design: { method: lhs, points: $points, replicates: 2, seed: 1 }
store: summary
YAML
sed -e "s#\.\./no_peer_support\.yaml#$PWD/scenarios/no_peer_support.yaml#" \
  -e "s#\.\./integrated\.yaml#$PWD/scenarios/integrated.yaml#" \
  -e 's#horizon: 2 years, population.births: 1500 per year#horizon: 3 years, population.births: 3000 per year#' \
  -e "s#population: 60#population: $particles#" -e 's#max_generations: 4#max_generations: 1#' \
  scenarios/calibration/example_support_effect.yaml >"$work/calibration.yaml"
sweep_runs=$((points * 2))
# timed KIND BINARY THREADS COUNT COMMAND...: runs the command, prints one row (COUNT per second).
timed() {
  local kind=$1 binary=$2 threads=$3 count=$4 load start end
  shift 4
  load=$(cut -d' ' -f1 /proc/loadavg)
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  awk -v k="$kind" -v b="$binary" -v t="$threads" -v n="$count" -v s="$start" -v e="$end" -v l="$load" \
    'BEGIN {printf "%-12s %-40s %7s %9s %8.2f %7.1f %6s\n", k, b, t, n, e - s, n / (e - s), l}'
}
printf '%-12s %-40s %7s %9s %8s %7s %6s\n' kind binary threads runs/part. wall_s rate/s load
for threads in 1 2; do
  for binary in "$@"; do
    timed sweep "$binary" "$threads" "$sweep_runs" \
      "$binary" sweep "$work/sweep.yaml" -o "$work/sweep.h5" --force --quiet --threads "$threads"
    timed calibration "$binary" "$threads" "$particles" \
      "$binary" calibrate "$work/calibration.yaml" -o "$work/posterior.h5" --force --quiet --threads "$threads"
  done
done
