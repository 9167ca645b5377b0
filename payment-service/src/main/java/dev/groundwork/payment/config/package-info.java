/** Typed configuration ({@code @ConfigMapping}). */
package dev.groundwork.payment.config;
