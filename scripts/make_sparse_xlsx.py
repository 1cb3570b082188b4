#!/usr/bin/env python3
"""Writes a small membership table as .xlsx (standard library only) with cells far away:

    make_sparse_xlsx.py OUT.xlsx stray      # the quirk listing and one cell at XFD1048576
    make_sparse_xlsx.py OUT.xlsx scattered  # the listing and 16 384 cells on a diagonal
    make_sparse_xlsx.py OUT.xlsx merged     # the listing, each CPTS's cells merged down its rows
    make_sparse_xlsx.py OUT.ods stray       # the listing as .ods, one cell 9,000 rows and
                                            # 10,000 columns away (repeated empty cells)

calamine sizes a sheet from its farthest cell: read as a whole, the first asks for 549 GB,
the .ods (1 KB) for 5.6 GB. tests/real_world_perimeters.rs checks that cpts reads the
first and refuses the others.
"""
import re
import sys
import zipfile


def column(n):
    letters = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def cell(row, col, text):
    return (f'<c r="{column(col)}{row + 1}" t="inlineStr"><is><t>{text}</t></is></c>')


TABLE = [["cpts_id", "cpts_nom", "statut", "code_insee"],
         ["A", "CPTS A", "projet", "22901"],
         ["A", "CPTS A", "projet", "22902"],
         ["B", "CPTS B", "signataire_aci", "22904"]]


def ods(out):
    text = lambda t: f'<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>'
    rows = "".join(f"<table:table-row>{''.join(text(t) for t in line)}</table:table-row>" for line in TABLE)
    rows += ('<table:table-row table:number-rows-repeated="9000">'
             '<table:table-cell table:number-columns-repeated="10000"/></table:table-row>'
             '<table:table-row><table:table-cell table:number-columns-repeated="10000"/>'
             + text("x") + "</table:table-row>")
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="CPTS">{rows}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)


def main(out, kind):
    if out.endswith(".ods"):
        return ods(out)
    table = [list(line) for line in TABLE]
    rows = ["<row r=\"%d\">%s</row>" % (r + 1, "".join(cell(r, c, t) for c, t in enumerate(line)))
            for r, line in enumerate(table)]
    merges = ""
    if kind == "merged":
        table[2][:3] = ["", "", ""]
        rows = ["<row r=\"%d\">%s</row>" % (r + 1, "".join(cell(r, c, t) for c, t in enumerate(line) if t))
                for r, line in enumerate(table)]
        rows.insert(0, '<row r="1">%s</row>' % cell(0, 0, "CPTS des Côtes-d'Armor, liste de mars 2024"))
        rows[1:] = [r.replace('<row r="%d">' % (k + 1), '<row r="%d">' % (k + 2)) for k, r in enumerate(rows[1:])]
        rows = [rows[0]] + [re.sub(r'r="([A-Z]+)(\d+)"', lambda m: 'r="%s%d"' % (m.group(1), int(m.group(2)) + 1), r)
                            for r in rows[1:]]
        merges = ('<mergeCells count="4"><mergeCell ref="A1:D1"/><mergeCell ref="A3:A4"/>'
                  '<mergeCell ref="B3:B4"/><mergeCell ref="C3:C4"/></mergeCells>')
    elif kind == "stray":
        rows.append('<row r="1048576">%s</row>' % cell(1048575, 16383, "x"))
    else:
        for k in range(16384):
            rows.append('<row r="%d">%s</row>' % (k + 10, cell(k + 9, k, "x")))
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<dimension ref="A1:XFD1048576"/><sheetData>' + "".join(rows) + "</sheetData>" + merges + "</worksheet>")
    files = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '</Types>',
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>',
        "xl/workbook.xml":
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="CPTS" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '</Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
