package dev.endlessd.agent.transform;

import dev.endlessd.agent.hook.HttpServerHooks;
import dev.endlessd.agent.hook.JdkHooks;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Defines the agent's bridges inside the JDK's own packages ({@code sun.nio.ch.EndlessdBridge},
 * {@code sun.net.httpserver.EndlessdBridge}): the only classes the patched JDK code calls. The agent
 * itself stays on the class path: appending it to the boot class path instead would switch class data
 * sharing off for every class outside the boot loader (the JVM says so on stderr), and with it an
 * app's own CDS archive.
 */
public final class Bridges {
    static final String JDK_BRIDGE = "sun/nio/ch/EndlessdBridge";
    static final String HTTP_SERVER_BRIDGE = "sun/net/httpserver/EndlessdBridge";

    private Bridges() {
    }

    /** Needs {@code sun.nio.ch} (and {@code sun.net.httpserver}, if present) opened to the agent. */
    public static void define() throws ReflectiveOperationException, IOException {
        MethodHandles.Lookup agent = MethodHandles.lookup();
        MethodHandle[] jdk = {
            agent.findStatic(JdkHooks.class, "channelBind", MethodType.methodType(void.class, ProtocolFamily.class,
                    FileDescriptor.class, InetAddress.class, int.class)),
            agent.findStatic(JdkHooks.class, "serverSocketBind",
                    MethodType.methodType(void.class, FileDescriptor.class, InetAddress.class, int.class)),
            agent.findStatic(JdkHooks.class, "asyncBind",
                    MethodType.methodType(void.class, FileDescriptor.class, InetAddress.class, int.class)),
            agent.findStatic(JdkHooks.class, "listen", MethodType.methodType(void.class, FileDescriptor.class, int.class)),
            agent.findStatic(JdkHooks.class, "accept", MethodType.methodType(int.class, FileDescriptor.class,
                    FileDescriptor.class, InetSocketAddress[].class)),
            agent.findStatic(JdkHooks.class, "configureBlocking",
                    MethodType.methodType(void.class, FileDescriptor.class, boolean.class)),
            agent.findStatic(JdkHooks.class, "interestOps",
                    MethodType.methodType(void.class, SelectionKey.class, int.class)),
            agent.findStatic(JdkHooks.class, "selecting",
                    MethodType.methodType(void.class, Selector.class, Consumer.class, long.class)),
            agent.findStatic(JdkHooks.class, "closing", MethodType.methodType(void.class, SocketChannel.class)),
        };
        define("sun.nio.ch.Net", "dev/endlessd/agent/bridge/JdkBridge", JDK_BRIDGE, "dev.endlessd.agent.bridge.jdk", jdk);
        if (ModuleLayer.boot().findModule("jdk.httpserver").isPresent()) {
            MethodHandle[] httpServer = {
                agent.findStatic(HttpServerHooks.class, "starting", MethodType.methodType(void.class, Object.class)),
                agent.findStatic(HttpServerHooks.class, "responding",
                        MethodType.methodType(void.class, Object.class, int.class, long.class)),
            };
            define("sun.net.httpserver.HttpConnection", "dev/endlessd/agent/bridge/HttpServerBridge", HTTP_SERVER_BRIDGE,
                    "dev.endlessd.agent.bridge.httpserver", httpServer);
        }
    }

    private static void define(String neighbour, String source, String target, String key, MethodHandle[] hooks)
            throws ReflectiveOperationException, IOException {
        Class<?> inPackage = Class.forName(neighbour, false, ClassLoader.getPlatformClassLoader());
        MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(inPackage, MethodHandles.lookup());
        System.getProperties().put(key, hooks);
        try {
            lookup.ensureInitialized(lookup.defineClass(renamed(source, target)));
        } finally {
            System.getProperties().remove(key);
        }
    }

    /** The class file of {@code source}, renamed to {@code target} (it refers to itself only as an owner). */
    private static byte[] renamed(String source, String target) throws IOException {
        byte[] original;
        try (InputStream in = Bridges.class.getResourceAsStream("/" + source + ".class")) {
            if (in == null) {
                throw new IOException("the agent jar lacks " + source);
            }
            original = in.readAllBytes();
        }
        ClassWriter writer = new ClassWriter(0);
        new ClassReader(original).accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                              String[] interfaces) {
                super.visit(version, access, target, signature, superName, interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, desc, signature, exceptions)) {
                    @Override
                    public void visitFieldInsn(int opcode, String owner, String field, String fieldDesc) {
                        super.visitFieldInsn(opcode, owner.equals(source) ? target : owner, field, fieldDesc);
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String methodDesc, boolean itf) {
                        super.visitMethodInsn(opcode, owner.equals(source) ? target : owner, method, methodDesc, itf);
                    }
                };
            }
        }, 0);
        return writer.toByteArray();
    }
}
