// A pre-check before handing a compound file to `cfb`: cfb 1.2.2 follows the sector chain of a large
// directory entry whose start lies past the end of the file without remembering where it has been
// (get_sector_list), so a crafted FAT entry pointing to itself loops forever, synchronously, and would
// stall the whole gateway. This walks the header, the FAT and the directory chain with every loop
// bounded by the number of sectors, and refuses such entries first.
// The directory is a red-black tree linked by entry ids (left sibling, right sibling, child): cfb
// follows those links without a visited set too, so a sibling pointing back to an ancestor (four
// bytes changed in a valid file) makes it grow its path array until V8 aborts. The tree is walked
// here first, each entry at most once.

const ENDOFCHAIN = 0xfffffffe;
const MAX_REGULAR_SECTOR = 0xfffffffa;
const NOSTREAM = 0xffffffff;

export function ole2StructureProblem(data: Buffer): string | null {
  if (data.length < 512) return 'shorter than a compound file header';
  const shift = data.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return `sector size 2^${shift}`;
  const ssz = 1 << shift;
  const sectorCount = Math.ceil((data.length - ssz) / ssz);
  const sectorAt = (n: number) => (n >= 0 && n < sectorCount ? ssz + n * ssz : -1);
  const u32 = (offset: number) => (offset + 4 <= data.length ? data.readUInt32LE(offset) : ENDOFCHAIN);

  const fatSectors: number[] = [];
  for (let i = 0; i < 109; i++) {
    const s = u32(0x4c + i * 4);
    if (s < MAX_REGULAR_SECTOR) fatSectors.push(s);
  }
  let difat = u32(0x44);
  const seenDifat = new Set<number>();
  while (difat < MAX_REGULAR_SECTOR && !seenDifat.has(difat) && seenDifat.size < sectorCount) {
    seenDifat.add(difat);
    const base = sectorAt(difat);
    if (base < 0) break;
    for (let i = 0; i < ssz / 4 - 1; i++) {
      const s = u32(base + i * 4);
      if (s < MAX_REGULAR_SECTOR) fatSectors.push(s);
    }
    difat = u32(base + ssz - 4);
  }
  const next = (n: number): number => {
    const fat = fatSectors[Math.floor((n * 4) / ssz)];
    const base = fat === undefined ? -1 : sectorAt(fat);
    return base < 0 ? ENDOFCHAIN : u32(base + ((n * 4) % ssz));
  };

  const seen = new Set<number>();
  const entries: number[] = [];
  for (let dir = u32(0x30); dir < MAX_REGULAR_SECTOR; dir = next(dir)) {
    if (seen.has(dir) || seen.size > sectorCount) return 'directory chain loops';
    seen.add(dir);
    const base = sectorAt(dir);
    if (base < 0) return 'directory sector outside the file';
    for (let e = base; e + 128 <= base + ssz && e + 128 <= data.length; e += 128) {
      entries.push(e);
      const type = data[e + 66];
      const start = u32(e + 116);
      const size = u32(e + 120);
      if (type !== 5 && size >= 4096 && start < MAX_REGULAR_SECTOR && start >= sectorCount) return `stream starts past the end (sector ${start})`;
    }
  }
  return directoryTreeProblem(data, entries);
}

/** Every link of the directory tree from the root entry, each entry reached once, ids in range. */
function directoryTreeProblem(data: Buffer, entries: number[]): string | null {
  const root = entries[0];
  if (root === undefined || data[root + 66] !== 5) return 'no root directory entry';
  const visited = new Set<number>([0]);
  const pending: number[] = [data.readUInt32LE(root + 76)];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (id === NOSTREAM) continue;
    if (id >= entries.length) return `directory entry ${id} out of range`;
    if (visited.has(id)) return `directory tree loops (entry ${id})`;
    visited.add(id);
    const e = entries[id];
    pending.push(data.readUInt32LE(e + 68), data.readUInt32LE(e + 72));
    // Only a storage has children; writers leave a stream's child field unchecked by readers.
    if (data[e + 66] === 1) pending.push(data.readUInt32LE(e + 76));
  }
  return null;
}
