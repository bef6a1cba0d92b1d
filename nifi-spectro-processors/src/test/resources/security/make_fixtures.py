#!/usr/bin/env python3
"""HDF5 files whose links point OUTSIDE the file, for PathSecurityTest (issue 9, security).

jHDF follows HDF5 external links (relative names resolve against the directory of the file being
read, i.e. the processors' spool directory java.io.tmpdir), through getByPath on every path segment
and through soft links. Each *_external.h5 file here reaches into a "secret" file that the test puts
into java.io.tmpdir under the linked name; a processor that followed the link would read the secret
and succeed. Written with h5py (Debian python3-h5py 3.7).
Run: cd src/test/resources/security && /usr/bin/python3 make_fixtures.py
"""
import csv
import h5py
import numpy as np

# 1. stack: soft link /exchange/data -> /ext/data, where /ext is an external link to the secret stack
with h5py.File('stack_soft_to_external.h5', 'w') as f:
    f['ext'] = h5py.ExternalLink('nsp_secret_stack.h5', '/exchange')
    f.create_group('exchange')
    f['exchange/data'] = h5py.SoftLink('/ext/data')
    f['exchange/energy'] = h5py.SoftLink('/ext/energy')
# the secret stack itself (what the links reach): Data Exchange, 8 energies, 3 x 4 pixels
with h5py.File('secret_stack.h5', 'w') as f:
    e = np.linspace(700, 707, 8)
    d = np.array([[[1000 * k + 10 * y + x for x in range(4)] for y in range(3)] for k in range(8)], dtype='f4')
    f.create_dataset('exchange/data', data=d).attrs['axes'] = 'energy:y:x'
    f.create_dataset('exchange/energy', data=e).attrs['units'] = 'eV'

# 2. series: the group of the 2-D dataset, and the dataset itself, are external links
with h5py.File('series_external.h5', 'w') as f:
    f['grp'] = h5py.ExternalLink('nsp_secret_series.h5', '/grp')
    f['direct'] = h5py.ExternalLink('nsp_secret_series.h5', '/grp/series')
with h5py.File('secret_series.h5', 'w') as f:
    r = np.linspace(1, 10, 50)
    f.create_dataset('grp/series', data=np.array([np.exp(-(r - c) ** 2) + 0.1 for c in (3, 5, 7)]))
    f.create_dataset('grp/r', data=r)

# 3. chain files (RejectLowSNR, DBSCANCluster inputs): /entry is an external link to a real output
#    of the step before, which the test writes into java.io.tmpdir
#    (secret_normalized.h5 and secret_rejected.h5 are NormalizeSpectra and RejectLowSNR outputs of the
#    3 x 4 pixel ChainFixtures two-edge stack, windows L3:5450-6160, L2:7030-7360, default settings).
#    *_entry_external.h5: /entry itself is the link; *_external.h5: /entry is a real group with the
#    secret's attributes and its normalized stacks, every map group (e0, edge step, noise, white
#    line, SNR, mask) an external link into the secret.
for step in ('normalized', 'rejected'):
    secret = 'secret_%s.h5' % step
    target = 'nsp_secret_%s.h5' % step
    with h5py.File('%s_entry_external.h5' % step, 'w') as f:
        f['entry'] = h5py.ExternalLink(target, '/entry')
    with h5py.File(secret, 'r') as s, h5py.File('%s_external.h5' % step, 'w') as f:
        g = f.create_group('entry')
        for k, v in s['entry'].attrs.items():
            g.attrs[k] = v
        for child in s['entry']:
            if child.startswith('norm_'):
                s.copy(s['entry/' + child], g, child)  # the stacks stay in the file: the maps are the links
            elif child != 'process':
                g[child] = h5py.ExternalLink(target, '/entry/' + child)

# 4. cluster spectra (ExtractEXAFS): the NXdata group is an external link
with h5py.File('spectra_external.h5', 'w') as f:
    g = f.create_group('entry')
    g.attrs['NX_class'] = 'NXentry'
    f['entry/clusters'] = h5py.ExternalLink('nsp_secret_spectra.h5', '/entry/clusters')
with open('../xas/reference/cu_metal_rt_norm.csv') as c:
    rows = list(csv.DictReader(c))
energy = np.array([float(r['energy_eV']) for r in rows])
mu = np.array([float(r['mu']) for r in rows])
with h5py.File('secret_spectra.h5', 'w') as f:
    g = f.create_group('entry/clusters')
    g.attrs['NX_class'] = 'NXdata'
    g.attrs['signal'] = 'mu'
    g.attrs['axes'] = ['cluster', 'energy']
    g.create_dataset('mu', data=mu[np.newaxis, :])
    g.create_dataset('energy', data=energy).attrs['units'] = 'eV'
print('ok')
