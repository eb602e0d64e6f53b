package dev.endlessd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.DefaultEventLoop;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * An event that throws is reported as an error naming the event, and the thread goes on taking
 * events; Netty alone would log a warning without saying which event it was.
 */
class SupervisorThreadTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final SupervisorThread thread = new SupervisorThread(loop);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(SupervisorThread.class);

    @BeforeEach
    void capture() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logged);
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    @Test
    void anEventThatThrowsIsLoggedAsAnErrorNamingItAndTheNextEventStillRuns() throws Exception {
        CompletableFuture<String> next = new CompletableFuture<>();

        thread.execute("SIGHUP", () -> {
            throw new IllegalStateException("a bug");
        });
        thread.execute("SIGTERM", () -> next.complete("ran"));

        assertEquals("ran", next.get(30, TimeUnit.SECONDS));
        ILoggingEvent error = logged.list.get(0);
        assertEquals(Level.ERROR, error.getLevel());
        assertTrue(error.getFormattedMessage().contains("while handling SIGHUP"), error.getFormattedMessage());
        assertEquals("a bug", error.getThrowableProxy().getMessage());
    }

    @Test
    void aTimerThatThrowsIsLoggedToo() throws Exception {
        CompletableFuture<String> next = new CompletableFuture<>();

        loop.execute(() -> {
            thread.schedule(Duration.ZERO, () -> {
                throw new IllegalStateException("a bug in a timer");
            });
            thread.schedule(Duration.ZERO, () -> next.complete("ran"));
        });

        assertEquals("ran", next.get(30, TimeUnit.SECONDS));
        assertEquals("a bug in a timer", logged.list.get(0).getThrowableProxy().getMessage());
    }
}
