package dev.groundwork.gateway.client;

import dev.groundwork.entrycache.Entry;
import dev.groundwork.entrycache.EntryCache;
import dev.groundwork.entrycache.EntryPolicy;
import dev.groundwork.entrycache.Fill;
import dev.groundwork.entrycache.Lookup;
import dev.groundwork.gateway.config.GatewayConfig;
import dev.groundwork.gateway.service.CacheRules;
import dev.groundwork.gateway.service.PathNormalizer;
import dev.groundwork.gateway.service.RouteTable;
import dev.groundwork.gateway.service.StoredAnswer;
import dev.groundwork.http.CachingHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.WebServerRequest;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The response cache of one cacheable route, the interceptor before {@link Forwarding} in the route's proxy (like
 * Kong's proxy-cache): a GET or HEAD with a fresh stored answer is answered without calling the service; others are
 * forwarded, and their answer stored when RFC 9111 lets a shared cache store it ({@link CacheRules}). Entries live in a
 * cache-service namespace through libs/entry-cache, whose leases collapse concurrent misses of one answer into one
 * request to the service. Every answer on the route says what happened in {@code Cache-Status} (RFC 9211). Redis
 * unavailable: requests go to the service (fail open), counted and logged at most once a minute.
 * <p>
 * Keys: {@code <route>:public:<path>[?query]}, or {@code <route>:user:<sub>:…} on a per-user route. An answer that
 * varies leaves a record of the header names ({@code Vary}) at that key and is stored at
 * {@code <key> vary:<hash of the request's values of them>}. An answer that may not be stored leaves a marker there for
 * the route's ttl, so that the requests for it stop waiting on each other's leases (Varnish's hit-for-pass).
 */
public final class ResponseCache implements ProxyInterceptor {

    /** The cache's name in {@code Cache-Status}. */
    public static final String CACHE_NAME = "groundwork-gateway";
    /** Where {@code GatewayRouter} leaves the subject of the caller the edge verified, in the request's routing context. */
    public static final String CALLER = "gateway.caller";
    /** Content types of the entries that are not answers: the Vary record and the marker of an uncacheable answer. */
    static final String VARY_RECORD = "application/vnd.groundwork.vary";
    static final String UNCACHEABLE = "application/vnd.groundwork.uncacheable";

    // Cache-Status details of the gateway's own (CacheRules has those of RFC 9111).
    static final String REDIS_UNAVAILABLE = "redis-unavailable";
    static final String UNCACHEABLE_MARKED = "uncacheable";
    static final String NO_CALLER = "no-caller";
    static final String KEY_TOO_LONG = "key-too-long";
    static final String TOO_LARGE = "too-large";
    static final String TOO_MANY_TAGS = "tags";
    static final String WAIT_TIMEOUT = "wait-timeout";

    private static final String PLAN = "response-cache";
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.TRACE);
    /** What a 304 carries of the stored answer (RFC 9110 §15.4.5). */
    private static final List<String> NOT_MODIFIED_HEADERS = List.of("Cache-Control", "Content-Location", "Date", "ETag", "Expires", "Vary");
    private static final String VARIANT = " vary:";
    private static final int DIGEST_CHARS = 22;
    private static final long WARN_EVERY_MILLIS = 60_000;

    /** A lookup's answer, and whether it waited for another request's fill. */
    private record Found(Lookup lookup, boolean collapsed) {
    }

    /** What one request does with the cache, from its lookup to its answer. */
    private static final class Plan {
        /** The target: normalised path and query. */
        String target;
        String caller;
        String baseKey;
        /** Where a storable answer goes (null: it is not stored), with the lease held on it (null: a plain write). */
        String key;
        String lease;
        /** The names of the Vary record that led to {@link #key}; null when the key is the base key. */
        List<String> varyNames;
        /** The Cache-Status parameters of a forwarded request, e.g. {@code fwd=uri-miss}. */
        String forwarded;
        boolean unsafe;
        boolean served;
    }

    private final EntryCache entries;
    private final NamespacePolicy policy;
    private final RouteTable.Route route;
    private final RouteTable.Caching caching;
    private final GatewayConfig.ResponseCache settings;
    private final Map<String, Counter> results = new HashMap<>();
    private final Counter unavailable;
    private final AtomicLong lastWarning;

    /** {@code lastWarning} is shared by the routes: one warning a minute for the gateway, not one per route. */
    ResponseCache(EntryCache entries, NamespacePolicy policy, RouteTable.Route route, GatewayConfig.ResponseCache settings,
                  MeterRegistry meters, AtomicLong lastWarning) {
        this.entries = entries;
        this.policy = policy;
        this.route = route;
        this.caching = route.cache();
        this.settings = settings;
        this.lastWarning = lastWarning;
        for (String result : List.of("hit", "stale", "miss", "bypass")) {
            results.put(result, Counter.builder("gateway.cache.requests").tag("route", route.id()).tag("result", result)
                    .description("Requests on cacheable routes: hit, stale (served while refreshed), miss (forwarded to fill), bypass")
                    .register(meters));
        }
        this.unavailable = Counter.builder("gateway.cache.unavailable")
                .description("Requests that went to the service because the response cache's Redis could not be used").register(meters);
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
        HttpServerRequest incoming = context.request().proxiedRequest();
        Plan plan = new Plan();
        context.set(PLAN, plan);
        String query = incoming.query();
        plan.target = PathNormalizer.normalize(incoming.path()).orElseThrow() + (query == null ? "" : "?" + query);
        HttpMethod method = incoming.method();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            plan.unsafe = !SAFE.contains(method);
            return forward(context, plan, "bypass", "fwd=method");
        }
        CacheRules.RequestUse use = CacheRules.requestUse(incoming.headers(), caching.perUser());
        if (use.use() == CacheRules.Use.BYPASS) {
            boolean directive = use.reason().equals(CacheRules.NO_STORE);
            return forward(context, plan, "bypass", (directive ? "fwd=request" : "fwd=bypass") + "; detail=" + use.reason());
        }
        plan.caller = caller(incoming);
        if (caching.perUser() && plan.caller == null) {
            return forward(context, plan, "bypass", "fwd=bypass; detail=" + NO_CALLER);
        }
        plan.baseKey = route.id() + (plan.caller == null ? ":public:" : ":user:" + plan.caller + ":") + plan.target;
        if (!usableKey(plan.baseKey)) {
            return forward(context, plan, "bypass", "fwd=bypass; detail=" + KEY_TOO_LONG);
        }
        boolean head = method == HttpMethod.HEAD;
        if (use.use() == CacheRules.Use.REFRESH) {
            // HEAD is never stored; a GET's answer is a plain write (no lease: it is newer than whatever a lease holder read).
            plan.key = head ? null : plan.baseKey;
            return forward(context, plan, "miss", "fwd=request; detail=" + use.reason());
        }
        // A body a client sent with its GET must wait for the forwarding, not be read (and lost) meanwhile.
        incoming.pause();
        Context requestContext = Vertx.currentContext();
        return onContext(requestContext, lookup(plan.baseKey, head)).compose(
                found -> answer(context, requestContext, plan, plan.baseKey, found, head),
                failure -> forwardWithoutCache(context, plan, failure));
    }

    /** A GET takes the key's lease on a miss, or waits for the request that holds it; a HEAD only reads. */
    private Future<Found> lookup(String key, boolean head) {
        if (head) {
            return entries.get(key).map(found -> new Found(found, false));
        }
        return entries.getWithLease(key, settings.lease()).compose(first -> first.status() == Lookup.Status.MISS && !first.leased()
                ? entries.getOrWait(key, settings.lease(), settings.fillWait()).map(waited -> new Found(waited, true))
                : Future.succeededFuture(new Found(first, false)));
    }

    private Future<ProxyResponse> answer(ProxyContext context, Context requestContext, Plan plan, String key, Found found, boolean head) {
        Lookup lookup = found.lookup();
        Entry entry = lookup.entry();
        String kind = entry == null ? null : entry.contentType();
        if (VARY_RECORD.equals(kind) && plan.varyNames == null) {
            plan.varyNames = List.of(new String(entry.value(), StandardCharsets.UTF_8).split(","));
            String variant = variantKey(plan.baseKey, plan.varyNames, context.request().proxiedRequest().headers());
            return onContext(requestContext, lookup(variant, head)).compose(
                    inner -> answer(context, requestContext, plan, variant, inner, head),
                    failure -> forwardWithoutCache(context, plan, failure));
        }
        if (UNCACHEABLE.equals(kind) || VARY_RECORD.equals(kind)) {
            return forward(context, plan, "bypass", "fwd=bypass; detail=" + UNCACHEABLE_MARKED);
        }
        if (entry != null && (lookup.status() == Lookup.Status.HIT || !lookup.leased())) {
            return Future.succeededFuture(serve(context, plan, entry, lookup, found.collapsed()));
        }
        String miss = plan.varyNames == null ? "fwd=uri-miss" : "fwd=vary-miss";
        if (lookup.leased()) {
            plan.key = key;
            plan.lease = lookup.lease();
            // The service's whole answer is what gets stored, not a 304 to the client's own validators.
            context.request().headers().remove("If-None-Match").remove("If-Modified-Since");
            return forward(context, plan, "miss", lookup.status() == Lookup.Status.STALE ? "fwd=stale" : miss);
        }
        // A HEAD, or a GET whose wait for another request's fill ran out: forwarded, not stored.
        return forward(context, plan, "miss", found.collapsed() ? miss + "; detail=" + WAIT_TIMEOUT : miss);
    }

    /** The stored answer, or a 304 when the client's {@code If-None-Match} names its ETag; with its age and Cache-Status. */
    private ProxyResponse serve(ProxyContext context, Plan plan, Entry entry, Lookup lookup, boolean collapsed) {
        plan.served = true;
        boolean stale = lookup.status() == Lookup.Status.STALE;
        count(stale ? "stale" : "hit");
        StoredAnswer answer = StoredAnswer.decode(entry.value());
        ProxyRequest request = context.request();
        HttpServerRequest incoming = request.proxiedRequest();
        // Nothing goes to the service: release() drains what the client sent (a GET's empty body).
        ProxyResponse response = request.release().response();
        MultiMap stored = answer.replayedHeaders();
        if (CachingHeaders.noneMatchHits(incoming.getHeader("If-None-Match"), stored.get("ETag"))) {
            response.setStatusCode(304);
            NOT_MODIFIED_HEADERS.forEach(name -> stored.getAll(name).forEach(value -> response.headers().add(name, value)));
        } else {
            // HEAD gets the same headers, Content-Length included: Vert.x writes no body for a HEAD.
            response.setStatusCode(answer.status()).setBody(Body.body(answer.body()));
            response.headers().addAll(stored);
        }
        response.putHeader("Age", String.valueOf(answer.initialAge() + entry.ageSeconds(lookup.now())));
        response.putHeader(Forwarding.REQUEST_ID, Forwarding.requestId(incoming));
        response.putHeader("Cache-Status", CACHE_NAME + "; hit; ttl=" + entry.ttlSeconds(lookup.now()) + (collapsed ? "; collapsed" : ""));
        return response;
    }

    /** Redis could not be asked: the request goes to the service as if the route cached nothing (fail open). */
    private Future<ProxyResponse> forwardWithoutCache(ProxyContext context, Plan plan, Throwable failure) {
        unavailable(failure);
        return forward(context, plan, "bypass", "fwd=bypass; detail=" + REDIS_UNAVAILABLE);
    }

    private Future<ProxyResponse> forward(ProxyContext context, Plan plan, String result, String cacheStatus) {
        count(result);
        plan.forwarded = cacheStatus;
        return context.sendRequest();
    }

    @Override
    public Future<Void> handleProxyResponse(ProxyContext context) {
        Plan plan = context.get(PLAN, Plan.class);
        if (plan.served) {
            return context.sendResponse();
        }
        ProxyResponse response = context.response();
        MultiMap headers = response.headers();
        // Cache-Tag is for the gateway: the client never sees it.
        List<String> serviceTags = CacheRules.serviceTags(headers);
        headers.remove("Cache-Tag");
        int status = response.getStatusCode();
        if (plan.unsafe && status < 400) {
            // RFC 9111 §4.4: a changed resource's stored answers go (every variant, every user's), before the client
            // hears of the change, so that its next read does not find the old answer.
            putCacheStatus(headers, plan.forwarded);
            return onContext(Vertx.currentContext(), entries.invalidateTag(urlTag(plan.target)))
                    .onFailure(this::unavailable).transform(invalidated -> context.sendResponse());
        }
        if (plan.key == null) {
            putCacheStatus(headers, plan.forwarded);
            return context.sendResponse();
        }
        CacheRules.Storability storability = CacheRules.storability(status, headers, caching);
        List<String> tags = tags(plan, serviceTags);
        Body body = response.getBody();
        EntryPolicy namespace = policy.current();
        long maxBodyBytes = namespace == null ? caching.maxBodyBytes() : Math.min(caching.maxBodyBytes(), namespace.maxValueBytes());
        String refusal = !storability.storable() ? storability.refusal() : tags == null ? TOO_MANY_TAGS
                : body != null && body.length() > maxBodyBytes ? TOO_LARGE : null;
        if (refusal != null) {
            putCacheStatus(headers, plan.forwarded + "; detail=" + refusal);
            if (status >= 500) {
                // The service's trouble, not the answer's nature: no marker, and the lease goes back at once, so that
                // the requests waiting on it try the service themselves instead of waiting it out.
                return plan.lease == null ? context.sendResponse()
                        : onContext(Vertx.currentContext(), entries.release(plan.key, plan.lease)).onFailure(this::unavailable)
                        .transform(released -> context.sendResponse());
            }
            markUncacheable(plan, refusal);
            return context.sendResponse();
        }
        MultiMap kept = MultiMap.caseInsensitiveMultiMap().addAll(headers);
        List<String> varyNames = CacheRules.varyNames(headers);
        MultiMap requestHeaders = context.request().proxiedRequest().headers();
        CopiedBody copied = body == null ? null : new CopiedBody(body.stream(), maxBodyBytes);
        if (copied != null) {
            response.setBody(Body.body(copied, body.length()));
        }
        putCacheStatus(headers, plan.forwarded + "; stored");
        return context.sendResponse().onSuccess(sent -> {
            Buffer whole = copied == null ? Buffer.buffer() : copied.copy();
            if (whole == null) {
                markUncacheable(plan, TOO_LARGE);
                return;
            }
            // Within the namespace's policy, which cache-service owns.
            Duration fresh = namespace == null ? storability.lifetime().fresh() : namespace.ttl(storability.lifetime().fresh());
            Duration stale = namespace == null ? storability.lifetime().stale() : namespace.stale(storability.lifetime().stale());
            EntryCache.Write write = new EntryCache.Write(StoredAnswer.of(status, kept, whole).encode(ageOf(kept)),
                    StoredAnswer.CONTENT_TYPE, tags, fresh, stale, null);
            store(plan, varyNames, requestHeaders, write).onFailure(this::unavailable);
        });
    }

    /** Marks the key the request holds the lease of as not storable, for the route's ttl: later requests go straight through. */
    private void markUncacheable(Plan plan, String reason) {
        if (plan.lease != null) {
            EntryCache.Write marker = new EntryCache.Write(reason.getBytes(StandardCharsets.UTF_8), UNCACHEABLE, ownTags(plan),
                    caching.ttl(), Duration.ZERO, null);
            entries.fill(plan.key, marker, plan.lease).onFailure(this::unavailable);
        }
    }

    /** Where the answer goes: its key, or the variant of a Vary record (written first, so a voided lease stops both). */
    private Future<Fill> store(Plan plan, List<String> varyNames, MultiMap requestHeaders, EntryCache.Write write) {
        if (varyNames.isEmpty()) {
            // Found through a Vary record, but no longer varying: the answer replaces the record.
            return plan.varyNames == null ? entries.fill(plan.key, write, plan.lease) : entries.fill(plan.baseKey, write, null);
        }
        if (varyNames.equals(plan.varyNames)) {
            return entries.fill(plan.key, write, plan.lease);
        }
        EntryCache.Write record = new EntryCache.Write(String.join(",", varyNames).getBytes(StandardCharsets.UTF_8), VARY_RECORD,
                write.tags(), caching.maxTtl(), Duration.ZERO, null);
        String recordLease = plan.varyNames == null ? plan.lease : null;
        String variant = variantKey(plan.baseKey, varyNames, requestHeaders);
        return entries.fill(plan.baseKey, record, recordLease)
                .compose(fill -> fill == Fill.STORED ? entries.fill(variant, write, null) : Future.succeededFuture(fill));
    }

    /** The route's, the target's and the caller's tags, then the service's; null when they cannot all be kept. */
    private List<String> tags(Plan plan, List<String> serviceTags) {
        List<String> tags = new ArrayList<>(ownTags(plan));
        tags.addAll(serviceTags);
        try {
            return EntryCache.checkTags(tags);
        } catch (IllegalArgumentException e) {
            // A tag left out would leave the entry behind when the service invalidates it.
            return null;
        }
    }

    private List<String> ownTags(Plan plan) {
        return plan.caller == null ? List.of("route:" + route.id(), urlTag(plan.target))
                : List.of("route:" + route.id(), urlTag(plan.target), "user:" + plan.caller);
    }

    /** Every stored answer of one target on this route, whatever its variant or user: {@code url:<hash>}. */
    private String urlTag(String target) {
        return "url:" + EntryCache.digest((route.id() + " " + target).getBytes(StandardCharsets.UTF_8));
    }

    private static String variantKey(String baseKey, List<String> varyNames, MultiMap requestHeaders) {
        return baseKey + VARIANT + EntryCache.digest(CacheRules.varyValues(varyNames, requestHeaders).getBytes(StandardCharsets.UTF_8));
    }

    /** A key the library takes, with room for a variant's suffix. */
    private static boolean usableKey(String key) {
        try {
            return EntryCache.checkKey(key).length <= EntryCache.MAX_KEY_BYTES - VARIANT.length() - DIGEST_CHARS;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String caller(HttpServerRequest request) {
        return request instanceof WebServerRequest web ? web.routingContext().get(CALLER) : null;
    }

    private static void putCacheStatus(MultiMap headers, String forwarded) {
        // RFC 9211 §2: a cache appends its member to what the caches nearer the service said.
        String before = headers.get("Cache-Status");
        String ours = CACHE_NAME + "; " + forwarded;
        headers.set("Cache-Status", before == null ? ours : before + ", " + ours);
    }

    private static long ageOf(MultiMap headers) {
        String age = headers.get("Age");
        return age != null && !age.isEmpty() && age.length() < 10 && age.chars().allMatch(Character::isDigit) ? Long.parseLong(age) : 0;
    }

    /** The Redis client answers on its own context; the proxy's steps go on on the request's. */
    private static <T> Future<T> onContext(Context context, Future<T> future) {
        Promise<T> promise = Promise.promise();
        future.onComplete(outcome -> context.runOnContext(v -> promise.handle(outcome)));
        return promise.future();
    }

    private void count(String result) {
        results.get(result).increment();
    }

    private void unavailable(Throwable failure) {
        unavailable.increment();
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if (now - last > WARN_EVERY_MILLIS && lastWarning.compareAndSet(last, now)) {
            Log.warnf("The response cache cannot use Redis; requests go to the services (at most one warning a minute): %s",
                    failure.getMessage());
        }
    }
}
