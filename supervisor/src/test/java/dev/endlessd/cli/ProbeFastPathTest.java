package dev.endlessd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Parsing only: the fast path takes plain probes and leaves everything else to the full command line. */
class ProbeFastPathTest {

    private static Optional<Map<String, String>> parse(String line) {
        return ProbeFastPath.parse(line.isEmpty() ? new String[0] : line.split(" "));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "status --check",
        "--name web status --check",
        "status --check --name=web --runtime-dir /run/x",
        "--control-socket /run/x/control.sock status --check",
        "status --runtime-dir=/run/x --check"})
    void takesAPlainProbe(String line) {
        assertTrue(parse(line).isPresent(), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "status",
        "--check status",
        "status --check --json",
        "status --check --help",
        "status --check --name ../etc",
        "status --check --name",
        "status --check --name web --name web",
        "status --check --name= ",
        "status --check --runtime-dir --name",
        "reload --check",
        "status status --check",
        "--cmd sleep status --check"})
    void leavesEverythingElseToTheFullCommandLine(String line) {
        assertTrue(parse(line).isEmpty(), line);
    }

    /** The same socket as the full command line, which names it when nothing answers there. */
    @ParameterizedTest
    @ValueSource(strings = {
        "--name probe-fast-path-test status --check --runtime-dir /nonexistent/base",
        "status --check --name=probe-fast-path-test",
        "--runtime-dir=/nonexistent/base status --check",
        "status --check --control-socket relative/control.sock"})
    void findsTheSocketTheFullCommandLineFinds(String line) throws IOException {
        String[] args = line.split(" ");
        Map<String, String> environment = System.getenv();
        Path fast = ProbeFastPath.controlSocket(ProbeFastPath.parse(args).orElseThrow(), environment);
        StringWriter err = new StringWriter();
        CommandLine full = Main.commandLine();
        full.setOut(new PrintWriter(new StringWriter(), true));
        full.setErr(new PrintWriter(err, true));
        assertEquals(3, full.execute(args), err.toString());
        assertTrue(err.toString().startsWith("endlessd: no endlessd is running there: " + fast + " does not exist"),
                fast + " vs " + err);
    }
}
