package dev.endlessd.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The plan against the JDK that runs the build: every patch of every JDK class finds what it changes,
 * so a JDK whose internals moved fails here, not in an app.
 */
class PlanTest {
    @Test
    void everyJdkPatchAppliesToThisJdk() throws IOException {
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        {
            for (Map.Entry<String, List<Patch>> entry : Plan.PATCHES.entrySet()) {
                String module = entry.getKey().startsWith("sun/nio/ch/") ? "java.base"
                        : entry.getKey().startsWith("sun/net/httpserver/") ? "jdk.httpserver" : null;
                if (module == null) {
                    continue;
                }
                byte[] classfile = Files.readAllBytes(jrt.getPath("modules", module, entry.getKey() + ".class"));
                PatchingClassVisitor patching = new PatchingClassVisitor(new ClassWriter(ClassWriter.COMPUTE_MAXS),
                        entry.getValue());
                new ClassReader(classfile).accept(patching, ClassReader.EXPAND_FRAMES);
                assertEquals(List.of(), patching.unapplied(), entry.getKey() + " on " + Runtime.version());
            }
        }
    }

    @Test
    void redirectedJdkCallsGoToTheBridgeWithTheSameSignature() throws IOException {
        byte[] patched = patch("sun/nio/ch/ServerSocketChannelImpl");
        StringBuilder calls = new StringBuilder();
        new ClassReader(patched).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String callee, String calleeDesc, boolean itf) {
                        if (owner.equals(Bridges.JDK_BRIDGE)) {
                            calls.append(callee).append(calleeDesc).append('\n');
                        }
                    }
                };
            }
        }, 0);
        String text = calls.toString();
        assertTrue(text.contains("channelBind(Ljava/net/ProtocolFamily;Ljava/io/FileDescriptor;Ljava/net/InetAddress;I)V"),
                text);
        assertTrue(text.contains("configureBlocking(Ljava/io/FileDescriptor;Z)V"), text);
        assertTrue(text.contains("accept(Ljava/io/FileDescriptor;Ljava/io/FileDescriptor;[Ljava/net/InetSocketAddress;)I"),
                text);
    }

    @Test
    void tomcatRepliesGoThroughTheHookThatClosesKeptAliveConnectionsWhileDraining() throws IOException {
        String endpoint = "org/apache/tomcat/util/net/AbstractEndpoint";
        byte[] classfile;
        try (InputStream in = ClassLoader.getSystemResourceAsStream(endpoint + ".class")) {
            classfile = in.readAllBytes();
        }
        PatchingClassVisitor patching = new PatchingClassVisitor(new ClassWriter(ClassWriter.COMPUTE_MAXS),
                Plan.PATCHES.get(endpoint));
        new ClassReader(classfile).accept(patching, ClassReader.EXPAND_FRAMES);
        assertEquals(List.of(), patching.unapplied(), "Tomcat " + org.apache.catalina.util.ServerInfo.getServerNumber());

        StringBuilder calls = new StringBuilder();
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        new ClassReader(classfile).accept(new PatchingClassVisitor(writer, Plan.PATCHES.get(endpoint)),
                ClassReader.EXPAND_FRAMES);
        new ClassReader(writer.toByteArray()).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String callee, String calleeDesc, boolean itf) {
                        if (owner.equals("dev/endlessd/agent/hook/TomcatHooks")) {
                            calls.append(name).append(" -> ").append(callee).append(calleeDesc).append('\n');
                        }
                    }
                };
            }
        }, 0);
        assertTrue(calls.toString().contains("getMaxKeepAliveRequests -> maxKeepAliveRequests(Ljava/lang/Object;I)I"),
                calls.toString());
    }

    private static byte[] patch(String className) throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(className + ".class")) {
            byte[] classfile = in != null ? in.readAllBytes()
                    : Files.readAllBytes(FileSystems.getFileSystem(URI.create("jrt:/"))
                            .getPath("modules", "java.base", className + ".class"));
            ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
            new ClassReader(classfile).accept(new PatchingClassVisitor(writer, Plan.PATCHES.get(className)),
                    ClassReader.EXPAND_FRAMES);
            return writer.toByteArray();
        }
    }
}
