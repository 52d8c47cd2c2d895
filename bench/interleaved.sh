#!/usr/bin/env bash
# Interleaved A/B timing of two or more ppisim binaries on one scale of the
# ladder (bench/scale_ladder.sh's rows), for BENCHMARKS.md: the binaries take
# turns (A B A B ...) so that load from other work on the machine falls on
# all of them alike. One line per run: round, binary, wall seconds, user
# seconds, peak RSS (MiB) and the 1-minute load average read just before it.
#
#   bench/interleaved.sh SCALE ROUNDS BINARY...      SCALE: town | region | england
#
# town is scenarios/breastfriends.yaml as shipped (3,000 births a year);
# region and england set the population and workforce as the ladder does.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -lt 3 ]]; then
  echo "usage: bench/interleaved.sh town|region|england ROUNDS BINARY..." >&2
  exit 2
fi
scale=$1 rounds=$2
shift 2
case $scale in
  town) sets=() ;;
  region) sets=(60000 1800 1200 140 80 60) ;;
  england) sets=(600000 12000 8000 1400 800 600) ;;
  *) echo "bench/interleaved.sh: unknown scale '$scale' (expected town, region or england)" >&2; exit 2 ;;
esac
args=()
if [[ ${#sets[@]} -gt 0 ]]; then
  args=(--set "population.births=${sets[0]} per year" --set "professionals.midwives=${sets[1]}"
    --set "professionals.health_visitors=${sets[2]}" --set "volunteers.initial=${sets[3]}"
    --set "population.localities=${sets[4]}" --set "volunteers.training.size=${sets[5]}")
fi
work=$(mktemp -d /tmp/ppisim_interleaved.XXXXXX)
trap 'rm -rf "$work"' EXIT
printf '%-5s %-40s %8s %8s %8s %6s\n' round binary wall_s user_s rss_MiB load
for ((round = 1; round <= rounds; ++round)); do
  for binary in "$@"; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f '%e %U %M' -o "$work/time" "$binary" run scenarios/breastfriends.yaml -o "$work/out.h5" --force \
      --quiet --replicates 1 --threads 1 "${args[@]}"
    read -r wall user rss_kib <"$work/time"
    printf '%-5s %-40s %8s %8s %8.1f %6s\n' "$round" "$binary" "$wall" "$user" "$(awk -v k="$rss_kib" 'BEGIN {print k / 1024}')" "$load"
  done
done
