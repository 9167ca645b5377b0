package dev.groundwork.monitoring;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

import static dev.groundwork.monitoring.AuthStub.ALPHA_KEY;
import static dev.groundwork.monitoring.AuthStub.BETA_KEY;
import static dev.groundwork.monitoring.AuthStub.TIGHT_KEY;
import static dev.groundwork.monitoring.Envelopes.as;
import static dev.groundwork.monitoring.Envelopes.await;
import static dev.groundwork.monitoring.Envelopes.event;
import static dev.groundwork.monitoring.Envelopes.errorEvent;
import static dev.groundwork.monitoring.Envelopes.item;
import static dev.groundwork.monitoring.Envelopes.newId;
import static dev.groundwork.monitoring.Envelopes.send;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sentry's ingest: what SDKs send is accepted and stored; what is wrong is refused in Sentry's format and stores nothing. */
@QuarkusTest
class IngestTest {

    static final long ALPHA = 11;
    static final long TIGHT = 13;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theCapturedSentryJavaRequestIsAcceptedAndStored() {
        String id = newId();
        as(ALPHA_KEY).header("Content-Encoding", "gzip")
                .body(Envelopes.gzip(Envelopes.sentryJava(id).getBytes(StandardCharsets.UTF_8)))
                .post("/api/11/envelope/").then().statusCode(200).body("id", equalTo(id));
        await("the event stored", () -> count("SELECT count(*) FROM events WHERE event_id = ?::uuid", id) == 1);
        assertEquals(1, count("SELECT count(*) FROM events e JOIN issues i ON i.id = e.issue_id WHERE e.event_id = ?::uuid "
                + "AND i.title LIKE 'NullPointerException: Cannot invoke%' AND i.project_id = 11", id));
    }

    @Test
    void theSameEventTwiceIsStoredOnce() {
        String id = newId();
        String envelope = event(id, errorEvent("IdempotencyException", "twice", "retry"));
        send(ALPHA, ALPHA_KEY, envelope).statusCode(200);
        send(ALPHA, ALPHA_KEY, envelope).statusCode(200).body("id", equalTo(id));
        await("both envelopes processed", () -> count("SELECT count(*) FROM inbox WHERE project_id = 11") == 0
                && count("SELECT count(*) FROM events WHERE event_id = ?::uuid", id) == 1);
        assertEquals(1, count("SELECT times_seen FROM issues WHERE title = 'IdempotencyException: twice'"));
    }

    @Test
    void theKeyMayComeFromTheQueryOrTheEnvelopeHeader() {
        String id = newId();
        given().queryParam("sentry_key", ALPHA_KEY).queryParam("sentry_version", "7").contentType("text/plain;charset=UTF-8")
                .body(event(id, errorEvent("BrowserError", "query key", "click"))).post("/api/11/envelope/")
                .then().statusCode(200).body("id", equalTo(id));
        String tunnelled = "{\"event_id\":\"" + newId() + "\",\"dsn\":\"https://" + ALPHA_KEY + "@errors.example.com/11\"}\n"
                + item("event", errorEvent("TunnelError", "dsn in header", "tunnel"));
        given().body(tunnelled).post("/api/11/envelope/").then().statusCode(200);
    }

    @Test
    void badKeysAreRefusedInSentrysFormat() {
        String envelope = event(newId(), errorEvent("NeverStored", "bad key", "nope"));
        given().body(envelope).post("/api/11/envelope/").then().statusCode(401)
                .header("X-Sentry-Error", "missing authorization information").body("detail", equalTo("missing authorization information"));
        send(ALPHA, "0123456789abcdef0123456789abcdef", envelope).statusCode(401).body("detail", equalTo("invalid or revoked DSN key"));
        send(ALPHA, "not-a-key", envelope).statusCode(401);
        send(ALPHA, BETA_KEY, envelope).statusCode(403).body("detail", equalTo("the DSN key belongs to another project"));
        given().header("X-Sentry-Auth", "Bearer nonsense").body(envelope).post("/api/11/envelope/").then().statusCode(401)
                .body("detail", equalTo("bad x-sentry-auth header"));
        String otherProjectDsn = "{\"dsn\":\"https://" + ALPHA_KEY + "@errors.example.com/12\"}\n" + item("event", "{}");
        given().body(otherProjectDsn).post("/api/11/envelope/").then().statusCode(403);
        given().body(envelope).header("X-Sentry-Auth", Envelopes.auth(ALPHA_KEY)).post("/api/0/envelope/").then().statusCode(400);
        assertEquals(0, count("SELECT count(*) FROM issues WHERE title LIKE 'NeverStored%'"));
    }

