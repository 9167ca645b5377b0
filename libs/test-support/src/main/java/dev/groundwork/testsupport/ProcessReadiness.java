package dev.groundwork.testsupport;

import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

import java.time.Duration;
import java.util.concurrent.Callable;

import static org.awaitility.Awaitility.await;

/** Waiting for a process a test has just started to answer: it answers, it exits, or the time is up. */
public final class ProcessReadiness {

    private ProcessReadiness() {
    }

    /**
     * Polls {@code answers} every {@code pollInterval} until it is true (then returns true); returns false as soon as
     * {@code process} exits, or when {@code timeout} has passed, so the caller can fail with its own log.
     */
    public static boolean answered(Process process, Duration timeout, Duration pollInterval, Callable<Boolean> answers) {
        try {
            await().atMost(timeout).pollInterval(pollInterval).failFast(() -> !process.isAlive()).until(answers);
            return true;
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            return false;
        }
    }
}
