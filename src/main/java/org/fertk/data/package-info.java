/**
 * Faces and their labels: FER2013 CSV and image-folder readers, synthetic faces, splits, image
 * conversion to 48x48 grey, and {@link org.fertk.data.Scores} (a batch of probabilities with argmax,
 * ranking and accuracy).
 */
package org.fertk.data;
