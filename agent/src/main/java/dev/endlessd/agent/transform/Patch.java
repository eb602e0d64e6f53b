package dev.endlessd.agent.transform;

/**
 * One change to one class, as data: {@link Plan} lists them, {@link PatchingClassVisitor} applies them.
 */
sealed interface Patch {

    /** Every {@code INVOKESTATIC owner.name desc} in the class calls {@code hookOwner.hookName} with the same descriptor. */
    record Redirect(String owner, String name, String desc, String hookOwner, String hookName) implements Patch {
        @Override
        public String describe() {
            return "calls to " + owner.replace('/', '.') + "." + name;
        }
    }

    /**
     * On entry to {@code method desc}: calls {@code hookOwner.hookName hookDesc} with the class itself
     * (if {@code withClass}), {@code this} (if the method is an instance method) and every argument.
     * A {@code skip} hook returns a boolean: true returns from the (void) method at once.
     */
    record OnEntry(String method, String desc, String hookOwner, String hookName, String hookDesc, boolean withClass,
                   boolean skip) implements Patch {
        @Override
        public String describe() {
            return "method " + method + desc;
        }
    }

    /** Before each normal return of {@code method desc}: calls the static {@code ()V} hook. */
    record BeforeReturn(String method, String desc, String hookOwner, String hookName) implements Patch {
        @Override
        public String describe() {
            return "returns of " + method + desc;
        }
    }

    /**
     * Every {@code GETFIELD owner.field desc} in the class reads through {@code hookOwner.hookName}, which
     * gets the object and the field's value and returns the value to use.
     */
    record FieldRead(String owner, String field, String desc, String hookOwner, String hookName) implements Patch {
        @Override
        public String describe() {
            return "reads of " + owner.replace('/', '.') + "." + field;
        }
    }

    /**
     * In {@code method}, the result of each {@code INVOKESTATIC owner.name desc} (a method returning a
     * value) passes through {@code hookOwner.hookName}, which takes the result and returns the one to use.
     */
    record AfterCall(String method, String owner, String name, String desc, String hookOwner, String hookName)
            implements Patch {
        @Override
        public String describe() {
            return "calls to " + owner.replace('/', '.') + "." + name + " in " + method;
        }
    }

    /** For the log when a patch found nothing to change in its class. */
    String describe();
}
