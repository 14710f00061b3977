/*
 * Runs the DCC Boxed signing tool's Validate and Sign on many documents in one JVM.
 *
 * Protocol, one job per line on standard input, tab-separated:
 *   validate|sign <TAB> output-file <TAB> tool argument <TAB> tool argument ...
 * The tool's standard output goes to output-file, its standard error to output-file.err,
 * and the driver answers one line "<result code>" (the tool's ResultCode value, or the
 * status the tool tried to exit with) on its own standard output.
 */

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.Permission;
import java.util.Arrays;

import uk.co.smartdcc.boxed.xmldsig.Sign;
import uk.co.smartdcc.boxed.xmldsig.Validate;

public final class DccToolDriver {
  private DccToolDriver() {
  }

  /** Thrown instead of exiting when the tool calls System.exit. */
  private static final class ExitTrapped extends SecurityException {
    private static final long serialVersionUID = 1L;
    final int status;

    ExitTrapped(final int status) {
      super("exit " + status);
      this.status = status;
    }
  }

  /** The status the tool last tried to exit with (it may catch the exception itself). */
  private static Integer trappedStatus = null;

  @SuppressWarnings("removal")
  private static void trapExit() {
    System.setSecurityManager(new SecurityManager() {
      @Override
      public void checkExit(final int status) {
        trappedStatus = status;
        throw new ExitTrapped(status);
      }

      @Override
      public void checkPermission(final Permission perm) {
      }

      @Override
      public void checkPermission(final Permission perm, final Object context) {
      }
    });
  }

  private static int run(final String mode, final String[] toolArgs) {
    if ("validate".equals(mode)) {
      return Validate.main_aux(toolArgs).value();
    }
    if ("sign".equals(mode)) {
      return Sign.main_aux(toolArgs).value();
    }
    System.err.println("[E] unknown mode " + mode);
    return 2;
  }

  public static void main(final String[] args) throws Exception {
    trapExit();
    PrintStream answer = new PrintStream(new FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    PrintStream realErr = System.err;
    BufferedReader jobs = new BufferedReader(new InputStreamReader(System.in,
        StandardCharsets.UTF_8));
    String line;
    while ((line = jobs.readLine()) != null) {
      if (line.isEmpty()) {
        continue;
      }
      String[] fields = line.split("\t");
      if (fields.length < 3) {
        answer.println("2");
        continue;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code;
      trappedStatus = null;
      try {
        code = run(fields[0], Arrays.copyOfRange(fields, 2, fields.length));
      } catch (ExitTrapped e) {
        code = e.status;
      } catch (Throwable e) {
        System.err.println("[E] driver caught " + e);
        code = 2;
      }
      if (trappedStatus != null) {
        code = trappedStatus;
      }
      System.out.flush();
      System.err.flush();
      System.setOut(answer);
      System.setErr(realErr);
      try (FileOutputStream o = new FileOutputStream(fields[1])) {
        o.write(out.toByteArray());
      }
      try (FileOutputStream e = new FileOutputStream(fields[1] + ".err")) {
        e.write(err.toByteArray());
      }
      answer.println(Integer.toString(code));
    }
  }
}
