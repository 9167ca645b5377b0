package dev.groundwork.cache.service;

import dev.groundwork.entrycache.EntryCache;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.redis.client.Command;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;

/** The keys of a whole namespace: deleted when the namespace is (SCAN + UNLINK, never KEYS on the shared Redis). */
@ApplicationScoped
public class NamespaceKeys {

    @Inject
    Redis redis;

    /** Its Upstash keys ({@code cache:<ns>:}) and its entries with their tags and leases ({@code cache:<ns>.}). */
    public long deleteAll(String namespace) {
        return deleteMatching(Keys.prefix(namespace) + "*") + deleteMatching(EntryCache.prefixOf(namespace) + "*");
    }

    private long deleteMatching(String pattern) {
        long deleted = 0;
        String cursor = "0";
        do {
            Response page = redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(1000))
                    .await().atMost(Duration.ofSeconds(10));
            cursor = page.get(0).toString();
            if (page.get(1).size() > 0) {
                Request unlink = Request.cmd(Command.UNLINK);
                for (Response key : page.get(1)) {
                    unlink.arg(key.toBytes());
                }
                deleted += redis.send(unlink).await().atMost(Duration.ofSeconds(10)).toLong();
            }
        } while (!"0".equals(cursor));
        return deleted;
    }
}
