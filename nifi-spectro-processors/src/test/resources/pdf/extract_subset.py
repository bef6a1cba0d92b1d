#!/usr/bin/python3
"""Extracts a small subset of shared/data/pdf/reference_diffpy/mlsm_settings_G.h5 (DiffPy-CMI
PDFCalculator outputs, MLSM settings) into mlsm_subset.csv for the default (offline) test suite,
and copies the matching CIFs into cif_subset/.  Run from this directory:
    /usr/bin/python3 extract_subset.py /work/shared/data
Selection: every 12th structure of the h5 whose CIF is present, with <= 60 atoms per cell."""
import os, shutil, sys
import h5py
import numpy as np

data = sys.argv[1]
h = h5py.File(os.path.join(data, 'pdf/reference_diffpy/mlsm_settings_G.h5'), 'r')
names = [n.decode() for n in h['names'][:]]
G = h['G'][:]
nat = h['natoms'][:]
os.makedirs('cif_subset', exist_ok=True)
rows = []
for k in range(0, len(names), 12):
    p = os.path.join(data, names[k])
    if not os.path.exists(p) or nat[k] > 60:
        continue
    shutil.copy(p, os.path.join('cif_subset', os.path.basename(p)))
    rows.append((os.path.basename(p), int(nat[k]), G[k]))
with open('mlsm_subset.csv', 'w') as fh:
    fh.write('# DiffPy-CMI PDFCalculator G(r), r = 0..30 step 0.1 (301 values); from mlsm_settings_G.h5\n')
    fh.write('# cif,natoms,G(r=0),G(r=0.1),...\n')
    for name, n, g in rows:
        fh.write(name + ',' + str(n) + ',' + ','.join('%.10g' % v for v in g) + '\n')
print(len(rows), 'structures')
