package org.fertk.cli;

import org.fertk.score.TestTimeAugmentation;
import org.fertk.FerException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses --tta for score and predict; a bad name is a usage error (exit 2). */
final class TtaConverter implements ITypeConverter<TestTimeAugmentation> {
  @Override
  public TestTimeAugmentation convert(String value) {
    try {
      return TestTimeAugmentation.parse(value);
    } catch (FerException e) {
      throw new TypeConversionException(CliText.of(e, null));
    }
  }
}
