package dev.tollgate.edge.security;

import dev.tollgate.edge.support.Bytes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * API key secrets: {@code tg-} and 40 random base-62 characters (238 bits). Only their SHA-256 is ever kept: with
 * that much entropy a fast hash is safe, and it keeps the per-request check at a microsecond.
 */
public final class KeySecrets {

    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int DISPLAY_LENGTH = 10;

    private KeySecrets() {
    }

    public static String newSecret() {
        StringBuilder secret = new StringBuilder("tg-");
        for (int i = 0; i < 40; i++) {
            secret.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return secret.toString();
    }

    public static String hash(String secret) {
        return Bytes.sha256Hex(secret);
    }

    /** The first characters, enough to recognise a key in a list without revealing it. */
    public static String displayPrefix(String secret) {
        return secret.substring(0, Math.min(DISPLAY_LENGTH, secret.length()));
    }

    /** Compares in constant time, so that response timing tells nothing about a guessed key. */
    public static boolean same(String a, String b) {
        return a != null && b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8),
                b.getBytes(StandardCharsets.UTF_8));
    }
}
