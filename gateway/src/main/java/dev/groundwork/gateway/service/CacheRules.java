package dev.groundwork.gateway.service;

import dev.groundwork.http.CachingHeaders;
import io.vertx.core.MultiMap;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * RFC 9111's rules for a shared cache, as the gateway's response cache applies them: what a request allows, whether an
 * answer may be stored and for how long, and what tells its variants apart. Functions of headers only, so that each
 * rule is seen (and tested) alone. The reasons are the {@code detail} of the {@code Cache-Status} header.
 */
public final class CacheRules {

    /** Statuses stored: the heuristically cacheable ones of RFC 9110 §15.1 without 206 (ranges), 405, 414 and 501. */
    static final Set<Integer> STORABLE_STATUSES = Set.of(200, 203, 204, 300, 301, 308, 404, 410);

    // Why an answer is not stored.
    public static final String NOT_STORABLE_STATUS = "status";
    public static final String NO_STORE = "no-store";
    public static final String NO_CACHE = "no-cache";
    public static final String PRIVATE = "private";
    public static final String SET_COOKIE = "set-cookie";
    public static final String VARY_ANY = "vary-star";
    public static final String STALE_AT_ONCE = "no-freshness";

    // Why a request does not use the cache.
    public static final String AUTHORIZATION = "authorization";
    public static final String RANGE = "range";

    /** What a request may do with the cache. */
    public enum Use {
        /** Be answered from it, or else fill it. */
        LOOKUP,
        /** Not be answered from it ({@code no-cache}, {@code max-age=0}): its answer from the service may be stored. */
        REFRESH,
        /** Neither: passed to the service as if the route cached nothing. */
        BYPASS
    }

    /** A request's use of the cache, and why when it is not a lookup. */
    public record RequestUse(Use use, String reason) {
    }

    /** How long a stored answer is fresh, then how long it may still be served stale while it is refreshed. */
    public record Lifetime(Duration fresh, Duration stale) {
    }

    /** The answer's lifetime when it may be stored; otherwise why not. */
    public record Storability(Lifetime lifetime, String refusal) {

        static Storability refused(String reason) {
            return new Storability(null, reason);
        }

        public boolean storable() {
            return refusal == null;
        }
    }

    private CacheRules() {
    }

    /** What a GET or HEAD request allows. A request with {@code Authorization} uses a shared route's cache never. */
    public static RequestUse requestUse(MultiMap headers, boolean perUser) {
        if (!perUser && headers.contains("Authorization")) {
            return new RequestUse(Use.BYPASS, AUTHORIZATION);
        }
        // A stored 200 is a legal answer to a range request, but its 206 from the service must not mark the URL uncacheable.
        if (headers.contains("Range")) {
            return new RequestUse(Use.BYPASS, RANGE);
        }
        Map<String, String> directives = CachingHeaders.directives(headers.getAll("Cache-Control"));
        if (directives.containsKey(NO_STORE)) {
            return new RequestUse(Use.BYPASS, NO_STORE);
        }
        if (directives.containsKey(NO_CACHE) || "0".equals(directives.get("max-age"))
                || (directives.isEmpty() && headers.getAll("Pragma").stream().anyMatch(p -> p.toLowerCase(Locale.ROOT).contains(NO_CACHE)))) {
            return new RequestUse(Use.REFRESH, NO_CACHE);
        }
        return new RequestUse(Use.LOOKUP, null);
    }

