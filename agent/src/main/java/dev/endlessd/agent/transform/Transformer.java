package dev.endlessd.agent.transform;

import dev.endlessd.agent.Log;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;

/**
 * Applies the {@link Plan} to the classes it names as they load (or at once, to those already loaded).
 * Every other class costs one map lookup and is left as it is. A class whose code differs from what
 * the plan expects is still patched where it matches, and the log names what did not.
 *
 * <p>Thread-safe: the JVM calls it from whichever thread loads a class; it keeps no state.
 */
public final class Transformer implements ClassFileTransformer {
    /** The smallest class file ASM parses: loads the reader's classes ahead of the first transform. */
    private static final byte[] EMPTY_CLASS = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 52, 0, 1,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    private static volatile Instrumentation installedIn;
    private static volatile Transformer installed;

    private Transformer() {
    }

    public static void install(Instrumentation instrumentation) {
        // Everything transform() needs is loaded before it is registered: a class it first loads from
        // inside transform() would be given to transform() again, and loading it would go round in a circle.
        Map<String, List<Patch>> plan = Plan.PATCHES;
        new PatchingClassVisitor(new ClassWriter(0), List.of()).unapplied();
        new ClassReader(EMPTY_CLASS);
        // The JDK's classes are patched now, whether the app has used them yet or not (some load only at
        // the first connection, after the transformer is gone: see retire()).
        for (String name : plan.keySet()) {
            if (name.startsWith("sun/nio/ch/")) {
                try {
                    Class.forName(name.replace('/', '.'), false, null);
                } catch (ClassNotFoundException e) {
                    Log.info("this JDK has no " + name.replace('/', '.') + ": left out");
                }
            }
        }
        Transformer transformer = new Transformer();
        instrumentation.addTransformer(transformer, true);
        installedIn = instrumentation;
        installed = transformer;
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (plan.containsKey(type.getName().replace('.', '/'))) {
                loaded.add(type);
            }
        }
        if (!loaded.isEmpty()) {
            try {
                instrumentation.retransformClasses(loaded.toArray(new Class<?>[0]));
            } catch (UnmodifiableClassException | RuntimeException e) {
                Log.info("could not change the already loaded " + loaded + ": " + e);
            }
        }
    }

    /**
     * Unregisters the transformer once the app serves: every class the plan names that matters has
     * loaded by then (the hooks load the few that a server loads late, ahead of time). While a
     * transformer is registered the JVM hands the bytes of every class it loads to it, a copy on the heap
     * each: a Spring Boot app loads a few thousand more classes at its first requests.
     */
    public static void retire() {
        Instrumentation instrumentation = installedIn;
        Transformer transformer = installed;
        if (instrumentation != null && transformer != null && instrumentation.removeTransformer(transformer)) {
            installed = null;
            Log.info("class transformer removed: the classes that load from now on are left as they are");
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                            byte[] classfile) {
        if (className == null) {
            return null;
        }
        List<Patch> patches = Plan.PATCHES.get(className);
        if (patches == null) {
            return null;
        }
        try {
            ClassReader reader = new ClassReader(classfile);
            ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
            PatchingClassVisitor patching = new PatchingClassVisitor(writer, patches);
            reader.accept(patching, ClassReader.EXPAND_FRAMES);
            for (Patch missing : patching.unapplied()) {
                Log.info("found no " + missing.describe() + " in " + className.replace('/', '.')
                        + ": this version is not covered there");
            }
            return writer.toByteArray();
        } catch (RuntimeException | LinkageError e) {
            Log.info("left " + className.replace('/', '.') + " unchanged: " + e);
            return null;
        }
    }
}
