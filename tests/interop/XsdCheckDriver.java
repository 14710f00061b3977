/*
 * Validates documents against the DUIS 5.4 XSD with Java's own XSD engine
 * (javax.xml.validation, the JDK's Xerces), loading the schema exactly as the DCC Boxed
 * signing tool does (uk.co.smartdcc.boxed.xmldsig.Util.load_schema: the XSD bundled in the
 * tool's resources, its DTDs resolved locally). No signature check: the XSD alone.
 *
 * Protocol: one file path per line on standard input; one answer line per path on standard
 * output: "valid", or "invalid<TAB>first error message" (newlines folded to spaces).
 */

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.Validator;

import uk.co.smartdcc.boxed.xmldsig.Util;

public final class XsdCheckDriver {
  private XsdCheckDriver() {
  }

  public static void main(final String[] args) throws Exception {
    PrintStream answer = new PrintStream(new FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    Schema schema = Util.load_schema();
    if (schema == null) {
      answer.println("unavailable\tthe DCC tool could not load its DUIS XSD");
      return;
    }
    BufferedReader jobs = new BufferedReader(new InputStreamReader(System.in,
        StandardCharsets.UTF_8));
    String line;
    while ((line = jobs.readLine()) != null) {
      if (line.isEmpty()) {
        continue;
      }
      Validator validator = schema.newValidator();
      try {
        validator.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        validator.validate(new StreamSource(new File(line)));
        answer.println("valid");
      } catch (Exception e) {
        String message = String.valueOf(e.getMessage()).replaceAll("[\\r\\n\\t\\u0085\\u2028\\u2029]", " ");
        answer.println("invalid\t" + message);
      }
    }
  }
}
