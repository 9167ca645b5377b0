package dev.groundwork.monitoring.repository;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Projects and their DSN keys (tables {@code projects}, {@code project_keys}). */
@ApplicationScoped
public class ProjectRepository {

    public record ProjectRow(long id, String slug, String name, boolean declared, Integer eventsPerMinute, Instant createdAt) {
    }

    public record KeyRow(String publicKey, long projectId, String label, boolean declared, Instant createdAt, Instant expiresAt) {
        public boolean activeAt(Instant now) {
            return expiresAt == null || expiresAt.isAfter(now);
        }
    }

    private static final String PROJECT_COLUMNS = "id, slug, name, declared, events_per_minute, created_at";
    private static final String KEY_COLUMNS = "public_key, project_id, label, declared, created_at, expires_at";

    @Inject
    AgroalDataSource dataSource;

    public List<ProjectRow> all() {
        return query("SELECT " + PROJECT_COLUMNS + " FROM monitoring.projects ORDER BY id", ProjectRepository::project);
    }

    public Optional<ProjectRow> bySlug(String slug) {
        return query("SELECT " + PROJECT_COLUMNS + " FROM monitoring.projects WHERE slug = ?", ProjectRepository::project, slug).stream().findFirst();
    }

    public Optional<ProjectRow> byId(long id) {
        return query("SELECT " + PROJECT_COLUMNS + " FROM monitoring.projects WHERE id = ?", ProjectRepository::project, id).stream().findFirst();
    }

    /** A new project with the next id of the sequence (1000 and up); empty when the slug is taken. */
    public Optional<ProjectRow> create(String slug, String name) {
        return query("INSERT INTO monitoring.projects (id, slug, name) VALUES (nextval('monitoring.project_ids'), ?, ?) ON CONFLICT (slug) DO NOTHING RETURNING "
                + PROJECT_COLUMNS, ProjectRepository::project, slug, name).stream().findFirst();
    }

    /** A project declared in configuration: created, or its slug and quota brought up to date. */
    public ProjectRow declare(long id, String slug, Integer eventsPerMinute) {
        return query("INSERT INTO monitoring.projects (id, slug, name, declared, events_per_minute) VALUES (?, ?, ?, true, ?) "
                        + "ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, declared = true, events_per_minute = excluded.events_per_minute "
                        + "RETURNING " + PROJECT_COLUMNS,
                ProjectRepository::project, id, slug, slug, eventsPerMinute).get(0);
    }

    public Optional<KeyRow> key(String publicKey) {
        return query("SELECT " + KEY_COLUMNS + " FROM monitoring.project_keys WHERE public_key = ?", ProjectRepository::key, publicKey)
                .stream().findFirst();
    }

    public List<KeyRow> keys(long projectId) {
        return query("SELECT " + KEY_COLUMNS + " FROM monitoring.project_keys WHERE project_id = ? ORDER BY created_at, public_key",
                ProjectRepository::key, projectId);
    }

    public KeyRow insertKey(String publicKey, long projectId, String label, boolean declared) {
        return query("INSERT INTO monitoring.project_keys (public_key, project_id, label, declared) VALUES (?, ?, ?, ?) RETURNING " + KEY_COLUMNS,
                ProjectRepository::key, publicKey, projectId, label, declared).get(0);
    }

    /** A declared key: active again if it was revoked; refused (empty) when another project holds it. */
    public Optional<KeyRow> declareKey(String publicKey, long projectId) {
        return query("INSERT INTO monitoring.project_keys (public_key, project_id, label, declared) VALUES (?, ?, 'Declared', true) "
                        + "ON CONFLICT (public_key) DO UPDATE SET expires_at = NULL, declared = true "
                        + "WHERE project_keys.project_id = excluded.project_id RETURNING " + KEY_COLUMNS,
                ProjectRepository::key, publicKey, projectId).stream().findFirst();
    }

    /** Revokes the project's declared keys that configuration no longer lists. */
    public int revokeUndeclared(long projectId, List<String> declared) {
        return update("UPDATE monitoring.project_keys SET expires_at = now() WHERE project_id = ? AND declared AND expires_at IS NULL "
                + "AND NOT (public_key = ANY (?))", projectId, declared.toArray(String[]::new));
    }

    /** Sets when a key stops working (now: revoked; later: rotated out); false when the project has no such key. */
    public boolean expire(long projectId, String publicKey, Instant at) {
        return update("UPDATE monitoring.project_keys SET expires_at = LEAST(COALESCE(expires_at, ?), ?) WHERE project_id = ? AND public_key = ?",
                Timestamp.from(at), Timestamp.from(at), projectId, publicKey) == 1;
    }

    private <T> List<T> query(String sql, Jdbc.RowMapper<T> mapper, Object... parameters) {
        return Jdbc.query(dataSource, sql, mapper, parameters);
    }

    private int update(String sql, Object... parameters) {
        return Jdbc.update(dataSource, sql, parameters);
    }

    private static ProjectRow project(ResultSet row) throws SQLException {
        return new ProjectRow(row.getLong("id"), row.getString("slug"), row.getString("name"), row.getBoolean("declared"),
                (Integer) row.getObject("events_per_minute"), row.getTimestamp("created_at").toInstant());
    }

    private static KeyRow key(ResultSet row) throws SQLException {
        Timestamp expires = row.getTimestamp("expires_at");
        return new KeyRow(row.getString("public_key"), row.getLong("project_id"), row.getString("label"), row.getBoolean("declared"),
                row.getTimestamp("created_at").toInstant(), expires == null ? null : expires.toInstant());
    }
}
