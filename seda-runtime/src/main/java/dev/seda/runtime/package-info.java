/**
 * The seda runtime: stages (bounded queue, admission policy, thread pool, handler), the graph that
 * owns their lifecycle, and a non-blocking network layer (TCP listeners with connection events,
 * accept suspension and read-rate limits, outgoing TCP connections, UDP) that feeds stages and is
 * written to from them. Depends on the JDK alone;
 * logs through {@link java.lang.System.Logger}.
 */
package dev.seda.runtime;
