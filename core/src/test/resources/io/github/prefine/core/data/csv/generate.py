"""Writes the CSV cases of CsvGroundTruthTest and what Python's csv.reader reads from them.

Run from this folder: python3 generate.py [OUTDIR]. Each case NAME.csv is written with
csv.writer (or by hand where a writer would not produce it) and NAME.expected.jsonl holds one
JSON object per record that csv.reader returns, blank lines left out: {"line": the physical line
where the record starts, "fields": [...], "strict": whether csv.reader with strict=True, which
enforces RFC 4180 quoting, reads the record's lines}. Files are read back with newline="" and the
utf-8-sig codec, as the csv module's documentation asks, so a BOM is not part of the first field.
blank-lines.json holds, per case, how many blank lines csv.reader returns as empty records (the
records left out above), which a reader passes over and counts. The output is the same on every
run (seeded).
"""

import csv
import io
import json
import os
import random
import sys

HEADER = ["text_a", "text_b", "label"]
AWKWARD = ["", " ", "a", "b c", ",", '"', '""', "\n", "\r\n", "\r", "é", "\U0001F600", "\t", ";", "'", "x,y", ' "q" ']


# the delimiter cases also put the other delimiters, and their own, inside fields
DELIMITERS = {"semicolon": ";", "tab": "\t", "pipe": "|"}
AWKWARD_DELIMITED = AWKWARD + ["|", "a;b", "1,5", "x\ty"]


def rows(rnd, n, awkward=AWKWARD):
    out = []
    for _ in range(n):
        out.append(["".join(rnd.choice(awkward) for _ in range(rnd.randint(0, 4))) for _ in range(2)]
                   + [rnd.choice(["pos", "neg", "0", "1", "", "a,b"])])
    return out


def written(records, **fmt):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, **fmt)
    w.writerow(HEADER)
    w.writerows(records)
    return buf.getvalue()


def cases():
    rnd = random.Random(20261206)
    yield "minimal-crlf", written(rows(rnd, 40))
    yield "all-lf", written(rows(rnd, 40), quoting=csv.QUOTE_ALL, lineterminator="\n")
    yield "nonnumeric-cr", written(rows(rnd, 40), quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r")
    yield "bom-minimal-lf", "\ufeff" + written(rows(rnd, 20), lineterminator="\n")
    # by hand: blank lines (LF, CRLF, lone CR), a bare quote inside an unquoted field, a quoted
    # empty field, a trailing empty field, a quoted field over three lines, no final line end
    yield "by-hand", ("text_a,text_b,label\n\n"
                      "a 5\" screen,it's \"fine\",pos\r\n\r\n"
                      "\"\",,neg\r\r"
                      "\"one\ntwo\r\nthree\",\"say \"\"hi\"\", twice\",\n"
                      "last,row,pos")
    # defects: text after a closing quote, a record of two fields, and a quote open to the end
    yield "defects", ("text_a,text_b,label\n"
                      "ok,\"fine, really\",pos\n"
                      "\"quoted\"tail,x,neg\n"
                      "two,fields\n"
                      "after,\"multi\nline\",pos\r\n"
                      "\"open quote,never,closed\nto the end\n")
    # other delimiters (DELIMITERS names each case's by its first word): European spreadsheet
    # exports separate with semicolons, some tools with TAB or |
    rnd = random.Random(20261207)
    yield "semicolon-minimal-crlf", written(rows(rnd, 40, AWKWARD_DELIMITED), delimiter=";")
    yield "semicolon-all-lf", written(rows(rnd, 40, AWKWARD_DELIMITED), delimiter=";", quoting=csv.QUOTE_ALL,
                                      lineterminator="\n")
    yield "tab-minimal-lf", written(rows(rnd, 40, AWKWARD_DELIMITED), delimiter="\t", lineterminator="\n")
    yield "pipe-nonnumeric-cr", written(rows(rnd, 40, AWKWARD_DELIMITED), delimiter="|", quoting=csv.QUOTE_NONNUMERIC,
                                        lineterminator="\r")
    # by hand, semicolons: a decimal comma, commas unquoted, text after a closing quote, two fields
    yield "semicolon-defects", ("text_a;text_b;label\n"
                                "1,5 kg;\"a; b\";pos\n"
                                "\"quoted\"tail;x;neg\n"
                                "two;fields\n"
                                "x,y,z;\"multi\nline\";neg\n")


def delimiter(name):
    """The delimiter of a case, named by its first word; a comma for the rest."""
    return DELIMITERS.get(name.split("-")[0], ",")

def strict(lines, sep):
    """Whether csv.reader with strict=True (RFC 4180 quoting) reads these physical lines."""
    try:
        list(csv.reader(io.StringIO("".join(lines), newline=""), delimiter=sep, strict=True))
        return True
    except csv.Error:
        return False


def expected(text, sep):
    out = []
    text = text.encode("utf-8").decode("utf-8-sig")
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    start = 1
    for record in reader:
        if record:
            out.append(json.dumps({"line": start, "fields": record, "strict": strict(lines[start - 1:reader.line_num], sep)},
                                  ensure_ascii=False))
        start = reader.line_num + 1
    return "".join(line + "\n" for line in out)


def blank_lines(text, sep):
    text = text.encode("utf-8").decode("utf-8-sig")
    return sum(1 for record in csv.reader(io.StringIO(text, newline=""), delimiter=sep) if not record)


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    blanks = {}
    for name, text in cases():
        blanks[name] = blank_lines(text, delimiter(name))
        with open(os.path.join(folder, name + ".csv"), "w", encoding="utf-8", newline="") as f:
            f.write(text)
        with open(os.path.join(folder, name + ".csv"), encoding="utf-8-sig", newline="") as f:
            assert f.read() == text.lstrip("\ufeff")
        with open(os.path.join(folder, name + ".expected.jsonl"), "w", encoding="utf-8", newline="") as f:
            f.write(expected(text, delimiter(name)))
    with open(os.path.join(folder, "blank-lines.json"), "w", encoding="utf-8", newline="") as f:
        f.write(json.dumps(blanks, indent=2) + "\n")


if __name__ == "__main__":
    main()
