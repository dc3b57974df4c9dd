package org.fertk;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A problem caused by the user's input (a bad file, setting or spec): what every call of the
 * library throws for it. The message names settings by their keys, as plans and
 * {@code run-config.json} spell them ({@code "max_image_pixels"}); {@link #message} spells them
 * another way, as the command line does with its flags ({@code --max-image-pixels}). The CLI
 * prints only the message and exits with 1; no stack trace unless --verbose.
 */
public class FerException extends RuntimeException {
  /** Marks a setting's key in a message (a private-use character, never in a path or a word). */
  private static final char OPEN = '\uE000';
  /** Ends a marked key. */
  private static final char CLOSE = '\uE001';
  private static final Pattern MARKED = Pattern.compile(OPEN + "([a-z_]+)" + CLOSE);

  /** Keys named as plain words (setting validation messages), see {@link #naming}. */
  private final List<String> keys = new ArrayList<>();

  /**
   * A problem with the user's input.
   *
   * @param message what is wrong and where (file, line, setting), settings marked with {@link #setting}
   */
  public FerException(String message) {
    super(message);
  }

  /**
   * A problem with the user's input, caused by another failure.
   *
   * @param message what is wrong and where
   * @param cause the failure behind it
   */
  public FerException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * A setting's key as a message names it: marked, so that {@link #message} can spell it as the
   * caller's users know it (the CLI's flag) and never touches the same word inside a file name.
   *
   * @param key the setting's key, e.g. "max_image_pixels"
   * @return the key, marked for the message
   */
  public static String setting(String key) {
    return OPEN + key + CLOSE;
  }

  /**
   * A text with its marked settings spelled as their keys.
   *
   * @param text a message, perhaps with marked settings
   * @return the text with each marked setting as its bare key
   */
  public static String plain(String text) {
    return spell(text, k -> k);
  }

  /**
   * A text with its marked settings spelled another way.
   *
   * @param text a message, perhaps with marked settings
   * @param spelling key to the spelling wanted, e.g. the command-line flag
   * @return the text with each marked setting so spelled
   */
  public static String spell(String text, UnaryOperator<String> spelling) {
    if (text == null || text.indexOf(OPEN) < 0) {
      return text;
    }
    return MARKED.matcher(text).replaceAll(r -> Matcher.quoteReplacement(spelling.apply(r.group(1))));
  }

  /** The message, naming settings by their keys. */
  @Override
  public String getMessage() {
    return plain(super.getMessage());
  }

  /**
   * Records settings the message names as plain words (a setting's own validation message), so
   * that {@link #message} can spell them otherwise; messages built with {@link #setting} need
   * nothing more.
   *
   * @param keys the settings' keys, as they appear in the message
   * @return this exception
   */
  public FerException naming(String... keys) {
    this.keys.addAll(List.of(keys));
    return this;
  }

  /** @return the keys of the settings the message names */
  public List<String> settings() {
    List<String> out = new ArrayList<>(keys);
    Matcher m = MARKED.matcher(String.valueOf(super.getMessage()));
    while (m.find()) {
      if (!out.contains(m.group(1))) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  /**
   * The message with each named setting spelled another way.
   *
   * @param spelling for example key to command-line flag
   * @return the message with every setting it names so spelled
   */
  public String message(UnaryOperator<String> spelling) {
    String m = spell(super.getMessage(), spelling);
    for (String k : keys) {
      m = Pattern.compile("(?<![\\w-])" + Pattern.quote(k) + "(?![\\w-])").matcher(m)
          .replaceAll(Matcher.quoteReplacement(spelling.apply(k)));
    }
    return m;
  }
}
