package org.fertk.train;

import org.fertk.util.SettingException;

/**
 * Optimizer settings with Keras defaults: Adam (lr 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-7)
 * or SGD (lr 1e-2, momentum 0, optional Nesterov).
 */
public record OptimizerConfig(String name, double learningRate, double beta1, double beta2,
    double epsilon, double momentum, boolean nesterov) {
  public OptimizerConfig {
    if (!name.equals("adam") && !name.equals("sgd")) {
      throw new SettingException("optimizer must be adam or sgd, got '" + name + "'", "optimizer");
    }
    if (!(learningRate > 0)) {
      throw new SettingException("lr must be positive, got " + learningRate, "lr");
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new SettingException("momentum must be in [0,1), got " + momentum, "momentum");
    }
    if (name.equals("adam") && (momentum != 0 || nesterov)) {
      throw new SettingException("momentum and nesterov apply to optimizer sgd only (Adam keeps its own moments)", "momentum", "nesterov", "optimizer");
    }
    if (nesterov && name.equals("sgd") && momentum == 0) {
      throw new SettingException("nesterov needs momentum > 0", "nesterov", "momentum");
    }
  }

  public static OptimizerConfig adam(double lr) {
    return new OptimizerConfig("adam", lr, 0.9, 0.999, 1e-7, 0, false);
  }

  public static OptimizerConfig sgd(double lr, double momentum, boolean nesterov) {
    return new OptimizerConfig("sgd", lr, 0.9, 0.999, 1e-7, momentum, nesterov);
  }

  public static double defaultLr(String name) {
    return name.equals("sgd") ? 0.01 : 0.001;
  }
}
