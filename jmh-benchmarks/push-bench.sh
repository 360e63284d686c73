#!/usr/bin/env bash
# Push benchmark: a 512 MiB single-file image pushed to a local registry (Debian's
# docker-registry, the distribution registry, on 127.0.0.1 with storage in a temporary folder,
# restarted empty before every run) by scratch4j's command-line sample (build + push, one
# process) against `skopeo copy` of the same image, already written as a docker-archive, to it.
# Both gzip the layer (skopeo always compresses layers it sends to a registry). The yardstick is
# the registry's own ingest: the raw 512 MiB file uploaded by curl in one streamed PUT (`curl -T`,
# after the POST that opens the upload; `--data-binary @file` would read it all into memory first),
# its digest computed beforehand. Beside it, the floor of a gzip push from Java (ProcessMains$PushFloor:
# the file hashed twice with SHA-256, copied into a cache file and sent in one PUT over a plain
# socket, with no tar, no deflate framing, no HTTP library; and the same with one SHA-256, the floor of
# an uncompressed push). Beside them, `scratch4j push` of that docker-archive, which reads and checks the
# archive, then sends its uncompressed layer as it is stored (the same bytes as curl's, in a tar). The
# gzip and uncompressed pushes run a second time through the launcher samples/target/scratch4j, the
# command line as it ships, which starts the JVM with a class-data archive. Then the pull of the
# same image (pushed beforehand, untimed) into an empty cache (`scratch4j inspect REF`, which pulls every blob and checks it as a read does)
# against `skopeo copy docker://… oci:DIR`. The gzip push also runs under -Xmx64m, against itself with
# the JVM's default heap. Prints the median wall time of RUNS runs, the peak RSS,
# and each time as a ratio of scratch4j's. Then the same comparisons in pairs (PAIRS of them,
# default 7; 0 skips them): scratch4j and its peer run in turn, each on a fresh registry, and the
# ratio is taken pair by pair, so that a machine whose speed drifts (disk write-back above all)
# moves both sides of a ratio alike. Every timed run starts after a sync, with no write-back of an
# earlier run still pending.
#
#   [PAIRS=N] jmh-benchmarks/push-bench.sh [RUNS]   (default 5; the jars are built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
pairs=${PAIRS:-7}
export LC_ALL=C  # a decimal point in $EPOCHREALTIME and bc
work=${BENCH_DIR:-$PWD/jmh-benchmarks/target/push-bench}
samples=$PWD/samples/target/scratch4j-samples.jar
launcher=$PWD/samples/target/scratch4j
benchjar=$PWD/jmh-benchmarks/target/benchmarks.jar
for tool in docker-registry skopeo curl sha256sum /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "push-bench needs $tool" >&2; exit 1; }
done
if [ ! -f "$samples" ] || [ ! -f "$launcher" ] || [ ! -f "$benchjar" ]; then mvn -q -DskipTests package; fi
mkdir -p "$work"
# The command line as it ships: the launcher, with the class-data archive its first run makes (a
# measurement's warm-up run makes it here, untimed). Its blob cache is in the same folder.
rm -rf "$work/launcher-cache"
cds() { env XDG_CACHE_HOME="$work/launcher-cache" "$launcher" "$@"; }
mapfile -t inputs < <(java -cp "$benchjar" 'io.github.scratch4j.benchmarks.ProcessMains$MakeInputs' "$work/inputs")
big=${inputs[0]}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
registry_pid=

start_registry() {
  stop_registry
  rm -rf "$work/storage"; mkdir -p "$work/storage"
  sync  # what earlier runs wrote is on disk before this one starts
  cat > "$work/registry.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/storage
http:
  addr: 127.0.0.1:$port
YML
  docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
  registry_pid=$!
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the registry did not start; see $work/registry.log" >&2; exit 1
}
stop_registry() {
  if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; fi
  registry_pid=
}
trap stop_registry EXIT

# The archive skopeo copies, written once (not timed).
java -jar "$samples" build --add "$big" --no-dependency-check -o "$work/big.tar" >/dev/null

# The yardstick's upload: POST to open it, then one PUT streaming the file with the digest.
big_digest=sha256:$(sha256sum "$big" | cut -d' ' -f1)
cat > "$work/curl-put.sh" <<'SH'
#!/usr/bin/env bash
set -euo pipefail
port=$1 file=$2 digest=$3
location=$(curl -fsS -o /dev/null -D - -X POST "http://127.0.0.1:$port/v2/bench/big/blobs/uploads/" \
  | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
case $location in http*) ;; *) location=http://127.0.0.1:$port$location ;; esac
case $location in *\?*) sep='&' ;; *) sep='?' ;; esac
curl -fsS -T "$file" -H 'Content-Type: application/octet-stream' "$location${sep}digest=$digest"
SH
chmod +x "$work/curl-put.sh"

