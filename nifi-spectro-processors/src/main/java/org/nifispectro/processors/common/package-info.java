/**
 * What every nifi-spectro processor shares: routing bad input to {@code failure} with the reason,
 * the processing-history record written into outputs, temp-file spooling for random-access formats,
 * and provenance details. No science here.
 */
package org.nifispectro.processors.common;
