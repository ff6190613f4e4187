"""Opens an SoA workbook that the browser downloaded, with a spreadsheet library written by others (openpyxl), and
checks that it reads as a spreadsheet with Swedish characters intact.

    python check_xlsx.py FILE CONTROL IN_USE JUSTIFICATION
"""
import sys

from openpyxl import load_workbook


def main(argv):
    path, control, in_use, justification = argv[1:5]
    sheet = load_workbook(path, read_only=True).worksheets[0]
    rows = [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert sheet.title == "Valda säkerhetsåtgärder", sheet.title
    assert "Ska användas" in header and "Åtgärd (ISO/IEC 27001:2022)" in header, header
    assert len(rows) == 1 + 93, len(rows)
    row = next(r for r in rows[1:] if r[0] == control)
    assert row[header.index("Ska användas")] == in_use, row
    assert row[header.index("Motivering")] == justification, row
    print(f"the SoA workbook opens: {len(rows) - 1} controls, {control}: {in_use}, {justification}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
