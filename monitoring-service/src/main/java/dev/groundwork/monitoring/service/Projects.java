package dev.groundwork.monitoring.service;

import dev.groundwork.http.Problem;
import dev.groundwork.monitoring.config.MonitoringConfig;
import dev.groundwork.monitoring.repository.ProjectRepository;
import dev.groundwork.monitoring.repository.ProjectRepository.KeyRow;
import dev.groundwork.monitoring.repository.ProjectRepository.ProjectRow;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Projects and their DSN keys: those declared in configuration (made so at start), those created through the API,
 * and the lookup of a DSN key at ingest, remembered for {@code monitoring.ingest.key-cache-ttl} so that the hot path
 * does not ask Postgres for every envelope (this replica forgets at once what it changes itself).
 */
@ApplicationScoped
public class Projects {

    public static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9_-]{0,49}");
    public static final Pattern PUBLIC_KEY = Pattern.compile("[0-9a-f]{32}");
    /** Ids below this are for projects declared in configuration. */
    public static final long FIRST_API_PROJECT_ID = 1000;
    /** Unknown keys remembered at most (so that random keys cannot grow the memory). */
    private static final int MAX_REMEMBERED = 100_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A key's project as last read, and when that was. */
    private record Lookup(Optional<ProjectRow> project, Instant expiresAt, Instant readAt) {
    }

    @Inject
    ProjectRepository repository;
    @Inject
    MonitoringConfig config;

    private final Map<String, Lookup> keys = new ConcurrentHashMap<>();

    void declare(@Observes StartupEvent start) {
        config.projects().forEach((slug, declared) -> {
            if (!SLUG.matcher(slug).matches() || declared.id() < 1 || declared.id() >= FIRST_API_PROJECT_ID) {
                throw new IllegalStateException("monitoring.projects." + slug + ": a slug of [a-z0-9_-] and an id from 1 to "
                        + (FIRST_API_PROJECT_ID - 1) + " are needed");
            }
            Optional<ProjectRow> taken = repository.bySlug(slug).filter(p -> p.id() != declared.id());
            if (taken.isPresent()) {
                throw new IllegalStateException("monitoring.projects." + slug + ".id=" + declared.id()
                        + ": the slug belongs to project " + taken.get().id());
            }
            ProjectRow project = repository.declare(declared.id(), slug, declared.eventsPerMinute().orElse(null));
            List<String> listed = declared.dsnKeys().orElse(List.of());
            for (String key : listed) {
                if (!PUBLIC_KEY.matcher(key).matches()) {
                    throw new IllegalStateException("monitoring.projects." + slug + ".dsn-keys: a key is 32 lowercase hex characters");
                }
                if (repository.declareKey(key, project.id()).isEmpty()) {
                    throw new IllegalStateException("monitoring.projects." + slug + ".dsn-keys: a key belongs to another project");
                }
            }
            int revoked = repository.revokeUndeclared(project.id(), listed);
            Log.infof("Project %s (id %d) declared with %d DSN key(s)%s", slug, project.id(), listed.size(),
                    revoked > 0 ? ", " + revoked + " no longer listed revoked" : "");
        });
    }

    /** The project a DSN key belongs to while the key is active; empty for an unknown, revoked or expired key. */
    public Optional<ProjectRow> projectOfKey(String publicKey) {
        Instant now = Instant.now();
        Lookup lookup = keys.get(publicKey);
        if (lookup == null || lookup.readAt().plus(config.ingest().keyCacheTtl()).isBefore(now)) {
            Optional<KeyRow> key = repository.key(publicKey);
            lookup = new Lookup(key.flatMap(k -> repository.byId(k.projectId())), key.map(KeyRow::expiresAt).orElse(null), now);
            if (key.isPresent() || keys.size() < MAX_REMEMBERED) {
                keys.put(publicKey, lookup);
            }
        }
        Instant expiresAt = lookup.expiresAt();
        return expiresAt != null && !expiresAt.isAfter(now) ? Optional.empty() : lookup.project();
    }

    public List<ProjectRow> list() {
        return repository.all();
    }

    public ProjectRow get(String slug) {
        return repository.bySlug(slug).orElseThrow(() -> new Problem(404, ApiErrors.NOT_FOUND, "no project " + slug));
    }

    /** A new project, with its first DSN key. */
    public ProjectRow create(String slug, String name) {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw new Problem(400, ApiErrors.INVALID, "slug: 1 to 50 of a-z, 0-9, _ and -, starting with a letter or digit");
        }
        ProjectRow project = repository.create(slug, name == null || name.isBlank() ? slug : name.strip())
                .orElseThrow(() -> new Problem(409, ApiErrors.CONFLICT, "project " + slug + " exists"));
        repository.insertKey(newKey(), project.id(), "Default", false);
        return project;
    }

    public List<KeyRow> keys(ProjectRow project) {
        return repository.keys(project.id());
    }

    public KeyRow createKey(ProjectRow project, String label) {
        return repository.insertKey(newKey(), project.id(), label == null || label.isBlank() ? "Default" : label.strip(), false);
    }

    /** A new key with the old one's label; the old one keeps working for {@code grace} (zero: revoked now). */
    public KeyRow rotate(ProjectRow project, String publicKey, Duration grace) {
        KeyRow old = key(project, publicKey);
        if (grace.isNegative()) {
            throw new Problem(400, ApiErrors.INVALID, "the grace period cannot be negative");
        }
        KeyRow fresh = repository.insertKey(newKey(), project.id(), old.label(), false);
        repository.expire(project.id(), publicKey, Instant.now().plus(grace));
        keys.remove(publicKey);
        return fresh;
    }

    public void revoke(ProjectRow project, String publicKey) {
        key(project, publicKey);
        repository.expire(project.id(), publicKey, Instant.now());
        keys.remove(publicKey);
    }

    private KeyRow key(ProjectRow project, String publicKey) {
        return repository.key(publicKey).filter(k -> k.projectId() == project.id())
                .orElseThrow(() -> new Problem(404, ApiErrors.NOT_FOUND, "project " + project.slug() + " has no such key"));
    }

    /** The DSN SDKs use: the gateway's public URL with the key as user and the project id as the path's end. */
    public String dsn(ProjectRow project, String publicKey) {
        var base = config.publicBaseUrl();
        String path = base.getPath() == null ? "" : base.getPath().replaceAll("/+$", "");
        return base.getScheme() + "://" + publicKey + "@" + base.getAuthority() + path + "/" + project.id();
    }

    private static String newKey() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
