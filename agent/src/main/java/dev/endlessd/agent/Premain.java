package dev.endlessd.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;

/**
 * The agent's entry point ({@code Premain-Class}), run by every JVM that reads endlessd's
 * {@code JAVA_TOOL_OPTIONS}. It decides whether this JVM is the worker endlessd started
 * ({@code LISTEN_PID} is its own pid) and otherwise does nothing at all: JVMs that a worker starts
 * (build tools, scripts, forked tests) see the variable too.
 *
 * <p>In the worker it puts its own jar on the boot class path and hands over to {@link Agent} as
 * loaded from there, because the hooks it weaves into {@code java.base} can only call classes the
 * boot loader sees; the app loader delegates to the boot loader, so there is one copy of each class.
 */
public final class Premain {
    private Premain() {
    }

    public static void premain(String options, Instrumentation instrumentation) {
        String listenPid = System.getenv("LISTEN_PID");
        long pid = ProcessHandle.current().pid();
        if (listenPid == null || !listenPid.equals(Long.toString(pid))) {
            System.err.println("endlessd-agent: pid " + pid + " inactive: "
                    + (listenPid == null ? "LISTEN_PID is not set (not a worker endlessd started)"
                    : "LISTEN_PID=" + listenPid + " is another process (this JVM was started by the worker)"));
            return;
        }
        try {
            File jar = new File(Premain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar));
            Class.forName("dev.endlessd.agent.Agent", true, null)
                    .getMethod("start", Instrumentation.class)
                    .invoke(null, instrumentation);
        } catch (ReflectiveOperationException | RuntimeException | java.io.IOException | java.net.URISyntaxException e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e;
            System.err.println("endlessd-agent: pid " + pid + " could not start, the app runs as if there were no agent"
                    + " (it binds its own ports and must send READY itself): " + cause);
        }
    }
}
