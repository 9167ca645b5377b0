package dev.groundwork.payment.service;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A redirect origin that is not one stops the start with a message that names the property to fix. */
class CheckoutConfigTest {

    @Test
    void aMisconfiguredRedirectOriginFailsNamingTheProperty() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Checkout.redirectOrigins(Optional.of(List.of("https://app.example", "app.example.com"))));
        assertTrue(e.getMessage().contains("payment.redirect-origins"), e.getMessage());
        assertTrue(e.getMessage().contains("app.example.com"), e.getMessage());
    }

    @Test
    void noOriginsIsAllowedAtStartAndRefusesEveryRedirect() {
        assertTrue(Checkout.redirectOrigins(Optional.empty()).isEmpty());
    }
}
