/** Typed configuration ({@code @ConfigMapping}). */
package dev.groundwork.auth.config;
