#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the codec compatibility data (tests/test_codec_compat.c reads it).

Run once, with the decoder of the commit the data freezes (issue 15, before
the op table): every encoded seed under out/corpus/, every text scenario of
the tree encoded with that commit's `scenario encode`, and random byte
strings from a fixed seed, each with what `out/scenario decode` printed.
Regenerating it with a later decoder would test nothing; it is here to say
how the data was made.

    python3 tests/data/codec-compat/gen.py OUT_DIR_OF_THAT_BUILD

random.compat starts with `# codes: 16 22 19`, the number of op codes in
base, page-flag and PCP mode when it was recorded: once a mode has more,
kind bytes past the old count mean other ops, and the test leaves out the
records that have such bytes.

Record format (one file per set): a line `== NAME HEX CANON` (HEX the input,
`-` when empty; CANON what `scenario encode` made of the decoded text: the
encoder's canonical bytes), then the decoded text, up to the next `== ` line.
"""
import glob
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
HERE = os.path.dirname(os.path.abspath(__file__))


def decode(scenario, data):
    with tempfile.NamedTemporaryFile(delete=False) as f:
        f.write(data)
        path = f.name
    try:
        return subprocess.run([scenario, 'decode', path], check=True,
                              capture_output=True, text=True).stdout
    finally:
        os.unlink(path)


def encode(scenario, txt):
    with tempfile.NamedTemporaryFile(delete=False) as f:
        path = f.name
    try:
        subprocess.run([scenario, 'encode', txt, path], check=True)
        with open(path, 'rb') as f:
            return f.read()
    finally:
        os.unlink(path)


def write(name, records, scenario):
    with open(os.path.join(HERE, name), 'w') as out:
        for rec, data in records:
            text = decode(scenario, data)
            with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as f:
                f.write(text)
                path = f.name
            try:
                canon = encode(scenario, path)
            finally:
                os.unlink(path)
            out.write('== %s %s %s\n' % (rec, data.hex() or '-', canon.hex()))
            out.write(text)


def random_inputs():
    rng = random.Random(15)
    for i in range(360):
        mode = i % 4    # 0 base, 1 PCP, 2 page flags, 3 any header
        n = 8 + rng.randrange(0, 161) if i >= 8 else i
        data = bytearray(rng.randrange(256) for _ in range(n))
        if n >= 6 and mode != 3:
            what_if = 0x40 if rng.randrange(4) == 0 else 0
            if mode == 0:
                data[4] = 0
                data[5] = what_if | (data[5] & 0x80)
            elif mode == 1:
                data[4] = data[4] or 1
                data[5] = what_if | (data[5] & 0x80)
            else:
                data[5] = (data[5] & 0x80) | what_if | (1 + data[5] % 63)
        yield 'random-%03d-%s' % (i, ('base', 'pcp', 'pgflags', 'any')[mode]), bytes(data)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, 'out')
    scenario = os.path.join(out, 'scenario')
    seeds = []
    for path in sorted(glob.glob(os.path.join(out, 'corpus', '*', '*'))):
        with open(path, 'rb') as f:
            seeds.append((os.path.relpath(path, os.path.join(out, 'corpus')), f.read()))
    texts = []
    for d in ('tests/scenarios', 'corpus/regressions'):
        for path in sorted(glob.glob(os.path.join(ROOT, d, '*.txt'))):
            texts.append((os.path.relpath(path, ROOT), encode(scenario, path)))
    write('corpus.compat', seeds + texts, scenario)
    write('random.compat', list(random_inputs()), scenario)
    # (the `# codes: 16 22 19` line was added in front by hand)


if __name__ == '__main__':
    main()
