package dev.groundwork.payment;

import dev.groundwork.payment.stripe.StripeObjects;
import dev.groundwork.payment.stripe.StripeStub;
import dev.groundwork.payment.stripe.Webhooks;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Slow uploads (issue 13, point 1): a hundred clients that announce a body and send a few bytes of it, held open,
 * park no worker thread — with a worker pool of 8, another client's signed webhook and subscription read keep
 * answering. Before, each stalled webhook parked a worker in a blocking read (up to quarkus.http.read-timeout)
 * and every other request queued behind them. A webhook without Stripe-Signature is refused before its body.
 * Waits are bounded (socket timeouts), never timed assertions.
 */
@QuarkusTest
@TestProfile(SlowClientsTest.SmallWorkerPool.class)
class SlowClientsTest {

    private static final int STALLED = 100;
    private static final int BOUND_MS = 20_000;
    private static final String PATH = "/payments/v1/webhooks/stripe";

    @TestHTTPResource("/")
    URI server;

    @Test
    void stalledUploadsParkNoWorker() throws IOException {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < STALLED; i++) {
                stalled.add(stall("Stripe-Signature: t=1,v1=00\r\n"));
            }
            String payload = StripeObjects.json(StripeObjects.event("evt_slow_" + UUID.randomUUID(), "customer.subscription.updated",
                    StripeObjects.subscription("sub_slow", "cus_slow", "active", StripeObjects.PRO_PRICE, now(), false), now()));
            bounded().contentType("application/json").header("Stripe-Signature", Webhooks.sign(payload, StripeStub.NEW_WEBHOOK_SECRET, now()))
                    .body(payload).post(PATH).then().statusCode(200).body("received", equalTo(true));
            bounded().auth().oauth2(StripeStub.userToken(UUID.randomUUID(), "slow@example.com")).get("/payments/v1/subscription")
                    .then().statusCode(200).body("status", equalTo("none"));

            // The stalled requests were waiting for their bodies all along: completed now, each gets its answer.
            for (Socket socket : stalled) {
                assertEquals(0, socket.getInputStream().available(), "no answer before the body is complete");
                socket.getOutputStream().write(" ".repeat(1000 - 6).getBytes(StandardCharsets.US_ASCII));
            }
            for (Socket socket : stalled) {
                assertThat(answer(socket), allOf(startsWith("HTTP/1.1 400"), containsString("No signatures found")));
            }
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    @Test
    void aWebhookWithoutSignatureIsRefusedBeforeItsBodyArrives() throws IOException {
        try (Socket socket = stall("")) {
            assertThat(answer(socket), allOf(startsWith("HTTP/1.1 400"), containsString("application/problem+json"),
                    containsString("Stripe-Signature header is missing")));
        }
        given().contentType("application/json").body("{}").post(PATH).then().statusCode(400)
                .body("detail", containsString("Stripe-Signature header is missing"));
    }

    /** A webhook request whose headers announce 1000 bytes, of which 6 are sent; the connection stays open. */
    private Socket stall(String extraHeaders) throws IOException {
        Socket socket = new Socket(server.getHost(), server.getPort());
        socket.setSoTimeout(BOUND_MS);
        socket.getOutputStream().write(("POST " + PATH + " HTTP/1.1\r\nHost: " + server.getHost() + "\r\n"
                + "Content-Type: application/json\r\n" + extraHeaders + "Content-Length: 1000\r\n\r\n{\"id\":")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /** The answer's head and as much of its body as arrives within the bound. */
    private static String answer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (!read.toString(StandardCharsets.UTF_8).contains("}")) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            read.write(buffer, 0, n);
        }
        return read.toString(StandardCharsets.UTF_8);
    }

    private static RequestSpecification bounded() {
        return given().config(RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.connection.timeout", BOUND_MS).setParam("http.socket.timeout", BOUND_MS)));
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /** Far fewer workers than stalled clients, so that one parked worker per client would show at once. */
    public static class SmallWorkerPool implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.thread-pool.max-threads", "8");
        }
    }
}
