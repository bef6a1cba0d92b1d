#!/usr/bin/python3
"""Larch reference for ExtractEXAFSTest: the L3 EXAFS of a scan that runs into the L2 edge (seed 000's case,
Nd L3 before L2; here Ba L3 in BaL3_YBCO_010.dat, whose scan ends at 5630 eV, just past Ba L2 = 5624 eV).

Run with Debian's interpreter (python3-xraylarch 0.9.58):  /usr/bin/python3 make_bal3_reference.py
  mu(E) = column 2; only E <= emax = L2 - 30 eV is used (the energy range limit), then
  autobk(all Larch defaults), xftf(kweight=2, kmin=2, kmax=8, dk=1, window='hanning', nfft=2048, kstep=0.05).
Outputs: bal3_emax_chik.csv (k, chi), bal3_emax_chir.csv (R, |chi|, Re, Im), bal3_emax_summary.json
"""
import json
import os
import warnings

import numpy as np

warnings.filterwarnings('ignore')
import larch  # noqa: E402
from larch import Group  # noqa: E402
from larch.xafs import autobk, xftf  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
d = np.loadtxt(os.path.join(HERE, 'BaL3_YBCO_010.dat'))
e_l2 = float(larch.xray.xray_edge('Ba', 'L2').energy)
emax = e_l2 - 30.0
keep = d[:, 0] <= emax
g = Group(energy=d[keep, 0], mu=d[keep, 1])
autobk(g)
xftf(g, kweight=2, kmin=2.0, kmax=8.0, dk=1.0, window='hanning', rmax_out=10, nfft=2048, kstep=0.05)
m = (g.r >= 0.8) & (g.r <= 6.0)
idx = np.where(m)[0]
ymax = g.chir_mag[idx].max()
peaks = []
for i in idx[1:-1]:
    a, b, c = g.chir_mag[i - 1], g.chir_mag[i], g.chir_mag[i + 1]
    if b > a and b >= c and b >= 0.1 * ymax:
        den = a - 2 * b + c
        off = 0.5 * (a - c) / den if den != 0 else 0.0
        peaks.append(round(float(g.r[i] + off * (g.r[1] - g.r[0])), 4))
with open(os.path.join(HERE, 'bal3_emax_chik.csv'), 'w') as fh:
    fh.write('k_invA,chi\n')
    for k, c in zip(g.k, g.chi):
        fh.write(f'{k:.3f},{c:.8g}\n')
with open(os.path.join(HERE, 'bal3_emax_chir.csv'), 'w') as fh:
    fh.write('R_A,chir_mag,chir_re,chir_im\n')
    for r, mg, re_, im in zip(g.r, g.chir_mag, g.chir_re, g.chir_im):
        fh.write(f'{r:.5f},{mg:.8g},{re_:.8g},{im:.8g}\n')
json.dump({'larch_version': larch.__version__, 'L2_edge_eV': e_l2, 'emax': emax, 'npts_used': int(keep.sum()),
           'e0': round(float(g.e0), 4), 'edge_step': round(float(g.edge_step), 8),
           'autobk_kmax': round(float(g.autobk_details.kmax), 4), 'chir_peaks_R': peaks},
          open(os.path.join(HERE, 'bal3_emax_summary.json'), 'w'), indent=1)
print(e_l2, emax, int(keep.sum()), g.e0, g.autobk_details.kmax, peaks)
