#!/usr/bin/python3
"""Writes samples/xanes-imaging/als_stxm_71214078_FeL23_od.h5 from the ALS STXM stack of the project's
reference data collection (../shared/data/stacks/als_stxm_fe_L23/, MIT, data courtesy B. Toner and M. Marcus,
ALS 11.0.2.2): the transmitted counts I(E, y, x) are turned into optical density OD = -ln(I / I0(E)) with
the stack's own I0 spectrum, and stored in the APS Data Exchange layout (/exchange/data, /exchange/energy in eV)
that NormalizeSpectra detects. Run: python3 samples/tools/make_xanes_sample.py (needs h5py, numpy)."""
import os
import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(os.path.dirname(here))
src = os.path.join(repo, '..', 'shared', 'data', 'stacks', 'als_stxm_fe_L23', 'stxm_71214078_FeL23_125x125x123.h5')
out = os.path.join(repo, 'samples', 'xanes-imaging', 'als_stxm_71214078_FeL23_od.h5')
with h5py.File(src, 'r') as f:
    energy = f['energy_eV'][()]
    intensity = f['intensity'][()].astype(np.float64)
    i0 = np.interp(energy, f['i0_energy_eV'][()], f['i0'][()])
od = -np.log(np.clip(intensity, 1e-3, None) / i0[:, None, None]).astype(np.float32)
with h5py.File(out, 'w') as h:
    h.attrs['source'] = ('ALS 11.0.2.2 STXM stack 71214078, Fe L3/L2 (700-730 eV), github.com/stetef/'
                         'nano-XANES-microscopy-of-Fe Data/ALS_Toner (MIT); optical density = -ln(I/I0)')
    ex = h.create_group('exchange')
    d = ex.create_dataset('data', data=od, compression='gzip', compression_opts=6, shuffle=True, chunks=(len(energy), 25, 25))
    d.attrs['axes'] = 'energy:y:x'
    d.attrs['units'] = 'optical density'
    e = ex.create_dataset('energy', data=energy)
    e.attrs['units'] = 'eV'
print(out, od.shape, float(od.min()), float(od.max()))
