package org.fertk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.fertk.util.IoErrors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What the CLI prints for failures that cannot be produced on demand (a full disk, a TF write error). */
class ErrorMessagesTest {
  private static String handle(Exception e) {
    CommandLine cl = FerCli.newCommandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    CommandLine.ParseResult pr = cl.parseArgs("data", "stats", "x.csv");
    int code = new FerCli.ErrorHandler().handleExecutionException(e, cl, pr);
    assertEquals(1, code);
    return err.toString();
  }

  @Test
  void aFullDiskDuringTrainingNamesTheFileAndIsNoInternalError() {
    // what TensorFlow's checkpoint writer throws when the disk fills up
    String err = handle(new IllegalStateException("runs/r/checkpoints/last.part/model.data-00000-of-00001; "
        + "No space left on device\n\tOOM hint: ..."));
    assertEquals("fer: error: no space left on the device (runs/r/checkpoints/last.part/model.data-00000-of-00001; "
        + "No space left on device); free some space and run the command again\n", err);
  }

  @Test
  void aFullDiskOnAnOrdinaryWriteNamesTheTarget() {
    IOException enospc = new FileSystemException("out/.p.csv.pid1.2.fer-tmp", null, "No space left on device");
    assertEquals("fer: error: cannot write out/p.csv: no space left on the device\n",
        handle(IoErrors.cannotWrite(Path.of("out/p.csv"), enospc)));
  }

  @Test
  void anExceptionWhoseMessageIsOnlyAPathSaysWhatIsWrong() {
    assertEquals("fer: error: some/file: not found\n",
        handle(new UncheckedIOException(new NoSuchFileException("some/file"))));
    String wrapped = handle(new UncheckedIOException("cannot copy a to b: b", new NoSuchFileException("b")));
    assertTrue(wrapped.startsWith("fer: error: cannot copy a to b"), wrapped);
  }
}
