/** Typed configuration ({@code @ConfigMapping}). */
package dev.groundwork.gateway.config;
