package dev.endlessd.agent.bridge;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.UndeclaredThrowableException;

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
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new UndeclaredThrowableException(e);
        }
    }

    public static void responding(Object exchange, int status, long length) {
        try {
            RESPONDING.invokeExact(exchange, status, length);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new UndeclaredThrowableException(e);
        }
    }
}
