package dev.groundwork.events;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PersonalDataTest {

    private static final String REGISTERED = "{\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"urn:groundwork:identity\","
            + "\"type\":\"dev.groundwork.identity.user.registered.v1\",\"subject\":\"8d0c-user\","
            + "\"data\":{\"userId\":\"8d0c-user\",\"email\":\"alice.smith@example.com\",\"createdAt\":\"2026-01-01T00:00:00Z\"}}";

    @Test
    void anEmailFieldIsMaskedAndIdsAreKept() {
        String masked = PersonalData.maskEvent(REGISTERED);
        assertTrue(masked.contains("\"email\":\"a***@example.com\""), masked);
        assertTrue(masked.contains("\"userId\":\"8d0c-user\""), masked);
        assertTrue(masked.contains("\"subject\":\"8d0c-user\""), masked);
        assertTrue(masked.contains("\"type\":\"dev.groundwork.identity.user.registered.v1\""), masked);
        assertFalse(masked.contains("alice.smith"), masked);
    }

    @Test
    void fieldsNamedLikeAddressesOrPhonesAreMaskedWhateverTheyHold() {
        String masked = PersonalData.maskEvent("{\"data\":{\"new_email\":\"bob@example.org\",\"phone\":\"+44 20 7946 0958\","
                + "\"phoneNumbers\":[\"+1 555 0100\"],\"contactEmail\":{\"work\":\"not an address\"},\"email\":null,\"emailVerified\":true}}");
        assertEquals("{\"data\":{\"new_email\":\"b***@example.org\",\"phone\":\"***\",\"phoneNumbers\":[\"***\"],"
                + "\"contactEmail\":{\"work\":\"***\"},\"email\":null,\"emailVerified\":true}}", masked);
    }

    @Test
    void addressesAnywhereElseAreMaskedToo() {
        String masked = PersonalData.maskEvent("{\"data\":{\"note\":\"invited by carol@example.net and dan@example.net\","
                + "\"users\":[{\"login\":\"éva@exemple.fr\"}],\"amount\":5}}");
        assertEquals("{\"data\":{\"note\":\"invited by c***@example.net and d***@example.net\","
                + "\"users\":[{\"login\":\"é***@exemple.fr\"}],\"amount\":5}}", masked);
    }

    @Test
    void errorTextsAndEntriesThatAreNotJsonAreMaskedAsText() {
        assertEquals("duplicate key (email)=(e***@example.com) already exists",
                PersonalData.maskText("duplicate key (email)=(erin@example.com) already exists"));
        assertEquals("not json: f***@example.com", PersonalData.maskEvent("not json: frank@example.com"));
        assertEquals("no address here", PersonalData.maskText("no address here"));
        assertNull(PersonalData.maskText(null));
        assertNull(PersonalData.maskEvent(null));
    }
}
