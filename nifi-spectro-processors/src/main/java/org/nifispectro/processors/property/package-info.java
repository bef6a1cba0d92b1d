/**
 * Choices offered by processor properties, as {@link org.apache.nifi.components.DescribedValue} enums
 * that map onto the science-core types.
 */
package org.nifispectro.processors.property;
