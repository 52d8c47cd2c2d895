#!/usr/bin/env bash
# End-to-end figures for BENCHMARKS.md (run by `./dev bench full`):
#  1. the scale ladder: 3 simulated years of scenarios/breastfriends.yaml at
#     town, region and England scale, each a separate single-threaded
#     `ppisim run` under /usr/bin/time -v: wall time, mother-days per second
#     (sum of the `mothers_followed` series), peak memory, memory per agent;
#  2. sweep throughput at town scale: a summary-only LHS sweep of 40 runs at
#     1 and 2 threads (runs per second, scaling);
#  3. the share of a town run's time spent writing HDF5 (from ppisim_bench:
#     BM_WriteResults/20 against 20 x BM_RunOne).
# Needs build/ppisim and build/bench/ppisim_bench (./dev bench builds both).
set -euo pipefail
cd "$(dirname "$0")/.."
PPISIM=build/ppisim
BENCH=build/bench/ppisim_bench
work=$(mktemp -d /tmp/ppisim_scale.XXXXXX)
trap 'rm -rf "$work"' EXIT

# name births/yr midwives health_visitors volunteers localities training_size
SCALES=(
  "town 3000 90 60 7 4 3"
  "region 60000 1800 1200 140 80 60"
  "england 600000 12000 8000 1400 800 600"
)

echo "## Scale ladder: 3 years of breastfriends.yaml, 1 replicate, 1 thread"
printf '| %-7s | %9s | %9s | %9s | %14s | %14s | %11s | %12s | %10s |\n' scale births/yr prof. volunt. wall_s \
  mother_days/s peak_MiB peak_agents bytes/agent
printf '|%s|\n' "---------|-----------|-----------|-----------|----------------|----------------|-------------|--------------|------------"
for row in "${SCALES[@]}"; do
  read -r name births midwives visitors volunteers localities training <<<"$row"
  out="$work/$name.h5"
  /usr/bin/time -v -o "$work/$name.time" "$PPISIM" run scenarios/breastfriends.yaml -o "$out" --force --quiet \
    --replicates 1 --threads 1 \
    --set "population.births=$births per year" --set "professionals.midwives=$midwives" \
    --set "professionals.health_visitors=$visitors" --set "volunteers.initial=$volunteers" \
    --set "population.localities=$localities" --set "volunteers.training.size=$training"
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$work/$name.time")
  rss_kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$name.time")
  /usr/bin/python3 - "$out" "$wall" "$rss_kib" "$name" "$births" "$((midwives + visitors))" "$volunteers" <<'PY'
import sys, h5py, numpy as np
path, wall, rss_kib, name, births, prof, vol = sys.argv[1:]
with h5py.File(path, "r") as f:
    followed = f["timeseries/mothers_followed"][0]
    volunteers = f["timeseries/volunteers_active"][0] if "timeseries/volunteers_active" in f else None
wall = float(wall); rss = int(rss_kib) * 1024
peak_volunteers = int(np.nanmax(volunteers)) if volunteers is not None else int(vol)
agents = int(np.nanmax(followed)) + int(prof) + peak_volunteers
print(f"| {name:<7} | {int(births):>9,} | {int(prof):>9,} | {peak_volunteers:>9,} | {wall:>14.2f} | "
      f"{followed.sum() / wall:>14,.0f} | {rss / 2**20:>11.1f} | {agents:>12,} | {rss / agents:>10,.0f} |")
PY
done

echo
echo "## Sweep throughput at town scale (summary-only LHS sweep, 40 runs)"
cat >"$work/throughput.yaml" <<YAML
name: throughput
base: $PWD/scenarios/breastfriends.yaml
factors:
  professionals.referral_probability: { uniform: [0.2, 0.9] }
  concern.jump: { uniform: [0.05, 0.4] }
design: { method: lhs, points: 20, replicates: 2, seed: 1 }
store: summary
YAML
declare -A rate
for threads in 1 2; do
  start=$(date +%s.%N)
  "$PPISIM" sweep "$work/throughput.yaml" -o "$work/sweep$threads.h5" --force --quiet --threads "$threads"
  end=$(date +%s.%N)
  rate[$threads]=$(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.2f", 40 / (e - s)}')
  echo "threads $threads: ${rate[$threads]} runs/s"
done
awk -v a="${rate[1]}" -v b="${rate[2]}" 'BEGIN {printf "scaling 1 -> 2 threads: %.2fx (target >= 1.85x)\n", b / a}'

echo
echo "## HDF5 share of a town run (20 replicates: writing vs simulating)"
"$BENCH" --benchmark_filter='^(BM_RunOne|BM_WriteResults/20)$' --benchmark_min_time=1 \
  --benchmark_format=json --benchmark_out="$work/hdf5.json" >/dev/null
/usr/bin/python3 - "$work/hdf5.json" <<'PY'
import json, sys
runs = {b["name"]: b["real_time"] for b in json.load(open(sys.argv[1]))["benchmarks"]}
simulate = 20 * runs["BM_RunOne"]            # milliseconds
write = runs["BM_WriteResults/20"]
print(f"simulate 20 runs: {simulate:.1f} ms, write them: {write:.1f} ms, "
      f"HDF5 share: {100 * write / (simulate + write):.1f}% (target <= 10%)")
PY
