package dev.groundwork.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.groundwork.infra.RedisUrl;

/**
 * A private {@code redis-server} on a free port that a test owns, so it can stop and restart Redis without
 * touching the shared server. Needs {@code redis-server} on the PATH (it is where Redis is installed locally).
 */
public final class RedisServerProcess implements AutoCloseable {

    private final int port;
    private final Path directory;
    private final String password;
    private final boolean durable;
    private Process process;

    private RedisServerProcess(int port, Path directory, String password, boolean durable) {
        this.port = port;
        this.directory = directory;
        this.password = password;
        this.durable = durable;
    }

    public static RedisServerProcess start() throws IOException {
        return start(null);
    }

    /** A server that requires {@code password} ({@code requirepass}); null for none. */
    public static RedisServerProcess start(String password) throws IOException {
        return start(password, false);
    }

    /**
     * A server that keeps its data across {@link #stop()} and {@link #restart()}, as production Redis for event
     * streams must: an append-only file synced on every write, so even a killed server loses no acknowledged write.
     */
    public static RedisServerProcess startDurable() throws IOException {
        return start(null, true);
    }

    private static RedisServerProcess start(String password, boolean durable) throws IOException {
        RedisServerProcess redis = new RedisServerProcess(freePort(), Files.createTempDirectory("groundwork-redis"), password, durable);
        redis.restart();
        return redis;
    }

    public RedisUrl url() {
        return RedisUrl.parse("redis://" + (password == null ? "" : ":" + password + "@") + "127.0.0.1:" + port);
    }

    /** Starts the server again on the same port (after {@link #stop()}); waits until it answers PING. */
    public void restart() throws IOException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("redis-server",
                "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", durable ? "yes" : "no", "--appendfsync", "always",
                "--dir", directory.toString()));
        if (password != null) {
            command.addAll(java.util.List.of("--requirepass", password));
        }
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("redis.log").toFile())
                .start();
        if (!ProcessReadiness.answered(process, Duration.ofSeconds(10), Duration.ofMillis(50), this::answersPing)) {
            throw new IOException("redis-server did not start on port " + port + ", see " + directory.resolve("redis.log"));
        }
    }

    private boolean answersPing() {
        try (RedisConnection connection = RedisConnection.open(url())) {
            connection.call("PING");
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Kills the server the hard way, as a crash or a lost node would. */
    public void stop() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** Ports handed out by this JVM, never handed out twice. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port free now, for a process the test starts. Below Linux's ephemeral range (32768 and up): a port the OS
     * picks for {@code new ServerSocket(0)} comes from that range, and so do the source ports of every outgoing
     * connection, so between the pick and the bind a service's own connections to Postgres or Redis could take it
     * (TransactionPoolerIT's auth-service once failed to bind its management port that way).
     */
    public static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(20_000, 32_000);
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new java.net.InetSocketAddress(port));
            } catch (IOException taken) {
                continue;
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IOException("no free port found between 20000 and 32000");
    }
}
