package dev.groundwork.gateway;

import dev.groundwork.testsupport.ManagementInterface;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Routing and forwarding through the real proxy to a real upstream server. */
@QuarkusTest
@WithTestResource(value = EchoUpstream.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ProxyTest {

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void aPrefixRoutesAndIsStrippedWhenTheRouteSaysSo() {
        JsonPath echoed = given().get("/echo/a/b?x=1&y=2").then().statusCode(200).extract().jsonPath();
        assertEquals("/inner/a/b?x=1&y=2", echoed.getString("uri"));
        assertEquals("GET", echoed.getString("method"));
        given().get("/payments/v1/webhooks/stripe/x").then().statusCode(200).body("uri", equalTo("/payments/v1/webhooks/stripe/x"));
    }

    @Test
    void unknownPathsAre404ProblemJson() {
        given().get("/nowhere").then().statusCode(404).contentType("application/problem+json")
                .body("status", equalTo(404)).body("requestId", notNullValue());
        given().get("/echoes").then().statusCode(404);
    }

    @Test
    void pathsAreNormalisedBeforeMatchingSoNoRouteCanBeEscaped() {
        given().urlEncodingEnabled(false).get("/nowhere/../echo/./a//b").then().statusCode(200).body("uri", equalTo("/inner/a/b"));
        given().urlEncodingEnabled(false).get("/echo/%2e%2e/payments/v1/webhooks/stripe").then().statusCode(200)
                .body("uri", equalTo("/payments/v1/webhooks/stripe"));
        given().urlEncodingEnabled(false).get("/echo/..%2f..%2fetc").then().statusCode(400).contentType("application/problem+json");
        given().urlEncodingEnabled(false).get("/echo/..%5C..").then().statusCode(400);
        given().urlEncodingEnabled(false).get("/echo/%252e%252e/x").then().statusCode(400);
        given().urlEncodingEnabled(false).get("/echo/../../x").then().statusCode(400);
        // A protected route reached through a detour is still that route.
        given().urlEncodingEnabled(false).get("/echo/../monitoring/api/0/projects/").then().statusCode(401);
    }

    @Test
    void theDashboardsFilesArePublicButNotItsApiOrOtherPaths() {
        // A browser opening the page sends no token; the page's API calls carry one.
        for (String path : List.of("/monitoring", "/monitoring/", "/monitoring/index.html", "/monitoring/app.js",
                "/monitoring/style.css", "/monitoring/vendor/auth-js.js")) {
            given().get(path).then().statusCode(200).body("uri", equalTo(path));
        }
        given().get("/monitoring/api/0/organizations/").then().statusCode(401);
        given().urlEncodingEnabled(false).get("/monitoring/x/../api/0/organizations/").then().statusCode(401);
        for (String path : List.of("/monitoring/q/health", "/monitoring/api/1/x", "/monitoring/vendor/x/y.js", "/monitoring/a.php")) {
            given().get(path).then().statusCode(404);
        }
    }

    @Test
    void noRouteReachesAServicesOwnQPathHoweverItIsSpelt() throws Exception {
        // /svc strips its prefix to the service's root; /echo strips to /inner; the built-in routes strip nothing.
        given().get("/svc/queue").then().statusCode(200).body("uri", equalTo("/queue"));
        // Raw request lines: an HTTP client would resolve the dot segments itself (and reach the gateway's own /q).
        assertTrue(raw("GET /svc/x/../quarkus HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200"));
        for (String path : List.of("/svc/q/health", "/svc/q", "/svc/q/", "/svc/Q/metrics", "/svc/q;x=1/health",
                "/svc/%71/health", "/svc/%51/openapi", "/svc/x/../q/health", "/svc/x/%2e%2e/q/health", "/svc/x/%2E%2E/%71/dev-ui",
                "/svc/./q/health", "/svc//q/health", "/auth/v1/../q/health")) {
            String answer = raw("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 404"), path + ": " + answer);
        }
        given().get("/svc/q/health").then().statusCode(404).contentType("application/problem+json").body("status", equalTo(404));
        // Encoded slashes and double encodings have no normal form at all.
        for (String path : List.of("/svc/q%2Fhealth", "/svc/%2571/health", "/svc/x/..%2F..%2Fq/health", "/svc/%252e%252e/q/health")) {
            String answer = raw("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 400"), path + ": " + answer);
        }
        // An encoded letter is the letter: it cannot make a path look like no route's.
        given().urlEncodingEnabled(false).get("/%65cho/a").then().statusCode(200).body("uri", equalTo("/inner/a"));
    }

    @Test
    void forwardingHeadersAreSetAndAClientsOwnAreNotTrusted() {
        JsonPath echoed = given().header("X-Forwarded-For", "6.6.6.6").header("X-Forwarded-Proto", "https")
                .header("Forwarded", "for=6.6.6.6").get("/echo/h").then().statusCode(200).extract().jsonPath();
        assertEquals("127.0.0.1", echoed.getString("headers.'x-forwarded-for'"));
        assertEquals("http", echoed.getString("headers.'x-forwarded-proto'"));
        assertTrue(echoed.getString("headers.'x-forwarded-host'").startsWith("localhost:"));
        assertTrue(echoed.getString("headers.forwarded").startsWith("for=127.0.0.1;proto=http;host="), echoed.getString("headers.forwarded"));
    }

    @Test
    void theRequestIdIsTakenOrGeneratedAndTheTraceContextPropagated() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        given().header("X-Request-Id", "req-123").header("traceparent", traceparent).get("/echo/t").then().statusCode(200)
                .header("X-Request-Id", "req-123").body("headers.'x-request-id'", equalTo("req-123"))
                .body("headers.traceparent", equalTo(traceparent));
        String generated = given().get("/echo/t").then().statusCode(200)
                .body("headers.traceparent", matchesPattern("00-[0-9a-f]{32}-[0-9a-f]{16}-01")).extract().header("X-Request-Id");
        assertTrue(generated.matches("[0-9a-f-]{36}"), generated);
        given().header("X-Request-Id", "bad id with spaces").get("/echo/t").then().header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
    }

    @Test
    void aProtectedRouteWithoutATokenIs401AndWithAuthServiceDown503() {
        given().get("/payments/v1/subscription").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer realm=\"groundwork\"");
        given().header("Authorization", "Bearer eyJhbGciOiJFUzI1NiIsImtpZCI6ImsifQ.eyJzdWIiOiJ4In0.c2ln")
                .get("/payments/v1/subscription").then().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", "5");
    }

    @Test
    void aRouteIsRateLimitedWithTheDraftHeadersAndTheBodyStillStreams() {
        for (int remaining = 2; remaining >= 0; remaining--) {
            given().contentType("text/plain").body("payload-" + remaining).post("/limited/x").then().statusCode(200)
                    .header("RateLimit-Policy", "\"roomy\";q=100;w=60, \"tiny\";q=3;w=60")
                    .header("RateLimit", matchesPattern("\"roomy\";r=\\d+;t=\\d+, \"tiny\";r=" + remaining + ";t=\\d+"))
                    .body("length", equalTo(("payload-" + remaining).length()));
        }
        given().post("/limited/x").then().statusCode(429).contentType("application/problem+json")
                .header("Retry-After", matchesPattern("(19|20)"))
                .header("RateLimit", matchesPattern(".*\"tiny\";r=0;t=\\d+"));
        // The policies are per client: the refusal did not take from the roomy one either.
        given().get("/echo/still-open").then().statusCode(200).header("RateLimit", (String) null);
    }

    @Test
    void perRouteMetricsAreTaggedWithTheRouteNotThePath() {
        given().get("/echo/metrics-probe-1?token=secret-in-query").then().statusCode(200);
        given().get("/echo/metrics-probe-2").then().statusCode(200);
        String metrics = ManagementInterface.given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("gateway_requests_total{route=\"echo\",status=\"2xx\"}"), "per-route counter");
        assertTrue(metrics.contains("gateway_request_duration_seconds_bucket{route=\"echo\""), "per-route latency histogram");
        assertTrue(metrics.contains("gateway_upstream_duration_seconds_bucket{route=\"echo\""), "per-route upstream latency histogram");
        assertFalse(metrics.contains("metrics-probe"), "no raw path in metrics");
        assertFalse(metrics.contains("secret-in-query"), "no query string in metrics");
    }

    @Test
    void eachRequestWritesOneAccessLineWithItsFieldsAndNoTokenCookieOrQuery() throws Exception {
        List<org.jboss.logmanager.ExtLogRecord> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if ("gateway.access".equals(record.getLoggerName())) {
                    org.jboss.logmanager.ExtLogRecord line = (org.jboss.logmanager.ExtLogRecord) record;
                    line.copyAll(); // the MDC is the event loop's, read it now
                    lines.add(line);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(capture);
        try {
            given().header("Authorization", "Bearer token-must-not-be-logged").header("Cookie", "sb=cookie-must-not-be-logged")
                    .header("X-Request-Id", "access-log-1").get("/echo/logged?api_key=query-must-not-be-logged").then().statusCode(200);
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                    .until(() -> lines.stream().anyMatch(l -> "access-log-1".equals(l.getMdc("requestId"))));
        } finally {
            root.removeHandler(capture);
        }
        List<org.jboss.logmanager.ExtLogRecord> mine = lines.stream().filter(l -> "access-log-1".equals(l.getMdc("requestId"))).toList();
        assertEquals(1, mine.size(), "one access line per request");
        org.jboss.logmanager.ExtLogRecord line = mine.get(0);
        assertEquals("echo", line.getMdc("route"));
        assertEquals("GET", line.getMdc("method"));
        assertEquals("/echo/logged", line.getMdc("path"));
        assertEquals("200", line.getMdc("status"));
        assertEquals("127.0.0.1", line.getMdc("client"));
        assertTrue(Double.parseDouble(line.getMdc("durationMs")) >= 0);
        String everything = line.getFormattedMessage() + " " + line.getMdcCopy();
        for (String secret : List.of("token-must-not-be-logged", "cookie-must-not-be-logged", "query-must-not-be-logged")) {
            assertFalse(everything.contains(secret), secret + " in " + everything);
        }
    }

    @Test
    void connectionFailuresAreRetriedForGetButNotForPost() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            // The service comes up 400 ms from now.
            vertx.setTimer(400, t -> vertx.createHttpServer().requestHandler(r -> r.response().end("up"))
                    .listen(EchoUpstream.LATE_PORT, "127.0.0.1"));
            given().contentType("text/plain").body("once").post("/late/x").then().statusCode(502);
            given().get("/late/x").then().statusCode(200).body(equalTo("up"));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    @Test
    void answers502To504AreRetriedForGetButNotForPostAndTimeoutsNever() {
        given().get("/echo/unsteady/a").then().statusCode(200).body(equalTo("attempt 3"));
        given().contentType("text/plain").body("x").post("/echo/unsteady/a").then().statusCode(503).body(equalTo("attempt 1"));
        int before = EchoUpstream.SLOW_REQUESTS.get();
        given().get("/echo/slow").then().statusCode(504);
        assertEquals(before + 1, EchoUpstream.SLOW_REQUESTS.get(), "a timed-out GET is not sent again");
    }

    @Test
    void clientsThatGoAwayDoNotOpenTheCircuit() throws Exception {
        // Six clients give up on a slow answer (the threshold is five failures in a row).
        int before = EchoUpstream.SLOW_REQUESTS.get();
        List<Socket> impatient = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Socket socket = new Socket(gateway.getHost(), gateway.getPort());
            socket.getOutputStream().write("GET /echo/slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            impatient.add(socket);
        }
        await("the six requests reach the service").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> EchoUpstream.SLOW_REQUESTS.get() >= before + 6);
        for (Socket socket : impatient) {
            socket.close();
        }
        // Past the route's 1 s timeout too: the abandoned requests were ended, not left to time out.
        Thread.sleep(1_300);
        given().get("/echo/after-impatient-clients").then().statusCode(200);
    }

    @Test
    void aFailingServiceOpensItsCircuitWhichClosesAfterAGoodProbe() throws Exception {
        for (int i = 0; i < 5; i++) {
            given().get("/flaky/boom").then().statusCode(500);
        }
        given().get("/flaky/ok").then().statusCode(503).contentType("application/problem+json").header("Retry-After", "1");
        ManagementInterface.given().get("/q/health/ready").then().statusCode(200).body("checks.find { it.name == 'Upstream services' }.status", equalTo("UP"))
                .body(org.hamcrest.Matchers.containsString("open"));
        assertTrue(ManagementInterface.given().get("/q/metrics").then().extract().asString().contains("gateway_circuit_state{upstream="));
        Thread.sleep(1_100);
        given().get("/flaky/ok").then().statusCode(200);
        given().get("/flaky/ok").then().statusCode(200);
    }

    /** @upstash/redis's base URL is public at the edge (cache-service checks the namespace token); the rest of /cache/v1 needs a user. */
    @Test
    void theUpstashRestRouteIsPublicAndTheRestOfTheCacheApiIsNot() {
        given().contentType("application/json").body("[\"GET\",\"k\"]").post("/cache/v1/redis")
                .then().statusCode(org.hamcrest.Matchers.not(401));
        given().post("/cache/v1/redis/pipeline").then().statusCode(org.hamcrest.Matchers.not(401));
        given().get("/cache/v1/admin/namespaces").then().statusCode(401).contentType("application/problem+json");
        given().header("Origin", "https://app.example").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type,upstash-encoding,upstash-sync-token,upstash-telemetry-sdk")
                .options("/cache/v1/redis").then().statusCode(200)
                .header("Access-Control-Allow-Headers", org.hamcrest.Matchers.containsString("upstash-encoding"));
    }

    @Test
    void browsersGetCorsSecurityHeadersAndGzip() {
        given().header("Origin", "https://app.example").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "apikey,authorization,x-client-info,x-supabase-api-version,content-type,sentry-trace,baggage")
                .options("/echo/token").then().statusCode(200)
                .header("Access-Control-Allow-Origin", "https://app.example")
                .header("Access-Control-Allow-Headers", org.hamcrest.Matchers.containsString("x-supabase-api-version"))
                .header("Access-Control-Allow-Headers", org.hamcrest.Matchers.containsString("sentry-trace"));
        io.restassured.response.Response response = given().header("Origin", "https://app.example").header("Accept-Encoding", "gzip")
                .get("/echo/cors");
        assertEquals(200, response.statusCode());
        assertEquals(List.of("https://app.example"), response.headers().getValues("Access-Control-Allow-Origin"),
                "one Access-Control-Allow-Origin, the gateway's (the service's own is dropped)");
        assertEquals("gzip", response.header("Content-Encoding"));
        assertEquals("nosniff", response.header("X-Content-Type-Options"));
        assertEquals("strict-origin-when-cross-origin", response.header("Referrer-Policy"));
        assertEquals(null, response.header("Strict-Transport-Security"), "HSTS only for clients that came over TLS");
        given().get("/nowhere").then().header("X-Content-Type-Options", "nosniff");
    }

    @Test
    void behindATrustedTlsProxyAnswersCarryHstsAndItsForwardedHeadersAreKept() throws Exception {
        // 127.0.0.2 is the trusted load balancer (EchoUpstream), which ended the client's TLS.
        String answer = raw("127.0.0.2", "GET /echo/hsts HTTP/1.1\r\nHost: api.example\r\nX-Forwarded-Proto: https\r\n"
                + "X-Forwarded-For: 203.0.113.9\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        assertTrue(answer.contains("Strict-Transport-Security: max-age=31536000; includeSubDomains"), answer);
        assertTrue(answer.contains("\"x-forwarded-for\":\"203.0.113.9, 127.0.0.2\""), answer);
        assertTrue(answer.contains("\"x-forwarded-proto\":\"https\""), answer);
    }

    @Test
    void webSocketUpgradesAreRefusedClearly() throws Exception {
        String answer = raw("127.0.0.1", "GET /echo/ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 501"), answer);
        assertTrue(answer.contains("application/problem+json") && answer.contains("WebSocket"), answer);
    }

    @Test
    void anAuthorizationHeaderOnAPublicRouteIsForwardedUnchecked() {
        // auth-js refreshes with its (maybe expired) access token in Authorization: the public route must pass it.
        given().header("Authorization", "Bearer expired.or.garbage").get("/echo/auth").then().statusCode(200)
                .body("headers.authorization", equalTo("Bearer expired.or.garbage"));
    }

    @Test
    void hopByHopHeadersAreRemovedBothWays() {
        given().header("Connection", "X-Hop-Secret").header("X-Hop-Secret", "1").header("Keep-Alive", "timeout=5")
                .get("/echo/hop").then().statusCode(200)
                .body("headers.'x-hop-secret'", equalTo(null)).body("headers.'keep-alive'", equalTo(null))
                .header("X-Upstream-Secret", (String) null);
    }

    @Test
    void aSignedWebhookBodyArrivesByteForByte() throws Exception {
        byte[] body;
        try (var in = ProxyTest.class.getResourceAsStream("/stripe-webhook-event.json")) {
            body = in.readAllBytes();
        }
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        given().header("Stripe-Signature", "t=1700000000,v1=abc").contentType("application/json; charset=utf-8").body(body)
                .post("/payments/v1/webhooks/stripe").then().statusCode(200)
                .body("sha256", equalTo(expected)).body("length", equalTo(body.length))
                .body("headers.'stripe-signature'", equalTo("t=1700000000,v1=abc"));
    }

    @Test
    void a50MegabyteUploadIsStreamedNotBuffered() throws Exception {
        long size = 50L * 1024 * 1024;
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[64 * 1024];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i * 31);
        }
        for (long sent = 0; sent < size; sent += block.length) {
            sha256.update(block);
        }
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = held(memory);
        long[] peak = {before};
        java.util.function.Supplier<InputStream> generated = () -> new InputStream() {
            long left = size;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(Math.min(len, block.length), left);
                System.arraycopy(block, 0, b, off, n);
                left -= n;
                if (left % (10 * 1024 * 1024) < n) {
                    // What is still held once garbage is collected: a buffered body would be here, growing.
                    System.gc();
                    peak[0] = Math.max(peak[0], held(memory));
                }
                return n;
            }
        };
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                .send(java.net.http.HttpRequest.newBuilder(gateway.toURI().resolve("/upload/big"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(generated)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        JsonPath echoed = new JsonPath(response.body());
        assertEquals(size, echoed.getLong("length"));
        assertEquals(HexFormat.of().formatHex(sha256.digest()), echoed.getString("sha256"));
        // Buffering would hold up to 50 MiB by the last sample; streaming holds the chunks in flight.
        assertTrue(peak[0] - before < 20L * 1024 * 1024, "heap and direct memory grew by " + (peak[0] - before) / (1024 * 1024) + " MiB");
    }

    @Test
    void aTimeoutIs504AndAnUnreachableServiceIs502() {
        given().get("/echo/slow").then().statusCode(504).contentType("application/problem+json").body("status", equalTo(504));
        given().get("/down/x").then().statusCode(502).contentType("application/problem+json").body("status", equalTo(502));
    }

    @Test
    void smugglingAttemptsAreRefused() throws Exception {
        assertTrue(raw("POST /echo/s HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                .startsWith("HTTP/1.1 400"));
        assertTrue(raw("POST /echo/s HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde").startsWith("HTTP/1.1 400"));
        assertTrue(raw("POST /echo/s HTTP/1.1\r\nHost: x\r\nContent-Length: 4, 5\r\n\r\nabcde").startsWith("HTTP/1.1 400"));
        assertTrue(raw("GET /echo/ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").startsWith("HTTP/1.1 200"));
    }

    @Test
    void aBodyOverTheRouteLimitIs413() {
        given().contentType("application/json").body(new byte[1_100_000]).post("/payments/v1/webhooks/stripe")
                .then().statusCode(413).contentType("application/problem+json");
    }

    @Test
    void aChunkedBodyIsCountedAgainstTheRouteLimitAsItStreams() throws Exception {
        // The webhook route takes 1 MiB; a chunked body declares no length, so it is counted on the way.
        assertEquals(200, chunkedPost("/payments/v1/webhooks/stripe", 1_000_000).statusCode());
        java.net.http.HttpResponse<String> tooLarge = chunkedPost("/payments/v1/webhooks/stripe", 1_100_000);
        assertEquals(413, tooLarge.statusCode(), tooLarge.body());
        assertTrue(tooLarge.body().contains("\"status\":413"), tooLarge.body());
    }

    @Test
    void theRouteTimeoutStartsOnceTheBodyIsSentSoASlowUploadIsNotCutOff() throws Exception {
        // The echo route's timeout is 1 s; this upload takes about 2 s.
        InputStream slow = new InputStream() {
            int chunks = 8;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (chunks-- == 0) {
                    return -1;
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                b[off] = 'x';
                return 1;
            }
        };
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                .send(java.net.http.HttpRequest.newBuilder(gateway.toURI().resolve("/echo/slow-upload"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> slow)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(8, new JsonPath(response.body()).getInt("length"));
    }

    /** Heap after GC plus Netty's direct buffers, where a buffered body would sit. */
    private static long held(java.lang.management.MemoryMXBean memory) {
        long direct = io.netty.util.internal.PlatformDependent.usedDirectMemory();
        return memory.getHeapMemoryUsage().getUsed() + Math.max(0, direct);
    }

    /** The status line of the answer to a request written as raw bytes. */
    private String raw(String request) throws Exception {
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1)).readLine();
        }
    }

    /** The whole answer to a request (with {@code Connection: close}) written as raw bytes from a local address. */
    private String raw(String fromAddress, String request) throws Exception {
        try (Socket socket = new Socket(java.net.InetAddress.getByName("127.0.0.1"), gateway.getPort(),
                java.net.InetAddress.getByName(fromAddress), 0)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** A POST of {@code size} bytes with no Content-Length (HTTP/1.1 chunked). */
    private java.net.http.HttpResponse<String> chunkedPost(String path, int size) throws Exception {
        byte[] body = new byte[size];
        return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                .send(java.net.http.HttpRequest.newBuilder(gateway.toURI().resolve(path)).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
    }
}
