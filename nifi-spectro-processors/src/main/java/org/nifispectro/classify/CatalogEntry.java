package org.nifispectro.classify;

/**
 * One structure of a catalog.
 *
 * @param sourceId the CIF file's path relative to the catalog folder (with '/' separators)
 * @param block the CIF data block the structure came from
 * @param formula unit-cell formula, e.g. "Na4 Cl4"
 * @param spaceGroup space-group symbol as given in the CIF
 * @param atoms atoms in the unit cell after symmetry expansion
 */
public record CatalogEntry(String sourceId, String block, String formula, String spaceGroup, int atoms) {
}
