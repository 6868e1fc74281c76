"""What a disk holds after a power cut, rebuilt from the log that recorder.so writes.

The model is the strict one of ALICE and CrashMonkey: after a cut, a file holds what it
held when its last completed fsync/fdatasync began (nothing if it never had one), and a
folder holds the entries it listed when its last completed fsync began. Writes, new
names and renames that nobody synced are gone. See docs/DURABILITY.md."""
import os


class Disk:
    def __init__(self, root):
        """The starting point: `root` as it is now, after os.sync(), all durable."""
        self.root = os.path.realpath(root)
        self.generation = {}  # inode -> its current generation (inode numbers are reused)
        self.volatile = {}  # (inode, generation) -> bytearray: what the page cache holds
        self.durable = {}  # (inode, generation) -> bytes: what the disk holds
        self.entries = {}  # folder (inode, generation) -> {name: ((inode, generation), kind)}
        self.pending = {}  # (thread, inode) -> a sync that began: (key, snapshot, when)
        self.synced_at = {}  # key -> when the sync that made it durable began
        self.clock = 0  # counts records: a sync's start time
        self.acknowledged = []  # what the driver saw acknowledged, in order
        self.root_key = self._scan(self.root)

    def _key(self, inode):
        return (inode, self.generation.setdefault(inode, 0))

    def _scan(self, path):
        key = self._key(os.lstat(path).st_ino)
        listing = {}
        for name in os.listdir(path):
            child = os.path.join(path, name)
            info = os.lstat(child)
            if os.path.isdir(child):
                listing[name] = (self._scan(child), "d")
            elif os.path.isfile(child):
                child_key = self._key(info.st_ino)
                with open(child, "rb") as file:
                    content = file.read()
                self.volatile[child_key] = bytearray(content)
                self.durable[child_key] = content
                listing[name] = (child_key, "f")
        self.entries[key] = listing
        return key

    def _content(self, key):
        return self.volatile.setdefault(key, bytearray())

    def apply(self, record, payload):
        """One record of the log (see recorder.c)."""
        kind, *fields = record.split(" ")
        self.clock += 1
        if kind == "W":
            inode, offset, length = int(fields[0]), int(fields[1]), int(fields[2])
            content = self._content(self._key(inode))
            if len(content) < offset:
                content.extend(bytes(offset - len(content)))
            content[offset:offset + length] = payload
        elif kind == "T":
            content = self._content(self._key(int(fields[0])))
            length = int(fields[1])
            if len(content) > length:
                del content[length:]
            else:
                content.extend(bytes(length - len(content)))
        elif kind in ("N", "U"):
            inode = int(fields[0])
            self.generation[inode] = self.generation.get(inode, 0) + 1
            self.volatile[self._key(inode)] = bytearray()
        elif kind == "S0":
            key = self._key(int(fields[1]))
            self.pending[(fields[0], int(fields[1]))] = (key, bytes(self._content(key)), self.clock)
        elif kind == "S1":
            pending = self.pending.pop((fields[0], int(fields[1])), None)
            if pending and self._newer(pending):
                self.durable[pending[0]] = pending[1]
        elif kind == "D0":
            listing = {}
            for line in payload.decode("utf-8", "surrogateescape").splitlines():
                name, inode, entry_kind = line.split("\t")
                listing[name] = (self._key(int(inode)), entry_kind)
            self.pending[(fields[0], int(fields[1]))] = (self._key(int(fields[1])), listing, self.clock)
        elif kind == "D1":
            pending = self.pending.pop((fields[0], int(fields[1])), None)
            if pending and self._newer(pending):
                self.entries[pending[0]] = pending[1]
        elif kind == "A":
            self.acknowledged.append(fields)
        else:
            raise ValueError(f"unknown record {record!r}")

    def _newer(self, pending):
        """Whether a sync that just returned began after the one that made the current
        durable state: two threads syncing one file or folder at once may return in
        either order, and what the later-started one saw is on disk either way."""
        key, _, began = pending
        if began < self.synced_at.get(key, 0):
            return False
        self.synced_at[key] = began
        return True

    def materialize(self, target):
        """Writes what the disk would hold now into the empty folder `target`. SQLite's
        shared-memory index (-shm) is left out: it lives in memory and is rebuilt."""
        def build(key, path):
            for name, (child, kind) in self.entries.get(key, {}).items():
                where = os.path.join(path, name)
                if kind == "d":
                    os.mkdir(where)
                    build(child, where)
                elif not name.endswith("-shm"):
                    with open(where, "wb") as file:
                        file.write(self.durable.get(child, b""))
        build(self.root_key, target)


def read_log(path):
    """The log's records as (line, payload) pairs, in the order they were appended."""
    with open(path, "rb") as file:
        data = file.read()
    records, position = [], 0
    while position < len(data):
        end = data.index(b"\n", position)
        line = data[position:end].decode()
        position = end + 1
        fields = line.split(" ")
        length = 0
        if fields[0] == "W":
            length = int(fields[3])
        elif fields[0] == "D0":
            # count entries, each one line
            for _ in range(int(fields[3])):
                length = data.index(b"\n", position + length) - position + 1
        payload = data[position:position + length]
        position += length
        records.append((line, payload))
    return records
