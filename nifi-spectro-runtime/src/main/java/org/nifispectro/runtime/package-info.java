/**
 * Tools for the runnable NiFi the project assembles: a REST client and the deployer that imports the
 * project's versioned flows with per-installation parameter values (used by bin/demo and the
 * end-to-end tests).
 */
package org.nifispectro.runtime;
