package dev.tollgate.edge.privacy;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * One AES-256 key per person (table {@code personal_data_keys}), and AES-GCM with it. A value is sealed as
 * {@code pd1:<key id>:<base64 of nonce and ciphertext>}, bound to its key and field (the associated data), so a
 * sealed value cannot be moved to another field or person unnoticed. Destroying a person's key makes everything
 * sealed with it unreadable for good: that is the erasure (crypto-shredding), and the event store never changes.
 * <p>
 * Keys are read from the database every time (no cache): a key destroyed on one node is gone for every node at once.
 * Sealing and opening happen only for the rare events that carry personal data (registrations, keys, moves).
 */
public class PersonalDataKeys {

    static final String PREFIX = "pd1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final DataSource dataSource;
    private final SecureRandom random = new SecureRandom();

    public PersonalDataKeys(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** {@code plaintext} sealed with {@code subject}'s key (made on first use), for the field {@code field}. */
    public String seal(String subject, String field, byte[] plaintext) {
        String[] key = keyOf(subject);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Base64.getDecoder().decode(key[1]), "AES"),
                    new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(key[0], field));
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + key[0] + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt personal data", e);
        }
    }

    /** Whether {@code value} is a sealed value (anything else was stored before personal data was encrypted). */
    public static boolean isSealed(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** The plaintext of a sealed value, or {@code null} when its key was destroyed (the person was erased). */
    public byte[] open(String sealed, String field) {
        int colon = sealed.indexOf(':', PREFIX.length());
        if (colon < 0) {
            throw new IllegalStateException("a sealed personal field is malformed");
        }
        String keyId = sealed.substring(PREFIX.length(), colon);
        byte[] secret = secret(keyId);
        if (secret == null) {
            return null;
        }
        byte[] in = Base64.getDecoder().decode(sealed.substring(colon + 1));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(secret, "AES"),
                    new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData(keyId, field));
            return cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a sealed personal field does not open with its key", e);
        }
    }

    /** Destroys every key of {@code subject}; answers how many. What they sealed can never be read again. */
    public int destroy(String subject) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE personal_data_keys SET secret = NULL, "
                     + "erased_at = ? WHERE subject_id = ? AND erased_at IS NULL")) {
            update.setTimestamp(1, Timestamp.from(Instant.now()));
            update.setString(2, subject);
            return update.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot destroy the personal data key", e);
        }
    }

    private static byte[] associatedData(String keyId, String field) {
        return (keyId + "/" + field).getBytes(StandardCharsets.UTF_8);
    }

    /** The subject's key in use: {id, base64 secret}, made on first use. */
    private String[] keyOf(String subject) {
        byte[] fresh = new byte[32];
        random.nextBytes(fresh);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO personal_data_keys "
                    + "(seal_key, subject_id, secret, created_at) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (subject_id) WHERE erased_at IS NULL DO NOTHING")) {
                insert.setString(1, UUID.randomUUID().toString());
                insert.setString(2, subject);
                insert.setBytes(3, fresh);
                insert.setTimestamp(4, Timestamp.from(Instant.now()));
                insert.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT seal_key, secret FROM "
                    + "personal_data_keys WHERE subject_id = ? AND erased_at IS NULL")) {
                select.setString(1, subject);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        throw new IllegalStateException("no personal data key for a subject");
                    }
                    return new String[]{row.getString(1), Base64.getEncoder().encodeToString(row.getBytes(2))};
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the personal data key", e);
        }
    }

    private byte[] secret(String keyId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT secret FROM personal_data_keys WHERE seal_key = ?")) {
            select.setString(1, keyId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getBytes(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the personal data key", e);
        }
    }
}
