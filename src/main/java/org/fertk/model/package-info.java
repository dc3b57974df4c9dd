/**
 * Architectures as Keras-shaped JSON specs, validated and built into TensorFlow Java graphs:
 * layers, initializers, regularizers, the inference graph and SavedModel export.
 */
package org.fertk.model;
