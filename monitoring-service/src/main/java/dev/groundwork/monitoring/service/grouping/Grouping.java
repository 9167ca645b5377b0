package dev.groundwork.monitoring.service.grouping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.groundwork.monitoring.service.grouping.EventJson.isTrue;
import static dev.groundwork.monitoring.service.grouping.EventJson.objects;
import static dev.groundwork.monitoring.service.grouping.EventJson.text;

/**
 * Turns a Sentry event into an issue: the hash that decides which events are one issue, and what the issue shows
 * (title, culprit, metadata). Sentry's order, as monitoring-service's docs ("Grouping") describe it: the event's
 * {@code fingerprint}, else its exceptions' in-app stack frames, else their type and value, else its message, else its
 * level and logger. Reads any JSON without throwing: a field of the wrong type counts as absent.
 */
public final class Grouping {

    /** The algorithm's version, stored with each issue; a change to the rules bumps it. */
    public static final String VERSION = "groundwork:2026-12";

    /** How an event was grouped ({@link Result#method()}). */
    public static final String BY_FINGERPRINT = "fingerprint";
    public static final String BY_STACKTRACE = "stacktrace";
    public static final String BY_EXCEPTION = "exception";
    public static final String BY_MESSAGE = "message";
    public static final String BY_FALLBACK = "fallback";

    /** 128 bits of SHA-256: as wide as Sentry's hashes, collisions out of reach. */
    private static final int HASH_BYTES = 16;

    /** A chain longer than this is a loop or a framework unwrapping itself; the most recent ones decide. */
    private static final int MAX_EXCEPTIONS = 10;

    /** Like Sentry, a message groups by its first two non-empty lines: what follows is often a dump of data. */
    private static final int GROUPING_LINES = 2;
    private static final int GROUPING_MAX_CHARS = 1024;

    /** Sentry's placeholder for the default grouping inside a fingerprint; SDKs write it with and without spaces. */
    private static final Pattern DEFAULT_PLACEHOLDER = Pattern.compile("\\{\\{\\s*default\\s*}}");

    /** Sentry's level for an event that names none. */
    private static final String DEFAULT_LEVEL = "error";

    private static final String FINGERPRINT = "fingerprint: ";
    private static final String EXCEPTION_TYPE = "exception type: ";
    private static final String EXCEPTION_VALUE = "exception value: ";
    private static final String FRAME = "frame: ";
    private static final String MESSAGE = "message: ";
    private static final String LEVEL = "level: ";
    private static final String LOGGER = "logger: ";

    private Grouping() {
    }

