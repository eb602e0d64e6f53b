package dev.endlessd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Parsing only: nothing here reaches a daemon. */
class CommandLineTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void aUsageErrorExits2WithTheProblemAndAHintNotTheWholeUsage() {
        assertEquals(2, run("reload", "--bogus"));
        assertEquals("endlessd: Unknown option: '--bogus'\nTry 'endlessd reload --help'\n", err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void theDaemonWithoutACommandToRunIsAUsageError() {
        assertEquals(2, run("--listen", ":8080"));
        assertTrue(err.toString().startsWith("endlessd: missing --cmd CMD"), err.toString());
        assertTrue(err.toString().endsWith("Try 'endlessd --help'\n"), err.toString());
    }

    @Test
    void aMistypedCommandGetsASuggestion() {
        assertEquals(2, run("relaod"));
        assertTrue(err.toString().contains("reload"), err.toString());
        assertTrue(err.toString().endsWith("Try 'endlessd --help'\n"), err.toString());
    }

    @Test
    void aBadNameIsAUsageErrorInEveryCommand() {
        assertEquals(2, run("status", "--name", "../etc"));
        assertTrue(err.toString().startsWith("endlessd: name: \"../etc\" (expected:"), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"reload", "status", "stop"})
    void everyCommandHasHelpAndVersion(String command) {
        assertEquals(0, run(command, "--help"));
        assertTrue(out.toString().startsWith("Usage: endlessd " + command), out.toString());
        assertTrue(out.toString().contains("--control-socket=PATH"));
        assertTrue(out.toString().contains("3   no daemon answers at the control socket"));
        out.getBuffer().setLength(0);
        assertEquals(0, run(command, "--version"));
        assertTrue(out.toString().startsWith("endlessd "), out.toString());
    }

    @Test
    void theDaemonsHelpListsTheCommands() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().matches("(?s).*  reload +Start a new worker and wait until it serves, or has failed\\..*"), out.toString());
        assertTrue(out.toString().matches("(?s).*  upgrade +Execute the endlessd installed now.*"), out.toString());
        assertTrue(out.toString().contains("--pid-file=PATH"));
    }

    @Test
    void instanceOptionsWrittenBeforeTheCommandCountAsIfWrittenAfterIt() {
        assertEquals(3, run("--control-socket", "/nonexistent/before/control.sock", "status"));
        assertTrue(err.toString().contains("/nonexistent/before/control.sock does not exist"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(3, run("--name", "web", "--runtime-dir", "/nonexistent/base", "stop"));
        assertTrue(err.toString().contains("/nonexistent/base/web/control.sock does not exist"), err.toString());
    }

    @Test
    void anInstanceOptionGivenBeforeAndAfterTheCommandDifferentlyIsRefused() {
        assertEquals(2, run("--name", "web", "status", "--name", "api"));
        assertTrue(err.toString().startsWith("endlessd: --name is given twice, [web] before 'status' and [api] after it"),
                err.toString());
    }

    @Test
    void aDaemonOptionBeforeACommandIsRefusedNotIgnored() {
        assertEquals(2, run("--cmd", "java -jar app.jar", "reload"));
        assertTrue(err.toString().startsWith("endlessd: --cmd is an option of the daemon (endlessd --cmd ...), not of"
                + " 'reload': drop it"), err.toString());
    }

    @Test
    void aCommandWithNoDaemonExits3AndNamesTheSocketItTried() {
        assertEquals(3, run("status", "--control-socket", "/nonexistent/endlessd/control.sock"));
        assertTrue(err.toString().startsWith("endlessd: no endlessd is running there: /nonexistent/endlessd/control.sock "
                + "does not exist"), err.toString());
    }

    @Test
    void reloadOnChangeOfAPathThatDoesNotExistIsAUsageError() {
        assertEquals(2, run("--cmd", "true", "--listen", "127.0.0.1:0", "--reload-on-change", "/nonexistent/config"));
        assertTrue(err.toString().startsWith("endlessd: reload-on-change: /nonexistent/config does not exist (expected:"),
                err.toString());
    }

    @Test
    void aStartupCpuOtherThanTheFourWaysIsAUsageErrorNamingThem() {
        assertEquals(2, run("--cmd", "true", "--listen", "127.0.0.1:0", "--startup-cpu", "weight"));
        assertTrue(err.toString().contains("'--startup-cpu'") && err.toString().contains(
                "\"weight\" (expected: auto, cgroup, nice or off)"), err.toString());
    }
}
