package dev.groundwork.payment;

import dev.groundwork.payment.stripe.StripeObjects;
import dev.groundwork.payment.stripe.StripeStub;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

/** The signed-in user's API: its refusals (problem+json, nothing sent to Stripe), Stripe's errors, the portal, invoices. */
@QuarkusTest
class BillingApiTest {

    @Inject
    AgroalDataSource dataSource;

    private static final String SUCCESS = StripeStub.REDIRECT_ORIGIN + "/done";
    private static final String CANCEL = StripeStub.REDIRECT_ORIGIN + "/cancel";

    @Test
    void withoutAValidTokenThereIsNoBillingApi() {
        given().header("X-Request-Id", "req-no-token").get("/payments/v1/subscription").then().statusCode(401)
                .contentType("application/problem+json").header("WWW-Authenticate", containsString("Bearer"))
                .body("requestId", equalTo("req-no-token"));
        given().auth().oauth2(StripeStub.userToken(UUID.randomUUID(), "x@example.com") + "x").get("/payments/v1/subscription")
                .then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(StripeStub.userToken(UUID.randomUUID(), "x@example.com")).get("/admin/payments/inbox")
                .then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void badCheckoutRequestsAreRefusedBeforeStripeIsCalled() {
        UUID user = UUID.randomUUID();
        String token = StripeStub.userToken(user, "refused@example.com");
        checkout(token, Map.of("plan", "platinum", "successUrl", SUCCESS, "cancelUrl", CANCEL), 400, "no plan platinum");
        checkout(token, Map.of("price", "price_not_ours", "successUrl", SUCCESS, "cancelUrl", CANCEL), 400, "in no plan");
        checkout(token, Map.of("plan", "pro", "price", StripeObjects.PRO_PRICE, "successUrl", SUCCESS, "cancelUrl", CANCEL), 400, "not both");
        checkout(token, Map.of("plan", "pro", "successUrl", "https://evil.example/phish", "cancelUrl", CANCEL), 400, "redirect-origins");
        checkout(token, Map.of("plan", "pro", "successUrl", "https://app.example.evil.example/x", "cancelUrl", CANCEL), 400, "redirect-origins");
        checkout(token, Map.of("plan", "pro", "successUrl", "javascript:alert(1)", "cancelUrl", CANCEL), 400, "absolute");
        checkout(token, Map.of("plan", "pro", "successUrl", "https://app.example@evil.test/", "cancelUrl", CANCEL), 400, "user info");
        checkout(token, Map.of("plan", "pro", "successUrl", SUCCESS), 400, "cancelUrl is needed");
        given().auth().oauth2(token).contentType("application/json").body("{\"plan\": ").post("/payments/v1/checkout-sessions")
                .then().statusCode(400).contentType("application/problem+json");
        StripeStub.server().verify(0, postRequestedFor(urlEqualTo("/v1/customers")).withRequestBody(containing(user.toString())));
        StripeStub.server().verify(0, postRequestedFor(urlEqualTo("/v1/checkout/sessions")).withRequestBody(containing(user.toString())));
    }

    @Test
    void stripeErrorsBecomeClearProblemsWithoutStripesWordsOrKeys() {
        UUID user = UUID.randomUUID();
        StripeStub.server().stubFor(post("/v1/customers").withRequestBody(containing(user.toString())).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withHeader("Request-Id", "req_badkey")
                .withBody("{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Invalid API Key provided: sk_test_****0000\"}}")));
        given().auth().oauth2(StripeStub.userToken(user, "badkey@example.com")).contentType("application/json")
                .body(Map.of("plan", "pro", "successUrl", SUCCESS, "cancelUrl", CANCEL)).post("/payments/v1/checkout-sessions")
                .then().statusCode(502).contentType("application/problem+json")
                .body("title", equalTo("Payment provider misconfigured"))
                .body("detail", containsString("req_badkey"))
                .body(not(containsString("sk_test")));
        assertNoCustomer(user);

        UUID other = UUID.randomUUID();
        StripeStub.server().stubFor(post("/v1/customers").withRequestBody(containing(other.toString()))
                .willReturn(okJson(StripeObjects.json(StripeObjects.customer("cus_" + other.toString().substring(0, 8), other.toString())))));
        StripeStub.server().stubFor(post("/v1/checkout/sessions").withRequestBody(containing(other.toString())).willReturn(aResponse()
                .withStatus(400).withHeader("Content-Type", "application/json").withHeader("Request-Id", "req_noprice")
                .withBody("{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"resource_missing\",\"param\":\"line_items[0][price]\","
                        + "\"message\":\"No such price: 'price_1PgafmB7WZ01zgkW6dKueIc5'\"}}")));
        given().auth().oauth2(StripeStub.userToken(other, "noprice@example.com")).contentType("application/json")
                .body(Map.of("plan", "pro", "successUrl", SUCCESS, "cancelUrl", CANCEL)).post("/payments/v1/checkout-sessions")
                .then().statusCode(502).body("title", equalTo("Payment provider refused the request"))
                .body("detail", containsString("req_noprice")).body(not(containsString("No such price")));
        // The customer this user lacked was created on the spot, idempotently, and stays for the next try.
        StripeStub.server().verify(1, postRequestedFor(urlEqualTo("/v1/customers")).withRequestBody(containing(other.toString()))
                .withHeader("Idempotency-Key", com.github.tomakehurst.wiremock.client.WireMock.equalTo("groundwork-customer-" + other)));
        org.junit.jupiter.api.Assertions.assertEquals(1, Db.count(dataSource,
                "SELECT count(*) FROM billing.customer WHERE user_id = '" + other + "'"));
    }