    /**
     * @param hash       32 lowercase hex characters: SHA-256 over {@link #VERSION} and the components, the same on every JVM
     * @param components what went into the hash, in order, for people and the API ("frame: demo.Main$Orders.place")
     * @param method     which rule grouped the event: {@link #BY_FINGERPRINT}, {@link #BY_STACKTRACE},
     *                   {@link #BY_EXCEPTION}, {@link #BY_MESSAGE} or {@link #BY_FALLBACK}
     * @param type       Sentry's issue type: "error" for an event with an exception, else "default"
     * @param title      "Type: value" (first line of the value) for an error, else the message's first line, else
     *                   "&lt;unlabeled event&gt;"
     * @param culprit    where it happened ("demo.Main$Orders in place"); empty when the event does not say
     * @param metadata   Sentry's issue metadata: type, value, filename, function for an error (those present), title
     *                   otherwise
     */
    public record Result(String hash, List<String> components, String method, String type, String title, String culprit,
                         Map<String, String> metadata) {

        public Result {
            components = List.copyOf(components);
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    private record Rule(String method, List<String> components) {
    }

    /** An exception with the frames that stand for it. */
    private record Thrown(JsonNode exception, List<JsonNode> frames) {
    }

    /** Groups one event; never throws, whatever JSON it is given (null reads as an empty event). */
    public static Result group(JsonNode event) {
        JsonNode root = Objects.requireNonNullElse(event, MissingNode.getInstance());
        List<Thrown> thrown = thrown(root);
        List<JsonNode> frames = thrown.isEmpty() ? StackFrames.ofEvent(root) : thrown.get(0).frames();
        LogMessage message = LogMessage.of(root);
        if (message != null && isMessageStack(thrown)) {
            // A captured message whose stack came as an exception: a message with a stack, titled by the message.
            thrown = List.of();
        }
        Rule rule = withFingerprint(root.path("fingerprint"), defaultRule(root, thrown, frames, message));
        IssueSummary summary = IssueSummary.of(root, thrown.isEmpty() ? null : thrown.get(0).exception(), frames, message);
        return new Result(hash(rule.components()), rule.components(), rule.method(), summary.type(), summary.title(),
                summary.culprit(), summary.metadata());
    }

    /**
     * The event's exceptions, the one thrown last first. Sentry lists a chain oldest to newest (the cause before the
     * exception that wraps it), and Sentry's own grouping hashes every exception of the chain; so do we, rather than
     * the last one alone: the same wrapper thrown at the same place around a different cause (a PersistenceException
     * around a constraint violation or around a lost connection) is a different problem.
     */
    private static List<Thrown> thrown(JsonNode event) {
        JsonNode exception = event.path("exception");
        List<JsonNode> values = objects(exception.isArray() ? exception : exception.path("values"));
        List<Thrown> thrown = new ArrayList<>();
        for (int i = values.size() - 1; i >= 0 && thrown.size() < MAX_EXCEPTIONS; i--) {
            thrown.add(new Thrown(values.get(i), StackFrames.ofException(values.get(i), event, thrown.isEmpty())));
        }
        return thrown;
    }

    /**
     * Whether the exceptions are only the stack of a captured message: one synthetic exception without a type, which
     * is how the JavaScript SDKs attach the stack to {@code captureMessage} ({@code attachStacktrace}, on by default
     * from @sentry/node 11). Grouped as an exception it would be titled by its function ("?" at a module's top level)
     * and any two messages logged in one function would be one issue.
     */
    private static boolean isMessageStack(List<Thrown> thrown) {
        if (thrown.size() != 1) {
            return false;
        }
        JsonNode exception = thrown.get(0).exception();
        return isTrue(exception.path("mechanism").path("synthetic")) && text(exception.path("type")) == null;
    }

    /** What groups an event without a fingerprint: its exceptions, else its stack and message, else its message. */
    private static Rule defaultRule(JsonNode event, List<Thrown> thrown, List<JsonNode> frames, LogMessage message) {
        if (!thrown.isEmpty()) {
            Rule byException = byException(thrown);
            if (byException != null) {
                return byException;
            }
        } else {
            List<String> components = frameComponents(frames, StackFrames.anyInApp(frames));
            if (!components.isEmpty()) {
                // Sentry groups a message with a stack by the stack alone; two messages logged in one method are two
                // problems, so the message counts too.
                if (message != null) {
                    components.add(MESSAGE + messageForGrouping(message));
                }
                return new Rule(BY_STACKTRACE, components);
            }
        }
        if (message != null) {
            return new Rule(BY_MESSAGE, List.of(MESSAGE + messageForGrouping(message)));
        }
        return fallback(event);
    }

    /**
     * Each exception's type and frames; an exception without usable frames counts with its value instead. When any
     * exception has an in-app frame, only in-app frames count: library and framework frames change with their
     * versions, not with the bug. Null when the exceptions name nothing.
     */
    private static Rule byException(List<Thrown> thrown) {
        boolean inAppOnly = thrown.stream().anyMatch(t -> StackFrames.anyInApp(t.frames()));
        List<String> components = new ArrayList<>();
        boolean byStack = false;
        for (Thrown t : thrown) {
            String type = text(t.exception().path("type"));
            // Sentry ignores the type of a synthetic exception: it is the same for every crash a handler reports.
            if (type != null && !isTrue(t.exception().path("mechanism").path("synthetic"))) {
                components.add(EXCEPTION_TYPE + type);
            }
            List<String> frames = frameComponents(t.frames(), inAppOnly);
            String value = text(t.exception().path("value"));
            if (!frames.isEmpty()) {
                components.addAll(frames);
                byStack = true;
            } else if (value != null) {
                components.add(EXCEPTION_VALUE + Parameterizer.parameterize(trimForGrouping(value)));
            }
        }
        if (components.isEmpty()) {
            return null;
        }
        return new Rule(byStack ? BY_STACKTRACE : BY_EXCEPTION, components);
    }

    private static List<String> frameComponents(List<JsonNode> frames, boolean inAppOnly) {
        return StackFrames.labels(frames, inAppOnly).stream().map(label -> FRAME + label)
                .collect(Collectors.toCollection(ArrayList::new));
    }

    /**
     * The message's template: as sent when its parameters came apart from it (it holds no values then), else
     * parameterised, as the formatted text does.
     */
    private static String messageForGrouping(LogMessage message) {
        String template = trimForGrouping(message.template());
        return message.hasParams() ? template : Parameterizer.parameterize(template);
    }

    private static String trimForGrouping(String text) {
        String lines = text.lines().filter(line -> !line.isBlank()).limit(GROUPING_LINES).collect(Collectors.joining("\n"));
        return lines.length() > GROUPING_MAX_CHARS ? lines.substring(0, GROUPING_MAX_CHARS) : lines;
    }

    /** Nothing to tell events apart: one issue per level and logger ("error" when the event names no level). */
    private static Rule fallback(JsonNode event) {
        List<String> components = new ArrayList<>();
        components.add(LEVEL + Objects.requireNonNullElse(text(event.path("level")), DEFAULT_LEVEL));
        String logger = text(event.path("logger"));
        if (logger != null) {
            components.add(LOGGER + logger);
        }
        return new Rule(BY_FALLBACK, components);
    }

    /**
     * The SDK's fingerprint replaces the default grouping; each {@code {{ default }}} in it stands for the default
     * components. Strings, numbers and booleans count as text; nulls, objects, arrays and blank strings are skipped. A
     * fingerprint of placeholders only ({@code ["{{ default }}"]}, what some SDKs send) is the default grouping.
     */
    private static Rule withFingerprint(JsonNode fingerprint, Rule defaults) {
        if (!fingerprint.isArray()) {
            return defaults;
        }
        List<String> components = new ArrayList<>();
        boolean custom = false;
        for (JsonNode entry : fingerprint) {
            String value = text(entry);
            if (value == null) {
                continue;
            }
            if (DEFAULT_PLACEHOLDER.matcher(value).matches()) {
                components.addAll(defaults.components());
            } else {
                components.add(FINGERPRINT + value);
                custom = true;
            }
        }
        return custom ? new Rule(BY_FINGERPRINT, components) : defaults;
    }

    /** Each part length-prefixed, so that no two lists of components hash the same text. */
    private static String hash(List<String> components) {
        MessageDigest sha256 = sha256();
        update(sha256, VERSION);
        components.forEach(component -> update(sha256, component));
        return HexFormat.of().formatHex(sha256.digest(), 0, HASH_BYTES);
    }

    private static void update(MessageDigest digest, String part) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        digest.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
