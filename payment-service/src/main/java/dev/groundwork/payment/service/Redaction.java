package dev.groundwork.payment.service;

import java.util.regex.Pattern;

/** Keeps Stripe keys and webhook secrets out of what we log or store, whatever a library put in a message. */
public final class Redaction {

    private static final Pattern SECRETS = Pattern.compile("\\b(sk|rk|pk)_(test|live)_[A-Za-z0-9*]+|\\bwhsec_[A-Za-z0-9+/=]+");

    private Redaction() {
    }

    public static String redact(String text) {
        return text == null ? null : SECRETS.matcher(text).replaceAll("[redacted]");
    }
}
