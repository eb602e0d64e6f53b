package dev.endlessd.sample.activation;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Sets {@code O_NONBLOCK} on an inherited descriptor, which Netty cannot do and the JDK only does
 * internally.
 *
 * <p>It goes through {@code sun.nio.ch.IOUtil}, so {@code java.base/sun.nio.ch} must be exported to us:
 * the jar's manifest does that ({@code Add-Exports}) for {@code java -jar}; any other launch needs
 * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}. Reflection, not a compile-time reference,
 * because {@code javac --release} does not let code see that package.
 */
final class NonBlockingMode {

    static final String ADD_EXPORTS_FLAG = "--add-exports java.base/sun.nio.ch=ALL-UNNAMED";

    private NonBlockingMode() {
    }

    /**
     * Puts {@code fd}'s open file description in non-blocking mode.
     *
     * @throws UnsupportedOperationException when the JDK does not let us reach {@code sun.nio.ch}
     * @throws IOException                   when {@code fcntl(2)} fails
     */
    static void enable(int fd) throws IOException {
        Method newFd;
        Method configureBlocking;
        try {
            Class<?> ioUtil = Class.forName("sun.nio.ch.IOUtil");
            newFd = ioUtil.getMethod("newFD", int.class);
            configureBlocking = ioUtil.getMethod("configureBlocking", FileDescriptor.class, boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new UnsupportedOperationException("this JDK has no sun.nio.ch.IOUtil", e);
        }
        try {
            // newFD only wraps the number: no cleaner is attached, so the wrapper never closes our socket.
            configureBlocking.invoke(null, newFd.invoke(null, fd), false);
        } catch (IllegalAccessException e) {
            throw new UnsupportedOperationException("java.base/sun.nio.ch is not exported to this code", e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IOException) {
                throw (IOException) e.getCause();
            }
            throw new IllegalStateException("sun.nio.ch.IOUtil.configureBlocking failed", e.getCause());
        }
    }
}
