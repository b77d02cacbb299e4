"""Fill a .po catalogue's empty entries from a JSON file {msgid: msgstr} (plural: msgstr as a list).

Usage: python scripts/fill_po.py training/translations/fr/LC_MESSAGES/messages.po translations.json
Also used at integration to merge catalogues: `--from other.po` copies translations present there.
"""
from __future__ import annotations

import json
import sys

from babel.messages.pofile import read_po, write_po


def main(argv: list[str]) -> int:
    target = argv[0]
    with open(target, 'rb') as fh:
        catalog = read_po(fh)
    sources: dict = {}
    args = argv[1:]
    while args:
        arg = args.pop(0)
        if arg == '--from':
            with open(args.pop(0), 'rb') as fh:
                other = read_po(fh)
            for msg in other:
                if msg.id and msg.string and (not isinstance(msg.string, tuple) or all(msg.string)):
                    sources.setdefault(msg.id, msg.string)
        else:
            with open(arg, encoding='utf-8') as fh:
                for key, value in json.load(fh).items():
                    sources[key] = value
    filled = missing = 0
    for msg in catalog:
        if not msg.id:
            continue
        key = msg.id[0] if isinstance(msg.id, tuple) else msg.id
        empty = not msg.string or (isinstance(msg.string, tuple) and not all(msg.string))
        if empty and key in sources:
            value = sources[key]
            if isinstance(msg.id, tuple):
                forms = [value] if isinstance(value, str) else list(value)
                # as many forms as the language has (es: 3, ar: 6): a shorter list repeats its last (plural) form
                msg.string = tuple((forms + forms[-1:] * catalog.num_plurals)[:catalog.num_plurals])
            else:
                msg.string = value if isinstance(value, str) else value[0]
            filled += 1
        elif empty:
            missing += 1
        msg.flags.discard('fuzzy')
    with open(target, 'wb') as fh:
        write_po(fh, catalog, omit_header=False, no_location=True, width=120)
    print(f'{target}: {filled} filled, {missing} still empty')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
