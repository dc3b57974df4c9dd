/**
 * Keras model import: .keras archives and Keras 2-era HDF5 files read in pure Java (jHDF), turned
 * into run folders with the model's own preprocessing built in.
 */
package org.fertk.keras;
