"""Find runs of words that a lesson copies word for word from the source pages.

The course is written afresh from the pages in the seeds folder; a run of N
or more words (10 by default) that a content file shares with a source page is
a sign that a sentence was copied rather than rewritten. Words are compared
in lower case, without punctuation, so a change of a comma or of capitals does
not hide a copy; web addresses and bibliographies are not compared.

    python scripts/source_overlap.py [PATH ...] [--seeds DIR] [-n 10]

PATH: content files or folders (default: content/). Prints one line per copied
run, `path:line: N words: "..."`, and exits 1 when there is any.
"""
import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
URL = re.compile(r"https?://\S+")


def words_with_lines(text: str) -> list[tuple[str, int]]:
    """Every word of a text, in lower case, with the line it is on. Addresses
    are left out, and so is a module's bibliography: a reference is cited as
    published, not rewritten."""
    found = []
    in_bibliography = False
    for number, line in enumerate(text.splitlines(), 1):
        if line and not line[0].isspace() and not line.startswith("-"):
            in_bibliography = line.startswith("bibliography:")
        if in_bibliography:
            continue
        line = URL.sub(" ", line)
        found.extend((w.group().lower().replace("’", "'"), number) for w in WORD.finditer(line))
    return found


def source_ngrams(seeds: Path, n: int) -> set[tuple[str, ...]]:
    grams: set[tuple[str, ...]] = set()
    for page in sorted(seeds.glob("*.txt")):
        words = [w for w, _ in words_with_lines(page.read_text(encoding="utf-8"))]
        grams.update(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
    return grams


def copied_runs(path: Path, grams: set, n: int) -> list[tuple[int, int, str]]:
    """(line, number of words, the words) for each maximal run shared with a source."""
    found = words_with_lines(path.read_text(encoding="utf-8"))
    words = [w for w, _ in found]
    runs, start, end = [], None, -1
    for i in range(len(words) - n + 1):
        if tuple(words[i:i + n]) in grams:
            if start is None or i > end:
                if start is not None:
                    runs.append((start, end))
                start = i
            end = i + n
    if start is not None:
        runs.append((start, end))
    return [(found[s][1], e - s, " ".join(words[s:e])) for s, e in runs]


def files_in(paths: list[Path]) -> list[Path]:
    files = []
    for path in paths:
        files.extend(sorted(path.rglob("*.yaml")) if path.is_dir() else [path])
    return files


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "content"])
    parser.add_argument("--seeds", type=Path, default=Path("/work/shared/seeds"))
    parser.add_argument("-n", type=int, default=10, help="the shortest run reported, in words")
    args = parser.parse_args(argv)
    grams = source_ngrams(args.seeds, args.n)
    count = 0
    for path in files_in(args.paths):
        for line, length, text in copied_runs(path, grams, args.n):
            count += 1
            print(f'{path}:{line}: {length} words: "{text}"')
    print(f"{count} copied run(s) of {args.n} or more words.", file=sys.stderr)
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main())
