package dev.groundwork.events;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.RedisOptions;

/**
 * The events library's own Redis client, apart from the service's shared pool: consumers hold a connection each
 * for their blocking reads, and the relay's pipelines do not queue behind cache traffic.
 */
public final class EventsRedis {

    private EventsRedis() {
    }

    /** @param connectionString {@code redis://[:password@]host:port[/db]} */
    public static Redis client(Vertx vertx, String connectionString, int maxConnections) {
        return Redis.createClient(vertx, new RedisOptions()
                .setConnectionString(connectionString)
                // The replies are read as RESP2 arrays (XREADGROUP, XAUTOCLAIM, XINFO).
                .setPreferredProtocolVersion(ProtocolVersion.RESP2)
                // Its own pool and client metrics, apart from the service's default client (they would clash). Quarkus
                // reads a metrics name "<prefix>|<client>": so they are redis_* series with clientName="groundwork-events",
                // as Quarkus names its own "redis|<default>", not groundwork_events_* beside the library's event metrics.
                .setPoolName("groundwork-events")
                .setMetricsName("redis|groundwork-events")
                .setMaxPoolSize(maxConnections)
                .setMaxPoolWaiting(4 * maxConnections));
    }
}
