package dev.groundwork.auth.service;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The first admin's two settings go together: both, or neither; one alone refuses the start. */
class BootstrapAdminSettingsTest {

    @Test
    void neitherSetMeansNoAdminUser() {
        assertTrue(BootstrapAdmin.credentials(Optional.empty(), Optional.empty()).isEmpty());
        assertTrue(BootstrapAdmin.credentials(Optional.of(" "), Optional.of("")).isEmpty(), "blank is unset");
    }

    @Test
    void bothSetAreTheCredentialsWhosePasswordIsNotPrinted() {
        BootstrapAdmin.Credentials credentials = BootstrapAdmin.credentials(Optional.of("admin@example.com"),
                Optional.of("Secret-pass-1")).orElseThrow();
        assertEquals("admin@example.com", credentials.email());
        assertEquals("Secret-pass-1", credentials.password());
        assertFalse(credentials.toString().contains("Secret-pass-1"), credentials.toString());
    }

    @Test
    void onlyOneSetRefusesTheStartNamingTheMissingSetting() {
        assertEquals("auth.bootstrap-admin.email (AUTH_BOOTSTRAP_ADMIN_EMAIL) is set but auth.bootstrap-admin.password"
                        + " (AUTH_BOOTSTRAP_ADMIN_PASSWORD) is not: set both to create the first admin user, or neither",
                assertThrows(IllegalStateException.class,
                        () -> BootstrapAdmin.credentials(Optional.of("admin@example.com"), Optional.empty())).getMessage());
        IllegalStateException noEmail = assertThrows(IllegalStateException.class,
                () -> BootstrapAdmin.credentials(Optional.empty(), Optional.of("Secret-pass-1")));
        assertEquals("auth.bootstrap-admin.password (AUTH_BOOTSTRAP_ADMIN_PASSWORD) is set but auth.bootstrap-admin.email"
                + " (AUTH_BOOTSTRAP_ADMIN_EMAIL) is not: set both to create the first admin user, or neither", noEmail.getMessage());
        assertFalse(noEmail.getMessage().contains("Secret-pass-1"));
    }
}
