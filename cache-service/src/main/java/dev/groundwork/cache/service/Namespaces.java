package dev.groundwork.cache.service;

import dev.groundwork.cache.config.CacheConfig;
import dev.groundwork.cache.repository.CacheNamespace;
import dev.groundwork.cache.repository.NamespaceToken;
import dev.groundwork.entrycache.EntryCache;
import dev.groundwork.http.Problem;
import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Namespaces, their policies and tokens: stored in Postgres (schema cache), held in memory as a snapshot that the
 * REST API reads on every request without a query. Each replica reloads the snapshot every
 * {@code cache.refresh-every} and at once after its own admin changes.
 */
@ApplicationScoped
public class Namespaces {

    /** Command groups no policy may allow: they reach the server or other namespaces. */
    public static final Set<String> NEVER_ALLOWED = Set.of("admin", "dangerous", "pubsub", "scripting", "blocking", "transaction");

    /** The longest a miss may wait for another caller's fill: a request held longer is worse than a miss. */
    public static final Duration MAX_LEASE_WAIT = Duration.ofSeconds(10);

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    CacheConfig config;
    @Inject
    CommandCatalog catalog;
    @Inject
    jakarta.transaction.TransactionSynchronizationRegistry transactions;

    private volatile Map<String, Access> byTokenHash = Map.of();
    private volatile Map<String, Policy> policies = Map.of();
    private volatile boolean refreshFailing;

    void start(@Observes StartupEvent start) {
        declare();
        reload();
    }

