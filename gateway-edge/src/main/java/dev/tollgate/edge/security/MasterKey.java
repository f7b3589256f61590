package dev.tollgate.edge.security;

import dev.tollgate.edge.config.TollgateProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The administrator's key. Set it with {@code TOLLGATE_MASTER_KEY}. In demo mode only, when none is set, one is
 * generated once, kept in the data folder (so it survives restarts) and printed at start.
 */
@Component
public class MasterKey {

    private static final Logger log = LoggerFactory.getLogger(MasterKey.class);

    private final String secret;

    public MasterKey(TollgateProperties properties) {
        String configured = properties.masterKey();
        if (configured != null && !configured.isBlank()) {
            if (configured.length() < 16) {
                throw new IllegalStateException("TOLLGATE_MASTER_KEY is too short: use at least 16 characters.");
            }
            this.secret = configured;
        } else if (properties.demo()) {
            this.secret = demoKey(properties.dataDir().resolve("master-key"));
            log.warn("""

                    ============================================================
                     Tollgate demo mode. Master key (admin routes):
                       {}
                     Set TOLLGATE_MASTER_KEY to choose your own.
                    ============================================================""", secret);
        } else {
            throw new IllegalStateException("No master key: set TOLLGATE_MASTER_KEY (at least 16 characters). "
                    + "Only demo mode generates one.");
        }
    }

    /**
     * A 32-byte key derived from the master key for one {@code purpose} (HMAC-SHA256 of the purpose): what encrypts
     * data at rest when no key of its own is configured. The master key itself never leaves this class.
     */
    public byte[] derive(String purpose) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean matches(String presented) {
        return KeySecrets.same(secret, presented);
    }

    private static String demoKey(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            Files.createDirectories(file.getParent());
            String key = "tg-master-" + KeySecrets.newSecret().substring(3);
            Files.writeString(file, key);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the file keeps the default permissions
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the demo master key in " + file, e);
        }
    }
}
