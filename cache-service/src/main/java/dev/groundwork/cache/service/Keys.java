package dev.groundwork.cache.service;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;

/** The one rule for a namespace's key prefix in the shared Redis: {@code cache:<namespace>:}. */
public final class Keys {

    /** No glob characters and no colon, so that the prefix is a literal start of a MATCH pattern. */
    public static final Pattern NAMESPACE_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private Keys() {
    }

    public static String prefix(String namespace) {
        return "cache:" + namespace + ":";
    }

    public static byte[] prefixed(byte[] prefix, byte[] key) {
        byte[] out = Arrays.copyOf(prefix, prefix.length + key.length);
        System.arraycopy(key, 0, out, prefix.length, key.length);
        return out;
    }

    public static byte[] stripped(byte[] prefix, byte[] key) {
        if (key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
            return Arrays.copyOfRange(key, prefix.length, key.length);
        }
        return key;
    }

    public static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
