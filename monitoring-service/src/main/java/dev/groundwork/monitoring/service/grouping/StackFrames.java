package dev.groundwork.monitoring.service.grouping;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.groundwork.monitoring.service.grouping.EventJson.isTrue;
import static dev.groundwork.monitoring.service.grouping.EventJson.objects;
import static dev.groundwork.monitoring.service.grouping.EventJson.text;

/**
 * The stack frames of an event as grouping and the culprit read them. Sentry sends frames oldest first: the last frame
 * is the one that threw.
 */
final class StackFrames {

    /** At most this many frames, the most recent ones, go into a hash: deeper callers say little about the bug. */
    static final int MAX_FRAMES = 50;

    /**
     * Classes and methods a framework or the JVM generates at build or run time. Their names carry counters and hashes
     * that change between builds, and they stand between two frames of the application without adding to it: Quarkus'
     * client proxies and interceptor subclasses, Quarkus REST's invokers, JDK lambdas and dynamic proxies, CGLIB,
     * ByteBuddy and Hibernate proxies, reflection accessors.
     */
    private static final Pattern GENERATED = Pattern.compile(
            "_ClientProxy|_Subclass|\\$quarkusrestinvoker\\$|\\$\\$Lambda|\\$Proxy\\d|\\$\\$EnhancerBy|CGLIB\\$\\$"
                    + "|\\$ByteBuddy\\$|\\$HibernateProxy\\$|Generated(?:Serialization)?(?:Method|Constructor)Accessor\\d");

    /** javac numbers the lambdas of a method (lambda$run$0, lambda$run$1) in source order: adding one renumbers. */
    private static final Pattern LAMBDA_COUNTER = Pattern.compile("^lambda\\$(.*?)\\$?\\d+$");

    /** Browser frames name a URL; a cache-busting query or a fragment changes with every release. */
    private static final Pattern QUERY_OR_FRAGMENT = Pattern.compile("[?#].*$");

    private static final Pattern PATH_SEPARATOR = Pattern.compile("[/\\\\]");

    private static final Set<String> JS_PLATFORMS = Set.of("javascript", "node");
    private static final Set<String> NATIVE_PLATFORMS = Set.of("objc", "cocoa", "native");

    private StackFrames() {
    }

    /** The frames of a Sentry stack trace object, oldest first; empty for anything else. */
    static List<JsonNode> of(JsonNode stacktrace) {
        return objects(stacktrace.path("frames"));
    }

    /**
     * The frames of an exception: its own stack trace, else the stack of the thread it names ({@code thread_id}); for
     * the exception that was thrown last also the event's own stack (below).
     */
    static List<JsonNode> ofException(JsonNode exception, JsonNode event, boolean thrownLast) {
        List<JsonNode> frames = of(exception.path("stacktrace"));
        if (frames.isEmpty()) {
            String threadId = text(exception.path("thread_id"));
            for (JsonNode thread : threads(event)) {
                if (threadId != null && threadId.equals(text(thread.path("id")))) {
                    frames = of(thread.path("stacktrace"));
                    break;
                }
            }
        }
        return frames.isEmpty() && thrownLast ? ofEvent(event) : frames;
    }

    /**
     * The stack of an event besides its exceptions: the legacy top-level {@code stacktrace}, else Sentry's "threads"
     * fallback, the crashed thread, else the current one (where an SDK attaches the stack of a captured message), else
     * the only one.
     */
    static List<JsonNode> ofEvent(JsonNode event) {
        List<JsonNode> frames = of(event.path("stacktrace"));
        if (!frames.isEmpty()) {
            return frames;
        }
        List<JsonNode> threads = threads(event);
        for (String flag : List.of("crashed", "current")) {
            for (JsonNode thread : threads) {
                if (isTrue(thread.path(flag))) {
                    return of(thread.path("stacktrace"));
                }
            }
        }
        return threads.size() == 1 ? of(threads.get(0).path("stacktrace")) : List.of();
    }

