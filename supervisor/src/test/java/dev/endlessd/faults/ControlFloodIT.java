package dev.endlessd.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.it.Client;
import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Fixture;
import dev.endlessd.it.Proc;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client of the daemon's own uid keeps hundreds of control connections open without ever sending
 * a request (the 0.1.0 daemon held every one until its 5 s request deadline, so a steady flood used
 * up its descriptors). The daemon keeps at most 64 open, shedding the longest-silent ones, and a real
 * {@code status} is answered meanwhile.
 */
@Timeout(120)
class ControlFloodIT {
    private static final int STALLED = 300;
    /** The daemon's limit; its listeners, notify and control sockets and a connection being shed come on top. */
    private static final int LIMIT = 64;
    private static final int SLACK = 4;

    @TempDir
    Path dir;

    @Test
    void aFloodOfSilentConnectionsIsShedWhileStatusIsAnswered() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", Fixture.worker(), "--listen", "127.0.0.1:0")) {
            daemon.awaitServing(1);
            Path control = dir.resolve("run").resolve("default").resolve("control.sock");
            int idle = Proc.fdCount(daemon.pid());
            Flood flood = new Flood(control);
            Thread attacker = new Thread(flood, "flood");
            attacker.start();
            try {
                DaemonProcess.await("the flood held " + STALLED + " connections at once", () -> flood.held() == STALLED);
                int most = 0;
                for (int sample = 0; sample < 20; sample++) {
                    most = Math.max(most, Proc.fdCount(daemon.pid()) - idle);
                    DaemonProcess.pause();
                }
                Client.Result status = new Client(dir).run("status", "--runtime-dir", dir.resolve("run").toString());

                assertTrue(most <= LIMIT + SLACK, "the daemon held " + most + " more descriptors during the flood");
                assertEquals(0, status.exitCode(), status.toString());
                assertTrue(status.out().contains("serving"), status.toString());
                assertTrue(flood.shed() > 0, "connections were shed");
                daemon.awaitLog("control: 64 connections are open: closed the one that waited longest");
            } finally {
                flood.stop();
                attacker.join();
            }
            DaemonProcess.await("the daemon is back to " + idle + " descriptors",
                    () -> Proc.fdCount(daemon.pid()) == idle);
        }
    }

    /** Keeps {@link #STALLED} silent connections open, opening a new one whenever the daemon closes one. */
    private static final class Flood implements Runnable {
        private final Path control;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger held = new AtomicInteger();
        private final AtomicInteger shed = new AtomicInteger();

        Flood(Path control) {
            this.control = control;
        }

        int held() {
            return held.get();
        }

        int shed() {
            return shed.get();
        }

        void stop() {
            running.set(false);
        }

        @Override
        public void run() {
            List<SocketChannel> open = new ArrayList<>();
            ByteBuffer probe = ByteBuffer.allocate(256);
            try {
                while (running.get()) {
                    while (open.size() < STALLED) {
                        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(control));
                        channel.configureBlocking(false);
                        open.add(channel);
                    }
                    held.set(open.size());
                    for (SocketChannel channel : List.copyOf(open)) {
                        probe.clear();
                        int read;
                        try {
                            read = channel.read(probe);
                        } catch (IOException reset) {
                            read = -1;
                        }
                        if (read != 0) {
                            channel.close();
                            open.remove(channel);
                            shed.incrementAndGet();
                        }
                    }
                }
            } catch (IOException e) {
                throw new AssertionError("the flood could not connect: " + e, e);
            } finally {
                for (SocketChannel channel : open) {
                    try {
                        channel.close();
                    } catch (IOException ignored) {
                        // the daemon closed it first
                    }
                }
            }
        }
    }
}