prepare=:   # what measure does after starting the registry and before timing the command
measure() {  # measure CMD...: median wall time ($median) and peak RSS ($rss) over $runs empty-registry runs
  local times=() peak=0
  for i in $(seq 0 "$runs"); do
    start_registry
    $prepare
    /usr/bin/time -o "$work/time.txt" -f "%e %M" "$@" >/dev/null 2>"$work/err.txt" \
      || { echo "failed: $*" >&2; cat "$work/err.txt" >&2; exit 1; }
    [ "$i" -eq 0 ] && continue  # warm-up
    local out; out=$(tail -1 "$work/time.txt")
    times+=("${out% *}")
    [ "${out#* }" -gt "$peak" ] && peak=${out#* }
  done
  median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
  rss=$((peak / 1024))
}

printf '%-44s %10s %10s %12s\n' tool "median s" "RSS MiB" "x scratch4j"
measure java -jar "$samples" build --add "$big" --no-dependency-check --push "127.0.0.1:$port/bench/big:1"
base=$median
printf '%-44s %10s %10s %12s\n' "scratch4j build --push (gzip)" "$median" "$rss" 1.00
row() { printf '%-44s %10s %10s %12.2f\n' "$1" "$median" "$rss" "$(echo "$median / $base" | bc -l)"; }
# (/usr/bin/time runs a program, so the row spells out what cds does.)
measure env XDG_CACHE_HOME="$work/launcher-cache" "$launcher" build --add "$big" --no-dependency-check --push "127.0.0.1:$port/bench/big:1"
row "scratch4j launcher (AppCDS) build --push"
measure skopeo copy -q --dest-tls-verify=false "docker-archive:$work/big.tar" "docker://127.0.0.1:$port/bench/big:1"
row "skopeo copy docker-archive -> registry (gzip)"
measure java -Xmx64m -jar "$samples" build --add "$big" --no-dependency-check --push "127.0.0.1:$port/bench/big:1"
row "scratch4j build --push (gzip), -Xmx64m"
measure java -jar "$samples" build --add "$big" --no-dependency-check --uncompressed --push "127.0.0.1:$port/bench/big:1"
row "scratch4j build --push --uncompressed"
measure java -jar "$samples" push "$work/big.tar" "127.0.0.1:$port/bench/big:1"
row "scratch4j push ARCHIVE (read, then sent as stored)"
measure "$work/curl-put.sh" "$port" "$big" "$big_digest"
row "curl -T of the raw file (POST + streamed PUT)"
measure java -cp "$benchjar" 'io.github.scratch4j.benchmarks.ProcessMains$PushFloor' "$big" "$big_digest" "$port" "$work/floor-cache"
row "Java floor: 2 SHA-256 + cache copy + PUT"
measure java -cp "$benchjar" 'io.github.scratch4j.benchmarks.ProcessMains$PushFloor' "$big" "$big_digest" "$port" "$work/floor-cache" uncompressed
row "Java floor, uncompressed: 1 SHA-256 + copy + PUT"

# Pulls: the registry holds the image (skopeo copies it there, untimed) and the destination is empty.
prepare_pull() {
  skopeo copy -q --dest-tls-verify=false "docker-archive:$work/big.tar" "docker://127.0.0.1:$port/bench/big:1"
  rm -rf "$work/pull-cache" "$work/pulled"
  sync
}
prepare=prepare_pull
echo
printf '%-44s %10s %10s %12s\n' "pull of the pushed image (gzip)" "median s" "RSS MiB" "x scratch4j"
measure env XDG_CACHE_HOME="$work/pull-cache" java -jar "$samples" inspect "127.0.0.1:$port/bench/big:1"
base=$median
printf '%-44s %10s %10s %12s\n' "scratch4j inspect REF (pull into the cache)" "$median" "$rss" 1.00
measure skopeo copy -q --src-tls-verify=false "docker://127.0.0.1:$port/bench/big:1" "oci:$work/pulled:1"
row "skopeo copy docker://… oci:DIR"

# In pairs: for each pair, A then B, each after a fresh registry (and $prepare), timed alone.
median_of() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
timed() {  # timed CMD...: a fresh registry, $prepare, then CMD; sets $took (s)
  start_registry
  $prepare
  local s=$EPOCHREALTIME
  "$@" >/dev/null 2>"$work/err.txt" || { echo "failed: $*" >&2; cat "$work/err.txt" >&2; exit 1; }
  took=$(echo "$EPOCHREALTIME - $s" | bc -l)
}
pair() {  # pair LABEL-A LABEL-B: runs the functions run_a and run_b in turn $pairs times after a warm-up of each
  local ta=() tb=() r=() won
  run_a; run_b
  for _ in $(seq "$pairs"); do
    run_a; ta+=("$took"); run_b; tb+=("$took")
    r+=("$(echo "${ta[-1]} / ${tb[-1]}" | bc -l)")
  done
  won=$(printf '%s\n' "${r[@]}" | awk '$1 < 1' | wc -l)
  printf '%-44s %8.2f s  %-30s %8.2f s  A/B %5.2f  (A faster in %s of %s pairs)\n' "$1" "$(median_of "${ta[@]}")" \
    "$2" "$(median_of "${tb[@]}")" "$(median_of "${r[@]}")" "$won" "$pairs"
}
if [ "$pairs" -gt 0 ]; then
  echo
  echo "in pairs (medians of $pairs pairs; A/B is the median of the pairs' ratios)"
  prepare=:
  run_a() { timed java -jar "$samples" build --add "$big" --no-dependency-check --push "127.0.0.1:$port/bench/big:1"; }
  run_b() { timed skopeo copy -q --dest-tls-verify=false "docker-archive:$work/big.tar" "docker://127.0.0.1:$port/bench/big:1"; }
  pair "A: scratch4j build --push (gzip)" "B: skopeo copy (gzip)"
  run_b() { timed "$work/curl-put.sh" "$port" "$big" "$big_digest"; }
  pair "A: scratch4j build --push (gzip)" "B: curl -T"
  # A 64 MiB heap against the JVM's default: the push must not need more to keep its speed.
  run_a() { timed java -Xmx64m -jar "$samples" build --add "$big" --no-dependency-check --push "127.0.0.1:$port/bench/big:1"; }
  run_b() { timed java -jar "$samples" build --add "$big" --no-dependency-check --push "127.0.0.1:$port/bench/big:1"; }
  pair "A: scratch4j --push (gzip), -Xmx64m" "B: the same, default heap"
  run_b() { timed "$work/curl-put.sh" "$port" "$big" "$big_digest"; }
  run_a() { timed java -cp "$benchjar" 'io.github.scratch4j.benchmarks.ProcessMains$PushFloor' "$big" "$big_digest" "$port" "$work/floor-cache"; }
  pair "A: Java floor of a gzip push" "B: curl -T"
  run_a() { timed java -jar "$samples" build --add "$big" --no-dependency-check --uncompressed --push "127.0.0.1:$port/bench/big:1"; }
  pair "A: scratch4j build --push --uncompressed" "B: curl -T"
  run_a() { timed java -cp "$benchjar" 'io.github.scratch4j.benchmarks.ProcessMains$PushFloor' "$big" "$big_digest" "$port" "$work/floor-cache" uncompressed; }
  pair "A: Java floor, uncompressed" "B: curl -T"
  run_a() { timed java -jar "$samples" push "$work/big.tar" "127.0.0.1:$port/bench/big:1"; }
  pair "A: scratch4j push ARCHIVE" "B: curl -T"
  # The same three through the launcher (class-data archive), the command line as it ships.
  run_a() { timed cds build --add "$big" --no-dependency-check --push "127.0.0.1:$port/bench/big:1"; }
  run_b() { timed skopeo copy -q --dest-tls-verify=false "docker-archive:$work/big.tar" "docker://127.0.0.1:$port/bench/big:1"; }
  pair "A: launcher build --push (gzip)" "B: skopeo copy (gzip)"
  run_b() { timed "$work/curl-put.sh" "$port" "$big" "$big_digest"; }
  pair "A: launcher build --push (gzip)" "B: curl -T"
  run_a() { timed cds build --add "$big" --no-dependency-check --uncompressed --push "127.0.0.1:$port/bench/big:1"; }
  pair "A: launcher build --push --uncompressed" "B: curl -T"
  prepare=prepare_pull
  run_a() { timed env XDG_CACHE_HOME="$work/pull-cache" java -jar "$samples" inspect "127.0.0.1:$port/bench/big:1"; }
  run_b() { timed skopeo copy -q --src-tls-verify=false "docker://127.0.0.1:$port/bench/big:1" "oci:$work/pulled:1"; }
  pair "A: scratch4j inspect REF (pull)" "B: skopeo copy docker://… oci:DIR"
fi
