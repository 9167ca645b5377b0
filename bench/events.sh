#!/usr/bin/env bash
# Events backbone benchmark (bench/events.md): redis-benchmark's raw XADD rate next to our end-to-end rate
# (outbox -> relay -> stream -> consumer group -> handler in Postgres), in one run on one machine.
# Needs Postgres and Redis as for ./groundwork test. Usage: bench/events.sh [events] [writers] [paced-rate]
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== machine"
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
java -version 2>&1 | head -1
redis-server --version | cut -d' ' -f1-3
psql --version

echo "== build (test classes of libs/events)"
./mvnw -B -q install -DskipTests -pl libs/infra-config,libs/test-support,libs/events -am
./mvnw -B -q -pl libs/events dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
classpath="libs/events/target/test-classes:libs/events/target/classes:$(cat libs/events/target/bench.classpath)"

# A stream entry as the relay writes it: one field holding a CloudEvents JSON of about 400 bytes.
payload=$(printf '{"specversion":"1.0","id":"0b7c6e0e-2f7e-4a8e-9a51-0c4c2b0f0a11","source":"urn:groundwork:testing","type":"dev.groundwork.testing.counter.incremented.v1","datacontenttype":"application/json","subject":"account-1","time":"2026-11-24T10:00:00.000Z","requestid":"req-account-1-1","data":{"seq":1}}')
redis_port=${REDIS_PORT:-6379}
echo "== redis-benchmark: raw XADD, ${#payload}-byte entry, MAXLEN ~ 100000"
for clients in 1 50; do
  for pipeline in 1 200; do
    printf 'clients=%-3s pipeline=%-4s ' "$clients" "$pipeline"
    redis-benchmark -p "$redis_port" -n 200000 -c "$clients" -P "$pipeline" -q \
      XADD bench:xadd MAXLEN '~' 100000 '*' event "$payload" | tr '\r' '\n' | grep -v '^$' | tail -1 | sed 's/.*}: //'
  done
done
redis-cli -p "$redis_port" DEL bench:xadd >/dev/null

echo "== groundwork events end to end"
java -Xmx1g -Dgroundwork.test.module=events-bench -cp "$classpath" dev.groundwork.events.EventsBench "$@"
