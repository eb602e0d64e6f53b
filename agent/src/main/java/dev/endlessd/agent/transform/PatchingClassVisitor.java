package dev.endlessd.agent.transform;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Applies a class's {@link Patch}es while ASM copies it. Every change keeps the stack as it was
 * around the changed instruction and adds no branch, except a skipping entry hook, which adds one forward branch to the method's first
 * original instruction with the method's entry frame: so no frame is ever computed (which would load
 * classes in the middle of loading one).
 *
 * <p>Expects frames expanded ({@code ClassReader.EXPAND_FRAMES}) and a writer that computes max stack.
 */
final class PatchingClassVisitor extends ClassVisitor {
    private final List<Patch> patches;
    /**
     * By identity: a record's own equals and hashCode are bootstrapped through method handles on first
     * use, which spins some hundred classes in the app's JVM.
     */
    private final Set<Patch> applied = Collections.newSetFromMap(new IdentityHashMap<>());
    private String className;

    PatchingClassVisitor(ClassVisitor next, List<Patch> patches) {
        super(Opcodes.ASM9, next);
        this.patches = patches;
    }

    /** The patches that found nothing to change: the JDK or library differs from what the plan knows. */
    List<Patch> unapplied() {
        List<Patch> missing = new ArrayList<>();
        for (Patch patch : patches) {
            if (!applied.contains(patch)) {
                missing.add(patch);
            }
        }
        return missing;
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        className = name;
        super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
        MethodVisitor next = super.visitMethod(access, name, desc, signature, exceptions);
        boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
        return new MethodVisitor(Opcodes.ASM9, next) {
            @Override
            public void visitCode() {
                super.visitCode();
                for (Patch patch : patches) {
                    if (patch instanceof Patch.OnEntry entry && entry.method().equals(name) && entry.desc().equals(desc)) {
                        callOnEntry(this, entry, isStatic, desc);
                        applied.add(patch);
                    }
                }
            }

            @Override
            public void visitMethodInsn(int opcode, String owner, String callee, String calleeDesc, boolean itf) {
                for (Patch patch : patches) {
                    if (opcode == Opcodes.INVOKESTATIC && patch instanceof Patch.Redirect redirect
                            && redirect.owner().equals(owner) && redirect.name().equals(callee)
                            && redirect.desc().equals(calleeDesc)) {
                        applied.add(patch);
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, redirect.hookOwner(), redirect.hookName(), calleeDesc,
                                false);
                        return;
                    }
                }
                super.visitMethodInsn(opcode, owner, callee, calleeDesc, itf);
                for (Patch patch : patches) {
                    if (opcode == Opcodes.INVOKESTATIC && patch instanceof Patch.AfterCall after
                            && after.method().equals(name) && after.owner().equals(owner) && after.name().equals(callee)
                            && after.desc().equals(calleeDesc)) {
                        String result = Type.getReturnType(calleeDesc).getDescriptor();
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, after.hookOwner(), after.hookName(),
                                "(" + result + ")" + result, false);
                        applied.add(patch);
                    }
                }
            }

            @Override
            public void visitFieldInsn(int opcode, String owner, String field, String fieldDesc) {
                for (Patch patch : patches) {
                    if (opcode == Opcodes.GETFIELD && patch instanceof Patch.FieldRead read && read.owner().equals(owner)
                            && read.field().equals(field) && read.desc().equals(fieldDesc)) {
                        applied.add(patch);
                        super.visitInsn(Opcodes.DUP);
                        super.visitFieldInsn(opcode, owner, field, fieldDesc);
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, read.hookOwner(), read.hookName(),
                                "(Ljava/lang/Object;" + fieldDesc + ")" + fieldDesc, false);
                        return;
                    }
                }
                super.visitFieldInsn(opcode, owner, field, fieldDesc);
            }

            @Override
            public void visitInsn(int opcode) {
                if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                    for (Patch patch : patches) {
                        if (patch instanceof Patch.BeforeReturn before && before.method().equals(name)
                                && before.desc().equals(desc)) {
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, before.hookOwner(), before.hookName(), "()V", false);
                            applied.add(patch);
                        }
                    }
                }
                super.visitInsn(opcode);
            }
        };
    }

    private void callOnEntry(MethodVisitor code, Patch.OnEntry entry, boolean isStatic, String desc) {
        if (entry.withClass()) {
            code.visitLdcInsn(Type.getObjectType(className));
        }
        int slot = 0;
        if (!isStatic) {
            code.visitVarInsn(Opcodes.ALOAD, 0);
            slot = 1;
        }
        Type[] arguments = Type.getArgumentTypes(desc);
        for (Type argument : arguments) {
            code.visitVarInsn(argument.getOpcode(Opcodes.ILOAD), slot);
            slot += argument.getSize();
        }
        code.visitMethodInsn(Opcodes.INVOKESTATIC, entry.hookOwner(), entry.hookName(), entry.hookDesc(), false);
        if (entry.skip()) {
            Label original = new Label();
            code.visitJumpInsn(Opcodes.IFEQ, original);
            code.visitInsn(Opcodes.RETURN);
            code.visitLabel(original);
            code.visitFrame(Opcodes.F_NEW, entryLocals(isStatic, arguments).length, entryLocals(isStatic, arguments),
                    0, new Object[0]);
        }
    }

    private Object[] entryLocals(boolean isStatic, Type[] arguments) {
        List<Object> locals = new ArrayList<>();
        if (!isStatic) {
            locals.add(className);
        }
        for (Type argument : arguments) {
            switch (argument.getSort()) {
                case Type.BOOLEAN, Type.CHAR, Type.BYTE, Type.SHORT, Type.INT -> locals.add(Opcodes.INTEGER);
                case Type.FLOAT -> locals.add(Opcodes.FLOAT);
                case Type.LONG -> locals.add(Opcodes.LONG);
                case Type.DOUBLE -> locals.add(Opcodes.DOUBLE);
                default -> locals.add(argument.getInternalName());
            }
        }
        return locals.toArray();
    }
}
