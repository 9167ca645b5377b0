package dev.groundwork.cache.service;

import dev.groundwork.cache.service.CommandCatalog.CommandInfo;
import dev.groundwork.cache.service.CommandCatalog.KeySpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.TreeSet;

/**
 * Decides whether a namespace's token may run a command, and rewrites it for the shared Redis: every key argument
 * (found from Redis' key specifications) gets the namespace's prefix. Allow-list: a command runs only when Redis
 * describes all its keys, none of its groups reaches outside a namespace, and the namespace's policy allows it.
 */
@ApplicationScoped
public class CommandPolicy {

    /** Commands with no key that are still harmless to every namespace. */
    static final Set<String> KEYLESS = Set.of("ping", "echo");
    /** Commands rewritten to see or touch only the namespace (their results lose the prefix). */
    static final Set<String> NAMESPACE_SCANS = Set.of("scan", "keys", "flushdb", "dbsize");
    /** Flagged blocking by Redis, but they only block with a BLOCK argument: without it they run. */
    static final Set<String> STREAM_READS = Set.of("xread", "xreadgroup");
    /** Commands whose keys Redis describes but which still reach outside the namespace's database, and why. */
    static final Map<String, String> OUTSIDE = Map.of(
            "move", "it moves a key to another Redis database",
            "randomkey", "it would pick a key of any namespace",
            "flushall", "it would delete every namespace's keys",
            "select", "a namespace lives in one Redis database",
            "swapdb", "a namespace lives in one Redis database");
    /** Why a Redis ACL category is never allowed. */
    static final Map<String, String> GROUP_REASONS = Map.of(
            "admin", "it administers the shared Redis server",
            "dangerous", "it can reach the whole server or every namespace",
            "pubsub", "channels are not namespaced: every subscriber of the Redis would see them",
            "scripting", "a Lua script or function can reach any key, whatever keys it declares",
            "blocking", "blocking commands hold a shared connection",
            "transaction", "use the /multi-exec endpoint for a transaction");

    private static final Pattern NOT_PRINTABLE = Pattern.compile("[^\\x20-\\x7e]");

    @Inject
    CommandCatalog catalog;

    /** What runs: the rewritten arguments, the keys that get the namespace's TTL, and what kind of command it is. */
    public record Prepared(String name, List<byte[]> argv, List<byte[]> writtenKeys, String kind, boolean movableKeys,
                           boolean keyed, Rewrite rewrite) {
    }

    /** How a command that names no key is made to see only the namespace. */
    public enum Rewrite {
        NONE,
        /** MATCH forced to the namespace's prefix. */
        SCAN,
        /** A walk of SCAN with that MATCH. */
        KEYS,
        /** A walk of SCAN with that MATCH, unlinking what it finds: the namespace's keys, never the database. */
        FLUSHDB,
        /** A walk of SCAN with that MATCH, counting what it finds. */
        DBSIZE
    }

