package dev.tollgate.edge.outbound;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;

/** Only public unicast addresses are fetched; private networks only when configured, the rest never. */
class AddressPolicyTest {

    private final AddressPolicy strict = new AddressPolicy(false);
    private final AddressPolicy privateAllowed = new AddressPolicy(true);

    @ParameterizedTest
    @CsvSource({
            "0.0.0.0, UNSPECIFIED", "::, UNSPECIFIED",
            "127.0.0.1, LOOPBACK", "127.255.255.254, LOOPBACK", "::1, LOOPBACK",
            "169.254.169.254, LINK_LOCAL", "fe80::1, LINK_LOCAL", "febf::1, LINK_LOCAL",
            "10.0.0.1, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE", "192.168.1.1, PRIVATE",
            "100.64.0.1, PRIVATE", "100.127.255.255, PRIVATE", "fc00::1, PRIVATE", "fd12:3456::1, PRIVATE",
            "fec0::1, PRIVATE",
            "224.0.0.1, MULTICAST", "239.255.255.250, MULTICAST", "ff02::1, MULTICAST",
            "255.255.255.255, RESERVED", "240.0.0.1, RESERVED", "0.1.2.3, RESERVED", "192.0.0.8, RESERVED",
            "198.18.0.1, RESERVED", "192.0.2.1, RESERVED", "2001:db8::1, RESERVED",
            // IPv6 forms carrying an IPv4 address are judged by that address
            "::ffff:127.0.0.1, LOOPBACK", "::ffff:10.1.2.3, PRIVATE", "::ffff:169.254.169.254, LINK_LOCAL",
            "::127.0.0.1, LOOPBACK", "64:ff9b::7f00:1, LOOPBACK", "64:ff9b::a9fe:a9fe, LINK_LOCAL",
            "2002:7f00:1::1, LOOPBACK", "2002:c0a8:101::1, PRIVATE"
    })
    void refusesAddressesThatAreNotPublic(String address, AddressPolicy.Refusal expected) throws UnknownHostException {
        assertThat(strict.refusalOf(InetAddress.getByName(address))).as(address).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "93.184.216.34", "172.32.0.1", "172.15.255.255", "100.128.0.1",
            "192.169.0.1", "11.0.0.1", "2606:4700:4700::1111", "2001:4860:4860::8888", "::ffff:8.8.8.8",
            "2002:808:808::1"})
    void allowsPublicAddresses(String address) throws UnknownHostException {
        assertThat(strict.refusalOf(InetAddress.getByName(address))).as(address).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "172.20.1.1", "192.168.0.10", "100.64.1.1", "fd00::5"})
    void allowsPrivateNetworksOnlyWhenConfigured(String address) throws UnknownHostException {
        assertThat(privateAllowed.refusalOf(InetAddress.getByName(address))).as(address).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1", "169.254.169.254", "fe80::1", "0.0.0.0", "224.0.0.1",
            "::ffff:127.0.0.1"})
    void keepsRefusingLoopbackLinkLocalAndMulticastWhenPrivateNetworksAreAllowed(String address)
            throws UnknownHostException {
        assertThat(privateAllowed.refusalOf(InetAddress.getByName(address))).as(address).isNotNull();
    }
}
