package dev.groundwork.e2e;

import dev.groundwork.infra.DatabaseUrl;
import dev.groundwork.testsupport.ProcessReadiness;
import dev.groundwork.testsupport.TestServers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A PgBouncer in transaction mode on 127.0.0.1:6543, in front of the test Postgres: the same pooling (and the
 * same loss of server-side prepared statements) as Supabase's transaction pooler, on the same port, so that a
 * URL ending in {@code :6543} is treated as it would be in production. Round-robin over the server connections
 * makes consecutive transactions land on different server sessions, as they do under load. The pool is larger
 * than the number of services migrating at once: Flyway holds one server connection in a transaction (its lock)
 * while it migrates on a second (measured: one service on a pool of one waits forever), so three services on
 * a pool of two can each hold one and wait on each other.
 */
final class PgBouncerProcess implements AutoCloseable {

    static final int PORT = 6543;

    private final Process process;
    private final Path directory;

    private PgBouncerProcess(Process process, Path directory) {
        this.process = process;
        this.directory = directory;
    }

    static PgBouncerProcess start(DatabaseUrl server) throws IOException, InterruptedException {
        if (listening()) {
            throw new IllegalStateException("port " + PORT + " is taken; the pooler test needs it (it is the port that means 'transaction pooler')");
        }
        Path executable = executable();
        Path directory = Files.createTempDirectory("groundwork-pgbouncer");
        // PgBouncer refuses to run as root; it then drops to `nobody`, who must read these files.
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        String user = server.username().orElse(System.getProperty("user.name"));
        Files.writeString(directory.resolve("userlist.txt"),
                "\"" + user + "\" \"" + server.password().orElse("") + "\"\n");
        Files.writeString(directory.resolve("pgbouncer.ini"), """
                [databases]
                * = host=%s port=%d
                [pgbouncer]
                listen_addr = 127.0.0.1
                listen_port = %d
                unix_socket_dir =
                auth_type = trust
                auth_file = %s
                pool_mode = transaction
                server_round_robin = 1
                default_pool_size = 8
                min_pool_size = 4
                max_client_conn = 200
                ignore_startup_parameters = extra_float_digits,options
                """.formatted(server.host(), server.port(), PORT, directory.resolve("userlist.txt")));
        for (String file : List.of("userlist.txt", "pgbouncer.ini")) {
            Files.setPosixFilePermissions(directory.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
        }
        List<String> command = new ArrayList<>(List.of(executable.toString()));
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "nobody"));
        }
        command.add(directory.resolve("pgbouncer.ini").toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("pgbouncer.log").toFile()).start();
        PgBouncerProcess pgbouncer = new PgBouncerProcess(process, directory);
        if (!ProcessReadiness.answered(process, Duration.ofSeconds(10), Duration.ofMillis(50), PgBouncerProcess::listening)) {
            pgbouncer.close();
            throw new IllegalStateException("pgbouncer did not start:\n" + Files.readString(directory.resolve("pgbouncer.log")));
        }
        return pgbouncer;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    Path log() {
        return directory.resolve("pgbouncer.log");
    }

    private static Path executable() {
        for (String dir : (System.getenv("PATH") + ":/usr/sbin:/usr/local/sbin").split(":")) {
            Path candidate = Path.of(dir, "pgbouncer");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("pgbouncer is not installed (Debian: apt-get install pgbouncer); ./groundwork test installs it");
    }

    private static boolean listening() {
        return TestServers.listening("127.0.0.1", PORT);
    }
}
