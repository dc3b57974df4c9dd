/**
 * Scoring and evaluation on Apache Spark: FER2013 files read in parallel with every line
 * numbered, one ONNX Runtime session per executor JVM, predictions in the toolkit's layout,
 * metrics from Spark aggregations. Spark is a provided dependency: nothing else loads it.
 */
package org.fertk.spark;
