#!/usr/bin/env bash
# Whole-process benchmark: times the samples' command line, `scratch4j build`, of each input
# against `tar | openssl dgst -sha256`, the JDK's SHA-256 alone, Jib-core 0.27.3, and
# `docker build` (legacy builder, --no-cache) + `docker save` when a Docker engine answers, also on
# Temurin 25 (plainly, through the launcher's AOT cache, and its SHA-256 alone); and,
# for hello, the image loaded into the engine (build --load) against docker build alone, and
# the launcher on JDK 25 against docker build again, paired run by run.
# Prints, from one run, the median wall time of RUNS runs, the peak RSS, and each tool's time as
# a ratio of scratch4j's; then, in turns (LOCAL_PAIRS pairs, default 9), the small files against
# Jib and the large file against the hash alone (in each round the faster of a read hash and a
# mapped one), on JDK 17 and 25, with `java -jar` and through the launcher; then builds a 4 GiB layer under
# -Xmx64m and prints its peak RSS.
#
# With log-256m, compares `gzip -6` with build --gzip on 256 MiB of log-like text.
#
#   jmh-benchmarks/bench.sh [RUNS] [INPUT...]   (default 5 runs of hello, small-files, big-512m and
#                                                log-256m; the jars are built if missing)
set -euo pipefail
export LC_ALL=C  # a decimal point in $EPOCHREALTIME and bc
cd "$(dirname "$0")/.."
runs=${1:-5}
shift || true
selected=("$@")
[ ${#selected[@]} -gt 0 ] || selected=(hello small-files big-512m log-256m)
work=${BENCH_DIR:-$PWD/jmh-benchmarks/target/process-bench}
samples=$PWD/samples/target/scratch4j-samples.jar
launcher=$PWD/samples/target/scratch4j
jdk25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
benchjar=$PWD/jmh-benchmarks/target/benchmarks.jar
if [ ! -f "$samples" ] || [ ! -f "$launcher" ] || [ ! -f "$benchjar" ]; then mvn -q -DskipTests package; fi
mkdir -p "$work"
# Launcher archives are made afresh by the first run of each kind (the warm-up run).
rm -rf "$work/launcher-cache" "$work/launcher-cache-load"
mapfile -t inputs < <(java -cp "$benchjar" 'io.github.scratch4j.benchmarks.ProcessMains$MakeInputs' "$work/inputs")
declare -A input=([big-512m]=${inputs[0]} [small-files]=${inputs[1]} [hello]=${inputs[2]})
have_docker=false
if timeout 10 docker info >/dev/null 2>&1; then have_docker=true; fi

# measure NAME CMD...: runs CMD $runs times after one warm-up; sets $median (s) and $rss (MiB).
measure() {
  local name=$1; shift
  local times=() peak=0
  "$@" >/dev/null 2>&1 || { echo "$name failed: $*" >&2; return 1; }
  for _ in $(seq "$runs"); do
    cleanup
    local out
    /usr/bin/time -o "$work/time.txt" -f "%e %M" "$@" >/dev/null 2>&1
    out=$(tail -1 "$work/time.txt")
    times+=("${out% *}")
    local kb=${out#* }
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
  rss=$((peak / 1024))
}
# paired A B N [C]: runs the functions A and B in turn, N times each after one warm-up of each; sets
# $a_median and $b_median (s, to the millisecond), $ratio, the median of the N ratios A/B, and
# $a_won, in how many of the N pairs A took less time. With C, a second way of doing B's work,
# each round runs C too and B's time is the less of B's and C's in that round ($c_won: how many
# rounds C was the faster).
# $before runs, untimed, before every timed run (cleanup: no output or cache left from the last).
before=:
paired() {
  local a=$1 b=$2 c=${4:-} ta=() tb=() r=() s m m2 e tc
  pairs=$3
  c_won=0
  $before; "$a" >/dev/null 2>&1 && { $before; "$b" >/dev/null 2>&1; } || { echo "paired $a $b: a warm-up run failed" >&2; return 1; }
  [ -z "$c" ] || { $before; "$c" >/dev/null 2>&1; } || { echo "paired $a $c: a warm-up run failed" >&2; return 1; }
  for _ in $(seq "$pairs"); do
    $before; s=$EPOCHREALTIME; "$a" >/dev/null 2>&1; m=$EPOCHREALTIME
    $before; m2=$EPOCHREALTIME; "$b" >/dev/null 2>&1; e=$EPOCHREALTIME
    ta+=("$(echo "$m - $s" | bc -l)"); tb+=("$(echo "$e - $m2" | bc -l)")
    if [ -n "$c" ]; then
      $before; s=$EPOCHREALTIME; "$c" >/dev/null 2>&1; e=$EPOCHREALTIME
      tc=$(echo "$e - $s" | bc -l)
      if [ "$(echo "$tc < ${tb[-1]}" | bc -l)" = 1 ]; then tb[-1]=$tc; c_won=$((c_won + 1)); fi
    fi
    r+=("$(echo "${ta[-1]} / ${tb[-1]}" | bc -l)")
  done
  a_median=$(printf '%.3f' "$(median_of "${ta[@]}")")
  b_median=$(printf '%.3f' "$(median_of "${tb[@]}")")
  ratio=$(printf '%.3f' "$(median_of "${r[@]}")")
  a_won=$(printf '%s\n' "${r[@]}" | awk '$1 < 1' | wc -l)
}
median_of() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
cleanup() { rm -rf "$work/out.tar" "$work/jib-cache" "$work/docker-out.tar"; }

docker_build() {  # docker_build SRC: a FROM scratch image with SRC copied in, then docker save
  local ctx=$work/docker-ctx
  rm -rf "$ctx"; mkdir -p "$ctx"
  cp -al "$1" "$ctx/input"
  printf 'FROM scratch\nCOPY input /input\n' > "$ctx/Dockerfile"
  DOCKER_BUILDKIT=0 docker build -q --no-cache -t scratch4j-bench:latest "$ctx" >/dev/null
  docker save -o "$work/docker-out.tar" scratch4j-bench:latest
}
docker_build_only() {  # docker_build_only SRC: the same image, left in the engine (no save)
  local ctx=$work/docker-ctx
  rm -rf "$ctx"; mkdir -p "$ctx"
  cp -al "$1" "$ctx/input"
  printf 'FROM scratch\nCOPY input /input\n' > "$ctx/Dockerfile"
  DOCKER_BUILDKIT=0 docker build -q --no-cache -t scratch4j-bench-load:latest "$ctx" >/dev/null
}
export -f docker_build docker_build_only
export work

# The runs the rows in turns compare, on the loop's $name and $src.
local_pair() {  # local_pair LABEL A B [C]: paired A B N [C], printed as a row
  paired "$2" "$3" "${LOCAL_PAIRS:-9}" "${4:-}"
  printf '%-12s %-52s A %6s  B %6s  A/B %6s  (A faster in %s of %s%s)\n' "$name" "$1" "$a_median" "$b_median" "$ratio" "$a_won" "$pairs" \
    "$([ -z "${4:-}" ] || echo "; B mapped the faster in $c_won")"
}
s4j_17() { java -jar "$samples" build --add "$src" --no-dependency-check -o "$work/out.tar"; }
s4j_25() { "$jdk25/bin/java" -jar "$samples" build --add "$src" --no-dependency-check -o "$work/out.tar"; }
# The command line as it ships: the launcher, its class-data archive made by the rows above.
s4j_cds_17() { XDG_CACHE_HOME="$work/launcher-cache" "$launcher" build --add "$src" --no-dependency-check -o "$work/out.tar"; }
s4j_aot_25() { JAVA_HOME="$jdk25" XDG_CACHE_HOME="$work/launcher-cache" "$launcher" build --add "$src" --no-dependency-check -o "$work/out.tar"; }
jib_17() { java -cp "$benchjar" 'io.github.scratch4j.benchmarks.ProcessMains$JibBuild' "$src" "$work/out.tar" "$work/jib-cache"; }
# The hash alone, read through a 1 MiB buffer and from mappings: the rows in turns take the faster.
hash_17() { java -cp "$benchjar" 'io.github.scratch4j.benchmarks.ProcessMains$HashFiles' "$src"; }
hash_25() { "$jdk25/bin/java" -cp "$benchjar" 'io.github.scratch4j.benchmarks.ProcessMains$HashFiles' "$src"; }
hash_mapped_17() { java -cp "$benchjar" 'io.github.scratch4j.benchmarks.ProcessMains$HashFiles' --mapped "$src"; }
hash_mapped_25() { "$jdk25/bin/java" -cp "$benchjar" 'io.github.scratch4j.benchmarks.ProcessMains$HashFiles' --mapped "$src"; }
printf '%-12s %-28s %10s %10s %10s\n' input tool "median s" "RSS MiB" "x scratch4j"
for name in "${selected[@]}"; do
  [ "$name" != log-256m ] || continue
  src=${input[$name]}
  measure scratch4j java -jar "$samples" build --add "$src" --no-dependency-check -o "$work/out.tar"
  base=$median
  printf '%-12s %-28s %10s %10s %10s\n' "$name" "scratch4j build" "$median" "$rss" "1.00"
  row() { printf '%-12s %-28s %10s %10s %10.2f\n' "$name" "$1" "$median" "$rss" "$(echo "$median / $base" | bc -l)"; }
  # The same through the launcher samples/target/scratch4j, which keeps a class-data archive
  # (AppCDS) per jar and JDK: class loading and linking are most of a short run. Its first run,
  # which makes the archive, is the warm-up run measure() does not count.
  measure scratch4j-cds env XDG_CACHE_HOME="$work/launcher-cache" "$launcher" build --add "$src" --no-dependency-check -o "$work/out.tar"; row "scratch4j launcher (AppCDS)"
  # The same on Temurin 25 (JDK 25): plainly, and through the launcher with its AOT cache (JEP 483),
  # beside a JDK 25 process that only hashes the file.
  if [ -x "$jdk25/bin/java" ]; then
    measure scratch4j-25 "$jdk25/bin/java" -jar "$samples" build --add "$src" --no-dependency-check -o "$work/out.tar"; row "scratch4j build, JDK 25"
    measure scratch4j-aot env JAVA_HOME="$jdk25" XDG_CACHE_HOME="$work/launcher-cache" "$launcher" build --add "$src" --no-dependency-check -o "$work/out.tar"; row "launcher (AOT cache), JDK 25"
    measure jdk-hash-25 "$jdk25/bin/java" -cp "$benchjar" 'io.github.scratch4j.benchmarks.ProcessMains$HashFiles' "$src"; row "JDK 25 SHA-256 alone"
    measure jdk-hash-25-mapped "$jdk25/bin/java" -cp "$benchjar" 'io.github.scratch4j.benchmarks.ProcessMains$HashFiles' --mapped "$src"; row "JDK 25 SHA-256 alone, mapped"
  fi
  measure tar-openssl sh -c "tar -cf - -C '$(dirname "$src")' '$(basename "$src")' | openssl dgst -sha256"; row "tar | openssl dgst"
  measure jdk-hash java -cp "$benchjar" 'io.github.scratch4j.benchmarks.ProcessMains$HashFiles' "$src"; row "JDK SHA-256 alone"
  measure jdk-hash-mapped java -cp "$benchjar" 'io.github.scratch4j.benchmarks.ProcessMains$HashFiles' --mapped "$src"; row "JDK SHA-256 alone, mapped"
  measure bc-hash java -cp "$benchjar" 'io.github.scratch4j.benchmarks.ProcessMains$HashFilesBouncyCastle' "$src"; row "Bouncy Castle SHA-256 alone"
  measure jib java -cp "$benchjar" 'io.github.scratch4j.benchmarks.ProcessMains$JibBuild' "$src" "$work/out.tar" "$work/jib-cache"; row "Jib-core 0.27.3 (cold)"
  if $have_docker; then
    measure docker bash -c "docker_build '$src'"; row "docker build + docker save"
  fi
  # In turns (A B A B ...), the ratio taken pair by pair, so that the machine's drift during the
  # run, which moves the rows above by more than their margins, moves both sides of a ratio alike:
  # the small files against Jib, the large file against a process that only hashes it (read or
  # mapped, whichever was faster in the round); on JDK 17 and on JDK 25 (each against its own JDK's hash).
  before=cleanup
  case $name in
    small-files)
      local_pair "in turns: scratch4j = A, Jib-core = B" s4j_17 jib_17
      [ ! -x "$jdk25/bin/java" ] || local_pair "in turns: scratch4j JDK 25 = A, Jib-core = B" s4j_25 jib_17 ;;
    big-512m)
      local_pair "in turns: scratch4j = A, SHA-256 alone = B" s4j_17 hash_17 hash_mapped_17
      [ ! -x "$jdk25/bin/java" ] || local_pair "in turns, JDK 25: scratch4j = A, SHA-256 alone = B" s4j_25 hash_25 hash_mapped_25
      local_pair "in turns: launcher = A, SHA-256 alone = B" s4j_cds_17 hash_17 hash_mapped_17
      [ ! -x "$jdk25/bin/java" ] || local_pair "in turns, JDK 25: launcher = A, SHA-256 alone = B" s4j_aot_25 hash_25 hash_mapped_25 ;;
  esac
  before=:
done
docker rmi -f scratch4j-bench:latest >/dev/null 2>&1 || true

# Into the daemon: from a fresh JVM to the hello image loaded in the Docker engine
# (DockerDaemon, over its socket, no file), against docker build with the legacy builder, daemon
# up, which leaves the same FROM scratch image in the engine. Both store a layer the engine may
# already have from the previous run, as a developer's loop does.
if $have_docker && [[ " ${selected[*]} " == *" hello "* ]]; then
  name=hello-load
  src=${input[hello]}
  measure scratch4j-load java -jar "$samples" build --add "$src" --no-dependency-check --tag scratch4j-bench-load:latest --load
  base=$median
  printf '%-12s %-28s %10s %10s %10s\n' "$name" "scratch4j build --load" "$median" "$rss" "1.00"
  row() { printf '%-12s %-28s %10s %10s %10.2f\n' "$name" "$1" "$median" "$rss" "$(echo "$median / $base" | bc -l)"; }
  measure scratch4j-load-cds env XDG_CACHE_HOME="$work/launcher-cache-load" "$launcher" build --add "$src" --no-dependency-check --tag scratch4j-bench-load:latest --load; row "launcher (AppCDS), JDK 17"
  if [ -x "$jdk25/bin/java" ]; then
    measure scratch4j-load-25 env JAVA_HOME="$jdk25" "$jdk25/bin/java" -jar "$samples" build --add "$src" --no-dependency-check --tag scratch4j-bench-load:latest --load; row "build --load, JDK 25"
    measure scratch4j-load-aot env JAVA_HOME="$jdk25" XDG_CACHE_HOME="$work/launcher-cache-load" "$launcher" build --add "$src" --no-dependency-check --tag scratch4j-bench-load:latest --load; row "launcher (AOT cache), JDK 25"
  fi
  measure docker-build bash -c "docker_build_only '$src'"; row "docker build (legacy)"
  # The launcher on JDK 25 and docker build again, run in turn (A B A B ...): the ratio is taken
  # pair by pair, which keeps it meaningful while this machine's speed drifts. docker build's
  # context is made once, outside the timing.
  if [ -x "$jdk25/bin/java" ]; then
    ctx=$work/docker-ctx
    rm -rf "$ctx"; mkdir -p "$ctx"; cp -al "$src" "$ctx/input"
    printf 'FROM scratch\nCOPY input /input\n' > "$ctx/Dockerfile"
    load_aot() { JAVA_HOME="$jdk25" XDG_CACHE_HOME="$work/launcher-cache-load" "$launcher" build --add "$src" --no-dependency-check --tag scratch4j-bench-load:latest --load; }
    load_docker() { DOCKER_BUILDKIT=0 docker build -q --no-cache -t scratch4j-bench-load:latest "$ctx"; }
    paired load_aot load_docker "${PAIRS:-21}"
    printf '%-12s %s\n' "$name" "in turns, launcher (AOT cache) JDK 25 = A, docker build (legacy) = B:"
    printf '%-12s %-28s %10s %10s %10s   (A faster in %s of %s pairs)\n' "$name" "medians, and of A/B" \
      "A ${a_median}" "B ${b_median}" "A/B ${ratio}" "$a_won" "$pairs"
  fi
  docker rmi -f scratch4j-bench-load:latest >/dev/null 2>&1 || true
  docker image prune -f >/dev/null 2>&1 || true
fi

# Compression as a whole process: gzip -6 of 256 MiB of log-like text, against a gzipped image of it.
if [[ " ${selected[*]} " == *" log-256m "* ]]; then
  name=log-256m
  log=$work/inputs/log-256m.txt
  java -cp "$benchjar" 'io.github.scratch4j.benchmarks.ProcessMains$LogText' "$log" 256
  measure scratch4j-gzip java -jar "$samples" build --add "$log" --gzip --no-dependency-check -o "$work/out.tar"
  base=$median
  printf '%-12s %-28s %10s %10s %10s\n' "$name" "scratch4j build --gzip" "$median" "$rss" "1.00"
  row() { printf '%-12s %-28s %10s %10s %10.2f\n' "$name" "$1" "$median" "$rss" "$(echo "$median / $base" | bc -l)"; }
  measure gzip sh -c "gzip -6 -c '$log' > '$work/out.tar'"; row "gzip -6"
fi

# Flat memory: a 4 GiB layer (a sparse file: its content does not change the memory needed).
[ $# -eq 0 ] || exit 0
big4=$work/inputs/big-4g.bin
[ -f "$big4" ] || truncate -s 4G "$big4"
cleanup
/usr/bin/time -o "$work/time.txt" -f "%e %M" java -Xmx64m -jar "$samples" build --add "$big4" --no-dependency-check -o "$work/out.tar" >/dev/null
out=$(tail -1 "$work/time.txt")
printf '4 GiB layer under -Xmx64m: %s s, peak RSS %s MiB, archive %s bytes\n' "${out% *}" "$(( ${out#* } / 1024 ))" "$(stat -c %s "$work/out.tar")"
cleanup
