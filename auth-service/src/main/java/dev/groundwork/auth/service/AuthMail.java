package dev.groundwork.auth.service;

import dev.groundwork.auth.config.AuthConfig;
import dev.groundwork.auth.repository.User;
import dev.groundwork.auth.error.AuthError;
import io.quarkus.logging.Log;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Confirmation and recovery e-mails. Their links go to {@code /auth/v1/verify}, which redirects to the app with
 * the session in the URL fragment, as Supabase's links do. The token is in the e-mail only, never in a log.
 */
@ApplicationScoped
public class AuthMail {

    @Inject
    AuthConfig config;
    @Inject
    Mailer mailer;
    @Inject
    TokenService tokens;
    @ConfigProperty(name = "quarkus.mailer.host", defaultValue = "localhost")
    String smtpHost;
    @ConfigProperty(name = "quarkus.mailer.port", defaultValue = "25")
    String smtpPort;

    void confirmation(User user, String token, String redirectTo) {
        send("confirmation", Mail.withText(user.email, "Confirm your signup",
                "Follow this link to confirm your e-mail address:\n\n" + link(token, "signup", redirectTo) + "\n"));
    }

    void recovery(User user, String token, String redirectTo) {
        send("recovery", Mail.withText(user.email, "Reset your password",
                "Follow this link to reset the password of your account:\n\n" + link(token, "recovery", redirectTo) + "\n"));
    }

    void emailChange(User user, String token, String redirectTo) {
        send("email change", Mail.withText(user.emailChange, "Confirm your new e-mail address",
                "Follow this link to confirm the change of your account's e-mail address to this one:\n\n"
                        + link(token, "email_change", redirectTo) + "\n"));
    }

    /**
     * Sends within the caller's transaction, if there is one. A mail that cannot be sent undoes the whole request (the
     * user, the token, the event), as GoTrue does: a user whose confirmation never left could not confirm, nor sign up
     * again. (Recovery sends after its transaction committed, after the answer: there the failure is only logged.)
     */
    private void send(String what, Mail mail) {
        try {
            mailer.send(mail);
        } catch (RuntimeException e) {
            // The recipient is personal data and the link a credential: neither goes to the log.
            Log.errorf("The %s e-mail could not be sent (SMTP %s): %s", what, smtpServer(), e.getMessage());
            if (QuarkusTransaction.isActive()) {
                QuarkusTransaction.setRollbackOnly();
            }
            throw AuthError.mailNotSent(what);
        }
    }

    private String smtpServer() {
        return smtpHost + ":" + smtpPort;
    }

    private String link(String token, String type, String redirectTo) {
        String redirect = redirectTo == null || redirectTo.isBlank() ? config.email().siteUrl().toString() : redirectTo;
        return tokens.issuer() + "/verify?token=" + token + "&type=" + type + "&redirect_to="
                + URLEncoder.encode(redirect, StandardCharsets.UTF_8);
    }
}
