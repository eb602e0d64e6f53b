package dev.endlessd.sample;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;

/**
 * Routes SIGTERM and SIGINT to a callback instead of the JVM's default, which runs shutdown hooks and
 * exits with status 143 (130): a drained worker should exit 0 on its own terms.
 *
 * <p>Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}) through reflection: javac reports
 * every direct use as "internal proprietary API" with a warning that no {@code @SuppressWarnings} can
 * silence, and the build keeps {@code -Xlint:all} clean.
 */
final class TerminationSignals {

    private TerminationSignals() {
    }

    /**
     * Installs the handler for TERM and INT. The callback runs on a JVM signal thread, once per signal
     * delivered, with the signal's name ({@code "TERM"} or {@code "INT"}).
     *
     * @param warn told about a signal that will not reach the callback, e.g. because the parent started
     *             us with it ignored ({@code nohup}, a background job of a non-interactive shell)
     */
    static void install(Consumer<String> callback, Consumer<String> warn) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Method getName = signalClass.getMethod("getName");
            Object ignored = handlerClass.getField("SIG_IGN").get(null);
            Object handler = Proxy.newProxyInstance(TerminationSignals.class.getClassLoader(),
                    new Class<?>[] {handlerClass}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "handle":
                                callback.accept((String) getName.invoke(args[0]));
                                return null;
                            case "hashCode":
                                return System.identityHashCode(proxy);
                            case "equals":
                                return proxy == args[0];
                            default:
                                return "TerminationSignals handler";
                        }
                    });
            for (String name : new String[] {"TERM", "INT"}) {
                Object previous = handle.invoke(null, signalClass.getConstructor(String.class).newInstance(name),
                        handler);
                if (previous == ignored) {
                    // HotSpot keeps an ignored TERM/INT ignored and installs nothing.
                    warn.accept("SIG" + name + " was ignored when this process started, so it will not start a"
                            + " drain; start the worker without nohup or a shell that ignores it");
                }
            }
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot handle SIGTERM/SIGINT: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this JVM has no sun.misc.Signal (module jdk.unsupported)", e);
        }
    }
}
