/**
 * Evaluation of predictions files as immutable data ({@link org.fertk.analysis.Evaluation},
 * built by {@link org.fertk.analysis.Analysis#of}), bootstrap intervals, McNemar tests, and the
 * renderers: tables, PNG figures and Markdown/HTML reports for {@code fer analyze} and {@code fer compare}.
 */
package org.fertk.analysis;
