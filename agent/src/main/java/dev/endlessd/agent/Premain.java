package dev.endlessd.agent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry point ({@code Premain-Class}), run by every JVM that reads endlessd's
 * {@code JAVA_TOOL_OPTIONS}. It decides whether this JVM is the worker endlessd started
 * ({@code LISTEN_PID} is its own pid) and otherwise does nothing at all: JVMs that a worker starts
 * (build tools, scripts, forked tests) see the variable too.
 *
 * <p>In the worker it hands over to {@link Agent}.
 */
public final class Premain {
    private Premain() {
    }

    private static String whyNotTheWorker(String listenPid) {
        if (listenPid == null) {
            return "LISTEN_PID is not set (not a worker endlessd started)";
        }
        // No lambda here: this runs in every JVM a worker starts, and a lambda's bootstrap costs milliseconds.
        java.util.Optional<ProcessHandle> parentProcess = ProcessHandle.current().parent();
        boolean parent = parentProcess.isPresent() && Long.toString(parentProcess.get().pid()).equals(listenPid);
        return "LISTEN_PID=" + listenPid + " is another process" + (parent
                ? ", this JVM's parent: if that is a shell script or sh -c, start java with exec (--cmd 'exec java ...')"
                + " so that the JVM is the worker"
                : " (this JVM was started by the worker)");
    }

    public static void premain(String options, Instrumentation instrumentation) {
        String listenPid = System.getenv("LISTEN_PID");
        long pid = ProcessHandle.current().pid();
        if (listenPid == null || !listenPid.equals(Long.toString(pid))) {
            System.err.println("endlessd-agent: pid " + pid + " inactive: " + whyNotTheWorker(listenPid));
            return;
        }
        try {
            Agent.start(instrumentation);
        } catch (RuntimeException | LinkageError e) {
            System.err.println("endlessd-agent: pid " + pid + " could not start, the app runs as if there were no agent"
                    + " (it binds its own ports and must send READY itself): " + e);
        }
    }
}
