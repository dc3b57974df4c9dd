/**
 * The public API of the FER toolkit: {@link org.fertk.FerModel} classifies faces, {@link org.fertk.Training}
 * trains a network from a {@link org.fertk.train.TrainConfig} and returns a {@link org.fertk.TrainedModel},
 * {@link org.fertk.Callback} hooks into training (Keras' contract), {@link org.fertk.Prediction} and
 * {@link org.fertk.Emotion} carry the answers.
 *
 * <p>Layering: the contract types here ({@code Emotion}, {@code Prediction}, {@code Callback}) depend
 * on nothing else in the toolkit, so the layers below may use them; the façades ({@code FerModel},
 * {@code Training}, {@code TrainedModel}) sit on top of those layers. Only the CLI and its benchmarks (clients of
 * the library) use a façade.
 */
package org.fertk;
