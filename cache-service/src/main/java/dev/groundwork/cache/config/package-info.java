/** Typed configuration ({@code @ConfigMapping}). */
package dev.groundwork.cache.config;
