package org.fertk.train;

import java.util.Map;
import org.fertk.util.SettingException;

/**
 * Keras 3 ReduceLROnPlateau: after {@code patience} epochs without an improvement larger than
 * min_delta, multiply the learning rate by {@code factor} (not below min_lr), then wait
 * {@code cooldown} epochs before counting again.
 */
public final class ReduceLROnPlateau {
  /** Settings, Keras defaults: val_loss, factor 0.1, patience 10, auto, min_delta 1e-4. */
  public record Config(String monitor, double factor, int patience, String mode, double minDelta,
      int cooldown, double minLr) {
    public Config {
      if (!(factor < 1.0)) {
        throw new SettingException("ReduceLROnPlateau does not support a factor >= 1.0, got " + factor);
      }
    }

    public static Config defaults() {
      return new Config("val_loss", 0.1, 10, "auto", 1e-4, 0, 0.0);
    }
  }

  /** Mutable state, saved in checkpoints. */
  public static final class State {
    public int wait;
    public int cooldownCounter;
    public Double best;
  }

  private final Config config;
  private final boolean higherIsBetter;
  private State state = new State();

  public ReduceLROnPlateau(Config config) {
    this.config = config;
    Monitor m = Monitor.of(config.monitor(), config.mode());
    // Keras's own "auto" rule here: maximise when the name contains "acc".
    this.higherIsBetter = config.mode().equals("auto") ? config.monitor().contains("acc") : m.higherIsBetter();
  }

  public Config config() {
    return config;
  }

  public State state() {
    return state;
  }

  public void restore(State s) {
    this.state = s;
  }

  private boolean better(double a, double b) {
    return higherIsBetter ? a > b + config.minDelta() : a < b - config.minDelta();
  }

  /** Returns the learning rate for the next epoch. */
  public double onEpochEnd(int epoch, Map<String, Double> logs, double lr) {
    Double current = logs.get(config.monitor());
    if (current == null) {
      return lr;
    }
    if (state.cooldownCounter > 0) {
      state.cooldownCounter--;
      state.wait = 0;
    }
    double best = state.best == null
        ? (higherIsBetter ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY) : state.best;
    if (better(current, best)) {
      state.best = current;
      state.wait = 0;
    } else if (state.cooldownCounter <= 0) {
      state.wait++;
      if (state.wait >= config.patience()) {
        if (lr > (float) config.minLr()) {
          double newLr = Math.max(lr * config.factor(), config.minLr());
          state.cooldownCounter = config.cooldown();
          state.wait = 0;
          return newLr;
        }
      }
    }
    return lr;
  }
}
