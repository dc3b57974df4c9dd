/**
 * The {@code fer} command line (picocli): one {@code Callable<Integer>} per subcommand, shared option
 * mixins, one error handler (exit 1 for bad input, 2 for usage errors). A client of the library, holding
 * no logic of its own beyond parsing and printing.
 */
package org.fertk.cli;
