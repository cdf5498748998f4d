/**
 * The seda runtime: stages (bounded queue, admission policy, thread pool, handler), the graph that
 * owns their lifecycle, and a non-blocking TCP layer that feeds stages. Depends on the JDK alone;
 * logs through {@link java.lang.System.Logger}.
 */
package dev.seda.runtime;