    @Scheduled(every = "${cache.refresh-every}", delayed = "${cache.refresh-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            reload();
            if (refreshFailing) {
                refreshFailing = false;
                Log.info("Namespaces are reloaded from Postgres again");
            }
        } catch (RuntimeException e) {
            // One WARN per outage: the API goes on with the namespaces and tokens it has.
            if (!refreshFailing) {
                refreshFailing = true;
                Log.warnf("Namespaces could not be reloaded from Postgres; the last ones stay in use until it answers: %s", e.toString());
            }
        }
    }

    /** The access a plaintext token gives, if any. */
    public Optional<Access> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(byTokenHash.get(hash(token)));
    }

    public Map<String, Policy> policies() {
        return policies;
    }

    @Transactional
    public void reload() {
        Map<String, Policy> loaded = new HashMap<>();
        for (CacheNamespace ns : CacheNamespace.<CacheNamespace>listAll()) {
            loaded.put(ns.name, policyOf(ns));
        }
        Map<String, Access> tokens = new HashMap<>();
        for (NamespaceToken token : NamespaceToken.active()) {
            Policy policy = loaded.get(token.namespace);
            if (policy != null) {
                tokens.put(token.tokenHash, new Access(token.namespace, NamespaceToken.READ_ONLY.equals(token.access), policy));
            }
        }
        policies = Map.copyOf(loaded);
        byTokenHash = Map.copyOf(tokens);
    }

    /** Creates or updates the namespaces declared in configuration; their config tokens follow the configuration. */
    @Transactional
    public void declare() {
        for (Map.Entry<String, CacheConfig.DeclaredNamespace> entry : config.namespaces().entrySet()) {
            String name = entry.getKey();
            CacheConfig.DeclaredNamespace declared = entry.getValue();
            if (!Keys.NAMESPACE_NAME.matcher(name).matches()) {
                throw new IllegalStateException("cache.namespaces.\"" + name + "\": a namespace name is lower-case letters, digits, '-' and '_' (at most 63)");
            }
            PolicyChange change = new PolicyChange(declared.defaultTtl().orElse(null), declared.maxTtl().orElse(null),
                    declared.maxValueBytes().orElse(null), declared.maxKeys().orElse(null),
                    declared.commands().orElse(null), declared.requestsPerSecond().orElse(null),
                    declared.staleWhileRevalidate().orElse(null), declared.leaseTtl().orElse(null), declared.leaseWait().orElse(null),
                    declared.userAccess().orElse(null));
            CacheNamespace ns = CacheNamespace.findById(name);
            boolean created = ns == null;
            if (created) {
                ns = defaults(name);
            }
            apply(ns, change, "cache.namespaces.\"" + name + "\"", true);
            ns.declared = true;
            if (created) {
                ns.persist();
            }
            Set<String> wanted = new LinkedHashSet<>();
            syncTokens(name, declared.readWriteTokens().orElse(List.of()), NamespaceToken.READ_WRITE, wanted);
            syncTokens(name, declared.readOnlyTokens().orElse(List.of()), NamespaceToken.READ_ONLY, wanted);
            // A token removed from the configuration (a rotated Secret) stops working; admin-made tokens stay.
            for (NamespaceToken token : NamespaceToken.of(name)) {
                if (NamespaceToken.FROM_CONFIG.equals(token.origin) && token.revokedAt == null && !wanted.contains(token.tokenHash)) {
                    token.revokedAt = Instant.now();
                }
            }
            Log.infof("Namespace %s %s from configuration", name, created ? "created" : "updated");
        }
    }

    private void syncTokens(String namespace, List<String> plaintexts, String access, Set<String> wanted) {
        for (String plaintext : plaintexts) {
            if (plaintext.isBlank()) {
                continue;
            }
            String hash = hash(plaintext.strip());
            wanted.add(hash);
            NamespaceToken existing = NamespaceToken.byHash(hash);
            if (existing == null) {
                NamespaceToken token = newToken(namespace, access, "declared in configuration", NamespaceToken.FROM_CONFIG);
                token.tokenHash = hash;
                token.persist();
            } else if (!existing.namespace.equals(namespace)) {
                throw new IllegalStateException("cache.namespaces.\"" + namespace + "\": one of its tokens is already a token of namespace "
                        + existing.namespace + "; every token belongs to one namespace");
            }
        }
    }

    // ---- admin ------------------------------------------------------------------------------------------------

    public record PolicyChange(Duration defaultTtl, Duration maxTtl, Long maxValueBytes, Long maxKeys, Set<String> commands,
                               Integer requestsPerSecond, Duration staleWhileRevalidate, Duration leaseTtl, Duration leaseWait,
                               String userAccess) {

        /** Changes nothing. */
        public static final PolicyChange NONE = new PolicyChange(null, null, null, null, null, null, null, null, null, null);
    }

    @RegisterForReflection
    public record NamespaceView(String name, String keyPrefix, Policy policy, boolean declared, Instant createdAt, Instant updatedAt) {
    }

    @RegisterForReflection
    public record TokenView(UUID id, String access, String label, String origin, Instant createdAt, Instant revokedAt) {
    }

    /** A new token: the plaintext is shown this once and never stored. */
    @RegisterForReflection
    public record NewToken(UUID id, String namespace, String access, String label, String token) {
    }

    @Transactional
    public List<NamespaceView> list() {
        return CacheNamespace.<CacheNamespace>listAll(io.quarkus.panache.common.Sort.by("name")).stream().map(Namespaces::view).toList();
    }

    @Transactional
    public NamespaceView get(String name) {
        return view(find(name));
    }

    @Transactional
    public NamespaceView create(String name, PolicyChange policy) {
        if (name == null || !Keys.NAMESPACE_NAME.matcher(name).matches()) {
            throw new Problem(400, ApiErrors.BAD_REQUEST, "a namespace name is 1 to 63 lower-case letters, digits, '-' or '_', starting with a letter or digit");
        }
        if (CacheNamespace.findById(name) != null) {
            throw new Problem(409, ApiErrors.CONFLICT, "namespace " + name + " exists");
        }
        CacheNamespace ns = defaults(name);
        apply(ns, policy == null ? PolicyChange.NONE : policy, "policy", false);
        ns.persist();
        reloadAfterCommit();
        return view(ns);
    }

    @Transactional
    public NamespaceView updatePolicy(String name, PolicyChange policy) {
        CacheNamespace ns = find(name);
        apply(ns, policy, "policy", false);
        reloadAfterCommit();
        return view(ns);
    }

    /** Removes the namespace and its tokens; its keys are left to {@code NamespaceKeys}. */
    @Transactional
    public void delete(String name) {
        CacheNamespace ns = find(name);
        NamespaceToken.delete("namespace", name);
        ns.delete();
        reloadAfterCommit();
    }

    @Transactional
    public List<TokenView> tokens(String namespace) {
        find(namespace);
        return NamespaceToken.of(namespace).stream()
                .map(t -> new TokenView(t.id, t.access, t.label, t.origin, t.createdAt, t.revokedAt)).toList();
    }

    @Transactional
    public NewToken createToken(String namespace, String access, String label) {
        find(namespace);
        String kind = access == null ? NamespaceToken.READ_WRITE : access;
        if (!NamespaceToken.READ_WRITE.equals(kind) && !NamespaceToken.READ_ONLY.equals(kind)) {
            throw new Problem(400, ApiErrors.BAD_REQUEST, "access is read-write or read-only");
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String plaintext = "gwc_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        NamespaceToken token = newToken(namespace, kind, label, NamespaceToken.FROM_ADMIN);
        token.tokenHash = hash(plaintext);
        token.persist();
        reloadAfterCommit();
        return new NewToken(token.id, namespace, kind, label, plaintext);
    }

    @Transactional
    public void revokeToken(String namespace, UUID id) {
        NamespaceToken token = NamespaceToken.findById(id);
        if (token == null || !token.namespace.equals(namespace)) {
            throw new Problem(404, ApiErrors.NOT_FOUND, "namespace " + namespace + " has no token " + id);
        }
        if (token.revokedAt == null) {
            token.revokedAt = Instant.now();
        }
        reloadAfterCommit();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private void reloadAfterCommit() {
        transactions.registerInterposedSynchronization(new jakarta.transaction.Synchronization() {
                    @Override
                    public void beforeCompletion() {
                    }

                    @Override
                    public void afterCompletion(int status) {
                        if (status == jakarta.transaction.Status.STATUS_COMMITTED) {
                            reload();
                        }
                    }
                });
    }

    private static CacheNamespace find(String name) {
        CacheNamespace ns = name == null ? null : CacheNamespace.findById(name);
        if (ns == null) {
            throw new Problem(404, ApiErrors.NOT_FOUND, "no namespace " + name);
        }
        return ns;
    }

    private CacheNamespace defaults(String name) {
        CacheNamespace ns = new CacheNamespace();
        ns.name = name;
        ns.defaultTtlSeconds = config.defaultTtl().toSeconds();
        ns.maxTtlSeconds = config.maxTtl().toSeconds();
        ns.maxValueBytes = config.maxValueBytes();
        ns.maxKeys = config.maxKeys();
        ns.commands = String.join(",", config.commands());
        ns.requestsPerSecond = config.requestsPerSecond();
        ns.staleSeconds = config.staleWhileRevalidate().toSeconds();
        ns.leaseTtlMillis = config.leaseTtl().toMillis();
        ns.leaseWaitMillis = config.leaseWait().toMillis();
        ns.userAccess = config.userAccess();
        ns.createdAt = Instant.now();
        return ns;
    }

    /**
     * Applies a change (null fields unchanged); from configuration, a field left out goes back to the fleet default so
     * that removing a value from the chart takes effect.
     */
    private void apply(CacheNamespace ns, PolicyChange change, String where, boolean fromConfig) {
        long defaultTtl = seconds(change.defaultTtl(), fromConfig ? config.defaultTtl().toSeconds() : ns.defaultTtlSeconds, where + ".default-ttl");
        long maxTtl = seconds(change.maxTtl(), fromConfig ? config.maxTtl().toSeconds() : ns.maxTtlSeconds, where + ".max-ttl");
        if (maxTtl < defaultTtl) {
            throw invalid(fromConfig, where + ": max-ttl (" + maxTtl + " s) is shorter than default-ttl (" + defaultTtl + " s)");
        }
        long maxValue = positive(change.maxValueBytes(), fromConfig ? config.maxValueBytes() : ns.maxValueBytes, where + ".max-value-bytes", fromConfig);
        long maxKeys = positive(change.maxKeys(), fromConfig ? config.maxKeys() : ns.maxKeys, where + ".max-keys", fromConfig);
        long rps = positive(change.requestsPerSecond() == null ? null : change.requestsPerSecond().longValue(),
                fromConfig ? config.requestsPerSecond() : ns.requestsPerSecond, where + ".requests-per-second", fromConfig);
        Set<String> commands = change.commands() != null ? change.commands()
                : fromConfig ? config.commands() : Set.of(ns.commands.split(","));
        Set<String> known = catalog.groups();
        for (String group : commands) {
            if (NEVER_ALLOWED.contains(group)) {
                throw invalid(fromConfig, where + ".commands: group " + group + " reaches outside a namespace and is never allowed");
            }
            if (!known.isEmpty() && !known.contains(group)) {
                throw invalid(fromConfig, where + ".commands: unknown group " + group + " (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        }
        long stale = between(change.staleWhileRevalidate(), fromConfig ? config.staleWhileRevalidate() : Duration.ofSeconds(ns.staleSeconds),
                Duration.ZERO, Duration.ofDays(1), where + ".stale-while-revalidate", fromConfig).toSeconds();
        long leaseTtl = between(change.leaseTtl(), fromConfig ? config.leaseTtl() : Duration.ofMillis(ns.leaseTtlMillis),
                Duration.ofMillis(1), EntryCache.MAX_LEASE, where + ".lease-ttl", fromConfig).toMillis();
        long leaseWait = between(change.leaseWait(), fromConfig ? config.leaseWait() : Duration.ofMillis(ns.leaseWaitMillis),
                Duration.ZERO, MAX_LEASE_WAIT, where + ".lease-wait", fromConfig).toMillis();
        String userAccess = change.userAccess() != null ? change.userAccess() : fromConfig ? config.userAccess() : ns.userAccess;
        try {
            UserAccess.of(userAccess);
        } catch (IllegalArgumentException e) {
            throw invalid(fromConfig, where + ".user-access: " + e.getMessage());
        }
        ns.staleSeconds = stale;
        ns.leaseTtlMillis = leaseTtl;
        ns.leaseWaitMillis = leaseWait;
        ns.userAccess = userAccess;
        ns.defaultTtlSeconds = defaultTtl;
        ns.maxTtlSeconds = maxTtl;
        ns.maxValueBytes = maxValue;
        ns.maxKeys = maxKeys;
        ns.requestsPerSecond = (int) Math.min(Integer.MAX_VALUE, rps);
        ns.commands = String.join(",", new java.util.TreeSet<>(commands));
        ns.updatedAt = Instant.now();
    }

    private static long seconds(Duration value, long otherwise, String where) {
        if (value == null) {
            return otherwise;
        }
        if (value.toSeconds() < 1) {
            throw new Problem(400, ApiErrors.BAD_REQUEST, where + " must be at least 1 second");
        }
        return value.toSeconds();
    }

    private static Duration between(Duration value, Duration otherwise, Duration least, Duration most, String where, boolean fromConfig) {
        Duration chosen = value == null ? otherwise : value;
        if (chosen.compareTo(least) < 0 || chosen.compareTo(most) > 0) {
            throw invalid(fromConfig, where + " must be from " + least + " to " + most);
        }
        return chosen;
    }

    private static long positive(Long value, long otherwise, String where, boolean fromConfig) {
        if (value == null) {
            return otherwise;
        }
        if (value < 1) {
            throw invalid(fromConfig, where + " must be positive");
        }
        return value;
    }

    private static RuntimeException invalid(boolean fromConfig, String message) {
        return fromConfig ? new IllegalStateException(message) : new Problem(400, ApiErrors.BAD_REQUEST, message);
    }

    private static NamespaceToken newToken(String namespace, String access, String label, String origin) {
        NamespaceToken token = new NamespaceToken();
        token.id = UUID.randomUUID();
        token.namespace = namespace;
        token.access = access;
        token.label = label;
        token.origin = origin;
        token.createdAt = Instant.now();
        return token;
    }

    static Policy policyOf(CacheNamespace ns) {
        return new Policy(ns.defaultTtlSeconds, ns.maxTtlSeconds, ns.maxValueBytes, ns.maxKeys,
                Set.of(ns.commands.split(",")), ns.requestsPerSecond, ns.staleSeconds, ns.leaseTtlMillis, ns.leaseWaitMillis, ns.userAccess);
    }

    private static NamespaceView view(CacheNamespace ns) {
        return new NamespaceView(ns.name, Keys.prefix(ns.name), policyOf(ns), ns.declared, ns.createdAt, ns.updatedAt);
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
