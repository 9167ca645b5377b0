package dev.groundwork.auth.service;

import dev.groundwork.auth.config.AuthConfig;
import dev.groundwork.auth.error.AuthError;
import dev.groundwork.auth.error.ErrorCode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;

/** The minimum strength a password must have: a length, and letters and digits (GoTrue's reasons). */
@ApplicationScoped
public class PasswordPolicy {

    /** Longer input is refused before hashing, so a megabyte "password" cannot tie up Argon2. */
    static final int MAX_LENGTH = 72;

    @Inject
    AuthConfig config;

    public void check(String password) {
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
    }
}
