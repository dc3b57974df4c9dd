/**
 * The workflows that turn a trained model into shipped files and check them: ONNX export with the
 * TF-vs-ONNX Runtime parity check, int8 quantization and float16 weight storage, each compared
 * against the float model before the file is written.
 */
package org.fertk.export;
