/**
 * Studies: a plan of runs (architectures and training settings) trained, exported, scored
 * and compared in one resumable command, {@code fer study}.
 */
package org.fertk.study;
