package dev.groundwork.testsupport;

import dev.groundwork.infra.DatabaseUrl;
import dev.groundwork.infra.InfrastructureConfigSourceFactory;
import dev.groundwork.infra.RedisUrl;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Optional;

/**
 * Where the tests' Postgres and Redis are, in this order:
 * <ol>
 *   <li>named by the environment ({@code SUPABASE_DB_URL} [+ {@code SUPABASE_DB_USER}/{@code _PASSWORD}],
 *   {@code REDIS_URL}) — {@code ./groundwork test} and CI name them;</li>
 *   <li>nothing named and a Docker engine is there: Quarkus Dev Services ({@link #useDevServices()}; the same
 *   decision {@code InfrastructureConfigSourceFactory} makes at build time);</li>
 *   <li>the local servers on their default ports (127.0.0.1:5432 as {@code postgres}, 127.0.0.1:6379), when
 *   they answer — so that a bare {@code ./mvnw verify} works where they run;</li>
 *   <li>otherwise {@link #missingMessage(String)} says what to start.</li>
 * </ol>
 */
public final class TestServers {

    static final String LOCAL_DATABASE = "postgresql://postgres@127.0.0.1:5432/postgres";
    static final String LOCAL_REDIS = "redis://127.0.0.1:6379";

    private TestServers() {
    }

    /** The Postgres server to create test databases on, if one is named or answers locally. */
    public static Optional<DatabaseUrl> database() {
        String named = System.getenv("SUPABASE_DB_URL");
        if (present(named)) {
            return Optional.of(DatabaseUrl.parse(named, System.getenv("SUPABASE_DB_USER"), System.getenv("SUPABASE_DB_PASSWORD")));
        }
        DatabaseUrl local = DatabaseUrl.parse(LOCAL_DATABASE, null, null);
        return listening(local.host(), local.port()) ? Optional.of(local) : Optional.empty();
    }

    /** The Redis server (logical database 0) to give the tests, if one is named or answers locally. */
    public static Optional<RedisUrl> redis() {
        String named = System.getenv("REDIS_URL");
        if (present(named)) {
            return Optional.of(RedisUrl.parse(named));
        }
        RedisUrl local = RedisUrl.parse(LOCAL_REDIS);
        return listening(local.host(), local.port()) ? Optional.of(local) : Optional.empty();
    }

    /** Nothing named and Docker answers: leave Postgres and Redis to Quarkus Dev Services. */
    public static boolean useDevServices() {
        return !present(System.getenv("SUPABASE_DB_URL")) && !present(System.getenv("REDIS_URL"))
                && InfrastructureConfigSourceFactory.dockerPresent();
    }

    /** Whether the module's tests have what they need (a database only where the module has one). */
    public static boolean available() {
        return useDevServices() || (redis().isPresent() && (!needsDatabase() || database().isPresent()));
    }

    /**
     * A module has a database exactly when it ships the Postgres driver and a datasource (Agroal); a module
     * whose tests only start another service with a database has the driver alone.
     */
    public static boolean needsDatabase() {
        ClassLoader loader = TestServers.class.getClassLoader();
        if (!InfrastructureConfigSourceFactory.hasPostgresDriver(loader)) {
            return false;
        }
        try {
            Class.forName("io.agroal.api.AgroalDataSource", false, loader);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    public static String missingMessage(String module) {
        return """
                No Postgres and Redis for the tests of %s.
                Run the tests through ./groundwork test (it finds or starts the local servers), start the local servers
                (127.0.0.1:5432, user postgres; 127.0.0.1:6379), name others:
                  export SUPABASE_DB_URL=postgresql://user:password@host:5432/postgres REDIS_URL=redis://host:6379
                or start a Docker engine so that Quarkus Dev Services can run them in containers.""".formatted(module);
    }

    /** Whether something accepts TCP connections on host:port. */
    public static boolean listening(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
