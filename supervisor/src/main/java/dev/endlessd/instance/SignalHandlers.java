package dev.endlessd.instance;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Installs JVM signal handlers through {@code sun.misc.Signal}, reached reflectively because javac
 * warns about the type on every use and cannot be told not to.
 *
 * <p>Installing a handler for HUP, INT or TERM replaces the JVM's own (the one that runs shutdown
 * hooks), so the daemon drives its own exit. The JVM refuses to install a handler for a signal that
 * was ignored when it started (nohup does that to HUP); {@link #install} reports it.
 */
final class SignalHandlers {
    private SignalHandlers() {
    }

    /**
     * Runs {@code action} on a JVM signal-dispatch thread whenever {@code name} ("HUP", "TERM", ...)
     * arrives.
     *
     * @return false when the signal was ignored at start and no handler could be installed
     */
    static boolean install(String name, Runnable action) {
        try {
            Class<?> signalType = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Object signal = signalType.getConstructor(String.class).newInstance(name);
            Object handler = Proxy.newProxyInstance(SignalHandlers.class.getClassLoader(),
                    new Class<?>[] {handlerType}, dispatchTo(action));
            Object previous = signalType.getMethod("handle", signalType, handlerType).invoke(null, signal, handler);
            return previous != handlerType.getField("SIG_IGN").get(null);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot handle SIG" + name + ": " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this JVM offers no sun.misc.Signal: " + e, e);
        }
    }

    private static InvocationHandler dispatchTo(Runnable action) {
        return (proxy, method, args) -> switch (method.getName()) {
            case "handle" -> {
                action.run();
                yield null;
            }
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> "signal handler";
        };
    }
}
