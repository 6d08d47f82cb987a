#!/usr/bin/env python3
"""Zeroes the device code of every GPU architecture but the kept ones inside a shared library's .nv_fatbin section.

The file keeps its size and layout (ELF and fatbin headers untouched); only the payloads of the other architectures'
entries become zeros, so the file compresses to a fraction of its size. The CUDA runtime picks the entry of the
device's architecture, which is left as it was. Used to send ONNX Runtime's CUDA provider (about 280 MB, code for
sm_75 ... sm_120) to a GPU machine of one architecture in fewer parts (scripts/gpu-parts.sh).

    prune-fatbin.py IN.so OUT.so --keep 90 [--keep 100]

Fatbin layout read here: a section of concatenated fatbins, each a 16-byte header (magic 0xBA55ED50, u16 version,
u16 header size, u64 payload size) followed by entries, each with a header (u16 kind, u16 version, u32 header size,
u64 payload size, ..., u32 architecture at offset 28) followed by its payload.
"""
import argparse
import struct
import sys

FATBIN_MAGIC = 0xBA55ED50


def section(data: bytes, wanted: str):
    """(offset, size) of the ELF64 section named `wanted`."""
    if data[:4] != b"\x7fELF" or data[4] != 2:
        sys.exit("prune-fatbin: not a 64-bit ELF file")
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    headers = [struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize) for i in range(shnum)]
    names = headers[shstrndx][4]
    for name, _type, _flags, _addr, off, size in headers:
        end = data.index(b"\0", names + name)
        if data[names + name:end].decode() == wanted:
            return off, size
    sys.exit(f"prune-fatbin: no {wanted} section")


def prune(data: bytearray, keep: set) -> dict:
    """Zeroes the payloads of entries whose architecture is not in `keep`; returns bytes kept/zeroed per architecture."""
    off, size = section(data, ".nv_fatbin")
    end, pos, stats = off + size, off, {}
    while pos + 16 <= end:
        magic, _version, header, payload = struct.unpack_from("<IHHQ", data, pos)
        if magic != FATBIN_MAGIC:
            pos += 8  # fatbins are 8-byte aligned within the section
            continue
        entry, fat_end = pos + header, pos + header + payload
        if fat_end > end:
            sys.exit(f"prune-fatbin: fatbin at {pos:#x} runs past the section end")
        while entry < fat_end:
            _kind, _ev, entry_header, entry_payload = struct.unpack_from("<HHIQ", data, entry)
            arch = struct.unpack_from("<I", data, entry + 28)[0]
            start, stop = entry + entry_header, entry + entry_header + entry_payload
            if entry_header == 0 or stop > fat_end:
                sys.exit(f"prune-fatbin: malformed entry at {entry:#x}")
            kept = arch in keep
            if not kept:
                data[start:stop] = bytes(entry_payload)
            k = stats.setdefault(arch, [0, 0])
            k[0 if kept else 1] += entry_payload
            entry = stop
        pos = fat_end
    return stats


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--keep", type=int, action="append", required=True, help="architecture to keep, e.g. 90 for sm_90")
    args = parser.parse_args()
    data = bytearray(open(args.input, "rb").read())
    stats = prune(data, set(args.keep))
    if not any(kept for kept, _ in stats.values()):
        sys.exit(f"prune-fatbin: {args.input} has no device code for sm_{args.keep}; architectures present: "
                 + ", ".join(f"sm_{a}" for a in sorted(stats)))
    with open(args.output + ".tmp", "wb") as f:
        f.write(data)
    import os
    os.replace(args.output + ".tmp", args.output)
    for arch in sorted(stats):
        kept, zeroed = stats[arch]
        print(f"sm_{arch}: kept {kept / 1e6:.1f} MB, zeroed {zeroed / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
