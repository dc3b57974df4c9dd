package org.fertk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ./fer launcher itself, with a stand-in for java so that no build is needed. */
class LauncherTest {
  @TempDir
  Path dir;

  @Test
  void stderrFilterPassesLinesWithANulByteAndKeepsTheExitCode() throws Exception {
    Files.copy(Path.of("fer"), dir.resolve("fer"));
    Files.createDirectories(dir.resolve("src/main"));
    Files.writeString(dir.resolve("pom.xml"), "<project/>");
    Files.createDirectories(dir.resolve("target"));
    Path jar = Files.writeString(dir.resolve("target/fer.jar"), "stand-in");
    FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
    Files.setLastModifiedTime(dir.resolve("pom.xml"), old);
    Files.setLastModifiedTime(dir.resolve("src/main"), old);
    Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis()));
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path java = bin.resolve("java");
    // prints what a real error with a NUL byte from the input would print, and exits 1
    Files.writeString(java, "#!/usr/bin/env bash\nprintf 'fer: error: x.csv:2: bad emotion \\x00 here\\n' >&2\n"
        + "printf 'MLIR V1 optimization pass is not enabled\\n' >&2\nexit 1\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder pb = new ProcessBuilder("bash", dir.resolve("fer").toString(), "data", "stats", "x.csv");
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    // read before waiting: the JDK drains and closes a pipe when the process exits, and the
    // launcher's stderr filter may still be writing then
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, p.exitValue());
    assertTrue(err.startsWith("fer: error: x.csv:2: bad emotion \0 here"), err);
    assertTrue(!err.contains("binary file matches") && !err.contains("MLIR"), err);
  }
}
