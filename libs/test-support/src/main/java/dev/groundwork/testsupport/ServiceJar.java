package dev.groundwork.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One packaged service ({@code <service>/target/quarkus-app/quarkus-run.jar}) run as its own process on a free
 * port (and its management interface on another), for tests of another module that need it for real; it can be
 * restarted with other env (a key rotation).
 */
public final class ServiceJar implements AutoCloseable {

    private final Path jar;
    private final Path log;
    private final int port;
    private final int managementPort;
    private final HttpClient http = HttpClient.newHttpClient();
    private Process process;

    private ServiceJar(Path jar, Path log, int port, int managementPort) {
        this.jar = jar;
        this.log = log;
        this.port = port;
        this.managementPort = managementPort;
    }

    /** Starts {@code service} (a sibling module) with {@code env} and waits until it is ready. */
    public static ServiceJar start(String service, Map<String, String> env, Duration timeout) throws IOException {
        Path jar = Path.of("..").toAbsolutePath().normalize().resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: this test needs the packaged " + service
                    + " (./groundwork test, or ./mvnw verify, builds it first)");
        }
        Path log = Path.of("target", service + "-for-test.log").toAbsolutePath();
        ServiceJar running = new ServiceJar(jar, log, RedisServerProcess.freePort(), RedisServerProcess.freePort());
        running.restart(env, timeout);
        return running;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The management interface: health, metrics. */
    public URI managementUrl() {
        return URI.create("http://127.0.0.1:" + managementPort);
    }

    /** Stops the process if it runs, starts it with {@code env}, and waits for readiness. */
    public void restart(Map<String, String> env, Duration timeout) throws IOException {
        stop();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> environment = new HashMap<>(env);
        environment.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        environment.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
        builder.environment().putAll(environment);
        process = builder.start();
        if (!ProcessReadiness.answered(process, timeout, Duration.ofMillis(200), this::ready)) {
            throw new IllegalStateException(jar.getFileName() + " did not become ready, see " + log);
        }
    }

    private boolean ready() {
        try {
            return http.send(HttpRequest.newBuilder(managementUrl().resolve("/q/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
