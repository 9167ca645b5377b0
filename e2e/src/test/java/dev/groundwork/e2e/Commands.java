package dev.groundwork.e2e;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command of the e2e tests (the launcher, npm, node) and keeps what it printed. */
final class Commands {

    record Run(int exitCode, String output) {
    }

    private Commands() {
    }

    /** Runs {@code command} in {@code directory} with {@code env} added; kills it and its children after the timeout. */
    static Run run(Path directory, Map<String, String> env, int timeoutSeconds, String... command) throws Exception {
        Path output = Files.createTempFile("e2e-command", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            return new Run(-1, "timed out after " + timeoutSeconds + " s:\n" + Files.readString(output));
        }
        return new Run(process.exitValue(), Files.readString(output));
    }
}
