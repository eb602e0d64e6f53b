package dev.endlessd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The supervisor's packages import only downwards: jdeps, run on the compiled classes, must find no
 * cycle between them. A cycle means a lower package reached back up into a higher one; move the
 * wiring up or the shared type down (as instance/ and time/ were for daemon and control).
 */
class LayeringTest {
    private static final Pattern EDGE = Pattern.compile("^\\s*(dev\\.endlessd\\.[\\w.]+)\\s+->\\s+(dev\\.endlessd\\.[\\w.]+)\\s");

    @Test
    void noPackageDependsOnItselfThroughOthers() throws Exception {
        Map<String, Set<String>> imports = packageImports();
        assertTrue(imports.size() > 5, "jdeps found the packages: " + imports);

        List<String> cycle = findCycle(imports);

        assertEquals(List.of(), cycle, "package cycle " + String.join(" -> ", cycle) + "; all imports: " + imports);
    }

    /** For each package of the supervisor, the other ones it uses, as jdeps sees them in target/classes. */
    private static Map<String, Set<String>> packageImports() throws Exception {
        Path classes = Path.of(LayeringTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolveSibling("classes");
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError(
                "no jdeps in this JDK (" + System.getProperty("java.home") + "): run the tests with a full JDK"));
        StringWriter out = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:package", "-e", "dev\\.endlessd\\..*",
                classes.toString());
        assertEquals(0, status, "jdeps: " + out);
        Map<String, Set<String>> imports = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            Matcher edge = EDGE.matcher(line);
            if (edge.find() && !edge.group(1).equals(edge.group(2))) {
                imports.computeIfAbsent(edge.group(1), name -> new TreeSet<>()).add(edge.group(2));
            }
        }
        return imports;
    }

    /** A cycle, as the packages on it with the first repeated at the end, or an empty list. */
    private static List<String> findCycle(Map<String, Set<String>> imports) {
        Set<String> done = new TreeSet<>();
        for (String start : imports.keySet()) {
            List<String> cycle = visit(start, imports, new ArrayList<>(), done);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        return List.of();
    }

    private static List<String> visit(String name, Map<String, Set<String>> imports, List<String> path, Set<String> done) {
        int seen = path.indexOf(name);
        if (seen >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
            cycle.add(name);
            return cycle;
        }
        if (done.contains(name)) {
            return List.of();
        }
        path.add(name);
        for (String next : imports.getOrDefault(name, Set.of())) {
            List<String> cycle = visit(next, imports, path, done);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        done.add(name);
        return List.of();
    }
}
