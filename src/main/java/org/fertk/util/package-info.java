/**
 * Small shared pieces with no knowledge of faces: atomic file output, JSON, locks, progress
 * display, hashing, machine description, error types.
 */
package org.fertk.util;
