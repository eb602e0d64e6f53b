package dev.endlessd.agent.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

class InheritedSocketsTest {
    private static final InetAddress LOOPBACK = address("127.0.0.1");
    private static final InetAddress WILDCARD = address("0.0.0.0");
    private static final InheritedSocket LOOPBACK_8080 = new InheritedSocket(3, new InetSocketAddress(LOOPBACK, 8080));
    private static final InheritedSocket ANY_9090 = new InheritedSocket(4, new InetSocketAddress(WILDCARD, 9090));
    private final InheritedSockets sockets = new InheritedSockets(List.of(LOOPBACK_8080, ANY_9090));

    @Test
    void aBindToTheWildcardTakesTheListenerOnItsPort() {
        assertEquals(LOOPBACK_8080, sockets.match(WILDCARD, 8080));
        assertEquals(LOOPBACK_8080, sockets.match(address("::"), 8080));
        assertEquals(ANY_9090, sockets.match(null, 9090));
    }

    @Test
    void aBindToTheListenersOwnAddressTakesIt() {
        assertEquals(LOOPBACK_8080, sockets.match(LOOPBACK, 8080));
    }

    @Test
    void aBindToAnotherHostOrPortGoesThrough() {
        assertNull(sockets.match(address("127.0.0.2"), 8080));
        assertNull(sockets.match(LOOPBACK, 9091), "a specific host never takes a listener of another port");
        assertNull(sockets.match(LOOPBACK, 9090), "endlessd listens on every address there: the app asked for less");
        assertNull(sockets.match(WILDCARD, 0), "an ephemeral port is never a listener");
    }

    @Test
    void anotherPortGetsTheHintThatNamesBothPortsAndTheFix() {
        String hint = sockets.explainMiss(WILDCARD, 8081);
        assertTrue(hint.contains("bind to *:8081 not adopted: no socket endlessd passed has port 8081"), hint);
        assertTrue(hint.contains("fd 3 (127.0.0.1:8080)"), hint);
        assertTrue(hint.contains("make it listen on 8080") && hint.contains("--listen *:8081"), hint);
    }

    @Test
    void anotherHostOnTheSamePortGetsItsOwnHint() {
        String hint = sockets.explainMiss(address("127.0.0.2"), 8080);
        assertTrue(hint.contains("another address") && hint.contains("address already in use"), hint);
    }

    @Test
    void noHintWithoutListenersOrForAnEphemeralPort() {
        assertNull(sockets.explainMiss(WILDCARD, 0));
        assertNull(new InheritedSockets(List.of()).explainMiss(WILDCARD, 8080));
    }

    @Test
    void describesAddressesAsUsersWriteThem() {
        assertEquals("*:80", InheritedSocket.describe(WILDCARD, 80));
        assertEquals("[::1]:80", InheritedSocket.describe(address("::1"), 80));
        assertEquals("127.0.0.1:80", InheritedSocket.describe(LOOPBACK, 80));
        assertEquals("[fe80::1:0:0:2]:80", InheritedSocket.describe(address("fe80:0:0:0:1:0:0:2"), 80));
        assertEquals("[2001:db8::]:80", InheritedSocket.describe(address("2001:db8::"), 80));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