    @Test
    void gzipDeflateAndBrotliBodiesAreRead() {
        for (String encoding : new String[] {"gzip", "deflate", "br"}) {
            String id = newId();
            byte[] body = event(id, errorEvent("EncodedError", encoding, "encoded")).getBytes(StandardCharsets.UTF_8);
            byte[] encoded = switch (encoding) {
                case "gzip" -> Envelopes.gzip(body);
                case "deflate" -> Envelopes.deflate(body);
                default -> Envelopes.bytes("sentry/event.envelope.br");
            };
            String expected = encoding.equals("br") ? "1f0f3c2b9e6c4d6f8a0b1c2d3e4f5a6b" : id;
            as(ALPHA_KEY).header("Content-Encoding", encoding).body(encoded).post("/api/11/envelope/")
                    .then().statusCode(200).body("id", equalTo(expected));
        }
        as(ALPHA_KEY).header("Content-Encoding", "compress").body(new byte[] {1, 2, 3}).post("/api/11/envelope/")
                .then().statusCode(415).header("X-Sentry-Error", containsString("unsupported content encoding"));
        as(ALPHA_KEY).header("Content-Encoding", "gzip").body("not gzip at all".getBytes()).post("/api/11/envelope/")
                .then().statusCode(400).body("detail", equalTo("the body could not be decompressed"));
    }

    @Test
    void malformedEnvelopesAreRefusedAndStoreNothing() {
        long before = count("SELECT count(*) FROM events WHERE project_id = 11");
        String payload = errorEvent("Malformed", "never", "stored");
        String[] bad = {
                "",                                                                   // empty
                "not json\n" + item("event", payload),                                // header not JSON
                "[1,2]\n" + item("event", payload),                                   // header not an object
                "{}\n{\"length\":3}\nabc\n",                                          // item without type
                "{}\n{\"type\":\"event\",\"length\":-1}\n{}\n",                       // negative length
                "{}\n{\"type\":\"event\",\"length\":\"ten\"}\n{}\n",                  // length not a number
                "{}\n{\"type\":\"event\",\"length\":5000}\n" + payload + "\n",       // truncated: fewer bytes than announced
                "{}\n{\"type\":\"event\",\"length\":12}\n{\"oops\": tru\n",          // payload not JSON
                "{}\n{\"type\":\"event\"}\n[\"an\",\"array\"]\n",                    // payload not an object
                "{\"event_id\":\"not-an-id\"}\n" + item("event", payload),            // bad event id
                "{}\n" + item("event", payload) + "{\"type\":\"event\"\n",            // second item header cut
        };
        for (String envelope : bad) {
            send(ALPHA, ALPHA_KEY, envelope).statusCode(400).header("X-Sentry-Error", notNullValue()).body("detail", notNullValue());
        }
        await("nothing pending", () -> count("SELECT count(*) FROM inbox WHERE project_id = 11") == 0);
        assertEquals(before, count("SELECT count(*) FROM events WHERE project_id = 11"));
        given().get("/q/health/ready"); // the service still answers
        send(ALPHA, ALPHA_KEY, event(newId(), payload.replace("Malformed", "StillWorks"))).statusCode(200);
    }

    @Test
    void unknownItemTypesAreSkippedAndTheRestKept() {
        String id = newId();
        String envelope = "{\"event_id\":\"" + id + "\"}\n"
                + item("profile_chunk_from_the_future", "{\"whatever\":true}")
                + "{\"type\":\"replay_recording\"}\nraw bytes without length\n"
                + item("event", errorEvent("KeptBesideUnknown", "x", "kept"))
                + item("check_in", "{\"check_in_id\":\"" + newId() + "\",\"status\":\"ok\"}");
        send(ALPHA, ALPHA_KEY, envelope).statusCode(200).body("id", equalTo(id));
        await("the event stored", () -> count("SELECT count(*) FROM events WHERE event_id = ?::uuid", id) == 1);
    }

    @Test
    void theOtherItemsAreKeptOrCounted() {
        String id = newId();
        String sessionId = newId();
        String envelope = "{\"event_id\":\"" + id + "\",\"sent_at\":\"2026-12-02T10:00:00Z\"}\n"
                + item("event", errorEvent("WithAttachments", "x", "attach"))
                + "{\"type\":\"attachment\",\"length\":11,\"filename\":\"config.txt\",\"content_type\":\"text/plain\"}\nhello world\n"
                + item("user_report", "{\"event_id\":\"" + id + "\",\"name\":\"Ada\",\"email\":\"ada@example.com\",\"comments\":\"it broke\"}")
                + item("session", "{\"sid\":\"" + sessionId + "\",\"status\":\"ok\",\"started\":\"2026-12-02T09:59:00Z\",\"attrs\":{\"release\":\"shop@1.0\",\"environment\":\"test\"}}")
                + item("client_report", "{\"timestamp\":1764669600,\"discarded_events\":[{\"reason\":\"queue_overflow\",\"category\":\"error\",\"quantity\":4}]}")
                + item("transaction", "{\"type\":\"transaction\",\"transaction\":\"GET /\"}");
        send(ALPHA, ALPHA_KEY, envelope).statusCode(200).body("id", equalTo(id));
        await("the event stored", () -> count("SELECT count(*) FROM events WHERE event_id = ?::uuid", id) == 1);
        assertEquals(1, count("SELECT count(*) FROM attachments WHERE event_id = ?::uuid AND filename = 'config.txt' AND size = 11", id));
        assertEquals(1, count("SELECT count(*) FROM user_reports WHERE event_id = ?::uuid AND comments = 'it broke'", id));
        assertEquals(1, count("SELECT count(*) FROM session_updates WHERE project_id = 11 AND payload::text LIKE ?", "%" + sessionId + "%"));
        assertTrue(count("SELECT coalesce(sum(quantity), 0) FROM outcomes WHERE project_id = 11 AND category = 'error' "
                + "AND outcome = 'client_discard' AND reason = 'queue_overflow'") >= 4);
        assertTrue(count("SELECT coalesce(sum(quantity), 0) FROM outcomes WHERE project_id = 11 AND category = 'transaction' "
                + "AND outcome = 'accepted'") >= 1);
    }

