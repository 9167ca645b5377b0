package dev.groundwork.monitoring;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server standing in for a service's readiness endpoint ({@code /q/health/ready}): it answers 200 or
 * 503 with a SmallRye Health body, or is closed (nothing listens on its port).
 */
final class ReadinessStub implements AutoCloseable {

    static final String DOWN_CHECK = "Redis connection health check";

    private final int port;
    private volatile int status = 200;
    private final AtomicInteger notReadyAnswers = new AtomicInteger();
    private HttpServer server;

    ReadinessStub() {
        port = freePort();
        open();
    }

    /** A port nothing listens on (bound once, then let go). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + port + "/q/health/ready";
    }

    /** Answers with this status from now on (listening again if it was closed). */
    synchronized void answer(int status) {
        this.status = status;
        if (server == null) {
            open();
        }
    }

    /** 503 answers given so far. */
    int notReadyAnswers() {
        return notReadyAnswers.get();
    }

    /** Stops listening: probes get "connection refused". */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    private void open() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/q/health/ready", exchange -> {
            int answer = status;
            if (answer >= 400) {
                notReadyAnswers.incrementAndGet();
            }
            String check = answer < 400 ? "UP" : "DOWN";
            byte[] body = ("{\"status\":\"" + check + "\",\"checks\":[{\"name\":\"" + DOWN_CHECK + "\",\"status\":\"" + check
                    + "\",\"data\":{\"url\":\"redis://:secret@10.0.0.1\"}},{\"name\":\"Database connections health check\",\"status\":\"UP\"}]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            } catch (IOException ignored) {
                // the prober went away
            }
        });
        server.start();
    }
}
