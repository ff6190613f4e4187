"""Validates OSCAL documents with a validator written by others: compliance-trestle's OSCAL models.

    python validate.py catalog FILE...   each FILE must load as an OSCAL catalog
    python validate.py profile FILE...   each FILE must load as an OSCAL profile

Prints one line per file and exits non-zero if any file does not validate.
"""
import pathlib
import sys

from trestle.oscal.catalog import Catalog
from trestle.oscal.profile import Profile

MODELS = {"catalog": Catalog, "profile": Profile}


def main(argv):
    if len(argv) < 3 or argv[1] not in MODELS:
        print(__doc__)
        return 2
    model = MODELS[argv[1]]
    failed = 0
    for name in argv[2:]:
        path = pathlib.Path(name)
        try:
            document = model.oscal_read(path)
            if document is None:
                raise ValueError("not recognised as an OSCAL " + argv[1])
            print(f"valid OSCAL {argv[1]}: {path}")
        except Exception as error:  # every failure is reported, whatever its type
            failed += 1
            print(f"INVALID OSCAL {argv[1]}: {path}: {error}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
