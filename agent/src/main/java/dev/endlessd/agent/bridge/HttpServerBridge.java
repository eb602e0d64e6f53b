package dev.endlessd.agent.bridge;

import java.lang.invoke.MethodHandle;

/**
 * Like {@link JdkBridge}, defined into {@code sun.net.httpserver} (module jdk.httpserver, platform
 * loader) for the JDK's HttpServer to call.
 */
public final class HttpServerBridge {
    private static final MethodHandle STARTING;
    private static final MethodHandle RESPONDING;

    static {
        MethodHandle[] hooks = (MethodHandle[]) System.getProperties().remove("dev.endlessd.agent.bridge.httpserver");
        STARTING = hooks[0];
        RESPONDING = hooks[1];
    }

    private HttpServerBridge() {
    }

    public static void starting(Object server) {
        try {
            STARTING.invokeExact(server);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    public static void responding(Object exchange, int status, long length) {
        try {
            RESPONDING.invokeExact(exchange, status, length);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /**
     * Throws {@code e} as it is: a handle throws only what its method declares, which the caller
     * declares too, so no checked exception is hidden.
     */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException rethrow(Throwable e) throws T {
        throw (T) e;
    }
}
