#!/usr/bin/python3
"""Small HDF5 fixtures written with h5py (Debian python3-h5py) for the StackReader tests, where the
reference library's own conventions matter (variable-length string attributes, chunked + gzip
storage, old-style NeXus axes strings, external links, zero-size dimensions).

Every stack value is v(e, y, x) = 1000*e + 10*y + x, e being the index along the energy axis AS
STORED in the file, so a test can check any element in closed form.
Run: cd src/test/resources/io/stack && /usr/bin/python3 make_fixtures.py
"""
import h5py
import numpy as np


def cube(ne, ny, nx):
    e, y, x = np.meshgrid(np.arange(ne), np.arange(ny), np.arange(nx), indexing='ij')
    return 1000.0 * e + 10.0 * y + x


# 1. NXstxm as written by STXM control software: vlen strings, @default chain, chunked gzip, uint16.
with h5py.File('nxstxm_h5py.h5', 'w') as f:
    f.attrs['default'] = 'entry1'
    f.attrs['NX_class'] = 'NXroot'
    e = f.create_group('entry1')
    e.attrs['NX_class'] = 'NXentry'
    e.attrs['default'] = 'counts'
    e.create_dataset('definition', data='NXstxm')
    d = e.create_group('counts')
    d.attrs['NX_class'] = 'NXdata'
    d.attrs['signal'] = 'data'
    d.attrs['axes'] = ['energy', 'sample_y', 'sample_x']
    d.attrs['energy_indices'] = 0
    d.create_dataset('data', data=cube(7, 5, 6).astype(np.uint16), chunks=(7, 2, 3), compression='gzip', shuffle=True)
    en = d.create_dataset('energy', data=np.linspace(700.0, 712.0, 7))
    en.attrs['units'] = 'eV'
    d.create_dataset('sample_y', data=np.arange(5) * 0.05)
    d.create_dataset('sample_x', data=np.arange(6) * 0.05)

# 2. No @default anywhere, old NeXus style: @signal=1 and @axes="a:b:c" on the dataset,
#    y-x-energy order, energy in keV WITHOUT units attribute, stored DECREASING.
with h5py.File('nxdata_yxe_decreasing_kev.h5', 'w') as f:
    e = f.create_group('scan')
    e.attrs['NX_class'] = 'NXentry'
    d = e.create_group('spectra')
    d.attrs['NX_class'] = 'NXdata'
    c = np.transpose(cube(6, 4, 3), (1, 2, 0)).astype(np.float64)  # [y][x][e]
    ds = d.create_dataset('signal_data', data=c)
    ds.attrs['signal'] = 1
    ds.attrs['axes'] = 'sample_y:sample_x:photon_energy'
    d.create_dataset('photon_energy', data=np.linspace(8.40, 8.30, 6))

# 3. zero-size image dimension
with h5py.File('zero_size.h5', 'w') as f:
    f.create_dataset('exchange/data', data=np.zeros((5, 0, 4), np.float32))
    f.create_dataset('exchange/energy', data=np.linspace(700, 704, 5))

# 4. external link to a file outside (must be refused, never followed)
with h5py.File('external_link.h5', 'w') as f:
    f['exchange/data'] = h5py.ExternalLink('/etc/passwd.h5', '/data')
    f.create_dataset('exchange/energy', data=np.linspace(700, 704, 5))

# 5. string "data"
with h5py.File('string_data.h5', 'w') as f:
    f.create_dataset('exchange/data', data=np.array([b'abc', b'def'] * 4).reshape(2, 2, 2))
    f.create_dataset('exchange/energy', data=np.array([700.0, 701.0]))
print('ok')

# 6. contiguous datasets of several element types and byte orders, same values, for the direct reader
with h5py.File('contiguous_types.h5', 'w') as f:
    c = cube(3, 2, 4)
    for t in ('>u2', '<i2', '<i4', '<u4', '>f8', '>f4', 'u1', 'i1'):
        vals = c if t not in ('u1', 'i1') else np.mod(c, 100)
        f.create_dataset('t_' + t.replace('<', 'le_').replace('>', 'be_'), data=vals.astype(t))
    f.create_dataset('energy', data=np.array([700.0, 701.0, 702.0]))
