package dev.tollgate.edge.outbound;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * Which addresses an outbound fetch may reach. Public unicast addresses only, unless configured: never the
 * gateway's own machine (loopback, unspecified), its link (link-local, where cloud metadata services answer),
 * multicast or reserved ranges; private networks (RFC 1918, CGNAT, IPv6 unique local) only with
 * {@code tollgate.outbound.allow-private-networks}. IPv6 forms that carry an IPv4 address (IPv4-mapped,
 * IPv4-compatible, NAT64, 6to4) are judged by the IPv4 address they carry.
 */
final class AddressPolicy {

    /** Why an address is refused. */
    enum Refusal {
        UNSPECIFIED("an unspecified address"),
        LOOPBACK("a loopback address"),
        LINK_LOCAL("a link-local address"),
        MULTICAST("a multicast or broadcast address"),
        RESERVED("a reserved address"),
        PRIVATE("a private-network address");

        private final String description;

        Refusal(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }
    }

    private final boolean allowPrivateNetworks;

    AddressPolicy(boolean allowPrivateNetworks) {
        this.allowPrivateNetworks = allowPrivateNetworks;
    }

    /** Why {@code address} may not be fetched from, or {@code null} when it may. */
    Refusal refusalOf(InetAddress address) {
        Refusal refusal = classify(address.getAddress());
        return refusal == Refusal.PRIVATE && allowPrivateNetworks ? null : refusal;
    }

    private static Refusal classify(byte[] a) {
        if (a.length == 4) {
            return classifyV4(a);
        }
        if (allZero(a, 0, 16)) {
            return Refusal.UNSPECIFIED; // ::
        }
        if (allZero(a, 0, 15) && a[15] == 1) {
            return Refusal.LOOPBACK; // ::1
        }
        byte[] embedded = embeddedV4(a);
        if (embedded != null) {
            return classifyV4(embedded);
        }
        int first = a[0] & 0xff;
        int second = a[1] & 0xff;
        if (first == 0xff) {
            return Refusal.MULTICAST; // ff00::/8
        }
        if (first == 0xfe && (second & 0xc0) == 0x80) {
            return Refusal.LINK_LOCAL; // fe80::/10
        }
        if (first == 0xfe && (second & 0xc0) == 0xc0) {
            return Refusal.PRIVATE; // fec0::/10, the deprecated site-local range
        }
        if ((first & 0xfe) == 0xfc) {
            return Refusal.PRIVATE; // fc00::/7, unique local
        }
        if (first == 0x20 && second == 0x01 && (a[2] & 0xff) == 0x0d && (a[3] & 0xff) == 0xb8) {
            return Refusal.RESERVED; // 2001:db8::/32, documentation
        }
        if (first == 0x01 && allZero(a, 1, 8)) {
            return Refusal.RESERVED; // 100::/64, discard-only
        }
        return null;
    }

    private static Refusal classifyV4(byte[] a) {
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        int b2 = a[2] & 0xff;
        if (b0 == 0) {
            return allZero(a, 0, 4) ? Refusal.UNSPECIFIED : Refusal.RESERVED; // 0.0.0.0/8, "this network"
        }
        if (b0 == 127) {
            return Refusal.LOOPBACK;
        }
        if (b0 == 169 && b1 == 254) {
            return Refusal.LINK_LOCAL; // 169.254.0.0/16: cloud metadata services answer here
        }
        if (b0 >= 224) {
            return b0 < 240 ? Refusal.MULTICAST : Refusal.RESERVED; // 224/4 multicast, 240/4 and the broadcast
        }
        if (b0 == 10 || b0 == 172 && (b1 & 0xf0) == 16 || b0 == 192 && b1 == 168) {
            return Refusal.PRIVATE; // RFC 1918
        }
        if (b0 == 100 && (b1 & 0xc0) == 64) {
            return Refusal.PRIVATE; // 100.64.0.0/10, carrier-grade NAT (RFC 6598)
        }
        if (b0 == 192 && b1 == 0 && (b2 == 0 || b2 == 2) || b0 == 198 && (b1 & 0xfe) == 18
                || b0 == 198 && b1 == 51 && b2 == 100 || b0 == 203 && b1 == 0 && b2 == 113) {
            return Refusal.RESERVED; // protocol assignments, documentation, benchmarking
        }
        return null;
    }

    /** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), or {@code null}. */
    private static byte[] embeddedV4(byte[] a) {
        boolean mapped = allZero(a, 0, 10) && (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
        boolean compatible = allZero(a, 0, 12); // ::a.b.c.d (:: and ::1 are judged before)
        boolean nat64 = (a[0] & 0xff) == 0x00 && (a[1] & 0xff) == 0x64 && (a[2] & 0xff) == 0xff
                && (a[3] & 0xff) == 0x9b && allZero(a, 4, 12); // 64:ff9b::/96
        if (mapped || compatible || nat64) {
            return Arrays.copyOfRange(a, 12, 16);
        }
        if ((a[0] & 0xff) == 0x20 && (a[1] & 0xff) == 0x02) {
            return Arrays.copyOfRange(a, 2, 6); // 2002::/16, 6to4
        }
        return null;
    }

    private static boolean allZero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
