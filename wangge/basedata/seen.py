"""The unique values an import has seen so far, checked a chunk at a time.

An import of a million people keeps every keyed ID index it has read, to report a row
that repeats an earlier one. In a Python set of 32-character strings that is about 110 MB
of the importing process (objects plus hash table); `DigestSet` keeps the 16 bytes of each
digest in sorted numpy runs, about 16 MB, and answers a chunk with a few vector operations.
Other unique values (house codes, credit codes) are few per file and stay in a `ValueSet`.

Both offer the same small interface to `RowCleaner.duplicates`: `keys` turns a chunk's
values into keys, `fresh` says whether the keys are all new and all different, `update`
adds them, and `key`/`in`/`add`/`flush` serve the row-by-row walk of a chunk that has a
duplicate.
"""

from typing import Any

import numpy as np

DIGEST = np.dtype("S16")  # compared as whole 16-byte strings; never converted back to bytes


class ValueSet(set):
    def keys(self, values: list[Any]) -> list[Any]:
        return values

    def key(self, value: Any) -> Any:
        return value

    def fresh(self, keys: list[Any]) -> bool:
        return len(set(keys)) == len(keys) and self.isdisjoint(keys)

    def flush(self) -> None:
        """Nothing pending: a set takes each value as it is added."""


class DigestSet:
    """Hex digests of 32 characters, kept as 16 bytes in sorted runs, merged so that a run
    is at least as long as all later ones together: at most log2(chunks) runs to search."""

    def __init__(self) -> None:
        self.runs: list[np.ndarray] = []
        self.recent: set[bytes] = set()  # added one by one, until `flush`

    def __len__(self) -> int:
        return sum(len(run) for run in self.runs) + len(self.recent)

    def keys(self, values: list[str]) -> np.ndarray:
        return np.frombuffer(bytes.fromhex("".join(values)), dtype=DIGEST)

    def key(self, value: str) -> bytes:
        return bytes.fromhex(value)

    def fresh(self, keys: np.ndarray) -> bool:
        ordered = np.sort(keys)
        if (ordered[1:] == ordered[:-1]).any():
            return False
        if self.recent and any(key in self.recent for key in self._bytes(keys)):
            return False
        return not self._hits(ordered)

    def update(self, keys: np.ndarray) -> None:
        run = np.sort(keys)
        while self.runs and len(self.runs[-1]) <= len(run):
            run = np.sort(np.concatenate([self.runs.pop(), run]))
        self.runs.append(run)

    def __contains__(self, key: bytes) -> bool:
        return key in self.recent or self._hits(np.frombuffer(key, dtype=DIGEST))

    def add(self, key: bytes) -> None:
        self.recent.add(key)

    def flush(self) -> None:
        if self.recent:
            self.update(np.frombuffer(b"".join(self.recent), dtype=DIGEST))
            self.recent = set()

    def _hits(self, keys: np.ndarray) -> bool:
        for run in self.runs:
            at = np.searchsorted(run, keys)
            at[at == len(run)] = 0
            if (run[at] == keys).any():
                return True
        return False

    @staticmethod
    def _bytes(keys: np.ndarray) -> list[bytes]:
        raw = keys.tobytes()
        return [raw[i : i + 16] for i in range(0, len(raw), 16)]