    /**
     * @param argv the command as the client sent it, its name first
     * @param namespaceKeys the namespace's key count as last counted
     */
    public Prepared prepare(Access access, List<byte[]> argv, long namespaceKeys) {
        if (argv.isEmpty()) {
            throw CacheError.badRequest(CacheError.EMPTY_COMMAND);
        }
        String name = new String(argv.get(0), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        String shown = printable(name);
        CommandInfo info = catalog.find(name, argv.size() > 1 ? new String(argv.get(1), StandardCharsets.UTF_8) : null);
        if (info == null) {
            throw CacheError.badRequest(CacheError.UNKNOWN_COMMAND.formatted(shown));
        }
        Policy policy = access.policy();
        for (byte[] arg : argv) {
            if (arg.length > policy.maxValueBytes()) {
                throw new CacheError(400, CacheError.VALUE_TOO_LARGE.formatted(policy.maxValueBytes()));
            }
        }
        if (OUTSIDE.containsKey(name)) {
            throw CacheError.refused(shown, OUTSIDE.get(name));
        }
        if (!info.arityOk(argv.size())) {
            throw CacheError.badRequest("ERR wrong number of arguments for '" + shown + "' command");
        }
        if (NAMESPACE_SCANS.contains(name)) {
            checkGroups(shown, info, policy);
            if (name.equals("flushdb")) {
                if (access.readOnly()) {
                    throw new CacheError(403, CacheError.READ_ONLY.formatted(shown));
                }
                if (argv.size() > 2 || (argv.size() == 2 && !Set.of("async", "sync").contains(
                        new String(argv.get(1), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT)))) {
                    throw CacheError.badRequest("ERR syntax error");
                }
                return new Prepared(name, argv, List.of(), "write", false, false, Rewrite.FLUSHDB);
            }
            return switch (name) {
                case "scan" -> new Prepared(name, scan(access, argv), List.of(), "read", false, false, Rewrite.SCAN);
                case "dbsize" -> new Prepared(name, argv, List.of(), "read", false, false, Rewrite.DBSIZE);
                default -> new Prepared(name, argv, List.of(), "read", false, false, Rewrite.KEYS);
            };
        }
        boolean blocks = !STREAM_READS.contains(name) || hasArgument(argv, "block");
        for (String group : info.groups()) {
            if (GROUP_REASONS.containsKey(group) && !KEYLESS.contains(name) && (blocks || !group.equals("blocking"))) {
                throw CacheError.refused(shown, GROUP_REASONS.get(group));
            }
        }
        if (info.flags().contains("admin") || info.flags().contains("pubsub") || (blocks && info.flags().contains("blocking"))) {
            throw CacheError.refused(shown, "it reaches outside a namespace");
        }
        if (name.equals("copy")) {
            for (int i = 3; i < argv.size(); i++) {
                if (new String(argv.get(i), StandardCharsets.UTF_8).equalsIgnoreCase("db")) {
                    throw CacheError.refused(shown, "COPY ... DB copies to another Redis database");
                }
            }
        }
        if (!info.keysKnown()) {
            throw CacheError.refused(shown, "Redis does not describe where all its keys are, so they cannot be kept in the namespace");
        }
        if (!KEYLESS.contains(name)) {
            checkGroups(shown, info, policy);
        }
        if (access.readOnly() && !info.readOnly() && !KEYLESS.contains(name)) {
            throw new CacheError(403, CacheError.READ_ONLY.formatted(shown));
        }
        Set<Integer> keyPositions = new TreeSet<>();
        Set<Integer> written = new LinkedHashSet<>();
        for (KeySpec spec : info.keySpecs()) {
            for (int position : positions(spec, argv)) {
                keyPositions.add(position);
                if (spec.writes()) {
                    written.add(position);
                }
            }
        }
        if (keyPositions.isEmpty() && !KEYLESS.contains(name)) {
            throw CacheError.refused(shown, "it names no key of a namespace");
        }
        if (info.writes() && info.flags().contains("denyoom") && namespaceKeys >= policy.maxKeys()) {
            throw new CacheError(400, CacheError.TOO_MANY_KEYS.formatted(namespaceKeys, policy.maxKeys()));
        }
        byte[] prefix = Keys.bytes(access.prefix());
        List<byte[]> rewritten = new ArrayList<>(argv);
        for (int position : keyPositions) {
            rewritten.set(position, Keys.prefixed(prefix, argv.get(position)));
        }
        List<byte[]> writtenKeys = new ArrayList<>();
        if (info.writes()) {
            for (int position : written) {
                writtenKeys.add(rewritten.get(position));
            }
        }
        String kind = info.readOnly() ? "read" : info.writes() ? "write" : "other";
        return new Prepared(name, rewritten, writtenKeys, kind, info.movableKeys(), !keyPositions.isEmpty(), Rewrite.NONE);
    }

    private static void checkGroups(String shown, CommandInfo info, Policy policy) {
        // Every data-type group of the command must be allowed; a command of none counts as keyspace. The groups
        // that are never allowed were checked before, with their exceptions: KEYS and FLUSHDB are @dangerous as
        // Redis runs them (ours are namespace-bound SCAN walks), XREAD is @blocking only with BLOCK. (No allocation:
        // this runs per request.)
        boolean typed = false;
        for (String group : info.groups()) {
            if (CommandCatalog.GENERIC_GROUPS.contains(group) || GROUP_REASONS.containsKey(group)) {
                continue;
            }
            typed = true;
            if (!policy.commands().contains(group)) {
                throw new CacheError(403, CacheError.GROUP_NOT_ALLOWED.formatted(shown));
            }
        }
        if (!typed && !policy.commands().contains("keyspace")) {
            throw new CacheError(403, CacheError.GROUP_NOT_ALLOWED.formatted(shown));
        }
    }

    /** SCAN with the namespace's MATCH forced: {@code cache:<ns>:} + the client's pattern (or *). */
    static List<byte[]> scan(Access access, List<byte[]> argv) {
        List<byte[]> out = new ArrayList<>();
        out.add(argv.get(0));
        out.add(argv.get(1));
        byte[] pattern = Keys.bytes("*");
        for (int i = 2; i < argv.size(); i++) {
            String option = new String(argv.get(i), StandardCharsets.UTF_8);
            if (option.equalsIgnoreCase("match") && i + 1 < argv.size()) {
                pattern = argv.get(++i);
            } else {
                out.add(argv.get(i));
            }
        }
        out.add(Keys.bytes("MATCH"));
        out.add(Keys.prefixed(Keys.bytes(access.prefix()), pattern));
        return out;
    }

    /**
     * The argument positions one key specification names (argv[0] is the command). A keyword spec counts every
     * occurrence of its keyword, so that a repeated option ({@code STORE a STORE b}) never leaves a key unprefixed.
     */
    static Set<Integer> positions(KeySpec spec, List<byte[]> argv) {
        int argc = argv.size();
        List<Integer> begins = new ArrayList<>();
        if ("index".equals(spec.beginType())) {
            begins.add(spec.index());
        } else if ("keyword".equals(spec.beginType())) {
            int from = spec.startFrom() >= 0 ? spec.startFrom() : argc + spec.startFrom();
            for (int i = Math.max(1, from); i < argc; i++) {
                if (new String(argv.get(i), StandardCharsets.UTF_8).equalsIgnoreCase(spec.keyword())) {
                    begins.add(i + 1);
                }
            }
            if (spec.startFrom() < 0) {
                for (int i = Math.min(argc - 1, from); i >= 1; i--) {
                    if (new String(argv.get(i), StandardCharsets.UTF_8).equalsIgnoreCase(spec.keyword())) {
                        begins.add(i + 1);
                    }
                }
            }
        }
        Set<Integer> out = new HashSet<>();
        for (int begin : begins) {
            if (begin >= argc) {
                continue;
            }
            if ("range".equals(spec.findType())) {
                int step = Math.max(1, spec.keyStep());
                int last;
                if (spec.lastKey() >= 0) {
                    last = begin + spec.lastKey();
                } else if (spec.limit() > 1) {
                    last = begin + (argc - begin) / spec.limit() - 1;
                } else {
                    last = argc + spec.lastKey();
                }
                for (int i = begin; i <= Math.min(last, argc - 1); i += step) {
                    out.add(i);
                }
            } else if ("keynum".equals(spec.findType())) {
                int numIndex = begin + spec.keyNumIndex();
                if (numIndex >= argc) {
                    continue;
                }
                long count;
                try {
                    count = Long.parseLong(new String(argv.get(numIndex), StandardCharsets.UTF_8));
                } catch (NumberFormatException e) {
                    throw CacheError.badRequest("ERR numkeys should be a number");
                }
                int step = Math.max(1, spec.keyStep());
                int first = begin + spec.firstKey();
                for (long k = 0; k < count && first + k * step < argc; k++) {
                    out.add((int) (first + k * step));
                }
            }
        }
        return out;
    }

    private static boolean hasArgument(List<byte[]> argv, String word) {
        for (int i = 1; i < argv.size(); i++) {
            if (new String(argv.get(i), StandardCharsets.UTF_8).equalsIgnoreCase(word)) {
                return true;
            }
        }
        return false;
    }

    /** A command name as the client may see it again: no control characters, bounded. */
    static String printable(String name) {
        String clean = NOT_PRINTABLE.matcher(name).replaceAll("?");
        return clean.length() > 40 ? clean.substring(0, 40) + "…" : clean;
    }
}
