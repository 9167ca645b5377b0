package dev.groundwork.monitoring.service;

import org.jboss.logging.Logger;

/**
 * A background job's warning, logged at most once a minute: a job that fails every second while Postgres is away says
 * so once a minute, under the job's own logger.
 */
public final class WarningOncePerMinute {

    private static final long EVERY_MILLIS = 60_000;

    private final Logger logger;
    private long lastWarning;

    public WarningOncePerMinute(Class<?> job) {
        this.logger = Logger.getLogger(job);
    }

    /** Logs the warning unless this job logged one within the last minute. Called from the job's one thread. */
    public void warnf(String format, Object... parameters) {
        long now = System.currentTimeMillis();
        if (now - lastWarning >= EVERY_MILLIS) {
            lastWarning = now;
            logger.warnf(format, parameters);
        }
    }
}
