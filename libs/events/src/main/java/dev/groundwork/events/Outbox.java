package dev.groundwork.events;

import com.fasterxml.jackson.databind.JsonNode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The producer's outbox table ({@code <schema>.event_outbox}, created by {@code db/events/V1_1__event_tables.sql}).
 * An event is appended on the caller's connection, so it commits or rolls back with the change it describes.
 */
public final class Outbox {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    private final String producer;
    private final String table;

    /**
     * @param producer the producing service's stream name: events go to {@code events:<producer>}
     * @param schema   the Postgres schema that holds the outbox table
     */
    public Outbox(String producer, String schema) {
        this.producer = producer;
        this.table = qualified(schema, "event_outbox");
    }

    public String producer() {
        return producer;
    }

    public String stream() {
        return "events:" + producer;
    }

    String table() {
        return table;
    }

    /** Appends one event in the transaction of {@code connection}; returns the event id. */
    public String append(Connection connection, String type, String subject, JsonNode data, EventCodec.Trace trace)
            throws SQLException {
        requireText("type", type);
        requireText("subject", subject);
        String id = UUID.randomUUID().toString();
        String envelope = EventCodec.encode(id, producer, type, subject, data, trace);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + table + " (event_id, type, subject, envelope) VALUES (?::uuid, ?, ?, ?)")) {
            insert.setString(1, id);
            insert.setString(2, type);
            insert.setString(3, subject);
            insert.setString(4, envelope);
            insert.executeUpdate();
        }
        return id;
    }

    private static void requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("an event needs a " + name);
        }
    }

    /** Schema-qualified name; the schema comes from config, so it is checked rather than quoted. */
    static String qualified(String schema, String name) {
        if (!IDENTIFIER.matcher(schema).matches()) {
            throw new IllegalArgumentException("not a plain Postgres schema name: " + schema);
        }
        return schema + "." + name;
    }
}
