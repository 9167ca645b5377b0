package dev.groundwork.cache.service;

import io.quarkus.logging.Log;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.redis.client.Command;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What Redis itself says about its commands ({@code COMMAND INFO}, Redis 7): flags, ACL categories (our command
 * groups) and key specifications, read once at start. Key positions come from here, never from a table of ours.
 */
@ApplicationScoped
public class CommandCatalog {

    /** Categories every command has besides its data-type group; they say nothing about what it touches. */
    static final Set<String> GENERIC_GROUPS = Set.of("read", "write", "fast", "slow");

    @Inject
    Redis redis;

    private volatile Map<String, CommandInfo> commands = Map.of();
    private volatile Set<String> groups = Set.of();

    /** One key specification: where the search for keys begins and how the keys are found from there. */
    public record KeySpec(Set<String> flags, String beginType, int index, String keyword, int startFrom,
                          String findType, int lastKey, int keyStep, int limit, int keyNumIndex, int firstKey) {

        boolean known() {
            return !"unknown".equals(beginType) && !"unknown".equals(findType) && beginType != null && findType != null
                    && !flags.contains("incomplete");
        }

        /** Keys this spec's command writes (and so gets the namespace's TTL), as opposed to reads or deletes. */
        boolean writes() {
            return flags.contains("OW") || flags.contains("RW") || flags.contains("insert") || flags.contains("update");
        }
    }

    public record CommandInfo(String name, int arity, Set<String> flags, Set<String> groups, List<KeySpec> keySpecs,
                              Map<String, CommandInfo> subcommands) {

        public boolean readOnly() {
            return flags.contains("readonly") && !flags.contains("write");
        }

        public boolean writes() {
            return flags.contains("write");
        }

        public boolean movableKeys() {
            return flags.contains("movablekeys");
        }

        public boolean keysKnown() {
            return keySpecs.stream().allMatch(KeySpec::known);
        }

        public boolean arityOk(int argc) {
            return arity >= 0 ? argc == arity : argc >= -arity;
        }
    }

    @PostConstruct
    void start() {
        try {
            load();
        } catch (RuntimeException e) {
            Log.warnf("COMMAND INFO could not be read from Redis (%s); trying again on the first request", e.toString());
        }
    }

    /** The command, or the subcommand when the command is a container ({@code OBJECT ENCODING}); null when unknown. */
    public CommandInfo find(String name, String subcommand) {
        if (commands.isEmpty()) {
            // Redis was not there at start: load in the background, this request gets a 503 (never block the event loop).
            redis.send(Request.cmd(Command.COMMAND).arg("INFO")).subscribe().with(this::install, e -> { });
            throw new CacheError(503, CacheError.UNAVAILABLE);
        }
        CommandInfo info = commands.get(name.toLowerCase(Locale.ROOT));
        if (info != null && !info.subcommands().isEmpty() && subcommand != null) {
            CommandInfo sub = info.subcommands().get(info.name() + "|" + subcommand.toLowerCase(Locale.ROOT));
            return sub;
        }
        return info;
    }

    /** Every ACL category Redis knows (the names a namespace's {@code commands} policy may use). */
    public Set<String> groups() {
        return groups;
    }

    void load() {
        install(redis.send(Request.cmd(Command.COMMAND).arg("INFO")).await().atMost(Duration.ofSeconds(10)));
    }

    private synchronized void install(Response all) {
        if (!commands.isEmpty()) {
            return;
        }
        Map<String, CommandInfo> loaded = new HashMap<>();
        Set<String> categories = new TreeSet<>();
        for (Response entry : all) {
            if (entry == null) {
                continue;
            }
            CommandInfo info = parse(entry);
            loaded.put(info.name(), info);
            categories.addAll(info.groups());
            info.subcommands().values().forEach(sub -> categories.addAll(sub.groups()));
        }
        categories.removeAll(GENERIC_GROUPS);
        commands = Map.copyOf(loaded);
        groups = Set.copyOf(categories);
        Log.infof("Read %d Redis commands and their key specifications from COMMAND INFO", loaded.size());
    }

    private static CommandInfo parse(Response entry) {
        String name = entry.get(0).toString().toLowerCase(Locale.ROOT);
        int arity = entry.get(1).toInteger();
        Set<String> flags = new HashSet<>();
        for (Response flag : entry.get(2)) {
            flags.add(flag.toString());
        }
        Set<String> groups = new HashSet<>();
        if (entry.size() > 6) {
            for (Response category : entry.get(6)) {
                groups.add(category.toString().replaceFirst("^@", ""));
            }
        }
        List<KeySpec> specs = new ArrayList<>();
        if (entry.size() > 8) {
            for (Response spec : entry.get(8)) {
                specs.add(keySpec(pairs(spec)));
            }
        } else {
            specs.addAll(legacyKeySpec(flags, entry.get(3).toInteger(), entry.get(4).toInteger(), entry.get(5).toInteger()));
        }
        Map<String, CommandInfo> subcommands = new HashMap<>();
        if (entry.size() > 9) {
            for (Response sub : entry.get(9)) {
                CommandInfo info = parse(sub);
                subcommands.put(info.name(), info);
            }
        }
        return new CommandInfo(name, arity, Set.copyOf(flags), Set.copyOf(groups), List.copyOf(specs), Map.copyOf(subcommands));
    }

    /**
     * Before Redis 7 there are no key specifications, only first key, last key and step: a fixed range. Commands with
     * movable keys cannot be described that way and are refused (an unknown spec).
     */
    static List<KeySpec> legacyKeySpec(Set<String> flags, int first, int last, int step) {
        if (flags.contains("movablekeys")) {
            return List.of(new KeySpec(Set.of(), "unknown", 0, null, 0, "unknown", 0, 0, 0, 0, 0));
        }
        if (first <= 0) {
            return List.of();
        }
        Set<String> specFlags = flags.contains("write") ? Set.of("RW") : Set.of("RO");
        return List.of(new KeySpec(specFlags, "index", first, null, 0, "range", last < 0 ? last : last - first, step, 0, 0, 0));
    }

    private static KeySpec keySpec(Map<String, Response> spec) {
        Set<String> flags = new HashSet<>();
        if (spec.get("flags") != null) {
            for (Response flag : spec.get("flags")) {
                flags.add(flag.toString());
            }
        }
        Map<String, Response> begin = pairs(spec.get("begin_search"));
        Map<String, Response> beginSpec = pairs(begin.get("spec"));
        Map<String, Response> find = pairs(spec.get("find_keys"));
        Map<String, Response> findSpec = pairs(find.get("spec"));
        return new KeySpec(Set.copyOf(flags), text(begin.get("type")), integer(beginSpec.get("index")),
                text(beginSpec.get("keyword")), integer(beginSpec.get("startfrom")),
                text(find.get("type")), integer(findSpec.get("lastkey")), integer(findSpec.get("keystep")),
                integer(findSpec.get("limit")), integer(findSpec.get("keynumidx")), integer(findSpec.get("firstkey")));
    }

    /** A RESP2 map (a flat array of names and values) as a Java map. */
    private static Map<String, Response> pairs(Response flat) {
        Map<String, Response> out = new HashMap<>();
        if (flat == null) {
            return out;
        }
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            out.put(flat.get(i).toString(), flat.get(i + 1));
        }
        return out;
    }

    private static String text(Response r) {
        return r == null ? null : new String(r.toBytes(), StandardCharsets.UTF_8);
    }

    private static int integer(Response r) {
        return r == null ? 0 : r.toInteger();
    }
}
