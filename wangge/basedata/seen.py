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
    """Hex digests of 32 characters, kept as two 64-bit halves in runs sorted by the first
    half (integer sorts and searches: a third of the cost of comparing 16-byte strings), a
    run at least as long as all later ones together: at most log2(chunks) runs to search.
    A first half found is only a candidate; the second half decides."""

    def __init__(self) -> None:
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []  # (first halves sorted, seconds)
        self.recent: set[bytes] = set()  # added one by one, until `flush`

    def __len__(self) -> int:
        return sum(len(first) for first, _ in self.runs) + len(self.recent)

    def keys(self, values: list[str]) -> np.ndarray:
        return self._halves(bytes.fromhex("".join(values)))

    def key(self, value: str) -> bytes:
        return bytes.fromhex(value)

    def fresh(self, keys: np.ndarray) -> bool:
        ordered = keys[np.lexsort((keys[:, 1], keys[:, 0]))]
        if (ordered[1:] == ordered[:-1]).all(axis=1).any():
            return False
        if self.recent and any(key in self.recent for key in self._bytes(keys)):
            return False
        return not self._hits(keys)

    def update(self, keys: np.ndarray) -> None:
        first, second = keys[:, 0], keys[:, 1]
        order = np.argsort(first, kind="stable")
        first, second = first[order], second[order]
        while self.runs and len(self.runs[-1][0]) <= len(first):
            last_first, last_second = self.runs.pop()
            first = np.concatenate([last_first, first])
            second = np.concatenate([last_second, second])
            order = np.argsort(first, kind="stable")  # two sorted runs: a linear merge
            first, second = first[order], second[order]
        self.runs.append((first, second))

    def __contains__(self, key: bytes) -> bool:
        return key in self.recent or self._hits(self._halves(key))

    def add(self, key: bytes) -> None:
        self.recent.add(key)

    def flush(self) -> None:
        if self.recent:
            self.update(self._halves(b"".join(self.recent)))
            self.recent = set()

    def _hits(self, keys: np.ndarray) -> bool:
        first, second = keys[:, 0], keys[:, 1]
        for run_first, run_second in self.runs:
            left = np.searchsorted(run_first, first, "left")
            right = np.searchsorted(run_first, first, "right")
            for i in np.flatnonzero(right > left):
                if (run_second[left[i] : right[i]] == second[i]).any():
                    return True
        return False

    @staticmethod
    def _halves(raw: bytes) -> np.ndarray:
        return np.frombuffer(raw, dtype=np.uint64).reshape(-1, 2)

    @staticmethod
    def _bytes(keys: np.ndarray) -> list[bytes]:
        raw = keys.tobytes()
        return [raw[i : i + 16] for i in range(0, len(raw), 16)]
