package dev.groundwork.gateway;

import dev.groundwork.testsupport.ManagementInterface;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that send too slowly (issue 13): a stalled or trickled header is closed, a stalled or trickled body is
 * answered 408 and its request to the service reset, a slow but steady upload passes, and a route's max-in-flight
 * keeps stalled uploads from holding more of the service's requests open — while everyone else is answered as usual.
 * Bounded waits only: nothing here asserts how long anything took.
 */
@QuarkusTest
@TestProfile(SlowClientsTest.ShortClocks.class)
@QuarkusTestResource(value = EchoUpstream.class, restrictToAnnotatedClass = true)
class SlowClientsTest {

    /** Clocks of seconds, so that the tests wait seconds; the routes are EchoUpstream's. */
    public static class ShortClocks implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.header-timeout", "2S",
                    "gateway.body-rate.grace", "1S",
                    "gateway.body-rate.window", "1S",
                    "gateway.routes.stripe-webhook.body-idle-timeout", "2S");
        }
    }

    private static final String STALLED_WEBHOOK = "POST /payments/v1/webhooks/stripe HTTP/1.1\r\nHost: x\r\n"
            + "Content-Type: application/json\r\nStripe-Signature: t=1,v1=x\r\nContent-Length: 1000\r\n\r\n{\"id\":";

    @TestHTTPResource("/")
    URL gateway;
    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void stalledWebhookUploadsAreCutOffWhileOtherClientsAreAnsweredAsUsual() throws Exception {
        int stalled = 40;
        List<Socket> uploads = new ArrayList<>();
        try {
            for (int i = 0; i < stalled; i++) {
                uploads.add(send(STALLED_WEBHOOK));
            }
            // Another client, on another route, meanwhile.
            for (int i = 0; i < 20; i++) {
                given().get("/echo/meanwhile-" + i).then().statusCode(200).body("uri", equalTo("/inner/meanwhile-" + i));
            }
            int cutOff = 0;
            for (Socket upload : uploads) {
                String answer = answer(upload);
                assertTrue(answer.startsWith("HTTP/1.1 408") || answer.startsWith("HTTP/1.1 503"), answer);
                assertTrue(answer.contains("application/problem+json"), answer);
                cutOff += answer.startsWith("HTTP/1.1 408") ? 1 : 0;
            }
            assertTrue(cutOff > 0, "stalled bodies are answered 408");
        } finally {
            for (Socket upload : uploads) {
                upload.close();
            }
        }
        assertTrue(EchoUpstream.MOST_OPEN_LIMITED.get() <= 32,
                "payment-service had " + EchoUpstream.MOST_OPEN_LIMITED.get() + " webhook requests open at once; the route allows 32");
        await("the service's stalled requests are reset").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> EchoUpstream.OPEN_LIMITED.get() == 0);
        given().contentType("application/json").body("{\"id\":\"evt_1\"}").post("/payments/v1/webhooks/stripe").then().statusCode(200)
                .body("length", equalTo(14));
        String metrics = ManagementInterface.given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("gateway_slow_requests_total{reason=\"body-idle\",route=\"stripe-webhook\"}"), "slow bodies are counted");
    }

    @Test
    void aStalledBodyIs408AndTheConnectionClosed() throws Exception {
        try (Socket socket = send("POST /stalled/x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")) {
            String answer = answer(socket);
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue(answer.contains("application/problem+json") && answer.contains("sent nothing for 1000 ms"), answer);
            assertTrue(answer.contains("Connection: close") || answer.contains("connection: close"), answer);
        }
    }

    @Test
    void aBodyTrickledBelowTheRoutesRateIs408() throws Exception {
        // 20 bytes every 100 ms: 200 bytes/s, never idle for a second, under the route's 1 KiB/s.
        try (Socket socket = send("POST /paced/x HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 200 && in.available() == 0; i++) {
                try {
                    out.write(new byte[20]);
                    out.flush();
                } catch (IOException closed) {
                    break;
                }
                Thread.sleep(100);
            }
            String answer = answer(socket);
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue(answer.contains("bytes/s"), answer);
        }
    }

    @Test
    void aSlowButSteadyUploadPasses() throws Exception {
        // 64 KiB at about 16 KiB/s: four seconds, well past the grace and several rate windows, above the 1 KiB/s minimum.
        int size = 64 * 1024;
        InputStream steady = new InputStream() {
            int left = size;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                try {
                    Thread.sleep(60);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                int n = Math.min(Math.min(len, 1024), left);
                left -= n;
                return n;
            }
        };
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                .send(java.net.http.HttpRequest.newBuilder(gateway.toURI().resolve("/paced/steady"))
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> steady)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(size, new JsonPath(response.body()).getInt("length"));
    }

    @Test
    void aStalledHeaderIsClosed() throws Exception {
        try (Socket socket = send("GET /echo/x HTTP/1.1\r\nHost: x\r\n")) {
            String answer = answer(socket);
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue(answer.contains("headers did not arrive"), answer);
            assertEquals(-1, socket.getInputStream().read(), "closed after the 408");
        }
    }

    @Test
    void aTrickledHeaderIsClosedThoughItNeverFallsSilent() throws Exception {
        // One byte every 200 ms: Vert.x's idle timeouts would never fire.
        try (Socket socket = send("GET /echo/x HTTP/1.1\r\n")) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            boolean closed = false;
            for (int i = 0; i < 100 && !closed; i++) {
                try {
                    out.write('X');
                    out.flush();
                    closed = in.available() > 0;
                } catch (IOException e) {
                    closed = true;
                }
                Thread.sleep(200);
            }
            assertTrue(closed, "the connection was cut off while the header was still trickling");
        }
    }

    @Test
    void aKeptAliveConnectionMayWaitBetweenRequestsLongerThanTheHeaderTimeout() throws Exception {
        try (Socket socket = send("GET /echo/first HTTP/1.1\r\nHost: x\r\n\r\n")) {
            assertTrue(statusLineAndDrain(socket).startsWith("HTTP/1.1 200"));
            Thread.sleep(3_000);
            socket.getOutputStream().write("GET /echo/second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(answer(socket).startsWith("HTTP/1.1 200"));
        }
    }

    /** Prometheus and monitoring-service's fleet health keep their connections to the management port alive. */
    @Test
    void aKeptAliveConnectionToTheManagementInterfaceIsNotAnsweredAnUnasked408() throws Exception {
        try (Socket socket = new Socket(management.getHost(), management.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET /q/health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(statusLineAndDrain(socket).startsWith("HTTP/1.1 200"));
            Thread.sleep(3_000);
            socket.getOutputStream().write("GET /q/health/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            String answer = answer(socket);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
    }

    @Test
    void aFullRouteAnswers503WithRetryAfterAndAdmitsAgainOnceAPlaceIsFree() throws Exception {
        List<Socket> holders = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                holders.add(send("POST /narrow/hold HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc"));
            }
            await("both uploads reach the service").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> EchoUpstream.OPEN_LIMITED.get() >= 2);
            given().get("/narrow/x").then().statusCode(503).contentType("application/problem+json")
                    .header("Retry-After", "1").body("detail", containsString("2 requests in flight"));
            given().get("/echo/other-routes-are-not-full").then().statusCode(200);
        } finally {
            for (Socket holder : holders) {
                holder.close();
            }
        }
        await("a place is free again").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> given().get("/narrow/x").statusCode() == 200);
    }

    /** A connection that has written {@code request} and waits. */
    private Socket send(String request) throws IOException {
        Socket socket = new Socket(gateway.getHost(), gateway.getPort());
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return socket;
    }

    /** Everything the gateway writes until it closes the connection (or 30 s pass). */
    private static String answer(Socket socket) throws IOException {
        StringBuilder answer = new StringBuilder();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = socket.getInputStream().read(buffer)) > 0; ) {
                answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            answer.append(" [").append(e.getMessage()).append(']');
        }
        return answer.toString();
    }

    /** The status line of one answer on a kept-alive connection, its body read by its Content-Length. */
    private static String statusLineAndDrain(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
        }
        String headers = head.toString().toLowerCase();
        int at = headers.indexOf("content-length:");
        int length = at < 0 ? 0 : Integer.parseInt(headers.substring(at + 15, headers.indexOf("\r\n", at)).trim());
        in.readNBytes(length);
        return head.toString();
    }
}
