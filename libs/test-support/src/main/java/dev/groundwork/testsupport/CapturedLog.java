package dev.groundwork.testsupport;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Everything the application under test logs while it is open ({@code @QuarkusTest} runs it in the test's JVM),
 * at every level the logger config lets through: level, logger, message and exception, one line each.
 * Use it to show that no secret reaches the log: {@code try (CapturedLog log = CapturedLog.start()) { … log.text() }}.
 */
public final class CapturedLog implements AutoCloseable {

    private final StringBuilder lines = new StringBuilder();
    private final Handler handler = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            synchronized (lines) {
                lines.append(record.getLevel()).append(' ').append(record.getLoggerName()).append(' ')
                        .append(formatter.formatMessage(record)).append('\n');
                if (record.getThrown() != null) {
                    lines.append(record.getThrown()).append('\n');
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private CapturedLog() {
        handler.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(handler);
    }

    public static CapturedLog start() {
        return new CapturedLog();
    }

    /** What was logged so far. */
    public String text() {
        synchronized (lines) {
            return lines.toString();
        }
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(handler);
    }
}
