#!/usr/bin/python3
"""Opens a result file written by StackWriter with h5py and prints a JSON summary that the Java
interop test checks: the NeXus @default chain, NXdata signal/axes, shapes, dtypes, a few values and
the processing history. Usage: python3 check_with_h5py.py result.h5"""
import json
import sys

import h5py


def s(v):
    if isinstance(v, bytes):
        return v.decode()
    if hasattr(v, 'tolist'):
        v = v.tolist()
    if isinstance(v, list):
        return [s(x) for x in v]
    return v


out = {}
with h5py.File(sys.argv[1], 'r') as f:
    entry = s(f.attrs['default'])
    out['entry'] = entry
    e = f[entry]
    out['entry_class'] = s(e.attrs['NX_class'])
    dflt = s(e.attrs['default'])
    out['default'] = dflt
    groups = {}
    for name, g in e.items():
        if not isinstance(g, h5py.Group):
            continue
        info = {'class': s(g.attrs.get('NX_class'))}
        if info['class'] == 'NXdata':
            sig = s(g.attrs['signal'])
            d = g[sig]
            info.update(signal=sig, axes=s(g.attrs.get('axes')), shape=list(d.shape), dtype=str(d.dtype),
                        first=float(d[(0,) * d.ndim]), last=float(d[tuple(n - 1 for n in d.shape)]),
                        units=s(d.attrs.get('units')))
            if 'energy' in g:
                info['energy_units'] = s(g['energy'].attrs.get('units'))
                info['energy'] = s(g['energy'][:])
        groups[name] = info
    out['groups'] = groups
    hist = []
    if 'process' in e:
        for k in sorted(e['process']):
            p = e['process'][k]
            hist.append({f: s(p[f][()] if p[f].shape == () else p[f][0]) for f in
                         ('program', 'version', 'date', 'sequence_index', 'parameters', 'input_file', 'input_uuid')})
    out['history'] = hist
print(json.dumps(out))
