package org.fertk;

import java.util.Locale;

/**
 * The seven FER2013 classes, in the dataset's label order: {@code ordinal()} is the label (0 angry
 * ... 6 neutral) and the index of the class in every probability array the toolkit returns.
 */
public enum Emotion {
  /** Label 0. */
  ANGRY,
  /** Label 1. */
  DISGUST,
  /** Label 2. */
  FEAR,
  /** Label 3. */
  HAPPY,
  /** Label 4. */
  SAD,
  /** Label 5. */
  SURPRISE,
  /** Label 6. */
  NEUTRAL;

  /** The number of classes (7). */
  public static final int COUNT = 7;

  /**
   * The lower-case name used in folder layouts and prediction columns.
   *
   * @return for example {@code "angry"}
   */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The capitalised name used in tables and plots.
   *
   * @return for example {@code "Angry"}
   */
  public String title() {
    return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
  }

  /**
   * The class of a FER2013 label.
   *
   * @param label 0 to 6
   * @return the class with that label
   * @throws ArrayIndexOutOfBoundsException when the label is outside 0..6
   */
  public static Emotion of(int label) {
    return values()[label];
  }

  /**
   * Matches a folder or option name, ignoring case and surrounding spaces.
   *
   * @param name for example {@code "Happy"}
   * @return the class, or null when the name is not one of the seven
   */
  public static Emotion fromName(String name) {
    String n = name.trim().toUpperCase(Locale.ROOT);
    for (Emotion e : values()) {
      if (e.name().equals(n)) {
        return e;
      }
    }
    return null;
  }

  /**
   * The lower-case names in label order.
   *
   * @return a new array of the seven {@link #key()} values
   */
  public static String[] keys() {
    String[] k = new String[COUNT];
    for (Emotion e : values()) {
      k[e.ordinal()] = e.key();
    }
    return k;
  }
}
