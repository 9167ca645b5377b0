package dev.groundwork.gateway;

import dev.groundwork.infra.DatabaseUrl;
import dev.groundwork.testsupport.RealInfrastructure;
import dev.groundwork.testsupport.ServiceJar;
import dev.groundwork.testsupport.TestServers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.keys.EllipticCurves;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real auth-service, as a process with signing keys of the test's making, for the gateway's token tests.
 * Its tokens live {@value #TOKEN_LIFETIME_SECONDS} s, so that the test sees an old token expire.
 */
public class AuthServiceForTokens implements QuarkusTestResourceLifecycleManager {

    static final String ISSUER_BASE = "https://api.groundwork.test";
    // Long enough for two restarts of auth-service on a loaded 2-core machine (the rotation test restarts it twice).
    static final int TOKEN_LIFETIME_SECONDS = 60;
    static final EllipticCurveJsonWebKey OLD_KEY = key("key-2026-01");
    static final EllipticCurveJsonWebKey NEW_KEY = key("key-2026-02");
    static ServiceJar auth;
    private static Map<String, String> env;

    @Override
    public Map<String, String> start() {
        String module = "gateway-auth";
        DatabaseUrl database = RealInfrastructure.freshDatabase(TestServers.database().orElseThrow(), module);
        env = new HashMap<>();
        env.put("SUPABASE_DB_URL", database.jdbcUrl());
        database.username().ifPresent(user -> env.put("SUPABASE_DB_USER", user));
        database.password().ifPresent(password -> env.put("SUPABASE_DB_PASSWORD", password));
        // The gateway's own Redis database, as in production where the fleet shares one Redis: auth-service's marks
        // of ended sessions (libs/sessions) are what the gateway reads.
        env.put("REDIS_URL", TestServers.redis().orElseThrow().withDatabase(RealInfrastructure.redisDatabase(RealInfrastructure.moduleName())).url());
        env.put("AUTH_PUBLIC_BASE_URL", ISSUER_BASE);
        env.put("AUTH_ACCESS_TOKEN_LIFETIME", TOKEN_LIFETIME_SECONDS + "S");
        env.put("AUTH_EMAIL_CONFIRM_SIGNUP", "false");
        env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        env.put("AUTH_SIGNING_KEYS", keySet(Map.of(OLD_KEY, "active")));
        // A service account with the admin role, for the role-protected route (secret "ops-secret").
        env.put("AUTH_CLIENTS_OPS_SECRET_SHA256", "32323cfa9ec9d62750daad0836a4cf3d7b60d23723b7852a529667deed01669f");
        env.put("AUTH_CLIENTS_OPS_SCOPES", "admin");
        try {
            auth = ServiceJar.start("auth-service", env, Duration.ofSeconds(90));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        // The test compresses the rotation's 10-minute wait: an unknown kid may refresh the keys after 1 s.
        String url = auth.url().toString();
        return Map.ofEntries(Map.entry("gateway.upstreams.auth", url),
                Map.entry("quarkus.oidc.token.forced-jwk-refresh-interval", "1S"),
                Map.entry("quarkus.http.auth.permission.whoami.paths", "/test/whoami"),
                Map.entry("quarkus.http.auth.permission.whoami.policy", "authenticated"),
                // Two protected routes in front of auth-service itself: any user, and the admin role.
                Map.entry("gateway.routes.guarded.prefix", "/guarded"), Map.entry("gateway.routes.guarded.upstream", url),
                Map.entry("gateway.routes.guarded.strip-prefix", "true"), Map.entry("gateway.routes.guarded.auth", "user"),
                Map.entry("gateway.routes.ops.prefix", "/ops"), Map.entry("gateway.routes.ops.upstream", url),
                Map.entry("gateway.routes.ops.strip-prefix", "true"), Map.entry("gateway.routes.ops.auth", "role:admin"),
                // A route that caches per user (AuthenticatedResponseCacheTest): GET /mine/auth/v1/user is each user's own.
                Map.entry("gateway.routes.mine.prefix", "/mine"), Map.entry("gateway.routes.mine.upstream", url),
                Map.entry("gateway.routes.mine.strip-prefix", "true"), Map.entry("gateway.routes.mine.auth", "user"),
                Map.entry("gateway.routes.mine.cache.enabled", "true"), Map.entry("gateway.routes.mine.cache.per-user", "true"));
    }

    /** Restarts auth-service with another key set, as a rollout of a changed Secret does. */
    static void rollOut(Map<EllipticCurveJsonWebKey, String> keys) throws Exception {
        env.put("AUTH_SIGNING_KEYS", keySet(keys));
        auth.restart(env, Duration.ofSeconds(90));
    }

    static String keySet(Map<EllipticCurveJsonWebKey, String> keys) {
        List<String> entries = new ArrayList<>();
        keys.forEach((key, status) -> {
            Map<String, Object> params = new LinkedHashMap<>(key.toParams(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
            params.put("status", status);
            entries.add(org.jose4j.json.JsonUtil.toJson(params));
        });
        return "{\"keys\":[" + String.join(",", entries) + "]}";
    }

    private static EllipticCurveJsonWebKey key(String kid) {
        try {
            EllipticCurveJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
            key.setKeyId(kid);
            return key;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (auth != null) {
            auth.close();
        }
    }
}
