/**
 * Annotations for writing a staged event-driven (SEDA) service: {@link dev.seda.annotations.StageGraph}
 * on the class, {@link dev.seda.annotations.Stage} and {@link dev.seda.annotations.Emits} on its handler
 * methods, {@link dev.seda.annotations.Listen} on a stage fed by a TCP port.
 */
package dev.seda.annotations;
