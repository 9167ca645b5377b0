package dev.groundwork.auth.service;

import dev.groundwork.auth.config.AuthConfig;
import dev.groundwork.auth.error.AuthError;
import io.quarkus.logging.Log;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * At most one mail of a kind to one address per {@code auth.email.max-frequency}, as GoTrue's {@code
 * GOTRUE_SMTP_MAX_FREQUENCY}. A claim is one atomic Redis {@code SET NX PX} (replicas and concurrent requests agree,
 * where a check of the user's {@code *_sent_at} column would let simultaneous requests through); keys hold a hash of the
 * address, never the address. Redis down: the mail goes out, and the log says the limit was skipped, as the sign-in
 * throttle does.
 */
@ApplicationScoped
public class MailFrequency {

    // KEYS[1] the claim; ARGV[1] the window in ms. 0 when claimed now, else the ms until the window ends.
    private static final String CLAIM = """
            if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
              return 0
            end
            return math.max(1, redis.call('PTTL', KEYS[1]))
            """;

    @Inject
    AuthConfig config;
    /** The plain client, as in {@link SignInThrottle}: a {@code RedisDataSource} makes Quarkus build a second one. */
    @Inject
    Redis redis;

    /**
     * Claims the window for a mail of {@code kind} to {@code subject} (an address, or a user id), or throws 429
     * {@code over_email_send_rate_limit} with the seconds left.
     */
    public void claim(String kind, String subject) {
        long windowMs = config.email().maxFrequency().toMillis();
        if (windowMs <= 0) {
            return;
        }
        Response reply;
        try {
            reply = redis.sendAndAwait(Request.cmd(Command.EVAL).arg(CLAIM).arg(1).arg(key(kind, subject)).arg(windowMs));
        } catch (RuntimeException e) {
            Log.warnf("Mail frequency limit skipped, Redis unavailable: %s", e.getMessage());
            return;
        }
        long leftMs = reply.toLong();
        if (leftMs > 0) {
            throw AuthError.emailRateLimited((leftMs + 999) / 1000);
        }
    }

    /** Gives the window back when the mail could not be sent and the request is undone, so that it can be asked again at once. */
    public void release(String kind, String subject) {
        if (config.email().maxFrequency().isZero()) {
            return;
        }
        try {
            redis.sendAndAwait(Request.cmd(Command.DEL).arg(key(kind, subject)));
        } catch (RuntimeException e) {
            Log.warnf("Mail frequency window not released, Redis unavailable: %s", e.getMessage());
        }
    }

    private static String key(String kind, String subject) {
        return "auth:mail:" + kind + ":" + TokenService.sha256(subject);
    }
}
