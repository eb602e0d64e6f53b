package dev.endlessd.instance;

import dev.endlessd.spawn.ProcessLauncher;
import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Without its event loop the supervisor can neither reload nor stop: should the loop thread ever
 * die, endlessd kills every worker it spawned and exits 1 rather than linger as an empty shell, so
 * that a service manager restarts it. (Workers would get their parent-death signal anyway, as the
 * loop is the thread that spawned them.) Reads no supervisor state: the loop that owns it is gone.
 */
final class LoopDeathWatch {
    private static final Logger log = LoggerFactory.getLogger(LoopDeathWatch.class);

    private LoopDeathWatch() {
    }

    /**
     * @param shuttingDown true once the daemon ends the loop on purpose
     * @param exitCode     completed with 1 when the loop died on its own
     */
    static void watch(EventLoop loop, ProcessLauncher launcher, BooleanSupplier shuttingDown,
                      CompletableFuture<Integer> exitCode) {
        loop.terminationFuture().addListener(terminated -> {
            if (!shuttingDown.getAsBoolean() && !exitCode.isDone()) {
                log.error("the event loop stopped unexpectedly; killing the workers and exiting 1");
                launcher.killAll();
                exitCode.complete(1);
            }
        });
    }
}
