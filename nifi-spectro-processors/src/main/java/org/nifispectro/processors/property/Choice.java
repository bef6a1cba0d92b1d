package org.nifispectro.processors.property;

import org.apache.nifi.components.DescribedValue;

/**
 * An allowable value of a processor property whose stored value is also its display name: the
 * project's property enums implement this and hold one {@link Text}, instead of each repeating the
 * three {@link DescribedValue} getters.
 */
public interface Choice extends DescribedValue {

    /**
     * @param value the value stored in the flow and shown in the UI
     * @param description what choosing it does
     */
    record Text(String value, String description) {
    }

    /** @return this value's name and description */
    Text text();

    @Override
    default String getValue() {
        return text().value();
    }

    @Override
    default String getDisplayName() {
        return text().value();
    }

    @Override
    default String getDescription() {
        return text().description();
    }
}
