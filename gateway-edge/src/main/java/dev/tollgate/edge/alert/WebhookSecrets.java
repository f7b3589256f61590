package dev.tollgate.edge.alert;

import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.support.Bytes;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Component;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import static dev.tollgate.readmodel.Tables.WEBHOOK_ENDPOINTS;
import static dev.tollgate.readmodel.Tables.WEBHOOK_SECRETS;

/**
 * Endpoints' signing secrets: generated here, shown once to whoever registers the endpoint, kept only encrypted
 * (AES-256-GCM with a random nonce) in {@code webhook_secrets}. Events and read tables carry a fingerprint (the
 * first 16 hex digits of the secret's SHA-256), never the secret; an endpoint's secret is the one kept under the
 * fingerprint its registration carries (docs/adr/0012).
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
     * Keeps the secret of a registration, encrypted, under its endpoint id and its fingerprint, before the
     * registration's command is sent. Registrations of one id racing each keep theirs: the one the event store accepts
     * (exactly one while the endpoint is not removed) names its fingerprint in {@code WebhookEndpointRegistered},
     * and that fingerprint alone picks the secret deliveries are signed with ({@link #secretOf}). A secret whose
     * registration never reached the event store (its node stopped in between) is never used and blocks nothing.
     */
    public void store(String endpointId, String secret) {
        dsl.insertInto(WEBHOOK_SECRETS)
                .set(WEBHOOK_SECRETS.ENDPOINT_ID, endpointId)
                .set(WEBHOOK_SECRETS.SECRET_FINGERPRINT, fingerprint(secret))
                .set(WEBHOOK_SECRETS.CIPHERTEXT, encrypt(secret.getBytes(StandardCharsets.UTF_8), endpointId))
                .execute();
    }

    /**
     * Forgets the secret of a registration whose command failed, unless the endpoint is registered with it after all
     * (the command committed though its caller saw a failure, e.g. a connection lost while the commit was answered).
     */
    public void discard(String endpointId, String secret) {
        String fingerprint = fingerprint(secret);
        dsl.deleteFrom(WEBHOOK_SECRETS)
                .where(WEBHOOK_SECRETS.ENDPOINT_ID.eq(endpointId))
                .and(WEBHOOK_SECRETS.SECRET_FINGERPRINT.eq(fingerprint))
                .andNotExists(DSL.selectOne().from(WEBHOOK_ENDPOINTS)
                        .where(WEBHOOK_ENDPOINTS.ENDPOINT_ID.eq(endpointId))
                        .and(WEBHOOK_ENDPOINTS.SECRET_FINGERPRINT.eq(fingerprint)))
                .execute();
    }

    /**
     * Once an endpoint is registered with {@code secret}: keeps it (again, should another registration's tidying have
     * forgotten it in between) and forgets every other secret kept for its id, those of registrations that lost to it
     * and those left by a node that stopped before registering. None of them is the endpoint's while it is
     * registered; one that registers the id after it is removed keeps its own again the same way. Nothing, once the
     * endpoint is no longer registered with this secret (removed, or registered again with another).
     */
    public void keepOnly(String endpointId, String secret) {
        String fingerprint = fingerprint(secret);
        var registered = DSL.selectOne().from(WEBHOOK_ENDPOINTS)
                .where(WEBHOOK_ENDPOINTS.ENDPOINT_ID.eq(endpointId))
                .and(WEBHOOK_ENDPOINTS.SECRET_FINGERPRINT.eq(fingerprint))
                .and(WEBHOOK_ENDPOINTS.REMOVED_AT.isNull());
        dsl.insertInto(WEBHOOK_SECRETS, WEBHOOK_SECRETS.ENDPOINT_ID, WEBHOOK_SECRETS.SECRET_FINGERPRINT,
                        WEBHOOK_SECRETS.CIPHERTEXT)
                .select(DSL.select(DSL.val(endpointId), DSL.val(fingerprint),
                        DSL.val(encrypt(secret.getBytes(StandardCharsets.UTF_8), endpointId))).whereExists(registered))
                .onConflictDoNothing()
                .execute();
        dsl.deleteFrom(WEBHOOK_SECRETS)
                .where(WEBHOOK_SECRETS.ENDPOINT_ID.eq(endpointId))
                .and(WEBHOOK_SECRETS.SECRET_FINGERPRINT.isDistinctFrom(fingerprint))
                .andExists(registered)
                .execute();
    }

    /**
     * Once an endpoint is removed: forgets the secret of the registration that was removed (the fingerprint
     * {@code webhook_endpoints} holds for it, and a row kept before V16), which signs nothing any more. The secrets of
     * registrations still under way stay: one of them may register the id again. Nothing, should the id be
     * registered again already.
     */
    public void forgetRemoved(String endpointId) {
        dsl.deleteFrom(WEBHOOK_SECRETS)
                .where(WEBHOOK_SECRETS.ENDPOINT_ID.eq(endpointId))
                .andExists(DSL.selectOne().from(WEBHOOK_ENDPOINTS)
                        .where(WEBHOOK_ENDPOINTS.ENDPOINT_ID.eq(endpointId))
                        .and(WEBHOOK_ENDPOINTS.REMOVED_AT.isNotNull())
                        .and(WEBHOOK_SECRETS.SECRET_FINGERPRINT.isNull()
                                .or(WEBHOOK_SECRETS.SECRET_FINGERPRINT.eq(WEBHOOK_ENDPOINTS.SECRET_FINGERPRINT))))
                .execute();
    }

    /**
     * The secret of an endpoint, in clear, only to sign a delivery: the one whose fingerprint is {@code fingerprint},
     * the one its registration carries. Checked on the decrypted secret, so that a row kept before V16 (without a
     * fingerprint) is used only if it is that secret too.
     */
    public Optional<String> secretOf(String endpointId, String fingerprint) {
        return dsl.select(WEBHOOK_SECRETS.CIPHERTEXT).from(WEBHOOK_SECRETS)
                .where(WEBHOOK_SECRETS.ENDPOINT_ID.eq(endpointId))
                .and(WEBHOOK_SECRETS.SECRET_FINGERPRINT.eq(fingerprint)
                        .or(WEBHOOK_SECRETS.SECRET_FINGERPRINT.isNull()))
                .orderBy(WEBHOOK_SECRETS.SECRET_FINGERPRINT.nullsLast())
                .fetch(WEBHOOK_SECRETS.CIPHERTEXT).stream()
                .map(ciphertext -> new String(decrypt(ciphertext, endpointId), StandardCharsets.UTF_8))
                .filter(secret -> fingerprint(secret).equals(fingerprint))
                .findFirst();
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
