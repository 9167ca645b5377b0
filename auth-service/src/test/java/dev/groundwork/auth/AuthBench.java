package dev.groundwork.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.EllipticCurves;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The benchmark of bench/auth.md (run by bench/auth.sh against a packaged auth-service, not by the tests):
 * sign-ins, refreshes and token checks over HTTP, next to what the CPU alone does for the same work in this
 * JVM (Argon2id hashes, ES256 verifications) as the reference.
 */
public final class AuthBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private static final String PASSWORD = "correct-horse-9";

    record Result(long operations, double seconds, List<Long> latenciesNanos) {
        String line(String what) {
            List<Long> sorted = new ArrayList<>(latenciesNanos);
            Collections.sort(sorted);
            return String.format("%-44s %8.0f /s   p50 %7.2f ms   p99 %7.2f ms", what, operations / seconds,
                    pct(sorted, 0.50), pct(sorted, 0.99));
        }
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 8;

        System.out.println(run(2, seconds, AuthBench::argon2idHash).line("reference: Argon2id hash in-process, 2 threads"));
        EllipticCurveJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        String jws = sign(key);
        System.out.println(run(2, seconds, () -> verify(jws, key)).line("reference: ES256 verify in-process, 2 threads"));

        List<String> emails = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            String email = "bench-" + System.nanoTime() + "-" + i + "@example.com";
            post(base + "/auth/v1/signup", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}", 200);
            emails.add(email);
        }
        int[] next = {0};
        System.out.println(run(clients, seconds, () -> {
            String email;
            synchronized (next) {
                email = emails.get(next[0]++ % emails.size());
            }
            post(base + "/auth/v1/token?grant_type=password", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}", 200);
        }).line("sign-in (password grant), " + clients + " clients"));

        // Each client refreshes its own session in a chain, as a real client does.
        List<String[]> sessions = new ArrayList<>();
        for (String email : emails) {
            sessions.add(new String[]{signIn(base, email).get("refresh_token").asText()});
        }
        ThreadLocal<String[]> mine = new ThreadLocal<>();
        int[] assigned = {0};
        System.out.println(run(clients, seconds, () -> {
            if (mine.get() == null) {
                synchronized (assigned) {
                    mine.set(sessions.get(assigned[0]++));
                }
            }
            String[] session = mine.get();
            JsonNode refreshed = JSON.readTree(post(base + "/auth/v1/token?grant_type=refresh_token",
                    "{\"refresh_token\":\"" + session[0] + "\"}", 200));
            session[0] = refreshed.get("refresh_token").asText();
        }).line("refresh (rotation), " + clients + " clients"));

        // Wrong password for a real user vs. an unknown address: the same answer should take the same time.
        // One attempt per user and per (forwarded) IP, so neither throttle answers early.
        List<Long> wrong = new ArrayList<>();
        List<Long> unknown = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String email = "timing-" + System.nanoTime() + "@example.com";
            post(base + "/auth/v1/signup", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}", 200);
            wrong.add(timeFailedSignIn(base, email, "198.18.0." + i));
            unknown.add(timeFailedSignIn(base, "nobody-" + System.nanoTime() + "@example.com", "198.18.1." + i));
        }
        System.out.println(new Result(wrong.size(), 1, wrong).line("wrong password (latency only), 1 client").replaceAll("\\s+\\d+ /s", "  -"));
        System.out.println(new Result(unknown.size(), 1, unknown).line("unknown user (latency only), 1 client").replaceAll("\\s+\\d+ /s", "  -"));

        String token = signIn(base, emails.get(0)).get("access_token").asText();
        System.out.println(run(clients * 2, seconds, () -> get(base + "/auth/v1/user", token))
                .line("GET /user (verify + session lookup), " + clients * 2 + " clients"));
    }

    private static Result run(int threads, int seconds, Callable0 operation) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long warmUpEnd = System.nanoTime() + Duration.ofSeconds(Math.max(2, seconds / 5)).toNanos();
        long end = warmUpEnd + Duration.ofSeconds(seconds).toNanos();
        List<Future<List<Long>>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Callable<List<Long>> worker = () -> {
                List<Long> latencies = new ArrayList<>();
                long now;
                while ((now = System.nanoTime()) < end) {
                    operation.call();
                    if (now >= warmUpEnd) {
                        latencies.add(System.nanoTime() - now);
                    }
                }
                return latencies;
            };
            futures.add(pool.submit(worker));
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> future : futures) {
            all.addAll(future.get());
        }
        pool.shutdown();
        return new Result(all.size(), seconds, all);
    }

    interface Callable0 {
        void call() throws Exception;
    }

    private static void argon2idHash() {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(19456).withIterations(2).withParallelism(1).withSalt(new byte[16]).build());
        generator.generateBytes(PASSWORD.getBytes(StandardCharsets.UTF_8), new byte[32]);
    }

    private static String sign(EllipticCurveJsonWebKey key) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload("{\"sub\":\"bench\",\"aud\":\"authenticated\",\"exp\":" + (System.currentTimeMillis() / 1000 + 3600) + "}");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        jws.setKey(key.getPrivateKey());
        return jws.getCompactSerialization();
    }

    private static void verify(String compact, EllipticCurveJsonWebKey key) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(compact);
        jws.setKey(key.getPublicKey());
        if (!jws.verifySignature()) {
            throw new IllegalStateException("bad signature");
        }
    }

    private static long timeFailedSignIn(String base, String email, String ip) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/auth/v1/token?grant_type=password"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").header("X-Forwarded-For", ip)
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\"wrong-Pass-1\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        long took = System.nanoTime() - start;
        if (response.statusCode() != 400) {
            throw new IllegalStateException("a failed sign-in answered " + response.statusCode() + ": " + response.body());
        }
        return took;
    }

    private static JsonNode signIn(String base, String email) throws Exception {
        return JSON.readTree(post(base + "/auth/v1/token?grant_type=password",
                "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}", 200));
    }

    private static String post(String url, String body, int expected) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("X-Supabase-Api-Version", "2024-01-01")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static void get(String url, String token) throws Exception {
        HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode());
        }
    }

    private static double pct(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
    }
}
