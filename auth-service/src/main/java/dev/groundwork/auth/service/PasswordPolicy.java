package dev.groundwork.auth.service;

import dev.groundwork.auth.config.AuthConfig;
import dev.groundwork.auth.error.AuthError;
import dev.groundwork.auth.error.ErrorCode;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The minimum strength a password must have, with GoTrue's {@code weak_password} reasons: a length and letters and
 * digits ({@code length}, {@code characters}); then not a common leaked password (the packaged list in {@code
 * passwords/}, no network) and not the account's own e-mail address or its local part ({@code pwned}, GoTrue's reason
 * for a password known to attackers).
 */
@ApplicationScoped
public class PasswordPolicy {

    /** Longer input is refused before hashing, so a megabyte "password" cannot tie up Argon2. */
    static final int MAX_LENGTH = 72;
    static final String COMMON_PASSWORDS = "passwords/common-passwords.txt";

    @Inject
    AuthConfig config;

    private Set<String> common;

    @PostConstruct
    void loadCommonPasswords() {
        Set<String> passwords = new HashSet<>(16_384);
        try (InputStream in = PasswordPolicy.class.getClassLoader().getResourceAsStream(COMMON_PASSWORDS)) {
            if (in == null) {
                throw new IllegalStateException(COMMON_PASSWORDS + " is missing from the jar");
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    passwords.add(line.strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        common = Set.copyOf(passwords);
    }

    /** Checks {@code password} for the account of {@code email} (already validated, lower case). */
    public void check(String password, String email) {
        int min = config.passwords().minLength();
        List<String> reasons = new ArrayList<>();
        if (password.length() < min) {
            reasons.add("length");
        }
        if (!password.chars().anyMatch(Character::isLetter) || !password.chars().anyMatch(Character::isDigit)) {
            reasons.add("characters");
        }
        if (password.length() > MAX_LENGTH) {
            throw new AuthError(422, ErrorCode.VALIDATION_FAILED, "Password cannot be longer than " + MAX_LENGTH + " characters");
        }
        if (!reasons.isEmpty()) {
            throw AuthError.weakPassword(reasons.contains("length")
                    ? "Password should be at least " + min + " characters."
                    : "Password should contain at least one character of each: abcdefghijklmnopqrstuvwxyz, 0123456789", reasons);
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (common.contains(lower) || isAddress(lower, email)) {
            throw AuthError.pwnedPassword();
        }
    }

    private static boolean isAddress(String password, String email) {
        if (email == null) {
            return false;
        }
        String address = email.toLowerCase(Locale.ROOT);
        int at = address.lastIndexOf('@');
        return password.equals(address) || (at > 0 && password.equals(address.substring(0, at)));
    }
}