    /**
     * Whether a shared cache (or, per user, the caller's own) may store the answer, and for how long: {@code s-maxage},
     * else {@code max-age}, else {@code Expires} minus {@code Date}, else the route's ttl; less the answer's {@code Age};
     * at most the route's max-ttl. Stale: the answer's {@code stale-while-revalidate}, else the route's; none when
     * the answer says {@code must-revalidate}, {@code proxy-revalidate} or {@code s-maxage}.
     */
    public static Storability storability(int status, MultiMap headers, RouteTable.Caching route) {
        if (!STORABLE_STATUSES.contains(status)) {
            return Storability.refused(NOT_STORABLE_STATUS);
        }
        Map<String, String> directives = CachingHeaders.directives(headers.getAll("Cache-Control"));
        // The field-list forms (no-cache="Set-Cookie", private="X") are read as the whole directive: the safe side.
        if (directives.containsKey(NO_STORE)) {
            return Storability.refused(NO_STORE);
        }
        if (directives.containsKey(NO_CACHE)) {
            return Storability.refused(NO_CACHE);
        }
        if (directives.containsKey(PRIVATE) && !route.perUser()) {
            return Storability.refused(PRIVATE);
        }
        if (headers.contains("Set-Cookie")) {
            return Storability.refused(SET_COOKIE);
        }
        if (varyNames(headers).contains("*")) {
            return Storability.refused(VARY_ANY);
        }
        long freshSeconds = freshSeconds(directives, headers, route) - seconds(headers.get("Age"), 0);
        freshSeconds = Math.min(freshSeconds, route.maxTtl().toSeconds());
        if (freshSeconds <= 0) {
            return Storability.refused(STALE_AT_ONCE);
        }
        long staleSeconds;
        if (directives.containsKey("must-revalidate") || directives.containsKey("proxy-revalidate") || directives.containsKey("s-maxage")) {
            staleSeconds = 0;
        } else if (directives.containsKey("stale-while-revalidate")) {
            staleSeconds = seconds(directives.get("stale-while-revalidate"), 0);
        } else {
            staleSeconds = route.stale().toSeconds();
        }
        return new Storability(new Lifetime(Duration.ofSeconds(freshSeconds),
                Duration.ofSeconds(Math.min(staleSeconds, route.maxTtl().toSeconds()))), null);
    }

    private static long freshSeconds(Map<String, String> directives, MultiMap headers, RouteTable.Caching route) {
        // An invalid max-age or Expires means stale (RFC 9111 §4.2.1, §5.3), hence 0.
        if (directives.containsKey("s-maxage")) {
            return seconds(directives.get("s-maxage"), 0);
        }
        if (directives.containsKey("max-age")) {
            return seconds(directives.get("max-age"), 0);
        }
        String expires = headers.get("Expires");
        if (expires != null) {
            ZonedDateTime expiresAt = httpDate(expires);
            ZonedDateTime date = headers.get("Date") == null ? ZonedDateTime.now() : httpDate(headers.get("Date"));
            return expiresAt == null || date == null ? 0 : Duration.between(date, expiresAt).toSeconds();
        }
        return route.ttl().toSeconds();
    }

    /** The header names the answer varies on, lower-case, sorted, without repeats; {@code *} among them for {@code Vary: *}. */
    public static List<String> varyNames(MultiMap headers) {
        TreeSet<String> names = new TreeSet<>();
        for (String field : headers.getAll("Vary")) {
            for (String name : field.split(",")) {
                String trimmed = name.trim().toLowerCase(Locale.ROOT);
                if (!trimmed.isEmpty()) {
                    names.add(trimmed);
                }
            }
        }
        return List.copyOf(names);
    }

    /**
     * The request's values of the varied headers, one line each ({@code name: values}), with their repeats joined and
     * their white space folded (RFC 9111 §4.1): equal lines, one variant. An absent header is a line of its own kind.
     */
    public static String varyValues(List<String> names, MultiMap requestHeaders) {
        StringBuilder values = new StringBuilder();
        for (String name : names) {
            List<String> all = requestHeaders.getAll(name);
            values.append(name).append(all.isEmpty() ? "\n" : ": " + String.join(",", all).replaceAll("\\s*,\\s*", ",")
                    .replaceAll("\\s+", " ").trim() + "\n");
        }
        return values.toString();
    }

    /** The tags the service named in {@code Cache-Tag} (separated by commas or spaces). */
    public static List<String> serviceTags(MultiMap headers) {
        List<String> tags = new ArrayList<>();
        for (String field : headers.getAll("Cache-Tag")) {
            for (String tag : field.split("[,\\s]+")) {
                if (!tag.isEmpty()) {
                    tags.add(tag);
                }
            }
        }
        return tags;
    }

    private static long seconds(String value, long otherwise) {
        if (value == null || value.isEmpty() || !value.chars().allMatch(Character::isDigit)) {
            return otherwise;
        }
        // delta-seconds beyond 2^31 are read as 2^31 (RFC 9111 §1.2.2).
        return value.length() > 10 ? Integer.MAX_VALUE : Math.min(Long.parseLong(value), Integer.MAX_VALUE);
    }

    private static ZonedDateTime httpDate(String value) {
        try {
            return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