    private static List<JsonNode> threads(JsonNode event) {
        JsonNode threads = event.path("threads");
        return objects(threads.isArray() ? threads : threads.path("values"));
    }

    static boolean inApp(JsonNode frame) {
        return isTrue(frame.path("in_app"));
    }

    /** Whether any frame that grouping would use is in-app: then grouping uses only those. */
    static boolean anyInApp(List<JsonNode> frames) {
        return frames.stream().anyMatch(frame -> inApp(frame) && label(frame) != null);
    }

    /**
     * The frames' grouping labels, most recent call first: in-app frames only or all of them, generated frames
     * dropped, a run of the same label (recursion) counted once, at most {@link #MAX_FRAMES}.
     */
    static List<String> labels(List<JsonNode> frames, boolean inAppOnly) {
        List<String> labels = new ArrayList<>();
        for (int i = frames.size() - 1; i >= 0 && labels.size() < MAX_FRAMES; i--) {
            JsonNode frame = frames.get(i);
            String label = inAppOnly && !inApp(frame) ? null : label(frame);
            if (label != null && (labels.isEmpty() || !labels.get(labels.size() - 1).equals(label))) {
                labels.add(label);
            }
        }
        return labels;
    }

    /**
     * What identifies a frame, without its line and column: {@code module.function} (Java, and @sentry/node, whose
     * module reads {@code express.lib.router:layer}), else {@code file:function} with the file's base name (browser
     * frames). Null for a generated frame or one that names nothing.
     */
    static String label(JsonNode frame) {
        String module = text(frame.path("module"));
        String function = function(frame);
        if (isGenerated(module) || isGenerated(function)) {
            return null;
        }
        String location = module != null ? module : baseName(frame);
        if (location == null || function == null) {
            return location != null ? location : function;
        }
        return location + (module != null ? "." : ":") + function;
    }

    /**
     * The frame where the error happened, for the culprit and the metadata: the most recent in-app frame, else
     * the most recent frame; generated frames are never it. Null when there is none.
     */
    static JsonNode crashFrame(List<JsonNode> frames) {
        JsonNode top = null;
        for (int i = frames.size() - 1; i >= 0; i--) {
            JsonNode frame = frames.get(i);
            if (label(frame) == null) {
                continue;
            }
            if (inApp(frame)) {
                return frame;
            }
            if (top == null) {
                top = frame;
            }
        }
        return top;
    }

    /**
     * A frame as Sentry writes it as a culprit: {@code function(module)} for JavaScript, the function alone for native
     * code, {@code module in function} for the rest (Java: "demo.Main$Orders in place"); null when it names no place.
     */
    static String culprit(JsonNode frame, String eventPlatform) {
        String platform = Objects.requireNonNullElse(text(frame.path("platform")), String.valueOf(eventPlatform));
        String function = Objects.requireNonNullElse(text(frame.path("function")), "?");
        if (NATIVE_PLATFORMS.contains(platform)) {
            return function;
        }
        String location = text(frame.path("module"));
        if (location == null) {
            location = text(frame.path("filename"));
        }
        if (location == null) {
            return null;
        }
        return JS_PLATFORMS.contains(platform) ? function + "(" + location + ")" : location + " in " + function;
    }

    private static boolean isGenerated(String name) {
        return name != null && GENERATED.matcher(name).find();
    }

    private static String function(JsonNode frame) {
        String function = text(frame.path("function"));
        if (function == null || !function.startsWith("lambda$")) {
            return function;
        }
        return LAMBDA_COUNTER.matcher(function).replaceFirst("lambda\\$$1");
    }

    private static String baseName(JsonNode frame) {
        String path = text(frame.path("filename"));
        if (path == null) {
            path = text(frame.path("abs_path"));
        }
        if (path == null) {
            return null;
        }
        String[] parts = PATH_SEPARATOR.split(QUERY_OR_FRAGMENT.matcher(path).replaceFirst(""));
        String name = parts.length == 0 ? "" : parts[parts.length - 1].strip();
        return name.isEmpty() ? null : name;
    }
}
