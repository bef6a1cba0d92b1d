package org.nifispectro.runtime;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real NiFi for all end-to-end tests of a run (start-up costs 15-30 s), stopped when the
 * test run ends. Each test imports its own flow into its own process group and data folders.
 */
final class SharedNiFi {

    private SharedNiFi() {
    }

    static NiFiInstance get(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent("nifi", key -> new Holder(), Holder.class).nifi;
    }

    private static final class Holder implements ExtensionContext.Store.CloseableResource {
        private final NiFiInstance nifi;

        Holder() {
            try {
                nifi = NiFiInstance.start("e2e");
            } catch (Exception e) {
                throw new IllegalStateException("could not start NiFi: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws Exception {
            nifi.close();
        }
    }
}
