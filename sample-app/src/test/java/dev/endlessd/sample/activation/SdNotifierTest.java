package dev.endlessd.sample.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class SdNotifierTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());

    @TempDir
    Path dir;

    @AfterEach
    void shutDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void readyArrivesAsOneDatagramOfKeyValueLines() throws Exception {
        String path = dir.resolve("notify.sock").toString();
        try (NotifyReceiver receiver = new NotifyReceiver(path);
             SdNotifier notifier = SdNotifier.open(socket(path), group)) {
            assertTrue(notifier.ready("serving on fd 3").syncUninterruptibly().isSuccess());

            assertEquals("READY=1\nSTATUS=serving on fd 3", receiver.next(WAIT));
        }
    }

    @Test
    void messagesArriveInOrderOnOneSocket() throws Exception {
        String path = dir.resolve("notify.sock").toString();
        try (NotifyReceiver receiver = new NotifyReceiver(path);
             SdNotifier notifier = SdNotifier.open(socket(path), group)) {
            notifier.ready("up");
            notifier.stopping("draining 2 connection(s)").syncUninterruptibly();

            assertEquals("READY=1\nSTATUS=up", receiver.next(WAIT));
            assertEquals("STOPPING=1\nSTATUS=draining 2 connection(s)", receiver.next(WAIT));
        }
    }

    @Test
    void abstractAddressReachesTheAbstractSocket() throws Exception {
        String name = "endlessd-test-" + UUID.randomUUID();
        try (NotifyReceiver receiver = new NotifyReceiver("\0" + name);
             SdNotifier notifier = SdNotifier.open(socket("@" + name), group)) {
            assertTrue(notifier.ready("abstract").syncUninterruptibly().isSuccess());

            assertEquals("READY=1\nSTATUS=abstract", receiver.next(WAIT));
        }
    }

    @Test
    void statusCannotSmuggleInOtherFields() throws Exception {
        String path = dir.resolve("notify.sock").toString();
        try (NotifyReceiver receiver = new NotifyReceiver(path);
             SdNotifier notifier = SdNotifier.open(socket(path), group)) {
            notifier.ready("one\nMAINPID=1").syncUninterruptibly();

            assertEquals("READY=1\nSTATUS=one MAINPID=1", receiver.next(WAIT));
        }
    }

    @Test
    void sendingToAMissingSocketFailsTheFutureInsteadOfThrowing() {
        try (SdNotifier notifier = SdNotifier.open(socket(dir.resolve("nobody.sock").toString()), group)) {
            ChannelFuture sent = notifier.ready("lost").awaitUninterruptibly();

            assertFalse(sent.isSuccess());
        }
    }

    private static NotifySocket socket(String value) {
        return NotifySocket.fromEnvironment(Map.of("NOTIFY_SOCKET", value)).orElseThrow();
    }
}
