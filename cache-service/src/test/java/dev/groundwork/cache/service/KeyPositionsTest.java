package dev.groundwork.cache.service;

import dev.groundwork.cache.service.CommandCatalog.KeySpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Key positions from key specifications, in the shapes Redis 7 gives them (the live ones are tested on Redis). */
class KeyPositionsTest {

    static List<byte[]> argv(String... args) {
        return Arrays.stream(args).map(a -> a.getBytes(StandardCharsets.UTF_8)).toList();
    }

    static KeySpec range(int index, int lastKey, int step, int limit) {
        return new KeySpec(Set.of("RW"), "index", index, null, 0, "range", lastKey, step, limit, 0, 0);
    }

    @Test
    void ranges() {
        // GET k
        assertEquals(Set.of(1), CommandPolicy.positions(range(1, 0, 1, 0), argv("GET", "k")));
        // MSET k1 v1 k2 v2: every second argument to the end
        assertEquals(Set.of(1, 3), CommandPolicy.positions(range(1, -1, 2, 0), argv("MSET", "a", "1", "b", "2")));
        // DEL a b c
        assertEquals(Set.of(1, 2, 3), CommandPolicy.positions(range(1, -1, 1, 0), argv("DEL", "a", "b", "c")));
        // XREAD-like STREAMS a b 0 0: the first half of what follows (limit 2)
        assertEquals(Set.of(2, 3), CommandPolicy.positions(range(2, -1, 1, 2), argv("X", "STREAMS", "a", "b", "0", "0")));
        // Out of range: nothing (Redis answers the arity error)
        assertEquals(Set.of(), CommandPolicy.positions(range(2, 0, 1, 0), argv("GET", "k")));
    }

    @Test
    void keywordsCountEveryOccurrence() {
        KeySpec store = new KeySpec(Set.of("OW"), "keyword", 0, "STORE", 6, "range", 0, 1, 0, 0, 0);
        assertEquals(Set.of(7, 9), CommandPolicy.positions(store,
                argv("GEORADIUS", "g", "1", "2", "3", "km", "STORE", "x", "STORE", "y")));
        assertEquals(Set.of(), CommandPolicy.positions(store, argv("GEORADIUS", "g", "1", "2", "3", "km")));
    }

    @Test
    void keynum() {
        // ZUNIONSTORE dst 2 a b WEIGHTS 1 2: begin at 2, numkeys at +0, first key at +1
        KeySpec sources = new KeySpec(Set.of("RO"), "index", 2, null, 0, "keynum", 0, 1, 0, 0, 1);
        assertEquals(Set.of(3, 4), CommandPolicy.positions(sources, argv("ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2")));
        assertThrows(CacheError.class, () -> CommandPolicy.positions(sources, argv("ZUNIONSTORE", "d", "two", "a")));
    }

    @Test
    void beforeRedis7FirstLastStepAreARange() {
        List<KeySpec> mset = CommandCatalog.legacyKeySpec(Set.of("write"), 1, -1, 2);
        assertEquals(Set.of(1, 3), CommandPolicy.positions(mset.get(0), argv("MSET", "a", "1", "b", "2")));
        List<KeySpec> rename = CommandCatalog.legacyKeySpec(Set.of("write"), 1, 2, 1);
        assertEquals(Set.of(1, 2), CommandPolicy.positions(rename.get(0), argv("RENAME", "a", "b")));
        assertFalse(CommandCatalog.legacyKeySpec(Set.of("write", "movablekeys"), 0, 0, 0).get(0).known());
        assertEquals(List.of(), CommandCatalog.legacyKeySpec(Set.of("fast"), 0, 0, 0));
    }
}
