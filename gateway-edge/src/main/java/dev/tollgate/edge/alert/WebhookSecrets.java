package dev.tollgate.edge.alert;

import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.support.Bytes;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import static dev.tollgate.readmodel.Tables.WEBHOOK_SECRETS;

/**
 * Endpoints' signing secrets: generated here, shown once to whoever registers the endpoint, kept only encrypted
 * (AES-256-GCM with a random nonce) in {@code webhook_secrets}. Events and read tables carry a fingerprint (the
 * first 16 hex digits of the secret's SHA-256), never the secret.
 */
@Component
public class WebhookSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE_BYTES = 12;

    private final DSLContext dsl;
    private final SecretKeySpec key;

    public WebhookSecrets(DSLContext dsl, TollgateProperties properties, dev.tollgate.edge.security.MasterKey master) {
        this.dsl = dsl;
        String configured = properties.alerts().secretKey();
        byte[] keyBytes;
        if (configured != null && !configured.isBlank()) {
            keyBytes = Base64.getDecoder().decode(configured.trim());
            if (keyBytes.length != 32) {
                throw new IllegalStateException("tollgate.alerts.secret-key must be the base64 of 32 bytes");
            }
        } else {
            keyBytes = master.derive("tollgate webhook secrets v1");
        }
        this.key = new SecretKeySpec(keyBytes, "AES");
    }

    /** A new signing secret: {@code whsec_} and 32 random bytes, base64url. */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String fingerprint(String secret) {
        return Bytes.sha256Hex(secret).substring(0, 16);
    }

    /**
     * Keeps the secret of an endpoint, encrypted, only if none is kept for it: of two registrations of one id racing,
     * the first stored is the one deliveries are signed with, never replaced by the other's.
     *
     * @return whether this secret is now the endpoint's ({@code false}: another one is kept already)
     */
    public boolean storeIfAbsent(String endpointId, String secret) {
        byte[] ciphertext = encrypt(secret.getBytes(StandardCharsets.UTF_8), endpointId);
        return dsl.insertInto(WEBHOOK_SECRETS)
                .set(WEBHOOK_SECRETS.ENDPOINT_ID, endpointId)
                .set(WEBHOOK_SECRETS.CIPHERTEXT, ciphertext)
                .onConflict(WEBHOOK_SECRETS.ENDPOINT_ID).doNothing()
                .execute() == 1;
    }

    /**
     * Forgets the secret of an endpoint whose registration failed, if it is still {@code secret} (stored by that
     * registration): the id can then be registered again.
     */
    public void discard(String endpointId, String secret) {
        dsl.select(WEBHOOK_SECRETS.CIPHERTEXT).from(WEBHOOK_SECRETS)
                .where(WEBHOOK_SECRETS.ENDPOINT_ID.eq(endpointId))
                .fetchOptional(WEBHOOK_SECRETS.CIPHERTEXT)
                .filter(ciphertext -> MessageDigest.isEqual(decrypt(ciphertext, endpointId),
                        secret.getBytes(StandardCharsets.UTF_8)))
                .ifPresent(ciphertext -> dsl.deleteFrom(WEBHOOK_SECRETS)
                        .where(WEBHOOK_SECRETS.ENDPOINT_ID.eq(endpointId))
                        .and(WEBHOOK_SECRETS.CIPHERTEXT.eq(ciphertext))
                        .execute());
    }

    /** The secret of an endpoint, in clear: only to sign a delivery. */
    public Optional<String> secretOf(String endpointId) {
        return dsl.select(WEBHOOK_SECRETS.CIPHERTEXT).from(WEBHOOK_SECRETS)
                .where(WEBHOOK_SECRETS.ENDPOINT_ID.eq(endpointId))
                .fetchOptional(WEBHOOK_SECRETS.CIPHERTEXT)
                .map(ciphertext -> new String(decrypt(ciphertext, endpointId), StandardCharsets.UTF_8));
    }

    private byte[] encrypt(byte[] plain, String endpointId) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(endpointId.getBytes(StandardCharsets.UTF_8)); // a ciphertext belongs to its endpoint
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a webhook secret", e);
        }
    }

    private byte[] decrypt(byte[] stored, String endpointId) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, stored, 0, NONCE_BYTES));
            cipher.updateAAD(endpointId.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the secret of webhook endpoint '" + endpointId + "' cannot be decrypted "
                    + "with this key (was tollgate.alerts.secret-key or the master key changed?)");
        }
    }
}
