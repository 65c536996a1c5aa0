/** Command-line commands of the examples, such as {@link io.github.prefine.examples.cli.EvalCommand} ({@code eval}). */
package io.github.prefine.examples.cli;
