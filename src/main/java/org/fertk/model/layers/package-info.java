/**
 * One class per Keras layer type: configuration validated in the constructor, weights
 * declared in build, the forward pass in call (training or inference).
 */
package org.fertk.model.layers;
