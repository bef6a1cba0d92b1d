package org.nifispectro;
