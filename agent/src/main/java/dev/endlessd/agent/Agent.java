package dev.endlessd.agent;

import dev.endlessd.agent.hook.SpringHooks;
import dev.endlessd.agent.jdk.Internals;
import dev.endlessd.agent.jdk.Modules;
import dev.endlessd.agent.socket.Adoptions;
import dev.endlessd.agent.socket.InheritedSockets;
import dev.endlessd.agent.transform.Bridges;
import dev.endlessd.agent.transform.Transformer;
import java.lang.instrument.Instrumentation;

/**
 * The agent in a worker endlessd started: finds the
 * inherited listeners, opens the JDK internals it needs to itself, installs the class transformer and
 * the SIGTERM handler, and logs what it will do in one line.
 */
public final class Agent {
    private Agent() {
    }

    public static void start(Instrumentation instrumentation) {
        long started = System.nanoTime();
        WorkerSettings settings = WorkerSettings.from(System.getenv());
        Log.identify(settings.name(), settings.generation(), ProcessHandle.current().pid());
        Modules.open(instrumentation);
        try {
            Internals.check();
        } catch (LinkageError e) {
            Log.info("this JDK (" + Runtime.version() + ") lacks internals the agent needs (" + e.getCause()
                    + "): inactive, the app binds its own ports");
            return;
        }
        InheritedSockets sockets = InheritedSockets.discover(settings);
        if (sockets.isEmpty()) {
            Log.info("inactive: no TCP listener among the " + settings.listenFds() + " fds endlessd passed");
            return;
        }
        Adoptions.init(sockets);
        Readiness.init(Notifier.open(settings.notifyFd()));
        SpringHooks.init(settings.drainMillis());
        try {
            Bridges.define();
        } catch (ReflectiveOperationException | java.io.IOException | RuntimeException e) {
            Log.info("could not reach into the JDK (" + e + "): inactive, the app binds its own ports");
            return;
        }
        Drain.install(settings.drainMillis());
        Transformer.install(instrumentation);
        Log.info("active in " + (System.nanoTime() - started) / 1_000_000 + " ms: a server binding the port of "
                + sockets + " takes that socket instead; READY when it serves; SIGTERM drains within "
                + settings.drainMillis() + " ms (turn off: endlessd --java-agent=off)");
    }
}
