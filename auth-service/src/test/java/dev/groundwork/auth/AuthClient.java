package dev.groundwork.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.MockMailbox;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** What auth-js sends, as rest-assured calls: JSON bodies and the API version header. */
final class AuthClient {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PASSWORD = "correct-horse-9";

    private AuthClient() {
    }

    static RequestSpecification authJs() {
        return given().header("X-Supabase-Api-Version", "2024-01-01").header("X-Client-Info", "supabase-js/2.45.0")
                .contentType("application/json;charset=UTF-8");
    }

    static Response signUp(String email, String password) {
        return authJs().body(Map.of("email", email, "password", password, "data", Map.of("name", "Ada")))
                .post("/auth/v1/signup");
    }

    static Response signIn(String email, String password) {
        return authJs().body(Map.of("email", email, "password", password)).post("/auth/v1/token?grant_type=password");
    }

    static Response refresh(String refreshToken) {
        return authJs().body(Map.of("refresh_token", refreshToken)).post("/auth/v1/token?grant_type=refresh_token");
    }

    /** The token in the last e-mail sent to {@code email}. */
    static String mailedToken(MockMailbox mailbox, String email) {
        List<Mail> mails = mailbox.getMailsSentTo(email);
        Matcher link = Pattern.compile("token=([A-Za-z0-9_-]+)").matcher(mails.get(mails.size() - 1).getText());
        if (!link.find()) {
            throw new AssertionError("no token in the mail to " + email);
        }
        return link.group(1);
    }

    /**
     * The token of the first mail with a link of {@code type} to {@code email}, waited for: a recovery mail goes out
     * after the answer.
     */
    static String awaitedToken(MockMailbox mailbox, String email, String type) {
        Pattern link = Pattern.compile("token=([A-Za-z0-9_-]+)&type=" + type + "&");
        return await().atMost(Duration.ofSeconds(10)).until(() -> mailbox.getMailsSentTo(email).stream()
                .map(mail -> link.matcher(mail.getText())).filter(Matcher::find).map(found -> found.group(1))
                .findFirst().orElse(null), java.util.Objects::nonNull);
    }

    /** Signs up, confirms by the mailed link, and signs in: a session's JSON. */
    static JsonNode confirmedSession(MockMailbox mailbox, String email) throws Exception {
        signUp(email, PASSWORD).then().statusCode(200);
        given().redirects().follow(false).get("/auth/v1/verify?type=signup&token=" + mailedToken(mailbox, email))
                .then().statusCode(303);
        return JSON.readTree(signIn(email, PASSWORD).then().statusCode(200).extract().asString());
    }

    static JsonNode jwtPart(String jwt, int part) throws Exception {
        return JSON.readTree(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[part]), StandardCharsets.UTF_8));
    }
}