    @Test
    void thePortalNeedsACustomerAndGoesBackToAnAllowedUrl() {
        UUID user = UUID.randomUUID();
        String token = StripeStub.userToken(user, "portal@example.com");
        given().auth().oauth2(token).contentType("application/json").body(Map.of("returnUrl", SUCCESS))
                .post("/payments/v1/portal-sessions").then().statusCode(409).contentType("application/problem+json");
        String customer = "cus_portal" + user.toString().substring(0, 8);
        Db.execute(dataSource, "INSERT INTO billing.customer (user_id, stripe_customer_id) VALUES ('" + user + "', '" + customer + "')");
        StripeStub.server().stubFor(post("/v1/billing_portal/sessions").withRequestBody(containing("customer=" + customer))
                .willReturn(okJson(StripeObjects.json(StripeObjects.portalSession(customer).put("url", "https://billing.stripe.com/p/session/x")))));
        given().auth().oauth2(token).contentType("application/json").body(Map.of("returnUrl", "https://evil.example/"))
                .post("/payments/v1/portal-sessions").then().statusCode(400);
        // An allowed origin as user info in front of another host is that other host.
        portal(token, "https://app.example@evil.test/").statusCode(400).contentType("application/problem+json")
                .body("title", equalTo("Redirect not allowed")).body("detail", containsString("returnUrl"));
        portal(token, "https://app.example:8443/done").statusCode(400).body("title", equalTo("Redirect not allowed"));
        portal(token, "http://app.example/done").statusCode(400).body("title", equalTo("Redirect not allowed"));
        // Origins compare as browsers compare them: the host's case and the scheme's default port do not matter.
        portal(token, "https://APP.Example/done").statusCode(200);
        portal(token, "https://app.example:443/done").statusCode(200);
        StripeStub.server().verify(postRequestedFor(urlEqualTo("/v1/billing_portal/sessions"))
                .withRequestBody(containing("return_url=https%3A%2F%2Fapp.example%3A443%2Fdone")));
        given().auth().oauth2(token).contentType("application/json").body(Map.of("returnUrl", SUCCESS))
                .post("/payments/v1/portal-sessions").then().statusCode(200).body("url", equalTo("https://billing.stripe.com/p/session/x"));
        StripeStub.server().verify(postRequestedFor(urlEqualTo("/v1/billing_portal/sessions"))
                .withRequestBody(containing("return_url=https%3A%2F%2Fapp.example%2Fdone")));
    }

    @Test
    void aUserWithoutSubscriptionSeesNoneAndInvoicesArePagedNewestFirstAndPrivate() {
        UUID user = UUID.randomUUID();
        String token = StripeStub.userToken(user, "invoices@example.com");
        given().auth().oauth2(token).get("/payments/v1/subscription").then().statusCode(200)
                .body("status", equalTo("none")).body("plan", nullValue()).body("entitlements", hasSize(0));
        for (int i = 1; i <= 3; i++) {
            Db.execute(dataSource, "INSERT INTO billing.invoice (id, stripe_customer_id, user_id, status, amount_paid, currency, created)"
                    + " VALUES ('in_" + user.toString().substring(0, 8) + "_" + i + "', 'cus_x', '" + user + "', 'paid', " + (i * 1000)
                    + ", 'eur', now() - interval '" + (10 - i) + " days')");
        }
        Db.execute(dataSource, "INSERT INTO billing.invoice (id, stripe_customer_id, user_id, status, created)"
                + " VALUES ('in_someone_else_" + user.toString().substring(0, 8) + "', 'cus_y', '" + UUID.randomUUID() + "', 'paid', now())");
        String next = given().auth().oauth2(token).get("/payments/v1/invoices?limit=2").then().statusCode(200)
                .body("data", hasSize(2)).body("data[0].amountPaid", equalTo(3000)).body("data[1].amountPaid", equalTo(2000))
                .body("hasMore", equalTo(true)).extract().path("nextCursor");
        given().auth().oauth2(token).get("/payments/v1/invoices?limit=2&cursor=" + next).then().statusCode(200)
                .body("data", hasSize(1)).body("data[0].amountPaid", equalTo(1000)).body("hasMore", equalTo(false));
        given().auth().oauth2(token).header("X-Request-Id", "req-limit-" + user).get("/payments/v1/invoices?limit=0").then().statusCode(400)
                .contentType("application/problem+json").body("title", equalTo("Bad limit")).body("requestId", equalTo("req-limit-" + user));
        given().auth().oauth2(token).get("/payments/v1/invoices?cursor=in_someone_else_" + user.toString().substring(0, 8))
                .then().statusCode(400);
    }

    private void assertNoCustomer(UUID user) {
        org.junit.jupiter.api.Assertions.assertEquals(0, Db.count(dataSource, "SELECT count(*) FROM billing.customer WHERE user_id = '" + user + "'"));
    }

    private static io.restassured.response.ValidatableResponse portal(String token, String returnUrl) {
        return given().auth().oauth2(token).contentType("application/json").body(Map.of("returnUrl", returnUrl))
                .post("/payments/v1/portal-sessions").then();
    }

    private static void checkout(String token, Map<String, String> body, int status, String detail) {
        given().auth().oauth2(token).contentType("application/json").body(body).post("/payments/v1/checkout-sessions")
                .then().statusCode(status).contentType("application/problem+json").body("detail", containsString(detail));
    }
}
