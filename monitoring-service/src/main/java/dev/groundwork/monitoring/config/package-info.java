/** Typed configuration ({@code @ConfigMapping}). */
package dev.groundwork.monitoring.config;
