package dev.endlessd.sample.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs against sockets this JVM opens itself, at whatever fd numbers the kernel hands out. */
class InheritedListenersTest {

    private final List<FileDescriptor> opened = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void needsEpoll() {
        Epoll.ensureAvailability();
    }

    @AfterEach
    void closeAll() throws IOException {
        for (FileDescriptor fd : opened) {
            fd.close();
        }
    }

    @Test
    void tcpListenerBecomesAServerSocketChannelOnItsAddress() throws IOException {
        Socket socket = track(Socket.newSocketStream());
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.listen(16);

        InheritedListener listener = InheritedListeners.open(new ListenFd(socket.intValue(), "http"));

        assertInstanceOf(EpollServerSocketChannel.class, listener.channel());
        assertEquals(socket.localAddress(), listener.localAddress());
        assertTrue(listener.channel().isActive(), "an inherited listener needs no bind()");
    }

    @Test
    void unixListenerBecomesAnActiveDomainServerChannel() throws IOException {
        Socket socket = track(Socket.newSocketDomain());
        DomainSocketAddress address = new DomainSocketAddress(dir.resolve("http.sock").toString());
        socket.bind(address);
        socket.listen(16);

        InheritedListener listener = InheritedListeners.open(new ListenFd(socket.intValue(), "unix"));

        assertInstanceOf(EpollServerDomainSocketChannel.class, listener.channel());
        assertEquals(address, listener.localAddress());
        assertTrue(listener.channel().isActive(), "without active=true it would wait for a bind() forever");
    }

    @Test
    void blockingListenerIsSwitchedToNonBlocking() throws Exception {
        Socket socket = track(Socket.newSocketStream());
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.listen(16);
        FdFlags.setBlocking(socket.intValue());
        assertEquals(0, FdFlags.of(socket.intValue()) & FdFlags.O_NONBLOCK, "precondition: blocking, as endlessd passes it");

        InheritedListeners.open(new ListenFd(socket.intValue(), "http"));

        assertEquals(FdFlags.O_NONBLOCK, FdFlags.of(socket.intValue()) & FdFlags.O_NONBLOCK);
    }

    @Test
    void socketThatIsNotListeningIsRefusedWithTheReason() {
        Socket socket = track(Socket.newSocketStream());

        IOException e = assertThrows(IOException.class,
                () -> InheritedListeners.open(new ListenFd(socket.intValue(), "http")));

        assertTrue(e.getMessage().contains("is a socket but not listening"), e.getMessage());
    }

    @Test
    void datagramSocketIsRefused() {
        Socket socket = track(Socket.newSocketDgram());

        IOException e = assertThrows(IOException.class,
                () -> InheritedListeners.open(new ListenFd(socket.intValue(), "udp")));

        assertTrue(e.getMessage().contains("is not a stream socket"), e.getMessage());
    }

    @Test
    void fileIsRefusedAsNotASocket() throws IOException {
        Path file = Files.writeString(dir.resolve("plain.txt"), "not a socket");
        FileDescriptor fd = track(FileDescriptor.from(file.toFile()));

        IOException e = assertThrows(IOException.class, () -> InheritedListeners.open(new ListenFd(fd.intValue(), "x")));

        assertTrue(e.getMessage().startsWith("fd " + fd.intValue() + " (x) is not an open socket"), e.getMessage());
    }

    private <T extends FileDescriptor> T track(T fd) {
        opened.add(fd);
        return fd;
    }
}
