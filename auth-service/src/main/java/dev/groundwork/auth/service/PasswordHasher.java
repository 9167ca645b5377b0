package dev.groundwork.auth.service;

import dev.groundwork.auth.config.AuthConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id password hashes in the PHC string format ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}), with
 * Bouncy Castle. At most {@code max-concurrent-hashes} run at once: each takes ~19 MiB and a core for ~30 ms,
 * so a burst of sign-ins queues instead of exhausting memory.
 */
@ApplicationScoped
public class PasswordHasher {

    private static final Pattern PHC = Pattern.compile("\\$argon2id\\$v=19\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    @Inject
    AuthConfig config;

    private final SecureRandom random = new SecureRandom();
    private Semaphore slots;
    /** Verified against when the user does not exist, so that both answers take as long. */
    private String dummyHash;

    @PostConstruct
    void init() {
        slots = new Semaphore(config.passwords().maxConcurrentHashes(), true);
        dummyHash = hash("not a real password " + random.nextLong());
    }

    public String hash(String password) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        AuthConfig.Passwords p = config.passwords();
        byte[] hash = argon2(password, salt, p.argon2MemoryKib(), p.argon2Iterations(), p.argon2Parallelism(), 32);
        return "$argon2id$v=19$m=" + p.argon2MemoryKib() + ",t=" + p.argon2Iterations() + ",p=" + p.argon2Parallelism()
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** Whether {@code password} matches; a null hash (no such user) is checked against a dummy, for equal timing. */
    public boolean verify(String password, String phc) {
        Matcher m = PHC.matcher(phc == null ? dummyHash : phc);
        if (!m.matches()) {
            return false;
        }
        byte[] expected = B64D.decode(m.group(5));
        byte[] actual = argon2(password, B64D.decode(m.group(4)), Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), expected.length);
        return MessageDigest.isEqual(expected, actual) && phc != null;
    }

    /** Whether a stored hash was made with other parameters than today's (then it is replaced at sign-in). */
    public boolean needsRehash(String phc) {
        AuthConfig.Passwords p = config.passwords();
        return !phc.startsWith("$argon2id$v=19$m=" + p.argon2MemoryKib() + ",t=" + p.argon2Iterations() + ",p=" + p.argon2Parallelism() + "$");
    }

    private byte[] argon2(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(memoryKib).withIterations(iterations)
                .withParallelism(parallelism).withSalt(salt).build();
        byte[] out = new byte[length];
        // init() allocates the whole memory cost (19 MiB by default): it must wait for a slot too, or twenty sign-ins
        // at once hold twenty of those and a 256 MiB heap runs out (FleetIT's stop under load did).
        slots.acquireUninterruptibly();
        try {
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(parameters);
            generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        } finally {
            slots.release();
        }
        return out;
    }
}
