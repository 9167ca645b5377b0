package dev.groundwork.gateway;

import dev.groundwork.gateway.service.RouteAccess;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouteAccessTest {

    @Test
    void theThreeKindsParse() {
        assertTrue(RouteAccess.parse("public").isPublic());
        assertEquals(RouteAccess.USER, RouteAccess.parse(" user "));
        assertEquals("admin", RouteAccess.parse("role:admin").role());
        assertEquals("role:billing.ops", RouteAccess.parse("role:billing.ops").toString());
    }

    @Test
    void aRoleRouteAdmitsOnlyThatRole() {
        RouteAccess admin = RouteAccess.parse("role:admin");
        assertTrue(admin.admits(Set.of("support", "admin")));
        assertFalse(admin.admits(Set.of("administrator")));
        assertFalse(admin.admits(Set.of()));
        assertTrue(RouteAccess.USER.admits(Set.of()));
    }

    /** Before the type, {@code admin} (and any other word) silently meant "any valid token". */
    @Test
    void anythingElseIsRefusedWithTheAllowedValues() {
        for (String value : new String[]{"admin", "users", "Public", "role:", "role: admin", "role:a b", "role:*", "", null}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> RouteAccess.parse(value), String.valueOf(value));
            assertTrue(refused.getMessage().contains("use public, user or role:<name>"), refused.getMessage());
        }
    }
}
