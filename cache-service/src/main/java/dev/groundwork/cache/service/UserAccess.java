package dev.groundwork.cache.service;

import java.util.Arrays;
import java.util.Locale;

/**
 * What the signed-in users' own tokens may do with a namespace's entries. Service accounts with the scope
 * {@code cache:<ns>} and admins may always read and write; users only where the namespace says so, since any user
 * of the project could then read (or overwrite) every key of it.
 */
public enum UserAccess {
    NONE, READ, READ_WRITE;

    public String value() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static UserAccess of(String value) {
        return Arrays.stream(values()).filter(a -> a.value().equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("user access is none, read or read-write"));
    }
}
