package dev.groundwork.testsupport;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Runs before JUnit discovers any test: Quarkus builds the application (and starts Dev Services) during
 * discovery, so without servers the first thing a user would see is a Dev Services stack trace. This says
 * what to start instead, once, and stops the run.
 */
public class InfrastructureCheck implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (!TestServers.available()) {
            String message = TestServers.missingMessage(RealInfrastructure.moduleName());
            System.err.println("\n" + message + "\n");
            throw new RealInfrastructure.InfrastructureMissing(message);
        }
    }
}
