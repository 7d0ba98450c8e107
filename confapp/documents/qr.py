"""QR codes as vector squares: the matrix from ``qrcode``, drawn as one filled path per code."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import qrcode
from qrcode import base, util
from qrcode.constants import ERROR_CORRECT_M

#: Modules of white space around the code that scanners need.
QUIET_ZONE = 2


#: Modules of QR codes by version, with a fixed mask: fitted once per shape of data (see ``qr_matrix``).
_shapes: dict[tuple[tuple[int, int], ...], "_Shape"] = {}
MASK_PATTERN = 2
PAD_BYTES = (0xEC, 0x11)


class _Recorder(qrcode.QRCode):
    """A ``QRCode`` that keeps its modules as they are before the data goes in."""

    blank: list[list[bool | None]]

    def map_data(self, data, mask_pattern):
        self.blank = [row[:] for row in self.modules]
        super().map_data(data, mask_pattern)


@dataclass(frozen=True)
class _Shape:
    """What every code of one version shares: function patterns, where data goes, the blocks."""

    version: int
    #: The modules without data (None where data goes).
    blank: list[list[bool | None]]
    #: (row, column, masked) of each data module in the order the bits fill them.
    places: list[tuple[int, int, bool]]
    #: (data codewords, error correction codewords) per block.
    blocks: list[tuple[int, int]]

    @classmethod
    def of(cls, recorder: _Recorder) -> "_Shape":
        """Data places in the zigzag order of ``QRCode.map_data``, from the modules left free."""
        blank, count, masked = recorder.blank, len(recorder.blank), util.mask_func(MASK_PATTERN)
        places, row, step = [], count - 1, -1
        for col in range(count - 1, 0, -2):
            col -= col <= 6  # the vertical timing pattern takes column 6
            while 0 <= row < count:
                places += [(row, c, masked(row, c)) for c in (col, col - 1) if blank[row][c] is None]
                row += step
            row, step = row - step, -step
        blocks = [(block.data_count, block.total_count - block.data_count)
                  for block in base.rs_blocks(recorder.version, recorder.error_correction)]
        return cls(recorder.version, blank, places, blocks)


class _Bits(list):
    """Stands in for ``qrcode``'s bit buffer: bits as strings of 0 and 1."""

    def put(self, number: int, length: int) -> None:
        self.append(format(number, f"0{length}b"))


def qr_matrix(text: str) -> list[list[bool]]:
    """The modules of the QR code of ``text`` (error correction M), quiet zone included.

    The mask pattern is fixed: choosing the best of the eight costs 80 % of encoding time, any
    of them is valid, and the tests decode every printed code. ``qrcode`` makes the first code
    of each shape of data (modes and lengths of its segments, which alone decide the version);
    all badge URLs have the same shape, and the rest are encoded here with table lookups in a
    tenth of the time: the codewords, their Reed-Solomon error correction, the modules.
    """
    code = _Recorder(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, mask_pattern=MASK_PATTERN)
    code.add_data(text)
    key = tuple((segment.mode, len(segment)) for segment in code.data_list)
    shape = _shapes.get(key)
    if shape is None:
        code.make(fit=True)
        _shapes[key] = _Shape.of(code)
        return code.get_matrix()
    bits = "".join(format(byte, "08b") for byte in _codewords(code.data_list, shape)).ljust(len(shape.places), "0")
    modules = [row[:] for row in shape.blank]
    for (row, col, masked), bit in zip(shape.places, bits):
        modules[row][col] = (bit == "1") != masked
    edge = [False] * QUIET_ZONE
    width = len(modules) + 2 * QUIET_ZONE
    return ([[False] * width for _ in range(QUIET_ZONE)] + [edge + row + edge for row in modules]
            + [[False] * width for _ in range(QUIET_ZONE)])


def _codewords(segments, shape: _Shape) -> list[int]:
    """Data and error correction codewords, interleaved by block (as ``qrcode.util.create_data``)."""
    bits = _Bits()
    for segment in segments:
        bits.put(segment.mode, 4)
        bits.put(len(segment), util.length_in_bits(segment.mode, shape.version))
        segment.write(bits)
    stream = "".join(bits)
    limit = 8 * sum(data for data, _ in shape.blocks)
    stream += "0" * min(limit - len(stream), 4)
    stream += "0" * (-len(stream) % 8)
    data = [int(stream[start:start + 8], 2) for start in range(0, len(stream), 8)]
    data += [PAD_BYTES[number % 2] for number in range(limit // 8 - len(data))]
    data_blocks, ec_blocks, offset = [], [], 0
    for count, ec_count in shape.blocks:
        data_blocks.append(data[offset:offset + count])
        ec_blocks.append(_error_correction(data_blocks[-1], ec_count))
        offset += count
    return [block[i] for blocks in (data_blocks, ec_blocks) for i in range(max(map(len, blocks)))
            for block in blocks if i < len(block)]


@cache
def _products(count: int) -> list[int]:
    """The Reed-Solomon generator (after its leading 1) times each byte in GF(256), each as one big-endian integer."""
    poly = base.Polynomial([1], 0)
    for power in range(count):
        poly = poly * base.Polynomial([1, base.gexp(power)], 0)
    logs = [base.glog(poly[index]) for index in range(1, count + 1)]
    return [0] + [int.from_bytes(bytes(base.EXP_TABLE[(base.LOG_TABLE[factor] + log) % 255] for log in logs))
                  for factor in range(1, 256)]


def _error_correction(data: list[int], count: int) -> list[int]:
    """The ``count`` error correction codewords of a block: the remainder of a polynomial division in GF(256).

    The remainder is one integer of ``count`` bytes, so each step is a shift and an XOR.
    """
    products, top, mask = _products(count), 8 * (count - 1), (1 << 8 * count) - 1
    remainder = 0
    for byte in data:
        remainder = ((remainder << 8) & mask) ^ products[byte ^ (remainder >> top)]
    return list(remainder.to_bytes(count))


def dark_runs(matrix: list[list[bool]]):
    """(row, first column, length) of each horizontal run of dark modules."""
    for y, row in enumerate(matrix):
        for run in re.finditer(rb"\x01+", bytes(row)):
            yield y, run.start(), run.end() - run.start()


def qr_operators(matrix: list[list[bool]], x: float, y: float, size: float) -> str:
    """PDF content stream operators that draw ``matrix`` as a white square with the dark runs on it.

    ``x``, ``y`` and ``size`` are in the page's current units. Scaled to module units first, so
    each run is four small integers: thousands of codes stay cheap.
    """
    modules = len(matrix)
    scale = size / modules
    runs = "".join(f"{column} {row} {length} 1 re\n" for row, column, length in dark_runs(matrix))
    return f"q {scale:.4f} 0 0 {scale:.4f} {x:.3f} {y:.3f} cm 1 g 0 0 {modules} {modules} re f\n0 g\n{runs}f Q\n"

