package dev.groundwork.gateway.service;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may use a route, checked at the edge: everyone ({@code public}), any valid token ({@code user}), or a valid
 * token with a role in {@code app_metadata.roles} ({@code role:<name>}). Parsed when the route table loads, so a
 * value such as {@code admin} stops the gateway at start instead of meaning "any valid token".
 */
public record RouteAccess(Kind kind, String role) {

    public enum Kind { PUBLIC, USER, ROLE }

    public static final RouteAccess PUBLIC = new RouteAccess(Kind.PUBLIC, null);
    public static final RouteAccess USER = new RouteAccess(Kind.USER, null);
    private static final String ROLE_PREFIX = "role:";
    private static final Pattern ROLE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** @throws IllegalArgumentException for anything but {@code public}, {@code user} or {@code role:<name>} */
    public static RouteAccess parse(String value) {
        String trimmed = value == null ? "" : value.trim();
        if (trimmed.equals("public")) {
            return PUBLIC;
        }
        if (trimmed.equals("user")) {
            return USER;
        }
        if (trimmed.startsWith(ROLE_PREFIX) && ROLE_NAME.matcher(trimmed.substring(ROLE_PREFIX.length())).matches()) {
            return new RouteAccess(Kind.ROLE, trimmed.substring(ROLE_PREFIX.length()));
        }
        throw new IllegalArgumentException("'" + value + "' is not a route access: use public, user or role:<name>"
                + " (a role name is 1 to 64 letters, digits, '_', '.' or '-')");
    }

    public boolean isPublic() {
        return kind == Kind.PUBLIC;
    }

    /** Whether a caller with a valid token and these roles may pass. */
    public boolean admits(Set<String> roles) {
        return kind != Kind.ROLE || roles.contains(role);
    }

    @Override
    public String toString() {
        return kind == Kind.ROLE ? ROLE_PREFIX + role : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