    @Test
    void sizeLimitsAnswer413AndStoreNothing() {
        String big = "x".repeat(1024 * 1024 + 1);
        send(ALPHA, ALPHA_KEY, event(newId(), "{\"message\":\"" + big + "\"}")).statusCode(413)
                .body("detail", containsString("item too large"));
        send(ALPHA, ALPHA_KEY, "{}\n{\"type\":\"event\"}\n{\"message\":\"" + big + "\"}\n").statusCode(413);
        String attachment = "{\"event_id\":\"" + newId() + "\"}\n{\"type\":\"attachment\",\"length\":" + (5 * 1024 * 1024 + 1)
                + ",\"filename\":\"dump.bin\"}\n";
        send(ALPHA, ALPHA_KEY, attachment + "y".repeat(5 * 1024 * 1024 + 1)).statusCode(413);
        // A flood of tiny items, each a row to write.
        StringBuilder flood = new StringBuilder("{}\n");
        for (int i = 0; i < 101; i++) {
            flood.append(item("session", "{\"sid\":\"" + newId() + "\",\"status\":\"ok\"}"));
        }
        send(ALPHA, ALPHA_KEY, flood.toString()).statusCode(413).body("detail", containsString("too many items"));
        // A compression bomb: 210 MiB of zeros in a small gzip body; decompression stops at 200 MiB.
        byte[] zeros = new byte[1024 * 1024];
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(out)) {
            gzip.write("{}\n{\"type\":\"unknown_kind\"}\n".getBytes());
            for (int i = 0; i < 210; i++) {
                gzip.write(zeros);
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        as(ALPHA_KEY).header("Content-Encoding", "gzip").body(out.toByteArray()).post("/api/11/envelope/").then().statusCode(413)
                .body("detail", containsString("envelope too large once decompressed"));
        // Over 20 MiB as sent (an item of an unknown type, which would otherwise be skipped).
        byte[] huge = new byte[20 * 1024 * 1024 + 10];
        Arrays.fill(huge, (byte) ' ');
        byte[] start = "{}\n{\"type\":\"unknown_kind\"}\n".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(start, 0, huge, 0, start.length);
        as(ALPHA_KEY).body(huge).post("/api/11/envelope/").then().statusCode(413);
    }

    @Test
    void overTheQuotaIsA429WithSentrysRateLimitHeaders() {
        boolean limited = false;
        for (int i = 0; i < 10 && !limited; i++) {
            var response = send(TIGHT, TIGHT_KEY, event(newId(), errorEvent("QuotaError", "n" + i, "spend"))).extract();
            if (response.statusCode() == 429) {
                limited = true;
                assertEquals("event quota exceeded", response.header("X-Sentry-Error"));
                org.hamcrest.MatcherAssert.assertThat(response.header("Retry-After"), matchesPattern("[1-9][0-9]?|60"));
                org.hamcrest.MatcherAssert.assertThat(response.header("X-Sentry-Rate-Limits"),
                        matchesPattern("[0-9]+:error;default:project:quota_exceeded"));
            } else {
                assertEquals(200, response.statusCode());
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(limited, "no 429 after 10 events on a quota of 3 a minute");
        // Sessions and client reports are not events: never held back by the event quota.
        send(TIGHT, TIGHT_KEY, "{}\n" + item("client_report", "{\"discarded_events\":[]}")).statusCode(200);
    }

    @Test
    void theStoreEndpointTakesOneEvent() {
        String id = newId();
        as(ALPHA_KEY).contentType(ContentType.JSON).body("{\"event_id\":\"" + id + "\",\"message\":\"stored the old way\",\"level\":\"warning\"}")
                .post("/api/11/store/").then().statusCode(200).body("id", equalTo(id));
        await("the event stored", () -> count("SELECT count(*) FROM events WHERE event_id = ?::uuid AND level = 'warning'", id) == 1);
        as(ALPHA_KEY).contentType(ContentType.JSON).body("[1]").post("/api/11/store/").then().statusCode(400);
    }

    long count(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().execute("SET search_path TO monitoring");
            PreparedStatement statement = connection.prepareStatement(sql);
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
