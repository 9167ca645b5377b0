package dev.groundwork.cache.service;

/** Who a request is: the namespace its token belongs to, and whether the token may write. */
public record Access(String namespace, boolean readOnly, Policy policy) {

    public String prefix() {
        return Keys.prefix(namespace);
    }
}
