package dev.groundwork.cache;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import static io.restassured.RestAssured.given;

/** Requests of Upstash's REST protocol, as a client sends them (JSON arrays; rest-assured's JSON of a List). */
final class Upstash {

    private Upstash() {
    }

    static ValidatableResponse command(String token, Object... argv) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON).body(java.util.List.of(argv))
                .when().post("/cache/v1/redis").then();
    }

    static ValidatableResponse base64(String token, Object... argv) {
        return given().header("Authorization", "Bearer " + token).header("Upstash-Encoding", "base64")
                .contentType(ContentType.JSON).body(java.util.List.of(argv))
                .when().post("/cache/v1/redis").then();
    }

    static ValidatableResponse raw(String token, String body) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON).body(body)
                .when().post("/cache/v1/redis").then();
    }

    static ValidatableResponse pipeline(String token, String path, Object commands) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON).body(commands)
                .when().post("/cache/v1/redis/" + path).then();
    }
}
