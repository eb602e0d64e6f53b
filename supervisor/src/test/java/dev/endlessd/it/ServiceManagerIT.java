package dev.endlessd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Under {@code Type=notify} endlessd tells the service manager when a worker serves, reloads and stops. */
@Timeout(60)
class ServiceManagerIT {
    @TempDir
    Path dir;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    @AfterEach
    void closeGroup() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void readyReloadingReadyAndStoppingReachTheServiceManager() throws Exception {
        Path manager = dir.resolve("systemd-notify.sock");
        new io.netty.bootstrap.Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
                        received.add(packet.content().toString(StandardCharsets.UTF_8));
                    }
                })
                .bind(new DomainSocketAddress(manager.toFile())).sync();

        try (DaemonProcess daemon = DaemonProcess.start(dir, Map.of("NOTIFY_SOCKET", manager.toString()),
                "--cmd", Fixture.worker("--report", dir.resolve("report.json").toString()), "--listen", "127.0.0.1:0")) {
            int first = daemon.awaitServing(1);
            assertEquals("READY=1\nSTATUS=serving: gen=1 pid=" + first, next(daemon, "READY=1"));

            daemon.signal(Signals.SIGHUP);
            String reloading = next(daemon, "RELOADING=1");
            assertTrue(reloading.matches("RELOADING=1\nMONOTONIC_USEC=\\d+\nSTATUS=reloading: starting gen=2"), reloading);
            int second = daemon.awaitServing(2);
            assertEquals("READY=1\nSTATUS=serving: gen=2 pid=" + second, next(daemon, "READY=1"));

            daemon.signal(Signals.SIGTERM);
            String stopping = next(daemon, "STOPPING=1");
            assertTrue(stopping.matches("STOPPING=1\nSTATUS=stopping: draining [12] worker\\(s\\)"), stopping);
            assertEquals(0, daemon.awaitExit());
        }
        String worker = java.nio.file.Files.readString(dir.resolve("report.json"));
        assertTrue(!worker.contains(manager.toString()), "the worker gets its own NOTIFY_SOCKET, not the manager's");
    }

    /** The next datagram that starts with {@code prefix}, skipping STATUS-only ones. */
    private String next(DaemonProcess daemon, String prefix) throws InterruptedException {
        while (true) {
            String message = received.poll(DaemonProcess.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(message, () -> "no " + prefix + " within " + DaemonProcess.DEADLINE + "; log:\n" + daemon.log());
            if (message.startsWith(prefix)) {
                return message;
            }
        }
    }
}
